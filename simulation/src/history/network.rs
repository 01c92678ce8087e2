//! The network at any date since 2019: which machines were installed and in
//! what mix, who ran them, and the chain's state that day. Every figure is
//! cited in `docs/CALIBRATION.md` ("The network at any date"); the chain's
//! height, difficulty, price and fees come from the observed data
//! ([`super::observed`]).
//!
//! The same rules build every date: the fleet by generation is interpolated
//! between dated anchors (the last, October 2025, is the kinds' calibrated
//! late-2025 mixes of [`crate::operators::KindProfile::fleet_mix`]); each
//! kind's fleet leans older or newer than the network's by one exponent per
//! kind; the kinds' weights follow the public miners' rise; the installed
//! hash is sized so that what runs at the day's hashprice equals the
//! observed hash rate.

use super::{observed, table_date};
use crate::error::ScenarioError;
use crate::hardware::Generation;
use crate::operators::OperatorKind;
use crate::scenario::Scenario;
use chrono::NaiveDate;

/// Dated anchors of the installed fleet: each generation's share of the
/// network's installed hash (`docs/CALIBRATION.md`, "Fleet by generation").
/// Between anchors the shares are interpolated linearly in time. From the
/// last anchor on, each kind starts from its calibrated late-2025 mix.
pub const FLEET_ANCHORS: &[(&str, &[(&str, f64)])] = &[
    ("2019-01-01", &[("Antminer S9", 1.0)]),
    ("2020-01-01", &[("Antminer S9", 0.50), ("Antminer S17", 0.50)]),
    ("2021-01-01", &[("Antminer S9", 0.22), ("Antminer S17", 0.38), ("Whatsminer M30S", 0.15), ("Antminer S19", 0.25)]),
    (
        "2022-01-01",
        &[("Antminer S9", 0.08), ("Antminer S17", 0.25), ("Whatsminer M30S", 0.17), ("Antminer S19", 0.30), ("Antminer S19j Pro", 0.20)],
    ),
    (
        "2023-01-01",
        &[
            ("Antminer S9", 0.03),
            ("Antminer S17", 0.15),
            ("Whatsminer M30S", 0.14),
            ("Antminer S19", 0.30),
            ("Antminer S19j Pro", 0.26),
            ("Antminer S19 XP", 0.12),
        ],
    ),
    (
        "2024-01-01",
        &[
            ("Antminer S17", 0.06),
            ("Whatsminer M30S", 0.10),
            ("Antminer S19", 0.26),
            ("Antminer S19j Pro", 0.30),
            ("Antminer S19 XP", 0.18),
            ("Whatsminer M60S", 0.10),
        ],
    ),
    (
        "2025-01-01",
        &[
            ("Antminer S9", 0.01),
            ("Antminer S17", 0.02),
            ("Whatsminer M30S", 0.05),
            ("Antminer S19", 0.20),
            ("Antminer S19j Pro", 0.28),
            ("Antminer S19 XP", 0.19),
            ("Whatsminer M60S", 0.07),
            ("Antminer S21", 0.11),
            ("Antminer S21 Pro", 0.05),
            ("Antminer S21+", 0.01),
            ("SEALMINER A2", 0.005),
            ("Antminer S21 XP", 0.005),
        ],
    ),
];

/// From this date on, every kind starts from its calibrated late-2025 mix.
pub const LATE_2025_ANCHOR: &str = "2025-10-01";

/// How much older (positive) or newer (negative) each kind's fleet is than
/// the network's at an anchor: its weight on a generation is multiplied by
/// `(J/TH / network mean J/TH)^tilt`. Chosen so that the kinds' fleet means
/// relative to the network's hold as in the late-2025 mixes (small miners
/// ~1.35x the network's J/TH, public miners ~0.85x).
pub fn fleet_tilt(kind: OperatorKind) -> f64 {
    match kind {
        OperatorKind::SmallPrivate => 1.0,
        OperatorKind::LargePrivate => 0.0,
        OperatorKind::PublicMiner => -0.6,
        OperatorKind::Manufacturer => -0.8,
        OperatorKind::Stranded => 0.8,
    }
}

/// The network's share of installed hash by generation (indexed like
/// `generations`) at a dated anchor.
fn anchor_shares(anchor: &[(&str, f64)], generations: &[Generation]) -> Vec<f64> {
    let mut shares = vec![0.0; generations.len()];
    for (name, share) in anchor {
        if let Some(index) = generations.iter().position(|g| g.name == *name) {
            shares[index] += share;
        }
    }
    shares
}

/// A kind's late-2025 mix, indexed like `generations`.
fn late_2025_mix(kind: OperatorKind, generations: &[Generation]) -> Vec<f64> {
    anchor_shares(kind.profile().fleet_mix, generations)
}

/// A kind's mix at an earlier anchor: the network's shares leaned by the kind's tilt.
fn tilted(network: &[f64], kind: OperatorKind, generations: &[Generation]) -> Vec<f64> {
    let total: f64 = network.iter().sum();
    let mean_j: f64 = network.iter().zip(generations).map(|(s, g)| s * g.j_per_th).sum::<f64>() / total.max(1e-12);
    let tilt = fleet_tilt(kind);
    let mut mix: Vec<f64> = network
        .iter()
        .zip(generations)
        .map(|(s, g)| if *s > 0.0 { s * crate::math::pow(g.j_per_th / mean_j, tilt) } else { 0.0 })
        .collect();
    let sum: f64 = mix.iter().sum();
    mix.iter_mut().for_each(|m| *m /= sum.max(1e-12));
    mix
}

/// The starting fleet of `kind` on `date`: its share of hash by generation
/// (indexed like `generations`, summing to 1). Before the first anchor, the
/// first anchor's mix.
pub fn kind_fleet_mix(kind: OperatorKind, date: NaiveDate, generations: &[Generation]) -> Vec<f64> {
    let late = table_date(LATE_2025_ANCHOR);
    if date >= late {
        return late_2025_mix(kind, generations);
    }
    let mix_at = |index: usize| tilted(&anchor_shares(FLEET_ANCHORS[index].1, generations), kind, generations);
    let dates: Vec<NaiveDate> = FLEET_ANCHORS.iter().map(|a| table_date(a.0)).chain(std::iter::once(late)).collect();
    let next = dates.partition_point(|d| *d <= date);
    if next == 0 {
        return mix_at(0);
    }
    let (a, b) = (dates[next - 1], dates[next]);
    let t = (date - a).num_days() as f64 / (b - a).num_days() as f64;
    let from = mix_at(next - 1);
    let to = if next == FLEET_ANCHORS.len() { late_2025_mix(kind, generations) } else { mix_at(next) };
    // Nothing is installed before its release: a generation the next anchor
    // holds enters the mix from its release date on.
    let mut mix: Vec<f64> =
        from.iter().zip(&to).zip(generations).map(|((x, y), g)| if g.release <= date { x * (1.0 - t) + y * t } else { 0.0 }).collect();
    let sum: f64 = mix.iter().sum();
    mix.iter_mut().for_each(|m| *m /= sum.max(1e-12));
    mix
}

/// The public listed miners' share of hash (percent) at dated anchors
/// (`docs/CALIBRATION.md`: Arcane 3% Jan 2021 -> 19% Mar 2022; Hashrate Index
/// 17% Jan 2022 -> 27% Q3 2023; 22% end 2023 -> 30% end 2024).
pub const PUBLIC_MINER_PCT: &[(&str, f64)] =
    &[("2019-01-01", 1.0), ("2021-01-01", 3.0), ("2022-01-01", 17.0), ("2023-01-01", 22.0), ("2024-01-01", 22.0), ("2025-01-01", 30.0)];

/// The public listed miners' share of hash on `date`, percent (linear between anchors, flat outside).
pub fn public_miner_pct(date: NaiveDate) -> f64 {
    let next = PUBLIC_MINER_PCT.partition_point(|(d, _)| table_date(d) <= date);
    if next == 0 {
        return PUBLIC_MINER_PCT[0].1;
    }
    if next == PUBLIC_MINER_PCT.len() {
        return PUBLIC_MINER_PCT[next - 1].1;
    }
    let (a, b) = (PUBLIC_MINER_PCT[next - 1], PUBLIC_MINER_PCT[next]);
    let (da, db) = (table_date(a.0), table_date(b.0));
    let t = (date - da).num_days() as f64 / (db - da).num_days() as f64;
    a.1 * (1.0 - t) + b.1 * t
}

/// Manufacturers' monthly output as a share of the network's hash rate, at
/// least: the default's 25 EH/s a month against ~1,100 EH/s in late 2025.
pub const PRODUCTION_SHARE_PER_MONTH: f64 = 25.0 / 1_100.0;

/// Days over which the hash rate is averaged at each end of the year the
/// factories' output is read from (see [`factory_output_ehs_per_month`]).
const ABSORBED_MEAN_DAYS: usize = 30;

/// The hash rate on 1 January 2018, a year before the data's first day, EH/s:
/// 15.04 EH/s (btcwires), "about 15 EH/s on January 1 2018" (CoinCodex),
/// "15 exahash/s at the beginning of 2018" (bitcoinnews.com, from
/// blockchain.com); docs/CALIBRATION.md, "The network at any date".
pub const HASH_RATE_2018_START_EHS: f64 = 15.0;

/// The network's hash rate a year before the observed day `index`, EH/s: the
/// data's 30-day mean there, or within the data's first year, between
/// [`HASH_RATE_2018_START_EHS`] and the data's first day, in proportion to the days.
fn hash_rate_a_year_before_ehs(index: usize) -> f64 {
    match index.checked_sub(365) {
        Some(year_ago) => observed::trailing_mean(year_ago, ABSORBED_MEAN_DAYS, |d| d.hashrate_ehs),
        None => {
            let first = observed::days()[0].hashrate_ehs;
            HASH_RATE_2018_START_EHS + (first - HASH_RATE_2018_START_EHS) * index as f64 / 365.0
        }
    }
}

/// The factories' monthly output at the observed day `index`, EH/s: what the
/// network absorbed over the year before (its growth, 30-day means at each
/// end, a twelfth a month) plus what replaces its machines that wear out
/// (`machine_wear_pct_per_year` of its hash rate), and never less than
/// [`PRODUCTION_SHARE_PER_MONTH`] of its hash rate `hash_ehs`. The factories that supplied a year's growth
/// are there the next year (2023 was supplied by lines built in 2021; a
/// window's queue starts empty). Within the data's first year, the year
/// before starts from the documented hash rate of 1 January 2018.
pub fn factory_output_ehs_per_month(index: usize, hash_ehs: f64) -> f64 {
    let floor = hash_ehs * PRODUCTION_SHARE_PER_MONTH;
    let then = hash_rate_a_year_before_ehs(index);
    let now = observed::trailing_mean(index, ABSORBED_MEAN_DAYS, |d| d.hashrate_ehs);
    let worn_per_month = now * Scenario::default().machine_wear_pct_per_year / 100.0 / 12.0;
    ((now - then) / 12.0 + worn_per_month).max(floor)
}

/// The days of trailing observed data the start is sized on (a week, as the
/// network's own estimate from blocks).
pub const START_MEAN_DAYS: usize = 7;

/// The scenario that starts on `date` with the network as it stood: the
/// chain's height, difficulty, price and fees that day from the data; the
/// fleet, kinds and pools of that era; the installed hash sized so that what
/// runs equals the observed 7-day mean hash rate; manufacturers' output as
/// [`factory_output_ehs_per_month`]. Every other field is the
/// default. Dates outside the data are an error naming `start_date`.
pub fn network_at(date: NaiveDate) -> Result<Scenario, ScenarioError> {
    // Sizing draws the starting population twice: the presets and the back-test ask for
    // the same few dates again and again (every page lists the history presets), so each
    // date's network is worked out once.
    static KNOWN: std::sync::OnceLock<std::sync::Mutex<std::collections::BTreeMap<NaiveDate, Scenario>>> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    if let Some(scenario) = known.lock().ok().and_then(|known| known.get(&date).cloned()) {
        return Ok(scenario);
    }
    let scenario = size_network_at(date)?;
    if let Ok(mut known) = known.lock() {
        known.insert(date, scenario.clone());
    }
    Ok(scenario)
}

/// [`network_at`], worked out.
fn size_network_at(date: NaiveDate) -> Result<Scenario, ScenarioError> {
    let (first, last) = observed::span();
    let index = observed::index_of(date).ok_or_else(|| {
        ScenarioError::new("start_date", format!("{date} is outside the observed history"), format!("a date from {first} to {last}"))
    })?;
    let day = observed::days()[index];
    let hash_ehs = observed::trailing_mean(index, START_MEAN_DAYS, |d| d.hashrate_ehs);
    let fee_btc_per_block = observed::trailing_mean(index, START_MEAN_DAYS, |d| d.fees_btc) / 144.0;
    let public = public_miner_pct(date);
    let defaults = Scenario::default();
    let fixed = defaults.mix_small_private + defaults.mix_manufacturer + defaults.mix_stranded;
    let mut scenario = Scenario {
        start_date: date,
        start_height: observed::height_at_start_of(date).expect("observed"),
        start_difficulty_t: day.difficulty_t,
        start_price_usd: day.price_usd,
        fee_btc_per_block,
        mix_public_miner: public,
        mix_large_private: (100.0 - fixed - public).max(0.0),
        manufacturer_production_ehs_per_month: factory_output_ehs_per_month(index, hash_ehs),
        // No list price is on record for every date: a window starts at the markup of a market without a queue.
        asic_start_markup: defaults.asic_markup_floor,
        ..defaults
    };
    // What runs of the installed hash on the first day, measured on the
    // starting population itself (its power prices are drawn to survive the
    // day's hashprice, `engine::Sim::populate`): twice, as the named firms'
    // hash is fixed while the rest scales.
    scenario.start_hashrate_ehs = hash_ehs;
    for _ in 0..2 {
        let share = crate::starting_running_share(&scenario).max(0.05);
        scenario.start_hashrate_ehs = (hash_ehs / share).max(hash_ehs);
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_name_catalogue_generations_released_by_their_date_and_sum_to_one() {
        let catalogue = crate::hardware::catalogue();
        for (when, shares) in FLEET_ANCHORS {
            let sum: f64 = shares.iter().map(|s| s.1).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{when}: {sum}");
            for (name, _) in *shares {
                let g = catalogue.iter().find(|g| g.name == *name).unwrap_or_else(|| panic!("{name}"));
                assert!(g.release <= table_date(when), "{name} at {when}");
            }
        }
    }

    #[test]
    fn kind_mixes_are_continuous_sum_to_one_and_lean_as_stated() {
        let catalogue = crate::hardware::catalogue();
        let mean_j = |mix: &[f64]| mix.iter().zip(&catalogue).map(|(m, g)| m * g.j_per_th).sum::<f64>();
        for kind in OperatorKind::ALL {
            for d in ["2018-06-01", "2019-01-01", "2020-03-01", "2020-07-01", "2022-03-15", "2025-09-30", "2025-10-01", "2026-01-01"] {
                let mix = kind_fleet_mix(kind, table_date(d), &catalogue);
                assert!((mix.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{kind:?} {d}");
                // Nothing installed before its release.
                for (m, g) in mix.iter().zip(&catalogue) {
                    assert!(*m == 0.0 || g.release <= table_date(d) || d < "2019-01-01", "{kind:?} {d} {}", g.name);
                }
            }
            // Continuous into the late-2025 anchor.
            let before = mean_j(&kind_fleet_mix(kind, table_date("2025-09-30"), &catalogue));
            let at = mean_j(&kind_fleet_mix(kind, table_date("2025-10-01"), &catalogue));
            assert!((before / at - 1.0).abs() < 0.01, "{kind:?}: {before} -> {at}");
        }
        let small = mean_j(&kind_fleet_mix(OperatorKind::SmallPrivate, table_date("2022-01-01"), &catalogue));
        let public = mean_j(&kind_fleet_mix(OperatorKind::PublicMiner, table_date("2022-01-01"), &catalogue));
        assert!(small > 1.15 * public, "{small} {public}");
        // The network mean falls as new generations arrive: ~98 J/TH in 2019.
        let network_2019 = mean_j(&anchor_shares(FLEET_ANCHORS[0].1, &catalogue));
        let network_2023 = mean_j(&anchor_shares(FLEET_ANCHORS[4].1, &catalogue));
        assert!(network_2019 > 90.0 && (30.0..40.0).contains(&network_2023), "{network_2019} {network_2023}");
    }

    #[test]
    fn factories_start_from_the_year_before_even_in_the_datas_first_year() {
        let wear = Scenario::default().machine_wear_pct_per_year / 100.0 / 12.0;
        // 1 January 2019: from 15 EH/s a year before to the day's 41.6 EH/s, a twelfth a month, plus wear.
        let first = observed::days()[0].hashrate_ehs;
        let expected = (first - HASH_RATE_2018_START_EHS) / 12.0 + first * wear;
        assert!((factory_output_ehs_per_month(0, first) - expected).abs() < 1e-9, "{}", factory_output_ehs_per_month(0, first));
        assert!(expected > first * PRODUCTION_SHARE_PER_MONTH, "more than the floor");
        // The year before joins the data's own a year on.
        assert!((hash_rate_a_year_before_ehs(364) - hash_rate_a_year_before_ehs(365)).abs() < 0.2);
        assert!(hash_rate_a_year_before_ehs(182) > HASH_RATE_2018_START_EHS && hash_rate_a_year_before_ehs(182) < first);
    }

    #[test]
    fn public_miners_rise_from_2021() {
        assert_eq!(public_miner_pct(table_date("2018-01-01")), 1.0);
        assert!((public_miner_pct(table_date("2021-07-02")) - 10.0).abs() < 0.2);
        assert_eq!(public_miner_pct(table_date("2026-01-01")), 30.0);
    }

    #[test]
    fn the_network_of_a_date_takes_the_chain_from_the_data() {
        let s = network_at(table_date("2022-01-01")).unwrap();
        assert_eq!(s.start_difficulty_t, observed::on(table_date("2022-01-01")).unwrap().difficulty_t);
        assert_eq!(s.start_height, observed::height_at_start_of(table_date("2022-01-01")).unwrap());
        assert!(s.start_hashrate_ehs > 170.0, "installed covers the running {}", s.start_hashrate_ehs);
        s.validate().unwrap();
        let error = network_at(table_date("2018-12-31")).unwrap_err();
        assert_eq!(error.field, "start_date");
    }
}
