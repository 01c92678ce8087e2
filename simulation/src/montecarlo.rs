//! Many seeds of one scenario: percentile bands for every charted column.
//!
//! Run `i` of a Monte Carlo uses seed `scenario.seed + i` (modulo 2^53), so
//! any run can be reproduced alone. Bands are taken on a grid of at most
//! [`MAX_BAND_POINTS`] days (every day for runs that short, always including
//! the last), with percentiles by linear interpolation between closest ranks
//! (numpy's default). A shard (`--shard i/n`) runs a contiguous block of the
//! runs and returns its samples; [`merge_samples`] joins shards into exactly
//! what one machine would have computed.

use crate::error::ScenarioError;
use crate::output::DailyRecord;
use crate::scenario::{Scenario, MAX_SEED};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// The percentiles of every band.
pub const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];
/// The most points a band has.
pub const MAX_BAND_POINTS: usize = 250;
/// The most runs one Monte Carlo may have.
pub const MAX_RUNS: u32 = 1_000;

/// The most columns one Monte Carlo bands.
pub const MAX_COLUMNS: usize = 256;

/// The samples of some runs of one Monte Carlo (a shard, or all of it).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloSamples {
    /// The model version that produced them.
    pub model_version: String,
    /// The scenario (its `seed` is the first run's).
    pub scenario: Scenario,
    /// Runs in the whole Monte Carlo.
    pub total_runs: u32,
    /// Index of the first run these samples hold.
    pub first_run: u32,
    /// The grid: day numbers sampled.
    pub grid_days: Vec<u32>,
    /// The grid's dates.
    pub grid_dates: Vec<String>,
    /// The daily columns banded, in order (the caller chooses them: the
    /// model does not know what a page charts).
    #[serde(default)]
    pub columns: Vec<String>,
    /// `values[run][column][point]`, columns in `columns` order.
    pub values: Vec<Vec<Vec<f64>>>,
}

/// One column's bands over the grid.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// The column.
    pub column: String,
    /// `percentiles[k][point]`: the [`PERCENTILES`]`[k]` percentile at each grid point.
    pub percentiles: Vec<Vec<f64>>,
}

/// The bands of a Monte Carlo.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloResult {
    /// The model version that produced it.
    pub model_version: String,
    /// The scenario (its `seed` is the first run's).
    pub scenario: Scenario,
    /// How many runs.
    pub runs: u32,
    /// The percentiles of each band, in order.
    pub percentiles: Vec<f64>,
    /// Grid days.
    pub grid_days: Vec<u32>,
    /// Grid dates.
    pub grid_dates: Vec<String>,
    /// One band per column asked for, in that order.
    pub bands: Vec<Band>,
}

/// The work was cancelled before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Why a Monte Carlo or sweep did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// A value was wrong.
    #[error("{0}")]
    Invalid(#[from] ScenarioError),
    /// It was cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl From<Cancelled> for BatchError {
    fn from(_: Cancelled) -> Self {
        BatchError::Cancelled
    }
}

/// Watches progress and cancellation of a batch of runs.
pub struct Progress<'a> {
    done: AtomicU32,
    cancel: &'a AtomicBool,
    report: &'a (dyn Fn(u32) + Sync),
}

impl<'a> Progress<'a> {
    /// Reports the count of finished runs to `report`; stops early once `cancel` is set.
    pub fn new(cancel: &'a AtomicBool, report: &'a (dyn Fn(u32) + Sync)) -> Self {
        Self { done: AtomicU32::new(0), cancel, report }
    }

    /// Whether to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// One more run finished.
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        (self.report)(done);
    }
}

/// The seed of run `index` of a batch starting from `seed`.
pub fn run_seed(seed: u64, index: u32) -> u64 {
    (seed + u64::from(index)) % (MAX_SEED as u64 + 1)
}

/// The grid of sampled days for a run of `days` days.
pub fn band_grid(days: u32) -> Vec<u32> {
    let step = days.div_ceil(MAX_BAND_POINTS as u32 - 1).max(1);
    let mut grid: Vec<u32> = (0..days).step_by(step as usize).collect();
    if grid.last() != Some(&(days - 1)) {
        grid.push(days - 1);
    }
    grid
}

/// Checks a run count.
pub fn check_runs(runs: u32) -> Result<(), ScenarioError> {
    if runs == 0 || runs > MAX_RUNS {
        return Err(ScenarioError::new("runs", format!("{runs} runs"), format!("a whole number from 1 to {MAX_RUNS}")));
    }
    Ok(())
}

/// Checks the columns a Monte Carlo is to band: 1 to [`MAX_COLUMNS`]
/// numeric daily columns.
pub fn check_columns<S: AsRef<str>>(columns: &[S]) -> Result<(), ScenarioError> {
    let allowed = || format!("1 to {MAX_COLUMNS} numeric daily columns (see `hashlab run` output)");
    if columns.is_empty() || columns.len() > MAX_COLUMNS {
        return Err(ScenarioError::new("columns", format!("{} columns", columns.len()), allowed()));
    }
    if let Some(bad) = columns.iter().find(|c| DailyRecord::default().value(c.as_ref()).is_none()) {
        let name: String = bad.as_ref().chars().take(64).collect();
        return Err(ScenarioError::new("columns", format!("`{name}` is not a numeric daily column"), allowed()));
    }
    Ok(())
}

/// Runs `runs` seeds `first_run..first_run + count` of a Monte Carlo of
/// `total_runs` runs and returns their samples of `columns`.
pub fn run_samples(
    scenario: &Scenario,
    total_runs: u32,
    first_run: u32,
    count: u32,
    columns: &[&str],
    progress: &Progress,
) -> Result<MonteCarloSamples, BatchError> {
    scenario.validate()?;
    check_runs(total_runs)?;
    check_columns(columns)?;
    if first_run.checked_add(count).is_none_or(|end| end > total_runs) {
        return Err(ScenarioError::new(
            "shard",
            format!("runs {first_run}..{} of {total_runs}", first_run.saturating_add(count)),
            "a part of the runs",
        )
        .into());
    }
    let grid = band_grid(scenario.days());
    let sample = |index: u32| -> Result<Vec<Vec<f64>>, BatchError> {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let run = Scenario { seed: run_seed(scenario.seed, index), ..scenario.clone() };
        let records = crate::run_days(&run, &grid)?;
        progress.tick();
        Ok(columns.iter().map(|column| records.iter().map(|record| value(record, column)).collect()).collect())
    };
    let indices: Vec<u32> = (first_run..first_run + count).collect();
    let values = map_runs(&indices, sample)?;
    let dates = grid.iter().map(|&day| crate::market::day_date(scenario.start_date, day).to_string()).collect();
    Ok(MonteCarloSamples {
        model_version: crate::MODEL_VERSION.to_string(),
        scenario: scenario.clone(),
        total_runs,
        first_run,
        grid_days: grid,
        grid_dates: dates,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        values,
    })
}

fn value(record: &DailyRecord, column: &str) -> f64 {
    record.value(column).expect("band columns are daily columns")
}

/// Maps `work` over `indices`, in parallel where the `parallel` feature is on,
/// keeping the order of `indices` in the output.
pub fn map_runs<T: Send>(indices: &[u32], work: impl Fn(u32) -> Result<T, BatchError> + Sync + Send) -> Result<Vec<T>, BatchError> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        indices.par_iter().map(|&i| work(i)).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        indices.iter().map(|&i| work(i)).collect()
    }
}

/// Runs a whole Monte Carlo and returns the bands of `columns`.
pub fn run_montecarlo(scenario: &Scenario, runs: u32, columns: &[&str], progress: &Progress) -> Result<MonteCarloResult, BatchError> {
    let samples = run_samples(scenario, runs, 0, runs, columns, progress)?;
    Ok(merge_samples(vec![samples])?)
}

/// What a shard file must be to be merged: checked before anything is sized from it.
const SHARD_FILE: &str = "a file written by `hashlab montecarlo --shard i/n`, unedited";

impl MonteCarloSamples {
    /// Checks one shard's counts and shapes against each other and against its
    /// scenario, so that a shard read from a file (untrusted) can be merged
    /// without a huge allocation or an index out of bounds.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let invalid = |message: String, allowed: &str| ScenarioError::new("shards", message, allowed);
        if self.total_runs == 0 || self.total_runs > MAX_RUNS {
            return Err(invalid(format!("total_runs is {}", self.total_runs), &format!("1 to {MAX_RUNS} runs")));
        }
        if self.values.is_empty() {
            return Err(invalid(format!("the shard starting at run {} holds no runs", self.first_run), "at least one run per shard"));
        }
        let end = u64::from(self.first_run) + self.values.len() as u64;
        if end > u64::from(self.total_runs) {
            return Err(invalid(
                format!("runs {}..{end} do not fit in total_runs {}", self.first_run, self.total_runs),
                "runs within 0..total_runs",
            ));
        }
        self.scenario.validate().map_err(|e| invalid(format!("the shard's scenario is not valid: {e}"), SHARD_FILE))?;
        let grid = band_grid(self.scenario.days());
        if self.grid_days != grid {
            return Err(invalid(
                format!(
                    "grid_days ({} points) is not the grid of a {}-day run ({} points)",
                    self.grid_days.len(),
                    self.scenario.days(),
                    grid.len()
                ),
                SHARD_FILE,
            ));
        }
        let dates_match = self.grid_dates.len() == grid.len()
            && self
                .grid_dates
                .iter()
                .zip(&grid)
                .all(|(date, &day)| *date == crate::market::day_date(self.scenario.start_date, day).to_string());
        if !dates_match {
            return Err(invalid("grid_dates are not the dates of grid_days".to_string(), SHARD_FILE));
        }
        check_columns(&self.columns).map_err(|e| invalid(format!("its columns: {}", e.message), SHARD_FILE))?;
        for (offset, run) in self.values.iter().enumerate() {
            let index = u64::from(self.first_run) + offset as u64;
            if run.len() != self.columns.len() {
                return Err(invalid(
                    format!("run {index} has {} columns of values", run.len()),
                    &format!("{} columns per run (one per band column)", self.columns.len()),
                ));
            }
            if let Some((column, points)) = run.iter().enumerate().find(|(_, points)| points.len() != grid.len()) {
                return Err(invalid(
                    format!("run {index} has {} points of {}", points.len(), self.columns[column]),
                    &format!("{} points per column (one per grid day)", grid.len()),
                ));
            }
        }
        Ok(())
    }
}

/// Joins the samples of every shard of one Monte Carlo into its bands. Each
/// shard is checked ([`MonteCarloSamples::check`]) before anything is merged.
pub fn merge_samples(mut parts: Vec<MonteCarloSamples>) -> Result<MonteCarloResult, ScenarioError> {
    let invalid = |message: String| ScenarioError::new("shards", message, "every shard of one Monte Carlo, each once");
    for part in &parts {
        part.check()?;
    }
    parts.sort_by_key(|p| p.first_run);
    let first = parts.first().ok_or_else(|| invalid("no shards".to_string()))?;
    let (scenario, total_runs, grid_days, grid_dates, version, columns) = (
        first.scenario.clone(),
        first.total_runs,
        first.grid_days.clone(),
        first.grid_dates.clone(),
        first.model_version.clone(),
        first.columns.clone(),
    );
    let mut next = 0;
    // Sized by what was read, never by a count a file claims.
    let mut values: Vec<Vec<Vec<f64>>> = Vec::with_capacity(parts.iter().map(|p| p.values.len()).sum());
    for part in parts {
        if part.scenario != scenario
            || part.total_runs != total_runs
            || part.grid_days != grid_days
            || part.model_version != version
            || part.columns != columns
        {
            return Err(invalid("the shards come from different Monte Carlos".to_string()));
        }
        if part.first_run != next {
            return Err(invalid(format!("runs {next}..{} are missing or doubled", part.first_run.max(next))));
        }
        // Checked above: first_run + its runs <= total_runs <= MAX_RUNS.
        next += part.values.len() as u32;
        values.extend(part.values);
    }
    if next != total_runs {
        return Err(invalid(format!("runs {next}..{total_runs} are missing")));
    }
    let points = grid_days.len();
    let band = |c: usize| {
        let mut column_values = vec![0.0; values.len()];
        let mut percentiles = vec![Vec::with_capacity(points); PERCENTILES.len()];
        for point in 0..points {
            for (run, slot) in values.iter().zip(column_values.iter_mut()) {
                *slot = run[c][point];
            }
            column_values.sort_unstable_by(f64::total_cmp);
            for (k, p) in PERCENTILES.iter().enumerate() {
                percentiles[k].push(percentile_sorted(&column_values, *p));
            }
        }
        Band { column: columns[c].clone(), percentiles }
    };
    // Columns are independent: on every core where there are several.
    #[cfg(feature = "parallel")]
    let bands = {
        use rayon::prelude::*;
        (0..columns.len()).into_par_iter().map(band).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let bands = (0..columns.len()).map(band).collect();
    Ok(MonteCarloResult {
        model_version: version,
        scenario,
        runs: total_runs,
        percentiles: PERCENTILES.to_vec(),
        grid_days,
        grid_dates,
        bands,
    })
}

/// The `p`-th percentile of sorted values, interpolating linearly between closest ranks.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let low = rank.floor() as usize;
    let high = (low + 1).min(sorted.len() - 1);
    let fraction = rank - low as f64;
    sorted[low] + (sorted[high] - sorted[low]) * fraction
}

impl MonteCarloResult {
    /// The bands as CSV: `day,date`, then `<column>_p5 ... <column>_p95` for each column.
    pub fn to_csv_string(&self) -> String {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["day".to_string(), "date".to_string()];
        for band in &self.bands {
            header.extend(self.percentiles.iter().map(|p| format!("{}_p{}", band.column, p)));
        }
        csv.write_record(&header).expect("writing to memory");
        for (point, day) in self.grid_days.iter().enumerate() {
            let mut row = vec![day.to_string(), self.grid_dates[point].clone()];
            for band in &self.bands {
                row.extend(band.percentiles.iter().map(|values| crate::output::format_number(values[point])));
            }
            csv.write_record(&row).expect("writing to memory");
        }
        String::from_utf8(csv.into_inner().expect("flushing memory")).expect("CSV of numbers is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns these tests band.
    const COLUMNS: &[&str] = &[
        "price_usd",
        "difficulty",
        "hashrate_ehs",
        "hashrate_7d_est_ehs",
        "hashprice_usd_per_ph_day",
        "security_budget_usd_per_day",
        "nakamoto_pools",
    ];

    #[test]
    fn only_numeric_daily_columns_are_banded() {
        assert!(check_columns(COLUMNS).is_ok());
        assert_eq!(check_columns::<&str>(&[]).unwrap_err().field, "columns");
        assert!(check_columns(&["date"]).unwrap_err().message.contains("`date`"));
        assert!(check_columns(&["no_such"]).is_err());
    }

    fn quiet() -> (AtomicBool, impl Fn(u32) + Sync) {
        (AtomicBool::new(false), |_| {})
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile_sorted(&values, 50.0), 3.0);
        assert_eq!(percentile_sorted(&values, 25.0), 2.0);
        assert!((percentile_sorted(&[1.0, 2.0], 5.0) - 1.05).abs() < 1e-12);
        assert_eq!(percentile_sorted(&[7.0], 95.0), 7.0);
    }

    #[test]
    fn the_grid_has_at_most_250_points_and_ends_on_the_last_day() {
        for days in [1u32, 37, 249, 250, 251, 1461, 10_958] {
            let grid = band_grid(days);
            assert!(grid.len() <= MAX_BAND_POINTS, "{days}: {}", grid.len());
            assert_eq!(grid[0], 0);
            assert_eq!(*grid.last().unwrap(), days - 1);
            assert!(grid.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(band_grid(100).len(), 100);
    }

    #[test]
    fn shards_merge_into_the_whole() {
        let scenario = Scenario { operators: 60, years: 0.15, ..Scenario::default() };
        let (cancel, report) = quiet();
        let progress = Progress::new(&cancel, &report);
        let whole = run_montecarlo(&scenario, 7, COLUMNS, &progress).unwrap();
        let parts = vec![
            run_samples(&scenario, 7, 4, 3, COLUMNS, &progress).unwrap(),
            run_samples(&scenario, 7, 0, 2, COLUMNS, &progress).unwrap(),
            run_samples(&scenario, 7, 2, 2, COLUMNS, &progress).unwrap(),
        ];
        assert_eq!(merge_samples(parts.clone()).unwrap(), whole);
        assert!(merge_samples(parts[..2].to_vec()).is_err(), "a missing shard is an error");
        let mut doubled = parts.clone();
        doubled.push(parts[0].clone());
        assert!(merge_samples(doubled).is_err(), "a doubled shard is an error");
        let band = &whole.bands[COLUMNS.iter().position(|c| *c == "hashrate_ehs").unwrap()];
        for point in 0..whole.grid_days.len() {
            let p: Vec<f64> = band.percentiles.iter().map(|v| v[point]).collect();
            assert!(p.windows(2).all(|w| w[0] <= w[1]), "bands are ordered: {p:?}");
        }
    }

    #[test]
    fn cancelling_stops_the_batch_and_bad_counts_are_named() {
        let scenario = Scenario { operators: 60, years: 0.1, ..Scenario::default() };
        let cancel = AtomicBool::new(true);
        let report = |_| {};
        assert_eq!(run_montecarlo(&scenario, 5, COLUMNS, &Progress::new(&cancel, &report)), Err(BatchError::Cancelled));
        let (cancel, report) = quiet();
        let progress = Progress::new(&cancel, &report);
        match run_montecarlo(&scenario, 1_001, COLUMNS, &progress) {
            Err(BatchError::Invalid(error)) => assert_eq!(error.field, "runs"),
            other => panic!("{other:?}"),
        }
    }

    /// Merges `part` alone (its siblings are not needed to see what is wrong
    /// with it) and returns the error's message, checking it names the shards.
    fn merge_error(part: MonteCarloSamples) -> String {
        let error = merge_samples(vec![part]).expect_err("a bad shard is refused");
        assert_eq!(error.field, "shards");
        format!("{}; allowed: {}", error.message, error.allowed)
    }

    #[test]
    fn bad_shards_are_refused_by_name_before_anything_is_allocated() {
        let scenario = Scenario { operators: 60, years: 0.1, ..Scenario::default() };
        let (cancel, report) = quiet();
        let progress = Progress::new(&cancel, &report);
        let good = run_samples(&scenario, 3, 0, 3, COLUMNS, &progress).unwrap();
        assert!(good.check().is_ok() && merge_samples(vec![good.clone()]).is_ok());
        let edit = |change: &dyn Fn(&mut MonteCarloSamples)| {
            let mut part = good.clone();
            change(&mut part);
            merge_error(part)
        };
        // A claimed total that would once have been allocated up front (103 GB).
        assert!(edit(&|p| p.total_runs = u32::MAX).contains("total_runs is 4294967295"));
        assert!(edit(&|p| p.total_runs = 0).contains("1 to 1000 runs"));
        assert!(edit(&|p| p.values.clear()).contains("holds no runs"));
        assert!(edit(&|p| p.first_run = u32::MAX).contains("do not fit in total_runs 3"));
        assert!(edit(&|p| p.values[2].truncate(5)).contains("run 2 has 5 columns"));
        assert!(edit(&|p| p.values[1][4].pop().map_or((), drop)).contains("run 1 has 36 points of hashprice_usd_per_ph_day"));
        assert!(edit(&|p| p.values[0][0].push(1.0)).contains("37 points per column"));
        assert!(edit(&|p| p.grid_days.truncate(3)).contains("grid_days (3 points)"));
        assert!(edit(&|p| p.grid_dates.truncate(3)).contains("grid_dates"));
        assert!(edit(&|p| p.grid_dates[0] = "2000-01-01".into()).contains("grid_dates"));
        assert!(edit(&|p| p.scenario.years = 1e9).contains("years"));
        // A shard that does not say what it banded (written before columns were named).
        assert!(edit(&|p| p.columns.clear()).contains("its columns: 0 columns"));
        assert!(edit(&|p| p.columns[0] = "date".into()).contains("`date` is not a numeric daily column"));
    }
}
