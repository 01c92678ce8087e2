//! Workers handed out fairly: when one comes free it goes to the waiting
//! request whose client has the fewest workers now (the earliest among
//! equals), not simply to the oldest request, so a client with many requests
//! queued cannot keep everyone else behind them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// The client a request is counted under (`None`: no address known).
type Client = Option<IpAddr>;

struct Waiter {
    id: u64,
    client: Client,
    granted: oneshot::Sender<()>,
}

#[derive(Default)]
struct State {
    free: usize,
    next_id: u64,
    waiting: Vec<Waiter>,
    running: HashMap<Client, usize>,
}

impl State {
    fn start(&mut self, client: Client) {
        *self.running.entry(client).or_insert(0) += 1;
    }

    /// Hands a freed worker to the fairest waiter still waiting, or keeps it free.
    fn hand_over(&mut self) {
        loop {
            let fairest = self
                .waiting
                .iter()
                .enumerate()
                .min_by_key(|(_, w)| (self.running.get(&w.client).copied().unwrap_or(0), w.id))
                .map(|(i, _)| i);
            let Some(index) = fairest else {
                self.free += 1;
                return;
            };
            let waiter = self.waiting.remove(index);
            if waiter.granted.send(()).is_ok() {
                self.start(waiter.client);
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
}

impl Drop for Worker {
    fn drop(&mut self) {
        let mut state = self.fair.lock();
        if let Some(count) = state.running.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                state.running.remove(&self.client);
            }
        }
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
    /// `workers` workers, all free.
    pub fn new(workers: usize) -> Arc<Self> {
        Arc::new(Self { state: Mutex::new(State { free: workers, ..State::default() }) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A worker for `client`, at once if one is free and nobody waits, else
    /// when its turn comes; `None` if that takes longer than `max_wait`.
    pub async fn acquire(self: &Arc<Self>, client: Client, max_wait: Duration) -> Option<Worker> {
        let (id, granted) = {
            let mut state = self.lock();
            if state.free > 0 && state.waiting.is_empty() {
                state.free -= 1;
                state.start(client);
                return Some(Worker { fair: self.clone(), client });
            }
            let (tx, rx) = oneshot::channel();
            let id = state.next_id;
            state.next_id += 1;
            state.waiting.push(Waiter { id, client, granted: tx });
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
            Ok(Ok(())) => Some(Worker { fair: self.clone(), client }),
            _ if granted_anyway => Some(Worker { fair: self.clone(), client }),
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
        let first = fair.acquire(client(1), Duration::from_secs(1)).await.expect("free");
        let second = fair.acquire(client(1), Duration::from_secs(1)).await.expect("free");
        let greedy = tokio::spawn({
            let fair = fair.clone();
            async move { fair.acquire(client(1), Duration::from_secs(5)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let polite = tokio::spawn({
            let fair = fair.clone();
            async move { fair.acquire(client(2), Duration::from_secs(5)).await }
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
        let busy = fair.acquire(client(1), Duration::from_secs(1)).await.expect("free");
        assert!(fair.acquire(client(2), Duration::from_millis(30)).await.is_none());
        assert_eq!(fair.waiting(), 0);
        drop(busy);
        assert!(fair.acquire(client(2), Duration::from_millis(30)).await.is_some(), "the freed worker was kept free");
    }
}
