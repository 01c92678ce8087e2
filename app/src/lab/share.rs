//! The share bar: the link of the current run (with its play position, view
//! and pinned baselines), a copy button, up to three named baseline pins, and the `<iframe>` snippet that
//! embeds one of its charts (`/embed/chart/{id}`) or its story with the play
//! control (`/embed/story`) in a course page: the routes other sites may frame.

use super::PageLink;
use crate::browser::{copy_text, page_origin, select_text};
use crate::page_state::{scenario_query, with_state, PageState, Pinned, MOST_BASELINES, MOST_NAME_CHARS};
use crate::run_view::BASELINE_STROKE_NAMES;
use leptos::prelude::*;
use simulation::{link, Scenario};

/// The link of the current run, a copy button and the baseline pins.
#[component]
pub(super) fn ShareBar(
    /// The page's query string.
    query: Memo<String>,
    scenario: Memo<Scenario>,
    preset: Memo<Option<String>>,
) -> impl IntoView {
    let page = use_context::<PageLink>();
    let pinned = move || page.map(|p| p.state.with(|s| s.baselines.clone())).unwrap_or_default();
    // The page's origin, known in the browser only (the server shows a relative link).
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(page_origin()));
    // The link that reproduces what the page shows: always with the model version and
    // seed, and without a broken link's bad fields.
    // It carries the play position and the view too, so that a teacher can send "open at the November retarget".
    let link = Memo::new(move |_| {
        let canonical = scenario.with(|scenario| preset.with(|preset| link::to_query(scenario, preset.as_deref())));
        let state = query.with(|query| PageState::from_query(query));
        format!("{}/?{}", origin.get(), with_state(&canonical, &state))
    });
    let copied = RwSignal::new(None::<&'static str>);
    let input = NodeRef::<leptos::html::Input>::new();
    let copy = move |_| {
        select_text(input);
        copied.set(Some(if copy_text(&link.get_untracked()) { "Copied" } else { "Press Ctrl+C" }));
    };
    Effect::new(move |_| {
        // A new link has not been copied yet.
        link.track();
        copied.set(None);
    });
    // The embed snippet of one chart of this run, or of its story with the play control.
    let embed_chart = RwSignal::new(crate::catalogue::CHARTS[0].id.as_str().to_string());
    let snippet = Memo::new(move |_| {
        let canonical = scenario.with(|scenario| preset.with(|preset| link::to_query(scenario, preset.as_deref())));
        let state = query.with(|query| PageState { projector: false, ..PageState::from_query(query) });
        embed_snippet(&origin.get(), &embed_chart.get(), &with_state(&canonical, &state))
    });
    let embed_copied = RwSignal::new(None::<&'static str>);
    Effect::new(move |_| {
        snippet.track();
        embed_copied.set(None);
    });
    let copy_embed = move |_| {
        embed_copied.set(Some(if copy_text(&snippet.get_untracked()) { "Copied" } else { "Select it and press Ctrl+C" }));
    };
    // Pinning names the run (the name typed, else its title, else its number) and keeps it in the link.
    let pin_name = RwSignal::new(String::new());
    let pin = move |_| {
        let Some(page) = page else { return };
        let mut state = page.state.get_untracked();
        if state.baselines.len() >= MOST_BASELINES {
            return;
        }
        let typed: String = pin_name.get_untracked().trim().chars().take(MOST_NAME_CHARS).collect();
        let title = scenario.with_untracked(|s| s.title.clone());
        let name = if !typed.is_empty() {
            typed
        } else if !title.is_empty() {
            title
        } else {
            format!("Baseline {}", state.baselines.len() + 1)
        };
        state.baselines.push(Pinned { name, query: scenario_query(&query.get_untracked()) });
        pin_name.set(String::new());
        page.set.run(state);
    };
    let unpin = move |index: usize| {
        let Some(page) = page else { return };
        let mut state = page.state.get_untracked();
        if index < state.baselines.len() {
            state.baselines.remove(index);
            page.set.run(state);
        }
    };
    let full = move || pinned().len() >= MOST_BASELINES;
    view! {
        <div class="share">
            <label class="share-label" for="share-link">
                "Link to this run"
            </label>
            <div class="share-row">
                <input
                    id="share-link"
                    class="share-link"
                    type="text"
                    readonly
                    node_ref=input
                    value=move || link.get()
                    prop:value=move || link.get()
                />
                <button type="button" class="copy" on:click=copy>
                    {move || copied.get().unwrap_or("Copy link")}
                </button>
            </div>
            <div class="pin-row">
                <input
                    id="pin-name"
                    class="pin-name"
                    type="text"
                    maxlength=MOST_NAME_CHARS.to_string()
                    placeholder="Name it, e.g. Before the shock"
                    aria-label="Name of the baseline to pin"
                    prop:value=move || pin_name.get()
                    on:input=move |ev| pin_name.set(event_target_value(&ev))
                    disabled=full
                />
                <button type="button" class="pin" on:click=pin disabled=full>
                    {move || if full() { "Three baselines pinned" } else { "Pin as baseline" }}
                </button>
            </div>
            <ul class="pinned" aria-label="Pinned baselines, drawn on every chart">
                {move || {
                    pinned()
                        .into_iter()
                        .enumerate()
                        .map(|(index, pinned)| {
                            let stroke = BASELINE_STROKE_NAMES.get(index).copied().unwrap_or("dashed");
                            let label = format!("Remove the baseline {}", pinned.name);
                            view! {
                                <li class="pinned-item" data-pinned=index.to_string()>
                                    <span class="swatch dashed" data-pattern=stroke style="--swatch: #555"></span>
                                    " "
                                    <span class="pinned-name">{pinned.name}</span>
                                    <button type="button" class="unpin" aria-label=label on:click=move |_| unpin(index)>
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <details class="embed-snippet">
                <summary>"Embed a chart or the story of this run in a course page"</summary>
                <label for="embed-chart">"Show"</label>
                <select id="embed-chart" prop:value=move || embed_chart.get() on:change=move |ev| embed_chart.set(event_target_value(&ev))>
                    {crate::catalogue::CHARTS
                        .iter()
                        .map(|chart| view! { <option value=chart.id.as_str()>{chart.title}</option> })
                        .collect_view()}
                    <option value=STORY_EMBED>"The story: two charts with the play control"</option>
                </select>
                <textarea
                    id="embed-code"
                    class="embed-code"
                    readonly
                    rows="3"
                    aria-label="The iframe to paste"
                    prop:value=move || snippet.get()
                ></textarea>
                <button type="button" class="copy-embed" on:click=copy_embed>
                    {move || embed_copied.get().unwrap_or("Copy the iframe")}
                </button>
            </details>
        </div>
    }
}

/// The embed choice that frames the run's story (`/embed/story`) rather than one chart.
pub(crate) const STORY_EMBED: &str = "story";

/// The height of the story's `<iframe>`, 800 px wide.
const STORY_EMBED_HEIGHT_PX: u32 = 940;

/// The `<iframe>` that shows chart `id` (or, for [`STORY_EMBED`], the story
/// with its play control) of the run of share-link `query`, served from
/// `origin` (empty on the server: a relative address).
pub(crate) fn embed_snippet(origin: &str, id: &str, query: &str) -> String {
    let (path, title, height) = if id == STORY_EMBED {
        // The tallest preset's story, two charts side by side, is 912 px high in a
        // frame 800 px wide (browser test in e2e/playback.test.mjs).
        ("/embed/story".to_string(), "The run as a story", STORY_EMBED_HEIGHT_PX)
    } else {
        (format!("/embed/chart/{id}"), crate::catalogue::chart(id).map_or(id, |chart| chart.title), 660)
    };
    let src = if query.is_empty() { format!("{origin}{path}") } else { format!("{origin}{path}?{query}") };
    format!(
        r#"<iframe src="{}" width="800" height="{height}" style="border:0" title="{}" loading="lazy"></iframe>"#,
        crate::format::escape_xml(&src),
        crate::format::escape_xml(&format!("{title}: Hashlab"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_snippet_frames_the_chart_of_this_link() {
        assert_eq!(
            embed_snippet("https://lab.example", "security-budget", "v=3&seed=7"),
            r#"<iframe src="https://lab.example/embed/chart/security-budget?v=3&amp;seed=7" width="800" height="660" style="border:0" title="Security budget and fee share: Hashlab" loading="lazy"></iframe>"#
        );
        assert_eq!(
            embed_snippet("https://lab.example", STORY_EMBED, "v=3&preset=bull-run&seed=42&at=2025-12-11"),
            r#"<iframe src="https://lab.example/embed/story?v=3&amp;preset=bull-run&amp;seed=42&amp;at=2025-12-11" width="800" height="940" style="border:0" title="The run as a story: Hashlab" loading="lazy"></iframe>"#
        );
    }
}
