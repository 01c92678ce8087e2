//! Coins: issued by the schedule for the heights mined, and each block's reward paid to one pool.

use simulation::chain::{issued_between_sats, SATS_PER_BTC};

#[test]
fn coins_issued_equal_the_schedule_and_every_reward_goes_to_one_pool() {
    for (scenario, name) in [
        (super::small(200, 3.0, 5), "default, across the 2028 halving"),
        (
            simulation::presets::find("fee-only-future")
                .map(|p| simulation::Scenario { operators: 200, years: 0.5, ..p.scenario })
                .unwrap(),
            "fee-only",
        ),
    ] {
        let result = super::run(&scenario);
        let summary = &result.summary;
        let schedule = issued_between_sats(scenario.start_height + 1, summary.final_height);
        assert_eq!(summary.subsidy_issued_sats, schedule, "{name}");
        assert_eq!(summary.blocks, summary.final_height - scenario.start_height, "{name}");
        let paid: u64 = result.pool_rewards_sats.iter().sum();
        assert_eq!(paid, summary.subsidy_issued_sats + summary.fees_paid_sats, "{name}");
        let daily_subsidy_sats: f64 = result.days.iter().map(|d| d.subsidy_btc * SATS_PER_BTC as f64).sum();
        assert!((daily_subsidy_sats - schedule as f64).abs() < 1.0 + schedule as f64 * 1e-12, "{name}");
        let daily_blocks: u64 = result.days.iter().map(|d| u64::from(d.blocks)).sum();
        assert_eq!(daily_blocks, summary.blocks, "{name}");
    }
}

#[test]
fn the_halving_halves_the_subsidy_on_its_block() {
    // Start 500 blocks before the 2028 halving.
    let scenario = simulation::Scenario { start_height: 1_049_500, operators: 100, years: 0.2, ..simulation::Scenario::default() };
    let result = super::run(&scenario);
    let before = result.days.iter().find(|d| d.height < 1_049_999 && d.blocks > 0).unwrap();
    let after = result.days.iter().rev().find(|d| d.height > 1_050_500 && d.blocks > 0).unwrap();
    assert!((before.subsidy_btc / f64::from(before.blocks) - 3.125).abs() < 1e-12);
    assert!((after.subsidy_btc / f64::from(after.blocks) - 1.5625).abs() < 1e-12);
}
