//! Shared helpers for the JSON readers: lenient scalars, enums, ids, bytes, keys and positions.
//!
//! Trace JSON in the wild bends the protobuf JSON mapping in every direction (formats.md §1.2,
//! §1.10, §2.4). These helpers accept all the spellings one value can have, and never allocate on
//! the common path (strings are looked at through a transient `&str`, so they work the same with
//! `serde_json::from_slice` and `serde_json::from_reader`):
//!
//! | helper | accepts | `null` |
//! | --- | --- | --- |
//! | [`LenientU64`], [`LenientI64`], [`LenientU32`] | a JSON integer (u64 beyond 2^53 exactly), a decimal string, an integral float, the protobuf.js `{"low":…,"high":…}` object | absent |
//! | [`LenientF64`] | a number, a numeric string, `"NaN"`, `"Infinity"`, `"-Infinity"` | absent |
//! | [`LenientBool`] | `true`/`false`, `"true"`/`"false"` (any case) | absent |
//! | [`EnumSeed`] | an integer, a decimal string, or a name (the caller's mapping decides) | absent |
//! | [`TraceIdSeed`], [`SpanIdSeed`] | hex (any case, short ones left-padded), base64 (std or URL-safe, padded or not), a list of byte values | zero (absent) |
//! | [`Base64Bytes`] | base64 (std or URL-safe, padded or not) | absent |
//! | [`StrSeed`] | a string, handed to a closure without copying | absent |
//!
//! Values of the wrong JSON type are a `serde` "invalid type" error (the JSON position and the
//! expectation are in the message). Well-typed values with bad content that a reader may want to
//! survive (an unknown enum name, a malformed id) are returned as `Err(String)` *inside* `Ok`, so
//! the reader can skip one span with a warning instead of failing the whole input.
//!
//! [`KeySeed`] maps object keys to a caller's field enum without allocating; [`more_values`]
//! walks concatenated JSON values; [`error_position`] and [`error_message`] turn a
//! `serde_json::Error` into the crate's [`Position`] and a message without the duplicated
//! "at line … column …" suffix.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Position;
use crate::model::{SpanId, TraceId};

// ---------------------------------------------------------------------------------------------
// Integers

/// How an integer arrived, before range checks: JSON numbers go through here exactly.
enum Int {
    Unsigned(u64),
    Signed(i64),
    /// The 64 bits of a protobuf.js `Long`: unsigned or two's complement, as the target needs.
    Bits(u64),
}

fn int_from_f64<E: de::Error>(v: f64) -> Result<Int, E> {
    if v.is_finite() && v.fract() == 0.0 {
        if (0.0..18_446_744_073_709_551_616.0).contains(&v) {
            return Ok(Int::Unsigned(v as u64));
        }
        if (-9_223_372_036_854_775_808.0..0.0).contains(&v) {
            return Ok(Int::Signed(v as i64));
        }
    }
    Err(E::invalid_value(de::Unexpected::Float(v), &"an integer"))
}

fn int_from_str<E: de::Error>(s: &str) -> Result<Int, E> {
    // Timestamps are 19 plain digits on every line: add them up directly (19 digits cannot
    // overflow a u64); anything else goes the general way.
    if (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        let u = s.bytes().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
        return Ok(Int::Unsigned(u));
    }
    let t = s.trim();
    if let Ok(u) = t.parse::<u64>() {
        return Ok(Int::Unsigned(u));
    }
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Int::Signed(i));
    }
    // "1.5e9" style strings: accept when integral.
    match t.parse::<f64>() {
        Ok(f) if !t.is_empty() && f.is_finite() => int_from_f64(f),
        _ => Err(E::invalid_value(
            de::Unexpected::Str(s),
            &"a decimal integer",
        )),
    }
}

/// The protobuf.js `Long` object `{"low": i32, "high": i32, "unsigned": bool}` that some
/// OpenTelemetry JS versions wrote for fixed64 fields (opentelemetry-js #4216).
fn int_from_long<'de, A: MapAccess<'de>>(mut map: A) -> Result<Int, A::Error> {
    let mut low: Option<i64> = None;
    let mut high: Option<i64> = None;
    while let Some(k) = map.next_key_seed(KeySeed(|k: &str| match k {
        "low" => 1u8,
        "high" => 2,
        _ => 0,
    }))? {
        match k {
            1 => low = map.next_value::<LenientI64>()?.0,
            2 => high = map.next_value::<LenientI64>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match (low, high) {
        (Some(l), h) => {
            let v = ((h.unwrap_or(0) as u32 as u64) << 32) | (l as u32 as u64);
            Ok(Int::Bits(v))
        }
        _ => Err(de::Error::custom(
            "expected an integer, a decimal string or a {\"low\",\"high\"} object",
        )),
    }
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<Int>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a decimal string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Int::Unsigned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(if v >= 0 {
            Int::Unsigned(v as u64)
        } else {
            Int::Signed(v)
        }))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        int_from_f64(v).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        int_from_str(v).map(Some)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        int_from_long(map).map(Some)
    }
}

fn out_of_range<E: de::Error>(what: &'static str, shown: &dyn fmt::Display) -> E {
    E::custom(format_args!(
        "integer {shown} out of range, expected {what}"
    ))
}

/// An unsigned 64-bit integer (OTLP `fixed64`/`uint64`: timestamps). `None` for `null`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LenientU64(pub Option<u64>);

impl<'de> Deserialize<'de> for LenientU64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(IntVisitor)? {
            None => Ok(LenientU64(None)),
            Some(Int::Unsigned(u) | Int::Bits(u)) => Ok(LenientU64(Some(u))),
            Some(Int::Signed(i)) => Err(out_of_range("a non-negative integer", &i)),
        }
    }
}

/// A signed 64-bit integer (OTLP `int64`: `intValue`). `None` for `null`.
/// A `{"low","high"}` object is taken as the two's-complement bits.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LenientI64(pub Option<i64>);

impl<'de> Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(IntVisitor)? {
            None => Ok(LenientI64(None)),
            Some(Int::Signed(i)) => Ok(LenientI64(Some(i))),
            Some(Int::Bits(b)) => Ok(LenientI64(Some(b as i64))),
            Some(Int::Unsigned(u)) => i64::try_from(u)
                .map(|i| LenientI64(Some(i)))
                .map_err(|_| out_of_range("a signed 64-bit integer", &u)),
        }
    }
}

/// An unsigned 32-bit integer (OTLP `uint32`/`fixed32`: flags, dropped counts). `None` for `null`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LenientU32(pub Option<u32>);

impl<'de> Deserialize<'de> for LenientU32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(IntVisitor)? {
            None => Ok(LenientU32(None)),
            Some(Int::Unsigned(u) | Int::Bits(u)) => u32::try_from(u)
                .map(|v| LenientU32(Some(v)))
                .map_err(|_| out_of_range("an unsigned 32-bit integer", &u)),
            Some(Int::Signed(i)) => Err(out_of_range("an unsigned 32-bit integer", &i)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Doubles and booleans

/// A double: a number, a numeric string, or the proto3 JSON spellings `"NaN"`, `"Infinity"`,
/// `"-Infinity"` (any case; `"inf"` too). `None` for `null`.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub struct LenientF64(pub Option<f64>);

impl<'de> Deserialize<'de> for LenientF64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientF64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or \"NaN\", \"Infinity\", \"-Infinity\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientF64, E> {
                Ok(LenientF64(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientF64, E> {
                Ok(LenientF64(Some(v as f64)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientF64, E> {
                Ok(LenientF64(Some(v as f64)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientF64, E> {
                // Rust's parser takes "NaN", "inf", "Infinity", "-Infinity" in any case.
                v.trim()
                    .parse::<f64>()
                    .map(|f| LenientF64(Some(f)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientF64, E> {
                Ok(LenientF64(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean, or the strings `"true"`/`"false"` (any case). `None` for `null`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LenientBool(pub Option<bool>);

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientBool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientBool, E> {
                Ok(LenientBool(Some(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientBool, E> {
                match v.trim() {
                    t if t.eq_ignore_ascii_case("true") => Ok(LenientBool(Some(true))),
                    t if t.eq_ignore_ascii_case("false") => Ok(LenientBool(Some(false))),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientBool, E> {
                Ok(LenientBool(None))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Enums

/// An enum given as an integer, a decimal string, or a name. `from_int` and `from_name` map it;
/// a value neither knows comes back as `Some(Err(text))` so the caller can warn and go on.
/// `None` for `null`.
pub struct EnumSeed<T> {
    pub from_int: fn(i64) -> Option<T>,
    pub from_name: fn(&str) -> Option<T>,
}

/// The result of [`EnumSeed`]: absent, known, or unknown (with the value as written).
pub type EnumValue<T> = Option<Result<T, String>>;

impl<'de, T> DeserializeSeed<'de> for EnumSeed<T> {
    type Value = EnumValue<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for EnumSeed<T> {
    type Value = EnumValue<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value (integer or name)")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(
            i64::try_from(v)
                .ok()
                .and_then(self.from_int)
                .ok_or_else(|| v.to_string()),
        ))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some((self.from_int)(v).ok_or_else(|| v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match int_from_f64::<E>(v) {
            Ok(Int::Unsigned(u) | Int::Bits(u)) => self.visit_u64(u),
            Ok(Int::Signed(i)) => self.visit_i64(i),
            Err(_) => Ok(Some(Err(v.to_string()))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if let Ok(i) = t.parse::<i64>() {
            return self.visit_i64(i);
        }
        Ok(Some((self.from_name)(t).ok_or_else(|| v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes and ids

const PAD_ANY: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const B64_STD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, PAD_ANY);
const B64_URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, PAD_ANY);

/// Decode base64, standard or URL-safe alphabet, padded or not. `None` when it is neither.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    B64_STD.decode(s).or_else(|_| B64_URL.decode(s)).ok()
}

/// Decode base64 into a small fixed buffer (ids): the decoded length, `None` if invalid or
/// longer than the buffer.
fn decode_base64_into(s: &str, buf: &mut [u8]) -> Option<usize> {
    B64_STD
        .decode_slice(s, buf)
        .or_else(|_| B64_URL.decode_slice(s, buf))
        .ok()
}

/// Standard base64 with padding (what proto3 JSON writes for `bytes`).
pub fn encode_base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// `bytes` in proto3 JSON: base64 (std or URL-safe, padded or not). `None` for `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base64Bytes(pub Option<Vec<u8>>);

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Base64Bytes, E> {
                decode_base64(v)
                    .map(|b| Base64Bytes(Some(b)))
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Base64Bytes, E> {
                Ok(Base64Bytes(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Value of each hex digit, 0xff for other bytes.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Hex digits (any case, 1 to `max` of them) as a number; `None` if anything else.
fn hex_number(s: &str, max: usize) -> Option<u128> {
    if s.is_empty() || s.len() > max {
        return None;
    }
    // Two 64-bit halves: cheaper than shifting a u128 per digit.
    let b = s.as_bytes();
    let split = b.len().saturating_sub(16);
    let half = |part: &[u8]| {
        let mut v = 0u64;
        let mut bad = 0u8;
        for &c in part {
            let d = HEX_VALUE[c as usize];
            bad |= d;
            v = (v << 4) | u64::from(d & 0xf);
        }
        (bad & 0xf0 == 0).then_some(v)
    };
    let low = half(&b[split..])?;
    let high = if split > 0 { half(&b[..split])? } else { 0 };
    Some((u128::from(high) << 64) | u128::from(low))
}

/// Parse a trace id written as hex (any case, 1 to 32 digits, left-padded) or base64 of 16 or 8
/// bytes. Empty means absent (zero). A padded base64 id always has `=` or non-hex letters, and
/// an unpadded one only of hex digits is astronomically unlikely, so hex is tried first.
pub fn parse_trace_id(s: &str) -> Result<TraceId, String> {
    if s.is_empty() {
        return Ok(TraceId::ZERO);
    }
    if let Some(v) = hex_number(s, 32) {
        return Ok(TraceId(v));
    }
    let mut buf = [0u8; 16];
    match decode_base64_into(s, &mut buf) {
        Some(n @ (8 | 16)) => TraceId::from_bytes(&buf[..n]).map_err(|e| e.to_string()),
        _ => Err(format!(
            "trace id {:?} is neither hex (up to 32 digits) nor base64 of 16 bytes",
            crate::term::escape(s)
        )),
    }
}

/// Parse a span id written as hex (any case, 1 to 16 digits, left-padded) or base64 of 8 bytes.
/// Empty means absent (zero).
pub fn parse_span_id(s: &str) -> Result<SpanId, String> {
    if s.is_empty() {
        return Ok(SpanId::ZERO);
    }
    if let Some(v) = hex_number(s, 16) {
        return Ok(SpanId(v as u64));
    }
    let mut buf = [0u8; 8];
    match decode_base64_into(s, &mut buf) {
        Some(8) => SpanId::from_bytes(&buf).map_err(|e| e.to_string()),
        _ => Err(format!(
            "span id {:?} is neither hex (up to 16 digits) nor base64 of 8 bytes",
            crate::term::escape(s)
        )),
    }
}

/// Ids as a list of byte values (`[91, 142, …]`), which some protobuf JSON serializers emit.
fn id_bytes<'de, A: SeqAccess<'de>>(
    mut seq: A,
    max: usize,
) -> Result<Result<Vec<u8>, String>, A::Error> {
    let mut out = Vec::with_capacity(max);
    let mut bad = false;
    while let Some(v) = seq.next_element::<LenientU32>()? {
        match v.0.and_then(|b| u8::try_from(b).ok()) {
            Some(b) if out.len() < max => out.push(b),
            _ => bad = true,
        }
    }
    if bad {
        return Ok(Err(format!(
            "id is not a list of at most {max} byte values"
        )));
    }
    Ok(Ok(out))
}

macro_rules! id_seed {
    ($(#[$doc:meta])* $name:ident, $id:ident, $parse:ident, $bytes:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, Default)]
        pub struct $name;

        impl<'de> DeserializeSeed<'de> for $name {
            type Value = Result<$id, String>;

            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }

        impl<'de> Visitor<'de> for $name {
            type Value = Result<$id, String>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($what)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok($parse(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok($id::ZERO))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(id_bytes(seq, $bytes)?.and_then(|b| $id::from_bytes(&b).map_err(|e| e.to_string())))
            }
        }
    };
}

id_seed!(
    /// A trace id: hex or base64 string (see [`parse_trace_id`]), or a list of byte values.
    /// `null` is zero (absent). Bad content is `Ok(Err(message))`.
    TraceIdSeed,
    TraceId,
    parse_trace_id,
    16,
    "a trace id (hex or base64 string)"
);
id_seed!(
    /// A span id: hex or base64 string (see [`parse_span_id`]), or a list of byte values.
    /// `null` is zero (absent). Bad content is `Ok(Err(message))`.
    SpanIdSeed,
    SpanId,
    parse_span_id,
    8,
    "a span id (hex or base64 string)"
);

// ---------------------------------------------------------------------------------------------
// Strings and keys

/// A string handed to `f` as a transient `&str` (no copy unless `f` makes one). `None` for
/// `null`.
pub struct StrSeed<F>(pub F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for StrSeed<F> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for StrSeed<F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some((self.0)(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An object key mapped through `f` (typically to a field enum) without allocating.
pub struct KeySeed<F>(pub F);

impl<'de, K, F: FnOnce(&str) -> K> DeserializeSeed<'de> for KeySeed<F> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        struct V<F, K>(F, PhantomData<K>);
        impl<'de, K, F: FnOnce(&str) -> K> Visitor<'de> for V<F, K> {
            type Value = K;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<K, E> {
                Ok((self.0)(v))
            }
        }
        d.deserialize_str(V(self.0, PhantomData))
    }
}

// ---------------------------------------------------------------------------------------------
// Concatenated values and positions

/// Whether another JSON value follows in `de` (after whitespace), for inputs that hold several
/// values back to back (JSON lines, concatenated documents, grpc-gateway streams). `Ok(false)` at
/// the end of input. The deserializer is left at the first byte of the next value.
pub fn more_values<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
) -> Result<bool, serde_json::Error> {
    match de.end() {
        Ok(()) => Ok(false),
        // `end` peeks past whitespace and reports anything else as trailing characters without
        // consuming it: that is the start of the next value.
        Err(e) if is_trailing(&e) => Ok(true),
        Err(e) => Err(e),
    }
}

fn is_trailing(e: &serde_json::Error) -> bool {
    e.classify() == serde_json::error::Category::Syntax
        && e.to_string().starts_with("trailing characters")
}

/// The message of a serde_json error without its " at line L column C" suffix (the position is
/// reported separately).
pub fn error_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    if e.line() == 0 {
        return s;
    }
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Where a serde_json error is, as a file position: `first_line` is the file's line number of
/// the deserializer's first line (1 for a whole file, N for line N of JSON lines).
pub fn error_position(e: &serde_json::Error, first_line: u64) -> Option<Position> {
    if e.line() == 0 {
        return None;
    }
    Some(Position::LineColumn {
        line: first_line + e.line() as u64 - 1,
        column: e.column() as u64,
    })
}

/// A human description of an EOF error: input ended inside a value.
pub fn is_eof(e: &serde_json::Error) -> bool {
    e.classify() == serde_json::error::Category::Eof
}

#[cfg(test)]
mod tests;
