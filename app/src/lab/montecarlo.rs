//! Monte Carlo bands: the current scenario over N seeds, streamed from
//! `GET /api/montecarlo?<query>&runs=N` (server-sent events: `progress`
//! `{done, runs}`, then `bands` or `error`). When it is done the server keeps
//! the result, and every chart of the page is drawn again with the bands shaded.

use super::batch::{progress_view, runs_count, Batch, BatchState, Panel};
use super::stream::Slot;
use leptos::prelude::*;
use serde::Deserialize;
use simulation::Scenario;

/// Seeds a person may ask for.
const MIN_RUNS: u32 = 10;
const MAX_RUNS: u32 = 1_000;
const DEFAULT_RUNS: u32 = 100;
/// The server's budget for a whole Monte Carlo (runs x operators x years).
const MAX_BATCH_OPERATOR_YEARS: f64 = 20_000_000.0;

/// A finished Monte Carlo: its runs and how long it took.
#[derive(Debug, Clone, PartialEq)]
struct Done {
    runs: u32,
    ms: f64,
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
    let batch = Batch::<Done>::new(Slot::Batch, "mc", query);

    let start = move |_| {
        let n = runs.get_untracked().clamp(MIN_RUNS, MAX_RUNS);
        runs.set(n);
        let operator_years = scenario.with_untracked(|s| f64::from(s.operators) * s.years * f64::from(n));
        if operator_years > MAX_BATCH_OPERATOR_YEARS {
            batch.refuse(format!(
                "{n} runs of this scenario is {operator_years:.0} operator-years, over the server's budget of {MAX_BATCH_OPERATOR_YEARS:.0}: ask for fewer seeds, operators or years."
            ));
            return;
        }
        let q = query.get_untracked();
        let url = if q.is_empty() { format!("/api/montecarlo?runs={n}") } else { format!("/api/montecarlo?{q}&runs={n}") };
        batch.start(url, n, "bands", move |data, ms| {
            let finished = serde_json::from_str::<Finished>(data).map_err(|e| format!("the bands could not be read: {e}"))?;
            bands_for.set(Some((query.get_untracked(), finished.runs)));
            Ok(Done { runs: finished.runs, ms })
        });
    };
    let cancel = move |_| batch.cancel();
    let running = move || batch.running();

    view! {
        <Panel id="montecarlo" title="How sure is this? Many seeds" intro={"The model draws its operators, pools and block times at random. Run this scenario with many seeds to see the range of outcomes: every chart above then shades where 90% (light) and 50% (darker) of the runs fall, around this seed's line.".to_string()}>
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
            {progress_view(batch, "Monte Carlo", runs_count)}
            {move || match batch.state.get() {
                BatchState::Done(Done { runs, ms }) => Some(view! {
                    <p class="mc-message mc-done" role="status">
                        {format!("{runs} runs in {:.1} s. ", ms / 1000.0)}
                        <a href="#charts">"The charts above now shade their spread."</a>
                        " "
                        <a
                            class="download"
                            data-download="bands-csv"
                            href=bands_link(&query.get_untracked(), runs)
                            download
                            rel="external"
                        >
                            "Download the bands as CSV"
                        </a>
                    </p>
                }),
                _ => None,
            }}
        </Panel>
    }
}

/// The bands of `runs` seeds of the scenario of share-link `query`, as CSV (the server keeps them).
fn bands_link(query: &str, runs: u32) -> String {
    if query.is_empty() {
        format!("/api/bands.csv?runs={runs}&provenance=comments")
    } else {
        format!("/api/bands.csv?{query}&runs={runs}&provenance=comments")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bands_link_carries_the_scenario_and_the_seeds() {
        assert_eq!(bands_link("v=14&seed=3", 10), "/api/bands.csv?v=14&seed=3&runs=10&provenance=comments");
        assert_eq!(bands_link("", 100), "/api/bands.csv?runs=100&provenance=comments");
    }

    #[test]
    fn the_server_json_reads_with_nulls() {
        // This view reads only the run count of the bands (nulls and all).
        let json = r#"{"model_version":"2","runs":2,"percentiles":[5,25,50,75,95],"grid_days":[0],"grid_dates":["2025-10-01"],
            "bands":[{"column":"hashrate_ehs","percentiles":[[1.0],[2.0],[null],[4.0],[5.0]]}]}"#;
        assert_eq!(serde_json::from_str::<Finished>(json).unwrap().runs, 2);
    }
}
