//! What the server sends and the page (or any API client) reads, declared
//! once: the error body of every 4xx and 5xx and of an `error` event, and the
//! `progress` event of every batch stream (Monte Carlo, sweep, sensitivity).

use serde::{Deserialize, Serialize};

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// The field (scenario field, query key, or `body`, `server`) at fault.
    #[serde(default)]
    pub field: String,
    /// What was wrong, in plain words.
    pub message: String,
    /// What would be accepted.
    #[serde(default)]
    pub allowed: String,
}

/// Every error response's body: `{"error": {"field", "message", "allowed"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What was wrong.
    pub error: ErrorDetail,
    /// For a 500: the id the server logged the failure under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// A `progress` event of a batch: runs finished, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProgressEvent {
    /// Runs finished.
    pub done: u32,
    /// Runs in all.
    pub runs: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_back_as_written() {
        let body = ErrorBody {
            error: ErrorDetail { field: "runs".into(), message: "0 is out of range".into(), allowed: "1 to 1000".into() },
            id: None,
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"error":{"field":"runs","message":"0 is out of range","allowed":"1 to 1000"}}"#);
        assert_eq!(serde_json::from_str::<ErrorBody>(&json).unwrap(), body);
        assert_eq!(serde_json::from_str::<ProgressEvent>(r#"{"done":3,"runs":70}"#).unwrap(), ProgressEvent { done: 3, runs: 70 });
    }
}
