//! Server side of the page: turns a run (from the server's run service, see
//! [`crate::runs`]) into headline figures and SVG charts.

pub mod charts;
pub mod days_axis;
pub mod plot;
pub mod sweep_chart;

use crate::page_state::{PageState, MOST_BASELINES};
use crate::run_view::{change_text, show, BaselineKey, Headline, RunView, StoryView};
use crate::runs::{Asker, Refusal, Runs};
use simulation::{link, RunResult};
use std::time::Instant;

/// Everything the page shows for the run of share-link `query` (run by `runs` for `asker`), with the
/// runs of the named baselines of `baselines` (their link keys, `crate::page_state`) overlaid, the
/// bands of a kept Monte Carlo of `bands` seeds of the same scenario shaded
/// when asked for, and charts drawn for a phone when `compact`.
pub async fn run_view(
    runs: &Runs,
    asker: Asker,
    query: String,
    baselines: Option<String>,
    compact: bool,
    bands: Option<u32>,
) -> Result<RunView, Refusal> {
    let started = Instant::now();
    let parse = link::from_query(&query);
    let kept_bands = bands.and_then(|seeds| runs.0.bands(&parse.scenario, seeds));
    let run = runs.0.run(parse.scenario.clone(), asker.clone()).await?;
    // Each pinned baseline's run (one that cannot run is left out; its link says why when opened).
    let pinned = baselines.map(|keys| PageState::from_query(&keys).baselines).unwrap_or_default();
    let mut baseline_runs = Vec::new();
    let mut baseline_notes = Vec::new();
    for (slot, pinned) in pinned.into_iter().take(MOST_BASELINES).enumerate() {
        match runs.0.run(link::from_query(&pinned.query).scenario, asker.clone()).await? {
            Ok(run) => baseline_runs.push((slot, pinned.name, run)),
            Err(error) => baseline_notes.push(format!(
                "The baseline \u{201c}{}\u{201d} is not drawn: {}: {} (allowed: {}).",
                pinned.name, error.field, error.message, error.allowed
            )),
        }
    }
    let baseline_list: Vec<charts::Baseline> =
        baseline_runs.iter().map(|(slot, name, run)| charts::Baseline { name, run, slot: *slot }).collect();
    let canonical = link::to_query(&parse.scenario, parse.preset.as_deref());
    let view = match run {
        Ok(run) => {
            let charts = charts::draw_all(&run, &baseline_list, kept_bands.as_deref(), compact);
            RunView {
                query: canonical,
                model_version: run.model_version.to_string(),
                warnings: parse.warnings,
                run_notes: run.summary.warnings.iter().cloned().chain(baseline_notes).collect(),
                events: event_lines(&run),
                error: None,
                headlines: headlines(&run, &baseline_list),
                story: story(&run, parse.preset.as_deref()),
                charts,
                baselines: baseline_list
                    .iter()
                    .map(|b| BaselineKey {
                        name: b.name.to_string(),
                        stroke: crate::run_view::BASELINE_STROKE_NAMES[b.slot.min(MOST_BASELINES - 1)].to_string(),
                    })
                    .collect(),
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
            story: Default::default(),
            charts: Vec::new(),
            baselines: Vec::new(),
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

/// The run's time line, its beats (its preset's script, or from its events)
/// and the charts a projector shows.
fn story(run: &RunResult, preset: Option<&str>) -> StoryView {
    let script = preset.and_then(simulation::presets::find).map(|p| p.script);
    let charts = script.as_ref().map_or(crate::run_view::PROJECTOR_CHARTS, |s| s.charts);
    StoryView {
        start_date: run.days.first().map(|d| d.date.clone()).unwrap_or_default(),
        days: run.days.len() as u32,
        beats: simulation::story::beats(script.as_ref(), run),
        charts: charts.iter().map(|c| c.to_string()).collect(),
    }
}

/// First and last value of a column.
fn ends(run: &RunResult, column: &str) -> Option<(f64, f64)> {
    let first = run.days.first()?.value(column)?;
    let last = run.days.last()?.value(column)?;
    Some((first, last))
}

/// The headline figures, each with its change from the first day.
fn headlines(run: &RunResult, baselines: &[charts::Baseline]) -> Vec<Headline> {
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
    let rows = run.days.len();
    let picked = plot::readout_days(rows);
    FIGURES
        .iter()
        .filter_map(|f| {
            let (first, last) = ends(run, f.column)?;
            let baselines = baselines
                .iter()
                .filter_map(|b| ends(b.run, f.column).map(|(_, last)| (b.name.to_string(), format!("{} {}", show(last, f.count), f.unit))))
                .collect();
            Some(Headline {
                id: f.id.to_string(),
                label: f.label.to_string(),
                value: show(last, f.count),
                unit: f.unit.to_string(),
                change: change_text(first, last, f.relative, f.count, f.unit),
                baselines,
                series: picked.iter().map(|&day| run.days[day].value(f.column).filter(|v| v.is_finite())).collect(),
                relative: f.relative,
                whole: f.count,
            })
        })
        .collect()
}
