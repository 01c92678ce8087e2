//! Stopping: the signals that ask the server to stop, and what it does then
//! (no new runs; every run in flight told to stop; connections drained
//! within their deadline by `web::connections`).

use crate::runs::RunService;
use std::sync::Arc;

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

/// Waits for a stop signal, then stops `service` (refusing new runs, telling
/// every run and batch in flight to stop) and resolves, so that the
/// connections' graceful shutdown can begin.
pub async fn on_signal(service: Arc<RunService>) {
    requested().await;
    tracing::info!("shutting down: no new runs; every run in flight is told to stop");
    service.stop();
}
