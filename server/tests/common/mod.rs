//! The harness every server test shares: `hashlab serve` (the real binary)
//! on a free loopback port, stopped when dropped, and small helpers to ask
//! it things with reqwest or with plain HTTP/1.0 over a socket.
#![allow(dead_code)] // each test file uses a part

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to start listening (a debug build, a cold disk).
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A small, quick scenario as a share-link query.
pub const SMALL: &str = "operators=100&years=0.5&seed=7";

/// The server process; stopped when dropped.
pub struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server with its defaults (the machine's cores), test hooks off.
pub fn start_default() -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hashlab"));
    command.arg("serve");
    launch(command, &[])
}

/// The server with `workers` and `queue`, test hooks on, and `env` on top.
pub fn start_env(workers: usize, queue: usize, env: &[(&str, &str)]) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hashlab"));
    command.arg("serve");
    let (workers, queue) = (workers.to_string(), queue.to_string());
    let mut all = vec![("HASHLAB_WORKERS", workers.as_str()), ("HASHLAB_QUEUE", queue.as_str()), ("HASHLAB_TEST_HOOKS", "1")];
    all.extend_from_slice(env);
    launch(command, &all)
}

/// Starts `command` listening on a free loopback port, with `env`.
pub fn launch(mut command: Command, env: &[(&str, &str)]) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("an address").port();
    let addr = format!("127.0.0.1:{port}");
    let child = command
        .env("HASHLAB_ADDR", &addr)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hashlab starts");
    let server = Server { child, base: format!("http://{addr}"), addr: addr.clone() };
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(started.elapsed() < START_TIMEOUT, "the server did not listen within {START_TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// A client with a generous timeout.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("a client")
}

/// A client whose connections come from another loopback address (another
/// user, as the server's per-client share counts them).
pub fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(120)).local_address(std::net::IpAddr::from(address)).build().expect("a client")
}

/// `GET path`.
pub async fn get(server: &Server, path: &str) -> reqwest::Response {
    client().get(format!("{}{path}", server.base)).send().await.expect("a response")
}

/// `POST path` with a JSON `body`.
pub async fn post_json(server: &Server, path: &str, body: &'static str) -> reqwest::Response {
    client().post(format!("{}{path}", server.base)).header("content-type", "application/json").body(body).send().await.expect("a response")
}

/// `/api/status` as JSON.
pub async fn status(server: &Server) -> Value {
    get(server, "/api/status").await.json().await.expect("status")
}

/// Waits (up to `limit`) until `/api/status` satisfies `done`, and returns it.
pub async fn wait_for_status(server: &Server, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let now = status(server).await;
        if done(&now) {
            return now;
        }
        assert!(started.elapsed() < limit, "the server's status did not get there within {limit:?}: {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Asserts a JSON error with `status` naming `field`, and returns the body.
pub async fn assert_error(response: reqwest::Response, status: u16, field: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(content_type.starts_with("application/json"), "content type {content_type}");
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["error"]["field"], field, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["error"]["allowed"].is_string(), "{body}");
    body
}

/// One response read off a plain socket: status, headers (lower-cased names) and body.
pub struct RawResponse {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

/// One HTTP/1.0 request on a fresh connection, read to its end.
pub fn raw_request(server: &Server, method: &str, path: &str, extra_headers: &str, body: &str) -> RawResponse {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    write!(stream, "{method} {path} HTTP/1.0\r\nHost: {}\r\n{extra_headers}Content-Length: {}\r\n\r\n{body}", server.addr, body.len())
        .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    RawResponse { status, headers: head.to_ascii_lowercase(), body: body.to_string() }
}
