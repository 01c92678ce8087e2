//! The one run service of the server: every path that runs the model (the
//! page and its CSV, the JSON API, report charts, Monte Carlo, sweeps,
//! sensitivity) goes through it, so every run gets the same bounded and fair
//! pool, the same time budget, is told to stop when its client goes away or
//! the server stops, and is counted in `/api/status`. Finished runs and Monte
//! Carlos are kept in caches bounded in bytes, and identical requests that
//! arrive while their scenario runs wait for that run instead of starting it
//! again.
//!
//! The page finds it in Leptos context as an [`app::runs::Runs`].

pub mod bodies;
pub mod cache;
pub mod fair;
pub mod pool;

use crate::config::Config;
use crate::error::ApiError;
use app::runs::{Asker, Finished, Refusal, RunFuture};
use axum::http::StatusCode;
use cache::ByteCache;
use fair::Work;
use pool::{PoolStatus, RunPool};
use serde::Serialize;
use simulation::montecarlo::{self, BatchError, MonteCarloResult, Progress};
use simulation::{link, RunResult, Scenario};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use utoipa::ToSchema;

/// A response body larger than this is built holding a place in the pool
/// (see [`RunService::off_runtime`]): the default run's JSON is about 3 MB,
/// the largest export 23 MB.
pub const HEAVY_BODY_BYTES: usize = 4 << 20;

/// Monte Carlo results kept to shade their bands on the charts of their
/// scenario: at most this share of the run cache's bytes.
const BANDS_SHARE_OF_CACHE: usize = 4;

/// The run service.
pub struct RunService {
    pool: Arc<RunPool>,
    budget: Duration,
    config: Config,
    runs: ByteCache<RunKey, Finished>,
    bands: ByteCache<(RunKey, u32), Arc<MonteCarloResult>>,
    bodies: Arc<bodies::BodyBudget>,
    /// Runs in flight by scenario, each with where its outcome will be told.
    flights: Mutex<HashMap<RunKey, watch::Receiver<Option<Outcome>>>>,
}

/// A scenario as a cache and coalescing key: its canonical JSON (every field
/// and the price path, numbers written so that they read back exactly), so
/// that a lookup is one hash-map probe.
pub type RunKey = String;

/// The key of `scenario`.
pub fn run_key(scenario: &Scenario) -> RunKey {
    serde_json::to_string(scenario).unwrap_or_else(|_| format!("{scenario:?}"))
}

/// What one run ends in, as its waiting requests see it.
type Outcome = Result<Finished, ApiError>;

/// How many times a request that waited for another's run starts it itself
/// when that one ended without an answer for everyone (its client went away).
const COALESCED_RETRIES: usize = 2;

/// Takes a run out of the flights when its leader finishes or is dropped.
struct Flight<'a> {
    flights: &'a Mutex<HashMap<RunKey, watch::Receiver<Option<Outcome>>>>,
    key: RunKey,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.flights.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.key);
    }
}

/// Whether a run's outcome belongs to its own request only (the run was
/// stopped for it, or it was refused for its client), so that another request
/// for the same scenario should ask again rather than take it.
fn personal(outcome: &Outcome) -> bool {
    matches!(outcome, Err(error) if error.status == StatusCode::SERVICE_UNAVAILABLE)
}

/// The caches now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CacheStatus {
    /// Runs kept.
    pub runs: usize,
    /// Bytes of runs kept (estimated from their series).
    pub run_bytes: usize,
    /// The most bytes of runs kept.
    pub run_capacity_bytes: usize,
    /// Monte Carlos kept for their bands.
    pub montecarlos: usize,
}

impl RunService {
    /// A service set up by `config`.
    pub fn new(config: &Config) -> Arc<Self> {
        Arc::new(Self {
            pool: RunPool::new(config.workers, config.queue, config.client_share, config.max_wait),
            budget: config.budget,
            config: config.clone(),
            runs: ByteCache::new(config.cache_bytes),
            bands: ByteCache::new(config.cache_bytes / BANDS_SHARE_OF_CACHE),
            bodies: bodies::BodyBudget::new(config.response_bytes),
            flights: Mutex::new(HashMap::new()),
        })
    }

    /// A place in the budget for large response bodies in flight for a body of about `estimate` bytes, before it is built.
    pub fn reserve_body(&self, client: Option<IpAddr>, estimate: usize) -> Result<bodies::Reservation, ApiError> {
        self.bodies.reserve(client, estimate)
    }

    /// The setup it runs under.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The pool (for batches, which stream their progress).
    pub fn pool(&self) -> &Arc<RunPool> {
        &self.pool
    }

    /// Where the pool stands.
    pub fn status(&self) -> PoolStatus {
        self.pool.status()
    }

    /// Where the caches stand.
    pub fn cache_status(&self) -> CacheStatus {
        let (runs, run_bytes) = self.runs.size();
        CacheStatus { runs, run_bytes, run_capacity_bytes: self.runs.capacity(), montecarlos: self.bands.size().0 }
    }

    /// The server is stopping: no new runs (503); runs in flight go on.
    pub fn stop_admitting(&self) {
        self.pool.stop_admitting();
    }

    /// Every run and batch in flight is told to stop (the drain's end is near).
    pub fn cancel_in_flight(&self) {
        self.pool.cancel_in_flight();
    }

    /// Runs `scenario` for `client` on the pool within the time budget (or
    /// takes it from the cache). A scenario error (a bad field, a run over
    /// the budget of one run) is `Ok(Err(..))`: it is an answer, kept like a run.
    pub async fn run(&self, scenario: Scenario, client: Option<IpAddr>) -> Result<Finished, ApiError> {
        self.run_for(scenario, Asker { client, ..Asker::default() }).await
    }

    /// [`RunService::run`] for `asker`, stopping if its `gone` flag is set,
    /// within what is left of the time budget since its request's first run.
    /// A request for a scenario already running waits for that run.
    pub async fn run_for(&self, scenario: Scenario, asker: Asker) -> Result<Finished, ApiError> {
        if let Err(error) = crate::config::check_run(&scenario) {
            return Ok(Err(error));
        }
        let key = run_key(&scenario);
        let mut retries = 0;
        loop {
            if let Some(hit) = self.runs.get(&key) {
                return Ok(hit);
            }
            let (sender, mut waiting) = {
                let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
                match flights.get(&key) {
                    Some(running) => (None, running.clone()),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        flights.insert(key.clone(), receiver.clone());
                        (Some(sender), receiver)
                    }
                }
            };
            let Some(sender) = sender else {
                // Another request runs it: take its answer, unless that answer was its own.
                let told = waiting.wait_for(Option::is_some).await.ok().and_then(|outcome| outcome.clone());
                match told {
                    Some(outcome) if !personal(&outcome) || retries >= COALESCED_RETRIES => return outcome,
                    _ => {
                        retries += 1;
                        continue;
                    }
                }
            };
            let _flight = Flight { flights: &self.flights, key: key.clone() };
            let outcome = self.run_now(scenario.clone(), &asker).await;
            if let Ok(finished) = &outcome {
                self.keep(key, finished.clone());
            }
            let _ = sender.send(Some(outcome.clone()));
            return outcome;
        }
    }

    /// Runs `scenario` on the pool for `asker`, now.
    async fn run_now(&self, scenario: Scenario, asker: &Asker) -> Outcome {
        let started = *asker.first_run.get_or_init(std::time::Instant::now);
        let budget = self.budget.saturating_sub(started.elapsed());
        if budget.is_zero() {
            self.pool.note_timed_out();
            return Err(ApiError::time_budget(self.budget));
        }
        let work = Work::of_run(self.config.estimated_secs(&scenario, 1));
        let what = link::to_query(&scenario, None);
        let pool = self.pool.clone();
        self.pool
            .run_within(asker.client, work, asker.gone.clone(), (budget, self.budget), what, move |cancel| {
                run_or_stop(&scenario, cancel, &pool)
            })
            .await?
    }

    fn keep(&self, key: RunKey, finished: Finished) {
        // The key is a scenario too (its JSON, with its own price path).
        let bytes = finished.as_ref().map_or(256, |run| result_bytes(run)) + key.capacity();
        self.runs.insert(key, finished, bytes);
    }

    /// Runs `work` for `client` off the async runtime: building a response
    /// from a finished run. Heavy work (`heavy`: a figure drawn, a body over
    /// [`HEAVY_BODY_BYTES`], e.g. a 23 MB JSON export) holds a place in the
    /// pool like a run, counted in the client's share, so it waits its turn
    /// instead of running beside every run; a small body is built at once
    /// (64 connections asking for a cached run from one address were all
    /// but one in twelve turned away when every body took a place).
    pub async fn off_runtime<T: Send + 'static>(
        &self,
        client: Option<IpAddr>,
        heavy: bool,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let ticket = if heavy { Some(self.pool.ticket_to_answer(client).await?) } else { None };
        tokio::task::spawn_blocking(move || {
            let _ticket = ticket;
            work()
        })
        .await
        .map_err(|e| {
            let id = uuid::Uuid::new_v4().to_string();
            tracing::error!(panic_id = %id, error = %e, "building a response failed");
            ApiError::panicked(id)
        })
    }

    /// The kept Monte Carlo of `runs` seeds of `scenario`, if any.
    pub fn kept_bands(&self, scenario: &Scenario, runs: u32) -> Option<Arc<MonteCarloResult>> {
        self.bands.get(&(run_key(scenario), runs))
    }

    /// Keeps a finished Monte Carlo, so that the page and the report charts
    /// can shade its bands without running it again.
    pub fn keep_bands(&self, result: Arc<MonteCarloResult>) {
        let bytes = bands_bytes(&result);
        self.bands.insert((run_key(&result.scenario), result.runs), result, bytes);
    }

    /// The Monte Carlo of `runs` seeds of `scenario`: the kept one, else run
    /// now on the pool within the time budget (and kept).
    pub async fn bands(&self, scenario: &Scenario, runs: u32, client: Option<IpAddr>) -> Result<Arc<MonteCarloResult>, ApiError> {
        if let Some(kept) = self.kept_bands(scenario, runs) {
            return Ok(kept);
        }
        self.config.admit_batch("runs", scenario, runs, self.config.batch_threads())?;
        let scenario = scenario.clone();
        let what = link::to_query(&scenario, None);
        let pool = self.pool.clone();
        let result = self
            .pool
            .run_until(client, Work::Long, None, self.budget, what, move |cancel| {
                let report = |_| {};
                montecarlo::run_montecarlo(&scenario, runs, app::catalogue::BAND_COLUMNS, &Progress::new(cancel, &report)).map_err(|e| {
                    match e {
                        BatchError::Invalid(error) => ApiError::bad(error),
                        BatchError::Cancelled => {
                            pool.note_cancelled();
                            stopped(
                                "runs",
                                "the Monte Carlo was stopped before it finished",
                                "a client that waits for the answer, or fewer runs",
                            )
                        }
                    }
                })
            })
            .await??;
        let result = Arc::new(result);
        self.keep_bands(result.clone());
        Ok(result)
    }

    /// Runs the default scenario and every preset into the cache, one at a
    /// time and outside the pool (a short burst at start that should not turn
    /// away the first requests), so that the first visitor and the first click
    /// on a preset card do not wait for them.
    pub async fn warm_up(self: Arc<Self>) {
        let mut scenarios = vec![Scenario::default()];
        scenarios.extend(simulation::presets::all().into_iter().map(|preset| preset.scenario));
        for scenario in scenarios {
            let key = run_key(&scenario);
            match tokio::task::spawn_blocking(move || simulation::run(&scenario).map(Arc::new)).await {
                Ok(finished) => self.keep(key, finished),
                Err(error) => tracing::warn!(%error, "warming the run cache failed"),
            }
        }
    }
}

/// The page's view of the service (what the page finds in Leptos context).
pub fn for_page(service: &Arc<RunService>) -> app::runs::Runs {
    app::runs::Runs(Arc::new(PageRuns(service.clone())))
}

struct PageRuns(Arc<RunService>);

impl app::runs::RunService for PageRuns {
    fn run(&self, scenario: Scenario, asker: Asker) -> RunFuture {
        let service = self.0.clone();
        Box::pin(async move { service.run_for(scenario, asker).await.map_err(|error| page_refusal(&error)) })
    }

    fn bands(&self, scenario: &Scenario, runs: u32) -> Option<Arc<MonteCarloResult>> {
        self.0.kept_bands(scenario, runs)
    }
}

/// What the page says for a server-side refusal: busy, past the budget, stopping.
fn page_refusal(error: &ApiError) -> Refusal {
    let body = &error.body.error;
    if error.status == StatusCode::SERVICE_UNAVAILABLE {
        Refusal { message: format!("{}; {}", body.message, body.allowed), retry_after_secs: Some(error.retry_after.unwrap_or(1)) }
    } else {
        Refusal { message: body.message.clone(), retry_after_secs: None }
    }
}

/// A 503 for work stopped before it finished.
fn stopped(field: &str, message: &str, allowed: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, field, message, allowed)
}

/// Runs one scenario on a pool thread, stopping within a simulated day when
/// `cancel` is set (the client went away, the time budget ran out or the
/// server is stopping).
fn run_or_stop(scenario: &Scenario, cancel: &AtomicBool, pool: &RunPool) -> Result<Finished, ApiError> {
    // A run whose series outgrows what the server sends stops that day (a 400
    // naming the field), instead of running to the end to be refused.
    match simulation::run_bounded(scenario, cancel, crate::config::MAX_OUTPUT_CELLS) {
        Ok(Ok(result)) => Ok(Ok(Arc::new(result))),
        Ok(Err(simulation::Stopped::TooLarge(progress))) => Ok(Err(crate::config::output_too_large(&progress))),
        Ok(Err(simulation::Stopped::Cancelled)) => {
            pool.note_cancelled();
            Err(stopped("run", "the run was stopped before it finished", "a client that waits for the answer"))
        }
        Err(error) => Ok(Err(error)),
    }
}

/// About how many bytes a run holds: its daily records and the per-day
/// vectors (pool shares, hash rate per generation), which grow with pools.
pub fn result_bytes(run: &RunResult) -> usize {
    let per_day_vectors: usize = run.pool_shares.iter().chain(&run.generation_running_ehs).map(|v| v.len() * 8 + 24).sum();
    let events: usize = run.events.iter().map(|e| e.text.len() + e.date.len() + 64).sum();
    std::mem::size_of::<RunResult>() + scenario_bytes(&run.scenario) - std::mem::size_of::<Scenario>()
        + run.days.len() * (std::mem::size_of::<simulation::output::DailyRecord>() + run.days.first().map_or(0, |d| d.date.capacity()))
        + run.observed.len() * std::mem::size_of::<simulation::history::observed::ObservedPoint>()
        + per_day_vectors
        + run.pools.len() * 128
        + run.retargets.len() * 64
        + events
}

/// About how many bytes a scenario holds: itself, its title and its price path
/// (a replay of history carries one of up to 2,555 days).
pub fn scenario_bytes(scenario: &Scenario) -> usize {
    std::mem::size_of::<Scenario>()
        + scenario.title.capacity()
        + scenario.history_replay.capacity()
        + scenario.price_path.capacity() * std::mem::size_of::<simulation::PricePoint>()
}

/// About how many bytes a Monte Carlo's bands hold.
fn bands_bytes(result: &MonteCarloResult) -> usize {
    serde_json::to_vec(result).map_or(1 << 20, |json| json.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::time::Instant;

    fn small(seed: u64) -> Scenario {
        Scenario { operators: 300, years: 1.0, seed, ..Scenario::default() }
    }

    #[tokio::test]
    async fn identical_requests_while_a_scenario_runs_share_its_run() {
        let service = RunService::new(&Config { workers: 2, queue: 8, client_share: 5, ..Config::default() });
        let askers: Vec<_> = (0..8u8)
            .map(|i| {
                let service = service.clone();
                tokio::spawn(async move { service.run(small(91), Some(IpAddr::from([10, 0, 0, i]))).await })
            })
            .collect();
        let mut runs = Vec::new();
        for asker in askers {
            runs.push(asker.await.expect("joined").expect("answered").expect("runs"));
        }
        assert!(runs.iter().all(|run| Arc::ptr_eq(run, &runs[0])), "one run, shared");
        assert_eq!(service.status().completed, 1, "the scenario ran once for 8 requests");
        assert_eq!(service.flights.lock().expect("lock").len(), 0, "nothing left in flight");
    }

    #[tokio::test]
    async fn a_request_waiting_on_a_run_stopped_for_its_own_client_runs_it_itself() {
        let service = RunService::new(&Config { workers: 1, queue: 4, client_share: 5, ..Config::default() });
        let gone = Arc::new(AtomicBool::new(false));
        let leader = {
            let service = service.clone();
            let asker = Asker { client: Some(IpAddr::from([10, 0, 0, 1])), gone: Some(gone.clone()), ..Asker::default() };
            tokio::spawn(async move { service.run_for(Scenario { operators: 3_000, years: 6.0, ..small(92) }, asker).await })
        };
        while service.status().running == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let follower = {
            let service = service.clone();
            tokio::spawn(async move { service.run(Scenario { operators: 3_000, years: 6.0, ..small(92) }, None).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        gone.store(true, Ordering::Relaxed);
        let stopped = leader.await.expect("joined").expect_err("its client went away");
        assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE);
        let run = follower.await.expect("joined").expect("the follower ran it").expect("runs");
        assert_eq!(run.scenario.seed, 92);
        assert_eq!(service.status().cancelled, 1);
        assert_eq!(service.status().completed, 1);
    }

    #[tokio::test]
    async fn the_runs_of_one_request_share_one_time_budget() {
        let service = RunService::new(&Config { budget: Duration::from_secs(2), ..Config::default() });
        // A request whose first run was asked for 3 s ago has no budget left for
        // another (a page's third baseline, say): refused without running.
        let asker = Asker::default();
        asker.first_run.set(Instant::now() - Duration::from_secs(3)).expect("unset");
        let refused = service.run_for(small(93), asker.clone()).await.expect_err("no budget left");
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.body.error.message.contains("time budget"), "{}", refused.body.error.message);
        assert_eq!((service.status().completed, service.status().timed_out), (0, 1));
        // A fresh request has its whole budget.
        assert!(service.run_for(small(93), Asker::default()).await.expect("answered").is_ok());
    }

    #[test]
    fn a_runs_key_tells_apart_what_a_link_leaves_out() {
        let path = Scenario {
            price_path: vec![simulation::PricePoint { date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"), price_usd: 1.0 }],
            ..small(1)
        };
        assert_ne!(run_key(&small(1)), run_key(&path));
        assert_ne!(run_key(&small(1)), run_key(&small(2)));
        assert_eq!(run_key(&small(1)), run_key(&small(1)));
    }

    #[test]
    fn a_runs_bytes_count_its_price_path_observed_series_and_dates() {
        // The red team saw the cache's "256 MB" reach 1.72 GB of RSS: the scenarios
        // (key and the run's own, with price paths) and the date strings were not counted.
        let floor = |run: &RunResult| {
            let path = run.scenario.price_path.len() * std::mem::size_of::<simulation::PricePoint>();
            let observed = run.observed.len() * std::mem::size_of::<simulation::history::observed::ObservedPoint>();
            let dates: usize = run.days.iter().map(|d| d.date.len()).sum();
            let records = run.days.len() * std::mem::size_of::<simulation::output::DailyRecord>();
            (path, observed, records + path + observed + dates)
        };
        for id in ["history-2025q4", "history-2022"] {
            let scenario = Scenario { operators: 50, ..simulation::presets::find(id).expect("preset").scenario };
            let run = simulation::run(&scenario).expect("runs");
            let (path, observed, least) = floor(&run);
            assert!(path + observed > 0, "{id}: a price path or an observed series");
            assert!(result_bytes(&run) >= least, "{id}: {} < {least}", result_bytes(&run));
            assert!(scenario_bytes(&scenario) >= std::mem::size_of::<Scenario>() + path, "{id}");
        }
    }
}
