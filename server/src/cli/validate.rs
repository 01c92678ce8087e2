//! `hashlab validate` (writes docs/VALIDATION.md and its charts) and
//! `hashlab sensitivity` (the tornado of one scenario).

use super::output::{write_output, Format};
use super::scenario_args::ScenarioArgs;
use super::CliError;
use app::render::figures::{dated_chart, tornado, Line, Observed};
use chrono::NaiveDate;
use simulation::montecarlo::{BatchError, Progress};
use simulation::sensitivity::{run_sensitivity, Sensitivity};
use simulation::validation::{hash_supply_elasticity, long_run_sanity, ElasticityRow, LongRunSanity};
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

/// Observations from docs/CALIBRATION.md, for the charts.
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
    let storm = quiet_progress(|p| validate_preset("winter-storm-2026", args.runs, args.operators, p))?;
    let elasticity = quiet_progress(|p| hash_supply_elasticity(args.runs, args.operators, p))?;
    let long_run = quiet_progress(|p| long_run_sanity(args.runs, args.operators, p))?;
    let base = Scenario { operators: args.operators, ..Scenario::default() };
    let sensitivity = quiet_progress(|p| run_sensitivity(&base, args.sensitivity_runs, p))?;
    let backtests = super::history_report::run_windows(args.runs, args.operators)?;
    let factories = super::history_report::factory_sensitivity(&backtests)?;

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
        (
            "storm-hashrate.svg",
            dated_chart(
                "Winter Storm Fern, Jan - Apr 2026: hash rate",
                "EH/s",
                &[Line { label: "model (median seed)", points: path_series(&storm, |p| p.1) }],
                &[Observed {
                    label: "observed, 7-day estimates",
                    points: vec![(date("2026-01-12"), 1_024.0), (date("2026-01-30"), 826.0)],
                }],
            ),
        ),
        (
            "storm-difficulty.svg",
            dated_chart(
                "Winter Storm Fern, Jan - Apr 2026: difficulty",
                "T",
                &[Line { label: "model (median seed)", points: path_series(&storm, |p| p.3) }],
                &[Observed {
                    label: "observed",
                    points: vec![(date("2026-01-08"), 146.4), (date("2026-02-07"), 125.86), (date("2026-02-20"), 144.4)],
                }],
            ),
        ),
        ("tornado-hashrate.svg", tornado(&sensitivity, 0, "Baseline: final hash rate (last 30 days)", "EH/s")),
        ("tornado-budget.svg", tornado(&sensitivity, 1, "Baseline: security budget (last 30 days)", "USD/day")),
        ("tornado-nakamoto.svg", tornado(&sensitivity, 2, "Baseline: Nakamoto coefficient of pools (last 30 days)", "pools")),
    ];
    for (name, svg) in charts.iter().map(|(n, s)| (n.to_string(), s.clone())).chain(backtests.iter().map(super::history_report::chart)) {
        write_output(Some(&figures.join(name)), svg.as_bytes())?;
    }
    let mut report = report_markdown(&args, &[&history, &squeeze, &storm], &sensitivity, &elasticity, &long_run);
    let history_md = super::history_report::markdown(&backtests, &factories);
    let at = report.find("## What matches, and what does not").unwrap_or(report.len());
    report.insert_str(at, &history_md);
    write_output(Some(&args.out_dir.join("VALIDATION.md")), report.as_bytes())
}

fn report_markdown(
    args: &ValidateArgs,
    presets: &[&PresetValidation],
    sensitivity: &Sensitivity,
    elasticity: &[ElasticityRow],
    long_run: &LongRunSanity,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Validation: does Hashlab reproduce late 2025, and seven years of history?\n");
    let _ = writeln!(
        md,
        "Generated by `hashlab validate --runs {} --operators {} --sensitivity-runs {}` (model version {}); do not edit by hand. \
         Observations are from `docs/CALIBRATION.md`, which cites its sources, and the daily history in `data/`. Each check runs the preset over {} seeds \
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
                match (check.pass, &check.known_miss) {
                    (true, _) => "in band",
                    (false, None) => "**outside**",
                    (false, Some(_)) => "**outside** (a known miss)",
                }
            );
        }
        let _ = writeln!(md, "\nWhy these bands:\n");
        for check in &validation.checks {
            let _ = writeln!(md, "- *{}*: {}.", check.name, check.reason);
        }
        let _ = writeln!(md);
        let (prefix, names): (&str, &[&str]) = match validation.preset.as_str() {
            "history-2025q4" => ("history", &["hashrate", "hashprice", "difficulty"]),
            "winter-storm-2026" => {
                let _ = writeln!(
                    md,
                    "This replay lies **beyond the window the model was calibrated on** (October 2025 - January 2026): nothing in the model was tuned to it. The preset sets the network of 12 January 2026, the price path through the storm, and a curtailment of a quarter of the hash for four days from 24 January; everything after is the model's.\n"
                );
                ("storm", &["hashrate", "difficulty"])
            }
            _ => ("squeeze", &["hashrate", "hashprice"]),
        };
        for name in names {
            let _ = writeln!(md, "![{prefix} {name}](validation/{prefix}-{name}.svg)\n");
        }
    }
    let _ = writeln!(md, "## What matches, and what does not\n");
    for validation in presets {
        for check in &validation.checks {
            let width = check.band.1 - check.band.0;
            let margin = (check.p50 - check.band.0).min(check.band.1 - check.p50);
            let verdict = match &check.known_miss {
                _ if check.pass && margin < 0.1 * width => "is in its band, but near the edge".to_string(),
                _ if check.pass => "matches".to_string(),
                Some(why) => format!("misses its band, a known miss: {why}"),
                None => "misses its band".to_string(),
            };
            let _ = writeln!(md, "- `{}`, {}: median {:.2} {verdict}.", validation.preset, check.name, check.p50);
        }
    }
    let _ = writeln!(
        md,
        "\n## Sensitivity: which assumptions drive the answer\n\nThe baseline scenario ({} operators, {} years), each key parameter moved to a low and a high value \
         with everything else fixed, {} seeds per setting. Every operator's decisions draw from its own keyed random numbers, so each seed's run \
         differs from its own base run only by the parameter: the effect is the **median over seeds of the paired change** (log ratio, shown in %), \
         with a distribution-free 95% interval for that median. *n.s.* marks an interval that contains 0: no effect can be told from chance at these seeds. \
         Outputs are the means of the last 30 days; sorted by the swing in hash rate. `hashlab sensitivity` and the page's panel run the same analysis.\n",
        sensitivity.scenario.operators, sensitivity.scenario.years, sensitivity.runs
    );
    let _ = writeln!(
        md,
        "| parameter | low | high | hash rate, low | hash rate, high | budget, low | budget, high | Nakamoto, low | Nakamoto, high |\n|---|---:|---:|---|---|---|---|---|---|"
    );
    let _ = writeln!(
        md,
        "| *base (median)* | | | {:.0} EH/s | | ${:.1}M/day | | {:.1} pools | |",
        sensitivity.base[0],
        sensitivity.base[1] / 1e6,
        sensitivity.base[2]
    );
    let cell = |e: &simulation::sensitivity::Effect| {
        let mark = if e.crosses_zero() { " *n.s.*" } else { "" };
        format!("{:+.1}% [{:+.1}, {:+.1}]{mark}", e.median_pct, e.ci_low_pct, e.ci_high_pct)
    };
    for lever in &sensitivity.levers {
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            lever.field,
            lever.low,
            lever.high,
            cell(&lever.effect_low[0]),
            cell(&lever.effect_high[0]),
            cell(&lever.effect_low[1]),
            cell(&lever.effect_high[1]),
            cell(&lever.effect_low[2]),
            cell(&lever.effect_high[2])
        );
    }
    let _ = writeln!(md, "\n![tornado: hash rate](validation/tornado-hashrate.svg)\n\n![tornado: budget](validation/tornado-budget.svg)\n\n![tornado: Nakamoto](validation/tornado-nakamoto.svg)\n");
    let _ = writeln!(
        md,
        "## Hash supply elasticity\n\nThe baseline at a flat price, 10% below and 10% above its start price, over {} paired seeds ({} operators): \
         at each horizon, the change in the hash rate (mean of the 30 days around it) over the change in the price, in logs. \
         Hashprice moves one for one with the price until difficulty answers, so this is the elasticity of hash supply with respect to miners' \
         revenue in dollars.\n\n| horizon | elasticity (median) | 95% interval |\n|---|---:|---|",
        args.runs, args.operators
    );
    for row in elasticity {
        let _ = writeln!(md, "| {} days | {:.2} | [{:.2}, {:.2}] |", row.horizon_days, row.median, row.ci_low, row.ci_high);
    }
    let _ = writeln!(
        md,
        "\nPublished work: Noda, Okumura and Hashimoto (*An Economic Analysis of Difficulty Adjustment Algorithms in Proof-of-Work Blockchain Systems*, 2019-2020) \
         model miners who pause below their shutdown point and show, with evidence from hash moving between Bitcoin and Bitcoin Cash, that hash supply \
         is elastic in the price within days; their argument needs only that it is clearly positive in the short run, which the model's is. \
         We do not quote a single published figure here: we have not verified one against its source, and estimates depend on the window and on what \
         is held fixed. The model's short-run figure comes from machines switching on and off; the longer ones add entry, exit, expansion and the AI switch.\n"
    );
    let ai = simulation::validation::ai_switch_at_start(&simulation::Scenario::default());
    let _ = writeln!(
        md,
        "## Why power leaves mining for AI, and why the AI market's size decides how fast\n\n\
         The AI switch compares present values over the conversion lag plus a 10-year lease, discounted at the cost of debt \
         (`simulation/src/ai.rs`). For the baseline's start (hashprice ${:.1} per PH/s per day):\n\n\
         | | USD per gross site MW |\n|---|---:|\n| AI hosting: rent on IT MW from the end of the lag, less running costs and conversion capex | {:.2}M |",
        ai.hashprice_usd_per_ph_day,
        ai.ai_value_usd_per_mw / 1e6
    );
    for (j_per_th, power, value) in &ai.mining_value_usd_per_mw {
        let _ = writeln!(
            md,
            "| mining, fleet at {j_per_th:.1} J/TH, power ${power:.3}/kWh, with the 2028 halving and fleet renewal | {:.2}M |",
            value / 1e6
        );
    }
    let _ = writeln!(
        md,
        "\nMining is valued with one fleet on both sides: the site's own machines, already paid for, for the rest of their life (half of 48 months \
         on average), then the best new machine at the price the market would ask at the hashprice expected then (halvings included), bought only \
         if it pays; at today's hashprice that renewal costs ${:.2}M per MW a year. A higher hashprice therefore never makes mining worth less. \
         The conversion capex is project debt against the lease, served by its rent over the lease (interest accrues while the site is built), \
         not a debt of the mining firm that its creditors could write off. At these rents most sites fit for AI would rather convert, and what \
         limits the move is how many MW AI tenants take each year: `ai_market_mw_per_year` at the reference rent of $1.45M per IT MW-year \
         (Core Scientific-CoreWeave), scaled by (reference / rent) to the power `ai_demand_elasticity` (1: a fixed hosting budget), released \
         a twelfth a month. Bernstein counted over 27 GW of planned power against 3.7 GW of signed AI deals in May 2026. A higher rent makes \
         more sites willing and fewer MW taken; where the demand binds, the MW moved fall as the rent rises.\n",
        ai.renewal_usd_per_mw_year / 1e6
    );
    let _ = writeln!(
        md,
        "## Ten years at a flat price\n\nThe baseline at its start price with no price noise for 10 years, {} seeds, {} operators. A market at a flat price \
         should show no cliffs except at the halvings, no stalled chain, and no pool taking half the hash.\n\n| measure | value |\n|---|---:|\n\
         | largest one-day fall of the hash rate with no halving in the 30 days before (all seeds) | {:.1}% |\n\
         | largest one-day fall within 30 days after a halving (all seeds) | {:.1}% |\n\
         | largest one-day rise (all seeds) | {:.1}% |\n\
         | deepest adjustment within 60 days after each halving (median over seeds) | {} |\n\
         | lowest Nakamoto coefficient of pools, any day, any seed | {} |\n\
         | largest pool's highest share of hash, any day, any seed | {:.1}% |\n\
         | runs whose chain stalled | {} |\n\
         | entries / exits / restructurings (medians) | {:.0} / {:.0} / {:.0} |\n\
         | most exits on one day (median over seeds) | {:.0} |\n\
         | hash rate at the start and the end (medians) | {:.0} -> {:.0} EH/s |\n\
         | hashprice at the end (median) | ${:.1} per PH/s per day |\n\
         | MW converted to AI at the end (median) | {:.0} MW |\n",
        long_run.runs,
        long_run.operators,
        long_run.worst_unexplained_daily_fall_pct,
        long_run.worst_halving_daily_fall_pct,
        long_run.worst_daily_rise_pct,
        long_run.median_deepest_post_halving_retarget_pct.iter().map(|x| format!("{x:+.1}%")).collect::<Vec<_>>().join(", "),
        long_run.min_nakamoto_pools,
        long_run.max_top_pool_share * 100.0,
        long_run.stalled_runs,
        long_run.median_entries,
        long_run.median_exits,
        long_run.median_restructurings,
        long_run.median_worst_day_exits,
        long_run.median_start_hashrate_ehs,
        long_run.median_end_hashrate_ehs,
        long_run.median_end_hashprice,
        long_run.median_end_ai_mw
    );
    let _ = writeln!(
        md,
        "## Known limits\n\n\
         - Operators are agents at a chosen resolution (`operators`), not real firms. The largest listed miners are agents of their own at their reported hash rates (`simulation/src/firms.rs`), and the Nakamoto coefficient of operators counts the rest of each kind in firms of its typical size (an assumed count of firms per kind), so it does not depend on the resolution; it does depend on those counts.\n\
         - No forward sales of hash; a tenth of each site's power cost is fixed (`power_fixed_share`, take-or-pay and hedges, one share for every site); curtailment is a scripted event (`curtailment_pct`), not a market for demand response; no hosting contracts.\n\
         - Halvings at a flat price cut deeper than history's: the deepest adjustment within 60 days after a halving is about -11.1% (2028) and -10.4% (2032) in the median of the seeds (table above; a test holds both to -15% at most), and the daily hash rate falls 15-22% within those 60 days, to settle 12-18% below the month before (days 90-120; seeds 1-6), against history's deepest adjustment after a halving of -9.3% (June 2020). Buyers see a halving coming: past it they count a BTC of reward at the hashprice that the machines which would stop give back, read from the installed fleet's supply curve (`simulation/src/supply_curve.rs`), and they renew their fleets in the power they hold (arrivals take the place of less efficient machines): in the year before 2028 the fleet's mean goes from 21 to 18.0-19.5 J/TH. Machines wear out (`machine_wear_pct_per_year`, 10% a year, `simulation/src/wear.rs`), so by 2032 the fleet bought before 2028 has thinned and the hashprice stands at $21.3-22.3 per PH/s per day, above what its marginal machines pay for power. Without wear (model 11) that fleet stayed, held the hashprice at its own power cost ($17-18), and the 2032 halving cut -18%. Machines idle as soon as the hashprice falls below their power cost, before the difficulty follows, which overshoots the cut by about 5 points for a month. History's halvings came after run-ups that left hashprice far above breakevens. Fixing more of the power cost shallows the cut, but then the network barely sheds hash in November-December 2025.\n\
         - After Winter Storm Fern the model's hash rate comes back by a few percent (the 20 February 2026 adjustment +2% in the median against +14.7% observed), a known miss: at $60-70k (hashprice ~$30) its network sheds hash faster than the real one did, with no hedges or fixed-price contracts beyond a tenth of power cost and no hosting contracts. The late-2025 squeeze sheds less than observed for the same reason (trough -9% in the median against about -12%): the largest listed miners, a quarter of the network at 2.4-4 c/kWh (`simulation/src/firms.rs`), keep running, as they reported doing.\n\
         - The starting operators are those that survived the past year's hashprice per BTC of reward (their power prices drawn again, up to 8 times, until one of their machines pays at it); a start with no year of data behind it (2019, or after 2026) uses its own first day's. At a flat price up to 1% of operators sell up in the first 110 days and 10-13% in the first year, as the pipeline's machines lower the hashprice.\n\
         - Cheap power is finite only for the stranded kind (`stranded_power_growth_pct_per_year`, 20% a year, an assumption): other kinds buy power at their drawn prices without limit, and no site takes time to build. A build lag for new sites (12 months, with the machines a start in equilibrium would have waiting for power: a year of the factories' output beyond replacements) was tried on model 13 and not adopted: over 8 seeds it moved the back-test's growth of 2022 from +28% to +13% (observed +32%), 2024 from +40% to +34% (+49%), 2025 from +28% to +24% (+35%) and 2020 from +26% to +44% (+25%), helped only 2019 (+25% to +40%, +129%) and left 2023 (+28%, +84%): the lag needs a window's start to know its order book and the sites being built, which the daily data do not give. After the halvings at a flat price the stranded kind still grows from 14% to 65-67% of the hash rate over ten years (seeds 1-6): only the cheapest power pays once the subsidy has halved twice.\n\
         - Difficulty is an `f64`; Core's compact-bits rounding is not reproduced. Block timestamps are the true arrival times (no miner time-rolling).\n\
         - Fees arrive with time into a mempool at a daily level with noise; there are no fee spikes from congestion beyond a block's capacity.\n\
         - AI demand is a curve in the rent with an assumed elasticity, not a market with tenants of its own; the rent is fixed per IT MW-year for the lease; conversion cannot be undone; a liquidated firm's site is not resold to AI.\n\
         - Entry is rare after the halvings at a flat price: new machines then pay back within a newcomer's horizon only at the cheapest sites, and incumbents' fleets move to cheap power through going-concern sales instead.\n\
         - The starting fleet mix by kind and generation is an assumption: late 2025 tuned to the ~28 J/TH network mean, earlier dates interpolated between dated anchors (`simulation/src/history/network.rs`); pools start at their era's shares.\n\
         - The history replay starts from an October 2025 network the preset sets (difficulty 150 T, ~1,120 EH/s installed); its retargets fall on its own block times, so single adjustments are compared loosely and the net move over two months more strictly.\n"
    );
    md
}
