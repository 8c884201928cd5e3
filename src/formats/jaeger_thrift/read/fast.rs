//! The common shape of a compact-protocol `emitBatch` message, decoded straight into model
//! spans: no intermediate batch or span structs, and the tags a command does not read are only
//! walked over. Fields must come in the usual order (increasing ids, none repeated) with their
//! usual types; anything else (another message, a field out of place) gives `None` and the
//! message is read by the general decoder, which decides every unusual case and every error.
//! The unit was walked whole before (as the decoder walks it), so nothing here can run past it.

use std::borrow::Cow;
use std::sync::Arc;

use super::convert::MovedTags;
use super::{
    Converter, JProcess, JSpan, JTag, Keep, read_list, read_log, read_ref, skim,
    thrift::{self, Decoder, Protocol, TType},
};
use crate::model::{Resource, Span};

/// Compact type codes.
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const STRUCT: u8 = 12;

/// A position in the message; every read is checked (`None` past the end).
struct Cur<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Cur<'a> {
    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.p)?;
        self.p += 1;
        Some(v)
    }

    /// As the decoder reads it: at most 10 bytes.
    #[inline]
    fn varint(&mut self) -> Option<u64> {
        let first = self.byte()?;
        if first & 0x80 == 0 {
            return Some(u64::from(first));
        }
        let mut v = u64::from(first & 0x7f);
        for i in 1..10 {
            let byte = self.byte()?;
            v |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    #[inline]
    fn i64(&mut self) -> Option<i64> {
        let n = self.varint()?;
        Some(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    #[inline]
    fn i32(&mut self) -> Option<i32> {
        self.i64().map(|v| v as i32)
    }

    /// A size as the decoder reads it (a varint taken as an i32), checked against what is left.
    #[inline]
    fn size(&mut self, n: u64) -> Option<usize> {
        let n = usize::try_from(n as u32 as i32).ok()?;
        (n <= self.b.len() - self.p).then_some(n)
    }

    #[inline]
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.varint()?;
        let n = self.size(n)?;
        let s = &self.b[self.p..self.p + n];
        self.p += n;
        Some(s)
    }

    #[inline]
    fn double(&mut self) -> Option<f64> {
        let s = self.b.get(self.p..self.p + 8)?;
        self.p += 8;
        Some(f64::from_le_bytes(s.try_into().ok()?))
    }

    /// A field header: its id and compact type code; `Some(None)` at the stop byte.
    #[inline]
    fn field(&mut self, last: &mut i16) -> Option<Option<(i16, u8)>> {
        let h = self.byte()?;
        if h == 0 {
            return Some(None);
        }
        let code = h & 0x0f;
        if !(1..=12).contains(&code) {
            return None;
        }
        let delta = i16::from(h >> 4);
        let id = if delta == 0 {
            let z = self.varint()?;
            (((z >> 1) as i64) ^ -((z & 1) as i64)) as i16
        } else {
            last.wrapping_add(delta)
        };
        *last = id;
        Some(Some((id, code)))
    }

    /// A list header whose elements are structs: their count.
    #[inline]
    fn struct_list(&mut self) -> Option<usize> {
        let h = self.byte()?;
        let n = if h >> 4 == 0x0f {
            self.varint()?
        } else {
            u64::from(h >> 4)
        };
        let n = self.size(n)?;
        (h & 0x0f == STRUCT).then_some(n)
    }

    /// The value of a field that is not read (`depth` containers are open around it).
    fn skip(&mut self, code: u8, depth: usize) -> Option<()> {
        if code == BOOL_TRUE || code == BOOL_FALSE {
            return Some(());
        }
        skim::value(self.b, &mut self.p, code, depth)
    }

    /// A struct read by the general decoder (references, logs: rare or not asked for).
    fn with_decoder<T>(
        &mut self,
        read: impl FnOnce(&mut Decoder<'a>) -> thrift::Result<T>,
    ) -> Option<T> {
        let mut d = Decoder::new(&self.b[self.p..], Protocol::Compact);
        let v = read(&mut d).ok()?;
        self.p += d.pos();
        Some(v)
    }
}

/// A tag as it is on the wire.
#[derive(Default)]
struct RawTag<'a> {
    key: &'a [u8],
    v_type: i64,
    v_str: Option<&'a [u8]>,
    v_double: Option<f64>,
    v_bool: Option<bool>,
    v_long: Option<i64>,
    v_binary: Option<&'a [u8]>,
}

impl<'a> RawTag<'a> {
    fn read(c: &mut Cur<'a>) -> Option<Self> {
        let mut t = RawTag::default();
        let mut last = 0;
        while let Some((id, code)) = c.field(&mut last)? {
            match (id, code) {
                (1, BINARY) => t.key = c.bytes()?,
                (2, I32) => t.v_type = i64::from(c.i32()?),
                (3, BINARY) => t.v_str = Some(c.bytes()?),
                (4, DOUBLE) => t.v_double = Some(c.double()?),
                (5, BOOL_TRUE) => t.v_bool = Some(true),
                (5, BOOL_FALSE) => t.v_bool = Some(false),
                (6, I64) => t.v_long = Some(c.i64()?),
                (7, BINARY) => t.v_binary = Some(c.bytes()?),
                _ => return None,
            }
        }
        Some(t)
    }

    /// As the general decoder gives it (text is replaced where it is not UTF-8).
    fn tag(self) -> JTag<'a> {
        JTag {
            key: String::from_utf8_lossy(self.key),
            v_type: self.v_type,
            v_str: self.v_str.map(String::from_utf8_lossy),
            v_double: self.v_double,
            v_bool: self.v_bool,
            v_long: self.v_long,
            v_binary: self.v_binary.map(Cow::Borrowed),
        }
    }
}

/// The spans of one whole `emitBatch` message, or `None` when it is not of the common shape.
pub(super) fn emit_batch(conv: &mut Converter, b: &[u8], keep: Keep) -> Option<Vec<Span>> {
    let mut c = Cur { b, p: 0 };
    if c.byte()? != 0x82 || c.byte()? & 0x1f != 1 {
        return None;
    }
    c.varint()?;
    if c.bytes()? != b"emitBatch" {
        return None;
    }
    // The arguments: the batch alone.
    let mut last = 0;
    if c.field(&mut last)? != Some((1, STRUCT)) {
        return None;
    }
    let spans = batch(&mut c, conv, keep)?;
    (c.field(&mut last)?.is_none() && c.p == b.len()).then_some(spans)
}

/// `jaeger.Batch`: the process, the spans, then perhaps `seqNo` and `stats` (skipped).
fn batch(c: &mut Cur<'_>, conv: &mut Converter, keep: Keep) -> Option<Vec<Span>> {
    let mut last = 0;
    if c.field(&mut last)? != Some((1, STRUCT)) {
        return None;
    }
    let (service, resource) = process(c, conv, keep)?;
    if c.field(&mut last)? != Some((2, LIST)) {
        return None;
    }
    let n = c.struct_list()?;
    let mut spans = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        spans.push(span(c, conv, keep, &service, &resource)?);
    }
    while let Some((id, code)) = c.field(&mut last)? {
        if id <= 2 {
            return None;
        }
        // Nesting: arguments, batch, this value.
        c.skip(code, 2)?;
    }
    Some(spans)
}

fn process(c: &mut Cur<'_>, conv: &mut Converter, keep: Keep) -> Option<(Arc<str>, Arc<Resource>)> {
    let mut p = JProcess::default();
    let mut last = 0;
    let mut prev = 0;
    while let Some((id, code)) = c.field(&mut last)? {
        match (id, code) {
            (1, BINARY) if prev < 1 => p.service_name = String::from_utf8_lossy(c.bytes()?),
            (2, LIST) if prev < 2 => {
                let n = c.struct_list()?;
                for _ in 0..n {
                    let t = RawTag::read(c)?;
                    if keep.process_tag(t.key) {
                        p.tags.push(t.tag());
                    }
                }
            }
            _ => return None,
        }
        prev = id;
    }
    Some(conv.process(p))
}

/// A span: fields 1 to 9 (ids, name, references, flags, times) first, then its tags and logs,
/// taken one at a time.
fn span(
    c: &mut Cur<'_>,
    conv: &mut Converter,
    keep: Keep,
    service: &Arc<str>,
    resource: &Arc<Resource>,
) -> Option<Span> {
    let mut js = JSpan::default();
    let mut last = 0;
    let mut prev = 0;
    let mut next = c.field(&mut last)?;
    while let Some((id, code)) = next {
        if id <= prev || id >= 10 {
            break;
        }
        match (id, code) {
            (1, I64) => js.trace_id_low = c.i64()?,
            (2, I64) => js.trace_id_high = c.i64()?,
            (3, I64) => js.span_id = c.i64()?,
            (4, I64) => js.parent_span_id = c.i64()?,
            (5, BINARY) => js.operation_name = String::from_utf8_lossy(c.bytes()?),
            (6, LIST) => {
                let f = thrift::Field {
                    id,
                    ty: TType::List,
                };
                js.references = c
                    .with_decoder(|d| read_list(d, f, TType::Struct, read_ref))?
                    .unwrap_or_default();
            }
            (7, I32) => js.flags = i64::from(c.i32()?),
            (8, I64) => js.start_time = c.i64()?,
            (9, I64) => js.duration = c.i64()?,
            _ => return None,
        }
        prev = id;
        next = c.field(&mut last)?;
    }
    let mut span = conv.span_head(&js, service, resource);
    let mut moved = MovedTags::default();
    if let Some((10, code)) = next {
        if code != LIST {
            return None;
        }
        let n = c.struct_list()?;
        for _ in 0..n {
            let t = RawTag::read(c)?;
            if keep.span_tag(t.key) {
                conv.take_tag(&mut span, &mut moved, t.tag());
            }
        }
        next = c.field(&mut last)?;
    }
    if let Some((11, code)) = next {
        if code != LIST {
            return None;
        }
        if keep.0.events {
            let f = thrift::Field {
                id: 11,
                ty: TType::List,
            };
            let logs = c.with_decoder(|d| read_list(d, f, TType::Struct, read_log))?;
            span.events = conv.events(logs.unwrap_or_default());
        } else {
            // Nesting: arguments, batch, spans, span, this list.
            c.skip(code, 4)?;
        }
        next = c.field(&mut last)?;
    }
    if next.is_some() {
        return None;
    }
    conv.finish_tags(&mut span, moved);
    Some(span)
}
