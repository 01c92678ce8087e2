//! The one error type users see: which field, what was wrong, what is allowed.

use serde::{Deserialize, Serialize};

/// A scenario value that cannot be used, named by its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message} (allowed: {allowed})")]
pub struct ScenarioError {
    /// The scenario field (or link key) at fault, by its scenario name.
    pub field: String,
    /// What was wrong, in plain words.
    pub message: String,
    /// What would be accepted, e.g. a range with its unit.
    pub allowed: String,
}

impl ScenarioError {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>, allowed: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), allowed: allowed.into() }
    }
}

/// The most significant digits a number shown in a message keeps.
const MESSAGE_DIGITS: i32 = 12;

/// A number as an error message shows it: as written when short (`0.25`,
/// `100000000`), else rounded to at most 12 significant digits, in
/// scientific notation outside 1e-4..1e15, so that a price of 1e308 is
/// echoed as `1e308`, not as 309 digits.
pub fn short_number(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() <= MESSAGE_DIGITS as usize + 2 || !value.is_finite() {
        return plain;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let trimmed = |digits: String| {
        if digits.contains('.') {
            digits.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            digits
        }
    };
    if (-4..15).contains(&magnitude) {
        let decimals = (MESSAGE_DIGITS - 1 - magnitude).max(0) as usize;
        return trimmed(format!("{value:.decimals$}"));
    }
    let scientific = format!("{value:.precision$e}", precision = (MESSAGE_DIGITS - 1) as usize);
    match scientific.split_once('e') {
        Some((mantissa, exponent)) => format!("{}e{exponent}", trimmed(mantissa.to_string())),
        None => scientific,
    }
}

#[cfg(test)]
mod tests {
    use super::short_number;

    #[test]
    fn long_numbers_are_shortened_and_short_ones_kept() {
        assert_eq!(short_number(1e308), "1e308");
        assert_eq!(short_number(-1.5e300), "-1.5e300");
        assert_eq!(short_number(f64::MAX), "1.79769313486e308");
        assert_eq!(short_number(5e-324), "4.94065645841e-324");
        assert_eq!(short_number(0.1 + 0.2), "0.3");
        assert_eq!(short_number(123_456.789_012_345_6), "123456.789012");
        assert_eq!(short_number(100_000_000.0), "100000000");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(-7.0), "-7");
        for value in [1e308, 1e-300, 1.0 / 3.0, 123_456_789_012_345_680.0, -9.87654321e200] {
            let shown = short_number(value);
            let digits = shown.split('e').next().unwrap().chars().filter(char::is_ascii_digit).count();
            assert!(digits <= 15, "{value}: {shown}");
        }
    }
}
