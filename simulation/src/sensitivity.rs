//! Which assumptions drive the answer: one-at-a-time sensitivity (a tornado).
//!
//! Each key parameter is set to a low and a high value (the rest at the
//! scenario's values) and run over the same seeds as the base (common random
//! numbers, so differences are the parameter's, not the dice's). The outputs
//! are the mean over the last 30 days of the final hash rate, the security
//! budget and the Nakamoto coefficient of pools; each is the median across
//! seeds. Parameters are listed by the swing they cause in the hash rate.

use crate::montecarlo::{check_runs, map_runs, percentile_sorted, run_seed, BatchError, Progress};
use crate::output::DailyRecord;
use crate::scenario::{FieldKind, FieldSpec, Scenario};
use serde::{Deserialize, Serialize};

/// The outputs the analysis reports.
pub const OUTPUTS: [&str; 3] = ["hashrate_ehs", "security_budget_usd_per_day", "nakamoto_pools"];

/// A parameter and how far it moves, as multiples of its value or as values.
#[derive(Debug, Clone, Copy)]
pub struct Lever {
    /// The scenario field.
    pub field: &'static str,
    /// Low and high values.
    pub range: LeverRange,
}

/// How a lever's low and high are set.
#[derive(Debug, Clone, Copy)]
pub enum LeverRange {
    /// The scenario's value times these factors.
    Factors(f64, f64),
    /// These values.
    Values(f64, f64),
}

/// The key parameters and plausible ranges (`shared/CALIBRATION.md` spans where it has them).
pub const LEVERS: &[Lever] = &[
    Lever { field: "start_price_usd", range: LeverRange::Factors(0.7, 1.3) },
    Lever { field: "price_drift", range: LeverRange::Values(-0.3, 0.3) },
    Lever { field: "fee_btc_per_block", range: LeverRange::Values(0.01, 0.1) },
    Lever { field: "power_price_median_usd_per_kwh", range: LeverRange::Values(0.035, 0.0555) },
    Lever { field: "power_price_trend_pct_per_year", range: LeverRange::Values(0.0, 10.0) },
    Lever { field: "ai_revenue_usd_per_mw_year", range: LeverRange::Values(1_000_000.0, 1_850_000.0) },
    Lever { field: "ai_market_mw_per_year", range: LeverRange::Values(500.0, 5_000.0) },
    Lever { field: "ai_conversion_capex_usd_per_mw", range: LeverRange::Values(3_000_000.0, 5_000_000.0) },
    Lever { field: "asic_price_payback_days", range: LeverRange::Values(400.0, 800.0) },
    Lever { field: "asic_efficiency_gain_pct", range: LeverRange::Values(8.0, 25.0) },
    Lever { field: "manufacturer_self_mining", range: LeverRange::Values(0.0, 1.0) },
    Lever { field: "manufacturer_production_ehs_per_month", range: LeverRange::Values(10.0, 45.0) },
    Lever { field: "pool_preference_strength", range: LeverRange::Values(0.5, 2.0) },
    Lever { field: "entry_pct_per_month", range: LeverRange::Values(0.3, 3.0) },
    Lever { field: "switch_off_days", range: LeverRange::Values(1.0, 21.0) },
];

/// One lever's effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeverEffect {
    /// The field.
    pub field: String,
    /// Its low and high values.
    pub low: f64,
    /// High value.
    pub high: f64,
    /// Median of each output ([`OUTPUTS`] order) with the field low.
    pub at_low: Vec<f64>,
    /// Median of each output with the field high.
    pub at_high: Vec<f64>,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The model version.
    pub model_version: String,
    /// The base scenario.
    pub scenario: Scenario,
    /// Seeds per setting.
    pub runs: u32,
    /// The outputs, in order.
    pub outputs: Vec<String>,
    /// The base's median of each output.
    pub base: Vec<f64>,
    /// Each lever, largest hash-rate swing first.
    pub levers: Vec<LeverEffect>,
}

impl Lever {
    /// Its low and high values for `scenario`, within the field's range
    /// (whole numbers for integer fields). The page's tornado uses the same.
    pub fn values(&self, scenario: &Scenario) -> (f64, f64) {
        lever_values(self, scenario)
    }
}

fn lever_values(lever: &Lever, scenario: &Scenario) -> (f64, f64) {
    let spec = FieldSpec::find(lever.field).expect("levers name scenario fields");
    let current: f64 = scenario.field_text(lever.field).and_then(|t| t.parse().ok()).unwrap_or(0.0);
    let (low, high) = match lever.range {
        LeverRange::Factors(a, b) => (current * a, current * b),
        LeverRange::Values(a, b) => (a, b),
    };
    let fit = |v: f64| {
        let v = v.clamp(spec.min, spec.max);
        if spec.kind == FieldKind::Integer {
            crate::math::round(v)
        } else {
            v
        }
    };
    (fit(low), fit(high))
}

/// Days at the end of a run whose mean is each output.
const TAIL_DAYS: u32 = 30;

/// The mean of the last [`TAIL_DAYS`] days of each output.
fn outputs_of(tail: &[DailyRecord]) -> Vec<f64> {
    OUTPUTS
        .iter()
        .map(|column| tail.iter().map(|d: &DailyRecord| d.value(column).unwrap_or(0.0)).sum::<f64>() / tail.len().max(1) as f64)
        .collect()
}

/// Runs the analysis: (1 + 2 x levers) x `runs` runs.
pub fn run_sensitivity(scenario: &Scenario, runs: u32, progress: &Progress) -> Result<Sensitivity, BatchError> {
    scenario.validate()?;
    check_runs(runs)?;
    // Setting 0 is the base; setting 1 + 2k is lever k low, 2 + 2k lever k high.
    let settings = 1 + 2 * LEVERS.len() as u32;
    let tasks: Vec<u32> = (0..settings * runs).collect();
    let values = map_runs(&tasks, |task| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let (setting, run) = (task / runs, task % runs);
        let mut case = Scenario { seed: run_seed(scenario.seed, run), ..scenario.clone() };
        if setting > 0 {
            let lever = &LEVERS[((setting - 1) / 2) as usize];
            let (low, high) = lever_values(lever, scenario);
            case.set_field(lever.field, &format!("{}", if setting % 2 == 1 { low } else { high }))?;
        }
        let days = case.days();
        let tail: Vec<u32> = (days.saturating_sub(TAIL_DAYS)..days).collect();
        let records = crate::run_days(&case, &tail)?;
        progress.tick();
        Ok(outputs_of(&records))
    })?;
    let median_of = |setting: u32| -> Vec<f64> {
        (0..OUTPUTS.len())
            .map(|o| {
                let mut column: Vec<f64> = (0..runs).map(|r| values[(setting * runs + r) as usize][o]).collect();
                column.sort_unstable_by(f64::total_cmp);
                percentile_sorted(&column, 50.0)
            })
            .collect()
    };
    let base = median_of(0);
    let mut levers: Vec<LeverEffect> = LEVERS
        .iter()
        .enumerate()
        .map(|(k, lever)| {
            let (low, high) = lever_values(lever, scenario);
            LeverEffect {
                field: lever.field.to_string(),
                low,
                high,
                at_low: median_of(1 + 2 * k as u32),
                at_high: median_of(2 + 2 * k as u32),
            }
        })
        .collect();
    levers.sort_by(|a, b| (b.at_high[0] - b.at_low[0]).abs().total_cmp(&(a.at_high[0] - a.at_low[0]).abs()).then(a.field.cmp(&b.field)));
    Ok(Sensitivity {
        model_version: crate::MODEL_VERSION.to_string(),
        scenario: scenario.clone(),
        runs,
        outputs: OUTPUTS.iter().map(|s| s.to_string()).collect(),
        base,
        levers,
    })
}

impl Sensitivity {
    /// As CSV: one row per lever and output.
    pub fn to_csv_string(&self) -> String {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(["field", "low", "high", "output", "base", "at_low", "at_high", "swing"]).expect("writing to memory");
        for lever in &self.levers {
            for (o, output) in self.outputs.iter().enumerate() {
                let f = crate::output::format_number;
                csv.write_record([
                    lever.field.clone(),
                    f(lever.low),
                    f(lever.high),
                    output.clone(),
                    f(self.base[o]),
                    f(lever.at_low[o]),
                    f(lever.at_high[o]),
                    f(lever.at_high[o] - lever.at_low[o]),
                ])
                .expect("writing to memory");
            }
        }
        String::from_utf8(csv.into_inner().expect("flushing memory")).expect("CSV of numbers is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn every_lever_names_a_numeric_field_with_a_valid_range() {
        let scenario = Scenario::default();
        for lever in LEVERS {
            let spec = FieldSpec::find(lever.field).unwrap_or_else(|| panic!("{}", lever.field));
            assert!(matches!(spec.kind, FieldKind::Number | FieldKind::Integer));
            let (low, high) = lever_values(lever, &scenario);
            assert!(low < high, "{}", lever.field);
            let mut copy = scenario.clone();
            copy.set_field(lever.field, &format!("{low}")).unwrap();
            copy.set_field(lever.field, &format!("{high}")).unwrap();
        }
    }

    #[test]
    fn a_higher_price_means_more_hash_and_a_bigger_budget() {
        let scenario = Scenario { operators: 150, years: 1.0, ..Scenario::default() };
        let cancel = AtomicBool::new(false);
        let report = |_| {};
        let result = run_sensitivity(&scenario, 3, &Progress::new(&cancel, &report)).unwrap();
        let price = result.levers.iter().find(|l| l.field == "start_price_usd").unwrap();
        assert!(price.at_high[0] > price.at_low[0], "hash rate rises with price: {price:?}");
        assert!(price.at_high[1] > price.at_low[1], "budget rises with price: {price:?}");
        assert_eq!(result.levers.len(), LEVERS.len());
        assert!(result.to_csv_string().lines().count() == 1 + 3 * LEVERS.len());
    }
}
