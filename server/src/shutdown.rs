//! Stopping: the signals that ask the server to stop, and what it does then
//! (no new runs; runs in flight may finish and be answered while the
//! connections drain, within `HASHLAB_DRAIN_SECS` by `web::connections`; those
//! still running just before the drain's end are told to stop).

use crate::runs::RunService;
use std::sync::Arc;
use std::time::Duration;

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM
/// (what service managers and Kubernetes send).
pub async fn requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// How long before the drain's deadline runs still in flight are told to
/// stop: time for their requests to be answered (503, stopping) before the
/// connections are closed.
pub const CANCEL_BEFORE_DRAIN_END: Duration = Duration::from_secs(2);

/// Waits for a stop signal, then stops `service` admitting runs and resolves,
/// so that the connections' graceful shutdown (at most `drain`) can begin.
/// Runs in flight go on and are answered; those still running
/// [`CANCEL_BEFORE_DRAIN_END`] before the drain ends are told to stop.
pub async fn on_signal(service: Arc<RunService>, drain: Duration) {
    requested().await;
    tracing::info!(?drain, "shutting down: no new runs; runs in flight may finish within the drain");
    begin(service, drain);
}

/// What a stop signal starts: no new runs now, every run in flight told to
/// stop when the drain is nearly over.
pub fn begin(service: Arc<RunService>, drain: Duration) {
    service.stop_admitting();
    tokio::spawn(async move {
        tokio::time::sleep(drain.saturating_sub(CANCEL_BEFORE_DRAIN_END)).await;
        tracing::info!("the drain is nearly over: runs still in flight are told to stop");
        service.cancel_in_flight();
    });
}
