//! The run's pools: the calibrated ones and the own pools that large
//! operators open, which of them share a controller (one entity), and the
//! weights of a month's pool choices.

use crate::kind::OperatorKind;
use crate::pools::{self, PoolInfo};

/// The pools of a run, in the order they were listed or opened.
#[derive(Debug, Clone)]
pub(crate) struct PoolSet {
    pools: Vec<PoolInfo>,
    /// Each pool's entity (pools with one controller are one), numbered in order of first appearance.
    entity: Vec<usize>,
    entity_count: usize,
    /// The weights of the choices being made ([`PoolSet::weigh`]).
    weights: Vec<f64>,
}

impl PoolSet {
    /// The pools a run starts with.
    pub fn new(pools: Vec<PoolInfo>) -> Self {
        let (entity, entity_count) = pools::controller_groups(pools.iter().map(|p| p.controller.as_str()));
        PoolSet { pools, entity, entity_count, weights: Vec::new() }
    }

    /// How many pools there are.
    pub fn len(&self) -> usize {
        self.pools.len()
    }

    /// Every pool, in order.
    pub fn list(&self) -> &[PoolInfo] {
        &self.pools
    }

    /// The fee pool `pool` keeps of its members' revenue, as a fraction.
    pub fn fee_share(&self, pool: u32) -> f64 {
        self.pools[pool as usize].fee_pct / 100.0
    }

    /// Each pool's entity, and how many entities there are.
    pub fn entities(&self) -> (&[usize], usize) {
        (&self.entity, self.entity_count)
    }

    /// Operator `owner` (of `kind`) opens a pool of its own, named for a
    /// reader ("Own pool 3 (a listed miner's)") and numbered in the order own
    /// pools open; it is an entity of its own. Returns its index.
    pub fn open_own_pool(&mut self, owner: u32, kind: OperatorKind) -> u32 {
        let number = self.pools.iter().filter(|p| p.owner_operator.is_some()).count() + 1;
        let whose = match kind {
            OperatorKind::PublicMiner => "a listed miner's",
            OperatorKind::Manufacturer => "a manufacturer's",
            _ => "a private miner's",
        };
        let name = format!("Own pool {number} ({whose})");
        self.pools.push(PoolInfo { name: name.clone(), controller: name, fee_pct: 0.0, start_share_pct: 0.0, owner_operator: Some(owner) });
        self.entity.push(self.entity_count);
        self.entity_count += 1;
        (self.pools.len() - 1) as u32
    }

    /// Weighs the pools for choices made at hash `shares` (one per pool
    /// listed when they were taken; see `pools::pool_weights`) and returns
    /// the weights' sum, for [`PoolSet::pick`]. The choices of a month or of
    /// its entrants all see the shares of its start: weighed once for all.
    pub fn weigh(&mut self, shares: &[f64], strength: f64, aversion: f64) -> f64 {
        pools::pool_weights(&self.pools, shares, strength, aversion, &mut self.weights)
    }

    /// The pool a uniform draw `u` in [0, 1) picks with the weights last weighed (summing to `total`).
    pub fn pick(&self, total: f64, u: f64) -> u32 {
        pools::pick_pool(&self.weights, total, u) as u32
    }

    /// The pools, for the run's result.
    pub fn into_list(self) -> Vec<PoolInfo> {
        self.pools
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pools::starting_pools;

    #[test]
    fn own_pools_are_numbered_as_they_open_and_are_entities_of_their_own() {
        let mut set = PoolSet::new(starting_pools());
        let (entity, count) = set.entities();
        let (before_pools, before_entities) = (set.len(), count);
        assert_eq!(entity.len(), before_pools);
        let first = set.open_own_pool(7, OperatorKind::PublicMiner);
        let second = set.open_own_pool(9, OperatorKind::LargePrivate);
        assert_eq!((first, second), (before_pools as u32, before_pools as u32 + 1));
        assert_eq!(set.list()[first as usize].name, "Own pool 1 (a listed miner's)");
        assert_eq!(set.list()[second as usize].name, "Own pool 2 (a private miner's)");
        assert_eq!(set.list()[second as usize].owner_operator, Some(9));
        assert_eq!(set.fee_share(first), 0.0);
        // The groups are those a fresh count of the controllers gives.
        let (entity, count) = set.entities();
        assert_eq!(count, before_entities + 2);
        let fresh = pools::controller_groups(set.list().iter().map(|p| p.controller.as_str()));
        assert_eq!((entity.to_vec(), count), fresh);
    }

    #[test]
    fn a_choice_from_the_weights_weighed_once_is_the_choice_made_alone() {
        let mut set = PoolSet::new(starting_pools());
        set.open_own_pool(3, OperatorKind::PublicMiner);
        let shares: Vec<f64> = set.list().iter().map(|p| p.start_share_pct / 100.0).collect();
        let total = set.weigh(&shares, 1.0, 1.0);
        let mut weights = Vec::new();
        for step in 0..1_000 {
            let u = f64::from(step) / 1_000.0;
            let alone = pools::choose_pool(set.list(), &shares, 1.0, 1.0, u, &mut weights);
            assert_eq!(set.pick(total, u) as usize, alone, "u = {u}");
            assert_ne!(alone, set.len() - 1, "an own pool is closed to others");
        }
    }
}
