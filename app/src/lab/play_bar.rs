//! The play bar above the charts: play and pause, previous and next event,
//! speed, a scrubber, the projector toggle, and the beat being read.

use super::playback::{play, step, Playback, Stops, Timeline, SPEEDS};
use super::PageLink;
use crate::page_state::PageState;
use crate::run_view::{EventLine, StoryView};
use leptos::prelude::*;

/// Positions of the scrubber.
const SCRUBBER_STEPS: f64 = 1_000.0;

/// The play bar of one run.
#[component]
pub(super) fn PlayBar(story: StoryView, events: Vec<EventLine>) -> impl IntoView {
    let pb = use_context::<Playback>().unwrap_or_default();
    let page = use_context::<PageLink>();
    let timeline = StoredValue::new(Timeline::new(&story.start_date, story.days));
    let stops = StoredValue::new(Stops::new(&story, &events));
    let beats = StoredValue::new(story.beats);
    let has_beats = beats.with_value(|b| !b.is_empty());
    // Open where the link says (once: later changes of the link come from here).
    if pb.at.get_untracked().is_none() {
        if let Some(at) = page.and_then(|p| p.state.get_untracked().at).and_then(|date| timeline.with_value(|t| t.of_date(&date))) {
            pb.at.set(Some(at));
            pb.beat.set(stops.with_value(|s| s.beat_at(at)));
        }
    }
    // A beat shown, or a pause: its date goes into the link, so that it can be sent.
    Effect::new(move |_| {
        let (playing, at) = (pb.playing.get(), pb.at.get());
        let Some(page) = page else { return };
        if playing {
            return;
        }
        let date = at.map(|at| timeline.with_value(|t| t.date_at(at)));
        let state = page.state.get_untracked();
        if state.at != date {
            page.set.run(PageState { at: date, ..state });
        }
    });
    // The beat's text is announced when it is shown.
    Effect::new(move |_| {
        if let Some(index) = pb.beat.get() {
            if let Some(text) = beats.with_value(|b| b.get(index).map(|b| format!("{}: {}", b.date, b.text))) {
                pb.announce.set(text);
            }
        }
    });
    let toggle = move || {
        if pb.playing.get_untracked() {
            pb.pause();
        } else {
            play(pb, stops);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Keys typed into the speed menu or the scrubber are theirs, and a
        // button's own Space and Enter press it.
        let key = ev.key();
        let tag = crate::browser::key_target_tag(&ev);
        if matches!(tag.as_str(), "SELECT" | "INPUT") || (tag == "BUTTON" && matches!(key.as_str(), " " | "Enter")) {
            return;
        }
        match key.as_str() {
            " " | "k" => toggle(),
            "ArrowRight" | "n" => step(pb, stops, true),
            "ArrowLeft" | "p" => step(pb, stops, false),
            "Home" => {
                pb.pause();
                pb.at.set(Some(0.0));
                pb.beat.set(stops.with_value(|s| s.beat_at(0.0)));
            }
            "End" => {
                pb.pause();
                pb.at.set(Some(1.0));
            }
            _ => return,
        }
        ev.prevent_default();
    };
    let position = move || pb.at.get().map(|at| timeline.with_value(|t| t.date_at(at))).unwrap_or_default();
    let projector = move || page.is_some_and(|p| p.state.get().projector);
    let set_projector = move |on: bool| {
        if let Some(page) = page {
            page.set.run(PageState { projector: on, ..page.state.get_untracked() });
        }
    };
    let beat_view = move || {
        pb.beat.get().and_then(|index| beats.with_value(|b| b.get(index).cloned()).map(|beat| (index, beat))).map(|(index, beat)| {
            let count = beats.with_value(Vec::len);
            let last = index + 1 == count;
            view! {
                <div class="beat" data-beat=index.to_string()>
                    <p class="beat-head">
                        <span class="beat-count">{format!("{} of {count}", index + 1)}</span>
                        " "
                        <time class="beat-date" datetime=beat.date.clone()>
                            {beat.date.clone()}
                        </time>
                    </p>
                    <p class="beat-text">{beat.text}</p>
                    <button type="button" class="beat-next" data-play="resume" on:click=move |_| play(pb, stops)>
                        {if last { "Play to the end" } else { "Next" }}
                    </button>
                </div>
            }
        })
    };
    view! {
        <section class="playbar" id="run" tabindex="-1" aria-label="Play the run as a story">
            <div
                class="play-controls"
                role="toolbar"
                aria-label="Playback: space plays or pauses, arrows step between events, Home and End jump"
                tabindex="0"
                on:keydown=on_key
            >
                <button type="button" data-play="prev" aria-label="Previous event" on:click=move |_| step(pb, stops, false)>
                    "◀ Event"
                </button>
                <button
                    type="button"
                    class="play-toggle"
                    data-play="toggle"
                    aria-pressed=move || pb.playing.get().to_string()
                    on:click=move |_| toggle()
                >
                    {move || if pb.playing.get() { "Pause" } else { "Play" }}
                </button>
                <button type="button" data-play="next" aria-label="Next event" on:click=move |_| step(pb, stops, true)>
                    "Event ▶"
                </button>
                <label class="play-speed">
                    "Speed "
                    <select
                        data-play="speed"
                        on:change=move |ev| {
                            if let Ok(speed) = event_target_value(&ev).parse::<f64>() {
                                pb.speed.set(speed);
                            }
                        }
                    >
                        {SPEEDS
                            .iter()
                            .map(|s| {
                                view! {
                                    <option value=s.to_string() selected=move || pb.speed.get() == *s>
                                        {format!("{s}×")}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <input
                    type="range"
                    class="scrubber"
                    data-play="scrubber"
                    aria-label="Position in the run"
                    min="0"
                    max=SCRUBBER_STEPS.to_string()
                    prop:value=move || (pb.at.get().unwrap_or(0.0) * SCRUBBER_STEPS).round().to_string()
                    aria-valuetext=position
                    on:input=move |ev| {
                        if let Ok(step) = event_target_value(&ev).parse::<f64>() {
                            pb.pause();
                            let at = step / SCRUBBER_STEPS;
                            pb.at.set(Some(at));
                            pb.beat.set(stops.with_value(|s| s.beat_at(at)));
                        }
                    }
                />
                <output class="play-date" data-play="date">
                    {position}
                </output>
                <button
                    type="button"
                    class="projector-toggle"
                    data-play="projector"
                    aria-pressed=move || projector().to_string()
                    on:click=move |_| set_projector(!projector())
                >
                    {move || if projector() { "Leave projector view" } else { "Projector view" }}
                </button>
            </div>
            {move || {
                (!has_beats).then(|| view! { <p class="beat-none">"This run has no events to stop at: play it through."</p> })
            }}
            {beat_view}
            <p class="sr-only" aria-live="polite" data-play="announce">
                {move || pb.announce.get()}
            </p>
        </section>
    }
}
