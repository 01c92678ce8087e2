//! A small chart vocabulary on top of plotters: dated x axis, a left and an
//! optional right value axis (linear or log), lines (solid, dashed, dotted,
//! stepped or thick), stacked bands, shaded horizontal ranges and shaded
//! stretches of days, drawn to an SVG string that scales to its container.

use super::days_axis::DaysAxis;
use super::fewer_points::FewerPoints;
use crate::format::escape_xml;
pub use crate::format::figure;
use crate::run_view::{LegendItem, Mark, Pattern, Readout, ReadoutColumn};
use plotters::chart::DualCoordChartContext;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The drawing size of a chart: SVG pixels and font size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Width, SVG pixels.
    pub width: u32,
    /// Height, SVG pixels.
    pub height: u32,
    /// Label font size, SVG pixels.
    pub font: u32,
    /// Dates along the x axis.
    pub x_labels: usize,
    /// Width of each value axis's label area.
    pub y_label_area: u32,
}

/// Charts for a wide screen (scaled down a little on a laptop).
pub const WIDE: Frame = Frame { width: 760, height: 360, font: 15, x_labels: 8, y_label_area: 76 };
/// Charts for a phone (~360 px wide) and for the projector view, two side by
/// side: fewer, larger labels. At 1280x720 a projector chart is ~430 px wide,
/// so 20 px of font (plotters writes it as 16.1 in the SVG) stays over 16 px on
/// the screen.
pub const COMPACT: Frame = Frame { width: 440, height: 290, font: 20, x_labels: 4, y_label_area: 70 };
/// Most points drawn per line; longer series are sampled evenly.
const MOST_POINTS: usize = 500;

/// One value axis.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Axis title with its unit.
    pub title: String,
    /// Logarithmic (base 10) scale.
    pub log: bool,
    /// Start a linear axis at zero.
    pub from_zero: bool,
    /// A fixed range, overriding the data's.
    pub fixed: Option<(f64, f64)>,
}

impl Axis {
    /// A linear axis from zero.
    pub fn linear(title: impl Into<String>) -> Self {
        Self { title: title.into(), log: false, from_zero: true, fixed: None }
    }
    /// A log axis.
    pub fn log(title: impl Into<String>) -> Self {
        Self { title: title.into(), log: true, from_zero: false, fixed: None }
    }
    /// A linear axis over `lo..hi`.
    pub fn fixed(title: impl Into<String>, lo: f64, hi: f64) -> Self {
        Self { title: title.into(), log: false, from_zero: false, fixed: Some((lo, hi)) }
    }
}

/// Which axis a series is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left axis.
    Left,
    /// The right axis.
    Right,
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    /// A solid line.
    Solid,
    /// A dashed line (the pinned baseline).
    Dashed,
    /// Horizontal steps (difficulty between retargets).
    Steps,
    /// A dotted line (the edges of a spread across seeds, over stacked areas; the second baseline).
    Dotted,
    /// Long dashes (the third baseline).
    LongDash,
    /// A thick solid line, drawn behind the others (what the real network
    /// did, beside a replay of history).
    Thick,
    /// Thick horizontal steps, drawn behind the others (the observed difficulty).
    ThickSteps,
}

impl Stroke {
    /// Drawn thick and behind the other lines.
    pub fn is_thick(self) -> bool {
        matches!(self, Stroke::Thick | Stroke::ThickSteps)
    }

    /// Drawn as horizontal steps.
    fn is_steps(self) -> bool {
        matches!(self, Stroke::Steps | Stroke::ThickSteps)
    }
}

/// Width of a thick line, SVG pixels (other lines are 2; the projector
/// view's CSS, `style/hashlab.css`, widens both by this attribute).
pub const THICK_WIDTH: u32 = 4;

/// The shape a line carries at intervals, so that series are told apart by
/// more than colour (WCAG 1.4.1): the first solid series of a chart plain,
/// the next ones with these, in this order.
const MARKS: [Mark; 4] = [Mark::Circle, Mark::Triangle, Mark::Cross, Mark::Ring];

/// How many marks a series carries across the plot.
const MARKS_PER_LINE: usize = 12;

/// The mark of each line of `plot`, in line order.
fn marks(plot: &Plot) -> Vec<Mark> {
    let mut solid = 0;
    plot.lines
        .iter()
        .map(|line| {
            if !(line.in_legend && matches!(line.stroke, Stroke::Solid | Stroke::Steps)) {
                return Mark::None;
            }
            solid += 1;
            if solid == 1 {
                Mark::None
            } else {
                MARKS[(solid - 2) % MARKS.len()]
            }
        })
        .collect()
}

/// A line: one value per day (NaN leaves a gap).
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label (with unit).
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Values per day.
    pub values: Vec<f64>,
    /// Axis.
    pub side: Side,
    /// Stroke.
    pub stroke: Stroke,
    /// Shown in the legend (baseline copies are not, one note covers them).
    pub in_legend: bool,
}

/// A filled band between two per-day curves on the left axis.
#[derive(Debug, Clone)]
pub struct Band {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Lower edge per day.
    pub lower: Vec<f64>,
    /// Upper edge per day.
    pub upper: Vec<f64>,
}

/// The spread of a series across Monte Carlo seeds: its 5th to 95th and
/// 25th to 75th percentiles per day, drawn as two translucent areas behind
/// the lines in the series' colour.
#[derive(Debug, Clone)]
pub struct Spread {
    /// Colour (of the series it belongs to).
    pub color: RGBColor,
    /// The axis of its series.
    pub side: Side,
    /// Per-day percentiles: 5th, 25th, 50th (drawn as a thin line), 75th, 95th.
    pub p5: Vec<f64>,
    /// See [`Spread::p5`].
    pub p25: Vec<f64>,
    /// See [`Spread::p5`].
    pub p50: Vec<f64>,
    /// See [`Spread::p5`].
    pub p75: Vec<f64>,
    /// See [`Spread::p5`].
    pub p95: Vec<f64>,
}

/// A shaded horizontal range (e.g. the DOJ's HHI bands).
#[derive(Debug, Clone)]
pub struct Shade {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// Axis the range is measured on.
    pub side: Side,
    /// From this value ...
    pub from: f64,
    /// ... to this one.
    pub to: f64,
}

/// The share of the plot's width a shade takes, as a strip along its own
/// axis: it marks that axis's scale (the HHI bands belong to the HHI axis)
/// without colouring the lines measured on the other one.
pub const SHADE_STRIP_SHARE: f64 = 0.04;

/// A stretch of days shaded across the whole height of a chart (a price shock playing out).
#[derive(Debug, Clone)]
pub struct Span {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// From this day of the run ...
    pub from: usize,
    /// ... to this one.
    pub to: usize,
}

/// A series the pointer readout reports.
#[derive(Debug, Clone)]
pub struct ReadoutSeries {
    /// Short name.
    pub label: String,
    /// Unit shown after the value.
    pub unit: String,
    /// Values per day.
    pub values: Vec<f64>,
}

/// Everything one chart shows.
#[derive(Debug, Clone)]
pub struct Plot {
    /// Accessible name of the SVG.
    pub title: String,
    /// Date of each day (ISO).
    pub dates: Vec<String>,
    /// Left axis.
    pub left: Axis,
    /// Optional right axis.
    pub right: Option<Axis>,
    /// Shaded ranges (drawn first).
    pub shades: Vec<Shade>,
    /// Shaded stretches of days (drawn first too).
    pub spans: Vec<Span>,
    /// Stacked bands (drawn next).
    pub bands: Vec<Band>,
    /// Spreads across seeds (drawn next), and what they are, for the legend.
    pub spreads: Vec<Spread>,
    /// The legend's words for the spreads, e.g. "5-95% and 25-75% of 100 seeds".
    pub spread_label: String,
    /// Lines (drawn last).
    pub lines: Vec<Line>,
    /// What the pointer readout reports.
    pub readout: Vec<ReadoutSeries>,
    /// Events marked across the chart as labelled vertical lines (halvings, shocks, curtailments).
    pub markers: Vec<Marker>,
    /// Short ticks along the bottom of the chart (retargets), labelled when `label` is set.
    pub ticks: Vec<Marker>,
    /// Days the readout samples besides its evenly spaced ones: the run's
    /// beats, so that at a beat the readout shows that very day.
    pub anchor_days: Vec<u32>,
}

/// An event marked on a chart: a dashed vertical line on its day, labelled at the top.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Day of the run.
    pub day: usize,
    /// A short label ("Halving").
    pub label: String,
}

/// The row (0 at the top) of each marker's label, so that no two labels
/// overlap: a label takes the first row where it clears every label before
/// it (the "Price shock" and "Halving" labels of a shock near a halving once
/// overprinted). Labels run right of their line, or left of it in the last
/// fifth of the run, about 0.6 of the font size a character.
fn marker_rows(markers: &[&Marker], last_day: f64, width_px: u32, font_px: u32) -> Vec<usize> {
    let days_per_px = last_day.max(1.0) / (f64::from(width_px) * 0.8).max(1.0);
    let mut taken: Vec<Vec<(f64, f64)>> = Vec::new();
    markers
        .iter()
        .map(|marker| {
            let x = marker.day as f64;
            let width = (marker.label.chars().count() + 2) as f64 * f64::from(font_px) * 0.6 * days_per_px;
            let span = if x > last_day * 0.8 { (x - width, x) } else { (x, x + width) };
            let row = taken.iter().position(|row| row.iter().all(|&(a, b)| span.1 < a || span.0 > b)).unwrap_or(taken.len());
            if row == taken.len() {
                taken.push(Vec::new());
            }
            taken[row].push(span);
            row
        })
        .collect()
}

/// Whether each tick's label is drawn: a label centred on its tick is left out
/// when it would touch the last one drawn (retarget labels a few days apart
/// once printed as "-7%+10%"). Widths as [`marker_rows`].
fn tick_labels_shown(ticks: &[&Marker], last_day: f64, width_px: u32, font_px: u32) -> Vec<bool> {
    let days_per_px = last_day.max(1.0) / (f64::from(width_px) * 0.7).max(1.0);
    let mut last_end = f64::NEG_INFINITY;
    ticks
        .iter()
        .map(|tick| {
            if tick.label.is_empty() {
                return false;
            }
            let half = (tick.label.chars().count() + 1) as f64 * f64::from(font_px) * 0.6 * days_per_px / 2.0;
            let x = tick.day as f64;
            let shown = x - half > last_end;
            if shown {
                last_end = x + half;
            }
            shown
        })
        .collect()
}

/// Colour of event markers.
pub const MARKER: RGBColor = RGBColor(90, 90, 90);

/// A dashed stroke: each is drawn as one line whose `stroke-dasharray` the
/// viewer draws, not as a line per dash (a marker across the plot was some
/// forty elements, and the default page's nine charts 2,025 elements in all,
/// each parsed, laid out and painted on every redraw, against 1,683 with one
/// element per dashed line). The backend writes no dash pattern, so a
/// dashed line goes out with a stand-in stroke width that [`with_dashes`]
/// turns into its width and pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dashing {
    /// An event's marker: 4 on, 4 off, 1 px.
    Marker,
    /// A baseline (7 on, 5 off), 2 px.
    Dashed,
    /// Dots (2 on, 4 off), 2 px.
    Dotted,
    /// Long dashes (16 on, 5 off), 2 px.
    LongDash,
}

impl Dashing {
    const ALL: [Dashing; 4] = [Dashing::Marker, Dashing::Dashed, Dashing::Dotted, Dashing::LongDash];

    /// Pixels on and off, and the stroke's width.
    fn pattern(self) -> (u32, u32, u32) {
        match self {
            Dashing::Marker => (4, 4, 1),
            Dashing::Dashed => (7, 5, 2),
            Dashing::Dotted => (2, 4, 2),
            Dashing::LongDash => (16, 5, 2),
        }
    }

    /// The stand-in stroke width the backend writes (no stroke is this wide).
    fn stand_in_width(self) -> u32 {
        9_001 + self as u32
    }

    /// The style to draw it with, in `color`.
    fn style(self, color: RGBAColor) -> ShapeStyle {
        ShapeStyle { color, filled: false, stroke_width: self.stand_in_width() }
    }
}

/// `svg` with each dashed line's stand-in width replaced by its width and pattern.
fn with_dashes(svg: &str) -> String {
    Dashing::ALL.iter().fold(svg.to_string(), |svg, dash| {
        let (on, off, width) = dash.pattern();
        svg.replace(
            &format!(r#"stroke-width="{}""#, dash.stand_in_width()),
            &format!(r#"stroke-width="{width}" stroke-dasharray="{on} {off}""#),
        )
    })
}

/// The stand-in stroke width of the retarget ticks, drawn as one polyline
/// through both ends of each tick in turn: [`with_tick_segments`] makes it a
/// path of separate segments (a hundred ticks were a hundred elements).
const TICKS_STAND_IN_WIDTH: u32 = 9_101;

/// `svg` with the ticks' polyline (see [`TICKS_STAND_IN_WIDTH`]) turned into a
/// path that draws each pair of its points as a segment of its own, 1 px wide.
fn with_tick_segments(svg: &str) -> String {
    let stand_in = format!(r#"stroke-width="{TICKS_STAND_IN_WIDTH}""#);
    let Some(at) = svg.find(&stand_in) else { return svg.to_string() };
    let (Some(start), Some(end)) = (svg[..at].rfind("<polyline"), svg[at..].find("/>").map(|end| at + end)) else {
        return svg.to_string();
    };
    let tag = &svg[start..end];
    let Some(points_at) = tag.find(r#"points=""#) else { return svg.to_string() };
    let points = tag[points_at + 8..].split('"').next().unwrap_or_default();
    let path: Vec<String> = points
        .split_whitespace()
        .enumerate()
        .map(|(index, point)| format!("{}{}", if index % 2 == 0 { "M" } else { "L" }, point))
        .collect();
    let head = tag[..points_at].replacen("<polyline", "<path", 1).replacen(&stand_in, r#"stroke-width="1""#, 1);
    format!("{}{}d=\"{}\"{}", &svg[..start], head, path.join(" "), &svg[end..])
}

/// `svg` with each run of consecutive opaque `<line>` or `<circle>` elements
/// of one style drawn as one path of separate pieces, in the run's place: the
/// mesh's grid lines (about a hundred a chart, 991 of the default page's 1,580
/// drawn elements) and a series' marks (a dozen circles). Only elements at
/// full opacity are joined: where two of one colour overlap, a path paints the
/// overlap once and two elements paint it twice, which looks the same only
/// when nothing shows through. A lone element stays as it was.
fn with_runs_as_paths(svg: &str) -> String {
    // The run: its kind and style, its first element as written, and each piece of path.
    type Run<'a> = Option<(Joinable<'a>, &'a str, Vec<String>)>;
    let mut out = String::with_capacity(svg.len());
    let mut run: Run = None;
    let flush = |out: &mut String, run: &mut Run| {
        let Some((joinable, first, pieces)) = run.take() else { return };
        if pieces.len() == 1 {
            out.push_str(first);
            return;
        }
        let fill = if joinable.kind == "line" { r#"fill="none" "# } else { "" };
        out.push_str(&format!("<path {fill}{} d=\"{}\"/>\n", joinable.style, pieces.join(" ")));
    };
    for element in svg.split_inclusive('\n') {
        match joinable(element.trim_end()) {
            Some((joinable, piece)) => match &mut run {
                Some((current, _, pieces)) if *current == joinable => pieces.push(piece),
                _ => {
                    flush(&mut out, &mut run);
                    run = Some((joinable, element, vec![piece]));
                }
            },
            None => {
                flush(&mut out, &mut run);
                out.push_str(element);
            }
        }
    }
    flush(&mut out, &mut run);
    out
}

/// The kind and style of a backend element a path can stand in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Joinable<'a> {
    kind: &'static str,
    style: &'a str,
}

/// A backend `<line>` or `<circle>` at full opacity: its kind and style (its
/// attributes but the geometry), and the piece of path that draws it.
fn joinable(element: &str) -> Option<(Joinable<'_>, String)> {
    /// The values of `names`, in that order, at the start of `rest`; and what follows them.
    fn values<'a, const N: usize>(mut rest: &'a str, names: [&str; N]) -> Option<([&'a str; N], &'a str)> {
        let mut values = [""; N];
        for (value, name) in values.iter_mut().zip(names) {
            rest = rest.trim_start().strip_prefix(name)?.strip_prefix("=\"")?;
            let close = rest.find('"')?;
            *value = &rest[..close];
            rest = &rest[close + 1..];
        }
        Some((values, rest))
    }
    let opaque = |style: &str| style.starts_with(r#"opacity="1" "#);
    if let Some(inner) = element.strip_prefix("<line ").and_then(|e| e.strip_suffix("/>")) {
        let ends_at = inner.find(" x1=\"")?;
        let style = &inner[..ends_at];
        let ([x1, y1, x2, y2], rest) = values(&inner[ends_at..], ["x1", "y1", "x2", "y2"])?;
        return (opaque(style) && rest.trim().is_empty()).then(|| (Joinable { kind: "line", style }, format!("M{x1},{y1} L{x2},{y2}")));
    }
    let inner = element.strip_prefix("<circle ").and_then(|e| e.strip_suffix("/>"))?;
    let ([cx, cy, r], rest) = values(inner, ["cx", "cy", "r"])?;
    let style = rest.trim();
    let (x, radius): (f64, f64) = (cx.parse().ok()?, r.parse().ok()?);
    // Two half-turns from the leftmost point: a whole circle, filled and stroked as the element was.
    let piece = format!("M{},{cy} a{r},{r} 0 1,0 {},0 a{r},{r} 0 1,0 {},0 Z", x - radius, 2.0 * radius, -2.0 * radius);
    opaque(style).then_some((Joinable { kind: "circle", style }, piece))
}

/// A plot drawn.
pub struct Drawn {
    /// The SVG document.
    pub svg: String,
    /// Legend entries.
    pub legend: Vec<LegendItem>,
    /// Pointer readout.
    pub readout: Readout,
}

/// CSS colour of a plotters colour.
pub fn css(color: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

/// Draws `plot`. Errors of the drawing backend become a chart that says so.
pub fn draw(plot: &Plot, frame: Frame) -> Drawn {
    let mut svg = String::new();
    let area = draw_into(plot, frame, &mut svg).unwrap_or_else(|e| {
        svg = format!(
            r#"<svg viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><text x="20" y="40">chart could not be drawn: {}</text></svg>"#,
            frame.width,
            frame.height,
            escape_xml(&e)
        );
        (0.0, 1.0)
    });
    Drawn {
        svg: responsive(&with_runs_as_paths(&with_tick_segments(&with_dashes(&svg))), &plot.title, frame),
        legend: legend(plot),
        readout: readout(plot, area),
    }
}

fn legend(plot: &Plot) -> Vec<LegendItem> {
    let mut items = Vec::new();
    for band in &plot.bands {
        items.push(LegendItem {
            label: band.label.clone(),
            color: css(band.color),
            area: true,
            dashed: false,
            pattern: Pattern::Solid,
            mark: Mark::None,
        });
    }
    for (line, mark) in plot.lines.iter().zip(marks(plot)).filter(|(line, _)| line.in_legend) {
        let pattern = match line.stroke {
            Stroke::Dashed => Pattern::Dashed,
            Stroke::Dotted => Pattern::Dotted,
            Stroke::LongDash => Pattern::LongDash,
            Stroke::Thick | Stroke::ThickSteps => Pattern::Thick,
            Stroke::Solid | Stroke::Steps => Pattern::Solid,
        };
        items.push(LegendItem {
            label: line.label.clone(),
            color: css(line.color),
            area: false,
            dashed: matches!(line.stroke, Stroke::Dashed | Stroke::Dotted | Stroke::LongDash),
            pattern,
            mark,
        });
    }
    for span in &plot.spans {
        items.push(LegendItem {
            label: span.label.clone(),
            color: css(span.color),
            area: true,
            dashed: false,
            pattern: Pattern::Solid,
            mark: Mark::None,
        });
    }
    for shade in &plot.shades {
        items.push(LegendItem {
            label: shade.label.clone(),
            color: css(shade.color),
            area: true,
            dashed: false,
            pattern: Pattern::Solid,
            mark: Mark::None,
        });
    }
    if !plot.ticks.is_empty() {
        items.push(LegendItem {
            label: "Retargets (ticks, % when 5%+)".to_string(),
            color: css(MARKER),
            area: false,
            dashed: false,
            pattern: Pattern::Solid,
            mark: Mark::None,
        });
    }
    if !plot.markers.is_empty() {
        let mut names: Vec<&str> = plot.markers.iter().map(|m| m.label.as_str()).collect();
        names.dedup();
        items.push(LegendItem {
            label: format!("Marked: {}", names.join(", ").to_lowercase()),
            color: css(MARKER),
            area: false,
            dashed: true,
            pattern: Pattern::Dashed,
            mark: Mark::None,
        });
    }
    // The spreads' key last: it says what every shaded area is.
    if !plot.spreads.is_empty() {
        items.push(LegendItem {
            label: plot.spread_label.clone(),
            color: css(SPREAD_KEY),
            area: true,
            dashed: false,
            pattern: Pattern::Solid,
            mark: Mark::None,
        });
    }
    items
}

/// The legend swatch of the spreads (each is drawn in its series' colour).
const SPREAD_KEY: RGBColor = RGBColor(150, 150, 150);
/// Opacity of the 5-95% and 25-75% areas.
const SPREAD_OUTER_ALPHA: f64 = 0.13;
const SPREAD_INNER_ALPHA: f64 = 0.26;
/// Opacity of the median line across seeds.
const SPREAD_MEDIAN_ALPHA: f64 = 0.7;

/// The outline of the area between `lower` and `upper` (per day), in chart
/// coordinates (log10 on a log axis), sampled every `stride` days; days
/// without both edges split the area.
fn spread_polygons(lower: &[f64], upper: &[f64], log: bool, stride: usize) -> Vec<Vec<(f64, f64)>> {
    let value = |v: f64| if log { log_value(v) } else { v };
    let n = lower.len().min(upper.len());
    let mut out = Vec::new();
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    for day in (0..n).filter(|d| d % stride == 0 || *d + 1 == n) {
        let (lo, hi) = (value(lower[day]), value(upper[day]));
        if lo.is_finite() && hi.is_finite() {
            run.push((day as f64, lo, hi));
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out.into_iter()
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().map(|&(x, _, hi)| (x, hi)).chain(run.iter().rev().map(|&(x, lo, _)| (x, lo))).collect())
        .collect()
}

/// Readout rows at evenly spaced days; `area` is the plot area's span as fractions of the width.
fn readout(plot: &Plot, area: (f64, f64)) -> Readout {
    let days = plot.dates.len();
    if days == 0 {
        return Readout::default();
    }
    let picked = crate::run_view::readout_days(days, &plot.anchor_days);
    Readout {
        left: area.0,
        right: area.1,
        dates: picked.iter().map(|&day| plot.dates[day as usize].clone()).collect(),
        days: picked.clone(),
        columns: plot
            .readout
            .iter()
            .map(|series| ReadoutColumn {
                label: series.label.clone(),
                unit: series.unit.clone(),
                values: picked.iter().map(|&day| series.values.get(day as usize).copied().and_then(significant)).collect(),
            })
            .collect(),
    }
}

/// `value` to 4 significant figures (short in JSON, more than the readout shows); `None` for NaN.
fn significant(value: f64) -> Option<f64> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some(0.0);
    }
    let scale = 10f64.powi(3 - value.abs().log10().floor() as i32);
    Some((value * scale).round() / scale)
}

/// Removes the fixed size so the SVG scales with CSS, and names it.
fn responsive(svg: &str, title: &str, frame: Frame) -> String {
    let header = format!(r#"<svg width="{}" height="{}" "#, frame.width, frame.height);
    let named = format!(r#"<svg role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet" "#, escape_xml(title));
    svg.replacen(&header, &named, 1)
}

/// The range of an axis over the values it shows.
fn axis_range(axis: &Axis, values: impl Iterator<Item = f64>) -> (f64, f64) {
    if let Some(fixed) = axis.fixed {
        return fixed;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for value in values {
        let value = if axis.log { log_value(value) } else { value };
        if value.is_finite() {
            lo = lo.min(value);
            hi = hi.max(value);
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if axis.from_zero && !axis.log {
        lo = lo.min(0.0);
    }
    if hi - lo < 1e-9 {
        let pad = if axis.log { 0.5 } else { hi.abs().max(1.0) * 0.1 };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    let lo = if axis.from_zero && !axis.log && lo >= 0.0 { lo } else { lo - pad };
    (lo, hi + pad)
}

/// log10 of positive values; NaN for the rest.
fn log_value(value: f64) -> f64 {
    if value > 0.0 {
        value.log10()
    } else {
        f64::NAN
    }
}

/// Points of a line in chart coordinates, split at gaps, sampled to at most `MOST_POINTS`.
fn segments(line: &Line, log: bool) -> Vec<Vec<(f64, f64)>> {
    let value = |v: f64| if log { log_value(v) } else { v };
    let days = line.values.len();
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    if line.stroke.is_steps() {
        let mut last: Option<f64> = None;
        for (day, raw) in line.values.iter().enumerate() {
            let v = value(*raw);
            if !v.is_finite() {
                if current.len() > 1 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
                last = None;
                continue;
            }
            if let Some(previous) = last {
                if previous != v {
                    current.push((day as f64, previous));
                    current.push((day as f64, v));
                }
            } else {
                current.push((day as f64, v));
            }
            last = Some(v);
        }
        if let Some(previous) = last {
            current.push((days as f64 - 1.0, previous));
        }
    } else {
        let stride = days.div_ceil(MOST_POINTS).max(1);
        for day in (0..days).filter(|day| day % stride == 0 || *day == days - 1) {
            let v = value(line.values[day]);
            if v.is_finite() {
                current.push((day as f64, v));
            } else if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Labels of a log axis: the value itself, from its log10.
fn axis_label(axis: &Axis, value: f64) -> String {
    if axis.log {
        figure(10f64.powf(value))
    } else {
        figure(value)
    }
}

/// The plotting area of a chart: days across, the left axis and the right one.
type Chart<'a, 'b> =
    DualCoordChartContext<'a, FewerPoints<SVGBackend<'b>>, Cartesian2d<DaysAxis, RangedCoordf64>, Cartesian2d<DaysAxis, RangedCoordf64>>;

/// Draws `series` against the axis of `side`.
fn draw_on<'b, E, S>(chart: &mut Chart<'_, 'b>, side: Side, series: S) -> Result<(), String>
where
    S: IntoIterator<Item = E>,
    for<'e> &'e E: PointCollection<'e, (f64, f64)>,
    E: Drawable<FewerPoints<SVGBackend<'b>>>,
{
    match side {
        Side::Left => chart.draw_series(series).map(|_| ()),
        Side::Right => chart.draw_secondary_series(series).map(|_| ()),
    }
    .map_err(|e| e.to_string())
}

/// The left and right axes' ranges: every value drawn against each, and the
/// right axis (a placeholder when the plot has none).
fn value_ranges(plot: &Plot) -> ((f64, f64), (f64, f64), Axis) {
    let left_values = plot
        .lines
        .iter()
        .filter(|line| line.side == Side::Left)
        .flat_map(|line| line.values.iter().copied())
        .chain(plot.bands.iter().flat_map(|band| band.upper.iter().chain(&band.lower).copied()))
        .chain(plot.spreads.iter().filter(|s| s.side == Side::Left).flat_map(|s| s.p5.iter().chain(&s.p95).copied()))
        .chain(plot.shades.iter().filter(|s| s.side == Side::Left).flat_map(|s| [s.from, s.to]));
    let left = axis_range(&plot.left, left_values);
    let right_axis = plot.right.clone().unwrap_or_else(|| Axis::fixed("", 0.0, 1.0));
    let right_values = plot
        .lines
        .iter()
        .filter(|line| line.side == Side::Right)
        .flat_map(|line| line.values.iter().copied())
        .chain(plot.spreads.iter().filter(|s| s.side == Side::Right).flat_map(|s| s.p5.iter().chain(&s.p95).copied()));
    let right = axis_range(&right_axis, right_values);
    (left, right, right_axis)
}

/// Draws `plot` into `svg` at `frame`; returns the plotting area's left and
/// right edges as fractions of the width (for the readout under the pointer).
fn draw_into(plot: &Plot, frame: Frame, svg: &mut String) -> Result<(f64, f64), String> {
    let days = plot.dates.len().max(2);
    let x_range = DaysAxis::new(&plot.dates, frame.x_labels);
    let ((left_lo, left_hi), (right_lo, right_hi), right_axis) = value_ranges(plot);
    let root = FewerPoints::but_width(SVGBackend::with_string(svg, (frame.width, frame.height)), TICKS_STAND_IN_WIDTH).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(12)
        .margin_left(8)
        .margin_right(if plot.right.is_some() { 8 } else { 24 })
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(frame.y_label_area)
        .right_y_label_area_size(if plot.right.is_some() { frame.y_label_area } else { 0 })
        .build_cartesian_2d(x_range.clone(), left_lo..left_hi)
        .map_err(|e| e.to_string())?
        .set_secondary_coord(x_range.clone(), right_lo..right_hi);
    draw_axes(&mut chart, plot, frame, &x_range)?;
    let last_day = (days - 1) as f64;
    draw_shades(&mut chart, plot, last_day)?;
    draw_spans(&mut chart, plot, days, (left_lo, left_hi))?;
    draw_markers(&mut chart, plot, frame, days, (left_lo, left_hi))?;
    draw_ticks(&mut chart, plot, frame, days, (left_lo, left_hi))?;
    let stride = plot.dates.len().div_ceil(MOST_POINTS).max(1);
    draw_bands(&mut chart, plot, stride)?;
    draw_spreads(&mut chart, plot, &right_axis, stride)?;
    draw_lines(&mut chart, plot, &right_axis)?;
    let (pixels_x, _) = chart.plotting_area().get_pixel_range();
    let area_fraction = (pixels_x.start as f64 / frame.width as f64, pixels_x.end as f64 / frame.width as f64);
    root.present().map_err(|e| e.to_string())?;
    Ok(area_fraction)
}

/// The grid, the dates across and the axes with their labels and titles.
fn draw_axes(chart: &mut Chart<'_, '_>, plot: &Plot, frame: Frame, labels: &DaysAxis) -> Result<(), String> {
    let date_label = |x: &f64| labels.label(*x);
    let left_label = |y: &f64| axis_label(&plot.left, *y);
    let label_font = ("sans-serif", frame.font).into_font().color(&RGBColor(60, 60, 60));
    let title_font = ("sans-serif", frame.font).into_font().color(&RGBColor(40, 40, 40));
    chart
        .configure_mesh()
        .x_labels(frame.x_labels)
        .y_labels(6)
        .x_label_formatter(&date_label)
        .y_label_formatter(&left_label)
        .y_desc(plot.left.title.as_str())
        .label_style(label_font.clone())
        .axis_desc_style(title_font.clone())
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(222, 222, 222))
        .draw()
        .map_err(|e| e.to_string())?;
    if let Some(right) = &plot.right {
        let right_label = |y: &f64| axis_label(right, *y);
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&right_label)
            .y_desc(right.title.as_str())
            .label_style(label_font)
            .axis_desc_style(title_font)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Each shade: a strip beside its axis (the left edge for the left axis, the right edge for the right).
fn draw_shades(chart: &mut Chart<'_, '_>, plot: &Plot, last_day: f64) -> Result<(), String> {
    let strip = (last_day * SHADE_STRIP_SHARE).max(1.0);
    for shade in &plot.shades {
        let (x0, x1) = match shade.side {
            Side::Left => (0.0, strip),
            Side::Right => (last_day - strip, last_day),
        };
        let rect = Rectangle::new([(x0, shade.from), (x1, shade.to)], shade.color.mix(0.35).filled());
        draw_on(chart, shade.side, std::iter::once(rect))?;
    }
    Ok(())
}

/// Each span of days (a price shock as it plays out): a light area from bottom to top.
fn draw_spans(chart: &mut Chart<'_, '_>, plot: &Plot, days: usize, (left_lo, left_hi): (f64, f64)) -> Result<(), String> {
    for span in plot.spans.iter().filter(|s| s.from < days) {
        let rect = Rectangle::new([(span.from as f64, left_lo), (span.to.min(days - 1) as f64, left_hi)], span.color.mix(0.12).filled());
        draw_on(chart, Side::Left, std::iter::once(rect))?;
    }
    Ok(())
}

/// The size of the markers' and ticks' labels, pixels.
fn marker_px(frame: Frame) -> u32 {
    frame.font.saturating_sub(2).max(10)
}

/// Each marker (an event of the run): a dashed line from bottom to top, its
/// label at the top, in rows so that labels do not overlap.
fn draw_markers(chart: &mut Chart<'_, '_>, plot: &Plot, frame: Frame, days: usize, (left_lo, left_hi): (f64, f64)) -> Result<(), String> {
    let last_day = (days - 1) as f64;
    let marker_px = marker_px(frame);
    let marker_font = ("sans-serif", marker_px).into_font().color(&MARKER);
    let shown: Vec<&Marker> = plot.markers.iter().filter(|m| m.day < days).collect();
    let rows = marker_rows(&shown, last_day, frame.width, marker_px);
    // A row of labels is a line of text lower, in the axis's units.
    let row_height = (left_hi - left_lo) * f64::from(marker_px) * 1.3 / f64::from(frame.height.saturating_sub(52).max(1));
    for (marker, row) in shown.iter().zip(rows) {
        let x = marker.day as f64;
        draw_on(chart, Side::Left, LineSeries::new([(x, left_lo), (x, left_hi)], Dashing::Marker.style(MARKER.mix(0.8))))?;
        let anchor = if x > last_day * 0.8 { HPos::Right } else { HPos::Left };
        let y = left_hi - row as f64 * row_height;
        let text = Text::new(format!(" {} ", marker.label), (x, y), marker_font.clone().pos(Pos::new(anchor, VPos::Top)));
        draw_on(chart, Side::Left, std::iter::once(text))?;
    }
    Ok(())
}

/// Each tick (a retarget): a short line up from the bottom, labelled where there is room.
fn draw_ticks(chart: &mut Chart<'_, '_>, plot: &Plot, frame: Frame, days: usize, (left_lo, left_hi): (f64, f64)) -> Result<(), String> {
    let last_day = (days - 1) as f64;
    let marker_px = marker_px(frame);
    let marker_font = ("sans-serif", marker_px).into_font().color(&MARKER);
    let tick_height = (left_hi - left_lo) * 0.035;
    let ticks: Vec<&Marker> = plot.ticks.iter().filter(|t| t.day < days).collect();
    let labelled = tick_labels_shown(&ticks, last_day, frame.width, marker_px);
    // All the ticks as one line through both ends of each in turn, made separate segments after drawing.
    let ends: Vec<(f64, f64)> =
        ticks.iter().flat_map(|tick| [(tick.day as f64, left_lo), (tick.day as f64, left_lo + tick_height)]).collect();
    if !ends.is_empty() {
        let style = ShapeStyle { color: MARKER.to_rgba(), filled: false, stroke_width: TICKS_STAND_IN_WIDTH };
        draw_on(chart, Side::Left, LineSeries::new(ends, style))?;
    }
    for (tick, labelled) in ticks.into_iter().zip(labelled) {
        let x = tick.day as f64;
        if labelled {
            let text =
                Text::new(tick.label.clone(), (x, left_lo + tick_height), marker_font.clone().pos(Pos::new(HPos::Center, VPos::Bottom)));
            draw_on(chart, Side::Left, std::iter::once(text))?;
        }
    }
    Ok(())
}

/// Each band (stacked areas): its outline, sampled every `stride` days.
fn draw_bands(chart: &mut Chart<'_, '_>, plot: &Plot, stride: usize) -> Result<(), String> {
    for band in &plot.bands {
        let n = band.upper.len().min(band.lower.len());
        let picked: Vec<usize> = (0..n).filter(|d| d % stride == 0 || *d == n - 1).collect();
        let mut points: Vec<(f64, f64)> = picked.iter().map(|&d| (d as f64, band.upper[d])).collect();
        points.extend(picked.iter().rev().map(|&d| (d as f64, band.lower[d])));
        points.retain(|(_, y)| y.is_finite());
        draw_on(chart, Side::Left, std::iter::once(Polygon::new(points, band.color.mix(0.85).filled())))?;
    }
    Ok(())
}

/// Each spread across seeds: its 5-95% and 25-75% areas and its median, in the series' colour.
fn draw_spreads(chart: &mut Chart<'_, '_>, plot: &Plot, right_axis: &Axis, stride: usize) -> Result<(), String> {
    for spread in &plot.spreads {
        let log = match spread.side {
            Side::Left => plot.left.log,
            Side::Right => right_axis.log,
        };
        for (lower, upper, alpha) in [(&spread.p5, &spread.p95, SPREAD_OUTER_ALPHA), (&spread.p25, &spread.p75, SPREAD_INNER_ALPHA)] {
            for outline in spread_polygons(lower, upper, log, stride) {
                draw_on(chart, spread.side, std::iter::once(Polygon::new(outline, spread.color.mix(alpha).filled())))?;
            }
        }
        // The median across seeds: a thin line in the series' colour.
        let median = Line {
            label: String::new(),
            color: spread.color,
            values: spread.p50.clone(),
            side: spread.side,
            stroke: Stroke::Solid,
            in_legend: false,
        };
        let style = ShapeStyle { color: spread.color.mix(SPREAD_MEDIAN_ALPHA), filled: false, stroke_width: 1 };
        for segment in segments(&median, log) {
            draw_on(chart, spread.side, LineSeries::new(segment, style))?;
        }
    }
    Ok(())
}

/// The lines, thick ones first so that the model's lines show on top of
/// them, each with its marks.
fn draw_lines(chart: &mut Chart<'_, '_>, plot: &Plot, right_axis: &Axis) -> Result<(), String> {
    let marked: Vec<(usize, (&Line, Mark))> = plot.lines.iter().zip(marks(plot)).enumerate().collect();
    let in_order =
        marked.iter().filter(|(_, (line, _))| line.stroke.is_thick()).chain(marked.iter().filter(|(_, (line, _))| !line.stroke.is_thick()));
    for &(index, (line, mark)) in in_order {
        let axis = match line.side {
            Side::Left => &plot.left,
            Side::Right => right_axis,
        };
        let width = if line.stroke.is_thick() { THICK_WIDTH } else { 2 };
        let style = ShapeStyle { color: line.color.to_rgba(), filled: false, stroke_width: width };
        draw_marks(chart, line, index, mark, axis, style)?;
        let style = match line.stroke {
            Stroke::Dashed => Dashing::Dashed.style(style.color),
            Stroke::Dotted => Dashing::Dotted.style(style.color),
            Stroke::LongDash => Dashing::LongDash.style(style.color),
            Stroke::Solid | Stroke::Steps | Stroke::Thick | Stroke::ThickSteps => style,
        };
        for segment in segments(line, axis.log) {
            draw_on(chart, line.side, LineSeries::new(segment, style))?;
        }
    }
    Ok(())
}

/// A line's marks, at even intervals, shifted by the line's `index` so that
/// marks of lines that meet do not sit on each other.
fn draw_marks(chart: &mut Chart<'_, '_>, line: &Line, index: usize, mark: Mark, axis: &Axis, style: ShapeStyle) -> Result<(), String> {
    if mark == Mark::None {
        return Ok(());
    }
    let days = line.values.len();
    let every = (days / MARKS_PER_LINE).max(1);
    let offset = (index * every / 3) % every;
    let at: Vec<(f64, f64)> = (offset..days)
        .step_by(every)
        .filter_map(|day| {
            let v = line.values[day];
            let y = if axis.log { log_value(v) } else { v };
            (v.is_finite() && y.is_finite()).then_some((day as f64, y))
        })
        .collect();
    let filled = ShapeStyle { filled: true, ..style };
    match mark {
        Mark::Circle => draw_on(chart, line.side, at.iter().map(|&p| Circle::new(p, 4, filled))),
        Mark::Triangle => draw_on(chart, line.side, at.iter().map(|&p| TriangleMarker::new(p, 5, filled))),
        Mark::Cross => draw_on(chart, line.side, at.iter().map(|&p| Cross::new(p, 4, style))),
        Mark::Ring | Mark::None => draw_on(chart, line.side, at.iter().map(|&p| Circle::new(p, 4, style))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot(values: Vec<f64>) -> Plot {
        Plot {
            title: "test <chart>".into(),
            dates: (0..values.len()).map(|d| format!("2026-01-{:02}", d % 28 + 1)).collect(),
            left: Axis::linear("EH/s"),
            right: Some(Axis::log("T")),
            shades: vec![],
            spans: vec![],
            bands: vec![],
            spreads: vec![],
            spread_label: String::new(),
            lines: vec![Line {
                label: "a".into(),
                color: RED,
                values: values.clone(),
                side: Side::Left,
                stroke: Stroke::Solid,
                in_legend: true,
            }],
            readout: vec![ReadoutSeries { label: "a".into(), unit: "EH/s".into(), values }],
            anchor_days: vec![],
            markers: vec![],
            ticks: vec![],
        }
    }

    #[test]
    fn series_after_the_first_carry_marks_in_the_chart_and_the_legend() {
        let mut three = plot((0..60).map(f64::from).collect());
        let line = three.lines[0].clone();
        three.lines.push(Line { label: "b".into(), color: BLUE, ..line.clone() });
        three.lines.push(Line { label: "c".into(), color: GREEN, ..line.clone() });
        // A baseline copy (dashed, not in the legend) carries none.
        three.lines.push(Line { stroke: Stroke::Dashed, in_legend: false, ..line });
        assert_eq!(marks(&three), [Mark::None, Mark::Circle, Mark::Triangle, Mark::None]);
        let drawn = draw(&three, WIDE);
        let legend: Vec<&str> = drawn.legend.iter().map(|item| item.mark.as_str()).collect();
        assert_eq!(legend, ["", "circle", "triangle"]);
        // The second series' circles are drawn as one path of whole circles, two half-turns each.
        assert!(drawn.svg.matches(" 0 1,0 ").count() >= 2 * MARKS_PER_LINE, "circles on the second series");
        assert!(drawn.svg.matches("<polygon").count() >= MARKS_PER_LINE, "triangles on the third");
    }

    #[test]
    fn a_dashed_line_or_marker_is_one_element_with_its_pattern() {
        let mut dashed = plot((0..400).map(|d| f64::from(d % 37)).collect());
        let solid_only = draw(&dashed, WIDE).svg.matches("<polyline").count();
        let line = dashed.lines[0].clone();
        dashed.lines.push(Line { stroke: Stroke::Dashed, in_legend: false, ..line.clone() });
        dashed.lines.push(Line { stroke: Stroke::LongDash, in_legend: false, ..line });
        dashed.markers.push(Marker { day: 200, label: "Halving".into() });
        let svg = draw(&dashed, WIDE).svg;
        assert_eq!(svg.matches(r#"stroke-width="1" stroke-dasharray="4 4""#).count(), 1, "the marker");
        assert_eq!(svg.matches(r#"stroke-width="2" stroke-dasharray="7 5""#).count(), 1, "the dashed line");
        assert_eq!(svg.matches(r#"stroke-width="2" stroke-dasharray="16 5""#).count(), 1, "the long dashes");
        assert!(!svg.contains("stroke-width=\"900"), "no stand-in width is left");
        // Two more lines and the marker: three more polylines (a dash each, before).
        assert_eq!(svg.matches("<polyline").count(), solid_only + 3);
    }

    #[test]
    fn the_ticks_are_one_path_of_separate_segments() {
        let mut ticked = plot((0..400).map(f64::from).collect());
        ticked.ticks = [14, 28, 42].iter().map(|&day| Marker { day, label: String::new() }).collect();
        let svg = draw(&ticked, WIDE).svg;
        assert!(!svg.contains(&format!("stroke-width=\"{TICKS_STAND_IN_WIDTH}\"")), "no stand-in width is left");
        let path = svg.split("<path").find(|path| path.contains("#5A5A5A")).expect("the ticks' path");
        let d = path.split("d=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("its segments");
        assert_eq!(d.matches('M').count(), 3, "{d}");
        assert_eq!(d.matches('L').count(), 3, "{d}");
        assert!(path.contains(r#"stroke-width="1""#) && path.contains("#5A5A5A"), "{path}");
        assert_eq!(with_tick_segments("<svg></svg>"), "<svg></svg>", "no ticks, nothing changed");
    }

    #[test]
    fn runs_of_opaque_lines_or_marks_of_one_style_are_one_path_each_in_their_place() {
        let grid =
            |stroke: &str, x: u32| format!(r#"<line opacity="1" stroke="{stroke}" stroke-width="1" x1="{x}" y1="9" x2="{x}" y2="1"/>"#);
        let faint = r##"<line opacity="0.5" stroke="#EEEEEE" stroke-width="1" x1="7" y1="9" x2="7" y2="1"/>"##;
        let svg = [
            "<svg>".to_string(),
            grid("#EEEEEE", 1),
            grid("#EEEEEE", 2),
            grid("#EEEEEE", 3),
            grid("#DEDEDE", 4),
            grid("#DEDEDE", 5),
            r#"<polyline fill="none" points="1,1 2,2 "/>"#.to_string(),
            grid("#EEEEEE", 6),
            faint.to_string(),
            faint.to_string(),
            "</svg>".to_string(),
        ]
        .join("\n");
        let expected = [
            "<svg>",
            r##"<path fill="none" opacity="1" stroke="#EEEEEE" stroke-width="1" d="M1,9 L1,1 M2,9 L2,1 M3,9 L3,1"/>"##,
            r##"<path fill="none" opacity="1" stroke="#DEDEDE" stroke-width="1" d="M4,9 L4,1 M5,9 L5,1"/>"##,
            r#"<polyline fill="none" points="1,1 2,2 "/>"#,
            &grid("#EEEEEE", 6),
            faint,
            faint,
            "</svg>",
        ]
        .join("\n");
        assert_eq!(with_runs_as_paths(&svg), expected, "a lone line and lines that show through stay lines");
        // A series' marks: one path of whole circles, filled or stroked as they were.
        let mark = |x: u32, style: &str| format!(r#"<circle cx="{x}" cy="20" r="4" opacity="1" {style}/>"#);
        let (filled, ringed) = (r##"fill="#C85200" stroke="none" stroke-width="2""##, r##"fill="none" stroke="#9467BD" stroke-width="2""##);
        let marks = [mark(10, filled), mark(30, filled), mark(50, ringed), mark(70, ringed), mark(90, filled)].join("\n");
        let expected = [
            format!(r#"<path opacity="1" {filled} d="M6,20 a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z M26,20 a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z"/>"#),
            format!(r#"<path opacity="1" {ringed} d="M46,20 a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z M66,20 a4,4 0 1,0 8,0 a4,4 0 1,0 -8,0 Z"/>"#),
            mark(90, filled),
        ]
        .join("\n");
        assert_eq!(with_runs_as_paths(&marks), expected);
        // A chart's grid: no line is left, and every grid line is a segment of a path.
        let drawn = draw(&plot((0..400).map(f64::from).collect()), WIDE).svg;
        assert!(!drawn.contains("<line"), "{drawn}");
        assert!(drawn.matches("<path").count() <= 4, "{}", drawn.matches("<path").count());
        assert!(drawn.matches(" M").count() >= 10, "the grid's segments are in the paths");
    }

    #[test]
    fn marker_labels_near_each_other_take_rows_of_their_own() {
        let marker = |day: usize, label: &str| Marker { day, label: label.into() };
        let (shock, halving, later) = (marker(180, "Price shock"), marker(182, "Halving"), marker(600, "Halving"));
        // 730 days on 760 px: "Price shock" runs about 100 days right of day 180.
        assert_eq!(marker_rows(&[&shock, &halving, &later], 729.0, 760, 13), vec![0, 1, 0]);
        assert_eq!(marker_rows(&[&shock, &later], 729.0, 760, 13), vec![0, 0], "far apart: one row");
        // Near the end labels run left of their line, and still clear each other.
        let (a, b) = (marker(700, "Price shock"), marker(705, "Halving"));
        assert_eq!(marker_rows(&[&a, &b], 729.0, 760, 13), vec![0, 1]);
    }

    #[test]
    fn tick_labels_that_would_touch_are_left_out() {
        let tick = |day: usize, label: &str| Marker { day, label: label.into() };
        // 500 days on 440 px at 16 px: a "-7%" label is about 60 days wide.
        let ticks = [tick(100, "-7%"), tick(125, "+10%"), tick(130, ""), tick(180, "-12%"), tick(260, "+5%")];
        let refs: Vec<&Marker> = ticks.iter().collect();
        assert_eq!(tick_labels_shown(&refs, 500.0, 440, 16), vec![true, false, false, true, true]);
        // On a wide frame the same days have room.
        assert_eq!(tick_labels_shown(&refs, 500.0, 1600, 16), vec![true, true, false, true, true]);
    }

    #[test]
    fn draws_a_scalable_named_svg_with_a_readout() {
        let drawn = draw(&plot(vec![1.0, 2.0, f64::NAN, 4.0]), WIDE);
        assert!(drawn.svg.starts_with("<svg role=\"img\" aria-label=\"test &lt;chart&gt;\""), "{}", &drawn.svg[..120]);
        assert!(drawn.svg.contains("viewBox=\"0 0 760 360\""));
        let root_tag = &drawn.svg[..drawn.svg.find('>').unwrap()];
        assert!(!root_tag.contains("width="), "{root_tag}");
        assert_eq!(drawn.readout.rows(), 4);
        assert!(drawn.readout.text(2).contains("n/a"), "{}", drawn.readout.text(2));
        assert!(drawn.readout.text(3).starts_with("2026-01-04\na: 4 EH/s"), "{}", drawn.readout.text(3));
        assert_eq!(significant(123_456.0), Some(123_500.0));
        assert_eq!(significant(0.045_123), Some(0.045_12));
        assert!(drawn.readout.left > 0.0 && drawn.readout.right < 1.0 && drawn.readout.left < drawn.readout.right);
        assert_eq!(drawn.legend.len(), 1);
    }

    #[test]
    fn spreads_are_drawn_as_two_translucent_areas_and_widen_the_axis() {
        let mut with_spread = plot(vec![10.0, 11.0, 12.0, 13.0]);
        with_spread.spreads.push(Spread {
            color: RED,
            side: Side::Left,
            p5: vec![5.0, 6.0, f64::NAN, 8.0],
            p25: vec![8.0, 9.0, 10.0, 11.0],
            p50: vec![10.0, 11.0, 12.0, 13.0],
            p75: vec![12.0, 13.0, 14.0, 15.0],
            p95: vec![30.0, 31.0, 32.0, 33.0],
        });
        with_spread.spread_label = "5-95% and 25-75% of 10 seeds".into();
        let drawn = draw(&with_spread, WIDE);
        let plain = draw(&plot(vec![10.0, 11.0, 12.0, 13.0]), WIDE);
        // The 5-95% area splits at the missing day: two pieces, one of them
        // a single day (dropped); the 25-75% area is one polygon.
        assert_eq!(drawn.svg.matches("<polygon").count(), plain.svg.matches("<polygon").count() + 2, "{}", drawn.svg);
        assert!(drawn.svg.contains("opacity=\"0.13\"") || drawn.svg.contains("fill-opacity=\"0.13\""), "{}", drawn.svg);
        // The median is a thin line of its own.
        let thin = drawn.svg.split("<polyline").filter(|p| p.contains("opacity=\"0.7\"") && p.contains("stroke-width=\"1\"")).count();
        assert_eq!(thin, 1, "{}", drawn.svg);
        let labels: Vec<&str> = drawn.svg.split("</text>").filter_map(|t| t.rsplit(">").next()).collect();
        assert!(
            labels.iter().any(|l| l.trim().parse::<f64>().is_ok_and(|v| v >= 30.0)),
            "the axis reaches the 95th percentile: {labels:?}"
        );
        assert_eq!(drawn.legend.last().map(|item| item.label.as_str()), Some("5-95% and 25-75% of 10 seeds"));
        assert_eq!(spread_polygons(&[1.0, 2.0], &[3.0, 4.0], false, 1), vec![vec![(0.0, 3.0), (1.0, 4.0), (1.0, 2.0), (0.0, 1.0)]]);
    }

    #[test]
    fn steps_hold_until_the_value_changes() {
        let line = Line {
            label: "d".into(),
            color: RED,
            values: vec![1.0, 1.0, 2.0, 2.0],
            side: Side::Left,
            stroke: Stroke::Steps,
            in_legend: true,
        };
        assert_eq!(segments(&line, false), vec![vec![(0.0, 1.0), (2.0, 1.0), (2.0, 2.0), (3.0, 2.0)]]);
    }
}
