//! Which assumptions drive the answer: one-at-a-time sensitivity (a tornado).
//!
//! Each key parameter is set to a low and a high value (the rest at the
//! scenario's values) and run over the same seeds as the base. Common random
//! numbers hold decision by decision (every operator's draws are keyed by
//! operator, month and purpose: [`crate::rng::keyed_unit`]), so a seed's
//! difference from its own base run is the parameter's, not the dice's.
//! The outputs are the mean over the last 30 days of the hash rate, the
//! security budget and the Nakamoto coefficient of pools. For each setting
//! and output the effect is the **median over seeds of the paired log ratio**
//! `ln(case / base)`, shown as a percent change, with a distribution-free 95%
//! confidence interval for that median (order statistics of the binomial);
//! an interval that contains 0 means the parameter's effect cannot be told
//! from noise at these seeds. At least [`MIN_RUNS_FOR_INTERVALS`] seeds are
//! advised (the CLI and the page use 50). Parameters are listed by the swing
//! of their effects on the hash rate.

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

/// The key parameters and plausible ranges (`docs/CALIBRATION.md` spans where it has them).
pub const LEVERS: &[Lever] = &[
    Lever { field: "start_price_usd", range: LeverRange::Factors(0.7, 1.3) },
    Lever { field: "price_drift", range: LeverRange::Values(-0.3, 0.3) },
    Lever { field: "fee_btc_per_block", range: LeverRange::Values(0.01, 0.1) },
    Lever { field: "power_price_median_usd_per_kwh", range: LeverRange::Values(0.035, 0.0555) },
    Lever { field: "power_price_trend_pct_per_year", range: LeverRange::Values(0.0, 10.0) },
    Lever { field: "ai_revenue_usd_per_mw_year", range: LeverRange::Values(1_000_000.0, 1_850_000.0) },
    Lever { field: "ai_market_mw_per_year", range: LeverRange::Values(500.0, 5_000.0) },
    Lever { field: "ai_eligible_share", range: LeverRange::Values(0.1, 0.4) },
    Lever { field: "ai_conversion_capex_usd_per_mw", range: LeverRange::Values(3_000_000.0, 5_000_000.0) },
    Lever { field: "asic_price_payback_days", range: LeverRange::Values(400.0, 800.0) },
    Lever { field: "asic_efficiency_gain_pct", range: LeverRange::Values(8.0, 25.0) },
    Lever { field: "manufacturer_self_mining", range: LeverRange::Values(0.0, 1.0) },
    Lever { field: "manufacturer_production_ehs_per_month", range: LeverRange::Values(10.0, 45.0) },
    Lever { field: "asic_capacity_lag_months", range: LeverRange::Values(3.0, 12.0) },
    Lever { field: "asic_markup_per_queue_month", range: LeverRange::Values(0.35, 1.4) },
    Lever { field: "pool_preference_strength", range: LeverRange::Values(0.5, 2.0) },
    Lever { field: "entry_pct_per_month", range: LeverRange::Values(0.3, 3.0) },
    Lever { field: "switch_off_days", range: LeverRange::Values(1.0, 21.0) },
];

/// Seeds from which the confidence intervals mean something (below this they are wide).
pub const MIN_RUNS_FOR_INTERVALS: u32 = 50;

/// A setting's paired effect on one output: percent change from the base, median over seeds, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// `exp(median of ln(case / base)) - 1`, percent.
    pub median_pct: f64,
    /// Lower end of the 95% confidence interval of that median, percent.
    pub ci_low_pct: f64,
    /// Upper end, percent.
    pub ci_high_pct: f64,
}

impl Effect {
    /// Whether the interval contains 0: no effect can be told from noise.
    pub fn crosses_zero(&self) -> bool {
        self.ci_low_pct <= 0.0 && self.ci_high_pct >= 0.0
    }

    /// The effect of paired log ratios (one per seed).
    pub fn of_log_ratios(mut ratios: Vec<f64>) -> Effect {
        ratios.sort_unstable_by(f64::total_cmp);
        let pct = |x: f64| (crate::math::exp(x) - 1.0) * 100.0;
        let (low, high) = median_interval(&ratios);
        Effect { median_pct: pct(percentile_sorted(&ratios, 50.0)), ci_low_pct: pct(low), ci_high_pct: pct(high) }
    }
}

/// A distribution-free 95% interval for the median of `sorted`: the order
/// statistics at ranks `n/2 -+ 1.96 sqrt(n)/2` (the normal approximation to
/// the binomial; for n = 50, ranks 18 and 33 as in the standard tables).
pub fn median_interval(sorted: &[f64]) -> (f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let half = n as f64 / 2.0;
    let reach = 1.96 * (n as f64).sqrt() / 2.0;
    let low = ((half - reach).floor() as usize).clamp(1, n);
    let high = ((half + reach).ceil() as usize + 1).clamp(1, n);
    (sorted[low - 1], sorted[high - 1])
}

/// The paired log ratio of one seed's output to its base run's (values at or below 0 count as a millionth).
fn log_ratio(case: f64, base: f64) -> f64 {
    let floor = |v: f64| v.max(1e-6);
    crate::math::ln(floor(case) / floor(base))
}

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
    /// Paired effect of the low value on each output.
    pub effect_low: Vec<Effect>,
    /// Paired effect of the high value on each output.
    pub effect_high: Vec<Effect>,
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
    let effect_of = |setting: u32| -> Vec<Effect> {
        (0..OUTPUTS.len())
            .map(|o| {
                Effect::of_log_ratios(
                    (0..runs).map(|r| log_ratio(values[(setting * runs + r) as usize][o], values[r as usize][o])).collect(),
                )
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
                effect_low: effect_of(1 + 2 * k as u32),
                effect_high: effect_of(2 + 2 * k as u32),
            }
        })
        .collect();
    let swing = |l: &LeverEffect| (l.effect_high[0].median_pct - l.effect_low[0].median_pct).abs();
    levers.sort_by(|a, b| swing(b).total_cmp(&swing(a)).then(a.field.cmp(&b.field)));
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
        csv.write_record([
            "field",
            "low",
            "high",
            "output",
            "base",
            "at_low",
            "at_high",
            "swing",
            "effect_low_pct",
            "effect_low_ci_low_pct",
            "effect_low_ci_high_pct",
            "effect_high_pct",
            "effect_high_ci_low_pct",
            "effect_high_ci_high_pct",
            "crosses_zero",
        ])
        .expect("writing to memory");
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
                    f(lever.effect_low[o].median_pct),
                    f(lever.effect_low[o].ci_low_pct),
                    f(lever.effect_low[o].ci_high_pct),
                    f(lever.effect_high[o].median_pct),
                    f(lever.effect_high[o].ci_low_pct),
                    f(lever.effect_high[o].ci_high_pct),
                    (lever.effect_low[o].crosses_zero() && lever.effect_high[o].crosses_zero()).to_string(),
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
    fn the_median_interval_uses_the_tabled_ranks() {
        let sorted: Vec<f64> = (1..=50).map(f64::from).collect();
        assert_eq!(median_interval(&sorted), (18.0, 33.0));
        let effect = Effect::of_log_ratios((0..50).map(|i| (f64::from(i) - 24.5) * 0.001).collect());
        assert!(effect.crosses_zero(), "{effect:?}");
        let shifted = Effect::of_log_ratios((0..50).map(|i| 0.1 + f64::from(i) * 0.001).collect());
        assert!(!shifted.crosses_zero() && shifted.median_pct > 10.0, "{shifted:?}");
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
        assert!(price.effect_high[1].median_pct > 0.0 && price.effect_low[1].median_pct < 0.0, "{price:?}");
        assert_eq!(result.levers.len(), LEVERS.len());
        assert!(result.to_csv_string().lines().count() == 1 + 3 * LEVERS.len());
    }
}
