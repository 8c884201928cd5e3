//! The protobuf wire format as prost reads it: varints, keys, length-delimited fields, fixed
//! widths, unknown fields (groups included) and the nesting limit, over a byte slice; and a walk
//! over a message of the OTLP trace schema that builds nothing (for the parts not read).

/// The bytes are not a valid message (prost tells why).
#[derive(Debug)]
pub(super) struct Bad;

pub(super) type R<T> = Result<T, Bad>;

/// prost's recursion limit: the context of a top-level message's fields.
pub(super) const DEPTH: u32 = 100;

#[inline]
pub(super) fn varint(b: &[u8], p: &mut usize) -> R<u64> {
    let mut v: u64 = 0;
    for i in 0..10 {
        let Some(&byte) = b.get(*p + i) else {
            return Err(Bad);
        };
        if i == 9 && byte >= 0x02 {
            return Err(Bad);
        }
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            *p += i + 1;
            return Ok(v);
        }
    }
    Err(Bad)
}

/// A key: field number and wire type, as prost's `decode_key` accepts them.
#[inline]
pub(super) fn key(b: &[u8], p: &mut usize) -> R<(u32, u8)> {
    let k = varint(b, p)?;
    if k > u64::from(u32::MAX) {
        return Err(Bad);
    }
    let wt = (k & 7) as u8;
    let field = (k as u32) >> 3;
    if wt > 5 || field == 0 {
        return Err(Bad);
    }
    Ok((field, wt))
}

#[inline]
fn take<'a>(b: &'a [u8], p: &mut usize, n: u64) -> R<&'a [u8]> {
    if n > (b.len() - *p) as u64 {
        return Err(Bad);
    }
    let s = &b[*p..*p + n as usize];
    *p += n as usize;
    Ok(s)
}

/// A length-delimited field's bytes (the wire type must be 2).
#[inline]
pub(super) fn ld<'a>(b: &'a [u8], p: &mut usize, wt: u8) -> R<&'a [u8]> {
    if wt != 2 {
        return Err(Bad);
    }
    let n = varint(b, p)?;
    take(b, p, n)
}

/// A nested message's bytes, in a message whose fields have context `d`.
#[inline]
pub(super) fn msg<'a>(b: &'a [u8], p: &mut usize, wt: u8, d: u32) -> R<&'a [u8]> {
    if wt != 2 || d == 0 {
        return Err(Bad);
    }
    let n = varint(b, p)?;
    take(b, p, n)
}

#[inline]
pub(super) fn var(b: &[u8], p: &mut usize, wt: u8) -> R<u64> {
    if wt != 0 {
        return Err(Bad);
    }
    varint(b, p)
}

#[inline]
pub(super) fn fixed64(b: &[u8], p: &mut usize, wt: u8) -> R<u64> {
    if wt != 1 {
        return Err(Bad);
    }
    let s = take(b, p, 8)?;
    Ok(u64::from_le_bytes(s.try_into().map_err(|_| Bad)?))
}

#[inline]
pub(super) fn fixed32(b: &[u8], p: &mut usize, wt: u8) -> R<u32> {
    if wt != 5 {
        return Err(Bad);
    }
    let s = take(b, p, 4)?;
    Ok(u32::from_le_bytes(s.try_into().map_err(|_| Bad)?))
}

/// prost's `skip_field`: an unknown field in a message whose fields have context `d`.
pub(super) fn skip(b: &[u8], p: &mut usize, wt: u8, field: u32, d: u32) -> R<()> {
    if d == 0 {
        return Err(Bad);
    }
    match wt {
        0 => varint(b, p).map(drop),
        1 => take(b, p, 8).map(drop),
        5 => take(b, p, 4).map(drop),
        2 => {
            let n = varint(b, p)?;
            take(b, p, n).map(drop)
        }
        3 => loop {
            let (f, w) = key(b, p)?;
            if w == 4 {
                return if f == field { Ok(()) } else { Err(Bad) };
            }
            skip(b, p, w, f, d - 1)?;
        },
        _ => Err(Bad),
    }
}

/// The message types, for walking a part that is not built.
#[derive(Copy, Clone)]
pub(super) enum M {
    ScopeSpans,
    Scope,
    Span,
    Event,
    Link,
    Status,
    KeyValue,
    AnyValue,
    ArrayValue,
    KeyValueList,
}

enum K {
    Bytes,
    Varint,
    F64,
    F32,
    Msg(M),
}

fn kind(m: M, f: u32) -> Option<K> {
    use K::*;
    Some(match (m, f) {
        (M::ScopeSpans, 1) => Msg(M::Scope),
        (M::ScopeSpans, 2) => Msg(M::Span),
        (M::ScopeSpans, 3) => Bytes,
        (M::Scope, 1 | 2) => Bytes,
        (M::Scope, 3) => Msg(M::KeyValue),
        (M::Scope, 4) => Varint,
        (M::Span, 1..=5) => Bytes,
        (M::Span, 6 | 10 | 12 | 14) => Varint,
        (M::Span, 7 | 8) => F64,
        (M::Span, 9) => Msg(M::KeyValue),
        (M::Span, 11) => Msg(M::Event),
        (M::Span, 13) => Msg(M::Link),
        (M::Span, 15) => Msg(M::Status),
        (M::Span, 16) => F32,
        (M::Event, 1) => F64,
        (M::Event, 2) => Bytes,
        (M::Event, 3) => Msg(M::KeyValue),
        (M::Event, 4) => Varint,
        (M::Link, 1..=3) => Bytes,
        (M::Link, 4) => Msg(M::KeyValue),
        (M::Link, 5) => Varint,
        (M::Link, 6) => F32,
        (M::Status, 2) => Bytes,
        (M::Status, 3) => Varint,
        (M::KeyValue, 1) => Bytes,
        (M::KeyValue, 2) => Msg(M::AnyValue),
        (M::AnyValue, 1 | 7) => Bytes,
        (M::AnyValue, 2 | 3) => Varint,
        (M::AnyValue, 4) => F64,
        (M::AnyValue, 5) => Msg(M::ArrayValue),
        (M::AnyValue, 6) => Msg(M::KeyValueList),
        (M::ArrayValue, 1) => Msg(M::AnyValue),
        (M::KeyValueList, 1) => Msg(M::KeyValue),
        _ => return None,
    })
}

/// Walk a message of type `m` (its fields have context `d`) without building anything.
pub(super) fn check(b: &[u8], m: M, d: u32) -> R<()> {
    let mut p = 0;
    while p < b.len() {
        let (f, wt) = key(b, &mut p)?;
        match kind(m, f) {
            Some(K::Bytes) => ld(b, &mut p, wt).map(drop)?,
            Some(K::Varint) => var(b, &mut p, wt).map(drop)?,
            Some(K::F64) => fixed64(b, &mut p, wt).map(drop)?,
            Some(K::F32) => fixed32(b, &mut p, wt).map(drop)?,
            Some(K::Msg(c)) => check(msg(b, &mut p, wt, d)?, c, d - 1)?,
            None => skip(b, &mut p, wt, f, d)?,
        }
    }
    Ok(())
}
