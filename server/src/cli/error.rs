//! What the command line reports when it cannot do what was asked.

use simulation::ScenarioError;

/// A failure of a command, with the exit status it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A scenario value is wrong: names the field and what it allows.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The arguments do not fit together.
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The web server stopped with an error.
    #[error("server: {0}")]
    Serve(String),
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { what: what.into(), source }
    }

    /// 2 for bad input, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Scenario(_) | Self::Usage(_) => 2,
            Self::Io { .. } | Self::Serve(_) => 1,
        }
    }
}
