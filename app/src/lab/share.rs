//! The share bar: the link of the current run, a copy button and the baseline pin.

use crate::browser::{copy_text, page_origin, select_text};
use leptos::prelude::*;
use simulation::{link, Scenario};

/// The link of the current run, a copy button and the baseline pin.
#[component]
pub(super) fn ShareBar(
    /// The page's query string (the baseline pin keeps it).
    query: Memo<String>,
    scenario: Memo<Scenario>,
    preset: Memo<Option<String>>,
    baseline: RwSignal<Option<String>>,
) -> impl IntoView {
    // The page's origin, known in the browser only (the server shows a relative link).
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(page_origin()));
    // The link that reproduces what the page shows: always with the model version and
    // seed, and without a broken link's bad fields.
    let link = Memo::new(move |_| {
        let canonical = scenario.with(|scenario| preset.with(|preset| link::to_query(scenario, preset.as_deref())));
        format!("{}/?{canonical}", origin.get())
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
    let pin = move |_| {
        if baseline.with_untracked(Option::is_some) {
            baseline.set(None);
        } else {
            baseline.set(Some(query.get_untracked()));
        }
    };
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
                <button
                    type="button"
                    class="pin"
                    aria-pressed=move || if baseline.with(Option::is_some) { "true" } else { "false" }
                    on:click=pin
                >
                    {move || {
                        if baseline.with(Option::is_some) { "Clear baseline" } else { "Pin as baseline" }
                    }}
                </button>
            </div>
        </div>
    }
}
