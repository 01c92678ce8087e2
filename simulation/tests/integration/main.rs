//! Integration tests of the model, one module per behaviour.

mod ai_deals;
mod behaviour;
mod calibration;
mod conservation;
mod determinism;
mod firms;
mod history;
mod long_run;
mod parsing;
mod properties;
mod scripts;
mod statistics;
mod stories;

use simulation::{RunResult, Scenario};

/// A small, quick scenario for tests: the default network with fewer agents.
pub fn small(operators: u32, years: f64, seed: u64) -> Scenario {
    Scenario { operators, years, seed, ..Scenario::default() }
}

/// Runs a scenario that must be valid.
pub fn run(scenario: &Scenario) -> RunResult {
    simulation::run(scenario).unwrap_or_else(|e| panic!("scenario should be valid: {e}"))
}

/// The median of some numbers.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
