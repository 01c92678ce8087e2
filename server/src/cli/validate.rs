//! `hashlab validate` (writes docs/VALIDATION.md and its charts) and
//! `hashlab sensitivity` (the tornado of one scenario).

use super::figures::{dated_chart, tornado, Line, Observed};
use super::output::{write_output, Format};
use super::scenario_args::ScenarioArgs;
use super::CliError;
use chrono::NaiveDate;
use simulation::montecarlo::{BatchError, Progress};
use simulation::sensitivity::{run_sensitivity, Sensitivity};
use simulation::validation::{validate_preset, PresetValidation};
use simulation::Scenario;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// Arguments of `hashlab validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Seeds per preset.
    #[arg(long, default_value_t = 24)]
    runs: u32,
    /// Operators per run (the resolution the presets are calibrated at).
    #[arg(long, default_value_t = 2_000)]
    operators: u32,
    /// Seeds per setting of the sensitivity analysis.
    #[arg(long, default_value_t = 50)]
    sensitivity_runs: u32,
    /// Folder to write VALIDATION.md and validation/*.svg into.
    #[arg(long, default_value = "docs")]
    out_dir: PathBuf,
}

/// Arguments of `hashlab sensitivity`.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// Seeds per setting.
    #[arg(long, default_value_t = 50)]
    runs: u32,
    /// Output format: csv or json (the tornado as SVG with --svg).
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Also write the hash-rate tornado chart as SVG here.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn quiet_progress<T>(work: impl FnOnce(&Progress) -> Result<T, BatchError>) -> Result<T, CliError> {
    let cancel = AtomicBool::new(false);
    let report = |_| {};
    work(&Progress::new(&cancel, &report)).map_err(|e| match e {
        BatchError::Invalid(error) => error.into(),
        BatchError::Cancelled => CliError::usage("cancelled"),
    })
}

/// Runs the sensitivity analysis of one scenario.
pub fn sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    let (scenario, _) = args.scenario.resolve()?;
    let result = quiet_progress(|progress| run_sensitivity(&scenario, args.runs, progress))?;
    if let Some(path) = &args.svg {
        write_output(Some(path), tornado(&result, 0, "Final hash rate: what moves it", "EH/s").as_bytes())?;
    }
    let bytes = match args.format {
        Format::Csv => result.to_csv_string().into_bytes(),
        Format::Json => serde_json::to_vec_pretty(&result).map_err(|e| CliError::usage(e.to_string()))?,
    };
    write_output(args.out.as_deref(), &bytes)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
}

/// Observations from shared/CALIBRATION.md, for the charts.
fn observed_hash() -> Vec<(NaiveDate, f64)> {
    vec![
        (date("2025-11-04"), 1_092.0),
        (date("2025-11-17"), 1_060.0),
        (date("2025-12-04"), 1_024.0),
        (date("2025-12-26"), 1_098.0),
        (date("2026-01-12"), 1_024.0),
    ]
}

fn observed_hashprice() -> Vec<(NaiveDate, f64)> {
    vec![(date("2025-11-03"), 43.33), (date("2025-11-22"), 35.06), (date("2026-01-12"), 39.53)]
}

fn observed_difficulty() -> Vec<(NaiveDate, f64)> {
    vec![(date("2025-08-15"), 129.7), (date("2025-11-01"), 155.97), (date("2026-01-08"), 148.26)]
}

fn path_series(validation: &PresetValidation, pick: fn(&(String, f64, f64, f64)) -> f64) -> Vec<(NaiveDate, f64)> {
    validation.median_path.iter().filter_map(|p| NaiveDate::parse_from_str(&p.0, "%Y-%m-%d").ok().map(|d| (d, pick(p)))).collect()
}

/// Runs every check and writes the report.
pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    let figures = args.out_dir.join("validation");
    std::fs::create_dir_all(&figures).map_err(|e| CliError::io(format!("creating {}", figures.display()), e))?;
    let history = quiet_progress(|p| validate_preset("history-2025q4", args.runs, args.operators, p))?;
    let squeeze = quiet_progress(|p| validate_preset("late-2025-squeeze", args.runs, args.operators, p))?;
    let base = Scenario { operators: args.operators, ..Scenario::default() };
    let sensitivity = quiet_progress(|p| run_sensitivity(&base, args.sensitivity_runs, p))?;

    let charts: Vec<(&str, String)> = vec![
        (
            "history-hashrate.svg",
            dated_chart(
                "History Oct 2025 - Jan 2026: hash rate",
                "EH/s",
                &[Line { label: "model (median seed)", points: path_series(&history, |p| p.1) }],
                &[Observed { label: "observed, 7-day means from blocks", points: observed_hash() }],
            ),
        ),
        (
            "history-hashprice.svg",
            dated_chart(
                "History Oct 2025 - Jan 2026: hashprice",
                "USD per PH/s per day",
                &[Line { label: "model (median seed)", points: path_series(&history, |p| p.2) }],
                &[Observed { label: "observed (Hashrate Index, Luxor)", points: observed_hashprice() }],
            ),
        ),
        (
            "history-difficulty.svg",
            dated_chart(
                "History Oct 2025 - Jan 2026: difficulty",
                "T",
                &[Line { label: "model (median seed)", points: path_series(&history, |p| p.3) }],
                &[Observed {
                    label: "observed",
                    points: observed_difficulty().into_iter().filter(|p| p.0 >= date("2025-10-01")).collect(),
                }],
            ),
        ),
        (
            "squeeze-hashrate.svg",
            dated_chart(
                "Late-2025 squeeze: hash rate",
                "EH/s",
                &[Line { label: "model (median seed)", points: path_series(&squeeze, |p| p.1) }],
                &[],
            ),
        ),
        (
            "squeeze-hashprice.svg",
            dated_chart(
                "Late-2025 squeeze: hashprice",
                "USD per PH/s per day",
                &[Line { label: "model (median seed)", points: path_series(&squeeze, |p| p.2) }],
                &[Observed { label: "seed story: ~$55 -> ~$35", points: vec![(date("2025-10-06"), 55.0), (date("2025-11-22"), 35.0)] }],
            ),
        ),
        ("tornado-hashrate.svg", tornado(&sensitivity, 0, "Baseline: final hash rate (last 30 days)", "EH/s")),
        ("tornado-budget.svg", tornado(&sensitivity, 1, "Baseline: security budget (last 30 days)", "USD/day")),
        ("tornado-nakamoto.svg", tornado(&sensitivity, 2, "Baseline: Nakamoto coefficient of pools (last 30 days)", "pools")),
    ];
    for (name, svg) in &charts {
        write_output(Some(&figures.join(name)), svg.as_bytes())?;
    }
    let report = report_markdown(&args, &[&history, &squeeze], &sensitivity);
    write_output(Some(&args.out_dir.join("VALIDATION.md")), report.as_bytes())
}

fn report_markdown(args: &ValidateArgs, presets: &[&PresetValidation], sensitivity: &Sensitivity) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Validation: does Hashlab reproduce late 2025?\n");
    let _ = writeln!(
        md,
        "Generated by `hashlab validate --runs {} --operators {} --sensitivity-runs {}` (model version {}); do not edit by hand. \
         Observations are from `shared/CALIBRATION.md`, which cites its sources. Each check runs the preset over {} seeds \
         and compares the **median** with a band; p5 and p95 show the spread across seeds. The integration test \
         `simulation/tests/integration/calibration.rs` holds the same medians in the same bands.\n",
        args.runs,
        args.operators,
        args.sensitivity_runs,
        simulation::MODEL_VERSION,
        args.runs
    );
    for validation in presets {
        let title = simulation::presets::find(&validation.preset).map(|p| p.title).unwrap_or_default();
        let _ = writeln!(md, "## {} (`{}`)\n", title, validation.preset);
        let _ = writeln!(md, "| check | observed | band (median) | p5 | median | p95 | result |\n|---|---|---|---:|---:|---:|---|");
        for check in &validation.checks {
            let _ = writeln!(
                md,
                "| {} | {} | {} to {} | {:.2} | {:.2} | {:.2} | {} |",
                check.name,
                check.observed,
                check.band.0,
                check.band.1,
                check.p5,
                check.p50,
                check.p95,
                if check.pass { "in band" } else { "**outside**" }
            );
        }
        let _ = writeln!(md, "\nWhy these bands:\n");
        for check in &validation.checks {
            let _ = writeln!(md, "- *{}*: {}.", check.name, check.reason);
        }
        let _ = writeln!(md);
        let prefix = if validation.preset == "history-2025q4" { "history" } else { "squeeze" };
        let names: &[&str] = if prefix == "history" { &["hashrate", "hashprice", "difficulty"] } else { &["hashrate", "hashprice"] };
        for name in names {
            let _ = writeln!(md, "![{prefix} {name}](validation/{prefix}-{name}.svg)\n");
        }
    }
    let _ = writeln!(md, "## What matches, and what does not\n");
    for validation in presets {
        for check in &validation.checks {
            let width = check.band.1 - check.band.0;
            let margin = (check.p50 - check.band.0).min(check.band.1 - check.p50);
            let verdict = if !check.pass {
                "misses its band"
            } else if margin < 0.1 * width {
                "is in its band, but near the edge"
            } else {
                "matches"
            };
            let _ = writeln!(md, "- `{}`, {}: median {:.2} {verdict}.", validation.preset, check.name, check.p50);
        }
    }
    let _ = writeln!(
        md,
        "\n## Sensitivity: which assumptions drive the answer\n\nThe baseline scenario ({} operators, {} years), each key parameter moved to a low and a high value \
         with everything else fixed, {} seeds per setting (the same seeds for every setting). Outputs are the means of the last 30 days; \
         the table is sorted by the swing in hash rate. `hashlab sensitivity` runs the same analysis on any scenario.\n",
        sensitivity.scenario.operators, sensitivity.scenario.years, sensitivity.runs
    );
    let _ = writeln!(md, "| parameter | low | high | hash rate, EH/s (low / high) | budget, $M/day (low / high) | Nakamoto, pools (low / high) |\n|---|---:|---:|---|---|---|");
    let _ = writeln!(md, "| *base* | | | {:.0} | {:.1} | {:.1} |", sensitivity.base[0], sensitivity.base[1] / 1e6, sensitivity.base[2]);
    for lever in &sensitivity.levers {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {:.0} / {:.0} | {:.1} / {:.1} | {:.1} / {:.1} |",
            lever.field,
            lever.low,
            lever.high,
            lever.at_low[0],
            lever.at_high[0],
            lever.at_low[1] / 1e6,
            lever.at_high[1] / 1e6,
            lever.at_low[2],
            lever.at_high[2]
        );
    }
    let _ = writeln!(md, "\n![tornado: hash rate](validation/tornado-hashrate.svg)\n\n![tornado: budget](validation/tornado-budget.svg)\n\n![tornado: Nakamoto](validation/tornado-nakamoto.svg)\n");
    let _ = writeln!(
        md,
        "## Known limits\n\n\
         - Operators are agents at a chosen resolution (`operators`), not real firms: the Nakamoto coefficient of operators depends on it.\n\
         - No hedging, forward sales or power curtailment programmes beyond the switch-off delay; no hosting contracts.\n\
         - Difficulty is an `f64`; Core's compact-bits rounding is not reproduced. Block timestamps are the true arrival times (no miner time-rolling).\n\
         - Fees are a level per day with noise, not a mempool; no fee spikes from congestion.\n\
         - The AI market is a yearly cap on MW and a fixed revenue per MW-year; conversion cannot be undone.\n\
         - The starting fleet mix by kind and generation is an assumption tuned to the ~28 J/TH network mean; pool membership starts at the November 2025 shares.\n\
         - The history replay starts from an October 2025 network the preset sets (difficulty 150 T, ~1,160 EH/s installed); its retargets fall on its own block times, so single adjustments are compared loosely and the net move over two months more strictly.\n"
    );
    md
}
