//! The history section of docs/VALIDATION.md: every back-test window, its
//! scorecard in one table row, a chart of the hash rate, and where the model
//! misses, in words.

use super::CliError;
use app::render::figures::{dated_chart, Line, Observed};
use simulation::backtest::{self, BacktestResult, BacktestSpec};
use simulation::history::windows::WINDOWS;
use simulation::montecarlo::{BatchError, Progress};
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

/// A miss of the hash rate's change over a window larger than this (in
/// percentage points) is named in the report.
const MISS_POINTS: f64 = 15.0;

/// Back-tests every window with `runs` seeds of `operators` operators.
pub fn run_windows(runs: u32, operators: u32) -> Result<Vec<BacktestResult>, CliError> {
    let cancel = AtomicBool::new(false);
    let report = |_| {};
    WINDOWS
        .iter()
        .map(|window| {
            let mut spec = BacktestSpec::window(window.id, runs, 1)?;
            spec.operators = operators;
            backtest::run(&spec, &Progress::new(&cancel, &report)).map_err(|e| match e {
                BatchError::Invalid(error) => error.into(),
                BatchError::Cancelled => CliError::usage("cancelled"),
            })
        })
        .collect()
}

/// The scales of the factories' output at a window's start in the report's
/// table of what the model's growth rests on (1 is the back-test as it is).
pub const FACTORY_SCALES: [f64; 3] = [0.5, 1.0, 2.0];

/// One window's hash rate change (the model's median, percent) with the
/// factories' output at its start scaled by each of [`FACTORY_SCALES`].
pub struct FactoryRow {
    /// The window's id.
    pub window: String,
    /// The hash rate's change over the window, observed, percent.
    pub observed_pct: f64,
    /// The factories' output at the window's start, EH/s a month.
    pub output_ehs_per_month: f64,
    /// The model's change at each scale, percent.
    pub model_pct: Vec<f64>,
}

/// Back-tests every window of `results` again with the factories' output at
/// its start scaled by each of [`FACTORY_SCALES`] (the same seeds and operators).
pub fn factory_sensitivity(results: &[BacktestResult]) -> Result<Vec<FactoryRow>, CliError> {
    let cancel = AtomicBool::new(false);
    let report = |_| {};
    results
        .iter()
        .map(|result| {
            let output = result.scenario.manufacturer_production_ehs_per_month;
            let model_pct = FACTORY_SCALES
                .iter()
                .map(|&scale| {
                    if scale == 1.0 {
                        return Ok(result.scorecard.hashrate_change_model_pct);
                    }
                    let mut spec = result.spec.clone();
                    spec.set_field("manufacturer_production_ehs_per_month", &(output * scale).to_string())?;
                    let scaled = backtest::run(&spec, &Progress::new(&cancel, &report)).map_err(|e| match e {
                        BatchError::Invalid(error) => CliError::from(error),
                        BatchError::Cancelled => CliError::usage("cancelled"),
                    })?;
                    Ok(scaled.scorecard.hashrate_change_model_pct)
                })
                .collect::<Result<Vec<f64>, CliError>>()?;
            Ok(FactoryRow {
                window: result.spec.window.clone().unwrap_or_default(),
                observed_pct: result.scorecard.hashrate_change_observed_pct,
                output_ehs_per_month: output,
                model_pct,
            })
        })
        .collect()
}

/// The hash rate chart of one window: the model's median and 5-95% band against observed weekly points.
pub fn chart(result: &BacktestResult) -> (String, String) {
    let id = result.spec.window.clone().unwrap_or_default();
    let pick = |f: fn(&backtest::BacktestDay) -> f64| result.days.iter().map(|d| (d.date, f(d))).collect::<Vec<_>>();
    let svg = dated_chart(
        &format!("History {id}: hash rate, 30-day means"),
        "EH/s",
        &[
            Line { label: "model (median over seeds)", points: pick(|d| d.model_hashrate_30d_p50_ehs) },
            Line { label: "model, 5th percentile", points: pick(|d| d.model_hashrate_30d_p5_ehs) },
            Line { label: "model, 95th percentile", points: pick(|d| d.model_hashrate_30d_p95_ehs) },
        ],
        &[Observed {
            label: "observed (weekly points)",
            points: result.days.iter().step_by(7).map(|d| (d.date, d.observed_hashrate_30d_ehs)).collect(),
        }],
    );
    (format!("backtest-{id}-hashrate.svg"), svg)
}

/// The section's markdown, with the table of what the growth rests on (`factories`).
pub fn markdown(results: &[BacktestResult], factories: &[FactoryRow]) -> String {
    let mut md = String::new();
    let (runs, operators) = results.first().map(|r| (r.spec.runs, r.spec.operators)).unwrap_or_default();
    let _ = writeln!(
        md,
        "## History: seven years, window by window\n\n\
         `hashlab backtest --window <id> --runs {runs}` for every window (the same as the `history-<id>` presets and `GET /api/backtest`). \
         Each replay starts from the network of its first day (`simulation/src/history/network.rs`: the fleet by generation, kinds and pools of \
         that era, the installed hash sized to the observed 7-day mean, the day's height and difficulty) and is driven only by the observed \
         daily price and fees (`data/btc-daily-2019-2025.csv`, Coin Metrics, CC BY-NC 4.0) and the documented events \
         (`simulation/src/history/events.rs`: China's 2021 ban). **One parameter set** serves every window: nothing is tuned per window. \
         {runs} seeds, {operators} operators; errors compare the model's median with the observed series: *MdALE* is the median over the \
         window's days of `100 |ln(model / observed)|` (hash rate and hashprice as 30-day means, from the 30th day; difficulty daily); \
         *end* is the error on the last day; *change* is the hash rate's change from the window's first 30 days to its last 30; \
         *quarters* counts calendar quarters (60 days or more in the window) whose hash rate moved the way it did in reality.\n"
    );
    let _ = writeln!(
        md,
        "| window | hash rate change, observed | model | hash rate MdALE | at the end | difficulty MdALE | hashprice MdALE | quarters | largest adjustment, observed | model |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in results {
        let s = &r.scorecard;
        let _ = writeln!(
            md,
            "| `{}` | {:+.0}% | {:+.0}% | {:.1}% | {:+.1}% | {:.1}% | {:.1}% | {} of {} | {:+.1}% | {:+.1}% |",
            r.spec.window.as_deref().unwrap_or(""),
            s.hashrate_change_observed_pct,
            s.hashrate_change_model_pct,
            s.hashrate_mdale_pct,
            s.hashrate_end_error_pct,
            s.difficulty_mdale_pct,
            s.hashprice_mdale_pct,
            s.quarter_signs_agree,
            s.quarters.len(),
            s.largest_retarget_observed_pct,
            s.largest_retarget_model_pct
        );
    }
    let _ = writeln!(md, "\n### Where the model misses, and why\n");
    let (mut short, mut over, mut held) = (Vec::new(), Vec::new(), Vec::new());
    let mut churn = Vec::new();
    for r in results {
        let s = &r.scorecard;
        let gap = s.hashrate_change_model_pct - s.hashrate_change_observed_pct;
        let id = r.spec.window.as_deref().unwrap_or("");
        let line = format!("`{id}` ({:+.0}% observed, {:+.0}% model)", s.hashrate_change_observed_pct, s.hashrate_change_model_pct);
        if gap <= -MISS_POINTS {
            short.push(line);
            churn.push(format!(
                "`{id}`: {:.0} of {operators} operators sold up and {:.0} entered, medians",
                s.exits_median, s.entries_median
            ));
        } else if gap >= MISS_POINTS {
            over.push(line);
        } else {
            held.push(line);
        }
    }
    if !short.is_empty() {
        let _ = writeln!(
            md,
            "- **The model grows too little** in {}. The factories' output at a window's start is what the network absorbed over \
             the year before (`history::network::factory_output_ehs_per_month`) plus what replaces its machines that wear out, and at \
             least 2.3% of its hash rate a month; a \
             window's queue of orders starts empty. In these windows that is far less than what was delivered: 2019's factories start \
             from 2018's growth (15 EH/s on 1 January 2018, docs/CALIBRATION.md), ~2.6 EH/s a month of S9s (about 255 MW of machines \
             a month; the same lines make ~5.7 EH/s a month of S17s from April), where 2019's growth took ~5 net of the S9s retired and \
             MicroBT alone sold 35 EH/s that year (the queue grows to about 2 months and an S17-class machine to ~$57/TH in the \
             preset's run, against $30/TH listed in December 2019); 2023 was supplied by lines built \
             for 2021, whose output went to replacing China's exodus rather than to growth, and by 2022's undeployed machines \
             (250,000-500,000 rigs, docs/CALIBRATION.md, Machine market): a window's start knows neither. In 2019's first half the \
             network grew +35% (30-day means, 41.6 EH/s on 1 January, 56.2 on 1 July) and the model about +9% (its quarters \
             +8% and +1%, medians of seeds 1-8): part of that is China's miners moving machines to Sichuan's wet-season hydro \
             each summer (docs/CALIBRATION.md, \"Operator kinds by era\"), and the model's power prices do not follow the seasons. The start's operators are \
             not the cause: they are those that survived the past year's hashprice (per BTC of reward), and those that sell up do so \
             as the hashprice falls below it ({}); their machines go to cheaper power or to the second-hand market.",
            short.join(", "),
            churn.join("; ")
        );
    }
    if !over.is_empty() {
        let _ = writeln!(
            md,
            "- **The model grows too much** in {}: a window's queue of orders starts empty and its factories make the year before's \
             output, so a good month's orders arrive within months (cheap power grows at most `stranded_power_growth_pct_per_year`).",
            over.join(", ")
        );
    }
    if !held.is_empty() {
        let _ = writeln!(md, "- **Within {MISS_POINTS:.0} points**: {}.", held.join(", "));
    }
    let _ = writeln!(
        md,
        "\nThe difficulty follows the hash rate, and the hashprice is the price over the difficulty: where the model's hash rate falls short, \
         its difficulty does too and its hashprice is too high by about as much. The table's largest adjustments compare sizes, not dates: a window's largest observed cut may come from an event the model does not hold (the end of Sichuan's wet season in November 2020) and the model's from another (the March crash or the May halving).\n"
    );
    md += &factory_markdown(factories);
    for r in results {
        let id = r.spec.window.as_deref().unwrap_or("");
        let _ = writeln!(md, "![back-test {id}: hash rate](validation/backtest-{id}-hashrate.svg)\n");
    }
    md
}

/// The table of what the model's growth rests on, and what it says.
fn factory_markdown(rows: &[FactoryRow]) -> String {
    let mut md = String::new();
    let scale = |k: usize| format!("x{}", FACTORY_SCALES[k]);
    let _ = writeln!(
        md,
        "### What the model's growth rests on\n\n\
         The factories' output at a window's start (`history::network::factory_output_ehs_per_month`: what the network absorbed over \
         the year before, plus what replaces its machines that wear out, in EH/s of the best machine released by the start; the factories \
         make the watts of machines that output draws, so more EH/s once a newer generation is out) sets most of the growth the model finds. The same back-tests with that output scaled \
         (`hashlab backtest --window <id> --set manufacturer_production_ehs_per_month=<EH/s a month>`), the hash rate's change over the \
         window, the model's median:\n\n\
         | window | observed | factories' output at the start, EH/s a month | {} |\n|---|---:|---:|{}",
        (0..FACTORY_SCALES.len()).map(scale).collect::<Vec<_>>().join(" | "),
        "---:|".repeat(FACTORY_SCALES.len())
    );
    for row in rows {
        let cells: Vec<String> = row.model_pct.iter().map(|pct| format!("{pct:+.0}%")).collect();
        let _ = writeln!(md, "| `{}` | {:+.0}% | {:.1} | {} |", row.window, row.observed_pct, row.output_ehs_per_month, cells.join(" | "));
    }
    // Points added by doubling the output (the last scale against 1), least and most.
    let one = FACTORY_SCALES.iter().position(|&s| s == 1.0);
    let added: Vec<(&str, f64)> =
        rows.iter().filter_map(|row| Some((row.window.as_str(), row.model_pct.last()? - row.model_pct.get(one?)?))).collect();
    let least = added.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
    let most = added.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(least), Some(most), Some(last)) = (least, most, FACTORY_SCALES.last()) {
        let _ = writeln!(
            md,
            "\nScaling the output by {last} adds {:+.0} (`{}`) to {:+.0} (`{}`) points of growth. So a window the model scores well \
             says that the rest of the supply side (prices, power, the second-hand market, idling and exits) turns the factories' output \
             read from the year before into about the growth observed, not that the model foresaw the growth. Where a window's \
             factories were not the year before's (2019's grew with the year's 7 nm machines; 2023's were built for 2021), the model \
             misses (above).\n",
            least.1, least.0, most.1, most.0
        );
    }
    md
}
