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
//! - `GET /api/chart/{chart}.svg|.png?<query>&width=&height=`: one of the page's
//!   charts as a standalone SVG or PNG with title, description and share link;
//! - `GET /api/status`: the run pool and the server's limits.
//! - `GET /export.csv?<query>`: the page's CSV download (the query read
//!   leniently, as the page reads it), run and answered like `/api/export.csv`.
//!
//! Bad input is a 400 (413 for a body over the limit) with
//! `{"error": {"field", "message", "allowed"}}`; a full pool a 503 with
//! `Retry-After`; a bug a 500 with an id that is in the logs.

#[path = "api/chart.rs"]
pub mod chart;
#[path = "api/error.rs"]
pub mod error;
#[path = "api/pool.rs"]
pub mod pool;
#[path = "api/security.rs"]
pub mod security;
#[path = "api/sensitivity.rs"]
mod sensitivity;
#[path = "api/stream.rs"]
mod stream;
#[path = "api/sweep.rs"]
mod sweep;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use error::{ApiError, ErrorBody};
use pool::{PoolStatus, RunPool};
use serde::Serialize;
use simulation::montecarlo::{self, BatchError, Progress};
use simulation::{link, Scenario, ScenarioError};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The most operators x years one run may ask for (the reference workload,
/// 10,000 operators for 4 years, is 40,000): the page's limit, shared so the two never differ.
pub use app::render::MAX_OPERATOR_YEARS;
/// The most operator-years a whole Monte Carlo may ask for (runs x operators x years).
pub const MAX_BATCH_OPERATOR_YEARS: f64 = 20_000_000.0;
/// The most cells (days x columns, one column per pool among them) one run's
/// series may have in a response: operator-years bound the compute, not the
/// output, and a low `own_pool_min_ehs` gives many operators a pool (and a
/// column) of their own. About 28 MB of CSV; the largest run the budget
/// allows with the default pools (13,333 operators for 30 years: 71 columns
/// x 10,958 days) is 778,000 cells.
pub const MAX_OUTPUT_CELLS: usize = 2_000_000;

/// How the API is set up: the pool's size and the time budget.
#[derive(Debug, Clone)]
pub struct Config {
    /// Runs at once (default: the cores).
    pub workers: usize,
    /// Runs that may wait (default: 4 x workers).
    pub queue: usize,
    /// The time budget of one run or one Monte Carlo.
    pub budget: Duration,
    /// The longest a request waits in the queue for a worker (default 15 s).
    pub max_wait: Duration,
    /// Test-only routes (`/debug/panic`).
    pub test_hooks: bool,
}

impl Config {
    /// From the environment: `HASHLAB_WORKERS`, `HASHLAB_QUEUE`,
    /// `HASHLAB_RUN_BUDGET_SECS`, `HASHLAB_MAX_WAIT_SECS`, `HASHLAB_TEST_HOOKS=1`.
    pub fn from_env() -> Self {
        fn number(name: &str) -> Option<u64> {
            std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = number("HASHLAB_WORKERS").map_or(cores, |n| n as usize).max(1);
        Self {
            workers,
            queue: number("HASHLAB_QUEUE").map_or(workers * 4, |n| n as usize),
            budget: Duration::from_secs(number("HASHLAB_RUN_BUDGET_SECS").unwrap_or(60).max(1)),
            max_wait: Duration::from_secs(number("HASHLAB_MAX_WAIT_SECS").unwrap_or(15).max(1)),
            test_hooks: std::env::var("HASHLAB_TEST_HOOKS").is_ok_and(|v| v == "1"),
        }
    }
}

#[derive(Clone)]
struct ApiState {
    pool: Arc<RunPool>,
    budget: Duration,
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
        Limits,
        ProgressEvent,
        simulation::montecarlo::MonteCarloResult,
        simulation::sweep::SweepResult
    ))
)]
struct ApiDoc;

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM
/// (what service managers and Kubernetes send).
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The API router (with its own state), to merge into the app's router.
pub fn router<S: Clone + Send + Sync + 'static>(config: &Config) -> Router<S> {
    let state = ApiState {
        pool: RunPool::new(config.workers, config.queue, config.max_wait),
        budget: config.budget,
        openapi: Arc::new(OnceLock::new()),
    };
    let (router, doc) = openapi_router().split_for_parts();
    let _ = state.openapi.set(doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")));
    // On Ctrl-C (what `hashlab serve` stops on), stop taking runs and tell
    // running batches to stop, so that the graceful shutdown completes.
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let pool = Arc::downgrade(&state.pool);
        runtime.spawn(async move {
            {
                stop_requested().await;
                if let Some(pool) = pool.upgrade() {
                    tracing::info!("shutting down: no new runs; running Monte Carlos are told to stop");
                    pool.stop();
                }
            }
        });
    }
    // The page's runs take their places in the same pool (a 503 there is the
    // page's "busy, try again" message).
    let shared = Arc::downgrade(&state.pool);
    app::render::set_run_gate(Arc::new(move || {
        let pool = shared.upgrade();
        Box::pin(async move {
            let pool = pool.ok_or_else(|| "the server is stopping".to_string())?;
            match pool.ticket().await {
                Ok(ticket) => Ok(Box::new(ticket) as app::render::RunPlace),
                Err(error) if error.status == StatusCode::SERVICE_UNAVAILABLE => {
                    Err("the server is busy with other runs; try again in a moment".to_string())
                }
                Err(error) => Err(error.body.error.message),
            }
        })
    }));
    let mut router = router.route("/export.csv", axum::routing::get(page_export_csv)).with_state(state);
    if config.test_hooks {
        router = router.route("/debug/panic", axum::routing::get(debug_panic));
    }
    router
}

fn openapi_router() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(presets))
        .routes(routes!(simulate_get, simulate_post))
        .routes(routes!(run_get, run_post))
        .routes(routes!(export_csv))
        .routes(routes!(export_json))
        .routes(routes!(montecarlo_sse))
        .routes(routes!(sweep::sweep_sse))
        .routes(routes!(sensitivity::sensitivity_sse))
        .routes(routes!(chart_svg))
        .routes(routes!(status))
        .routes(routes!(openapi_json))
}

/// Checks a scenario against its ranges and this server's budget.
fn admit(scenario: &Scenario) -> Result<(), ApiError> {
    scenario.validate()?;
    let operator_years = f64::from(scenario.operators) * scenario.years;
    if operator_years > MAX_OPERATOR_YEARS {
        return Err(ScenarioError::new(
            "operators",
            format!(
                "{} operators for {} years is {operator_years:.0} operator-years, over this server's budget for one run",
                scenario.operators, scenario.years
            ),
            format!("operators x years up to {MAX_OPERATOR_YEARS:.0} (e.g. 10,000 operators for up to 30 years)"),
        )
        .into());
    }
    Ok(())
}

/// Refuses to send a run whose series would be over [`MAX_OUTPUT_CELLS`]
/// (checked after the run, before its output is built), naming the field
/// that grew it: `own_pool_min_ehs` when pools are most of the columns, else `years`.
fn admit_output(run: &simulation::RunResult) -> Result<(), ApiError> {
    let days = run.days.len();
    let columns = simulation::output::DailyRecord::COLUMNS.len() + run.pools.len();
    let cells = days.saturating_mul(columns);
    if cells <= MAX_OUTPUT_CELLS {
        return Ok(());
    }
    let field = if run.pools.len() > simulation::output::DailyRecord::COLUMNS.len() { "own_pool_min_ehs" } else { "years" };
    Err(ScenarioError::new(
        field,
        format!(
            "{days} days x {columns} columns (one per pool: {} pools) is {cells} cells of output, over this server's limit for one run",
            run.pools.len()
        ),
        format!(
            "days x columns up to {MAX_OUTPUT_CELLS}: a larger own_pool_min_ehs (fewer operators run their own pool), fewer operators or fewer years; larger runs with `hashlab run`"
        ),
    )
    .into())
}

/// A 414 for a query longer than a share link may be.
fn check_query_length(query: &str) -> Result<(), ApiError> {
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

/// A share-link query, read strictly (any bad, unknown or repeated key is an error).
fn scenario_of(query: Option<&str>, extra: &[&str]) -> Result<(Scenario, Vec<(String, String)>), ApiError> {
    let query = query.unwrap_or("");
    check_query_length(query)?;
    let parse = link::from_query_strict(query, extra)?;
    admit(&parse.scenario)?;
    Ok((parse.scenario, parse.extra))
}

fn json_response(body: Vec<u8>, download: Option<String>) -> Response {
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

/// Runs one scenario on a pool thread, stopping within a simulated day when
/// `cancel` is set (the client went away or the time budget ran out).
fn run_or_stop(scenario: &Scenario, cancel: &AtomicBool, pool: &RunPool) -> Result<simulation::RunResult, ApiError> {
    match simulation::run_cancellable(scenario, cancel)? {
        Some(result) => Ok(result),
        None => {
            pool.note_cancelled();
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "run",
                "the run was stopped before it finished",
                "a client that waits for the answer",
            ))
        }
    }
}

/// Runs `scenario` on the pool and returns its `RunResult` as JSON.
async fn run_json(state: &ApiState, scenario: Scenario) -> Result<Vec<u8>, ApiError> {
    let what = link::to_query(&scenario, None);
    let pool = state.pool.clone();
    state
        .pool
        .run(state.budget, what, move |cancel| {
            let result = run_or_stop(&scenario, cancel, &pool)?;
            admit_output(&result)?;
            serde_json::to_vec(&result).map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server", e.to_string(), ""))
        })
        .await?
        .map_err(|e: ApiError| e)
}

/// Runs `scenario` on the pool and answers its daily series as a CSV download
/// (built on the pool's thread, not the async runtime).
async fn csv_download(state: &ApiState, scenario: Scenario) -> Result<Response, ApiError> {
    let name = app::format::file_name(&scenario, "", "csv");
    let what = link::to_query(&scenario, None);
    let pool = state.pool.clone();
    let csv = state
        .pool
        .run(state.budget, what, move |cancel| {
            let run = run_or_stop(&scenario, cancel, &pool)?;
            admit_output(&run)?;
            Ok::<_, ApiError>(run.to_csv_string())
        })
        .await??;
    let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"))], csv).into_response();
    attach(&mut response, &name);
    Ok(response)
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server", e.to_string(), "")
    }
}

/// A preset as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetOut {
    /// Stable id (`preset=` in a share link).
    pub id: String,
    /// A short title.
    pub title: String,
    /// What it shows, in plain words.
    pub teacher_text: String,
    /// Its share-link query (for `GET /api/run?...`).
    pub query: String,
    /// The scenario it runs (every field; see `hashlab fields`).
    #[schema(value_type = Object)]
    pub scenario: serde_json::Value,
}

/// Every preset.
#[utoipa::path(get, path = "/api/presets", tag = "hashlab", responses((status = 200, description = "The presets, default first", body = [PresetOut])))]
async fn presets() -> Json<Vec<PresetOut>> {
    Json(
        simulation::presets::all()
            .into_iter()
            .map(|preset| PresetOut {
                id: preset.id.to_string(),
                title: preset.title.to_string(),
                teacher_text: preset.teacher_text.to_string(),
                query: link::to_query(&preset.scenario, Some(preset.id)),
                scenario: serde_json::to_value(&preset.scenario).unwrap_or_default(),
            })
            .collect(),
    )
}

/// One run of the scenario a share-link query describes (`/api/run` is the same).
#[utoipa::path(
    get,
    path = "/api/simulate",
    tag = "hashlab",
    params(("query" = Option<String>, Query, description = "A share-link query: `v`, `preset`, `seed` and any scenario field as `key=value`; strict: a bad, unknown or repeated key is a 400")),
    responses(
        (status = 200, description = "The run: model_version, scenario, summary, days (the daily series), pools, pool_shares, ...", body = simulation::RunResult),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "The server is busy (Retry-After) or the run went past its time budget", body = ErrorBody),
    )
)]
async fn simulate_get(state: State<ApiState>, query: RawQuery) -> Result<Response, ApiError> {
    run_get(state, query).await
}

/// One run of a scenario given as JSON (`/api/run` is the same).
#[utoipa::path(
    post,
    path = "/api/simulate",
    tag = "hashlab",
    request_body(content = simulation::Scenario, description = "A scenario as JSON, e.g. {\"operators\": 500, \"years\": 2}; unknown, repeated or wrong-typed fields are a 400", content_type = "application/json"),
    responses(
        (status = 200, description = "The run, as for GET", body = simulation::RunResult),
        (status = 400, description = "A bad value or malformed JSON, naming the field", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 503, description = "Busy or past the time budget", body = ErrorBody),
    )
)]
async fn simulate_post(state: State<ApiState>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    run_post(state, body).await
}

/// One run of the scenario a share-link query describes (an alias of `GET /api/simulate`).
#[utoipa::path(
    get,
    path = "/api/run",
    tag = "hashlab",
    params(("query" = Option<String>, Query, description = "A share-link query: `v`, `preset`, `seed` and any scenario field as `key=value`; strict: a bad, unknown or repeated key is a 400")),
    responses(
        (status = 200, description = "The run: model_version, scenario, summary, days (the daily series), pools, pool_shares, ...", body = simulation::RunResult),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "The server is busy (Retry-After) or the run went past its time budget", body = ErrorBody),
    )
)]
async fn run_get(State(state): State<ApiState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    Ok(json_response(run_json(&state, scenario).await?, None))
}

/// One run of a scenario given as JSON, any field left out keeping its default (an alias of `POST /api/simulate`).
#[utoipa::path(
    post,
    path = "/api/run",
    tag = "hashlab",
    request_body(content = simulation::Scenario, description = "A scenario as JSON, e.g. {\"operators\": 500, \"years\": 2}; unknown, repeated or wrong-typed fields are a 400", content_type = "application/json"),
    responses(
        (status = 200, description = "The run, as for GET", body = simulation::RunResult),
        (status = 400, description = "A bad value or malformed JSON, naming the field", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 503, description = "Busy or past the time budget", body = ErrorBody),
    )
)]
async fn run_post(State(state): State<ApiState>, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "body", rejection.body_text(), "a JSON object")
        }
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "body", format!("not UTF-8: {e}"), "a JSON object in UTF-8"))?;
    let scenario = Scenario::from_json(text)?;
    admit(&scenario)?;
    Ok(json_response(run_json(&state, scenario).await?, None))
}

/// The 413 error.
pub fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body", "the request body is too large", format!("up to {MAX_BODY_BYTES} bytes"))
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
async fn export_csv(State(state): State<ApiState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    csv_download(&state, scenario).await
}

/// `/export.csv?<share-link query>`, the page's CSV download: the query read
/// like the page reads it (a bad field keeps its default; the page names it),
/// then the same run, limits and errors as `/api/export.csv` (a full pool is a
/// 503 with `Retry-After`, a run over a limit a 400 naming the field).
async fn page_export_csv(State(state): State<ApiState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    check_query_length(&query)?;
    let scenario = link::from_query(&query).scenario;
    admit(&scenario)?;
    csv_download(&state, scenario).await
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
async fn export_json(State(state): State<ApiState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let (scenario, _) = scenario_of(query.as_deref(), &[])?;
    let name = app::format::file_name(&scenario, "", "json");
    Ok(json_response(run_json(&state, scenario).await?, Some(name)))
}

/// A report-ready chart of a run, as SVG or PNG.
#[utoipa::path(
    get,
    path = "/api/chart/{file}",
    tag = "hashlab",
    params(
        ("file" = String, Path, description = "`<chart>.svg` or `<chart>.png`, chart one of hashrate, hashprice, security-budget, attack-cost, nakamoto, pool-shares, operators, operator-kinds"),
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
async fn chart_svg(State(state): State<ApiState>, Path(file): Path<String>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let (id, format) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let page_id = chart::page_id(id)?;
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
    let width = chart::dimension(&extra, "width", chart::WIDTH)?;
    let height = chart::dimension(&extra, "height", chart::HEIGHT)?;
    let runs = runs_of(&extra)?;
    if let Some(runs) = runs {
        admit_batch(&scenario, runs)?;
    }
    let name = app::format::file_name(&scenario, id, format);
    let what = link::to_query(&scenario, None);
    let pool = state.pool.clone();
    let body = state
        .pool
        .run(state.budget, what, move |cancel| -> Result<Vec<u8>, ApiError> {
            let run = run_or_stop(&scenario, cancel, &pool)?;
            let bands = match runs {
                None => None,
                Some(runs) => Some(match app::render::cached_bands(&scenario, runs) {
                    Some(kept) => kept,
                    None => {
                        let report = |_| {};
                        let result = montecarlo::run_montecarlo(&scenario, runs, &Progress::new(cancel, &report)).map_err(|e| match e {
                            BatchError::Invalid(error) => ApiError::bad(error),
                            BatchError::Cancelled => {
                                pool.note_cancelled();
                                ApiError::new(
                                    StatusCode::SERVICE_UNAVAILABLE,
                                    "runs",
                                    "the Monte Carlo was stopped before it finished",
                                    "a client that waits for the answer, or fewer runs",
                                )
                            }
                        })?;
                        let result = Arc::new(result);
                        app::render::store_bands(result.clone());
                        result
                    }
                }),
            };
            let svg = chart::svg(&run, bands.as_deref(), page_id, width, height);
            if png {
                chart::png(&svg).map_err(|e| {
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

/// The `runs` key of a query, if given: seeds of a Monte Carlo, 1 to 1,000.
fn runs_of(extra: &[(String, String)]) -> Result<Option<u32>, ApiError> {
    let Some((_, value)) = extra.iter().find(|(key, _)| key == "runs") else {
        return Ok(None);
    };
    let runs = value.trim().parse::<u32>().map_err(|_| {
        ScenarioError::new(
            "runs",
            format!("`{}` is not a whole number", value.chars().take(32).collect::<String>()),
            format!("a whole number from 1 to {}", montecarlo::MAX_RUNS),
        )
    })?;
    montecarlo::check_runs(runs)?;
    Ok(Some(runs))
}

/// Refuses a Monte Carlo over this server's budget of runs x operators x years.
fn admit_batch(scenario: &Scenario, runs: u32) -> Result<(), ApiError> {
    let batch = f64::from(scenario.operators) * scenario.years * f64::from(runs);
    if batch > MAX_BATCH_OPERATOR_YEARS {
        return Err(ScenarioError::new(
            "runs",
            format!(
                "{runs} runs of {} operators for {} years is {batch:.0} operator-years, over this server's budget",
                scenario.operators, scenario.years
            ),
            format!("runs x operators x years up to {MAX_BATCH_OPERATOR_YEARS:.0}"),
        )
        .into());
    }
    Ok(())
}

/// A `progress` event of a Monte Carlo.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressEvent {
    /// Runs finished.
    pub done: u32,
    /// Runs in all.
    pub runs: u32,
}

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
async fn montecarlo_sse(State(state): State<ApiState>, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let (scenario, extra) = scenario_of(query.as_deref(), &["runs"])?;
    let runs = runs_of(&extra)?.unwrap_or(100);
    admit_batch(&scenario, runs)?;
    let what = link::to_query(&scenario, None);
    stream::stream_batch(&state, "Monte Carlo", runs, what, move |progress| {
        let result = montecarlo::run_montecarlo(&scenario, runs, progress)?;
        // Kept, so the page and the report charts can shade these bands.
        let result = Arc::new(result);
        app::render::store_bands(result.clone());
        Ok(json_event("bands", &*result))
    })
    .await
}

fn json_event<T: Serialize>(name: &str, value: &T) -> Event {
    Event::default().event(name).data(serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string()))
}

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
    /// The run pool now.
    pub pool: PoolStatus,
    /// The limits.
    pub limits: Limits,
}

/// Where the run pool stands, and the server's limits.
#[utoipa::path(get, path = "/api/status", tag = "hashlab", responses((status = 200, description = "The pool and the limits", body = StatusOut)))]
async fn status(State(state): State<ApiState>) -> Json<StatusOut> {
    Json(StatusOut {
        pool: state.pool.status(),
        limits: Limits {
            max_body_bytes: MAX_BODY_BYTES,
            max_query_bytes: link::MAX_QUERY_BYTES,
            max_operator_years: MAX_OPERATOR_YEARS,
            max_runs: montecarlo::MAX_RUNS,
            max_batch_operator_years: MAX_BATCH_OPERATOR_YEARS,
            run_budget_secs: state.budget.as_secs_f64(),
            max_output_cells: MAX_OUTPUT_CELLS,
        },
    })
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "hashlab", responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
async fn openapi_json(State(state): State<ApiState>) -> Response {
    let text = state.openapi.get().cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], text).into_response()
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
