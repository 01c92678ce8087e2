//! `hashlab montecarlo`, `hashlab sweep` and `hashlab merge`: many runs, on
//! one machine or split into shards across many (`--shard i/n`, then `merge`).

use super::output::{write_output, Format, ProvenanceArg};
use super::scenario_args::ScenarioArgs;
use super::CliError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use simulation::montecarlo::{self, BatchError, MonteCarloSamples, Progress};
use simulation::sweep::{self, Axis, SweepResult, SweepSpec, Window};
use simulation::ScenarioError;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// Arguments of `hashlab montecarlo`.
#[derive(Debug, clap::Args)]
pub struct MonteCarloArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// How many seeds (run i uses seed + i).
    #[arg(long, default_value_t = 100)]
    runs: u32,
    #[command(flatten)]
    output: BatchOutput,
}

/// Arguments of `hashlab sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// A swept field, `FIELD=FROM:TO:STEPS`; once or twice.
    #[arg(long = "param", value_name = "FIELD=FROM:TO:STEPS", required = true)]
    params: Vec<String>,
    /// The daily column taken on the final day, e.g. nakamoto_pools.
    #[arg(long)]
    metric: String,
    /// Take the metric's mean over these days of each run instead of its
    /// final day: FROM:TO, days from 0, TO may be `end` (0:end: the whole run).
    #[arg(long, value_name = "FROM:TO")]
    mean_over: Option<String>,
    /// Seeds per cell.
    #[arg(long, default_value_t = 10)]
    runs: u32,
    #[command(flatten)]
    output: BatchOutput,
}

/// Arguments of `hashlab merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shard files (`--shard` outputs), in any order.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    provenance: ProvenanceArg,
}

#[derive(Debug, clap::Args)]
struct BatchOutput {
    /// Output format (a shard is always JSON).
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Run only part `i` of `n` (0-based) and write it for `hashlab merge`.
    #[arg(long, value_name = "i/n")]
    shard: Option<String>,
    #[command(flatten)]
    provenance: ProvenanceArg,
}

/// What a shard writes: enough to merge with its siblings.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Shard {
    Montecarlo(MonteCarloSamples),
    Sweep(SweepResult),
}

/// The part of `total` runs or cells that shard `i/n` (from `--shard`) runs:
/// (first, how many). A shard with nothing to run is refused, as `merge` would
/// refuse its file.
fn shard_part(text: &str, total: u32, what: &str) -> Result<(u32, u32), CliError> {
    let (i, n) = parse_shard(text)?;
    let (first, count) = sweep::shard_range(total, i, n)?;
    if count == 0 {
        return Err(
            ScenarioError::new("shard", format!("shard {i}/{n} of {total} {what} holds none"), format!("at most {total} shards")).into()
        );
    }
    Ok((first, count))
}

fn parse_shard(text: &str) -> Result<(u32, u32), CliError> {
    let bad = || ScenarioError::new("shard", format!("`{text}`"), "i/n with 0 <= i < n, e.g. 3/10");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || i >= n {
        return Err(bad().into());
    }
    Ok((i, n))
}

/// A progress bar on the terminal (stderr), hidden when it is not one.
fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} runs, {elapsed} elapsed, ~{eta} left")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(what.to_string());
    bar
}

fn batch_error(error: BatchError) -> CliError {
    match error {
        BatchError::Invalid(e) => e.into(),
        BatchError::Cancelled => CliError::usage("cancelled"),
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CliError> {
    serde_json::to_vec_pretty(value).map_err(|e| CliError::usage(format!("encoding JSON: {e}")))
}

/// Runs a Monte Carlo (or one shard of it).
pub fn montecarlo(args: MonteCarloArgs) -> Result<(), CliError> {
    let (scenario, _) = args.scenario.resolve()?;
    montecarlo::check_runs(args.runs)?;
    let shard = args.output.shard.as_deref().map(|text| shard_part(text, args.runs, "runs")).transpose()?;
    let (first, count) = shard.unwrap_or((0, args.runs));
    let bar = progress_bar(u64::from(count), "monte carlo");
    let cancel = AtomicBool::new(false);
    let report = |done: u32| bar.set_position(u64::from(done));
    let progress = Progress::new(&cancel, &report);
    let samples =
        montecarlo::run_samples(&scenario, args.runs, first, count, app::catalogue::BAND_COLUMNS, &progress).map_err(batch_error)?;
    bar.finish_and_clear();
    if shard.is_some() {
        return write_output(args.output.out.as_deref(), &encode(&Shard::Montecarlo(samples))?);
    }
    let result = montecarlo::merge_samples(vec![samples])?;
    let bytes = match args.output.format {
        Format::Csv => result.to_csv_string().into_bytes(),
        Format::Json => encode(&result)?,
    };
    let what = montecarlo_what(&result);
    let bytes = args.output.provenance.stamp(bytes, args.output.format, &result.scenario, &what)?;
    write_output(args.output.out.as_deref(), &bytes)
}

/// Runs a sweep (or one shard of it).
pub fn sweep(args: SweepArgs) -> Result<(), CliError> {
    let (scenario, _) = args.scenario.resolve()?;
    let axes = args.params.iter().map(|p| Axis::parse(p)).collect::<Result<Vec<_>, _>>()?;
    let mean_over = args.mean_over.as_deref().map(Window::parse).transpose()?;
    let spec = SweepSpec { scenario, axes, metric: args.metric, mean_over, runs: args.runs };
    spec.check()?;
    let total = spec.cell_count();
    let shard = args.output.shard.as_deref().map(|text| shard_part(text, total, "cells")).transpose()?;
    let (first, count) = shard.unwrap_or((0, total));
    let bar = progress_bar(u64::from(count) * u64::from(spec.runs), "sweep");
    let cancel = AtomicBool::new(false);
    let report = |done: u32| bar.set_position(u64::from(done));
    let progress = Progress::new(&cancel, &report);
    let result = sweep::run_sweep(&spec, first, count, &progress).map_err(batch_error)?;
    bar.finish_and_clear();
    if shard.is_some() {
        return write_output(args.output.out.as_deref(), &encode(&Shard::Sweep(result))?);
    }
    let bytes = match args.output.format {
        Format::Csv => result.to_csv_string().into_bytes(),
        Format::Json => encode(&result)?,
    };
    let bytes = args.output.provenance.stamp(bytes, args.output.format, &result.spec.scenario, &sweep_what(&result))?;
    write_output(args.output.out.as_deref(), &bytes)
}

/// What a Monte Carlo's file holds, for its provenance.
fn montecarlo_what(result: &montecarlo::MonteCarloResult) -> String {
    app::provenance::montecarlo_contents(result.runs, result.scenario.seed)
}

/// What a sweep's file holds, for its provenance.
fn sweep_what(result: &SweepResult) -> String {
    let fields: Vec<&str> = result.spec.axes.iter().map(|a| a.field.as_str()).collect();
    let mean_over = result.spec.mean_over.map(|window| window.text());
    app::provenance::sweep_contents(&result.spec.metric, mean_over.as_deref(), &fields, u64::from(result.spec.runs))
}

/// Joins shard files into the whole result.
pub fn merge(args: MergeArgs) -> Result<(), CliError> {
    let mut montecarlos = Vec::new();
    let mut sweeps = Vec::new();
    for path in &args.files {
        let text = super::input::read_text(path, "shards", super::input::MAX_SHARD_BYTES)?;
        let shard: Shard = serde_json::from_str(&text)
            .map_err(|e| ScenarioError::new("shards", format!("{}: {e}", path.display()), "files written by `--shard i/n`"))?;
        // A shard of another model version holds another model's numbers: merging
        // them would stamp this version on them.
        let version = match &shard {
            Shard::Montecarlo(samples) => samples.model_version.as_str(),
            Shard::Sweep(result) => result.model_version.as_str(),
        };
        if version != simulation::MODEL_VERSION {
            return Err(ScenarioError::new(
                "shards",
                format!(
                    "{} was made by model version {}, this is version {}",
                    path.display(),
                    version.chars().take(20).collect::<String>(),
                    simulation::MODEL_VERSION
                ),
                format!("shards made by model version {} (run them again with this binary)", simulation::MODEL_VERSION),
            )
            .into());
        }
        // Untrusted: its counts and shapes are checked before anything is sized from them.
        let checked = match &shard {
            Shard::Montecarlo(samples) => samples.check(),
            Shard::Sweep(result) => result.check(),
        };
        checked.map_err(|e| ScenarioError::new(e.field, format!("{}: {}", path.display(), e.message), e.allowed))?;
        match shard {
            Shard::Montecarlo(samples) => montecarlos.push(samples),
            Shard::Sweep(result) => sweeps.push(result),
        }
    }
    if !montecarlos.is_empty() && !sweeps.is_empty() {
        return Err(ScenarioError::new("shards", "Monte Carlo and sweep shards are mixed", "the shards of one batch").into());
    }
    let bytes = if sweeps.is_empty() {
        let result = montecarlo::merge_samples(montecarlos)?;
        let bytes = match args.format {
            Format::Csv => result.to_csv_string().into_bytes(),
            Format::Json => encode(&result)?,
        };
        args.provenance.stamp(bytes, args.format, &result.scenario, &montecarlo_what(&result))?
    } else {
        let result = sweep::merge_sweeps(sweeps)?;
        let bytes = match args.format {
            Format::Csv => result.to_csv_string().into_bytes(),
            Format::Json => encode(&result)?,
        };
        args.provenance.stamp(bytes, args.format, &result.spec.scenario, &sweep_what(&result))?
    };
    write_output(args.out.as_deref(), &bytes)
}
