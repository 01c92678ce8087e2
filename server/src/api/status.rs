//! `GET /api/status` (the run pool, the caches and the limits) and
//! `GET /api/openapi.json`.

use super::ApiState;
use crate::config::{MAX_BATCH_OPERATOR_YEARS, MAX_BODY_BYTES, MAX_OPERATOR_YEARS, MAX_OUTPUT_CELLS};
use crate::runs::pool::PoolStatus;
use crate::runs::CacheStatus;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use simulation::{link, montecarlo};
use utoipa::ToSchema;

/// The limits this server applies to one request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Limits {
    /// Largest request body, bytes.
    pub max_body_bytes: usize,
    /// Longest share-link query, bytes.
    pub max_query_bytes: usize,
    /// Most operators x years of one run.
    pub max_operator_years: f64,
    /// Most Monte Carlo runs.
    pub max_runs: u32,
    /// Most runs x operators x years of one Monte Carlo.
    pub max_batch_operator_years: f64,
    /// Time budget of one run or Monte Carlo, seconds.
    pub run_budget_secs: f64,
    /// Most days x columns of one run's series in a response.
    pub max_output_cells: usize,
}

/// The pool and the limits.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusOut {
    /// The run pool now (page runs, exports, API runs, charts and batches alike).
    pub pool: PoolStatus,
    /// The caches of finished runs and Monte Carlos.
    pub cache: CacheStatus,
    /// The limits.
    pub limits: Limits,
}

/// Where the run pool stands, and the server's limits.
#[utoipa::path(get, path = "/api/status", tag = "hashlab", responses((status = 200, description = "The pool and the limits", body = StatusOut)))]
pub(super) async fn status(State(state): State<ApiState>) -> Json<StatusOut> {
    Json(StatusOut {
        pool: state.service.status(),
        cache: state.service.cache_status(),
        limits: Limits {
            max_body_bytes: MAX_BODY_BYTES,
            max_query_bytes: link::MAX_QUERY_BYTES,
            max_operator_years: MAX_OPERATOR_YEARS,
            max_runs: montecarlo::MAX_RUNS,
            max_batch_operator_years: MAX_BATCH_OPERATOR_YEARS,
            run_budget_secs: state.service.config().budget.as_secs_f64(),
            max_output_cells: MAX_OUTPUT_CELLS,
        },
    })
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "hashlab", responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub(super) async fn openapi_json(State(state): State<ApiState>) -> Response {
    let text = state.openapi.get().cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], text).into_response()
}
