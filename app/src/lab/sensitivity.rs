//! Which assumptions drive the answer: a tornado chart built in the browser
//! from the Monte Carlo route. Each key parameter (`simulation::sensitivity::LEVERS`)
//! is set low and high, the rest as on the page, and run over the same
//! seeds as the base (`/api/montecarlo?<query>&runs=N`, one after another);
//! each bar is the median across seeds of the final day's value.

use super::montecarlo::Bands;
use super::stream::{self, Slot};
use leptos::prelude::*;
use simulation::scenario::FieldSpec;
use simulation::sensitivity::{Lever, LEVERS};
use simulation::{link, Scenario};

/// Seeds per setting.
const RUNS: u32 = 10;

/// The outputs: column, title, unit, divisor.
const OUTPUTS: &[(&str, &str, &str, f64)] = &[
    ("hashrate_ehs", "Final hash rate", "EH/s", 1.0),
    ("security_budget_usd_per_day", "Final security budget", "$ million per day", 1e6),
    ("nakamoto_pools", "Final Nakamoto coefficient of pools", "pools", 1.0),
];

/// One setting's outputs (median across seeds on the last day), in [`OUTPUTS`] order.
type Outputs = Vec<Option<f64>>;

/// A lever's low and high values for `scenario`: the model's own rule, as
/// the command line's analysis sets them.
fn lever_values(lever: &Lever, scenario: &Scenario) -> Option<(f64, f64)> {
    FieldSpec::find(lever.field).map(|_| lever.values(scenario))
}

/// The settings to run: the base, then each lever low and high, as share-link queries.
fn settings(scenario: &Scenario, preset: Option<&str>) -> Vec<(String, String)> {
    let mut out = vec![("base".to_string(), link::to_query(scenario, preset))];
    for lever in LEVERS {
        let Some((low, high)) = lever_values(lever, scenario) else { continue };
        for value in [low, high] {
            let mut case = scenario.clone();
            if case.set_field(lever.field, &format!("{value}")).is_ok() {
                out.push((lever.field.to_string(), link::to_query(&case, preset)));
            }
        }
    }
    out
}

/// The last grid point's median of each output.
fn outputs_of(bands: &Bands) -> Outputs {
    let median = bands.percentiles.iter().position(|&p| (p - 50.0).abs() < 1e-9);
    OUTPUTS
        .iter()
        .map(|(column, ..)| {
            let band = bands.bands.iter().find(|b| b.column == *column)?;
            band.percentiles.get(median?)?.last().copied().flatten()
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running { done: usize, of: usize },
    Done(Vec<Outputs>),
    Cancelled,
    Failed(String),
}

/// The "Which assumptions matter?" button and its tornado charts.
#[component]
pub(crate) fn Sensitivity(scenario: Memo<Scenario>, preset: Memo<Option<String>>, query: Memo<String>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let plan = StoredValue::new(Vec::<(String, String)>::new());
    let results = StoredValue::new(Vec::<Outputs>::new());

    stream::stop_on_new_scenario(Slot::Batch, query, move || {
        if state.get_untracked() != State::Idle {
            state.set(State::Idle);
        }
    });

    // Runs setting `index` of the plan, then the next, until all are done.
    fn step(index: usize, state: RwSignal<State>, plan: StoredValue<Vec<(String, String)>>, results: StoredValue<Vec<Outputs>>) {
        let total = plan.with_value(Vec::len);
        if index >= total {
            stream::close(Slot::Batch);
            state.set(State::Done(results.get_value()));
            return;
        }
        state.set(State::Running { done: index, of: total });
        let query = plan.with_value(|plan| plan[index].1.clone());
        let url = format!("/api/montecarlo?{query}&runs={RUNS}");
        let opened = stream::open(Slot::Batch, &url, &["progress", "bands"], move |name, data| {
            if !matches!(state.get_untracked(), State::Running { .. }) {
                return;
            }
            match name {
                "progress" => {}
                "bands" => match serde_json::from_str::<Bands>(&data) {
                    Ok(bands) => {
                        results.update_value(|r| r.push(outputs_of(&bands)));
                        step(index + 1, state, plan, results);
                    }
                    Err(e) => {
                        stream::close(Slot::Batch);
                        state.set(State::Failed(format!("the bands could not be read: {e}")));
                    }
                },
                _ => {
                    stream::close(Slot::Batch);
                    state.set(State::Failed(if data.is_empty() { "the connection to the server failed".to_string() } else { data }));
                }
            }
        });
        if let Err(message) = opened {
            state.set(State::Failed(message));
        }
    }

    let start = move |_| {
        let all = scenario.with_untracked(|s| preset.with_untracked(|p| settings(s, p.as_deref())));
        plan.set_value(all);
        results.set_value(Vec::new());
        step(0, state, plan, results);
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
                    "Each key assumption is set to a low and a high value, the rest as above, and run over the same {RUNS} seeds as the scenario itself. Bars show the median of the final day across seeds; the line is the scenario as set. Longest bars first: they drive the answer.",
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
                            <span class="mc-count">{format!("{done} of {of} settings")}</span>
                        </div>
                    }
                        .into_any()
                }
                State::Cancelled => view! { <p class="mc-message mc-cancelled" role="status">"Cancelled."</p> }.into_any(),
                State::Failed(message) => {
                    view! { <p class="mc-message mc-error" role="alert">"The analysis did not run: " {message}</p> }.into_any()
                }
                State::Done(results) => {
                    let fields = plan.with_value(|plan| plan.iter().map(|(field, _)| field.clone()).collect::<Vec<_>>());
                    let figures = OUTPUTS
                        .iter()
                        .enumerate()
                        .filter_map(|(o, &(column, title, unit, scale))| {
                            let svg = tornado_svg(&fields, &results, o, unit, scale)?;
                            Some(view! {
                                <figure class="tornado" data-output=column>
                                    <figcaption>{title} " (" {unit} ")"</figcaption>
                                    <div class="mc-svg" inner_html=svg></div>
                                </figure>
                            })
                        })
                        .collect_view();
                    view! {
                        <p class="mc-message mc-key">
                            <span class="swatch area low"></span> "assumption low "
                            <span class="swatch area high"></span> "assumption high"
                        </p>
                        <div class="mc-figures tornado-figures">{figures}</div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// One output's tornado: a bar per lever from its low to its high result,
/// around the base; `fields[i]` names setting `i` (0 is the base).
fn tornado_svg(fields: &[String], results: &[Outputs], output: usize, unit: &str, scale: f64) -> Option<String> {
    let value = |i: usize| results.get(i).and_then(|r| r.get(output).copied().flatten()).map(|v| v / scale);
    let base = value(0)?;
    // (field, at low, at high)
    let mut rows: Vec<(String, f64, f64)> = Vec::new();
    let mut i = 1;
    while i + 1 < fields.len().min(results.len()) {
        if let (Some(low), Some(high)) = (value(i), value(i + 1)) {
            rows.push((fields[i].clone(), low, high));
        }
        i += 2;
    }
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
    let lo = rows.iter().flat_map(|r| [r.1, r.2]).fold(base, f64::min);
    let hi = rows.iter().flat_map(|r| [r.1, r.2]).fold(base, f64::max);
    let (lo, hi) = if hi - lo < 1e-9 * hi.abs().max(1.0) { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    const LEFT: f64 = 200.0;
    const RIGHT: f64 = 470.0;
    const ROW: f64 = 16.0;
    const TOP: f64 = 8.0;
    let height = TOP + ROW * rows.len() as f64 + 40.0;
    let x = |v: f64| LEFT + (RIGHT - LEFT) * (v - lo) / (hi - lo);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 {height:.0}" role="img" aria-label="Sensitivity of this output, {unit}" font-family="sans-serif" font-size="10">"#
    );
    for (k, (field, low, high)) in rows.iter().enumerate() {
        let y = TOP + ROW * k as f64;
        let label = FieldSpec::find(field).map_or(field.as_str(), |spec| spec.label);
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
            LEFT - 6.0,
            y + 11.0,
            escape(label)
        ));
        for (v, class, fill) in [(*low, "low", "#f4a582"), (*high, "high", "#4393c3")] {
            let (a, b) = (x(base.min(v)), x(base.max(v)));
            svg.push_str(&format!(
                r#"<rect class="bar-{class}" data-field="{field}" x="{a:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" fill-opacity="0.85"/>"#,
                y + 2.0,
                (b - a).max(0.5),
                ROW - 4.0
            ));
        }
    }
    let bottom = TOP + ROW * rows.len() as f64;
    svg.push_str(&format!(
        r##"<line x1="{0:.1}" x2="{0:.1}" y1="{TOP}" y2="{bottom:.1}" stroke="#222"/><line x1="{LEFT}" x2="{RIGHT}" y1="{bottom:.1}" y2="{bottom:.1}" stroke="#888"/>"##,
        x(base)
    ));
    for (v, anchor) in [(lo + pad, "start"), (base, "middle"), (hi - pad, "end")] {
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" fill="#444">{}</text>"##,
            x(v),
            bottom + 13.0,
            crate::format::figure(v)
        ));
    }
    svg.push_str(&format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#222">{} (median of the final day; line: as set)</text></svg>"##,
        (LEFT + RIGHT) / 2.0,
        bottom + 30.0,
        escape(unit)
    ));
    Some(svg)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lever_gets_a_low_and_a_high_setting_after_the_base() {
        let plan = settings(&Scenario::default(), None);
        assert_eq!(plan[0].0, "base");
        assert_eq!(plan.len(), 1 + 2 * LEVERS.len());
        for (field, query) in &plan[1..] {
            // A value equal to the scenario's is left out of the link.
            assert!(query.contains(&format!("{field}=")) || *query == plan[0].1, "{field}: {query}");
        }
    }

    #[test]
    fn the_tornado_puts_the_widest_swing_first() {
        let fields: Vec<String> = ["base", "a", "a", "b", "b"].iter().map(|s| s.to_string()).collect();
        let results = vec![vec![Some(10.0)], vec![Some(9.0)], vec![Some(11.0)], vec![Some(5.0)], vec![Some(20.0)]];
        let svg = tornado_svg(&fields, &results, 0, "EH/s", 1.0).unwrap();
        assert!(svg.find(r#"data-field="b""#).unwrap() < svg.find(r#"data-field="a""#).unwrap());
        assert_eq!(svg.matches("<rect").count(), 4);
    }
}
