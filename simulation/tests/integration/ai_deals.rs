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
    // 7,333 MW at $330,000). With demand that is not the limit, the MW a higher price
    // moves to AI is never more.
    for seed in SEEDS {
        let at =
            |price: f64| ai_mw(&run(&Scenario { start_price_usd: price, ai_market_mw_per_year: 8_000.0, years: 1.0, ..two_years(seed) }));
        // From the late-2025 price up: below it, firms that fail take their sites out of
        // the market (a liquidated firm's site is not resold), which is a different story.
        let committed: Vec<f64> = [90_000.0, 110_000.0, 330_000.0, 1_000_000.0].iter().map(|p| at(*p)).collect();
        for pair in committed.windows(2) {
            assert!(pair[1] <= pair[0] + 1.0, "seed {seed}: MW to AI at $90k, $110k, $330k, $1M: {committed:.0?}");
        }
    }
}

#[test]
fn power_committed_to_ai_leaves_the_hash_rate_that_day() {
    // Its machines go to the second-hand market and are moved before anyone runs them
    // (`secondhand_relocation_days`). Against the same run without an AI market (common
    // random numbers: identical until the first commitment), the day after the first
    // commitment has fewer machines installed and no more running. (Before, the
    // hash rate rose 5.6% on such a day, 1,142 to 1,206 EH/s, as others plugged the
    // site's machines in at once.)
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
            // Decisions come at the day's end, after its record: the next day is the first without the site's machines.
            let day = first.day as usize + 1;
            let installed = |d: &simulation::DailyRecord| d.hashrate_ehs + d.idle_hashrate_ehs;
            let (a, b) = (&result.days[day], &without.days[day]);
            assert_eq!(result.days[day - 1].hashrate_ehs, without.days[day - 1].hashrate_ehs, "{id} seed {seed}: same run before");
            assert!(installed(a) < installed(b), "{id} seed {seed}: installed {:.1} vs {:.1} EH/s", installed(a), installed(b));
            assert!(
                a.hashrate_ehs <= b.hashrate_ehs,
                "{id} seed {seed}: {:.0} MW committed; running {:.1} vs {:.1} EH/s without AI",
                first.value,
                a.hashrate_ehs,
                b.hashrate_ehs
            );
        }
    }
}
