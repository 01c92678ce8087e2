//! The JSON API under `/api`, and the layers that keep the whole server safe.
//!
//! Routes (all listed in the OpenAPI document at `/api/openapi.json`, which
//! is generated from the handlers and types below):
//! - `GET /api/presets` the presets, with their share links and scenarios;
//! - `GET /api/run?<share-link query>` and `POST /api/run` (a scenario as
//!   JSON): one run, as the simulation's `RunResult` JSON (`summary`, `days`,
//!   `pools`, ...). (`/api/simulate` is the page's Leptos server function.)
//! - `GET /api/export.csv?<query>` and `GET /api/export.json?<query>`: the
//!   same run as a download;
//! - `GET /api/montecarlo?<query>&runs=K`: server-sent events, `progress`
//!   then `bands` (or `error`); closing the connection cancels the work;
//! - `GET /api/sweep?<query>&param=...` and `GET /api/sensitivity?<query>&runs=K`:
//!   a sweep and the sensitivity analysis, streamed the same way;
//! - `GET /api/backtest?window=2022&runs=8` (or `from=&to=`): the model
//!   replayed against the observed history 2019-2025, streamed the same way;
//! - `GET /api/charts`: the charts (id, title, axes, columns), in page order;
//! - `GET /api/chart/{chart}.svg|.png?<query>&width=&height=`: one of the page's
//!   charts as a standalone SVG or PNG with title, description and share link;
//! - `GET /api/status`: the run pool, the caches and the server's limits.
//! - `GET /export.csv?<query>`: the page's CSV download (the query read
//!   leniently, as the page reads it), run and answered like `/api/export.csv`.
//!
//! One file per route family under `api/`; every route runs the model through
//! the server's one run service (`crate::runs`).
//!
//! Bad input is a 400 (413 for a body over the limit) with
//! `{"error": {"field", "message", "allowed"}}`; a full pool a 503 with
//! `Retry-After`; a bug a 500 with an id that is in the logs.

mod backtest;
pub mod charts;
mod exports;
mod montecarlo;
mod presets;
mod runs;
pub mod security;
mod sensitivity;
mod status;
mod stream;
mod sweep;

pub use montecarlo::ProgressEvent;
pub use status::{Limits, StatusOut};

use crate::config::admit;
use crate::error::{ApiError, ErrorBody};
use crate::runs::pool::PoolStatus;
use crate::runs::{CacheStatus, RunService};
use app::runs::Client;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use simulation::montecarlo::{check_runs, MAX_RUNS};
use simulation::{link, Scenario, ScenarioError};
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Clone)]
struct ApiState {
    service: Arc<RunService>,
    openapi: Arc<OnceLock<String>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hashlab API",
        description = "Runs of Hashlab's Bitcoin mining-economy model: presets, single runs, exports, Monte Carlo bands (the `bands` event is a MonteCarloResult), sweeps (the `sweep` event is a SweepResult) and report charts."
    ),
    components(schemas(
        ErrorBody,
        PoolStatus,
        CacheStatus,
        Limits,
        ProgressEvent,
        simulation::montecarlo::MonteCarloResult,
        simulation::sweep::SweepResult,
        simulation::backtest::BacktestResult
    ))
)]
struct ApiDoc;

/// The API router (with its own state) on `service`, to merge into the app's router.
pub fn router<S: Clone + Send + Sync + 'static>(service: Arc<RunService>) -> Router<S> {
    let test_hooks = service.config().test_hooks;
    let state = ApiState { service, openapi: Arc::new(OnceLock::new()) };
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(presets::presets))
        .routes(routes!(runs::simulate_get, runs::simulate_post))
        .routes(routes!(runs::run_get, runs::run_post))
        .routes(routes!(exports::export_csv))
        .routes(routes!(exports::export_json))
        .routes(routes!(exports::bands_csv))
        .routes(routes!(montecarlo::montecarlo_sse))
        .routes(routes!(sweep::sweep_sse))
        .routes(routes!(sensitivity::sensitivity_sse))
        .routes(routes!(backtest::backtest_sse))
        .routes(routes!(charts::chart_list))
        .routes(routes!(charts::chart_file))
        .routes(routes!(status::status))
        .routes(routes!(status::openapi_json))
        .split_for_parts();
    let _ = state.openapi.set(doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
    let mut router = router.route("/export.csv", axum::routing::get(exports::page_export_csv)).with_state(state);
    if test_hooks {
        router = router.route("/debug/panic", axum::routing::get(debug_panic));
    }
    router
}

/// The address a request came from (set on every connection by
/// `web::connections`), for the pool's per-client share.
pub(crate) struct ClientAddr(pub(crate) Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<Client>().map(|client| client.0)))
    }
}

/// A 414 for a query longer than a share link may be.
pub(crate) fn check_query_length(query: &str) -> Result<(), ApiError> {
    if query.len() > link::MAX_QUERY_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "query",
            format!("the query is {} bytes", query.len()),
            format!("up to {} bytes", link::MAX_QUERY_BYTES),
        ));
    }
    Ok(())
}

/// A share-link query, read strictly (any bad, unknown or repeated key is an
/// error). The page's own keys (`at`, `view`, `base1`...:
/// `app::page_state::PAGE_KEYS`) are accepted wherever a share link is, and
/// ignored where they do not apply: they are returned among the extras only
/// when the caller asks for them in `extra`.
pub(crate) fn scenario_of(query: Option<&str>, extra: &[&str]) -> Result<(Scenario, Vec<(String, String)>), ApiError> {
    let query = query.unwrap_or("");
    check_query_length(query)?;
    let keys: Vec<&str> = extra.iter().copied().chain(app::page_state::PAGE_KEYS).collect();
    let parse = link::from_query_strict(query, &keys)?;
    admit(&parse.scenario)?;
    let wanted = parse.extra.into_iter().filter(|(key, _)| extra.contains(&key.as_str())).collect();
    Ok((parse.scenario, wanted))
}

fn json_response(body: impl IntoResponse, download: Option<String>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
    if let Some(name) = download {
        attach(&mut response, &name);
    }
    response
}

fn attach(response: &mut Response, file_name: &str) {
    let value = format!("attachment; filename=\"{file_name}\"");
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
}

/// The `runs` key of a query, if given: seeds of a Monte Carlo, 1 to 1,000.
fn runs_of(extra: &[(String, String)]) -> Result<Option<u32>, ApiError> {
    let Some((_, value)) = extra.iter().find(|(key, _)| key == "runs") else {
        return Ok(None);
    };
    let runs = value.trim().parse::<u32>().map_err(|_| {
        ScenarioError::new(
            "runs",
            format!("`{}` is not a whole number", value.chars().take(32).collect::<String>()),
            format!("a whole number from 1 to {}", MAX_RUNS),
        )
    })?;
    check_runs(runs)?;
    Ok(Some(runs))
}

fn json_event<T: Serialize>(name: &str, value: &T) -> Event {
    Event::default().event(name).data(serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string()))
}

/// A batch's final event: `value` as JSON with its `provenance` (share link,
/// model version, seed, time) as the first key, as the run exports carry it.
fn json_event_with<T: Serialize>(name: &str, value: &T, provenance: &app::provenance::Provenance) -> Event {
    let document = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    Event::default().event(name).data(String::from_utf8_lossy(&provenance.prefix_json(&document)))
}

/// What a batch route (Monte Carlo, sensitivity) reads before it runs: the
/// scenario, its `runs` (else `default_runs`), admitted for `settings` runs
/// per seed, its provenance and its link (for the logs).
struct BatchRequest {
    scenario: Scenario,
    runs: u32,
    provenance: app::provenance::Provenance,
    what: String,
}

impl BatchRequest {
    fn read(
        state: &ApiState,
        headers: &axum::http::HeaderMap,
        query: Option<&str>,
        default_runs: u32,
        settings: u32,
    ) -> Result<Self, ApiError> {
        let (scenario, extra) = scenario_of(query, &["runs"])?;
        let runs = runs_of(&extra)?.unwrap_or(default_runs);
        let config = state.service.config();
        config.admit_batch("runs", &scenario, runs * settings, config.batch_threads())?;
        let provenance = app::provenance::Provenance::of(&scenario, &config.site_of(headers));
        let what = link::to_query(&scenario, None);
        Ok(Self { scenario, runs, provenance, what })
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server", e.to_string(), "")
    }
}

/// A panic in a handler, for the catch-panic test (only with `HASHLAB_TEST_HOOKS=1`).
async fn debug_panic() -> Response {
    panic!("a deliberate panic from /debug/panic");
}

/// Wraps the whole app: request ids, tracing, body limit, catch-panic and
/// security headers.
pub fn harden(router: Router) -> Router {
    security::harden(router)
}
