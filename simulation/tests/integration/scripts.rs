//! Every preset's script lands on its run: each beat's event happens, in the
//! window of days the beat states (its tolerance), on every seed tried.

use super::run;
use simulation::{presets, story, Scenario};

/// Seeds tried per preset, besides the preset's own.
const SEEDS: u64 = 8;

#[test]
fn every_beat_of_every_preset_lands_on_a_real_event_on_every_seed() {
    for preset in presets::all() {
        let seeds = std::iter::once(preset.scenario.seed).chain(1..=SEEDS);
        for seed in seeds {
            let result = run(&Scenario { seed, ..preset.scenario.clone() });
            let days = result.days.len() as u32;
            for beat in &preset.script.beats {
                assert!(beat.near_day < days + beat.within_days, "{}: a beat on day {} of a {days}-day run", preset.id, beat.near_day);
                if beat.kind.is_some() {
                    let event = story::find_event(beat, &result.events);
                    assert!(
                        event.is_some(),
                        "{} seed {seed}: no {:?} ({:?}) within {} days of day {}",
                        preset.id,
                        beat.kind,
                        beat.pick,
                        beat.within_days,
                        beat.near_day
                    );
                }
            }
            let placed = story::place(&preset.script, &result);
            assert_eq!(placed.len(), preset.script.beats.len(), "{} seed {seed}: beats on the same day", preset.id);
            assert!(placed.iter().all(|b| !b.text.contains('{')), "{}: a placeholder left in {placed:?}", preset.id);
        }
    }
}

#[test]
fn a_run_without_a_script_is_told_from_its_events() {
    let result = run(&Scenario { operators: 300, years: 2.0, ..Scenario::default() });
    let beats = story::beats(None, &result);
    assert!(!beats.is_empty() && beats.len() <= story::MOST_EVENT_BEATS, "{beats:?}");
    assert!(beats.windows(2).all(|w| w[0].day < w[1].day));
    assert!(beats.iter().all(|b| result.events.iter().any(|e| e.day == b.day && e.text == b.text)));
}
