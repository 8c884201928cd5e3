//! Percentiles, exact by default (SPEC "The numbers"): nearest rank, P(q) of N sorted values is
//! the value at 1-based rank ceil(q/100 × N). Type 7 (linear interpolation, numpy's default and
//! PromQL `quantile`) on request.

/// How a percentile is computed.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum QuantileMethod {
    /// Nearest rank: always an observed value; rank ceil(q/100 × N)
    #[default]
    #[value(name = "nearest-rank")]
    NearestRank,
    /// Hyndman–Fan type 7: linear interpolation between closest ranks (numpy, PromQL)
    #[value(name = "type7")]
    Type7,
}

impl QuantileMethod {
    pub fn name(self) -> &'static str {
        match self {
            QuantileMethod::NearestRank => "nearest-rank",
            QuantileMethod::Type7 => "type7",
        }
    }
}

/// A percentile in hundredths of a thousandth of a percent (q × 10⁴): exact integer rank math,
/// no `0.95 × 20 = 19.000000000000004` surprises.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percentile(u32);

impl Percentile {
    pub const SCALE: u64 = 1_000_000; // 100 % × 10⁴

    /// From a percentage such as 95 or 99.9 (0 to 100, up to 4 decimals).
    pub fn new(q: f64) -> Option<Self> {
        if !(0.0..=100.0).contains(&q) || !q.is_finite() {
            return None;
        }
        Some(Percentile((q * 10_000.0).round() as u32))
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().trim_start_matches(['p', 'P']);
        let q: f64 = t
            .parse()
            .map_err(|_| format!("invalid percentile {s:?}: expected e.g. 95 or p99.9"))?;
        Self::new(q).ok_or_else(|| format!("percentile {s:?} must be between 0 and 100"))
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10_000.0
    }

    /// Label for columns and JSON keys: `p95`, `p99_9`.
    pub fn label(self) -> String {
        let whole = self.0 / 10_000;
        let frac = self.0 % 10_000;
        if frac == 0 {
            format!("p{whole}")
        } else {
            let f = format!("{frac:04}");
            format!("p{whole}_{}", f.trim_end_matches('0'))
        }
    }
}

/// The percentile of ascending-sorted values; `None` for no values.
pub fn percentile(sorted: &[u64], q: Percentile, method: QuantileMethod) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    match method {
        QuantileMethod::NearestRank => {
            // rank = ceil(q × N / SCALE), at least 1.
            let num = u128::from(q.0) * n as u128;
            let scale = u128::from(Percentile::SCALE);
            let rank = num.div_ceil(scale).max(1) as usize;
            Some(sorted[rank.min(n) - 1])
        }
        QuantileMethod::Type7 => {
            let h = (n - 1) as f64 * q.as_f64() / 100.0;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let frac = h - lo as f64;
            let (a, b) = (sorted[lo] as f64, sorted[hi] as f64);
            Some((a + frac * (b - a)).round() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: f64) -> Percentile {
        Percentile::new(q).unwrap()
    }

    #[test]
    fn nearest_rank_by_the_formula() {
        let v: Vec<u64> = (1..=20).collect();
        // ceil(0.95 × 20) = 19 -> 19th value.
        assert_eq!(
            percentile(&v, p(95.0), QuantileMethod::NearestRank),
            Some(19)
        );
        assert_eq!(
            percentile(&v, p(50.0), QuantileMethod::NearestRank),
            Some(10)
        );
        assert_eq!(
            percentile(&v, p(100.0), QuantileMethod::NearestRank),
            Some(20)
        );
        assert_eq!(percentile(&v, p(0.0), QuantileMethod::NearestRank), Some(1));
        assert_eq!(
            percentile(&[7], p(99.0), QuantileMethod::NearestRank),
            Some(7)
        );
        assert_eq!(
            percentile(&[3, 9], p(50.0), QuantileMethod::NearestRank),
            Some(3)
        );
        assert_eq!(
            percentile(&[3, 9], p(51.0), QuantileMethod::NearestRank),
            Some(9)
        );
        assert_eq!(percentile(&[], p(50.0), QuantileMethod::NearestRank), None);
        // 99.9 of 1000 values: rank 999.
        let v: Vec<u64> = (1..=1000).collect();
        assert_eq!(
            percentile(&v, p(99.9), QuantileMethod::NearestRank),
            Some(999)
        );
    }

    #[test]
    fn ties_and_one_huge_outlier() {
        // Ties: 1,2,2,2,2,3 — P50 rank ceil(3) = 3rd = 2; P90 rank ceil(5.4) = 6th = 3.
        let v = [1, 2, 2, 2, 2, 3];
        assert_eq!(
            percentile(&v, p(50.0), QuantileMethod::NearestRank),
            Some(2)
        );
        assert_eq!(
            percentile(&v, p(83.0), QuantileMethod::NearestRank),
            Some(2)
        );
        assert_eq!(
            percentile(&v, p(90.0), QuantileMethod::NearestRank),
            Some(3)
        );
        // 99 values of 10 ms and one of 1 hour: P99 (rank 99) is still 10 ms, the max is not.
        let mut v = vec![10_000_000u64; 99];
        v.push(3_600_000_000_000);
        assert_eq!(
            percentile(&v, p(99.0), QuantileMethod::NearestRank),
            Some(10_000_000)
        );
        assert_eq!(
            percentile(&v, p(99.5), QuantileMethod::NearestRank),
            Some(3_600_000_000_000)
        );
        assert_eq!(
            percentile(&v, p(100.0), QuantileMethod::NearestRank),
            Some(3_600_000_000_000)
        );
        // Type 7 at P99: h = 99 × 0.99 = 98.01 -> 10 ms + 0.01 × (1 h − 10 ms).
        let t7 = percentile(&v, p(99.0), QuantileMethod::Type7).unwrap();
        assert_eq!(
            t7,
            (10_000_000.0 + 0.01 * (3_600_000_000_000.0 - 10_000_000.0f64)).round() as u64
        );
    }

    #[test]
    fn type7_interpolates() {
        let v = [10, 20, 30, 40];
        // h = 3 × 0.5 = 1.5 -> 20 + 0.5 × 10 = 25
        assert_eq!(percentile(&v, p(50.0), QuantileMethod::Type7), Some(25));
        assert_eq!(percentile(&v, p(100.0), QuantileMethod::Type7), Some(40));
        assert_eq!(percentile(&[5], p(90.0), QuantileMethod::Type7), Some(5));
    }

    #[test]
    fn labels_and_parsing() {
        assert_eq!(p(95.0).label(), "p95");
        assert_eq!(p(99.9).label(), "p99_9");
        assert_eq!(Percentile::parse("p99.99").unwrap().label(), "p99_99");
        assert!(Percentile::parse("101").is_err());
        assert!(Percentile::parse("x").is_err());
    }
}
