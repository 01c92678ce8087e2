//! Files the command line reads (scenarios, price CSVs, shards): each read
//! with a size limit, so a huge file, a device or an endless FIFO is an error
//! naming its option instead of a process that eats the machine's memory.

use super::CliError;
use simulation::ScenarioError;
use std::io::Read;
use std::path::Path;

/// The largest scenario file read, bytes (a scenario with the longest price path is ~80 KB).
pub const MAX_SCENARIO_BYTES: u64 = 1 << 20;
/// The largest price CSV read, bytes (ten years of daily prices with other columns is well under this).
pub const MAX_PRICE_CSV_BYTES: u64 = 8 << 20;
/// The largest shard file read, bytes (a 1,000-run Monte Carlo shard of every charted column is ~150 MB).
pub const MAX_SHARD_BYTES: u64 = 512 << 20;

/// Reads `path` as UTF-8 text of at most `max_bytes`, naming `field` (the
/// option) when it is larger or not text.
pub fn read_text(path: &Path, field: &str, max_bytes: u64) -> Result<String, CliError> {
    let file = std::fs::File::open(path).map_err(|e| CliError::io(format!("reading {}", path.display()), e))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1).read_to_end(&mut bytes).map_err(|e| CliError::io(format!("reading {}", path.display()), e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ScenarioError::new(
            field,
            format!("{} is larger than {} MiB", path.display(), max_bytes >> 20),
            format!("a file of at most {} MiB", max_bytes >> 20),
        )
        .into());
    }
    String::from_utf8(bytes)
        .map_err(|_| ScenarioError::new(field, format!("{} is not UTF-8 text", path.display()), "a UTF-8 text file").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_limit_and_endless_devices_are_refused_naming_the_option() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "{\"seed\": 1}").unwrap();
        assert_eq!(read_text(&path, "scenario", 100).unwrap(), "{\"seed\": 1}");
        let error = read_text(&path, "scenario", 4).unwrap_err().to_string();
        assert!(error.contains("scenario") && error.contains("larger than"), "{error}");
        // /dev/zero never ends: read up to the limit, then refused.
        let error = read_text(Path::new("/dev/zero"), "scenario", 1 << 20).unwrap_err().to_string();
        assert!(error.contains("larger than 1 MiB"), "{error}");
    }
}
