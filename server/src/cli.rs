//! The command line: subcommands and their arguments.

mod backtest;
mod batch;
mod duplicate_keys;
mod error;
mod history_report;
mod input;
mod output;
mod run;
mod scenario_args;
mod tables;
mod validate;

pub use error::CliError;

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

/// Hashlab: explore the Bitcoin mining economy. With no subcommand, serves the web app.
#[derive(Debug, Parser)]
#[command(name = "hashlab", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve(ServeArgs),
    /// List the presets: id and title.
    Presets,
    /// List every scenario field with its unit, range and default.
    Fields,
    /// Run one scenario and print its daily series (CSV) or series and summary (JSON).
    Run(run::RunArgs),
    /// Run one scenario and print what happened in it, dated and in words (retargets, halvings, shocks, AI, exits).
    Events(run::RunArgs),
    /// Run one scenario over many seeds: percentile bands (p5, p25, p50, p75, p95) of every charted column.
    Montecarlo(batch::MonteCarloArgs),
    /// Sweep one or two fields over ranges: a final-day metric per cell, over seeds.
    Sweep(batch::SweepArgs),
    /// Join the shard files of a Monte Carlo or sweep run with `--shard i/n`.
    Merge(batch::MergeArgs),
    /// One-at-a-time sensitivity of the main outputs to each key parameter (a tornado).
    Sensitivity(validate::SensitivityArgs),
    /// Check the calibrated presets against late 2025 and write docs/VALIDATION.md with its charts.
    Validate(validate::ValidateArgs),
    /// Replay a span of the observed history (2019-2025) over many seeds and score the model against it.
    Backtest(backtest::BacktestArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on (else `HASHLAB_ADDR`, else 127.0.0.1:3000).
    #[arg(long)]
    addr: Option<SocketAddr>,
}

/// Runs the command line.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        None => serve(ServeArgs { addr: None }),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Presets) => tables::print_presets(),
        Some(Command::Fields) => tables::print_fields(),
        Some(Command::Run(args)) => run::execute(args),
        Some(Command::Events(args)) => run::events(args),
        Some(Command::Montecarlo(args)) => batch::montecarlo(args),
        Some(Command::Sweep(args)) => batch::sweep(args),
        Some(Command::Merge(args)) => batch::merge(args),
        Some(Command::Sensitivity(args)) => validate::sensitivity(args),
        Some(Command::Validate(args)) => validate::validate(args),
        Some(Command::Backtest(args)) => backtest::execute(args),
    }
}

fn serve(args: ServeArgs) -> Result<(), CliError> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| CliError::io("starting the runtime", e))?;
    let mut config = crate::config::Config::from_env().map_err(CliError::usage)?;
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    let served = runtime.block_on(crate::web::serve(config));
    // `web::serve` has waited for requests in flight up to its drain deadline:
    // a simulation still running on a blocking thread is abandoned, not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served.map_err(|e| CliError::Serve(format!("{e:#}")))
}
