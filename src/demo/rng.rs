//! The generator's pseudo-random numbers: SplitMix64, hand-written on purpose.
//!
//! The committed sample must stay byte-identical across dependency upgrades; `rand` documents that its
//! generators' output streams may change between versions, so the demo owns its ~60 lines of PRNG instead.
//! SplitMix64 (Steele, Lea, Flood 2014) passes BigCrush, has a 64-bit state that is trivial to derive from a
//! seed plus a key, and is fast enough that generation cost is dominated by JSON and gzip.

/// A SplitMix64 stream.
#[derive(Clone, Debug)]
pub struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a string: a stable way to turn a file key into a seed component.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for `(seed, parts…)`, e.g. one per output file.
    pub fn derive(seed: u64, parts: &[u64]) -> Rng {
        let mut s = mix(seed ^ GOLDEN);
        for &p in parts {
            s = mix(s ^ p.wrapping_add(GOLDEN));
        }
        Rng(s)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (`0` when `n == 0`), by multiply-high (Lemire) without the rejection step: the bias
    /// is below 2^-32 for the small ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..hi` (returns `lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One element of a non-empty slice (`None` for an empty one).
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        let i = self.below(xs.len() as u64) as usize;
        xs.get(i)
    }

    /// A lowercase version-4 UUID, as CloudTrail writes eventID.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
        let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xFFFF,
            hi & 0xFFFF,
            lo >> 48,
            lo & 0xFFFF_FFFF_FFFF
        )
    }

    /// `n` characters from `alphabet` (ASCII).
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len() as u64) as usize]))
            .collect()
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        self.chars(b"0123456789abcdef", n)
    }
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Access key ids use a base32-like upper-case alphabet; it has no `0`/`1`, so random keys can never equal the
/// scenario's fixed keys (which contain them).
pub const KEY_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_pinned() {
        // Pinned values: if these change, every committed sample changes too.
        // The reference SplitMix64 stream from state 0 starts with 0xe220a8397b1dcdaf.
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(Rng::new(7).next_u64(), 7_191_089_600_892_374_487);
        let mut d = Rng::derive(7, &[1, 2]);
        let mut e = Rng::derive(7, &[2, 1]);
        assert_ne!(d.next_u64(), e.next_u64());
    }

    #[test]
    fn uuid_shape() {
        let u = Rng::new(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert!(
            u.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }
}
