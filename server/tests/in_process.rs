//! The server as a library: `server::app(&Config)` builds a whole server
//! (page, API, run service) with no global state of its own, so two with
//! different settings live side by side in one process.

use axum::body::Body;
use axum::http::Request;
use server::Config;
use tower::ServiceExt;

async fn workers(app: axum::Router) -> u64 {
    let response = app.oneshot(Request::get("/api/status").body(Body::empty()).expect("a request")).await.expect("a response");
    assert_eq!(response.status(), 200);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("a body");
    let status: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    status["pool"]["workers"].as_u64().expect("workers")
}

#[tokio::test]
async fn two_servers_with_their_own_settings_live_in_one_process() {
    let one = server::app(&Config { workers: 1, ..Config::default() });
    let three = server::app(&Config { workers: 3, ..Config::default() });
    assert_eq!(workers(one.clone()).await, 1);
    assert_eq!(workers(three).await, 3);
    assert_eq!(workers(one).await, 1, "the second did not change the first");
}
