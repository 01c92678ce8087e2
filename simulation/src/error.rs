//! The one error type users see: which field, what was wrong, what is allowed.

use serde::{Deserialize, Serialize};

/// A scenario value that cannot be used, named by its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message} (allowed: {allowed})")]
pub struct ScenarioError {
    /// The scenario field (or link key) at fault, by its scenario name.
    pub field: String,
    /// What was wrong, in plain words.
    pub message: String,
    /// What would be accepted, e.g. a range with its unit.
    pub allowed: String,
}

impl ScenarioError {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>, allowed: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), allowed: allowed.into() }
    }
}
