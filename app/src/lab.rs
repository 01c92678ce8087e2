//! The lab page: share bar, presets, controls, headline figures and charts.

use crate::catalogue;
use crate::controls::Controls;
use crate::presets::{Presets, Story};
use crate::run_view::{simulate, ChartView, Headline, RunView};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use simulation::{link, Scenario, ScenarioError};

/// The page at `/`: everything is read from the URL's query string.
#[component]
pub fn Lab() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| location.search.with(|search| search.trim_start_matches('?').to_string()));
    let parsed = Memo::new(move |_| query.with(|query| link::from_query(query)));
    let scenario = Memo::new(move |_| parsed.with(|parse| parse.scenario.clone()));
    let warnings = Memo::new(move |_| parsed.with(|parse| parse.warnings.clone()));
    let preset = Memo::new(move |_| parsed.with(|parse| parse.preset.clone()));
    let baseline = RwSignal::new(None::<String>);
    // When the latest change was committed (browser clock, ms), to time the redraw.
    let change_started = StoredValue::new(None::<f64>);

    let navigate = use_navigate();
    // Every change goes through the URL: the scenario relative to its preset.
    let go = Callback::new(move |(next, preset): (Scenario, Option<String>)| {
        change_started.set_value(Some(now_ms()));
        let query = link::to_query(&next, preset.as_deref());
        let url = if query.is_empty() { "/".to_string() } else { format!("/?{query}") };
        navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    });
    let set_scenario = Callback::new(move |next: Scenario| go.run((next, preset.get_untracked())));
    let choose_preset = Callback::new(move |id: String| {
        let base = link::base_scenario(Some(&id));
        go.run((base, Some(id)));
    });

    // Charts drawn for a phone screen; the server's first paint is for a wide one.
    let compact = RwSignal::new(false);
    Effect::new(move |_| {
        if narrow_screen() {
            compact.set(true);
        }
    });
    let run = Resource::new(
        move || (query.get(), baseline.get(), compact.get()),
        |(query, baseline, compact)| simulate(query, baseline, compact),
    );

    // Browser only: mark the page hydrated, and time each redraw.
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.get() {
            let started = change_started.get_value();
            change_started.set_value(None);
            after_paint(move || {
                set_body_attribute("data-hydrated", "true");
                if let Some(started) = started {
                    set_body_attribute("data-redraw-ms", &format!("{:.1}", now_ms() - started));
                }
            });
        }
    });

    view! {
        <div class="lab">
            <header class="top">
                <div class="brand">
                    <h1>"Hashlab"</h1>
                    <p class="tagline">
                        "What happens to Bitcoin's mining, security and concentration when prices, power and AI change? Move a control and see."
                    </p>
                </div>
                <ShareBar query scenario preset baseline />
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
                    <Transition fallback=|| {
                        view! { <p class="loading">"Running the simulation..."</p> }
                    }>
                        {move || Suspend::new(async move {
                            match run.await {
                                Ok(view) => view! { <Results view /> }.into_any(),
                                Err(e) => {
                                    view! {
                                        <p class="run-error" role="alert">
                                            "The server could not run this scenario: " {e.to_string()}
                                        </p>
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Transition>
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

/// The link of the current run, a copy button and the baseline pin.
#[component]
fn ShareBar(
    query: Memo<String>,
    scenario: Memo<Scenario>,
    preset: Memo<Option<String>>,
    baseline: RwSignal<Option<String>>,
) -> impl IntoView {
    // The page's origin, known in the browser only (the server shows a relative link).
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(page_origin()));
    // The link that reproduces what the page shows: a broken link's bad fields are left out.
    let link = Memo::new(move |_| {
        if query.with(String::is_empty) {
            format!("{}/", origin.get())
        } else {
            let canonical = scenario.with(|scenario| preset.with(|preset| link::to_query(scenario, preset.as_deref())));
            format!("{}/?{canonical}", origin.get())
        }
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
                                        ". Using the default instead (allowed: "
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

/// Headline figures and charts of one run.
#[component]
fn Results(view: RunView) -> impl IntoView {
    if let Some(error) = view.error {
        return view! {
            <p class="run-error" role="alert">
                "This scenario cannot run: " <code>{error.field}</code> ": " {error.message}
                " (allowed: " {error.allowed} ")."
            </p>
        }
        .into_any();
    }
    let baseline_note = view.with_baseline.then(|| {
        view! {
            <p class="baseline-note">"Dashed lines and the grey figures are the pinned baseline."</p>
        }
    });
    view! {
        <section class="headlines" aria-label="Headline figures" data-query=view.query.clone()>
            {view.headlines.into_iter().map(|h| view! { <HeadlineCard h /> }).collect_view()}
        </section>
        {baseline_note}
        <div class="charts">
            {view.charts.into_iter().map(|chart| view! { <Chart chart /> }).collect_view()}
        </div>
        <p class="downloads">
            <a href=format!("/export.csv?{}", view.query) download rel="external">
                "Download the daily data of this run (CSV)"
            </a>
        </p>
        <p class="model-version">
            "Model " {view.model_version} ". Run and drawn on the server in "
            {format!("{:.0}", view.server_ms)} " ms."
        </p>
    }
    .into_any()
}

#[component]
fn HeadlineCard(h: Headline) -> impl IntoView {
    view! {
        <div class="headline" data-headline=h.id>
            <span class="headline-label">{h.label}</span>
            <span class="headline-value">
                {h.value} <span class="headline-unit">{h.unit}</span>
            </span>
            <span class="headline-change">{h.change}</span>
            {h.baseline.map(|b| view! { <span class="headline-baseline">"baseline " {b}</span> })}
        </div>
    }
}

/// One chart: title, legend, the SVG with a pointer readout, and its explanation.
#[component]
fn Chart(chart: ChartView) -> impl IntoView {
    let info = catalogue::chart(&chart.id);
    let title = info.map(|i| i.title).unwrap_or("");
    let explain = info.map(|i| i.explain).unwrap_or("");
    let readout = StoredValue::new(chart.readout);
    // Pointer position as a fraction of the chart width, and the row under it.
    let pointer = RwSignal::new(None::<(f64, usize)>);
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(fraction) = pointer_fraction(&ev) else { return };
        let hit = readout.with_value(|r| {
            if r.rows.is_empty() || fraction < r.left || fraction > r.right {
                return None;
            }
            let t = (fraction - r.left) / (r.right - r.left);
            let index = (t * (r.rows.len() - 1) as f64).round() as usize;
            Some((fraction, index.min(r.rows.len() - 1)))
        });
        pointer.set(hit);
    };
    // The same readout from the keyboard: arrows step through the days.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let rows = readout.with_value(|r| r.rows.len());
        if rows == 0 {
            return;
        }
        let current = pointer.get_untracked().map(|(_, index)| index);
        let page = (rows / 12).max(1);
        let next = match ev.key().as_str() {
            "ArrowLeft" => current.map_or(rows - 1, |i| i.saturating_sub(1)),
            "ArrowRight" => current.map_or(0, |i| (i + 1).min(rows - 1)),
            "PageUp" => current.map_or(0, |i| i.saturating_sub(page)),
            "PageDown" => current.map_or(rows - 1, |i| (i + page).min(rows - 1)),
            "Home" => 0,
            "End" => rows - 1,
            "Escape" => {
                pointer.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        let fraction = readout.with_value(|r| r.left + (r.right - r.left) * next as f64 / (rows - 1).max(1) as f64);
        pointer.set(Some((fraction, next)));
    };
    let legend = chart
        .legend
        .into_iter()
        .map(|item| {
            let style = format!("--swatch: {}", item.color);
            view! {
                <li class="legend-item">
                    <span class="swatch" class:area=item.area class:dashed=item.dashed style=style></span>
                    {item.label}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="chart" id=format!("chart-{}", chart.id) data-chart=chart.id.clone()>
            <h2>{title}</h2>
            <ul class="legend">{legend}</ul>
            <div
                class="plot"
                tabindex="0"
                aria-label=format!("{title}: values by day; use the arrow keys")
                on:pointermove=on_move
                on:pointerleave=move |_| pointer.set(None)
                on:keydown=on_key
                on:blur=move |_| pointer.set(None)
            >
                <div class="svg" inner_html=chart.svg></div>
                {move || {
                    pointer
                        .get()
                        .map(|(fraction, index)| {
                            let text = readout.with_value(|r| r.rows[index].clone());
                            let side = if fraction > 0.6 { "right" } else { "left" };
                            let style = if side == "right" {
                                format!("right: {:.2}%", (1.0 - fraction) * 100.0)
                            } else {
                                format!("left: {:.2}%", fraction * 100.0)
                            };
                            view! {
                                <div class="cursor" style=format!("left: {:.2}%", fraction * 100.0)></div>
                                <div class="readout" role="status" style=style>{text}</div>
                            }
                        })
                }}
            </div>
            <p class="explain">
                <strong>"What am I looking at? "</strong>
                {explain}
            </p>
        </section>
    }
}

/// The pointer's position across the chart's plot box, 0..1.
fn pointer_fraction(ev: &leptos::ev::PointerEvent) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        // Events are delegated: find the plot box from the element under the pointer.
        use wasm_bindgen::JsCast;
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let plot = target.closest(".plot").ok()??;
        let rect = plot.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        Some(((f64::from(ev.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Whether the window is phone-narrow (browser only; never on the server).
fn narrow_screen() -> bool {
    #[cfg(feature = "hydrate")]
    {
        const NARROWEST_WIDE_PX: f64 = 640.0;
        web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).is_some_and(|width| width < NARROWEST_WIDE_PX)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Milliseconds on the browser's clock (0 on the server).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Runs `f` after the browser has laid out the current DOM (next animation frame).
fn after_paint(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        request_animation_frame(f);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = f;
    }
}

/// Sets an attribute on `<body>` (browser only), for tests and timing.
fn set_body_attribute(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(body) = document().body() {
            let _ = body.set_attribute(name, value);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, value);
    }
}

/// Scrolls the element with `id` into view (browser only).
fn scroll_to(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(element) = document().get_element_by_id(id) {
            element.scroll_into_view();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
    }
}

/// The page's origin, e.g. `http://127.0.0.1:3000` (browser only).
fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// Selects the text of `input`, so that it can be copied by hand.
fn select_text(input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(input) = input.get_untracked() {
            input.select();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
    }
}

/// Puts `text` on the clipboard; false where the page may not (no clipboard
/// API outside secure contexts).
fn copy_text(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let Some(window) = web_sys::window() else { return false };
        let clipboard = window.navigator().clipboard();
        let value: &JsValue = clipboard.as_ref();
        if value.is_undefined() || value.is_null() {
            return false;
        }
        let _ = clipboard.write_text(text);
        true
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}
