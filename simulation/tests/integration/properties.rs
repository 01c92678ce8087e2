//! Properties over random valid scenarios.

use proptest::prelude::*;
use simulation::Scenario;

fn scenarios() -> impl Strategy<Value = Scenario> {
    (
        (10u32..150, 0.1f64..0.6, any::<u64>()),
        (-80.0f64..200.0, 0u32..100, 1u32..120, 0.0f64..1.5, -1.0f64..1.0),
        (0.0f64..0.5, -50.0f64..100.0, 0.01f64..0.2, -20.0f64..40.0),
        (0.0f64..4_000_000.0, 0.0f64..1.0, 0.0f64..20_000.0, 0u32..36),
        (0.0f64..4.0, 0.0f64..50.0, 0.0f64..1.0, 0.0f64..100.0),
        (0.0f64..50.0, 0.0f64..50.0, 0.0f64..50.0, 0.0f64..50.0, 0.1f64..50.0),
    )
        .prop_map(|(run, price, fees, ai, pools, mix)| Scenario {
            operators: run.0,
            years: run.1,
            seed: run.2 % 9_007_199_254_740_991,
            price_shock_pct: price.0,
            price_shock_start_day: price.1,
            price_shock_days: price.2,
            price_volatility: price.3,
            price_drift: price.4,
            fee_btc_per_block: fees.0,
            fee_growth_pct_per_year: fees.1,
            power_price_median_usd_per_kwh: fees.2,
            power_price_trend_pct_per_year: fees.3,
            ai_revenue_usd_per_mw_year: ai.0,
            ai_eligible_share: ai.1,
            ai_market_mw_per_year: ai.2,
            ai_conversion_months: ai.3,
            pool_preference_strength: pools.0,
            pool_switch_pct_per_month: pools.1,
            manufacturer_self_mining: pools.2,
            manufacturer_production_ehs_per_month: pools.3,
            mix_small_private: mix.0,
            mix_large_private: mix.1,
            mix_public_miner: mix.2,
            mix_manufacturer: mix.3,
            mix_stranded: mix.4,
            ..Scenario::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn runs_are_finite_consistent_and_deterministic(scenario in scenarios()) {
        let result = simulation::run(&scenario).expect("generated scenarios are valid");
        for day in &result.days {
            for column in simulation::DailyRecord::COLUMNS.iter().filter(|c| **c != "date") {
                let value = day.value(column).unwrap();
                prop_assert!(value.is_finite(), "{column} is {value} on day {}", day.day);
                prop_assert!(value >= 0.0 || *column == "difficulty_change_pct", "{column} is {value} on day {}", day.day);
            }
            prop_assert!(day.hashrate_ehs >= 0.0);
            if day.hashrate_ehs > 0.0 {
                prop_assert!(day.nakamoto_pools >= 1 && day.nakamoto_entities >= 1 && day.nakamoto_operators >= 1);
                prop_assert!(day.nakamoto_entities <= day.nakamoto_pools);
            }
            prop_assert!((0.0..=10_000.0 + 1e-6).contains(&day.hhi_pools));
        }
        for (day, shares) in result.days.iter().zip(&result.pool_shares) {
            let sum: f64 = shares.iter().sum();
            if day.hashrate_ehs > 0.0 {
                prop_assert!((sum - 1.0).abs() < 1e-9, "pool shares sum to {sum} on day {}", day.day);
            }
        }
        let again = simulation::run(&scenario).unwrap();
        prop_assert!(again == result, "same scenario, same output");
    }
}
