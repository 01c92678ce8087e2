//! Where a downloaded run came from, carried in the file so that it survives
//! being saved, mailed and opened years later: the share link that
//! reproduces it (absolute), the model version, the seed and when it was made.
//!
//! - JSON (`/api/export.json`): a `provenance` object first in the document;
//!   JSON readers ignore a key they do not use.
//! - CSV: on request (`provenance=comments`), lines starting with `#` before
//!   the header, which `pandas.read_csv(path, comment="#")`, R's
//!   `read.csv(path, comment.char = "#")` and `data.table::fread` (which skips
//!   them itself) read without breaking. Not by default: a plain
//!   `read_csv(path)` or a spreadsheet would take them for data, so the
//!   plain CSV stays the contract and its file name carries the scenario,
//!   seed and model version.

//!
//! Declared here, in the page's crate, so that the server's files, the
//! command line's and the page's own downloads (the sweep's CSV, built in the
//! browser from the stream's `provenance`) say it in the same words.

use serde::{Deserialize, Serialize};
use simulation::{link, Scenario};

/// Where a run came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Provenance {
    /// The share link that reproduces the run exactly (with the model version).
    pub link: String,
    /// The model version that produced it.
    pub model_version: String,
    /// The seed of its random draws.
    pub seed: u64,
    /// When this file was made, UTC (RFC 3339).
    pub generated_utc: String,
    /// What produced it.
    pub generator: String,
}

impl Provenance {
    /// The provenance of `scenario`'s run served from `site` (e.g.
    /// `https://hashlab.example`), made now (server and command line only: the
    /// browser has no system clock to read this way).
    #[cfg(feature = "ssr")]
    pub fn of(scenario: &Scenario, site: &str) -> Self {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Self::at(scenario, site, secs)
    }

    /// The provenance of `scenario`'s run served from `site`, made `secs` seconds after 1970 (UTC).
    pub fn at(scenario: &Scenario, site: &str, secs: u64) -> Self {
        let (days, rest) = (secs / 86_400, secs % 86_400);
        let generated_utc = format!(
            "{}T{:02}:{:02}:{:02}Z",
            crate::page_state::date_of(i64::try_from(days).unwrap_or(0)),
            rest / 3_600,
            rest % 3_600 / 60,
            rest % 60
        );
        Self {
            link: format!("{}/?{}", site.trim_end_matches('/'), link::to_query(scenario, None)),
            model_version: simulation::MODEL_VERSION.to_string(),
            seed: scenario.seed,
            generated_utc,
            generator: format!("Hashlab {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The `#` lines a CSV of `what` (e.g. "daily series") starts with.
    pub fn csv_comments(&self, what: &str) -> String {
        format!(
            "# Hashlab {what}, model version {}, seed {}, generated {}\n# Reproduce it: {}\n# Read with pandas.read_csv(path, comment=\"#\") or read.csv(path, comment.char = \"#\")\n",
            self.model_version, self.seed, self.generated_utc, self.link
        )
    }

    /// `document` (a JSON object) with `"provenance"` as its first key.
    pub fn prefix_json(&self, document: &[u8]) -> Vec<u8> {
        let provenance = serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec());
        let rest = document.strip_prefix(b"{").unwrap_or(document);
        let mut out = Vec::with_capacity(document.len() + provenance.len() + 16);
        out.extend_from_slice(b"{\"provenance\":");
        out.extend_from_slice(&provenance);
        if rest != b"}" {
            out.push(b',');
        }
        out.extend_from_slice(rest);
        out
    }
}

/// What a sweep's file holds, as its provenance says it: the metric on the
/// final day, or its mean over days `mean_over` (`FROM:TO`).
pub fn sweep_contents(metric: &str, mean_over: Option<&str>, fields: &[&str], runs_per_cell: u64) -> String {
    let taken = mean_over.map(|days| format!(" (mean over days {days})")).unwrap_or_default();
    format!("sweep of {metric}{taken} over {}, {runs_per_cell} seeds per cell", fields.join(" x "))
}

/// What a Monte Carlo's file holds, as its provenance says it.
pub fn montecarlo_contents(runs: u32, first_seed: u64) -> String {
    format!("Monte Carlo bands (p5-p95) over {runs} seeds from seed {first_seed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_keeps_its_keys_after_the_provenance_and_the_csv_comments_name_the_link() {
        let scenario = Scenario { seed: 7, ..Scenario::default() };
        let provenance = Provenance::at(&scenario, "https://lab.example/", 1_764_495_881);
        assert_eq!(provenance.link, format!("https://lab.example/?v={}&seed=7", simulation::MODEL_VERSION));
        assert_eq!(provenance.generated_utc, "2025-11-30T09:44:41Z");
        let json = provenance.prefix_json(br#"{"model_version":"2","days":[]}"#);
        let value: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
        assert_eq!(value["provenance"]["seed"], 7);
        assert_eq!(value["days"], serde_json::json!([]));
        assert!(json.starts_with(br#"{"provenance":{"link":"https://lab.example/?v="#));
        let comments = provenance.csv_comments("daily series");
        assert!(comments.lines().all(|line| line.starts_with("# ")), "{comments}");
        assert!(comments.contains(&format!("Reproduce it: {}", provenance.link)));
    }
}
