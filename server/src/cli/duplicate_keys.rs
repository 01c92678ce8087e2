//! Finds a key written twice in one JSON object. `serde_json::Value` keeps
//! the last silently; a scenario file must say each field once, as TOML files
//! and the API require.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// The first key written twice in one object of the JSON `text`, at any depth,
/// as a dotted path from the top (`seed`, `price_path.date`). `None` when
/// every key is unique, or when `text` is not JSON (its parser says why).
pub fn first_duplicate_key(text: &str) -> Option<String> {
    serde_json::from_str::<FirstDuplicate>(text).ok().and_then(|found| found.0)
}

/// A JSON value read only for its first duplicated key.
struct FirstDuplicate(Option<String>);

impl<'de> Deserialize<'de> for FirstDuplicate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FirstDuplicateVisitor)
    }
}

struct FirstDuplicateVisitor;

impl<'de> Visitor<'de> for FirstDuplicateVisitor {
    type Value = FirstDuplicate;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(FirstDuplicate(inner)) = items.next_element()? {
            found = found.or(inner);
        }
        Ok(FirstDuplicate(found))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut seen = HashSet::new();
        let mut found = None;
        while let Some(key) = entries.next_key::<String>()? {
            let FirstDuplicate(inner) = entries.next_value()?;
            if found.is_none() {
                found = inner.map(|path| format!("{key}.{path}"));
            }
            if !seen.insert(key.clone()) {
                found = found.or(Some(key));
            }
        }
        Ok(FirstDuplicate(found))
    }
}

#[cfg(test)]
mod tests {
    use super::first_duplicate_key;

    #[test]
    fn finds_the_first_key_written_twice_at_any_depth() {
        assert_eq!(first_duplicate_key(r#"{"seed": 1, "years": 2, "seed": 3}"#).as_deref(), Some("seed"));
        let nested = r#"{"seed": 1, "price_path": [{"date": "2025-10-06", "price_usd": 1, "date": "2025-10-07"}]}"#;
        assert_eq!(first_duplicate_key(nested).as_deref(), Some("price_path.date"));
        assert_eq!(first_duplicate_key(r#"{"seed": 1, "years": 2, "title": "seed"}"#), None);
        assert_eq!(first_duplicate_key(r#"[{"a": null}, {"a": true}]"#), None);
        assert_eq!(first_duplicate_key(r#"{"seed": 1,"#), None, "not JSON: the parser reports it");
    }
}
