//! `hashlab run`: one scenario, its daily series.

use super::output::{write_output, Format};
use super::scenario_args::ScenarioArgs;
use super::CliError;
use std::path::PathBuf;

/// Arguments of `hashlab run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs the scenario and writes the result.
pub fn execute(args: RunArgs) -> Result<(), CliError> {
    let (scenario, _preset) = args.scenario.resolve()?;
    let result = simulation::run(&scenario)?;
    let bytes = match args.format {
        Format::Csv => result.to_csv_string().into_bytes(),
        Format::Json => serde_json::to_vec_pretty(&result).map_err(|e| CliError::usage(format!("encoding JSON: {e}")))?,
    };
    write_output(args.out.as_deref(), &bytes)
}
