//! Hostile input never panics the link codec or the scenario parser, and
//! every rejection names a field.

use proptest::prelude::*;
use simulation::link::{from_query, from_query_strict, to_query};
use simulation::{Scenario, FIELDS};

/// Keys: real field names, near misses, and junk.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(FIELDS.iter().map(|f| f.name.to_string()).collect::<Vec<_>>()),
        Just("preset".to_string()),
        Just("v".to_string()),
        "[a-z_]{1,20}",
        ".{0,12}",
    ]
}

/// Values: numbers in and out of range, specials, dates, junk.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("1e400".to_string()),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}:[0-9.]{1,8}(,[0-9]{4}-[0-9]{2}-[0-9]{2}:[0-9.]{1,8}){0,3}",
        ".{0,40}",
        "(%[0-9A-Fa-f]{2}){0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_query_opens_and_names_what_it_ignored(pairs in proptest::collection::vec((key(), value()), 0..12), junk in ".{0,30}") {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            query.append_pair(k, v);
        }
        let text = format!("{}&{junk}", query.finish());
        let parsed = from_query(&text);
        prop_assert!(parsed.scenario.validate().is_ok(), "a lenient parse always yields a valid scenario");
        for warning in &parsed.warnings {
            prop_assert!(!warning.field.is_empty() && !warning.message.is_empty() && !warning.allowed.is_empty());
        }
        // What opens re-encodes to a link that opens to the same scenario.
        let again = from_query(&to_query(&parsed.scenario, parsed.preset.as_deref()));
        prop_assert!(again.warnings.is_empty(), "{:?}", again.warnings);
        prop_assert_eq!(again.scenario, parsed.scenario);
        // Strict parsing agrees: it fails exactly when a warning (other than the version) was raised.
        let strict = from_query_strict(&text, &[]);
        prop_assert_eq!(strict.is_err(), parsed.warnings.iter().any(|w| w.field != "v"));
    }

    #[test]
    fn any_json_is_parsed_or_rejected_with_a_field(fields in proptest::collection::vec((key(), value(), 0u8..4), 0..10)) {
        let mut object = serde_json::Map::new();
        for (k, v, kind) in fields {
            let value = match kind {
                0 => serde_json::Value::String(v),
                1 => v.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null),
                2 => serde_json::json!([v]),
                _ => serde_json::Value::Bool(v.len() % 2 == 0),
            };
            object.insert(k, value);
        }
        let text = serde_json::Value::Object(object).to_string();
        match Scenario::from_json(&text) {
            Ok(scenario) => prop_assert!(scenario.validate().is_ok()),
            Err(error) => prop_assert!(!error.field.is_empty() && !error.allowed.is_empty(), "{error:?}"),
        }
    }

    #[test]
    fn any_text_is_parsed_or_rejected_with_a_field(text in ".{0,200}") {
        match Scenario::from_json(&text) {
            Ok(scenario) => prop_assert!(scenario.validate().is_ok()),
            Err(error) => prop_assert!(!error.field.is_empty()),
        }
        match Scenario::from_toml(&text) {
            Ok(scenario) => prop_assert!(scenario.validate().is_ok()),
            Err(error) => prop_assert!(!error.field.is_empty()),
        }
    }
}
