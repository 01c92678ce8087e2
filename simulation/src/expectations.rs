//! What operators expect of hashprice: adaptive in the market, exact in the protocol.
//!
//! An operator does not foresee prices, but it knows the subsidy schedule.
//! So it keeps an adaptive estimate of what one BTC of block reward is worth
//! per unit of hash, `value_per_reward = hashprice / (subsidy + fees)` (USD
//! per PH/s per day per BTC of reward a block), updated each month as
//! `E += w (observed - E)`, and multiplies it by the reward the protocol will
//! pay over the horizon it is deciding for (MODEL.md section 8: "Expectations
//! know the schedule"). A firm weighing a machine with a 900-day payback in
//! late 2025 therefore sees the 2028 halving coming, instead of borrowing at
//! pre-halving hashprice and failing with every other firm that did.
//!
//! Nor does it expect the halving to halve the hashprice: machines that stop
//! give the rest back part of the cut. Past the next halving each BTC of
//! reward counts at `response` times today's value, the answer of the
//! installed fleet's supply curve (`supply_curve.rs`, [`mean_reward_btc`]).

use crate::chain::{self, SATS_PER_BTC};

/// Blocks a day at the 10-minute target, used to map days ahead to heights.
pub const BLOCKS_PER_DAY: f64 = 144.0;

/// The block reward, BTC: the subsidy of the block after `height` plus `fee_btc`.
pub fn reward_btc(height: u64, fee_btc: f64) -> f64 {
    chain::subsidy_sats(height + 1) as f64 / SATS_PER_BTC as f64 + fee_btc
}

/// The mean subsidy per block over the next `days` from `height`, BTC, with
/// blocks on time (144 a day): exact across halvings.
pub fn mean_subsidy_btc(height: u64, days: f64) -> f64 {
    let blocks = (days * BLOCKS_PER_DAY).max(1.0) as u64;
    chain::issued_between_sats(height + 1, height + blocks) as f64 / SATS_PER_BTC as f64 / blocks as f64
}

/// The mean reward per block over the next `days` from `height`, BTC (fees at
/// `fee_btc` a block), with every block from the next halving on counted at
/// `response` times its reward: what the network's answer to the halving is
/// expected to give back of its cut in value per BTC of reward (see
/// `supply_curve.rs`; 1 counts the schedule alone). A horizon past two
/// halvings counts the second at the first's response.
pub fn mean_reward_btc(height: u64, days: f64, fee_btc: f64, response: f64) -> f64 {
    let blocks = (days * BLOCKS_PER_DAY).max(1.0) as u64;
    let (first, last) = (height + 1, height + blocks);
    let halving = (first / chain::HALVING_INTERVAL_BLOCKS + 1) * chain::HALVING_INTERVAL_BLOCKS;
    let btc = |sats: u64| sats as f64 / SATS_PER_BTC as f64;
    let before_blocks = last.min(halving - 1) + 1 - first;
    let before = btc(chain::issued_between_sats(first, last.min(halving - 1))) + fee_btc * before_blocks as f64;
    let after = btc(chain::issued_between_sats(halving, last)) + fee_btc * (blocks - before_blocks) as f64;
    (before + response * after) / blocks as f64
}

/// The reward the next halving leaves, as a share of today's (fees at `fee_btc`):
/// the cut of the network's revenue at a steady price.
pub fn halving_cut_ratio(height: u64, fee_btc: f64) -> f64 {
    let halving = ((height + 1) / chain::HALVING_INTERVAL_BLOCKS + 1) * chain::HALVING_INTERVAL_BLOCKS;
    let today = reward_btc(height, fee_btc);
    if today > 0.0 {
        reward_btc(halving, fee_btc) / today
    } else {
        1.0
    }
}

/// The adaptive update of a value per BTC of reward towards this month's observation.
pub fn adapt(expected: f64, observed: f64, weight: f64) -> f64 {
    expected + weight * (observed - expected)
}

/// The hashprice an operator expects on average over the next `days`, USD
/// per PH/s per day: its value per BTC of reward times the reward the
/// schedule pays over those days (fees at `fee_btc` a block).
pub fn mean_hashprice(value_per_reward: f64, height: u64, days: f64, fee_btc: f64) -> f64 {
    value_per_reward * (mean_subsidy_btc(height, days) + fee_btc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_subsidy_sees_the_next_halving() {
        // 3.125 BTC until 1,050,000, 1.5625 after.
        assert_eq!(mean_subsidy_btc(900_000, 100.0), 3.125);
        // Exactly half of 1,000 days of blocks (144,000) falls after the halving.
        let straddling = mean_subsidy_btc(1_050_000 - 72_000, 1_000.0);
        assert!((straddling - (3.125 + 1.5625) / 2.0).abs() < 1e-4, "{straddling}");
        assert_eq!(mean_subsidy_btc(1_050_000, 10.0), 1.5625);
        // After the last halving the subsidy is gone.
        assert_eq!(mean_subsidy_btc(7_000_000, 100.0), 0.0);
    }

    #[test]
    fn expected_hashprice_halves_with_the_subsidy_when_fees_are_nil() {
        let value = 50.0 / 3.125;
        assert!((mean_hashprice(value, 900_000, 30.0, 0.0) - 50.0).abs() < 1e-9);
        assert!((mean_hashprice(value, 1_050_000, 30.0, 0.0) - 25.0).abs() < 1e-9);
        // Fees do not halve.
        let with_fees = mean_hashprice(value, 1_050_000, 30.0, 1.0);
        assert!((with_fees - value * 2.5625).abs() < 1e-9);
    }

    #[test]
    fn the_mean_reward_counts_the_response_after_the_halving_only() {
        // With no response it is the schedule's mean plus fees.
        for (height, days) in [(900_000, 100.0), (1_050_000 - 72_000, 1_000.0), (1_050_000, 10.0)] {
            let plain = mean_subsidy_btc(height, days) + 0.03;
            assert!((mean_reward_btc(height, days, 0.03, 1.0) - plain).abs() < 1e-9, "{height}");
        }
        // Before the halving's horizon the response changes nothing.
        assert_eq!(mean_reward_btc(900_000, 100.0, 0.0, 1.6), 3.125);
        // Half the blocks after it, counted at 1.6 times 1.5625.
        let straddling = mean_reward_btc(1_050_000 - 72_000, 1_000.0, 0.0, 1.6);
        assert!((straddling - (3.125 + 1.6 * 1.5625) / 2.0).abs() < 1e-4, "{straddling}");
    }

    #[test]
    fn the_halving_cut_ratio_keeps_fees() {
        assert_eq!(halving_cut_ratio(900_000, 0.0), 0.5);
        assert!((halving_cut_ratio(900_000, 0.05) - (1.5625 + 0.05) / (3.125 + 0.05)).abs() < 1e-12);
        // The block before the halving already looks at the next one.
        assert_eq!(halving_cut_ratio(1_049_999, 0.0), 0.5);
    }

    #[test]
    fn adaptation_moves_part_of_the_way() {
        assert_eq!(adapt(10.0, 20.0, 0.3), 13.0);
        assert_eq!(adapt(10.0, 20.0, 1.0), 20.0);
        assert_eq!(adapt(10.0, 20.0, 0.0), 10.0);
    }

    #[test]
    fn reward_is_subsidy_of_the_next_block_plus_fees() {
        assert_eq!(reward_btc(1_049_999, 0.0), 1.5625);
        assert_eq!(reward_btc(1_049_998, 0.5), 3.625);
    }
}
