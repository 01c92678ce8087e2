//! Every preset's paragraph is a claim about its run: each is checked here
//! over seeds (medians, not one lucky seed) and at the seed the page opens with.

use super::{median, run};
use simulation::{presets, RunResult, Scenario};

/// Seeds per story: enough that a median is not one run's luck, few enough for debug builds.
const SEEDS: u64 = 12;

fn preset(id: &str) -> Scenario {
    presets::find(id).unwrap_or_else(|| panic!("preset {id}")).scenario
}

fn runs(id: &str, operators: u32) -> Vec<RunResult> {
    (1..=SEEDS).map(|seed| run(&Scenario { seed, operators, ..preset(id) })).collect()
}

/// The deepest fall of the 7-day hash rate estimate within `days` days, against its first full week, %.
fn trough_pct(result: &RunResult, days: usize) -> f64 {
    let first_week = result.days[7].hashrate_7d_est_ehs;
    let low = result.days[7..days.min(result.days.len())].iter().map(|d| d.hashrate_7d_est_ehs).fold(f64::INFINITY, f64::min);
    (low / first_week - 1.0) * 100.0
}

fn committed_within(result: &RunResult, days: usize) -> f64 {
    result.days.iter().take(days + 1).map(|d| d.ai_mw + d.ai_mw_pending).fold(0.0, f64::max)
}

#[test]
fn the_squeeze_sheds_about_a_tenth_of_its_hash_and_commits_power_to_ai() {
    // Paragraph: "within two months the network's hash rate fell by around a tenth",
    // "large miners ... committed their sites to AI hosting", "committed and then converted".
    let results = runs("late-2025-squeeze", 2_000);
    let trough = median(results.iter().map(|r| trough_pct(r, 120)).collect());
    assert!((-20.0..=-6.0).contains(&trough), "median trough {trough:.1}%");
    let committed = median(results.iter().map(|r| committed_within(r, 120)).collect());
    assert!(committed >= 300.0, "median MW committed in four months {committed:.0}");
    let converted = median(results.iter().map(|r| r.days.last().map_or(0.0, |d| d.ai_mw)).collect());
    assert!(converted > 0.0, "some sites finish converting within the run");
    // The page opens at seed 42: the story holds there too.
    let page = run(&preset("late-2025-squeeze"));
    assert!(trough_pct(&page, 120) < -6.0, "{}", trough_pct(&page, 120));
    assert!(committed_within(&page, 120) > 0.0);
}

#[test]
fn the_2028_halving_happens_about_six_months_in_and_cuts_the_budget() {
    let results = runs("halving-2028", 1_000);
    for result in &results {
        let day = result.days.iter().find(|d| d.height >= 1_050_000).map(|d| d.day).expect("the halving is within the run");
        assert!((120..=260).contains(&day), "halving on day {day}");
    }
    let budget_ratio = median(
        results
            .iter()
            .map(|r| {
                let day = r.days.iter().find(|d| d.height >= 1_050_000).map(|d| d.day as usize).unwrap();
                let mean = |from: usize, to: usize| {
                    r.days[from..to].iter().map(|d| d.security_budget_usd_per_day).sum::<f64>() / (to - from) as f64
                };
                mean(day + 1, day + 31) / mean(day - 30, day)
            })
            .collect(),
    );
    assert!(budget_ratio < 0.75, "the month after pays {budget_ratio:.2} of the month before");
    // Paragraph: "They are not all switched off that day ... the hash rate falls over the next
    // two or three weeks. How far depends on where the price has wandered since the start:
    // where it rose, by anything from a third to almost nothing; where it fell by a third
    // or more, by about half."
    let moves: Vec<(f64, f64, f64)> = results
        .iter()
        .map(|r| {
            let day = r.days.iter().find(|d| d.height >= 1_050_000).map(|d| d.day as usize).unwrap();
            let change = |k: usize| (r.days[day + k].hashrate_ehs / r.days[day].hashrate_ehs - 1.0) * 100.0;
            (r.days[day].price_usd / r.days[0].price_usd, change(1), change(21))
        })
        .collect();
    let next_day = median(moves.iter().map(|m| m.1).collect());
    assert!(next_day > -2.0, "the day after the halving: {next_day:.1}%");
    let risen: Vec<f64> = moves.iter().filter(|m| m.0 >= 1.0).map(|m| m.2).collect();
    let fallen: Vec<f64> = moves.iter().filter(|m| m.0 <= 2.0 / 3.0).map(|m| m.2).collect();
    assert!(risen.len() >= 2 && fallen.len() >= 2, "seeds on both sides: {moves:?}");
    assert!(risen.iter().all(|x| (-35.0..=0.5).contains(x)), "where the price rose: {risen:?}");
    assert!((-60.0..=-40.0).contains(&median(fallen.clone())), "where it fell by a third or more: {fallen:?}");
    let baseline = run(&preset("baseline-2025"));
    let halving = run(&preset("halving-2028"));
    assert_ne!(baseline.summary.end_hashrate_ehs, halving.summary.end_hashrate_ehs, "not the baseline under another title");
}

#[test]
fn the_fee_only_future_reaches_fee_only_over_halvings_without_stalling() {
    let results = runs("fee-only-future", 500);
    let share = |r: &RunResult, range: std::ops::Range<usize>| {
        let days = &r.days[range];
        days.iter().map(|d| d.fees_btc).sum::<f64>() / days.iter().map(|d| d.fees_btc + d.subsidy_btc).sum::<f64>()
    };
    let start = median(results.iter().map(|r| share(r, 0..90)).collect());
    let n = results[0].days.len();
    let end = median(results.iter().map(|r| share(r, n - 90..n)).collect());
    assert!((0.6..0.85).contains(&start), "fee share at the start {start:.2}");
    assert!(end > 0.9, "fee share at the end {end:.2}");
    for result in &results {
        assert!(result.summary.warnings.is_empty(), "{:?}", result.summary.warnings);
        assert!(result.summary.retargets >= 200, "{} retargets", result.summary.retargets);
    }
}

#[test]
fn the_baseline_halves_in_2028_and_hands_some_sites_to_ai() {
    // Paragraph: "large miners ... hand some of their sites to AI data centres", "In spring 2028 the reward halves."
    let results = runs("baseline-2025", 1_000);
    for result in &results {
        let halving = result.events.iter().find(|e| e.kind == simulation::events::EventKind::Halving).expect("the 2028 halving");
        assert!(halving.date.starts_with("2028-0"), "{}", halving.date);
    }
    let to_ai = median(results.iter().map(|r| r.days.last().map_or(0.0, |d| d.ai_mw + d.ai_mw_pending)).collect());
    assert!(to_ai > 500.0, "median MW committed or converted to AI over the run: {to_ai:.0}");
}

#[test]
fn no_preset_halts_the_chain() {
    for preset in presets::all() {
        for seed in 1..=4 {
            let result = run(&Scenario { seed, operators: 500, ..preset.scenario.clone() });
            assert!(result.summary.warnings.is_empty(), "{} seed {seed}: {:?}", preset.id, result.summary.warnings);
            assert!(result.summary.longest_block_gap_hours < 24.0, "{} seed {seed}", preset.id);
        }
    }
}

#[test]
fn winter_storm_slows_blocks_then_difficulty_falls_and_recovers() {
    // Observed: 7 Feb 2026 -11.16%, then 20 Feb +14.7% (CALIBRATION.md, 2026 table).
    let results = runs("winter-storm-2026", 2_000);
    let storm_day = preset("winter-storm-2026").curtailment_start_day;
    let first = median(results.iter().map(|r| r.retargets.iter().find(|x| x.day > storm_day + 3).map_or(0.0, |x| x.change_pct)).collect());
    let second =
        median(results.iter().map(|r| r.retargets.iter().filter(|x| x.day > storm_day + 3).nth(1).map_or(0.0, |x| x.change_pct)).collect());
    assert!(first < -5.0, "adjustment after the storm {first:.1}%");
    // Observed +14.7%; the model's rebound is a few percent (docs/VALIDATION.md, Known limits:
    // it sheds hash at $60-70k faster than the network did): the story claims only that it rises.
    assert!(second > 1.0, "the one after {second:.1}%");
}

#[test]
fn a_stalled_chain_is_said_in_words() {
    // Today's network at a hundredth of the price: nothing pays for power, no block comes.
    let stalled = run(&Scenario { operators: 200, years: 0.1, start_price_usd: 1_000.0, price_volatility: 0.0, ..Scenario::default() });
    assert_eq!(stalled.summary.blocks, 0);
    assert!(stalled.summary.warnings.iter().any(|w| w.contains("stalled")), "{:?}", stalled.summary.warnings);
}

#[test]
fn in_the_bull_run_idle_machines_return_and_small_operators_still_sell_up() {
    // Paragraph: "old machines come back on, new operators arrive ... small operators with
    // old machines and dear power still sell up, in most runs more of them than newcomers".
    let results = runs("bull-run", 1_000);
    let returned = results.iter().filter(|r| r.days[30].idle_hashrate_ehs < r.days[0].idle_hashrate_ehs).count();
    assert!(returned * 4 >= results.len() * 3, "idle hash fell in the first month in {returned} of {} runs", results.len());
    assert!(results.iter().all(|r| r.summary.entries > 0 && r.summary.exits > 0), "newcomers and sellers in every run");
    let more_exits = results.iter().filter(|r| r.summary.exits > r.summary.entries).count();
    assert!(more_exits * 2 > results.len(), "more exits than entries in {more_exits} of {} runs", results.len());
}
