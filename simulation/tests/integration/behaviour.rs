//! The mechanisms behave as the economics says they should.

use super::{median, run, small};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

#[test]
fn a_higher_ai_premium_moves_more_mw_and_loses_more_hash() {
    let outcome = |ai_revenue: f64, seed: u64| {
        let scenario =
            simulation::Scenario { ai_revenue_usd_per_mw_year: ai_revenue, ai_market_mw_per_year: 20_000.0, ..small(500, 2.0, seed) };
        let result = run(&scenario);
        (result.summary.end_ai_mw_total, result.summary.end_hashrate_ehs)
    };
    // Seed by seed (the same draws on both sides): the hash rate's spread over
    // seeds (870-2,240 EH/s at two years) is far wider than AI's effect on it.
    let pairs: Vec<((f64, f64), (f64, f64))> =
        SEEDS.iter().map(|seed| (outcome(1_000_000.0, *seed), outcome(3_000_000.0, *seed))).collect();
    let (low_mw, high_mw) = (median(pairs.iter().map(|p| p.0 .0).collect()), median(pairs.iter().map(|p| p.1 .0).collect()));
    assert!(high_mw > low_mw * 1.5 && high_mw > 1_000.0, "AI MW: {low_mw} -> {high_mw}");
    let hash_change = median(pairs.iter().map(|p| p.1 .1 / p.0 .1 - 1.0).collect());
    assert!(hash_change < 0.0, "hash rate change, median over seeds: {hash_change} ({pairs:?})");
}

#[test]
fn a_price_crash_idles_hash_and_old_generations_go_first() {
    // Price halves over 10 days from day 20; nothing else random. Compare day
    // 15 with day 50, after the longest switch-off delay (14 days) has passed.
    let scenario = simulation::Scenario {
        price_volatility: 0.0,
        fee_volatility: 0.0,
        price_shock_pct: -50.0,
        price_shock_start_day: 20,
        price_shock_days: 10,
        ..small(500, 0.2, 8)
    };
    let result = run(&scenario);
    let (before, after) = (&result.days[15], &result.days[50]);
    assert!(
        after.idle_hashrate_ehs > 2.0 * before.idle_hashrate_ehs + 50.0,
        "idle {} -> {}",
        before.idle_hashrate_ehs,
        after.idle_hashrate_ehs
    );
    assert!(after.hashrate_ehs < before.hashrate_ehs);
    assert!(after.fleet_j_per_th < before.fleet_j_per_th, "the least efficient machines switch off");
    // Share of each generation's running hash that survives the crash: the
    // older (less efficient) the generation, the less of it keeps running.
    let survival: Vec<(f64, f64)> = result
        .generations
        .iter()
        .enumerate()
        .filter(|(g, _)| result.generation_running_ehs[15][*g] > 1.0)
        .map(|(g, gen)| (gen.j_per_th, result.generation_running_ehs[50][g] / result.generation_running_ehs[15][g]))
        .collect();
    let oldest = survival.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
    let newest = survival.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
    assert!(oldest.1 < newest.1, "survival by J/TH: {survival:?}");
    assert!(newest.1 > 0.9, "the newest machines keep running: {survival:?}");
}

#[test]
fn manufacturers_mine_more_of_their_output_when_sales_fall() {
    let maker_share = |self_mining: f64| {
        median(
            SEEDS
                .iter()
                .map(|seed| {
                    let scenario = simulation::Scenario {
                        manufacturer_self_mining: self_mining,
                        price_shock_pct: -30.0,
                        price_shock_days: 30,
                        // Enough makers that some have power their own machines pay back at
                        // (400 operators hold two: whether either does is the luck of two draws).
                        ..small(2_000, 1.5, *seed)
                    };
                    let last = run(&scenario).days.last().cloned().unwrap();
                    last.hashrate_ehs_manufacturer / last.hashrate_ehs
                })
                .collect(),
        )
    };
    let (none, all) = (maker_share(0.0), maker_share(1.0));
    assert!(all > none, "manufacturers' share of hash: {none} -> {all}");
}

#[test]
fn stronger_preference_for_big_pools_concentrates_them() {
    let top = |strength: f64| {
        median(
            SEEDS
                .iter()
                .map(|seed| {
                    let scenario = simulation::Scenario {
                        pool_preference_strength: strength,
                        pool_switch_pct_per_month: 30.0,
                        ..small(400, 2.0, *seed)
                    };
                    run(&scenario).days.last().unwrap().hhi_pools
                })
                .collect(),
        )
    };
    assert!(top(3.0) > top(0.0), "HHI with strong preference should exceed HHI with none");
}

#[test]
fn the_halving_cuts_the_security_budget() {
    let preset = simulation::presets::find("halving-2028").unwrap();
    let result = run(&simulation::Scenario { operators: 500, price_volatility: 0.0, ..preset.scenario });
    let halving_day = result.days.iter().find(|d| d.height >= 1_050_000).unwrap().day as usize;
    let budget = |range: std::ops::Range<usize>| {
        result.days[range.clone()].iter().map(|d| d.security_budget_usd_per_day).sum::<f64>() / range.len() as f64
    };
    let before = budget(halving_day - 30..halving_day - 1);
    let after = budget(halving_day + 1..halving_day + 30);
    assert!(after < 0.7 * before, "budget {before} -> {after}");
}
