//! The chain's state during a run: the tip, difficulty and its window, the
//! mempool, and what blocks have paid. The rules it follows are in
//! [`crate::chain`] and [`crate::market::Mempool`]; the engine advances it.

use crate::chain::{self, Retarget};
use crate::market::Mempool;
use crate::scenario::Scenario;

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
            last_block_s: 0.0,
            longest_gap_s: 0.0,
            retargets: Vec::new(),
            pool_rewards_sats: vec![0; pool_count],
            subsidy_sats_total: 0,
            fees_sats_total: 0,
            blocks_total: 0,
        }
    }
}
