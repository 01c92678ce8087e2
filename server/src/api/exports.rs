//! Downloads of one run: `GET /api/export.csv`, `GET /api/export.json`, and
//! the page's `GET /export.csv` (its query read leniently, as the page reads it),
//! each carrying its provenance (see `provenance.rs`).

use super::runs::{body_estimate, run_json_body, CSV_BYTES_PER_VALUE};
use super::{admit, attach, check_query_length, json_response, scenario_of, ApiState, ClientAddr};
use crate::config::admit_output;
use crate::error::{ApiError, ErrorBody};
use app::provenance::Provenance;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use simulation::{link, Scenario};
use std::net::IpAddr;

/// Runs `scenario` for `client` (or takes it from the cache) and answers its
/// daily series as a CSV download, built off the async runtime, with its
/// provenance in `#` lines first when `comments`, and always in a `Link` header.
async fn csv_download(
    state: &ApiState,
    scenario: Scenario,
    client: Option<IpAddr>,
    provenance: Provenance,
    comments: bool,
) -> Result<Response, ApiError> {
    // The two CSVs of a run are different files, and named apart.
    let name = app::format::file_name(&scenario, if comments { "provenance" } else { "" }, "csv");
    let run = state.service.run(scenario, client).await??;
    admit_output(&run)?;
    let estimate = body_estimate(&run, CSV_BYTES_PER_VALUE);
    let reservation = state.service.reserve_body(client, estimate)?;
    let head = if comments { provenance.csv_comments("daily series") } else { String::new() };
    let csv = state.service.off_runtime(client, estimate > crate::runs::HEAVY_BODY_BYTES, move || head + &run.to_csv_string()).await?;
    Ok(csv_attachment(reservation.body(csv.into_bytes()), &name, &provenance))
}

/// A CSV download named `name`, with the `Link` header of where it came from.
fn csv_attachment(body: impl IntoResponse, name: &str, provenance: &Provenance) -> Response {
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"))], body).into_response();
    attach(&mut response, name);
    link_header(&mut response, provenance);
    response
}

/// `Link: <share link>; rel="canonical"`: where the file came from, for a
/// client that keeps headers.
fn link_header(response: &mut Response, provenance: &Provenance) {
    if let Ok(value) = HeaderValue::from_str(&format!("<{}>; rel=\"canonical\"", provenance.link)) {
        response.headers_mut().insert(header::LINK, value);
    }
}

/// The `provenance` key of a CSV request: absent, or `comments`.
fn wants_comments(extra: &[(String, String)]) -> Result<bool, ApiError> {
    match extra.iter().find(|(key, _)| key == "provenance") {
        None => Ok(false),
        Some((_, value)) if value == "comments" => Ok(true),
        Some((_, value)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "provenance",
            format!("`{}` is not a way to carry provenance", value.chars().take(32).collect::<String>()),
            "comments (lines starting with # before the header)",
        )),
    }
}

/// The daily series of a run, as a CSV download.
#[utoipa::path(
    get,
    path = "/api/export.csv",
    tag = "hashlab",
    params(
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("provenance" = Option<String>, Query, description = "`comments`: the share link, model version, seed and time first, as lines starting with # (read with pandas comment=\"#\" or R comment.char=\"#\")"),
    ),
    responses(
        (status = 200, description = "One row per day, one column per series (a `Link` header gives the share link)", content_type = "text/csv", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn export_csv(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (scenario, extra) = scenario_of(query.as_deref(), &["provenance"])?;
    let comments = wants_comments(&extra)?;
    let provenance = Provenance::of(&scenario, &state.service.config().site_of(&headers));
    csv_download(&state, scenario, client, provenance, comments).await
}

/// `/export.csv?<share-link query>`, the page's CSV download: the query read
/// like the page reads it (a bad field keeps its default; the page names it),
/// then the same run, limits and errors as `/api/export.csv` (a full pool is a
/// 503 with `Retry-After`, a run over a limit a 400 naming the field).
pub(super) async fn page_export_csv(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    check_query_length(&query)?;
    let parse = link::from_query_with(&query, &["provenance"]);
    let comments = wants_comments(&parse.extra)?;
    let scenario = parse.scenario;
    admit(&scenario)?;
    let provenance = Provenance::of(&scenario, &state.service.config().site_of(&headers));
    csv_download(&state, scenario, client, provenance, comments).await
}

/// The Monte Carlo bands of a scenario over `runs` seeds as a CSV download:
/// the kept ones (the page's "Run N seeds" keeps them), else run now on the
/// pool within the time budget. One row per grid day; for each banded column
/// its 5th, 25th, 50th, 75th and 95th percentile across seeds.
#[utoipa::path(
    get,
    path = "/api/bands.csv",
    tag = "hashlab",
    params(
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("runs" = u32, Query, description = "Seeds, 1 to 1,000 (required)"),
        ("provenance" = Option<String>, Query, description = "`comments`: the share link, model version, seed and time first, as lines starting with #"),
    ),
    responses(
        (status = 200, description = "`day,date`, then `<column>_p5 ... <column>_p95` for each banded column (a `Link` header gives the share link)", content_type = "text/csv", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn bands_csv(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (scenario, extra) = scenario_of(query.as_deref(), &["runs", "provenance"])?;
    let runs = super::runs_of(&extra)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "runs",
            "the number of seeds is missing",
            format!("runs, a whole number from 1 to {}", simulation::montecarlo::MAX_RUNS),
        )
    })?;
    let comments = wants_comments(&extra)?;
    let provenance = Provenance::of(&scenario, &state.service.config().site_of(&headers));
    let name = app::format::file_name(&scenario, &format!("bands-{runs}-seeds"), "csv");
    let bands = state.service.bands(&scenario, runs, client).await?;
    let head = if comments { provenance.csv_comments(&format!("Monte Carlo bands over {runs} seeds")) } else { String::new() };
    Ok(csv_attachment(head + &bands.to_csv_string(), &name, &provenance))
}

/// A run as a JSON download: the document of `/api/run`, with its provenance
/// (share link, model version, seed, time) as its first key.
#[utoipa::path(
    get,
    path = "/api/export.json",
    tag = "hashlab",
    params(("query" = Option<String>, Query, description = "A share-link query, strict")),
    responses(
        (status = 200, description = "The run, as a download: `provenance` ({link, model_version, seed, generated_utc, generator}), then the RunResult's keys", body = simulation::RunResult),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn export_json(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    let name = app::format::file_name(&scenario, "", "json");
    let provenance = Provenance::of(&scenario, &state.service.config().site_of(&headers));
    let prefix = provenance.clone();
    let document = run_json_body(&state, scenario, client, move |json| prefix.prefix_json(&json)).await?;
    let mut response = json_response(document, Some(name));
    link_header(&mut response, &provenance);
    Ok(response)
}
