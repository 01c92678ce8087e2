//! Sweeps: one or two scenario fields over ranges, a metric per cell.
//!
//! Each cell sets the swept fields (evenly spaced from `from` to `to`; whole
//! numbers for integer fields) and runs `runs` seeds (`seed + r`, as Monte
//! Carlo runs are seeded); the metric is any daily column taken on the final
//! day, or its mean over a window of days ([`Window`]), summarised by its
//! percentiles and mean across seeds. A shard runs a contiguous block of
//! cells; [`merge_sweeps`] joins shards exactly.

use crate::error::ScenarioError;
use crate::montecarlo::{check_runs, map_runs, percentile_sorted, run_seed, BatchError, Progress, PERCENTILES};
use crate::output::DailyRecord;
use crate::scenario::{FieldKind, FieldSpec, Scenario};
use serde::{Deserialize, Serialize};

/// The most cells a sweep may have.
pub const MAX_CELLS: u32 = 2_500;
/// The most steps along one axis.
pub const MAX_STEPS: u32 = 100;

/// One swept field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The scenario field.
    pub field: String,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// How many values (at least 2, or 1 for a single value).
    pub steps: u32,
}

impl Axis {
    /// Reads `field=from:to:steps`.
    pub fn parse(text: &str) -> Result<Axis, ScenarioError> {
        let allowed = "FIELD=FROM:TO:STEPS, e.g. price_shock_pct=-60:0:7";
        let (field, range) = text.split_once('=').ok_or_else(|| ScenarioError::new("param", format!("`{text}` has no `=`"), allowed))?;
        let parts: Vec<&str> = range.split(':').collect();
        let [from, to, steps] = parts.as_slice() else {
            return Err(ScenarioError::new(field.trim(), format!("`{range}` is not FROM:TO:STEPS"), allowed));
        };
        let number = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(from), Some(to)) = (number(from), number(to)) else {
            return Err(ScenarioError::new(field.trim(), format!("`{range}` has a bound that is not a number"), allowed));
        };
        let steps: u32 = steps
            .trim()
            .parse()
            .map_err(|_| ScenarioError::new("steps", format!("`{steps}` is not a whole number"), format!("1 to {MAX_STEPS}")))?;
        let axis = Axis { field: field.trim().to_string(), from, to, steps };
        axis.check()?;
        Ok(axis)
    }

    /// Checks the field, its range and the step count.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let spec = FieldSpec::find(&self.field)
            .ok_or_else(|| ScenarioError::new(&self.field, "unknown scenario field", "one of the names `hashlab fields` lists"))?;
        if !matches!(spec.kind, FieldKind::Number | FieldKind::Integer) {
            return Err(ScenarioError::new(&self.field, "only numeric fields can be swept", "a numeric field"));
        }
        if self.steps == 0 || self.steps > MAX_STEPS {
            return Err(ScenarioError::new("steps", format!("{} steps for {}", self.steps, self.field), format!("1 to {MAX_STEPS}")));
        }
        for bound in [self.from, self.to] {
            let value = if spec.kind == FieldKind::Integer && bound >= 0.0 && bound.fract() == 0.0 {
                serde_json::json!(bound as u64)
            } else {
                serde_json::json!(bound)
            };
            spec.check(&value).map_err(|e| ScenarioError::new(&self.field, e.message, spec.allowed()))?;
        }
        Ok(())
    }

    /// The values along the axis.
    pub fn values(&self) -> Vec<f64> {
        let integer = FieldSpec::find(&self.field).is_some_and(|s| s.kind == FieldKind::Integer);
        (0..self.steps)
            .map(|i| {
                let t = if self.steps == 1 { 0.0 } else { f64::from(i) / f64::from(self.steps - 1) };
                let v = self.from + (self.to - self.from) * t;
                if integer {
                    crate::math::round(v)
                } else {
                    v
                }
            })
            .collect()
    }
}

/// The days of a run whose mean a sweep takes: `from_day` to `to_day`
/// (days of the run from 0, both included; `None` for its final day).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First day.
    pub from_day: u32,
    /// Last day, or the run's final day.
    pub to_day: Option<u32>,
}

/// What [`Window::parse`] reads.
pub const WINDOW_FORMAT: &str = "FROM:TO, days of the run from 0 (TO may be `end`), e.g. 0:end or 365:729";

impl Window {
    /// Reads `FROM:TO` (`TO` may be `end`).
    pub fn parse(text: &str) -> Result<Window, ScenarioError> {
        let bad = |message: String| ScenarioError::new("mean_over", message, WINDOW_FORMAT);
        let (from, to) = text.split_once(':').ok_or_else(|| bad(format!("`{text}` has no `:`")))?;
        let from_day = from.trim().parse::<u32>().map_err(|_| bad(format!("`{}` is not a whole number of days", from.trim())))?;
        let to_day = match to.trim() {
            "end" => None,
            to => Some(to.parse::<u32>().map_err(|_| bad(format!("`{to}` is neither a whole number of days nor `end`")))?),
        };
        if to_day.is_some_and(|to| to < from_day) {
            return Err(bad(format!("it ends (day {}) before it starts (day {from_day})", to_day.unwrap_or_default())));
        }
        Ok(Window { from_day, to_day })
    }

    /// Its text, as [`Window::parse`] reads it.
    pub fn text(&self) -> String {
        match self.to_day {
            Some(to) => format!("{}:{to}", self.from_day),
            None => format!("{}:end", self.from_day),
        }
    }

    /// Its days in a run of `days` days, or why it does not fit.
    pub fn days_in(&self, days: u32) -> Result<std::ops::RangeInclusive<u32>, ScenarioError> {
        let last = days.saturating_sub(1);
        let to = self.to_day.unwrap_or(last);
        if to > last || self.from_day > to {
            return Err(ScenarioError::new(
                "mean_over",
                format!("days {} do not fit in a run of {days} days", self.text()),
                format!("FROM:TO within 0:{last} (TO may be `end`)"),
            ));
        }
        Ok(self.from_day..=to)
    }
}

/// A sweep's definition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// The scenario every cell starts from.
    pub scenario: Scenario,
    /// One or two axes.
    pub axes: Vec<Axis>,
    /// The daily column taken on the final day, or averaged over `mean_over`.
    pub metric: String,
    /// The days whose mean is taken; the final day alone when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_over: Option<Window>,
    /// Seeds per cell.
    pub runs: u32,
}

/// One cell of a sweep.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The swept fields' values, in axis order.
    pub values: Vec<f64>,
    /// The metric's percentiles across seeds ([`PERCENTILES`]).
    pub percentiles: Vec<f64>,
    /// Its mean across seeds.
    pub mean: f64,
}

/// A sweep's result, or a shard of it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// The model version that produced it.
    pub model_version: String,
    /// The definition.
    pub spec: SweepSpec,
    /// Cells in the whole sweep.
    pub total_cells: u32,
    /// Index of the first cell held here.
    pub first_cell: u32,
    /// The cells, first axis slowest.
    pub cells: Vec<Cell>,
}

impl SweepSpec {
    /// Checks the definition.
    pub fn check(&self) -> Result<(), ScenarioError> {
        self.scenario.validate()?;
        if self.axes.is_empty() || self.axes.len() > 2 {
            return Err(ScenarioError::new("param", format!("{} parameters", self.axes.len()), "one or two --param"));
        }
        for axis in &self.axes {
            axis.check()?;
        }
        if self.axes.len() == 2 && self.axes[0].field == self.axes[1].field {
            return Err(ScenarioError::new(&self.axes[1].field, "swept twice", "two different fields"));
        }
        if DailyRecord::default().value(&self.metric).is_none() {
            return Err(ScenarioError::new(
                "metric",
                format!("`{}` is not a daily column", self.metric),
                "a numeric column of the daily series, e.g. nakamoto_pools",
            ));
        }
        check_runs(self.runs)?;
        if self.cell_count() > MAX_CELLS {
            return Err(ScenarioError::new(
                "param",
                format!("{} cells", self.cell_count()),
                format!("at most {MAX_CELLS} cells (steps multiplied)"),
            ));
        }
        // The window fits every cell's run (a swept `years` changes its length).
        if let Some(window) = self.mean_over {
            for cell in 0..self.cell_count() {
                window.days_in(self.cell_scenario(cell)?.days())?;
            }
        }
        Ok(())
    }

    /// What each run gives the cell, in words: "on the final day" or "mean over days 0:end".
    pub fn taken(&self) -> String {
        self.mean_over.map_or_else(|| "on the final day".to_string(), |w| format!("mean over days {}", w.text()))
    }

    /// How many cells.
    pub fn cell_count(&self) -> u32 {
        self.axes.iter().map(|a| a.steps).product()
    }

    /// The swept values of cell `index` (first axis slowest).
    pub fn cell_values(&self, index: u32) -> Vec<f64> {
        let mut rest = index;
        let mut values = vec![0.0; self.axes.len()];
        for (a, axis) in self.axes.iter().enumerate().rev() {
            values[a] = axis.values()[(rest % axis.steps) as usize];
            rest /= axis.steps;
        }
        values
    }

    /// The scenario of cell `index`.
    pub fn cell_scenario(&self, index: u32) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.scenario.clone();
        for (axis, value) in self.axes.iter().zip(self.cell_values(index)) {
            scenario.set_field(&axis.field, &format!("{value}"))?;
        }
        scenario.validate()?;
        Ok(scenario)
    }
}

/// Runs cells `first_cell..first_cell + count` of a sweep (all of it: 0 and `cell_count`).
pub fn run_sweep(spec: &SweepSpec, first_cell: u32, count: u32, progress: &Progress) -> Result<SweepResult, BatchError> {
    spec.check()?;
    let total = spec.cell_count();
    if first_cell.checked_add(count).is_none_or(|end| end > total) {
        return Err(ScenarioError::new(
            "shard",
            format!("cells {first_cell}..{} of {total}", first_cell.saturating_add(count)),
            "a part of the cells",
        )
        .into());
    }
    let runs = spec.runs;
    let tasks: Vec<u32> = (0..count * runs).collect();
    let finals = map_runs(&tasks, |task| {
        if progress.cancelled() {
            return Err(BatchError::Cancelled);
        }
        let cell = first_cell + task / runs;
        let mut scenario = spec.cell_scenario(cell)?;
        scenario.seed = run_seed(spec.scenario.seed, task % runs);
        let value = match spec.mean_over {
            None => {
                let final_day = scenario.days().saturating_sub(1);
                crate::run_days(&scenario, &[final_day])?.last().and_then(|d| d.value(&spec.metric)).unwrap_or(0.0)
            }
            Some(window) => {
                let days: Vec<u32> = window.days_in(scenario.days())?.collect();
                window_mean(&crate::run_days(&scenario, &days)?, &spec.metric)
            }
        };
        progress.tick();
        Ok(value)
    })?;
    let cells = finals
        .chunks(runs as usize)
        .enumerate()
        .map(|(offset, values)| {
            let mut sorted = values.to_vec();
            sorted.sort_unstable_by(f64::total_cmp);
            Cell {
                values: spec.cell_values(first_cell + offset as u32),
                percentiles: PERCENTILES.iter().map(|p| percentile_sorted(&sorted, *p)).collect(),
                mean: values.iter().sum::<f64>() / values.len() as f64,
            }
        })
        .collect();
    Ok(SweepResult { model_version: crate::MODEL_VERSION.to_string(), spec: spec.clone(), total_cells: total, first_cell, cells })
}

/// The mean of `metric` over `records`, days without a value left out (0 when none has one).
fn window_mean(records: &[DailyRecord], metric: &str) -> f64 {
    let values: Vec<f64> = records.iter().filter_map(|d| d.value(metric)).filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// What a shard file must be to be merged: checked before anything is sized from it.
const SHARD_FILE: &str = "a file written by `hashlab sweep --shard i/n`, unedited";

impl SweepResult {
    /// Checks one shard's counts and shapes against each other and against its
    /// spec, so that a shard read from a file (untrusted) can be merged and
    /// written without a huge allocation or an index out of bounds.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let invalid = |message: String, allowed: &str| ScenarioError::new("shards", message, allowed);
        self.spec.check().map_err(|e| invalid(format!("the shard's sweep is not valid: {e}"), SHARD_FILE))?;
        let total = self.spec.cell_count();
        if self.total_cells != total {
            return Err(invalid(format!("total_cells is {}", self.total_cells), &format!("{total}, the cells of its axes")));
        }
        if self.cells.is_empty() {
            return Err(invalid(format!("the shard starting at cell {} holds no cells", self.first_cell), "at least one cell per shard"));
        }
        let end = u64::from(self.first_cell) + self.cells.len() as u64;
        if end > u64::from(total) {
            return Err(invalid(
                format!("cells {}..{end} do not fit in total_cells {total}", self.first_cell),
                "cells within 0..total_cells",
            ));
        }
        for (offset, cell) in self.cells.iter().enumerate() {
            let index = self.first_cell + offset as u32;
            if cell.values.len() != self.spec.axes.len() {
                return Err(invalid(
                    format!("cell {index} has {} swept values", cell.values.len()),
                    &format!("{} per cell (one per axis)", self.spec.axes.len()),
                ));
            }
            if cell.values != self.spec.cell_values(index) {
                return Err(invalid(
                    format!("cell {index} has values {:?}", cell.values),
                    &format!("the swept values of cell {index}: {:?}", self.spec.cell_values(index)),
                ));
            }
            if cell.percentiles.len() != PERCENTILES.len() {
                return Err(invalid(
                    format!("cell {index} has {} percentiles", cell.percentiles.len()),
                    &format!("{} percentiles per cell ({PERCENTILES:?})", PERCENTILES.len()),
                ));
            }
            if !cell.percentiles.windows(2).all(|w| w[0] <= w[1]) {
                return Err(invalid(format!("cell {index}'s percentiles are not in increasing order"), SHARD_FILE));
            }
        }
        Ok(())
    }
}

/// Joins the shards of one sweep. Each shard is checked
/// ([`SweepResult::check`]) before anything is merged.
pub fn merge_sweeps(mut parts: Vec<SweepResult>) -> Result<SweepResult, ScenarioError> {
    let invalid = |message: String| ScenarioError::new("shards", message, "every shard of one sweep, each once");
    for part in &parts {
        part.check()?;
    }
    parts.sort_by_key(|p| p.first_cell);
    let first = parts.first().ok_or_else(|| invalid("no shards".to_string()))?;
    let (spec, total, version) = (first.spec.clone(), first.total_cells, first.model_version.clone());
    // Sized by what was read, never by a count a file claims.
    let mut cells = Vec::with_capacity(parts.iter().map(|p| p.cells.len()).sum());
    for part in parts {
        if part.spec != spec || part.total_cells != total || part.model_version != version {
            return Err(invalid("the shards come from different sweeps".to_string()));
        }
        if part.first_cell != cells.len() as u32 {
            return Err(invalid(format!("cells {}..{} are missing or doubled", cells.len(), part.first_cell.max(cells.len() as u32))));
        }
        cells.extend(part.cells);
    }
    if cells.len() as u32 != total {
        return Err(invalid(format!("cells {}..{total} are missing", cells.len())));
    }
    Ok(SweepResult { model_version: version, spec, total_cells: total, first_cell: 0, cells })
}

impl SweepResult {
    /// The cells as CSV: one column per axis, then the metric's percentiles and mean.
    pub fn to_csv_string(&self) -> String {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = self.spec.axes.iter().map(|a| a.field.clone()).collect();
        header.extend(PERCENTILES.iter().map(|p| format!("{}_p{}", self.spec.metric, p)));
        header.push(format!("{}_mean", self.spec.metric));
        csv.write_record(&header).expect("writing to memory");
        for cell in &self.cells {
            let mut row: Vec<String> = cell.values.iter().map(|v| crate::output::format_number(*v)).collect();
            row.extend(cell.percentiles.iter().map(|v| crate::output::format_number(*v)));
            row.push(crate::output::format_number(cell.mean));
            csv.write_record(&row).expect("writing to memory");
        }
        String::from_utf8(csv.into_inner().expect("flushing memory")).expect("CSV of numbers is UTF-8")
    }
}

/// Which part of `total` items shard `index` of `count` runs: (first, how many).
pub fn shard_range(total: u32, index: u32, count: u32) -> Result<(u32, u32), ScenarioError> {
    if count == 0 || index >= count {
        return Err(ScenarioError::new("shard", format!("{index}/{count}"), "i/n with 0 <= i < n"));
    }
    let start = (u64::from(total) * u64::from(index) / u64::from(count)) as u32;
    let end = (u64::from(total) * u64::from(index + 1) / u64::from(count)) as u32;
    Ok((start, end - start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    fn spec() -> SweepSpec {
        SweepSpec {
            scenario: Scenario { operators: 50, years: 0.1, ..Scenario::default() },
            axes: vec![Axis::parse("price_shock_pct=-60:0:3").unwrap(), Axis::parse("operators=50:70:2").unwrap()],
            metric: "hashrate_ehs".to_string(),
            mean_over: None,
            runs: 2,
        }
    }

    #[test]
    fn windows_parse_fit_and_name_what_is_wrong() {
        assert_eq!(Window::parse("0:end").unwrap(), Window { from_day: 0, to_day: None });
        assert_eq!(Window::parse(" 30 : 59 ").unwrap().text(), "30:59");
        for bad in ["30", "a:end", "3:x", "9:3", "-1:4"] {
            assert_eq!(Window::parse(bad).unwrap_err().field, "mean_over", "{bad}");
        }
        assert_eq!(Window::parse("10:end").unwrap().days_in(36).unwrap(), 10..=35);
        let late = Window::parse("10:40").unwrap().days_in(36).unwrap_err();
        assert_eq!((late.field.as_str(), late.allowed.as_str()), ("mean_over", "FROM:TO within 0:35 (TO may be `end`)"));
        assert!(Window::parse("40:end").unwrap().days_in(36).is_err());
        // A window that does not fit every cell (years swept) is refused before anything runs.
        let mut swept = spec();
        swept.axes = vec![Axis::parse("years=0.1:0.5:3").unwrap()];
        swept.mean_over = Some(Window::parse("0:100").unwrap());
        assert_eq!(swept.check().unwrap_err().field, "mean_over");
        swept.mean_over = Some(Window::parse("0:end").unwrap());
        assert!(swept.check().is_ok());
    }

    #[test]
    fn a_window_mean_is_the_mean_of_the_runs_days() {
        let mut spec = spec();
        spec.axes = vec![Axis::parse("price_shock_pct=-60:-60:1").unwrap()];
        spec.runs = 1;
        spec.mean_over = Some(Window::parse("5:end").unwrap());
        let cancel = AtomicBool::new(false);
        let report = |_| {};
        let result = run_sweep(&spec, 0, 1, &Progress::new(&cancel, &report)).unwrap();
        let mut scenario = spec.cell_scenario(0).unwrap();
        scenario.seed = run_seed(spec.scenario.seed, 0);
        let run = crate::run(&scenario).unwrap();
        let days = &run.days[5..];
        let mean = days.iter().map(|d| d.hashrate_ehs).sum::<f64>() / days.len() as f64;
        assert!((result.cells[0].mean - mean).abs() < 1e-9 * mean, "{} against {mean}", result.cells[0].mean);
        assert_ne!(result.cells[0].mean, run.days.last().unwrap().hashrate_ehs, "not the final day");
        // Old shard files (no window) still read.
        let old: SweepSpec = serde_json::from_str(&serde_json::to_string(&self::spec()).unwrap()).unwrap();
        assert_eq!(old.mean_over, None);
        assert_eq!(spec.taken(), "mean over days 5:end");
    }

    #[test]
    fn axes_parse_and_name_what_is_wrong() {
        let axis = Axis::parse("price_shock_pct=-60:0:4").unwrap();
        assert_eq!(axis.values(), vec![-60.0, -40.0, -20.0, 0.0]);
        assert_eq!(Axis::parse("operators=10:15:4").unwrap().values(), vec![10.0, 12.0, 13.0, 15.0]);
        assert_eq!(Axis::parse("nope=1:2:3").unwrap_err().field, "nope");
        assert_eq!(Axis::parse("years=0:2:3").unwrap_err().field, "years");
        assert_eq!(Axis::parse("years=1:2:0").unwrap_err().field, "steps");
        assert_eq!(Axis::parse("title=1:2:3").unwrap_err().field, "title");
        assert_eq!(Axis::parse("years=1:2").unwrap_err().field, "years");
    }

    #[test]
    fn shards_merge_into_the_whole_sweep() {
        let spec = spec();
        let cancel = AtomicBool::new(false);
        let report = |_| {};
        let progress = Progress::new(&cancel, &report);
        let whole = run_sweep(&spec, 0, spec.cell_count(), &progress).unwrap();
        assert_eq!(whole.cells.len(), 6);
        assert_eq!(whole.cells[1].values, vec![-60.0, 70.0]);
        let parts: Vec<SweepResult> = (0..4)
            .map(|i| {
                let (first, count) = shard_range(6, i, 4).unwrap();
                run_sweep(&spec, first, count, &progress).unwrap()
            })
            .collect();
        assert_eq!(merge_sweeps(parts.clone()).unwrap(), whole);
        assert!(merge_sweeps(parts[1..].to_vec()).is_err());
        assert!(whole.to_csv_string().starts_with("price_shock_pct,operators,hashrate_ehs_p5,"));
    }

    #[test]
    fn bad_shards_are_refused_by_name_before_anything_is_allocated() {
        let spec = spec();
        let cancel = AtomicBool::new(false);
        let report = |_| {};
        let good = run_sweep(&spec, 0, spec.cell_count(), &Progress::new(&cancel, &report)).unwrap();
        assert!(good.check().is_ok());
        let edit = |change: &dyn Fn(&mut SweepResult)| {
            let mut part = good.clone();
            change(&mut part);
            let error = merge_sweeps(vec![part]).expect_err("a bad shard is refused");
            assert_eq!(error.field, "shards");
            format!("{}; allowed: {}", error.message, error.allowed)
        };
        assert!(edit(&|r| r.total_cells = u32::MAX).contains("total_cells is 4294967295; allowed: 6"));
        assert!(edit(&|r| r.cells.clear()).contains("holds no cells"));
        assert!(edit(&|r| r.first_cell = u32::MAX).contains("do not fit in total_cells 6"));
        assert!(edit(&|r| r.cells[3].percentiles.clear()).contains("cell 3 has 0 percentiles"));
        assert!(edit(&|r| r.cells[0].percentiles.reverse()).contains("not in increasing order"));
        assert!(edit(&|r| r.cells[1].values.pop().map_or((), drop)).contains("cell 1 has 1 swept values"));
        assert!(edit(&|r| r.cells[1].values[0] = 5.0).contains("the swept values of cell 1"));
        assert!(edit(&|r| r.spec.runs = 0).contains("runs"));
    }

    #[test]
    fn shard_ranges_cover_everything_once() {
        for (total, count) in [(10u32, 3u32), (3, 5), (400, 7)] {
            let mut next = 0;
            for index in 0..count {
                let (first, n) = shard_range(total, index, count).unwrap();
                assert_eq!(first, next);
                next += n;
            }
            assert_eq!(next, total);
        }
        assert!(shard_range(10, 3, 3).is_err());
    }

    #[test]
    fn specs_are_checked() {
        let mut bad = spec();
        bad.metric = "date".into();
        assert_eq!(bad.check().unwrap_err().field, "metric");
        let mut huge = spec();
        huge.axes = vec![Axis::parse("price_shock_pct=-60:0:100").unwrap(), Axis::parse("seed=1:100:100").unwrap()];
        assert_eq!(huge.check().unwrap_err().field, "param");
    }
}
