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

/// Sums `shares` by group: `group[i]` is the entity of share `i`.
pub fn grouped(shares: &[f64], group: &[usize], groups: usize) -> Vec<f64> {
    let mut out = vec![0.0; groups];
    for (share, &g) in shares.iter().zip(group) {
        out[g] += share;
    }
    out
}

/// The Nakamoto coefficient over many holders (operators), exact but fast:
/// it sorts only the `candidates` (the largest holders by capacity, which no
/// other holder's value exceeds beyond `ceiling_others`) and falls back to a
/// full sort when the answer could involve anyone else.
pub fn nakamoto_with_candidates(values: &[f64], candidates: &[u32], ceiling_others: f64, scratch: &mut Vec<f64>) -> u32 {
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    scratch.clear();
    scratch.extend(candidates.iter().map(|&i| values[i as usize]));
    scratch.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    for (index, value) in scratch.iter().enumerate() {
        if *value < ceiling_others {
            break;
        }
        sum += value;
        if sum > total / 2.0 {
            return index as u32 + 1;
        }
    }
    nakamoto_coefficient(values)
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

    #[test]
    fn candidate_shortcut_agrees_with_a_full_sort() {
        let values: Vec<f64> = (0..500).map(|i| ((i * 7919) % 501) as f64).collect();
        let mut order: Vec<u32> = (0..500).collect();
        order.sort_by(|a, b| values[*b as usize].total_cmp(&values[*a as usize]));
        let mut scratch = Vec::new();
        for take in [5usize, 50, 400] {
            let ceiling = values[order[take] as usize];
            let fast = nakamoto_with_candidates(&values, &order[..take], ceiling, &mut scratch);
            assert_eq!(fast, nakamoto_coefficient(&values), "take {take}");
        }
    }
}
