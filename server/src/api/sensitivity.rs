//! `GET /api/sensitivity?<share-link query>&runs=K`: the one-at-a-time
//! sensitivity analysis (`simulation::sensitivity`) as server-sent events,
//! streamed as the Monte Carlo is (same pool ticket, budgets, cancellation and
//! panic handling): `progress` events, then one `sensitivity` event with the
//! paired effects and one tornado per output, drawn as `hashlab sensitivity
//! --svg` draws them. The page's "Which assumptions matter?" panel shows it.

use super::{stream, ApiState, BatchRequest, ClientAddr};
use crate::error::{ApiError, ErrorBody};
use app::render::figures::tornado;
use app::run_view::{SensitivityView, TornadoChart};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use simulation::sensitivity::{run_sensitivity, Sensitivity, LEVERS, MIN_RUNS_FOR_INTERVALS};

/// The outputs' captions and units, in `simulation::sensitivity::OUTPUTS` order.
const CAPTIONS: [(&str, &str); 3] = [
    ("Hash rate (mean of the last 30 days)", "EH/s"),
    ("Security budget (mean of the last 30 days)", "USD/day"),
    ("Nakamoto coefficient of pools", "pools"),
];

/// The `sensitivity` event: the analysis and its charts.
#[derive(Serialize)]
struct SensitivityEvent<'a> {
    /// The analysis (paired effects with intervals, per lever and output).
    result: &'a Sensitivity,
    #[serde(flatten)]
    view: SensitivityView,
}

/// The page's view of an analysis: one tornado per output.
pub fn view_of(result: &Sensitivity) -> SensitivityView {
    let charts = result
        .outputs
        .iter()
        .enumerate()
        .zip(CAPTIONS)
        .map(|((index, output), (title, unit))| TornadoChart {
            output: output.clone(),
            title: title.to_string(),
            unit: unit.to_string(),
            svg: tornado(result, index, title, unit),
        })
        .collect();
    SensitivityView { runs: result.runs, charts }
}

/// The sensitivity of a scenario, streamed as server-sent events.
#[utoipa::path(
    get,
    path = "/api/sensitivity",
    tag = "hashlab",
    params(
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("runs" = Option<u32>, Query, description = "Seeds per setting, 1 to 1,000 (default 50: the intervals need about that many)"),
    ),
    responses(
        (status = 200, description = "text/event-stream: `progress` events ({done, runs}), then one `sensitivity` event ({result: the Sensitivity JSON with paired effects and 95% intervals per lever and output, runs, charts: [{output, title, unit, svg}]}) or an `error` event. Closing the connection cancels the work.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn sensitivity_sse(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let settings = 1 + 2 * LEVERS.len() as u32;
    let BatchRequest { scenario, runs, provenance, what } =
        BatchRequest::read(&state, &headers, query.as_deref(), MIN_RUNS_FOR_INTERVALS, settings)?;
    stream::stream_batch(&state, client, "sensitivity analysis", runs * settings, what, move |progress| {
        let result = run_sensitivity(&scenario, runs, progress)?;
        Ok(super::json_event_with("sensitivity", &SensitivityEvent { result: &result, view: view_of(&result) }, &provenance))
    })
    .await
}
