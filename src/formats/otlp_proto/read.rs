//! OTLP protobuf reader (formats.md §2): a bare `TracesData` / `ExportTraceServiceRequest` /
//! Tempo `/api/traces` protobuf body, or the Collector file exporter's framing (each message
//! after a 4-byte big-endian length).
//!
//! The outer message is walked field by field here (varint tag, varint length) to cut the input
//! into its `ResourceSpans`; those are decoded in parallel, straight from the input's bytes, by
//! the walk of [`walk`] (no prost structs; only the span parts the command reads are built), and
//! handed on in order ([`crate::formats::common::units`]), so memory holds a few runs of
//! `ResourceSpans`, never the file. Framing is decided from the first bytes (§2.2): when the
//! whole input fits in the look-ahead, frames must tile it exactly; otherwise a leading 0x0a
//! (field 1, wire type 2, how every `TracesData` starts) means bare, and a 4-byte length
//! followed by 0x0a means framed.
//!
//! Every length read from the input is checked against a maximum and, while reading, against
//! the bytes actually there: a corrupt length never causes a big allocation.

use std::io::{BufRead, Cursor, Read};
use std::sync::Arc;

use crate::formats::common::units::{self, Decode, Limits, UnitOut, Window};
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::SpanParts;
#[cfg(test)]
use crate::model::{KeyValue, ParentRef, Span, SpanKind, Status, TraceId, Value};

mod walk;
mod wire;

/// How much of the input is looked at to decide the framing.
const PEEK: usize = 256 * 1024;
/// No single `ResourceSpans` may be longer than this (a frame is walked, never held whole).
pub const MAX_MESSAGE: u64 = 1 << 30;

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    read_with(input, ctx, Limits::default())
}

fn read_with(
    input: &mut dyn BufRead,
    ctx: &mut ReadCtx<'_>,
    limits: Limits,
) -> Result<(), InputError> {
    let read_error =
        |ctx: &ReadCtx<'_>, e| ctx.error(Some(Position::Byte(0)), format!("read error: {e}"));
    let dec = Units {
        parts: ctx.wants.parts,
        source: ctx.source.clone(),
    };
    // A mapped file (or a big buffer) shows the look-ahead in place; otherwise read it, then
    // read it again through a chain.
    let head = input.fill_buf().map_err(|e| read_error(ctx, e))?;
    if head.len() >= PEEK {
        let mut scan = Scan::new(is_framed(&head[..PEEK], false));
        return units::read(input, ctx, &mut scan, &dec, limits);
    }
    let mut prefix = Vec::with_capacity(PEEK);
    let n = input
        .take(PEEK as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| read_error(ctx, e))?;
    let complete = n < PEEK;
    let mut scan = Scan::new(is_framed(&prefix, complete));
    let mut chained = Cursor::new(prefix).chain(input);
    units::read(&mut chained, ctx, &mut scan, &dec, limits)
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

/// A frame being walked: where its header is, where its body starts and ends, its length.
#[derive(Copy, Clone)]
struct Frame {
    at: u64,
    body: u64,
    len: u64,
    end: u64,
}

/// Cuts the input into its `ResourceSpans` (field 1 of each `TracesData`), checking the outer
/// message as it goes.
struct Scan {
    framed: bool,
    pos: u64,
    frame: Option<Frame>,
    /// Index of the next `ResourceSpans` in its message.
    index: usize,
}

/// A varint of the outer message that did not come out.
enum Var {
    /// The bytes end inside it.
    Short,
    /// More than 10 bytes.
    Long,
}

fn outer_varint(b: &[u8], p: &mut usize) -> Result<u64, Var> {
    let mut v: u64 = 0;
    for i in 0..10 {
        let &byte = b.get(*p + i).ok_or(Var::Short)?;
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *p += i + 1;
            return Ok(v);
        }
    }
    Err(Var::Long)
}

/// An error that names only a position and a message; the reader adds the input's name.
fn fail<U>(at: u64, msg: String) -> units::Scan<U> {
    units::Scan::Fail(Some(Position::Byte(at)), msg)
}

impl Scan {
    fn new(framed: bool) -> Self {
        Scan {
            framed,
            pos: 0,
            frame: None,
            index: 0,
        }
    }

    /// The input ends inside the element at `self.pos`.
    fn short(&self, w: &Window<'_>) -> units::Scan<usize> {
        if !w.eof {
            return units::Scan::NeedMore;
        }
        match self.frame {
            Some(f) => fail(
                f.at,
                format!(
                    "frame length {} exceeds the remaining {} bytes",
                    f.len,
                    w.end() - f.body
                ),
            ),
            None => fail(
                w.end(),
                "invalid protobuf: the input ends in the middle of a field".into(),
            ),
        }
    }

    /// One field of a `TracesData`.
    fn field(&mut self, b: &[u8], w: &Window<'_>) -> units::Scan<usize> {
        let tag_at = self.pos;
        let end = self.frame.map(|f| f.end);
        let mut p = 0usize;
        let long = |at: u64| fail(at, "invalid protobuf: varint longer than 10 bytes".into());
        let tag = match outer_varint(b, &mut p) {
            Ok(t) => t,
            Err(Var::Short) => return self.short(w),
            Err(Var::Long) => return long(tag_at),
        };
        let (field, wt) = (tag >> 3, tag & 7);
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            let msg = format!("field number {field} (tag byte 0x{:02x})", tag & 0xff);
            return fail(tag_at, format!("invalid protobuf: {msg}"));
        }
        if field == 1 && wt != 2 {
            let msg = format!(
                "field 1 (resource_spans) has wire type {wt} ({}), expected 2",
                wire_name(wt)
            );
            return fail(tag_at, format!("invalid protobuf: {msg}"));
        }
        let mut unit = None;
        match wt {
            0 => match outer_varint(b, &mut p) {
                Ok(_) => {}
                Err(Var::Short) => return self.short(w),
                Err(Var::Long) => return long(tag_at + p as u64),
            },
            1 | 5 => {
                let n = if wt == 1 { 8 } else { 4 };
                if b.len() - p < n {
                    return self.short(w);
                }
                p += n;
            }
            2 => {
                let len_at = tag_at + p as u64;
                let len = match outer_varint(b, &mut p) {
                    Ok(l) => l,
                    Err(Var::Short) => return self.short(w),
                    Err(Var::Long) => return long(len_at),
                };
                let start = tag_at + p as u64;
                if let Some(e) = end
                    && len > e.saturating_sub(start)
                {
                    let left = e.saturating_sub(start);
                    return fail(
                        len_at,
                        format!(
                            "invalid protobuf: field {field} length {len} exceeds the remaining {left} bytes of the frame"
                        ),
                    );
                }
                if len > MAX_MESSAGE {
                    return fail(
                        len_at,
                        format!(
                            "invalid protobuf: field {field} length {len} exceeds the maximum of {MAX_MESSAGE} bytes"
                        ),
                    );
                }
                if ((b.len() - p) as u64) < len {
                    if !w.eof || end.is_some() {
                        return self.short(w);
                    }
                    // In a bare message, running out of input is this field's fault.
                    let left = w.end() - start;
                    return fail(
                        len_at,
                        format!(
                            "invalid protobuf: field {field} length {len} exceeds the remaining {left} bytes"
                        ),
                    );
                }
                p += len as usize;
                if field == 1 {
                    unit = Some((start, len as usize, self.index));
                }
            }
            _ => {
                let msg = format!(
                    "field {field} has unsupported wire type {wt} ({})",
                    wire_name(wt)
                );
                return fail(tag_at, format!("invalid protobuf: {msg}"));
            }
        }
        if let Some(e) = end
            && tag_at + p as u64 > e
        {
            return fail(
                tag_at,
                format!(
                    "invalid protobuf: field {field} runs past the end of the frame at byte {e}"
                ),
            );
        }
        self.pos += p as u64;
        match unit {
            Some((start, len, index)) => {
                self.index += 1;
                units::Scan::Unit {
                    start,
                    len,
                    meta: index,
                }
            }
            None => units::Scan::Progress,
        }
    }
}

impl units::Scanner for Scan {
    type Meta = usize;

    fn pos(&self) -> u64 {
        self.pos
    }

    fn next(&mut self, w: &Window<'_>) -> units::Scan<usize> {
        let b = &w.buf[(self.pos - w.base) as usize..];
        if !self.framed {
            if b.is_empty() {
                return if w.eof {
                    units::Scan::End
                } else {
                    units::Scan::NeedMore
                };
            }
            return self.field(b, w);
        }
        match self.frame {
            None => {
                if b.len() < 4 {
                    return match (w.eof, b.len()) {
                        (false, _) => units::Scan::NeedMore,
                        (true, 0) => units::Scan::End,
                        (true, n) => fail(
                            self.pos,
                            format!("truncated frame header: {n} of 4 length bytes"),
                        ),
                    };
                }
                let len = u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                let body = self.pos + 4;
                self.frame = Some(Frame {
                    at: self.pos,
                    body,
                    len,
                    end: body + len,
                });
                self.index = 0;
                self.pos = body;
                units::Scan::Progress
            }
            Some(f) if self.pos >= f.end => {
                self.frame = None;
                units::Scan::Progress
            }
            Some(_) => self.field(b, w),
        }
    }
}

/// Decodes `ResourceSpans` with a [`walk::Walker`] per worker.
struct Units {
    parts: SpanParts,
    source: Arc<str>,
}

impl Decode for Units {
    type Meta = usize;
    type State = walk::Walker;

    fn state(&self) -> walk::Walker {
        walk::Walker::new(self.parts)
    }

    fn decode(&self, st: &mut walk::Walker, bytes: &[u8], start: u64, index: &usize) -> UnitOut {
        let at = Some(Position::Byte(start));
        match st.resource_spans(bytes) {
            Ok(w) => UnitOut {
                spans: w.spans,
                warnings: w
                    .skipped
                    .into_iter()
                    .map(|(si, pi, why)| {
                        let msg = format!(
                            "resource_spans[{index}].scope_spans[{si}].spans[{pi}]: {why}; span skipped"
                        );
                        InputError::new(&self.source, at.clone(), msg)
                    })
                    .collect(),
                error: None,
            },
            Err(e) => UnitOut {
                error: Some(InputError::new(
                    &self.source,
                    at,
                    format!("invalid protobuf: resource_spans[{index}]: {e}"),
                )),
                ..UnitOut::default()
            },
        }
    }
}

#[cfg(test)]
mod parts_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod reference;
#[cfg(test)]
pub(crate) mod tests;
