//! Numbers as Hashlab shows them: the page's headlines, chart labels and
//! readouts, and the numbers a story's beats state, so that a
//! beat and the figure beside it read the same.

/// A value for labels and readouts: 3 significant figures, k/M/B/T suffixes.
pub fn figure(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e12 {
        (value / 1e12, "T")
    } else if magnitude >= 1e9 {
        (value / 1e9, "B")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e4 {
        (value / 1e3, "k")
    } else if magnitude >= 1e3 {
        // 1,000 to 9,999: whole, with a thousands separator.
        let whole = value.round().abs() as u64;
        let sign = if value < 0.0 { "-" } else { "" };
        return format!("{sign}{},{:03}", whole / 1000, whole % 1000);
    } else {
        (value, "")
    };
    let digits = scaled.abs();
    let whole = (scaled - scaled.round()).abs() < 1e-9;
    let text = if digits >= 100.0 || whole {
        format!("{scaled:.0}")
    } else if digits >= 10.0 {
        format!("{scaled:.1}")
    } else if digits >= 1.0 {
        format!("{scaled:.2}")
    } else {
        format!("{scaled:.3}")
    };
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    format!("{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_short() {
        assert_eq!(figure(1_150.0), "1,150");
        assert_eq!(figure(-2_005.0), "-2,005");
        assert_eq!(figure(12_345.0), "12.3k");
        assert_eq!(figure(4.2e9), "4.2B");
        assert_eq!(figure(0.5), "0.5");
        assert_eq!(figure(40.0), "40");
        assert_eq!(figure(1e10), "10B");
        assert_eq!(figure(0.0451), "0.045");
        assert_eq!(figure(f64::NAN), "n/a");
    }
}
