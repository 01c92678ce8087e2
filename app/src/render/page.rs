//! Server side of the page: turns a run (from the server's run service, see
//! [`crate::runs`]) into headline figures and SVG charts.

use super::headlines::headlines;
use super::{charts, page_charts};
use crate::page_state::{PageState, MOST_BASELINES};
use crate::run_view::{BaselineKey, RunView};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::story;

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
