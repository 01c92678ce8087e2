//! Share links: a scenario as a readable query string, and back.
//!
//! A link holds the model version (`v`), an optional preset (`preset`), the
//! seed, and every field that differs from the preset (or the default), as
//! `key=value` with the scenario's own field names:
//! `?v=3&preset=late-2025-squeeze&seed=7&ai_revenue_usd_per_mw_year=2000000`.
//! Opening a link never fails: a bad or unknown key is reported and left at
//! its default, and the rest still applies ([`from_query`]). The API uses the
//! strict form ([`from_query_strict`]), where any such key is an error.

use crate::error::ScenarioError;
use crate::presets;
use crate::scenario::{Scenario, FIELDS};

/// The key holding the model version.
pub const VERSION_KEY: &str = "v";
/// The key naming a preset.
pub const PRESET_KEY: &str = "preset";
/// The longest query a link may be (browsers and servers accept this much).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// A link, read.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkParse {
    /// The scenario the link describes (defaults where it was wrong).
    pub scenario: Scenario,
    /// The preset it starts from, if any.
    pub preset: Option<String>,
    /// The model version it was made with, if it says.
    pub model_version: Option<String>,
    /// What was ignored, and why.
    pub warnings: Vec<ScenarioError>,
    /// Keys that are not scenario fields but belong to the caller (e.g. `runs`).
    pub extra: Vec<(String, String)>,
}

/// The scenario a preset id starts from (the default for `None`).
pub fn base_scenario(preset: Option<&str>) -> Scenario {
    preset.and_then(presets::find).map(|p| p.scenario).unwrap_or_default()
}

/// The query string of `scenario`, relative to `preset` (or the default):
/// the version, the preset, the seed, then each differing field in table order.
pub fn to_query(scenario: &Scenario, preset: Option<&str>) -> String {
    let base = base_scenario(preset);
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair(VERSION_KEY, crate::MODEL_VERSION);
    if let Some(id) = preset.filter(|id| presets::find(id).is_some()) {
        query.append_pair(PRESET_KEY, id);
    }
    query.append_pair("seed", &scenario.seed.to_string());
    for spec in FIELDS {
        if spec.name == "seed" {
            continue;
        }
        let value = scenario.field_text(spec.name).unwrap_or_default();
        if base.field_text(spec.name).as_deref() != Some(value.as_str()) {
            query.append_pair(spec.name, &value);
        }
    }
    query.finish()
}

/// The query part of a URL or query string (after `?`, before `#`).
pub fn query_part(url_or_query: &str) -> &str {
    let text = url_or_query.trim();
    let text = text.split_once('?').map_or(text, |(_, q)| q);
    text.split_once('#').map_or(text, |(q, _)| q)
}

/// Reads a link leniently: what cannot be used is reported in `warnings` and
/// left at the preset's (or default) value. Keys in `extra_keys` are handed
/// back in `extra` rather than read as scenario fields.
pub fn from_query_with(url_or_query: &str, extra_keys: &[&str]) -> LinkParse {
    read_query(url_or_query, extra_keys, true)
}

fn read_query(url_or_query: &str, extra_keys: &[&str], lenient: bool) -> LinkParse {
    let query = query_part(url_or_query);
    let mut warnings = Vec::new();
    let query = if query.len() > MAX_QUERY_BYTES {
        warnings.push(ScenarioError::new(
            "link",
            format!("the link is {} bytes long; only the first part was read", query.len()),
            format!("at most {MAX_QUERY_BYTES} bytes"),
        ));
        let mut end = MAX_QUERY_BYTES;
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        &query[..end]
    } else {
        query
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut preset = None;
    let mut model_version = None;
    for (key, value) in &pairs {
        if key == PRESET_KEY && preset.is_none() {
            if presets::find(value).is_some() {
                preset = Some(value.clone());
            } else {
                let shown: String = value.chars().take(40).collect();
                warnings.push(ScenarioError::new(
                    PRESET_KEY,
                    format!("no preset is called `{shown}`; the default scenario was used"),
                    presets::ids().join(", "),
                ));
            }
        }
    }
    let mut scenario = base_scenario(preset.as_deref());
    let mut seen: Vec<&str> = Vec::new();
    let mut extra = Vec::new();
    for (key, value) in &pairs {
        let key = key.as_str();
        if key.is_empty() {
            continue;
        }
        if seen.contains(&key) {
            warnings.push(ScenarioError::new(truncate(key), "appears more than once; the first value was used", "each key once"));
            continue;
        }
        seen.push(key);
        if key == PRESET_KEY {
            continue;
        }
        if key == VERSION_KEY {
            if value != crate::MODEL_VERSION {
                let shown: String = value.chars().take(20).collect();
                warnings.push(ScenarioError::new(
                    VERSION_KEY,
                    format!(
                        "the link was made with model version {shown}; this is version {}, so numbers may differ",
                        crate::MODEL_VERSION
                    ),
                    format!("model version {}", crate::MODEL_VERSION),
                ));
            }
            model_version = Some(value.clone());
            continue;
        }
        if extra_keys.contains(&key) {
            extra.push((key.to_string(), value.clone()));
            continue;
        }
        if let Err(mut error) = scenario.set_field(key, value) {
            if lenient {
                error.message = format!("{}; the {} value was used", error.message, if preset.is_some() { "preset's" } else { "default" });
            }
            warnings.push(error);
        }
    }
    if let Err(error) = scenario.validate() {
        // A combination of fields that is wrong together: fall back to the base.
        warnings.push(error);
        scenario = base_scenario(preset.as_deref());
    }
    LinkParse { scenario, preset, model_version, warnings, extra }
}

/// [`from_query_with`] with no extra keys.
pub fn from_query(url_or_query: &str) -> LinkParse {
    from_query_with(url_or_query, &[])
}

/// Reads a link strictly: the first problem is an error.
pub fn from_query_strict(url_or_query: &str, extra_keys: &[&str]) -> Result<LinkParse, ScenarioError> {
    let parsed = read_query(url_or_query, extra_keys, false);
    match parsed.warnings.iter().find(|w| w.field != VERSION_KEY) {
        Some(error) => Err(error.clone()),
        None => Ok(parsed),
    }
}

fn truncate(key: &str) -> String {
    key.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed_everywhere() -> Scenario {
        // Every field set to a valid value other than its default.
        let mut scenario = Scenario::default();
        for spec in FIELDS {
            let value = match spec.kind {
                crate::scenario::FieldKind::Number => format!("{}", spec.min + (spec.max - spec.min) * 0.371),
                crate::scenario::FieldKind::Integer => format!("{}", (spec.min + (spec.max - spec.min) * 0.371).round()),
                crate::scenario::FieldKind::Date => "2026-02-03".to_string(),
                // The one text field with fixed values.
                crate::scenario::FieldKind::Text if spec.name == "history_replay" => "observed".to_string(),
                crate::scenario::FieldKind::Text => "Tom & Jerry's <run> = 100% ✓".to_string(),
                crate::scenario::FieldKind::PricePath => "2026-02-03:90000.5,2026-05-01:120000".to_string(),
            };
            scenario.set_field(spec.name, &value).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        }
        scenario
    }

    #[test]
    fn every_field_round_trips() {
        let scenario = changed_everywhere();
        let query = to_query(&scenario, None);
        let parsed = from_query(&query);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.scenario, scenario);
        for spec in FIELDS {
            assert!(query.contains(&format!("{}=", spec.name)), "{} missing from {query}", spec.name);
        }
    }

    #[test]
    fn only_differences_from_the_preset_are_written() {
        let mut scenario = presets::find("late-2025-squeeze").unwrap().scenario;
        scenario.ai_revenue_usd_per_mw_year = 2_000_000.0;
        let query = to_query(&scenario, Some("late-2025-squeeze"));
        assert_eq!(query, "v=14&preset=late-2025-squeeze&seed=42&ai_revenue_usd_per_mw_year=2000000");
        let parsed = from_query(&format!("https://hashlab.example/?{query}#charts"));
        assert_eq!(parsed.scenario, scenario);
        assert_eq!(parsed.preset.as_deref(), Some("late-2025-squeeze"));
        assert_eq!(parsed.model_version.as_deref(), Some(crate::MODEL_VERSION));
    }

    #[test]
    fn bad_and_unknown_keys_are_reported_and_the_rest_applies() {
        let parsed = from_query("seed=9&years=abc&colour=red&operators=5&price_shock_pct=-20&preset=nope");
        assert_eq!(parsed.scenario.seed, 9);
        assert_eq!(parsed.scenario.price_shock_pct, -20.0);
        assert_eq!(parsed.scenario.years, Scenario::default().years);
        let fields: Vec<&str> = parsed.warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(fields, ["preset", "years", "colour", "operators"]);
        assert!(parsed.warnings[1].message.contains("default value was used"), "{}", parsed.warnings[1]);
        assert!(from_query_strict("seed=9&years=abc", &[]).is_err());
        assert!(from_query_strict("seed=9&runs=20", &["runs"]).unwrap().extra == [("runs".to_string(), "20".to_string())]);
    }

    #[test]
    fn duplicates_versions_and_oversized_links_are_reported() {
        let parsed = from_query("seed=1&seed=2&v=0");
        assert_eq!(parsed.scenario.seed, 1);
        assert_eq!(parsed.warnings.len(), 2);
        let strict = from_query_strict("v=0&seed=3", &[]).unwrap();
        assert_eq!(strict.scenario.seed, 3, "an old version is a warning, not an error");
        let huge = format!("title={}", "x".repeat(MAX_QUERY_BYTES + 10));
        assert!(from_query(&huge).warnings.iter().any(|w| w.field == "link"));
        assert!(from_query("").warnings.is_empty());
        assert!(from_query("%FF%FE=%00&&=&title=%E2%9C%93").warnings.len() <= 2);
    }
}
