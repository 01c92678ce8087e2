//! Monte Carlo bands: the current scenario over N seeds, streamed from
//! `GET /api/montecarlo?<query>&runs=N` (server-sent events: `progress`
//! `{done, runs}`, then `bands` or `error`), drawn in the browser as one
//! small SVG per metric: the p5-p95 and p25-p75 bands and the median.

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

/// The metrics drawn with bands: column, title, unit, divisor of the values.
const METRICS: &[(&str, &str, &str, f64)] = &[
    ("hashrate_ehs", "Hash rate", "EH/s", 1.0),
    ("hashprice_usd_per_ph_day", "Hashprice", "$ per PH/s per day", 1.0),
    ("security_budget_usd_per_day", "Security budget", "$ million per day", 1e6),
    ("nakamoto_pools", "Nakamoto coefficient", "pools", 1.0),
];

/// The `bands` event, as much of it as the page needs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Bands {
    /// Runs in the batch.
    pub runs: u32,
    /// The percentile of each row of a band (5, 25, 50, 75, 95).
    pub percentiles: Vec<f64>,
    /// The grid's dates.
    pub grid_dates: Vec<String>,
    /// One band per column.
    pub bands: Vec<Band>,
}

/// One column's percentiles over the grid (`null` where a value was not a number).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Band {
    /// The column.
    pub column: String,
    /// `percentiles[k][point]`.
    pub percentiles: Vec<Vec<Option<f64>>>,
}

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

/// The `progress` event.
#[derive(Debug, Clone, Copy, Deserialize)]
struct ProgressEvent {
    done: u32,
    runs: u32,
}

/// Where the Monte Carlo stands.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Running { done: u32, runs: u32 },
    Done { bands: Bands, ms: f64 },
    Cancelled { done: u32, runs: u32 },
    Failed(String),
}

/// The "Run N seeds" control, its progress bar and the band figures.
#[component]
pub(crate) fn MonteCarlo(
    /// The canonical share-link query of the current scenario.
    query: Memo<String>,
    scenario: Memo<Scenario>,
) -> impl IntoView {
    let runs = RwSignal::new(DEFAULT_RUNS);
    let state = RwSignal::new(State::Idle);
    let started = StoredValue::new(0.0_f64);

    // A new scenario: old bands no longer describe it.
    Effect::new(move |previous: Option<String>| {
        let current = query.get();
        if previous.is_some_and(|previous| previous != current) {
            stream::close();
            state.set(State::Idle);
        }
        current
    });
    on_cleanup(stream::close);

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
        let opened = stream::open(&url, move |name, data| match name {
            "progress" => {
                if let Ok(p) = serde_json::from_str::<ProgressEvent>(&data) {
                    if matches!(state.get_untracked(), State::Running { .. }) {
                        set_body_attribute("data-mc-progress", &format!("{}/{}", p.done, p.runs));
                        state.set(State::Running { done: p.done, runs: p.runs });
                    }
                }
            }
            "bands" => {
                stream::close();
                match serde_json::from_str::<Bands>(&data) {
                    Ok(bands) => {
                        let ms = now_ms() - started.get_value();
                        set_body_attribute("data-mc", "done");
                        set_body_attribute("data-mc-ms", &format!("{ms:.0}"));
                        state.set(State::Done { bands, ms });
                    }
                    Err(e) => {
                        set_body_attribute("data-mc", "error");
                        state.set(State::Failed(format!("the bands could not be read: {e}")));
                    }
                }
            }
            _ => {
                stream::close();
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
        stream::close();
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
                "The model draws its operators, pools and block times at random. Run this scenario with many seeds to see the range of outcomes: the shaded bands hold 90% and 50% of the runs, the line is the median."
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
                State::Done { bands, ms } => {
                    let figures = METRICS
                        .iter()
                        .filter_map(|&(column, title, unit, scale)| {
                            let svg = band_svg(&bands, column, title, unit, scale)?;
                            Some(view! {
                                <figure class="mc-band" data-metric=column>
                                    <figcaption>{title} " (" {unit} ")"</figcaption>
                                    <div class="mc-svg" inner_html=svg></div>
                                </figure>
                            })
                        })
                        .collect_view();
                    view! {
                        <p class="mc-message mc-done" role="status">
                            {format!("{} runs in {:.1} s. ", bands.runs, ms / 1000.0)}
                            <span class="mc-key">
                                <span class="swatch area outer"></span> "5th-95th percentile "
                                <span class="swatch area inner"></span> "25th-75th "
                                <span class="swatch median"></span> "median"
                            </span>
                        </p>
                        <div class="mc-figures">{figures}</div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Width and height of a band figure (SVG user units; it scales to its box).
const W: f64 = 380.0;
const H: f64 = 230.0;
/// Plot area.
const LEFT: f64 = 58.0;
const RIGHT: f64 = 370.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 190.0;

/// One metric's bands as an SVG document, or `None` when the result lacks it.
pub(crate) fn band_svg(bands: &Bands, column: &str, title: &str, unit: &str, scale: f64) -> Option<String> {
    let band = bands.bands.iter().find(|b| b.column == column)?;
    let row = |p: f64| -> Option<Vec<Option<f64>>> {
        let k = bands.percentiles.iter().position(|&q| (q - p).abs() < 1e-9)?;
        Some(band.percentiles.get(k)?.iter().map(|v| v.filter(|v| v.is_finite()).map(|v| v / scale)).collect())
    };
    let (p5, p25, p50, p75, p95) = (row(5.0)?, row(25.0)?, row(50.0)?, row(75.0)?, row(95.0)?);
    let points = p50.len();
    if points == 0 || bands.grid_dates.len() != points {
        return None;
    }
    let values = || [&p5, &p25, &p50, &p75, &p95].into_iter().flat_map(|r| r.iter().flatten().copied());
    let lo = values().fold(f64::INFINITY, f64::min);
    let hi = values().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let (y0, y1, step) = nice_range(lo, hi);
    let x = |i: usize| if points == 1 { (LEFT + RIGHT) / 2.0 } else { LEFT + (RIGHT - LEFT) * i as f64 / (points - 1) as f64 };
    let y = |v: f64| BOTTOM - (BOTTOM - TOP) * (v - y0) / (y1 - y0);

    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-label="{title} across seeds, {unit}, {} to {}" font-family="sans-serif" font-size="11">"#,
        escape(&bands.grid_dates[0]),
        escape(&bands.grid_dates[points - 1]),
    );
    // Grid and y labels.
    for k in 0..=((y1 - y0) / step).round() as u32 {
        let v = y0 + step * f64::from(k);
        let yy = y(v);
        svg.push_str(&format!(
            r##"<line x1="{LEFT}" x2="{RIGHT}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
            LEFT - 4.0,
            yy + 3.5,
            crate::format::figure(v)
        ));
    }
    // Bands (polygons over the points where both edges have values) and the median.
    svg.push_str(&area(&p5, &p95, &x, &y, "mc-outer", "#9ecae1"));
    svg.push_str(&area(&p25, &p75, &x, &y, "mc-inner", "#4292c6"));
    let median = line(&p50, &x, &y);
    svg.push_str(&format!(r##"<path class="mc-median" d="{median}" fill="none" stroke="#08306b" stroke-width="1.8"/>"##));
    // Axes and x labels: first, middle and last date.
    svg.push_str(&format!(
        r##"<line x1="{LEFT}" x2="{RIGHT}" y1="{BOTTOM}" y2="{BOTTOM}" stroke="#888"/><line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{BOTTOM}" stroke="#888"/>"##
    ));
    for (i, anchor) in [(0, "start"), (points / 2, "middle"), (points - 1, "end")] {
        if points == 1 && i > 0 {
            break;
        }
        svg.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" fill="#444">{}</text>"##,
            x(i),
            BOTTOM + 14.0,
            escape(&bands.grid_dates[i])
        ));
    }
    svg.push_str(&format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#222">Date</text><text x="12" y="{:.1}" text-anchor="middle" fill="#222" transform="rotate(-90 12 {:.1})">{}</text></svg>"##,
        (LEFT + RIGHT) / 2.0,
        H - 8.0,
        (TOP + BOTTOM) / 2.0,
        (TOP + BOTTOM) / 2.0,
        escape(unit)
    ));
    Some(svg)
}

/// A range from `lo` to `hi` with round ends, and its tick step (1, 2 or 5
/// times a power of ten, about five ticks); never empty.
fn nice_range(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (lo, hi) = if hi - lo < 1e-9 * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(1.0);
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    let rough = (hi - lo) / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(10.0 * power);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// The area between `lower` and `upper`, one polygon per run of points with both values.
fn area(lower: &[Option<f64>], upper: &[Option<f64>], x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64, class: &str, fill: &str) -> String {
    let mut d = String::new();
    let mut segment: Vec<(usize, f64, f64)> = Vec::new();
    let flush = |segment: &mut Vec<(usize, f64, f64)>, d: &mut String| {
        if !segment.is_empty() {
            for (j, (i, _, up)) in segment.iter().enumerate() {
                d.push_str(&format!("{}{:.1},{:.1}", if j == 0 { "M" } else { "L" }, x(*i), y(*up)));
            }
            for (i, low, _) in segment.iter().rev() {
                d.push_str(&format!("L{:.1},{:.1}", x(*i), y(*low)));
            }
            d.push('Z');
        }
        segment.clear();
    };
    for (i, (low, up)) in lower.iter().zip(upper).enumerate() {
        match (low, up) {
            (Some(low), Some(up)) => segment.push((i, *low, *up)),
            _ => flush(&mut segment, &mut d),
        }
    }
    flush(&mut segment, &mut d);
    format!(r#"<path class="{class}" d="{d}" fill="{fill}" fill-opacity="0.55" stroke="none"/>"#)
}

/// A polyline through the points that have values.
fn line(values: &[Option<f64>], x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                d.push_str(&format!("{}{:.1},{:.1}", if pen_down { "L" } else { "M" }, x(i), y(*v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The one event stream of the page (browser only; a no-op on the server).
pub(super) mod stream {
    #[cfg(feature = "hydrate")]
    mod js {
        use wasm_bindgen::prelude::*;

        #[wasm_bindgen]
        extern "C" {
            pub type EventSource;
            #[wasm_bindgen(constructor, catch)]
            pub fn new(url: &str) -> Result<EventSource, JsValue>;
            #[wasm_bindgen(method)]
            pub fn close(this: &EventSource);
            #[wasm_bindgen(method, js_name = addEventListener)]
            pub fn add_event_listener(this: &EventSource, name: &str, listener: &Closure<dyn FnMut(JsValue)>);

            pub type MessageEventLike;
            #[wasm_bindgen(method, getter)]
            pub fn data(this: &MessageEventLike) -> JsValue;
        }
    }

    #[cfg(feature = "hydrate")]
    type Open = (js::EventSource, Vec<wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)>>);

    #[cfg(feature = "hydrate")]
    thread_local! {
        static OPEN: std::cell::RefCell<Option<Open>> = const { std::cell::RefCell::new(None) };
    }

    /// Opens `url` as an event stream (closing any open one) and calls
    /// `on_event(name, data)` for `progress`, `bands` and `error` (data empty
    /// when the connection itself failed).
    pub(crate) fn open(url: &str, on_event: impl Fn(&str, String) + Clone + 'static) -> Result<(), String> {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::closure::Closure;
            use wasm_bindgen::{JsCast, JsValue};
            close();
            let source = js::EventSource::new(url).map_err(|e| format!("the browser could not open the stream: {e:?}"))?;
            let mut listeners = Vec::new();
            for name in ["progress", "bands", "error"] {
                let on_event = on_event.clone();
                let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    let data = event.unchecked_ref::<js::MessageEventLike>().data().as_string().unwrap_or_default();
                    on_event(name, data);
                });
                source.add_event_listener(name, &listener);
                listeners.push(listener);
            }
            OPEN.with(|open| *open.borrow_mut() = Some((source, listeners)));
            Ok(())
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (url, on_event);
            Err("Monte Carlo runs need the page's script".to_string())
        }
    }

    /// Closes the open stream, if any (the server then stops the work).
    pub(crate) fn close() {
        #[cfg(feature = "hydrate")]
        {
            // Dropping the listeners inside one of them would free the running closure:
            // close now, drop them on the next turn of the event loop.
            if let Some((source, listeners)) = OPEN.with(|open| open.borrow_mut().take()) {
                source.close();
                leptos::prelude::set_timeout(move || drop(listeners), std::time::Duration::from_millis(0));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bands {
        let rows = |base: f64| vec![Some(base), Some(base + 10.0), None, Some(base + 20.0)];
        Bands {
            runs: 10,
            percentiles: vec![5.0, 25.0, 50.0, 75.0, 95.0],
            grid_dates: vec!["2025-10-01".into(), "2025-10-02".into(), "2025-10-03".into(), "2025-10-04".into()],
            bands: vec![Band {
                column: "hashrate_ehs".into(),
                percentiles: vec![rows(0.0), rows(5.0), rows(10.0), rows(15.0), rows(20.0)],
            }],
        }
    }

    #[test]
    fn bands_are_drawn_with_both_areas_the_median_dates_and_unit() {
        let svg = band_svg(&sample(), "hashrate_ehs", "Hash rate", "EH/s", 1.0).unwrap();
        assert!(svg.contains(r#"class="mc-outer""#) && svg.contains(r#"class="mc-inner""#) && svg.contains(r#"class="mc-median""#));
        assert!(svg.contains("2025-10-01") && svg.contains("2025-10-04") && svg.contains(">EH/s<"));
        // A missing point splits the median and the bands.
        let median = svg.split(r#"class="mc-median" d=""#).nth(1).unwrap();
        assert_eq!(median.split('"').next().unwrap().matches('M').count(), 2);
        assert!(band_svg(&sample(), "nakamoto_pools", "N", "pools", 1.0).is_none());
    }

    #[test]
    fn the_server_json_reads_with_nulls() {
        let json = r#"{"model_version":"1","runs":2,"percentiles":[5,25,50,75,95],"grid_days":[0],"grid_dates":["2025-10-01"],
            "bands":[{"column":"hashrate_ehs","percentiles":[[1.0],[2.0],[null],[4.0],[5.0]]}]}"#;
        let bands: Bands = serde_json::from_str(json).unwrap();
        assert_eq!(bands.bands[0].percentiles[2], vec![None]);
        assert!(band_svg(&bands, "hashrate_ehs", "Hash rate", "EH/s", 1.0).is_some());
    }

    #[test]
    fn the_y_range_is_never_empty_and_has_round_ticks() {
        let (lo, hi, _) = nice_range(5.0, 5.0);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(nice_range(1.0, 100.0), (0.0, 100.0, 50.0));
        assert_eq!(nice_range(1_090.0, 1_746.0), (1_000.0, 1_800.0, 200.0));
        let (lo, hi, step) = nice_range(18.1, 108.0);
        assert!(lo <= 18.1 && hi >= 108.0 && ((hi - lo) / step) <= 6.0, "{lo} {hi} {step}");
    }
}
