//! Workers handed out fairly: when one comes free it goes to the waiting
//! request whose client has the fewest workers now (the earliest among
//! equals), not simply to the oldest request, so a client with many requests
//! queued cannot keep everyone else behind them. And one client runs at most
//! `long_cap` long pieces of work at once (half the workers): batches (Monte
//! Carlos, sweeps: tens of seconds each) and single runs expected to take
//! over [`LONG_WORK_SECS`], so the other workers stay free for everyone's
//! short runs. A client with ten maximal Monte Carlos queued once held every
//! worker for a minute; two 200,000-operator runs from one address held both
//! workers of a 2-core server for 17 s each.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// The client a request is counted under (`None`: no address known).
type Client = Option<IpAddr>;

/// A single run expected to take longer than this (seconds of one core, by
/// `Config::estimated_secs`) is long work, capped per client like a batch.
/// The default scenario is about 0.03 s; 200,000 operators for 2 years about 1.5 s.
pub const LONG_WORK_SECS: f64 = 0.5;

/// What a worker is for: long work is capped per client, short work is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A short run (a page view, an export, a chart of an ordinary scenario).
    Single,
    /// A batch of runs (Monte Carlo, sweep, sensitivity), or a single run
    /// expected to take over [`LONG_WORK_SECS`].
    Long,
}

impl Work {
    /// The kind of one run expected to take `secs` of one core.
    pub fn of_run(secs: f64) -> Self {
        if secs > LONG_WORK_SECS {
            Self::Long
        } else {
            Self::Single
        }
    }
}

struct Waiter {
    id: u64,
    client: Client,
    work: Work,
    granted: oneshot::Sender<()>,
}

#[derive(Default)]
struct State {
    free: usize,
    long_cap: usize,
    next_id: u64,
    waiting: Vec<Waiter>,
    running: HashMap<Client, usize>,
    long: HashMap<Client, usize>,
}

impl State {
    fn start(&mut self, client: Client, work: Work) {
        *self.running.entry(client).or_insert(0) += 1;
        if work == Work::Long {
            *self.long.entry(client).or_insert(0) += 1;
        }
    }

    fn finish(&mut self, client: Client, work: Work) {
        let counts = if work == Work::Long { vec![&mut self.running, &mut self.long] } else { vec![&mut self.running] };
        for count in counts {
            if let Some(n) = count.get_mut(&client) {
                *n -= 1;
                if *n == 0 {
                    count.remove(&client);
                }
            }
        }
    }

    /// Whether `client` may start `work` now (its long work under the cap).
    fn may_start(&self, client: Client, work: Work) -> bool {
        work == Work::Single || self.long.get(&client).copied().unwrap_or(0) < self.long_cap
    }

    /// Hands a freed worker to the fairest waiter that may start, or keeps it free.
    fn hand_over(&mut self) {
        loop {
            let fairest = self
                .waiting
                .iter()
                .enumerate()
                .filter(|(_, w)| self.may_start(w.client, w.work))
                .min_by_key(|(_, w)| (self.running.get(&w.client).copied().unwrap_or(0), w.id))
                .map(|(i, _)| i);
            let Some(index) = fairest else {
                self.free += 1;
                return;
            };
            let waiter = self.waiting.remove(index);
            if waiter.granted.send(()).is_ok() {
                self.start(waiter.client, waiter.work);
                return;
            }
            // Its request went away meanwhile: try the next.
        }
    }
}

/// The pool's workers.
pub struct Fair {
    state: Mutex<State>,
}

impl std::fmt::Debug for Fair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Fair").field("free", &state.free).field("waiting", &state.waiting.len()).finish()
    }
}

/// A worker, given back when dropped.
pub struct Worker {
    fair: Arc<Fair>,
    client: Client,
    work: Work,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let mut state = self.fair.lock();
        state.finish(self.client, self.work);
        state.hand_over();
    }
}

/// Takes a waiter out of the line if its request stops waiting (times out
/// or is dropped) before it is granted.
struct Leave<'a> {
    fair: &'a Arc<Fair>,
    id: u64,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.fair.lock().waiting.retain(|w| w.id != self.id);
    }
}

impl Fair {
    /// `workers` workers, all free; one client runs at most half of them
    /// (at least 1) with long work.
    pub fn new(workers: usize) -> Arc<Self> {
        Arc::new(Self { state: Mutex::new(State { free: workers, long_cap: (workers / 2).max(1), ..State::default() }) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A worker for `client`'s `work`, at once if one is free, nobody
    /// waits and the client's long work is under the cap, else when its turn
    /// comes; `None` if that takes longer than `max_wait`.
    pub async fn acquire(self: &Arc<Self>, client: Client, work: Work, max_wait: Duration) -> Option<Worker> {
        let (id, granted) = {
            let mut state = self.lock();
            // Free workers with requests still waiting means they all wait for their long-work cap.
            if state.free > 0 && state.may_start(client, work) {
                state.free -= 1;
                state.start(client, work);
                return Some(Worker { fair: self.clone(), client, work });
            }
            let (tx, rx) = oneshot::channel();
            let id = state.next_id;
            state.next_id += 1;
            state.waiting.push(Waiter { id, client, work, granted: tx });
            (id, rx)
        };
        let leave = Leave { fair: self, id };
        let outcome = tokio::time::timeout(max_wait, granted).await;
        // Granted at the last moment, the worker is ours even if the timer fired.
        let mut granted_anyway = false;
        {
            let state = self.lock();
            if outcome.is_err() && !state.waiting.iter().any(|w| w.id == id) {
                granted_anyway = true;
            }
        }
        drop(leave);
        match outcome {
            Ok(Ok(())) => Some(Worker { fair: self.clone(), client, work }),
            _ if granted_anyway => Some(Worker { fair: self.clone(), client, work }),
            _ => None,
        }
    }

    /// Requests waiting for a worker now.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.lock().waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(last: u8) -> Client {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[tokio::test]
    async fn a_freed_worker_goes_to_the_client_with_fewest_running() {
        let fair = Fair::new(2);
        let first = fair.acquire(client(1), Work::Single, Duration::from_secs(1)).await.expect("free");
        let second = fair.acquire(client(1), Work::Single, Duration::from_secs(1)).await.expect("free");
        let greedy = tokio::spawn({
            let fair = fair.clone();
            async move { fair.acquire(client(1), Work::Single, Duration::from_secs(5)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let polite = tokio::spawn({
            let fair = fair.clone();
            async move { fair.acquire(client(2), Work::Single, Duration::from_secs(5)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(fair.waiting(), 2);
        // Client 1 still runs one, client 2 none: the later request goes first.
        drop(first);
        let _polite = tokio::time::timeout(Duration::from_secs(1), polite).await.expect("in time").expect("joined").expect("granted");
        assert_eq!(fair.waiting(), 1, "the greedy client's request still waits");
        assert!(!greedy.is_finished());
        drop(second);
        tokio::time::timeout(Duration::from_secs(1), greedy).await.expect("in time").expect("joined").expect("granted");
        assert_eq!(fair.waiting(), 0);
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_leaves_the_line() {
        let fair = Fair::new(1);
        let busy = fair.acquire(client(1), Work::Single, Duration::from_secs(1)).await.expect("free");
        assert!(fair.acquire(client(2), Work::Single, Duration::from_millis(30)).await.is_none());
        assert_eq!(fair.waiting(), 0);
        drop(busy);
        assert!(fair.acquire(client(2), Work::Single, Duration::from_millis(30)).await.is_some(), "the freed worker was kept free");
    }

    #[test]
    fn a_run_expected_to_take_over_half_a_second_is_long_work() {
        assert_eq!(Work::of_run(0.03), Work::Single);
        assert_eq!(Work::of_run(LONG_WORK_SECS), Work::Single);
        assert_eq!(Work::of_run(1.5), Work::Long);
    }

    #[tokio::test]
    async fn one_client_runs_at_most_half_the_workers_with_long_work() {
        let fair = Fair::new(2);
        let batch = fair.acquire(client(1), Work::Long, Duration::from_secs(1)).await.expect("free");
        // Its second batch waits, though a worker is free...
        assert!(fair.acquire(client(1), Work::Long, Duration::from_millis(50)).await.is_none());
        // ...which its own single runs and another client's batch may take.
        let single = fair.acquire(client(1), Work::Single, Duration::from_millis(50)).await.expect("a short run is not capped");
        drop(single);
        let other = fair.acquire(client(2), Work::Long, Duration::from_millis(50)).await.expect("another client's batch");
        drop(other);
        // When its first batch ends, its next one starts.
        let next = tokio::spawn({
            let fair = fair.clone();
            async move { fair.acquire(client(1), Work::Long, Duration::from_secs(5)).await.is_some() }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(batch);
        assert!(next.await.expect("joined"));
    }
}
