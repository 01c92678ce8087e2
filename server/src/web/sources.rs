//! `GET /sources`: where every default comes from, for a reader. The field
//! table (each field's default, range, unit, help and source, one anchor
//! per field: `/sources#start_price_usd`) and the calibration figures they
//! cite (`docs/CALIBRATION.md`, compiled in, at `/sources#calibration`).
//! Each control on the page links here.

use app::format::escape_xml;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use simulation::{Scenario, FIELDS};

/// The calibration figures with their sources.
const CALIBRATION: &str = include_str!("../../../docs/CALIBRATION.md");

/// The page.
pub async fn sources() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], page()).into_response()
}

/// A source's words, with the calibration document's name made a link to it.
fn cite(source: &str) -> String {
    escape_xml(source).replace("CALIBRATION.md", r##"<a href="#calibration">CALIBRATION.md</a>"##)
}

fn page() -> String {
    let defaults = Scenario::default();
    let mut rows = String::new();
    let mut group = "";
    for spec in FIELDS {
        if spec.group != group {
            group = spec.group;
            rows.push_str(&format!("<tr class=\"group\"><th colspan=\"4\">{}</th></tr>\n", escape_xml(group)));
        }
        let value = defaults.field_text(spec.name).unwrap_or_default();
        let unit = if spec.unit.is_empty() { String::new() } else { format!(" {}", escape_xml(spec.unit)) };
        rows.push_str(&format!(
            "<tr id=\"{name}\"><td><strong>{label}</strong><br><code>{name}</code></td><td>{value}{unit}</td><td>{help} <span class=\"range\">Allowed: {allowed}.</span></td><td>{source}</td></tr>\n",
            name = escape_xml(spec.name),
            label = escape_xml(spec.label),
            value = escape_xml(if value.is_empty() { "(none)" } else { &value }),
            help = escape_xml(spec.help),
            allowed = escape_xml(&spec.allowed()),
            source = cite(spec.source),
        ));
    }
    let mut calibration = String::new();
    pulldown_cmark::html::push_html(&mut calibration, pulldown_cmark::Parser::new_ext(CALIBRATION, pulldown_cmark::Options::ENABLE_TABLES));
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sources of Hashlab's defaults</title>
<link rel="stylesheet" href="/pkg/hashlab.css">
</head>
<body class="sources-page">
<main>
<p><a href="/">Back to the lab</a></p>
<h1>Where the defaults come from</h1>
<p>Every scenario field, its default (the late-2025 network), what it allows and where the default comes from. The figures cited as CALIBRATION.md are <a href="#calibration">below</a>, each with its public source. <code>hashlab fields</code> prints the same table.</p>
<div class="table-scroll">
<table class="sources">
<thead><tr><th scope="col">Field</th><th scope="col">Default</th><th scope="col">What it is</th><th scope="col">Source of the default</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</div>
<section id="calibration">
{calibration}</section>
</main>
</body>
</html>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_an_anchor_and_calibration_is_linked() {
        let html = page();
        for spec in FIELDS {
            assert!(html.contains(&format!("<tr id=\"{}\">", spec.name)), "{}", spec.name);
        }
        assert!(html.contains(r##"<a href="#calibration">CALIBRATION.md</a>"##));
        assert!(html.contains("<section id=\"calibration\">") && html.contains("<table>"), "the calibration tables are rendered");
        assert!(!html.contains("<script"), "no script: the strict CSP holds");
    }
}
