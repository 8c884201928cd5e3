//! Jaeger agent Thrift reader: `emitBatch` messages (jaeger-idl `agent.thrift`, structs from
//! `jaeger.thrift`) as jaeger-clients send them over UDP, concatenated — compact protocol
//! (first byte 0x82, agent port 6831) or strict binary protocol (0x80 0x01, port 6832) — and the
//! JSON dump of such messages (`[{"message":"emitBatch","batch":{process, spans}}, …]`).
//!
//! Model mapping (the brief's Jaeger conventions, same as the Jaeger JSON reader):
//! - ids: `traceIdHigh`/`traceIdLow` (signed i64 on the wire) → the 128-bit id; 64-bit ids keep
//!   a zero high half. `spanId` likewise.
//! - references: every `SpanRef` is kept in `links` with its `RefKind`. A non-zero
//!   `parentSpanId` that no reference names becomes a leading `CHILD_OF` reference (Jaeger does
//!   the same when it converts Thrift to its domain model). The parent is then the first
//!   `CHILD_OF` reference of the same trace, else the first `FOLLOWS_FROM` of the same trace.
//! - times: µs → ns (×1000 exactly); end = (startTime + duration) µs.
//! - tags moved into fields: `span.kind`, `error` (true ⇒ Error), `otel.status_code`,
//!   `otel.status_description`, `otel.scope.name`/`otel.scope.version` (and `otel.library.*`),
//!   `w3c.tracestate`. Everything else stays a typed attribute.
//! - logs → events; the `event` field (a string) is the event name.
//! - process → one shared resource per batch: `service.name` = `serviceName`, then the process
//!   tags (`hostname`, `ip`, `jaeger.version`, …) as they are.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::thrift::{self, Decoder, ErrorKind, Protocol, TType};
use crate::formats::{InputError, Position, ReadCtx};
use crate::model::{
    Event, Interner, KeyValue, Link, ParentRef, RefKind, Resource, Scope, Span, SpanId, SpanKind,
    StatusCode, TraceId, Value,
};

// ---------------------------------------------------------------------------------------------
// The Thrift structs (also the JSON dump's shape).

/// `jaeger.Batch`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JBatch<'a> {
    pub process: JProcess<'a>,
    #[serde(deserialize_with = "nullable")]
    pub spans: Vec<JSpan<'a>>,
}

/// `jaeger.Process`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JProcess<'a> {
    #[serde(deserialize_with = "nullable")]
    pub service_name: Cow<'a, str>,
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<JTag<'a>>,
}

/// `jaeger.Span`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JSpan<'a> {
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_low: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_high: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub span_id: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub parent_span_id: i64,
    #[serde(deserialize_with = "nullable")]
    pub operation_name: Cow<'a, str>,
    #[serde(deserialize_with = "nullable")]
    pub references: Vec<JRef>,
    #[serde(deserialize_with = "lenient_i64")]
    pub flags: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub start_time: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub duration: i64,
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<JTag<'a>>,
    #[serde(deserialize_with = "nullable")]
    pub logs: Vec<JLog<'a>>,
}

/// `jaeger.SpanRef`; `ref_type` 0 = CHILD_OF, 1 = FOLLOWS_FROM.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JRef {
    #[serde(deserialize_with = "lenient_i64")]
    pub ref_type: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_low: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub trace_id_high: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub span_id: i64,
}

/// `jaeger.Log`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JLog<'a> {
    #[serde(deserialize_with = "lenient_i64")]
    pub timestamp: i64,
    #[serde(deserialize_with = "nullable")]
    pub fields: Vec<JTag<'a>>,
}

/// `jaeger.Tag`: `v_type` 0 STRING, 1 DOUBLE, 2 BOOL, 3 LONG, 4 BINARY says which value field
/// counts.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JTag<'a> {
    #[serde(deserialize_with = "nullable")]
    pub key: Cow<'a, str>,
    #[serde(deserialize_with = "lenient_i64")]
    pub v_type: i64,
    pub v_str: Option<Cow<'a, str>>,
    pub v_double: Option<f64>,
    pub v_bool: Option<bool>,
    #[serde(deserialize_with = "lenient_opt_i64")]
    pub v_long: Option<i64>,
    #[serde(deserialize_with = "lenient_bytes")]
    pub v_binary: Option<Cow<'a, [u8]>>,
}

pub const TAG_STRING: i64 = 0;
pub const TAG_DOUBLE: i64 = 1;
pub const TAG_BOOL: i64 = 2;
pub const TAG_LONG: i64 = 3;
pub const TAG_BINARY: i64 = 4;
pub const REF_CHILD_OF: i64 = 0;
pub const REF_FOLLOWS_FROM: i64 = 1;

impl JTag<'_> {
    /// The typed value, by `vType`; an unknown type takes whichever value field is set.
    pub fn value(self) -> Value {
        match self.v_type {
            TAG_STRING => Value::Str(self.v_str.unwrap_or_default().into_owned().into_boxed_str()),
            TAG_DOUBLE => Value::Double(self.v_double.unwrap_or_default()),
            TAG_BOOL => Value::Bool(self.v_bool.unwrap_or_default()),
            TAG_LONG => Value::Int(self.v_long.unwrap_or_default()),
            TAG_BINARY => Value::Bytes(
                self.v_binary
                    .unwrap_or_default()
                    .into_owned()
                    .into_boxed_slice(),
            ),
            _ => {
                if let Some(s) = self.v_str {
                    Value::Str(s.into_owned().into_boxed_str())
                } else if let Some(d) = self.v_double {
                    Value::Double(d)
                } else if let Some(b) = self.v_bool {
                    Value::Bool(b)
                } else if let Some(l) = self.v_long {
                    Value::Int(l)
                } else if let Some(b) = self.v_binary {
                    Value::Bytes(b.into_owned().into_boxed_slice())
                } else {
                    Value::Empty
                }
            }
        }
    }
}

fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An i64 from a JSON number (signed, or unsigned reinterpreted as the Thrift i64 bits), a
/// decimal string, or null.
fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(lenient_opt_i64(d)?.unwrap_or(0))
}

fn lenient_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a 64-bit integer")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as i64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v.abs() < 9.2e18 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format!("expected an integer, found {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            t.parse::<i64>()
                .or_else(|_| t.parse::<u64>().map(|u| u as i64))
                .map(Some)
                .map_err(|_| E::custom(format!("expected an integer, found {v:?}")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// `vBinary` in a JSON dump: base64 text or a list of byte values.
fn lenient_bytes<'de, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, [u8]>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Text(String),
        List(Vec<u8>),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::List(v)) => Ok(Some(Cow::Owned(v))),
        Some(B::Text(s)) => {
            use base64::Engine as _;
            use base64::engine::general_purpose::{STANDARD, URL_SAFE};
            STANDARD
                .decode(&s)
                .or_else(|_| URL_SAFE.decode(&s))
                .map(|v| Some(Cow::Owned(v)))
                .map_err(|_| de::Error::custom(format!("vBinary {s:?} is not base64")))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Thrift decoding of the structs.

/// Reads the value of a field whose type is as expected; otherwise skips it (Thrift's rule for
/// mismatched types) and returns `None`.
fn typed<'a, T>(
    d: &mut Decoder<'a>,
    f: thrift::Field,
    want: TType,
    read: impl FnOnce(&mut Decoder<'a>) -> thrift::Result<T>,
) -> thrift::Result<Option<T>> {
    if f.ty == want {
        read(d).map(Some)
    } else {
        d.skip(f.ty)?;
        Ok(None)
    }
}

fn read_list<'a, T>(
    d: &mut Decoder<'a>,
    f: thrift::Field,
    elem: TType,
    mut read: impl FnMut(&mut Decoder<'a>) -> thrift::Result<T>,
) -> thrift::Result<Option<Vec<T>>> {
    if f.ty != TType::List {
        d.skip(f.ty)?;
        return Ok(None);
    }
    let (et, n) = d.read_list_begin()?;
    if et != elem {
        for _ in 0..n {
            d.skip(et)?;
        }
        d.read_list_end();
        return Ok(None);
    }
    let mut v = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        v.push(read(d)?);
    }
    d.read_list_end();
    Ok(Some(v))
}

fn read_tag<'a>(d: &mut Decoder<'a>) -> thrift::Result<JTag<'a>> {
    let mut t = JTag::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => t.key = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default(),
            2 => t.v_type = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            3 => t.v_str = typed(d, f, TType::Binary, |d| d.read_str())?,
            4 => t.v_double = typed(d, f, TType::Double, |d| d.read_double())?,
            5 => t.v_bool = typed(d, f, TType::Bool, |d| d.read_bool())?,
            6 => t.v_long = typed(d, f, TType::I64, |d| d.read_i64())?,
            7 => t.v_binary = typed(d, f, TType::Binary, |d| d.read_binary().map(Cow::Borrowed))?,
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(t)
}

fn read_log<'a>(d: &mut Decoder<'a>) -> thrift::Result<JLog<'a>> {
    let mut l = JLog::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => l.timestamp = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            2 => l.fields = read_list(d, f, TType::Struct, read_tag)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(l)
}

fn read_ref(d: &mut Decoder<'_>) -> thrift::Result<JRef> {
    let mut r = JRef::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => r.ref_type = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            2 => r.trace_id_low = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            3 => r.trace_id_high = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            4 => r.span_id = typed(d, f, TType::I64, |d| d.read_i64())?.unwrap_or(0),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(r)
}

fn read_span<'a>(d: &mut Decoder<'a>) -> thrift::Result<JSpan<'a>> {
    let mut s = JSpan::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        let i64_field =
            |d: &mut Decoder<'_>| typed(d, f, TType::I64, |d| d.read_i64()).map(|v| v.unwrap_or(0));
        match f.id {
            1 => s.trace_id_low = i64_field(d)?,
            2 => s.trace_id_high = i64_field(d)?,
            3 => s.span_id = i64_field(d)?,
            4 => s.parent_span_id = i64_field(d)?,
            5 => {
                s.operation_name = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default()
            }
            6 => s.references = read_list(d, f, TType::Struct, read_ref)?.unwrap_or_default(),
            7 => s.flags = typed(d, f, TType::I32, |d| d.read_i32())?.map_or(0, i64::from),
            8 => s.start_time = i64_field(d)?,
            9 => s.duration = i64_field(d)?,
            10 => s.tags = read_list(d, f, TType::Struct, read_tag)?.unwrap_or_default(),
            11 => s.logs = read_list(d, f, TType::Struct, read_log)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(s)
}

fn read_process<'a>(d: &mut Decoder<'a>) -> thrift::Result<JProcess<'a>> {
    let mut p = JProcess::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => p.service_name = typed(d, f, TType::Binary, |d| d.read_str())?.unwrap_or_default(),
            2 => p.tags = read_list(d, f, TType::Struct, read_tag)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(p)
}

/// `jaeger.Batch` (fields 3 `seqNo` and 4 `stats` are skipped).
pub fn read_batch<'a>(d: &mut Decoder<'a>) -> thrift::Result<JBatch<'a>> {
    let mut b = JBatch::default();
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        match f.id {
            1 => b.process = typed(d, f, TType::Struct, read_process)?.unwrap_or_default(),
            2 => b.spans = read_list(d, f, TType::Struct, read_span)?.unwrap_or_default(),
            _ => d.skip(f.ty)?,
        }
    }
    d.read_struct_end();
    Ok(b)
}

/// One whole message: its name and, for `emitBatch`, the batch (argument 1). Other messages
/// are skipped whole.
pub fn read_message<'a>(d: &mut Decoder<'a>) -> thrift::Result<(String, Option<JBatch<'a>>)> {
    let h = d.read_message_begin()?;
    let mut batch = None;
    d.read_struct_begin()?;
    while let Some(f) = d.read_field()? {
        if h.name == "emitBatch" && f.id == 1 && f.ty == TType::Struct {
            batch = Some(read_batch(d)?);
        } else {
            d.skip(f.ty)?;
        }
    }
    d.read_struct_end();
    Ok((h.name, batch))
}

// ---------------------------------------------------------------------------------------------
// Jaeger structs → model.

/// Scopes made from `otel.scope.*` tags, by (name, version).
type ScopeCache = HashMap<(Arc<str>, Option<Box<str>>), Arc<Scope>>;

/// Converts batches to spans, sharing strings and scopes across the whole input.
#[derive(Default)]
pub struct Converter {
    interner: Interner,
    scopes: ScopeCache,
    empty_scope: Arc<Scope>,
}

fn us_to_ns(us: i128) -> u64 {
    u64::try_from(us.saturating_mul(1000)).unwrap_or(if us < 0 { 0 } else { u64::MAX })
}

fn ref_kind(t: i64) -> RefKind {
    match t {
        REF_CHILD_OF => RefKind::ChildOf,
        REF_FOLLOWS_FROM => RefKind::FollowsFrom,
        _ => RefKind::Link,
    }
}

/// A string tag's text, unless empty.
fn non_empty_text(t: &JTag<'_>) -> Option<Box<str>> {
    t.v_str
        .clone()
        .filter(|s| !s.is_empty())
        .map(|s| s.into_owned().into_boxed_str())
}

/// Links from the references, with parentSpanId as a leading CHILD_OF when no reference names
/// it; the parent is the first CHILD_OF in the trace, else the first FOLLOWS_FROM.
fn set_references(span: &mut Span, js: &JSpan<'_>) {
    let trace_id = span.trace_id;
    let mut links: Vec<Link> = Vec::with_capacity(js.references.len() + 1);
    let parent = SpanId(js.parent_span_id as u64);
    if !parent.is_zero()
        && !js.references.iter().any(|r| {
            SpanId(r.span_id as u64) == parent
                && TraceId::from_parts(r.trace_id_high as u64, r.trace_id_low as u64) == trace_id
        })
    {
        links.push(plain_link(trace_id, parent, RefKind::ChildOf));
    }
    for r in &js.references {
        let tid = TraceId::from_parts(r.trace_id_high as u64, r.trace_id_low as u64);
        links.push(plain_link(
            tid,
            SpanId(r.span_id as u64),
            ref_kind(r.ref_type),
        ));
    }
    let same_trace =
        |l: &&Link, k: RefKind| l.kind == k && l.trace_id == trace_id && !l.span_id.is_zero();
    if let Some(l) = links.iter().find(|l| same_trace(l, RefKind::ChildOf)) {
        span.parent_span_id = Some(l.span_id);
        span.parent_ref = ParentRef::ChildOf;
    } else if let Some(l) = links.iter().find(|l| same_trace(l, RefKind::FollowsFrom)) {
        span.parent_span_id = Some(l.span_id);
        span.parent_ref = ParentRef::FollowsFrom;
    }
    span.links = links;
}

impl Converter {
    pub fn new() -> Self {
        Self::default()
    }

    fn attrs(&mut self, tags: Vec<JTag<'_>>) -> Vec<KeyValue> {
        tags.into_iter()
            .map(|mut t| {
                let key = self.interner.intern(&std::mem::take(&mut t.key));
                KeyValue {
                    key,
                    value: t.value(),
                }
            })
            .collect()
    }

    pub fn batch(&mut self, batch: JBatch<'_>) -> Vec<Span> {
        let service = self.interner.intern(&batch.process.service_name);
        let mut attributes = Vec::with_capacity(batch.process.tags.len() + 1);
        if !service.is_empty() {
            attributes.push(KeyValue::new(
                self.interner.intern("service.name"),
                Value::Str(service.as_ref().into()),
            ));
        }
        for kv in self.attrs(batch.process.tags) {
            if &*kv.key != "service.name" || service.is_empty() {
                attributes.push(kv);
            }
        }
        let resource = Arc::new(Resource {
            attributes,
            ..Resource::default()
        });
        batch
            .spans
            .into_iter()
            .map(|s| self.span(s, &service, &resource))
            .collect()
    }

    fn span(&mut self, js: JSpan<'_>, service: &Arc<str>, resource: &Arc<Resource>) -> Span {
        let trace_id = TraceId::from_parts(js.trace_id_high as u64, js.trace_id_low as u64);
        let mut span = Span::new(trace_id, SpanId(js.span_id as u64));
        span.name = self.interner.intern(&js.operation_name);
        span.service = service.clone();
        span.resource = resource.clone();
        span.flags = js.flags as u32;
        span.start_ns = us_to_ns(i128::from(js.start_time));
        span.end_ns = us_to_ns(i128::from(js.start_time) + i128::from(js.duration));
        set_references(&mut span, &js);
        self.take_tags(&mut span, js.tags);
        span.events = js.logs.into_iter().map(|log| self.event(log)).collect();
        span
    }

    /// Tags become attributes, except the ones the model has fields for (kind, status, scope,
    /// trace state), which are moved there.
    fn take_tags(&mut self, span: &mut Span, tags: Vec<JTag<'_>>) {
        let mut error_tag = false;
        let mut status_code: Option<StatusCode> = None;
        let mut scope_name: Option<Cow<'_, str>> = None;
        let mut scope_version: Option<Cow<'_, str>> = None;
        let mut attributes = Vec::with_capacity(tags.len());
        for t in tags {
            let key: &str = &t.key;
            let moved = match (key, t.v_type) {
                ("span.kind", TAG_STRING) => match t.v_str.as_deref().and_then(SpanKind::from_name)
                {
                    Some(k) => {
                        span.kind = k;
                        true
                    }
                    None => false,
                },
                ("error", TAG_BOOL) => {
                    error_tag = t.v_bool.unwrap_or(false);
                    true
                }
                ("error", TAG_STRING) => match t.v_str.as_deref() {
                    Some(s)
                        if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
                    {
                        error_tag = s.eq_ignore_ascii_case("true");
                        true
                    }
                    _ => false,
                },
                ("otel.status_code", TAG_STRING) => {
                    match t.v_str.as_deref().and_then(StatusCode::from_name) {
                        Some(c) => {
                            status_code = Some(c);
                            true
                        }
                        None => false,
                    }
                }
                ("otel.status_description", TAG_STRING) => {
                    span.status.message = non_empty_text(&t);
                    true
                }
                ("otel.scope.name" | "otel.library.name", TAG_STRING) => {
                    scope_name = t.v_str.clone();
                    true
                }
                ("otel.scope.version" | "otel.library.version", TAG_STRING) => {
                    scope_version = t.v_str.clone();
                    true
                }
                ("w3c.tracestate", TAG_STRING) => {
                    span.trace_state = non_empty_text(&t);
                    true
                }
                _ => false,
            };
            if !moved {
                let k = self.interner.intern(key);
                attributes.push(KeyValue {
                    key: k,
                    value: t.value(),
                });
            }
        }
        span.attributes = attributes;
        span.status.code = status_code.unwrap_or(if error_tag {
            StatusCode::Error
        } else {
            StatusCode::Unset
        });
        span.scope = self.scope(scope_name, scope_version);
    }

    /// A log: its `event` field (the first) names it, the other fields are its attributes.
    fn event(&mut self, log: JLog<'_>) -> Event {
        let mut name: Arc<str> = self.interner.intern("");
        let mut attributes = Vec::with_capacity(log.fields.len());
        let mut named = false;
        for f in log.fields {
            if !named && f.key == "event" && f.v_type == TAG_STRING {
                name = self.interner.intern(f.v_str.as_deref().unwrap_or(""));
                named = true;
                continue;
            }
            let key = self.interner.intern(&f.key);
            attributes.push(KeyValue {
                key,
                value: f.value(),
            });
        }
        Event {
            time_ns: us_to_ns(i128::from(log.timestamp)),
            name,
            attributes,
            dropped_attributes_count: 0,
        }
    }

    fn scope(&mut self, name: Option<Cow<'_, str>>, version: Option<Cow<'_, str>>) -> Arc<Scope> {
        if name.is_none() && version.is_none() {
            return self.empty_scope.clone();
        }
        let name = self.interner.intern(name.as_deref().unwrap_or(""));
        let version = version
            .filter(|v| !v.is_empty())
            .map(|s| s.into_owned().into_boxed_str());
        self.scopes
            .entry((name.clone(), version.clone()))
            .or_insert_with(|| {
                Arc::new(Scope {
                    name,
                    version,
                    ..Scope::default()
                })
            })
            .clone()
    }
}

fn plain_link(trace_id: TraceId, span_id: SpanId, kind: RefKind) -> Link {
    Link {
        trace_id,
        span_id,
        kind,
        trace_state: None,
        attributes: Vec::new(),
        dropped_attributes_count: 0,
        flags: 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// Bytes read from the input at a time; a message longer than the buffer grows it.
const CHUNK: usize = 256 * 1024;

pub fn read(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    // The first non-space byte decides: `[` or `{` is the JSON dump, anything else Thrift.
    let mut skipped = 0u64;
    let first = loop {
        let buf = input
            .fill_buf()
            .map_err(|e| ctx.error(Some(Position::Byte(0)), format!("read error: {e}")))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => break buf[p],
            None if buf.is_empty() => return Ok(()),
            None => {
                let n = buf.len();
                input.consume(n);
                skipped += n as u64;
            }
        }
    };
    match first {
        b'[' | b'{' => read_json(input, ctx),
        _ => read_thrift(input, skipped, ctx),
    }
}

/// Concatenated Thrift messages; `skipped` bytes of the input were already consumed.
fn read_thrift(
    input: &mut dyn BufRead,
    skipped: u64,
    ctx: &mut ReadCtx<'_>,
) -> Result<(), InputError> {
    let mut conv = Converter::new();
    let mut buf: Vec<u8> = Vec::new();
    // Absolute offset of buf[0]; the next message starts at buf[start].
    let mut base: u64 = skipped;
    let mut start = 0usize;
    let mut at_eof = false;
    let mut want = CHUNK;
    loop {
        if start == buf.len() {
            if at_eof {
                return Ok(());
            }
            base += buf.len() as u64;
            buf.clear();
            start = 0;
            at_eof = fill(input, &mut buf, want, ctx, base)?;
            if buf.is_empty() {
                return Ok(());
            }
        }
        let here = base + start as u64;
        let proto = match buf[start] {
            0x82 => Protocol::Compact,
            0x80 => Protocol::Binary,
            b => {
                return Err(ctx.error(
                    Some(Position::Byte(here)),
                    format!("expected a Thrift message (0x82 compact or 0x80 0x01 binary protocol), found byte 0x{b:02x}"),
                ));
            }
        };
        let mut d = Decoder::new(&buf[start..], proto);
        match read_message(&mut d) {
            Ok((name, batch)) => {
                start += d.pos();
                want = CHUNK;
                match batch {
                    Some(b) => {
                        let spans = conv.batch(b);
                        ctx.emit(spans);
                    }
                    None => ctx.warn(
                        Some(Position::Byte(here)),
                        format!(
                            "message {:?} is not emitBatch(batch); skipped",
                            crate::term::escape(&name)
                        ),
                    ),
                }
            }
            Err(e) if e.kind == ErrorKind::Eof && !at_eof => {
                // The message goes on past what is buffered: keep it and read more.
                buf.drain(..start);
                base += start as u64;
                start = 0;
                want = want.max(buf.len());
                at_eof = fill(input, &mut buf, want, ctx, base)?;
            }
            Err(e) => {
                let at = here + e.pos as u64;
                let msg = match e.kind {
                    ErrorKind::Eof => format!(
                        "the input ends inside the Thrift message that starts at byte {here} ({} bytes of it present)",
                        buf.len() - start
                    ),
                    ErrorKind::Invalid(m) => format!("invalid Thrift {}: {m}", proto_name(proto)),
                };
                return Err(ctx.error(Some(Position::Byte(at)), msg));
            }
        }
    }
}

fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Compact => "compact protocol",
        Protocol::Binary => "binary protocol",
    }
}

/// Append up to `n` more bytes; returns whether the input ended.
fn fill(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    n: usize,
    ctx: &ReadCtx<'_>,
    base: u64,
) -> Result<bool, InputError> {
    let before = buf.len();
    buf.reserve(n);
    let got = input.take(n as u64).read_to_end(buf).map_err(|e| {
        ctx.error(
            Some(Position::Byte(base + before as u64)),
            format!("read error: {e}"),
        )
    })?;
    Ok(got < n)
}

/// One element of the JSON dump.
#[derive(Deserialize)]
struct JMessage {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    batch: Option<JBatch<'static>>,
}

fn handle_message(m: JMessage, index: usize, conv: &mut Converter, ctx: &mut ReadCtx<'_>) {
    match (m.message.as_deref(), m.batch) {
        (None | Some("emitBatch"), Some(b)) => {
            let spans = conv.batch(b);
            ctx.emit(spans);
        }
        (name, _) => ctx.warn(
            Some(Position::Path {
                line: None,
                path: format!("[{index}]"),
            }),
            format!(
                "message {:?} is not emitBatch with a batch; skipped",
                crate::term::escape(name.unwrap_or(""))
            ),
        ),
    }
}

fn json_error(ctx: &ReadCtx<'_>, e: &serde_json::Error) -> InputError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    ctx.error(
        Some(Position::LineColumn {
            line: e.line() as u64,
            column: e.column() as u64,
        }),
        msg,
    )
}

/// The JSON dump: a list of messages (streamed element by element), or one or more message
/// objects one after another (JSON lines).
fn read_json(input: &mut dyn BufRead, ctx: &mut ReadCtx<'_>) -> Result<(), InputError> {
    let mut conv = Converter::new();
    let first = input
        .fill_buf()
        .ok()
        .and_then(|b| b.iter().copied().find(|c| !c.is_ascii_whitespace()));
    if first == Some(b'[') {
        struct List<'a, 'b> {
            conv: &'a mut Converter,
            ctx: &'a mut ReadCtx<'b>,
        }
        impl<'de> Visitor<'de> for List<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of emitBatch messages")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                let mut i = 0usize;
                while let Some(m) = seq.next_element::<JMessage>()? {
                    handle_message(m, i, self.conv, self.ctx);
                    i += 1;
                }
                Ok(())
            }
        }
        impl<'de> DeserializeSeed<'de> for List<'_, '_> {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_seq(self)
            }
        }
        let mut de = serde_json::Deserializer::from_reader(input);
        let seed = List {
            conv: &mut conv,
            ctx: &mut *ctx,
        };
        seed.deserialize(&mut de).map_err(|e| json_error(ctx, &e))?;
        de.end().map_err(|e| json_error(ctx, &e))?;
        return Ok(());
    }
    let stream = serde_json::Deserializer::from_reader(input).into_iter::<JMessage>();
    for (i, m) in stream.enumerate() {
        let m = m.map_err(|e| json_error(ctx, &e))?;
        handle_message(m, i, &mut conv, ctx);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
