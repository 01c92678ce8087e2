//! What the server sends the page for one run: headline figures and charts
//! already drawn as SVG, plus the server function that produces them.

use serde::{Deserialize, Serialize};
use simulation::ScenarioError;

/// One run as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// The share-link query of the run (`link::to_query` of its scenario).
    pub query: String,
    /// The model version that produced the numbers.
    pub model_version: String,
    /// Fields of the link that were ignored, and why.
    pub warnings: Vec<ScenarioError>,
    /// What a reader must know about the run in words (e.g. the chain stalled).
    pub run_notes: Vec<String>,
    /// What happened, dated and in words (the model's events: `simulation::events`).
    pub events: Vec<EventLine>,
    /// Set when the scenario could not be run; then there are no charts.
    pub error: Option<ScenarioError>,
    /// Headline figures, each with its change from the start.
    pub headlines: Vec<Headline>,
    /// The run's time line and beats, for playback.
    pub story: StoryView,
    /// The charts, in [`crate::catalogue::CHARTS`] order.
    pub charts: Vec<ChartView>,
    /// The pinned baselines drawn on the charts, each with its name and stroke.
    pub baselines: Vec<BaselineKey>,
    /// The seeds of the Monte Carlo whose bands are shaded on the charts.
    pub bands_runs: Option<u32>,
    /// Bands were asked for but the server no longer holds them (run the seeds again).
    pub bands_missing: bool,
    /// Server time to run and draw, milliseconds.
    pub server_ms: f64,
}

/// One event of the run, as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLine {
    /// The day, ISO 8601.
    pub date: String,
    /// The kind, as the model names it (`retarget`, `halving`, ...).
    pub kind: String,
    /// What happened, in words.
    pub text: String,
}

/// What playback needs of a run besides its charts: its time line, its beats
/// (a preset's script placed on the run, or beats from its events) and the two
/// charts a projector shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StoryView {
    /// The run's first day, ISO 8601.
    pub start_date: String,
    /// Days in the run.
    pub days: u32,
    /// The beats, in day order.
    pub beats: Vec<simulation::story::StoryBeat>,
    /// The charts the projector view shows.
    pub charts: Vec<crate::catalogue::ChartId>,
}

/// The charts a projector shows for a run without a script.
pub const PROJECTOR_CHARTS: [crate::catalogue::ChartId; 2] =
    [crate::catalogue::ChartId::Hashrate, crate::catalogue::ChartId::SecurityBudget];

/// How the page names the strokes of the first, second and third baseline
/// (its CSS classes; `render::charts::BASELINE_STROKES` draws them).
pub const BASELINE_STROKE_NAMES: [&str; crate::page_state::MOST_BASELINES] = ["dashed", "dotted", "long-dash"];

/// A pinned baseline as the charts draw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineKey {
    /// Its name.
    pub name: String,
    /// Its lines' stroke: `dashed`, `dotted` or `long-dash`.
    pub stroke: String,
}

/// A headline figure as it reads at the end of a run: what the page writes
/// into its card while a slider is dragged (the worker's answer carries them;
/// `render::headlines::end_figures` makes them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndFigure {
    /// The headline's id (`data-headline`).
    pub id: String,
    /// Its value at the end.
    pub value: String,
    /// Its change from the start.
    pub change: String,
}

/// One headline figure: its final value and its change from the first day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// Stable id (used by tests).
    pub id: String,
    /// What it is.
    pub label: String,
    /// The final value.
    pub value: String,
    /// Its unit.
    pub unit: String,
    /// The change from the start, e.g. "+12% from 1,150 EH/s".
    pub change: String,
    /// Each pinned baseline's name and final value.
    pub baselines: Vec<(String, String)>,
    /// Its value on each day the charts' readouts sample (for playback).
    pub series: Vec<Option<f64>>,
    /// The day of the run of each value of `series`.
    pub days: Vec<u32>,
    /// Its change is told in % (else in its unit).
    pub relative: bool,
    /// A count, shown whole.
    pub whole: bool,
}

impl Headline {
    /// A value as the headline shows it.
    pub fn show(&self, value: f64) -> String {
        show(value, self.whole)
    }

    /// The row of `series` at position `at` (0..1) along the run.
    pub fn row_at(&self, at: f64) -> usize {
        row_at(&self.days, at)
    }

    /// The value and change at readout row `row` (playback), if known there.
    pub fn at_row(&self, row: usize) -> Option<(String, String)> {
        let first = self.series.iter().copied().flatten().next()?;
        let value = self.series.get(row).copied().flatten()?;
        Some((self.show(value), change_text(first, value, self.relative, self.whole, &self.unit)))
    }
}

/// Rows of the pointer readout per chart.
pub const READOUT_ROWS: usize = 180;

/// The days (of `days`) a readout samples: evenly spaced, first and last
/// included, at most [`READOUT_ROWS`], and every day of `anchors` in the run
/// (its beats), in order. Headlines sample the same days, so that playback
/// shows them at the charts' cursor, and at a beat the values of its day.
pub fn readout_days(days: usize, anchors: &[u32]) -> Vec<u32> {
    let rows = READOUT_ROWS.min(days);
    let even = (0..rows).map(|row| if rows == 1 { 0 } else { row * (days - 1) / (rows - 1) });
    let mut picked: Vec<u32> = even.map(|day| day as u32).chain(anchors.iter().copied().filter(|&day| (day as usize) < days)).collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// The row of sampled `days` (in order, the run's last day last) nearest the
/// day at position `at` (0..1) along the run: the day the play bar shows, so
/// that at a beat (a sampled day) readouts, headlines and play bar agree.
pub fn row_at(days: &[u32], at: f64) -> usize {
    let Some(&last) = days.last() else { return 0 };
    let day = (at.clamp(0.0, 1.0) * f64::from(last)).round() as u32;
    match days.binary_search(&day) {
        Ok(row) => row,
        Err(0) => 0,
        Err(row) if row >= days.len() => days.len() - 1,
        Err(row) => {
            if day - days[row - 1] <= days[row] - day {
                row - 1
            } else {
                row
            }
        }
    }
}

/// A headline's value: whole for counts, else 3 significant figures.
pub fn show(value: f64, whole: bool) -> String {
    if whole {
        format!("{value:.0}")
    } else {
        crate::format::figure(value)
    }
}

/// A headline's change from `first` to `last`: in % when `relative`, else in its unit.
pub fn change_text(first: f64, last: f64, relative: bool, whole: bool, unit: &str) -> String {
    if relative && first != 0.0 {
        format!("{:+.0}% from {} {unit}", (last / first - 1.0) * 100.0, show(first, whole))
    } else {
        let sign = if last >= first { "+" } else { "" };
        format!("{sign}{} from {} {unit}", show(last - first, whole), show(first, whole))
    }
}

/// How a legend's line is drawn. Its text form (the same in JSON, and the
/// page's `data-pattern`) is empty for a solid line or an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// A solid line, or an area.
    #[default]
    #[serde(rename = "")]
    Solid,
    /// Dashes (a baseline, a marker).
    Dashed,
    /// Dots (a spread's edge, the second baseline).
    Dotted,
    /// Long dashes (the third baseline).
    LongDash,
    /// A thick solid line (what the real network did).
    Thick,
}

impl Pattern {
    /// The text form (`long-dash`; empty for solid).
    pub const fn as_str(self) -> &'static str {
        match self {
            Pattern::Solid => "",
            Pattern::Dashed => "dashed",
            Pattern::Dotted => "dotted",
            Pattern::LongDash => "long-dash",
            Pattern::Thick => "thick",
        }
    }
}

/// The shape a line carries at intervals, so that series are told apart by
/// more than colour (WCAG 1.4.1). Its text form (the same in JSON, and the
/// page's `data-mark`) is empty for none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// No mark.
    #[default]
    #[serde(rename = "")]
    None,
    /// A filled circle.
    Circle,
    /// A filled triangle.
    Triangle,
    /// A cross.
    Cross,
    /// An open circle.
    Ring,
}

impl Mark {
    /// The text form (`triangle`; empty for none).
    pub const fn as_str(self) -> &'static str {
        match self {
            Mark::None => "",
            Mark::Circle => "circle",
            Mark::Triangle => "triangle",
            Mark::Cross => "cross",
            Mark::Ring => "ring",
        }
    }
}

/// One chart, drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    /// Which chart of [`crate::catalogue::CHARTS`] it is.
    pub id: crate::catalogue::ChartId,
    /// The chart as an SVG document that scales to its container.
    pub svg: Svg,
    /// What each colour means.
    pub legend: Vec<LegendItem>,
    /// Values under the pointer.
    pub readout: Readout,
}

/// An SVG document. In the data that hydrates a server-rendered page it is
/// left out (`on_page`): the page already shows it, and hydration does not
/// redraw it, so sending it twice would only double the page's weight.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Svg {
    /// The markup.
    pub markup: String,
    /// Already on the page: serialized as an empty string.
    pub on_page: bool,
}

impl Serialize for Svg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.on_page { "" } else { &self.markup })
    }
}

impl<'de> Deserialize<'de> for Svg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Svg { markup: String::deserialize(deserializer)?, on_page: false })
    }
}

impl RunView {
    /// This view as the server renders it into a page: charts' SVG marked as on the page.
    pub fn for_page(mut self) -> Self {
        for chart in &mut self.charts {
            chart.svg.on_page = true;
        }
        self
    }
}

/// The sensitivity analysis as the page shows it: the model's paired effects
/// (`simulation::sensitivity`) drawn by the server, one tornado per output, as
/// `hashlab sensitivity --svg` draws them, so page and command line agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityView {
    /// Seeds per setting.
    pub runs: u32,
    /// One tornado per output.
    pub charts: Vec<TornadoChart>,
}

/// One output's tornado.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TornadoChart {
    /// The output's column name.
    pub output: String,
    /// What it is, for the caption.
    pub title: String,
    /// Its unit.
    pub unit: String,
    /// The chart.
    pub svg: String,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegendItem {
    /// The series' name with its unit.
    pub label: String,
    /// CSS colour.
    pub color: String,
    /// Drawn as a band (area) rather than a line.
    pub area: bool,
    /// Drawn dashed, dotted or in long dashes (a baseline, a marker, a spread's edge).
    pub dashed: bool,
    /// Which of those, or a thick line (what the real network did).
    #[serde(default)]
    pub pattern: Pattern,
    /// The shape the line carries at intervals, so that it is told apart by more than colour.
    #[serde(default)]
    pub mark: Mark,
}

/// The pointer readout of a chart: the plot area spans `left..right` as
/// fractions of the SVG width, and `dates` are evenly spaced days across it,
/// with each column's value on those days. The browser formats the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Readout {
    /// Left edge of the plot area, fraction of the chart width.
    pub left: f64,
    /// Right edge of the plot area, fraction of the chart width.
    pub right: f64,
    /// The sampled days, left to right (ISO dates).
    pub dates: Vec<String>,
    /// The day of the run of each sampled day (evenly spaced, and the beats' days).
    pub days: Vec<u32>,
    /// The series reported, each with a value per sampled day.
    pub columns: Vec<ReadoutColumn>,
}

/// One series of a readout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReadoutColumn {
    /// Its name.
    pub label: String,
    /// The unit after each value.
    pub unit: String,
    /// The value on each sampled day (`None`: no value that day).
    pub values: Vec<Option<f64>>,
}

impl Readout {
    /// How many days the readout can show.
    pub fn rows(&self) -> usize {
        self.dates.len()
    }

    /// The row at position `at` (0..1) along the run.
    pub fn row_at(&self, at: f64) -> usize {
        row_at(&self.days, at)
    }

    /// Where row `row` sits, as a fraction of the chart's width.
    pub fn fraction_of(&self, row: usize) -> f64 {
        let last = self.days.last().copied().unwrap_or(0).max(1);
        let day = self.days.get(row).copied().unwrap_or(0);
        self.left + (self.right - self.left) * f64::from(day) / f64::from(last)
    }

    /// What the chart shows, in words (its text alternative): each series
    /// from its first to its last value, with its lowest and highest.
    pub fn summary(&self) -> String {
        let figure = crate::format::figure;
        let mut parts = Vec::new();
        for column in &self.columns {
            let known: Vec<(usize, f64)> =
                column.values.iter().enumerate().filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v))).collect();
            let (Some(&(first_row, first)), Some(&(last_row, last))) = (known.first(), known.last()) else { continue };
            let low = known.iter().copied().fold((first_row, first), |a, b| if b.1 < a.1 { b } else { a });
            let high = known.iter().copied().fold((first_row, first), |a, b| if b.1 > a.1 { b } else { a });
            let date = |row: usize| self.dates.get(row).cloned().unwrap_or_default();
            parts.push(format!(
                "{}: {} {unit} on {} to {} {unit} on {}; lowest {} ({}), highest {} ({}).",
                column.label,
                figure(first),
                date(first_row),
                figure(last),
                date(last_row),
                figure(low.1),
                date(low.0),
                figure(high.1),
                date(high.0),
                unit = column.unit,
            ));
        }
        parts.join(" ")
    }

    /// At most `most` rows, evenly spaced, the first and last included (for a table).
    pub fn sample_rows(&self, most: usize) -> Vec<usize> {
        let rows = self.rows();
        if rows <= most {
            return (0..rows).collect();
        }
        if most < 2 {
            return (0..most).collect();
        }
        (0..most).map(|k| k * (rows - 1) / (most - 1)).collect()
    }

    /// The text for sampled day `row`: the date, then one line per column.
    pub fn text(&self, row: usize) -> String {
        let mut text = self.dates.get(row).cloned().unwrap_or_default();
        for column in &self.columns {
            let value = column.values.get(row).copied().flatten().unwrap_or(f64::NAN);
            text.push_str(&format!("\n{}: {} {}", column.label, crate::format::figure(value), column.unit));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_marks_read_as_their_text_in_json() {
        for pattern in [Pattern::Solid, Pattern::Dashed, Pattern::Dotted, Pattern::LongDash, Pattern::Thick] {
            assert_eq!(serde_json::to_string(&pattern).unwrap(), format!("\"{}\"", pattern.as_str()));
            assert_eq!(serde_json::from_str::<Pattern>(&format!("\"{}\"", pattern.as_str())).unwrap(), pattern);
        }
        for mark in [Mark::None, Mark::Circle, Mark::Triangle, Mark::Cross, Mark::Ring] {
            assert_eq!(serde_json::to_string(&mark).unwrap(), format!("\"{}\"", mark.as_str()));
            assert_eq!(serde_json::from_str::<Mark>(&format!("\"{}\"", mark.as_str())).unwrap(), mark);
        }
    }

    #[test]
    fn svg_already_on_the_page_is_not_sent_again() {
        let drawn = Svg { markup: "<svg/>".into(), on_page: false };
        assert_eq!(serde_json::to_string(&drawn).unwrap(), r#""<svg/>""#);
        let on_page = Svg { on_page: true, ..drawn.clone() };
        assert_eq!(serde_json::to_string(&on_page).unwrap(), r#""""#);
        let back: Svg = serde_json::from_str(r#""<svg/>""#).unwrap();
        assert_eq!(back, drawn);
    }

    #[test]
    fn readout_text_names_each_column_with_its_unit() {
        let readout = Readout {
            left: 0.1,
            right: 0.9,
            dates: vec!["2026-01-01".into(), "2026-01-02".into()],
            days: vec![0, 1],
            columns: vec![ReadoutColumn { label: "Hash rate".into(), unit: "EH/s".into(), values: vec![Some(1_234.0), None] }],
        };
        assert_eq!(readout.rows(), 2);
        assert_eq!(readout.text(0), "2026-01-01\nHash rate: 1,234 EH/s");
        assert_eq!(readout.text(1), "2026-01-02\nHash rate: n/a EH/s");
        assert_eq!(
            readout.summary(),
            "Hash rate: 1,234 EH/s on 2026-01-01 to 1,234 EH/s on 2026-01-01; lowest 1,234 (2026-01-01), highest 1,234 (2026-01-01)."
        );
        assert_eq!(readout.sample_rows(24), vec![0, 1]);
        let long = Readout { dates: vec![String::new(); 100], ..readout };
        assert_eq!(long.sample_rows(5), vec![0, 24, 49, 74, 99]);
    }

    #[test]
    fn the_sampled_days_hold_the_beats_and_the_cursor_finds_the_nearest() {
        let days = readout_days(1_461, &[0, 30, 700, 5_000]);
        assert!(days.len() <= READOUT_ROWS + 3, "{}", days.len());
        assert!(days.windows(2).all(|w| w[0] < w[1]), "in order, each once");
        assert!(days.contains(&30) && days.contains(&700) && !days.contains(&5_000));
        assert_eq!((days[0], *days.last().unwrap()), (0, 1_460));
        // The cursor's day is the play bar's: position x (days - 1), rounded.
        assert_eq!(days[row_at(&days, 30.0 / 1_460.0)], 30);
        assert_eq!(days[row_at(&days, 700.0 / 1_460.0)], 700);
        assert_eq!(row_at(&days, 1.0), days.len() - 1);
        assert_eq!(row_at(&days, 0.0), 0);
        let readout = Readout { left: 0.1, right: 0.9, days: vec![0, 10, 30], dates: vec![String::new(); 3], columns: vec![] };
        assert!((readout.fraction_of(1) - (0.1 + 0.8 / 3.0)).abs() < 1e-12);
        assert_eq!(readout.row_at(0.2), 1, "day 6 is nearer day 10 than day 0");
    }
}
