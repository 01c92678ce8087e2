//! What a run records: the daily records (all days, or only those a batch
//! samples), the windows over blocks that explorer-style metrics need, the
//! operator ranking behind the Nakamoto count of operators, and the events.

use super::{BLOCK_WINDOW_DAYS, ESTIMATE_WINDOW_DAYS};
use crate::events::RunEvent;
use crate::output::DailyRecord;
use std::collections::VecDeque;

/// The recorder of one run.
pub(crate) struct Recorder {
    /// Work (sum of difficulty) of each of the last days' blocks, for the 7-day estimate.
    pub work_window: VecDeque<f64>,
    /// Blocks per pool on each of the last 30 days, their sum, and today's.
    pub pool_blocks_window: VecDeque<Vec<u32>>,
    pub pool_blocks_window_sum: Vec<u32>,
    pub pool_blocks_today: Vec<u32>,
    /// The days to record (`None`: every day).
    pub recorded: Option<Vec<bool>>,
    pub records: Vec<DailyRecord>,
    pub pool_shares: Vec<Vec<f64>>,
    pub generation_running: Vec<Vec<f64>>,
    /// Events noted so far (see `events`).
    pub events: Vec<RunEvent>,
    /// Whether each share line (25%, 50%) may be noted as crossed again.
    pub armed_lines: std::collections::BTreeMap<crate::events::EventKind, bool>,
    /// Whether yesterday passed without a block.
    pub stalled_yesterday: bool,
    /// Scratch space for the concentration metrics.
    pub scratch: Vec<f64>,
}

impl Recorder {
    /// A recorder for `days` days and `pool_count` pools.
    pub fn new(days: usize, pool_count: usize) -> Self {
        Recorder {
            work_window: VecDeque::with_capacity(ESTIMATE_WINDOW_DAYS + 1),
            pool_blocks_window: VecDeque::with_capacity(BLOCK_WINDOW_DAYS + 1),
            pool_blocks_window_sum: vec![0; pool_count],
            pool_blocks_today: vec![0; pool_count],
            recorded: None,
            records: Vec::with_capacity(days),
            pool_shares: Vec::with_capacity(days),
            generation_running: Vec::with_capacity(days),
            events: Vec::new(),
            armed_lines: std::collections::BTreeMap::new(),
            stalled_yesterday: false,
            scratch: Vec::new(),
        }
    }
}
