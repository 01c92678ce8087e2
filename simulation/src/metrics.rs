//! Concentration measures, as the field defines them (CALIBRATION.md).
//!
//! - Nakamoto coefficient: the fewest entities whose combined share exceeds 50%.
//! - HHI: the sum of squared percentage shares, 0..10,000 (DOJ bands: below
//!   1,500 competitive, 1,500-2,500 moderately, above 2,500 highly concentrated).

/// The Nakamoto coefficient of `shares` (any non-negative weights; they need not
/// sum to 1). Zero when every share is zero.
pub fn nakamoto_coefficient(shares: &[f64]) -> u32 {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut sorted: Vec<f64> = shares.to_vec();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    for (index, share) in sorted.iter().enumerate() {
        sum += share;
        if sum > total / 2.0 {
            return index as u32 + 1;
        }
    }
    sorted.len() as u32
}

/// The Herfindahl-Hirschman index of `shares` (normalised to sum to 100%).
pub fn hhi(shares: &[f64]) -> f64 {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    shares.iter().map(|s| (100.0 * s / total) * (100.0 * s / total)).sum()
}

/// The largest share (as a fraction of the total) of `shares`.
pub fn top_share(shares: &[f64]) -> f64 {
    top_n_share(shares, 1)
}

/// The combined share of the `n` largest of `shares`, as a fraction.
pub fn top_n_share(shares: &[f64], n: usize) -> f64 {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut sorted: Vec<f64> = shares.to_vec();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    sorted.iter().take(n).sum::<f64>() / total
}

/// Every concentration measure of one set of shares, from one sort.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concentration {
    /// Nakamoto coefficient.
    pub nakamoto: u32,
    /// HHI (0..10,000).
    pub hhi: f64,
    /// Largest share (0..1).
    pub top1: f64,
    /// Five largest shares (0..1).
    pub top5: f64,
}

impl Concentration {
    /// Measures `shares`, sorting a copy in `scratch`.
    pub fn of(shares: &[f64], scratch: &mut Vec<f64>) -> Self {
        scratch.clear();
        scratch.extend_from_slice(shares);
        crate::math::sort_short_descending(scratch, |share| *share);
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            return Concentration { nakamoto: 0, hhi: 0.0, top1: 0.0, top5: 0.0 };
        }
        let mut sum = 0.0;
        let mut nakamoto = scratch.len() as u32;
        for (index, share) in scratch.iter().enumerate() {
            sum += share;
            if sum > total / 2.0 {
                nakamoto = index as u32 + 1;
                break;
            }
        }
        Concentration { nakamoto, hhi: hhi(shares), top1: scratch[0] / total, top5: scratch.iter().take(5).sum::<f64>() / total }
    }
}

/// Sums `shares` by group: `group[i]` is the entity of share `i`.
pub fn grouped(shares: &[f64], group: &[usize], groups: usize) -> Vec<f64> {
    let mut out = vec![0.0; groups];
    for (share, &g) in shares.iter().zip(group) {
        out[g] += share;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pools::calibration_pool_shares_pct;

    #[test]
    fn calibration_pool_shares_give_the_published_figures() {
        // CALIBRATION.md: Nakamoto coefficient 3 by pool tag, 2 with AntPool's
        // group; HHI 1,523 by tag, 1,837 grouped. "Others" are many small pools
        // and solo miners: they enter neither figure.
        let (shares, groups, group_count) = calibration_pool_shares_pct();
        assert_eq!(nakamoto_coefficient_of_pct(&shares), 3);
        assert_eq!(hhi_of_pct(&shares).round(), 1_523.0);
        let by_entity = grouped(&shares, &groups, group_count);
        assert_eq!(nakamoto_coefficient_of_pct(&by_entity), 2);
        assert_eq!(hhi_of_pct(&by_entity).round(), 1_837.0);
    }

    /// Shares in percent of the whole network (not renormalised: "others" are outside).
    fn nakamoto_coefficient_of_pct(shares: &[f64]) -> u32 {
        let mut sorted = shares.to_vec();
        sorted.sort_unstable_by(|a, b| b.total_cmp(a));
        let mut sum = 0.0;
        for (i, s) in sorted.iter().enumerate() {
            sum += s;
            if sum > 50.0 {
                return i as u32 + 1;
            }
        }
        u32::MAX
    }

    fn hhi_of_pct(shares: &[f64]) -> f64 {
        shares.iter().map(|s| s * s).sum()
    }

    #[test]
    fn one_sort_gives_every_measure() {
        let shares = [28.83, 18.10, 11.29, 10.93, 8.67, 4.28, 3.35, 2.46, 1.80, 1.21, 1.16, 0.46, 7.46];
        let mut scratch = Vec::new();
        let c = Concentration::of(&shares, &mut scratch);
        assert_eq!(c.nakamoto, nakamoto_coefficient(&shares));
        assert_eq!(c.hhi, hhi(&shares));
        assert_eq!(c.top1, top_share(&shares));
        assert_eq!(c.top5, top_n_share(&shares, 5));
        assert_eq!(Concentration::of(&[0.0, 0.0], &mut scratch).nakamoto, 0);
    }

    #[test]
    fn nakamoto_and_hhi_on_simple_cases() {
        assert_eq!(nakamoto_coefficient(&[1.0]), 1);
        assert_eq!(nakamoto_coefficient(&[1.0, 1.0]), 2, "exactly 50% is not a majority");
        assert_eq!(nakamoto_coefficient(&[0.0, 0.0]), 0);
        assert_eq!(nakamoto_coefficient(&[3.0, 1.0, 1.0, 1.0]), 2, "3 of 6 is exactly half");
        assert_eq!(nakamoto_coefficient(&[4.0, 1.0, 1.0, 1.0]), 1);
        assert_eq!(hhi(&[1.0]), 10_000.0);
        assert!((hhi(&[1.0; 4]) - 2_500.0).abs() < 1e-9);
        assert!((top_n_share(&[4.0, 3.0, 2.0, 1.0], 2) - 0.7).abs() < 1e-12);
    }
}
