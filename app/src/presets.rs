//! Preset cards: a named scenario with its teacher's paragraph. Choosing
//! one replaces every control's value with the preset's, and the link then
//! names the preset and only the fields that differ from it.

use leptos::prelude::*;

/// The presets of the simulation crate, as cards.
#[component]
pub fn Presets(
    /// The preset the current link starts from.
    preset: Memo<Option<String>>,
    /// Called with a preset's id when its card is chosen.
    choose_preset: Callback<String>,
) -> impl IntoView {
    let cards = simulation::presets::all()
        .into_iter()
        .map(|card| {
            let id = card.id;
            let active = Memo::new(move |_| preset.with(|preset| preset.as_deref() == Some(id)));
            view! {
                <li>
                    <button
                        type="button"
                        class="preset"
                        class:active=move || active.get()
                        aria-pressed=move || if active.get() { "true" } else { "false" }
                        data-preset=id
                        title=card.teacher_text
                        on:click=move |_| choose_preset.run(id.to_string())
                    >
                        <span class="preset-title">{card.title}</span>
                        <span class="preset-text">{card.teacher_text}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="presets" aria-labelledby="presets-title">
            <h2 id="presets-title">"Start from a story"</h2>
            <ul class="preset-list">{cards}</ul>
        </section>
    }
}

/// The teacher's paragraph of the preset the page starts from, in full.
#[component]
pub fn Story(preset: Memo<Option<String>>) -> impl IntoView {
    move || {
        preset.get().and_then(|id| simulation::presets::find(&id)).map(|card| {
            view! {
                <section class="story" aria-label="About this story">
                    <h2>{card.title}</h2>
                    <p>{card.teacher_text}</p>
                </section>
            }
        })
    }
}
