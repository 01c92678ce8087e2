//! Text from a link is escaped everywhere the page shows it: script
//! injection through the title, through an unknown key and through a bad
//! value must reach the browser as text, never as markup.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("an address").port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_hashlab"))
        .arg("serve")
        .env("HASHLAB_ADDR", &addr)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hashlab starts");
    let started = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, base: format!("http://{addr}") }
}

const PAYLOADS: [&str; 4] =
    ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "</title><script>alert(3)</script>", "'><svg onload=alert(4)>"];

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The markup a payload would inject if it were not escaped: a tag opening.
/// (A `>` alone is harmless once every `<` is escaped, as in text nodes and
/// in the hydration data, where `<` becomes `\u003c`.)
fn injected(html: &str) -> Option<&'static str> {
    ["<script>alert(", "<img src=x onerror", "<svg onload", "</title><script>"].into_iter().find(|needle| html.contains(needle))
}

#[tokio::test]
async fn script_injection_in_links_is_shown_as_text() {
    let server = start();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("a client");
    for payload in PAYLOADS {
        for query in [
            format!("title={}&operators=60&years=0.2", encode(payload)),
            format!("{}=1&operators=60&years=0.2", encode(payload)),
            format!("years={}&operators=60", encode(payload)),
        ] {
            let response = client.get(format!("{}/?{query}", server.base)).send().await.expect("a response");
            assert_eq!(response.status(), 200, "{query}");
            let html = response.text().await.expect("a page");
            assert!(injected(&html).is_none(), "{query}: the page carries {:?} unescaped", injected(&html));
        }
        // The escaped text is there: the title is shown, the bad key is named.
        let html = client
            .get(format!("{}/?title={}&operators=60&years=0.2", server.base, encode(payload)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("&lt;") || html.contains("\\u003c"), "the title is shown escaped");
        let json = client.get(format!("{}/api/run?title={}&operators=60&years=0.2", server.base, encode(payload))).send().await.unwrap();
        assert_eq!(json.headers()["content-type"], "application/json", "the API answers JSON, never HTML");
    }
}
