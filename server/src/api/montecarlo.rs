//! `GET /api/montecarlo`: a Monte Carlo over many seeds, streamed as
//! server-sent events (`progress`, then `bands` or `error`).

use super::{stream, ApiState, BatchRequest, ClientAddr};
use crate::error::{ApiError, ErrorBody};
use app::catalogue::BAND_COLUMNS;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use simulation::montecarlo;
use std::sync::Arc;

pub use app::wire::ProgressEvent;

/// A Monte Carlo over `runs` seeds, streamed as server-sent events.
#[utoipa::path(
    get,
    path = "/api/montecarlo",
    tag = "hashlab",
    params(
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("runs" = Option<u32>, Query, description = "Seeds to run, 1 to 1,000 (default 100)"),
    ),
    responses(
        (status = 200, description = "text/event-stream: `progress` events ({done, runs}), then one `bands` event (the MonteCarloResult JSON: percentiles, grid_days, grid_dates, bands) or an `error` event ({error: {field, message, allowed}}). Closing the connection cancels the work.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn montecarlo_sse(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let BatchRequest { scenario, runs, provenance, what } = BatchRequest::read(&state, &headers, query.as_deref(), 100, 1)?;
    let service = state.service.clone();
    stream::stream_batch(&state, client, "Monte Carlo", runs, what, move |progress| {
        let result = montecarlo::run_montecarlo(&scenario, runs, BAND_COLUMNS, progress)?;
        // Kept, so the page and the report charts can shade these bands.
        let result = Arc::new(result);
        service.keep_bands(result.clone());
        Ok(super::json_event_with("bands", &*result, &provenance))
    })
    .await
}
