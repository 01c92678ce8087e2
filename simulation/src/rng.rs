//! Seeded, portable random streams.
//!
//! Each subsystem draws from its own ChaCha8 stream derived from the scenario
//! seed, so that (a) the same seed gives the same bytes on every machine and
//! every release of the dependencies we pin (ChaCha's output is specified), and
//! (b) changing one part of a scenario (say, the number of operators) does not
//! reshuffle the draws of another (the price path): common random numbers make
//! side-by-side comparisons fair.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The independent streams of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// BTC price noise.
    Price = 1,
    /// Fee noise.
    Fees = 2,
    /// Block arrival times and their pool attribution.
    Blocks = 3,
    /// The initial population of operators.
    Population = 4,
    /// Operators' monthly decisions, entry and pool choice.
    Decisions = 5,
}

/// A generator for `stream` of the run seeded with `seed`.
pub fn stream(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// A uniform draw in (0, 1]: safe to take the logarithm of.
#[inline]
pub fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// An exponential draw with mean 1, by inversion through portable `ln`.
#[inline]
pub fn exp1(rng: &mut ChaCha8Rng) -> f64 {
    -crate::math::ln(open_unit(rng))
}

/// A standard normal draw (Box-Muller through portable `ln`, `sqrt`, `cos`).
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = open_unit(rng);
    let u2: f64 = rng.random();
    (-2.0 * crate::math::ln(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

/// A Poisson draw with mean `lambda` (inversion for small means, a rounded
/// normal approximation above 60 where the error is far below the noise).
pub fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda > 60.0 {
        let draw = lambda + lambda.sqrt() * standard_normal(rng);
        return crate::math::round(draw).max(0.0) as u64;
    }
    let limit = crate::math::exp(-lambda);
    let mut product = rng.random::<f64>();
    let mut count = 0;
    while product > limit {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, Stream::Price).random()).collect();
        let mut price = stream(7, Stream::Price);
        let b: Vec<u64> = (0..4).map(|_| price.random()).collect();
        let mut blocks = stream(7, Stream::Blocks);
        let c: Vec<u64> = (0..4).map(|_| blocks.random()).collect();
        assert_eq!(a[0], b[0]);
        assert_ne!(b, c);
    }

    #[test]
    fn poisson_mean_is_close() {
        let mut rng = stream(1, Stream::Decisions);
        for &lambda in &[0.5, 4.0, 144.0] {
            let n = 20_000;
            let mean = (0..n).map(|_| poisson(&mut rng, lambda) as f64).sum::<f64>() / n as f64;
            // Standard error is sqrt(lambda / n); allow 5 of them.
            let tolerance = 5.0 * (lambda / n as f64).sqrt();
            assert!((mean - lambda).abs() < tolerance, "lambda {lambda}: mean {mean}");
        }
    }
}
