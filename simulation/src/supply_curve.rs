//! The fleet's supply curve: installed hash by the effective hashprice at
//! which it runs, and what the curve says a cut of revenue does to hashprice.
//!
//! A halving halves the subsidy, not the hashprice: machines whose power costs
//! more than the new hashprice stop, the difficulty follows them down and the
//! hashprice of those that keep running recovers part of the cut. An operator
//! who knows the fleet it competes with (hashrate markets publish it) expects
//! that recovery. With the network's revenue cut to `ratio` of today's, the
//! hashprice settles at the `x1` where the hash still running pays out the
//! revenue: `x1 · S(x1) = ratio · x0 · S(x0)`, `S(x)` being the hash whose
//! breakeven is below `x`. The value of a BTC of reward then rises by
//! `S(x0) / S(x1)` (at most `1 / ratio`, when nothing could stop).
//!
//! The curve is a histogram on a log scale (eight bins per doubling, read
//! from the bits of the breakeven, so no logarithm is taken per lot), filled
//! once a month from the lots in memory order.

/// Bins per doubling of breakeven (the top three bits of the mantissa).
const MANTISSA_BITS: u32 = 3;
const BINS_PER_OCTAVE: usize = 1 << MANTISSA_BITS;
/// The lowest binned breakeven is 2^LOWEST_EXPONENT USD per PH/s per day (lower ones share the first bin).
const LOWEST_EXPONENT: i64 = -10;
/// Doublings covered: up to 2^30 USD per PH/s per day (higher ones share the last bin).
const OCTAVES: usize = 40;
const BINS: usize = OCTAVES * BINS_PER_OCTAVE;
/// Bisection steps when solving for the hashprice after a cut (2^-60 of the interval).
const SOLVE_STEPS: u32 = 60;

/// Installed hash by breakeven, TH/s in each bin.
#[derive(Debug, Clone)]
pub(crate) struct SupplyCurve {
    hash_ths: Vec<f64>,
}

impl Default for SupplyCurve {
    fn default() -> Self {
        SupplyCurve { hash_ths: vec![0.0; BINS] }
    }
}

/// The bin of a breakeven: its binary exponent and the top bits of its mantissa.
fn bin(breakeven: f64) -> usize {
    if breakeven.is_nan() || breakeven <= 0.0 {
        return 0;
    }
    let bits = breakeven.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = ((bits >> (52 - MANTISSA_BITS)) & (BINS_PER_OCTAVE as u64 - 1)) as i64;
    let index = (exponent - LOWEST_EXPONENT) * BINS_PER_OCTAVE as i64 + mantissa;
    index.clamp(0, BINS as i64 - 1) as usize
}

/// The lower edge of bin `index`, exactly (a power of two times 1 + k/8).
fn lower_edge(index: usize) -> f64 {
    let exponent = (index / BINS_PER_OCTAVE) as i64 + LOWEST_EXPONENT;
    let mantissa = (index % BINS_PER_OCTAVE) as u64;
    f64::from_bits((((exponent + 1023) as u64) << 52) | (mantissa << (52 - MANTISSA_BITS)))
}

impl SupplyCurve {
    /// Empties the curve for the month's count.
    pub fn clear(&mut self) {
        self.hash_ths.iter_mut().for_each(|h| *h = 0.0);
    }

    /// Counts `hash_ths` of machines that run above `breakeven` (effective USD per PH/s per day).
    pub fn add(&mut self, breakeven: f64, hash_ths: f64) {
        self.hash_ths[bin(breakeven)] += hash_ths;
    }

    /// The hash that runs at effective hashprice `x`, TH/s (see [`Cumulative::hash_below`]).
    #[cfg(test)]
    fn hash_below(&self, x: f64) -> f64 {
        self.cumulative().hash_below(x)
    }

    /// The curve summed from below, for many readings.
    fn cumulative(&self) -> Cumulative<'_> {
        let mut below = Vec::with_capacity(BINS + 1);
        let mut sum = 0.0;
        below.push(sum);
        for hash in &self.hash_ths {
            sum += hash;
            below.push(sum);
        }
        Cumulative { hash_ths: &self.hash_ths, below }
    }

    /// How much the value of a BTC of reward rises when the network's revenue
    /// falls to `ratio` of today's at effective hashprice `x0`: `S(x0) / S(x1)`
    /// with `x1 · S(x1) = ratio · x0 · S(x0)`. 1 when nothing is cut or nothing runs.
    pub fn response_to_revenue_cut(&self, x0: f64, ratio: f64) -> f64 {
        let curve = self.cumulative();
        let running = curve.hash_below(x0);
        if running.is_nan() || running <= 0.0 || ratio.is_nan() || ratio <= 0.0 || ratio >= 1.0 {
            return 1.0;
        }
        let target = ratio * x0 * running;
        // x · S(x) rises with x; the answer lies between ratio · x0 (nothing
        // stops) and x0 (everything that ran still runs).
        let (mut low, mut high) = (ratio * x0, x0);
        for _ in 0..SOLVE_STEPS {
            let mid = 0.5 * (low + high);
            if mid * curve.hash_below(mid) < target {
                low = mid;
            } else {
                high = mid;
            }
        }
        let remaining = curve.hash_below(high);
        if remaining > 0.0 {
            (running / remaining).min(1.0 / ratio)
        } else {
            1.0 / ratio
        }
    }
}

/// A supply curve with its running sums: the hash below a price in two reads.
struct Cumulative<'a> {
    hash_ths: &'a [f64],
    /// `below[k]`: the hash in bins `0..k`.
    below: Vec<f64>,
}

impl Cumulative<'_> {
    /// The hash that runs at effective hashprice `x`, TH/s: every bin below
    /// `x`, and the bin `x` falls in in proportion (linear within a bin).
    fn hash_below(&self, x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return 0.0;
        }
        let at = bin(x);
        let (low, high) = (lower_edge(at), lower_edge(at + 1));
        let part = ((x - low) / (high - low)).clamp(0.0, 1.0);
        self.below[at] + self.hash_ths[at] * part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_bits_and_their_edges_are_exact() {
        assert_eq!(lower_edge(bin(1.0)), 1.0);
        assert_eq!(lower_edge(bin(1.1)), 1.0);
        assert_eq!(lower_edge(bin(1.125)), 1.125);
        assert_eq!(lower_edge(bin(37.0)), 36.0);
        assert!(lower_edge(bin(37.0) + 1) == 40.0);
        for x in [0.01, 0.3, 2.0, 19.7, 45.0, 310.0, 1e5] {
            let b = bin(x);
            assert!(lower_edge(b) <= x && x < lower_edge(b + 1), "{x}");
        }
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(-3.0), 0);
        assert_eq!(bin(f64::NAN), 0);
        assert_eq!(bin(1e300), BINS - 1);
    }

    #[test]
    fn the_hash_below_a_price_counts_cheaper_machines_and_part_of_its_bin() {
        let mut curve = SupplyCurve::default();
        curve.add(10.0, 100.0);
        curve.add(20.0, 50.0);
        assert_eq!(curve.hash_below(5.0), 0.0);
        assert_eq!(curve.hash_below(15.0), 100.0);
        assert_eq!(curve.hash_below(100.0), 150.0);
        // 20 is the lower edge of its bin [20, 22): half way in counts half.
        assert!((curve.hash_below(21.0) - 125.0).abs() < 1e-9);
        curve.clear();
        assert_eq!(curve.hash_below(100.0), 0.0);
    }

    #[test]
    fn a_cut_with_nothing_near_breakeven_is_taken_whole() {
        // Every machine breaks even far below the new hashprice: none stops, no recovery.
        let mut curve = SupplyCurve::default();
        curve.add(5.0, 1_000.0);
        assert!((curve.response_to_revenue_cut(40.0, 0.55) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn machines_that_stop_give_the_rest_back_part_of_the_cut() {
        // Half the hash breaks even at 10 and half at 30; hashprice 40, revenue halved. At 20
        // the dear half would stop, and the cheap half alone would earn 40: the hashprice
        // settles in the dear half's bin [30, 32), with part of it running (about 30.6).
        let mut curve = SupplyCurve::default();
        curve.add(10.0, 500.0);
        curve.add(30.0, 500.0);
        let response = curve.response_to_revenue_cut(40.0, 0.5);
        assert!(response > 1.0 && response <= 2.0, "{response}");
        // The solved hashprice pays out the cut revenue.
        let x1 = 0.5 * 40.0 * response;
        let paid = x1 * curve.hash_below(x1);
        assert!((paid - 0.5 * 40.0 * 1_000.0).abs() < 1e-3 * paid, "{x1} {paid}");
    }

    #[test]
    fn no_cut_no_response_and_never_more_than_the_cut() {
        let mut curve = SupplyCurve::default();
        curve.add(39.0, 1_000.0);
        assert_eq!(curve.response_to_revenue_cut(40.0, 1.0), 1.0);
        assert_eq!(curve.response_to_revenue_cut(40.0, 1.2), 1.0);
        assert_eq!(SupplyCurve::default().response_to_revenue_cut(40.0, 0.5), 1.0);
        // Everything stops below 39: the hashprice can only come back to 39 with some of it running.
        let response = curve.response_to_revenue_cut(40.0, 0.5);
        assert!(response <= 2.0 && response > 1.5, "{response}");
    }
}
