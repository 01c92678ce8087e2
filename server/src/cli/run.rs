//! `hashlab run`: one scenario, its daily series.

use super::output::{write_output, Format, ProvenanceArg};
use super::scenario_args::ScenarioArgs;
use super::CliError;
use std::path::PathBuf;

/// Arguments of `hashlab run` and `hashlab events`.
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
    #[command(flatten)]
    provenance: ProvenanceArg,
}

/// Runs the scenario and writes what happened in it, dated and in words.
pub fn events(args: RunArgs) -> Result<(), CliError> {
    let (scenario, _preset) = args.scenario.resolve()?;
    let result = simulation::run(&scenario)?;
    let bytes = match args.format {
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(Vec::new());
            let io = |e: csv::Error| CliError::usage(format!("writing CSV: {e}"));
            csv.write_record(["day", "date", "kind", "value", "text"]).map_err(io)?;
            for event in &result.events {
                let kind = serde_json::to_value(event.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                csv.write_record([
                    event.day.to_string(),
                    event.date.clone(),
                    kind,
                    simulation::output::format_number(event.value),
                    event.text.clone(),
                ])
                .map_err(io)?;
            }
            csv.into_inner().map_err(|e| CliError::usage(format!("writing CSV: {e}")))?
        }
        Format::Json => serde_json::to_vec_pretty(&result.events).map_err(|e| CliError::usage(format!("encoding JSON: {e}")))?,
    };
    let bytes = args.provenance.stamp(bytes, args.format, &scenario, "events")?;
    write_output(args.out.as_deref(), &bytes)
}

/// Runs the scenario and writes the result.
pub fn execute(args: RunArgs) -> Result<(), CliError> {
    let (scenario, _preset) = args.scenario.resolve()?;
    let result = simulation::run(&scenario)?;
    let bytes = match args.format {
        Format::Csv => result.to_csv_string().into_bytes(),
        Format::Json => serde_json::to_vec_pretty(&result).map_err(|e| CliError::usage(format!("encoding JSON: {e}")))?,
    };
    let bytes = args.provenance.stamp(bytes, args.format, &scenario, "daily series")?;
    write_output(args.out.as_deref(), &bytes)
}
