//! Report charts, as SVG: model lines against observed points over dates
//! (`hashlab validate`, the back-test report) and the sensitivity's tornado
//! (`hashlab sensitivity`, `GET /api/sensitivity` and so the page's panel).
//! They use the page's palette (every colour at 3:1 contrast or more: see
//! [`super::charts`]), and a chart that cannot be drawn says so in its place
//! instead of leaving a blank or partial picture.

use super::charts::{BLUE, GREEN, OBSERVED, ORANGE};
use super::fewer_points::FewerPoints;
use chrono::NaiveDate;
use plotters::prelude::*;
use simulation::sensitivity::Sensitivity;

/// What plotters reports when a chart cannot be drawn.
type DrawResult = Result<(), String>;

fn failed(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// A dated series to draw as a line.
pub struct Line<'a> {
    /// Legend label.
    pub label: &'a str,
    /// (date, value) points.
    pub points: Vec<(NaiveDate, f64)>,
}

/// Observed values to draw as markers.
pub struct Observed<'a> {
    /// Legend label.
    pub label: &'a str,
    /// (date, value) points.
    pub points: Vec<(NaiveDate, f64)>,
}

const WIDTH: u32 = 860;
const HEIGHT: u32 = 360;

/// A line chart of model series against observed markers.
pub fn dated_chart(title: &str, y_label: &str, lines: &[Line], observed: &[Observed]) -> String {
    let all: Vec<(NaiveDate, f64)> =
        lines.iter().flat_map(|l| l.points.iter().copied()).chain(observed.iter().flat_map(|o| o.points.iter().copied())).collect();
    let (Some(first), Some(last)) = (all.iter().map(|p| p.0).min(), all.iter().map(|p| p.0).max()) else {
        return svg_note(title, "no data");
    };
    let mut svg = String::new();
    let drawn = draw_dated(&mut svg, title, y_label, lines, observed, &all, (first, last));
    match drawn {
        Ok(()) => svg,
        Err(error) => svg_note(title, &format!("could not be drawn: {error}")),
    }
}

fn draw_dated(
    svg: &mut String,
    title: &str,
    y_label: &str,
    lines: &[Line],
    observed: &[Observed],
    all: &[(NaiveDate, f64)],
    (first, last): (NaiveDate, NaiveDate),
) -> DrawResult {
    let root = FewerPoints::new(SVGBackend::with_string(svg, (WIDTH, HEIGHT))).into_drawing_area();
    root.fill(&WHITE).map_err(failed)?;
    // Days since the first date on the x axis, labelled back as dates.
    let x = |d: NaiveDate| (d - first).num_days() as f64;
    let span = x(last).max(1.0);
    let low = all.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let high = all.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((high - low) * 0.1).max(high.abs() * 0.02).max(1e-9);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..span, (low - pad)..(high + pad))
        .map_err(failed)?;
    let date_label = |v: &f64| {
        first.checked_add_days(chrono::Days::new(v.max(0.0) as u64)).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
    };
    chart.configure_mesh().y_desc(y_label).x_labels(7).x_label_formatter(&date_label).draw().map_err(failed)?;
    let colours = [BLUE, ORANGE, GREEN];
    for (i, line) in lines.iter().enumerate() {
        let colour = colours[i % colours.len()];
        chart
            .draw_series(LineSeries::new(line.points.iter().map(|p| (x(p.0), p.1)), colour.stroke_width(2)))
            .map_err(failed)?
            .label(line.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    for marks in observed {
        chart
            .draw_series(marks.points.iter().map(|p| Circle::new((x(p.0), p.1), 5, OBSERVED.filled())))
            .map_err(failed)?
            .label(marks.label)
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, OBSERVED.filled()));
    }
    let plotted: Vec<(f64, f64)> = all.iter().map(|p| (x(p.0) / span, (p.1 - (low - pad)) / (high - low + 2.0 * pad))).collect();
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .position(legend_corner(&plotted))
        .draw()
        .map_err(failed)?;
    root.present().map_err(failed)
}

/// The share of the plot's width and height a dated chart's legend box covers in its corner.
const LEGEND_WIDTH_SHARE: f64 = 0.4;
const LEGEND_HEIGHT_SHARE: f64 = 0.35;

/// The corner of the plot for a dated chart's legend: the one over the fewest
/// of `points` (each as its share of the plot's width and height, from the
/// lower left), the upper right first on ties, so the legend hides as little
/// of the data as it can (a back-test whose observed hash rate climbs to the
/// upper right keeps its last months in view).
fn legend_corner(points: &[(f64, f64)]) -> SeriesLabelPosition {
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let covered = |right: bool, upper: bool| {
        points
            .iter()
            .filter(|(x, y)| {
                let in_x = if right { *x >= 1.0 - LEGEND_WIDTH_SHARE } else { *x <= LEGEND_WIDTH_SHARE };
                let in_y = if upper { *y >= 1.0 - LEGEND_HEIGHT_SHARE } else { *y <= LEGEND_HEIGHT_SHARE };
                in_x && in_y
            })
            .count()
    };
    // `min_by_key` keeps the first of equals: the upper right on ties.
    corners
        .into_iter()
        .min_by_key(|&(_, right, upper)| covered(right, upper))
        .map_or(SeriesLabelPosition::UpperRight, |(corner, ..)| corner)
}

/// A tornado chart of one output: per lever, the paired effect (median over
/// seeds of the percent change from each seed's own base run) of its low and
/// high value, with 95% intervals as whiskers. A bar whose interval crosses
/// zero is drawn pale: its effect cannot be told from noise at these seeds.
/// The page shows the same chart (it asks the server's `/api/sensitivity`).
pub fn tornado(sensitivity: &Sensitivity, output: usize, title: &str, unit: &str) -> String {
    let mut svg = String::new();
    match draw_tornado(&mut svg, sensitivity, output, title, unit) {
        Ok(()) => svg,
        Err(error) => svg_note(title, &format!("could not be drawn: {error}")),
    }
}

fn draw_tornado(svg: &mut String, sensitivity: &Sensitivity, output: usize, title: &str, unit: &str) -> DrawResult {
    let rows = sensitivity.levers.len();
    let height = 90 + 26 * rows as u32;
    let root = FewerPoints::new(SVGBackend::with_string(svg, (WIDTH, height))).into_drawing_area();
    root.fill(&WHITE).map_err(failed)?;
    let base = sensitivity.base.get(output).copied().unwrap_or(0.0);
    let effects = |l: &simulation::sensitivity::LeverEffect| [l.effect_low[output], l.effect_high[output]];
    let reach = sensitivity
        .levers
        .iter()
        .flat_map(effects)
        .flat_map(|e| [e.median_pct, e.ci_low_pct, e.ci_high_pct])
        .fold(0.0f64, |a, b| a.max(b.abs()))
        .max(1e-6)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(360)
        .build_cartesian_2d(-reach..reach, (0..rows as u32).into_segmented())
        .map_err(failed)?;
    // Each lever by its title, with the low and high values it was set to.
    let names: Vec<String> = sensitivity.levers.iter().map(lever_label).collect();
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(row) if (*row as usize) < rows => names.get(rows - 1 - *row as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(format!("% vs base {} {unit}; blue low, orange high; {} seeds; pale: n.s.", crate::format::figure(base), sensitivity.runs))
        .x_labels(9)
        .x_label_formatter(&|v| format!("{v:+.0}%"))
        .x_label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 13))
        .y_labels(rows)
        .y_label_style(("sans-serif", 16))
        .y_label_formatter(&label)
        .draw()
        .map_err(failed)?;
    for (i, lever) in sensitivity.levers.iter().enumerate() {
        let row = (rows - 1 - i) as u32;
        for (effect, color) in [(lever.effect_low[output], BLUE), (lever.effect_high[output], ORANGE)] {
            let (top, bottom) = (SegmentValue::Exact(row), SegmentValue::Exact(row + 1));
            let opacity = if effect.crosses_zero() { 0.2 } else { 0.75 };
            chart
                .draw_series([Rectangle::new([(0.0, top.clone()), (effect.median_pct, bottom)], color.mix(opacity).filled())])
                .map_err(failed)?;
            let y = SegmentValue::CenterOf(row);
            chart
                .draw_series([PathElement::new(vec![(effect.ci_low_pct, y.clone()), (effect.ci_high_pct, y)], color.stroke_width(2))])
                .map_err(failed)?;
        }
    }
    chart
        .draw_series([PathElement::new(vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(rows as u32))], BLACK)])
        .map_err(failed)?;
    root.present().map_err(failed)
}

/// A lever as the tornado names it: the field's title and the values it was
/// set to, e.g. "Start price: 77,000 / 143,000 USD" (was the raw field name).
fn lever_label(lever: &simulation::sensitivity::LeverEffect) -> String {
    let (title, unit) = simulation::FieldSpec::find(&lever.field).map_or((lever.field.as_str(), ""), |spec| (spec.label, spec.unit));
    let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
    format!("{title}: {} / {}{unit}", crate::format::figure(lever.low), crate::format::figure(lever.high))
}

/// A chart's place when it has nothing to draw or could not be drawn: its title and why, in words.
fn svg_note(title: &str, why: &str) -> String {
    let escape = |text: &str| text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"40\"><text x=\"10\" y=\"25\">{}: {}</text></svg>",
        escape(title),
        escape(why)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_goes_to_the_corner_with_the_least_data() {
        let corner = |points: &[(f64, f64)]| format!("{:?}", legend_corner(points));
        // A hash rate that climbs to the upper right (2019's observed): the upper left is free.
        let climbing: Vec<(f64, f64)> = (0..=50).map(|i| (f64::from(i) / 50.0, f64::from(i) / 50.0)).collect();
        assert_eq!(corner(&climbing), format!("{:?}", SeriesLabelPosition::UpperLeft));
        // A fall from the upper left: the upper right is free, and first on ties.
        let falling: Vec<(f64, f64)> = climbing.iter().map(|&(x, y)| (x, 1.0 - y)).collect();
        assert_eq!(corner(&falling), format!("{:?}", SeriesLabelPosition::UpperRight));
        // Data across the whole top: a lower corner.
        let high: Vec<(f64, f64)> = (0..=50).map(|i| (f64::from(i) / 50.0, 0.9)).collect();
        assert_eq!(corner(&high), format!("{:?}", SeriesLabelPosition::LowerRight));
        assert_eq!(corner(&[]), format!("{:?}", SeriesLabelPosition::UpperRight));
    }

    #[test]
    fn a_tornado_names_each_lever_by_its_title_and_values() {
        let lever = |field: &str, low: f64, high: f64| simulation::sensitivity::LeverEffect {
            field: field.into(),
            low,
            high,
            at_low: vec![],
            at_high: vec![],
            effect_low: vec![],
            effect_high: vec![],
        };
        assert_eq!(lever_label(&lever("start_price_usd", 77_000.0, 143_000.0)), "Start price: 77k / 143k USD");
        assert_eq!(lever_label(&lever("no_such_field", 1.0, 2.0)), "no_such_field: 1 / 2");
    }

    #[test]
    fn a_dated_chart_draws_its_lines_in_the_pages_palette_and_says_when_it_has_nothing() {
        let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date");
        let svg = dated_chart(
            "Hash rate",
            "EH/s",
            &[Line { label: "model", points: vec![(date("2025-11-01"), 1_080.0), (date("2025-12-01"), 1_040.0)] }],
            &[Observed { label: "observed", points: vec![(date("2025-11-15"), 1_060.0)] }],
        );
        assert!(svg.starts_with("<svg") && svg.contains("model") && svg.contains("observed"), "{svg}");
        let svg = svg.to_lowercase();
        assert!(svg.contains(&super::super::plot::css(BLUE)) && svg.contains(&super::super::plot::css(OBSERVED)), "the page's colours");
        assert!(!svg.contains("#ff7f0e"), "not the orange that failed contrast");
        let empty = dated_chart("Nothing <here>", "EH/s", &[], &[]);
        assert!(empty.contains("Nothing &lt;here&gt;: no data"), "{empty}");
    }
}
