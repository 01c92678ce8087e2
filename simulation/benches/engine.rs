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
    // Every numeric daily column (the page bands 33 of them: app::catalogue::BAND_COLUMNS).
    let record = simulation::output::DailyRecord::default();
    let columns: Vec<&str> = simulation::output::DailyRecord::COLUMNS.iter().copied().filter(|c| record.value(c).is_some()).collect();
    group.bench_function("1000_seeds_default_every_column", |b| {
        b.iter(|| run_montecarlo(black_box(&scenario), 1_000, &columns, &Progress::new(&cancel, &report)).expect("valid scenario"));
    });
    group.finish();
}

criterion_group!(benches, reference_workload, montecarlo_workload);
criterion_main!(benches);
