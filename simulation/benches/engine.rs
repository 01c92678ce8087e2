//! The reference workload and its growth with population size.
//!
//! `cargo bench -p simulation --bench engine` reports the time of one run of
//! the default scenario for 1k, 10k and 100k operators over 4 years (block
//! exact); divide by operators x days for ns per operator-day (the numbers go
//! into the closing notes and README).

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

criterion_group!(benches, reference_workload);
criterion_main!(benches);
