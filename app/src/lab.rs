//! The lab page: share bar, presets, controls, headline figures and charts.

mod batch;
mod montecarlo;
mod play_bar;
pub mod playback;
mod results;
mod sensitivity;
mod share;
mod stream;
mod sweep;

use crate::browser::{after_paint, narrow_screen, now_ms, scroll_to, set_body_attribute};
use crate::controls::Controls;
use crate::page_state::{self, PageState};
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
use crate::page_view::simulate;
use crate::presets::{Presets, Story};
use crate::run_view::RunView;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use montecarlo::MonteCarlo;
use playback::Playback;
use results::Results;
use sensitivity::Sensitivity;
use share::ShareBar;
use simulation::{link, Scenario, ScenarioError};
use sweep::Sweep;

/// The page at `/`: everything is read from the URL's query string. With
/// `embed`, the page at `/embed/story` that course pages may frame: the play
/// bar, the headlines and the story's two charts, with a link to the full run.
#[component]
pub fn Lab(#[prop(optional)] embed: bool) -> impl IntoView {
    // Where this page lives: its links stay on it.
    let here = if embed { "/embed/story" } else { "/" };
    let location = use_location();
    let query = Memo::new(move |_| location.search.with(|search| search.trim_start_matches('?').to_string()));
    // The page's own keys (play position, projector view) beside the scenario's.
    let page_state = Memo::new(move |_| query.with(|query| PageState::from_query(query)));
    // What the run depends on: the link without the page's own keys, so that
    // moving the play position never runs the scenario again.
    let run_query = Memo::new(move |_| query.with(|query| page_state::scenario_query(query)));
    let parsed = Memo::new(move |_| query.with(|query| link::from_query_with(query, &page_state::PAGE_KEYS)));
    let scenario = Memo::new(move |_| parsed.with(|parse| parse.scenario.clone()));
    let warnings = Memo::new(move |_| parsed.with(|parse| parse.warnings.clone()));
    let preset = Memo::new(move |_| parsed.with(|parse| parse.preset.clone()));
    // The link of what the page shows (bad fields left out), for the API.
    let canonical = Memo::new(move |_| scenario.with(|scenario| preset.with(|preset| link::to_query(scenario, preset.as_deref()))));
    // When the latest change was committed (browser clock, ms), to time the redraw.
    let change_started = StoredValue::new(None::<f64>);

    // Charts drawn for a phone screen; the server's first paint is for a wide one.
    let compact = RwSignal::new(false);
    Effect::new(move |_| {
        if narrow_screen() {
            compact.set(true);
        }
    });
    // The projector view and the story embed show charts drawn for a small
    // frame, two side by side, scaled up: large type.
    let drawn_compact = Memo::new(move |_| compact.get() || embed || page_state.with(|p| p.projector));
    // The Monte Carlo whose bands the charts shade: (the scenario's link, seeds).
    // Bands of another scenario are simply not asked for.
    let bands_for = RwSignal::new(None::<(String, u32)>);
    let bands = Memo::new(move |_| bands_for.with(|kept| canonical.with(|canonical| kept_bands(kept, canonical))));

    let navigate = use_navigate();
    // Every change goes through the URL: the scenario relative to its preset.
    let go = Callback::new(move |(next, preset): (Scenario, Option<String>)| {
        change_started.set_value(Some(now_ms()));
        let query = page_state::with_state(&link::to_query(&next, preset.as_deref()), &page_state.get_untracked());
        // The run's request leaves now, before the page catches up with the link.
        #[cfg(feature = "hydrate")]
        crate::page_view::start_early(ask_for(&query, &page_state.get_untracked(), drawn_compact.get_untracked(), bands_for));
        navigate(&page_url(here, &query), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    });
    // The play position and the view go into the link without touching the scenario's part.
    let navigate_page = use_navigate();
    let set_page_state = Callback::new(move |state: PageState| {
        let query = page_state::with_state(&run_query.get_untracked(), &state);
        navigate_page(&page_url(here, &query), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    });
    provide_context(PageLink { state: page_state, set: set_page_state });
    provide_context(Playback::new());
    let set_scenario = Callback::new(move |next: Scenario| go.run((next, preset.get_untracked())));
    let choose_preset = Callback::new(move |id: String| {
        let base = link::base_scenario(Some(&id));
        go.run((base, Some(id)));
    });

    // While a slider is dragged the charts follow it, drawn in the browser (no bands or baselines
    // until the release runs on the server, which also makes the link).
    let follow = Callback::new(move |next: Scenario| {
        let query = link::to_query(&next, preset.get_untracked().as_deref());
        crate::browser::follow_in_worker(&query, drawn_compact.get_untracked());
    });
    provide_context(crate::controls::Follow(follow));
    // On the server the page's runs go to the server's run service (read here,
    // while the request's context is at hand).
    #[cfg(feature = "ssr")]
    let service = crate::runs::from_context();
    // The last run drawn in full: kept on the page, under the message, when a
    // change cannot run (too large, refused), so the charts do not vanish.
    let last_good = StoredValue::new(None::<RunView>);
    let run = Resource::new(
        move || {
            // The pinned baselines' keys, when there are any: the charts draw them.
            let baselines = page_state.with(baselines_of);
            (run_query.get(), baselines, drawn_compact.get(), bands.get())
        },
        move |(query, baselines, compact, bands)| {
            #[cfg(feature = "ssr")]
            let service = service.clone();
            async move {
                // On the server this runs while rendering the page: the charts go into the
                // HTML, not again into the data that hydrates it.
                #[cfg(feature = "ssr")]
                {
                    let (runs, asker) = service.map_err(ServerFnError::new)?;
                    crate::render::run_view(&runs, asker, query, baselines, compact, bands)
                        .await
                        .map(RunView::for_page)
                        .map_err(ServerFnError::new)
                }
                #[cfg(feature = "hydrate")]
                {
                    crate::page_view::answer(crate::page_view::Ask { query, baselines, compact, bands }).await
                }
                #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
                {
                    simulate(query, baselines, compact, bands).await
                }
            }
        },
    );

    // Browser only: mark the page hydrated, and time each redraw.
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.get() {
            let started = change_started.get_value();
            change_started.set_value(None);
            let (warm_query, warm_compact) = (canonical.get_untracked(), drawn_compact.get_untracked());
            after_paint(move || {
                set_body_attribute("data-hydrated", "true");
                crate::browser::warm_model_when_idle(&warm_query, warm_compact);
                if let Some(started) = started {
                    set_body_attribute("data-redraw-ms", &format!("{:.1}", now_ms() - started));
                }
            });
        }
    });

    view! {
        <div class="lab" class:projector=move || page_state.with(|p| p.projector) class:embed=embed>
            {embed
                .then(|| {
                    view! {
                        <p class="embed-back">
                            <a
                                href=move || format!("/?{}", query.get())
                                target="_blank"
                                rel="noopener"
                            >
                                "Hashlab: open the full run, with every chart and control"
                            </a>
                        </p>
                    }
                })}
            // Following the link scrolls; focusing the run (its play bar, then its charts) makes the
            // next Tab start there, not at the top: Play is two Tabs on.
            <a class="skip-link" href="#run" on:click=move |_| crate::browser::focus_id("run")>
                "Skip to the run: play it, then the charts"
            </a>
            <header class="top">
                <div class="brand">
                    <h1>"Hashlab"</h1>
                    <p class="tagline">
                        "What happens to Bitcoin's mining, security and concentration when prices, power and AI change? Move a control and see."
                    </p>
                </div>
                <ShareBar query scenario preset />
            </header>
            <LinkWarnings warnings />
            <Presets preset choose_preset />
            <div class="workspace">
                <aside class="sidebar">
                    <Controls scenario set_scenario />
                </aside>
                <main class="results">
                    <button type="button" class="jump" on:click=move |_| scroll_to("scenario")>
                        "Change the scenario"
                    </button>
                    <Story preset />
                    {move || {
                        let title = scenario.with(|scenario| scenario.title.clone());
                        let from_preset = preset
                            .with(|preset| preset.as_deref().and_then(simulation::presets::find))
                            .is_some_and(|preset| preset.scenario.title == title);
                        (!title.is_empty() && !from_preset).then(|| view! { <h2 class="run-title">{title}</h2> })
                    }}
                    <Transition fallback=|| {
                        view! { <p class="loading">"Running the simulation..."</p> }
                    }>
                        {move || Suspend::new(async move {
                            let kept = move || {
                                last_good
                                    .get_value()
                                    .map(|view| {
                                        view! {
                                            <p class="stale-note">"Below: the last run that could be drawn, kept until this one can."</p>
                                            <div class="stale">
                                                <Results view />
                                            </div>
                                        }
                                    })
                            };
                            match run.await {
                                Ok(view) if view.error.is_none() => {
                                    // Only a view whose charts came with it (the server's first one is already on the page).
                                    if view.charts.iter().all(|chart| !chart.svg.markup.is_empty()) {
                                        last_good.set_value(Some(view.clone()));
                                    }
                                    view! { <Results view /> }.into_any()
                                }
                                Ok(view) => view! { <Results view /> {kept()} }.into_any(),
                                Err(e) => {
                                    view! {
                                        <p class="run-error" role="alert">
                                            "The server could not run this scenario: " {e.to_string()}
                                        </p>
                                        {kept()}
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Transition>
                    // The research panels, each type-erased (the page's view type stays shallow).
                    {view! { <MonteCarlo query=canonical scenario bands_for /> }.into_any()}
                    {view! { <Sensitivity query=canonical /> }.into_any()}
                    {view! { <Sweep query=canonical scenario /> }.into_any()}
                </main>
            </div>
            <footer class="foot">
                <p>
                    "Hashlab is a model, not a forecast: every number comes from the simulation with the settings above. "
                    <a href="/">"Start over with the late-2025 baseline"</a>
                </p>
            </footer>
        </div>
    }
}

/// The address of page `here` (`/` or `/embed/story`) with link `query`.
fn page_url(here: &str, query: &str) -> String {
    if query.is_empty() {
        here.to_string()
    } else {
        format!("{here}?{query}")
    }
}

/// The page's link, as playback and the baseline pins read and write it.
#[derive(Clone, Copy)]
pub(crate) struct PageLink {
    /// The page's own keys in the current link.
    pub state: Memo<PageState>,
    /// Writes them into the link (replacing the history entry; the run is redone only when the baselines change).
    pub set: Callback<PageState>,
}

/// What a shared link asked for that the page could not use, and why.
#[component]
fn LinkWarnings(warnings: Memo<Vec<ScenarioError>>) -> impl IntoView {
    move || {
        let warnings = warnings.get();
        (!warnings.is_empty()).then(|| {
            view! {
                <div class="link-warnings" role="alert">
                    <p>"Part of this link could not be used; the rest of it is shown."</p>
                    <ul>
                        {warnings
                            .into_iter()
                            .map(|w| {
                                view! {
                                    <li data-field=w.field.clone()>
                                        <code>{w.field.clone()}</code>
                                        ": "
                                        {w.message.clone()}
                                        " (allowed: "
                                        {w.allowed.clone()}
                                        ")."
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// The seeds of the kept Monte Carlo (`kept`: its link and seeds) when it is of the link `canonical`.
fn kept_bands(kept: &Option<(String, u32)>, canonical: &str) -> Option<u32> {
    kept.as_ref().filter(|(query, _)| query == canonical).map(|(_, runs)| *runs)
}

/// The pinned baselines' keys of a page state, when there are any.
fn baselines_of(state: &PageState) -> Option<String> {
    (!state.baselines.is_empty()).then(|| state.baselines_query())
}

/// What the page's run will ask the server once the page shows the link `query`
/// (`state` its page keys): as the run's resource works it out from the link.
#[cfg(feature = "hydrate")]
fn ask_for(query: &str, state: &PageState, compact: bool, bands_for: RwSignal<Option<(String, u32)>>) -> crate::page_view::Ask {
    let parse = link::from_query_with(query, &page_state::PAGE_KEYS);
    let canonical = link::to_query(&parse.scenario, parse.preset.as_deref());
    let bands = bands_for.with_untracked(|kept| kept_bands(kept, &canonical));
    crate::page_view::Ask { query: page_state::scenario_query(query), baselines: baselines_of(state), compact, bands }
}
