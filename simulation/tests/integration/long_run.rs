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

/// The largest one-day rise of hash rate at a flat price. New machines arrive
/// spread over each month, newcomers start with at most 1% of the network and
/// idle machines restart over days: a 10% day is already rare. (Before these,
/// one newcomer plugged in a third of the network overnight, and machines idled
/// since a halving all came back on the day the difficulty fell, +62%.)
const MAX_DAILY_RISE: f64 = 0.12;

#[test]
fn no_leap_at_a_flat_price() {
    for seed in 1..=SEEDS {
        for scenario in [flat_ten_years(seed), flat_baseline_2025(seed)] {
            let result = run(&scenario);
            for w in result.days.windows(2) {
                let rise = w[1].hashrate_ehs / w[0].hashrate_ehs - 1.0;
                assert!(rise <= MAX_DAILY_RISE, "seed {seed}: hash rate rose {:.1}% on {}", rise * 100.0, w[1].date);
            }
        }
    }
}

/// The baseline-2025 preset (its larger population and late-2025 start) for ten years at its start price.
fn flat_baseline_2025(seed: u64) -> Scenario {
    let preset = simulation::presets::find("baseline-2025").expect("preset").scenario;
    Scenario { seed, years: 10.0, price_volatility: 0.0, ..preset }
}

#[test]
fn no_pool_nears_half_the_hash_at_a_flat_price() {
    // At a flat price nothing pushes hash into one pool: miners shun a pool nearing
    // 50%, and no operator holds more than 6% (a newcomer 1%). Once, one newcomer's
    // 510 EH/s joined Foundry overnight and held it above 45% for 269 days.
    for seed in 1..=SEEDS {
        let result = run(&flat_baseline_2025(seed));
        let days_over = result.days.iter().filter(|d| d.top_pool_share > 0.45).count();
        assert_eq!(days_over, 0, "seed {seed}: the top pool held over 45% of the hash on {days_over} days");
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

/// The kinds of operator, as the daily series name their hash.
const KINDS: [&str; 5] = ["small_private", "large_private", "public_miner", "manufacturer", "stranded"];

/// Each kind's share of the running hash on `day`.
fn kind_shares(day: &simulation::DailyRecord) -> Vec<f64> {
    KINDS.iter().map(|kind| day.value(&format!("hashrate_ehs_{kind}")).unwrap_or(0.0) / day.hashrate_ehs.max(1e-9)).collect()
}

#[test]
fn no_kind_doubles_its_share_at_a_flat_price_without_a_halving_to_explain_it() {
    // Before the 2028 halving nothing changes but the machines' age and the pipeline:
    // no kind may double its share (stranded power grew 14% -> 26% of the hash in two
    // years when cheap power was unlimited, and to 71-84% in ten). After the halvings
    // a flat price leaves only the cheapest power able to pay (the stated cause): the
    // stranded kind then grows as far as its power's growth allows, no further.
    for seed in 1..=4 {
        let scenario = flat_ten_years(seed);
        let result = run(&scenario);
        let first_halving = halving_days(&result)[0] as usize;
        let start = kind_shares(&result.days[0]);
        for day in &result.days[..first_halving] {
            for ((kind, share), first) in KINDS.iter().zip(kind_shares(day)).zip(&start) {
                assert!(share <= 2.0 * first + 0.02, "seed {seed}: {kind} from {first:.3} to {share:.3} on {}", day.date);
            }
        }
    }
    // Cheap power is finite: with no growth of it, the stranded kind adds only what its
    // sites' spare MW holds (5-30% at the start, and the pipeline's); with growth, more.
    let stranded = |growth: f64, seed: u64| {
        let scenario = Scenario { years: 2.0, stranded_power_growth_pct_per_year: growth, ..flat_ten_years(seed) };
        let result = run(&scenario);
        (result.days[0].hashrate_ehs_stranded, result.days.last().expect("days").hashrate_ehs_stranded)
    };
    let (start, none) = (median((1..=4).map(|s| stranded(0.0, s).0).collect()), median((1..=4).map(|s| stranded(0.0, s).1).collect()));
    let grown = median((1..=4).map(|s| stranded(20.0, s).1).collect());
    assert!(
        none <= 1.5 * start && none < grown,
        "stranded EH/s: {start:.0} at the start; after two years {none:.0} with no new power, {grown:.0} at 20%/year"
    );
}

/// The deepest difficulty cut within 60 days after each halving at a flat
/// price, median over seeds, may be no deeper than this. History's deepest cut
/// after a halving is -9.3% (June 2020); a flat price gives the network no
/// run-up to ride, so a halving takes more of it, but buyers see the halving
/// coming with the hashprice the machines that stop give back
/// (`supply_curve.rs`) and renew their fleets in the power they hold, and
/// machines wear out (`machine_wear_pct_per_year`), so a fleet bought before
/// one halving does not pin the hashprice at its power cost by the next.
const MAX_HALVING_CUT_PCT: f64 = -15.0;

#[test]
fn each_halving_at_a_flat_price_cuts_the_difficulty_no_deeper_than_fifteen_percent() {
    let results: Vec<_> = (1..=SEEDS).map(|seed| run(&flat_ten_years(seed))).collect();
    for halving in 0..2 {
        let deepest: Vec<f64> = results
            .iter()
            .map(|result| {
                let day = halving_days(result)[halving];
                result.retargets.iter().filter(|t| t.day > day && t.day <= day + 60).map(|t| t.change_pct).fold(0.0, f64::min)
            })
            .collect();
        let median_cut = median(deepest.clone());
        assert!(median_cut >= MAX_HALVING_CUT_PCT, "halving {}: median deepest cut {median_cut:.1}% over seeds: {deepest:?}", halving + 1);
    }
}
