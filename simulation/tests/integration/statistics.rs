//! Block arrivals are the Poisson process the protocol implies.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use simulation::chain::{next_block_time_s, HASHES_PER_DIFFICULTY};
use simulation::rng::exp1;

/// Days simulated at a constant hash rate.
const DAYS: usize = 2_000;
/// Difficulty and matching hash rate: 600 s per block on average.
const DIFFICULTY: f64 = 150e12;
/// The expected blocks per day at that rate.
const EXPECTED_PER_DAY: f64 = 144.0;

/// Daily block counts at constant hash rate and matching difficulty, drawn
/// by the same arrival rule the engine uses.
fn daily_counts(seed: u64) -> (Vec<u32>, f64) {
    let hash_hs = DIFFICULTY * HASHES_PER_DIFFICULTY / 600.0;
    let rate = hash_hs / (DIFFICULTY * HASHES_PER_DIFFICULTY);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut now = 0.0;
    let mut counts = Vec::with_capacity(DAYS);
    let mut gap_sum = 0.0;
    let mut last_block = 0.0;
    for day in 0..DAYS {
        let horizon = (day + 1) as f64 * 86_400.0;
        let mut count = 0;
        while let Some(time) = next_block_time_s(now, horizon, rate, exp1(&mut rng)) {
            gap_sum += time - last_block;
            last_block = time;
            now = time;
            count += 1;
        }
        now = horizon;
        counts.push(count);
    }
    let blocks: u32 = counts.iter().sum();
    (counts, gap_sum / f64::from(blocks))
}

#[test]
fn mean_block_gap_is_600_seconds() {
    let (counts, mean_gap) = daily_counts(1);
    let blocks: u32 = counts.iter().sum();
    // The mean of n exponential gaps has standard error 600 / sqrt(n)
    // (~1.1 s for ~288,000 blocks); 5 standard errors leaves a false-alarm
    // rate below 1e-6 while still catching a 1% bias.
    let tolerance = 5.0 * 600.0 / f64::from(blocks).sqrt();
    assert!((mean_gap - 600.0).abs() < tolerance, "mean gap {mean_gap} s, tolerance {tolerance} s");
}

#[test]
fn daily_block_counts_are_poisson_dispersed() {
    let (counts, _) = daily_counts(2);
    let n = counts.len() as f64;
    let mean = counts.iter().map(|c| f64::from(*c)).sum::<f64>() / n;
    // Index of dispersion: sum (x - mean)^2 / mean is chi-squared with n - 1
    // degrees of freedom for Poisson counts (variance = mean). Its standard
    // deviation is sqrt(2 (n - 1)) ~ 63; 4.5 of them either side rejects a
    // variance 30% off while a true Poisson fails with probability ~1e-5.
    let dispersion: f64 = counts.iter().map(|c| (f64::from(*c) - mean).powi(2)).sum::<f64>() / mean;
    let df = n - 1.0;
    let band = 4.5 * (2.0 * df).sqrt();
    assert!((dispersion - df).abs() < band, "dispersion {dispersion}, expected {df} +/- {band}");
    // The mean itself: standard error sqrt(144 / 2000) ~ 0.27 blocks a day.
    assert!((mean - EXPECTED_PER_DAY).abs() < 5.0 * (EXPECTED_PER_DAY / n).sqrt(), "mean {mean}");
}

#[test]
fn daily_block_counts_fit_the_poisson_distribution() {
    let (counts, _) = daily_counts(3);
    // Goodness of fit over 7 bins of the count; df = 6. The 0.1% critical
    // value of chi-squared(6) is 22.46: a correct sampler fails once in a
    // thousand seeds (and this seed is fixed), a wrong shape fails at once.
    const CRITICAL_CHI2_DF6_P001: f64 = 22.46;
    let edges = [0u32, 125, 135, 141, 147, 153, 163, u32::MAX];
    let poisson_cdf = |k: u32| -> f64 {
        // P(X <= k) for Poisson(144), summed in log space.
        let mut term = (-EXPECTED_PER_DAY).exp();
        let mut sum = term;
        for i in 1..=k.min(400) {
            term *= EXPECTED_PER_DAY / f64::from(i);
            sum += term;
        }
        sum.min(1.0)
    };
    let mut chi2 = 0.0;
    for window in edges.windows(2) {
        let (low, high) = (window[0], window[1]);
        let observed = counts.iter().filter(|c| **c >= low && **c < high).count() as f64;
        let p_low = if low == 0 { 0.0 } else { poisson_cdf(low - 1) };
        let p_high = if high == u32::MAX { 1.0 } else { poisson_cdf(high - 1) };
        let expected = (p_high - p_low) * counts.len() as f64;
        chi2 += (observed - expected).powi(2) / expected;
    }
    assert!(chi2 < CRITICAL_CHI2_DF6_P001, "chi-squared {chi2}");
}

#[test]
fn the_engine_keeps_blocks_near_ten_minutes() {
    // Through the whole model: retargets pull the mean gap back to 600 s.
    // Hash rate grows or shrinks between retargets, so allow 5%.
    let result = super::run(&super::small(300, 2.0, 11));
    let gap = result.summary.mean_block_interval_s;
    assert!((570.0..630.0).contains(&gap), "mean gap {gap}");
    assert!(result.retargets.len() >= 45, "{} retargets in two years", result.retargets.len());
    for retarget in &result.retargets {
        assert_eq!((retarget.height + 1) % 2016, 0);
        assert!(retarget.change_pct <= 300.0 + 1e-9 && retarget.change_pct >= -75.0 - 1e-9);
        let expected = 1_209_600.0 / (retarget.timespan_s.clamp(302_400, 4_838_400) as f64);
        assert!((retarget.new_difficulty_t / retarget.old_difficulty_t - expected).abs() < 1e-12);
    }
}
