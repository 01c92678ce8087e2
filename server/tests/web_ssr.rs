//! The web server as a client without JavaScript sees it: `hashlab serve`
//! on a free loopback port, plain HTTP/1.0 requests, no browser. (The
//! browser tests are in `e2e/`.)

mod common;

use common::{raw_request as request, start_default, RawResponse as Response, Server};

/// The charts the page draws (`app::catalogue::CHARTS`).
const CHARTS: usize = 9;

fn start() -> Server {
    start_default()
}

fn get(server: &Server, path: &str) -> Response {
    request(server, "GET", path, "", "")
}

#[test]
fn the_page_says_what_happened_and_marks_the_halving() {
    let server = start();
    let page = get(&server, "/?preset=halving-2028&operators=300");
    assert_eq!(page.status, 200);
    // The events, in words, under the charts.
    assert!(page.body.contains("class=\"events\""), "an events list");
    assert!(page.body.contains("data-kind=\"halving\""), "the halving is listed");
    assert!(page.body.contains("The subsidy halved to 1.5625 BTC"), "in words");
    assert!(page.body.contains("data-kind=\"retarget\"") && page.body.contains("because blocks had"), "retargets with their cause");
    // And marked on the charts, with a legend entry.
    assert!(page.body.contains("Halving"), "the marker's label is drawn");
    assert!(page.body.contains("Marked: halving"), "and named in the legend");
}

#[test]
fn a_history_preset_draws_the_observed_series_beside_the_models_without_javascript() {
    let server = start();
    let page = get(&server, "/?preset=history-2022");
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches(" data-chart=").count(), CHARTS);
    let section = |id: &str| {
        let start = page.body.find(&format!("id=\"chart-{id}\"")).unwrap_or_else(|| panic!("chart {id}"));
        let rest = &page.body[start..];
        rest[..rest.find("</section>").unwrap_or(rest.len())].to_string()
    };
    // Named in the legends, with a thick swatch of its own colour, and drawn thick in that colour.
    for (id, labels) in [
        ("hashrate", &["Hash rate, observed (7-day mean)", "Difficulty, observed (right axis)"][..]),
        ("hashprice", &["Hashprice, observed"][..]),
        ("price", &["Price, observed"][..]),
    ] {
        let chart = section(id);
        for label in labels {
            let entry = chart.split("class=\"legend-item\"").find(|item| item.contains(label)).unwrap_or_else(|| panic!("{id}: {label}"));
            assert!(entry.contains("data-pattern=\"thick\"") && entry.contains("--swatch: #007979"), "{id}: {entry}");
        }
        assert!(chart.contains("stroke=\"#007979\" stroke-width=\"4\""), "{id}: the observed line is drawn");
        // In the table (the chart's text alternative) too.
        assert!(chart.contains(&format!("<th scope=\"col\">{}", labels[0].trim_end_matches(" (right axis)"))), "{id}: a table column");
    }
    assert!(!section("security-budget").contains("observed"), "only the charts with an observed series");
    // A run that replays nothing names nothing observed.
    let plain = get(&server, "/?operators=300&years=0.5");
    assert!(!plain.body.contains("observed (7-day mean)"));
}

#[test]
fn the_page_without_javascript() {
    let server = start();

    // The first paint has every chart and headline figure, drawn on the server.
    let page = get(&server, "/");
    assert_eq!(page.status, 200);
    assert!(page.headers.contains("content-type: text/html"), "{}", page.headers);
    assert_eq!(page.body.matches(" data-chart=").count(), CHARTS, "charts in the first response");
    assert!(page.body.matches("<svg role=\"img\"").count() >= CHARTS);
    assert_eq!(page.body.matches("class=\"headline\"").count(), 6);
    assert!(page.body.contains("data-preset="), "preset cards");
    assert!(page.body.contains("data-field=\"start_price_usd\""), "sliders");

    // A link with bad and unknown fields opens, says what it ignored, and shows the rest.
    let broken = get(&server, "/?operators=lots&colour=red&start_price_usd=50000");
    assert_eq!(broken.status, 200);
    assert!(broken.body.contains("class=\"link-warnings\""));
    assert!(broken.body.contains("colour") && broken.body.contains("operators"));
    assert!(broken.body.contains("value=\"50000\""), "the good field still applies");
    assert_eq!(broken.body.matches(" data-chart=").count(), CHARTS);

    // Without JavaScript the controls are a form that submits every value as a link.
    assert!(page.body.contains("method=\"get\"") && page.body.contains("name=\"start_price_usd\""));
    let submitted = get(&server, "/?title=&seed=42&operators=2000&years=2&start_price_usd=60000&price_path=");
    assert_eq!(submitted.status, 200);
    assert!(!submitted.body.contains("class=\"link-warnings\""), "a whole form's values are a valid link");
    assert!(submitted.body.contains("value=\"60000\""));

    // Garbage never gives a 500 or a blank page.
    for path in ["/?%ZZ=%%&&=&years=-1", "/?v=999&preset=nope", "/?title=%3Cscript%3Ealert(1)%3C%2Fscript%3E"] {
        let response = get(&server, path);
        assert_eq!(response.status, 200, "{path}");
        assert!(response.body.contains("class=\"lab\""), "{path}");
        assert!(!response.body.contains("<script>alert(1)"), "{path}: text is escaped");
    }

    // A run's title heads its figures.
    let titled = get(&server, "/?v=1&seed=42&title=Class%205%20run");
    assert!(titled.body.contains(">Class 5 run</h2>"), "the title is shown");

    // A run too big for the page is refused with the field to change, still a page.
    let huge = get(&server, "/?v=1&operators=200000&years=30");
    assert_eq!(huge.status, 200);
    assert!(huge.body.contains("class=\"run-error\"") && huge.body.contains("operator-years"));

    // An unknown page is a 404 with a way back, not an error.
    let missing = get(&server, "/no/such/page");
    assert_eq!(missing.status, 404);

    // The server function the page calls after each change.
    let api = request(
        &server,
        "POST",
        "/api/page-view",
        "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n",
        "query=v%3D1%26seed%3D7%26years%3D0.5&compact=false",
    );
    assert_eq!(api.status, 200, "{}", api.body);
    let view: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(view["charts"].as_array().map(Vec::len), Some(CHARTS));
    assert!(view["charts"][0]["svg"].as_str().unwrap_or_default().starts_with("<svg"), "the server function sends the SVG");
    assert!(view["query"].as_str().unwrap_or_default().contains("seed=7"));

    // The run's daily data as CSV, for the same link.
    let csv = get(&server, "/export.csv?v=1&seed=7&years=0.5");
    assert_eq!(csv.status, 200);
    assert!(csv.headers.contains("content-type: text/csv"), "{}", csv.headers);
    assert!(csv.body.starts_with("day,date,"), "{}", &csv.body[..csv.body.len().min(80)]);
    assert_eq!(csv.body.lines().count(), 1 + 183, "a header and one row per day of half a year");

    // Responses are compressed when the client asks.
    let compressed = request(&server, "GET", "/", "Accept-Encoding: gzip\r\n", "");
    assert!(compressed.headers.contains("content-encoding: gzip"), "{}", compressed.headers);
}

/// Script-injection payloads, sent through a link's title, an unknown key and a bad value.
const PAYLOADS: [&str; 4] =
    ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "</title><script>alert(3)</script>", "'><svg onload=alert(4)>"];

/// The markup a payload would inject if it were not escaped: a tag opening.
/// (A `>` alone is harmless once every `<` is escaped, as in text nodes and
/// in the hydration data, where `<` becomes `\u003c`.)
fn injected(html: &str) -> Option<&'static str> {
    ["<script>alert(", "<img src=x onerror", "<svg onload", "</title><script>"].into_iter().find(|needle| html.contains(needle))
}

#[test]
fn script_injection_in_links_is_shown_as_text() {
    let server = start();
    for payload in PAYLOADS {
        let encoded: String = form_urlencoded::byte_serialize(payload.as_bytes()).collect();
        for query in [
            format!("title={encoded}&operators=60&years=0.2"),
            format!("{encoded}=1&operators=60&years=0.2"),
            format!("years={encoded}&operators=60"),
        ] {
            let page = get(&server, &format!("/?{query}"));
            assert_eq!(page.status, 200, "{query}");
            assert!(injected(&page.body).is_none(), "{query}: the page carries {:?} unescaped", injected(&page.body));
        }
        // The title is shown, escaped; the API answers JSON, never HTML.
        let page = get(&server, &format!("/?title={encoded}&operators=60&years=0.2"));
        assert!(page.body.contains("&lt;") || page.body.contains("\\u003c"), "the title is shown escaped");
        let api = get(&server, &format!("/api/run?title={encoded}&operators=60&years=0.2"));
        assert!(api.headers.contains("content-type: application/json"), "{}", api.headers);
    }
}

#[test]
fn bad_arguments_to_the_page_server_function_are_a_400_naming_them() {
    let server = start();
    let form = "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\n";
    for (body, field) in [
        ("query=v%3D1%26seed%3D7", "compact"),
        ("compact=false", "query"),
        // serde_qs does not name the field of a wrong type: the whole body is at fault.
        ("query=v%3D1&compact=maybe", "body"),
        ("query=v%3D1&compact=false&bands=lots", "body"),
        ("%%%&&==garbage", "query"),
        ("", "query"),
    ] {
        let response = request(&server, "POST", "/api/page-view", form, body);
        assert_eq!(response.status, 400, "{body:?}: {}", &response.body[..response.body.len().min(300)]);
        assert!(response.headers.contains("content-type: application/json"), "{body:?}: {}", response.headers);
        let error: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
        assert_eq!(error["error"]["field"], field, "{body:?}: {error}");
        assert!(error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
        assert!(error["error"]["allowed"].as_str().is_some_and(|a| a.contains("compact")), "{error}");
    }
    // A good call still works.
    let good = request(&server, "POST", "/api/page-view", form, "query=v%3D1%26seed%3D7%26years%3D0.2&compact=true");
    assert_eq!(good.status, 200, "{}", good.body);
}

#[test]
fn the_sources_page_lists_every_field_and_the_page_links_to_it() {
    let server = start();
    let sources = get(&server, "/sources");
    assert_eq!(sources.status, 200);
    assert!(sources.headers.contains("content-type: text/html"), "{}", sources.headers);
    for spec in simulation::FIELDS {
        assert!(sources.body.contains(&format!("<tr id=\"{}\">", spec.name)), "{}", spec.name);
    }
    assert!(sources.body.contains("<section id=\"calibration\">"));
    let page = get(&server, "/");
    assert!(page.body.contains(r##"<a href="#run" class="skip-link">Skip to the run: play it, then the charts</a>"##));
    // Its target, the play bar, takes focus (so the next Tab starts there, Play two Tabs on).
    assert!(page.body.contains(r#"id="run" tabindex="-1""#));
    assert!(page.body.contains(r#"<div id="charts" tabindex="-1" class="charts">"#));
    assert!(
        page.body.contains(r#"href="/sources#start_price_usd" rel="external" tabindex="-1""#),
        "a source link is no Tab stop of its own"
    );
    assert!(page.body.contains(r#"href="/sources#start_price_usd""#), "each control links to its source");
}

#[test]
fn a_chart_embeds_in_other_sites_and_nothing_else_does() {
    let server = start();
    let embed = get(&server, "/embed/chart/hashrate?operators=100&years=0.5&seed=3");
    assert_eq!(embed.status, 200, "{}", &embed.body[..embed.body.len().min(300)]);
    assert!(embed.headers.contains("frame-ancestors *"), "{}", embed.headers);
    assert!(!embed.headers.contains("x-frame-options"), "{}", embed.headers);
    assert!(embed.headers.contains("script-src 'none'"), "no script runs in an embed");
    assert!(embed.body.contains("<svg") && embed.body.contains("Open this run in Hashlab"));
    assert!(
        embed.body.contains(&format!("href=\"http://{}/?v=14&amp;seed=3&amp;operators=100&amp;years=0.5\"", server.addr)),
        "a link back to the full run"
    );
    let page = get(&server, "/");
    assert!(page.headers.contains("x-frame-options: deny"), "{}", page.headers);
    assert!(page.headers.contains("frame-ancestors 'none'"));
    assert_eq!(get(&server, "/embed/chart/no-such").status, 404);
    assert_eq!(get(&server, "/embed/chart/hashrate?operators=5").status, 400);
}

#[test]
fn a_story_embeds_in_other_sites_with_its_play_bar_and_opens_at_its_link_position() {
    let server = start();
    let story = get(&server, "/embed/story?preset=winter-storm-2026&operators=300&at=2026-01-24");
    assert_eq!(story.status, 200);
    assert!(story.headers.contains("frame-ancestors *"), "{}", story.headers);
    assert!(!story.headers.contains("x-frame-options"), "{}", story.headers);
    let lab_class = |body: &str| body.split("class=\"lab").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or("").to_string();
    assert!(lab_class(&story.body).split_whitespace().any(|c| c == "embed"), "the embed layout");
    assert!(story.body.contains("class=\"playbar\""), "with its play bar");
    assert!(story.body.contains("open the full run"), "and a link back");
    // Opened at the link's date: the beat of that day is shown, and the cursor is on every chart.
    assert!(
        story.body.contains("data-beat=\"0\"") && story.body.contains("Winter Storm Fern: about a quarter"),
        "the beat at the link's date"
    );
    assert_eq!(story.body.matches("play-cursor").count(), CHARTS, "a cursor on each chart");
    // The page itself still refuses to be framed, and its page keys are not warnings.
    let page = get(&server, "/?preset=winter-storm-2026&operators=300&at=2026-01-24&view=projector");
    assert!(page.headers.contains("frame-ancestors 'none'") && page.headers.contains("x-frame-options: deny"));
    assert!(lab_class(&page.body).split_whitespace().any(|c| c == "projector"), "the projector view");
    assert!(!page.body.contains("link-warnings"), "at= and view= are the page's own keys");
}

#[test]
fn a_baseline_that_cannot_run_is_said_in_words_and_the_others_are_drawn() {
    let server = start();
    let huge = "v%3D3%26operators%3D50000%26years%3D30";
    let calm = "v%3D3%26operators%3D300%26years%3D0.5%26seed%3D9";
    let page = get(&server, &format!("/?operators=300&years=0.5&base1={huge}&base1_name=Huge&base2={calm}&base2_name=Calm"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("The baseline \u{201c}Huge\u{201d} is not drawn: operators: 50000 operators for 30 years"), "said in words");
    assert!(page.body.contains("class=\"baseline-key\""), "the other baseline is drawn");
    assert!(page.body.contains("Calm: baseline, dotted lines"), "named in the legends, in its own pin's stroke");
}
