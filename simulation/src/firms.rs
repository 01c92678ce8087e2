//! Real firms: the largest listed miners by name, and how many firms the
//! rest of each kind stands for.
//!
//! The model follows `operators` agents, a resolution, not a census: with 200
//! agents one of them holds what a hundred firms hold, with 50,000 a firm is
//! split among many. A Nakamoto coefficient counted over agents measured the
//! resolution (7 at 200 agents, 840 at 50,000). Here:
//! - the **largest firms** are agents of their own at their reported hash
//!   rate ([`NAMED_FIRMS`], year-end figures from company reports,
//!   interpolated to the start date), whatever the resolution;
//! - the **tail** of each kind, the hash its other agents hold, is counted
//!   in firms of that kind's typical size ([`TAIL_FIRMS`]: how many firms the
//!   rest of the kind is), fixed at the start.
//!
//! The operators' Nakamoto coefficient ([`nakamoto_resolved`]) counts named
//! firms one by one and the tail in firm-sized pieces, so it does not depend
//! on `operators` (test: `simulation/tests/integration/firms.rs`).

use crate::kind::ByKind;
use crate::operators::OperatorKind;
use chrono::NaiveDate;

/// A listed miner reported by name.
#[derive(Debug, Clone, Copy)]
pub struct NamedFirm {
    /// Its name.
    pub name: &'static str,
    /// Its kind in the model.
    pub kind: OperatorKind,
    /// Hash rate it reported at year-ends (year, EH/s), oldest first.
    pub year_end_ehs: &'static [(i32, f64)],
    /// The power price it reported, USD/kWh (`None`: its kind's median).
    pub power_usd_per_kwh: Option<f64>,
    /// Where the figures come from (docs/CALIBRATION.md, "Largest firms").
    pub source: &'static str,
}

/// The largest listed miners with year-end hash rates in company reports
/// (docs/CALIBRATION.md, "Largest firms", with each figure's source), and
/// the power prices they reported where they did (else their kind's median:
/// one firm's machines switch on and off together, so a draw from the spread
/// of power prices would switch 5% of the network on a coin toss). A firm
/// is named from its first reported year-end to 18 months after its last;
/// outside them its hash is part of its kind's tail.
pub const NAMED_FIRMS: [NamedFirm; 8] = [
    NamedFirm {
        name: "MARA",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2021, 3.2), (2022, 7.0), (2023, 24.7), (2024, 53.2), (2025, 60.4)],
        power_usd_per_kwh: Some(0.034),
        source: "CoinDesk Dec 2021; The Block Jan 2023; MARA release Jan 2024; Jefferies Dec 2024; Dec 2025 report",
    },
    NamedFirm {
        name: "CleanSpark",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2021, 1.9), (2022, 6.0), (2023, 10.0), (2024, 39.1), (2025, 50.0)],
        power_usd_per_kwh: None,
        source: "Compass Jan 2022; company targets 2022; FY2023 report; Jefferies Dec 2024; 50 EH/s reached Jun 2025",
    },
    NamedFirm {
        name: "IREN",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2021, 0.75), (2022, 4.7), (2023, 5.6), (2024, 31.0), (2025, 50.0)],
        power_usd_per_kwh: Some(0.0242),
        source: "CoinDesk Dec 2021; guidance Sep 2022; IREN updates Dec 2023 and Dec 2024; 50 EH/s reached Jun 2025",
    },
    NamedFirm {
        name: "Riot",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2021, 3.1), (2022, 9.7), (2024, 31.5), (2025, 36.6)],
        power_usd_per_kwh: Some(0.034),
        source: "ROTH Q4 2021; FY2022 release; Riot update Dec 2024; Dec 2025 report",
    },
    NamedFirm {
        name: "Core Scientific",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2022, 15.7), (2023, 21.6), (2025, 19.3)],
        power_usd_per_kwh: None,
        source: "10-K 2022 (self-mining); Blockworks Nov 2023; Dec 2025 report",
    },
    NamedFirm {
        name: "Cipher",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2023, 7.2), (2025, 23.6)],
        power_usd_per_kwh: Some(0.027),
        source: "CoinDesk May 2023 (7.2 EH/s planned); Dec 2025 report",
    },
    NamedFirm {
        name: "Bitfarms",
        kind: OperatorKind::PublicMiner,
        year_end_ehs: &[(2021, 2.2), (2022, 4.5), (2023, 6.1)],
        power_usd_per_kwh: None,
        source: "Bitfarms FY2022 release; Sep 2023 update",
    },
    NamedFirm {
        name: "Bitdeer",
        kind: OperatorKind::Manufacturer,
        year_end_ehs: &[(2023, 6.7), (2025, 55.2)],
        power_usd_per_kwh: Some(0.04),
        source: "Compass Dec 2023 (proprietary); Bitdeer Dec 2025 (own mining, ~6% of the network)",
    },
];

/// How many firms the rest of each kind is (beyond its named firms), by
/// [`OperatorKind`]: an assumption where no census exists, with its reason.
/// Only the kinds whose firms are large enough to be among the half of the
/// hash rate matter to the coefficient (docs/VALIDATION.md gives its
/// sensitivity to these counts).
pub const TAIL_FIRMS: ByKind<f64> = ByKind::new([
    // Small private: home and small-farm miners, tens of thousands; each
    // holds too little to count towards half of the hash rate.
    50_000.0,
    // Large private: industrial firms and hosting companies not listed,
    // a few hundred (Hashrate Index's and TheMinerMag's trackers list ~100
    // named private firms; most farms are smaller).
    300.0,
    // Listed miners beyond the named ones: ~30 listed miners worldwide
    // (12 tracked by Blockspace held 188 EH/s in 2024).
    25.0, // Manufacturers' own mining beyond Bitdeer's: Bitmain and MicroBT (and
    // Canaan, 7.5 EH/s in 2025).
    3.0,
    // Stranded and state power: flare-gas operators, state miners (Bhutan,
    // Ethiopia, Iran, Paraguay's hydro sites), several dozen.
    50.0,
]);

/// Days after its last reported year-end that a firm keeps its last figure
/// (a run starting in 2026 still has the firms of December 2025).
pub const HELD_AFTER_LAST_DAYS: i64 = 548;

/// The year-end hash rate of `firm` interpolated to `date`, EH/s, from its
/// first reported year-end to [`HELD_AFTER_LAST_DAYS`] after its last.
pub fn hash_at(firm: &NamedFirm, date: NaiveDate) -> Option<f64> {
    let year_end = |year: i32| NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN);
    let points = firm.year_end_ehs;
    let (first, last) = (points.first()?, points.last()?);
    if date < year_end(first.0) || (date - year_end(last.0)).num_days() > HELD_AFTER_LAST_DAYS {
        return None;
    }
    if date >= year_end(last.0) {
        return Some(last.1);
    }
    points.windows(2).find(|w| date <= year_end(w[1].0)).map_or(Some(first.1), |w| {
        let (from, to) = (year_end(w[0].0), year_end(w[1].0));
        let t = (date - from).num_days() as f64 / (to - from).num_days().max(1) as f64;
        Some(w[0].1 + (w[1].1 - w[0].1) * t.clamp(0.0, 1.0))
    })
}

/// The named firms at `date`, with their hash rates, EH/s.
pub fn named_at(date: NaiveDate) -> Vec<(&'static NamedFirm, f64)> {
    NAMED_FIRMS.iter().filter_map(|firm| Some((firm, hash_at(firm, date)?))).collect()
}

/// The fewest firms holding more than half of `total` hash: the named firms'
/// hash (`named`, one firm each) and each kind's tail hash (`tail_hash`) in
/// pieces of that kind's firm size (`firm_size`; a kind with no size is one
/// holder), largest first. The last piece of a kind may be smaller.
pub fn nakamoto_resolved(named: &[f64], tail_hash: &ByKind<f64>, firm_size: &ByKind<f64>, total: f64) -> u32 {
    if total <= 0.0 {
        return 0;
    }
    // Holders of equal size: (size, how many).
    // Room for every holder at once: a kind's tail is at most two groups (counted daily).
    let mut groups: Vec<(f64, f64)> = Vec::with_capacity(named.len() + 2 * crate::operators::OperatorKind::ALL.len());
    groups.extend(named.iter().filter(|h| **h > 0.0).map(|&h| (h, 1.0)));
    for (&hash, &size) in tail_hash.values().zip(firm_size.values()) {
        if hash <= 0.0 {
            continue;
        }
        if size <= 0.0 || size >= hash {
            groups.push((hash, 1.0));
            continue;
        }
        let whole = (hash / size).floor();
        groups.push((size, whole));
        let rest = hash - whole * size;
        if rest > 1e-9 * hash {
            groups.push((rest, 1.0));
        }
    }
    groups.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let half = total / 2.0;
    let (mut sum, mut count) = (0.0, 0.0);
    for (size, n) in groups {
        if sum + size * n > half {
            let need = (((half - sum) / size).floor() + 1.0).min(n);
            return (count + need).min(f64::from(u32::MAX)) as u32;
        }
        sum += size * n;
        count += n;
    }
    count.min(f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::nakamoto_coefficient;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_firm_is_named_between_its_reported_year_ends() {
        let mara = &NAMED_FIRMS[0];
        assert_eq!(hash_at(mara, date(2021, 6, 30)), None, "before its first report");
        assert_eq!(hash_at(mara, date(2021, 12, 31)), Some(3.2));
        let mid = hash_at(mara, date(2025, 7, 2)).unwrap();
        assert!((mid - (53.2 + 60.4) / 2.0).abs() < 0.1, "{mid}");
        assert_eq!(hash_at(mara, date(2026, 6, 1)), Some(60.4), "its last figure held");
        assert_eq!(hash_at(mara, date(2027, 8, 1)), None, "long after its last report");
        let late_2025: Vec<&str> = named_at(date(2025, 11, 1)).iter().map(|(f, _)| f.name).collect();
        assert_eq!(late_2025, ["MARA", "CleanSpark", "IREN", "Riot", "Core Scientific", "Cipher", "Bitdeer"]);
        assert!(named_at(date(2019, 6, 1)).is_empty(), "no year-end reports before 2021");
    }

    /// Each tail split into its firms, counted by the plain coefficient.
    fn by_firms(named: &[f64], tail: &[f64; 5], size: &[f64; 5]) -> u32 {
        let mut holders = named.to_vec();
        for (hash, size) in tail.iter().zip(size) {
            let mut left = *hash;
            while left > 1e-12 {
                holders.push(size.min(left));
                left -= size;
            }
        }
        nakamoto_coefficient(&holders)
    }

    #[test]
    fn the_resolved_count_is_the_coefficient_of_the_firms_themselves() {
        let cases: [(&[f64], [f64; 5], [f64; 5]); 5] = [
            (&[60.0, 55.0, 48.0, 47.0, 36.0, 21.0, 19.0], [40.0, 420.0, 110.0, 90.0, 150.0], [0.001, 1.4, 4.4, 30.0, 3.0]),
            (&[], [10.0, 10.0, 10.0, 10.0, 10.0], [1.0, 2.0, 3.0, 4.0, 5.0]),
            (&[30.0], [10.0, 0.0, 0.0, 0.0, 5.0], [10.0, 1.0, 1.0, 1.0, 0.5]),
            (&[5.0, 4.0, 3.0], [7.0, 0.0, 2.5, 0.0, 0.0], [3.5, 0.0, 0.5, 0.0, 0.0]),
            (&[2.0, 2.0], [100.0, 0.0, 0.0, 0.0, 0.0], [0.3, 0.0, 0.0, 0.0, 0.0]),
        ];
        for (named, tail, size) in cases {
            let total = named.iter().sum::<f64>() + tail.iter().sum::<f64>();
            let (tail_by_kind, size_by_kind) = (ByKind::new(tail), ByKind::new(size));
            assert_eq!(
                nakamoto_resolved(named, &tail_by_kind, &size_by_kind, total),
                by_firms(named, &tail, &size),
                "{named:?} {tail:?} {size:?}"
            );
        }
        assert_eq!(nakamoto_resolved(&[], &ByKind::new([0.0; 5]), &ByKind::new([1.0; 5]), 0.0), 0);
        // A kind without a firm size is one holder.
        assert_eq!(nakamoto_resolved(&[1.0], &ByKind::new([0.0, 3.0, 0.0, 0.0, 0.0]), &ByKind::new([0.0; 5]), 4.0), 1);
    }
}
