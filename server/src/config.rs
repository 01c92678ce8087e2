//! How a Hashlab server is set up, in one place: its addresses, the run
//! pool's size and shares, the time budget, the cache, the connection limits,
//! and the limits on what one request may ask for, with the one admission
//! check every path (page, exports, API, charts, batches) applies.
//!
//! Everything is read from the environment by [`Config::from_env`]; a value
//! that is not a whole number is an error naming the variable.

use crate::error::ApiError;
use crate::web::connections;
use simulation::{RunResult, Scenario, ScenarioError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The largest request body, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The most operators x years one run may ask for (the reference workload,
/// 10,000 operators for 4 years, is 40,000). Bigger runs belong on the command line.
pub const MAX_OPERATOR_YEARS: f64 = 400_000.0;
/// The most operator-years a whole Monte Carlo or sweep may ask for (runs x operators x years).
pub const MAX_BATCH_OPERATOR_YEARS: f64 = 20_000_000.0;
/// The most cells (days x columns, one column per pool among them) one run's
/// series may have in a response: operator-years bound the compute, not the
/// output, and a low `own_pool_min_ehs` gives many operators a pool (and a
/// column) of their own. About 28 MB of CSV; the largest run the budget
/// allows with the default pools (13,333 operators for 30 years: 71 columns
/// x 10,958 days) is 778,000 cells.
pub const MAX_OUTPUT_CELLS: usize = 2_000_000;
/// What one simulated operator-day costs, nanoseconds of one core, for the
/// admission of batches: 1,000 seeds of the default scenario (2,000
/// operators, 4 years) took 9.1-9.5 s on the 2-core reference machine, 5.5 ns
/// per operator-day counting each day's own work as 250 operators'; doubled
/// for a margin. `HASHLAB_NS_PER_OPERATOR_DAY` sets it for a slower machine.
pub const NS_PER_OPERATOR_DAY: u64 = 10;
/// What one pool-day costs when operators run pools of their own (an
/// `own_pool_min_ehs` below its default), nanoseconds of one core: a
/// 10,000-operator, 4-year run with a 0.2 EH/s threshold (about 1,300 pools)
/// took 0.30 s against 0.11 s with the default pools, about 100 ns per
/// pool-day. A run stops once its days x columns pass [`MAX_OUTPUT_CELLS`],
/// so at most that many pool-days are counted.
pub const NS_PER_POOL_DAY: u64 = 100;
/// Large response bodies in flight at once, unless `HASHLAB_RESPONSE_MB` says otherwise (see `runs::bodies`).
pub const RESPONSE_BYTES: usize = 512 << 20;
/// The run cache's size, unless `HASHLAB_CACHE_MB` says otherwise.
pub const CACHE_BYTES: usize = 256 << 20;

/// The server's setup.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`HASHLAB_ADDR`, default 127.0.0.1:3000).
    pub addr: SocketAddr,
    /// The built site: wasm bundle and stylesheet (`HASHLAB_SITE_ROOT`, default `target/site`).
    pub site_root: PathBuf,
    /// Runs at once (`HASHLAB_WORKERS`, default: the cores).
    pub workers: usize,
    /// Runs that may wait for a worker (`HASHLAB_QUEUE`, default 4 x workers).
    pub queue: usize,
    /// Places in the pool (running or waiting) one client address may hold at
    /// once (`HASHLAB_CLIENT_SHARE`, default half of workers + queue).
    pub client_share: usize,
    /// The time budget of one run or one batch (`HASHLAB_RUN_BUDGET_SECS`, default 60).
    pub budget: Duration,
    /// The longest a request waits in the queue for a worker (`HASHLAB_MAX_WAIT_SECS`, default 15).
    pub max_wait: Duration,
    /// Bytes of finished runs kept for reuse (`HASHLAB_CACHE_MB`, default 256).
    pub cache_bytes: usize,
    /// Bytes of large response bodies in flight (`HASHLAB_RESPONSE_MB`, default 512).
    pub response_bytes: usize,
    /// The cost model of batch admission (`HASHLAB_NS_PER_OPERATOR_DAY`, default [`NS_PER_OPERATOR_DAY`]).
    pub ns_per_operator_day: u64,
    /// Connection limits (timeouts, cap, drain).
    pub connections: connections::Limits,
    /// The address readers reach this server at, for the absolute links in
    /// exported figures (`HASHLAB_PUBLIC_URL`, e.g. `https://hashlab.example`).
    /// Without it, links use the request's `Host` only if it is allowed
    /// (see [`Config::allowed_hosts`]), else the listening address.
    pub public_url: Option<String>,
    /// Hosts (`name` or `name:port`) whose `Host` header absolute links may
    /// use when no public URL is set (`HASHLAB_ALLOWED_HOSTS`, comma-separated;
    /// loopback names at the listening port are always allowed): an arbitrary
    /// `Host` never reaches a provenance link, a `Link` header, an embed or a
    /// figure's footer.
    pub allowed_hosts: Vec<String>,
    /// Test-only routes (`/debug/panic`; `HASHLAB_TEST_HOOKS=1`).
    pub test_hooks: bool,
}

/// The default address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// Where the built site lives unless `HASHLAB_SITE_ROOT` says otherwise.
pub const DEFAULT_SITE_ROOT: &str = "target/site";

impl Default for Config {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).max(1);
        let queue = workers * 4;
        Self {
            addr: DEFAULT_ADDR.parse().expect("a valid default address"),
            site_root: PathBuf::from(DEFAULT_SITE_ROOT),
            workers,
            queue,
            client_share: default_share(workers, queue),
            budget: Duration::from_secs(60),
            max_wait: Duration::from_secs(15),
            cache_bytes: CACHE_BYTES,
            response_bytes: RESPONSE_BYTES,
            ns_per_operator_day: NS_PER_OPERATOR_DAY,
            connections: connections::Limits::default(),
            public_url: None,
            allowed_hosts: Vec::new(),
            test_hooks: false,
        }
    }
}

/// Half the pool's places, at least 1: one client can never hold them all.
fn default_share(workers: usize, queue: usize) -> usize {
    (workers + queue).div_ceil(2).max(1)
}

impl Config {
    /// From the environment (see each field); an unreadable value is an error naming its variable.
    pub fn from_env() -> Result<Self, String> {
        let defaults = Self::default();
        let workers = whole("HASHLAB_WORKERS")?.map_or(defaults.workers, |n| n as usize);
        let queue = whole_or_zero("HASHLAB_QUEUE")?.map_or(workers * 4, |n| n as usize);
        let addr = match std::env::var("HASHLAB_ADDR") {
            Ok(text) => text.trim().parse().map_err(|_| {
                format!("HASHLAB_ADDR: `{}` is not an address like 127.0.0.1:3000", text.chars().take(64).collect::<String>())
            })?,
            Err(_) => defaults.addr,
        };
        Ok(Self {
            addr,
            site_root: std::env::var_os("HASHLAB_SITE_ROOT").map_or(defaults.site_root, PathBuf::from),
            workers,
            queue,
            client_share: whole("HASHLAB_CLIENT_SHARE")?.map_or(default_share(workers, queue), |n| n as usize),
            budget: whole("HASHLAB_RUN_BUDGET_SECS")?.map_or(defaults.budget, Duration::from_secs),
            max_wait: whole("HASHLAB_MAX_WAIT_SECS")?.map_or(defaults.max_wait, Duration::from_secs),
            cache_bytes: whole_or_zero("HASHLAB_CACHE_MB")?.map_or(defaults.cache_bytes, |mb| (mb as usize) << 20),
            response_bytes: whole("HASHLAB_RESPONSE_MB")?.map_or(defaults.response_bytes, |mb| (mb as usize) << 20),
            ns_per_operator_day: whole("HASHLAB_NS_PER_OPERATOR_DAY")?.unwrap_or(defaults.ns_per_operator_day),
            connections: connections::Limits::from_env()?,
            public_url: public_url()?,
            allowed_hosts: allowed_hosts()?,
            test_hooks: std::env::var("HASHLAB_TEST_HOOKS").is_ok_and(|v| v == "1"),
        })
    }

    /// The site's address for links in exported figures: the configured
    /// public URL, else `http://` and the request's `host`, else the listening address.
    pub fn site_url(&self, host: Option<&str>) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let host = host.filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)));
        let host = host.map(str::to_ascii_lowercase).filter(|h| self.host_allowed(h));
        format!("http://{}", host.unwrap_or_else(|| self.addr.to_string()))
    }

    /// Whether absolute links may name `host` (a `Host` header's value): one
    /// of [`Config::allowed_hosts`], or a loopback name at the listening port.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.allowed_hosts.contains(&host) {
            return true;
        }
        let port = self.addr.port();
        ["localhost", "127.0.0.1", "[::1]"].iter().any(|name| host == format!("{name}:{port}") || (port == 80 && host == *name))
            || host == self.addr.to_string()
    }

    /// [`Config::site_url`] for a request with `headers` (its `Host`).
    pub fn site_of(&self, headers: &axum::http::HeaderMap) -> String {
        self.site_url(headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()))
    }

    /// The seconds of one core `runs` runs of `scenario` are expected to take
    /// (an upper estimate: see [`NS_PER_OPERATOR_DAY`]).
    pub fn estimated_secs(&self, scenario: &Scenario, runs: u32) -> f64 {
        // Each day also costs the work of the protocol and the default pools,
        // about that of 250 operators.
        let days = scenario.years * 365.25;
        let operator_days = (f64::from(scenario.operators) + 250.0) * days;
        // Operators' own pools (see NS_PER_POOL_DAY): at most one per operator,
        // and never more pool-days than the output limit lets a run reach.
        let own_pools = scenario.own_pool_min_ehs < Scenario::default().own_pool_min_ehs;
        let pool_days = if own_pools { (f64::from(scenario.operators) * days).min(MAX_OUTPUT_CELLS as f64) } else { 0.0 };
        let per_run = operator_days * self.ns_per_operator_day as f64 + pool_days * NS_PER_POOL_DAY as f64;
        per_run * 1e-9 * f64::from(runs)
    }

    /// The cores one batch can count on while it runs: the pool runs as many
    /// pieces of work at once as there are workers (by default the cores), and
    /// a batch shares the machine with them, so a batch admitted on every
    /// core's time was stopped at 261 of its 333 runs when the pool was full.
    pub fn batch_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (cores / self.workers.max(1)).max(1)
    }

    /// Refuses a batch (Monte Carlo, sweep) that cannot finish within the
    /// time budget with the cores it gets (`threads`), or that is over
    /// [`MAX_BATCH_OPERATOR_YEARS`], naming `field` (what to lower).
    pub fn admit_batch(&self, field: &str, scenario: &Scenario, runs: u32, threads: usize) -> Result<(), ApiError> {
        let batch = f64::from(scenario.operators) * scenario.years * f64::from(runs);
        if batch > MAX_BATCH_OPERATOR_YEARS {
            return Err(ScenarioError::new(
                field,
                format!(
                    "{runs} runs of {} operators for {} years is {batch:.0} operator-years, over this server's budget",
                    scenario.operators, scenario.years
                ),
                format!("runs x operators x years up to {MAX_BATCH_OPERATOR_YEARS:.0}"),
            )
            .into());
        }
        let per_run = self.estimated_secs(scenario, 1);
        self.admit_secs(
            field,
            per_run * f64::from(runs),
            per_run,
            threads,
            &format!("{runs} runs of {} operators for {} years", scenario.operators, scenario.years),
        )
    }

    /// Refuses work expected to take `secs` of one core (`per_run` a run)
    /// that cannot finish within the time budget on `threads` cores,
    /// describing it as `what` and naming `field`.
    pub fn admit_secs(&self, field: &str, secs: f64, per_run: f64, threads: usize, what: &str) -> Result<(), ApiError> {
        let budget = self.budget.as_secs_f64();
        let threads = threads.max(1) as f64;
        let wall = secs / threads;
        if wall <= budget {
            return Ok(());
        }
        let most = (budget * threads / per_run.max(1e-9)).floor().max(0.0) as u64;
        Err(ScenarioError::new(
            field,
            format!("{what} would take about {wall:.0} s, over this server's time budget of {budget:.0} s"),
            format!("work that fits in {budget:.0} s: about {most} runs of this scenario, or fewer operators or years; larger batches on the command line"),
        )
        .into())
    }
}

/// Checks a scenario against its ranges and the budget of one run (a 400 naming the field).
pub fn admit(scenario: &Scenario) -> Result<(), ApiError> {
    check_run(scenario).map_err(ApiError::from)
}

/// Checks a scenario against its ranges and the budget of one run.
pub fn check_run(scenario: &Scenario) -> Result<(), ScenarioError> {
    scenario.validate()?;
    let operator_years = f64::from(scenario.operators) * scenario.years;
    if operator_years > MAX_OPERATOR_YEARS {
        return Err(ScenarioError::new(
            "operators",
            format!(
                "{} operators for {} years is {operator_years:.0} operator-years, over this server's budget for one run",
                scenario.operators, scenario.years
            ),
            format!("operators x years up to {MAX_OPERATOR_YEARS:.0} (e.g. 10,000 operators for up to 30 years); larger runs with `hashlab run`"),
        ));
    }
    Ok(())
}

/// Refuses to send a run whose series would be over [`MAX_OUTPUT_CELLS`]
/// (runs the server starts stop on the day they outgrow it:
/// [`output_too_large`]; this checks any other run before its output is built).
pub fn admit_output(run: &RunResult) -> Result<(), ApiError> {
    let progress = simulation::RunProgress { day: run.days.len() as u32, days: run.days.len() as u32, pools: run.pools.len() };
    if progress.output_cells() <= MAX_OUTPUT_CELLS {
        return Ok(());
    }
    Err(output_too_large(&progress).into())
}

/// The 400 for a run whose series outgrew [`MAX_OUTPUT_CELLS`], naming the
/// field that grew it: `own_pool_min_ehs` when pools are most of the columns, else `years`.
pub fn output_too_large(progress: &simulation::RunProgress) -> ScenarioError {
    let (days, pools) = (progress.days, progress.pools);
    let columns = simulation::output::DailyRecord::COLUMNS.len() + pools;
    let field = if pools > simulation::output::DailyRecord::COLUMNS.len() { "own_pool_min_ehs" } else { "years" };
    ScenarioError::new(
        field,
        format!(
            "{days} days x {columns} columns (one per pool: {pools} pools by day {}) is {} cells of output, over this server's limit for one run",
            progress.day,
            progress.output_cells()
        ),
        format!(
            "days x columns up to {MAX_OUTPUT_CELLS}: a larger own_pool_min_ehs (fewer operators run their own pool), fewer operators or fewer years; larger runs with `hashlab run`"
        ),
    )
}

/// `HASHLAB_PUBLIC_URL`: an `http://` or `https://` address, without its trailing `/`.
pub fn public_url() -> Result<Option<String>, String> {
    let Ok(text) = std::env::var("HASHLAB_PUBLIC_URL") else { return Ok(None) };
    let url = text.trim().trim_end_matches('/');
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(Some(url.to_string())),
        _ => Err(format!(
            "HASHLAB_PUBLIC_URL: `{}` is not an address like https://hashlab.example",
            text.chars().take(64).collect::<String>()
        )),
    }
}

/// `HASHLAB_ALLOWED_HOSTS`: comma-separated host names, each with an optional port.
pub fn allowed_hosts() -> Result<Vec<String>, String> {
    let Ok(text) = std::env::var("HASHLAB_ALLOWED_HOSTS") else { return Ok(Vec::new()) };
    text.split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| {
            if h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) {
                Ok(h.to_ascii_lowercase())
            } else {
                Err(format!(
                    "HASHLAB_ALLOWED_HOSTS: `{}` is not a host name like lab.example or lab.example:8080",
                    h.chars().take(64).collect::<String>()
                ))
            }
        })
        .collect()
}

fn whole(name: &str) -> Result<Option<u64>, String> {
    match whole_or_zero(name)? {
        Some(0) => Err(format!("{name}: 0 is not allowed; a whole number of at least 1")),
        other => Ok(other),
    }
}

fn whole_or_zero(name: &str) -> Result<Option<u64>, String> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("{name}: `{}` is not a whole number", text.chars().take(32).collect::<String>())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_link_to_the_public_url_else_the_request_host() {
        let config = Config::default();
        // An arbitrary Host never makes an absolute link: the listening address does.
        assert_eq!(config.site_url(Some("lab.example:8080")), "http://127.0.0.1:3000");
        assert_eq!(config.site_url(Some("localhost:3000")), "http://localhost:3000");
        assert_eq!(config.site_url(Some("127.0.0.1:3000")), "http://127.0.0.1:3000");
        assert_eq!(config.site_url(Some("localhost:9999")), "http://127.0.0.1:3000", "another port is another server");
        let allowed = Config { allowed_hosts: vec!["lab.example:8080".into()], ..Config::default() };
        assert_eq!(allowed.site_url(Some("LAB.example:8080")), "http://lab.example:8080");
        assert_eq!(config.site_url(None), "http://127.0.0.1:3000");
        assert_eq!(config.site_url(Some("evil\"><script>")), "http://127.0.0.1:3000", "a Host that is not a host name is not used");
        let public = Config { public_url: Some("https://hashlab.example".into()), ..Config::default() };
        assert_eq!(public.site_url(Some("127.0.0.1:3000")), "https://hashlab.example");
    }

    #[test]
    fn one_client_never_holds_every_place() {
        assert_eq!(default_share(2, 8), 5);
        assert_eq!(default_share(1, 0), 1);
        assert_eq!(default_share(16, 64), 40);
    }

    #[test]
    fn pools_of_their_own_count_in_a_runs_cost_up_to_the_output_limit() {
        let config = Config { ns_per_operator_day: 10, ..Config::default() };
        let plain = Scenario { operators: 10_000, years: 4.0, ..Scenario::default() };
        let pooled = Scenario { own_pool_min_ehs: 0.2, ..plain.clone() };
        let base = config.estimated_secs(&plain, 1);
        assert!((base - 10_250.0 * 1_461.0 * 10e-9).abs() < 1e-9, "{base}");
        let extra = config.estimated_secs(&pooled, 1) - base;
        assert!((extra - MAX_OUTPUT_CELLS as f64 * NS_PER_POOL_DAY as f64 * 1e-9).abs() < 1e-9, "{extra}");
        assert!(config.estimated_secs(&pooled, 10) > 10.0 * base, "per run, times runs");
    }

    #[test]
    fn a_batch_counts_on_one_core_per_worker() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(Config { workers: cores, ..Config::default() }.batch_threads(), 1);
        assert_eq!(Config { workers: 1, ..Config::default() }.batch_threads(), cores);
    }

    #[test]
    fn a_batch_that_cannot_finish_in_the_budget_is_refused_naming_runs() {
        let config = Config { budget: Duration::from_secs(60), ns_per_operator_day: 20, ..Config::default() };
        let scenario = Scenario { operators: 10_000, years: 2.0, ..Scenario::default() };
        // 10,250 x 730.5 x 20 ns = 0.15 s a run: 400 runs fit on one core, 500 do not.
        assert!(config.admit_batch("runs", &scenario, 400, 1).is_ok());
        let refused = config.admit_batch("runs", &scenario, 500, 1).expect_err("over the budget");
        assert_eq!(refused.body.error.field, "runs");
        assert!(refused.body.error.message.contains("time budget of 60 s"), "{}", refused.body.error.message);
        assert!(refused.body.error.allowed.contains("about 400 runs"), "{}", refused.body.error.allowed);
        assert!(config.admit_batch("runs", &scenario, 500, 2).is_ok(), "two cores halve the time");
    }
}
