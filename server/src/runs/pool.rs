//! The run pool: simulations run on blocking threads, at most `workers` at
//! once, with at most `queue` more waiting their turn. Past that a request is
//! turned away at once (503 with `Retry-After`) instead of piling up, and one
//! that has waited `max_wait` without a worker gets the same answer rather
//! than waiting on (a page request once waited 59 s behind greedy batches).
//!
//! Fairness: one client address holds at most `client_share` places (running
//! or waiting; past that its own requests get the 503, not everyone's), and
//! a worker that comes free goes to the waiting request whose client has the
//! fewest runs running (the earliest among equals), so a client with many
//! requests queued does not keep the others behind them.

use super::fair::{Fair, Work, Worker};
use crate::error::ApiError;
use serde::Serialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa::ToSchema;

/// Counters the pool keeps (served at `/api/status`).
#[derive(Debug, Default)]
struct Counters {
    running: AtomicUsize,
    waiting: AtomicUsize,
    completed: AtomicU64,
    rejected: AtomicU64,
    cancelled: AtomicU64,
    timed_out: AtomicU64,
    waited_too_long: AtomicU64,
    over_client_share: AtomicU64,
    panicked: AtomicU64,
}

/// A snapshot of the pool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoolStatus {
    /// Runs that may run at once.
    pub workers: usize,
    /// Runs that may wait for a worker; past that, 503.
    pub queue: usize,
    /// Runs running now.
    pub running: usize,
    /// Runs waiting for a worker now.
    pub waiting: usize,
    /// Runs finished since the server started.
    pub completed: u64,
    /// Requests turned away with 503 because the queue was full.
    pub rejected: u64,
    /// Runs stopped early because their client went away (or their time ran out).
    pub cancelled: u64,
    /// Runs that went past their time budget.
    pub timed_out: u64,
    /// Requests that waited the longest time in the queue without a worker (503).
    pub waited_too_long: u64,
    /// The longest a request waits in the queue, seconds.
    pub max_wait_s: f64,
    /// Places (running or waiting) one client address may hold.
    pub client_share: usize,
    /// Requests turned away (503) because their client already held its share.
    pub over_client_share: u64,
    /// Client addresses holding places now.
    pub clients: usize,
    /// Runs that panicked (answered with a 500 and an id).
    pub panicked: u64,
}

/// The bounded pool of simulation workers.
#[derive(Debug)]
pub struct RunPool {
    workers: usize,
    queue: usize,
    client_share: usize,
    /// The longest a request waits for a worker before it is answered 503.
    max_wait: Duration,
    /// Admission: `workers + queue` permits; none left means 503.
    slots: Arc<Semaphore>,
    /// Workers, handed out fairly between clients.
    fair: Arc<Fair>,
    /// Places held per client address.
    held: Mutex<HashMap<Option<IpAddr>, usize>>,
    counters: Counters,
    /// Set once the server is stopping: no new runs (work in flight is told
    /// to stop separately, near the end of the drain).
    stopping: AtomicBool,
    /// Cancel flags of the work (runs and batches) running now.
    in_flight: Mutex<Vec<Weak<AtomicBool>>>,
}

/// A place in the pool: held for as long as the work runs.
pub struct Ticket {
    pool: Arc<RunPool>,
    _share: Share,
    _slot: OwnedSemaphorePermit,
    _worker: Worker,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.pool.counters.running.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A client's place counted in its share, given back when dropped.
struct Share {
    pool: Arc<RunPool>,
    client: Option<IpAddr>,
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut held = self.pool.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = held.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// Sets a cancel flag when dropped, unless disarmed: a handler future that is
/// dropped (its client went away) stops its work.
pub struct CancelOnDrop(pub Option<Arc<AtomicBool>>);

impl CancelOnDrop {
    /// Keep the work going after all.
    pub fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.0.take() {
            flag.store(true, Ordering::Relaxed);
        }
    }
}

struct WaitGuard<'a>(&'a AtomicUsize);

impl Drop for WaitGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl RunPool {
    /// A pool of `workers` (at least 1) with `queue` waiting places, where no
    /// request waits longer than `max_wait` and one client holds at most
    /// `client_share` places (at least 1).
    pub fn new(workers: usize, queue: usize, client_share: usize, max_wait: Duration) -> Arc<Self> {
        let workers = workers.max(1);
        Arc::new(Self {
            workers,
            queue,
            client_share: client_share.max(1),
            max_wait,
            slots: Arc::new(Semaphore::new(workers + queue)),
            fair: Fair::new(workers),
            held: Mutex::new(HashMap::new()),
            counters: Counters::default(),
            stopping: AtomicBool::new(false),
            in_flight: Mutex::new(Vec::new()),
        })
    }

    /// Where the pool stands.
    pub fn status(&self) -> PoolStatus {
        let c = &self.counters;
        PoolStatus {
            workers: self.workers,
            queue: self.queue,
            running: c.running.load(Ordering::Relaxed),
            waiting: c.waiting.load(Ordering::Relaxed),
            completed: c.completed.load(Ordering::Relaxed),
            rejected: c.rejected.load(Ordering::Relaxed),
            cancelled: c.cancelled.load(Ordering::Relaxed),
            timed_out: c.timed_out.load(Ordering::Relaxed),
            waited_too_long: c.waited_too_long.load(Ordering::Relaxed),
            max_wait_s: self.max_wait.as_secs_f64(),
            client_share: self.client_share,
            over_client_share: c.over_client_share.load(Ordering::Relaxed),
            clients: self.held.lock().unwrap_or_else(|e| e.into_inner()).len(),
            panicked: c.panicked.load(Ordering::Relaxed),
        }
    }

    /// A place in the pool for `client`: a 503 at once when the queue is full
    /// or the client holds its share, else waits (at most `max_wait`) for a worker.
    pub async fn ticket(self: &Arc<Self>, client: Option<IpAddr>, work: Work) -> Result<Ticket, ApiError> {
        if self.is_stopping() {
            return Err(ApiError::stopping());
        }
        self.place(client, work).await
    }

    /// A place in the pool for the last step of a request already under way
    /// (building its response from a finished run): like [`RunPool::ticket`],
    /// but also while the server is stopping, so that the drain can answer it.
    pub async fn ticket_to_answer(self: &Arc<Self>, client: Option<IpAddr>) -> Result<Ticket, ApiError> {
        self.place(client, Work::Single).await
    }

    async fn place(self: &Arc<Self>, client: Option<IpAddr>, work: Work) -> Result<Ticket, ApiError> {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            self.counters.rejected.fetch_add(1, Ordering::Relaxed);
            return Err(ApiError::busy(self.workers, self.queue));
        };
        let share = {
            let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            let count = held.entry(client).or_insert(0);
            if *count >= self.client_share {
                drop(held);
                self.counters.over_client_share.fetch_add(1, Ordering::Relaxed);
                return Err(ApiError::over_client_share(self.client_share));
            }
            *count += 1;
            Share { pool: self.clone(), client }
        };
        self.counters.waiting.fetch_add(1, Ordering::Relaxed);
        let wait = WaitGuard(&self.counters.waiting);
        let Some(worker) = self.fair.acquire(client, work, self.max_wait).await else {
            self.counters.waited_too_long.fetch_add(1, Ordering::Relaxed);
            return Err(ApiError::waited_too_long(self.max_wait));
        };
        drop(wait);
        self.counters.running.fetch_add(1, Ordering::Relaxed);
        Ok(Ticket { pool: self.clone(), _share: share, _slot: slot, _worker: worker })
    }

    /// Whether the server is stopping.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Registers the cancel flag of work in flight, so that a shutdown can stop it.
    pub fn track(&self, cancel: &Arc<AtomicBool>) {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        in_flight.retain(|flag| flag.strong_count() > 0);
        in_flight.push(Arc::downgrade(cancel));
    }

    /// The server is stopping: refuse new runs (503); work in flight goes on.
    pub fn stop_admitting(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// Tells every run and batch in flight (page runs and chart Monte Carlos
    /// included) to stop, and refuses new ones.
    pub fn cancel_in_flight(&self) {
        self.stop_admitting();
        let in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        for flag in in_flight.iter().filter_map(Weak::upgrade) {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Counts a run stopped early.
    pub fn note_cancelled(&self) {
        self.counters.cancelled.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a finished run.
    pub fn note_completed(&self) {
        self.counters.completed.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a panicked run.
    pub fn note_panicked(&self) {
        self.counters.panicked.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a run past its budget.
    pub fn note_timed_out(&self) {
        self.counters.timed_out.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs `work` for `client` on a blocking thread holding a place in the pool, within
    /// `budget`. `work` sees a cancel flag, set when the budget runs out or the
    /// caller goes away. `what` (e.g. the scenario's share link) is logged if it panics.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        client: Option<IpAddr>,
        budget: Duration,
        what: String,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_until(client, Work::Single, None, budget, what, work).await
    }

    /// [`RunPool::run`] for `kind` of work, where `gone` (if given) also stops the work when set
    /// (a page's client that hung up: see `app::runs::Hangup`).
    pub async fn run_until<T: Send + 'static>(
        self: &Arc<Self>,
        client: Option<IpAddr>,
        kind: Work,
        gone: Option<Arc<AtomicBool>>,
        budget: Duration,
        what: String,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_within(client, kind, gone, (budget, budget), what, work).await
    }

    /// [`RunPool::run_until`] with `left` of a time budget of `whole` (the
    /// budget a request's runs share): stopped after `left`, and answered
    /// naming `whole`.
    pub async fn run_within<T: Send + 'static>(
        self: &Arc<Self>,
        client: Option<IpAddr>,
        kind: Work,
        gone: Option<Arc<AtomicBool>>,
        (left, whole): (Duration, Duration),
        what: String,
        work: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let budget = left;
        let ticket = self.ticket(client, kind).await?;
        let cancel = gone.unwrap_or_else(|| Arc::new(AtomicBool::new(false)));
        self.track(&cancel);
        let mut on_drop = CancelOnDrop(Some(cancel.clone()));
        let flag = cancel.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let _ticket = ticket;
            std::panic::catch_unwind(AssertUnwindSafe(|| work(&flag)))
        });
        let outcome = tokio::time::timeout(budget, handle).await;
        on_drop.disarm();
        match outcome {
            Ok(Ok(Ok(value))) => {
                // Work told to stop counts itself as cancelled, not completed.
                if !cancel.load(Ordering::Relaxed) {
                    self.note_completed();
                }
                Ok(value)
            }
            Ok(Ok(Err(panic))) => {
                let id = uuid::Uuid::new_v4().to_string();
                self.note_panicked();
                tracing::error!(panic_id = %id, scenario = %what, panic = %panic_text(&panic), "a simulation panicked");
                Err(ApiError::panicked(id))
            }
            Ok(Err(join)) => {
                let id = uuid::Uuid::new_v4().to_string();
                self.note_panicked();
                tracing::error!(panic_id = %id, scenario = %what, error = %join, "a simulation task failed");
                Err(ApiError::panicked(id))
            }
            Err(_) => {
                cancel.store(true, Ordering::Relaxed);
                self.note_timed_out();
                tracing::warn!(scenario = %what, ?whole, "a run went past its time budget");
                Err(ApiError::time_budget(whole))
            }
        }
    }
}

/// The message of a caught panic, if it has one.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[tokio::test]
    async fn a_request_that_waits_too_long_for_a_worker_is_answered_503() {
        let pool = RunPool::new(1, 4, 5, Duration::from_millis(200));
        let held = pool.ticket(None, Work::Single).await.expect("the one worker");
        let started = std::time::Instant::now();
        let refused = pool.ticket(None, Work::Single).await.err().expect("no worker within the wait");
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.retry_after.is_some(), "it says when to retry");
        assert_eq!(pool.status().waited_too_long, 1);
        assert_eq!(pool.status().waiting, 0, "it left the queue");
        drop(held);
        assert!(pool.ticket(None, Work::Single).await.is_ok(), "a free worker is had at once");
    }

    fn address(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[tokio::test]
    async fn a_client_over_its_share_is_refused_while_another_gets_in() {
        let pool = RunPool::new(2, 8, 3, Duration::from_secs(5));
        let mut greedy: Vec<Ticket> =
            vec![pool.ticket(address(1), Work::Single).await.expect("1st"), pool.ticket(address(1), Work::Single).await.expect("2nd")];
        // The third waits for a worker: both are the greedy client's.
        let third = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.ticket(address(1), Work::Single).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = pool.ticket(address(1), Work::Single).await.err().expect("over its share");
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.body.error.message.contains('3'), "{}", refused.body.error.message);
        assert_eq!(pool.status().over_client_share, 1);
        // A polite client queues behind the greedy one's third request, but the
        // next free worker goes to it: it has none running, the greedy one has one.
        let polite = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.ticket(address(2), Work::Single).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(greedy.pop());
        let polite = tokio::time::timeout(Duration::from_secs(2), polite).await.expect("in time").expect("joined");
        let polite = polite.expect("a worker");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "the greedy client's third still waits");
        drop(greedy);
        let third = third.await.expect("joined").expect("then it gets a worker");
        drop((polite, third));
        assert_eq!(pool.status().clients, 0, "every place given back");
    }
}
