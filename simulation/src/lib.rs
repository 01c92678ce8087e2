//! # Hashlab's model
//!
//! A protocol-exact, agent-based simulation of the Bitcoin mining economy.
//!
//! ```text
//!  Scenario ──► markets (price path, fees, power trend, AI hosting, ASIC prices)
//!                  │ hashprice = (subsidy + fees) · price · 86 400 · 1e15 / (D · 2^32)
//!                  ▼
//!  operators ──► lots of machines run or idle each day (hashprice vs. power cost)
//!     ▲            │ running hash by pool
//!     │            ▼
//!     │         chain: Poisson blocks at H / (D · 2^32), pools drawn by hash share,
//!     │                retarget every 2016 blocks (2015 intervals, 4x clamp), halvings
//!     │            │
//!     └─ monthly: cash flow, exit, expansion, AI conversion, entry, pool choice
//!                  ▼
//!            daily series: hash rate, hashprice, security budget, attack cost,
//!            Nakamoto coefficients, HHI, AI MW, energy … and a summary
//! ```
//!
//! One call runs a scenario:
//!
//! ```
//! let scenario = simulation::Scenario { operators: 200, years: 0.25, ..Default::default() };
//! let result = simulation::run(&scenario).expect("a valid scenario");
//! assert_eq!(result.days.len(), 91);
//! assert!(result.days[0].hashrate_ehs > 500.0);
//! ```
//!
//! The same scenario and seed give the same output, bit for bit, on every
//! machine: draws come from ChaCha8 streams (see [`rng`]) and every
//! transcendental function from `libm` (see [`math`]).
//!
//! Where to find things: the protocol in [`chain`]; price, fees (and the
//! mempool) and power in [`market`]; ASICs in [`hardware`], their orders on
//! the way and the makers' month in `machine_orders`; cheap power's limit in
//! `power_supply`; the AI market's room and conversions under way in
//! `ai_hosting`; operators in [`operators`] (per-kind tables in [`kind`])
//! and their monthly choices in `decisions`, built on pure
//! rules with their tests beside them: [`expectations`] (hashprice that knows
//! the halvings), [`exit`] (carry on, restructure or liquidate), [`ai`] (the
//! AI switch's present values); pools in
//! [`pools`]; concentration in [`metrics`]; the daily loop in `engine`; what
//! comes out in [`output`]; teaching presets in [`presets`].

#![warn(missing_docs)]

mod accounts;
// The model's ChaCha8 on wasm (natively `rand_chacha`'s; the tests hold the two streams equal).
pub mod ai;
mod ai_hosting;
pub mod backtest;
#[cfg(any(target_arch = "wasm32", test))]
mod chacha;
pub mod chain;
mod decisions;
mod engine;
mod entry;
pub mod error;
pub mod events;
pub mod exit;
pub mod expectations;
pub mod figure;
pub mod firms;
pub mod hardware;
pub mod history;
pub mod kind;
pub mod link;
mod machine_orders;
pub mod market;
pub mod math;
pub mod metrics;
pub mod montecarlo;
mod month_market;
pub mod operators;
pub mod output;
pub mod pools;
mod power_supply;
mod prefetch;
pub mod presets;
mod purchase;
pub mod rng;
pub mod scenario;
pub mod secondhand;
pub mod sensitivity;
pub mod story;
mod supply_curve;
pub mod sweep;
pub mod validation;
mod wear;

pub use error::ScenarioError;
pub use output::{DailyRecord, RunProgress, RunResult, Summary};
pub use scenario::{FieldSpec, PricePoint, Scenario, FIELDS};

/// The model's version. Links and exports carry it; it changes whenever the
/// same scenario and seed would give different output.
pub const MODEL_VERSION: &str = "14";

/// Validates `scenario` and runs it.
pub fn run(scenario: &Scenario) -> Result<RunResult, ScenarioError> {
    scenario.validate()?;
    Ok(engine::Sim::new(scenario).run())
}

/// Validates `scenario` and runs it, returning the records of `days` only
/// (in order; days past the end are left out). They equal those days of
/// [`run`]'s series; the other days' metrics are never computed, which makes
/// this the faster way to sample many runs.
pub fn run_days(scenario: &Scenario, days: &[u32]) -> Result<Vec<DailyRecord>, ScenarioError> {
    scenario.validate()?;
    let mut sim = engine::Sim::new(scenario);
    sim.record_only(days);
    Ok(sim.run().days)
}

/// Validates `scenario` and runs it, checking `cancel` once per simulated
/// day: `Ok(None)` when it was set (a server's client went away, a time
/// budget ran out) before the run finished.
pub fn run_cancellable(scenario: &Scenario, cancel: &std::sync::atomic::AtomicBool) -> Result<Option<RunResult>, ScenarioError> {
    scenario.validate()?;
    Ok(engine::Sim::new(scenario).run_until(|_| cancel.load(std::sync::atomic::Ordering::Relaxed)))
}

/// The share of the installed hash that runs on the first day of `scenario`
/// (its starting population, drawn as a run draws it).
pub(crate) fn starting_running_share(scenario: &Scenario) -> f64 {
    let sim = engine::Sim::new(scenario);
    let totals = &sim.fleet.totals;
    if totals.installed_hash <= 0 {
        return 0.0;
    }
    totals.running_hash as f64 / totals.installed_hash as f64
}

/// Why [`run_bounded`] stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// `cancel` was set.
    Cancelled,
    /// The series would have grown past the cell limit (operators starting
    /// their own pools add a column each): where the run stood then.
    TooLarge(RunProgress),
}

/// [`run_cancellable`], also stopping as soon as the series would have more
/// than `max_cells` cells (days x columns): a server that would refuse to
/// send such a run learns it on the day the pools grow past it, not after
/// the whole run. The days it does run are the same as [`run`]'s.
pub fn run_bounded(
    scenario: &Scenario,
    cancel: &std::sync::atomic::AtomicBool,
    max_cells: usize,
) -> Result<Result<RunResult, Stopped>, ScenarioError> {
    scenario.validate()?;
    let too_large = std::cell::Cell::new(None);
    let finished = engine::Sim::new(scenario).run_until(|progress| {
        if progress.output_cells() > max_cells {
            too_large.set(Some(*progress));
            return true;
        }
        cancel.load(std::sync::atomic::Ordering::Relaxed)
    });
    Ok(match (finished, too_large.get()) {
        (Some(result), _) => Ok(result),
        (None, Some(progress)) => Err(Stopped::TooLarge(progress)),
        (None, None) => Err(Stopped::Cancelled),
    })
}
