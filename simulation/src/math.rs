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

/// The larger of `a` and `b`, for numbers that are never NaN: a compare and
/// a select on every target. `f64::max` handles NaN, and on wasm32-wasip1 it
/// is a call into the C library's `fmax` (with `fmin`, 6.7% of a run in the
/// browser's worker, from the day's loop and the month's accounts). Of two
/// equal numbers it returns `a` (`0.0` and `-0.0` included).
#[inline(always)]
pub fn larger(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// The smaller of `a` and `b`, for numbers that are never NaN (see [`larger`]).
#[inline(always)]
pub fn smaller(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// Rounds half away from zero, as `libm::round` does, bit for bit (rounding is
/// exact, so any correct method agrees; a property test checks it), without a
/// call or a branch on the value: below 2^52, adding the largest `f64` below
/// one half (with `x`'s sign) carries exactly the fractions of one half or more
/// to the next whole number, and a truncating conversion drops the rest; from
/// 2^52 on every `f64` is whole already (NaN and infinities pass through).
/// `libm::round` was a twentieth of a Monte Carlo's time (a call a block).
#[inline]
pub fn round(x: f64) -> f64 {
    const WHOLE_FROM: f64 = 4_503_599_627_370_496.0; // 2^52
    const BELOW_HALF: f64 = 0.499_999_999_999_999_94; // 0.5 - 2^-54
    if x.is_nan() || x.abs() >= WHOLE_FROM {
        return x;
    }
    // The sign kept: -0.3 rounds to -0.0.
    ((x + BELOW_HALF.copysign(x)) as i64 as f64).copysign(x)
}

/// `round(x) as u64` (a negative or NaN amount is 0, a huge one saturates), in
/// one add and one conversion: for `x >= 0` the conversion truncates what
/// [`round`] adds, and below 0 both give 0 (a property test checks every case).
/// A block's fees in satoshis are counted so, 144 times a day.
#[inline(always)]
pub fn round_to_u64(x: f64) -> u64 {
    const BELOW_HALF: f64 = 0.499_999_999_999_999_94; // 0.5 - 2^-54
    (x + BELOW_HALF) as u64
}

/// Capital recovery factor: the yearly payment that repays 1 over `years` at `rate`.
pub fn capital_recovery_factor(rate: f64, years: f64) -> f64 {
    if rate <= 0.0 {
        return 1.0 / years.max(1e-9);
    }
    let growth = pow(1.0 + rate, years);
    rate * growth / (growth - 1.0)
}

/// The order of (value, index) keys: by value (`total_cmp`), then index.
pub fn key_order(a: (f64, u32), b: (f64, u32)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// Sorts a short slice largest first by `value` (`total_cmp`), keeping the
/// order of equal values (insertion sort). The daily concentration figures
/// sort a score of pools three times a day: at that size this costs 37% less
/// than the standard library's unstable sort (callgrind, `metrics::Concentration::of`),
/// and sorted values come out the same.
pub fn sort_short_descending<T: Copy>(items: &mut [T], value: impl Fn(&T) -> f64) {
    for i in 1..items.len() {
        let item = items[i];
        let at = value(&item);
        let mut j = i;
        while j > 0 && value(&items[j - 1]).total_cmp(&at).is_lt() {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = item;
    }
}

/// Merges two lists, each in [`key_order`] of `key` (a value, then an
/// index), into one list in that order: `kept` items first on ties of key.
pub fn merge_by_key<T: Copy>(kept: &[T], fresh: &[T], key: impl Fn(T) -> (f64, u32)) -> Vec<T> {
    // A month adds a few fresh items to thousands kept: each fresh item finds its
    // place by binary search and the kept run before it is copied whole (the same
    // order as a pairwise merge taking the kept item on a tie).
    let mut merged = Vec::with_capacity(kept.len() + fresh.len());
    let mut a = 0;
    for &item in fresh {
        let at = key(item);
        let end = a + kept[a..].partition_point(|&k| key_order(key(k), at).is_le());
        merged.extend_from_slice(&kept[a..end]);
        merged.push(item);
        a = end;
    }
    merged.extend_from_slice(&kept[a..]);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_short_sort_orders_as_the_standard_sort_does(values in proptest::collection::vec(prop_oneof![Just(0.0), Just(-0.0), Just(1.5), -1e6..1e6f64], 0..40)) {
            let mut ours: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
            sort_short_descending(&mut ours, |v| v.0);
            let mut theirs = ours.clone();
            theirs.sort_by(|a, b| b.0.total_cmp(&a.0));
            // Largest first, and equal values in their first order (a stable sort).
            let mut stable: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
            stable.sort_by(|a, b| b.0.total_cmp(&a.0));
            prop_assert_eq!(&ours, &stable);
            prop_assert_eq!(ours.iter().map(|v| v.0.to_bits()).collect::<Vec<_>>(), theirs.iter().map(|v| v.0.to_bits()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn larger_and_smaller_pick_as_max_and_min_do() {
        let cases = [0.0, 1.0, -1.0, 2.5, -2.5, 1e300, -1e300, f64::MIN_POSITIVE, f64::INFINITY, f64::NEG_INFINITY];
        for a in cases {
            for b in cases {
                assert_eq!(larger(a, b), a.max(b), "larger({a}, {b})");
                assert_eq!(smaller(a, b), a.min(b), "smaller({a}, {b})");
            }
        }
        // Equal numbers: the first, whatever its sign.
        assert!(larger(-0.0, 0.0).is_sign_negative() && smaller(0.0, -0.0).is_sign_positive());
    }

    #[test]
    fn round_agrees_with_libm_where_it_is_hard() {
        let cases = [
            0.0,
            -0.0,
            0.3,
            -0.3,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9.007_199_254_740_993e15,
            1e300,
            -1e300,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
        ];
        for x in cases {
            assert_eq!(round(x).to_bits(), libm::round(x).to_bits(), "round({x:e})");
        }
        assert!(round(f64::NAN).is_nan());
    }

    proptest! {
        #[test]
        fn round_agrees_with_libm_bit_for_bit(bits in any::<u64>(), small in -1e7f64..1e7, whole in -4.6e15f64..4.6e15) {
            // Halves and their neighbours, where rounding turns.
            let half = whole.trunc() + 0.5;
            let near = [half, f64::from_bits(half.to_bits() + 1), f64::from_bits(half.to_bits() - 1)];
            for x in [f64::from_bits(bits), small, small / 7.0].into_iter().chain(near) {
                if !x.is_nan() {
                    prop_assert_eq!(round(x).to_bits(), libm::round(x).to_bits(), "round({:e})", x);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn round_to_u64_is_round_then_a_saturating_cast(bits in any::<u64>(), small in -1e7f64..1e7) {
            let near = [0.5, 1.5, 2.5, -0.5, 0.499_999_999_999_999_94, 4_503_599_627_370_495.5, 9.007_199_254_740_993e15, 1.9e19, f64::INFINITY, f64::NAN];
            for x in [f64::from_bits(bits), small, small / 7.0, small.abs() * 1e-9].into_iter().chain(near) {
                prop_assert_eq!(round_to_u64(x), round(x) as u64, "round_to_u64({:e})", x);
            }
        }
    }

    #[test]
    fn merging_keeps_the_order_of_values_then_indices() {
        let values = [5.0, 1.0, 3.0, 1.0, 4.0];
        let key = |i: u32| (values[i as usize], i);
        assert_eq!(merge_by_key(&[1, 2, 0], &[3, 4], key), vec![1, 3, 2, 4, 0]);
        assert_eq!(merge_by_key(&[], &[3], key), vec![3]);
    }

    proptest! {
        #[test]
        fn merging_gives_the_stable_sort_of_kept_then_fresh(
            mut kept in proptest::collection::vec((0u8..20, 0u32..50), 0..60),
            mut fresh in proptest::collection::vec((0u8..20, 0u32..50), 0..60),
        ) {
            let key = |(value, index): (u8, u32)| (f64::from(value), index);
            kept.sort_by(|a, b| key_order(key(*a), key(*b)));
            fresh.sort_by(|a, b| key_order(key(*a), key(*b)));
            let mut expected: Vec<(u8, u32)> = kept.iter().chain(&fresh).copied().collect();
            expected.sort_by(|a, b| key_order(key(*a), key(*b)));
            // Ties of key keep kept items first: tell them apart by where they came from.
            let tagged = |list: &[(u8, u32)], tag: u32| list.iter().map(|&(v, i)| (v, i * 2 + tag)).collect::<Vec<_>>();
            let merged = merge_by_key(&tagged(&kept, 0), &tagged(&fresh, 1), |(v, i): (u8, u32)| (f64::from(v), i / 2));
            let mut order = tagged(&kept, 0);
            order.extend(tagged(&fresh, 1));
            order.sort_by(|a, b| key_order((f64::from(a.0), a.1 / 2), (f64::from(b.0), b.1 / 2)));
            prop_assert_eq!(merged.iter().map(|&(v, i)| (v, i / 2)).collect::<Vec<_>>(), expected);
            prop_assert_eq!(merged, order);
        }
    }

    #[test]
    fn capital_recovery_factor_matches_annuity_tables() {
        // 10% over 10 years: 0.16275 (standard annuity table).
        assert!((capital_recovery_factor(0.10, 10.0) - 0.162_745).abs() < 1e-5);
        assert!((capital_recovery_factor(0.0, 4.0) - 0.25).abs() < 1e-12);
    }
}
