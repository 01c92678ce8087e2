//! Monte Carlo bands: the current scenario over N seeds, streamed from
//! `GET /api/montecarlo?<query>&runs=N` (server-sent events: `progress`
//! `{done, runs}`, then `bands` or `error`). When it is done the server keeps
//! the result, and every chart of the page is drawn again with the bands shaded.

use super::stream::{self, Slot};
use crate::browser::{now_ms, set_body_attribute};
use leptos::prelude::*;
use serde::Deserialize;
use simulation::Scenario;

/// Seeds a person may ask for.
const MIN_RUNS: u32 = 10;
const MAX_RUNS: u32 = 1_000;
const DEFAULT_RUNS: u32 = 100;
/// The server's budget for a whole Monte Carlo (runs x operators x years).
const MAX_BATCH_OPERATOR_YEARS: f64 = 20_000_000.0;

/// The `error` event's body.
#[derive(Debug, Deserialize)]
struct ErrorEvent {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    field: String,
    message: String,
    #[serde(default)]
    allowed: String,
}

/// The `progress` event of every batch stream (Monte Carlo, sweep, sensitivity).
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct ProgressEvent {
    pub(crate) done: u32,
    pub(crate) runs: u32,
}

/// Where the Monte Carlo stands.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running { done: u32, runs: u32 },
    Done { runs: u32, ms: f64 },
    Cancelled { done: u32, runs: u32 },
    Failed(String),
}

/// The `bands` event's run count (the page's charts get the bands from the server).
#[derive(Debug, Deserialize)]
struct Finished {
    runs: u32,
}

/// The "Run N seeds" control and its progress bar; when done, it asks for the
/// charts with the bands shaded (`bands_for`: the scenario's link and the seeds).
#[component]
pub(crate) fn MonteCarlo(
    /// The canonical share-link query of the current scenario.
    query: Memo<String>,
    scenario: Memo<Scenario>,
    bands_for: RwSignal<Option<(String, u32)>>,
) -> impl IntoView {
    let runs = RwSignal::new(DEFAULT_RUNS);
    let state = RwSignal::new(State::Idle);
    let started = StoredValue::new(0.0_f64);

    stream::stop_on_new_scenario(Slot::Batch, query, move || state.set(State::Idle));

    let start = move |_| {
        let n = runs.get_untracked().clamp(MIN_RUNS, MAX_RUNS);
        runs.set(n);
        let batch = scenario.with_untracked(|s| f64::from(s.operators) * s.years * f64::from(n));
        if batch > MAX_BATCH_OPERATOR_YEARS {
            state.set(State::Failed(format!(
                "{n} runs of this scenario is {batch:.0} operator-years, over the server's budget of {MAX_BATCH_OPERATOR_YEARS:.0}: ask for fewer seeds, operators or years."
            )));
            return;
        }
        let q = query.get_untracked();
        let url = if q.is_empty() { format!("/api/montecarlo?runs={n}") } else { format!("/api/montecarlo?{q}&runs={n}") };
        started.set_value(now_ms());
        set_body_attribute("data-mc", "running");
        state.set(State::Running { done: 0, runs: n });
        let opened = stream::open(Slot::Batch, &url, &["progress", "bands"], move |name, data| match name {
            "progress" => {
                if let Ok(p) = serde_json::from_str::<ProgressEvent>(&data) {
                    // Runs finish on several threads: a count can arrive after a larger one.
                    if let State::Running { done: shown, .. } = state.get_untracked() {
                        let done = p.done.max(shown);
                        set_body_attribute("data-mc-progress", &format!("{done}/{}", p.runs));
                        state.set(State::Running { done, runs: p.runs });
                    }
                }
            }
            "bands" => {
                stream::close(Slot::Batch);
                match serde_json::from_str::<Finished>(&data) {
                    Ok(finished) => {
                        let ms = now_ms() - started.get_value();
                        set_body_attribute("data-mc-progress", &format!("{0}/{0}", finished.runs));
                        set_body_attribute("data-mc", "done");
                        set_body_attribute("data-mc-ms", &format!("{ms:.0}"));
                        state.set(State::Done { runs: finished.runs, ms });
                        bands_for.set(Some((query.get_untracked(), finished.runs)));
                    }
                    Err(e) => {
                        set_body_attribute("data-mc", "error");
                        state.set(State::Failed(format!("the bands could not be read: {e}")));
                    }
                }
            }
            _ => {
                stream::close(Slot::Batch);
                set_body_attribute("data-mc", "error");
                let message = if data.is_empty() {
                    "the connection to the server failed or was refused (is the scenario valid?)".to_string()
                } else {
                    match serde_json::from_str::<ErrorEvent>(&data) {
                        Ok(e) if e.error.field.is_empty() || e.error.field == "server" => e.error.message,
                        Ok(e) => format!("{}: {} (allowed: {})", e.error.field, e.error.message, e.error.allowed),
                        Err(_) => data,
                    }
                };
                state.set(State::Failed(message));
            }
        });
        if let Err(message) = opened {
            state.set(State::Failed(message));
        }
    };
    let cancel = move |_| {
        stream::close(Slot::Batch);
        if let State::Running { done, runs } = state.get_untracked() {
            set_body_attribute("data-mc", "cancelled");
            state.set(State::Cancelled { done, runs });
        }
    };
    let running = move || matches!(state.get(), State::Running { .. });

    view! {
        <section class="montecarlo" id="montecarlo" aria-labelledby="montecarlo-title">
            <h2 id="montecarlo-title">"How sure is this? Many seeds"</h2>
            <p class="mc-intro">
                "The model draws its operators, pools and block times at random. Run this scenario with many seeds to see the range of outcomes: every chart above then shades where 90% (light) and 50% (darker) of the runs fall, around this seed's line."
            </p>
            <div class="mc-controls">
                <label for="mc-runs">"Seeds"</label>
                <input
                    id="mc-runs"
                    class="mc-runs"
                    type="number"
                    min=MIN_RUNS.to_string()
                    max=MAX_RUNS.to_string()
                    step="10"
                    value=DEFAULT_RUNS.to_string()
                    prop:value=move || runs.get().to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse::<u32>() {
                            runs.set(n.clamp(MIN_RUNS, MAX_RUNS));
                        }
                    }
                />
                <button type="button" class="mc-start" on:click=start disabled=running>
                    {move || format!("Run {} seeds", runs.get())}
                </button>
                <button type="button" class="mc-cancel" on:click=cancel hidden=move || !running()>
                    "Cancel"
                </button>
            </div>
            <noscript>
                <p class="mc-note">"Monte Carlo runs need JavaScript."</p>
            </noscript>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running { done, runs } => {
                    view! {
                        <div class="mc-progress" role="status">
                            <progress max=runs.to_string() value=done.to_string() aria-label="Monte Carlo progress"></progress>
                            <span class="mc-count">{format!("{done} of {runs} runs")}</span>
                        </div>
                    }
                        .into_any()
                }
                State::Cancelled { done, runs } => {
                    view! {
                        <p class="mc-message mc-cancelled" role="status">
                            {format!("Cancelled after {done} of {runs} runs; the server stopped the rest.")}
                        </p>
                    }
                        .into_any()
                }
                State::Failed(message) => {
                    view! {
                        <p class="mc-message mc-error" role="alert">
                            "The Monte Carlo did not run: " {message}
                        </p>
                    }
                        .into_any()
                }
                State::Done { runs, ms } => {
                    view! {
                        <p class="mc-message mc-done" role="status">
                            {format!("{runs} runs in {:.1} s. ", ms / 1000.0)}
                            <a href="#charts">"The charts above now shade their spread."</a>
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_json_reads_with_nulls() {
        // This view reads only the run count of the bands (nulls and all).
        let json = r#"{"model_version":"2","runs":2,"percentiles":[5,25,50,75,95],"grid_days":[0],"grid_dates":["2025-10-01"],
            "bands":[{"column":"hashrate_ehs","percentiles":[[1.0],[2.0],[null],[4.0],[5.0]]}]}"#;
        assert_eq!(serde_json::from_str::<Finished>(json).unwrap().runs, 2);
    }
}
