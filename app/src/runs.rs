//! What the page needs from the server it runs on (server side only): a run
//! service, handed to the page through Leptos context, not kept in statics.
//!
//! The server (`server/src/runs.rs`) implements [`RunService`] once for every
//! path (the page, its CSV, the JSON API, charts, Monte Carlo), so the page's
//! runs share the API's pool, time budget, cancellation and byte-bounded
//! cache, and are counted in `/api/status`. The server provides a [`Runs`]
//! with `leptos_routes_with_context`, and marks each request with the
//! [`Client`] it came from so the pool can share its places fairly.

use simulation::montecarlo::MonteCarloResult;
use simulation::{RunResult, Scenario, ScenarioError};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A run that finished, or the scenario's error (naming the field).
pub type Finished = Result<Arc<RunResult>, ScenarioError>;

/// Why the server did not run a scenario (busy, past the time budget,
/// stopping, a bug), in words for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the page says.
    pub message: String,
    /// When to try again, seconds, if trying again can help (the page's
    /// server function then answers 503 with `Retry-After`).
    pub retry_after_secs: Option<u32>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A boxed future the run service returns.
pub type RunFuture = Pin<Box<dyn Future<Output = Result<Finished, Refusal>> + Send>>;

/// Runs scenarios for the page.
pub trait RunService: Send + Sync + 'static {
    /// Runs `scenario` for `asker` (or takes it from the cache). The outer
    /// error is the server's (busy, past the time budget, stopping), in words
    /// for the page; the inner one the scenario's.
    fn run(&self, scenario: Scenario, asker: Asker) -> RunFuture;

    /// The kept Monte Carlo of `runs` seeds of `scenario`, if the server holds one.
    fn bands(&self, scenario: &Scenario, runs: u32) -> Option<Arc<MonteCarloResult>>;
}

/// The run service as the page finds it in Leptos context.
#[derive(Clone)]
pub struct Runs(pub Arc<dyn RunService>);

/// The address a request came from, as a request extension the server sets
/// on every connection (the pool's per-client share is counted by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client(pub IpAddr);

/// Set when the request's client has gone away, as a request extension the
/// server sets on every request: Leptos renders a page's resources on tasks
/// of their own, which a hang-up does not drop, so they are told this way.
#[derive(Debug, Clone)]
pub struct Hangup(pub Arc<AtomicBool>);

/// Who asks for a run: the client's address, the flag set if it hangs up,
/// and when its request's first run started (clones share it).
#[derive(Debug, Clone, Default)]
pub struct Asker {
    /// The client's address, if known.
    pub client: Option<IpAddr>,
    /// Set when the client has gone away: the run stops.
    pub gone: Option<Arc<AtomicBool>>,
    /// When this request's first run was asked for: every run of one request
    /// (a page's run and its pinned baselines, a figure's) shares one time
    /// budget from then, instead of each getting a budget of its own.
    pub first_run: Arc<std::sync::OnceLock<std::time::Instant>>,
}

/// The run service and who asks, from the Leptos context of the request being served.
pub fn from_context() -> Result<(Runs, Asker), String> {
    let runs = leptos::prelude::use_context::<Runs>().ok_or_else(|| "this server has no run service".to_string())?;
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let asker = Asker {
        client: parts.as_ref().and_then(|parts| parts.extensions.get::<Client>().map(|c| c.0)),
        gone: parts.as_ref().and_then(|parts| parts.extensions.get::<Hangup>().map(|h| h.0.clone())),
        first_run: Arc::default(),
    };
    Ok((runs, asker))
}
