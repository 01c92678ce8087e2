//! Replays of history start from the network of their first day.

use super::run;
use simulation::history::{observed, windows::WINDOWS};

/// How far the first day's running hash may sit from the observed 7-day mean.
/// The start is sized analytically (each kind's fleet against its power
/// prices); the drawn population differs from that expectation by its draws.
const START_TOLERANCE: f64 = 0.05;

#[test]
fn every_window_starts_at_its_days_hash_rate_difficulty_and_height() {
    for window in WINDOWS {
        for seed in [1, 2, 3] {
            let mut scenario = window.scenario();
            scenario.seed = seed;
            scenario.years = 0.1;
            let result = run(&scenario);
            let (from, _) = window.dates();
            let index = observed::index_of(from).unwrap();
            let day = observed::days()[index];
            let hash_7d = observed::trailing_mean(index, 7, |d| d.hashrate_ehs);
            let first = &result.days[0];
            assert!(
                (first.hashrate_ehs / hash_7d - 1.0).abs() <= START_TOLERANCE,
                "{} seed {seed}: {:.1} EH/s running against {hash_7d:.1} observed",
                window.id,
                first.hashrate_ehs
            );
            assert!(
                (result.retargets.first().map_or(first.difficulty, |r| r.old_difficulty_t * 1e12) / 1e12 - day.difficulty_t).abs() < 1e-9
            );
            assert_eq!(scenario.start_height, observed::height_at_start_of(from).unwrap(), "{}", window.id);
            assert_eq!(result.observed.len(), 37);
            assert_eq!(result.observed[0].date, from);
        }
    }
}

#[test]
fn a_replay_follows_the_observed_price_and_fees() {
    let scenario = simulation::history::windows::find("2020").unwrap().scenario();
    let result = run(&scenario);
    for (record, seen) in result.days.iter().zip(&result.observed) {
        assert_eq!(record.price_usd, seen.price_usd, "{}", record.date);
    }
    // The 2020 halving falls within days of its real day (11 May): the run starts at
    // the real height and mines at its own pace, so the day can differ by a little.
    let halving = result.events.iter().find(|e| e.kind == simulation::events::EventKind::Halving).expect("a halving");
    let day = chrono::NaiveDate::parse_from_str(&halving.date, "%Y-%m-%d").unwrap();
    let real = chrono::NaiveDate::from_ymd_opt(2020, 5, 11).unwrap();
    assert!((day - real).num_days().abs() <= 4, "{}", halving.date);
}
