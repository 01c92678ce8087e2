//! The JSON API as a client sees it: `hashlab serve` on a free loopback
//! port, a real HTTP client (reqwest), no mocks.

mod common;

use common::{assert_error, client, client_from, get, launch, post_json, start_env, status, Server, SMALL};
use futures_util::StreamExt;
use serde_json::Value;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

fn start_with(workers: usize, queue: usize) -> Server {
    start_env(workers, queue, &[])
}

/// The server with at most `files` open file descriptors (`ulimit -n`), as a
/// small machine or a tight service limit would have it.
fn start_with_file_limit(files: u32, env: &[(&str, &str)]) -> Server {
    let mut command = Command::new("sh");
    command.arg("-c").arg(format!("ulimit -n {files} && exec \"$0\" serve")).arg(env!("CARGO_BIN_EXE_hashlab"));
    let mut all = vec![("HASHLAB_WORKERS", "2"), ("HASHLAB_QUEUE", "8"), ("HASHLAB_TEST_HOOKS", "1")];
    all.extend_from_slice(env);
    launch(command, &all)
}

fn start() -> Server {
    start_with(2, 8)
}

#[tokio::test]
async fn happy_paths() {
    let server = start();
    let presets: Value = get(&server, "/api/presets").await.json().await.expect("presets");
    let presets = presets.as_array().expect("a list");
    assert!(presets.len() >= 2);
    assert!(presets.iter().all(|p| p["id"].is_string() && p["query"].is_string() && p["scenario"]["operators"].is_number()));

    let run = get(&server, &format!("/api/run?{SMALL}")).await;
    assert_eq!(run.status(), 200);
    let run: Value = run.json().await.expect("a run");
    assert_eq!(run["scenario"]["operators"], 100);
    assert!(run["summary"]["end_hashrate_ehs"].as_f64().is_some_and(|h| h > 0.0));
    let days = run["days"].as_array().expect("days").len();
    assert!(days > 150, "{days} days");

    // `/api/simulate` is the same run (`/api/run` is its alias).
    let simulated: Value = get(&server, &format!("/api/simulate?{SMALL}")).await.json().await.expect("a run");
    assert_eq!(simulated["summary"], run["summary"]);
    assert_eq!(simulated["days"].as_array().map(Vec::len), Some(days));

    let posted = post_json(&server, "/api/simulate", r#"{"operators": 100, "years": 0.5, "seed": 7}"#).await;
    assert_eq!(posted.status(), 200);
    let posted: Value = posted.json().await.expect("a run");
    assert_eq!(posted["summary"], run["summary"], "the same scenario by query and by JSON gives the same run");
    // Strict JSON: anything after the object is a 400 naming it.
    let garbage = post_json(&server, "/api/simulate", r#"{"operators": 100, "years": 0.5, "seed": 7} x"#).await;
    assert_eq!(garbage.status(), 400);
    let error: Value = garbage.json().await.expect("an error");
    assert_eq!(error["error"]["field"], "scenario");
    // A share link copied from the page, with its play position, view and a baseline, runs as its scenario.
    let page_link = get(&server, &format!("/api/simulate?{SMALL}&at=2025-12-01&view=projector&base1=seed%3D8&base1_name=Other")).await;
    assert_eq!(page_link.status(), 200);
    let page_run: Value = page_link.json().await.expect("a run");
    assert_eq!(page_run["summary"], run["summary"]);

    let csv = get(&server, &format!("/api/export.csv?{SMALL}")).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("attachment; filename=\"hashlab-custom-scenario-seed-7-model-{}.csv\"", simulation::MODEL_VERSION)));
    let text = csv.text().await.expect("csv");
    assert!(text.starts_with("day,date,"), "{}", &text[..40]);
    assert_eq!(text.lines().count(), days + 1);

    let json = get(&server, &format!("/api/export.json?{SMALL}")).await;
    assert_eq!(json.status(), 200);
    assert!(json.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("hashlab-custom-scenario-seed-7-model-{}.json", simulation::MODEL_VERSION)));
    let json: Value = json.json().await.expect("json");
    assert_eq!(json["summary"], run["summary"]);

    let status: Value = get(&server, "/api/status").await.json().await.expect("status");
    assert_eq!(status["pool"]["workers"], 2);
    // The same scenario is run once and kept: its CSV and JSON come from the cache.
    let completed = status["pool"]["completed"].as_u64().expect("completed");
    assert!(completed >= 1, "{status}");
    assert!(status["cache"]["runs"].as_u64().is_some_and(|n| n >= 1), "{status}");
    assert_eq!(get(&server, &format!("/api/export.csv?{SMALL}")).await.status(), 200);
    let again: Value = get(&server, "/api/status").await.json().await.expect("status");
    assert_eq!(again["pool"]["completed"].as_u64(), Some(completed), "a kept run is not run again: {again}");
    assert_eq!(get(&server, "/healthz").await.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field() {
    let server = start();
    assert_error(get(&server, "/api/run?operators=3").await, 400, "operators").await;
    assert_error(get(&server, "/api/run?years=NaN").await, 400, "years").await;
    assert_error(get(&server, "/api/run?years=inf").await, 400, "years").await;
    assert_error(get(&server, "/api/run?no_such_field=1").await, 400, "no_such_field").await;
    assert_error(get(&server, "/api/run?seed=1&seed=2").await, 400, "seed").await;
    assert_error(get(&server, "/api/export.csv?price_volatility=abc").await, 400, "price_volatility").await;
    assert_error(get(&server, "/api/export.json?operators=1e9").await, 400, "operators").await;
    // Within every range, but over the server's budget for one run.
    let budget = assert_error(get(&server, "/api/run?operators=200000&years=30").await, 400, "operators").await;
    assert!(budget["error"]["allowed"].as_str().unwrap().contains("400000"), "{budget}");
    assert_error(get(&server, &format!("/api/montecarlo?{SMALL}&runs=0")).await, 400, "runs").await;
    assert_error(get(&server, &format!("/api/montecarlo?{SMALL}&runs=1001")).await, 400, "runs").await;
    assert_error(get(&server, &format!("/api/montecarlo?{SMALL}&runs=many")).await, 400, "runs").await;
    assert_error(get(&server, "/api/montecarlo?operators=10000&years=4&runs=1000").await, 400, "runs").await;

    let post = |body: Vec<u8>| {
        let url = format!("{}/api/run", server.base);
        async move { client().post(url).header("content-type", "application/json").body(body).send().await.expect("a response") }
    };
    assert_error(post(br#"{"operators": 3}"#.to_vec()).await, 400, "operators").await;
    assert_error(post(br#"{"years": "four"}"#.to_vec()).await, 400, "years").await;
    assert_error(post(br#"{"bogus": 1}"#.to_vec()).await, 400, "bogus").await;
    assert_error(post(br#"{"seed": 1, "seed": 2}"#.to_vec()).await, 400, "seed").await;
    let malformed = post(br#"{"operators": "#.to_vec()).await;
    assert_eq!(malformed.status(), 400);
    assert!(malformed.json::<Value>().await.unwrap()["error"]["message"].is_string());
    assert_error(post(vec![0xff, 0xfe, b'{']).await, 400, "body").await;
    let mut big = b"{\"title\": \"".to_vec();
    big.extend(std::iter::repeat_n(b'a', 300 * 1024));
    big.extend(b"\"}");
    assert_error(post(big).await, 413, "body").await;
    // Nothing of that broke the server.
    assert_eq!(get(&server, &format!("/api/run?{SMALL}")).await.status(), 200);
}

#[tokio::test]
async fn a_panic_is_a_500_with_an_id_and_the_server_keeps_serving() {
    let server = start();
    let response = get(&server, "/debug/panic").await;
    assert!(response.headers().contains_key("x-request-id"));
    let body = assert_error(response, 500, "server").await;
    let id = body["id"].as_str().expect("an id");
    assert_eq!(id.len(), 36, "{id}");
    assert!(body["error"]["message"].as_str().unwrap().contains(id));
    assert_eq!(get(&server, "/healthz").await.status(), 200);
    assert_eq!(get(&server, &format!("/api/run?{SMALL}")).await.status(), 200);
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let server = start();
    for path in ["/", "/healthz", "/api/presets", "/api/run?operators=3", "/api/openapi.json", "/pkg/missing.js"] {
        let response = get(&server, path).await;
        let headers = response.headers();
        let csp = headers.get("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP")).to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline'; img")
                || csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
        assert!(!script_src.contains("unsafe-inline") && !script_src.contains('*'), "{path}: {script_src}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        if path == "/" {
            // The page's inline scripts carry the nonce its policy allows.
            let nonce = script_src.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_string();
            let page = response.text().await.unwrap();
            let tags: Vec<&str> = page.split("<script").skip(1).map(|rest| rest.split('>').next().unwrap_or("")).collect();
            assert!(!tags.is_empty());
            for tag in tags {
                assert!(
                    tag.contains("src=") || tag.contains(&format!("nonce=\"{nonce}\"")),
                    "an inline script without the nonce: <script{tag}>"
                );
            }
        }
    }
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let server = start();
    let doc: Value = get(&server, "/api/openapi.json").await.json().await.expect("the document");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    // The schemas come from the model's own types.
    let schemas = &doc["components"]["schemas"];
    for (schema, property) in [
        ("RunResult", "days"),
        ("DailyRecord", "nakamoto_pools"),
        ("Scenario", "ai_revenue_usd_per_mw_year"),
        ("MonteCarloResult", "bands"),
        ("SweepResult", "cells"),
        ("ErrorBody", "error"),
    ] {
        assert!(schemas[schema]["properties"][property].is_object(), "{schema}.{property} is not in the document");
    }
    let expected = [
        ("get", "/api/presets"),
        ("get", "/api/simulate"),
        ("post", "/api/simulate"),
        ("get", "/api/run"),
        ("post", "/api/run"),
        ("get", "/api/export.csv"),
        ("get", "/api/export.json"),
        ("get", "/api/bands.csv"),
        ("get", "/api/montecarlo"),
        ("get", "/api/sweep"),
        ("get", "/api/sensitivity"),
        ("get", "/api/chart/{file}"),
        ("get", "/api/status"),
        ("get", "/api/openapi.json"),
    ];
    for (method, path) in expected {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is not in the document");
    }
    // Every documented operation is served (the router and the document are built together).
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let url = format!("{}{}?runs=0", server.base, path.replace("{file}", "hashrate.svg"));
            let request = match method.as_str() {
                "get" => client().get(url),
                "post" => client().post(url).body("{\"operators\": 3}"),
                other => panic!("unexpected method {other}"),
            };
            let status = request.send().await.expect("a response").status().as_u16();
            assert!(status != 404 && status != 405 && status < 500, "{method} {path}: {status}");
        }
    }
    let expected_paths: std::collections::BTreeSet<&str> = expected.iter().map(|(_, path)| *path).collect();
    assert!(paths.len() >= expected_paths.len());
}

/// Reads server-sent events until the stream ends or `stop` says so.
async fn read_events(response: reqwest::Response, mut stop: impl FnMut(&str, &str) -> bool) -> Vec<(String, String)> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    while let Some(chunk) = stream.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk.expect("a chunk")));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim().to_string();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim_start());
                }
            }
            if data.is_empty() {
                continue;
            }
            let done = stop(&name, &data);
            events.push((name, data));
            if done {
                return events;
            }
        }
    }
    events
}

#[tokio::test]
async fn montecarlo_streams_progress_then_bands() {
    let server = start();
    let response = get(&server, "/api/montecarlo?operators=50&years=0.25&runs=20").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let events = read_events(response, |_, _| false).await;
    let (last, data) = events.last().expect("events");
    assert_eq!(last, "bands", "{events:?}");
    let progress: Vec<u64> = events
        .iter()
        .filter(|(n, _)| n == "progress")
        .map(|(_, d)| serde_json::from_str::<Value>(d).unwrap()["done"].as_u64().unwrap())
        .collect();
    assert!(!progress.is_empty(), "no progress events");
    assert!(progress.iter().all(|&d| (1..=20).contains(&d)));
    let bands: Value = serde_json::from_str(data).expect("bands JSON");
    assert_eq!(bands["runs"], 20);
    assert_eq!(bands["percentiles"].as_array().unwrap().len(), 5);
    // Where it came from, first, as the run exports say it.
    assert!(data.starts_with("{\"provenance\":"), "{}", &data[..80]);
    assert!(
        bands["provenance"]["link"].as_str().is_some_and(|l| l.starts_with(&format!("{}/?v=14&seed=42", server.base))),
        "{}",
        bands["provenance"]
    );
    assert!(!bands["bands"].as_array().unwrap().is_empty());

    // The server keeps the result: a report chart of the same scenario shades
    // its bands without running it again (the pool completes no more work).
    let completed = status(&server).await["pool"]["completed"].as_u64().unwrap();
    let svg = get(&server, "/api/chart/hashrate.svg?operators=50&years=0.25&runs=20").await.text().await.unwrap();
    assert!(svg.contains("shaded: 5-95% and 25-75% of 20 seeds"), "{}", &svg[..svg.len().min(600)]);
    assert_eq!(status(&server).await["pool"]["completed"].as_u64().unwrap(), completed + 1, "only the chart's own run");
    // And its bands download as CSV, from the kept result (no more work).
    let csv = get(&server, "/api/bands.csv?operators=50&years=0.25&runs=20").await;
    assert_eq!(csv.status(), 200);
    let name = csv.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(name.contains("-bands-20-seeds.csv"), "{name}");
    let text = csv.text().await.unwrap();
    let header = text.lines().next().unwrap_or("");
    assert!(header.starts_with("day,date,") && header.contains(",hashrate_ehs_p5,hashrate_ehs_p25,hashrate_ehs_p50,"), "{header}");
    assert!(text.lines().count() > 10);
    assert_eq!(status(&server).await["pool"]["completed"].as_u64().unwrap(), completed + 1, "the kept bands, not a new run");
    assert_error(get(&server, "/api/bands.csv?operators=50&years=0.25").await, 400, "runs").await;

    // With a pinned baseline, the figure shows the baseline's spread too (its
    // own Monte Carlo, run now), in its stroke, and its link keeps `runs`.
    let pinned = "operators=50&years=0.25&runs=20&base1=operators%3D50%26years%3D0.25%26price_shock_pct%3D-50&base1_name=Crash";
    let svg = get(&server, &format!("/api/chart/hashrate.svg?{pinned}")).await.text().await.unwrap();
    assert!(svg.contains("Crash: baseline, dashed lines (outer dashed lines: 5% and 95% of 20 seeds)"), "{}", &svg[..svg.len().min(900)]);
    assert!(svg.contains("runs=20"), "the figure's link keeps its seeds");
}

#[tokio::test]
async fn sensitivity_streams_the_same_answer_as_the_model_and_draws_a_tornado_per_output() {
    let server = start();
    let query = "operators=40&years=0.25&seed=3";
    let response = get(&server, &format!("/api/sensitivity?{query}&runs=3")).await;
    assert_eq!(response.status(), 200);
    let events = read_events(response, |_, _| false).await;
    let (last, data) = events.last().expect("events");
    assert_eq!(last, "sensitivity", "{events:?}");
    let event: Value = serde_json::from_str(data).expect("sensitivity JSON");
    // The page's numbers are the command line's: the model's own analysis of the same scenario.
    let scenario = simulation::link::from_query(query).scenario;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let report = |_| {};
    let expected =
        simulation::sensitivity::run_sensitivity(&scenario, 3, &simulation::montecarlo::Progress::new(&cancel, &report)).unwrap();
    assert_eq!(event["result"], serde_json::to_value(&expected).unwrap());
    let charts = event["charts"].as_array().expect("charts");
    assert_eq!(charts.len(), 3);
    for chart in charts {
        let svg = chart["svg"].as_str().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("Start price: "), "{}", &svg[..svg.len().min(300)]);
    }
    // Too few seeds for the budget of settings x runs is refused naming `runs`.
    let refused = get(&server, "/api/sensitivity?operators=100000&years=30&runs=50").await;
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn backtest_streams_the_models_scorecard_against_the_observed_history() {
    let server = start();
    let response = get(&server, "/api/backtest?from=2022-01-01&to=2022-03-31&runs=2&operators=100&seed=4").await;
    assert_eq!(response.status(), 200);
    let events = read_events(response, |_, _| false).await;
    let (last, data) = events.last().expect("events");
    assert_eq!(last, "backtest", "{events:?}");
    let event: Value = serde_json::from_str(data).expect("backtest JSON");
    // The same numbers as the model's own back-test of that spec.
    let spec = simulation::backtest::BacktestSpec {
        operators: 100,
        ..simulation::backtest::BacktestSpec::span("2022-01-01".parse().unwrap(), "2022-03-31".parse().unwrap(), 2, 4)
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let report = |_| {};
    let expected = simulation::backtest::run(&spec, &simulation::montecarlo::Progress::new(&cancel, &report)).unwrap();
    assert_eq!(event, serde_json::to_value(&expected).unwrap());
    assert_eq!(event["days"].as_array().unwrap().len(), 90);
    assert_eq!(event["days"][0]["observed_difficulty_t"], 24.27);
    // Bad keys are a 400 naming the field.
    let refused = get(&server, "/api/backtest?window=1999").await;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["field"], "window");
    // A scenario field is set over the window's network: another parameter set, the same history.
    let response = get(&server, "/api/backtest?from=2022-01-01&to=2022-03-31&runs=2&operators=100&seed=4&switch_off_days=21").await;
    assert_eq!(response.status(), 200);
    let events = read_events(response, |_, _| false).await;
    let (last, data) = events.last().expect("events");
    assert_eq!(last, "backtest", "{events:?}");
    let set: Value = serde_json::from_str(data).expect("backtest JSON");
    assert_eq!(
        (set["scenario"]["switch_off_days"].clone(), set["spec"]["set"]["switch_off_days"].clone()),
        (Value::from(21), Value::from("21"))
    );
    assert_eq!(set["days"][0]["observed_difficulty_t"], event["days"][0]["observed_difficulty_t"]);
    for (query, field) in [("switch_off_days=91", "switch_off_days"), ("years=2", "years"), ("colour=red", "colour")] {
        let refused = get(&server, &format!("/api/backtest?window=2022&{query}")).await;
        assert_eq!(refused.status(), 400, "{query}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn sweep_streams_progress_then_cells_and_a_chart() {
    let server = start();
    let response = get(&server, "/api/sweep?operators=100&years=0.3&param=price_shock_pct%3D-60%3A0%3A3&param=fee_btc_per_block=0.01:0.1:2&metric=nakamoto_pools&runs=2").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let events = read_events(response, |_, _| false).await;
    let (last, data) = events.last().expect("events");
    assert_eq!(last, "sweep", "{events:?}");
    let progress: Vec<Value> = events.iter().filter(|(n, _)| n == "progress").map(|(_, d)| serde_json::from_str(d).unwrap()).collect();
    assert!(!progress.is_empty(), "no progress events");
    assert!(progress.iter().all(|p| p["runs"] == 12 && (1..=12).contains(&p["done"].as_u64().unwrap())), "{progress:?}");
    let sweep: Value = serde_json::from_str(data).expect("sweep JSON");
    assert_eq!(sweep["total_cells"], 6);
    assert_eq!(sweep["spec"]["metric"], "nakamoto_pools");
    let cells = sweep["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 6);
    assert_eq!(cells[1]["values"], serde_json::json!([-60.0, 0.1]));
    assert_eq!(cells[0]["percentiles"].as_array().unwrap().len(), 5);
    let svg = sweep["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(r#"data-sweep="heatmap""#) && svg.contains("Fees per block (BTC)"));

    // One field: a line; the metric and runs have defaults.
    let response = get(&server, "/api/sweep?operators=100&years=0.3&param=operators=100:120:2").await;
    let events = read_events(response, |_, _| false).await;
    let sweep: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert_eq!((sweep["spec"]["metric"].as_str(), sweep["spec"]["runs"].as_u64()), (Some("hashrate_ehs"), Some(10)));
    assert!(sweep["svg"].as_str().unwrap().contains(r#"data-sweep="line""#));
}

#[tokio::test]
async fn a_closed_sweep_stream_cancels_its_work() {
    let server = start_with(1, 0);
    let long = get(&server, "/api/sweep?operators=2000&years=4&param=price_shock_pct=-60:0:100&runs=10").await;
    assert_eq!(long.status(), 200);
    let mut stream = long.bytes_stream();
    assert!(!stream.next().await.expect("a first event").expect("bytes").is_empty());
    assert_eq!(status(&server).await["pool"]["running"], 1);
    drop(stream);
    let started = Instant::now();
    loop {
        let now = status(&server).await;
        if now["pool"]["running"] == 0 && now["pool"]["cancelled"].as_u64() == Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the sweep did not stop: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status(&server).await["pool"]["completed"], 0);
}

#[tokio::test]
async fn bad_sweeps_are_a_400_naming_the_field() {
    let server = start();
    let sweep = |rest: &str| format!("/api/sweep?{SMALL}&{rest}");
    assert_error(get(&server, &sweep("runs=2")).await, 400, "param").await;
    assert_error(get(&server, &sweep("param=no_such=1:2:3")).await, 400, "no_such").await;
    let range = assert_error(get(&server, &sweep("param=price_shock_pct=-200:0:3")).await, 400, "price_shock_pct").await;
    assert!(range["error"]["allowed"].as_str().unwrap().contains("-95"), "{range}");
    assert_error(get(&server, &sweep("param=price_shock_pct=-60:0:101")).await, 400, "steps").await;
    assert_error(get(&server, &sweep("param=price_shock_pct=-60:0:60&param=operators=100:200:60")).await, 400, "param").await;
    assert_error(get(&server, &sweep("param=price_shock_pct=-60:0:3&metric=date")).await, 400, "metric").await;
    assert_error(get(&server, &sweep("param=price_shock_pct=-60:0:3&runs=0")).await, 400, "runs").await;
    let budget =
        assert_error(get(&server, "/api/sweep?operators=10000&years=4&param=price_shock_pct=-60:0:100&runs=10").await, 400, "runs").await;
    assert!(budget["error"]["allowed"].as_str().unwrap().contains("20000000"), "{budget}");
    assert_eq!(status(&server).await["pool"]["completed"], 0, "nothing ran");
}

#[tokio::test]
async fn a_full_pool_answers_503_at_once_and_a_closed_stream_cancels_its_work() {
    // One worker, no queue: one long Monte Carlo fills the pool.
    let server = start_with(1, 0);
    let long = get(&server, "/api/montecarlo?operators=2000&years=4&runs=1000").await;
    assert_eq!(long.status(), 200);
    let mut stream = long.bytes_stream();
    let first = stream.next().await.expect("a first event").expect("bytes");
    assert!(!first.is_empty());
    assert_eq!(status(&server).await["pool"]["running"], 1);

    let started = Instant::now();
    let busy = get(&server, &format!("/api/run?{SMALL}")).await;
    let waited = started.elapsed();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    assert_error(busy, 503, "server").await;
    assert!(waited < Duration::from_secs(2), "the 503 took {waited:?}");
    // The page shares the pool: a scenario it has not run says the server is busy.
    let page = get(&server, "/?v=1&seed=5&operators=100&years=0.5").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("run-error") && page.contains("the server is busy"), "{}", &page[..page.len().min(300)]);
    // The page's CSV download says so the API's way: 503, Retry-After, the JSON error.
    let export = get(&server, "/export.csv?v=1&seed=5&operators=100&years=0.5").await;
    assert_eq!(export.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string()).as_deref(), Some("1"));
    assert_error(export, 503, "server").await;

    // The client goes away: the work stops and the pool is free again.
    drop(stream);
    let started = Instant::now();
    loop {
        let now = status(&server).await;
        if now["pool"]["running"] == 0 && now["pool"]["cancelled"].as_u64() == Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the Monte Carlo did not stop: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status(&server).await["pool"]["completed"], 0);
    assert_eq!(get(&server, &format!("/api/run?{SMALL}")).await.status(), 200);
}

#[tokio::test]
async fn report_charts_as_svg() {
    let server = start();
    for id in app::catalogue::CHARTS.iter().map(|chart| chart.id) {
        let response = get(&server, &format!("/api/chart/{id}.svg?{SMALL}&width=900&height=400")).await;
        assert_eq!(response.status(), 200, "{id}");
        assert_eq!(response.headers()["content-type"], "image/svg+xml", "{id}");
        let svg = response.text().await.unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\""), "{id}: {}", &svg[..80]);
        // An absolute link a reader of a printed report can follow, and a legend with a swatch per series.
        assert!(svg.contains(&format!("Share link: {}/?v=14&amp;seed=7", server.base)), "{id}");
        let swatches = svg.matches("class=\"legend-swatch\"").count();
        assert!(swatches >= 1 && swatches == svg.matches("class=\"legend-label\"").count(), "{id}: {swatches} swatches");
        assert!(svg.contains(&format!("model version {}", simulation::MODEL_VERSION)), "{id}");
        assert!(svg.contains("100 operators, 0.5 years"), "{id}");
        assert!(svg.matches("<text").count() > 10, "{id}: labels");
    }
    // A replay of history: the observed series in the legend, with a thick swatch.
    let history = get(&server, "/api/chart/hashrate.svg?preset=history-2022").await.text().await.unwrap();
    let entry = history.split("<line class=\"legend-swatch\"").find(|e| e.contains("Hash rate, observed (7-day mean)")).expect("observed");
    assert!(entry.contains("stroke=\"#007979\" stroke-width=\"6\""), "{entry}");
    // Text from the link is escaped.
    let payload = "%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27%26";
    let svg = get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&title={payload}")).await.text().await.unwrap();
    assert!(!svg.contains("<script") && svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"), "{}", &svg[..400]);
    assert_error(get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&width=5000")).await, 400, "width").await;
    assert_error(get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&height=tall")).await, 400, "height").await;
    assert_error(get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&bogus=1")).await, 400, "bogus").await;
    assert_error(get(&server, "/api/chart/no-such-chart.svg").await, 404, "chart").await;
    assert_error(get(&server, "/api/chart/hashrate.gif").await, 400, "format").await;
    // Named baselines from the page's link keys: drawn, named in the legend, and kept in the share link.
    let before = format!("v%3D{}%26seed%3D7%26operators%3D100%26years%3D0.5%26price_shock_pct%3D-40", simulation::MODEL_VERSION);
    let compared = get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&base1={before}&base1_name=Crash%20%26%20burn")).await;
    assert_eq!(compared.status(), 200);
    let compared = compared.text().await.unwrap();
    assert!(compared.contains("Crash &amp; burn: baseline, dashed lines"), "the baseline's legend entry");
    let footer: String = compared
        .split("class=\"footer\"")
        .skip(1)
        .filter_map(|line| line.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(text, _)| text))
        .collect();
    assert!(footer.contains(&format!("base1={before}&amp;base1_name=Crash+%26+burn")), "{footer}");
    let bad = "v%3D3%26price_shock_pct%3D-400";
    assert_error(get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&base1={bad}")).await, 400, "base1").await;
    // With `runs`, the spread across that many seeds is shaded (run now if not kept).
    let plain = get(&server, &format!("/api/chart/nakamoto.svg?{SMALL}")).await.text().await.unwrap();
    let banded = get(&server, &format!("/api/chart/nakamoto.svg?{SMALL}&runs=4")).await.text().await.unwrap();
    assert!(banded.contains("shaded: 5-95% and 25-75% of 4 seeds") && !plain.contains("shaded:"));
    assert!(banded.matches("<polygon").count() >= plain.matches("<polygon").count() + 6, "two areas for each of three series");
    assert_error(get(&server, &format!("/api/chart/hashrate.svg?{SMALL}&runs=0")).await, 400, "runs").await;
    assert_error(get(&server, "/api/chart/hashrate.svg?operators=20000&years=4&runs=1000").await, 400, "runs").await;
    let png = get(&server, &format!("/api/chart/nakamoto.png?{SMALL}&width=640&height=300")).await;
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, 640);
    // For print: twice the pixels.
    let print = get(&server, &format!("/api/chart/nakamoto.png?{SMALL}&width=640&height=300&scale=2")).await.bytes().await.unwrap();
    assert_eq!(u32::from_be_bytes([print[16], print[17], print[18], print[19]]), 1280);
    assert_error(get(&server, &format!("/api/chart/nakamoto.png?{SMALL}&scale=9")).await, 400, "scale").await;
    // A pixel budget: the largest plot at scale 4 would be 61 M pixels.
    assert_error(get(&server, &format!("/api/chart/pool-shares.png?{SMALL}&width=2400&height=1600&scale=4")).await, 400, "scale").await;
    let largest = get(&server, &format!("/api/chart/pool-shares.png?{SMALL}&width=2400&height=1600")).await;
    assert_eq!(largest.status(), 200, "the largest plot at scale 1 is drawn");
}

#[tokio::test]
async fn downloads_carry_their_provenance() {
    let server = start();
    let json = get(&server, &format!("/api/export.json?{SMALL}")).await;
    let link = json.headers()["link"].to_str().unwrap().to_string();
    assert_eq!(link, format!("<{}/?v=14&seed=7&operators=100&years=0.5>; rel=\"canonical\"", server.base));
    let json: Value = json.json().await.unwrap();
    assert_eq!(json["provenance"]["link"], format!("{}/?v=14&seed=7&operators=100&years=0.5", server.base));
    // A Host the server was not told about never makes an absolute link: the listening address does.
    let forged = client().get(format!("{}/api/export.json?{SMALL}", server.base)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(
        forged.headers()["link"].to_str().unwrap(),
        format!("<{}/?v=14&seed=7&operators=100&years=0.5>; rel=\"canonical\"", server.base)
    );
    let allowed = start_env(2, 8, &[("HASHLAB_ALLOWED_HOSTS", "lab.example:8080")]);
    let named = client().get(format!("{}/api/export.json?{SMALL}", allowed.base)).header("host", "lab.example:8080").send().await.unwrap();
    assert_eq!(
        named.headers()["link"].to_str().unwrap(),
        "<http://lab.example:8080/?v=14&seed=7&operators=100&years=0.5>; rel=\"canonical\""
    );
    assert_eq!(json["provenance"]["model_version"], simulation::MODEL_VERSION);
    assert_eq!(json["provenance"]["seed"], 7);
    assert!(json["provenance"]["generated_utc"].as_str().is_some_and(|t| t.ends_with('Z') && t.len() == 20), "{}", json["provenance"]);
    assert!(json["days"].as_array().is_some_and(|days| !days.is_empty()), "the run's keys follow");
    // The plain CSV stays the contract; asked for, the provenance comes first as # lines.
    let plain = get(&server, &format!("/api/export.csv?{SMALL}")).await;
    let plain_name = plain.headers()["content-disposition"].to_str().unwrap().to_string();
    let plain = plain.text().await.unwrap();
    assert!(plain.starts_with("day,date,"));
    let commented = get(&server, &format!("/api/export.csv?{SMALL}&provenance=comments")).await;
    let commented_name = commented.headers()["content-disposition"].to_str().unwrap();
    assert!(plain_name.ends_with(&format!("model-{}.csv\"", simulation::MODEL_VERSION)), "{plain_name}");
    assert!(commented_name.ends_with(&format!("model-{}-provenance.csv\"", simulation::MODEL_VERSION)), "{commented_name}");
    for path in [format!("/api/export.csv?{SMALL}&provenance=comments"), format!("/export.csv?{SMALL}&provenance=comments")] {
        let csv = get(&server, &path).await.text().await.unwrap();
        let (comments, rest): (Vec<&str>, Vec<&str>) = csv.lines().partition(|line| line.starts_with('#'));
        assert_eq!(comments.len(), 3, "{path}");
        assert!(comments[1].contains(&format!("{}/?v=14&seed=7&operators=100&years=0.5", server.base)), "{}", comments[1]);
        assert_eq!(rest.join("\n"), plain.trim_end(), "the data is the plain CSV's");
    }
    assert_error(get(&server, &format!("/api/export.csv?{SMALL}&provenance=yes")).await, 400, "provenance").await;
}

#[tokio::test]
async fn a_run_past_its_time_budget_is_a_503() {
    let server = start_env(2, 8, &[("HASHLAB_RUN_BUDGET_SECS", "1")]);
    let started = Instant::now();
    // 200,000 operators for 2 years takes longer than 1 s even in a release build.
    let response = get(&server, "/api/run?operators=200000&years=2").await;
    let waited = started.elapsed();
    assert!(response.headers().contains_key("retry-after"));
    let body = assert_error(response, 503, "server").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("time budget"), "{body}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(status(&server).await["pool"]["timed_out"], 1);
}

#[tokio::test]
async fn ctrl_c_stops_running_monte_carlos_at_the_drains_end_and_the_server_exits() {
    a_signal_stops_running_monte_carlos_and_the_server_exits("-INT").await;
}

#[tokio::test]
async fn sigterm_stops_running_monte_carlos_at_the_drains_end_and_the_server_exits() {
    // What service managers and Kubernetes send before they kill a process.
    a_signal_stops_running_monte_carlos_and_the_server_exits("-TERM").await;
}

/// Sends `signal` to the server's process.
fn signal(server: &Server, signal: &str) {
    let sent = Command::new("kill").arg(signal).arg(server.child.id().to_string()).status().expect("kill runs");
    assert!(sent.success());
}

/// Waits for the server's process to exit, successfully.
fn exits(server: &mut Server) {
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            assert!(status.success(), "{status:?}");
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(40), "the server did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn a_signal_stops_running_monte_carlos_and_the_server_exits(name: &str) {
    // A 3 s drain: work still running 2 s before its end is told to stop.
    let mut server = start_env(2, 8, &[("HASHLAB_DRAIN_SECS", "3")]);
    let long = get(&server, "/api/montecarlo?operators=2000&years=4&runs=1000").await;
    assert_eq!(long.status(), 200);
    let mut stream = long.bytes_stream();
    assert!(!stream.next().await.expect("a first event").expect("bytes").is_empty());
    signal(&server, name);
    // The stream ends with an error event saying why.
    let mut rest = String::new();
    let started = Instant::now();
    while let Some(chunk) = stream.next().await {
        rest.push_str(&String::from_utf8_lossy(&chunk.expect("bytes")));
        assert!(started.elapsed() < Duration::from_secs(30), "the Monte Carlo did not stop");
    }
    assert!(rest.contains("event: error") && rest.contains("shutting down"), "{rest}");
    assert!(!rest.contains("event: bands"));
    exits(&mut server);
}

#[tokio::test]
async fn a_run_in_flight_when_the_server_is_asked_to_stop_finishes_and_is_answered() {
    // The default 30 s drain: a run in flight goes on; the server exits once it is answered.
    let mut server = start_with(1, 0);
    let client = client();
    let url = format!("{}/api/run?operators=13000&years=30&seed=5", server.base);
    let request = tokio::spawn(async move { client.get(url).send().await });
    let started = Instant::now();
    while status(&server).await["pool"]["running"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "the run did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    signal(&server, "-TERM");
    let response = request.await.expect("joined").expect("answered");
    assert_eq!(response.status(), 200, "the run in flight was answered, not stopped");
    let run: Value = response.json().await.expect("JSON");
    assert_eq!(run["scenario"]["operators"], 13000);
    exits(&mut server);
}

#[tokio::test]
async fn a_client_that_goes_away_stops_its_single_run() {
    // Nearly the largest run allowed (13,000 operators for 30 years: ~0.4 s in a
    // release build, several in debug); the client gives up after 50 ms and the
    // run must stop early.
    let server = start_with(1, 0);
    let impatient = reqwest::Client::builder().timeout(Duration::from_millis(50)).build().expect("a client");
    let gone = impatient.get(format!("{}/api/run?operators=13000&years=30", server.base)).send().await;
    assert!(gone.is_err(), "the client timed out and closed the connection");
    let started = Instant::now();
    loop {
        let now = status(&server).await;
        if now["pool"]["running"] == 0 && now["pool"]["cancelled"].as_u64() == Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the run did not stop: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status(&server).await["pool"]["completed"], 0, "the abandoned run never completed");
    assert_eq!(get(&server, &format!("/api/run?{SMALL}")).await.status(), 200);
}

#[tokio::test]
async fn the_page_csv_download_is_refused_like_the_api_when_over_a_limit() {
    let server = start();
    // Lenient like the page: a bad field keeps its default, the run goes ahead.
    let lenient = get(&server, "/export.csv?v=1&seed=7&years=0.5&operators=lots").await;
    assert_eq!(lenient.status(), 200);
    assert!(lenient.text().await.unwrap().starts_with("day,date,"));
    // Over the operator-years budget: the API's 400, naming the field.
    assert_error(get(&server, "/export.csv?v=1&operators=200000&years=30").await, 400, "operators").await;
}

/// One column per pool: a low `own_pool_min_ehs` gives many operators a pool
/// of their own, so this run (a tenth of the operator-years budget) would be
/// 2,056 columns x 1,461 days (3.0 M cells, 41 MB of CSV), over the output limit.
const MANY_POOLS: &str = "operators=10000&years=4&own_pool_min_ehs=0.001&seed=7";

#[tokio::test]
async fn output_over_the_limit_is_a_400_naming_the_field() {
    let server = start();
    for path in ["/api/export.csv", "/api/export.json", "/api/run", "/export.csv"] {
        let refused = assert_error(get(&server, &format!("{path}?{MANY_POOLS}")).await, 400, "own_pool_min_ehs").await;
        let allowed = refused["error"]["allowed"].as_str().unwrap();
        assert!(allowed.contains("2000000"), "{path}: {refused}");
        // Refused on the day the pools outgrew the limit, not after the whole run (1,461 days).
        let message = refused["error"]["message"].as_str().unwrap();
        let day: u32 = message.split("by day ").nth(1).and_then(|rest| rest.split(')').next()).and_then(|d| d.parse().ok()).expect(message);
        assert!(day < 1_461 / 2, "{path}: stopped on day {day}: {message}");
    }
    let limits = status(&server).await["limits"].clone();
    assert_eq!(limits["max_output_cells"], 2_000_000, "{limits}");
    // The same run with the default pools is served.
    assert_eq!(get(&server, "/api/export.csv?operators=10000&years=4&seed=7").await.status(), 200);
}

/// Reads from `stream` until the server closes it, or `limit` passes; how long that took.
fn time_to_close(stream: &mut std::net::TcpStream, limit: Duration) -> Option<Duration> {
    use std::io::Read;
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).expect("a read timeout");
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => return Some(started.elapsed()),
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_after_the_header_timeout() {
    use std::io::Write;
    let server = start_env(2, 8, &[("HASHLAB_HEADER_READ_TIMEOUT_SECS", "1")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    // Half a request head, never finished.
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("send");
    // Connected, nothing sent.
    let mut silent = TcpStream::connect(&addr).expect("connect");
    // One request answered, then idle on keep-alive.
    let mut idle = TcpStream::connect(&addr).expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    for (name, stream) in [("half a header", &mut slow), ("nothing sent", &mut silent), ("idle keep-alive", &mut idle)] {
        let closed = time_to_close(stream, Duration::from_secs(8));
        assert!(closed.is_some_and(|after| after < Duration::from_secs(5)), "{name}: still open ({closed:?})");
    }
    assert_eq!(get(&server, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_a_408_and_the_connection_is_let_go() {
    use std::io::{Read, Write};
    let server = start_env(2, 8, &[("HASHLAB_BODY_READ_TIMEOUT_SECS", "1")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&addr).expect("connect");
    slow.write_all(b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"operators\":")
        .expect("send");
    slow.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"field\":\"body\""), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    assert_eq!(get(&server, "/healthz").await.status(), 200);
}

#[tokio::test]
async fn trickling_bodies_from_one_address_neither_outlast_the_deadline_nor_take_every_place() {
    use std::io::{Read, Write};
    // 48 places, 6 per address; bodies must be whole 3 s after their first read.
    let server = start_env(2, 8, &[("HASHLAB_MAX_CONNECTIONS", "48"), ("HASHLAB_BODY_DEADLINE_SECS", "3")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let head = b"POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
    // 100 sockets from 127.0.0.1, each sending its body a byte at a time (every 0.5 s: under the 10 s pause timeout).
    let mut trickles: Vec<TcpStream> = (0..100)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(&addr).ok()?;
            stream.write_all(head).ok()?;
            Some(stream)
        })
        .collect();
    let feeding = std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(8) {
            for stream in &mut trickles {
                let _ = stream.write_all(b" ");
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        trickles
    });
    // Another address is served at once: the trickles hold at most 6 of the 48 places.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let other = client_from([127, 0, 0, 2]);
    let started = Instant::now();
    let health = other.get(format!("{}/healthz", server.base)).send().await;
    assert!(health.as_ref().is_ok_and(|r| r.status() == 200), "{health:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "/healthz from another address took {:?}", started.elapsed());
    // Each admitted trickle is answered 408 at its deadline, though it never paused for long.
    let mut trickles = feeding.join().expect("the feeder");
    let mut answered = 0;
    for stream in &mut trickles {
        stream.set_read_timeout(Some(Duration::from_secs(1))).expect("timeout");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        if String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408") {
            answered += 1;
        }
    }
    assert!((1..=6).contains(&answered), "{answered} trickles answered 408 (at most the address's share was admitted)");
}

#[tokio::test]
async fn idle_connections_beyond_the_cap_do_not_stop_healthz() {
    // 128 file descriptors for the server; 300 idle connections would take
    // them all without the cap of 48 and the header timeout.
    let server = start_with_file_limit(128, &[("HASHLAB_MAX_CONNECTIONS", "48"), ("HASHLAB_HEADER_READ_TIMEOUT_SECS", "1")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let idle: Vec<TcpStream> = (0..300).map(|_| TcpStream::connect(&addr).expect("connect")).collect();
    let started = Instant::now();
    // From another address: this one holds its share (6 of 48) and its next connection is closed at once.
    let health = client_from([127, 0, 0, 2]).get(format!("{}/healthz", server.base)).send().await;
    let waited = started.elapsed();
    assert!(health.as_ref().is_ok_and(|r| r.status() == 200), "{health:?} after {waited:?}");
    assert!(waited < Duration::from_secs(20), "/healthz took {waited:?}");
    drop(idle);
}

#[tokio::test]
async fn small_answers_are_compressed_and_large_exports_sent_as_they_are() {
    let server = start();
    let gzip = |path: &str| client().get(format!("{}{path}", server.base)).header("accept-encoding", "gzip").send();
    let small = gzip("/api/presets").await.expect("presets");
    assert_eq!(small.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    // A 9 MB CSV: compressing it on the async threads held /healthz for seconds under load.
    let large = gzip("/api/export.csv?operators=2000&years=30").await.expect("export");
    assert_eq!(large.status(), 200);
    assert!(large.headers().get("content-encoding").is_none(), "{:?}", large.headers());
    assert!(large.bytes().await.expect("the body").len() > 5_000_000);
}

/// A blocking connection to `addr` whose receive buffer is set small before it
/// connects, for a client that stops reading: kernels that grow a socket's
/// buffers to tens of MB (Linux 6.18's `tcp_rmem` ceiling is 32 MB) would
/// otherwise take a whole 22 MB response unread, and the server would never
/// see its writes stall.
async fn connect_reading_little(addr: &str) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(64 * 1024).expect("a small receive buffer");
    let stream = socket.connect(addr.parse().expect("an address")).await.expect("connect");
    let stream = stream.into_std().expect("a std stream");
    stream.set_nonblocking(false).expect("blocking reads");
    stream
}

#[tokio::test]
async fn never_read_downloads_hold_at_most_their_share_of_the_response_budget() {
    use std::io::Write;
    // 120 MB for large bodies in flight, a quarter (31 MB) per address; each download below is ~22 MB.
    let server = start_env(2, 8, &[("HASHLAB_RESPONSE_MB", "120"), ("HASHLAB_WRITE_TIMEOUT_SECS", "2")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let path = "/api/export.json?operators=2000&years=30";
    // One never-read download from 127.0.0.1 holds its 22 MB.
    let mut stalled = connect_reading_little(&addr).await;
    write!(stalled, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("send");
    let started = Instant::now();
    while status(&server).await["pool"]["completed"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(60), "the run did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A second from the same address would pass its quarter: a 503 at once, not 22 MB more.
    let refused = get(&server, path).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    // Another address has its own share.
    let other = client_from([127, 0, 0, 2]);
    let served = other.get(format!("{}{path}", server.base)).send().await.expect("served");
    assert_eq!(served.status(), 200);
    assert!(served.bytes().await.expect("the body").len() > 10_000_000);
    // Once the stalled connection is let go (write timeout), its share comes back.
    drop(stalled);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(get(&server, path).await.status(), 200);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_let_go_after_the_write_timeout() {
    use std::io::{Read, Write};
    // 120 MB for large bodies in flight, 31 MB per address: one download (~22 MB) holds most of its address's share.
    let server = start_env(2, 8, &[("HASHLAB_WRITE_TIMEOUT_SECS", "1"), ("HASHLAB_RESPONSE_MB", "120")]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let path = "/api/export.json?operators=2000&years=30";
    // About 22 MB of JSON: more than the socket buffers hold for a client that reads nothing
    // (the same holds for a server-sent event stream nobody reads).
    let mut reader = connect_reading_little(&addr).await;
    write!(reader, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("send");
    let started = Instant::now();
    while status(&server).await["pool"]["completed"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(60), "the run did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The response is being written and the client takes nothing. While the server holds the
    // connection, the download holds its share and a second one from the address is refused;
    // the client reads only once that share is back (a fixed wait raced the server's writes
    // on a loaded machine: the client began reading before any write had stalled).
    let held = Instant::now();
    let mut seen_held = false;
    loop {
        let refused = get(&server, path).await.status() == 503;
        seen_held |= refused;
        if !refused && (seen_held || held.elapsed() > Duration::from_secs(5)) {
            break;
        }
        assert!(held.elapsed() < Duration::from_secs(60), "the stalled connection was never let go");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    reader.set_read_timeout(Some(Duration::from_secs(30))).expect("a read timeout");
    let mut received = Vec::new();
    let _ = reader.read_to_end(&mut received);
    let head_end = received.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block") + 4;
    let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|line| line.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).expect("a content length");
    let body = received.len() - head_end;
    assert!(length > 10_000_000, "{length} bytes");
    assert!(body < length, "the server kept the stalled connection: all {body} bytes arrived");
    assert_eq!(get(&server, "/healthz").await.status(), 200);
}
