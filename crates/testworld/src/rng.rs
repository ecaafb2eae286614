//! A small, fully specified pseudo-random generator.
//!
//! The world must come out byte for byte the same on every platform and
//! with every version of every dependency, so the generator is written
//! here rather than taken from a crate whose streams may change:
//! SplitMix64 (Steele, Lea and Flood, 2014) for numbers, and a keyed
//! bijection on `k`-bit integers for names that must never repeat.
//! Only integer arithmetic is used.

/// The golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 output function: a strong 64-bit mixer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash of `(seed, stream, index)`, for values that need random access.
pub(crate) fn hash(seed: u64, stream: u64, index: u64) -> u64 {
    let key = mix(seed ^ mix(stream.wrapping_mul(GOLDEN)));
    mix(key ^ mix(index.wrapping_add(GOLDEN)))
}

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for item `index` of `stream` in the world `seed`.
    /// Each item gets its own generator, so any item can be produced
    /// without producing the ones before it.
    pub(crate) fn keyed(seed: u64, stream: u64, index: u64) -> Self {
        Rng(hash(seed, stream, index))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// A number in `0..n` (`n > 0`), by multiply-high (Lemire); the tiny
    /// bias does not matter here and keeps one draw per call.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A keyed bijection on the integers `0..2^bits`: distinct inputs give
/// distinct outputs, which makes names built from the output unique
/// without remembering the names already used.
#[derive(Debug, Clone)]
pub(crate) struct Permutation {
    bits: u32,
    mask: u64,
    keys: [u64; 4],
}

impl Permutation {
    /// The permutation of `0..2^bits` (`1 < bits < 64`) for `seed` and `stream`.
    pub(crate) fn new(bits: u32, seed: u64, stream: u64) -> Self {
        let keys = std::array::from_fn(|i| hash(seed, stream, i as u64));
        Permutation { bits, mask: (1u64 << bits) - 1, keys }
    }

    /// The image of `x` (`x < 2^bits`). Each round adds a key, multiplies
    /// by an odd key and folds the high half into the low half; each of
    /// these steps is invertible modulo `2^bits`.
    pub(crate) fn apply(&self, mut x: u64) -> u64 {
        let shift = self.bits.div_ceil(2);

        for key in self.keys {
            x = x.wrapping_add(key) & self.mask;
            x = x.wrapping_mul(key | 1) & self.mask;
            x ^= x >> shift;
        }

        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // SplitMix64 seeded with 0: the published first outputs.
        let mut rng = Rng(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn permutation_is_a_bijection() {
        let perm = Permutation::new(12, 7, 1);
        let mut seen = vec![false; 1 << 12];

        for x in 0..1u64 << 12 {
            let y = perm.apply(x) as usize;
            assert!(!seen[y], "{x} maps onto a value already taken");
            seen[y] = true;
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::keyed(1, 2, 3);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
