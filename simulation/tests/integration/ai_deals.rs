//! AI deals valued and financed as they are (docs/MODEL.md, the AI switch):
//! the economics must answer the rent and the price, not a cap, and power
//! committed to AI must leave the hash rate.

use super::run;
use simulation::events::EventKind;
use simulation::{presets, RunResult, Scenario};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// MW committed or converted to AI on the last day.
fn ai_mw(result: &RunResult) -> f64 {
    result.days.last().map_or(0.0, |d| d.ai_mw + d.ai_mw_pending)
}

fn two_years(seed: u64) -> Scenario {
    Scenario { seed, operators: 1_000, years: 2.0, price_volatility: 0.0, ..Scenario::default() }
}

#[test]
fn tripling_the_rent_changes_the_mw_converted() {
    // Before, the market cap decided: tripling the rent left 1,035 days byte-identical.
    // Tenants now take fewer MW at a higher rent (the demand curve) while more sites
    // would take the deal: the MW moved must answer.
    for seed in SEEDS {
        let base = two_years(seed);
        let tripled = Scenario { ai_revenue_usd_per_mw_year: 3.0 * base.ai_revenue_usd_per_mw_year, ..base.clone() };
        let (low, high) = (ai_mw(&run(&base)), ai_mw(&run(&tripled)));
        assert!((high - low).abs() > 0.05 * low.max(100.0), "seed {seed}: {low:.0} MW -> {high:.0} MW at three times the rent");
    }
}

#[test]
fn a_higher_bitcoin_price_never_raises_ai_conversion() {
    // The issue this guards: counting the old fleet's revenue against a new fleet's price
    // made mining worth less the higher hashprice went (5,863 MW committed at $33,000,
    // 7,333 MW at $330,000). At the first decision every firm is the same but for the
    // price, so the MW a higher price sends to AI is never more; over a year, firms that
    // grow at a higher price have bigger sites to convert, so there the test takes steps
    // of three times the price.
    // Demand large enough that the sites' economics decide, not the tenants' budget.
    let committed = |seed: u64, price: f64, years: f64| {
        let result = run(&Scenario { start_price_usd: price, ai_market_mw_per_year: 200_000.0, years, ..two_years(seed) });
        let first_month = result.days.get(32).map_or(0.0, |d| d.ai_mw + d.ai_mw_pending);
        (first_month, ai_mw(&result))
    };
    for seed in SEEDS {
        let first: Vec<f64> = [60_000.0, 90_000.0, 110_000.0, 150_000.0, 330_000.0].iter().map(|p| committed(seed, *p, 0.2).0).collect();
        assert!(first[0] > first[4] + 1_000.0, "seed {seed}: the price must matter: {first:.0?}");
        for pair in first.windows(2) {
            assert!(pair[1] <= pair[0] + 1e-6, "seed {seed}: MW to AI in the first month at $60k, $90k, $110k, $150k, $330k: {first:.0?}");
        }
        let year: Vec<f64> = [110_000.0, 330_000.0, 1_000_000.0].iter().map(|p| committed(seed, *p, 1.0).1).collect();
        for pair in year.windows(2) {
            assert!(pair[1] <= pair[0] + 1.0, "seed {seed}: MW to AI in a year at $110k, $330k, $1M: {year:.0?}");
        }
    }
}

#[test]
fn power_committed_to_ai_leaves_the_hash_rate_that_day() {
    // Its machines go to the second-hand market and are moved before anyone runs them
    // (`secondhand_relocation_days`). Against the same run without an AI market (common
    // random numbers: identical until the first commitment), the day after the first
    // commitment has no more machines installed and no more running, and in most
    // runs fewer installed (a site may commit the spare MW it holds for machines
    // still on their way: then none leave that day). (Before, the hash rate rose
    // 5.6% on such a day, 1,142 to 1,206 EH/s, as others plugged the site's
    // machines in at once.)
    let mut fewer = 0;
    for id in ["ai-takes-the-power", "late-2025-squeeze"] {
        let preset = presets::find(id).expect("preset").scenario;
        for seed in SEEDS {
            // Makers plug their unsold machines in the same night (more of them when buyers take the
            // site's used ones instead): without that, nothing new is installed that night but
            // deliveries ordered months before, the same in both runs.
            let with_ai = Scenario { seed, operators: 1_000, manufacturer_self_mining: 0.0, ..preset.clone() };
            let result = run(&with_ai);
            let without = run(&Scenario { ai_market_mw_per_year: 0.0, ..with_ai });
            let first = result.events.iter().find(|e| e.kind == EventKind::AiCommitted).expect("a commitment");
            // Decisions come at the month's end, after its record: the event is dated the next
            // day, the first whose record is without the site's machines.
            let day = first.day as usize;
            let installed = |d: &simulation::DailyRecord| d.hashrate_ehs + d.idle_hashrate_ehs;
            let (a, b) = (&result.days[day], &without.days[day]);
            assert_eq!(result.days[day - 1].hashrate_ehs, without.days[day - 1].hashrate_ehs, "{id} seed {seed}: same run before");
            assert!(installed(a) <= installed(b), "{id} seed {seed}: installed {:.1} vs {:.1} EH/s", installed(a), installed(b));
            fewer += usize::from(installed(a) < installed(b));
            assert!(
                a.hashrate_ehs <= b.hashrate_ehs,
                "{id} seed {seed}: {:.0} MW committed; running {:.1} vs {:.1} EH/s without AI",
                first.value,
                a.hashrate_ehs,
                b.hashrate_ehs
            );
        }
    }
    assert!(fewer >= 2 * SEEDS.len() / 2, "machines left on {fewer} of {} first commitment days", 2 * SEEDS.len());
}
