//! Which assumptions matter: the sensitivity analysis, computed and drawn by
//! the server (`GET /api/sensitivity`, `simulation::sensitivity`), exactly as
//! `hashlab sensitivity` computes and draws it. Each key parameter
//! (`simulation::sensitivity::LEVERS`) is set low and high, the rest as on the
//! page, over the same seeds as the scenario itself; each bar is the median
//! over seeds of the percent change from that seed's own base run, with a 95%
//! interval; a pale bar's interval crosses zero.

use super::batch::{progress_view, runs_count, Batch, BatchState, Panel};
use super::stream::Slot;
use crate::run_view::SensitivityView;
use leptos::prelude::*;
use simulation::sensitivity::{LEVERS, MIN_RUNS_FOR_INTERVALS};

/// Seeds per setting: enough for the intervals to mean something.
const RUNS: u32 = MIN_RUNS_FOR_INTERVALS;

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
    let batch = Batch::<SensitivityView>::new(Slot::Batch, "tornado", query);
    let start = move |_| {
        let settings = 1 + 2 * LEVERS.len() as u32;
        batch.start(sensitivity_url(&query.get_untracked()), settings * RUNS, "sensitivity", |data, _ms| {
            serde_json::from_str::<SensitivityView>(data).map_err(|e| format!("the analysis could not be read: {e}"))
        });
    };
    let cancel = move |_| batch.cancel();
    let running = move || batch.running();

    view! {
        <Panel id="sensitivity" title="Which assumptions matter?" intro={format!(
                    "Each key assumption is set to a low and a high value, the rest as above, and run over the same {RUNS} seeds as the scenario itself. Each bar is the median, over seeds, of the change from that seed's own run as set; the whisker is its 95% interval, and a pale bar's interval crosses zero (no effect can be told from chance). Longest bars first: they drive the answer. `hashlab sensitivity` gives the same numbers.",
                )}>
            <div class="mc-controls">
                <button type="button" class="tornado-start" on:click=start disabled=running>
                    {format!("Run the sensitivity analysis ({} settings x {RUNS} seeds)", 1 + 2 * LEVERS.len())}
                </button>
                <button type="button" class="tornado-cancel" on:click=cancel hidden=move || !running()>
                    "Cancel"
                </button>
            </div>
            {progress_view(batch, "sensitivity analysis", runs_count)}
            {move || match batch.state.get() {
                BatchState::Done(view) => {
                    let figures = view
                        .charts
                        .into_iter()
                        .map(|chart| {
                            view! {
                                <figure class="tornado" data-output=chart.output.clone()>
                                    <figcaption>
                                        {chart.title.clone()} " (" {chart.unit.clone()} ") "
                                        <a
                                            class="tornado-svg"
                                            href=crate::format::data_url("image/svg+xml", &chart.svg)
                                            download=format!("hashlab-sensitivity-{}.svg", chart.output)
                                        >
                                            "SVG"
                                        </a>
                                    </figcaption>
                                    <div class="mc-svg" inner_html=chart.svg></div>
                                </figure>
                            }
                        })
                        .collect_view();
                    Some(view! { <div class="mc-figures tornado-figures">{figures}</div> })
                }
                _ => None,
            }}
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analysis_runs_the_page_scenario_over_enough_seeds() {
        assert_eq!(sensitivity_url(""), "/api/sensitivity?runs=50");
        assert_eq!(sensitivity_url("v=3&seed=7"), "/api/sensitivity?v=3&seed=7&runs=50");
        const { assert!(RUNS >= 50, "the intervals need about 50 seeds") };
    }
}
