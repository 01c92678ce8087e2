//! A batch of runs (a Monte Carlo, a sweep) streamed as server-sent events:
//! `progress` events while it runs, then the batch's own final event or an
//! `error`. It takes a place in the run pool, stops when its client goes away
//! or its time budget runs out, and turns a panic into an error event with an id.

use super::{json_event, ApiState, ProgressEvent};
use crate::error::ApiError;
use crate::runs::pool::{self, CancelOnDrop};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use simulation::montecarlo::{BatchError, Progress};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Runs `work` for `client` (a batch of `runs` runs, named `kind` in messages and logs, and
/// `what` in a panic's log line) on the run pool and streams its progress and
/// final event.
pub(super) async fn stream_batch(
    state: &ApiState,
    client: Option<std::net::IpAddr>,
    kind: &'static str,
    runs: u32,
    what: String,
    work: impl FnOnce(&Progress) -> Result<Event, BatchError> + Send + 'static,
) -> Result<Response, ApiError> {
    let ticket = state.service.pool().ticket(client, crate::runs::fair::Work::Long).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(32);
    let cancel = Arc::new(AtomicBool::new(false));
    state.service.pool().track(&cancel);
    let timed_out = Arc::new(AtomicBool::new(false));
    let pool = state.service.pool().clone();
    let flag = cancel.clone();
    let out_of_time = timed_out.clone();
    let budget = state.service.config().budget;
    tokio::task::spawn_blocking(move || {
        let _ticket = ticket;
        let step = (runs / 100).max(1);
        let report = |done: u32| {
            if done % step == 0 || done == runs {
                let _ = tx.try_send(json_event("progress", &ProgressEvent { done, runs }));
            }
        };
        let progress = Progress::new(&flag, &report);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&progress)));
        let last = match outcome {
            Ok(Ok(event)) => {
                pool.note_completed();
                event
            }
            Ok(Err(BatchError::Cancelled)) => {
                pool.note_cancelled();
                tracing::info!(runs, "a {kind} was cancelled");
                let error = if out_of_time.load(Ordering::Relaxed) {
                    pool.note_timed_out();
                    ApiError::time_budget(budget)
                } else if pool.is_stopping() {
                    ApiError::stopping()
                } else {
                    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "server", format!("the {kind} was cancelled"), "run it again")
                };
                json_event("error", &error.body)
            }
            Ok(Err(BatchError::Invalid(error))) => json_event("error", &ApiError::bad(error).body),
            Err(panic) => {
                let id = uuid::Uuid::new_v4().to_string();
                pool.note_panicked();
                tracing::error!(panic_id = %id, batch = %what, runs, panic = %pool::panic_text(&*panic), "a {kind} panicked");
                json_event("error", &ApiError::panicked(id).body)
            }
        };
        let _ = tx.blocking_send(last);
    });
    // The time budget: past it, the work is told to stop.
    let timer = Arc::downgrade(&cancel);
    tokio::spawn(async move {
        tokio::time::sleep(budget).await;
        if let Some(flag) = timer.upgrade() {
            timed_out.store(true, Ordering::Relaxed);
            flag.store(true, Ordering::Relaxed);
        }
    });
    // Dropped with the response stream: a client that goes away stops the work.
    let guard = CancelOnDrop(Some(cancel));
    let stream = futures_util::stream::unfold((rx, guard), |(mut rx, guard)| async move {
        rx.recv().await.map(|event| (Ok::<Event, Infallible>(event), (rx, guard)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}
