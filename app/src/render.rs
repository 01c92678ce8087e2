//! Server side of the page: runs scenarios off the async runtime, keeps the
//! last few runs, and turns a run into headline figures and SVG charts.

pub mod charts;
pub mod days_axis;
pub mod plot;
pub mod sweep_chart;

use crate::run_view::{Headline, RunView};
use simulation::montecarlo::MonteCarloResult;
use simulation::{link, RunResult, Scenario, ScenarioError};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// Runs kept for reuse (a pinned baseline, going back and forth on a slider).
const CACHED_RUNS: usize = 16;
/// Without a shared run pool (see [`set_run_gate`]; `hashlab serve` sets one):
/// simulations running at once; more wait their turn.
const CONCURRENT_RUNS: usize = 2;
/// Page runs that may wait for a turn; past this the page says the server is busy
/// at once instead of piling up requests.
const WAITING_RUNS: usize = 8;

type Cached = Result<Arc<RunResult>, ScenarioError>;

fn cache() -> &'static Mutex<VecDeque<(Scenario, Cached)>> {
    static CACHE: OnceLock<Mutex<VecDeque<(Scenario, Cached)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(VecDeque::with_capacity(CACHED_RUNS)))
}

/// A place to run one simulation, held while it runs (dropping it frees the place).
pub type RunPlace = Box<dyn Send>;
/// Gets a place to run, or says why not (e.g. the server is busy).
pub type RunGate = Arc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<RunPlace, String>> + Send>> + Send + Sync>;

fn gate() -> &'static Mutex<Option<RunGate>> {
    static GATE: OnceLock<Mutex<Option<RunGate>>> = OnceLock::new();
    GATE.get_or_init(|| Mutex::new(None))
}

/// Makes the page's runs take their place in the server's bounded run pool
/// (the JSON API's), so that page and API together never run more
/// simulations at once than the pool has workers. Without a gate the page
/// uses its own small queue.
pub fn set_run_gate(run_gate: RunGate) {
    *gate().lock().unwrap_or_else(|e| e.into_inner()) = Some(run_gate);
}

fn permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_RUNS))
}

/// The largest run the page and the JSON API start: operators times years
/// (the API re-exports this one). Bigger runs belong on the command line.
pub const MAX_OPERATOR_YEARS: f64 = 400_000.0;

/// Refuses runs over [`MAX_OPERATOR_YEARS`], naming the field to change.
fn admit(scenario: &Scenario) -> Result<(), ScenarioError> {
    let operator_years = f64::from(scenario.operators) * scenario.years;
    if operator_years > MAX_OPERATOR_YEARS {
        return Err(ScenarioError::new(
            "operators",
            format!(
                "{} operators for {} years is {operator_years:.0} operator-years, more than the web page runs",
                scenario.operators, scenario.years
            ),
            format!("operators x years up to {MAX_OPERATOR_YEARS:.0}; larger runs with `hashlab run`"),
        ));
    }
    Ok(())
}

/// Runs `scenario` on the blocking pool (or takes it from the cache).
pub async fn run_cached(scenario: Scenario) -> Result<Cached, String> {
    if let Err(error) = admit(&scenario) {
        return Ok(Err(error));
    }
    if let Some(hit) = lookup(&scenario) {
        return Ok(hit);
    }
    let shared = gate().lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(shared) = shared {
        let _place = shared().await?;
        return run_into_cache(scenario).await;
    }
    let _permit = match permits().try_acquire() {
        Ok(permit) => permit,
        Err(_) => {
            static WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            use std::sync::atomic::Ordering;
            if WAITING.fetch_add(1, Ordering::SeqCst) >= WAITING_RUNS {
                WAITING.fetch_sub(1, Ordering::SeqCst);
                return Err("the server is busy with other runs; try again in a moment".to_string());
            }
            let permit = permits().acquire().await;
            WAITING.fetch_sub(1, Ordering::SeqCst);
            permit.map_err(|e| e.to_string())?
        }
    };
    run_into_cache(scenario).await
}

/// Runs `scenario` on the blocking pool (unless a run that finished meanwhile
/// has it) and keeps the result.
async fn run_into_cache(scenario: Scenario) -> Result<Cached, String> {
    if let Some(hit) = lookup(&scenario) {
        return Ok(hit);
    }
    let key = scenario.clone();
    let result = tokio::task::spawn_blocking(move || simulation::run(&scenario).map(Arc::new))
        .await
        .map_err(|e| format!("the simulation stopped: {e}"))?;
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() == CACHED_RUNS {
        cache.pop_front();
    }
    cache.push_back((key, result.clone()));
    Ok(result)
}

/// Runs the default scenario and every preset into the cache, so that the
/// first visitor and the first click on a preset card do not wait for them.
pub async fn warm_up() {
    let mut scenarios = vec![Scenario::default()];
    scenarios.extend(simulation::presets::all().into_iter().map(|preset| preset.scenario));
    // One at a time, outside the run pool: a short burst at start that should
    // not turn away the first requests.
    for scenario in scenarios {
        if let Err(e) = run_into_cache(scenario).await {
            tracing_warn(&e);
        }
    }
}

fn tracing_warn(message: &str) {
    eprintln!("hashlab: warming the run cache failed: {message}");
}

fn lookup(scenario: &Scenario) -> Option<Cached> {
    let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    cache.iter().find(|(key, _)| key == scenario).map(|(_, result)| result.clone())
}

/// Monte Carlo results kept to shade their bands on the charts of their scenario.
const CACHED_BANDS: usize = 8;

type BandsEntry = ((Scenario, u32), Arc<MonteCarloResult>);

fn bands_cache() -> &'static Mutex<VecDeque<BandsEntry>> {
    static CACHE: OnceLock<Mutex<VecDeque<BandsEntry>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(VecDeque::with_capacity(CACHED_BANDS)))
}

/// Keeps a finished Monte Carlo (the latest [`CACHED_BANDS`]) so that the page
/// and the report charts can shade its bands without running it again.
pub fn store_bands(result: Arc<MonteCarloResult>) {
    let key = (result.scenario.clone(), result.runs);
    let mut cache = bands_cache().lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|(k, _)| *k != key);
    if cache.len() == CACHED_BANDS {
        cache.pop_front();
    }
    cache.push_back((key, result));
}

/// The kept Monte Carlo of `runs` seeds of `scenario`, if any.
pub fn cached_bands(scenario: &Scenario, runs: u32) -> Option<Arc<MonteCarloResult>> {
    let cache = bands_cache().lock().unwrap_or_else(|e| e.into_inner());
    cache.iter().find(|((s, r), _)| *r == runs && s == scenario).map(|(_, result)| result.clone())
}

/// Everything the page shows for the run of share-link `query`, with the
/// run of `baseline` (another share-link query) overlaid when given, the
/// bands of a kept Monte Carlo of `bands` seeds of the same scenario shaded
/// when asked for, and charts drawn for a phone when `compact`.
pub async fn run_view(query: String, baseline: Option<String>, compact: bool, bands: Option<u32>) -> Result<RunView, String> {
    let started = Instant::now();
    let parse = link::from_query(&query);
    let kept_bands = bands.and_then(|runs| cached_bands(&parse.scenario, runs));
    let run = run_cached(parse.scenario.clone()).await?;
    let baseline_run = match baseline {
        Some(baseline) => run_cached(link::from_query(&baseline).scenario).await?.ok(),
        None => None,
    };
    let canonical = link::to_query(&parse.scenario, parse.preset.as_deref());
    let view = match run {
        Ok(run) => {
            let charts = charts::draw_all(&run, baseline_run.as_deref(), kept_bands.as_deref(), compact);
            RunView {
                query: canonical,
                model_version: run.model_version.to_string(),
                warnings: parse.warnings,
                run_notes: run.summary.warnings.clone(),
                events: event_lines(&run),
                error: None,
                headlines: headlines(&run, baseline_run.as_deref()),
                charts,
                with_baseline: baseline_run.is_some(),
                bands_runs: kept_bands.as_ref().map(|b| b.runs),
                bands_missing: bands.is_some() && kept_bands.is_none(),
                server_ms: 0.0,
            }
        }
        Err(error) => RunView {
            query: canonical,
            model_version: simulation::MODEL_VERSION.to_string(),
            warnings: parse.warnings,
            run_notes: Vec::new(),
            events: Vec::new(),
            error: Some(error),
            headlines: Vec::new(),
            charts: Vec::new(),
            with_baseline: false,
            bands_runs: None,
            bands_missing: false,
            server_ms: 0.0,
        },
    };
    Ok(RunView { server_ms: started.elapsed().as_secs_f64() * 1e3, ..view })
}

/// The run's events as the page lists them.
fn event_lines(run: &RunResult) -> Vec<crate::run_view::EventLine> {
    run.events
        .iter()
        .map(|event| crate::run_view::EventLine {
            date: event.date.clone(),
            kind: serde_json::to_value(event.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            text: event.text.clone(),
        })
        .collect()
}

/// First and last value of a column.
fn ends(run: &RunResult, column: &str) -> Option<(f64, f64)> {
    let first = run.days.first()?.value(column)?;
    let last = run.days.last()?.value(column)?;
    Some((first, last))
}

/// The headline figures, each with its change from the first day.
fn headlines(run: &RunResult, baseline: Option<&RunResult>) -> Vec<Headline> {
    struct Figure {
        id: &'static str,
        label: &'static str,
        column: &'static str,
        unit: &'static str,
        relative: bool,
        count: bool,
    }
    const FIGURES: &[Figure] = &[
        Figure { id: "hashrate", label: "Hash rate", column: "hashrate_ehs", unit: "EH/s", relative: true, count: false },
        Figure {
            id: "hashprice",
            label: "Hashprice",
            column: "hashprice_usd_per_ph_day",
            unit: "USD/PH/day",
            relative: true,
            count: false,
        },
        Figure {
            id: "budget",
            label: "Security budget",
            column: "security_budget_usd_per_day",
            unit: "USD/day",
            relative: true,
            count: false,
        },
        Figure {
            id: "nakamoto",
            label: "Nakamoto coefficient (pools)",
            column: "nakamoto_pools",
            unit: "pools",
            relative: false,
            count: true,
        },
        // Power leaves mining the day it is committed to AI; rent starts when conversion is done.
        Figure {
            id: "ai-committed",
            label: "AI: committed, converting",
            column: "ai_mw_pending",
            unit: "MW",
            relative: false,
            count: false,
        },
        Figure { id: "ai", label: "AI: converted", column: "ai_mw", unit: "MW", relative: false, count: false },
    ];
    FIGURES
        .iter()
        .filter_map(|f| {
            let (first, last) = ends(run, f.column)?;
            let show = |v: f64| if f.count { format!("{v:.0}") } else { plot::figure(v) };
            let change = if f.relative && first != 0.0 {
                format!("{:+.0}% from {} {}", (last / first - 1.0) * 100.0, show(first), f.unit)
            } else {
                let sign = if last >= first { "+" } else { "" };
                format!("{sign}{} from {} {}", show(last - first), show(first), f.unit)
            };
            let baseline = baseline.and_then(|b| ends(b, f.column)).map(|(_, b)| format!("{} {}", show(b), f.unit));
            Some(Headline {
                id: f.id.to_string(),
                label: f.label.to_string(),
                value: show(last),
                unit: f.unit.to_string(),
                change,
                baseline,
            })
        })
        .collect()
}
