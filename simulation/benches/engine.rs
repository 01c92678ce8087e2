//! The reference workload and its growth with population size.
//!
//! `cargo bench -p simulation --bench engine` reports the time of one run of
//! the default scenario for 1k, 10k and 100k operators over 4 years (block
//! exact); divide by operators x days for ns per operator-day (the numbers go
//! into the closing notes and README).
//!
//! `montecarlo` times the research workload: 1,000 seeds of the default
//! scenario (2,000 operators, 4 years) on every core, the bands included.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use simulation::Scenario;

fn reference_workload(c: &mut Criterion) {
    let mut group = c.benchmark_group("run_4_years");
    group.sample_size(10);
    for operators in [1_000u32, 10_000, 100_000] {
        let scenario = Scenario { operators, years: 4.0, ..Scenario::default() };
        group.throughput(Throughput::Elements(u64::from(operators) * u64::from(scenario.days())));
        group.bench_with_input(BenchmarkId::from_parameter(operators), &scenario, |b, scenario| {
            b.iter(|| simulation::run(black_box(scenario)).expect("valid scenario"));
        });
    }
    group.finish();
}

fn montecarlo_workload(c: &mut Criterion) {
    use simulation::montecarlo::{run_montecarlo, Progress};
    let mut group = c.benchmark_group("montecarlo");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(110));
    let scenario = Scenario::default();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let report = |_| {};
    // The 33 columns the page's Monte Carlo bands (app::catalogue::BAND_COLUMNS).
    const COLUMNS: &[&str] = &[
        "price_usd",
        "difficulty",
        "hashrate_ehs",
        "hashrate_7d_est_ehs",
        "hashprice_usd_per_ph_day",
        "security_budget_usd_per_day",
        "security_budget_pct_mcap_yr",
        "fee_share",
        "attack_cost_rent_usd_per_hour",
        "attack_cost_buy_usd",
        "idle_hashrate_ehs",
        "nakamoto_pools",
        "nakamoto_entities",
        "nakamoto_operators",
        "hhi_pools",
        "hhi_entities",
        "top_pool_share",
        "top5_pool_share",
        "ai_mw",
        "ai_mw_pending",
        "operators_active",
        "energy_gw",
        "fleet_j_per_th",
        "hashrate_ehs_small_private",
        "hashrate_ehs_large_private",
        "hashrate_ehs_public_miner",
        "hashrate_ehs_manufacturer",
        "hashrate_ehs_stranded",
        "operators_small_private",
        "operators_large_private",
        "operators_public_miner",
        "operators_manufacturer",
        "operators_stranded",
    ];
    group.bench_function("1000_seeds_default", |b| {
        b.iter(|| run_montecarlo(black_box(&scenario), 1_000, COLUMNS, &Progress::new(&cancel, &report)).expect("valid scenario"));
    });
    group.finish();
}

criterion_group!(benches, reference_workload, montecarlo_workload);
criterion_main!(benches);
