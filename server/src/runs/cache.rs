//! A cache bounded in bytes, not entries: the least recently used entries go
//! first, and an entry bigger than a quarter of the whole is not kept at all
//! (one run at the operator-years limit can hold gigabytes).
//!
//! Lookups hash their key (a scenario's canonical JSON for runs): the lock is
//! held for one hash-map probe, never for a scan of every entry.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::Mutex;

/// Keys to values, at most `capacity` bytes of values by their `bytes`.
pub struct ByteCache<K, V> {
    capacity: usize,
    entries: Mutex<Inner<K, V>>,
}

struct Entry<V> {
    value: V,
    bytes: usize,
    /// When it was last used: its key in `Inner::order`.
    tick: u64,
}

struct Inner<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Keys by when they were last used, least recently used first.
    order: BTreeMap<u64, K>,
    next_tick: u64,
    bytes: usize,
}

impl<K, V> Inner<K, V> {
    fn tick(&mut self) -> u64 {
        self.next_tick += 1;
        self.next_tick
    }
}

impl<K: Hash + Eq + Clone, V: Clone> ByteCache<K, V> {
    /// An empty cache of at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(Inner { map: HashMap::new(), order: BTreeMap::new(), next_tick: 0, bytes: 0 }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of `key`, now the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.lock();
        let tick = inner.tick();
        let entry = inner.map.get_mut(key)?;
        let (old, value) = (std::mem::replace(&mut entry.tick, tick), entry.value.clone());
        if let Some(key) = inner.order.remove(&old) {
            inner.order.insert(tick, key);
        }
        Some(value)
    }

    /// Keeps `value` of `bytes` under `key` (replacing one there), dropping
    /// the least recently used entries to make room; a value over a quarter
    /// of the capacity is not kept. Says whether it was kept.
    pub fn insert(&self, key: K, value: V, bytes: usize) -> bool {
        let mut inner = self.lock();
        if let Some(old) = inner.map.remove(&key) {
            inner.order.remove(&old.tick);
            inner.bytes -= old.bytes;
        }
        if bytes > self.capacity / 4 {
            return false;
        }
        while inner.bytes + bytes > self.capacity {
            let Some((_, oldest)) = inner.order.pop_first() else { break };
            if let Some(old) = inner.map.remove(&oldest) {
                inner.bytes -= old.bytes;
            }
        }
        let tick = inner.tick();
        inner.bytes += bytes;
        inner.order.insert(tick, key.clone());
        inner.map.insert(key, Entry { value, bytes, tick });
        true
    }

    /// Entries and bytes held now.
    pub fn size(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.map.len(), inner.bytes)
    }

    /// The most bytes it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_never_holds_more_bytes_than_its_capacity() {
        let cache = ByteCache::new(1_000);
        for key in 0..100 {
            assert!(cache.insert(key, key, 240));
            assert!(cache.size().1 <= 1_000);
        }
        assert_eq!(cache.size(), (4, 960));
        assert_eq!(cache.get(&99), Some(99));
        assert_eq!(cache.get(&95), None, "the oldest went first");
    }

    #[test]
    fn a_value_over_a_quarter_of_the_capacity_is_not_kept() {
        let cache = ByteCache::new(1_000);
        assert!(cache.insert("small", 1, 100));
        assert!(!cache.insert("huge", 2, 251));
        assert_eq!(cache.get(&"huge"), None);
        assert_eq!(cache.get(&"small"), Some(1), "nothing was dropped for it");
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let cache = ByteCache::new(1_000);
        cache.insert(1, 1, 250);
        cache.insert(2, 2, 250);
        cache.insert(3, 3, 250);
        cache.insert(4, 4, 250);
        assert_eq!(cache.get(&1), Some(1));
        cache.insert(5, 5, 250);
        assert_eq!(cache.get(&2), None, "2 was the least recently used");
        assert_eq!(cache.get(&1), Some(1));
        cache.insert(1, 10, 100);
        assert_eq!(cache.size(), (4, 850), "a replaced entry's bytes are given back");
        assert_eq!(cache.get(&1), Some(10));
    }

    #[test]
    fn order_and_map_agree_after_many_gets_and_inserts() {
        let cache = ByteCache::new(10_000);
        for round in 0..1_000u64 {
            cache.insert(round % 97, round, 100 + (round % 7) as usize * 10);
            let _ = cache.get(&(round % 13));
            let inner = cache.lock();
            assert_eq!(inner.map.len(), inner.order.len());
            assert_eq!(inner.bytes, inner.map.values().map(|e| e.bytes).sum::<usize>());
            assert!(inner.bytes <= 10_000);
        }
    }
}
