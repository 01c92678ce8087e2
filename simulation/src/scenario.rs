//! The scenario: every parameter of a run, with its unit in its name.
//!
//! Field names are the one contract shared by scenario files (JSON, TOML),
//! the command line's `--set key=value`, share links and the HTTP API. Each
//! field is declared once, in `scenario/table.rs`: type, default, range, unit,
//! help text and source; defaults are the late-2025 network from
//! `docs/CALIBRATION.md`, cited field by field.

mod fields;
mod table;

pub use fields::{FieldKind, FieldSpec, MAX_SEED};
pub use table::{Scenario, FIELDS};

use crate::error::ScenarioError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One dated BTC price, for a scripted or user-supplied price path.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricePoint {
    /// The day (ISO 8601, `YYYY-MM-DD`).
    pub date: NaiveDate,
    /// The price that day, USD per BTC.
    pub price_usd: f64,
}

impl Scenario {
    /// Simulated days: `years * 365.25`, rounded, at least 1.
    pub fn days(&self) -> u32 {
        (crate::math::round(self.years * 365.25) as u32).max(1)
    }

    /// Parses a scenario from JSON text; unknown or duplicated fields are
    /// errors, and so is anything after the object but whitespace.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let scenario = Self::deserialize_checked(&mut deserializer)?;
        deserializer.end().map_err(|e| ScenarioError::new("scenario", format!("text after the JSON object ({e})"), "one JSON object"))?;
        Ok(scenario)
    }

    /// Parses a scenario from TOML text; unknown or duplicated fields are errors.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        Self::deserialize_checked(toml::Deserializer::new(text))
    }

    /// Deserializes from any serde format, naming the field at fault, then validates.
    pub fn deserialize_checked<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, ScenarioError> {
        let scenario: Scenario =
            serde_path_to_error::deserialize(deserializer).map_err(|e| parse_error(&e.path().to_string(), &e.inner().to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Sets one field from its text form, as `--set key=value` and links do.
    /// The value is checked against the field's type and range.
    pub fn set_field(&mut self, name: &str, raw: &str) -> Result<(), ScenarioError> {
        let spec = FieldSpec::find(name).ok_or_else(|| unknown_field(name))?;
        let value = spec.parse(raw)?;
        let previous = self.field_json(spec.name).unwrap_or_default();
        self.set_field_json(spec.name, value).map_err(|e| ScenarioError::new(spec.name, e, spec.allowed()))?;
        if let Err(error) = spec.check(&self.field_json(spec.name).unwrap_or_default()) {
            let _ = self.set_field_json(spec.name, previous);
            return Err(error);
        }
        Ok(())
    }

    /// The text form of one field's value, as links and `--set` write it.
    pub fn field_text(&self, name: &str) -> Option<String> {
        let spec = FieldSpec::find(name)?;
        Some(spec.format(&self.field_json(spec.name)?))
    }

    /// Checks every field against its range and the rules that tie fields together.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        for spec in FIELDS {
            spec.check(&self.field_json(spec.name).unwrap_or_default())?;
        }
        let mix = [self.mix_small_private, self.mix_large_private, self.mix_public_miner, self.mix_manufacturer, self.mix_stranded];
        if mix.iter().sum::<f64>() <= 0.0 {
            return Err(ScenarioError::new(
                "mix_large_private",
                "the operator mix weights are all zero",
                "at least one mix_* weight above 0",
            ));
        }
        validate_price_path(&self.price_path)?;
        if !HISTORY_REPLAY_VALUES.contains(&self.history_replay.as_str()) {
            let shown: String = self.history_replay.chars().take(20).collect();
            return Err(ScenarioError::new("history_replay", format!("`{shown}` is not a replay"), "`observed`, or empty for none"));
        }
        if self.start_date.checked_add_days(chrono::Days::new(u64::from(self.days()))).is_none() {
            return Err(ScenarioError::new("years", "the run ends past the last representable date", "a shorter run"));
        }
        Ok(())
    }
}

/// The values `history_replay` takes: none, or the observed history.
pub const HISTORY_REPLAY_VALUES: [&str; 2] = ["", "observed"];

impl Scenario {
    /// Whether the observed history drives price and fees (`history_replay = observed`).
    pub fn replays_history(&self) -> bool {
        self.history_replay == "observed"
    }
}

fn validate_price_path(path: &[PricePoint]) -> Result<(), ScenarioError> {
    let allowed = format!("up to {MAX_PRICE_POINTS} points `YYYY-MM-DD:price` with dates increasing and prices in 0.01..=100000000 USD");
    if path.len() > MAX_PRICE_POINTS {
        return Err(ScenarioError::new("price_path", format!("{} points is too many", path.len()), allowed));
    }
    for (index, point) in path.iter().enumerate() {
        if !point.price_usd.is_finite() || !(0.01..=1e8).contains(&point.price_usd) {
            return Err(ScenarioError::new(
                "price_path",
                format!("point {} ({}) has price {}", index + 1, point.date, crate::error::short_number(point.price_usd)),
                allowed,
            ));
        }
        if index > 0 && point.date <= path[index - 1].date {
            return Err(ScenarioError::new(
                "price_path",
                format!("point {} ({}) is not after the one before it", index + 1, point.date),
                allowed,
            ));
        }
    }
    Ok(())
}

/// The most points a price path may hold (ten years of daily prices).
pub const MAX_PRICE_POINTS: usize = 3_660;

/// Parses a price path from CSV text with a header naming a date column
/// (`date`) and a price column (`price_usd`, `price` or `close`).
pub fn parse_price_csv(text: &str) -> Result<Vec<PricePoint>, ScenarioError> {
    let allowed = "CSV with a header row holding `date` (YYYY-MM-DD) and `price_usd` (or `price`, `close`) columns";
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ScenarioError::new("price_path", e.to_string(), allowed))?.clone();
    let columns = |names: &[&str]| -> Vec<usize> {
        headers.iter().enumerate().filter(|(_, h)| names.iter().any(|n| h.eq_ignore_ascii_case(n))).map(|(i, _)| i).collect()
    };
    let one = |names: &[&str], what: &str| -> Result<usize, ScenarioError> {
        match columns(names)[..] {
            [] => Err(ScenarioError::new("price_path", format!("no {what} column"), allowed)),
            [only] => Ok(only),
            [first, second, ..] => Err(ScenarioError::new(
                "price_path",
                format!("two {what} columns, `{}` and `{}`: which one is meant is not clear", &headers[first], &headers[second]),
                allowed,
            )),
        }
    };
    let date_col = one(&["date", "day", "time"], "date")?;
    let price_col = one(&["price_usd", "price", "close", "priceusd"], "price")?;
    let mut points = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| ScenarioError::new("price_path", format!("line {line}: {e}"), allowed))?;
        let date_text = record.get(date_col).unwrap_or("");
        let date_text = date_text.get(..10).unwrap_or(date_text);
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .map_err(|_| ScenarioError::new("price_path", format!("line {line}: `{date_text}` is not a date"), allowed))?;
        let price_text = record.get(price_col).unwrap_or("");
        let price_usd: f64 = price_text.parse().map_err(|_| {
            let shown: String = price_text.chars().take(20).collect();
            ScenarioError::new("price_path", format!("line {line}: `{shown}` is not a number"), allowed)
        })?;
        points.push(PricePoint { date, price_usd });
    }
    if points.is_empty() {
        return Err(ScenarioError::new("price_path", "the file has a header but no rows", allowed));
    }
    validate_price_path(&points)?;
    Ok(points)
}

fn unknown_field(name: &str) -> ScenarioError {
    let shown: String = if name.is_empty() { "(empty key)".to_string() } else { name.chars().take(64).collect() };
    ScenarioError::new(shown, "unknown scenario field", "one of the names `hashlab fields` lists")
}

/// Names the field a parse error is about: the name in messages like
/// "unknown field `x`" and "duplicate field `x`", else the path serde reached.
fn parse_error(path: &str, message: &str) -> ScenarioError {
    let unknown = message.starts_with("unknown field");
    let quoted = message.split('`').nth(1).filter(|_| unknown || message.starts_with("duplicate field"));
    let top = path.split(['.', '[']).next().filter(|p| !p.is_empty() && *p != "?");
    let message = message.split(" at line ").next().unwrap_or(message);
    // serde lists every field after an unknown one: the allowed text says where to find them.
    let message = if unknown { "unknown scenario field" } else { message.split(", expected one of").next().unwrap_or(message) };
    match quoted.or(top) {
        Some(name) => {
            let shown: String = if name.is_empty() { "(empty key)".to_string() } else { name.chars().take(64).collect() };
            let allowed =
                FieldSpec::find(name).map(FieldSpec::allowed).unwrap_or_else(|| "one of the names `hashlab fields` lists".to_string());
            ScenarioError::new(shown, message, allowed)
        }
        None => ScenarioError::new("scenario", message, "an object of scenario fields"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_is_valid_and_every_field_has_a_spec() {
        let scenario = Scenario::default();
        scenario.validate().unwrap();
        let object = serde_json::to_value(&scenario).unwrap();
        let names: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
        for name in &names {
            assert!(FieldSpec::find(name).is_some(), "field {name} has no spec");
        }
        assert_eq!(names.len(), FIELDS.len());
    }

    #[test]
    fn json_with_anything_after_the_object_is_refused() {
        assert_eq!(Scenario::from_json(r#"{"seed": 1}  "#).unwrap().seed, 1);
        let error = Scenario::from_json(r#"{"seed": 1} x"#).unwrap_err();
        assert_eq!(error.field, "scenario");
        assert!(error.message.contains("after the JSON object"), "{error}");
        assert!(Scenario::from_json(r#"{"seed": 1}{"seed": 2}"#).is_err());
    }

    #[test]
    fn a_price_csv_without_rows_or_with_two_price_columns_is_refused_with_the_reason() {
        let error = parse_price_csv("date,price_usd\n").unwrap_err();
        assert_eq!(error.field, "price_path");
        assert!(error.message.contains("no rows"), "{error}");
        let error = parse_price_csv("date,price,close\n2025-01-01,1,2\n").unwrap_err();
        assert!(error.message.contains("two price columns") && error.message.contains("`close`"), "{error}");
        let error = parse_price_csv("date,day,price\n2025-01-01,2025-01-01,2\n").unwrap_err();
        assert!(error.message.contains("two date columns"), "{error}");
        assert_eq!(parse_price_csv("Date,Close\n2025-01-01,90000\n").unwrap().len(), 1);
    }

    #[test]
    fn set_field_parses_checks_and_names_the_field() {
        let mut scenario = Scenario::default();
        scenario.set_field("price_shock_pct", "-38").unwrap();
        assert_eq!(scenario.price_shock_pct, -38.0);
        scenario.set_field("operators", "500").unwrap();
        assert_eq!(scenario.operators, 500);
        scenario.set_field("start_date", "2025-10-06").unwrap();
        scenario.set_field("price_path", "2025-10-06:124824,2025-11-22:84775").unwrap();
        assert_eq!(scenario.price_path.len(), 2);
        let error = scenario.set_field("price_volatility", "7").unwrap_err();
        assert_eq!(error.field, "price_volatility");
        assert!(error.allowed.contains("0") && error.allowed.contains('3'), "{error}");
        assert_eq!(scenario.set_field("operators", "1.5").unwrap_err().field, "operators");
        assert_eq!(scenario.set_field("years", "NaN").unwrap_err().field, "years");
        assert_eq!(scenario.set_field("years", "inf").unwrap_err().field, "years");
        assert_eq!(scenario.set_field("nope", "1").unwrap_err().field, "nope");
        // A failed set leaves the scenario as it was.
        assert_eq!(scenario.operators, 500);
    }

    #[test]
    fn json_rejects_unknown_and_duplicate_fields_by_name() {
        let unknown = Scenario::from_json(r#"{"seed": 1, "colour": "red"}"#).unwrap_err();
        assert_eq!(unknown.field, "colour");
        let duplicate = Scenario::from_json(r#"{"seed": 1, "seed": 2}"#).unwrap_err();
        assert_eq!(duplicate.field, "seed");
        let wrong_type = Scenario::from_json(r#"{"years": "four"}"#).unwrap_err();
        assert_eq!(wrong_type.field, "years", "{wrong_type}");
        let out_of_range = Scenario::from_json(r#"{"operators": 3}"#).unwrap_err();
        assert_eq!(out_of_range.field, "operators");
        let bad_point = Scenario::from_json(r#"{"price_path": [{"date": "2025-13-01", "price_usd": 1}]}"#).unwrap_err();
        assert_eq!(bad_point.field, "price_path");
        assert_eq!(Scenario::from_json("[1]").unwrap_err().field, "scenario");
        let toml = Scenario::from_toml("seed = 7\nyears = 2.5\nstart_date = \"2025-10-06\"\n").unwrap();
        assert_eq!((toml.seed, toml.years), (7, 2.5));
        assert_eq!(Scenario::from_toml("seed = -1").unwrap_err().field, "seed");
        assert_eq!(Scenario::from_toml("sede = 1").unwrap_err().field, "sede");
    }

    #[test]
    fn field_text_round_trips_through_set_field() {
        let mut scenario = Scenario::default();
        scenario.set_field("price_path", "2025-10-06:124824.5,2025-11-22:84775").unwrap();
        scenario.set_field("title", "A, b & c").unwrap();
        for spec in FIELDS {
            let text = scenario.field_text(spec.name).unwrap();
            let mut copy = Scenario::default();
            copy.set_field(spec.name, &text).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            assert_eq!(copy.field_text(spec.name).unwrap(), text);
        }
    }

    #[test]
    fn price_csv_reads_common_headers_and_rejects_bad_rows() {
        let points = parse_price_csv("date,close\n2025-10-06,124824\n2025-11-22T00:00:00Z,84775.5\n").unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].price_usd, 84_775.5);
        assert_eq!(parse_price_csv("when,price\n").unwrap_err().field, "price_path");
        assert!(parse_price_csv("date,price\n2025-10-06,abc\n").unwrap_err().message.contains("line 2"));
        assert!(parse_price_csv("date,price\n2025-10-06,1\n2025-10-05,2\n").is_err());
    }
}
