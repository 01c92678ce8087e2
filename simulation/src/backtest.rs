//! The back-test: replay a span of history over many seeds and score the
//! model against what the network did.
//!
//! A replay ([`crate::history::windows::replay`]) starts from the network of
//! its first day and is driven only by the observed price and fees and the
//! documented events; one parameter set serves every window. The scorecard
//! compares (each with the model's median over seeds):
//! - the 30-day mean hash rate: the median absolute log error over the
//!   window's days (from day 30, as a percent: `100 |ln(model / observed)|`)
//!   and the error on its last day (signed, percent);
//! - the difficulty in force, the same way (daily);
//! - the 30-day mean hashprice, the same way;
//! - the change of the hash rate over the window (first 30 days' mean to the
//!   last 30 days'), and the sign of that change in each calendar quarter
//!   with at least 60 days in the window;
//! - the largest difficulty adjustment (largest in size, with its sign).

use crate::error::ScenarioError;
use crate::history::{observed, windows};
use crate::montecarlo::{map_runs, run_seed, BatchError, Progress};
use crate::output::RunResult;
use crate::scenario::Scenario;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most seeds one back-test runs.
pub const MAX_RUNS: u32 = 200;
/// Days in the trailing means compared.
pub const MEAN_DAYS: usize = 30;
/// Days a quarter must have in the window for its sign to count.
pub const MIN_QUARTER_DAYS: usize = 60;

/// What to back-test.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestSpec {
    /// The named window, if any.
    pub window: Option<String>,
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    /// Seeds to run.
    pub runs: u32,
    /// The first seed (run `i` uses `seed + i`).
    pub seed: u64,
    /// Operators per run.
    pub operators: u32,
    /// Scenario fields set over the window's network in every seed, by name,
    /// each in the text form links and `--set` use: another parameter set,
    /// scored against the same history. The fields a window defines
    /// ([`WINDOW_FIELDS`]) cannot be set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
}

/// The fields a back-test's window defines (what is replayed and compared,
/// and the spec's own seed and operators): [`BacktestSpec::set`] refuses them.
pub const WINDOW_FIELDS: [&str; 6] = ["start_date", "years", "history_replay", "price_path", "seed", "operators"];

impl BacktestSpec {
    /// The named window `id` with `runs` seeds from `seed`, at the default operator count.
    pub fn window(id: &str, runs: u32, seed: u64) -> Result<Self, ScenarioError> {
        let window = windows::find(id).ok_or_else(|| {
            ScenarioError::new("window", format!("`{id}` is not a window"), format!("one of {}", windows::ids().join(", ")))
        })?;
        let (from, to) = window.dates();
        Ok(Self { window: Some(id.to_string()), from, to, runs, seed, operators: Scenario::default().operators, set: BTreeMap::new() })
    }

    /// The span `from` to `to` with `runs` seeds from `seed`, at the default operator count.
    pub fn span(from: NaiveDate, to: NaiveDate, runs: u32, seed: u64) -> Self {
        Self { window: None, from, to, runs, seed, operators: Scenario::default().operators, set: BTreeMap::new() }
    }

    /// Adds field `name` = `value` (its text form) to [`BacktestSpec::set`]:
    /// an error naming the field if it is not a scenario field, is one a window
    /// defines, is given twice, or its value is out of its range.
    pub fn set_field(&mut self, name: &str, value: &str) -> Result<(), ScenarioError> {
        let field = crate::scenario::FieldSpec::find(name).ok_or_else(|| {
            ScenarioError::new(name.chars().take(64).collect::<String>(), "is not a scenario field", "a field of `hashlab fields`")
        })?;
        if WINDOW_FIELDS.contains(&field.name) {
            return Err(ScenarioError::new(
                field.name,
                "is set by the back-test's window",
                format!("any scenario field but {}", WINDOW_FIELDS.join(", ")),
            ));
        }
        if self.set.contains_key(field.name) {
            return Err(ScenarioError::new(field.name, "is given twice", "each field once"));
        }
        Scenario::default().set_field(field.name, value)?;
        self.set.insert(field.name.to_string(), value.trim().to_string());
        Ok(())
    }

    /// The scenario each seed runs.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        if self.runs == 0 || self.runs > MAX_RUNS {
            return Err(ScenarioError::new("runs", format!("{} runs", self.runs), format!("a whole number from 1 to {MAX_RUNS}")));
        }
        let mut scenario = match &self.window {
            Some(id) => windows::find(id)
                .map(|w| w.scenario())
                .ok_or_else(|| ScenarioError::new("window", format!("`{id}` is not a window"), windows::ids().join(", ")))?,
            None => windows::replay(self.from, self.to)?,
        };
        for (name, value) in &self.set {
            if WINDOW_FIELDS.contains(&name.as_str()) {
                return Err(ScenarioError::new(name.as_str(), "is set by the back-test's window", "any other scenario field"));
            }
            scenario.set_field(name, value)?;
        }
        scenario.seed = self.seed;
        scenario.operators = self.operators;
        scenario.validate()?;
        Ok(scenario)
    }
}

/// One day of a back-test: observed and the model's 5th, 50th and 95th percentiles over seeds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestDay {
    /// Day of the window (0 = its first).
    pub day: u32,
    /// The date.
    pub date: NaiveDate,
    /// Observed price, USD (the model replays it).
    pub price_usd: f64,
    /// Observed 30-day mean hash rate, EH/s.
    pub observed_hashrate_30d_ehs: f64,
    /// The model's 30-day mean hash rate: 5th percentile over seeds, EH/s.
    pub model_hashrate_30d_p5_ehs: f64,
    /// Its median, EH/s.
    pub model_hashrate_30d_p50_ehs: f64,
    /// Its 95th percentile, EH/s.
    pub model_hashrate_30d_p95_ehs: f64,
    /// Observed difficulty, T.
    pub observed_difficulty_t: f64,
    /// The model's difficulty: 5th percentile, T.
    pub model_difficulty_p5_t: f64,
    /// Its median, T.
    pub model_difficulty_p50_t: f64,
    /// Its 95th percentile, T.
    pub model_difficulty_p95_t: f64,
    /// Observed 30-day mean hashprice, USD/PH/day.
    pub observed_hashprice_30d_usd_per_ph_day: f64,
    /// The model's 30-day mean hashprice: 5th percentile, USD/PH/day.
    pub model_hashprice_30d_p5_usd_per_ph_day: f64,
    /// Its median, USD/PH/day.
    pub model_hashprice_30d_p50_usd_per_ph_day: f64,
    /// Its 95th percentile, USD/PH/day.
    pub model_hashprice_30d_p95_usd_per_ph_day: f64,
}

/// The sign of one quarter's hash rate change, observed and modelled.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterSign {
    /// `2022Q3`.
    pub quarter: String,
    /// Observed change of the hash rate, first 30 days' mean to last 30 days', percent.
    pub observed_change_pct: f64,
    /// The model's median change, percent.
    pub model_change_pct: f64,
    /// Whether the signs agree.
    pub agree: bool,
}

/// The scorecard of one back-test (errors in percent; see the module docs).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Median absolute log error of the 30-day mean hash rate, percent.
    pub hashrate_mdale_pct: f64,
    /// Error of the 30-day mean hash rate on the last day, percent (model over observed).
    pub hashrate_end_error_pct: f64,
    /// Median absolute log error of the difficulty, percent.
    pub difficulty_mdale_pct: f64,
    /// Error of the difficulty on the last day, percent.
    pub difficulty_end_error_pct: f64,
    /// Median absolute log error of the 30-day mean hashprice, percent.
    pub hashprice_mdale_pct: f64,
    /// Error of the 30-day mean hashprice on the last day, percent.
    pub hashprice_end_error_pct: f64,
    /// Observed change of the hash rate over the window, percent.
    pub hashrate_change_observed_pct: f64,
    /// The model's median change, percent.
    pub hashrate_change_model_pct: f64,
    /// Each quarter's sign.
    pub quarters: Vec<QuarterSign>,
    /// Quarters whose signs agree.
    pub quarter_signs_agree: u32,
    /// The observed difficulty adjustment largest in size, percent.
    pub largest_retarget_observed_pct: f64,
    /// The median over seeds of each seed's largest adjustment, percent.
    pub largest_retarget_model_pct: f64,
    /// Operators that sold up over the window (median over seeds).
    #[serde(default)]
    pub exits_median: f64,
    /// Newcomers over the window (median over seeds).
    #[serde(default)]
    pub entries_median: f64,
}

/// A back-test's result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestResult {
    /// The model version.
    pub model_version: String,
    /// What was run.
    pub spec: BacktestSpec,
    /// The scenario of the first seed.
    pub scenario: Scenario,
    /// The scores.
    pub scorecard: Scorecard,
    /// Every day, observed beside the model.
    pub days: Vec<BacktestDay>,
}

/// What the scorecard is computed from: per-seed model series and the observed ones, day by day.
#[derive(Debug, Clone, Default)]
pub struct ScoreInputs {
    /// Each day's date.
    pub dates: Vec<NaiveDate>,
    /// Observed daily hash rate, EH/s, with up to [`MEAN_DAYS`] - 1 days before the window in front.
    pub observed_hashrate_ehs: Vec<f64>,
    /// Days of `observed_hashrate_ehs` and `observed_hashprice` before the window.
    pub observed_lead_days: usize,
    /// Observed daily hashprice, USD/PH/day, with the same lead.
    pub observed_hashprice: Vec<f64>,
    /// Observed difficulty, T (window days only).
    pub observed_difficulty_t: Vec<f64>,
    /// Observed difficulty adjustments in the window, percent.
    pub observed_retargets_pct: Vec<f64>,
    /// `model_hashrate_ehs[seed][day]`.
    pub model_hashrate_ehs: Vec<Vec<f64>>,
    /// `model_hashprice[seed][day]`.
    pub model_hashprice: Vec<Vec<f64>>,
    /// `model_difficulty_t[seed][day]`.
    pub model_difficulty_t: Vec<Vec<f64>>,
    /// Each seed's adjustments, percent.
    pub model_retargets_pct: Vec<Vec<f64>>,
}

fn trailing_means(values: &[f64], window: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(values.len());
    let mut sum = 0.0;
    for (i, v) in values.iter().enumerate() {
        sum += v;
        if i >= window {
            sum -= values[i - window];
        }
        out.push(sum / (i + 1).min(window) as f64);
    }
    out
}

fn quantile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    crate::montecarlo::percentile_sorted(values, p)
}

fn median(mut values: Vec<f64>) -> f64 {
    quantile(&mut values, 50.0)
}

/// Per day, the percentiles `ps` over seeds of `series[seed][day]`.
fn across_seeds(series: &[Vec<f64>], day: usize, ps: &[f64]) -> Vec<f64> {
    let mut column: Vec<f64> = series.iter().map(|s| s[day]).collect();
    column.sort_by(f64::total_cmp);
    ps.iter().map(|p| crate::montecarlo::percentile_sorted(&column, *p)).collect()
}

fn log_error_pct(model: f64, observed: f64) -> f64 {
    100.0 * crate::math::ln(model / observed).abs()
}

fn pct(model: f64, observed: f64) -> f64 {
    100.0 * (model / observed - 1.0)
}

/// The largest adjustment in size, with its sign (0 with none).
fn largest(retargets: &[f64]) -> f64 {
    retargets.iter().copied().max_by(|a, b| a.abs().total_cmp(&b.abs())).unwrap_or(0.0)
}

/// The mean of `values[range]`.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// The change from the mean of the first [`MEAN_DAYS`] to that of the last, percent.
fn change_pct(values: &[f64]) -> f64 {
    let n = MEAN_DAYS.min(values.len());
    pct(mean(&values[values.len() - n..]), mean(&values[..n]))
}

/// Computes the scorecard and the daily table from `inputs`.
pub fn score(inputs: &ScoreInputs) -> (Scorecard, Vec<BacktestDay>) {
    let days = inputs.dates.len();
    let lead = inputs.observed_lead_days;
    let observed_hash_30 = &trailing_means(&inputs.observed_hashrate_ehs, MEAN_DAYS)[lead..];
    let observed_price_30 = &trailing_means(&inputs.observed_hashprice, MEAN_DAYS)[lead..];
    let model_hash_30: Vec<Vec<f64>> = inputs.model_hashrate_ehs.iter().map(|s| trailing_means(s, MEAN_DAYS)).collect();
    let model_price_30: Vec<Vec<f64>> = inputs.model_hashprice.iter().map(|s| trailing_means(s, MEAN_DAYS)).collect();
    let ps = [5.0, 50.0, 95.0];
    let mut table = Vec::with_capacity(days);
    for day in 0..days {
        let h = across_seeds(&model_hash_30, day, &ps);
        let d = across_seeds(&inputs.model_difficulty_t, day, &ps);
        let p = across_seeds(&model_price_30, day, &ps);
        table.push(BacktestDay {
            day: day as u32,
            date: inputs.dates[day],
            price_usd: 0.0,
            observed_hashrate_30d_ehs: observed_hash_30[day],
            model_hashrate_30d_p5_ehs: h[0],
            model_hashrate_30d_p50_ehs: h[1],
            model_hashrate_30d_p95_ehs: h[2],
            observed_difficulty_t: inputs.observed_difficulty_t[day],
            model_difficulty_p5_t: d[0],
            model_difficulty_p50_t: d[1],
            model_difficulty_p95_t: d[2],
            observed_hashprice_30d_usd_per_ph_day: observed_price_30[day],
            model_hashprice_30d_p5_usd_per_ph_day: p[0],
            model_hashprice_30d_p50_usd_per_ph_day: p[1],
            model_hashprice_30d_p95_usd_per_ph_day: p[2],
        });
    }
    // Trailing means are scored once they span a whole window of the run's own days.
    let scored_from = (MEAN_DAYS - 1).min(days.saturating_sub(1));
    let scored = &table[scored_from..];
    let last = &table[days - 1];
    let mdale = |f: &dyn Fn(&BacktestDay) -> (f64, f64)| median(scored.iter().map(f).map(|(m, o)| log_error_pct(m, o)).collect());
    let observed_window_hash = &inputs.observed_hashrate_ehs[lead..];
    let mut quarters = Vec::new();
    let mut start = 0;
    while start < days {
        let quarter = |d: NaiveDate| (d.year(), (d.month() - 1) / 3);
        let q = quarter(inputs.dates[start]);
        let end = (start..days).find(|&i| quarter(inputs.dates[i]) != q).unwrap_or(days);
        if end - start >= MIN_QUARTER_DAYS {
            let observed_change = change_pct(&observed_window_hash[start..end]);
            let model_change = median(inputs.model_hashrate_ehs.iter().map(|s| change_pct(&s[start..end])).collect());
            quarters.push(QuarterSign {
                quarter: format!("{}Q{}", q.0, q.1 + 1),
                observed_change_pct: observed_change,
                model_change_pct: model_change,
                agree: (observed_change >= 0.0) == (model_change >= 0.0),
            });
        }
        start = end;
    }
    let scorecard = Scorecard {
        hashrate_mdale_pct: mdale(&|d| (d.model_hashrate_30d_p50_ehs, d.observed_hashrate_30d_ehs)),
        hashrate_end_error_pct: pct(last.model_hashrate_30d_p50_ehs, last.observed_hashrate_30d_ehs),
        difficulty_mdale_pct: median(table.iter().map(|d| log_error_pct(d.model_difficulty_p50_t, d.observed_difficulty_t)).collect()),
        difficulty_end_error_pct: pct(last.model_difficulty_p50_t, last.observed_difficulty_t),
        hashprice_mdale_pct: mdale(&|d| (d.model_hashprice_30d_p50_usd_per_ph_day, d.observed_hashprice_30d_usd_per_ph_day)),
        hashprice_end_error_pct: pct(last.model_hashprice_30d_p50_usd_per_ph_day, last.observed_hashprice_30d_usd_per_ph_day),
        hashrate_change_observed_pct: change_pct(observed_window_hash),
        hashrate_change_model_pct: median(inputs.model_hashrate_ehs.iter().map(|s| change_pct(s)).collect()),
        quarter_signs_agree: quarters.iter().filter(|q| q.agree).count() as u32,
        quarters,
        largest_retarget_observed_pct: largest(&inputs.observed_retargets_pct),
        largest_retarget_model_pct: median(inputs.model_retargets_pct.iter().map(|r| largest(r)).collect()),
        exits_median: 0.0,
        entries_median: 0.0,
    };
    (scorecard, table)
}

/// Runs the back-test: every seed of `spec`, then the scorecard.
pub fn run(spec: &BacktestSpec, progress: &Progress) -> Result<BacktestResult, BatchError> {
    let scenario = spec.scenario()?;
    let indices: Vec<u32> = (0..spec.runs).collect();
    let runs: Vec<RunResult> = map_runs(&indices, |index| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let run = Scenario { seed: run_seed(scenario.seed, index), ..scenario.clone() };
        let result = crate::run(&run)?;
        progress.tick();
        Ok(result)
    })?;
    let from = scenario.start_date;
    let days = scenario.days() as usize;
    let first = observed::index_of(from).expect("a replay starts inside the data");
    let lead = first.min(MEAN_DAYS - 1);
    let slice = &observed::days()[first - lead..first + days];
    let inputs = ScoreInputs {
        dates: slice[lead..].iter().map(|d| d.date).collect(),
        observed_hashrate_ehs: slice.iter().map(|d| d.hashrate_ehs).collect(),
        observed_lead_days: lead,
        observed_hashprice: slice.iter().map(|d| d.hashprice_usd_per_ph_day()).collect(),
        observed_difficulty_t: slice[lead..].iter().map(|d| d.difficulty_t).collect(),
        observed_retargets_pct: observed::retargets_between(from, slice[slice.len() - 1].date).iter().map(|r| r.1).collect(),
        model_hashrate_ehs: runs.iter().map(|r| r.days.iter().map(|d| d.hashrate_ehs).collect()).collect(),
        model_hashprice: runs.iter().map(|r| r.days.iter().map(|d| d.hashprice_usd_per_ph_day).collect()).collect(),
        model_difficulty_t: runs.iter().map(|r| r.days.iter().map(|d| d.difficulty / 1e12).collect()).collect(),
        model_retargets_pct: runs.iter().map(|r| r.retargets.iter().map(|t| t.change_pct).collect()).collect(),
    };
    let (mut scorecard, mut table) = score(&inputs);
    scorecard.exits_median = median(runs.iter().map(|r| f64::from(r.summary.exits)).collect());
    scorecard.entries_median = median(runs.iter().map(|r| f64::from(r.summary.entries)).collect());
    for (row, observed) in table.iter_mut().zip(&slice[lead..]) {
        row.price_usd = observed.price_usd;
    }
    Ok(BacktestResult { model_version: crate::MODEL_VERSION.to_string(), spec: spec.clone(), scenario, scorecard, days: table })
}

impl BacktestResult {
    /// The daily table as CSV (observed beside the model's bands), one row per day.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in &self.days {
            writer.serialize(row).expect("writing to memory");
        }
        String::from_utf8(writer.into_inner().expect("flushing memory")).expect("CSV of numbers is UTF-8")
    }

    /// The scorecard as text, a line per figure.
    pub fn scorecard_text(&self) -> String {
        let s = &self.scorecard;
        let name = self.spec.window.clone().map(|w| format!("window {w}, ")).unwrap_or_default();
        let set: String = self.spec.set.iter().map(|(field, value)| format!(", {field}={value}")).collect();
        let mut out = format!(
            "Back-test: {name}{} to {}, {} seeds from {}, {} operators{set}, model {}\n",
            self.spec.from, self.spec.to, self.spec.runs, self.spec.seed, self.spec.operators, self.model_version
        );
        out += &format!(
            "  hash rate (30-day mean): median abs. log error {:.1}%, at the end {:+.1}%; change over the window observed {:+.1}%, model {:+.1}%\n",
            s.hashrate_mdale_pct, s.hashrate_end_error_pct, s.hashrate_change_observed_pct, s.hashrate_change_model_pct
        );
        out += &format!(
            "  difficulty: median abs. log error {:.1}%, at the end {:+.1}%\n",
            s.difficulty_mdale_pct, s.difficulty_end_error_pct
        );
        out += &format!(
            "  hashprice (30-day mean): median abs. log error {:.1}%, at the end {:+.1}%\n",
            s.hashprice_mdale_pct, s.hashprice_end_error_pct
        );
        out += &format!(
            "  largest difficulty adjustment: observed {:+.1}%, model {:+.1}% (median over seeds)\n",
            s.largest_retarget_observed_pct, s.largest_retarget_model_pct
        );
        out += &format!("  quarters whose hash rate moved the observed way: {} of {}\n", s.quarter_signs_agree, s.quarters.len());
        for q in &s.quarters {
            out += &format!(
                "    {}: observed {:+.1}%, model {:+.1}%{}\n",
                q.quarter,
                q.observed_change_pct,
                q.model_change_pct,
                if q.agree { "" } else { "  (opposite)" }
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    #[test]
    fn the_scorecard_of_a_hand_checked_example() {
        // 100 days from 2022-01-01 (Q1 has 90 of them; Q2's 10 are too few).
        // Observed: hash 100 EH/s through day 59, then 120; hashprice 50.
        // Seeds: one at 110, one at 90 (then 99 and 130), one at 100 throughout.
        let days = 100;
        let observed: Vec<f64> = (0..days).map(|d| if d < 60 { 100.0 } else { 120.0 }).collect();
        let seeds: Vec<Vec<f64>> =
            vec![vec![110.0; days], (0..days).map(|d| if d < 60 { 90.0 } else { 130.0 }).collect(), vec![100.0; days]];
        let inputs = ScoreInputs {
            dates: (0..days as i64).map(day).collect(),
            observed_hashrate_ehs: observed.clone(),
            observed_lead_days: 0,
            observed_hashprice: vec![50.0; days],
            observed_difficulty_t: vec![10.0; days],
            observed_retargets_pct: vec![3.0, -7.5, 5.0],
            model_hashrate_ehs: seeds.clone(),
            model_hashprice: vec![vec![40.0; days], vec![50.0; days], vec![60.0; days]],
            model_difficulty_t: vec![vec![11.0; days]; 3],
            model_retargets_pct: vec![vec![2.0, -4.0], vec![6.0], vec![-1.0, 1.5]],
        };
        let (card, table) = score(&inputs);
        // Day 99: observed 30-day mean 120; seeds 110, 130, 100: median 110.
        assert_eq!(table[99].model_hashrate_30d_p50_ehs, 110.0);
        assert!((card.hashrate_end_error_pct - (110.0 / 120.0 - 1.0) * 100.0).abs() < 1e-9);
        // Days 29-59: observed 100, median 100 (90, 100, 110): error 0. Days
        // 60-89 mix in 120s; from day 89 the means are flat (obs 120, model 110).
        // 71 days scored, 31 with error 0, so the median is a later day's.
        let errors: Vec<f64> = (29..days)
            .map(|d| {
                let obs = if d < 60 { 100.0 } else { (100.0 * (89 - d.min(89)) as f64 + 120.0 * (d.min(89) - 59) as f64) / 30.0 };
                let s1 = if d < 60 { 90.0 } else { (90.0 * (89 - d.min(89)) as f64 + 130.0 * (d.min(89) - 59) as f64) / 30.0 };
                let mut m = [110.0, s1, 100.0];
                m.sort_by(f64::total_cmp);
                100.0 * (m[1] / obs).ln().abs()
            })
            .collect();
        let mut sorted = errors.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((card.hashrate_mdale_pct - sorted[35]).abs() < 1e-9, "{} {}", card.hashrate_mdale_pct, sorted[35]);
        // Difficulty 11 against 10 every day.
        assert!((card.difficulty_mdale_pct - 100.0 * (1.1f64).ln()).abs() < 1e-9);
        assert!((card.difficulty_end_error_pct - 10.0).abs() < 1e-9);
        // Hashprice: median seed 50 = observed.
        assert_eq!(card.hashprice_mdale_pct, 0.0);
        // Change over the window: first 30 days' mean to last 30: observed 100 -> 120.
        assert!((card.hashrate_change_observed_pct - 20.0).abs() < 1e-9);
        // Seeds: 0%, +44.4%, 0%: median 0.
        assert_eq!(card.hashrate_change_model_pct, 0.0);
        // Q1 (days 0-89): observed +20% (>= 0), model median 0 (>= 0): agree.
        assert_eq!(card.quarters.len(), 1);
        assert_eq!(card.quarters[0].quarter, "2022Q1");
        assert_eq!(card.quarter_signs_agree, 1);
        // Largest adjustments: observed -7.5; seeds -4, 6, 1.5: median 1.5.
        assert_eq!(card.largest_retarget_observed_pct, -7.5);
        assert_eq!(card.largest_retarget_model_pct, 1.5);
    }

    #[test]
    fn specs_name_the_field_at_fault() {
        assert_eq!(BacktestSpec::window("1999", 8, 1).unwrap_err().field, "window");
        let mut spec = BacktestSpec::window("2022", 8, 1).unwrap();
        spec.runs = 0;
        assert_eq!(spec.scenario().unwrap_err().field, "runs");
    }

    #[test]
    fn a_spec_sets_fields_over_the_windows_network_and_never_the_windows_own() {
        let mut spec = BacktestSpec::window("2022", 2, 1).unwrap();
        let plain = serde_json::to_value(spec.scenario().unwrap()).unwrap();
        spec.set_field("manufacturer_production_ehs_per_month", "12").unwrap();
        spec.set_field("switch_off_days", " 3 ").unwrap();
        let set = spec.scenario().unwrap();
        assert_eq!((set.manufacturer_production_ehs_per_month, set.switch_off_days), (12.0, 3));
        // Every other field is the window's network.
        let mut set = serde_json::to_value(set).unwrap();
        for field in ["manufacturer_production_ehs_per_month", "switch_off_days"] {
            set[field] = plain[field].clone();
        }
        assert_eq!(set, plain);
        for (name, value) in [
            ("start_date", "2020-01-01"),
            ("years", "1"),
            ("history_replay", "none"),
            ("seed", "3"),
            ("operators", "300"),
            ("colour", "red"),
            ("switch_off_days", "4"),
            ("run_hysteresis_pct", "-5"),
        ] {
            assert_eq!(spec.set_field(name, value).unwrap_err().field, name, "{name}={value}");
        }
        assert_eq!(spec.set.len(), 2, "a refused field is not kept");
        // A spec written by hand (the API's JSON) cannot set a window's field either.
        spec.set.insert("years".into(), "2".into());
        assert_eq!(spec.scenario().unwrap_err().field, "years");
        // The scorecard's first line names what was set.
        spec.set.remove("years");
        spec.operators = 100;
        spec.to = NaiveDate::from_ymd_opt(2022, 2, 28).unwrap();
        spec.window = None;
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let text = run(&spec, &Progress::new(&cancel, &|_| {})).unwrap().scorecard_text();
        assert!(
            text.lines().next().unwrap().contains("100 operators, manufacturer_production_ehs_per_month=12, switch_off_days=3, model"),
            "{text}"
        );
    }

    #[test]
    fn a_short_backtest_runs_and_scores_against_the_data() {
        let mut spec = BacktestSpec::window("2022", 2, 1).unwrap();
        spec.operators = 200;
        spec.window = None;
        spec.to = NaiveDate::from_ymd_opt(2022, 3, 31).unwrap();
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let result = run(&spec, &Progress::new(&cancel, &|_| {})).unwrap();
        assert_eq!(result.days.len(), 90);
        assert_eq!(result.days[0].observed_difficulty_t, observed::on(spec.from).unwrap().difficulty_t);
        // The start is sized on the observed hash rate: the first days are close.
        let first = &result.days[0];
        assert!(
            (first.model_hashrate_30d_p50_ehs / observed::trailing_mean(observed::index_of(spec.from).unwrap(), 7, |d| d.hashrate_ehs)
                - 1.0)
                .abs()
                < 0.05
        );
        assert!(result.scorecard.hashrate_mdale_pct.is_finite());
        assert!(result.to_csv().lines().count() == 91);
        assert!(result.scorecard_text().contains("hash rate"));
    }
}
