//! `hashlab backtest`: replay a span of the observed history (2019-2025) over
//! many seeds and score the model against what the network did.

use super::output::write_output;
use super::CliError;
use chrono::NaiveDate;
use simulation::backtest::{self, BacktestSpec};
use simulation::montecarlo::{BatchError, Progress};
use simulation::ScenarioError;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// What `hashlab backtest` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BacktestFormat {
    /// The scorecard in words, a line per figure.
    Text,
    /// One row per day: observed beside the model's 5th, 50th and 95th percentiles.
    Csv,
    /// The scorecard, the days and the scenario.
    Json,
}

/// Arguments of `hashlab backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// A named window: 2019, 2020, 2021h2, 2022, 2023, 2024, 2025.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    window: Option<String>,
    /// The first day (with --to), from 2019-01-01.
    #[arg(long, requires = "to")]
    from: Option<NaiveDate>,
    /// The last day (with --from), up to 2025-12-29.
    #[arg(long, requires = "from")]
    to: Option<NaiveDate>,
    /// Seeds (run i uses seed + i).
    #[arg(long, default_value_t = 8)]
    runs: u32,
    /// The first seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Operators per run.
    #[arg(long, default_value_t = 2_000)]
    operators: u32,
    /// Set a scenario field over the window's network in every seed, e.g.
    /// `--set switch_off_days=14`: another parameter set scored against the same
    /// history. Repeatable; not the fields a window defines (start_date, years,
    /// history_replay, price_path; seed and operators have their own options).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: BacktestFormat,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The spec `args` ask for.
fn spec(args: &BacktestArgs) -> Result<BacktestSpec, ScenarioError> {
    let mut spec = match (&args.window, args.from, args.to) {
        (Some(id), _, _) => BacktestSpec::window(id, args.runs, args.seed)?,
        (None, Some(from), Some(to)) => BacktestSpec::span(from, to, args.runs, args.seed),
        _ => {
            return Err(ScenarioError::new(
                "window",
                "neither a window nor --from and --to",
                format!("--window one of {}, or --from DATE --to DATE", simulation::history::windows::ids().join(", ")),
            ))
        }
    };
    spec.operators = args.operators;
    simulation::FieldSpec::find("operators").expect("a field").check(&serde_json::json!(args.operators))?;
    for assignment in &args.sets {
        let (key, value) = assignment.split_once('=').ok_or_else(|| {
            ScenarioError::new("set", format!("`{}` is not KEY=VALUE", assignment.chars().take(64).collect::<String>()), "KEY=VALUE")
        })?;
        spec.set_field(key.trim(), value)?;
    }
    Ok(spec)
}

/// Runs the back-test and writes what was asked.
pub fn execute(args: BacktestArgs) -> Result<(), CliError> {
    let spec = spec(&args)?;
    let cancel = AtomicBool::new(false);
    let result = backtest::run(&spec, &Progress::new(&cancel, &|_| {})).map_err(|e| match e {
        BatchError::Invalid(e) => CliError::from(e),
        BatchError::Cancelled => CliError::usage("cancelled"),
    })?;
    let bytes = match args.format {
        BacktestFormat::Text => result.scorecard_text().into_bytes(),
        BacktestFormat::Csv => result.to_csv().into_bytes(),
        BacktestFormat::Json => serde_json::to_vec_pretty(&result).map_err(|e| CliError::usage(format!("encoding JSON: {e}")))?,
    };
    write_output(args.out.as_deref(), &bytes)
}
