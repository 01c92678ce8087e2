//! The arguments that choose a scenario, shared by every command that runs one.
//!
//! Layers, each over the one before: a preset or a share link; a scenario
//! file (JSON or TOML; only the fields it names); a price path from CSV;
//! `--set key=value` in order; then `--seed`, `--operators`, `--years`.

use super::CliError;
use simulation::{link, presets, Scenario, ScenarioError};
use std::path::PathBuf;

/// How to choose the scenario.
#[derive(Debug, Clone, clap::Args)]
pub struct ScenarioArgs {
    /// Start from this preset (see `hashlab presets`).
    #[arg(long, conflicts_with = "link")]
    pub preset: Option<String>,
    /// Start from a share link (the whole URL or its query).
    #[arg(long)]
    pub link: Option<String>,
    /// A scenario file, JSON or TOML (by extension), naming any fields to set.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// A CSV of dated prices (`date`, `price_usd` columns) to use as the price path.
    #[arg(long, value_name = "FILE")]
    pub price_csv: Option<PathBuf>,
    /// Set any scenario field by its name, e.g. `--set price_shock_pct=-38`. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// The seed of every random draw.
    #[arg(long)]
    pub seed: Option<String>,
    /// Operators in the initial population.
    #[arg(long)]
    pub operators: Option<String>,
    /// Simulated years.
    #[arg(long)]
    pub years: Option<String>,
}

impl ScenarioArgs {
    /// The scenario these arguments describe, checked, and the preset it started from.
    pub fn resolve(&self) -> Result<(Scenario, Option<String>), CliError> {
        let (mut scenario, preset) = match (&self.preset, &self.link) {
            (Some(id), _) => match presets::find(id) {
                Some(found) => (found.scenario, Some(id.clone())),
                None => return Err(ScenarioError::new("preset", format!("no preset is called `{id}`"), presets::ids().join(", ")).into()),
            },
            (None, Some(url)) => {
                // A share link copied from the page may carry its own keys (play position, view, baselines): not the scenario's.
                let parsed = link::from_query_strict(url, &app::page_state::PAGE_KEYS)?;
                for warning in &parsed.warnings {
                    eprintln!("hashlab: note: {warning}");
                }
                (parsed.scenario, parsed.preset)
            }
            (None, None) => (Scenario::default(), None),
        };
        if let Some(path) = &self.scenario {
            scenario = overlay_file(&scenario, path)?;
        }
        if let Some(path) = &self.price_csv {
            let text = super::input::read_text(path, "price_csv", super::input::MAX_PRICE_CSV_BYTES)?;
            scenario.price_path = simulation::scenario::parse_price_csv(&text)?;
        }
        for assignment in &self.sets {
            let (key, value) =
                assignment.split_once('=').ok_or_else(|| CliError::usage(format!("--set `{assignment}`: expected KEY=VALUE")))?;
            scenario.set_field(key.trim(), value)?;
        }
        for (name, value) in [("seed", &self.seed), ("operators", &self.operators), ("years", &self.years)] {
            if let Some(value) = value {
                scenario.set_field(name, value)?;
            }
        }
        scenario.validate()?;
        Ok((scenario, preset))
    }
}

/// Applies the fields a JSON or TOML file names over `base`.
fn overlay_file(base: &Scenario, path: &std::path::Path) -> Result<Scenario, CliError> {
    let text = super::input::read_text(path, "scenario", super::input::MAX_SCENARIO_BYTES)?;
    let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let overlay: serde_json::Value = if is_toml {
        let value: toml::Value = toml::from_str(&text).map_err(|e| {
            ScenarioError::new("scenario", format!("{}: {}", path.display(), e.message()), "a TOML table of scenario fields")
        })?;
        serde_json::to_value(value).map_err(|e| ScenarioError::new("scenario", e.to_string(), "a TOML table of scenario fields"))?
    } else {
        if let Some(key) = super::duplicate_keys::first_duplicate_key(&text) {
            let field = key.split('.').next().unwrap_or(&key).to_string();
            return Err(ScenarioError::new(field, format!("{}: `{key}` is given twice", path.display()), "each field once").into());
        }
        serde_json::from_str(&text)
            .map_err(|e| ScenarioError::new("scenario", format!("{}: {e}", path.display()), "a JSON object of scenario fields"))?
    };
    let serde_json::Value::Object(fields) = overlay else {
        return Err(ScenarioError::new(
            "scenario",
            format!("{} does not hold an object of fields", path.display()),
            "an object of scenario fields",
        )
        .into());
    };
    let mut merged = serde_json::to_value(base).map_err(|e| CliError::usage(e.to_string()))?;
    for (key, value) in fields {
        merged[key] = value;
    }
    Ok(Scenario::deserialize_checked(merged)?)
}
