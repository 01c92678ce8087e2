//! Fuzzes everything that reads a scenario from outside: share links (lenient
//! and strict), JSON and TOML scenario files, `--set` values and price CSVs.
//! None may panic; whatever they accept must be a valid scenario, and whatever
//! they reject must name a field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use simulation::{link, scenario::parse_price_csv, Scenario, FIELDS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = link::from_query(text);
    assert!(parsed.scenario.validate().is_ok());
    assert!(parsed.warnings.iter().all(|w| !w.field.is_empty()));
    let again = link::from_query(&link::to_query(&parsed.scenario, parsed.preset.as_deref()));
    assert_eq!(again.scenario, parsed.scenario);
    if let Err(error) = link::from_query_strict(text, &["runs"]) {
        assert!(!error.field.is_empty());
    }
    for result in [Scenario::from_json(text), Scenario::from_toml(text)] {
        match result {
            Ok(scenario) => assert!(scenario.validate().is_ok()),
            Err(error) => assert!(!error.field.is_empty()),
        }
    }
    if let Some(spec) = FIELDS.get(data.first().copied().unwrap_or(0) as usize % FIELDS.len()) {
        let mut scenario = Scenario::default();
        let rest = text.char_indices().nth(1).map_or("", |(i, _)| &text[i..]);
        if scenario.set_field(spec.name, rest).is_ok() {
            assert!(scenario.validate().is_ok());
        }
    }
    let _ = parse_price_csv(text);
});
