//! The API's one error shape: `{"error": {"field", "message", "allowed"}}`
//! with a 4xx for anything the caller can fix, 503 for a full server, and a
//! 500 with an `id` (in the logs) only for a bug.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use simulation::ScenarioError;
use std::time::Duration;

pub use app::wire::{ErrorBody, ErrorDetail};

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
    /// Seconds for `Retry-After` (503s).
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with `status` naming `field`.
    pub fn new(status: StatusCode, field: impl Into<String>, message: impl Into<String>, allowed: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody { error: ErrorDetail { field: field.into(), message: message.into(), allowed: allowed.into() }, id: None },
            retry_after: None,
        }
    }

    /// A 400 for bad input.
    pub fn bad(error: ScenarioError) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error.field, error.message, error.allowed)
    }

    /// A 503: the pool and its queue are full.
    pub fn busy(workers: usize, queue: usize) -> Self {
        Self {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server",
                "the server is busy: every worker is running and the queue is full",
                format!("retry later ({workers} runs at once, {queue} waiting)"),
            )
        }
    }

    /// A 503: the request waited its longest time in the queue without a worker.
    pub fn waited_too_long(max_wait: std::time::Duration) -> Self {
        Self {
            retry_after: Some(max_wait.as_secs().clamp(1, 30) as u32),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server",
                format!("the server is busy: no worker was free within {} s", max_wait.as_secs_f64()),
                "retry later",
            )
        }
    }

    /// A 413: the request body is over `max_bytes`.
    pub fn too_large(max_bytes: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "body", "the request body is too large", format!("up to {max_bytes} bytes"))
    }

    /// A 503: this client already holds its share of the pool.
    pub fn over_client_share(share: usize) -> Self {
        Self {
            retry_after: Some(2),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server",
                format!("this client already has {share} runs running or waiting, its share of this server"),
                format!("at most {share} at once from one address; retry when one has finished"),
            )
        }
    }

    /// A 503: the server is stopping.
    pub fn stopping() -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "server", "the server is shutting down", "retry in a moment")
        }
    }

    /// A 503: the run went past its time budget.
    pub fn time_budget(budget: Duration) -> Self {
        Self {
            retry_after: Some(5),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server",
                format!("the run took longer than this server's time budget of {} s", budget.as_secs_f64()),
                "a smaller run (fewer operators, years or runs), or retry later",
            )
        }
    }

    /// A 500 for a bug, with the id it was logged under.
    pub fn panicked(id: String) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server",
            format!("the server failed on this request (id {id}); it has been logged"),
            "report the id",
        );
        error.body.id = Some(id);
        error
    }
}

impl From<ScenarioError> for ApiError {
    fn from(error: ScenarioError) -> Self {
        Self::bad(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.body).unwrap_or_else(|_| "{\"error\":{}}".to_string());
        let mut response = (self.status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
