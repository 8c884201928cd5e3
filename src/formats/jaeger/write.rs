//! Jaeger query JSON writer: `{"data":[trace, …]}`, the shape the Jaeger UI loads and the Jaeger
//! reader reads back.
//!
//! The document is opened with the first trace, each trace is written as it comes (one span per
//! line), and [`TraceWriter::finish`] closes it. Per trace:
//! * `traceID`: 16 hex digits when the high half is zero, else 32 (Jaeger's own rendering);
//! * `processes` `p1`, `p2`, … one per distinct (service, resource): `serviceName` and the resource
//!   attributes other than `service.name` as typed tags;
//! * times: `startTime` = start / 1000 (truncated µs), `duration` = end/1000 − start/1000 (a note
//!   says when a sub-µs part was dropped; a span that ends before it starts gets a negative
//!   duration, with a note, so the anomaly survives the conversion);
//! * tags with their types: `string`, `bool`, `int64` (as a JSON string beyond ±(2^53−1), as
//!   Jaeger does), `float64` (non-finite values as the strings `NaN`, `Infinity`, `-Infinity`),
//!   `binary` (base64). Arrays, maps and empty values have no Jaeger type: `string` with the JSON
//!   text (a note says so);
//! * kind, status, scope and trace state go back to their conventional tags, after the attributes:
//!   `span.kind` (lowercase; none for unspecified), `error: true` for Error, `otel.status_code`
//!   (`OK`/`ERROR`, none for unset), `otel.status_description`, `otel.scope.name`/`version`,
//!   `w3c.tracestate` — what the OpenTelemetry Collector's Jaeger translator writes;
//! * references: every link of kind CHILD_OF / FOLLOWS_FROM as such, in order; a CHILD_OF for the
//!   parent first when no reference already names it. OTLP links ([`RefKind::Link`]) have no
//!   Jaeger equivalent: following the Collector's translator they become FOLLOWS_FROM references,
//!   or CHILD_OF when the link has the attribute `opentracing.ref_type = child_of`; their other
//!   attributes, trace state and flags are dropped (noted). Read back, such a link is a
//!   FOLLOWS_FROM reference — and, when it points into the same trace from a span without a parent,
//!   Jaeger's rule makes it the parent;
//! * events become logs `{timestamp, fields}` whose first field is `event` = the event's name,
//!   followed by the event's attributes;
//! * `flags`: the low byte of `Span.flags` (Jaeger's sampled/debug/firehose bits), omitted when 0;
//!   the OTLP remote-parent bits have no Jaeger field (noted).

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use base64::Engine as _;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::formats::TraceWriter;
use crate::formats::common::jz_write::{CONVENTIONAL_KEYS, micros, note_common};
use crate::formats::write::Notes;
use crate::model::{RefKind, Resource, Span, SpanKind, StatusCode, Trace, Value};

/// Largest integer a JSON reader using doubles reads exactly (2^53 − 1).
const MAX_SAFE_INT: i64 = (1 << 53) - 1;

pub struct JaegerJsonWriter<'a> {
    out: &'a mut dyn Write,
    started: bool,
    finished: bool,
    notes: Notes,
    buf: Vec<u8>,
}

impl<'a> JaegerJsonWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        JaegerJsonWriter {
            out,
            started: false,
            finished: false,
            notes: Notes::default(),
            buf: Vec::new(),
        }
    }
}

impl TraceWriter for JaegerJsonWriter<'_> {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()> {
        self.out.write_all(if self.started {
            b",\n"
        } else {
            b"{\"data\":[\n"
        })?;
        self.started = true;
        write!(
            self.out,
            "{{\"traceID\":\"{}\",\"spans\":[",
            trace.trace_id.to_short_hex()
        )?;
        let mut processes: Vec<(&Arc<str>, &Arc<Resource>)> = Vec::new();
        for (i, span) in trace.spans.iter().enumerate() {
            let p = match processes.iter().position(|(svc, res)| {
                ***svc == *span.service
                    && (Arc::ptr_eq(res, &span.resource) || **res == span.resource)
            }) {
                Some(p) => p,
                None => {
                    processes.push((&span.service, &span.resource));
                    processes.len() - 1
                }
            };
            self.buf.clear();
            self.buf
                .extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            let out = span_out(span, p + 1, &mut self.notes);
            serde_json::to_writer(&mut self.buf, &out).map_err(io::Error::from)?;
            self.out.write_all(&self.buf)?;
        }
        self.buf.clear();
        self.buf
            .extend_from_slice(if trace.spans.is_empty() { b"]" } else { b"\n]" });
        self.buf.extend_from_slice(b",\"processes\":{");
        for (i, (service, resource)) in processes.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            write!(self.buf, "\"p{}\":", i + 1)?;
            let tags: Vec<JTag<'_>> = resource
                .attributes
                .iter()
                .filter(|kv| &*kv.key != "service.name")
                .map(|kv| JTag::new(&kv.key, &kv.value, &mut self.notes))
                .collect();
            serde_json::to_writer(
                &mut self.buf,
                &JProcess {
                    service_name: service,
                    tags,
                },
            )
            .map_err(io::Error::from)?;
        }
        self.buf.extend_from_slice(b"},\"warnings\":null}");
        self.out.write_all(&self.buf)
    }

    fn finish(&mut self) -> io::Result<Vec<String>> {
        if !self.finished {
            self.finished = true;
            self.out.write_all(if self.started {
                b"\n]}\n"
            } else {
                b"{\"data\":[]}\n"
            })?;
            self.out.flush()?;
        }
        Ok(self.notes.take())
    }
}

#[derive(Serialize)]
struct JProcess<'a> {
    #[serde(rename = "serviceName")]
    service_name: &'a str,
    tags: Vec<JTag<'a>>,
}

#[derive(Serialize)]
struct JSpan<'a> {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "spanID")]
    span_id: String,
    #[serde(skip_serializing_if = "is_zero")]
    flags: u32,
    #[serde(rename = "operationName")]
    operation_name: &'a str,
    references: Vec<JRef>,
    #[serde(rename = "startTime")]
    start_time: u64,
    duration: i64,
    tags: Vec<JTag<'a>>,
    logs: Vec<JLog<'a>>,
    #[serde(rename = "processID")]
    process_id: String,
    warnings: Option<()>,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

#[derive(Serialize)]
struct JRef {
    #[serde(rename = "refType")]
    ref_type: &'static str,
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "spanID")]
    span_id: String,
}

#[derive(Serialize)]
struct JLog<'a> {
    timestamp: u64,
    fields: Vec<JTag<'a>>,
}

/// A typed Jaeger tag.
struct JTag<'a> {
    key: &'a str,
    value: JValue<'a>,
}

enum JValue<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    Int(i64),
    Float(f64),
    Binary(String),
}

impl<'a> JTag<'a> {
    fn new(key: &'a str, value: &'a Value, notes: &mut Notes) -> Self {
        let value = match value {
            Value::Str(s) => JValue::Str(Cow::Borrowed(s)),
            Value::Bool(b) => JValue::Bool(*b),
            Value::Int(i) => JValue::Int(*i),
            Value::Double(d) => JValue::Float(*d),
            Value::Bytes(b) => JValue::Binary(base64::engine::general_purpose::STANDARD.encode(b)),
            Value::Empty => {
                notes.add(NOTE_UNTYPED);
                JValue::Str(Cow::Borrowed(""))
            }
            other => {
                notes.add(NOTE_UNTYPED);
                JValue::Str(Cow::Owned(other.to_json().to_string()))
            }
        };
        JTag { key, value }
    }

    fn str(key: &'a str, value: &'a str) -> Self {
        JTag {
            key,
            value: JValue::Str(Cow::Borrowed(value)),
        }
    }
}

const NOTE_UNTYPED: &str = "array, map and empty attribute values have no Jaeger type and were written as string tags (JSON text)";

impl Serialize for JTag<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("key", self.key)?;
        match &self.value {
            JValue::Str(v) => {
                m.serialize_entry("type", "string")?;
                m.serialize_entry("value", v)?;
            }
            JValue::Bool(b) => {
                m.serialize_entry("type", "bool")?;
                m.serialize_entry("value", b)?;
            }
            JValue::Int(i) => {
                m.serialize_entry("type", "int64")?;
                if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(i) {
                    m.serialize_entry("value", i)?;
                } else {
                    m.serialize_entry("value", &i.to_string())?;
                }
            }
            JValue::Float(f) => {
                m.serialize_entry("type", "float64")?;
                if f.is_finite() {
                    m.serialize_entry("value", f)?;
                } else if f.is_nan() {
                    m.serialize_entry("value", "NaN")?;
                } else if *f > 0.0 {
                    m.serialize_entry("value", "Infinity")?;
                } else {
                    m.serialize_entry("value", "-Infinity")?;
                }
            }
            JValue::Binary(b) => {
                m.serialize_entry("type", "binary")?;
                m.serialize_entry("value", b)?;
            }
        }
        m.end()
    }
}

/// Whether a link names the span's parent (so no extra CHILD_OF is needed).
fn names_parent(span: &Span) -> bool {
    let Some(parent) = span.parent_span_id.filter(|p| !p.is_zero()) else {
        return true;
    };
    span.links.iter().any(|l| {
        matches!(l.kind, RefKind::ChildOf | RefKind::FollowsFrom)
            && l.span_id == parent
            && (l.trace_id == span.trace_id || l.trace_id.is_zero())
    })
}

fn span_out<'a>(span: &'a Span, process: usize, notes: &mut Notes) -> JSpan<'a> {
    note_common(span, notes, "Jaeger");
    let (start, duration, truncated) = micros(span);
    note_lost(span, truncated, duration, notes);
    let references = references(span, notes);
    let tags = tags(span, notes);
    let logs = span
        .events
        .iter()
        .map(|e| {
            let mut fields = Vec::with_capacity(e.attributes.len() + 1);
            fields.push(JTag::str("event", &e.name));
            fields.extend(
                e.attributes
                    .iter()
                    .map(|kv| JTag::new(&kv.key, &kv.value, notes)),
            );
            JLog {
                timestamp: e.time_ns / 1000,
                fields,
            }
        })
        .collect();
    JSpan {
        trace_id: span.trace_id.to_short_hex(),
        span_id: span.span_id.to_string(),
        flags: span.flags & 0xff,
        operation_name: &span.name,
        references,
        start_time: start,
        duration,
        tags,
        logs,
        process_id: format!("p{process}"),
        warnings: None,
    }
}

/// Notes for what of the span Jaeger cannot hold: sub-microsecond times, negative durations,
/// the shared flag, flags above the low byte.
fn note_lost(span: &Span, truncated: bool, duration: i64, notes: &mut Notes) {
    if truncated || span.events.iter().any(|e| !e.time_ns.is_multiple_of(1000)) {
        notes.add(
            "times were truncated to whole microseconds (Jaeger JSON has microsecond resolution)",
        );
    }
    if duration < 0 {
        notes.add("a span ends before it starts: its duration was written as a negative number, which Jaeger itself does not accept");
    }
    if span.shared {
        notes.add("Zipkin's shared flag (the server half of a shared span id) has no Jaeger field and was dropped");
    }
    if span.flags & !0xff != 0 {
        notes.add("span flags above the low byte (the OTLP remote-parent bits) have no Jaeger field and were dropped");
    }
}

/// The parent (when no link names it) as a CHILD_OF reference, then the links.
fn references(span: &Span, notes: &mut Notes) -> Vec<JRef> {
    let mut references = Vec::with_capacity(span.links.len() + 1);
    if !names_parent(span)
        && let Some(parent) = span.parent_span_id
    {
        references.push(JRef {
            ref_type: "CHILD_OF",
            trace_id: span.trace_id.to_short_hex(),
            span_id: parent.to_string(),
        });
    }
    for l in &span.links {
        let ref_type = match l.kind {
            RefKind::ChildOf => "CHILD_OF",
            RefKind::FollowsFrom => "FOLLOWS_FROM",
            RefKind::Link => {
                let child = crate::model::value::find(&l.attributes, "opentracing.ref_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("child_of"));
                if child { "CHILD_OF" } else { "FOLLOWS_FROM" }
            }
        };
        let extra_attrs = l
            .attributes
            .iter()
            .any(|kv| &*kv.key != "opentracing.ref_type" || l.kind != RefKind::Link);
        if l.kind == RefKind::Link {
            notes.add(
                "span links were written as FOLLOWS_FROM references (CHILD_OF with opentracing.ref_type=child_of), \
                 as the OpenTelemetry Collector does",
            );
        }
        if extra_attrs || l.trace_state.is_some() || l.flags != 0 || l.dropped_attributes_count != 0
        {
            notes.add(
                "link attributes, trace state and flags have no Jaeger field and were dropped",
            );
        }
        let trace = if l.trace_id.is_zero() {
            span.trace_id
        } else {
            l.trace_id
        };
        references.push(JRef {
            ref_type,
            trace_id: trace.to_short_hex(),
            span_id: l.span_id.to_string(),
        });
    }
    references
}

/// The attributes, then what the model has fields for (kind, status, scope, trace state) under
/// the tags Jaeger readers know.
fn tags<'a>(span: &'a Span, notes: &mut Notes) -> Vec<JTag<'a>> {
    let mut tags: Vec<JTag<'a>> = span
        .attributes
        .iter()
        .filter(|kv| !CONVENTIONAL_KEYS.contains(&&*kv.key))
        .map(|kv| JTag::new(&kv.key, &kv.value, notes))
        .collect();
    if span.kind != SpanKind::Unspecified {
        tags.push(JTag::str("span.kind", span.kind.as_str()));
    }
    match span.status.code {
        StatusCode::Unset => {}
        StatusCode::Ok => tags.push(JTag::str("otel.status_code", "OK")),
        StatusCode::Error => {
            tags.push(JTag {
                key: "error",
                value: JValue::Bool(true),
            });
            tags.push(JTag::str("otel.status_code", "ERROR"));
        }
    }
    if let Some(m) = &span.status.message {
        tags.push(JTag::str("otel.status_description", m));
    }
    if !span.scope.name.is_empty() {
        tags.push(JTag::str("otel.scope.name", &span.scope.name));
    }
    if let Some(v) = &span.scope.version {
        tags.push(JTag::str("otel.scope.version", v));
    }
    if let Some(ts) = &span.trace_state {
        tags.push(JTag::str("w3c.tracestate", ts));
    }
    tags
}

#[cfg(test)]
mod tests;
