//! `GET /api/backtest?window=2022&runs=8` (or `from=&to=`, with `seed=` and
//! `operators=`, and any scenario field set over the window's network, e.g.
//! `switch_off_days=14`): the back-test of `hashlab backtest`, streamed as the Monte
//! Carlo is (same pool ticket, budgets, cancellation and panic handling):
//! `progress` events, then one `backtest` event with the scorecard, the
//! daily table (observed beside the model's 5th, 50th and 95th percentiles)
//! and the scenario each seed ran.

use super::{check_query_length, stream, ApiState, ClientAddr};
use crate::error::{ApiError, ErrorBody};
use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::NaiveDate;
use simulation::backtest::{self, BacktestSpec, MAX_RUNS};
use simulation::history::windows;
use simulation::ScenarioError;

/// The keys the route reads.
const KEYS: [&str; 6] = ["window", "from", "to", "runs", "seed", "operators"];
/// Seeds when `runs` is not given.
const DEFAULT_RUNS: u32 = 8;

fn number<T: std::str::FromStr>(key: &str, value: &str, allowed: &str) -> Result<T, ScenarioError> {
    value
        .trim()
        .parse()
        .map_err(|_| ScenarioError::new(key, format!("`{}` is not a whole number", value.chars().take(32).collect::<String>()), allowed))
}

fn day(key: &str, value: &str) -> Result<NaiveDate, ScenarioError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| ScenarioError::new(key, format!("`{}` is not a date", value.chars().take(32).collect::<String>()), "YYYY-MM-DD"))
}

/// Reads the query into a spec (strictly: unknown or repeated keys are errors).
pub fn spec_of(query: &str) -> Result<BacktestSpec, ScenarioError> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if !KEYS.contains(&key.as_ref()) {
            if simulation::FieldSpec::find(&key).is_some() {
                fields.push((key.into_owned(), value.into_owned()));
                continue;
            }
            return Err(ScenarioError::new(
                key.chars().take(64).collect::<String>(),
                "is not a back-test key or a scenario field",
                format!("{}, or a scenario field (GET /api/fields)", KEYS.join(", ")),
            ));
        }
        if seen.iter().any(|(k, _)| *k == key) {
            return Err(ScenarioError::new(key.to_string(), "is given twice", "each key once"));
        }
        seen.push((key.into_owned(), value.into_owned()));
    }
    let get = |key: &str| seen.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let runs = get("runs").map(|v| number("runs", v, &format!("a whole number from 1 to {MAX_RUNS}"))).transpose()?.unwrap_or(DEFAULT_RUNS);
    let seed = get("seed").map(|v| number("seed", v, "a whole number from 0 to 9007199254740991")).transpose()?.unwrap_or(1);
    let mut spec = match (get("window"), get("from"), get("to")) {
        (Some(id), None, None) => BacktestSpec::window(id, runs, seed)?,
        (None, Some(from), Some(to)) => BacktestSpec::span(day("from", from)?, day("to", to)?, runs, seed),
        _ => {
            return Err(ScenarioError::new(
                "window",
                "give a window, or from and to",
                format!("window=one of {}, or from=YYYY-MM-DD&to=YYYY-MM-DD", windows::ids().join(", ")),
            ))
        }
    };
    spec.operators = match get("operators") {
        Some(v) => number("operators", v, "a whole number from 10 to 200000")?,
        None => simulation::Scenario::default().operators,
    };
    simulation::FieldSpec::find("operators").expect("a field").check(&serde_json::json!(spec.operators))?;
    simulation::FieldSpec::find("seed").expect("a field").check(&serde_json::json!(spec.seed))?;
    for (name, value) in &fields {
        spec.set_field(name, value)?;
    }
    spec.scenario()?;
    Ok(spec)
}

/// A back-test of the model against the observed history, streamed as server-sent events.
///
/// Any scenario field may be given by its name (`GET /api/fields`), e.g.
/// `switch_off_days=14`: it is set over the window's network in every seed
/// (another parameter set, scored against the same history); not `start_date`,
/// `years`, `history_replay` or `price_path`, which the window defines.
#[utoipa::path(
    get,
    path = "/api/backtest",
    tag = "hashlab",
    params(
        ("window" = Option<String>, Query, description = "A named window: 2019, 2020, 2021h2, 2022, 2023, 2024, 2025 (else from and to)"),
        ("from" = Option<String>, Query, description = "The first day, YYYY-MM-DD, from 2019-01-01"),
        ("to" = Option<String>, Query, description = "The last day, YYYY-MM-DD, up to 2025-12-29"),
        ("runs" = Option<u32>, Query, description = "Seeds, 1 to 200 (default 8)"),
        ("seed" = Option<u64>, Query, description = "The first seed (default 1)"),
        ("operators" = Option<u32>, Query, description = "Operators per run (default 2,000)"),
    ),
    responses(
        (status = 200, description = "text/event-stream: `progress` events ({done, runs}), then one `backtest` event (a BacktestResult: spec, scenario, scorecard, days) or an `error` event. Closing the connection cancels the work.", content_type = "text/event-stream", body = String),
        (status = 400, description = "A bad value, naming the field", body = ErrorBody),
        (status = 503, description = "Busy", body = ErrorBody),
    )
)]
pub(super) async fn backtest_sse(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = query.unwrap_or_default();
    check_query_length(&query)?;
    let spec = spec_of(&query)?;
    let scenario = spec.scenario()?;
    let config = state.service.config();
    config.admit_batch("runs", &scenario, spec.runs, config.batch_threads())?;
    let what = format!("backtest {query}");
    stream::stream_batch(&state, client, "back-test", spec.runs, what, move |progress| {
        let result = backtest::run(&spec, progress)?;
        Ok(super::json_event("backtest", &result))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_strictly_and_name_the_field() {
        let spec = spec_of("window=2022&runs=3&seed=5&operators=300").unwrap();
        assert_eq!((spec.window.as_deref(), spec.runs, spec.seed, spec.operators), (Some("2022"), 3, 5, 300));
        let spec = spec_of("from=2023-01-01&to=2023-06-30").unwrap();
        assert_eq!((spec.window, spec.runs), (None, DEFAULT_RUNS));
        let spec = spec_of("window=2023&switch_off_days=14&manufacturer_production_ehs_per_month=12.5").unwrap();
        assert_eq!(spec.set.get("switch_off_days").map(String::as_str), Some("14"));
        assert_eq!(spec.scenario().unwrap().manufacturer_production_ehs_per_month, 12.5);
        for (query, field) in [
            ("window=1999", "window"),
            ("", "window"),
            ("window=2022&from=2022-01-01", "window"),
            ("window=2022&runs=0", "runs"),
            ("window=2022&runs=x", "runs"),
            ("window=2022&operators=5", "operators"),
            ("from=2018-01-01&to=2019-06-01", "from"),
            ("from=2025-01-01&to=2026-06-01", "to"),
            ("from=2025-01-01&to=soon", "to"),
            ("window=2022&colour=red", "colour"),
            ("window=2022&runs=2&runs=3", "runs"),
            ("window=2022&switch_off_days=900", "switch_off_days"),
            ("window=2022&switch_off_days=3&switch_off_days=4", "switch_off_days"),
            ("window=2022&start_date=2020-01-01", "start_date"),
            ("window=2022&years=2", "years"),
        ] {
            assert_eq!(spec_of(query).unwrap_err().field, field, "{query}");
        }
    }
}
