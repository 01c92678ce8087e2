//! The headline figures over the charts: which daily columns they show and
//! how, at the end of a run and on the days its readouts sample. The server's
//! page view and the browser's worker (following a dragged slider) both
//! write them from here, so the two say the same.

use super::charts;
use crate::run_view::{change_text, show, EndFigure, Headline};
use simulation::output::column as col;
use simulation::RunResult;

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

/// The headline figures, each with its change from the first day and its value
/// on the days of `anchors` (the beats') among those the readouts sample.
pub fn headlines(run: &RunResult, baselines: &[charts::Baseline], anchors: &[u32]) -> Vec<Headline> {
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

/// The headline figures at the end of `run`, as the page's cards show them
/// with no baselines pinned and no playback cursor.
pub fn end_figures(run: &RunResult) -> Vec<EndFigure> {
    headlines(run, &[], &[]).into_iter().map(|h| EndFigure { id: h.id, value: h.value, change: h.change }).collect()
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
    fn the_end_figures_are_the_headlines_at_the_end() {
        let run = simulation::run(&simulation::Scenario { operators: 200, years: 0.5, ..Default::default() }).expect("runs");
        let figures = end_figures(&run);
        let heads = headlines(&run, &[], &[]);
        assert_eq!(figures.len(), HEADLINE_FIGURES.len());
        for (figure, head) in figures.iter().zip(&heads) {
            assert_eq!((&figure.id, &figure.value, &figure.change), (&head.id, &head.value, &head.change));
            assert!(!figure.value.is_empty() && !figure.change.is_empty(), "{figure:?}");
        }
    }
}
