//! A cache bounded in bytes, not entries: the least recently used entries go
//! first, and an entry bigger than a quarter of the whole is not kept at all
//! (one run at the operator-years limit can hold gigabytes).

use std::collections::VecDeque;
use std::sync::Mutex;

/// Keys to values, at most `capacity` bytes of values by their `bytes`.
pub struct ByteCache<K, V> {
    capacity: usize,
    entries: Mutex<Inner<K, V>>,
}

struct Inner<K, V> {
    /// Least recently used first.
    order: VecDeque<(K, V, usize)>,
    bytes: usize,
}

impl<K: PartialEq, V: Clone> ByteCache<K, V> {
    /// An empty cache of at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(Inner { order: VecDeque::new(), bytes: 0 }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of `key`, now the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.lock();
        let index = inner.order.iter().position(|(k, _, _)| k == key)?;
        let entry = inner.order.remove(index)?;
        let value = entry.1.clone();
        inner.order.push_back(entry);
        Some(value)
    }

    /// Keeps `value` of `bytes` under `key` (replacing one there), dropping
    /// the least recently used entries to make room; a value over a quarter
    /// of the capacity is not kept. Says whether it was kept.
    pub fn insert(&self, key: K, value: V, bytes: usize) -> bool {
        let mut inner = self.lock();
        if let Some(index) = inner.order.iter().position(|(k, _, _)| *k == key) {
            if let Some((_, _, old)) = inner.order.remove(index) {
                inner.bytes -= old;
            }
        }
        if bytes > self.capacity / 4 {
            return false;
        }
        while inner.bytes + bytes > self.capacity {
            match inner.order.pop_front() {
                Some((_, _, old)) => inner.bytes -= old,
                None => break,
            }
        }
        inner.bytes += bytes;
        inner.order.push_back((key, value, bytes));
        true
    }

    /// Entries and bytes held now.
    pub fn size(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.order.len(), inner.bytes)
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
    }
}
