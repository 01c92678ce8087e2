//! Ten years at a flat price: what no market would do must not happen.

use super::{median, run};
use simulation::{RunResult, Scenario};

/// Seeds per check.
const SEEDS: u64 = 8;
/// The largest one-day fall of hash rate allowed without a cause: a halving, a
/// price shock or a curtailment in the 30 days before. Daily switching at a flat
/// price moves a few percent; 15% in a day is a cliff that only a cause explains.
const MAX_UNEXPLAINED_DAILY_FALL: f64 = 0.15;

fn flat_ten_years(seed: u64) -> Scenario {
    Scenario { seed, operators: 1_000, years: 10.0, price_volatility: 0.0, ..Scenario::default() }
}

/// Days on which the subsidy halved.
fn halving_days(result: &RunResult) -> Vec<u32> {
    result.days.windows(2).filter(|w| w[1].height / 210_000 > w[0].height / 210_000).map(|w| w[1].day).collect()
}

#[test]
fn no_cliff_without_a_cause_at_a_flat_price() {
    for seed in 1..=SEEDS {
        let result = run(&flat_ten_years(seed));
        let halvings = halving_days(&result);
        for w in result.days.windows(2) {
            let fall = 1.0 - w[1].hashrate_ehs / w[0].hashrate_ehs;
            let explained = halvings.iter().any(|h| w[1].day >= *h && w[1].day <= h + 30);
            assert!(
                fall <= MAX_UNEXPLAINED_DAILY_FALL || explained,
                "seed {seed}: hash rate fell {:.1}% on {} with no halving, shock or curtailment before",
                fall * 100.0,
                w[1].date
            );
        }
    }
}

#[test]
fn the_pools_do_not_fall_to_one_in_ten_years() {
    // The baseline's price wanders; no pool should take half the hash without a cause:
    // miners shun a pool nearing 50% (pool_majority_aversion, the GHash.io precedent).
    for seed in 1..=SEEDS {
        let scenario = Scenario { seed, operators: 1_000, years: 10.0, ..Scenario::default() };
        let result = run(&scenario);
        // A stated cause: the price wandered below a quarter of where it started, and the
        // network shrank to a few operators (the run says so in its warnings if it stalled).
        let ordinary = result.days.iter().filter(|d| d.price_usd >= scenario.start_price_usd / 4.0);
        let worst = ordinary.clone().map(|d| d.nakamoto_pools).min().unwrap_or(2);
        let top = ordinary.map(|d| d.top_pool_share).fold(0.0, f64::max);
        assert!(worst >= 2, "seed {seed}: one pool held {:.0}% of the hash", top * 100.0);
    }
}

#[test]
fn operators_restructure_instead_of_failing_together() {
    // After the 2028 halving at a flat price, exits are spread over months, not one day.
    let results: Vec<RunResult> = (1..=SEEDS).map(|seed| run(&flat_ten_years(seed))).collect();
    let worst_day_exits = median(
        results
            .iter()
            .map(|r| r.days.windows(2).map(|w| f64::from(w[0].operators_active.saturating_sub(w[1].operators_active))).fold(0.0, f64::max))
            .collect(),
    );
    let total_exits = median(results.iter().map(|r| f64::from(r.summary.exits)).collect());
    assert!(worst_day_exits < 0.2 * total_exits, "{worst_day_exits} of {total_exits} exits on one day");
}
