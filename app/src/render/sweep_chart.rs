//! A parameter sweep drawn with plotters, in the page's style: one swept
//! field gives the median of the final-day metric against the field with
//! its 25th-75th and 5th-95th percentile bands; two give a heatmap of the
//! median (first field across, second up) with a colour scale. Served as
//! the `svg` of `/api/sweep`'s `sweep` event.

use super::fewer_points::FewerPoints;
use crate::catalogue::metric_label;
use crate::format::{escape_xml, figure};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use simulation::scenario::FieldSpec;
use simulation::sweep::{Axis, Cell, SweepResult};

/// Drawing size, SVG pixels (it scales to its box).
pub const WIDTH: u32 = 760;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 440;
/// Label font size (as the page's charts).
const FONT: u32 = 15;
/// Height of the title block above the plot.
const HEADER: u32 = 56;
/// Width of the heatmap's colour scale.
const SCALE_WIDTH: u32 = 104;

/// The Monte Carlo figures' colours: outer band, inner band, median.
const OUTER: RGBColor = RGBColor(158, 202, 225);
const INNER: RGBColor = RGBColor(66, 146, 198);
const MEDIAN: RGBColor = RGBColor(8, 48, 107);
const TEXT: RGBColor = RGBColor(40, 40, 40);
const MUTED: RGBColor = RGBColor(90, 90, 90);

/// Viridis, sampled: low values dark blue, high values yellow.
const RAMP: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// Index of the median in a cell's percentiles (5, 25, 50, 75, 95).
const P50: usize = 2;

/// A swept field's axis title: label and unit.
pub fn field_title(field: &str) -> String {
    match FieldSpec::find(field) {
        Some(spec) if spec.unit.is_empty() => spec.label.to_string(),
        Some(spec) => format!("{} ({})", spec.label, spec.unit),
        None => field.to_string(),
    }
}

/// The metric's title: label and unit.
pub fn metric_title(column: &str) -> String {
    let (label, unit) = metric_label(column);
    if unit.is_empty() {
        label
    } else {
        format!("{label} ({unit})")
    }
}

/// The chart's two title lines.
pub fn titles(result: &SweepResult) -> (String, String) {
    let spec = &result.spec;
    let (metric, _) = metric_label(&spec.metric);
    let fields: Vec<&str> = spec.axes.iter().map(|a| FieldSpec::find(&a.field).map_or(a.field.as_str(), |s| s.label)).collect();
    let first = format!("{metric} by {}", fields.join(" and "));
    let title = spec.scenario.title.trim();
    let taken = spec.mean_over.map_or_else(|| " on the final day".to_string(), |w| format!(", mean over days {}", w.text()));
    let mut second = format!(
        "Median of {} run{} per cell{taken}; {} operators, {} years",
        spec.runs,
        if spec.runs == 1 { "" } else { "s" },
        spec.scenario.operators,
        spec.scenario.years
    );
    if !title.is_empty() {
        second = format!("{title}: {second}");
    }
    (first, second)
}

/// The one value every cell's median takes, when the metric does not vary over the sweep.
pub fn constant_value(result: &SweepResult) -> Option<f64> {
    let mut medians = result.cells.iter().filter(|c| c.percentiles.len() == 5).map(|c| c.percentiles[P50]).filter(|v| v.is_finite());
    let first = medians.next()?;
    let tolerance = 1e-9 * first.abs().max(1.0);
    medians.all(|v| (v - first).abs() <= tolerance).then_some(first)
}

/// Draws `result` as a scalable SVG document. Errors of the drawing backend become a chart that says so.
pub fn svg(result: &SweepResult) -> String {
    let (title, mut subtitle) = titles(result);
    if result.cells.len() > 1 {
        if let Some(value) = constant_value(result) {
            // Say it in words: a flat colour scale of -1..1 around 0 would look like a result.
            subtitle = format!("{subtitle}. Nothing varied: every cell's median is {}", figure(value));
        }
    }
    let kind = if result.spec.axes.len() == 2 { "heatmap" } else { "line" };
    let mut svg = String::new();
    let drawn =
        if kind == "heatmap" { draw_heatmap(result, &title, &subtitle, &mut svg) } else { draw_line(result, &title, &subtitle, &mut svg) };
    if let Err(e) = drawn {
        svg = format!(
            r#"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><text x="20" y="40">chart could not be drawn: {}</text></svg>"#,
            escape_xml(&e)
        );
    }
    let header = format!(r#"<svg width="{WIDTH}" height="{HEIGHT}" "#);
    let named = format!(
        r#"<svg role="img" aria-label="{}" data-sweep="{kind}" preserveAspectRatio="xMidYMid meet" "#,
        escape_xml(&format!("{title}. {subtitle}"))
    );
    svg.replacen(&header, &named, 1)
}

/// The axis's values, lowest to highest, and the span a cell covers along it.
fn extent(axis: &Axis) -> (f64, f64, f64) {
    let values = axis.values();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let step = if values.len() > 1 && hi > lo { (hi - lo) / (values.len() - 1) as f64 } else { (lo.abs() * 0.1).max(1.0) };
    (lo, hi, step)
}

fn font(size: u32, color: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&color)
}

fn draw_header<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, title: &str, subtitle: &str) -> Result<(), String> {
    root.draw(&Text::new(title.to_string(), (12, 8), font(FONT + 2, TEXT))).map_err(|e| e.to_string())?;
    root.draw(&Text::new(subtitle.to_string(), (12, 32), font(FONT - 3, MUTED))).map_err(|e| e.to_string())?;
    Ok(())
}

/// A value axis's range over `values` with a margin; never empty.
fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-9 * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(1.0);
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.06;
    (lo - pad, hi + pad)
}

fn draw_line(result: &SweepResult, title: &str, subtitle: &str, svg: &mut String) -> Result<(), String> {
    let axis = &result.spec.axes[0];
    let mut cells: Vec<&Cell> = result.cells.iter().filter(|c| c.percentiles.len() == 5 && !c.values.is_empty()).collect();
    cells.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
    let (x_lo, x_hi, step) = extent(axis);
    let (x_lo, x_hi) = if x_hi > x_lo { (x_lo, x_hi) } else { (x_lo - step, x_hi + step) };
    let (y_lo, y_hi) = padded(cells.iter().flat_map(|c| [c.percentiles[0], c.percentiles[4]]));
    let root = FewerPoints::new(SVGBackend::with_string(svg, (WIDTH, HEIGHT))).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (header, body) = root.split_vertically(HEADER);
    draw_header(&header, title, subtitle)?;
    // The key, top right of the header.
    let keys = [(OUTER, "5th-95th percentile"), (INNER, "25th-75th"), (MEDIAN, "median")];
    let mut x = WIDTH as i32 - 12;
    for (color, label) in keys.iter().rev() {
        let width = 6 * label.len() as i32;
        x -= width;
        header.draw(&Text::new(label.to_string(), (x, 34), font(FONT - 3, MUTED))).map_err(|e| e.to_string())?;
        let filled = if *color == MEDIAN { color.filled() } else { color.mix(0.55).filled() };
        header.draw(&Rectangle::new([(x - 16, 34), (x - 4, 44)], filled)).map_err(|e| e.to_string())?;
        x -= 28;
    }
    let mut chart = ChartBuilder::on(&body)
        .margin_top(8)
        .margin_left(8)
        .margin_right(24)
        .margin_bottom(6)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(|e| e.to_string())?;
    let x_label = |v: &f64| figure(*v);
    let y_label = |v: &f64| figure(*v);
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(field_title(&axis.field))
        .y_desc(metric_title(&result.spec.metric))
        .label_style(font(FONT, RGBColor(60, 60, 60)))
        .axis_desc_style(font(FONT, TEXT))
        .light_line_style(RGBColor(238, 238, 238))
        .bold_line_style(RGBColor(222, 222, 222))
        .draw()
        .map_err(|e| e.to_string())?;
    for (low, high, color) in [(0, 4, OUTER), (1, 3, INNER)] {
        let mut points: Vec<(f64, f64)> = cells.iter().map(|c| (c.values[0], c.percentiles[high])).collect();
        points.extend(cells.iter().rev().map(|c| (c.values[0], c.percentiles[low])));
        points.retain(|(_, y)| y.is_finite());
        chart.draw_series(std::iter::once(Polygon::new(points, color.mix(0.55).filled()))).map_err(|e| e.to_string())?;
    }
    let median: Vec<(f64, f64)> = cells.iter().map(|c| (c.values[0], c.percentiles[P50])).filter(|(_, y)| y.is_finite()).collect();
    let style = ShapeStyle { color: MEDIAN.to_rgba(), filled: false, stroke_width: 2 };
    chart.draw_series(LineSeries::new(median.clone(), style)).map_err(|e| e.to_string())?;
    chart.draw_series(median.into_iter().map(|point| Circle::new(point, 3, MEDIAN.filled()))).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// The ramp's colour at `t` in 0..1.
pub fn ramp(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let scaled = t * (RAMP.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(RAMP.len() - 2);
    let f = scaled - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Dark text on light cells, white on dark ones.
fn ink(color: RGBColor) -> RGBColor {
    let luminance = 0.299 * f64::from(color.0) + 0.587 * f64::from(color.1) + 0.114 * f64::from(color.2);
    if luminance > 140.0 {
        RGBColor(20, 20, 20)
    } else {
        WHITE
    }
}

fn draw_heatmap(result: &SweepResult, title: &str, subtitle: &str, svg: &mut String) -> Result<(), String> {
    let (first, second) = (&result.spec.axes[0], &result.spec.axes[1]);
    let (xs, ys) = (first.values(), second.values());
    let (nx, ny) = (xs.len() as i32, ys.len() as i32);
    // Cell `k` (first axis slowest) sits at column k / ny, row k % ny.
    let cells: Vec<(i32, i32, f64)> = result
        .cells
        .iter()
        .enumerate()
        .filter(|(_, c)| c.percentiles.len() == 5)
        .map(|(offset, c)| {
            let k = result.first_cell as i32 + offset as i32;
            (k / ny, k % ny, c.percentiles[P50])
        })
        .collect();
    let medians = || cells.iter().map(|c| c.2).filter(|v| v.is_finite());
    let lo = medians().fold(f64::INFINITY, f64::min);
    let hi = medians().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi - lo < 1e-9 * hi.abs().max(1.0) {
        (lo - (hi.abs() * 0.1).max(1.0), hi + (hi.abs() * 0.1).max(1.0))
    } else {
        (lo, hi)
    };
    let fill = |v: f64| if v.is_finite() { ramp((v - lo) / (hi - lo)) } else { RGBColor(200, 200, 200) };

    let root = FewerPoints::new(SVGBackend::with_string(svg, (WIDTH, HEIGHT))).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (header, body) = root.split_vertically(HEADER);
    draw_header(&header, title, subtitle)?;
    let (main, scale) = body.split_horizontally(WIDTH - SCALE_WIDTH);
    let mut chart = ChartBuilder::on(&main)
        .margin_top(8)
        .margin_left(8)
        .margin_right(8)
        .margin_bottom(6)
        .x_label_area_size(52)
        .y_label_area_size(84)
        .build_cartesian_2d((0..nx - 1).into_segmented(), (0..ny - 1).into_segmented())
        .map_err(|e| e.to_string())?;
    let at = |values: &[f64], v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => values.get(*i as usize).map(|v| figure(*v)).unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    let x_label = |v: &SegmentValue<i32>| at(&xs, v);
    let y_label = |v: &SegmentValue<i32>| at(&ys, v);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(xs.len().min(12))
        .y_labels(ys.len().min(12))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(field_title(&first.field))
        .y_desc(field_title(&second.field))
        .label_style(font(FONT, RGBColor(60, 60, 60)))
        .axis_desc_style(font(FONT, TEXT))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(cells.iter().map(|&(i, j, v)| {
            Rectangle::new(
                [(SegmentValue::Exact(i), SegmentValue::Exact(j + 1)), (SegmentValue::Exact(i + 1), SegmentValue::Exact(j))],
                fill(v).filled(),
            )
        }))
        .map_err(|e| e.to_string())?;
    // Each cell's value, where it fits.
    let (a, b) = (
        chart.backend_coord(&(SegmentValue::Exact(0), SegmentValue::Exact(0))),
        chart.backend_coord(&(SegmentValue::Exact(1), SegmentValue::Exact(1))),
    );
    let (cell_w, cell_h) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
    let widest = cells.iter().map(|c| figure(c.2).chars().count() as i32).max().unwrap_or(0);
    if cell_h >= FONT as i32 + 2 && cell_w >= widest * 8 + 6 {
        let centre = Pos::new(HPos::Center, VPos::Center);
        chart
            .draw_series(cells.iter().map(|&(i, j, v)| {
                Text::new(figure(v), (SegmentValue::CenterOf(i), SegmentValue::CenterOf(j)), font(FONT, ink(fill(v))).pos(centre))
            }))
            .map_err(|e| e.to_string())?;
    }
    // The colour scale, with values.
    let mut legend = ChartBuilder::on(&scale)
        .margin_top(8)
        .margin_bottom(58)
        .margin_right(4)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(|e| e.to_string())?;
    let value_label = |v: &f64| figure(*v);
    legend
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_label_formatter(&value_label)
        .label_style(font(FONT - 2, RGBColor(60, 60, 60)))
        .draw()
        .map_err(|e| e.to_string())?;
    const BANDS: usize = 48;
    legend
        .draw_series((0..BANDS).map(|k| {
            let (f0, f1) = (k as f64 / BANDS as f64, (k + 1) as f64 / BANDS as f64);
            Rectangle::new([(0.0, lo + (hi - lo) * f0), (1.0, lo + (hi - lo) * f1)], ramp((f0 + f1) / 2.0).filled())
        }))
        .map_err(|e| e.to_string())?;
    let (_, unit) = metric_label(&result.spec.metric);
    let caption = if unit.is_empty() { "median".to_string() } else { format!("median, {unit}") };
    let bottom = (HEIGHT - HEADER) as i32 - 40;
    scale.draw(&Text::new(caption, (6, bottom), font(FONT - 3, MUTED))).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use simulation::montecarlo::Progress;
    use simulation::sweep::{run_sweep, SweepSpec};
    use simulation::Scenario;
    use std::sync::atomic::AtomicBool;

    fn sweep(params: &[&str], metric: &str, title: &str) -> SweepResult {
        let spec = SweepSpec {
            scenario: Scenario { operators: 100, years: 0.3, title: title.to_string(), ..Scenario::default() },
            axes: params.iter().map(|p| Axis::parse(p).unwrap()).collect(),
            metric: metric.to_string(),
            mean_over: None,
            runs: 2,
        };
        let cancel = AtomicBool::new(false);
        let report = |_| {};
        run_sweep(&spec, 0, spec.cell_count(), &Progress::new(&cancel, &report)).unwrap()
    }

    /// The text of every `<text>` element, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text").skip(1).filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim().to_string())).collect()
    }

    /// Texts centred both ways: the heatmap's cell values.
    fn cell_labels(svg: &str) -> usize {
        svg.split("<text").filter(|t| t.starts_with(r#" x=""#) && t.contains(r#"dy="0.5ex" text-anchor="middle""#)).count()
    }

    #[test]
    fn one_field_draws_the_median_between_two_bands_with_titled_axes() {
        let result = sweep(&["price_shock_pct=-60:0:4"], "hashrate_ehs", "Squeeze <test>");
        let svg = svg(&result);
        assert!(
            svg.starts_with(r#"<svg role="img" aria-label="Hash rate by Price shock. Squeeze &lt;test&gt;: Median of 2 runs"#),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains(r#"data-sweep="line""#) && svg.contains(r#"viewBox="0 0 760 440""#));
        assert_eq!(svg.matches("<polygon").count(), 2, "the 5-95 and 25-75 bands");
        assert_eq!(svg.matches(r##"<polyline fill="none" opacity="1" stroke="#08306B" stroke-width="2""##).count(), 1, "the median");
        assert_eq!(svg.matches("<circle").count(), 4, "a marker per cell");
        let texts = texts(&svg);
        for label in [
            "Hash rate by Price shock",
            "Squeeze &lt;test&gt;: Median of 2 runs per cell on the final day; 100 operators, 0.3 years",
            "Price shock (%)",
            "Hash rate (EH/s)",
            "5th-95th percentile",
            "25th-75th",
            "median",
            "-60",
            "0",
        ] {
            assert!(texts.iter().any(|t| t == label), "{label} is missing from {texts:?}");
        }
        // The bands are translucent, the median on top of them.
        assert!(svg.find("<polygon").unwrap() < svg.find(r##"stroke="#08306B" stroke-width="2""##).unwrap());
        assert!(svg.contains(r##"fill="#9ECAE1""##) && svg.contains(r#"opacity="0.55""#));
    }

    #[test]
    fn two_fields_draw_a_heatmap_with_a_scale_and_cell_values() {
        let result = sweep(&["price_shock_pct=-60:0:3", "fee_btc_per_block=0.01:0.1:2"], "nakamoto_pools", "");
        let svg = svg(&result);
        assert!(svg.contains(r#"data-sweep="heatmap""#));
        assert!(!svg.contains("<polygon") && !svg.contains("#08306B"));
        // The background, 6 cells and 48 bands of the scale.
        assert!(svg.matches("<rect").count() >= 1 + 6 + 48, "{} rects", svg.matches("<rect").count());
        let texts = texts(&svg);
        for label in [
            "Nakamoto coefficient of pools by Price shock and Fees per block",
            "Price shock (%)",
            "Fees per block (BTC)",
            "median, pools",
            "-60",
            "-30",
            "0",
            "0.01",
            "0.1",
        ] {
            assert!(texts.iter().any(|t| t == label), "{label} is missing from {texts:?}");
        }
        // Big cells carry their value, centred.
        assert_eq!(cell_labels(&svg), 6);
        for cell in &result.cells {
            assert!(texts.contains(&figure(cell.percentiles[P50])), "{} is not written", cell.percentiles[P50]);
        }
    }

    #[test]
    fn a_metric_that_does_not_vary_is_said_in_words() {
        // No AI rent: nothing moves to AI, whatever the attack length.
        let result = sweep(&["ai_revenue_usd_per_mw_year=0:1000:2", "attack_hours=1:2:2"], "ai_mw", "");
        assert_eq!(constant_value(&result), Some(0.0));
        assert!(svg(&result).contains("Nothing varied: every cell"), "the chart says the metric did not vary");
    }

    #[test]
    fn small_cells_go_without_values_and_flat_or_single_step_results_still_draw() {
        let mut result = sweep(&["price_shock_pct=-60:0:3", "fee_btc_per_block=0.01:0.1:2"], "operators_active", "");
        result.spec.axes[0].steps = 60;
        result.spec.axes[1].steps = 40;
        result.cells = (0..2_400).map(|i| Cell { values: result.spec.cell_values(i), percentiles: vec![7.0; 5], mean: 7.0 }).collect();
        let svg = svg(&result);
        assert!(svg.matches("<rect").count() >= 2_400);
        assert_eq!(cell_labels(&svg), 0, "no room for values");
        assert!(!svg.contains("could not be drawn"));
        for params in [vec!["price_shock_pct=-20:-20:1"], vec!["price_shock_pct=-20:-20:1", "operators=100:100:1"]] {
            let svg = super::svg(&sweep(&params, "hashrate_ehs", ""));
            assert!(!svg.contains("could not be drawn"), "{params:?}");
            assert!(texts(&svg).contains(&"-20".to_string()), "{params:?}");
        }
    }

    #[test]
    fn the_ramp_runs_dark_to_light() {
        assert_eq!(ramp(0.0), RGBColor(68, 1, 84));
        assert_eq!(ramp(1.0), RGBColor(253, 231, 37));
        assert_eq!(ink(ramp(0.0)), WHITE);
        assert_eq!(ink(ramp(1.0)), RGBColor(20, 20, 20));
        assert_eq!(ramp(f64::NAN), ramp(0.0));
    }
}
