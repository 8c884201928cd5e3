//! The reader as it was before the walk (prost structs, one thread): the oracle of the
//! property tests (`prop_tests.rs`). Test builds only.

#![allow(dead_code)]

use std::borrow::Cow;
use std::io::{BufRead, Cursor, Read};
use std::sync::Arc;

use prost::Message as _;

use crate::formats::otlp_proto::pb;
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::{
    Event, Interner, KeyValue, Link, ParentRef, RefKind, Resource, Scope, Span, SpanId, SpanKind,
    Status, StatusCode, TraceId, Value,
};

/// How much of the input is looked at to decide the framing.
const PEEK: usize = 256 * 1024;
/// No single `ResourceSpans` may be longer than this (a frame is walked, never held whole).
pub const MAX_MESSAGE: u64 = 1 << 30;

/// Where a read stopped.
enum Stop {
    /// The input ended at byte `at`.
    Eof { at: u64 },
    /// Anything else: already a full error.
    Fatal(InputError),
}

/// A `BufRead` that knows its offset.
struct Counted<'r> {
    inner: &'r mut dyn BufRead,
    pos: u64,
}

impl Counted<'_> {
    fn io(&self, ctx: &ReadCtx<'_>, e: std::io::Error) -> Stop {
        Stop::Fatal(ctx.error(Some(Position::Byte(self.pos)), format!("read error: {e}")))
    }

    /// One byte, or `None` at the end of the input.
    fn byte(&mut self, ctx: &ReadCtx<'_>) -> Result<Option<u8>, Stop> {
        let b = match self.inner.fill_buf() {
            Ok(b) => b.first().copied(),
            Err(e) => return Err(self.io(ctx, e)),
        };
        if b.is_some() {
            self.inner.consume(1);
            self.pos += 1;
        }
        Ok(b)
    }

    /// A varint; `None` when the input ends before its first byte.
    fn varint(&mut self, ctx: &ReadCtx<'_>) -> Result<Option<u64>, Stop> {
        let start = self.pos;
        let mut v: u64 = 0;
        for i in 0..10 {
            match self.byte(ctx)? {
                None if i == 0 => return Ok(None),
                None => return Err(Stop::Eof { at: self.pos }),
                Some(b) => {
                    v |= u64::from(b & 0x7f) << (7 * i);
                    if b & 0x80 == 0 {
                        return Ok(Some(v));
                    }
                }
            }
        }
        Err(Stop::Fatal(ctx.error(
            Some(Position::Byte(start)),
            "invalid protobuf: varint longer than 10 bytes",
        )))
    }

    /// Exactly `n` bytes into `buf` (cleared first); the buffer grows only as bytes arrive.
    fn read_into(&mut self, n: u64, buf: &mut Vec<u8>, ctx: &ReadCtx<'_>) -> Result<(), Stop> {
        buf.clear();
        buf.reserve(n.min(1 << 20) as usize);
        let got = (&mut *self.inner)
            .take(n)
            .read_to_end(buf)
            .map_err(|e| self.io(ctx, e))?;
        self.pos += got as u64;
        if (got as u64) < n {
            Err(Stop::Eof { at: self.pos })
        } else {
            Ok(())
        }
    }

    /// Skip `n` bytes without keeping them.
    fn skip(&mut self, n: u64, ctx: &ReadCtx<'_>) -> Result<(), Stop> {
        let got = std::io::copy(&mut (&mut *self.inner).take(n), &mut std::io::sink())
            .map_err(|e| self.io(ctx, e))?;
        self.pos += got;
        if got < n {
            Err(Stop::Eof { at: self.pos })
        } else {
            Ok(())
        }
    }
}

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    // Look ahead without losing the bytes: read them, then read them again through a chain.
    let mut prefix = Vec::with_capacity(PEEK);
    let n = input
        .take(PEEK as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| ctx.error(Some(Position::Byte(0)), format!("read error: {e}")))?;
    let complete = n < PEEK;
    let framed = is_framed(&prefix, complete);
    let mut chained = Cursor::new(prefix).chain(input);
    let mut r = Counted {
        inner: &mut chained,
        pos: 0,
    };
    let mut reader = Reader::default();
    let result = if framed {
        reader.frames(&mut r, ctx)
    } else {
        reader.bare(&mut r, ctx)
    };
    match result {
        Ok(()) => Ok(()),
        Err(Stop::Fatal(e)) => Err(e),
        // A tag or varint value cut short by the end of a bare message.
        Err(Stop::Eof { at }) => Err(ctx.error(
            Some(Position::Byte(at)),
            "invalid protobuf: the input ends in the middle of a field",
        )),
    }
}

/// Do 4-byte big-endian length frames tile `b` exactly, each frame empty or starting with 0x0a?
fn tiles(b: &[u8]) -> bool {
    let mut at = 0usize;
    while at < b.len() {
        let Some(h) = b.get(at..at + 4) else {
            return false;
        };
        let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        if b.len() - at - 4 < len || (len > 0 && b.get(at + 4) != Some(&0x0a)) {
            return false;
        }
        at += 4 + len;
    }
    true
}

/// §2.2: do 4-byte big-endian length frames explain the input?
fn is_framed(prefix: &[u8], complete: bool) -> bool {
    if prefix.len() < 4 {
        return false;
    }
    let frame_ok = |at: usize, len: usize| len == 0 || prefix.get(at + 4) == Some(&0x0a);
    if complete && tiles(prefix) {
        return true;
    }
    // A bare TracesData starts with field 1, wire type 2 (0x0a).
    if prefix[0] == 0x0a {
        return false;
    }
    let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
    if !frame_ok(0, len) {
        return false;
    }
    if complete {
        // Frames do not tile the input, but a first byte below 0x08 (field number 0) cannot
        // start a bare message either: read frames, so the error speaks of frames.
        return prefix[0] < 0x08;
    }
    // When the next frame header is in view, it must look like one too.
    let next = 4 + len;
    match prefix.get(next..next + 4) {
        Some(h) => {
            let l2 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
            next + 4 >= prefix.len() || frame_ok(next, l2)
        }
        None => true,
    }
}

#[derive(Default)]
struct Reader {
    interner: Interner,
}

fn wire_name(wt: u64) -> &'static str {
    match wt {
        0 => "varint",
        1 => "64-bit",
        2 => "length-delimited",
        3 => "start-group",
        4 => "end-group",
        5 => "32-bit",
        _ => "invalid",
    }
}

impl Reader {
    fn frames(&mut self, r: &mut Counted<'_>, ctx: &mut ReadCtx<'_>) -> Result<(), Stop> {
        let mut header = Vec::with_capacity(4);
        loop {
            let at = r.pos;
            match r.read_into(4, &mut header, ctx) {
                Ok(()) => {}
                Err(Stop::Eof { at: end }) if end == at => return Ok(()),
                Err(Stop::Eof { at: end }) => {
                    return Err(Stop::Fatal(ctx.error(
                        Some(Position::Byte(at)),
                        format!("truncated frame header: {} of 4 length bytes", end - at),
                    )));
                }
                Err(e) => return Err(e),
            }
            // No cap needed here: a frame is walked, never buffered whole.
            let len = u64::from(u32::from_be_bytes([
                header[0], header[1], header[2], header[3],
            ]));
            let body = r.pos;
            match self.message(r, Some(body + len), ctx) {
                Err(Stop::Eof { at: end }) => {
                    return Err(Stop::Fatal(ctx.error(
                        Some(Position::Byte(at)),
                        format!(
                            "frame length {len} exceeds the remaining {} bytes",
                            end - body
                        ),
                    )));
                }
                other => other?,
            }
        }
    }

    fn bare(&mut self, r: &mut Counted<'_>, ctx: &mut ReadCtx<'_>) -> Result<(), Stop> {
        self.message(r, None, ctx)
    }

    /// Walk one `TracesData` (up to `end`, or to the end of the input), decoding and emitting
    /// each `ResourceSpans`.
    fn message(
        &mut self,
        r: &mut Counted<'_>,
        end: Option<u64>,
        ctx: &mut ReadCtx<'_>,
    ) -> Result<(), Stop> {
        let mut index = 0usize;
        loop {
            if end.is_some_and(|e| r.pos >= e) {
                return Ok(());
            }
            let tag_at = r.pos;
            let Some(tag) = r.varint(ctx)? else {
                return match end {
                    None => Ok(()),
                    Some(_) => Err(Stop::Eof { at: r.pos }),
                };
            };
            let invalid = |ctx: &ReadCtx<'_>, msg: String| fatal(ctx, tag_at, msg);
            let (field, wt) = (tag >> 3, tag & 7);
            if field == 0 || field > u64::from(u32::MAX >> 3) {
                return Err(invalid(
                    ctx,
                    format!("field number {field} (tag byte 0x{:02x})", tag & 0xff),
                ));
            }
            if field == 1 && wt != 2 {
                let msg = format!(
                    "field 1 (resource_spans) has wire type {wt} ({}), expected 2",
                    wire_name(wt)
                );
                return Err(invalid(ctx, msg));
            }
            match wt {
                0 => {
                    if r.varint(ctx)?.is_none() {
                        return Err(Stop::Eof { at: r.pos });
                    }
                }
                1 => r.skip(8, ctx)?,
                5 => r.skip(4, ctx)?,
                2 => {
                    let len_at = r.pos;
                    let Some(len) = r.varint(ctx)? else {
                        return Err(Stop::Eof { at: r.pos });
                    };
                    let start = r.pos;
                    if let Some(e) = end
                        && len > e.saturating_sub(start)
                    {
                        let left = e.saturating_sub(start);
                        let msg = format!(
                            "field {field} length {len} exceeds the remaining {left} bytes of the frame"
                        );
                        return Err(fatal(ctx, len_at, msg));
                    }
                    if len > MAX_MESSAGE {
                        let msg = format!(
                            "field {field} length {len} exceeds the maximum of {MAX_MESSAGE} bytes"
                        );
                        return Err(fatal(ctx, len_at, msg));
                    }
                    // In a frame, running out of input is the frame's fault (reported by the
                    // caller); in a bare message it is this field's.
                    let field_eof = |e: Stop, ctx: &ReadCtx<'_>| match (e, end) {
                        (Stop::Eof { at }, None) => {
                            let left = at - start;
                            let msg = format!(
                                "field {field} length {len} exceeds the remaining {left} bytes"
                            );
                            fatal(ctx, len_at, msg)
                        }
                        (e, _) => e,
                    };
                    if field != 1 {
                        r.skip(len, ctx).map_err(|e| field_eof(e, ctx))?;
                        continue;
                    }
                    // A fresh buffer per ResourceSpans: the decoded message's strings and ids are
                    // slices of it (no copies), and it is freed with the message.
                    let mut buf = Vec::new();
                    r.read_into(len, &mut buf, ctx)
                        .map_err(|e| field_eof(e, ctx))?;
                    match pb::ResourceSpans::decode(pb::Bytes::from(buf)) {
                        Ok(rs) => {
                            let spans = self.resource_spans(rs, start, index, ctx);
                            ctx.emit(spans);
                        }
                        Err(e) => {
                            return Err(fatal(ctx, start, format!("resource_spans[{index}]: {e}")));
                        }
                    }
                    index += 1;
                }
                _ => {
                    let msg = format!(
                        "field {field} has unsupported wire type {wt} ({})",
                        wire_name(wt)
                    );
                    return Err(invalid(ctx, msg));
                }
            }
            if let Some(e) = end
                && r.pos > e
            {
                return Err(invalid(
                    ctx,
                    format!("field {field} runs past the end of the frame at byte {e}"),
                ));
            }
        }
    }

    fn resource_spans(
        &mut self,
        rs: pb::ResourceSpans,
        at: u64,
        index: usize,
        ctx: &mut ReadCtx<'_>,
    ) -> Vec<Span> {
        let res = rs.resource.unwrap_or_default();
        let attributes = self.attrs(res.attributes);
        let service: Arc<str> = match attributes
            .iter()
            .find(|kv| &*kv.key == "service.name")
            .map(|kv| &kv.value)
        {
            Some(Value::Str(s)) => self.interner.intern(s),
            _ => self.interner.intern(""),
        };
        let resource = Arc::new(Resource {
            attributes,
            dropped_attributes_count: res.dropped_attributes_count,
            schema_url: non_empty(rs.schema_url),
        });
        let scope_spans = if rs.scope_spans.is_empty() {
            rs.instrumentation_library_spans
        } else {
            rs.scope_spans
        };
        let mut out = Vec::with_capacity(scope_spans.iter().map(|s| s.spans.len()).sum());
        for (si, ss) in scope_spans.into_iter().enumerate() {
            let sc = ss.scope.unwrap_or_default();
            let scope = Arc::new(Scope {
                name: self.interner.intern(&text(&sc.name)),
                version: non_empty(sc.version),
                attributes: self.attrs(sc.attributes),
                dropped_attributes_count: sc.dropped_attributes_count,
                schema_url: non_empty(ss.schema_url),
            });
            for (pi, ps) in ss.spans.into_iter().enumerate() {
                match self.span(ps, &service, &resource, &scope) {
                    Ok(s) => out.push(s),
                    Err(why) => ctx.warn(
                        Some(Position::Byte(at)),
                        format!("resource_spans[{index}].scope_spans[{si}].spans[{pi}]: {why}; span skipped"),
                    ),
                }
            }
        }
        out
    }

    fn span(
        &mut self,
        p: pb::Span,
        service: &Arc<str>,
        resource: &Arc<Resource>,
        scope: &Arc<Scope>,
    ) -> Result<Span, String> {
        let trace_id = TraceId::from_bytes(&p.trace_id).map_err(|e| format!("trace_id: {e}"))?;
        let span_id = SpanId::from_bytes(&p.span_id).map_err(|e| format!("span_id: {e}"))?;
        // The rule of OTLP/JSON: a span without its ids cannot be placed in a trace.
        for (field, zero) in [
            ("trace_id", trace_id.is_zero()),
            ("span_id", span_id.is_zero()),
        ] {
            if zero {
                return Err(format!(
                    "{field}: span has no {field} (missing, empty or all zeros)"
                ));
            }
        }
        let parent =
            SpanId::from_bytes(&p.parent_span_id).map_err(|e| format!("parent_span_id: {e}"))?;
        let mut links = Vec::with_capacity(p.links.len());
        for (i, l) in p.links.into_iter().enumerate() {
            links.push(Link {
                trace_id: TraceId::from_bytes(&l.trace_id)
                    .map_err(|e| format!("links[{i}].trace_id: {e}"))?,
                span_id: SpanId::from_bytes(&l.span_id)
                    .map_err(|e| format!("links[{i}].span_id: {e}"))?,
                kind: RefKind::Link,
                trace_state: non_empty(l.trace_state),
                attributes: self.attrs(l.attributes),
                dropped_attributes_count: l.dropped_attributes_count,
                flags: l.flags,
            });
        }
        let status = p.status.unwrap_or_default();
        let events = p
            .events
            .into_iter()
            .map(|e| Event {
                time_ns: e.time_unix_nano,
                name: self.interner.intern(&text(&e.name)),
                attributes: self.attrs(e.attributes),
                dropped_attributes_count: e.dropped_attributes_count,
            })
            .collect();
        Ok(Span {
            trace_id,
            span_id,
            parent_span_id: (!parent.is_zero()).then_some(parent),
            parent_ref: ParentRef::ParentId,
            name: self.interner.intern(&text(&p.name)),
            service: service.clone(),
            kind: SpanKind::from_otlp(i64::from(p.kind)).unwrap_or_default(),
            status: Status {
                code: StatusCode::from_otlp(i64::from(status.code)).unwrap_or_default(),
                message: non_empty(status.message),
            },
            start_ns: p.start_time_unix_nano,
            end_ns: p.end_time_unix_nano,
            flags: p.flags,
            trace_state: non_empty(p.trace_state),
            attributes: self.attrs(p.attributes),
            events,
            links,
            resource: resource.clone(),
            scope: scope.clone(),
            dropped_attributes_count: p.dropped_attributes_count,
            dropped_events_count: p.dropped_events_count,
            dropped_links_count: p.dropped_links_count,
            shared: false,
        })
    }

    fn attrs(&mut self, kvs: Vec<pb::KeyValue>) -> Vec<KeyValue> {
        kvs.into_iter()
            .map(|kv| KeyValue {
                key: self.interner.intern(&text(&kv.key)),
                value: self.value(kv.value),
            })
            .collect()
    }

    /// prost refuses nesting deeper than 100 levels, so this recursion is bounded.
    fn value(&mut self, v: Option<pb::AnyValue>) -> Value {
        use pb::any_value::Value as V;
        match v.and_then(|v| v.value) {
            None => Value::Empty,
            Some(V::StringValue(s)) => Value::Str(text(&s).into()),
            Some(V::BoolValue(b)) => Value::Bool(b),
            Some(V::IntValue(i)) => Value::Int(i),
            Some(V::DoubleValue(d)) => Value::Double(d),
            Some(V::BytesValue(b)) => Value::Bytes(Box::from(&b[..])),
            Some(V::ArrayValue(a)) => {
                Value::Array(a.values.into_iter().map(|x| self.value(Some(x))).collect())
            }
            Some(V::KvlistValue(m)) => Value::Map(self.attrs(m.values).into_boxed_slice()),
        }
    }
}

/// A fatal "invalid protobuf" error at a byte offset.
fn fatal(ctx: &ReadCtx<'_>, at: u64, msg: String) -> Stop {
    Stop::Fatal(ctx.error(Some(Position::Byte(at)), format!("invalid protobuf: {msg}")))
}

/// Protobuf `string` bytes as text; invalid UTF-8 is replaced, not fatal.
fn text(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

fn non_empty(b: pb::Bytes) -> Option<Box<str>> {
    (!b.is_empty()).then(|| text(&b).into())
}
