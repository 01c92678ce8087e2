//! Portable floating-point functions.
//!
//! `f64::exp`, `ln` and `powf` call the platform's maths library, whose last
//! bit may differ between Linux, macOS and wasm32. The model must give the same
//! output bit for bit everywhere, so every transcendental function it uses goes
//! through `libm`, a pure-Rust port that rounds the same way on every target.
//! `+ - * / sqrt` are exactly rounded by IEEE 754 and need no wrapper.

/// e^x, portable.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm, portable.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// x^y, portable.
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// Rounds half away from zero, portable (no platform call involved).
#[inline]
pub fn round(x: f64) -> f64 {
    libm::round(x)
}

/// Capital recovery factor: the yearly payment that repays 1 over `years` at `rate`.
pub fn capital_recovery_factor(rate: f64, years: f64) -> f64 {
    if rate <= 0.0 {
        return 1.0 / years.max(1e-9);
    }
    let growth = pow(1.0 + rate, years);
    rate * growth / (growth - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_recovery_factor_matches_annuity_tables() {
        // 10% over 10 years: 0.16275 (standard annuity table).
        assert!((capital_recovery_factor(0.10, 10.0) - 0.162_745).abs() < 1e-5);
        assert!((capital_recovery_factor(0.0, 4.0) - 0.25).abs() < 1e-12);
    }
}
