//! A small, fixed PRNG so that a seed gives the same traces on every machine and every release.
//!
//! xoshiro256** seeded through SplitMix64. Floating point is limited to IEEE basic operations
//! (`+ - * /`, `sqrt`, `round`), which are correctly rounded everywhere; `exp` is computed here
//! instead of by the platform's libm, whose last bits differ between systems.

/// One SplitMix64 step: a good 64-bit mixer, used for seeding and for deriving streams.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** (Blackman and Vigna).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut s = [0u64; 4];
        for w in &mut s {
            *w = splitmix64(&mut sm);
        }
        // An all-zero state would stay zero; SplitMix64 cannot give four zeros, but be sure.
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    /// An independent stream for (seed, stream, index): e.g. trace number `index` of the
    /// structure stream, so that trace N is the same whatever is generated around it.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Self {
        let mut st = seed;
        let a = splitmix64(&mut st);
        let mut st = a ^ stream.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let b = splitmix64(&mut st);
        let mut st = b ^ index.wrapping_mul(0xA076_1D64_78BD_642F);
        Rng::new(splitmix64(&mut st))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A non-zero value (ids).
    pub fn nonzero_u64(&mut self) -> u64 {
        loop {
            let v = self.next_u64();
            if v != 0 {
                return v;
            }
        }
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0. Multiply-shift: the bias is below 2^-32 for any n we use.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [lo, hi] (inclusive); `lo` when `hi < lo`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` (p ≤ 0 never draws true, p ≥ 1 always).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Approximately standard normal: the sum of four uniforms (Irwin–Hall), rescaled to unit
    /// variance. Bounded at ±3.46, which keeps synthetic durations free of absurd outliers.
    pub fn normal(&mut self) -> f64 {
        let a = self.next_u64();
        let b = self.next_u64();
        let scale = 1.0 / (1u64 << 32) as f64;
        let u = |x: u64| x as f64 * scale;
        let sum = u(a >> 32) + u(a & 0xFFFF_FFFF) + u(b >> 32) + u(b & 0xFFFF_FFFF);
        (sum - 2.0) * 3f64.sqrt()
    }

    /// Log-normal around `median` with shape `sigma` (both in the caller's unit).
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// Log-normal nanoseconds from a median in milliseconds; at least 1 µs.
    pub fn duration_ns(&mut self, median_ms: f64, sigma: f64) -> u64 {
        let ns = self.lognormal(median_ms * 1e6, sigma);
        (ns as u64).max(1_000)
    }
}

/// 1/n! for n = 0..=12 (literal divisions, evaluated exactly the same by every compiler).
const INV_FACT: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// e^x from basic IEEE operations only (same bits on every platform). Relative error ~1e-15.
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    // ln 2 split in two (fdlibm's constants): k × LN2_HI is exact for the k we use.
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let k = (x * std::f64::consts::LOG2_E).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series to r^12/12! on |r| ≤ ln2/2, by Horner.
    let mut p = INV_FACT[12];
    for c in INV_FACT[..12].iter().rev() {
        p = p * r + c;
    }
    // 2^k for k within the normal range (|x| ≤ 700 keeps it there).
    let bits = ((k as i64 + 1023) as u64) << 52;
    p * f64::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_stream() {
        // SplitMix64 from 0: the first output is the published reference value.
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let va: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let vb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(va, vb);
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
        assert_ne!(Rng::derive(1, 0, 0), Rng::derive(1, 0, 1));
        assert_ne!(Rng::derive(1, 0, 0), Rng::derive(1, 1, 0));
    }

    #[test]
    fn exp_matches_std() {
        for i in -200..=200 {
            let x = f64::from(i) * 0.05;
            let (ours, std) = (exp(x), x.exp());
            assert!(((ours - std) / std).abs() < 1e-13, "{x}: {ours} vs {std}");
        }
        assert!((exp(1.0) - std::f64::consts::E).abs() < 1e-14);
    }

    #[test]
    fn ranges_and_moments() {
        let mut r = Rng::new(7);
        let mut sum = 0.0;
        let mut sq = 0.0;
        let n = 20_000;
        for _ in 0..n {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let z = r.normal();
            assert!(z.abs() <= 3.47);
            sum += z;
            sq += z * z;
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
        }
        let mean = sum / f64::from(n);
        let var = sq / f64::from(n) - mean * mean;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
        assert_eq!(r.below(0), 0);
        assert!(!r.chance(0.0));
        assert!(r.chance(1.0));
    }
}
