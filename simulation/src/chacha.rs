//! ChaCha8 in plain 32-bit arithmetic, drawing exactly `rand_chacha`'s stream.
//!
//! The run's generators are ChaCha8 (`rng.rs`). Natively `rand_chacha` fills
//! its buffer with SIMD; built for wasm it works its four 128-bit rows through
//! `u128` arithmetic, and a profile of the browser's worker put a tenth of a
//! drag's frame in that refill. Built for wasm the model draws from this core
//! instead, the same words in the same order: `rand_core`'s own `BlockRng`
//! hands them out (the same buffer of four blocks, the same rules for `u64`s
//! that straddle a refill), and the tests below hold the two streams equal
//! word for word, seed by seed and stream by stream.

use rand_core::block::{BlockRng, BlockRngCore};
use rand_core::SeedableRng;

/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];
/// ChaCha8: four double rounds.
const DOUBLE_ROUNDS: usize = 4;
/// Words of one block, and blocks a refill makes (as `rand_chacha` does).
const BLOCK_WORDS: usize = 16;
const BUFFER_BLOCKS: usize = 4;

/// A refill's words (`rand_core` asks a core's results to have a default).
#[derive(Clone)]
pub struct Words(pub [u32; BLOCK_WORDS * BUFFER_BLOCKS]);

impl Default for Words {
    fn default() -> Self {
        Words([0; BLOCK_WORDS * BUFFER_BLOCKS])
    }
}

impl AsRef<[u32]> for Words {
    fn as_ref(&self) -> &[u32] {
        &self.0
    }
}

impl AsMut<[u32]> for Words {
    fn as_mut(&mut self) -> &mut [u32] {
        &mut self.0
    }
}

/// The cipher's state between refills: key, 64-bit block counter, 64-bit stream.
#[derive(Clone)]
pub struct ChaCha8Core {
    key: [u32; 8],
    block: u64,
    stream: u64,
}

impl ChaCha8Core {
    /// The core `rand_chacha::ChaCha8Rng::from_seed(seed)` holds, on stream `stream`, at block 0.
    pub fn new(seed: [u8; 32], stream: u64) -> Self {
        let mut key = [0u32; 8];
        for (word, bytes) in key.iter_mut().zip(seed.chunks_exact(4)) {
            *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        ChaCha8Core { key, block: 0, stream }
    }

    /// Block `block` of the stream into `out`.
    fn block_into(&self, block: u64, out: &mut [u32]) {
        let mut start = [0u32; BLOCK_WORDS];
        start[..4].copy_from_slice(&CONSTANTS);
        start[4..12].copy_from_slice(&self.key);
        start[12] = block as u32;
        start[13] = (block >> 32) as u32;
        start[14] = self.stream as u32;
        start[15] = (self.stream >> 32) as u32;
        let mut x = start;
        for _ in 0..DOUBLE_ROUNDS {
            quarter_round(&mut x, 0, 4, 8, 12);
            quarter_round(&mut x, 1, 5, 9, 13);
            quarter_round(&mut x, 2, 6, 10, 14);
            quarter_round(&mut x, 3, 7, 11, 15);
            quarter_round(&mut x, 0, 5, 10, 15);
            quarter_round(&mut x, 1, 6, 11, 12);
            quarter_round(&mut x, 2, 7, 8, 13);
            quarter_round(&mut x, 3, 4, 9, 14);
        }
        for ((out, x), start) in out.iter_mut().zip(x).zip(start) {
            *out = x.wrapping_add(start);
        }
    }
}

#[inline(always)]
fn quarter_round(x: &mut [u32; BLOCK_WORDS], a: usize, b: usize, c: usize, d: usize) {
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(16);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(12);
    x[a] = x[a].wrapping_add(x[b]);
    x[d] = (x[d] ^ x[a]).rotate_left(8);
    x[c] = x[c].wrapping_add(x[d]);
    x[b] = (x[b] ^ x[c]).rotate_left(7);
}

impl BlockRngCore for ChaCha8Core {
    type Item = u32;
    type Results = Words;

    fn generate(&mut self, results: &mut Words) {
        for (index, out) in results.0.chunks_exact_mut(BLOCK_WORDS).enumerate() {
            self.block_into(self.block.wrapping_add(index as u64), out);
        }
        self.block = self.block.wrapping_add(BUFFER_BLOCKS as u64);
    }
}

/// A generator drawing `rand_chacha::ChaCha8Rng::seed_from_u64(seed)`'s words on stream `stream`.
pub fn seeded(seed: u64, stream: u64) -> BlockRng<ChaCha8Core> {
    let key = rand_chacha::ChaCha8Rng::seed_from_u64(seed).get_seed();
    BlockRng::new(ChaCha8Core::new(key, stream))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::RngCore;

    fn reference(seed: u64, stream: u64) -> rand_chacha::ChaCha8Rng {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        rng
    }

    #[test]
    fn the_stream_is_rand_chachas_word_for_word() {
        for seed in [0, 1, 42, 7_777, u64::MAX] {
            for stream in [0, 1, 5, 11, u64::MAX] {
                let (mut ours, mut theirs) = (seeded(seed, stream), reference(seed, stream));
                // Mixed widths, so that u64s straddle refills at both parities.
                for step in 0..2_000u32 {
                    match step % 7 {
                        0 | 3 => assert_eq!(ours.next_u32(), theirs.next_u32(), "seed {seed} stream {stream} step {step}"),
                        5 => {
                            let (mut a, mut b) = ([0u8; 13], [0u8; 13]);
                            ours.fill_bytes(&mut a);
                            theirs.fill_bytes(&mut b);
                            assert_eq!(a, b, "seed {seed} stream {stream} step {step}");
                        }
                        _ => assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed} stream {stream} step {step}"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_block_counter_carries_into_its_high_word() {
        let mut core = ChaCha8Core::new([3; 32], 9);
        core.block = u64::from(u32::MAX) - 1;
        let mut ours = BlockRng::new(core);
        let mut theirs = rand_chacha::ChaCha8Rng::from_seed([3; 32]);
        theirs.set_stream(9);
        theirs.set_word_pos(u128::from(u32::MAX - 1) * 16);
        for _ in 0..200 {
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
    }
}
