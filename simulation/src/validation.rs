//! Does the model reproduce late 2025? Checks of preset runs against what was
//! observed (`docs/CALIBRATION.md`), over many seeds.
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
    /// A miss the model is known to make, and why (docs/VALIDATION.md, Known
    /// limits): reported as a miss, and a test fails when it stops missing.
    pub known_miss: Option<&'static str>,
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
    /// Why the model is known to miss this one, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_miss: Option<String>,
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
            known_miss: None,
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
            known_miss: None,
            measure: |r| rolling_7d(r, |d| d.hashprice_usd_per_ph_day)[0],
        },
        Check {
            name: "hashprice trough (7-day mean), USD/PH/day",
            observed: "~$35 (seed articles); all-time low $35.06 on 22 Nov 2025 (Luxor)",
            band: (30.0, 42.0),
            reason: "the issue's accepted range at the trough",
            known_miss: None,
            measure: |r| rolling_7d(r, |d| d.hashprice_usd_per_ph_day).iter().take(120).fold(f64::MAX, |a, b| a.min(*b)),
        },
        Check {
            name: "largest downward adjustment in the first 90 days, %",
            observed: "-2.37% (12 Nov), -1.95% (26 Nov), -4.34% projected (Luxor; seed articles)",
            band: (-8.0, -1.0),
            reason: "a few percent down: one adjustment of -1% to -8% (block noise alone moves a retarget by ~2%)",
            known_miss: None,
            measure: |r| r.retargets.iter().filter(|x| x.day < 90).map(|x| x.change_pct).fold(0.0, f64::min),
        },
        Check {
            name: "MW committed to AI within a year",
            observed: "Riot weighing ~600 MW; IREN, Cipher, TeraWulf, Hut 8 and Core Scientific leasing 1-2 GW between them in 2025-26 (CALIBRATION.md)",
            band: (300.0, 3_000.0),
            reason: "visible, and within the preset's AI market cap of 3,000 MW a year (released a twelfth a month)",
            known_miss: None,
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
            known_miss: None,
            measure: |r| mean_between(r, "2025-11-01", "2025-11-07", |d| d.hashrate_ehs),
        },
        Check {
            name: "hash rate, 1-7 Dec 2025 (mean), EH/s",
            observed: "~1,024 EH/s from block counts (Coin Metrics); 1,045 EH/s December mean (JPMorgan)",
            band: (900.0, 1_100.0),
            reason: "near 1.0-1.1 ZH/s, as the issue asks; the model has no hedging or curtailment contracts, so a wider band below",
            known_miss: None,
            measure: |r| mean_between(r, "2025-12-01", "2025-12-07", |d| d.hashrate_ehs),
        },
        Check {
            name: "hashprice, 18-30 Nov 2025 (mean), USD/PH/day",
            observed: "$35.06 low on 22 Nov; November mean $39.82 (Luxor)",
            band: (33.0, 45.0),
            reason: "the issue's $35-45 in late November, widened by $2 below for fee noise",
            known_miss: None,
            measure: |r| mean_between(r, "2025-11-18", "2025-11-30", |d| d.hashprice_usd_per_ph_day),
        },
        Check {
            name: "difficulty change, 1 Nov 2025 to 8 Jan 2026, %",
            observed: "-4.9%: from the ~156 T record (early Nov) to 148.26 T on 8 Jan 2026 (press; Hashrate Index)",
            band: (-12.0, -1.0),
            reason:
                "a few percent down; the model's retargets fall on its own block times, so compare the net move, not single adjustments",
            known_miss: None,
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
            known_miss: None,
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
            known_miss: None,
            measure: |r| mean_between(r, "2025-11-03", "2025-11-03", |d| d.hashprice_usd_per_ph_day),
        },
    ]
}

/// The checks of the Winter Storm Fern replay (January-February 2026), which
/// lies beyond the October 2025 - January 2026 window the model was calibrated on.
pub fn winter_storm_checks() -> Vec<Check> {
    vec![
        Check {
            name: "7-day hash rate estimate, low in late Jan - Feb 2026, EH/s",
            observed: "~826 EH/s (press on Winter Storm Fern; CALIBRATION.md, 2026 table)",
            band: (700.0, 950.0),
            reason: "explorers' 7-day estimates from block counts differ by 10-15%; the curtailment's depth is the preset's assumption",
            known_miss: None,
            measure: |r| {
                r.days
                    .iter()
                    .filter(|d| d.date.as_str() >= "2026-01-24" && d.date.as_str() <= "2026-02-28")
                    .map(|d| d.hashrate_7d_est_ehs)
                    .fold(f64::INFINITY, f64::min)
            },
        },
        Check {
            name: "first adjustment after the storm, %",
            observed: "-11.16% on 7 Feb 2026, to 125.86 T (largest cut since 2021)",
            band: (-16.0, -5.0),
            reason: "a large cut: the storm's slow blocks plus the price fall; block noise moves one retarget by ~2%",
            known_miss: None,
            measure: |r| r.retargets.iter().find(|x| x.date.as_str() > "2026-01-27").map_or(0.0, |x| x.change_pct),
        },
        Check {
            name: "the adjustment after that, %",
            observed: "+14.7% on 20 Feb 2026, to 144.4 T",
            band: (4.0, 22.0),
            reason: "a rebound once the machines came back; its size depends on how much hash returned at ~$67,000",
            known_miss: Some(
                "the model's network sheds hash at $60-70k (hashprice ~$30) faster than the real one did in February 2026: \
                 it has no hedges or fixed-price contracts beyond a tenth of power cost, and no hosting contracts",
            ),
            measure: |r| r.retargets.iter().filter(|x| x.date.as_str() > "2026-01-27").nth(1).map_or(0.0, |x| x.change_pct),
        },
    ]
}

/// The checks for a preset id, if it has any.
pub fn checks_for(preset: &str) -> Option<Vec<Check>> {
    match preset {
        "late-2025-squeeze" => Some(squeeze_checks()),
        "history-2025q4" => Some(history_checks()),
        "winter-storm-2026" => Some(winter_storm_checks()),
        _ => None,
    }
}

/// Runs `runs` seeds of a preset with `operators` operators and evaluates its checks.
pub fn validate_preset(preset: &str, runs: u32, operators: u32, progress: &Progress) -> Result<PresetValidation, BatchError> {
    let found = presets::find(preset)
        .ok_or_else(|| crate::ScenarioError::new("preset", format!("no preset `{preset}`"), presets::ids().join(", ")))?;
    let checks = checks_for(preset).ok_or_else(|| {
        crate::ScenarioError::new(
            "preset",
            format!("`{preset}` has no validation checks"),
            "late-2025-squeeze, history-2025q4, winter-storm-2026",
        )
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
                known_miss: check.known_miss.map(str::to_string),
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

/// How strongly the hash rate answers hashprice: one horizon's elasticity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticityRow {
    /// Days after the step at which the hash rate is compared (mean of the 30 days around it).
    pub horizon_days: u32,
    /// Median over seeds of `ln(H_high / H_low) / ln(p_high / p_low)`.
    pub median: f64,
    /// 95% interval of that median (order statistics).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// The price steps of the elasticity experiment: the baseline at a flat price 10% lower and 10% higher.
pub const ELASTICITY_STEP: (f64, f64) = (0.9, 1.1);
/// The horizons it is measured at, days.
pub const ELASTICITY_HORIZONS: [u32; 4] = [30, 90, 180, 365];

/// The model's hash supply elasticity: the baseline at a flat price (no
/// noise) 10% below and 10% above its start price, paired by seed; at each
/// horizon, the log change of the hash rate over the log change of the price
/// (which moves hashprice one for one until difficulty answers).
pub fn hash_supply_elasticity(runs: u32, operators: u32, progress: &Progress) -> Result<Vec<ElasticityRow>, BatchError> {
    let base = Scenario { operators, years: 1.1, price_volatility: 0.0, ..Scenario::default() };
    let indices: Vec<u32> = (0..runs).collect();
    let mean_around = |r: &RunResult, day: u32| {
        let (from, to) = (day.saturating_sub(15) as usize, ((day + 15) as usize).min(r.days.len()));
        r.days[from..to].iter().map(|d| d.hashrate_ehs).sum::<f64>() / (to - from).max(1) as f64
    };
    let ratios = map_runs(&indices, |i| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let seed = run_seed(base.seed, i);
        let low = crate::run(&Scenario { seed, start_price_usd: base.start_price_usd * ELASTICITY_STEP.0, ..base.clone() })?;
        let high = crate::run(&Scenario { seed, start_price_usd: base.start_price_usd * ELASTICITY_STEP.1, ..base.clone() })?;
        progress.tick();
        let step = crate::math::ln(ELASTICITY_STEP.1 / ELASTICITY_STEP.0);
        Ok(ELASTICITY_HORIZONS.iter().map(|&h| crate::math::ln(mean_around(&high, h) / mean_around(&low, h)) / step).collect::<Vec<f64>>())
    })?;
    Ok(ELASTICITY_HORIZONS
        .iter()
        .enumerate()
        .map(|(k, &horizon_days)| {
            let mut values: Vec<f64> = ratios.iter().map(|r| r[k]).collect();
            values.sort_unstable_by(f64::total_cmp);
            let (ci_low, ci_high) = crate::sensitivity::median_interval(&values);
            ElasticityRow { horizon_days, median: percentile_sorted(&values, 50.0), ci_low, ci_high }
        })
        .collect())
}

/// Ten years of the baseline at a flat price: what no market would do, measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LongRunSanity {
    /// Seeds run.
    pub runs: u32,
    /// Operators per run.
    pub operators: u32,
    /// The largest one-day fall of the hash rate with no halving in the 30 days before, over all seeds, %.
    pub worst_unexplained_daily_fall_pct: f64,
    /// The largest one-day fall within 30 days after a halving, over all seeds, %.
    pub worst_halving_daily_fall_pct: f64,
    /// The largest one-day rise of hash rate on any day of any seed, %.
    pub worst_daily_rise_pct: f64,
    /// The deepest retarget within 60 days after each halving, per halving (the 2028, the 2032...): median over seeds, %.
    pub median_deepest_post_halving_retarget_pct: Vec<f64>,
    /// The lowest Nakamoto coefficient of pools on any day of any seed.
    pub min_nakamoto_pools: u32,
    /// The largest pool's highest share of hash on any day, over all seeds.
    pub max_top_pool_share: f64,
    /// Medians over seeds: entries, exits, restructurings.
    pub median_entries: f64,
    /// Exits.
    pub median_exits: f64,
    /// Restructurings.
    pub median_restructurings: f64,
    /// The most exits on one day (median over seeds).
    pub median_worst_day_exits: f64,
    /// Hash rate at the start and the end (medians), EH/s.
    pub median_start_hashrate_ehs: f64,
    /// At the end.
    pub median_end_hashrate_ehs: f64,
    /// Hashprice at the end (median), USD/PH/day.
    pub median_end_hashprice: f64,
    /// MW converted to AI at the end (median).
    pub median_end_ai_mw: f64,
    /// Runs whose chain stalled (a day without blocks or a warning).
    pub stalled_runs: u32,
}

/// Runs the baseline for 10 years at a flat price over `runs` seeds.
pub fn long_run_sanity(runs: u32, operators: u32, progress: &Progress) -> Result<LongRunSanity, BatchError> {
    let base = Scenario { operators, years: 10.0, price_volatility: 0.0, ..Scenario::default() };
    let indices: Vec<u32> = (0..runs).collect();
    let results = map_runs(&indices, |i| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let result = crate::run(&Scenario { seed: run_seed(base.seed, i), ..base.clone() })?;
        progress.tick();
        let halvings: Vec<u32> =
            result.days.windows(2).filter(|w| w[1].height / 210_000 > w[0].height / 210_000).map(|w| w[1].day).collect();
        let (mut unexplained, mut at_halving, mut worst_exits, mut rise) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let deepest: Vec<f64> = halvings
            .iter()
            .map(|h| result.retargets.iter().filter(|t| t.day > *h && t.day <= h + 60).map(|t| t.change_pct).fold(0.0, f64::min))
            .collect();
        for w in result.days.windows(2) {
            let fall = (1.0 - w[1].hashrate_ehs / w[0].hashrate_ehs.max(1e-9)) * 100.0;
            rise = rise.max(-fall);
            if halvings.iter().any(|h| w[1].day >= *h && w[1].day <= h + 30) {
                at_halving = at_halving.max(fall);
            } else {
                unexplained = unexplained.max(fall);
            }
            worst_exits = worst_exits.max(f64::from(w[0].operators_active.saturating_sub(w[1].operators_active)));
        }
        let last = result.days.last().cloned().unwrap_or_default();
        Ok((
            unexplained,
            at_halving,
            result.days.iter().map(|d| d.nakamoto_pools).min().unwrap_or(0),
            result.days.iter().map(|d| d.top_pool_share).fold(0.0, f64::max),
            [
                f64::from(result.summary.entries),
                f64::from(result.summary.exits),
                f64::from(result.summary.restructurings),
                worst_exits,
                result.summary.start_hashrate_ehs,
                last.hashrate_ehs,
                last.hashprice_usd_per_ph_day,
                last.ai_mw,
            ],
            !result.summary.warnings.is_empty(),
            rise,
            deepest,
        ))
    })?;
    let halvings = results.iter().map(|r| r.7.len()).min().unwrap_or(0);
    let median_deepest = (0..halvings)
        .map(|k| {
            let mut values: Vec<f64> = results.iter().map(|r| r.7[k]).collect();
            values.sort_unstable_by(f64::total_cmp);
            percentile_sorted(&values, 50.0)
        })
        .collect();
    let median = |k: usize| {
        let mut values: Vec<f64> = results.iter().map(|r| r.4[k]).collect();
        values.sort_unstable_by(f64::total_cmp);
        percentile_sorted(&values, 50.0)
    };
    Ok(LongRunSanity {
        runs,
        operators,
        worst_unexplained_daily_fall_pct: results.iter().map(|r| r.0).fold(0.0, f64::max),
        worst_halving_daily_fall_pct: results.iter().map(|r| r.1).fold(0.0, f64::max),
        worst_daily_rise_pct: results.iter().map(|r| r.6).fold(0.0, f64::max),
        median_deepest_post_halving_retarget_pct: median_deepest,
        min_nakamoto_pools: results.iter().map(|r| r.2).min().unwrap_or(0),
        max_top_pool_share: results.iter().map(|r| r.3).fold(0.0, f64::max),
        median_entries: median(0),
        median_exits: median(1),
        median_restructurings: median(2),
        median_worst_day_exits: median(3),
        median_start_hashrate_ehs: median(4),
        median_end_hashrate_ehs: median(5),
        median_end_hashprice: median(6),
        median_end_ai_mw: median(7),
        stalled_runs: results.iter().filter(|r| r.5).count() as u32,
    })
}

/// Why power leaves mining for AI at the start of a scenario: the two present values the AI switch compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiSwitchFigures {
    /// Hashprice at the start, USD/PH/day.
    pub hashprice_usd_per_ph_day: f64,
    /// Present value of one gross site MW converted to AI, USD.
    pub ai_value_usd_per_mw: f64,
    /// Renewal of a mining fleet, USD per MW per year.
    pub renewal_usd_per_mw_year: f64,
    /// Present value of one MW kept mining: (J/TH, USD/kWh, USD) for a few sites.
    pub mining_value_usd_per_mw: Vec<(f64, f64, f64)>,
}

/// The AI switch's two present values at a scenario's start, for a median
/// site with a mid-2020s fleet and for a good site with the newest machines.
pub fn ai_switch_at_start(scenario: &Scenario) -> AiSwitchFigures {
    use crate::ai::{AiMarket, AiTerms};
    let reward = crate::expectations::reward_btc(scenario.start_height, scenario.fee_btc_per_block);
    let hashprice = crate::chain::hashprice_usd_per_ph_day(reward, scenario.start_price_usd, scenario.start_difficulty_t * 1e12);
    let catalogue = crate::hardware::catalogue();
    let best = catalogue[crate::hardware::most_efficient(&catalogue, |_| true).expect("a catalogue")].clone();
    let market = AiMarket::on_schedule(AiTerms::of(scenario, &best), scenario.start_height, scenario.fee_btc_per_block, 1.0);
    let value_per_reward = hashprice / reward;
    let sites = [(22.0, scenario.power_price_median_usd_per_kwh), (best.j_per_th, scenario.power_price_median_usd_per_kwh * 0.7)];
    AiSwitchFigures {
        hashprice_usd_per_ph_day: hashprice,
        ai_value_usd_per_mw: market.ai_value_usd_per_mw(),
        renewal_usd_per_mw_year: market.renewal_usd_per_mw_month() * 12.0,
        mining_value_usd_per_mw: sites
            .iter()
            .map(|&(j_per_th, power)| (j_per_th, power, market.mining_value_usd_per_mw(value_per_reward, j_per_th, power)))
            .collect(),
    }
}
