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

/// The time of the next block after `now_s`, or `None` if it would come at
/// or after `horizon_s` (when the hash rate may change). Block gaps are
/// exponential with rate `rate_per_s = H / (D * 2^32)`; `exp1_draw` is an
/// exponential draw with mean 1. Because the process is memoryless, the wait
/// left over at the horizon can be dropped and drawn afresh at the new rate.
pub fn next_block_time_s(now_s: f64, horizon_s: f64, rate_per_s: f64, exp1_draw: f64) -> Option<f64> {
    if rate_per_s <= 0.0 {
        return None;
    }
    let time = now_s + exp1_draw / rate_per_s;
    (time < horizon_s).then_some(time)
}

/// The current difficulty window: remembers when its first block came and
/// retargets when its last block comes.
#[derive(Debug, Clone)]
pub struct DifficultyWindow {
    first_block_time_s: f64,
}

impl DifficultyWindow {
    /// The window containing the tip at `tip_height`, mined at `tip_time_s`,
    /// assuming the window's earlier blocks came every 600 s (the run's start
    /// knows only the tip).
    pub fn at_tip(tip_height: u64, tip_time_s: f64) -> Self {
        let blocks_into_window = tip_height % RETARGET_INTERVAL_BLOCKS;
        Self { first_block_time_s: tip_time_s - blocks_into_window as f64 * TARGET_BLOCK_INTERVAL_S }
    }

    /// Records the block at `height`, mined at `time_s` (seconds). When it is
    /// the last of its window, returns the new difficulty and the window's
    /// timespan in whole seconds: from the window's first block to this one,
    /// 2015 intervals, as Core measures it.
    pub fn on_block(&mut self, height: u64, time_s: f64, difficulty: f64) -> Option<(f64, i64)> {
        if height % RETARGET_INTERVAL_BLOCKS == 0 {
            self.first_block_time_s = time_s;
        }
        if !completes_window(height) {
            return None;
        }
        let timespan_s = libm::floor(time_s) as i64 - libm::floor(self.first_block_time_s) as i64;
        Some((next_difficulty(difficulty, timespan_s), timespan_s))
    }
}

/// One difficulty adjustment, as the daily output reports it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    fn the_window_measures_2015_intervals() {
        // Blocks 2016..=4031 exactly 600 s apart: the window spans 2015 * 600 s,
        // so difficulty rises by 1_209_600 / 1_209_000 (Core's off-by-one).
        let mut window = DifficultyWindow::at_tip(2015, 0.0);
        let mut result = None;
        for height in 2016..=4031u64 {
            let time = (height - 2016) as f64 * 600.0 + 1_000.0;
            let step = window.on_block(height, time, 1_000.0);
            assert_eq!(step.is_some(), height == 4031, "height {height}");
            result = step.or(result);
        }
        let (difficulty, timespan) = result.unwrap();
        assert_eq!(timespan, 2015 * 600);
        assert!((difficulty - 1_000.0 * 1_209_600.0 / 1_209_000.0).abs() < 1e-9);
    }

    #[test]
    fn a_window_started_before_the_run_assumes_600_s_blocks() {
        // Tip 100 blocks into its window at time 0: the first block came 60,000 s earlier.
        let mut window = DifficultyWindow::at_tip(4032 + 100, 0.0);
        let last = 4032 + 2015;
        let (_, timespan) = (4032 + 101..=last).find_map(|h| window.on_block(h, (h - 4132) as f64 * 600.0, 1.0)).unwrap();
        assert_eq!(timespan, 2015 * 600);
    }

    #[test]
    fn block_arrivals_stop_at_the_horizon() {
        assert_eq!(next_block_time_s(0.0, 100.0, 0.0, 1.0), None);
        assert_eq!(next_block_time_s(0.0, 100.0, 0.1, 1.0), Some(10.0));
        assert_eq!(next_block_time_s(95.0, 100.0, 0.1, 1.0), None);
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
