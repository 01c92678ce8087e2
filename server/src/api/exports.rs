//! Downloads of one run: `GET /api/export.csv`, `GET /api/export.json`, and
//! the page's `GET /export.csv` (its query read leniently, as the page reads it).

use super::runs::run_json;
use super::{admit, attach, check_query_length, json_response, scenario_of, ApiState, ClientAddr};
use crate::config::admit_output;
use crate::error::{ApiError, ErrorBody};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use simulation::{link, Scenario};
use std::net::IpAddr;

/// Runs `scenario` for `client` (or takes it from the cache) and answers its
/// daily series as a CSV download, built off the async runtime.
async fn csv_download(state: &ApiState, scenario: Scenario, client: Option<IpAddr>) -> Result<Response, ApiError> {
    let name = app::format::file_name(&scenario, "", "csv");
    let run = state.service.run(scenario, client).await??;
    admit_output(&run)?;
    let csv = state.service.off_runtime(move || run.to_csv_string()).await?;
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"))], csv).into_response();
    attach(&mut response, &name);
    Ok(response)
}

/// The daily series of a run, as a CSV download.
#[utoipa::path(
    get,
    path = "/api/export.csv",
    tag = "hashlab",
    params(("query" = Option<String>, Query, description = "A share-link query, strict")),
    responses(
        (status = 200, description = "One row per day, one column per series", content_type = "text/csv", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn export_csv(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    csv_download(&state, scenario, client).await
}

/// `/export.csv?<share-link query>`, the page's CSV download: the query read
/// like the page reads it (a bad field keeps its default; the page names it),
/// then the same run, limits and errors as `/api/export.csv` (a full pool is a
/// 503 with `Retry-After`, a run over a limit a 400 naming the field).
pub(super) async fn page_export_csv(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    check_query_length(&query)?;
    let scenario = link::from_query(&query).scenario;
    admit(&scenario)?;
    csv_download(&state, scenario, client).await
}

/// A run as a JSON download (the same document as `/api/run`).
#[utoipa::path(
    get,
    path = "/api/export.json",
    tag = "hashlab",
    params(("query" = Option<String>, Query, description = "A share-link query, strict")),
    responses(
        (status = 200, description = "The run, as a download", body = simulation::RunResult),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn export_json(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    let name = app::format::file_name(&scenario, "", "json");
    Ok(json_response(run_json(&state, scenario, client).await?, Some(name)))
}
