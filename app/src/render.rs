//! The page's charts, drawn wherever the page's numbers are made: on the
//! server (with the run service: [`page`], server side only) and in the
//! browser's Web Worker (`worker/`, the `draw` feature), from the same code,
//! so the two give the same SVG for the same link.

pub mod charts;
pub mod days_axis;
pub mod fewer_points;
pub mod figures;
pub mod headlines;
#[cfg(feature = "ssr")]
mod page;
pub mod plot;
pub mod sweep_chart;

#[cfg(feature = "ssr")]
pub use page::run_view;

use crate::run_view::{ChartView, StoryView};
use simulation::montecarlo::MonteCarloResult;
use simulation::RunResult;

/// The run's time line, its beats (its preset's script, or from its events)
/// and the charts a projector shows.
pub fn story(run: &RunResult, preset: Option<&str>) -> StoryView {
    let script = preset.and_then(simulation::presets::find).map(|p| p.script);
    // A script names its charts by their text ids (the model knows no charts); each is in the catalogue (test in lab/playback.rs).
    let charts = match &script {
        Some(script) => script.charts.iter().filter_map(|id| crate::catalogue::chart(id)).map(|info| info.id).collect(),
        None => crate::run_view::PROJECTOR_CHARTS.to_vec(),
    };
    StoryView {
        start_date: run.days.first().map(|d| d.date.clone()).unwrap_or_default(),
        days: run.days.len() as u32,
        beats: simulation::story::beats(script.as_ref(), run),
        charts,
    }
}

/// A run's story and its charts as the page draws them: each chart's
/// readout samples the story's beats, the pinned `baselines` and a kept
/// Monte Carlo's `bands` drawn over it, for a phone when `compact`.
pub fn page_charts(
    run: &RunResult,
    preset: Option<&str>,
    baselines: &[charts::Baseline],
    bands: Option<&MonteCarloResult>,
    compact: bool,
) -> (StoryView, Vec<ChartView>) {
    page_charts_of(run, preset, baselines, bands, compact, |_| true)
}

/// [`page_charts`] for the charts `wanted` picks only, each drawn as
/// [`page_charts`] draws it (a dragged slider redraws the charts on screen).
pub fn page_charts_of(
    run: &RunResult,
    preset: Option<&str>,
    baselines: &[charts::Baseline],
    bands: Option<&MonteCarloResult>,
    compact: bool,
    wanted: impl Fn(crate::catalogue::ChartId) -> bool,
) -> (StoryView, Vec<ChartView>) {
    let story = story(run, preset);
    let anchors: Vec<u32> = story.beats.iter().map(|b| b.day).collect();
    let charts = charts::draw_these_at(run, baselines, bands, compact, &anchors, wanted);
    (story, charts)
}
