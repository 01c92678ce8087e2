//! Writing results: to stdout, or to a file replaced whole (never half-written).

use super::CliError;
use std::io::Write;
use std::path::Path;

/// The formats results come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values, one row per day.
    Csv,
    /// JSON with the series, summary and scenario.
    Json,
}

/// Writes `bytes` to `out`, or to stdout when `out` is `None`. A file is
/// written beside its destination and renamed into place, so a reader never
/// sees half of it.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                // The reader stopped early (`| head`): that is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| CliError::io("writing to stdout", e)),
            }
        }
        Some(path) => {
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".to_string());
            let partial = path.with_file_name(format!(".{file_name}.partial"));
            std::fs::write(&partial, bytes).map_err(|e| CliError::io(format!("writing {}", partial.display()), e))?;
            std::fs::rename(&partial, path).map_err(|e| CliError::io(format!("moving {} into place", path.display()), e))
        }
    }
}
