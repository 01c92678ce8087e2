//! A run told as a story: beats a teacher reads aloud while the run plays.
//!
//! Each preset carries a script ([`Script`]): beats that each wait for an
//! event of the run (the largest fall of the difficulty in the first weeks,
//! the halving, the first power committed to AI...) or for a day, with one or
//! two sentences naming what to look at. A beat is placed on the real event
//! of the run it is played with, found within a stated window of days
//! ([`Beat::near_day`] ± [`Beat::within_days`]); a beat whose event did not
//! happen in that run is left out rather than told wrongly. Runs without a
//! script get beats written from their own events ([`from_events`]).

use crate::events::{EventKind, RunEvent};
use crate::output::RunResult;
use serde::Serialize;

/// Which of the events in a beat's window it lands on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// The one nearest the beat's day.
    Nearest,
    /// The one with the lowest value, if below zero (the deepest fall).
    Fall,
    /// The one with the highest value, if above zero (the largest rise).
    Rise,
}

/// One beat of a script.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Beat {
    /// The kind of event it waits for; `None`: it lands on `near_day` itself.
    pub kind: Option<EventKind>,
    /// Which event of the window.
    pub pick: Pick,
    /// The day of the run it expects its event on.
    pub near_day: u32,
    /// How far from `near_day` its event may fall, days (the tolerance its test holds it to).
    pub within_days: u32,
    /// What a teacher reads aloud. `{size}` becomes the event's size (its value
    /// without sign: a retarget's %, MW to AI), `{event}` the event's own
    /// sentence, and a daily column in braces (`{ai_mw_pending}`) that
    /// column's value on the beat's day, written as the page's headlines write
    /// it ([`crate::figure::figure`]), so that the beat and the figures beside
    /// it agree.
    pub text: &'static str,
}

/// A preset's script: its beats, and the two charts a projector shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    /// The chart ids (the page's chart catalogue) shown two at a time on a projector.
    pub charts: [&'static str; 2],
    /// The beats, in the order they are meant to play.
    pub beats: Vec<Beat>,
}

/// A beat placed on a run.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoryBeat {
    /// Day of the run.
    pub day: u32,
    /// Its date, ISO 8601.
    pub date: String,
    /// The event it landed on (`None` for a beat on a day).
    pub kind: Option<EventKind>,
    /// What to read aloud.
    pub text: String,
}

/// Most beats written from a run's own events.
pub const MOST_EVENT_BEATS: usize = 8;
/// A retarget large enough to be a beat of its own, % (either way).
pub const BEAT_RETARGET_PCT: f64 = 5.0;

/// An event's value without its sign, as a beat says it: one decimal under
/// 100 (a retarget's 6.5%), whole above (167 MW).
fn size(value: f64) -> String {
    let size = value.abs();
    if size < 100.0 {
        format!("{size:.1}")
    } else {
        format!("{size:.0}")
    }
}

/// The event `beat` lands on in `events`, if it happened in its window.
pub fn find_event<'a>(beat: &Beat, events: &'a [RunEvent]) -> Option<&'a RunEvent> {
    let kind = beat.kind?;
    let window = |e: &&RunEvent| e.kind == kind && e.day.abs_diff(beat.near_day) <= beat.within_days;
    let candidates = events.iter().filter(window);
    match beat.pick {
        Pick::Nearest => candidates.min_by_key(|e| (e.day.abs_diff(beat.near_day), e.day)),
        Pick::Fall => candidates.filter(|e| e.value < 0.0).min_by(|a, b| a.value.total_cmp(&b.value)),
        Pick::Rise => candidates.filter(|e| e.value > 0.0).max_by(|a, b| a.value.total_cmp(&b.value)),
    }
}

/// The beats of `script` placed on `run` (those whose event happened), in day order.
pub fn place(script: &Script, run: &RunResult) -> Vec<StoryBeat> {
    let last_day = run.days.len().saturating_sub(1) as u32;
    let mut beats: Vec<StoryBeat> = script
        .beats
        .iter()
        .filter_map(|beat| match beat.kind {
            None => {
                let day = beat.near_day.min(last_day);
                let date = run.days.get(day as usize)?.date.clone();
                Some(StoryBeat { day, date, kind: None, text: fill_columns(beat.text, run, day) })
            }
            Some(_) => {
                let event = find_event(beat, &run.events)?;
                let text = beat.text.replace("{size}", &size(event.value)).replace("{event}", &event.text);
                let text = fill_columns(&text, run, event.day);
                Some(StoryBeat { day: event.day, date: event.date.clone(), kind: Some(event.kind), text })
            }
        })
        .collect();
    beats.sort_by_key(|b| b.day);
    beats.dedup_by_key(|b| b.day);
    beats
}

/// `text` with each daily column named in braces (`{security_budget_usd_per_day}`)
/// replaced by its value on `day` of `run`, as [`crate::figure::figure`] writes
/// it; other braces are left as they are.
pub fn fill_columns(text: &str, run: &RunResult, day: u32) -> String {
    let Some(record) = run.days.get(day as usize) else { return text.to_string() };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| record.value(&after[..close]).map(|value| (close, value))) {
            Some((close, value)) => {
                out.push_str(&crate::figure::figure(value));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Beats written from a run's own events, for a run without a script: every
/// halving, shock, curtailment, stall and pool crossing, the first power
/// committed and converted to AI, the first waves of exits and entries, and
/// the largest retargets of at least [`BEAT_RETARGET_PCT`]; at most
/// [`MOST_EVENT_BEATS`], the rarest kinds first.
pub fn from_events(run: &RunResult) -> Vec<StoryBeat> {
    let events = &run.events;
    let mut chosen: Vec<&RunEvent> = Vec::new();
    let always = [
        EventKind::ChainStall,
        EventKind::Halving,
        EventKind::PriceShockStart,
        EventKind::PriceShockEnd,
        EventKind::CurtailmentStart,
        EventKind::CurtailmentEnd,
        EventKind::PoolAbove50,
        EventKind::PoolAbove25,
    ];
    for kind in always {
        chosen.extend(events.iter().filter(|e| e.kind == kind));
    }
    for kind in [EventKind::AiCommitted, EventKind::AiConverted, EventKind::ExitWave, EventKind::EntryWave] {
        chosen.extend(events.iter().find(|e| e.kind == kind));
    }
    let mut retargets: Vec<&RunEvent> =
        events.iter().filter(|e| e.kind == EventKind::Retarget && e.value.abs() >= BEAT_RETARGET_PCT).collect();
    retargets.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()).then(a.day.cmp(&b.day)));
    chosen.extend(retargets);
    chosen.truncate(MOST_EVENT_BEATS);
    let mut beats: Vec<StoryBeat> =
        chosen.into_iter().map(|e| StoryBeat { day: e.day, date: e.date.clone(), kind: Some(e.kind), text: e.text.clone() }).collect();
    beats.sort_by_key(|b| b.day);
    beats.dedup_by_key(|b| b.day);
    beats
}

/// The story of `run`: its script (its preset's) placed on it, or beats from its events.
pub fn beats(script: Option<&Script>, run: &RunResult) -> Vec<StoryBeat> {
    match script {
        Some(script) => place(script, run),
        None => from_events(run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(day: u32, kind: EventKind, value: f64) -> RunEvent {
        RunEvent { day, date: format!("day-{day}"), kind, value, text: format!("{kind:?} {value}") }
    }

    fn beat(kind: EventKind, pick: Pick, near_day: u32, within_days: u32) -> Beat {
        Beat { kind: Some(kind), pick, near_day, within_days, text: "moved {size}%: {event}" }
    }

    /// A short real run with `events` in place of its own.
    fn run_with(events: Vec<RunEvent>) -> RunResult {
        RunResult { events, ..crate::run(&crate::Scenario { operators: 50, years: 0.1, ..Default::default() }).unwrap() }
    }

    #[test]
    fn a_beat_lands_on_the_event_its_pick_names_within_its_window() {
        let events = [
            event(10, EventKind::Retarget, -2.0),
            event(24, EventKind::Retarget, -6.5),
            event(38, EventKind::Retarget, 3.0),
            event(52, EventKind::Retarget, 9.0),
            event(40, EventKind::Halving, 1.5625),
        ];
        let fall = beat(EventKind::Retarget, Pick::Fall, 20, 30);
        assert_eq!(find_event(&fall, &events).map(|e| e.day), Some(24));
        let rise = beat(EventKind::Retarget, Pick::Rise, 20, 30);
        assert_eq!(find_event(&rise, &events).map(|e| e.day), Some(38), "day 52 is outside the window");
        let nearest = beat(EventKind::Retarget, Pick::Nearest, 36, 5);
        assert_eq!(find_event(&nearest, &events).map(|e| e.day), Some(38));
        let placed = place(&Script { charts: ["hashrate", "hashprice"], beats: vec![fall] }, &run_with(events.to_vec()));
        assert_eq!(placed[0].text, "moved 6.5%: Retarget -6.5");
        assert_eq!(placed[0].day, 24);
        let none = beat(EventKind::Halving, Pick::Nearest, 100, 30);
        assert!(find_event(&none, &events).is_none(), "the halving came 60 days early");
        let no_fall = beat(EventKind::Retarget, Pick::Fall, 45, 10);
        assert!(find_event(&no_fall, &events).is_none(), "only rises in the window");
    }

    #[test]
    fn a_column_in_braces_states_its_value_on_the_beats_day() {
        let run = run_with(Vec::new());
        let day = 20;
        let hash = run.days[day as usize].hashrate_ehs;
        let text = fill_columns("{hashrate_ehs} EH/s, {size} and {no_such_column}, {", &run, day);
        assert_eq!(text, format!("{} EH/s, {{size}} and {{no_such_column}}, {{", crate::figure::figure(hash)));
        let placed = place(
            &Script {
                charts: ["hashrate", "hashprice"],
                beats: vec![Beat { kind: None, pick: Pick::Nearest, near_day: day, within_days: 0, text: "now {hashrate_ehs}" }],
            },
            &run,
        );
        assert_eq!(placed[0].text, format!("now {}", crate::figure::figure(hash)));
    }

    #[test]
    fn beats_from_events_keep_the_rare_ones_and_the_largest_retargets() {
        let mut events: Vec<RunEvent> = (0..40).map(|k| event(k * 14, EventKind::Retarget, if k % 2 == 0 { 1.0 } else { -1.0 })).collect();
        events.push(event(100, EventKind::Retarget, -12.0));
        events.push(event(300, EventKind::Retarget, 7.0));
        events.push(event(200, EventKind::Halving, 1.5625));
        events.push(event(210, EventKind::AiCommitted, 150.0));
        events.push(event(250, EventKind::AiCommitted, 150.0));
        events.sort_by_key(|e| e.day);
        let beats = from_events(&run_with(events));
        let days: Vec<u32> = beats.iter().map(|b| b.day).collect();
        assert_eq!(days, [100, 200, 210, 300], "the halving, the first AI commitment and the two retargets of 5% or more");
        assert_eq!(beats[0].text, "Retarget -12");
    }
}
