//! The field table: name, unit, range, help and source of every scenario field.

use crate::error::ScenarioError;
use chrono::NaiveDate;
use serde_json::Value;

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A real number.
    Number,
    /// A whole number.
    Integer,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// Free text.
    Text,
    /// A list of `YYYY-MM-DD:price` points.
    PricePath,
}

/// Everything a user interface needs to show and check one field.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct FieldSpec {
    /// The field's name in files, links, `--set` and the API.
    pub name: &'static str,
    /// A short label for a control.
    pub label: &'static str,
    /// The unit, as shown beside the value.
    pub unit: &'static str,
    /// The group of controls it belongs to.
    pub group: &'static str,
    /// Its kind of value.
    pub kind: FieldKind,
    /// Smallest allowed value (numbers; for text, the shortest length).
    pub min: f64,
    /// Largest allowed value (numbers; for text, the longest length).
    pub max: f64,
    /// A sensible slider step.
    pub step: f64,
    /// One line that explains it.
    pub help: &'static str,
    /// Where its default comes from.
    pub source: &'static str,
}

/// The largest seed: 2^53 - 1, so that links and JSON numbers stay exact in every language.
pub const MAX_SEED: f64 = 9_007_199_254_740_991.0;

/// Declares every scenario field once (see `table.rs`): yields the
/// `Scenario` struct, its `Default` and `FIELDS`, the field specs, in one order.
#[macro_export]
#[doc(hidden)]
macro_rules! scenario_fields {
    ($(
        $group:literal {
            $(
                $name:ident : $ty:ty = $default:expr;
                    $label:literal, $unit:literal, $kind:ident($min:expr, $max:expr, $step:expr),
                    help $help:literal,
                    source $source:literal;
            )*
        }
    )*) => {
        /// Every parameter of one run. Units are in the names; ranges in [`FIELDS`].
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Scenario {
            $($(
                #[doc = $help]
                pub $name: $ty,
            )*)*
        }

        impl Default for Scenario {
            fn default() -> Self {
                Self { $($( $name: $default, )*)* }
            }
        }

        impl Scenario {
            /// One field's value as JSON (`None` for an unknown name).
            pub fn field_json(&self, name: &str) -> Option<serde_json::Value> {
                match name {
                    $($( stringify!($name) => serde_json::to_value(&self.$name).ok(), )*)*
                    _ => None,
                }
            }

            /// Sets one field from JSON of its type (unchecked against its range).
            pub(crate) fn set_field_json(&mut self, name: &str, value: serde_json::Value) -> Result<(), String> {
                match name {
                    $($( stringify!($name) => self.$name = serde_json::from_value(value).map_err(|e| e.to_string())?, )*)*
                    _ => return Err(format!("no field `{name}`")),
                }
                Ok(())
            }
        }

        /// Every scenario field, in the order controls show them.
        pub const FIELDS: &[FieldSpec] = &[
            $($(
                FieldSpec {
                    name: stringify!($name),
                    label: $label,
                    unit: $unit,
                    group: $group,
                    kind: FieldKind::$kind,
                    min: $min,
                    max: $max,
                    step: $step,
                    help: $help,
                    source: $source,
                },
            )*)*
        ];
    };
}

impl FieldSpec {
    /// What is allowed, in words (for error messages).
    pub fn allowed(&self) -> String {
        let unit = if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) };
        match self.kind {
            FieldKind::Number => format!("a number from {} to {}{unit}", self.min, self.max),
            FieldKind::Integer => format!("a whole number from {} to {}{unit}", self.min, self.max),
            FieldKind::Date => "a date YYYY-MM-DD from 2009-01-03 to 2200-12-31".to_string(),
            FieldKind::Text => format!("text of at most {} characters", self.max),
            FieldKind::PricePath => "points `YYYY-MM-DD:price_usd` separated by commas, dates increasing".to_string(),
        }
    }

    fn error(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.name, message, self.allowed())
    }

    /// Parses the text form of a value into JSON, checking it.
    pub fn parse(&self, raw: &str) -> Result<Value, ScenarioError> {
        let raw_trimmed = raw.trim();
        let shown: String = raw_trimmed.chars().take(40).collect();
        let value = match self.kind {
            FieldKind::Number => {
                let number: f64 = raw_trimmed.parse().map_err(|_| self.error(format!("`{shown}` is not a number")))?;
                serde_json::Number::from_f64(number)
                    .map(Value::Number)
                    .ok_or_else(|| self.error(format!("`{shown}` is not a finite number")))?
            }
            FieldKind::Integer => {
                let number: u64 = raw_trimmed.parse().map_err(|_| self.error(format!("`{shown}` is not a whole number")))?;
                Value::from(number)
            }
            FieldKind::Date => {
                let date =
                    NaiveDate::parse_from_str(raw_trimmed, "%Y-%m-%d").map_err(|_| self.error(format!("`{shown}` is not a date")))?;
                Value::String(date.to_string())
            }
            FieldKind::Text => Value::String(raw.to_string()),
            FieldKind::PricePath => {
                let mut points = Vec::new();
                for part in raw_trimmed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let (date, price) = part
                        .split_once(':')
                        .ok_or_else(|| self.error(format!("`{}` is not `date:price`", part.chars().take(40).collect::<String>())))?;
                    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                        .map_err(|_| self.error(format!("`{}` is not a date", date.chars().take(20).collect::<String>())))?;
                    let price: f64 = price
                        .trim()
                        .parse()
                        .map_err(|_| self.error(format!("`{}` is not a price", price.chars().take(20).collect::<String>())))?;
                    let price = serde_json::Number::from_f64(price).ok_or_else(|| self.error("a price is not finite"))?;
                    points.push(serde_json::json!({ "date": date.to_string(), "price_usd": price }));
                }
                Value::Array(points)
            }
        };
        self.check(&value)?;
        Ok(value)
    }

    /// Checks a JSON value against this field's range.
    pub fn check(&self, value: &Value) -> Result<(), ScenarioError> {
        match self.kind {
            FieldKind::Number | FieldKind::Integer => {
                let number = value.as_f64().ok_or_else(|| self.error("is not a number"))?;
                if !number.is_finite() || number < self.min || number > self.max {
                    return Err(self.error(format!("{} is out of range", crate::error::short_number(number))));
                }
                if self.kind == FieldKind::Integer && value.as_u64().is_none() {
                    return Err(self.error(format!("{} is not a whole number", crate::error::short_number(number))));
                }
            }
            FieldKind::Date => {
                let text = value.as_str().ok_or_else(|| self.error("is not a date"))?;
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| self.error("is not a date"))?;
                let first = NaiveDate::from_ymd_opt(2009, 1, 3).expect("genesis");
                let last = NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid");
                if date < first || date > last {
                    return Err(self.error(format!("{date} is out of range")));
                }
            }
            FieldKind::Text => {
                let text = value.as_str().ok_or_else(|| self.error("is not text"))?;
                let length = text.chars().count();
                if (length as f64) > self.max {
                    return Err(self.error(format!("{length} characters is too long")));
                }
                if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    return Err(self.error("contains control characters"));
                }
            }
            FieldKind::PricePath => {
                if !value.is_array() {
                    return Err(self.error("is not a list of points"));
                }
            }
        }
        Ok(())
    }

    /// The text form of a JSON value of this field (what `parse` reads back).
    pub fn format(&self, value: &Value) -> String {
        match self.kind {
            FieldKind::Number | FieldKind::Integer => match value.as_f64() {
                Some(number) if self.kind == FieldKind::Integer => {
                    format!("{}", value.as_u64().unwrap_or(number as u64))
                }
                Some(number) => format!("{number}"),
                None => String::new(),
            },
            FieldKind::Date | FieldKind::Text => value.as_str().unwrap_or_default().to_string(),
            FieldKind::PricePath => value
                .as_array()
                .map(|points| {
                    points
                        .iter()
                        .map(|p| format!("{}:{}", p["date"].as_str().unwrap_or_default(), p["price_usd"].as_f64().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default(),
        }
    }
}
