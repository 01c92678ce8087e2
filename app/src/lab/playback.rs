//! Playback: a time cursor that moves across every chart at once, the
//! headline figures at its date and the run's beats read aloud. The link
//! keeps the position and the view (`crate::page_state`).
//!
//! Everything here runs in the browser from data the page already holds (each
//! chart's readout, the headlines' sampled values, the beats): playing costs
//! no server round trip per frame.

use crate::browser::{now_ms, set_body_attribute};
use crate::page_state::{date_of, day_number};
use crate::run_view::{EventLine, StoryView};
use leptos::prelude::*;

/// Seconds a whole run takes to play at 1x, whatever its length.
pub const PLAY_SECONDS: f64 = 40.0;
/// The speeds offered.
pub const SPEEDS: &[f64] = &[0.5, 1.0, 2.0, 4.0];

/// A run's time line: positions (0..1) of dates and days, and back.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    start: Option<i64>,
    days: u32,
}

impl Timeline {
    /// The time line of a run of `days` days from `start_date`.
    pub fn new(start_date: &str, days: u32) -> Self {
        Timeline { start: day_number(start_date), days }
    }

    /// The position of day `day` of the run.
    pub fn of_day(&self, day: u32) -> f64 {
        if self.days <= 1 {
            return 0.0;
        }
        (f64::from(day) / f64::from(self.days - 1)).clamp(0.0, 1.0)
    }

    /// The position of an ISO date (`None` outside the run or not a date).
    pub fn of_date(&self, date: &str) -> Option<f64> {
        let day = day_number(date)? - self.start?;
        (0..i64::from(self.days)).contains(&day).then(|| self.of_day(day as u32))
    }

    /// The day of the run at position `at`.
    pub fn day_at(&self, at: f64) -> u32 {
        (at.clamp(0.0, 1.0) * f64::from(self.days.saturating_sub(1))).round() as u32
    }

    /// The ISO date at position `at`.
    pub fn date_at(&self, at: f64) -> String {
        self.start.map(|start| date_of(start + i64::from(self.day_at(at)))).unwrap_or_default()
    }
}

/// The playback's state, shared by the play bar, every chart and the headlines.
#[derive(Clone, Copy)]
pub struct Playback {
    /// The cursor, as a position 0..1 along the run (`None`: no cursor).
    pub at: RwSignal<Option<f64>>,
    /// Playing (the cursor moves every frame).
    pub playing: RwSignal<bool>,
    /// Speed, times [`PLAY_SECONDS`] for the whole run.
    pub speed: RwSignal<f64>,
    /// The beat shown beside the charts (an index into the run's beats).
    pub beat: RwSignal<Option<usize>>,
    /// What the screen reader is told (the latest event or beat passed).
    pub announce: RwSignal<String>,
    /// Bumped to stop an animation loop that belongs to an earlier play.
    generation: StoredValue<u64>,
    /// Frames drawn and milliseconds spent playing, over every play of the page
    /// (their ratio is reported on `<body data-play-fps>`).
    frames: StoredValue<(u32, f64)>,
}

impl Playback {
    /// A stopped playback with no cursor.
    pub fn new() -> Self {
        Playback {
            at: RwSignal::new(None),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            beat: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            generation: StoredValue::new(0),
            frames: StoredValue::new((0, 0.0)),
        }
    }

    /// Stops playing where the cursor is.
    pub fn pause(&self) {
        self.playing.set(false);
        self.generation.update_value(|g| *g += 1);
    }
}

impl Default for Playback {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the play bar stops: beats (with their index) and events, by position.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stops {
    /// Each beat's position.
    pub beats: Vec<f64>,
    /// Each event's position and text, in order.
    pub events: Vec<(f64, String)>,
}

impl Stops {
    /// The stops of a run's story and events.
    pub fn new(story: &StoryView, events: &[EventLine]) -> Self {
        let timeline = Timeline::new(&story.start_date, story.days);
        let mut events: Vec<(f64, String)> =
            events.iter().filter_map(|e| timeline.of_date(&e.date).map(|at| (at, e.text.clone()))).collect();
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        Stops { beats: story.beats.iter().map(|b| timeline.of_day(b.day)).collect(), events }
    }

    /// The first beat after `from` up to and including `to`.
    pub fn beat_in(&self, from: f64, to: f64) -> Option<(usize, f64)> {
        self.beats.iter().copied().enumerate().find(|(_, at)| *at > from && *at <= to)
    }

    /// The beat at exactly `at` (within a hair).
    pub fn beat_at(&self, at: f64) -> Option<usize> {
        self.beats.iter().position(|b| (b - at).abs() < 1e-9)
    }

    /// The last event passed going from `from` to `to`.
    pub fn event_in(&self, from: f64, to: f64) -> Option<&str> {
        self.events.iter().rev().find(|(at, _)| *at > from && *at <= to).map(|(_, text)| text.as_str())
    }

    /// The next stop (beat or event) after `at`, or the one before it.
    pub fn step(&self, at: f64, forward: bool) -> Option<f64> {
        let all = self.beats.iter().copied().chain(self.events.iter().map(|(p, _)| *p));
        if forward {
            all.filter(|p| *p > at + 1e-9).min_by(f64::total_cmp)
        } else {
            all.filter(|p| *p < at - 1e-9).max_by(f64::total_cmp)
        }
    }
}

/// Starts (or resumes) playing: from the start when there is no cursor or it
/// is at the end; a beat on the starting day is shown first, paused.
pub fn play(pb: Playback, stops: StoredValue<Stops>) {
    if !pb.at.get_untracked().is_some_and(|at| at < 1.0) {
        pb.at.set(Some(0.0));
        if let Some(index) = stops.with_value(|s| s.beat_at(0.0)) {
            show_beat(pb, stops, index);
            return;
        }
    }
    pb.playing.set(true);
    pb.generation.update_value(|g| *g += 1);
    let generation = pb.generation.get_value();
    frames(pb, stops, generation, None);
}

/// Shows beat `index`, paused on it, and tells the screen reader.
pub fn show_beat(pb: Playback, stops: StoredValue<Stops>, index: usize) {
    pb.pause();
    if let Some(at) = stops.with_value(|s| s.beats.get(index).copied()) {
        pb.at.set(Some(at));
    }
    pb.beat.set(Some(index));
}

/// Moves the cursor to the next or previous stop, paused.
pub fn step(pb: Playback, stops: StoredValue<Stops>, forward: bool) {
    let at = pb.at.get_untracked().unwrap_or(if forward { -1.0 } else { 2.0 });
    let Some(next) = stops.with_value(|s| s.step(at, forward)) else { return };
    pb.pause();
    pb.at.set(Some(next));
    match stops.with_value(|s| s.beat_at(next)) {
        Some(index) => pb.beat.set(Some(index)),
        None => {
            if let Some(text) = stops.with_value(|s| s.events.iter().find(|(p, _)| (*p - next).abs() < 1e-9).map(|(_, t)| t.clone())) {
                pb.announce.set(text);
            }
        }
    }
}

/// One animation frame: moves the cursor by the time since the last frame,
/// stops on a beat or at the end, measures frames per second, and asks for
/// the next frame while this play lasts.
fn frames(pb: Playback, stops: StoredValue<Stops>, generation: u64, previous_ms: Option<f64>) {
    crate::browser::after_paint(move || {
        if !pb.playing.get_untracked() || pb.generation.get_value() != generation {
            return;
        }
        let now = now_ms();
        let seconds = previous_ms.map_or(0.0, |p| (now - p) / 1_000.0);
        let from = pb.at.get_untracked().unwrap_or(0.0);
        let to = (from + seconds * pb.speed.get_untracked() / PLAY_SECONDS).min(1.0);
        if let Some(text) = stops.with_value(|s| s.event_in(from, to).map(str::to_string)) {
            pb.announce.set(text);
        }
        match stops.with_value(|s| s.beat_in(from, to)) {
            Some((index, _)) => show_beat(pb, stops, index),
            None => {
                pb.at.set(Some(to));
                if to >= 1.0 {
                    pb.pause();
                }
            }
        }
        // Frames per second while playing: each frame after the first of a play counts.
        if previous_ms.is_some() {
            pb.frames.update_value(|(count, ms)| {
                *count += 1;
                *ms += seconds * 1_000.0;
            });
            let (count, ms) = pb.frames.get_value();
            if ms >= 1_000.0 {
                set_body_attribute("data-play-fps", &format!("{:.1}", f64::from(count) * 1_000.0 / ms));
            }
        }
        frames(pb, stops, generation, Some(now));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_view::StoryView;
    use simulation::story::StoryBeat;

    #[test]
    fn every_script_names_two_charts_of_the_catalogue() {
        for preset in simulation::presets::all() {
            for id in preset.script.charts {
                assert!(crate::catalogue::chart(id).is_some(), "{}: no chart {id}", preset.id);
            }
        }
    }

    #[test]
    fn the_timeline_places_dates_days_and_rows() {
        let timeline = Timeline::new("2025-10-06", 548);
        assert_eq!(timeline.of_date("2025-10-06"), Some(0.0));
        assert_eq!(timeline.of_date("2025-10-05"), None);
        let at = timeline.of_date("2025-12-14").unwrap();
        assert_eq!(timeline.day_at(at), 69);
        assert_eq!(timeline.date_at(at), "2025-12-14");
        assert_eq!(timeline.date_at(1.0), "2027-04-06");
        // At a beat's day (a sampled day) the readouts' row is that very day.
        let days = crate::run_view::readout_days(548, &[69]);
        let row = crate::run_view::row_at(&days, at);
        assert_eq!(days[row], 69);
        assert_eq!(timeline.date_at(timeline.of_day(days[row])), "2025-12-14");
        assert_eq!(crate::run_view::row_at(&days, 1.0), days.len() - 1);
        assert_eq!(crate::run_view::row_at(&[], 0.3), 0);
    }

    #[test]
    fn stops_find_beats_and_events_in_order() {
        let story = StoryView {
            start_date: "2025-01-01".into(),
            days: 101,
            beats: vec![
                StoryBeat { day: 0, date: "2025-01-01".into(), kind: None, text: "start".into() },
                StoryBeat { day: 50, date: "2025-02-20".into(), kind: None, text: "middle".into() },
            ],
            charts: vec![],
        };
        let events = [
            EventLine { date: "2025-01-21".into(), kind: "retarget".into(), text: "fell".into() },
            EventLine { date: "2025-03-01".into(), kind: "retarget".into(), text: "rose".into() },
        ];
        let stops = Stops::new(&story, &events);
        assert_eq!(stops.beats, [0.0, 0.5]);
        assert_eq!(stops.beat_in(0.0, 0.49), None, "a beat on the starting point is not crossed");
        assert_eq!(stops.beat_in(0.3, 0.6), Some((1, 0.5)));
        assert_eq!(stops.event_in(0.0, 0.3), Some("fell"));
        assert_eq!(stops.step(0.0, true), Some(0.2));
        assert_eq!(stops.step(0.2, true), Some(0.5));
        assert_eq!(stops.step(0.5, true), Some(0.59));
        assert_eq!(stops.step(0.5, false), Some(0.2));
        assert_eq!(stops.step(0.0, false), None);
    }
}
