//! Prints the validation checks of the calibrated presets over many seeds:
//! `cargo run --release -p simulation --example calibrate -- [runs] [operators]`.

use simulation::montecarlo::Progress;
use std::sync::atomic::AtomicBool;

fn main() {
    let mut args = std::env::args().skip(1);
    let runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let operators = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let cancel = AtomicBool::new(false);
    let report = |_| {};
    for preset in ["late-2025-squeeze", "history-2025q4"] {
        let validation =
            simulation::validation::validate_preset(preset, runs, operators, &Progress::new(&cancel, &report)).expect("valid preset");
        println!("{preset} ({runs} seeds, {operators} operators)");
        for check in &validation.checks {
            println!(
                "  {} {:<58} p5 {:>9.2}  p50 {:>9.2}  p95 {:>9.2}   band [{}, {}]",
                if check.pass { "ok  " } else { "MISS" },
                check.name,
                check.p5,
                check.p50,
                check.p95,
                check.band.0,
                check.band.1
            );
        }
    }
}
