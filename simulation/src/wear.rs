//! Machines wear out: a share of every lot, running or idle, fails for good
//! each year (`machine_wear_pct_per_year`), in a month of the lot's own. Without it a fleet bought in a
//! boom stays for ever, and at a flat price holds the hashprice at its own
//! power cost until a halving idles the top of it (docs/VALIDATION.md).

/// The month of the year (0-11) in which the lot with draw key `key` wears:
/// spread evenly over the year by a multiplicative hash of the key.
pub fn month_of_year(key: u64) -> u32 {
    ((key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) % 12) as u32
}

/// Machines of a lot of `units` that wear out at `share`:
/// the expected count, its fraction rounded up when the uniform draw `u`
/// falls below it, so that small lots wear at the same rate on average.
pub fn worn_units(units: u32, share: f64, u: f64) -> u32 {
    let expected = f64::from(units) * share;
    // Truncation is the floor of a number at least 0 (and a cast, where `floor` is a call).
    ((expected + u) as u32).min(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_wear_at_their_share_on_average_and_never_below_none() {
        // 1,200 machines at 1% a month: 12, whatever the draw.
        assert_eq!(worn_units(1_200, 0.01, 0.0), 12);
        assert_eq!(worn_units(1_200, 0.01, 0.999), 12);
        // 50 machines at 1%: half a machine, one in half the months.
        assert_eq!(worn_units(50, 0.01, 0.49), 0);
        assert_eq!(worn_units(50, 0.01, 0.5), 1);
        let mean = (0..10_000).map(|i| f64::from(worn_units(50, 0.01, (f64::from(i) + 0.5) / 10_000.0))).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 1e-9, "{mean}");
        // Never more than the lot, none at no wear.
        assert_eq!(worn_units(3, 1.0, 0.9), 3);
        assert_eq!(worn_units(3, 0.0, 0.9), 0);
    }

    #[test]
    fn lots_wear_in_months_spread_over_the_year() {
        let mut months = [0u32; 12];
        for operator in 0..2_000u64 {
            for generation_key in [0x1234_u64, 0xbeef, 0x0042] {
                months[month_of_year(operator << 16 | generation_key) as usize] += 1;
            }
        }
        // 6,000 lots: 500 a month, within a tenth.
        assert!(months.iter().all(|&m| (450..=550).contains(&m)), "{months:?}");
    }
}
