//! Numbers as the page shows them, on the server (chart labels) and in the
//! browser (pointer readouts) alike.

/// Percent-encodes `text` for a URL (every byte but letters, digits and `-_.~`).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A `data:` URL of a text of type `mime` (UTF-8), for a download link of
/// something the page already holds (a sweep's cells, a tornado chart).
pub fn data_url(mime: &str, text: &str) -> String {
    format!("data:{mime};charset=utf-8,{}", percent_encode(text))
}

/// Text made safe inside XML and HTML, in element content and in quoted
/// attributes alike (`&`, `<`, `>`, `"` and `'`): the one escape of charts,
/// their titles and the API's report charts.
pub fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// What a scenario is called in figures and file names: its title, with
/// ", modified" when it is a preset's scenario with settings changed (a seed
/// is not a change); "Baseline" for the default scenario, "Custom scenario"
/// for the default with settings changed. A modified preset once kept the
/// preset's subtitle and file name, and a modified default was "baseline".
pub fn scenario_name(scenario: &simulation::Scenario) -> String {
    let title = scenario.title.trim();
    let same = |reference: &simulation::Scenario| *scenario == simulation::Scenario { seed: scenario.seed, ..reference.clone() };
    if title.is_empty() {
        let default = simulation::Scenario::default();
        return if same(&default) { "Baseline".to_string() } else { "Custom scenario".to_string() };
    }
    match simulation::presets::all().into_iter().find(|preset| preset.scenario.title.trim() == title) {
        Some(preset) if !same(&preset.scenario) => format!("{title}, modified"),
        _ => title.to_string(),
    }
}

/// The name of a file a run is downloaded as: it names the scenario
/// ([`scenario_name`]), the seed, the model version and what the file
/// holds, e.g. `hashlab-late-2025-squeeze-seed-42-model-2-hashrate.png`.
pub fn file_name(scenario: &simulation::Scenario, what: &str, extension: &str) -> String {
    let mut slug = String::new();
    for c in scenario_name(scenario).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    let slug = if slug.is_empty() { "baseline".to_string() } else { slug.trim_end_matches('-').to_string() };
    let what = if what.is_empty() { String::new() } else { format!("-{what}") };
    format!("hashlab-{slug}-seed-{}-model-{}{what}.{extension}", scenario.seed, simulation::MODEL_VERSION)
}

/// A value for labels and readouts: 3 significant figures, k/M/B/T suffixes
/// (the model's own, so that a story's beats state numbers as the page shows them).
pub use simulation::figure::figure;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_the_scenario_seed_model_and_content() {
        let squeeze = simulation::presets::find("late-2025-squeeze").unwrap().scenario;
        assert_eq!(
            file_name(&squeeze, "hashrate", "png"),
            format!("hashlab-late-2025-squeeze-seed-42-model-{}-hashrate.png", simulation::MODEL_VERSION)
        );
        let untitled = simulation::Scenario { seed: 7, ..Default::default() };
        assert_eq!(file_name(&untitled, "", "csv"), format!("hashlab-baseline-seed-7-model-{}.csv", simulation::MODEL_VERSION));
        let odd = simulation::Scenario { title: " Class 5: <test> run! ".into(), ..Default::default() };
        assert!(file_name(&odd, "", "json").starts_with("hashlab-class-5-test-run-seed-42"));
        // A changed setting says so; another seed does not.
        let shocked = simulation::Scenario { price_shock_pct: -50.0, ..squeeze.clone() };
        assert!(file_name(&shocked, "", "csv").starts_with("hashlab-late-2025-squeeze-modified-seed-42"));
        assert!(file_name(&simulation::Scenario { seed: 3, ..squeeze }, "", "csv").starts_with("hashlab-late-2025-squeeze-seed-3"));
        let custom = simulation::Scenario { operators: 500, ..Default::default() };
        assert!(file_name(&custom, "", "csv").starts_with("hashlab-custom-scenario-seed-42"));
        assert_eq!(scenario_name(&simulation::Scenario::default()), "Baseline");
    }

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(escape_xml(r#"<a href="x">Tom & 'Jerry'</a>"#), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    }
}
