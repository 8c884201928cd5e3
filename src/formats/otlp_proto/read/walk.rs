//! One `ResourceSpans` decoded by walking its bytes (no prost structs, strings and ids read in
//! place), building only the span parts the command reads.
//!
//! The walk accepts and refuses exactly what prost's decoding of [`pb::ResourceSpans`] does
//! (wire types of known fields, varints, lengths, unknown fields and groups, nesting limit of
//! 100, repeated singular fields merged or last-wins): parts that are not built are still
//! walked. A refused message is decoded once more with prost for the words of its error.

use std::sync::Arc;

use prost::Message as _;

use crate::formats::otlp_proto::pb;
use crate::model::{
    Event, Interner, KeyValue, Link, ParentRef, RefKind, Resource, Scope, Span, SpanId, SpanKind,
    SpanParts, Status, StatusCode, TraceId, Value,
};

use super::wire::{Bad, DEPTH, M, R, check, fixed32, fixed64, key, ld, msg, skip, var};

/// Protobuf `string` bytes as text; invalid UTF-8 is replaced, not fatal.
fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

fn non_empty(b: &[u8]) -> Option<Box<str>> {
    (!b.is_empty()).then(|| text(b).into())
}

/// Which attributes of a list are built.
#[derive(Copy, Clone)]
enum Keys {
    All,
    Prefixes(&'static [&'static str]),
    Exact(&'static str),
}

impl Keys {
    fn keeps(self, key: &[u8]) -> bool {
        match self {
            Keys::All => true,
            Keys::Prefixes(ps) => ps.iter().any(|p| key.starts_with(p.as_bytes())),
            Keys::Exact(k) => key == k.as_bytes(),
        }
    }
}

/// A worker's decoding state: its interner and the span parts it builds.
pub(super) struct Walker {
    pub interner: Interner,
    parts: SpanParts,
    span_keys: Keys,
    empty_scope: Arc<Scope>,
}

/// What one `ResourceSpans` gave.
pub(super) struct Walked {
    pub spans: Vec<Span>,
    /// Spans skipped: (scope_spans index, span index, why).
    pub skipped: Vec<(usize, usize, String)>,
}

impl Walker {
    pub fn new(parts: SpanParts) -> Self {
        let span_keys = match parts.attribute_prefixes {
            Some(ps) => Keys::Prefixes(ps),
            None => Keys::All,
        };
        let mut interner = Interner::new();
        let empty_scope = Arc::new(Scope {
            name: interner.intern(""),
            ..Scope::default()
        });
        Walker {
            interner,
            parts,
            span_keys,
            empty_scope,
        }
    }

    /// Decode one `ResourceSpans`; on `Err`, the prost error's words.
    pub fn resource_spans(&mut self, b: &[u8]) -> Result<Walked, String> {
        let mut out = Walked {
            spans: Vec::new(),
            skipped: Vec::new(),
        };
        match self.rs(b, &mut out) {
            Ok(()) => Ok(out),
            Err(Bad) => Err(match pb::ResourceSpans::decode(b) {
                Err(e) => e.to_string(),
                // Not expected: the walk and prost agree (property tests).
                Ok(_) => "failed to decode Protobuf message: invalid message".to_string(),
            }),
        }
    }

    fn rs(&mut self, b: &[u8], out: &mut Walked) -> R<()> {
        let d = DEPTH;
        // First the resource and whether `scope_spans` is there (it hides the legacy field).
        let res_keys = if self.parts.resource {
            Keys::All
        } else {
            Keys::Exact("service.name")
        };
        let mut attributes = Vec::new();
        let mut dropped = 0u32;
        let mut schema_url: &[u8] = &[];
        let mut current = false;
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => {
                    let r = msg(b, &mut p, wt, d)?;
                    let mut q = 0;
                    while q < r.len() {
                        let (f, wt) = key(r, &mut q)?;
                        match f {
                            1 => {
                                let kv = msg(r, &mut q, wt, d - 1)?;
                                if let Some(kv) = self.kv(kv, d - 2, res_keys)? {
                                    attributes.push(kv);
                                }
                            }
                            2 => dropped = var(r, &mut q, wt)? as u32,
                            _ => skip(r, &mut q, wt, f, d - 1)?,
                        }
                    }
                }
                2 | 1000 => {
                    current |= f == 2;
                    msg(b, &mut p, wt, d)?;
                }
                3 => schema_url = ld(b, &mut p, wt)?,
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        let service = match attributes
            .iter()
            .find(|kv| &*kv.key == "service.name")
            .map(|kv| &kv.value)
        {
            Some(Value::Str(s)) => self.interner.intern(s),
            _ => self.interner.intern(""),
        };
        let resource = Arc::new(Resource {
            attributes,
            dropped_attributes_count: dropped,
            schema_url: if self.parts.resource {
                non_empty(schema_url)
            } else {
                None
            },
        });
        let wanted = if current { 2 } else { 1000 };
        let mut p = 0;
        let mut si = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                2 | 1000 => {
                    let ss = msg(b, &mut p, wt, d)?;
                    if f == wanted {
                        self.scope_spans(ss, d - 1, si, &service, &resource, out)?;
                        si += 1;
                    } else {
                        check(ss, M::ScopeSpans, d - 1)?;
                    }
                }
                1 => drop(msg(b, &mut p, wt, d)?),
                3 => drop(ld(b, &mut p, wt)?),
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        Ok(())
    }

    fn scope_spans(
        &mut self,
        b: &[u8],
        d: u32,
        si: usize,
        service: &Arc<str>,
        resource: &Arc<Resource>,
        out: &mut Walked,
    ) -> R<()> {
        // The scope first (it may come after the spans).
        let mut name: &[u8] = &[];
        let mut version: &[u8] = &[];
        let mut attributes = Vec::new();
        let mut dropped = 0u32;
        let mut schema_url: &[u8] = &[];
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => {
                    let s = msg(b, &mut p, wt, d)?;
                    if !self.parts.scope {
                        check(s, M::Scope, d - 1)?;
                        continue;
                    }
                    let d = d - 1;
                    let mut q = 0;
                    while q < s.len() {
                        let (f, wt) = key(s, &mut q)?;
                        match f {
                            1 => name = ld(s, &mut q, wt)?,
                            2 => version = ld(s, &mut q, wt)?,
                            3 => {
                                let kv = msg(s, &mut q, wt, d)?;
                                if let Some(kv) = self.kv(kv, d - 1, Keys::All)? {
                                    attributes.push(kv);
                                }
                            }
                            4 => dropped = var(s, &mut q, wt)? as u32,
                            _ => skip(s, &mut q, wt, f, d)?,
                        }
                    }
                }
                2 => drop(msg(b, &mut p, wt, d)?),
                3 => schema_url = ld(b, &mut p, wt)?,
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        let scope = if self.parts.scope {
            Arc::new(Scope {
                name: self.interner.intern(&text(name)),
                version: non_empty(version),
                attributes,
                dropped_attributes_count: dropped,
                schema_url: non_empty(schema_url),
            })
        } else {
            self.empty_scope.clone()
        };
        let mut p = 0;
        let mut pi = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                2 => {
                    let s = msg(b, &mut p, wt, d)?;
                    match self.span(s, d - 1, service, resource, &scope)? {
                        Ok(span) => out.spans.push(span),
                        Err(why) => out.skipped.push((si, pi, why)),
                    }
                    pi += 1;
                }
                1 => drop(msg(b, &mut p, wt, d)?),
                3 => drop(ld(b, &mut p, wt)?),
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        Ok(())
    }

    /// One span; `Ok(Err(why))` when it is skipped for a bad id.
    fn span(
        &mut self,
        b: &[u8],
        d: u32,
        service: &Arc<str>,
        resource: &Arc<Resource>,
        scope: &Arc<Scope>,
    ) -> R<Result<Span, String>> {
        let parts = self.parts;
        let (mut trace_id, mut span_id, mut parent): (&[u8], &[u8], &[u8]) = (&[], &[], &[]);
        let (mut trace_state, mut name): (&[u8], &[u8]) = (&[], &[]);
        let (mut kind, mut start, mut end, mut flags) = (0i32, 0u64, 0u64, 0u32);
        let (mut dropped_attrs, mut dropped_events, mut dropped_links) = (0u32, 0u32, 0u32);
        let (mut status_message, mut status_code): (&[u8], i32) = (&[], 0);
        let mut attributes = Vec::new();
        let mut events = Vec::new();
        let mut links = Vec::new();
        let mut link_error: Option<String> = None;
        let mut link_index = 0usize;
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => trace_id = ld(b, &mut p, wt)?,
                2 => span_id = ld(b, &mut p, wt)?,
                3 => trace_state = ld(b, &mut p, wt)?,
                4 => parent = ld(b, &mut p, wt)?,
                5 => name = ld(b, &mut p, wt)?,
                6 => kind = var(b, &mut p, wt)? as i32,
                7 => start = fixed64(b, &mut p, wt)?,
                8 => end = fixed64(b, &mut p, wt)?,
                9 => {
                    let kv = msg(b, &mut p, wt, d)?;
                    if !parts.attributes {
                        check(kv, M::KeyValue, d - 1)?;
                    } else if let Some(kv) = self.kv(kv, d - 1, self.span_keys)? {
                        attributes.push(kv);
                    }
                }
                10 => dropped_attrs = var(b, &mut p, wt)? as u32,
                11 => {
                    let e = msg(b, &mut p, wt, d)?;
                    if parts.events {
                        events.push(self.event(e, d - 1)?);
                    } else {
                        check(e, M::Event, d - 1)?;
                    }
                }
                12 => dropped_events = var(b, &mut p, wt)? as u32,
                13 => {
                    let l = msg(b, &mut p, wt, d)?;
                    match self.link(l, d - 1, parts.links)? {
                        Ok(Some(link)) => links.push(link),
                        Ok(None) => {}
                        Err(why) => {
                            if link_error.is_none() {
                                link_error = Some(format!("links[{link_index}].{why}"));
                            }
                        }
                    }
                    link_index += 1;
                }
                14 => dropped_links = var(b, &mut p, wt)? as u32,
                15 => {
                    let s = msg(b, &mut p, wt, d)?;
                    let d = d - 1;
                    let mut q = 0;
                    while q < s.len() {
                        let (f, wt) = key(s, &mut q)?;
                        match f {
                            2 => status_message = ld(s, &mut q, wt)?,
                            3 => status_code = var(s, &mut q, wt)? as i32,
                            _ => skip(s, &mut q, wt, f, d)?,
                        }
                    }
                }
                16 => flags = fixed32(b, &mut p, wt)?,
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        let ids = || -> Result<(TraceId, SpanId, SpanId), String> {
            let trace_id = TraceId::from_bytes(trace_id).map_err(|e| format!("trace_id: {e}"))?;
            let span_id = SpanId::from_bytes(span_id).map_err(|e| format!("span_id: {e}"))?;
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
            let parent = SpanId::from_bytes(parent).map_err(|e| format!("parent_span_id: {e}"))?;
            Ok((trace_id, span_id, parent))
        };
        let (trace_id, span_id, parent) = match ids() {
            Ok(v) => v,
            Err(why) => return Ok(Err(why)),
        };
        if let Some(why) = link_error {
            return Ok(Err(why));
        }
        Ok(Ok(Span {
            trace_id,
            span_id,
            parent_span_id: (!parent.is_zero()).then_some(parent),
            parent_ref: ParentRef::ParentId,
            name: self.interner.intern(&text(name)),
            service: service.clone(),
            kind: SpanKind::from_otlp(i64::from(kind)).unwrap_or_default(),
            status: Status {
                code: StatusCode::from_otlp(i64::from(status_code)).unwrap_or_default(),
                message: if parts.texts {
                    non_empty(status_message)
                } else {
                    None
                },
            },
            start_ns: start,
            end_ns: end,
            flags,
            trace_state: if parts.texts {
                non_empty(trace_state)
            } else {
                None
            },
            attributes,
            events,
            links,
            resource: resource.clone(),
            scope: scope.clone(),
            dropped_attributes_count: dropped_attrs,
            dropped_events_count: dropped_events,
            dropped_links_count: dropped_links,
            shared: false,
        }))
    }

    fn event(&mut self, b: &[u8], d: u32) -> R<Event> {
        let mut ev = Event {
            time_ns: 0,
            name: self.empty_scope.name.clone(),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
        };
        let mut name: &[u8] = &[];
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => ev.time_ns = fixed64(b, &mut p, wt)?,
                2 => name = ld(b, &mut p, wt)?,
                3 => {
                    let kv = msg(b, &mut p, wt, d)?;
                    if let Some(kv) = self.kv(kv, d - 1, Keys::All)? {
                        ev.attributes.push(kv);
                    }
                }
                4 => ev.dropped_attributes_count = var(b, &mut p, wt)? as u32,
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        ev.name = self.interner.intern(&text(name));
        Ok(ev)
    }

    /// A link (built when `build`); `Ok(Err(why))` for a bad id.
    fn link(&mut self, b: &[u8], d: u32, build: bool) -> R<Result<Option<Link>, String>> {
        let (mut trace_id, mut span_id, mut trace_state): (&[u8], &[u8], &[u8]) = (&[], &[], &[]);
        let (mut dropped, mut flags) = (0u32, 0u32);
        let mut attributes = Vec::new();
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => trace_id = ld(b, &mut p, wt)?,
                2 => span_id = ld(b, &mut p, wt)?,
                3 => trace_state = ld(b, &mut p, wt)?,
                4 => {
                    let kv = msg(b, &mut p, wt, d)?;
                    if !build {
                        check(kv, M::KeyValue, d - 1)?;
                    } else if let Some(kv) = self.kv(kv, d - 1, Keys::All)? {
                        attributes.push(kv);
                    }
                }
                5 => dropped = var(b, &mut p, wt)? as u32,
                6 => flags = fixed32(b, &mut p, wt)?,
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        let trace_id = match TraceId::from_bytes(trace_id) {
            Ok(t) => t,
            Err(e) => return Ok(Err(format!("trace_id: {e}"))),
        };
        let span_id = match SpanId::from_bytes(span_id) {
            Ok(s) => s,
            Err(e) => return Ok(Err(format!("span_id: {e}"))),
        };
        Ok(Ok(build.then(|| Link {
            trace_id,
            span_id,
            kind: RefKind::Link,
            trace_state: non_empty(trace_state),
            attributes,
            dropped_attributes_count: dropped,
            flags,
        })))
    }

    /// A `KeyValue` (its fields have context `d`), built when `keys` keeps its key.
    fn kv(&mut self, b: &[u8], d: u32, keys: Keys) -> R<Option<KeyValue>> {
        let mut key_bytes: &[u8] = &[];
        let mut first: Option<&[u8]> = None;
        let mut more = false;
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => key_bytes = ld(b, &mut p, wt)?,
                2 => {
                    let v = msg(b, &mut p, wt, d)?;
                    if first.is_none() {
                        first = Some(v);
                    } else {
                        more = true;
                    }
                }
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        let keep = keys.keeps(key_bytes);
        let mut value = Value::Empty;
        if !more {
            if let Some(v) = first {
                if keep {
                    self.any_value(v, d - 1, &mut value)?;
                } else {
                    check(v, M::AnyValue, d - 1)?;
                }
            }
        } else {
            // A value given more than once: merged, as prost does.
            let mut p = 0;
            while p < b.len() {
                let (f, wt) = key(b, &mut p)?;
                match f {
                    2 => {
                        let v = msg(b, &mut p, wt, d)?;
                        if keep {
                            self.any_value(v, d - 1, &mut value)?;
                        } else {
                            check(v, M::AnyValue, d - 1)?;
                        }
                    }
                    1 => drop(ld(b, &mut p, wt)?),
                    _ => skip(b, &mut p, wt, f, d)?,
                }
            }
        }
        Ok(keep.then(|| KeyValue {
            key: self.interner.intern(&text(key_bytes)),
            value,
        }))
    }

    /// Merge an `AnyValue` (its fields have context `d`) into `acc`: the last value wins, but
    /// an array or a list after one of the same kind extends it (prost's oneof merge).
    fn any_value(&mut self, b: &[u8], d: u32, acc: &mut Value) -> R<()> {
        let mut p = 0;
        while p < b.len() {
            let (f, wt) = key(b, &mut p)?;
            match f {
                1 => *acc = Value::Str(text(ld(b, &mut p, wt)?).into()),
                2 => *acc = Value::Bool(var(b, &mut p, wt)? != 0),
                3 => *acc = Value::Int(var(b, &mut p, wt)? as i64),
                4 => *acc = Value::Double(f64::from_bits(fixed64(b, &mut p, wt)?)),
                7 => *acc = Value::Bytes(Box::from(ld(b, &mut p, wt)?)),
                5 => {
                    let a = msg(b, &mut p, wt, d)?;
                    let mut items = match std::mem::take(acc) {
                        Value::Array(v) => v.into_vec(),
                        _ => Vec::new(),
                    };
                    let d = d - 1;
                    let mut q = 0;
                    while q < a.len() {
                        let (f, wt) = key(a, &mut q)?;
                        if f == 1 {
                            let v = msg(a, &mut q, wt, d)?;
                            let mut item = Value::Empty;
                            self.any_value(v, d - 1, &mut item)?;
                            items.push(item);
                        } else {
                            skip(a, &mut q, wt, f, d)?;
                        }
                    }
                    *acc = Value::Array(items.into_boxed_slice());
                }
                6 => {
                    let m = msg(b, &mut p, wt, d)?;
                    let mut items = match std::mem::take(acc) {
                        Value::Map(v) => v.into_vec(),
                        _ => Vec::new(),
                    };
                    let d = d - 1;
                    let mut q = 0;
                    while q < m.len() {
                        let (f, wt) = key(m, &mut q)?;
                        if f == 1 {
                            let kv = msg(m, &mut q, wt, d)?;
                            if let Some(kv) = self.kv(kv, d - 1, Keys::All)? {
                                items.push(kv);
                            }
                        } else {
                            skip(m, &mut q, wt, f, d)?;
                        }
                    }
                    *acc = Value::Map(items.into_boxed_slice());
                }
                _ => skip(b, &mut p, wt, f, d)?,
            }
        }
        Ok(())
    }
}
