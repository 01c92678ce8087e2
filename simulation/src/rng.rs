//! Seeded, portable random streams.
//!
//! Each subsystem draws from its own ChaCha8 stream derived from the scenario
//! seed, so that (a) the same seed gives the same bytes on every machine and
//! every release of the dependencies we pin (ChaCha's output is specified), and
//! (b) changing one part of a scenario (say, the number of operators) does not
//! reshuffle the draws of another (the price path): common random numbers make
//! side-by-side comparisons fair.

use rand::Rng;
#[cfg(not(target_arch = "wasm32"))]
use rand::SeedableRng;
#[cfg(not(target_arch = "wasm32"))]
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

/// What a keyed draw is for: one slot per decision, so that adding a decision
/// never shifts another's draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Whether an operator re-chooses its pool this month.
    PoolSwitch = 1,
    /// Which pool it chooses.
    PoolChoice = 2,
    /// An entrant's kind.
    EntrantKind = 3,
    /// An entrant's power price.
    EntrantPower = 4,
    /// An entrant's size.
    EntrantSize = 5,
    /// An entrant's pool.
    EntrantPool = 6,
    /// Whether an entrant's site is fit for AI.
    EntrantAi = 7,
    /// An operator's patience.
    Patience = 8,
    /// The day within its delivery month an order ships.
    Shipping = 9,
    /// A lot's own switch-off delay factor.
    SwitchOff = 10,
    /// The rounding of a lot's worn-out machines in a month.
    Wear = 11,
}

/// A uniform draw in [0, 1) for one operator (`key`), month and purpose:
/// counter-based (SplitMix64 finalisers), so each operator's draw for a
/// decision is the same in two runs whatever else differs between them.
/// That makes common random numbers hold for every decision, which paired
/// comparisons (sensitivity) need.
#[inline]
pub fn keyed_unit(seed: u64, key: u64, month: u32, purpose: Purpose) -> f64 {
    let mut h = splitmix64(seed ^ 0x6a09_e667_f3bc_c909);
    h = splitmix64(h ^ key);
    h = splitmix64(h ^ (u64::from(month) << 8 | purpose as u64));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal draw keyed like [`keyed_unit`] (inverse by Box-Muller on two keyed uniforms).
pub fn keyed_normal(seed: u64, key: u64, month: u32, purpose: Purpose) -> f64 {
    let u1 = 1.0 - keyed_unit(seed, key, month, purpose);
    let u2 = keyed_unit(seed ^ 0x9e37_79b9_7f4a_7c15, key, month, purpose);
    (-2.0 * crate::math::ln(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mix.
#[inline]
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The run's generator: ChaCha8, `rand_chacha`'s natively; built for wasm,
/// the same stream drawn in 32-bit arithmetic (`chacha.rs`), where
/// `rand_chacha` emulates its vectors with `u128`.
#[cfg(not(target_arch = "wasm32"))]
pub type Draws = ChaCha8Rng;
/// The run's generator (see the native definition).
#[cfg(target_arch = "wasm32")]
pub type Draws = rand_core::block::BlockRng<crate::chacha::ChaCha8Core>;

/// A generator for `stream` of the run seeded with `seed`.
#[cfg(not(target_arch = "wasm32"))]
pub fn stream(seed: u64, stream: Stream) -> Draws {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// A generator for `stream` of the run seeded with `seed`.
#[cfg(target_arch = "wasm32")]
pub fn stream(seed: u64, stream: Stream) -> Draws {
    crate::chacha::seeded(seed, stream as u64)
}

/// A uniform draw in (0, 1]: safe to take the logarithm of.
#[inline]
pub fn open_unit(rng: &mut Draws) -> f64 {
    1.0 - rng.random::<f64>()
}

/// An exponential draw with mean 1, by inversion through portable `ln`.
#[inline]
pub fn exp1(rng: &mut Draws) -> f64 {
    -crate::math::ln(open_unit(rng))
}

/// A standard normal draw (Box-Muller through portable `ln`, `sqrt`, `cos`).
pub fn standard_normal(rng: &mut Draws) -> f64 {
    let u1 = open_unit(rng);
    let u2: f64 = rng.random();
    (-2.0 * crate::math::ln(u1)).sqrt() * libm::cos(std::f64::consts::TAU * u2)
}

/// A Poisson draw with mean `lambda` (inversion for small means, a rounded
/// normal approximation above 60 where the error is far below the noise).
pub fn poisson(rng: &mut Draws, lambda: f64) -> u64 {
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
    fn keyed_draws_are_uniform_reproducible_and_independent_of_order() {
        let a = keyed_unit(42, 7, 3, Purpose::PoolSwitch);
        assert_eq!(a, keyed_unit(42, 7, 3, Purpose::PoolSwitch));
        assert_ne!(a, keyed_unit(42, 7, 3, Purpose::PoolChoice));
        assert_ne!(a, keyed_unit(42, 8, 3, Purpose::PoolSwitch));
        assert_ne!(a, keyed_unit(43, 7, 3, Purpose::PoolSwitch));
        // Uniform: 10 bins of 20,000 draws, chi-square below 27.9 (df 9, p = 0.001).
        let mut bins = [0u32; 10];
        for key in 0..20_000u64 {
            let u = keyed_unit(1, key, 5, Purpose::EntrantPower);
            assert!((0.0..1.0).contains(&u));
            bins[(u * 10.0) as usize] += 1;
        }
        let chi2: f64 = bins.iter().map(|&b| (f64::from(b) - 2_000.0).powi(2) / 2_000.0).sum();
        assert!(chi2 < 27.9, "{chi2} {bins:?}");
        let normals: Vec<f64> = (0..20_000u64).map(|k| keyed_normal(3, k, 0, Purpose::Patience)).collect();
        let mean = normals.iter().sum::<f64>() / 20_000.0;
        let var = normals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 20_000.0;
        // Standard errors: 0.007 for the mean, 0.01 for the variance; allow 5.
        assert!(mean.abs() < 0.035 && (var - 1.0).abs() < 0.05, "{mean} {var}");
    }

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
