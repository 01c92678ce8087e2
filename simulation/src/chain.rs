//! The protocol, exactly as Bitcoin Core computes it.
//!
//! - Subsidy: `5_000_000_000 >> (height / 210_000)` satoshis, zero from the
//!   64th halving on (Core's `GetBlockSubsidy`).
//! - Retarget: every 2016 blocks, `D' = D * 1_209_600 / T`, where `T` is the
//!   time between the first and the last block of the window. Core measures
//!   that span over **2015 intervals** (from block `h - 2015` to block `h`, the
//!   off-by-one of the original client), not 2016; we do the same. `T` is
//!   clamped to `[302_400, 4_838_400]` s, so one adjustment moves difficulty by
//!   at most a factor of 4 either way (`CalculateNextWorkRequired`).
//!
//! Difficulty is held as an `f64` multiple of the minimum difficulty; Core's
//! 256-bit target and its compact-bits rounding (a relative error below 2^-23)
//! are not reproduced. Timestamps are whole seconds, as in block headers.

/// Blocks between difficulty adjustments.
pub const RETARGET_INTERVAL_BLOCKS: u64 = 2016;
/// Two weeks: the time a window should take, in seconds.
pub const TARGET_TIMESPAN_S: i64 = 1_209_600;
/// The smallest timespan the rule accepts (a quarter of the target).
pub const MIN_TIMESPAN_S: i64 = TARGET_TIMESPAN_S / 4;
/// The largest timespan the rule accepts (four times the target).
pub const MAX_TIMESPAN_S: i64 = TARGET_TIMESPAN_S * 4;
/// Target seconds between blocks.
pub const TARGET_BLOCK_INTERVAL_S: f64 = 600.0;
/// Blocks between halvings.
pub const HALVING_INTERVAL_BLOCKS: u64 = 210_000;
/// Satoshis in one bitcoin.
pub const SATS_PER_BTC: u64 = 100_000_000;
/// Hashes per unit of difficulty: the expected work of one block is `D * 2^32`.
pub const HASHES_PER_DIFFICULTY: f64 = 4_294_967_296.0;

/// The block subsidy at `height`, in satoshis.
pub fn subsidy_sats(height: u64) -> u64 {
    let halvings = height / HALVING_INTERVAL_BLOCKS;
    if halvings >= 64 {
        return 0;
    }
    (50 * SATS_PER_BTC) >> halvings
}

/// Coins issued by blocks `0..=height` (the genesis block's subsidy included,
/// though it is unspendable), in satoshis.
pub fn supply_sats(height: u64) -> u64 {
    let mut total = 0u64;
    let mut era_start = 0u64;
    while era_start <= height {
        let era_end = (era_start + HALVING_INTERVAL_BLOCKS - 1).min(height);
        let subsidy = subsidy_sats(era_start);
        if subsidy == 0 {
            break;
        }
        total += subsidy * (era_end - era_start + 1);
        era_start += HALVING_INTERVAL_BLOCKS;
    }
    total
}

/// Coins issued by the blocks `from..=to`, in satoshis.
pub fn issued_between_sats(from: u64, to: u64) -> u64 {
    if to < from {
        return 0;
    }
    let before = if from == 0 { 0 } else { supply_sats(from - 1) };
    supply_sats(to) - before
}

/// Whether the block after `height` starts a new difficulty window, i.e.
/// whether mining `height` completes a window and triggers a retarget.
#[inline]
pub fn completes_window(height: u64) -> bool {
    (height + 1) % RETARGET_INTERVAL_BLOCKS == 0
}

/// The timespan Core uses after clamping, in seconds.
pub fn clamped_timespan_s(actual_timespan_s: i64) -> i64 {
    actual_timespan_s.clamp(MIN_TIMESPAN_S, MAX_TIMESPAN_S)
}

/// The next difficulty, given the current one and the window's actual timespan
/// (last block's time minus the first block's time: 2015 intervals).
/// Never below 1, the minimum difficulty.
pub fn next_difficulty(difficulty: f64, actual_timespan_s: i64) -> f64 {
    let timespan = clamped_timespan_s(actual_timespan_s) as f64;
    (difficulty * TARGET_TIMESPAN_S as f64 / timespan).max(1.0)
}

/// The hash rate (H/s) at which blocks come every 600 s on average at `difficulty`.
pub fn hashrate_for_difficulty_hs(difficulty: f64) -> f64 {
    difficulty * HASHES_PER_DIFFICULTY / TARGET_BLOCK_INTERVAL_S
}

/// Hashprice in USD per PH/s per day:
/// `(subsidy + fees) * price * 86_400 * 1e15 / (D * 2^32)`.
pub fn hashprice_usd_per_ph_day(reward_btc_per_block: f64, price_usd: f64, difficulty: f64) -> f64 {
    reward_btc_per_block * price_usd * 86_400.0 * 1e15 / (difficulty * HASHES_PER_DIFFICULTY)
}

/// One difficulty adjustment, as the daily output reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Retarget {
    /// Height of the last block of the window (the new difficulty applies from the next).
    pub height: u64,
    /// Simulation day on which it happened (0-based).
    pub day: u32,
    /// Calendar date (ISO 8601).
    pub date: String,
    /// Difficulty before, in T (1e12).
    pub old_difficulty_t: f64,
    /// Difficulty after, in T (1e12).
    pub new_difficulty_t: f64,
    /// The change, in percent.
    pub change_pct: f64,
    /// The window's measured timespan over 2015 intervals, in seconds, before clamping.
    pub timespan_s: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsidy_schedule_halves_and_reaches_zero() {
        assert_eq!(subsidy_sats(0), 5_000_000_000);
        assert_eq!(subsidy_sats(209_999), 5_000_000_000);
        assert_eq!(subsidy_sats(210_000), 2_500_000_000);
        assert_eq!(subsidy_sats(840_000), 312_500_000);
        assert_eq!(subsidy_sats(1_049_999), 312_500_000);
        assert_eq!(subsidy_sats(1_050_000), 156_250_000);
        // 5e9 >> 33 is 0: the last satoshi of subsidy is paid in era 32.
        assert_eq!(subsidy_sats(32 * 210_000), 1);
        assert_eq!(subsidy_sats(33 * 210_000), 0);
        assert_eq!(subsidy_sats(64 * 210_000), 0);
        assert_eq!(subsidy_sats(u64::MAX), 0);
    }

    #[test]
    fn total_supply_is_just_under_21_million() {
        let total = supply_sats(100 * 210_000);
        // The well-known total: 20,999,999.9769 BTC.
        assert_eq!(total, 2_099_999_997_690_000);
        assert_eq!(issued_between_sats(840_000, 840_009), 10 * 312_500_000);
        assert_eq!(issued_between_sats(5, 4), 0);
    }

    #[test]
    fn retarget_is_proportional_inside_the_clamp() {
        // A window that took 10% longer than two weeks lowers difficulty by 1/1.1.
        let d = next_difficulty(150e12, 1_330_560);
        assert!((d - 150e12 / 1.1).abs() / d < 1e-12);
        assert_eq!(next_difficulty(100.0, TARGET_TIMESPAN_S), 100.0);
    }

    #[test]
    fn retarget_clamps_at_both_bounds() {
        assert_eq!(next_difficulty(100.0, 1), 400.0);
        assert_eq!(next_difficulty(100.0, MIN_TIMESPAN_S), 400.0);
        assert_eq!(next_difficulty(100.0, 100 * TARGET_TIMESPAN_S), 25.0);
        assert_eq!(next_difficulty(100.0, MAX_TIMESPAN_S), 25.0);
        assert_eq!(next_difficulty(100.0, -5), 400.0);
        assert_eq!(next_difficulty(2.0, MAX_TIMESPAN_S), 1.0);
    }

    #[test]
    fn windows_close_on_heights_one_before_a_multiple_of_2016() {
        assert!(completes_window(2015));
        assert!(!completes_window(2016));
        assert!(completes_window(925_343));
    }

    #[test]
    fn hashprice_matches_the_calibration_formula() {
        // 3.15 BTC, $110,000, 155 T -> about $44.97 per PH/s per day.
        let hp = hashprice_usd_per_ph_day(3.15, 110_000.0, 155e12);
        assert!((hp - 44.97).abs() < 0.05, "{hp}");
    }
}
