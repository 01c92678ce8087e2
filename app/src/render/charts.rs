//! The page's charts, each built from a run's columns (and those of up to
//! three named baselines, dashed, dotted and in long dashes). Everything drawn is a column of `RunResult::days`,
//! its pool shares, or a figure the simulation crate computes; beside a replay
//! of history, what the real network did (`RunResult::observed`) in thick lines of its own colour.

use super::plot::{self, Axis, Band, Line, Marker, Plot, ReadoutSeries, Shade, Side, Span, Spread, Stroke};
use crate::catalogue::{ChartId, ChartInfo, CHARTS};
use crate::run_view::{ChartView, Svg};
use plotters::style::RGBColor;
use simulation::history::observed::ObservedPoint;
use simulation::montecarlo::{MonteCarloResult, PERCENTILES};
use simulation::output::column as col;
use simulation::RunResult;

// Every series colour has at least 3:1 contrast against the white chart
// background (WCAG 1.4.11, non-text contrast): the Tableau 10 hues, with
// orange, green, pink, olive and cyan darkened until they do (a test checks).
pub(crate) const BLUE: RGBColor = RGBColor(31, 119, 180);
pub(crate) const ORANGE: RGBColor = RGBColor(200, 82, 0);
pub(crate) const GREEN: RGBColor = RGBColor(34, 128, 34);
const RED: RGBColor = RGBColor(214, 39, 40);
const PURPLE: RGBColor = RGBColor(148, 103, 189);
const BROWN: RGBColor = RGBColor(140, 86, 75);
const GREY: RGBColor = RGBColor(110, 110, 110);
const BLACK: RGBColor = RGBColor(20, 20, 20);
/// What the real network did, beside a replay of history (thick lines).
pub(crate) const OBSERVED: RGBColor = RGBColor(0, 121, 121);
/// The DOJ concentration bands' shading.
const GOLD: RGBColor = RGBColor(170, 120, 0);
/// Colours for pools, kinds and generations, in order.
const PALETTE: [RGBColor; 10] = [
    BLUE,
    ORANGE,
    GREEN,
    RED,
    PURPLE,
    BROWN,
    RGBColor(190, 50, 140),
    RGBColor(120, 120, 0),
    RGBColor(0, 122, 140),
    RGBColor(100, 100, 100),
];

/// Pools drawn on their own in the stacked chart; the rest are "other pools".
const POOLS_SHOWN: usize = 9;
/// The shares of the running hash the hashprice chart's breakeven lines mark:
/// below each line that share of the machines switched on that day loses
/// money at the median power price (the least efficient go first).
const UNDERWATER_SHARES: [(f64, &str); 3] = [
    (0.1, "10% of running machines lose money below"),
    (0.5, "half of running machines lose money below"),
    (0.9, "90% of running machines lose money below"),
];
/// DOJ/FTC 2023 merger guidelines: HHI above 1,000 is moderately, above 1,800 highly concentrated.
const HHI_MODERATE: f64 = 1_000.0;
/// See [`HHI_MODERATE`].
const HHI_HIGH: f64 = 1_800.0;

/// The operator kinds, as the column suffixes name them, with labels.
const KINDS: &[(&str, &str)] = &[
    ("small_private", "Small private"),
    ("large_private", "Large private"),
    ("public_miner", "Public listed"),
    ("manufacturer", "Manufacturers"),
    ("stranded", "Stranded / state"),
];

/// A pinned run drawn beside the scenario's, with the name the reader gave it.
#[derive(Debug, Clone, Copy)]
pub struct Baseline<'a> {
    /// What the reader calls it.
    pub name: &'a str,
    /// Its run.
    pub run: &'a RunResult,
    /// Its place among the pins (0, 1, 2): its stroke, the same whether or not the others are drawn.
    pub slot: usize,
    /// A Monte Carlo of its scenario, when the figure shows spreads: its 5th
    /// and 95th percentiles are drawn as lines in its stroke.
    pub bands: Option<&'a MonteCarloResult>,
}

impl Baseline<'_> {
    /// How its lines are drawn.
    pub fn stroke(&self) -> Stroke {
        BASELINE_STROKES[self.slot.min(BASELINE_STROKES.len() - 1)]
    }

    /// Its stroke in words (the figure may be printed in grey).
    fn stroke_words(&self) -> &'static str {
        ["dashed", "dotted", "long-dashed"][self.slot.min(2)]
    }

    /// The label of the lines of its spread (not in the legend: [`chart`] names them once).
    fn edge_label(&self) -> String {
        format!("{}: 5% and 95% of its seeds", self.name)
    }
}

/// A column scaled by nothing (see [`add_spread`]).
fn unit(_: &RunResult) -> f64 {
    1.0
}

/// How the lines of the first, second and third baseline are drawn
/// (`crate::run_view::BASELINE_STROKE_NAMES` names them for the page).
pub const BASELINE_STROKES: [Stroke; crate::page_state::MOST_BASELINES] = [Stroke::Dashed, Stroke::Dotted, Stroke::LongDash];

/// Each baseline's values of `f`, with its name.
fn each(baselines: &[Baseline], f: impl Fn(&RunResult) -> Vec<f64>) -> Vec<(String, Stroke, Vec<f64>)> {
    baselines.iter().map(|b| (b.name.to_string(), b.stroke(), f(b.run))).collect()
}

/// A column of a run, one value per day (NaN when the column is unknown).
fn column(run: &RunResult, name: &str) -> Vec<f64> {
    run.days.iter().map(|day| day.value(name).unwrap_or(f64::NAN)).collect()
}

/// `values` stretched or cut to `days` (a baseline may be shorter or longer).
fn fit(mut values: Vec<f64>, days: usize) -> Vec<f64> {
    values.resize(days, f64::NAN);
    values
}

/// A scaled column.
fn scaled(run: &RunResult, name: &str, factor: f64) -> Vec<f64> {
    column(run, name).into_iter().map(|v| v * factor).collect()
}

/// Draws every chart of [`CHARTS`] for `run`, with its `baselines` and the
/// spread of a Monte Carlo of the same scenario (`bands`) shaded, for a phone
/// (`compact`) or a wider screen.
pub fn draw_all(run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>, compact: bool) -> Vec<ChartView> {
    draw_all_at(run, baselines, bands, compact, &[])
}

/// [`draw_all`] with readouts that also sample `anchor_days` (the run's beats).
pub fn draw_all_at(
    run: &RunResult,
    baselines: &[Baseline],
    bands: Option<&MonteCarloResult>,
    compact: bool,
    anchor_days: &[u32],
) -> Vec<ChartView> {
    draw_these_at(run, baselines, bands, compact, anchor_days, |_| true)
}

/// [`draw_all_at`] for the charts `wanted` picks only (in the catalogue's
/// order): each as [`draw_all_at`] draws it.
pub fn draw_these_at(
    run: &RunResult,
    baselines: &[Baseline],
    bands: Option<&MonteCarloResult>,
    compact: bool,
    anchor_days: &[u32],
    wanted: impl Fn(ChartId) -> bool,
) -> Vec<ChartView> {
    let frame = if compact { plot::COMPACT } else { plot::WIDE };
    let draw_one = |info: &ChartInfo| {
        let plot = chart(info.id, run, baselines, bands);
        let plot = Plot { title: info.title.to_string(), anchor_days: anchor_days.to_vec(), ..plot };
        let drawn = plot::draw(&plot, frame);
        ChartView { id: info.id, svg: Svg { markup: drawn.svg, on_page: false }, legend: drawn.legend, readout: drawn.readout }
    };
    let infos: Vec<&ChartInfo> = CHARTS.iter().filter(|info| wanted(info.id)).collect();
    // On the server a page waits for its charts after its run: every other
    // chart is drawn on a second thread (the nine of the default page in
    // 3.3 ms rather than 5.9). The browser's worker has one thread.
    #[cfg(feature = "ssr")]
    if infos.len() > 1 {
        type Placed<'a> = Vec<(usize, &'a ChartInfo)>;
        let (here, there): (Placed, Placed) = infos.iter().copied().enumerate().partition(|(place, _)| place % 2 == 0);
        let mut drawn: Vec<(usize, ChartView)> = std::thread::scope(|scope| {
            let other = scope.spawn(|| there.into_iter().map(|(place, info)| (place, draw_one(info))).collect::<Vec<_>>());
            let mut mine: Vec<(usize, ChartView)> = here.into_iter().map(|(place, info)| (place, draw_one(info))).collect();
            // A panic in a chart's drawing is the request's, as when drawn on one thread.
            mine.extend(other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            mine
        });
        drawn.sort_by_key(|(place, _)| *place);
        return drawn.into_iter().map(|(_, view)| view).collect();
    }
    infos.into_iter().map(draw_one).collect()
}

/// How a chart of the catalogue is drawn: from its entry, the run, a
/// baseline run (dashed) and a Monte Carlo of the same scenario (shaded).
pub type Draw = fn(&ChartInfo, &RunResult, &[Baseline], Option<&MonteCarloResult>) -> Plot;

/// The draw function of each chart of the catalogue.
pub fn draw_fn(id: ChartId) -> Draw {
    match id {
        ChartId::Hashrate => hashrate,
        ChartId::Hashprice => hashprice,
        ChartId::Price => price,
        ChartId::SecurityBudget => budget,
        ChartId::AttackCost => attack,
        ChartId::Nakamoto => concentration,
        ChartId::PoolShares => pools,
        ChartId::Operators => operators,
        ChartId::OperatorKinds => kinds,
    }
}

/// The chart `id` of [`CHARTS`].
pub fn chart(id: ChartId, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let info = id.info();
    let mut plot = draw_fn(id)(info, run, baselines, bands);
    // A legend entry per baseline: its name and its stroke, in words too (the figure may be printed in grey).
    for baseline in baselines {
        let words = baseline.stroke_words();
        let stroke = baseline.stroke();
        let spread = baseline
            .bands
            .filter(|_| plot.lines.iter().any(|line| line.label == baseline.edge_label()))
            .map(|bands| format!(" (outer {words} lines: 5% and 95% of {} seeds)", bands.runs))
            .unwrap_or_default();
        plot.lines.push(Line {
            label: format!("{}: baseline, {words} lines{spread}", baseline.name),
            color: GREY,
            values: Vec::new(),
            side: Side::Left,
            stroke,
            in_legend: true,
        });
    }
    if let Some(bands) = bands.filter(|_| !plot.spreads.is_empty()) {
        plot.spread_label = format!("shaded: 5-95% and 25-75% of {} seeds, thin line their median", bands.runs);
    }
    plot
}

/// The spread of `column` (times `factor`) across the seeds of `bands`, per
/// day of a run of `days` days (linear between the Monte Carlo's grid days).
fn spread_of(bands: &MonteCarloResult, column: &str, factor: f64, days: usize, color: RGBColor, side: Side) -> Option<Spread> {
    let band = bands.bands.iter().find(|band| band.column == column)?;
    let grid = &bands.grid_days;
    let row = |p: f64| -> Option<Vec<f64>> {
        let k = PERCENTILES.iter().position(|q| (q - p).abs() < 1e-9)?;
        let points = band.percentiles.get(k)?;
        if points.len() != grid.len() || grid.is_empty() {
            return None;
        }
        let mut out = vec![f64::NAN; days];
        let mut i = 0;
        for (day, slot) in out.iter_mut().enumerate() {
            let day = day as u32;
            while i + 1 < grid.len() && grid[i + 1] <= day {
                i += 1;
            }
            *slot = match (grid[i].cmp(&day), grid.get(i + 1)) {
                (std::cmp::Ordering::Equal, _) => points[i] * factor,
                (std::cmp::Ordering::Less, Some(&next)) => {
                    let t = f64::from(day - grid[i]) / f64::from(next - grid[i]);
                    (points[i] + (points[i + 1] - points[i]) * t) * factor
                }
                _ => f64::NAN,
            };
        }
        Some(out)
    };
    Some(Spread { color, side, p5: row(5.0)?, p25: row(25.0)?, p50: row(50.0)?, p75: row(75.0)?, p95: row(95.0)? })
}

/// Shades the spread of `column` (times `factor` of the run) behind its
/// line, when there are bands, and draws each baseline's 5th and 95th
/// percentiles, when it has bands, as lines in its stroke (a second shade
/// in the same colour could not be told apart).
#[allow(clippy::too_many_arguments)]
fn add_spread(
    plot: &mut Plot,
    bands: Option<&MonteCarloResult>,
    baselines: &[Baseline],
    column: &str,
    factor: impl Fn(&RunResult) -> f64,
    color: RGBColor,
    side: Side,
    run: &RunResult,
) {
    let days = plot.dates.len();
    if let Some(spread) = bands.and_then(|bands| spread_of(bands, column, factor(run), days, color, side)) {
        plot.spreads.push(spread);
    }
    add_baseline_edges(plot, baselines, column, factor, color, side);
}

/// Each baseline's 5th and 95th percentiles of `column` as lines in its stroke.
fn add_baseline_edges(
    plot: &mut Plot,
    baselines: &[Baseline],
    column: &str,
    factor: impl Fn(&RunResult) -> f64,
    color: RGBColor,
    side: Side,
) {
    let days = plot.dates.len();
    for baseline in baselines {
        let Some(spread) = baseline.bands.and_then(|bands| spread_of(bands, column, factor(baseline.run), days, color, side)) else {
            continue;
        };
        for values in [spread.p5, spread.p95] {
            plot.lines.push(Line { label: baseline.edge_label(), color, values, side, stroke: baseline.stroke(), in_legend: false });
        }
    }
}

/// Over stacked areas a shaded spread would not show: the 5th and 95th
/// percentiles of `column` (times `factor`) are drawn as dotted lines instead
/// (and each baseline's in its stroke).
#[allow(clippy::too_many_arguments)]
fn add_spread_edges(
    plot: &mut Plot,
    bands: Option<&MonteCarloResult>,
    baselines: &[Baseline],
    column: &str,
    factor: f64,
    color: RGBColor,
    label: &str,
) {
    let days = plot.dates.len();
    add_baseline_edges(plot, baselines, column, |_| factor, color, Side::Left);
    let Some((bands, spread)) = bands.and_then(|bands| Some((bands, spread_of(bands, column, factor, days, color, Side::Left)?))) else {
        return;
    };
    let label = format!("{label}: 5% and 95% of {} seeds (dotted)", bands.runs);
    for (values, in_legend) in [(spread.p5, true), (spread.p95, false)] {
        plot.lines.push(Line { label: label.clone(), color, values, side: Side::Left, stroke: Stroke::Dotted, in_legend });
    }
}

/// The security budget (USD per day) as a solid blue line on the left axis.
fn add_budget_line(plot: &mut Plot, run: &RunResult, baselines: &[Baseline], label: &str, unit: &str) {
    let smooth = |run: &RunResult| trailing_mean(&column(run, col::security_budget_usd_per_day), SMOOTH_DAYS);
    add_line(
        plot,
        &format!("{label}, {SMOOTH_DAYS}-day mean"),
        unit,
        BLUE,
        Side::Left,
        Stroke::Solid,
        smooth(run),
        each(baselines, smooth),
    );
}

/// Days of the trailing mean that smooths series whose daily values jump
/// with the luck of block finding (the security budget, fees): the daily
/// values stay in each chart's table, its readout's CSV and the exports.
pub const SMOOTH_DAYS: usize = 7;

/// The mean of each day and the `window - 1` before it (fewer at the start;
/// days without a value are left out).
fn trailing_mean(values: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    (0..values.len())
        .map(|day| {
            let span = &values[day.saturating_sub(window - 1)..=day];
            let known: Vec<f64> = span.iter().copied().filter(|v| v.is_finite()).collect();
            if known.is_empty() {
                f64::NAN
            } else {
                known.iter().sum::<f64>() / known.len() as f64
            }
        })
        .collect()
}

/// A chart's frame: dates and axes, no series yet.
fn frame(run: &RunResult, left: Axis, right: Option<Axis>) -> Plot {
    Plot {
        title: String::new(),
        dates: run.days.iter().map(|day| day.date.clone()).collect(),
        left,
        right,
        shades: Vec::new(),
        spans: Vec::new(),
        bands: Vec::new(),
        spreads: Vec::new(),
        spread_label: String::new(),
        lines: Vec::new(),
        readout: Vec::new(),
        markers: markers(run),
        ticks: Vec::new(),
        anchor_days: Vec::new(),
    }
}

/// The retargets as ticks, labelled with their change when it is 5% or more
/// (the plot leaves out a label that would touch the one before it).
fn retarget_ticks(run: &RunResult) -> Vec<Marker> {
    run.retargets
        .iter()
        .map(|r| {
            let label = if r.change_pct.abs() >= 5.0 { format!("{:+.0}%", r.change_pct) } else { String::new() };
            Marker { day: r.day as usize, label }
        })
        .collect()
}

/// The events every chart marks: halvings, the price shock and the curtailment.
fn markers(run: &RunResult) -> Vec<Marker> {
    use simulation::events::EventKind;
    run.events
        .iter()
        .filter_map(|event| {
            let label = match event.kind {
                EventKind::Halving => "Halving",
                EventKind::PriceShockStart => "Price shock",
                EventKind::CurtailmentStart => "Curtailment",
                _ => return None,
            };
            Some(Marker { day: event.day as usize, label: label.to_string() })
        })
        .collect()
}

/// Adds a line for `values`, each baseline's values (named) in its stroke, and their readout entries.
#[allow(clippy::too_many_arguments)]
fn add_line(
    plot: &mut Plot,
    label: &str,
    unit: &str,
    color: RGBColor,
    side: Side,
    stroke: Stroke,
    values: Vec<f64>,
    baseline_values: Vec<(String, Stroke, Vec<f64>)>,
) {
    let days = plot.dates.len();
    plot.readout.push(ReadoutSeries { label: label.to_string(), unit: unit.to_string(), values: values.clone() });
    plot.lines.push(Line {
        label: if side == Side::Right { format!("{label} (right axis)") } else { label.to_string() },
        color,
        values,
        side,
        stroke,
        in_legend: true,
    });
    for (name, stroke, values) in baseline_values {
        plot.readout.push(ReadoutSeries { label: format!("{label}, {name}"), unit: unit.to_string(), values: fit(values.clone(), days) });
        plot.lines.push(Line { label: format!("{label}, {name}"), color, values: fit(values, days), side, stroke, in_legend: false });
    }
}

/// The observed series `value` of a replay of history, one value per day of
/// the run (NaN on days outside the data).
fn observed(run: &RunResult, value: impl Fn(&ObservedPoint) -> f64) -> Vec<f64> {
    let mut out = vec![f64::NAN; run.days.len()];
    for point in &run.observed {
        if let Some(slot) = out.get_mut(point.day as usize) {
            *slot = value(point);
        }
    }
    out
}

/// Adds what the real network did (`value` of each observed day) as a thick
/// line of its own colour, in the legend, readout and table, when the run
/// replays history (nothing otherwise). `label` names it "observed".
fn add_observed(
    plot: &mut Plot,
    run: &RunResult,
    label: &str,
    unit: &str,
    side: Side,
    stroke: Stroke,
    value: impl Fn(&ObservedPoint) -> f64,
) {
    if run.observed.is_empty() {
        return;
    }
    add_line(plot, label, unit, OBSERVED, side, stroke, observed(run, value), Vec::new());
}

/// The price shock's days, shaded, when the run has one: from its start to
/// its end (or the run's last day), as the events mark them.
fn shock_span(run: &RunResult) -> Option<Span> {
    use simulation::events::EventKind;
    let start = run.events.iter().find(|e| e.kind == EventKind::PriceShockStart)?;
    let end = run.events.iter().find(|e| e.kind == EventKind::PriceShockEnd).map_or(run.days.len().saturating_sub(1), |e| e.day as usize);
    let scenario = &run.scenario;
    Some(Span {
        label: format!("Price shock, {:+}% over {} days (shaded)", scenario.price_shock_pct, scenario.price_shock_days),
        color: RED,
        from: start.day as usize,
        to: end,
    })
}

/// The chart: Hash rate and difficulty. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn hashrate(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), info.axes.1.map(Axis::linear));
    let b = |name: &str, factor: f64| each(baselines, |b| scaled(b, name, factor));
    // Difficulty follows hash rate: its spread would only repeat this one.
    add_spread(&mut plot, bands, baselines, col::hashrate_ehs, unit, BLUE, Side::Left, run);
    add_line(&mut plot, "Hash rate", "EH/s", BLUE, Side::Left, Stroke::Solid, column(run, col::hashrate_ehs), b(col::hashrate_ehs, 1.0));
    add_line(
        &mut plot,
        "7-day estimate",
        "EH/s",
        ORANGE,
        Side::Left,
        Stroke::Solid,
        column(run, col::hashrate_7d_est_ehs),
        b(col::hashrate_7d_est_ehs, 1.0),
    );
    add_line(
        &mut plot,
        "Difficulty",
        "T",
        GREY,
        Side::Right,
        Stroke::Steps,
        scaled(run, col::difficulty, 1e-12),
        b(col::difficulty, 1e-12),
    );
    add_observed(&mut plot, run, "Hash rate, observed (7-day mean)", "EH/s", Side::Left, Stroke::Thick, |p| p.hashrate_7d_ehs);
    add_observed(&mut plot, run, "Difficulty, observed", "T", Side::Right, Stroke::ThickSteps, |p| p.difficulty_t);
    plot.ticks = retarget_ticks(run);
    plot
}

/// The chart: Hashprice, with the break-even of each ASIC generation. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn hashprice(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), None);
    let median_usd_per_kwh = run.scenario.power_price_median_usd_per_kwh;
    let trend = column(run, col::power_price_trend_factor);
    // Each day: the running machines' breakevens at the median power price, weighted by their hash.
    let lines: Vec<Vec<f64>> = UNDERWATER_SHARES
        .iter()
        .map(|&(share, _)| {
            (0..run.days.len())
                .map(|day| {
                    let running = run.generation_running_ehs.get(day).map_or(&[][..], Vec::as_slice);
                    let power = median_usd_per_kwh * trend.get(day).copied().unwrap_or(1.0);
                    let fleet = run.generations.iter().zip(running).map(|(g, &ehs)| (g.breakeven_usd_per_ph_day(power), ehs));
                    underwater_below(fleet, share)
                })
                .collect()
        })
        .collect();
    for (index, ((_, label), line)) in UNDERWATER_SHARES.iter().zip(lines).enumerate() {
        add_line(&mut plot, label, "USD/PH/day", PALETTE[(index + 1) % PALETTE.len()], Side::Left, Stroke::Solid, line, Vec::new());
    }
    add_spread(&mut plot, bands, baselines, col::hashprice_usd_per_ph_day, unit, BLACK, Side::Left, run);
    add_line(
        &mut plot,
        "Hashprice",
        "USD/PH/day",
        BLACK,
        Side::Left,
        Stroke::Solid,
        column(run, col::hashprice_usd_per_ph_day),
        each(baselines, |b| column(b, col::hashprice_usd_per_ph_day)),
    );
    add_observed(&mut plot, run, "Hashprice, observed", "USD/PH/day", Side::Left, Stroke::Thick, |p| p.hashprice_usd_per_ph_day);
    plot
}

/// The hashprice below which `share` of a fleet of (breakeven, hash) loses
/// money: the breakeven such that `share` of the hash has a higher one (NaN
/// when nothing runs).
fn underwater_below(fleet: impl Iterator<Item = (f64, f64)>, share: f64) -> f64 {
    let mut fleet: Vec<(f64, f64)> = fleet.filter(|&(breakeven, ehs)| ehs > 0.0 && breakeven.is_finite()).collect();
    let total: f64 = fleet.iter().map(|&(_, ehs)| ehs).sum();
    if total <= 0.0 {
        return f64::NAN;
    }
    // Least efficient (highest breakeven) first: they go under water first.
    fleet.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut under = 0.0;
    for &(breakeven, ehs) in &fleet {
        under += ehs;
        if under >= share * total - 1e-12 {
            return breakeven;
        }
    }
    fleet.last().map_or(f64::NAN, |&(breakeven, _)| breakeven)
}

/// The chart: Bitcoin price, with the price shock's days shaded. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn price(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), None);
    plot.spans.extend(shock_span(run));
    add_spread(&mut plot, bands, baselines, col::price_usd, unit, BLUE, Side::Left, run);
    add_line(
        &mut plot,
        "Price",
        "USD",
        BLUE,
        Side::Left,
        Stroke::Solid,
        column(run, col::price_usd),
        each(baselines, |b| column(b, col::price_usd)),
    );
    add_observed(&mut plot, run, "Price, observed", "USD", Side::Left, Stroke::Thick, |p| p.price_usd);
    plot
}

/// The chart: The security budget (subsidy and fees), USD per day. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn budget(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), info.axes.1.map(Axis::linear));
    add_spread(&mut plot, bands, baselines, col::security_budget_usd_per_day, unit, BLUE, Side::Left, run);
    add_spread(&mut plot, bands, baselines, col::security_budget_pct_mcap_yr, unit, ORANGE, Side::Right, run);
    add_budget_line(&mut plot, run, baselines, "Security budget", "USD/day");
    // Fees in USD per day, the same unit as the budget: budget x fee share.
    let fees = |run: &RunResult| {
        let budget = column(run, col::security_budget_usd_per_day);
        let share = column(run, col::fee_share);
        trailing_mean(&budget.iter().zip(&share).map(|(b, s)| b * s).collect::<Vec<_>>(), SMOOTH_DAYS)
    };
    add_line(
        &mut plot,
        &format!("Of which fees, {SMOOTH_DAYS}-day mean"),
        "USD/day",
        GREEN,
        Side::Left,
        Stroke::Solid,
        fees(run),
        each(baselines, fees),
    );
    let per_year = |run: &RunResult| trailing_mean(&column(run, col::security_budget_pct_mcap_yr), SMOOTH_DAYS);
    add_line(
        &mut plot,
        &format!("Budget per year, {SMOOTH_DAYS}-day mean"),
        "% of market cap",
        ORANGE,
        Side::Right,
        Stroke::Solid,
        per_year(run),
        each(baselines, per_year),
    );
    plot
}

/// The chart: The cost of a majority attack. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn attack(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::log(info.axes.0), info.axes.1.map(Axis::linear));
    let hours = run.scenario.attack_hours;
    add_spread(&mut plot, bands, baselines, col::attack_cost_buy_usd, unit, RED, Side::Left, run);
    add_spread(
        &mut plot,
        bands,
        baselines,
        col::attack_cost_rent_usd_per_hour,
        |run: &RunResult| run.scenario.attack_hours,
        ORANGE,
        Side::Left,
        run,
    );
    add_spread(&mut plot, bands, baselines, col::security_budget_usd_per_day, unit, BLUE, Side::Left, run);
    add_line(
        &mut plot,
        "Buy machines",
        "USD",
        RED,
        Side::Left,
        Stroke::Solid,
        column(run, col::attack_cost_buy_usd),
        each(baselines, |b| column(b, col::attack_cost_buy_usd)),
    );
    add_line(
        &mut plot,
        &format!("Rent for {hours} h"),
        "USD",
        ORANGE,
        Side::Left,
        Stroke::Solid,
        scaled(run, col::attack_cost_rent_usd_per_hour, hours),
        each(baselines, |b| scaled(b, col::attack_cost_rent_usd_per_hour, b.scenario.attack_hours)),
    );
    add_budget_line(&mut plot, run, baselines, "Security budget per day", "USD");
    add_line(
        &mut plot,
        "Idle hash",
        "EH/s",
        GREY,
        Side::Right,
        Stroke::Solid,
        column(run, col::idle_hashrate_ehs),
        each(baselines, |b| column(b, col::idle_hashrate_ehs)),
    );
    plot
}

/// The chart: Nakamoto coefficients and HHI. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn concentration(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let hhi = column(run, col::hhi_pools);
    let baseline_hhi = each(baselines, |b| column(b, col::hhi_pools));
    let highest =
        hhi.iter().chain(baseline_hhi.iter().flat_map(|(_, _, v)| v)).copied().filter(|v| v.is_finite()).fold(HHI_HIGH * 1.25, f64::max);
    let top = (highest * 1.08).min(10_000.0);
    let mut plot = frame(run, Axis::linear(info.axes.0), info.axes.1.map(|title| Axis::fixed(title, 0.0, top)));
    plot.shades.push(Shade {
        label: "HHI 1,000-1,800: moderately concentrated (DOJ; strip by the right axis)".into(),
        color: GOLD,
        side: Side::Right,
        from: HHI_MODERATE,
        to: HHI_HIGH,
    });
    plot.shades.push(Shade {
        label: "HHI above 1,800: highly concentrated (DOJ; strip by the right axis)".into(),
        color: RED,
        side: Side::Right,
        from: HHI_HIGH,
        to: top,
    });
    add_spread(&mut plot, bands, baselines, col::nakamoto_pools, unit, BLUE, Side::Left, run);
    add_spread(&mut plot, bands, baselines, col::nakamoto_entities, unit, PURPLE, Side::Left, run);
    add_spread(&mut plot, bands, baselines, col::hhi_pools, unit, BLACK, Side::Right, run);
    let b = |name: &str| each(baselines, |b| column(b, name));
    add_line(&mut plot, "Pools", "", BLUE, Side::Left, Stroke::Steps, column(run, col::nakamoto_pools), b(col::nakamoto_pools));
    add_line(
        &mut plot,
        "Controllers",
        "",
        PURPLE,
        Side::Left,
        Stroke::Steps,
        column(run, col::nakamoto_entities),
        b(col::nakamoto_entities),
    );
    add_line(&mut plot, "HHI of pools", "", BLACK, Side::Right, Stroke::Solid, hhi, baseline_hhi);
    plot
}

/// Stacked bands from per-day layers (bottom first); returns the running tops.
fn stack(plot: &mut Plot, layers: Vec<(String, RGBColor, Vec<f64>)>) -> Vec<Vec<f64>> {
    let days = plot.dates.len();
    let mut lower = vec![0.0; days];
    let mut tops = Vec::new();
    for (label, color, values) in layers {
        let upper: Vec<f64> = lower.iter().zip(fit(values, days)).map(|(lo, v)| lo + if v.is_finite() { v } else { 0.0 }).collect();
        plot.bands.push(Band { label, color, lower: lower.clone(), upper: upper.clone() });
        tops.push(upper.clone());
        lower = upper;
    }
    tops
}

/// Pool layers: the largest pools by mean share, then the rest together, in percent.
fn pool_layers(run: &RunResult) -> Vec<(String, Vec<f64>)> {
    let pools = run.pools.len();
    let mut mean = vec![0.0; pools];
    for shares in &run.pool_shares {
        for (pool, share) in shares.iter().enumerate().take(pools) {
            mean[pool] += share;
        }
    }
    let mut order: Vec<usize> = (0..pools).collect();
    order.sort_by(|a, b| mean[*b].total_cmp(&mean[*a]));
    let shown: Vec<usize> = order.iter().copied().take(POOLS_SHOWN).collect();
    let share = |day: &Vec<f64>, pool: usize| day.get(pool).copied().unwrap_or(0.0) * 100.0;
    let mut layers: Vec<(String, Vec<f64>)> =
        shown.iter().map(|&pool| (run.pools[pool].name.clone(), run.pool_shares.iter().map(|day| share(day, pool)).collect())).collect();
    if pools > POOLS_SHOWN {
        let rest: Vec<f64> =
            run.pool_shares.iter().map(|day| (0..pools).filter(|p| !shown.contains(p)).map(|p| share(day, p)).sum()).collect();
        layers.push(("Other pools".to_string(), rest));
    }
    layers
}

/// The chart: Pool hash shares, stacked. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn pools(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::fixed(info.axes.0, 0.0, 100.0), None);
    let layers = pool_layers(run);
    for (name, values) in &layers {
        plot.readout.push(ReadoutSeries { label: name.clone(), unit: "%".into(), values: values.clone() });
    }
    let colored = layers.into_iter().enumerate().map(|(i, (name, values))| (name, PALETTE[i % PALETTE.len()], values)).collect();
    stack(&mut plot, colored);
    // Across seeds: the largest pool's share and the five largest together.
    add_spread_edges(&mut plot, bands, &[], col::top_pool_share, 100.0, BLACK, "Largest pool");
    add_spread_edges(&mut plot, bands, &[], col::top5_pool_share, 100.0, RGBColor(255, 255, 255), "Five largest");
    // Each baseline's largest pool and five largest, in its stroke (and their spreads, when it has bands).
    let days = plot.dates.len();
    for baseline in baselines {
        let stroke = baseline.stroke();
        for (what, name, color) in [("Largest pool", col::top_pool_share, BLACK), ("Five largest", col::top5_pool_share, GREY)] {
            let label = format!("{what}, {}", baseline.name);
            let values = fit(scaled(baseline.run, name, 100.0), days);
            plot.readout.push(ReadoutSeries { label: label.clone(), unit: "%".into(), values: values.clone() });
            plot.lines.push(Line { label, color, values, side: Side::Left, stroke, in_legend: true });
            add_baseline_edges(&mut plot, std::slice::from_ref(baseline), name, |_| 100.0, color, Side::Left);
        }
    }
    plot
}

fn kind_layers(run: &RunResult, prefix: &str) -> Vec<(String, RGBColor, Vec<f64>)> {
    KINDS.iter().enumerate().map(|(i, (kind, label))| (label.to_string(), PALETTE[i], column(run, &format!("{prefix}{kind}")))).collect()
}

/// The chart: Operators by kind. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn operators(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), info.axes.1.map(Axis::linear));
    let layers = kind_layers(run, "hashrate_ehs_");
    for (label, _, values) in &layers {
        plot.readout.push(ReadoutSeries { label: label.clone(), unit: "EH/s".into(), values: values.clone() });
    }
    stack(&mut plot, layers);
    // Across seeds: the total (the top of the stack) and the MW at AI.
    add_spread_edges(&mut plot, bands, baselines, col::hashrate_ehs, 1.0, BLACK, "Hash rate");
    add_spread(&mut plot, bands, baselines, col::ai_mw, unit, BLACK, Side::Right, run);
    let days = plot.dates.len();
    for baseline in baselines {
        let stroke = baseline.stroke();
        let label = format!("Hash rate, {}", baseline.name);
        let values = fit(column(baseline.run, col::hashrate_ehs), days);
        plot.readout.push(ReadoutSeries { label: label.clone(), unit: "EH/s".into(), values: values.clone() });
        plot.lines.push(Line { label, color: GREY, values, side: Side::Left, stroke, in_legend: true });
    }
    let ai_total: Vec<f64> = column(run, col::ai_mw).iter().zip(column(run, col::ai_mw_pending)).map(|(a, p)| a + p).collect();
    add_line(
        &mut plot,
        "Converted to AI",
        "MW",
        BLACK,
        Side::Right,
        Stroke::Solid,
        column(run, col::ai_mw),
        each(baselines, |b| column(b, col::ai_mw)),
    );
    add_line(&mut plot, "Committed to AI (converting) + converted", "MW", RED, Side::Right, Stroke::Solid, ai_total, Vec::new());
    plot
}

/// The chart: Hash rate by operator kind. (Baselines in their strokes; used by the page and the API's report charts.)
pub fn kinds(info: &ChartInfo, run: &RunResult, baselines: &[Baseline], bands: Option<&MonteCarloResult>) -> Plot {
    let mut plot = frame(run, Axis::linear(info.axes.0), info.axes.1.map(Axis::linear));
    for (kind, color) in KINDS.iter().zip(PALETTE) {
        add_spread(&mut plot, bands, baselines, &format!("operators_{}", kind.0), unit, color, Side::Left, run);
    }
    for (label, color, values) in kind_layers(run, "operators_") {
        let kind = KINDS.iter().find(|(_, l)| *l == label).map(|(k, _)| *k).unwrap_or("");
        let baseline_values = each(baselines, |b| column(b, &format!("operators_{kind}")));
        add_line(&mut plot, &label, "", color, Side::Left, Stroke::Solid, values, baseline_values);
    }
    // The operators' Nakamoto coefficient counts the model's operators, so it depends on
    // how many the run follows: it sits here, beside that count, not among the pools.
    add_spread(&mut plot, bands, baselines, col::nakamoto_operators, unit, BLACK, Side::Right, run);
    add_line(
        &mut plot,
        "Nakamoto coefficient of operators",
        "",
        BLACK,
        Side::Right,
        Stroke::Steps,
        column(run, col::nakamoto_operators),
        each(baselines, |b| column(b, col::nakamoto_operators)),
    );
    plot
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 contrast ratio of two colours.
    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let luminance = |c: RGBColor| {
            let channel = |v: u8| {
                let v = f64::from(v) / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_series_colour_stands_out_from_the_background() {
        let background = RGBColor(255, 255, 255);
        for color in PALETTE.iter().chain(&[BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, GREY, BLACK, OBSERVED, GOLD, plot::MARKER]) {
            let ratio = contrast(*color, background);
            assert!(ratio >= 3.0, "{color:?} has contrast {ratio:.2}:1 against white (WCAG 1.4.11 asks 3:1)");
        }
        // The formula against its published anchors: black on white is 21:1.
        assert!((contrast(RGBColor(0, 0, 0), background) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn noisy_series_are_smoothed_over_trailing_days() {
        assert_eq!(trailing_mean(&[1.0, 3.0, 5.0, 7.0], 2), vec![1.0, 2.0, 4.0, 6.0]);
        let smoothed = trailing_mean(&[2.0, f64::NAN, 4.0], 7);
        assert_eq!((smoothed[0], smoothed[1], smoothed[2]), (2.0, 2.0, 3.0), "days without a value are left out");
        assert!(trailing_mean(&[f64::NAN], 7)[0].is_nan());
    }

    #[test]
    fn the_underwater_lines_are_hash_weighted_breakevens() {
        // 10 EH/s at $40, 30 at $30, 60 at $20 (least efficient first).
        let fleet = || [(20.0, 60.0), (40.0, 10.0), (30.0, 30.0), (99.0, 0.0)].into_iter();
        assert_eq!(underwater_below(fleet(), 0.1), 40.0, "the least efficient tenth");
        assert_eq!(underwater_below(fleet(), 0.4), 30.0);
        assert_eq!(underwater_below(fleet(), 0.5), 20.0);
        assert_eq!(underwater_below(fleet(), 0.9), 20.0);
        assert!(underwater_below([(10.0, 0.0)].into_iter(), 0.5).is_nan(), "nothing runs");
    }

    #[test]
    fn the_hashprice_chart_shows_where_the_running_fleet_is_under_water() {
        // The late-2025 squeeze: the S19 class carries much of the hash, so the
        // top line sits near the hashprice the story speaks of ($30s), not at the newest machines' $12-19.
        let preset = simulation::presets::find("late-2025-squeeze").unwrap();
        let run = simulation::run(&simulation::Scenario { operators: 400, ..preset.scenario }).expect("runs");
        let info = ChartId::Hashprice.info();
        let plot = hashprice(info, &run, &[], None);
        let value = |label: &str, day: usize| plot.lines.iter().find(|l| l.label.starts_with(label)).expect(label).values[day];
        let (top, half, most) = (value("10%", 0), value("half", 0), value("90%", 0));
        assert!(top > half && half >= most, "{top} > {half} >= {most}");
        assert!((25.0..=60.0).contains(&top), "the least efficient tenth's breakeven on day 0: {top}");
    }

    #[test]
    fn every_chart_of_the_catalogue_is_drawn_under_its_title() {
        let run = simulation::run(&simulation::Scenario { operators: 200, years: 0.25, ..Default::default() }).expect("runs");
        let drawn = draw_all(&run, &[], None, false);
        assert_eq!(drawn.iter().map(|c| c.id).collect::<Vec<_>>(), CHARTS.iter().map(|c| c.id).collect::<Vec<_>>());
        for (chart, info) in drawn.iter().zip(CHARTS) {
            let svg = &chart.svg.markup;
            assert!(svg.contains(&format!("aria-label=\"{}\"", info.title)), "{}", info.id);
            assert!(svg.contains("<polyline") || svg.contains("<polygon"), "{} draws nothing", info.id);
        }
    }

    #[test]
    fn the_halving_and_the_shock_are_marked_on_every_chart() {
        let mut scenario = simulation::presets::find("halving-2028").unwrap().scenario;
        scenario.operators = 200;
        scenario.years = 0.7;
        scenario.price_shock_pct = -20.0;
        scenario.price_shock_start_day = 30;
        let run = simulation::run(&scenario).expect("the scenario runs");
        for chart in draw_all(&run, &[], None, false) {
            assert!(chart.svg.markup.contains("Halving"), "{}: no halving marked", chart.id);
            assert!(chart.svg.markup.contains("Price shock"), "{}: no shock marked", chart.id);
            assert!(
                chart.legend.iter().any(|item| item.label == "Marked: price shock, halving" && item.dashed),
                "{}: {:?}",
                chart.id,
                chart.legend
            );
        }
    }

    use crate::render::plot::css;

    #[test]
    fn concentration_keeps_pools_apart_from_the_operators_resolution() {
        // The pools' and controllers' coefficients (2-4) share an axis with nothing
        // larger; the HHI bands are strips by the HHI axis; the operators'
        // coefficient (firms: ~55 at the start) sits with the operators.
        let run = simulation::run(&simulation::Scenario { operators: 200, years: 0.2, ..Default::default() }).unwrap();
        let nakamoto = chart(ChartId::Nakamoto, &run, &[], None);
        let lines: Vec<(&str, Side)> = nakamoto.lines.iter().map(|l| (l.label.as_str(), l.side)).collect();
        assert_eq!(lines, [("Pools", Side::Left), ("Controllers", Side::Left), ("HHI of pools (right axis)", Side::Right)]);
        assert!(nakamoto.shades.iter().all(|s| s.side == Side::Right && s.label.contains("strip by the right axis")));
        let kinds = chart(ChartId::OperatorKinds, &run, &[], None);
        let operators = kinds.lines.iter().find(|l| l.label.starts_with("Nakamoto coefficient of operators")).expect("moved here");
        assert_eq!(operators.side, Side::Right);
        let explain = ChartId::OperatorKinds.info().explain;
        assert!(explain.contains("does not depend on how many operators") && explain.contains("far above the pools' coefficient"));
    }

    #[test]
    fn a_replay_of_history_draws_the_observed_series_beside_the_models() {
        // The data's last 29 days and a month past them: the observed days are
        // drawn where they fall, the days after them are a gap.
        let all = simulation::history::observed::days();
        let (from, to) = (all[all.len() - 29].date, all[all.len() - 1].date);
        assert_eq!(to.to_string(), "2025-12-29");
        let mut scenario = simulation::history::windows::replay(from, to).expect("inside the data");
        scenario.years = 60.0 / 365.25;
        let run = simulation::run(&scenario).expect("the replay runs");
        assert_eq!((run.days.len(), run.observed.len()), (60, 29));
        let charts = draw_all(&run, &[], None, false);
        let observed_lines = [
            (ChartId::Hashrate, vec!["Hash rate, observed (7-day mean)", "Difficulty, observed (right axis)"]),
            (ChartId::Hashprice, vec!["Hashprice, observed"]),
            (ChartId::Price, vec!["Price, observed"]),
        ];
        for chart in &charts {
            let expected = observed_lines.iter().find(|(id, _)| *id == chart.id).map(|(_, labels)| labels.clone()).unwrap_or_default();
            let drawn: Vec<&str> =
                chart.legend.iter().filter(|item| item.label.contains("observed")).map(|item| item.label.as_str()).collect();
            assert_eq!(drawn, expected, "{}", chart.id);
            for item in chart.legend.iter().filter(|item| item.label.contains("observed")) {
                assert_eq!(
                    (item.color.as_str(), item.pattern.as_str(), item.dashed),
                    (css(OBSERVED).as_str(), "thick", false),
                    "{}",
                    chart.id
                );
            }
            if expected.is_empty() {
                continue;
            }
            // Thick, in its colour, drawn before (under) the model's lines.
            let thick = format!("stroke=\"{}\" stroke-width=\"{}\"", css(OBSERVED).to_uppercase(), plot::THICK_WIDTH);
            let svg = &chart.svg.markup;
            let (first_thick, first_thin) = (svg.find(&thick), svg.find("stroke-width=\"2\""));
            assert!(first_thick.is_some() && first_thin.is_some(), "{}: no thick observed line", chart.id);
            assert!(first_thick < first_thin, "{}: drawn under the model's lines", chart.id);
            // In the readout and the table: a value on each observed day, none after.
            let column = chart.readout.columns.iter().find(|c| c.label.contains("observed")).expect("an observed readout column");
            for (date, value) in chart.readout.dates.iter().zip(&column.values) {
                assert_eq!(value.is_some(), date.as_str() <= "2025-12-29", "{}: {date}", chart.id);
            }
        }
        // The model takes each day's observed price: the two agree.
        let price = observed(&run, |p| p.price_usd);
        assert!(run.days.iter().zip(&price).take(29).all(|(day, seen)| (day.price_usd / seen - 1.0).abs() < 1e-9));
        assert!(price[29..].iter().all(|v| v.is_nan()));
        // Without a replay, nothing is called observed.
        let plain = simulation::run(&simulation::Scenario { years: 0.1, operators: 150, ..Default::default() }).expect("runs");
        for chart in draw_all(&plain, &[], None, false) {
            assert!(chart.legend.iter().all(|item| !item.label.contains("observed")), "{}", chart.id);
        }
    }

    #[test]
    fn the_price_chart_shades_the_price_shock() {
        let scenario = simulation::Scenario {
            years: 0.3,
            operators: 150,
            price_shock_pct: -38.0,
            price_shock_start_day: 20,
            price_shock_days: 45,
            ..Default::default()
        };
        let run = simulation::run(&scenario).expect("runs");
        let plot = chart(ChartId::Price, &run, &[], None);
        assert_eq!(plot.spans.len(), 1);
        assert_eq!((plot.spans[0].from, plot.spans[0].to), (20, 65));
        let drawn = draw_all(&run, &[], None, false).into_iter().find(|c| c.id == ChartId::Price).expect("drawn");
        assert!(drawn.legend.iter().any(|item| item.label == "Price shock, -38% over 45 days (shaded)" && item.area), "{:?}", drawn.legend);
        assert!(drawn.legend.iter().any(|item| item.label.starts_with("Marked: price shock")), "{:?}", drawn.legend);
        // A shock past the run's end is shaded to its last day.
        let late = simulation::run(&simulation::Scenario { price_shock_start_day: 100, ..scenario.clone() }).expect("runs");
        let plot = chart(ChartId::Price, &late, &[], None);
        assert_eq!((plot.spans[0].from, plot.spans[0].to), (100, late.days.len() - 1));
        let none = chart(ChartId::Price, &simulation::run(&simulation::Scenario { price_shock_pct: 0.0, ..scenario }).unwrap(), &[], None);
        assert!(none.spans.is_empty());
    }

    #[test]
    fn every_chart_draws_from_a_real_run() {
        let scenario = simulation::Scenario { years: 0.3, operators: 200, ..Default::default() };
        let run = simulation::run(&scenario).expect("the scenario runs");
        let named = |name, slot| Baseline { name, run: &run, slot, bands: None };
        let charts = draw_all(&run, &[named("Before", 0), named("No AI", 1), named("Cheap power", 2)], None, false);
        assert_eq!(draw_all(&run, &[], None, true).len(), CHARTS.len());
        // Each of three baselines is named in every chart's readout and legend.
        for chart in &charts {
            for (name, words) in [("Before", "dashed"), ("No AI", "dotted"), ("Cheap power", "long-dashed")] {
                assert!(chart.readout.columns.iter().any(|c| c.label.ends_with(&format!(", {name}"))), "{}: {name}", chart.id);
                let label = format!("{name}: baseline, {words} lines");
                assert!(chart.legend.iter().any(|item| item.label == label && item.dashed), "{}: {label}", chart.id);
            }
        }
        assert_eq!(charts.len(), CHARTS.len());
        for chart in &charts {
            let svg = &chart.svg.markup;
            assert!(svg.contains("<svg"), "{}", chart.id);
            assert!(svg.matches("<polyline").count() + svg.matches("<polygon").count() > 0, "{} has no data", chart.id);
            assert!(!chart.legend.is_empty(), "{}", chart.id);
            assert_eq!(chart.readout.rows(), run.days.len().min(180), "{}", chart.id);
        }
    }

    #[test]
    fn monte_carlo_spreads_are_shaded_on_every_chart() {
        use simulation::montecarlo::{run_montecarlo, Progress};
        let scenario = simulation::Scenario { years: 0.3, operators: 150, ..Default::default() };
        let run = simulation::run(&scenario).expect("the scenario runs");
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let report = |_| {};
        let bands =
            run_montecarlo(&scenario, 6, crate::catalogue::BAND_COLUMNS, &Progress::new(&cancel, &report)).expect("the Monte Carlo runs");
        let plain = draw_all(&run, &[], None, false);
        let shaded = draw_all(&run, &[], Some(&bands), false);
        for (plain, shaded) in plain.iter().zip(&shaded) {
            if shaded.id == ChartId::PoolShares {
                // Over the stacked shares, the edges are dotted lines.
                let labels: Vec<&str> = shaded.legend.iter().map(|item| item.label.as_str()).collect();
                assert!(labels.contains(&"Largest pool: 5% and 95% of 6 seeds (dotted)"), "{labels:?}");
                assert!(shaded.svg.markup.matches("<polyline").count() > plain.svg.markup.matches("<polyline").count());
                continue;
            }
            let extra = shaded.svg.markup.matches("<polygon").count() - plain.svg.markup.matches("<polygon").count();
            assert!(extra >= 2, "{}: {extra} spread areas", shaded.id);
            assert_eq!(
                shaded.legend.last().map(|item| item.label.as_str()),
                Some("shaded: 5-95% and 25-75% of 6 seeds, thin line their median"),
                "{}",
                shaded.id
            );
        }
        // On grid days the spread is the Monte Carlo's own percentile.
        let spread = spread_of(&bands, col::hashrate_ehs, 1.0, run.days.len(), BLUE, Side::Left).expect("a band of hash rate");
        let band = bands.bands.iter().find(|b| b.column == col::hashrate_ehs).expect("hash rate band");
        for (point, &day) in bands.grid_days.iter().enumerate() {
            assert_eq!(spread.p5[day as usize], band.percentiles[0][point]);
            assert_eq!(spread.p95[day as usize], band.percentiles[4][point]);
        }
        assert!(spread.p25.iter().zip(&spread.p75).all(|(lo, hi)| lo <= hi));
    }

    #[test]
    fn a_baseline_with_its_monte_carlo_shows_its_spread_in_its_stroke_on_every_chart() {
        use simulation::montecarlo::{run_montecarlo, Progress};
        let scenario = simulation::Scenario { years: 0.3, operators: 150, ..Default::default() };
        let other = simulation::Scenario { price_shock_pct: -50.0, ..scenario.clone() };
        let (run, other_run) = (simulation::run(&scenario).expect("runs"), simulation::run(&other).expect("runs"));
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let report = |_| {};
        let progress = Progress::new(&cancel, &report);
        let bands = run_montecarlo(&scenario, 6, crate::catalogue::BAND_COLUMNS, &progress).expect("the Monte Carlo runs");
        let other_bands = run_montecarlo(&other, 6, crate::catalogue::BAND_COLUMNS, &progress).expect("the Monte Carlo runs");
        let bare = [Baseline { name: "Crash", run: &other_run, slot: 1, bands: None }];
        let banded = [Baseline { bands: Some(&other_bands), ..bare[0] }];
        for info in CHARTS {
            let without = chart(info.id, &run, &bare, Some(&bands));
            let with = chart(info.id, &run, &banded, Some(&bands));
            let edges: Vec<&Line> = with.lines.iter().filter(|line| line.label == banded[0].edge_label()).collect();
            // Two lines (5th and 95th percentiles) for each spread the scenario has.
            let spreads =
                without.spreads.len() + without.lines.iter().filter(|l| l.label.contains("seeds (dotted)") && l.in_legend).count();
            assert_eq!(edges.len(), 2 * spreads, "{}", info.id);
            assert!(edges.iter().all(|line| line.stroke == Stroke::Dotted && !line.in_legend), "{}", info.id);
            let named = "Crash: baseline, dotted lines (outer dotted lines: 5% and 95% of 6 seeds)";
            assert_eq!(with.lines.iter().any(|line| line.label == named), spreads > 0, "{}", info.id);
        }
        // The lines are the baseline's own Monte Carlo, not the scenario's.
        let drawn = chart(ChartId::Hashrate, &run, &banded, Some(&bands));
        let p95 = &drawn.lines.iter().filter(|line| line.label == banded[0].edge_label()).nth(1).expect("the 95th").values;
        let own = spread_of(&other_bands, col::hashrate_ehs, 1.0, run.days.len(), BLUE, Side::Left).expect("a band");
        assert_eq!(p95, &own.p95);
    }
}
