//! Which assumptions matter: the sensitivity analysis, computed and drawn by
//! the server (`GET /api/sensitivity`, `simulation::sensitivity`), exactly as
//! `hashlab sensitivity` computes and draws it. Each key parameter
//! (`simulation::sensitivity::LEVERS`) is set low and high, the rest as on the
//! page, over the same seeds as the scenario itself; each bar is the median
//! over seeds of the percent change from that seed's own base run, with a 95%
//! interval; a pale bar's interval crosses zero.

use super::montecarlo::ProgressEvent;
use super::stream::{self, Slot};
use crate::run_view::SensitivityView;
use leptos::prelude::*;
use simulation::sensitivity::{LEVERS, MIN_RUNS_FOR_INTERVALS};

/// Seeds per setting: enough for the intervals to mean something.
const RUNS: u32 = MIN_RUNS_FOR_INTERVALS;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running { done: u32, of: u32 },
    Done(SensitivityView),
    Cancelled,
    Failed(String),
}

/// The route that runs the analysis of the page's scenario.
fn sensitivity_url(query: &str) -> String {
    if query.is_empty() {
        format!("/api/sensitivity?runs={RUNS}")
    } else {
        format!("/api/sensitivity?{query}&runs={RUNS}")
    }
}

/// The "Which assumptions matter?" button and its tornado charts.
#[component]
pub(crate) fn Sensitivity(query: Memo<String>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);

    stream::stop_on_new_scenario(Slot::Batch, query, move || {
        if state.get_untracked() != State::Idle {
            state.set(State::Idle);
        }
    });

    let start = move |_| {
        let settings = 1 + 2 * LEVERS.len() as u32;
        state.set(State::Running { done: 0, of: settings * RUNS });
        let url = sensitivity_url(&query.get_untracked());
        let opened = stream::open(Slot::Batch, &url, &["progress", "sensitivity"], move |name, data| {
            if !matches!(state.get_untracked(), State::Running { .. }) {
                return;
            }
            match name {
                "progress" => {
                    if let Ok(p) = serde_json::from_str::<ProgressEvent>(&data) {
                        // Runs finish on several threads: a count can arrive after a larger one.
                        if let State::Running { done: shown, .. } = state.get_untracked() {
                            state.set(State::Running { done: p.done.max(shown), of: p.runs });
                        }
                    }
                }
                "sensitivity" => {
                    stream::close(Slot::Batch);
                    match serde_json::from_str::<SensitivityView>(&data) {
                        Ok(view) => state.set(State::Done(view)),
                        Err(e) => state.set(State::Failed(format!("the analysis could not be read: {e}"))),
                    }
                }
                _ => {
                    stream::close(Slot::Batch);
                    state.set(State::Failed(if data.is_empty() { "the connection to the server failed".to_string() } else { data }));
                }
            }
        });
        if let Err(message) = opened {
            state.set(State::Failed(message));
        }
    };
    let cancel = move |_| {
        stream::close(Slot::Batch);
        state.set(State::Cancelled);
    };
    let running = move || matches!(state.get(), State::Running { .. });

    view! {
        <section class="sensitivity" id="sensitivity" aria-labelledby="sensitivity-title">
            <h2 id="sensitivity-title">"Which assumptions matter?"</h2>
            <p class="mc-intro">
                {format!(
                    "Each key assumption is set to a low and a high value, the rest as above, and run over the same {RUNS} seeds as the scenario itself. Each bar is the median, over seeds, of the change from that seed's own run as set; the whisker is its 95% interval, and a pale bar's interval crosses zero (no effect can be told from chance). Longest bars first: they drive the answer. `hashlab sensitivity` gives the same numbers.",
                )}
            </p>
            <div class="mc-controls">
                <button type="button" class="tornado-start" on:click=start disabled=running>
                    {format!("Run the sensitivity analysis ({} settings x {RUNS} seeds)", 1 + 2 * LEVERS.len())}
                </button>
                <button type="button" class="tornado-cancel" on:click=cancel hidden=move || !running()>
                    "Cancel"
                </button>
            </div>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running { done, of } => {
                    view! {
                        <div class="mc-progress" role="status">
                            <progress max=of.to_string() value=done.to_string() aria-label="Sensitivity progress"></progress>
                            <span class="mc-count">{format!("{done} of {of} runs")}</span>
                        </div>
                    }
                        .into_any()
                }
                State::Cancelled => view! { <p class="mc-message mc-cancelled" role="status">"Cancelled."</p> }.into_any(),
                State::Failed(message) => {
                    view! { <p class="mc-message mc-error" role="alert">"The analysis did not run: " {message}</p> }.into_any()
                }
                State::Done(view) => {
                    let figures = view
                        .charts
                        .into_iter()
                        .map(|chart| {
                            view! {
                                <figure class="tornado" data-output=chart.output.clone()>
                                    <figcaption>{chart.title.clone()} " (" {chart.unit.clone()} ")"</figcaption>
                                    <div class="mc-svg" inner_html=chart.svg></div>
                                </figure>
                            }
                        })
                        .collect_view();
                    view! { <div class="mc-figures tornado-figures">{figures}</div> }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analysis_runs_the_page_scenario_over_enough_seeds() {
        assert_eq!(sensitivity_url(""), "/api/sensitivity?runs=50");
        assert_eq!(sensitivity_url("v=2&seed=7"), "/api/sensitivity?v=2&seed=7&runs=50");
        const { assert!(RUNS >= 50, "the intervals need about 50 seeds") };
    }
}
