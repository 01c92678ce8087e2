//! One run: `GET|POST /api/run` and its alias `GET|POST /api/simulate`,
//! answered as the simulation's `RunResult` JSON.

use super::{admit, json_response, scenario_of, ApiState, ClientAddr};
use crate::config::admit_output;
use crate::error::{ApiError, ErrorBody};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use simulation::Scenario;
use std::net::IpAddr;

/// Runs `scenario` for `client` (or takes it from the cache) and returns its
/// `RunResult` as JSON, built off the async runtime.
pub(super) async fn run_json(state: &ApiState, scenario: Scenario, client: Option<IpAddr>) -> Result<Vec<u8>, ApiError> {
    let run = state.service.run(scenario, client).await??;
    admit_output(&run)?;
    state.service.off_runtime(move || serde_json::to_vec(&*run)).await?.map_err(ApiError::from)
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
            Ok(json_response(state.service.body(client, run_json(&state, scenario, client).await?)?, None))
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
            Ok(json_response(state.service.body(client, run_json(&state, scenario, client).await?)?, None))
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
