//! Server side of the page: turns a run (from the server's run service, see
//! [`crate::runs`]) into headline figures and SVG charts.

use super::{charts, page_charts};
use crate::page_state::{PageState, MOST_BASELINES};
use crate::run_view::{change_text, show, BaselineKey, Headline, RunView};
use crate::runs::{Asker, Refusal, Runs};
use simulation::output::column as col;
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
    // With bands shown, a baseline whose Monte Carlo of the same seeds is kept shows its spread too.
    let baseline_bands: Vec<_> =
        baseline_runs.iter().map(|(_, _, run)| bands.and_then(|seeds| runs.0.bands(&run.scenario, seeds))).collect();
    let baseline_list: Vec<charts::Baseline> = baseline_runs
        .iter()
        .zip(&baseline_bands)
        .map(|((slot, name, run), bands)| charts::Baseline { name, run, slot: *slot, bands: bands.as_deref() })
        .collect();
    let canonical = link::to_query(&parse.scenario, parse.preset.as_deref());
    let view = match run {
        Ok(run) => {
            // Readouts and headlines sample the beats' days too: at a beat they show its day.
            let (story, charts) = page_charts(&run, parse.preset.as_deref(), &baseline_list, kept_bands.as_deref(), compact);
            let anchors: Vec<u32> = story.beats.iter().map(|b| b.day).collect();
            RunView {
                query: canonical,
                model_version: run.model_version.to_string(),
                warnings: parse.warnings,
                run_notes: run.summary.warnings.iter().cloned().chain(baseline_notes).collect(),
                events: event_lines(&run),
                error: None,
                headlines: headlines(&run, &baseline_list, &anchors),
                story,
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

/// First and last value of a column.
fn ends(run: &RunResult, column: &str) -> Option<(f64, f64)> {
    let first = run.days.first()?.value(column)?;
    let last = run.days.last()?.value(column)?;
    Some((first, last))
}

/// A headline figure: which daily column it shows, and how.
struct HeadlineFigure {
    id: &'static str,
    label: &'static str,
    column: &'static str,
    unit: &'static str,
    relative: bool,
    count: bool,
}

/// The headline figures, in the order the page shows them.
const HEADLINE_FIGURES: &[HeadlineFigure] = &[
    HeadlineFigure { id: "hashrate", label: "Hash rate", column: col::hashrate_ehs, unit: "EH/s", relative: true, count: false },
    HeadlineFigure {
        id: "hashprice",
        label: "Hashprice",
        column: col::hashprice_usd_per_ph_day,
        unit: "USD/PH/day",
        relative: true,
        count: false,
    },
    HeadlineFigure {
        id: "budget",
        label: "Security budget",
        column: col::security_budget_usd_per_day,
        unit: "USD/day",
        relative: true,
        count: false,
    },
    HeadlineFigure {
        id: "nakamoto",
        label: "Nakamoto coefficient (pools)",
        column: col::nakamoto_pools,
        unit: "pools",
        relative: false,
        count: true,
    },
    // Power leaves mining the day it is committed to AI; rent starts when conversion is done.
    HeadlineFigure {
        id: "ai-committed",
        label: "AI: committed, converting",
        column: col::ai_mw_pending,
        unit: "MW",
        relative: false,
        count: false,
    },
    HeadlineFigure { id: "ai", label: "AI: converted", column: col::ai_mw, unit: "MW", relative: false, count: false },
];

/// The headline figures, each with its change from the first day.
fn headlines(run: &RunResult, baselines: &[charts::Baseline], anchors: &[u32]) -> Vec<Headline> {
    let picked = crate::run_view::readout_days(run.days.len(), anchors);
    HEADLINE_FIGURES
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
                series: picked.iter().map(|&day| run.days[day as usize].value(f.column).filter(|v| v.is_finite())).collect(),
                days: picked.clone(),
                relative: f.relative,
                whole: f.count,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::story;
    use simulation::story::{find_event, Script};

    /// The day each beat of `script` lands on in `run`, with its text as written.
    fn script_days(script: &Script, run: &RunResult) -> Vec<(u32, &'static str)> {
        let last = run.days.len().saturating_sub(1) as u32;
        script
            .beats
            .iter()
            .filter_map(|beat| match beat.kind {
                None => Some((beat.near_day.min(last), beat.text)),
                Some(_) => find_event(beat, &run.events).map(|event| (event.day, beat.text)),
            })
            .collect()
    }

    #[test]
    fn a_beat_states_the_numbers_the_headlines_show_at_its_date() {
        let mut checked = 0;
        for preset in simulation::presets::all() {
            for seed in 1..=3 {
                let scenario = simulation::Scenario { operators: 400, seed, ..preset.scenario.clone() };
                let run = simulation::run(&scenario).expect("a preset runs");
                let story = story(&run, Some(preset.id));
                let anchors: Vec<u32> = story.beats.iter().map(|b| b.day).collect();
                let heads = headlines(&run, &[], &anchors);
                let written = script_days(&preset.script, &run);
                for beat in &story.beats {
                    // At a beat the headlines show its very day.
                    for head in &heads {
                        let row =
                            head.days.binary_search(&beat.day).unwrap_or_else(|_| panic!("{}: day {} is sampled", preset.id, beat.day));
                        assert_eq!(crate::run_view::row_at(&head.days, beat.day as f64 / (run.days.len() - 1) as f64), row);
                        let Some(figure) = HEADLINE_FIGURES.iter().find(|f| f.id == head.id) else { continue };
                        let placeholder = format!("{{{}}}", figure.column);
                        let named = written.iter().any(|(day, text)| *day == beat.day && text.contains(&placeholder));
                        if named {
                            let (value, _) = head.at_row(row).expect("a value that day");
                            assert!(
                                beat.text.contains(&format!("{value} ")),
                                "{} seed {seed}, {}: the beat says {:?}, the headline {value} {}",
                                preset.id,
                                beat.date,
                                beat.text,
                                figure.unit
                            );
                            checked += 1;
                        }
                    }
                    assert!(!beat.text.contains('{'), "{}: a placeholder is left in {:?}", preset.id, beat.text);
                }
            }
        }
        assert!(checked >= 15, "beats stating a headline's figure: {checked}");
    }

    #[test]
    fn every_charts_readout_samples_the_beats_days() {
        let preset = simulation::presets::find("late-2025-squeeze").expect("a preset");
        let run = simulation::run(&simulation::Scenario { operators: 400, ..preset.scenario }).expect("runs");
        let story = story(&run, Some(preset.id));
        let anchors: Vec<u32> = story.beats.iter().map(|b| b.day).collect();
        assert!(anchors.len() >= 3, "{anchors:?}");
        for chart in charts::draw_all_at(&run, &[], None, false, &anchors) {
            for beat in &story.beats {
                let row = chart.readout.days.binary_search(&beat.day).expect("sampled");
                assert_eq!(chart.readout.dates[row], beat.date, "{}: the readout's date at the beat", chart.id);
            }
        }
    }
}
