//! The time axis of every daily chart: days of the run, ticked and labelled
//! on month boundaries (every month, or every 2, 3, 6 or 12 months, or
//! every few years, whichever fits), so a tick reads "Nov 2025" where the
//! month begins, not at an arbitrary day.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use std::ops::Range;

/// Strides between ticks, in months, from densest to sparsest.
const STRIDES_MONTHS: [u32; 9] = [1, 2, 3, 6, 12, 24, 60, 120, 240];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days `0..=last_day` of a run, with the first day of each month marked.
#[derive(Debug, Clone)]
pub struct DaysAxis {
    last_day: f64,
    /// (day, year, month 1..=12) of every first-of-month in the run.
    month_starts: Vec<(f64, i32, u32)>,
    /// Months between labelled ticks (labels read as years when it is 12 or more).
    label_stride: u32,
}

impl DaysAxis {
    /// The axis of a run whose days have these ISO dates, with at most `labels` labelled ticks.
    pub fn new(dates: &[String], labels: usize) -> Self {
        let month_starts = dates
            .iter()
            .enumerate()
            .filter_map(|(day, date)| {
                let (year, rest) = date.split_once('-')?;
                let (month, dom) = rest.split_once('-')?;
                (dom == "01").then_some((day as f64, year.parse().ok()?, month.parse().ok()?))
            })
            .collect();
        let mut axis = DaysAxis { last_day: (dates.len().max(2) - 1) as f64, month_starts, label_stride: 1 };
        axis.label_stride = axis.stride_for(labels);
        axis
    }

    /// The months between ticks when at most `most` ticks fit.
    fn stride_for(&self, most: usize) -> u32 {
        let most = most.max(1);
        STRIDES_MONTHS
            .iter()
            .copied()
            .find(|&stride| self.month_starts.iter().filter(|m| on_stride(m.1, m.2, stride)).count() <= most)
            .unwrap_or(*STRIDES_MONTHS.last().expect("strides"))
    }

    /// The label of a tick on `day`: "Nov 2025", or "2026" when ticks are a year or more apart.
    pub fn label(&self, day: f64) -> String {
        let Some(&(_, year, month)) = self.month_starts.iter().find(|m| (m.0 - day).abs() < 0.5) else {
            return String::new();
        };
        if self.label_stride >= 12 {
            year.to_string()
        } else {
            format!("{} {year}", MONTHS[(month as usize - 1).min(11)])
        }
    }
}

/// Whether a month is a tick at `stride` months: strides within a year start in January
/// (1, 2, 3 or 6 months: Jan, Jul, ...); longer ones on years divisible by them.
fn on_stride(year: i32, month: u32, stride: u32) -> bool {
    if stride <= 12 {
        (month - 1) % stride == 0
    } else {
        month == 1 && year.rem_euclid((stride / 12) as i32) == 0
    }
}

impl Ranged for DaysAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        if self.last_day <= 0.0 {
            return (limit.1 - limit.0) / 2;
        }
        let fraction = value / self.last_day;
        limit.0 + ((limit.1 - limit.0) as f64 * fraction + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        let most = hint.max_num_points();
        if most == 0 {
            return Vec::new();
        }
        let stride = self.stride_for(most);
        self.month_starts.iter().filter(|m| on_stride(m.1, m.2, stride)).map(|m| m.0).collect()
    }

    fn range(&self) -> Range<f64> {
        0.0..self.last_day
    }
}

impl ValueFormatter<f64> for DaysAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.label(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(from: &str, days: usize) -> Vec<String> {
        let mut scenario = simulation::Scenario::default();
        scenario.set_field("start_date", from).unwrap();
        (0..days as u32).map(|d| simulation::market::day_date(scenario.start_date, d).to_string()).collect()
    }

    #[test]
    fn ticks_fall_on_the_first_of_a_month() {
        // The history preset's window: October 2025 to January 2026.
        let days = dates("2025-10-06", 110);
        let axis = DaysAxis::new(&days, 8);
        let ticks = axis.key_points(8usize);
        let labels: Vec<String> = ticks.iter().map(|d| axis.label(*d)).collect();
        assert_eq!(labels, ["Nov 2025", "Dec 2025", "Jan 2026"]);
        for tick in ticks {
            assert!(days[tick as usize].ends_with("-01"));
        }
    }

    #[test]
    fn long_runs_thin_ticks_to_whole_months_then_years() {
        let four_years = DaysAxis::new(&dates("2025-11-01", 1_461), 8);
        let ticks = four_years.key_points(8usize);
        assert!(ticks.len() <= 8 && ticks.len() >= 4, "{ticks:?}");
        let labels: Vec<String> = ticks.iter().map(|d| four_years.label(*d)).collect();
        assert!(labels.iter().all(|l| l.starts_with("Jan ") || l.starts_with("Jul ")), "every six months: {labels:?}");
        let ten_years = DaysAxis::new(&dates("2025-11-01", 3_653), 4);
        let ticks = ten_years.key_points(4usize);
        let labels: Vec<String> = ticks.iter().map(|d| ten_years.label(*d)).collect();
        assert!(ticks.len() <= 4 && labels.iter().all(|l| l.len() == 4), "years when ticks are years apart: {labels:?}");
    }
}
