//! Mining pools, their controllers, and how operators choose among them.
//!
//! The starting pools and shares are the month to 16 Nov 2025 (CALIBRATION.md).
//! Pools that share a controller (custody, block templates) form one entity:
//! block-template and custody studies group AntPool with Luxor, Binance Pool,
//! Braiins, BTC.com and several small pools ("AntPool and friends"). The
//! small members unlisted in the table carry 0.175% between them: the share
//! that makes CALIBRATION.md's grouped HHI (1,837) agree with its by-tag HHI
//! (1,523). The remaining ~7.3% ("others") are spread over small pools.

use serde::{Deserialize, Serialize};

/// One pool.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolInfo {
    /// The tag block explorers show.
    pub name: String,
    /// Who controls it (custody and templates); pools with one controller are one entity.
    pub controller: String,
    /// Fee charged to members, percent of revenue.
    pub fee_pct: f64,
    /// Share of hash rate it starts with, percent.
    pub start_share_pct: f64,
    /// The operator that runs it as its own pool, if any (by index).
    pub owner_operator: Option<u32>,
}

const ANTPOOL_GROUP: &str = "AntPool and friends";

/// (name, controller, fee %, share %): shares from CALIBRATION.md; fees are
/// an assumption near the 2-2.5% that FPPS pools charge (no pool is free, so
/// fee differences do not by themselves drive members to one pool).
const CALIBRATION_POOLS: &[(&str, &str, f64, f64)] = &[
    ("Foundry USA", "Foundry USA", 2.0, 28.83),
    ("AntPool", ANTPOOL_GROUP, 2.5, 18.10),
    ("F2Pool", "F2Pool", 2.5, 11.29),
    ("ViaBTC", "ViaBTC", 2.0, 10.93),
    ("SpiderPool", "SpiderPool", 2.0, 8.67),
    ("MARA Pool", "MARA Pool", 2.0, 4.28),
    ("Luxor", ANTPOOL_GROUP, 2.0, 3.35),
    ("Binance Pool", ANTPOOL_GROUP, 2.5, 2.46),
    ("SBI Crypto", "SBI Crypto", 2.0, 1.80),
    ("Ocean", "Ocean", 2.0, 1.21),
    ("Braiins", ANTPOOL_GROUP, 2.0, 1.16),
    ("BTC.com", ANTPOOL_GROUP, 2.0, 0.46),
    ("SecPool & co", ANTPOOL_GROUP, 2.0, 0.175),
];

/// How many small pools share the "others".
const OTHER_POOLS: usize = 8;

const BITMAIN: &str = "Bitmain (AntPool, BTC.com)";

/// A table of pools: (name, controller, fee %, share %), as [`CALIBRATION_POOLS`].
type PoolTable = &'static [(&'static str, &'static str, f64, f64)];

/// The pools of earlier eras, (from date, table) with the table as
/// [`CALIBRATION_POOLS`]; each holds until the next. Shares from the
/// snapshots in docs/CALIBRATION.md ("Pools of each era"): BTC.com the
/// largest through 2019 and Poolin level with it; F2Pool, Poolin, BTC.com and
/// AntPool over 59% in January 2020; Binance Pool from April 2020; F2Pool
/// ~2x AntPool in November 2020 and AntPool 13% -> 22% by May 2021; Foundry
/// 0.4% at the start of 2021 -> ~18% at its end; Foundry 31%, AntPool 22%,
/// F2Pool 14%, ViaBTC 9% at the end of 2022; Foundry 31%, AntPool 23%,
/// ViaBTC 14%, F2Pool 10% in 2024. AntPool and BTC.com were both Bitmain's
/// until BTC.com was sold in 2021; the "AntPool and friends" grouping of
/// block-template studies applies from 2024. From 2025 on: the calibration table.
const ERA_POOLS: &[(&str, PoolTable)] = &[
    (
        "2019-01-01",
        &[
            ("BTC.com", BITMAIN, 1.5, 18.0),
            ("F2Pool", "F2Pool", 2.5, 13.0),
            ("Poolin", "Poolin", 2.5, 12.0),
            ("AntPool", BITMAIN, 2.5, 12.0),
            ("BTC.TOP", "BTC.TOP", 2.0, 9.0),
            ("ViaBTC", "ViaBTC", 2.0, 8.0),
            ("SlushPool", "SlushPool", 2.0, 8.0),
            ("Huobi Pool", "Huobi", 2.5, 4.0),
        ],
    ),
    (
        "2020-01-01",
        &[
            ("F2Pool", "F2Pool", 2.5, 16.0),
            ("Poolin", "Poolin", 2.5, 16.0),
            ("BTC.com", BITMAIN, 1.5, 14.0),
            ("AntPool", BITMAIN, 2.5, 13.0),
            ("Huobi Pool", "Huobi", 2.5, 8.0),
            ("ViaBTC", "ViaBTC", 2.0, 7.0),
            ("OKExPool", "OKEx", 2.0, 5.0),
            ("SlushPool", "SlushPool", 2.0, 4.0),
            ("BTC.TOP", "BTC.TOP", 2.0, 3.0),
        ],
    ),
    (
        "2021-01-01",
        &[
            ("F2Pool", "F2Pool", 2.5, 18.0),
            ("Poolin", "Poolin", 2.5, 14.0),
            ("AntPool", BITMAIN, 2.5, 11.0),
            ("BTC.com", BITMAIN, 1.5, 11.0),
            ("Huobi Pool", "Huobi", 2.5, 9.0),
            ("Binance Pool", "Binance", 2.5, 8.0),
            ("ViaBTC", "ViaBTC", 2.0, 6.0),
            ("OKExPool", "OKEx", 2.0, 6.0),
            ("SlushPool", "SlushPool", 2.0, 4.0),
            ("Foundry USA", "Foundry USA", 2.0, 1.0),
        ],
    ),
    (
        "2021-07-01",
        &[
            ("F2Pool", "F2Pool", 2.5, 18.0),
            ("AntPool", "AntPool", 2.5, 16.0),
            ("Foundry USA", "Foundry USA", 2.0, 14.0),
            ("Binance Pool", "Binance", 2.5, 11.0),
            ("ViaBTC", "ViaBTC", 2.0, 10.0),
            ("Poolin", "Poolin", 2.5, 10.0),
            ("BTC.com", "BTC.com", 1.5, 5.0),
            ("SlushPool", "SlushPool", 2.0, 4.0),
            ("Luxor", "Luxor", 2.0, 2.0),
            ("SBI Crypto", "SBI Crypto", 2.0, 1.0),
        ],
    ),
    (
        "2022-01-01",
        &[
            ("Foundry USA", "Foundry USA", 2.0, 17.0),
            ("AntPool", "AntPool", 2.5, 17.0),
            ("F2Pool", "F2Pool", 2.5, 15.0),
            ("Poolin", "Poolin", 2.5, 12.0),
            ("ViaBTC", "ViaBTC", 2.0, 11.0),
            ("Binance Pool", "Binance", 2.5, 11.0),
            ("BTC.com", "BTC.com", 1.5, 4.0),
            ("SlushPool", "SlushPool", 2.0, 3.0),
            ("Luxor", "Luxor", 2.0, 3.0),
            ("SBI Crypto", "SBI Crypto", 2.0, 1.0),
        ],
    ),
    (
        "2023-01-01",
        &[
            ("Foundry USA", "Foundry USA", 2.0, 31.0),
            ("AntPool", "AntPool", 2.5, 22.0),
            ("F2Pool", "F2Pool", 2.5, 14.0),
            ("ViaBTC", "ViaBTC", 2.0, 9.0),
            ("Binance Pool", "Binance", 2.5, 9.0),
            ("Poolin", "Poolin", 2.5, 3.0),
            ("Braiins", "Braiins", 2.0, 3.0),
            ("Luxor", "Luxor", 2.0, 3.0),
            ("BTC.com", "BTC.com", 1.5, 2.0),
            ("SBI Crypto", "SBI Crypto", 2.0, 1.0),
            ("MARA Pool", "MARA Pool", 2.0, 1.0),
        ],
    ),
    (
        "2024-01-01",
        &[
            ("Foundry USA", "Foundry USA", 2.0, 30.0),
            ("AntPool", ANTPOOL_GROUP, 2.5, 24.0),
            ("ViaBTC", "ViaBTC", 2.0, 13.0),
            ("F2Pool", "F2Pool", 2.5, 11.0),
            ("Binance Pool", ANTPOOL_GROUP, 2.5, 5.0),
            ("MARA Pool", "MARA Pool", 2.0, 3.0),
            ("Luxor", ANTPOOL_GROUP, 2.0, 3.0),
            ("Braiins", ANTPOOL_GROUP, 2.0, 2.0),
            ("SpiderPool", "SpiderPool", 2.0, 2.0),
            ("SBI Crypto", "SBI Crypto", 2.0, 1.0),
            ("BTC.com", ANTPOOL_GROUP, 2.0, 1.0),
        ],
    ),
    ("2025-01-01", CALIBRATION_POOLS),
];

/// The starting pools: the calibration table plus small pools for the rest.
pub fn starting_pools() -> Vec<PoolInfo> {
    pools_from(CALIBRATION_POOLS)
}

/// The pools of the era `date` falls in (the first era's before 2019).
pub fn starting_pools_at(date: chrono::NaiveDate) -> Vec<PoolInfo> {
    let era = ERA_POOLS.partition_point(|(from, _)| from.parse::<chrono::NaiveDate>().is_ok_and(|from| from <= date)).max(1);
    pools_from(ERA_POOLS[era - 1].1)
}

fn pools_from(table: &[(&str, &str, f64, f64)]) -> Vec<PoolInfo> {
    let listed: f64 = table.iter().map(|p| p.3).sum();
    let mut pools: Vec<PoolInfo> = table
        .iter()
        .map(|&(name, controller, fee_pct, share)| PoolInfo {
            name: name.to_string(),
            controller: controller.to_string(),
            fee_pct,
            start_share_pct: share,
            owner_operator: None,
        })
        .collect();
    let rest = (100.0 - listed) / OTHER_POOLS as f64;
    for index in 0..OTHER_POOLS {
        let name = format!("Small pool {}", index + 1);
        pools.push(PoolInfo { name: name.clone(), controller: name, fee_pct: 2.0, start_share_pct: rest, owner_operator: None });
    }
    pools
}

/// The calibration shares in percent, each pool's entity index, and the entity count.
pub fn calibration_pool_shares_pct() -> (Vec<f64>, Vec<usize>, usize) {
    let shares: Vec<f64> = CALIBRATION_POOLS.iter().map(|p| p.3).collect();
    let (groups, count) = controller_groups(CALIBRATION_POOLS.iter().map(|p| p.1));
    (shares, groups, count)
}

/// Maps controllers to dense entity indices, in order of first appearance.
pub fn controller_groups<'a>(controllers: impl Iterator<Item = &'a str>) -> (Vec<usize>, usize) {
    let mut names: Vec<&str> = Vec::new();
    let groups = controllers
        .map(|c| match names.iter().position(|n| *n == c) {
            Some(i) => i,
            None => {
                names.push(c);
                names.len() - 1
            }
        })
        .collect();
    (groups, names.len())
}

/// The share of hash above which miners start to shun a pool: in June 2014
/// GHash.io neared 50% and miners left it within weeks, taking it below
/// 40% (MODEL.md section 8: "Pools have a counter-force").
pub const MAJORITY_CONCERN_SHARE: f64 = 0.40;
/// How far above [`MAJORITY_CONCERN_SHARE`] one unit of aversion divides a
/// pool's appeal by e (with aversion 1: /e at 45%, /e^2 at 50%).
pub const MAJORITY_AVERSION_SCALE: f64 = 0.05;
/// Extra chance per month, per unit of aversion and per point of share above
/// [`MAJORITY_CONCERN_SHARE`], that a member leaves such a pool
/// (with aversion 1: 10% a month at 45%, 20% at 50%).
pub const MAJORITY_LEAVE_PER_POINT: f64 = 0.02;

/// How much miners shun a pool with `share` of the hash rate: 1 below
/// [`MAJORITY_CONCERN_SHARE`], falling exponentially above it.
pub fn majority_penalty(share: f64, aversion: f64) -> f64 {
    let excess = (share - MAJORITY_CONCERN_SHARE).max(0.0);
    crate::math::exp(-aversion * excess / MAJORITY_AVERSION_SCALE)
}

/// The extra chance a month that a member leaves a pool with `share` of the hash rate.
pub fn majority_leave_chance(share: f64, aversion: f64) -> f64 {
    (aversion * MAJORITY_LEAVE_PER_POINT * (share - MAJORITY_CONCERN_SHARE).max(0.0) * 100.0).min(1.0)
}

/// Chance per month that an operator large enough (`own_pool_min_ehs`) starts its own pool.
pub const OWN_POOL_PER_MONTH: f64 = 0.05;

/// What an operator does about its pool in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolMove {
    /// Opens a pool of its own and mines there.
    OpenOwn,
    /// Leaves its pool for one chosen by [`choose_pool`]'s weights.
    Leave,
    /// Stays where it is.
    Stay,
}

/// An operator's pool move this month, from the uniform draw `u_switch`: one
/// whose kind may run a pool (`may_run_own_pool`), with a fleet of `fleet_ths`
/// at least `own_pool_ths` (above 0), opens its own with chance
/// [`OWN_POOL_PER_MONTH`]; otherwise a member of a pool with `pool_share` of
/// the hash leaves with chance `switch_share` plus [`majority_leave_chance`];
/// an owner of its pool stays.
#[allow(clippy::too_many_arguments)]
pub fn pool_move(
    may_run_own_pool: bool,
    owns_pool: bool,
    fleet_ths: f64,
    own_pool_ths: f64,
    pool_share: f64,
    switch_share: f64,
    majority_aversion: f64,
    u_switch: f64,
) -> PoolMove {
    if may_run_own_pool && !owns_pool && fleet_ths >= own_pool_ths && own_pool_ths > 0.0 && u_switch < OWN_POOL_PER_MONTH {
        return PoolMove::OpenOwn;
    }
    let leave = switch_share + majority_leave_chance(pool_share, majority_aversion);
    if owns_pool || u_switch >= leave {
        PoolMove::Stay
    } else {
        PoolMove::Leave
    }
}

/// Chooses a pool: probability in proportion to `(share + floor)^strength *
/// (1 - fee) * majority_penalty(share)`, where `share` is the pool's current
/// hash share; `strength` 0 makes every pool alike apart from fees and the
/// penalty. Pools owned by an operator are closed to others. `u` is a
/// uniform draw in [0, 1).
pub fn choose_pool(pools: &[PoolInfo], shares: &[f64], strength: f64, aversion: f64, u: f64, weights: &mut Vec<f64>) -> usize {
    let total = pool_weights(pools, shares, strength, aversion, weights);
    pick_pool(weights, total, u)
}

/// Each pool's weight in [`choose_pool`] (into `weights`), and their sum. A
/// month's pool choices all see the shares of its start, so the weights are
/// worked out once for all of them.
pub fn pool_weights(pools: &[PoolInfo], shares: &[f64], strength: f64, aversion: f64, weights: &mut Vec<f64>) -> f64 {
    const SHARE_FLOOR: f64 = 0.002;
    weights.clear();
    weights.extend(pools.iter().zip(shares).map(|(pool, &share)| {
        if pool.owner_operator.is_some() {
            0.0
        } else {
            crate::math::pow(share + SHARE_FLOOR, strength) * (1.0 - pool.fee_pct / 100.0) * majority_penalty(share, aversion)
        }
    }));
    weights.iter().sum()
}

/// The pool a uniform draw `u` in [0, 1) picks with `weights` (summing to `total`).
pub fn pick_pool(weights: &[f64], total: f64, u: f64) -> usize {
    let mut target = u * total;
    for (index, weight) in weights.iter().enumerate() {
        if target < *weight {
            return index;
        }
        target -= weight;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_moves_open_own_pools_keep_owners_and_drive_members_from_a_majority() {
        let member = |share, u| pool_move(true, false, 10.0, 100.0, share, 0.02, 1.0, u);
        // A small member of a small pool leaves with the base chance only.
        assert_eq!(member(0.1, 0.019), PoolMove::Leave);
        assert_eq!(member(0.1, 0.02), PoolMove::Stay);
        // Above the concern line, members leave more often.
        let extra = majority_leave_chance(0.55, 1.0);
        assert!(extra > 0.0);
        assert_eq!(member(0.55, 0.02 + extra - 1e-9), PoolMove::Leave);
        assert_eq!(member(0.55, 0.02 + extra), PoolMove::Stay);
        // Large enough: opens its own with chance OWN_POOL_PER_MONTH, else moves as a member.
        let large = |u| pool_move(true, false, 150.0, 100.0, 0.1, 0.02, 1.0, u);
        assert_eq!(large(OWN_POOL_PER_MONTH - 1e-9), PoolMove::OpenOwn);
        assert_eq!(large(OWN_POOL_PER_MONTH), PoolMove::Stay);
        assert_eq!(pool_move(false, false, 150.0, 100.0, 0.1, 0.02, 1.0, 0.0), PoolMove::Leave, "a kind that runs no pool");
        assert_eq!(pool_move(true, false, 150.0, 0.0, 0.1, 0.02, 1.0, 0.0), PoolMove::Leave, "no own pools in the scenario");
        // An owner stays, whatever its pool's share and the draw.
        assert_eq!(pool_move(true, true, 150.0, 100.0, 0.6, 0.02, 1.0, 0.0), PoolMove::Stay);
    }

    #[test]
    fn every_era_has_its_pools_summing_to_100_percent() {
        let at = |d: &str| starting_pools_at(d.parse().unwrap());
        assert_eq!(at("2025-11-01"), starting_pools());
        assert_eq!(at("2019-06-01")[0].name, "BTC.com");
        assert_eq!(at("2018-01-01")[0].name, "BTC.com");
        assert!(at("2020-12-31").iter().all(|p| p.name != "Foundry USA"));
        assert_eq!(at("2023-03-01")[0].name, "Foundry USA");
        for (from, table) in ERA_POOLS {
            let total: f64 = pools_from(table).iter().map(|p| p.start_share_pct).sum();
            assert!((total - 100.0).abs() < 1e-9, "{from}");
        }
    }

    #[test]
    fn starting_pools_sum_to_100_percent() {
        let pools = starting_pools();
        let total: f64 = pools.iter().map(|p| p.start_share_pct).sum();
        assert!((total - 100.0).abs() < 1e-9);
        let (groups, count) = controller_groups(pools.iter().map(|p| p.controller.as_str()));
        assert_eq!(groups[1], groups[6], "AntPool and Luxor share a controller");
        assert!(count < pools.len());
    }

    #[test]
    fn choice_follows_share_when_strength_is_high() {
        let pools = starting_pools();
        let shares: Vec<f64> = pools.iter().map(|p| p.start_share_pct / 100.0).collect();
        let mut weights = Vec::new();
        let mut counts = vec![0usize; pools.len()];
        for i in 0..10_000 {
            counts[choose_pool(&pools, &shares, 3.0, 1.0, i as f64 / 10_000.0, &mut weights)] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[2]);
        let mut flat = vec![0usize; pools.len()];
        for i in 0..10_000 {
            flat[choose_pool(&pools, &shares, 0.0, 1.0, i as f64 / 10_000.0, &mut weights)] += 1;
        }
        assert!(flat.iter().all(|c| *c > 300), "{flat:?}");
    }

    #[test]
    fn miners_shun_a_pool_nearing_half_the_hash_rate() {
        assert_eq!(majority_penalty(0.30, 1.0), 1.0);
        assert!((majority_penalty(0.45, 1.0) - (-1.0f64).exp()).abs() < 1e-12);
        assert!((majority_penalty(0.50, 1.0) - (-2.0f64).exp()).abs() < 1e-12);
        assert_eq!(majority_penalty(0.50, 0.0), 1.0, "no aversion, no penalty");
        assert!((majority_leave_chance(0.45, 1.0) - 0.10).abs() < 1e-12);
        assert_eq!(majority_leave_chance(0.39, 1.0), 0.0);
        // A 48% pool draws fewer newcomers than its share would with strength 1.
        let pools = starting_pools();
        let mut shares = vec![0.52 / (pools.len() - 1) as f64; pools.len()];
        shares[0] = 0.48;
        let mut weights = Vec::new();
        let picks = (0..10_000).filter(|i| choose_pool(&pools, &shares, 1.0, 1.0, *i as f64 / 10_000.0, &mut weights) == 0).count();
        assert!(picks < 2_500, "{picks}");
    }
}
