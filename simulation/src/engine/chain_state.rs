//! The chain's state during a run: the tip, difficulty and its window, the
//! mempool, and what blocks have paid. The rules it follows are in
//! [`crate::chain`] and [`crate::market::Mempool`]; the engine advances it.

use crate::chain::{self, Retarget};
use crate::market::Mempool;
use crate::scenario::Scenario;

/// Blocks over which miners are paid fees: FPPS pools pay the network's fees
/// per block over the trailing day, so a slow day's fuller blocks reach the
/// miners the next day, as they reach the pools.
pub const FEE_WINDOW_BLOCKS: usize = 144;

/// The chain, owned by one run.
pub(crate) struct ChainState {
    /// Height of the tip.
    pub height: u64,
    /// Current difficulty.
    pub difficulty: f64,
    /// Seconds into the run (the end of the last simulated day, or the last block within it).
    pub time_s: f64,
    /// The retarget window in progress.
    pub window: chain::DifficultyWindow,
    /// Fees waiting for the next block.
    pub mempool: Mempool,
    /// When fees were last added to the mempool, seconds into the run.
    pub fee_clock_s: f64,
    /// Today's fee level per 10 minutes, BTC.
    pub fee_level_btc: f64,
    /// Fees paid by today's blocks, satoshis.
    pub fees_sats_today: u64,
    /// Fees of the last [`FEE_WINDOW_BLOCKS`] blocks, satoshis: a ring (the
    /// oldest at `recent_next` once it is full), how many it holds, and their sum.
    recent_fees_sats: [u64; FEE_WINDOW_BLOCKS],
    recent_next: usize,
    recent_count: usize,
    recent_fees_sum_sats: u64,
    /// When the last block came, seconds into the run.
    pub last_block_s: f64,
    /// The longest wait for a block so far, seconds.
    pub longest_gap_s: f64,
    /// Every difficulty adjustment so far.
    pub retargets: Vec<Retarget>,
    /// Rewards (subsidy and fees) each pool collected, satoshis.
    pub pool_rewards_sats: Vec<u64>,
    /// Subsidy issued and fees paid in the run, satoshis; blocks mined.
    pub subsidy_sats_total: u64,
    pub fees_sats_total: u64,
    pub blocks_total: u64,
}

impl ChainState {
    /// The chain at a scenario's start, with `pool_count` pools to pay.
    pub fn new(sc: &Scenario, pool_count: usize) -> Self {
        ChainState {
            height: sc.start_height,
            difficulty: sc.start_difficulty_t * 1e12,
            time_s: 0.0,
            window: chain::DifficultyWindow::at_tip(sc.start_height, 0.0),
            mempool: Mempool::default(),
            // One 10-minute flow of fees waits at the start.
            fee_clock_s: -chain::TARGET_BLOCK_INTERVAL_S,
            fee_level_btc: sc.fee_btc_per_block,
            fees_sats_today: 0,
            recent_fees_sats: [0; FEE_WINDOW_BLOCKS],
            recent_next: 0,
            recent_count: 0,
            recent_fees_sum_sats: 0,
            last_block_s: 0.0,
            longest_gap_s: 0.0,
            retargets: Vec::new(),
            pool_rewards_sats: vec![0; pool_count],
            subsidy_sats_total: 0,
            fees_sats_total: 0,
            blocks_total: 0,
        }
    }

    /// Notes a block's fees in the trailing window.
    pub fn note_block_fees(&mut self, fee_sats: u64) {
        // A ring, not a queue: 144 times a day, a queue's bookkeeping cost a tenth of the day's blocks.
        if self.recent_count == FEE_WINDOW_BLOCKS {
            self.recent_fees_sum_sats -= self.recent_fees_sats[self.recent_next];
        } else {
            self.recent_count += 1;
        }
        self.recent_fees_sats[self.recent_next] = fee_sats;
        self.recent_fees_sum_sats += fee_sats;
        self.recent_next = if self.recent_next + 1 == FEE_WINDOW_BLOCKS { 0 } else { self.recent_next + 1 };
    }

    /// The mean fee per block over the trailing window, BTC: what miners are
    /// paid in fees per block they find (none before the first block).
    pub fn paid_fee_per_block_btc(&self) -> Option<f64> {
        (self.recent_count > 0).then(|| self.recent_fees_sum_sats as f64 / self.recent_count as f64 / chain::SATS_PER_BTC as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miners_are_paid_the_trailing_days_fees_per_block() {
        let mut chain = ChainState::new(&Scenario::default(), 1);
        assert_eq!(chain.paid_fee_per_block_btc(), None);
        chain.note_block_fees(2_000_000);
        chain.note_block_fees(4_000_000);
        assert!((chain.paid_fee_per_block_btc().unwrap() - 0.03).abs() < 1e-12);
        for _ in 0..FEE_WINDOW_BLOCKS {
            chain.note_block_fees(1_000_000);
        }
        assert!((chain.paid_fee_per_block_btc().unwrap() - 0.01).abs() < 1e-12, "the window keeps the last day only");
        // One block more pushes out the oldest: 143 blocks of 0.01 BTC and one of 1.45 average 0.02.
        chain.note_block_fees(145_000_000);
        assert!((chain.paid_fee_per_block_btc().unwrap() - 0.02).abs() < 1e-12);
    }
}
