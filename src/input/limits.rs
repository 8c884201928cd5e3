//! Limits on what one input may cost: a gzip stream may inflate to at most `max_ratio` times the
//! compressed bytes read so far (past a floor, so that small and ordinary files never notice).
//! A 1 MB gzip bomb otherwise inflates to gigabytes of spans; real trace files compress 5-20×.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Default `--max-inflate-ratio`.
pub const DEFAULT_MAX_INFLATE_RATIO: u64 = 100;
/// Inflated bytes allowed whatever the ratio (64 MiB).
pub const INFLATE_FLOOR_BYTES: u64 = 64 << 20;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct InputLimits {
    /// Inflated bytes per compressed byte, past [`INFLATE_FLOOR_BYTES`]; 0 = no limit.
    pub max_inflate_ratio: u64,
    /// Longest string value kept (longer ones are cut and reported).
    pub max_string_bytes: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_inflate_ratio: DEFAULT_MAX_INFLATE_RATIO,
            max_string_bytes: crate::model::limits::DEFAULT_MAX_STRING_BYTES,
        }
    }
}

/// Counts the bytes read through it (the compressed side of a decoder).
pub struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            Counted {
                inner,
                count: count.clone(),
            },
            count,
        )
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The inflated side: fails once it has produced more than the ratio allows.
pub struct RatioLimited<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    inflated: u64,
    max_ratio: u64,
}

impl<R> RatioLimited<R> {
    pub fn new(inner: R, compressed: Arc<AtomicU64>, max_ratio: u64) -> Self {
        RatioLimited {
            inner,
            compressed,
            inflated: 0,
            max_ratio,
        }
    }
}

impl<R: Read> Read for RatioLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.inflated += n as u64;
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.max_ratio > 0
            && self.inflated > INFLATE_FLOOR_BYTES
            && self.inflated / compressed > self.max_ratio
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "gzip data inflates more than {}× (over {} MiB from {} KiB); a decompression bomb? Raise the limit with --max-inflate-ratio (0 = none)",
                    self.max_ratio,
                    self.inflated >> 20,
                    compressed >> 10
                ),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn inflate(gz: &[u8], ratio: u64) -> io::Result<u64> {
        let (counted, count) = Counted::new(gz);
        let mut r = RatioLimited::new(flate2::read::MultiGzDecoder::new(counted), count, ratio);
        io::copy(&mut r, &mut io::sink())
    }

    #[test]
    fn a_bomb_stops_at_the_ratio_and_ordinary_data_passes() {
        // 200 MiB of one byte: about 200 KiB of gzip, a ratio near 1000.
        let bomb = gzip(&vec![b' '; 200 << 20]);
        let e = inflate(&bomb, 100).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("--max-inflate-ratio"), "{e}");
        // 0 switches the limit off; a higher limit lets it through.
        assert_eq!(inflate(&bomb, 0).unwrap(), 200 << 20);
        assert_eq!(inflate(&bomb, 5000).unwrap(), 200 << 20);
        // Below the floor any ratio is fine.
        let small = gzip(&vec![b'x'; 1 << 20]);
        assert_eq!(inflate(&small, 1).unwrap(), 1 << 20);
    }
}
