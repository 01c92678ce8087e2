//! Does the model reproduce late 2025? Checks of preset runs against what was
//! observed (`shared/CALIBRATION.md`), over many seeds.
//!
//! Each [`Check`] measures one statistic of a run (e.g. the trough of the
//! 7-day mean hashprice in late November) in every seed, and compares the
//! median with the band the observations support. The same checks back the
//! integration tests and `hashlab validate`, which writes `docs/VALIDATION.md`.

use crate::montecarlo::{map_runs, percentile_sorted, run_seed, BatchError, Progress};
use crate::output::RunResult;
use crate::presets;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One statistic of a run, compared with an observed band.
#[derive(Debug, Clone)]
pub struct Check {
    /// Short name.
    pub name: &'static str,
    /// What was observed, in words, with its source.
    pub observed: &'static str,
    /// The band the median across seeds must fall in, and why that band.
    pub band: (f64, f64),
    /// Why the band is what it is.
    pub reason: &'static str,
    /// The statistic of one run.
    pub measure: fn(&RunResult) -> f64,
}

/// One check's outcome across seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// The check's name.
    pub name: String,
    /// What was observed.
    pub observed: String,
    /// The accepted band for the median.
    pub band: (f64, f64),
    /// Why.
    pub reason: String,
    /// 5th, 50th and 95th percentile across seeds.
    pub p5: f64,
    /// Median across seeds.
    pub p50: f64,
    /// 95th percentile across seeds.
    pub p95: f64,
    /// Whether the median lies in the band.
    pub pass: bool,
}

/// All checks of one preset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetValidation {
    /// The preset.
    pub preset: String,
    /// Seeds run.
    pub runs: u32,
    /// Operators per run.
    pub operators: u32,
    /// Outcomes.
    pub checks: Vec<CheckOutcome>,
    /// The median run's daily hash rate, hashprice and difficulty (for charts): (date, hash EH/s, hashprice, difficulty T).
    pub median_path: Vec<(String, f64, f64, f64)>,
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

/// The mean of a column over the days whose dates fall in `[from, to]`.
fn mean_between(result: &RunResult, from: &str, to: &str, column: fn(&crate::DailyRecord) -> f64) -> f64 {
    let (from, to) = (date(from), date(to));
    let values: Vec<f64> = result
        .days
        .iter()
        .filter(|d| NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").is_ok_and(|x| x >= from && x <= to))
        .map(column)
        .collect();
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// 7-day means of a column, one per day from the 7th on.
fn rolling_7d(result: &RunResult, column: fn(&crate::DailyRecord) -> f64) -> Vec<f64> {
    let values: Vec<f64> = result.days.iter().map(column).collect();
    values.windows(7).map(|w| w.iter().sum::<f64>() / 7.0).collect()
}

/// The checks of the late-2025 squeeze (the seed articles' story).
pub fn squeeze_checks() -> Vec<Check> {
    vec![
        Check {
            name: "hash rate fall, peak to trough (7-day means), %",
            observed: "about -12% (seed articles; 7-day hash rate from ~1,090 to under 1,000 EH/s, CALIBRATION.md)",
            band: (-20.0, -5.0),
            reason: "the issue's accepted range around -12%; estimators of hash rate differ by 10-15%",
            measure: |r| {
                let hash = rolling_7d(r, |d| d.hashrate_ehs);
                let peak = hash.iter().take(30).fold(f64::MIN, |a, b| a.max(*b));
                let trough = hash.iter().skip(30).take(90).fold(f64::MAX, |a, b| a.min(*b));
                (trough / peak - 1.0) * 100.0
            },
        },
        Check {
            name: "hashprice at the start (7-day mean), USD/PH/day",
            observed: "~$55 in 2024 falling into 2025 (seed articles); $52-53 at the October peak (computed)",
            band: (48.0, 60.0),
            reason: "the October 2025 peak price, difficulty ~150 T and 3.15 BTC a block imply ~$52",
            measure: |r| rolling_7d(r, |d| d.hashprice_usd_per_ph_day)[0],
        },
        Check {
            name: "hashprice trough (7-day mean), USD/PH/day",
            observed: "~$35 (seed articles); all-time low $35.06 on 22 Nov 2025 (Luxor)",
            band: (30.0, 42.0),
            reason: "the issue's accepted range at the trough",
            measure: |r| rolling_7d(r, |d| d.hashprice_usd_per_ph_day).iter().take(120).fold(f64::MAX, |a, b| a.min(*b)),
        },
        Check {
            name: "largest downward adjustment in the first 90 days, %",
            observed: "-2.37% (12 Nov), -1.95% (26 Nov), -4.34% projected (Luxor; seed articles)",
            band: (-8.0, -1.0),
            reason: "a few percent down: one adjustment of -1% to -8% (block noise alone moves a retarget by ~2%)",
            measure: |r| r.retargets.iter().filter(|x| x.day < 90).map(|x| x.change_pct).fold(0.0, f64::min),
        },
        Check {
            name: "MW committed to AI within a year",
            observed: "Riot weighing ~600 MW; IREN, Cipher, TeraWulf, Hut 8 and Core Scientific leasing 1-2 GW between them in 2025-26 (CALIBRATION.md)",
            band: (300.0, 3_000.0),
            reason: "visible, and within the preset's AI market cap of 3,000 MW a year (released a twelfth a month)",
            measure: |r| r.days.get(365).or(r.days.last()).map(|d| d.ai_mw + d.ai_mw_pending).unwrap_or(0.0),
        },
    ]
}

/// The checks of the October 2025 to January 2026 replay.
pub fn history_checks() -> Vec<Check> {
    vec![
        Check {
            name: "hash rate, 1-7 Nov 2025 (mean), EH/s",
            observed: "~1,092 EH/s from block counts (Coin Metrics); 930 EH/s by Hashrate Index (3 Nov)",
            band: (950.0, 1_150.0),
            reason: "between the two estimators, which differ by 10-15%",
            measure: |r| mean_between(r, "2025-11-01", "2025-11-07", |d| d.hashrate_ehs),
        },
        Check {
            name: "hash rate, 1-7 Dec 2025 (mean), EH/s",
            observed: "~1,024 EH/s from block counts (Coin Metrics); 1,045 EH/s December mean (JPMorgan)",
            band: (900.0, 1_100.0),
            reason: "near 1.0-1.1 ZH/s, as the issue asks; the model has no hedging or curtailment contracts, so a wider band below",
            measure: |r| mean_between(r, "2025-12-01", "2025-12-07", |d| d.hashrate_ehs),
        },
        Check {
            name: "hashprice, 18-30 Nov 2025 (mean), USD/PH/day",
            observed: "$35.06 low on 22 Nov; November mean $39.82 (Luxor)",
            band: (33.0, 45.0),
            reason: "the issue's $35-45 in late November, widened by $2 below for fee noise",
            measure: |r| mean_between(r, "2025-11-18", "2025-11-30", |d| d.hashprice_usd_per_ph_day),
        },
        Check {
            name: "difficulty change, 1 Nov 2025 to 8 Jan 2026, %",
            observed: "-4.9%: from the ~156 T record (early Nov) to 148.26 T on 8 Jan 2026 (press; Hashrate Index)",
            band: (-12.0, -1.0),
            reason:
                "a few percent down; the model's retargets fall on its own block times, so compare the net move, not single adjustments",
            measure: |r| {
                let at = |day: &str| r.days.iter().find(|d| d.date.as_str() >= day).map(|d| d.difficulty).unwrap_or(f64::NAN);
                (at("2026-01-08") / at("2025-11-01") - 1.0) * 100.0
            },
        },
        Check {
            name: "largest adjustment in November 2025, %",
            observed: "-2.37% (12 Nov) and -1.95% (26 Nov) (Luxor)",
            band: (-10.0, 3.0),
            reason:
                "November's windows straddle the fall; one retarget carries ~2% of block noise, so a single one may still be slightly up",
            measure: |r| {
                let (from, to) = (date("2025-11-01"), date("2025-11-30"));
                r.retargets
                    .iter()
                    .filter(|x| NaiveDate::parse_from_str(&x.date, "%Y-%m-%d").is_ok_and(|d| d >= from && d <= to))
                    .map(|x| x.change_pct)
                    .fold(f64::INFINITY, f64::min)
            },
        },
        Check {
            name: "hashprice on 3 Nov 2025, USD/PH/day",
            observed: "$43.33 (Hashrate Index)",
            band: (38.0, 50.0),
            reason: "fees and difficulty on the day; the model's difficulty path is its own",
            measure: |r| mean_between(r, "2025-11-03", "2025-11-03", |d| d.hashprice_usd_per_ph_day),
        },
    ]
}

/// The checks for a preset id, if it has any.
pub fn checks_for(preset: &str) -> Option<Vec<Check>> {
    match preset {
        "late-2025-squeeze" => Some(squeeze_checks()),
        "history-2025q4" => Some(history_checks()),
        _ => None,
    }
}

/// Runs `runs` seeds of a preset with `operators` operators and evaluates its checks.
pub fn validate_preset(preset: &str, runs: u32, operators: u32, progress: &Progress) -> Result<PresetValidation, BatchError> {
    let found = presets::find(preset)
        .ok_or_else(|| crate::ScenarioError::new("preset", format!("no preset `{preset}`"), presets::ids().join(", ")))?;
    let checks = checks_for(preset).ok_or_else(|| {
        crate::ScenarioError::new("preset", format!("`{preset}` has no validation checks"), "late-2025-squeeze, history-2025q4")
    })?;
    let scenario = Scenario { operators, ..found.scenario };
    let indices: Vec<u32> = (0..runs).collect();
    let results = map_runs(&indices, |i| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let run = Scenario { seed: run_seed(scenario.seed, i), ..scenario.clone() };
        let result = crate::run(&run)?;
        progress.tick();
        let measures: Vec<f64> = checks.iter().map(|c| (c.measure)(&result)).collect();
        let path: Vec<(String, f64, f64, f64)> =
            result.days.iter().map(|d| (d.date.clone(), d.hashrate_ehs, d.hashprice_usd_per_ph_day, d.difficulty / 1e12)).collect();
        Ok((measures, path))
    })?;
    let outcomes = checks
        .iter()
        .enumerate()
        .map(|(k, check)| {
            let mut values: Vec<f64> = results.iter().map(|r| r.0[k]).collect();
            values.sort_unstable_by(f64::total_cmp);
            let p50 = percentile_sorted(&values, 50.0);
            CheckOutcome {
                name: check.name.to_string(),
                observed: check.observed.to_string(),
                band: check.band,
                reason: check.reason.to_string(),
                p5: percentile_sorted(&values, 5.0),
                p50,
                p95: percentile_sorted(&values, 95.0),
                pass: p50 >= check.band.0 && p50 <= check.band.1,
            }
        })
        .collect();
    // The run whose first check is closest to the median stands for all.
    let first: Vec<f64> = results.iter().map(|r| r.0[0]).collect();
    let mut sorted = first.clone();
    sorted.sort_unstable_by(f64::total_cmp);
    let median = percentile_sorted(&sorted, 50.0);
    let representative =
        first.iter().enumerate().min_by(|a, b| (a.1 - median).abs().total_cmp(&(b.1 - median).abs())).map(|(i, _)| i).unwrap_or(0);
    Ok(PresetValidation { preset: preset.to_string(), runs, operators, checks: outcomes, median_path: results[representative].1.clone() })
}
