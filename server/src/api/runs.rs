//! One run: `GET|POST /api/run` and its alias `GET|POST /api/simulate`,
//! answered as the simulation's `RunResult` JSON.

use super::{admit, json_response, scenario_of, ApiState, ClientAddr};
use crate::config::admit_output;
use crate::error::{ApiError, ErrorBody};
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use simulation::Scenario;
use std::net::IpAddr;

/// Runs `scenario` for `client` (or takes it from the cache) and returns its
/// `RunResult` as a JSON body (passed through `wrap`, e.g. to add provenance),
/// built off the async runtime once the response budget has room for it.
pub(super) async fn run_json_body(
    state: &ApiState,
    scenario: Scenario,
    client: Option<IpAddr>,
    wrap: impl FnOnce(Vec<u8>) -> Vec<u8> + Send + 'static,
) -> Result<Body, ApiError> {
    let run = state.service.run(scenario, client).await??;
    admit_output(&run)?;
    let estimate = body_estimate(&run, JSON_BYTES_PER_VALUE);
    let reservation = state.service.reserve_body(client, estimate)?;
    let heavy = estimate > crate::runs::HEAVY_BODY_BYTES;
    let json = state.service.off_runtime(client, heavy, move || serde_json::to_vec(&*run).map(wrap)).await?.map_err(ApiError::from)?;
    Ok(reservation.body(json))
}

/// About how many bytes a value takes in a run's JSON, keys included (the
/// 2,000-operator, 30-year run: ~22 MB for 10,958 days x 105 values).
pub(super) const JSON_BYTES_PER_VALUE: usize = 20;
/// About how many bytes a value takes in its CSV (the same run: 9.1 MB; the
/// estimate counts generations the CSV leaves out, so it runs high).
pub(super) const CSV_BYTES_PER_VALUE: usize = 12;

/// About how large a run's series is as text: days x (daily columns, pools, generations) x `bytes_per_value`.
pub(super) fn body_estimate(run: &simulation::RunResult, bytes_per_value: usize) -> usize {
    let values_per_day = simulation::DailyRecord::COLUMNS.len() + run.pools.len() + run.generations.len();
    run.days.len().saturating_mul(values_per_day).saturating_mul(bytes_per_value)
}

/// `GET` and `POST` of one run at `$path`: `/api/run` and its alias
/// `/api/simulate`, documented once.
macro_rules! run_routes {
    ($get:ident, $post:ident, $path:literal) => {
        /// One run of the scenario a share-link query describes (`/api/run` and `/api/simulate` are the same).
        #[utoipa::path(
            get,
            path = $path,
            tag = "hashlab",
            params(("query" = Option<String>, Query, description = "A share-link query: `v`, `preset`, `seed` and any scenario field as `key=value`; strict: a bad, unknown or repeated key is a 400")),
            responses(
                (status = 200, description = "The run: model_version, scenario, summary, days (the daily series), pools, pool_shares, ...", body = simulation::RunResult),
                (status = 400, description = "A bad value, naming the field", body = ErrorBody),
                (status = 503, description = "The server is busy (Retry-After) or the run went past its time budget", body = ErrorBody),
            )
        )]
        pub(super) async fn $get(
            State(state): State<ApiState>,
            ClientAddr(client): ClientAddr,
            RawQuery(query): RawQuery,
        ) -> Result<Response, ApiError> {
            let (scenario, _) = scenario_of(query.as_deref(), &[])?;
            Ok(json_response(run_json_body(&state, scenario, client, |json| json).await?, None))
        }

        /// One run of a scenario given as JSON, any field left out keeping its default (`/api/run` and `/api/simulate` are the same).
        #[utoipa::path(
            post,
            path = $path,
            tag = "hashlab",
            request_body(content = simulation::Scenario, description = "A scenario as JSON, e.g. {\"operators\": 500, \"years\": 2}; unknown, repeated or wrong-typed fields are a 400", content_type = "application/json"),
            responses(
                (status = 200, description = "The run, as for GET", body = simulation::RunResult),
                (status = 400, description = "A bad value or malformed JSON, naming the field", body = ErrorBody),
                (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
                (status = 503, description = "Busy or past the time budget", body = ErrorBody),
            )
        )]
        pub(super) async fn $post(
            State(state): State<ApiState>,
            ClientAddr(client): ClientAddr,
            body: Result<Bytes, BytesRejection>,
        ) -> Result<Response, ApiError> {
            let scenario = scenario_of_body(body)?;
            Ok(json_response(run_json_body(&state, scenario, client, |json| json).await?, None))
        }
    };
}

run_routes!(run_get, run_post, "/api/run");
run_routes!(simulate_get, simulate_post, "/api/simulate");

/// The scenario of a `POST` body (JSON), checked.
fn scenario_of_body(body: Result<Bytes, BytesRejection>) -> Result<Scenario, ApiError> {
    let body = body.map_err(|rejection| {
        let text = rejection.body_text();
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(crate::config::MAX_BODY_BYTES)
        } else if body_timed_out(&rejection) {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body",
                "the request body stopped arriving, or did not arrive whole in time",
                "a body sent without long pauses, whole within the body deadline",
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "body", text, "a JSON object")
        }
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "body", format!("not UTF-8: {e}"), "a JSON object in UTF-8"))?;
    let scenario = Scenario::from_json(text)?;
    admit(&scenario)?;
    Ok(scenario)
}

/// Whether a body failed to arrive because it paused past the body timeout
/// (`web::connections`), not because it was malformed.
fn body_timed_out(rejection: &BytesRejection) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(error) = source {
        if error.is::<tower_http::timeout::TimeoutError>() || error.is::<crate::web::body_deadline::BodyDeadlineExceeded>() {
            return true;
        }
        source = error.source();
    }
    false
}
