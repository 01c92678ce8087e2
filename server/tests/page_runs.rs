//! The page's runs go through the server's one run service: the same time
//! budget, cancellation when the client hangs up, shutdown, byte-bounded
//! cache and per-client share as the API's runs, and counted in `/api/status`.
//! The real binary on loopback; no mocks.

mod common;

use common::{assert_error, client_from, get, start_env, status, wait_for_status, Server, SMALL};
use futures_util::StreamExt;
use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// The heaviest scenario the operator-years limit lets through (399,990
/// operator-years): minutes and gigabytes when run to its end. No firm runs
/// its own pool: with one pool more for each, a release build reached the
/// output limit (days x pool columns) within the 2 s budget and was refused
/// for that instead.
const HUGE: &str = "operators=13333&years=30&entry_pct_per_month=100&price_drift=3&own_pool_min_ehs=100000";

/// Sends `GET path` on a raw connection and leaves it open, unread.
fn send_and_hold(server: &Server, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).expect("send");
    stream
}

#[tokio::test]
async fn a_page_run_past_its_time_budget_says_so_and_is_counted() {
    let server = start_env(2, 8, &[("HASHLAB_RUN_BUDGET_SECS", "2")]);
    let started = Instant::now();
    let page = get(&server, &format!("/?{HUGE}")).await;
    let took = started.elapsed();
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("class=\"run-error\"") && html.contains("time budget of 2 s"), "{}", &html[..html.len().min(400)]);
    assert!(took < Duration::from_secs(30), "the page answered after {took:?}");
    let now = wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 0).await;
    assert_eq!(now["pool"]["timed_out"], 1, "{now}");
    // The cache holds at most the start's warm-up runs (the default and each preset), however far that has got.
    let warm_up = simulation::presets::all().len() as u64 + 1;
    assert_eq!(now["cache"]["runs"].as_u64().map(|n| n <= warm_up), Some(true), "the stopped run is not kept: {now}");
}

#[tokio::test]
async fn a_page_client_that_hangs_up_stops_its_run() {
    let server = start_env(2, 8, &[]);
    let held = send_and_hold(&server, &format!("/?{HUGE}"));
    wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 1).await;
    drop(held);
    let now = wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 0).await;
    assert_eq!(now["pool"]["cancelled"], 1, "{now}");
    assert_eq!(now["pool"]["completed"], 0, "{now}");
}

#[tokio::test]
async fn the_page_csv_of_a_client_that_hangs_up_stops_its_run() {
    let server = start_env(2, 8, &[]);
    let held = send_and_hold(&server, &format!("/export.csv?{HUGE}"));
    wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 1).await;
    drop(held);
    let now = wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 0).await;
    assert_eq!(now["pool"]["cancelled"], 1, "{now}");
    assert_eq!(get(&server, "/healthz").await.text().await.expect("ok"), "ok");
}

#[tokio::test]
async fn page_runs_are_counted_and_kept_in_the_cache() {
    let server = start_env(2, 8, &[]);
    let before = status(&server).await;
    let page = get(&server, "/?operators=100&years=0.5&seed=9").await;
    assert_eq!(page.status(), 200);
    let after = status(&server).await;
    let completed = |s: &serde_json::Value| s["pool"]["completed"].as_u64().expect("completed");
    assert_eq!(completed(&after), completed(&before) + 1, "{after}");
    assert!(after["cache"]["run_bytes"].as_u64() <= after["cache"]["run_capacity_bytes"].as_u64(), "{after}");
    // The same run again, and its CSV: from the cache, not run again.
    assert_eq!(get(&server, "/?operators=100&years=0.5&seed=9").await.status(), 200);
    assert_eq!(get(&server, "/export.csv?operators=100&years=0.5&seed=9").await.status(), 200);
    assert_eq!(completed(&status(&server).await), completed(&after));
}

#[tokio::test]
async fn a_page_run_in_flight_does_not_hold_up_a_shutdown() {
    // Runs in flight may go on during the drain and are stopped 2 s before it ends
    // (server/src/shutdown.rs): with a 5 s drain the run is stopped after 3 s, however
    // long it would take (with the default 30 s drain this test waited on the run itself).
    let mut server = start_env(2, 8, &[("HASHLAB_DRAIN_SECS", "5")]);
    let _held = send_and_hold(&server, &format!("/?{HUGE}"));
    wait_for_status(&server, Duration::from_secs(30), |s| s["pool"]["running"] == 1).await;
    let stopped = Command::new("kill").arg("-TERM").arg(server.child.id().to_string()).status().expect("kill runs");
    assert!(stopped.success());
    let started = Instant::now();
    loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            assert!(exit.success(), "{exit:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the server did not exit: the page run held it up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_greedy_client_gets_its_share_and_another_still_gets_in() {
    // Two workers; one address may hold two places, and run one batch at a time.
    let server = start_env(2, 6, &[("HASHLAB_CLIENT_SHARE", "2"), ("HASHLAB_MAX_WAIT_SECS", "30")]);
    let greedy = client_from([127, 0, 0, 1]);
    let polite = client_from([127, 0, 0, 2]);
    let long = format!("{}/api/montecarlo?operators=2000&years=4&runs=1000", server.base);
    let first = greedy.get(&long).send().await.expect("a response");
    assert_eq!(first.status(), 200);
    let mut first = first.bytes_stream();
    assert!(!first.next().await.expect("a first event").expect("bytes").is_empty());
    // Its second Monte Carlo waits, though a worker is free: one batch at a time.
    let second = tokio::spawn({
        let (greedy, long) = (greedy.clone(), long.clone());
        async move { greedy.get(&long).send().await.map(|r| r.status().as_u16()) }
    });
    wait_for_status(&server, Duration::from_secs(10), |s| s["pool"]["waiting"] == 1).await;
    // A third request is over its share of places.
    let third = greedy.get(format!("{}/api/run?{SMALL}", server.base)).send().await.expect("a response");
    assert!(third.headers().contains_key("retry-after"));
    let refused = assert_error(third, 503, "server").await;
    assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("already has 2")), "{refused}");
    // Another address is served at once, on the worker the greedy one may not take.
    let started = Instant::now();
    let other = polite.get(format!("{}/api/run?{SMALL}", server.base)).send().await.expect("a response");
    assert_eq!(other.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(10), "the polite client waited {:?}", started.elapsed());
    let now = status(&server).await;
    assert_eq!(now["pool"]["over_client_share"], 1, "{now}");
    assert_eq!(now["pool"]["client_share"], 2, "{now}");
    drop(first);
    second.abort();
}

#[tokio::test]
async fn the_page_server_function_says_busy_with_a_503_and_retry_after() {
    // One worker, no queue: a long Monte Carlo fills the pool.
    let server = start_env(1, 0, &[]);
    let long = get(&server, "/api/montecarlo?operators=2000&years=4&runs=1000").await;
    assert_eq!(long.status(), 200);
    let mut stream = long.bytes_stream();
    assert!(!stream.next().await.expect("a first event").expect("bytes").is_empty());
    let busy = common::client()
        .post(format!("{}/api/page-view", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("query=operators%3D100%26years%3D0.5%26seed%3D11&compact=false")
        .send()
        .await
        .expect("a response");
    assert_eq!(busy.status(), 503);
    assert!(busy.headers().get("retry-after").is_some_and(|v| v.to_str().is_ok_and(|s| s.parse::<u32>().is_ok())), "{:?}", busy.headers());
    // The page decodes the body and shows it: it says what happened.
    let text = busy.text().await.expect("text");
    assert!(text.contains("busy"), "{text}");
    drop(stream);
}
