//! Trace and span identifiers.
//!
//! Trace ids are 128-bit: a 64-bit id (Jaeger's 16-char rendering, Zipkin's 64-bit traces, Tempo's
//! stripped leading zeros) is the same id with a zero high half, so every source compares equal.

use std::fmt;

use base64::Engine as _;

/// A 128-bit trace id. Zero means "absent".
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub u128);

/// A 64-bit span id. Zero means "absent".
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub u64);

/// Why an id string or byte string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id {0:?} is neither hex (up to {1} digits) nor base64 of {2} bytes")]
    Malformed(String, usize, usize),
    #[error("id has {0} bytes, expected {1}")]
    Length(usize, usize),
}

fn hex_value(s: &str, max_digits: usize) -> Option<u128> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    let mut v: u128 = 0;
    for b in s.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u128::from(d);
    }
    Some(v)
}

fn base64_bytes(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        if let Ok(v) = engine.decode(s) {
            return Some(v);
        }
    }
    None
}

fn be_value(bytes: &[u8]) -> u128 {
    bytes
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b))
}

impl TraceId {
    pub const ZERO: TraceId = TraceId(0);

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// From raw bytes: 16 (OTLP), or 8 (a 64-bit id). Empty means absent (zero).
    pub fn from_bytes(b: &[u8]) -> Result<Self, IdError> {
        match b.len() {
            0 => Ok(TraceId(0)),
            8 | 16 => Ok(TraceId(be_value(b))),
            n => Err(IdError::Length(n, 16)),
        }
    }

    /// Hex only (any case, 1 to 32 digits, left-padded).
    pub fn from_hex(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        hex_value(s, 32)
            .map(TraceId)
            .ok_or_else(|| IdError::Malformed(s.to_string(), 32, 16))
    }

    /// Hex when the text is hex; otherwise base64 of 16 (or 8) bytes. Empty is zero.
    /// A padded base64 id always has `=` or non-hex letters, so the order is safe.
    pub fn parse_lenient(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Ok(TraceId(0));
        }
        if let Some(v) = hex_value(s, 32) {
            return Ok(TraceId(v));
        }
        match base64_bytes(s) {
            Some(b) if b.len() == 16 || b.len() == 8 => Ok(TraceId(be_value(&b))),
            _ => Err(IdError::Malformed(s.to_string(), 32, 16)),
        }
    }

    /// Base64 only (Tempo, Jaeger api_v3 <= 1.53), with a hex fallback for mixed data.
    pub fn parse_base64_first(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Ok(TraceId(0));
        }
        if s.len() >= 22
            && s.len() <= 24
            && let Some(b) = base64_bytes(s).filter(|b| b.len() == 16)
        {
            return Ok(TraceId(be_value(&b)));
        }
        if s.len() >= 11
            && s.len() <= 12
            && s.len() != 16
            && let Some(b) = base64_bytes(s).filter(|b| b.len() == 8)
        {
            return Ok(TraceId(be_value(&b)));
        }
        Self::parse_lenient(s)
    }

    pub fn to_bytes(self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    pub fn high(self) -> u64 {
        (self.0 >> 64) as u64
    }

    pub fn low(self) -> u64 {
        self.0 as u64
    }

    pub fn from_parts(high: u64, low: u64) -> Self {
        TraceId((u128::from(high) << 64) | u128::from(low))
    }

    /// 16 hex digits when the high half is zero (Jaeger's and Zipkin's rendering), else 32.
    pub fn to_short_hex(self) -> String {
        if self.high() == 0 {
            format!("{:016x}", self.low())
        } else {
            self.to_string()
        }
    }
}

/// What `--trace` names: a whole trace id, or a prefix of one, like a short git hash.
///
/// The digits match an id when they begin the id as it is printed: its 32 digits, or for a
/// 64-bit id (high half zero) its 16 digits. A 64-bit id's 32-digit form is matched only by
/// more than 16 digits (the 16 padding zeros and more), so that a short run of zeros does not
/// name every 64-bit trace. The digits also match the id they spell on their own (left-padded
/// with zeros), as ids printed without leading zeros are written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TraceRef {
    /// Lowercase hex digits, [`TraceRef::MIN_DIGITS`] to 32 of them.
    digits: String,
    /// The digits as a number.
    value: u128,
}

/// Why a `--trace` value names no trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceRefError {
    /// Not hex digits, or more than 32 of them.
    Malformed,
    /// Fewer digits than [`TraceRef::MIN_DIGITS`].
    TooShort(usize),
    /// A whole id (16 or 32 digits) of zeros.
    Zero,
}

impl TraceRef {
    /// The shortest prefix accepted.
    pub const MIN_DIGITS: usize = 8;

    /// Hex digits (either case; no `0x`, no spaces).
    pub fn parse(hex: &str) -> Result<Self, TraceRefError> {
        let value = hex_value(hex, 32).ok_or(TraceRefError::Malformed)?;
        if hex.len() < Self::MIN_DIGITS {
            return Err(TraceRefError::TooShort(hex.len()));
        }
        if value == 0 && matches!(hex.len(), 16 | 32) {
            return Err(TraceRefError::Zero);
        }
        Ok(TraceRef {
            digits: hex.to_ascii_lowercase(),
            value,
        })
    }

    /// Exactly this id.
    pub fn id(id: TraceId) -> Self {
        TraceRef {
            digits: id.to_string(),
            value: id.0,
        }
    }

    /// The digits as given (lowercase).
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The id the digits spell when they are a whole id (16 or 32 digits).
    pub fn whole(&self) -> Option<TraceId> {
        matches!(self.digits.len(), 16 | 32).then_some(TraceId(self.value))
    }

    pub fn matches(&self, id: TraceId) -> bool {
        if id.is_zero() {
            return false;
        }
        if id.0 == self.value {
            return true;
        }
        let n = self.digits.len() as u32;
        let prefix_of_32 = (id.0 >> (4 * (32 - n))) == self.value;
        if id.high() != 0 || n > 16 {
            return prefix_of_32;
        }
        (id.low() >> (4 * (16 - n))) as u128 == self.value
    }
}

impl fmt::Display for TraceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl SpanId {
    pub const ZERO: SpanId = SpanId(0);

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn from_bytes(b: &[u8]) -> Result<Self, IdError> {
        match b.len() {
            0 => Ok(SpanId(0)),
            8 => Ok(SpanId(be_value(b) as u64)),
            n => Err(IdError::Length(n, 8)),
        }
    }

    pub fn from_hex(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        hex_value(s, 16)
            .map(|v| SpanId(v as u64))
            .ok_or_else(|| IdError::Malformed(s.to_string(), 16, 8))
    }

    pub fn parse_lenient(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Ok(SpanId(0));
        }
        if let Some(v) = hex_value(s, 16) {
            return Ok(SpanId(v as u64));
        }
        match base64_bytes(s) {
            Some(b) if b.len() == 8 => Ok(SpanId(be_value(&b) as u64)),
            _ => Err(IdError::Malformed(s.to_string(), 16, 8)),
        }
    }

    pub fn parse_base64_first(s: &str) -> Result<Self, IdError> {
        if (s.len() == 11 || s.len() == 12)
            && let Some(b) = base64_bytes(s).filter(|b| b.len() == 8)
        {
            return Ok(SpanId(be_value(&b) as u64));
        }
        Self::parse_lenient(s)
    }

    pub fn to_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_any_case_and_padding() {
        let a = TraceId::from_hex("5B8EFFF798038103D269B633813FC60C").unwrap();
        let b = TraceId::from_hex("5b8efff798038103d269b633813fc60c").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "5b8efff798038103d269b633813fc60c");
        // Tempo strips leading zeros; Jaeger renders 64-bit ids with 16 digits.
        let short = TraceId::from_hex("cb0f836124d98d806e10d0ea1575e6a").unwrap();
        assert_eq!(short.to_string(), "0cb0f836124d98d806e10d0ea1575e6a");
        let j = TraceId::from_hex("3241afc70b0e852d").unwrap();
        let padded = TraceId::from_hex("00000000000000003241afc70b0e852d").unwrap();
        assert_eq!(j, padded);
        assert_eq!(j.to_short_hex(), "3241afc70b0e852d");
    }

    #[test]
    fn base64_ids() {
        // "W47/95gDgQPSabYzgT/GDA==" is base64 of 5b8efff798038103d269b633813fc60c
        let t = TraceId::parse_lenient("W47/95gDgQPSabYzgT/GDA==").unwrap();
        assert_eq!(t.to_string(), "5b8efff798038103d269b633813fc60c");
        let s = SpanId::parse_lenient("7uGbfsPBsXQ=").unwrap();
        assert_eq!(s.to_string(), "eee19b7ec3c1b174");
        assert!(TraceId::parse_lenient("not an id!").is_err());
        assert_eq!(TraceId::parse_lenient("").unwrap(), TraceId::ZERO);
    }

    #[test]
    fn bytes() {
        let t = TraceId::from_bytes(&[0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
        assert_eq!(t, TraceId(1));
        assert!(TraceId::from_bytes(&[1, 2, 3]).is_err());
        assert_eq!(TraceId::from_parts(1, 2).to_bytes()[7], 1);
    }

    fn r(s: &str) -> TraceRef {
        TraceRef::parse(s).unwrap()
    }

    fn id(s: &str) -> TraceId {
        TraceId::from_hex(s).unwrap()
    }

    #[test]
    fn trace_refs_parse() {
        assert_eq!(r("4BF92F35").as_str(), "4bf92f35");
        assert_eq!(TraceRef::parse("4bf92f3"), Err(TraceRefError::TooShort(7)));
        assert_eq!(TraceRef::parse(""), Err(TraceRefError::Malformed));
        assert_eq!(TraceRef::parse("4bf92f3g"), Err(TraceRefError::Malformed));
        assert_eq!(
            TraceRef::parse(&"a".repeat(33)),
            Err(TraceRefError::Malformed)
        );
        assert_eq!(TraceRef::parse(&"0".repeat(16)), Err(TraceRefError::Zero));
        assert_eq!(TraceRef::parse(&"0".repeat(32)), Err(TraceRefError::Zero));
        // A run of zeros shorter than a whole id is a prefix like any other.
        assert!(TraceRef::parse("00000000").is_ok());
        assert_eq!(r("3241afc70b0e852d").whole(), Some(id("3241afc70b0e852d")));
        assert_eq!(r("3241afc70b0e852").whole(), None);
        assert_eq!(
            TraceRef::id(id("ab")).as_str(),
            "000000000000000000000000000000ab"
        );
    }

    #[test]
    fn trace_refs_match_the_id_as_printed() {
        let long = id("4bf92f3577b34da6a3ce929d0e0e4736");
        let short = id("00f067aa0ba902b7"); // a 64-bit id, printed 00f067aa0ba902b7
        for (digits, l, s) in [
            ("4bf92f35", true, false),
            ("4bf92f3577b34da6", true, false), // 16 digits: also a prefix of a 128-bit id
            ("4bf92f3577b34da6a3ce929d0e0e4736", true, false),
            ("4bf92f3577b34da6a3ce929d0e0e4737", false, false),
            ("00f067aa", false, true),
            ("00f067aa0ba902b7", false, true),
            ("00000000000000000", false, true), // 17 digits reach past the padding
            ("000000000000000000f067aa0ba902b7", false, true),
            // Without leading zeros (old Jaeger): the id the digits spell.
            ("f067aa0ba902b7", false, true),
            // 8 zeros begin the 16-digit form of this 64-bit id? No: it starts 00f0.
            ("00000000", false, false),
            ("f067aa0b", false, false),
        ] {
            assert_eq!(r(digits).matches(long), l, "{digits} vs long");
            assert_eq!(r(digits).matches(short), s, "{digits} vs short");
        }
        // Zeros begin every 64-bit id's 32-digit form, but not as a prefix of 16 or fewer.
        let tiny = id("00000000deadbeef");
        assert!(r("00000000").matches(tiny));
        assert!(r("00000000dead").matches(tiny));
        assert!(!r("0000000000000000dead").matches(short));
        assert!(r("0000000000000000dead").matches(id("0000000000000000deadbeefdeadbeef")));
        let mid = id("00000000aaaaaaaabbbbbbbbcccccccc"); // 128-bit, high half nonzero
        assert!(r("00000000").matches(mid));
        assert!(r("00000000aaaa").matches(mid));
        assert!(!r("aaaaaaaa").matches(mid));
        assert!(!r("00000000").matches(TraceId::ZERO));
        assert!(TraceRef::id(long).matches(long));
        assert!(!TraceRef::id(long).matches(short));
    }
}
