//! Report-ready charts: `GET /api/chart/{chart}.svg|.png?<share-link query>&width=&height=&runs=`.
//! The page's own plotters drawings, at the caller's size, with a title, the
//! scenario's short description and its share link in small print.

use super::{runs_of, scenario_of, ApiState, ClientAddr};
use crate::error::{ApiError, ErrorBody};
use app::catalogue::ChartInfo;
use app::format::escape_xml;
use app::page_state::{with_state, PageState, Pinned};
use app::render::charts::Baseline;
use app::run_view::{Mark, Pattern};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use simulation::montecarlo::MonteCarloResult;
use simulation::{link, RunResult, Scenario};
use utoipa::ToSchema;

/// Width limits, SVG pixels (default 760).
pub const WIDTH: (u32, u32, u32) = (320, 2400, 760);
/// Height limits of the plot, SVG pixels (default 360).
pub const HEIGHT: (u32, u32, u32) = (200, 1600, 360);

/// A chart as `/api/charts` lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChartOut {
    /// Its id: `/api/chart/<id>.svg`, and `chart-<id>` on the page.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// What it shows, in plain words.
    pub explain: &'static str,
    /// The left axis's title with its unit.
    pub left_axis: &'static str,
    /// The right axis's, if it has one.
    pub right_axis: Option<&'static str>,
    /// The daily columns it draws (see `hashlab run` for their units).
    pub columns: Vec<&'static str>,
}

/// Every chart the page draws and `/api/chart/{file}` serves, in page order.
#[utoipa::path(get, path = "/api/charts", tag = "hashlab", responses((status = 200, description = "The charts, in page order", body = [ChartOut])))]
pub(super) async fn chart_list() -> Json<Vec<ChartOut>> {
    Json(
        app::catalogue::CHARTS
            .iter()
            .map(|chart| ChartOut {
                id: chart.id.as_str(),
                title: chart.title,
                explain: chart.explain,
                left_axis: chart.axes.0,
                right_axis: chart.axes.1,
                columns: chart.columns.to_vec(),
            })
            .collect(),
    )
}

/// The chart `id` of the catalogue, or a 404 naming the chart ids.
pub fn chart_info(id: &str) -> Result<&'static ChartInfo, ApiError> {
    app::catalogue::chart(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "chart",
            format!("there is no chart `{}`", id.chars().take(64).collect::<String>()),
            format!("one of {}", app::catalogue::ids()),
        )
    })
}

/// Reads `width` or `height` from the query's extra keys.
pub fn dimension(extra: &[(String, String)], key: &str, limits: (u32, u32, u32)) -> Result<u32, ApiError> {
    whole_in(extra, key, limits, &format!("a whole number of pixels from {} to {}", limits.0, limits.1))
}

/// Reads the whole number `key` from the query's extra keys, within
/// `(min, max, default)`, else a 400 saying what is `allowed`.
pub fn whole_in(extra: &[(String, String)], key: &str, (min, max, default): (u32, u32, u32), allowed: &str) -> Result<u32, ApiError> {
    let Some((_, text)) = extra.iter().find(|(k, _)| k == key) else {
        return Ok(default);
    };
    let allowed = allowed.to_string();
    let value: u32 = text.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            key,
            format!("`{}` is not a whole number", text.chars().take(32).collect::<String>()),
            allowed.clone(),
        )
    })?;
    if !(min..=max).contains(&value) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, key, format!("{value} is out of range"), allowed));
    }
    Ok(value)
}

/// The scenario in a line.
pub fn describe(scenario: &Scenario) -> String {
    let years = if scenario.years == 1.0 { "year" } else { "years" };
    let what = format!("{} operators, {} {years} from {}, seed {}", scenario.operators, scenario.years, scenario.start_date, scenario.seed);
    format!("{} ({what})", app::format::scenario_name(scenario))
}

/// Scale limits of a PNG (pixels per SVG pixel; 2 for print), default 1.
pub const SCALE: (u32, u32, u32) = (1, 4, 1);

/// The most pixels a PNG's plot may have at its scale (`width x height x
/// scale^2`): ~32 MB of pixmap before the legend and footer. Without it one
/// 2400x1600 chart at scale 4 cost ~750 MB of memory.
pub const MAX_PNG_PIXELS: u64 = 8_000_000;

/// Refuses a PNG of `width` x `height` at `scale` over [`MAX_PNG_PIXELS`], naming `scale`.
pub fn check_pixels(width: u32, height: u32, scale: u32) -> Result<(), ApiError> {
    let pixels = u64::from(width) * u64::from(height) * u64::from(scale) * u64::from(scale);
    if pixels > MAX_PNG_PIXELS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "scale",
            format!("{width} x {height} at scale {scale} is {pixels} pixels"),
            format!("width x height x scale^2 up to {MAX_PNG_PIXELS} pixels (e.g. 2400 x 1600 at scale 1, 1400 x 1400 at scale 2)"),
        ));
    }
    Ok(())
}

/// Roughly how wide a character of sans-serif text is, as a share of its font size.
const CHAR_WIDTH_EM: f64 = 0.56;

/// The legend of a figure: a swatch (a filled box for an area, a line,
/// dashed for a baseline, in the series' colour) and the series' name, in
/// rows that fit `width`. Returns the SVG and its height.
fn legend_rows(items: &[app::run_view::LegendItem], width: u32, top: u32, font: u32) -> (String, u32) {
    if items.is_empty() {
        return (String::new(), 0);
    }
    let row_height = font + 8;
    let (mut x, mut y) = (12.0, f64::from(top) + f64::from(font));
    let mut out = String::from("<g class=\"legend\">\n");
    for item in items {
        let text_width = item.label.chars().count() as f64 * f64::from(font) * CHAR_WIDTH_EM;
        let entry = 24.0 + text_width + 18.0;
        if x > 12.0 && x + entry > f64::from(width) - 12.0 {
            x = 12.0;
            y += f64::from(row_height);
        }
        let color = escape_xml(&item.color);
        let mid = y - f64::from(font) * 0.35;
        let swatch = if item.area {
            format!(
                r#"<rect class="legend-swatch" x="{x:.1}" y="{:.1}" width="18" height="10" fill="{color}" fill-opacity="0.6" stroke="{color}"/>"#,
                mid - 5.0
            )
        } else {
            let dash = match (item.dashed, item.pattern) {
                (_, Pattern::Dotted) => r#" stroke-dasharray="2 3""#,
                (_, Pattern::LongDash) => r#" stroke-dasharray="10 3""#,
                (true, _) => r#" stroke-dasharray="5 3""#,
                (false, _) => "",
            };
            // A thick line (what the real network did) is thick in its swatch too.
            let stroke_width = if item.pattern == Pattern::Thick { 6 } else { 3 };
            format!(
                r#"<line class="legend-swatch" x1="{x:.1}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}" stroke="{color}" stroke-width="{stroke_width}"{dash}/>{}"#,
                x + 18.0,
                legend_mark(item.mark, x + 9.0, mid, &color)
            )
        };
        out.push_str(&swatch);
        out.push_str(&format!(
            r##"<text class="legend-label" x="{:.1}" y="{y:.1}" font-size="{font}" fill="#222222">{}</text>
"##,
            x + 24.0,
            escape_xml(&item.label)
        ));
        x += entry;
    }
    out.push_str("</g>\n");
    let height = (y - f64::from(top)) as u32 + 8;
    (out, height)
}

/// The mark a legend line carries (as its series does on the chart), centred at (`cx`, `cy`).
fn legend_mark(mark: Mark, cx: f64, cy: f64, color: &str) -> String {
    match mark {
        Mark::Circle => format!(r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="{color}"/>"#),
        Mark::Ring => format!(r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="4" fill="#ffffff" stroke="{color}" stroke-width="2"/>"##),
        Mark::Triangle => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{color}"/>"#,
            cx,
            cy - 5.0,
            cx + 5.0,
            cy + 4.0,
            cx - 5.0,
            cy + 4.0
        ),
        Mark::Cross => format!(
            r#"<path d="M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}" stroke="{color}" stroke-width="2"/>"#,
            cx - 4.0,
            cy - 4.0,
            cx + 4.0,
            cy + 4.0,
            cx - 4.0,
            cy + 4.0,
            cx + 4.0,
            cy - 4.0
        ),
        Mark::None => String::new(),
    }
}

/// A pinned baseline of a figure: its name, its run, and the Monte Carlo of
/// its scenario when the figure shows spreads.
pub type FigureBaseline = (String, std::sync::Arc<RunResult>, Option<std::sync::Arc<MonteCarloResult>>);

/// What a figure draws: chart `info` of `run`, with its named baselines and
/// the spread across the seeds of `bands` (a Monte Carlo of the same scenario).
#[derive(Clone, Copy)]
pub struct Figure<'a> {
    /// The run.
    pub run: &'a RunResult,
    /// The pinned baselines, named, drawn in their strokes, each with the
    /// Monte Carlo of its scenario when the figure shows spreads.
    pub baselines: &'a [FigureBaseline],
    /// The spread to shade.
    pub bands: Option<&'a MonteCarloResult>,
    /// The chart.
    pub info: &'a ChartInfo,
}

/// Draws chart `info` of `run` (and its `baselines`) as a standalone SVG document, with the
/// spread across the seeds of `bands` (a Monte Carlo of the same scenario)
/// shaded, a legend with colour swatches, and a footer readable in print:
/// the model version, the date it was drawn (`today`) and the absolute
/// share link (`site`: the server's public address, e.g. `https://hashlab.example`).
pub fn svg(Figure { run, baselines, bands, info }: Figure, width: u32, height: u32, site: &str, today: &str) -> String {
    let drawn_baselines: Vec<Baseline> =
        baselines.iter().enumerate().map(|(slot, (name, run, bands))| Baseline { name, run, slot, bands: bands.as_deref() }).collect();
    let plot = app::render::charts::chart(info.id, run, &drawn_baselines, bands);
    let title = info.title.to_string();
    let font = (f64::from(width) / 760.0 * 15.0).round().clamp(11.0, 22.0) as u32;
    let frame = app::render::plot::Frame { width, height, font, x_labels: (width / 100).clamp(3, 12) as usize, y_label_area: font * 5 };
    let plot = app::render::plot::Plot { title: title.clone(), ..plot };
    let drawn = app::render::plot::draw(&plot, frame);

    let top = 58;
    let small = (font * 4 / 5).max(11);
    let (legend, legend_height) = legend_rows(&drawn.legend, width, top + height + 6, small);
    // The link reproduces the figure: the scenario and its pinned baselines.
    let pinned = PageState {
        baselines: baselines
            .iter()
            .map(|(name, run, _)| Pinned { name: name.clone(), query: link::to_query(&run.scenario, None) })
            .collect(),
        ..PageState::default()
    };
    let mut query = with_state(&link::to_query(&run.scenario, None), &pinned);
    // The seeds whose bands are shaded, so that the link draws the same figure.
    if let Some(bands) = bands {
        query.push_str(&format!("&runs={}", bands.runs));
    }
    let link = format!("{}/?{query}", site.trim_end_matches('/'));
    let share = format!("Share link: {link}");
    // A link is mostly wide characters (`=`, `_`, digits): a wider estimate keeps it inside.
    let per_line = ((f64::from(width) - 24.0) / (f64::from(small) * 0.7)).max(40.0) as usize;
    let mut footer = vec![format!("Hashlab, model version {}, drawn {today}: a simulation, not a forecast.", run.model_version)];
    footer.extend(wrap_link(&share, per_line, MOST_LINK_LINES));
    let footer_top = top + height + 6 + legend_height;
    let line_height = small + 4;
    let total = footer_top + line_height * footer.len() as u32 + 10;
    let inner = drawn.svg.replacen("<svg ", &format!(r#"<svg x="0" y="{top}" width="{width}" height="{height}" "#), 1);
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" viewBox="0 0 {width} {total}" font-family="sans-serif">
<title>{}</title>
<desc>{}</desc>
<rect x="0" y="0" width="{width}" height="{total}" fill="#ffffff"/>
<text x="12" y="24" font-size="18" font-weight="bold" fill="#141414">{}</text>
<text x="12" y="46" font-size="12" fill="#444444">{}</text>
{inner}
{legend}"##,
        escape_xml(&title),
        escape_xml(&link),
        escape_xml(&title),
        escape_xml(&describe(&run.scenario)),
    );
    for (i, line) in footer.iter().enumerate() {
        let y = footer_top + line_height * (i as u32 + 1);
        out.push_str(&format!(
            r##"<text class="footer" x="12" y="{y}" font-size="{small}" fill="#444444">{}</text>
"##,
            escape_xml(line)
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// The most lines a figure's printed link takes.
const MOST_LINK_LINES: usize = 12;

/// `link` in lines of at most `per_line` characters, broken only before an
/// `&`, or before a `%26` (the `&` of a pinned baseline's own link, inside
/// its `base1=` value): a parameter is never cut, unless it alone is longer
/// than a line. At most `most` lines, the last saying where the rest is when
/// it does not fit.
fn wrap_link(link: &str, per_line: usize, most: usize) -> Vec<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    let breaks = link.char_indices().filter(|&(at, c)| c == '&' || (c == '%' && link[at..].starts_with("%26"))).map(|(at, _)| at);
    for at in breaks.filter(|&at| at > 0) {
        parts.push(&link[start..at]);
        start = at;
    }
    parts.push(&link[start..]);
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        let fits = lines.last().is_some_and(|line| line.chars().count() + part.chars().count() <= per_line);
        if fits {
            lines.last_mut().expect("a line").push_str(part);
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        for piece in chars.chunks(per_line.max(1)) {
            lines.push(piece.iter().collect());
        }
    }
    if lines.len() > most {
        lines.truncate(most - 1);
        lines.push("… (the link goes on: the whole of it is in this figure's description)".to_string());
    }
    lines
}

fn fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> = std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_system_fonts();
            let has = |name: &str| db.faces().any(|face| face.families.iter().any(|(family, _)| family == name));
            if let Some(family) = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"].into_iter().find(|name| has(name)) {
                db.set_sans_serif_family(family);
            }
            std::sync::Arc::new(db)
        })
        .clone()
}

/// Rasterizes a chart's SVG to PNG at `scale` pixels per SVG pixel (2 for
/// print), labels in the system's sans-serif font.
pub fn png(svg: &str, scale: u32) -> Result<Vec<u8>, String> {
    let options = resvg::usvg::Options { fontdb: fonts(), font_family: "sans-serif".to_string(), ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let scale = scale.max(1);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width() * scale, size.height() * scale).ok_or("an empty chart")?;
    let factor = scale as f32;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(factor, factor), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// A report-ready chart of a run, as SVG or PNG.
#[utoipa::path(
    get,
    path = "/api/chart/{file}",
    tag = "hashlab",
    params(
        ("file" = String, Path, description = "`<chart>.svg` or `<chart>.png`, chart one of the ids `/api/charts` lists"),
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("width" = Option<u32>, Query, description = "Width in pixels, 320 to 2400 (default 760)"),
        ("height" = Option<u32>, Query, description = "Height of the plot in pixels, 200 to 1600 (default 360)"),
        ("scale" = Option<u32>, Query, description = "PNG pixels per SVG pixel, 1 to 4 (default 1; 2 for print); an SVG is the same at any scale"),
        ("runs" = Option<u32>, Query, description = "Shade the spread (5-95% and 25-75%) of a Monte Carlo of this many seeds, 1 to 1,000: the one the page or /api/montecarlo ran if the server still holds it, else run now within the batch budget"),
    ),
    responses(
        (status = 200, description = "The chart, with title, the scenario's description and its share link in small print", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 400, description = "A bad value (scenario field, width, height or format), naming it", body = ErrorBody),
        (status = 404, description = "No such chart", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn chart_file(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (id, format) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let info = chart_info(id)?;
    let png = match format {
        "svg" => false,
        "png" => true,
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "format",
                format!("`{}` is not a chart format this server draws", other.chars().take(16).collect::<String>()),
                "svg or png",
            ))
        }
    };
    let (scenario, extra) = scenario_of(query.as_deref(), &["width", "height", "runs", "scale"])?;
    let pinned = PageState::from_query(query.as_deref().unwrap_or("")).baselines;
    let width = dimension(&extra, "width", WIDTH)?;
    let height = dimension(&extra, "height", HEIGHT)?;
    let scale = whole_in(&extra, "scale", SCALE, "a whole number from 1 to 4")?;
    if png {
        check_pixels(width, height, scale)?;
    }
    let site = state.service.config().site_of(&headers);
    let today = today();
    let runs = runs_of(&extra)?;
    let name = app::format::file_name(&scenario, id, format);
    // The run and its pinned baselines share one time budget.
    let asker = app::runs::Asker { client, ..Default::default() };
    let run = state.service.run_for(scenario.clone(), asker.clone()).await??;
    // The pinned baselines, each a strict link of its own: a bad one is a 400 naming its key.
    let mut baselines = Vec::new();
    for (pinned, (key, _)) in pinned.into_iter().zip(app::page_state::BASELINE_KEYS) {
        let parsed = link::from_query_strict(&pinned.query, &[])
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, key, format!("{}: {}", e.field, e.message), e.allowed))?;
        let run = state.service.run_for(parsed.scenario.clone(), asker.clone()).await??;
        // With `runs`, every series that has a spread shows it: the baselines' too.
        let bands = match runs {
            Some(runs) => Some(state.service.bands(&parsed.scenario, runs, client).await?),
            None => None,
        };
        baselines.push((pinned.name, run, bands));
    }
    let bands = match runs {
        Some(runs) => Some(state.service.bands(&scenario, runs, client).await?),
        None => None,
    };
    // Drawing (a PNG above all) is heavy: it takes a place in the run pool like a run,
    // counted against this client's share, so figures cannot starve the runs.
    let body = state
        .service
        .off_runtime(client, true, move || {
            let figure = Figure { run: &run, baselines: &baselines, bands: bands.as_deref(), info };
            let svg = svg(figure, width, height, &site, &today);
            if png {
                self::png(&svg, scale).map_err(|e| {
                    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server", format!("the chart could not be drawn: {e}"), "")
                })
            } else {
                Ok(svg.into_bytes())
            }
        })
        .await??;
    let content_type = if png { "image/png" } else { "image/svg+xml" };
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response();
    attach_inline(&mut response, &name);
    Ok(response)
}

fn attach_inline(response: &mut Response, file_name: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .map_or_else(String::new, |date| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_link_breaks_only_between_parameters_and_keeps_every_key() {
        let link = "Share link: http://127.0.0.1:3000/?v=7&preset=late-2025-squeeze&seed=42&price_shock_pct=-38&runs=100";
        let lines = wrap_link(link, 40, 12);
        assert_eq!(lines.concat(), link, "nothing lost");
        assert!(lines.iter().all(|line| line.chars().count() <= 40), "{lines:?}");
        assert!(lines.iter().skip(1).all(|line| line.starts_with('&')), "each line after the first starts a parameter: {lines:?}");
        // A pinned baseline's link breaks between its own parameters.
        let pinned = format!("{link}&base1=v%3D7%26seed%3D42%26price_shock_pct%3D-60%26years%3D2&base1_name=Crash");
        let lines = wrap_link(&pinned, 40, 12);
        assert_eq!(lines.concat(), pinned);
        assert!(lines.iter().skip(1).all(|line| line.starts_with('&') || line.starts_with("%26")), "{lines:?}");
        // A parameter longer than a line is cut, as it must be; a link longer than the lines allowed says where the rest is.
        let long = format!("x=1&path={}", "9".repeat(100));
        assert_eq!(wrap_link(&long, 40, 12).concat(), long);
        let many = (0..60).map(|k| format!("k{k}=v")).collect::<Vec<_>>().join("&");
        let cut = wrap_link(&many, 20, 5);
        assert_eq!(cut.len(), 5);
        assert!(cut[4].contains("description"), "{cut:?}");
    }
}
