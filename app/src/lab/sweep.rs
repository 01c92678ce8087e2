//! Parameter sweeps: one or two scenario fields over ranges, a metric per
//! cell (on the final day, or its mean over the whole run or chosen days),
//! streamed from `GET /api/sweep?<query>&param=FIELD=FROM:TO:STEPS[&param=...]&metric=[&mean_over=]&runs=`
//! (server-sent events: `progress` `{done, runs}`, then `sweep` with the
//! cells and the chart the server drew, or `error`). The page keeps the
//! controls, the progress bar, the chart and a CSV of the cells.

use super::batch::{progress_view, Batch, BatchState, Panel};
use super::stream::Slot;
use crate::catalogue::{metric_label, METRICS};
use crate::format::{data_url, percent_encode as encode};
use leptos::prelude::*;
use serde_json::Value;
use simulation::output::DailyRecord;
use simulation::scenario::{FieldKind, FieldSpec, FIELDS};
use simulation::sensitivity::LEVERS;
use simulation::sweep::Cell;
use simulation::Scenario;

/// What the panel starts with: a price shock from -60% to none, hash rate, 10 runs per cell.
const DEFAULT_FIELD: &str = "price_shock_pct";
const DEFAULT_STEPS: u32 = 7;
const DEFAULT_SECOND_STEPS: u32 = 5;
const DEFAULT_METRIC: &str = simulation::output::column::hashrate_ehs;
const DEFAULT_RUNS: u32 = 10;
/// The days the "mean over days" choice starts with: the first year.
const DEFAULT_WINDOW: &str = "0:364";

/// How each run's figure is taken: the choice's value, and its words.
const TAKEN: [(&str, &str); 3] = [("final", "on the final day"), ("whole", "its mean over the whole run"), ("days", "its mean over days")];

/// The `mean_over` days of choice `taken` (`TAKEN`), with `days` typed for the last.
fn mean_over(taken: &str, days: &str) -> Option<String> {
    match taken {
        "whole" => Some("0:end".to_string()),
        "days" => Some(days.trim().to_string()),
        _ => None,
    }
}

/// Every metric: [`METRICS`] first, then the other numeric daily columns.
fn metric_choices() -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = METRICS.iter().map(|(column, label, _)| (*column, label.to_string())).collect();
    for column in DailyRecord::COLUMNS.iter().filter(|c| !matches!(**c, "day" | "date")) {
        if !METRICS.iter().any(|(name, ..)| name == column) {
            let (label, unit) = metric_label(column);
            out.push((column, if unit.is_empty() { label } else { format!("{label} ({unit})") }));
        }
    }
    out
}

/// The fields a sweep can move: the numeric ones but the seed (each cell already runs many seeds).
fn sweepable() -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(|spec| matches!(spec.kind, FieldKind::Number | FieldKind::Integer) && spec.name != "seed")
}

/// A field's suggested range for `scenario`: the price shock from -60% to 0;
/// a key assumption's low and high (as the sensitivity view sets them);
/// otherwise half to one and a half times its value (a tenth of its
/// allowed range from the bottom when the value is 0), within the range.
pub(crate) fn default_range(field: &str, scenario: &Scenario) -> Option<(f64, f64)> {
    let spec = FieldSpec::find(field).filter(|spec| matches!(spec.kind, FieldKind::Number | FieldKind::Integer))?;
    if field == DEFAULT_FIELD {
        return Some((-60.0, 0.0));
    }
    if let Some(lever) = LEVERS.iter().find(|lever| lever.field == field) {
        let (low, high) = lever.values(scenario);
        if low != high {
            return Some((low, high));
        }
    }
    let current: f64 = scenario.field_text(field)?.parse().ok()?;
    let (low, high) =
        if current.abs() > 1e-12 { (current * 0.5, current * 1.5) } else { (spec.min, spec.min + (spec.max - spec.min) * 0.1) };
    let fit = |v: f64| {
        let v = tidy(v.clamp(spec.min, spec.max));
        if spec.kind == FieldKind::Integer {
            v.round()
        } else {
            v
        }
    };
    Some((fit(low.min(high)), fit(low.max(high))))
}

/// `value` to 6 significant figures, so that 0.045 x 1.5 reads 0.0675.
fn tidy(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(5 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// A duration for people: milliseconds under a second, else seconds.
fn elapsed(ms: f64) -> String {
    if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1_000.0)
    }
}

/// One axis as the route reads it: `field=from:to:steps` (the server checks it).
fn axis_param(field: &str, from: &str, to: &str, steps: &str) -> String {
    format!("{}={}:{}:{}", field.trim(), from.trim(), to.trim(), steps.trim())
}

/// The route's URL for the page's `query`, the axes, metric (its mean over
/// days `mean_over` when set) and runs per cell.
fn sweep_url(query: &str, params: &[String], metric: &str, mean_over: Option<&str>, runs: &str) -> String {
    let mut url = String::from("/api/sweep?");
    if !query.is_empty() {
        url.push_str(query);
        url.push('&');
    }
    for param in params {
        url.push_str(&format!("param={}&", encode(param)));
    }
    url.push_str(&format!("metric={}&", encode(metric.trim())));
    if let Some(days) = mean_over {
        url.push_str(&format!("mean_over={}&", encode(days)));
    }
    url.push_str(&format!("runs={}", encode(runs.trim())));
    url
}

/// The `mean_over` days of a sweep's spec (`FROM:TO`), when it has them.
fn spec_window(spec: &Value) -> Option<String> {
    let window = spec.get("mean_over").filter(|w| !w.is_null())?;
    let from = window["from_day"].as_u64()?;
    Some(window["to_day"].as_u64().map_or_else(|| format!("{from}:end"), |to| format!("{from}:{to}")))
}

/// Cells and runs the controls ask for, when their steps and runs are numbers.
fn planned(steps: &[&str], runs: &str) -> Option<(u32, u32)> {
    let cells = steps.iter().try_fold(1u32, |product, s| s.trim().parse::<u32>().ok().and_then(|n| product.checked_mul(n)))?;
    Some((cells, runs.trim().parse().ok()?))
}

/// The cells as CSV: `field1[,field2],p5,p25,p50,p75,p95,mean`.
fn cells_csv(fields: &[String], cells: &[Cell]) -> String {
    let mut csv = fields.join(",");
    csv.push_str(",p5,p25,p50,p75,p95,mean\n");
    for cell in cells {
        let row: Vec<String> =
            cell.values.iter().chain(&cell.percentiles).chain(std::iter::once(&cell.mean)).map(|v| format!("{v}")).collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    csv
}

/// A `data:` URL of a CSV text, for a download link.
fn csv_data_url(csv: &str) -> String {
    data_url("text/csv", csv)
}

/// A finished sweep, ready to show.
#[derive(Debug, Clone, PartialEq)]
struct Finished {
    svg: String,
    csv_url: String,
    /// The same CSV led by `#` lines saying where it came from (absent when the stream did not say).
    csv_with_provenance_url: Option<String>,
    file: String,
    cells: usize,
    runs: u64,
    ms: f64,
}

/// The `sweep` event (the server's `SweepResult` and `svg`), read for the page
/// (values read as JSON, not as the result type: a smaller bundle).
fn finish(data: &str, ms: f64) -> Option<Finished> {
    let event: Value = serde_json::from_str(data).ok()?;
    let spec = &event["spec"];
    let fields: Vec<String> = spec["axes"].as_array()?.iter().map(|a| a["field"].as_str().map(str::to_string)).collect::<Option<_>>()?;
    let numbers = |v: &Value| v.as_array().map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect::<Vec<f64>>());
    let cells: Vec<Cell> = event["cells"]
        .as_array()?
        .iter()
        .map(|c| {
            Some(Cell {
                values: numbers(&c["values"])?,
                percentiles: numbers(&c["percentiles"])?,
                mean: c["mean"].as_f64().unwrap_or(f64::NAN),
            })
        })
        .collect::<Option<_>>()?;
    let csv = cells_csv(&fields, &cells);
    let field_names: Vec<&str> = fields.iter().map(String::as_str).collect();
    let window = spec_window(spec);
    let contents = crate::provenance::sweep_contents(spec["metric"].as_str()?, window.as_deref(), &field_names, spec["runs"].as_u64()?);
    let taken = window.map(|days| format!("-mean-days-{}", days.replace(':', "-"))).unwrap_or_default();
    let provenance: Option<crate::provenance::Provenance> = serde_json::from_value(event["provenance"].clone()).ok();
    Some(Finished {
        csv_with_provenance_url: provenance
            .map(|p| csv_data_url(&format!("{}{}{csv}", p.csv_comments(&contents), sweep_again(&p.link, spec).unwrap_or_default()))),
        csv_url: csv_data_url(&csv),
        file: format!("hashlab-sweep-{}{taken}-by-{}.csv", spec["metric"].as_str()?, fields.join("-")),
        cells: cells.len(),
        runs: spec["runs"].as_u64()?,
        svg: event["svg"].as_str()?.to_string(),
        ms,
    })
}

/// The `#` line that runs the sweep again: the scenario's link and the sweep's
/// own settings (its axes, metric, days and seeds), which the link alone leaves out.
fn sweep_again(link: &str, spec: &Value) -> Option<String> {
    let params = spec["axes"]
        .as_array()?
        .iter()
        .map(|axis| {
            let (from, to) = (axis["from"].as_f64()?, axis["to"].as_f64()?);
            Some(format!("--param {}={from}:{to}:{}", axis["field"].as_str()?, axis["steps"].as_u64()?))
        })
        .collect::<Option<Vec<_>>>()?;
    let window = spec_window(spec).map(|days| format!(" --mean-over {days}")).unwrap_or_default();
    Some(format!(
        "# Sweep it again: hashlab sweep --link '{link}' {} --metric {}{window} --runs {}\n",
        params.join(" "),
        spec["metric"].as_str()?,
        spec["runs"].as_u64()?
    ))
}

/// One axis's controls.
#[derive(Clone, Copy)]
struct AxisInput {
    field: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    steps: RwSignal<String>,
}

impl AxisInput {
    fn new(field: &str, steps: u32, scenario: &Scenario) -> Self {
        let (from, to) = default_range(field, scenario).map_or((String::new(), String::new()), |(a, b)| (format!("{a}"), format!("{b}")));
        Self {
            field: RwSignal::new(field.to_string()),
            from: RwSignal::new(from),
            to: RwSignal::new(to),
            steps: RwSignal::new(steps.to_string()),
        }
    }

    /// A new field: its suggested range.
    fn choose(&self, field: String, scenario: &Scenario) {
        if let Some((from, to)) = default_range(&field, scenario) {
            self.from.set(format!("{from}"));
            self.to.set(format!("{to}"));
        }
        self.field.set(field);
    }

    fn param(&self) -> Option<String> {
        let field = self.field.get_untracked();
        (!field.is_empty()).then(|| axis_param(&field, &self.from.get_untracked(), &self.to.get_untracked(), &self.steps.get_untracked()))
    }
}

/// The "Sweep a parameter" panel. Its controls are built in the browser once
/// the page is hydrated (they need the page's script anyway): only their
/// `build` path is compiled into the bundle, not the hydration paths.
#[component]
pub(crate) fn Sweep(
    /// The canonical share-link query of the current scenario.
    query: Memo<String>,
    scenario: Memo<Scenario>,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(div) = host.get() else { return false };
        use wasm_bindgen::JsCast;
        leptos::mount::mount_to(div.unchecked_into(), move || panel(query, scenario)).forget();
        true
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (query, scenario);
    view! {
        <Panel id="sweep" title="Sweep a parameter" intro={"Move one or two assumptions over a range, the rest as above: each cell runs the scenario over several seeds and keeps the chosen figure on the final day, or its mean over the whole run or over the days you type. One parameter draws the median with its bands; two draw a heatmap of the median.".to_string()}>
            <div class="sweep-panel" node_ref=host>
                <noscript>
                    <p class="mc-note">"Sweeps need JavaScript (or `hashlab sweep` on the command line)."</p>
                </noscript>
            </div>
        </Panel>
    }
}

/// The panel's controls, progress and result.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn panel(query: Memo<String>, scenario: Memo<Scenario>) -> impl IntoView {
    let (first, second) =
        scenario.with_untracked(|s| (AxisInput::new(DEFAULT_FIELD, DEFAULT_STEPS, s), AxisInput::new("", DEFAULT_SECOND_STEPS, s)));
    let metric = RwSignal::new(DEFAULT_METRIC.to_string());
    let taken = RwSignal::new(TAKEN[0].0.to_string());
    let window = RwSignal::new(DEFAULT_WINDOW.to_string());
    let runs = RwSignal::new(DEFAULT_RUNS.to_string());
    let batch = Batch::<Box<Finished>>::new(Slot::Sweep, "sweep", query);
    // Runs per cell of the sweep running now, for its progress in cells.
    let per_cell = StoredValue::new(1_u32);

    let plan = move || {
        let steps: Vec<String> = [first, second].iter().filter(|a| !a.field.get().is_empty()).map(|a| a.steps.get()).collect();
        planned(&steps.iter().map(String::as_str).collect::<Vec<_>>(), &runs.get())
    };
    let start = move |_| {
        let params: Vec<String> = [first, second].iter().filter_map(AxisInput::param).collect();
        let days = mean_over(&taken.get_untracked(), &window.get_untracked());
        let url = sweep_url(&query.get_untracked(), &params, &metric.get_untracked(), days.as_deref(), &runs.get_untracked());
        let (cells, runs_per_cell) = plan().unwrap_or((0, 0));
        per_cell.set_value(runs_per_cell.max(1));
        batch.start(url, cells.saturating_mul(runs_per_cell), "sweep", |data, ms| {
            finish(data, ms).map(Box::new).ok_or_else(|| "the sweep's result could not be read".to_string())
        });
    };
    let cancel = move |_| batch.cancel();
    let running = move || batch.running();
    let label = move || match plan() {
        Some((cells, runs)) => format!("Run the sweep ({cells} cells x {runs} runs)"),
        None => "Run the sweep".to_string(),
    };

    view! {
        <div class="sweep-axes">
                <AxisControls axis=first index=1 optional=false scenario />
                <AxisControls axis=second index=2 optional=true scenario />
            </div>
            <div class="mc-controls sweep-controls">
                <label for="sweep-metric">"Figure"</label>
                <select id="sweep-metric" class="sweep-metric" prop:value=move || metric.get() on:change=move |ev| metric.set(event_target_value(&ev))>
                    {metric_choices()
                        .into_iter()
                        .map(|(column, label)| {
                            view! {
                                <option value=column selected=column == DEFAULT_METRIC>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="sweep-taken">"taken as"</label>
                <select id="sweep-taken" class="sweep-taken" prop:value=move || taken.get() on:change=move |ev| taken.set(event_target_value(&ev))>
                    {TAKEN
                        .iter()
                        .map(|(value, words)| view! { <option value=*value selected=*value == TAKEN[0].0>{*words}</option> })
                        .collect_view()}
                </select>
                <label class="sweep-window-label" hidden=move || taken.get() != "days">
                    <span class="sr-only">"Days of the run, from 0, FROM:TO (TO may be end)"</span>
                    <input
                        id="sweep-window"
                        class="sweep-window"
                        type="text"
                        inputmode="numeric"
                        size="8"
                        placeholder="0:end"
                        title="Days of the run, from 0: FROM:TO (TO may be end)"
                        value=DEFAULT_WINDOW
                        prop:value=move || window.get()
                        on:input=move |ev| window.set(event_target_value(&ev))
                    />
                </label>
                <label for="sweep-runs">"Runs per cell"</label>
                <input
                    id="sweep-runs"
                    class="mc-runs sweep-runs"
                    type="number"
                    min="1"
                    max="1000"
                    value=DEFAULT_RUNS.to_string()
                    prop:value=move || runs.get()
                    on:input=move |ev| runs.set(event_target_value(&ev))
                />
                <button type="button" class="sweep-start" on:click=start disabled=running>
                    {label}
                </button>
                <button type="button" class="sweep-cancel" on:click=cancel hidden=move || !running()>
                    "Cancel"
                </button>
            </div>
            {progress_view(batch, "sweep", move |done, total| {
                let per_cell = per_cell.get_value();
                format!("{done} of {total} runs ({} of {} cells)", done / per_cell, total / per_cell)
            })}
            {move || match batch.state.get() {
                BatchState::Done(done) => Some(view! {
                    <p class="mc-message mc-done sweep-done" role="status">
                        {format!("{} cells x {} runs in {}. ", done.cells, done.runs, elapsed(done.ms))}
                        "Download the cells ("
                        <a class="sweep-csv" href=done.csv_url download=done.file.clone()>"CSV"</a>
                        {done
                            .csv_with_provenance_url
                            .clone()
                            .map(|url| {
                                view! {
                                    ", "
                                    <a class="sweep-csv-provenance" href=url download=done.file.replace(".csv", "-with-provenance.csv")>
                                        "CSV with its link, model version and seed as # lines"
                                    </a>
                                }
                            })}
                        ") or the chart ("
                        <a class="sweep-svg" href=data_url("image/svg+xml", &done.svg) download=done.file.replace(".csv", ".svg")>"SVG"</a>
                        ")."
                    </p>
                    <div class="mc-svg sweep-chart" inner_html=done.svg></div>
                }),
                _ => None,
            }}
    }
}

/// A swept field's select, from, to and steps.
#[component]
fn AxisControls(axis: AxisInput, index: u32, optional: bool, scenario: Memo<Scenario>) -> impl IntoView {
    let id = |part: &str| format!("sweep-{part}-{index}");
    let initial = axis.field.get_untracked();
    view! {
        <fieldset class="sweep-axis" data-axis=index>
            <legend>{if optional { "Second parameter (optional)" } else { "Parameter" }}</legend>
            <select
                id=id("field")
                class="sweep-field"
                aria-label=format!("Parameter {index}")
                prop:value=move || axis.field.get()
                on:change=move |ev| scenario.with_untracked(|s| axis.choose(event_target_value(&ev), s))
            >
                {optional.then(|| view! { <option value="" selected=initial.is_empty()>"(none)"</option> })}
                {sweepable()
                    .map(|spec| {
                        let text = if spec.unit.is_empty() { spec.label.to_string() } else { format!("{} ({})", spec.label, spec.unit) };
                        view! {
                            <option value=spec.name selected=spec.name == initial>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {number_box(id("from"), "from ", "sweep-from", axis.from, axis.field, None)}
            {number_box(id("to"), "to ", "sweep-to", axis.to, axis.field, None)}
            {number_box(id("steps"), "steps ", "sweep-steps", axis.steps, axis.field, Some("100"))}
        </fieldset>
    }
}

/// A number box, off while its axis has no field; `max` for a count (whole, from 1).
fn number_box(
    id: String,
    label: &'static str,
    class: &'static str,
    value: RwSignal<String>,
    field: RwSignal<String>,
    max: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                id=id
                class=class
                type="number"
                step=if max.is_some() { "1" } else { "any" }
                min=max.map(|_| "1")
                max=max
                value=value.get_untracked()
                prop:value=move || value.get()
                disabled=move || field.get().is_empty()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simulation::sweep::Axis;

    #[test]
    fn the_url_carries_the_query_each_axis_the_metric_and_runs() {
        let params = vec![axis_param("price_shock_pct", " -60", "0 ", "7"), axis_param("operators", "100", "200", "3")];
        assert_eq!(params[0], "price_shock_pct=-60:0:7");
        let url = sweep_url("v=1&seed=42", &params, "hashrate_ehs", None, "10");
        assert_eq!(
            url,
            "/api/sweep?v=1&seed=42&param=price_shock_pct%3D-60%3A0%3A7&param=operators%3D100%3A200%3A3&metric=hashrate_ehs&runs=10"
        );
        assert_eq!(sweep_url("", &params[..1], "ai_mw", None, "2"), "/api/sweep?param=price_shock_pct%3D-60%3A0%3A7&metric=ai_mw&runs=2");
        // A mean over days: the route reads `mean_over` back as the same days.
        let days = mean_over("days", " 30:end ");
        let windowed = sweep_url("", &params[..1], "ai_mw", days.as_deref(), "2");
        assert_eq!(windowed, "/api/sweep?param=price_shock_pct%3D-60%3A0%3A7&metric=ai_mw&mean_over=30%3Aend&runs=2");
        assert_eq!(simulation::sweep::Window::parse(&form_urlencoded_pairs(&windowed)[2].1).unwrap().text(), "30:end");
        assert_eq!((mean_over("final", "1:2"), mean_over("whole", "1:2")), (None, Some("0:end".to_string())));
        // What the server reads back is the same axis.
        let decoded: Vec<(String, String)> = form_urlencoded_pairs(&url);
        assert_eq!(Axis::parse(&decoded[2].1).unwrap(), Axis::parse("price_shock_pct=-60:0:7").unwrap());
    }

    fn form_urlencoded_pairs(url: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes()).into_owned().collect()
    }

    #[test]
    fn the_csv_has_one_row_per_cell_under_the_named_header() {
        let cells = vec![
            Cell { values: vec![-60.0, 1.5], percentiles: vec![1.0, 2.0, 3.0, 4.0, 5.0], mean: 3.25 },
            Cell { values: vec![0.0, 2.0], percentiles: vec![10.0, 20.0, 30.0, 40.0, 50.0], mean: 30.0 },
        ];
        let csv = cells_csv(&["price_shock_pct".into(), "fee_btc_per_block".into()], &cells);
        assert_eq!(csv, "price_shock_pct,fee_btc_per_block,p5,p25,p50,p75,p95,mean\n-60,1.5,1,2,3,4,5,3.25\n0,2,10,20,30,40,50,30\n");
        let url = csv_data_url("a,b\n1,-2\n");
        assert_eq!(url, "data:text/csv;charset=utf-8,a%2Cb%0A1%2C-2%0A");
    }

    #[test]
    fn default_ranges_follow_the_field() {
        let scenario = Scenario::default();
        assert_eq!(default_range("price_shock_pct", &scenario), Some((-60.0, 0.0)));
        // A key assumption: the sensitivity view's low and high.
        assert_eq!(default_range("ai_revenue_usd_per_mw_year", &scenario), Some((1_000_000.0, 1_850_000.0)));
        // Others: half to one and a half times the value, tidy, whole for integer fields.
        assert_eq!(default_range("power_price_dispersion", &scenario), Some((0.175, 0.525)));
        assert_eq!(default_range("operators", &scenario), Some((1_000.0, 3_000.0)));
        let (low, high) = default_range("fee_growth_pct_per_year", &scenario).unwrap();
        assert!(low < high, "{low} {high}");
        assert_eq!(default_range("title", &scenario), None);
        assert_eq!(default_range("nope", &scenario), None);
        // Every sweepable field has a range the server accepts.
        for spec in sweepable() {
            let (low, high) = default_range(spec.name, &scenario).unwrap_or_else(|| panic!("{}", spec.name));
            let param = axis_param(spec.name, &format!("{low}"), &format!("{high}"), "3");
            assert!(Axis::parse(&param).is_ok(), "{param}: {:?}", Axis::parse(&param));
        }
    }

    #[test]
    fn metrics_are_daily_columns_with_labels_first() {
        let choices = metric_choices();
        assert_eq!(choices[0], ("hashrate_ehs", "Hash rate".to_string()));
        assert_eq!(choices.len(), DailyRecord::COLUMNS.len() - 2);
        for (column, _) in &choices {
            assert!(DailyRecord::default().value(column).is_some(), "{column}");
        }
        assert_eq!(metric_label("ai_mw"), ("Moved to AI".to_string(), "MW".to_string()));
        assert_eq!(metric_label("blocks"), ("Blocks mined that day".to_string(), String::new()));
    }

    #[test]
    fn plans_read_as_a_person_needs() {
        assert_eq!(planned(&["7"], "10"), Some((7, 10)));
        assert_eq!(planned(&["7", " 5"], "2"), Some((35, 2)));
        assert_eq!(planned(&["x"], "2"), None);
        assert_eq!(tidy(0.045 * 1.5), 0.0675);
        assert_eq!((elapsed(42.4), elapsed(1_250.0)), ("42 ms".to_string(), "1.2 s".to_string()));
    }

    #[test]
    fn the_sweep_event_reads_into_a_chart_and_a_csv() {
        let data = r#"{"model_version":"1","spec":{"scenario":{"operators":100},"axes":[{"field":"price_shock_pct","from":-60,"to":0,"steps":2}],
            "metric":"hashrate_ehs","runs":3},"total_cells":2,"first_cell":0,
            "cells":[{"values":[-60.0],"percentiles":[1,2,3,4,5],"mean":3.0},{"values":[0.0],"percentiles":[6,7,null,9,10],"mean":8.5}],
            "svg":"<svg data-sweep=\"line\"></svg>"}"#;
        let done = finish(data, 1234.0).unwrap();
        assert_eq!((done.cells, done.runs, done.ms), (2, 3, 1234.0));
        assert_eq!(done.svg, r#"<svg data-sweep="line"></svg>"#);
        assert_eq!(done.file, "hashlab-sweep-hashrate_ehs-by-price_shock_pct.csv");
        let csv = "price_shock_pct,p5,p25,p50,p75,p95,mean\n-60,1,2,3,4,5,3\n0,6,7,NaN,9,10,8.5\n";
        assert_eq!(done.csv_url, csv_data_url(csv));
        assert_eq!(done.csv_with_provenance_url, None, "no provenance in the event, no such download");
        // With the stream's provenance first, the second CSV leads with it as `#` lines.
        let provenance = crate::provenance::Provenance::at(&simulation::Scenario::default(), "https://lab.example", 0);
        let stamped = format!(r#"{{"provenance":{},{}"#, serde_json::to_string(&provenance).unwrap(), &data[1..]);
        let done = finish(&stamped, 1.0).unwrap();
        let again = format!(
            "# Sweep it again: hashlab sweep --link '{}' --param price_shock_pct=-60:0:2 --metric hashrate_ehs --runs 3\n",
            provenance.link
        );
        let expected = format!("{}{again}{csv}", provenance.csv_comments("sweep of hashrate_ehs over price_shock_pct, 3 seeds per cell"));
        assert_eq!(done.csv_with_provenance_url, Some(csv_data_url(&expected)));
        assert!(expected.starts_with("# Hashlab sweep of hashrate_ehs over price_shock_pct, 3 seeds per cell, model version"));
        assert_eq!(finish("{}", 0.0), None);
        // A sweep over a window's mean says so in its file name, its provenance and its command.
        let windowed =
            stamped.replace(r#""metric":"hashrate_ehs","#, r#""metric":"hashrate_ehs","mean_over":{"from_day":30,"to_day":null},"#);
        let done = finish(&windowed, 1.0).unwrap();
        assert_eq!(done.file, "hashlab-sweep-hashrate_ehs-mean-days-30-end-by-price_shock_pct.csv");
        let url = done.csv_with_provenance_url.unwrap();
        let text = String::from_utf8(percent_decode(url.split_once(',').unwrap().1)).unwrap();
        assert!(text.starts_with("# Hashlab sweep of hashrate_ehs (mean over days 30:end) over price_shock_pct"), "{text}");
        assert!(text.contains("--metric hashrate_ehs --mean-over 30:end --runs 3\n"), "{text}");
    }

    fn percent_decode(text: &str) -> Vec<u8> {
        let (mut bytes, mut rest) = (Vec::new(), text.as_bytes());
        while let Some((&b, tail)) = rest.split_first() {
            if b == b'%' {
                bytes.push(u8::from_str_radix(std::str::from_utf8(&tail[..2]).unwrap(), 16).unwrap());
                rest = &tail[2..];
            } else {
                bytes.push(b);
                rest = tail;
            }
        }
        bytes
    }
}
