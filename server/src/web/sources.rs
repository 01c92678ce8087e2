//! `GET /sources`: where every default comes from, for a reader. The field
//! table (each field's default, range, unit, help and source, one anchor
//! per field: `/sources#start_price_usd`), each field's full citations (the
//! bibliography `docs/SOURCES.md`, one anchor per reference) and, where the
//! sensitivity analysis moved it, how much it matters (`docs/VALIDATION.md`),
//! then the calibration figures they cite (`docs/CALIBRATION.md`, at
//! `/sources#calibration`). All three documents are compiled in. Each control
//! on the page links here.

use app::format::escape_xml;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use simulation::{Scenario, FIELDS};

/// The calibration figures with their sources.
const CALIBRATION: &str = include_str!("../../../docs/CALIBRATION.md");
/// The bibliography: full citations, and which fields cite which.
const BIBLIOGRAPHY: &str = include_str!("../../../docs/SOURCES.md");
/// The validation report, whose sensitivity table says how much each assumption matters.
const VALIDATION: &str = include_str!("../../../docs/VALIDATION.md");

/// The lines of `document` under its `## heading`, up to the next `## `.
fn section<'a>(document: &'a str, heading: &'a str) -> impl Iterator<Item = &'a str> {
    document.lines().skip_while(move |line| line.trim() != heading).skip(1).take_while(|line| !line.starts_with("## "))
}

/// The cells of a markdown table row (`| a | b |`).
fn cells(row: &str) -> Vec<&str> {
    row.trim().trim_matches('|').split(" | ").map(str::trim).collect()
}

/// The row of `field` in a table of `lines` whose first cell is `` `field` ``.
fn row_of<'a>(mut lines: impl Iterator<Item = &'a str>, field: &str) -> Option<Vec<&'a str>> {
    let first = format!("| `{field}` |");
    lines.find(|line| line.starts_with(&first)).map(cells)
}

/// The references `docs/SOURCES.md` gives for `field`, as links to them below.
fn references(field: &str) -> String {
    let Some(row) = row_of(section(BIBLIOGRAPHY, "## Fields"), field) else { return String::new() };
    let last = row.last().copied().unwrap_or("");
    let links: Vec<String> = last
        .split("](#")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|id| format!("<a href=\"#{0}\">{0}</a>", escape_xml(id)))
        .collect();
    if links.is_empty() {
        // What an assumption rests on, when the bibliography says more than the source does.
        let note = last.trim_matches('*').trim();
        let said = |text: &str| spec_source(field).is_some_and(|source| source.contains(text));
        if note.is_empty() || note == "user's choice" || said(note) {
            String::new()
        } else {
            format!(" <span class=\"refs\">({})</span>", escape_xml(note))
        }
    } else {
        format!(" <span class=\"refs\">Full citations: {}.</span>", links.join(", "))
    }
}

/// The source `field` names in the field table.
fn spec_source(field: &str) -> Option<&'static str> {
    simulation::FieldSpec::find(field).map(|spec| spec.source)
}

/// How much `field` matters, from the sensitivity table of `docs/VALIDATION.md`.
fn sensitivity(field: &str) -> String {
    let Some(row) = row_of(section(VALIDATION, "## Sensitivity: which assumptions drive the answer"), field) else {
        return String::new();
    };
    fn first<'a>(cell: Option<&&'a str>) -> &'a str {
        cell.map_or("", |c| c.split(" [").next().unwrap_or(""))
    }
    format!(
        " <span class=\"effect\">How much it matters: set to {} or {}, the hash rate after 4 years moves {} or {} (median over 50 seeds; <code>docs/VALIDATION.md</code>, sensitivity).</span>",
        escape_xml(row.get(1).copied().unwrap_or("")),
        escape_xml(row.get(2).copied().unwrap_or("")),
        escape_xml(first(row.get(3))),
        escape_xml(first(row.get(4))),
    )
}

/// The bibliography's references and its list of what could not be traced,
/// as HTML, each reference's `### id` heading an anchor `#id`.
fn bibliography() -> String {
    let anchored = |heading: &str| {
        let mut text = String::new();
        for line in section(BIBLIOGRAPHY, heading) {
            match line.strip_prefix("### ") {
                Some(id) if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => text.push_str(&format!("### {id} {{#{id}}}\n")),
                _ => {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
        text
    };
    let markdown = format!(
        "## References {{#references}}\n\n{}\n## What could not be traced {{#untraceable}}\n\n{}",
        anchored("## References"),
        anchored("## Untraceable")
    );
    let mut html = String::new();
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES;
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&markdown, options));
    html
}

/// The page.
pub async fn sources() -> Response {
    // Everything on it is compiled in: built once, on the first request.
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], PAGE.get_or_init(page).as_str()).into_response()
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
            source = cite(spec.source) + &references(spec.name) + &sensitivity(spec.name),
        ));
    }
    let mut calibration = String::new();
    pulldown_cmark::html::push_html(&mut calibration, pulldown_cmark::Parser::new_ext(CALIBRATION, pulldown_cmark::Options::ENABLE_TABLES));
    let bibliography = bibliography();
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
<p>Every scenario field, its default (the late-2025 network), what it allows and where the default comes from, with links to the <a href="#bibliography">full citations</a> (publisher, title, date and address) and, for the fields the sensitivity analysis moves, how much the answer depends on them. The figures cited as CALIBRATION.md are <a href="#calibration">below</a>. <code>hashlab fields</code> prints the same table.</p>
<div class="table-scroll">
<table class="sources">
<thead><tr><th scope="col">Field</th><th scope="col">Default</th><th scope="col">What it is</th><th scope="col">Source of the default</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
</div>
<section id="bibliography">
{bibliography}</section>
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

    #[test]
    fn every_field_is_traced_to_full_citations_and_every_link_lands() {
        let html = page();
        // Every field has a row in the bibliography's table: references, or what it rests on.
        for spec in FIELDS {
            assert!(row_of(section(BIBLIOGRAPHY, "## Fields"), spec.name).is_some(), "{} has no row in docs/SOURCES.md", spec.name);
        }
        // Every in-page link has its target.
        let targets: Vec<&str> = html.split("href=\"#").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        assert!(targets.len() > 60, "{}", targets.len());
        for target in targets {
            assert!(html.contains(&format!("id=\"{target}\"")), "#{target} has no target");
        }
        // Traced sources carry addresses.
        assert!(html.split("<h3 id=").count() > 30, "references with anchors");
        assert!(html.matches("https://").count() > 30);
        // The start price matters, and says how much.
        let row = html.split("<tr id=\"start_price_usd\">").nth(1).and_then(|rest| rest.split("</tr>").next()).expect("its row");
        // Its figures are VALIDATION.md's, which each model version regenerates: a lower start
        // price leaves less hash after 4 years and a higher one more, by tens of percent.
        let moves =
            row.split("How much it matters: set to 77000 or 143000, the hash rate after 4 years moves ").nth(1).expect("the effect");
        let percent = |text: &str| text.trim_start_matches('+').split('%').next().and_then(|n| n.parse::<f64>().ok());
        let (lower, higher) = moves.split_once(" or ").map(|(a, b)| (percent(a), percent(b))).expect("two figures");
        assert!(lower.is_some_and(|x| x < -10.0) && higher.is_some_and(|x| x > 10.0), "{row}");
        assert!(row.contains("Full citations: <a href=\"#coinmetrics-community\">"), "{row}");
        // A user's choice is not said twice.
        assert!(!html.contains("user's choice (user's choice)"));
    }
}
