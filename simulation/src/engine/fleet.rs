//! The machines of a run: every lot, the exact integer totals kept as lots
//! switch and change, the lots in breakeven order (so a move of hashprice
//! crosses a contiguous range of them), and today's views of the totals.
//! The engine's run/idle step and the monthly decisions change lots only
//! through the engine's `switch`, `change_units`, `add_units` and the
//! totals' `remove_lot` / `move_lot`, which keep the totals exact.

use crate::kind::ByKind;
use crate::operators::Lot;
use crate::supply_curve::SupplyCurve;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The fleet of one run.
pub(crate) struct Fleet {
    /// Every lot (emptied lots are dropped at the monthly rebuild).
    pub lots: Vec<Lot>,
    /// Exact running totals in milli-TH/s and milliwatts, updated whenever a lot switches or changes.
    pub totals: Totals,
    /// Whether the totals must be counted afresh (lots were made without them).
    pub totals_need_count: bool,
    /// Lots by breakeven (then index): the ones a move of hashprice crosses are a contiguous range.
    /// Each carries its breakeven (fixed for a lot's life), so that searching and merging the
    /// order read this list alone rather than every lot it names.
    pub sorted_lots: Vec<Ranked>,
    /// Lots at or past this index were added since the last rebuild and are not in `sorted_lots`.
    pub sorted_until: usize,
    /// Effective hashprice (hashprice over the power trend) at which every lot's state was last settled.
    pub settled_x: f64,
    /// Lots crossed by the hashprice (running ones below their switch-off point,
    /// idle ones above their switch-on point), by the day they are due to switch.
    pub pending: BinaryHeap<Reverse<(u32, u32)>>,
    /// Prefix sums over days of hashprice and of the power trend: entry d sums days 0..d.
    pub cumulative_hashprice: Vec<f64>,
    pub cumulative_trend: Vec<f64>,
    /// Today's views of the totals, as TH/s and W.
    pub pool_hash_ths: Vec<f64>,
    pub kind_hash_ths: ByKind<f64>,
    pub generation_hash_ths: Vec<f64>,
    pub running_hash_ths: f64,
    pub idle_hash_ths: f64,
    pub running_power_w: f64,
    /// Installed hash by breakeven, counted at each month's end.
    pub supply_curve: SupplyCurve,
}

impl Fleet {
    /// An empty fleet for `pool_count` pools.
    pub fn new(pool_count: usize) -> Self {
        Fleet {
            lots: Vec::new(),
            totals: Totals::default(),
            totals_need_count: true,
            sorted_lots: Vec::new(),
            sorted_until: 0,
            settled_x: 0.0,
            pending: BinaryHeap::new(),
            cumulative_hashprice: vec![0.0],
            cumulative_trend: vec![0.0],
            pool_hash_ths: vec![0.0; pool_count],
            kind_hash_ths: ByKind::default(),
            generation_hash_ths: Vec::new(),
            running_hash_ths: 0.0,
            idle_hash_ths: 0.0,
            running_power_w: 0.0,
            supply_curve: SupplyCurve::default(),
        }
    }

    /// Converts the exact totals into today's TH/s and W views.
    pub fn refresh_views(&mut self) {
        let ths = |milli: i64| milli as f64 / 1_000.0;
        self.pool_hash_ths.clear();
        self.pool_hash_ths.extend(self.totals.pool.iter().map(|h| ths(*h)));
        self.generation_hash_ths.clear();
        self.generation_hash_ths.extend(self.totals.generation.iter().map(|h| ths(*h)));
        self.kind_hash_ths = ByKind::from_fn(|kind| ths(self.totals.kind[kind]));
        self.running_hash_ths = ths(self.totals.running_hash);
        self.idle_hash_ths = ths(self.totals.installed_hash - self.totals.running_hash);
        self.running_power_w = self.totals.running_power as f64 / 1_000.0;
    }
}

/// Exact running totals: hash in milli-TH/s and power in milliwatts, as
/// integers so that switching lots on and off never drifts.
/// A lot in the breakeven order: its breakeven and its index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    pub breakeven_usd_per_ph_day: f64,
    pub lot: u32,
}

impl Ranked {
    /// The order's key: breakeven, then index.
    pub fn key(self) -> (f64, u32) {
        (self.breakeven_usd_per_ph_day, self.lot)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    pub pool: Vec<i64>,
    pub kind: ByKind<i64>,
    pub generation: Vec<i64>,
    pub operator: Vec<i64>,
    pub running_hash: i64,
    pub running_power: i64,
    pub installed_hash: i64,
}

impl Totals {
    pub(crate) fn new(pools: usize, generations: usize, operators: usize) -> Self {
        Totals { pool: vec![0; pools], generation: vec![0; generations], operator: vec![0; operators], ..Totals::default() }
    }

    /// Takes a lot out (before it is emptied): it no longer runs or counts as
    /// installed, and holds no hash or power the totals could take out again.
    pub(crate) fn remove_lot(&mut self, lot: &mut Lot) {
        if lot.running {
            self.add(lot, -1);
            lot.running = false;
        }
        self.installed_hash -= lot.hash_milli;
        lot.hash_milli = 0;
        lot.power_milli = 0;
    }

    /// Points a lot at another pool, moving its running hash there.
    pub(crate) fn move_lot(&mut self, lot: &mut Lot, pool: u32) {
        if lot.running {
            self.pool[lot.pool as usize] -= lot.hash_milli;
            self.pool[pool as usize] += lot.hash_milli;
        }
        lot.pool = pool;
    }

    /// Adds (`sign` 1) or removes (`sign` -1) a running lot.
    pub(crate) fn add(&mut self, lot: &Lot, sign: i64) {
        let hash = sign * lot.hash_milli;
        if lot.operator as usize >= self.operator.len() {
            self.operator.resize(lot.operator as usize + 1, 0);
        }
        self.pool[lot.pool as usize] += hash;
        self.kind[lot.kind] += hash;
        self.generation[lot.generation as usize] += hash;
        self.operator[lot.operator as usize] += hash;
        self.running_hash += hash;
        self.running_power += sign * lot.power_milli;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalogue;
    use crate::operators::{Operator, OperatorKind};

    #[test]
    fn pool_ids_past_65535_keep_their_hash() {
        // A run with tens of thousands of own pools once wrapped u16 ids: pool 70,000 became 4,464.
        let operator = Operator { pool: 3, ..Operator::for_tests(OperatorKind::LargePrivate) };
        let generations = catalogue();
        let mut lot = Lot::new(0, &operator, 5, &generations[5], 10, 0.0);
        lot.running = true;
        let mut totals = Totals::new(70_001, generations.len(), 1);
        totals.add(&lot, 1);
        totals.move_lot(&mut lot, 70_000);
        assert_eq!(totals.pool[70_000], lot.hash_milli);
        assert_eq!(totals.pool[3], 0);
        assert_eq!(totals.pool[70_000 - 65_536], 0, "no wrap");
    }
}
