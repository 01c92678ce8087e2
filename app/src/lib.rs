//! Hashlab's web page: presets, controls, headline figures and charts of one
//! simulated run, rendered on the server and hydrated in the browser.
//!
//! ```text
//!  URL query ──link::from_query──> Scenario ──> controls (sliders)
//!      ^                              │
//!      │ navigate (replace)           └──simulate (server fn)──> RunView
//!      │                                   run + plotters SVG      │
//!  slider / preset / pin ◄───────────────── charts, headlines ◄────┘
//! ```
//!
//! The URL is the page's only state besides the pinned baseline: every
//! control reads the scenario from the query string and writes a new query
//! string, so a copied link reproduces the run exactly.
//!
//! Built twice: with feature `ssr` for the server (runs the simulation and
//! draws the charts with plotters) and with feature `hydrate` for the
//! browser (`wasm32-unknown-unknown`, attaches the event handlers).
#![warn(missing_docs)]
#![recursion_limit = "256"]

mod browser;
pub mod catalogue;
mod controls;
pub mod format;
mod lab;
pub mod page_state;
pub mod page_view;
mod presets;
pub mod provenance;
#[cfg(any(feature = "ssr", feature = "draw"))]
pub mod render;
pub mod run_view;
#[cfg(feature = "ssr")]
pub mod runs;
pub mod wire;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around [`App`], rendered by the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: one page, the lab, at `/`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="hashlab-css" href="/pkg/hashlab.css" />
        <Title text="Hashlab: the Bitcoin mining economy, simulated" />
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"No such page. " <a href="/">"Open the lab"</a></p> }>
                <Route path=path!("") view=|| view! { <lab::Lab /> } ssr=SsrMode::Async />
                <Route path=path!("embed/story") view=|| view! { <lab::Lab embed=true /> } ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Entry point of the wasm bundle: attaches the browser to the server's HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
