//! Report-ready charts: `GET /api/chart/{chart}.svg|.png?<share-link query>&width=&height=&runs=`.
//! The page's own plotters drawings, at the caller's size, with a title, the
//! scenario's short description and its share link in small print.

use super::{runs_of, scenario_of, ApiState, ClientAddr};
use crate::error::{ApiError, ErrorBody};
use app::catalogue::ChartInfo;
use app::format::escape_xml;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
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
                id: chart.id,
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
pub fn dimension(extra: &[(String, String)], key: &str, (min, max, default): (u32, u32, u32)) -> Result<u32, ApiError> {
    let Some((_, text)) = extra.iter().find(|(k, _)| k == key) else {
        return Ok(default);
    };
    let allowed = format!("a whole number of pixels from {min} to {max}");
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
    if scenario.title.trim().is_empty() {
        what
    } else {
        format!("{} ({what})", scenario.title.trim())
    }
}

/// Draws chart `info` of `run` as a standalone SVG document, with the
/// spread across the seeds of `bands` (a Monte Carlo of the same scenario) shaded.
pub fn svg(run: &RunResult, bands: Option<&MonteCarloResult>, info: &ChartInfo, width: u32, height: u32) -> String {
    let plot =
        app::render::charts::chart(info.id, run, None, bands).unwrap_or_else(|| unreachable!("chart {} is in the catalogue", info.id));
    let title = info.title.to_string();
    let font = (f64::from(width) / 760.0 * 15.0).round().clamp(11.0, 22.0) as u32;
    let frame = app::render::plot::Frame { width, height, font, x_labels: (width / 100).clamp(3, 12) as usize, y_label_area: font * 5 };
    let plot = app::render::plot::Plot { title: title.clone(), ..plot };
    let drawn = app::render::plot::draw(&plot, frame);
    let legend: Vec<String> = drawn.legend.iter().map(|item| item.label.clone()).collect();

    let top = 58;
    let query = link::to_query(&run.scenario, None);
    let share = format!("Share link: /?{query}");
    let per_line = (width as usize / 6).max(40);
    let mut small: Vec<String> = Vec::new();
    if !legend.is_empty() {
        // Wrapped to the chart's width between entries, so no entry is split
        // across lines unless it is longer than a line on its own.
        let mut line = String::from("Series:");
        let count = legend.len();
        for (index, item) in legend.iter().enumerate() {
            let entry = if index + 1 < count { format!("{item},") } else { item.clone() };
            if line.chars().count() + 1 + entry.chars().count() > per_line && !line.is_empty() {
                small.push(std::mem::take(&mut line));
            }
            for word in entry.split(' ') {
                if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                    small.push(std::mem::take(&mut line));
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        small.push(line);
    }
    let chars: Vec<char> = share.chars().collect();
    for (i, chunk) in chars.chunks(per_line).enumerate() {
        if i == 6 {
            small.push("…".to_string());
            break;
        }
        small.push(chunk.iter().collect());
    }
    small.push(format!("Hashlab, model version {}: a simulation, not a forecast.", run.model_version));
    let bottom = 8 + 13 * small.len() as u32;
    let total = top + height + bottom;
    let inner = drawn.svg.replacen("<svg ", &format!(r#"<svg x="0" y="{top}" width="{width}" height="{height}" "#), 1);
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" viewBox="0 0 {width} {total}" font-family="sans-serif">
<title>{}</title>
<rect x="0" y="0" width="{width}" height="{total}" fill="#ffffff"/>
<text x="12" y="24" font-size="18" font-weight="bold" fill="#141414">{}</text>
<text x="12" y="46" font-size="12" fill="#444444">{}</text>
{inner}
"##,
        escape_xml(&title),
        escape_xml(&title),
        escape_xml(&describe(&run.scenario)),
    );
    for (i, line) in small.iter().enumerate() {
        let y = top + height + 14 + 13 * i as u32;
        out.push_str(&format!(
            r##"<text x="12" y="{y}" font-size="9" fill="#666666">{}</text>
"##,
            escape_xml(line)
        ));
    }
    out.push_str("</svg>\n");
    out
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

/// Rasterizes a chart's SVG to PNG (labels in the system's sans-serif font).
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let options = resvg::usvg::Options { fontdb: fonts(), font_family: "sans-serif".to_string(), ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("an empty chart")?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
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
    let (scenario, extra) = scenario_of(query.as_deref(), &["width", "height", "runs"])?;
    let width = dimension(&extra, "width", WIDTH)?;
    let height = dimension(&extra, "height", HEIGHT)?;
    let runs = runs_of(&extra)?;
    let name = app::format::file_name(&scenario, id, format);
    let run = state.service.run(scenario.clone(), client).await??;
    let bands = match runs {
        Some(runs) => Some(state.service.bands(&scenario, runs, client).await?),
        None => None,
    };
    let body = state
        .service
        .off_runtime(move || {
            let svg = svg(&run, bands.as_deref(), info, width, height);
            if png {
                self::png(&svg).map_err(|e| {
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
