//! Where a compact-protocol message ends, found by a fast walk over it: only sizes are read (no
//! field ids, no values, no text). It accepts only what the [`Decoder`] accepts, with the same
//! length; anything else (a message cut short, a bad type, nesting past the limit) is left to
//! the decoder, which says what is wrong.
//!
//! [`Decoder`]: crate::formats::jaeger_thrift::thrift::Decoder

use crate::formats::jaeger_thrift::thrift::MAX_DEPTH;

#[inline(always)]
fn varint(b: &[u8], p: &mut usize) -> Option<u64> {
    // Most are one byte (sizes, small ints, field ids).
    let first = *b.get(*p)?;
    if first & 0x80 == 0 {
        *p += 1;
        return Some(u64::from(first));
    }
    varint_long(b, p)
}

fn varint_long(b: &[u8], p: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for i in 0..10 {
        let byte = *b.get(*p + i)?;
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *p += i + 1;
            return Some(v);
        }
    }
    None
}

/// A size as the decoder reads it (a varint taken as an i32), checked against what is left.
#[inline(always)]
fn size(b: &[u8], p: &mut usize) -> Option<usize> {
    let n = varint(b, p)? as u32 as i32;
    let n = usize::try_from(n).ok()?;
    (n <= b.len() - *p).then_some(n)
}

#[inline]
fn take(b: &[u8], p: &mut usize, n: usize) -> Option<()> {
    (n <= b.len() - *p).then(|| *p += n)
}

/// A compact type code the decoder knows.
#[inline]
fn known(code: u8) -> Option<u8> {
    (1..=12).contains(&code).then_some(code)
}

/// One value of type `code`; `depth` containers are open around it. A bool outside a field
/// header is one byte.
pub(super) fn value(b: &[u8], p: &mut usize, code: u8, depth: usize) -> Option<()> {
    match code {
        1..=3 => take(b, p, 1),
        4..=6 => varint(b, p).map(drop),
        7 => take(b, p, 8),
        8 => {
            let n = size(b, p)?;
            take(b, p, n)
        }
        9 | 10 => {
            let h = *b.get(*p)?;
            *p += 1;
            let code = known(h & 0x0f)?;
            let n = if h >> 4 == 0x0f {
                let n = varint(b, p)? as u32 as i32;
                usize::try_from(n).ok()?
            } else {
                usize::from(h >> 4)
            };
            if n > b.len() - *p || depth >= MAX_DEPTH {
                return None;
            }
            if code == 12 {
                // Lists of structs (spans, tags) straight to their fields.
                for _ in 0..n {
                    fields(b, p, depth + 1)?;
                }
            } else {
                for _ in 0..n {
                    value(b, p, code, depth + 1)?;
                }
            }
            Some(())
        }
        11 => {
            let n = varint(b, p)? as u32 as i32;
            let n = usize::try_from(n).ok()?;
            if n == 0 {
                return (depth < MAX_DEPTH).then_some(());
            }
            let kv = *b.get(*p)?;
            *p += 1;
            let (k, v) = (known(kv >> 4)?, known(kv & 0x0f)?);
            if n > b.len() - *p || depth >= MAX_DEPTH {
                return None;
            }
            for _ in 0..n {
                value(b, p, k, depth + 1)?;
                value(b, p, v, depth + 1)?;
            }
            Some(())
        }
        12 => fields(b, p, depth),
        _ => None,
    }
}

/// A struct's fields up to its stop byte.
fn fields(b: &[u8], p: &mut usize, depth: usize) -> Option<()> {
    if depth >= MAX_DEPTH {
        return None;
    }
    loop {
        let h = *b.get(*p)?;
        *p += 1;
        if h == 0 {
            return Some(());
        }
        let code = known(h & 0x0f)?;
        if h >> 4 == 0 {
            varint(b, p)?;
        }
        // The usual field values inline (strings, ints); a bool field's value is in its
        // header.
        match code {
            1 | 2 => {}
            8 => {
                let n = size(b, p)?;
                take(b, p, n)?;
            }
            5 | 6 => {
                varint(b, p)?;
            }
            _ => value(b, p, code, depth + 1)?,
        }
    }
}

/// The length of the compact-protocol message at the start of `b` when the decoder would read
/// it whole; `None` when it would not (or might not).
pub(super) fn compact_message_len(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&0x82) || b.get(1)? & 0x1f != 1 {
        return None;
    }
    let mut p = 2;
    varint(b, &mut p)?;
    let n = size(b, &mut p)?;
    take(b, &mut p, n)?;
    fields(b, &mut p, 0)?;
    Some(p)
}
