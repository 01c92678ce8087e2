//! `GET /api/sweep?<share-link query>&param=FIELD=FROM:TO:STEPS[&param=...]&metric=NAME&mean_over=FROM:TO&runs=K`:
//! a parameter sweep as server-sent events, as the Monte Carlo route streams
//! (same pool ticket, budgets, cancellation and panic handling).
//!
//! `param` is the one key that may repeat (once per swept field, one or two,
//! as `hashlab sweep --param`); it is taken out before the rest is read as a
//! strict share link. `metric` defaults to `hashrate_ehs`, taken on the final
//! day unless `mean_over` gives days to average over; `runs` defaults to 10.

use super::{scenario_of, ApiState, ClientAddr};
use crate::config::MAX_BATCH_OPERATOR_YEARS;
use crate::error::{ApiError, ErrorBody};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use simulation::sweep::{self, Axis, SweepResult, SweepSpec, Window};
use simulation::{link, Scenario, ScenarioError};

/// The key naming a swept field.
const PARAM: &str = "param";
/// Seeds per cell when the query does not say.
const DEFAULT_RUNS: u32 = 10;
/// The metric when the query does not say.
const DEFAULT_METRIC: &str = "hashrate_ehs";

/// The `sweep` event: the result and its chart.
#[derive(Serialize)]
struct SweepEvent<'a> {
    #[serde(flatten)]
    result: &'a SweepResult,
    /// The chart, drawn as the page draws its charts.
    svg: String,
}

/// Splits the `param` pairs (which repeat) from the rest of the query.
fn take_params(query: &str) -> (Vec<String>, String) {
    let mut params = Vec::new();
    let mut rest = Vec::new();
    for part in query.split('&') {
        let key = part.split_once('=').map_or(part, |(key, _)| key);
        let is_param = form_urlencoded::parse(key.as_bytes()).next().is_some_and(|(key, _)| key == PARAM);
        if is_param {
            let value = form_urlencoded::parse(part.as_bytes()).next().map(|(_, value)| value.into_owned()).unwrap_or_default();
            params.push(value);
        } else {
            rest.push(part);
        }
    }
    (params, rest.join("&"))
}

/// Reads and checks a sweep request: the spec, or a 400 naming the field.
fn read_spec(query: Option<&str>) -> Result<SweepSpec, ApiError> {
    let query = query.unwrap_or("");
    if query.len() > link::MAX_QUERY_BYTES {
        // Refused (414) as every other route refuses it.
        scenario_of(Some(query), &[])?;
    }
    let (params, rest) = take_params(query);
    let (scenario, extra) = scenario_of(Some(&rest), &["metric", "mean_over", "runs"])?;
    let allowed = "one or two `param=FIELD=FROM:TO:STEPS`, e.g. param=price_shock_pct=-60:0:7";
    if params.is_empty() || params.len() > 2 {
        return Err(ScenarioError::new(PARAM, format!("{} parameters", params.len()), allowed).into());
    }
    let axes = params.iter().map(|p| Axis::parse(p)).collect::<Result<Vec<_>, _>>()?;
    let metric = extra.iter().find(|(key, _)| key == "metric").map_or(DEFAULT_METRIC, |(_, value)| value.as_str()).to_string();
    let runs = super::runs_of(&extra)?.unwrap_or(DEFAULT_RUNS);
    let mean_over = extra.iter().find(|(key, _)| key == "mean_over").map(|(_, value)| Window::parse(value)).transpose()?;
    let spec = SweepSpec { scenario, axes, metric, mean_over, runs };
    spec.check()?;
    check_budget(&spec)?;
    Ok(spec)
}

/// Each cell within one run's limit, and all of them within the batch budget
/// (cells x runs x operators x years, as a Monte Carlo's).
fn check_budget(spec: &SweepSpec) -> Result<(), ApiError> {
    let cells = spec.cell_count();
    let mut total = 0.0;
    let mut largest: Option<Scenario> = None;
    for index in 0..cells {
        let scenario = spec.cell_scenario(index)?;
        let operator_years = f64::from(scenario.operators) * scenario.years;
        total += operator_years * f64::from(spec.runs);
        if largest.as_ref().is_none_or(|l| f64::from(l.operators) * l.years < operator_years) {
            largest = Some(scenario);
        }
    }
    if let Some(largest) = largest {
        crate::config::admit(&largest)?;
    }
    if total > MAX_BATCH_OPERATOR_YEARS {
        return Err(ScenarioError::new(
            "runs",
            format!(
                "{cells} cells x {} runs is {total:.0} operator-years (runs x operators x years over the cells), over this server's budget",
                spec.runs
            ),
            format!("cells x runs x operators x years up to {MAX_BATCH_OPERATOR_YEARS:.0}; fewer steps, runs, operators or years"),
        )
        .into());
    }
    Ok(())
}

/// A sweep of one or two scenario fields, streamed as server-sent events.
#[utoipa::path(
    get,
    path = "/api/sweep",
    tag = "hashlab",
    params(
        ("query" = Option<String>, Query, description = "A share-link query, strict"),
        ("param" = String, Query, description = "A swept field as FIELD=FROM:TO:STEPS (steps 1 to 100), e.g. price_shock_pct=-60:0:7; give it once or twice (two fields draw a heatmap); at most 2,500 cells"),
        ("metric" = Option<String>, Query, description = "A numeric column of the daily series, taken on the final day (default hashrate_ehs)"),
        ("mean_over" = Option<String>, Query, description = "Take the metric's mean over these days of each run instead of its final day: FROM:TO, days from 0, TO may be `end` (e.g. 0:end, the whole run)"),
        ("runs" = Option<u32>, Query, description = "Seeds per cell, 1 to 1,000 (default 10); cells x runs x operators x years up to 20,000,000"),
    ),
    responses(
        (status = 200, description = "text/event-stream: `progress` events ({done, runs}: runs finished and in all, cells x runs per cell), then one `sweep` event (the SweepResult JSON: model_version, spec, total_cells, first_cell, cells [{values, percentiles (5, 25, 50, 75, 95), mean}], plus `svg`, the chart) or an `error` event ({error: {field, message, allowed}}). Closing the connection cancels the work.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad value (scenario field, param, steps, metric, mean_over, runs or the budget), naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn sweep_sse(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    headers: axum::http::HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let spec = read_spec(query.as_deref())?;
    let provenance = app::provenance::Provenance::of(&spec.scenario, &state.service.config().site_of(&headers));
    let config = state.service.config();
    let cells: Vec<Scenario> = (0..spec.cell_count()).filter_map(|index| spec.cell_scenario(index).ok()).collect();
    let secs: f64 = cells.iter().map(|cell| config.estimated_secs(cell, spec.runs)).sum();
    let per_run = secs / f64::from((spec.cell_count() * spec.runs).max(1));
    config.admit_secs("runs", secs, per_run, config.batch_threads(), &format!("{} cells x {} runs", spec.cell_count(), spec.runs))?;
    let what = format!("{} {:?} {} {} x{}", link::to_query(&spec.scenario, None), spec.axes, spec.metric, spec.taken(), spec.runs);
    let runs = spec.cell_count() * spec.runs;
    super::stream::stream_batch(&state, client, "sweep", runs, what, move |progress| {
        let result = sweep::run_sweep(&spec, 0, spec.cell_count(), progress)?;
        let svg = app::render::sweep_chart::svg(&result);
        Ok(super::json_event_with("sweep", &SweepEvent { result: &result, svg }, &provenance))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_repeat_and_the_rest_stays_a_share_link() {
        let (params, rest) = take_params("v=1&param=price_shock_pct%3D-60%3A0%3A7&seed=3&p%61ram=operators=10:20:2&metric=ai_mw");
        assert_eq!(params, ["price_shock_pct=-60:0:7", "operators=10:20:2"]);
        assert_eq!(rest, "v=1&seed=3&metric=ai_mw");
        assert_eq!(take_params(""), (vec![], String::new()));
    }

    fn field_of(query: &str) -> String {
        read_spec(Some(query)).err().map(|e| e.body.error.field).unwrap_or_default()
    }

    #[test]
    fn bad_sweeps_name_the_field() {
        let ok = read_spec(Some("operators=100&years=0.3&param=price_shock_pct=-60:0:3&param=operators=100:200:2&runs=2")).unwrap();
        assert_eq!((ok.cell_count(), ok.runs, ok.metric.as_str()), (6, 2, "hashrate_ehs"));
        assert_eq!(field_of("operators=100"), "param");
        assert_eq!(field_of("param=a=1:2:3&param=b=1:2:3&param=c=1:2:3"), "param");
        assert_eq!(field_of("param=nope=1:2:3"), "nope");
        assert_eq!(field_of("param=price_shock_pct=-200:0:3"), "price_shock_pct");
        assert_eq!(field_of("param=price_shock_pct=-60:0:101"), "steps");
        assert_eq!(field_of("param=price_shock_pct=-60:0:0"), "steps");
        assert_eq!(field_of("param=price_shock_pct=-60:0:60&param=fee_btc_per_block=0:1:60"), "param");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&metric=date"), "metric");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&runs=0"), "runs");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&runs=lots"), "runs");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&colour=red"), "colour");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&runs=2&runs=3"), "runs");
        assert_eq!(field_of("param=price_shock_pct=-60:0:3&mean_over=9:3"), "mean_over");
        assert_eq!(field_of("years=0.3&param=price_shock_pct=-60:0:3&mean_over=0:200"), "mean_over");
        let windowed = read_spec(Some("years=0.3&param=price_shock_pct=-60:0:3&mean_over=30:end&runs=2")).unwrap();
        assert_eq!(windowed.mean_over.map(|w| w.text()).as_deref(), Some("30:end"));
        // 100 x 2,000 operators x 4 years x 10 runs is 8 M; 1,000 runs is over.
        assert!(read_spec(Some("param=price_shock_pct=-60:0:100")).is_ok());
        let over = read_spec(Some("param=price_shock_pct=-60:0:100&runs=1000")).unwrap_err();
        assert_eq!(over.body.error.field, "runs");
        assert!(over.body.error.allowed.contains("20000000"), "{}", over.body.error.allowed);
        // A swept field can push one cell over the one-run limit.
        assert_eq!(field_of("years=30&param=operators=1000:100000:2&runs=1"), "operators");
    }
}
