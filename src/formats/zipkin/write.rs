//! Zipkin v2 JSON writer: a list of traces, each a list of spans (the `/api/v2/traces` shape, which
//! the Zipkin reader reads back and Zipkin's UI loads).
//!
//! The outer list is opened with the first trace, each trace is written as it comes (one span per
//! line), and [`TraceWriter::finish`] closes it. Per span:
//! * `traceId` 16 hex digits when the high half is zero, else 32; `id`, `parentId` 16;
//! * `kind` uppercase for client/server/producer/consumer; an internal span has no kind and the tag
//!   `span.kind=internal` (as the OpenTelemetry Collector writes, so reading back keeps it);
//! * `timestamp` = start / 1000 (truncated µs; omitted when 0), `duration` = end/1000 − start/1000
//!   (omitted when 0; a negative one cannot be written and is omitted, with a note); a note says
//!   when a sub-µs part was dropped;
//! * `localEndpoint`: `serviceName` = the span's service, `ipv4`/`ipv6` from `net.host.ip`, `port`
//!   from `net.host.port`; `remoteEndpoint` from `peer.service`, `net.peer.ip`, `net.peer.port`
//!   (the attribute names of the Collector's Zipkin mapping, see the reader). Those attributes are
//!   not repeated as tags; an address that does not parse as IPv4/IPv6 stays a tag;
//! * `tags` are strings: the resource attributes other than `service.name` (Zipkin has no
//!   resource; the reader moves the semantic-convention ones back), then the span attributes, with
//!   typed values stringified (`true`, `42`, `1.5`, arrays and maps as JSON, bytes as base64 — a
//!   note says the types are lost), then `otel.scope.name`/`version`, `w3c.tracestate`,
//!   `otel.status_code` (`OK`/`ERROR`), `otel.status_description` and, for Error, `error` = the
//!   status message (or `true` without one);
//! * `annotations` from events: the value is the event name, or `{"name": {attributes}}` (the
//!   OpenTelemetry Zipkin mapping) when the event has attributes;
//! * `shared` and `debug` (`Span.flags` bit 1, see the reader) when true;
//! * links have no Zipkin field and are dropped (noted), except that the parent is `parentId`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::IpAddr;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::formats::TraceWriter;
use crate::formats::common::jz_write::{CONVENTIONAL_KEYS, micros, note_common};
use crate::formats::write::Notes;
use crate::model::{KeyValue, Span, SpanId, SpanKind, StatusCode, Trace, Value};

pub struct ZipkinJsonWriter<'a> {
    out: &'a mut dyn Write,
    started: bool,
    finished: bool,
    notes: Notes,
    buf: Vec<u8>,
}

impl<'a> ZipkinJsonWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        ZipkinJsonWriter {
            out,
            started: false,
            finished: false,
            notes: Notes::default(),
            buf: Vec::new(),
        }
    }
}

impl TraceWriter for ZipkinJsonWriter<'_> {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()> {
        self.out
            .write_all(if self.started { b",\n[" } else { b"[\n[" })?;
        self.started = true;
        for (i, span) in trace.spans.iter().enumerate() {
            self.buf.clear();
            self.buf
                .extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            let z = span_out(span, &mut self.notes);
            serde_json::to_writer(&mut self.buf, &z).map_err(io::Error::from)?;
            self.out.write_all(&self.buf)?;
        }
        self.out
            .write_all(if trace.spans.is_empty() { b"]" } else { b"\n]" })
    }

    fn finish(&mut self) -> io::Result<Vec<String>> {
        if !self.finished {
            self.finished = true;
            self.out
                .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?;
            self.out.flush()?;
        }
        Ok(self.notes.take())
    }
}

#[derive(Serialize)]
struct ZSpan<'a> {
    #[serde(rename = "traceId")]
    trace_id: String,
    #[serde(rename = "parentId", skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
    #[serde(rename = "localEndpoint", skip_serializing_if = "Option::is_none")]
    local_endpoint: Option<ZEndpoint<'a>>,
    #[serde(rename = "remoteEndpoint", skip_serializing_if = "Option::is_none")]
    remote_endpoint: Option<ZEndpoint<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<ZAnnotation<'a>>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    tags: Tags<'a>,
    #[serde(skip_serializing_if = "is_false")]
    debug: bool,
    #[serde(skip_serializing_if = "is_false")]
    shared: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Default, Serialize)]
struct ZEndpoint<'a> {
    #[serde(rename = "serviceName", skip_serializing_if = "Option::is_none")]
    service_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv4: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv6: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
}

impl ZEndpoint<'_> {
    fn is_empty(&self) -> bool {
        self.service_name.is_none()
            && self.ipv4.is_none()
            && self.ipv6.is_none()
            && self.port.is_none()
    }
}

#[derive(Serialize)]
struct ZAnnotation<'a> {
    timestamp: u64,
    value: Cow<'a, str>,
}

/// Tags in first-written order; a key written again replaces its value in place. The index keeps
/// that O(1) per tag (a span with 80k attributes took 9 s with a linear search).
#[derive(Default)]
struct Tags<'a> {
    entries: Vec<(&'a str, Cow<'a, str>)>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Tags<'a> {
    fn put(&mut self, key: &'a str, value: Cow<'a, str>) {
        match self.index.get(key) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(key, self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An attribute as a Zipkin tag string.
fn tag_text<'a>(v: &'a Value, notes: &mut Notes) -> Cow<'a, str> {
    if !matches!(v, Value::Str(_)) {
        notes.add("typed attribute values were written as strings (Zipkin tags are strings); reading back gives strings");
    }
    match v {
        Value::Str(s) => Cow::Borrowed(s),
        Value::Bytes(b) => {
            use base64::Engine as _;
            Cow::Owned(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Value::Array(_) | Value::Map(_) => Cow::Owned(v.to_json().to_string()),
        other => Cow::Owned(other.to_string()),
    }
}

/// The first attribute `key` whose value `parse` accepts; marks it used.
fn take<'a, T>(
    attrs: &'a [KeyValue],
    used: &mut [bool],
    key: &str,
    parse: impl Fn(&'a Value) -> Option<T>,
) -> Option<T> {
    let i = attrs.iter().position(|kv| &*kv.key == key)?;
    let v = parse(&attrs[i].value)?;
    used[i] = true;
    Some(v)
}

/// An address for an endpoint: IPv6 when it has a `:`, IPv4 when it is four dotted numbers. Kept
/// as written (anonymised data such as `52.0.0.04` is not a strict IPv4 address but still one).
fn ip(v: &Value) -> Option<(bool, &str)> {
    let s = v.as_str()?.trim();
    if s.parse::<IpAddr>().is_ok() {
        return Some((s.contains(':'), s));
    }
    let v4 = s.split('.').count() == 4
        && s.split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    let v6 = s.contains(':')
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    (v4 || v6).then_some((v6, s))
}

/// A port for an endpoint: an integer attribute (a string one, as OpenTelemetry SDKs put in
/// Zipkin tags, stays a tag so that its type survives).
fn port(v: &Value) -> Option<u16> {
    match v {
        Value::Int(p) if (1..=65535).contains(p) => Some(*p as u16),
        _ => None,
    }
}

fn set_ip<'a>(e: &mut ZEndpoint<'a>, addr: Option<(bool, &'a str)>) {
    match addr {
        Some((false, a)) => e.ipv4 = Some(a),
        Some((true, a)) => e.ipv6 = Some(a),
        None => {}
    }
}

fn span_out<'a>(span: &'a Span, notes: &mut Notes) -> ZSpan<'a> {
    note_common(span, notes, "Zipkin");
    let (start, duration, truncated) = micros(span);
    let parent = span.parent_span_id.filter(|p| !p.is_zero());
    note_lost(span, parent, truncated, duration, notes);
    let mut used = vec![false; span.attributes.len()];
    let (local, remote) = endpoints(span, &mut used);
    let tags = tags(span, &used, notes);
    ZSpan {
        trace_id: span.trace_id.to_short_hex(),
        parent_id: parent.map(|p| p.to_string()),
        id: span.span_id.to_string(),
        kind: kind_name(span.kind),
        name: &span.name,
        timestamp: (start > 0).then_some(start),
        duration: (duration > 0).then_some(duration),
        local_endpoint: (!local.is_empty()).then_some(local),
        remote_endpoint: (!remote.is_empty()).then_some(remote),
        annotations: annotations(span),
        tags,
        debug: span.flags & 0x2 != 0,
        shared: span.shared,
    }
}

/// Notes for what of the span Zipkin cannot hold: sub-microsecond times, negative durations,
/// flags other than debug, links other than the parent.
fn note_lost(
    span: &Span,
    parent: Option<SpanId>,
    truncated: bool,
    duration: i64,
    notes: &mut Notes,
) {
    if truncated || span.events.iter().any(|e| !e.time_ns.is_multiple_of(1000)) {
        notes.add(
            "times were truncated to whole microseconds (Zipkin JSON has microsecond resolution)",
        );
    }
    if duration < 0 {
        notes.add("a span ends before it starts: Zipkin durations cannot be negative, so its duration was omitted");
    }
    if span.flags & !crate::formats::zipkin::read::DEBUG_FLAGS != 0 {
        notes
            .add("span flags have no Zipkin field (only the debug bit is written, as debug: true)");
    }
    if span.links.iter().any(|l| {
        Some(l.span_id) != parent || (l.trace_id != span.trace_id && !l.trace_id.is_zero())
    }) {
        notes.add(
            "span links have no Zipkin field and were dropped (the parent is kept as parentId)",
        );
    }
}

/// The local endpoint (service, host address) and the remote one (peer service and address);
/// the attributes they are made of are marked in `used`.
fn endpoints<'a>(span: &'a Span, used: &mut [bool]) -> (ZEndpoint<'a>, ZEndpoint<'a>) {
    let attrs = &span.attributes;
    let mut local = ZEndpoint::default();
    if !span.service.is_empty() {
        local.service_name = Some(&span.service);
    } else if let Some(s) =
        crate::model::value::find(&span.resource.attributes, "service.name").and_then(Value::as_str)
    {
        local.service_name = Some(s);
    }
    set_ip(&mut local, take(attrs, used, "net.host.ip", ip));
    local.port = take(attrs, used, "net.host.port", port);
    let mut remote = ZEndpoint {
        service_name: take(attrs, used, "peer.service", |v| {
            v.as_str().filter(|s| !s.is_empty())
        }),
        ..ZEndpoint::default()
    };
    set_ip(&mut remote, take(attrs, used, "net.peer.ip", ip));
    remote.port = take(attrs, used, "net.peer.port", port);
    (local, remote)
}

/// Resource attributes, the attributes not `used` by the endpoints, then what the model has
/// fields for (kind, scope, trace state, status) under the tags Zipkin readers know.
fn tags<'a>(span: &'a Span, used: &[bool], notes: &mut Notes) -> Tags<'a> {
    let mut tags = Tags::default();
    if span
        .resource
        .attributes
        .iter()
        .any(|kv| &*kv.key != "service.name")
    {
        notes
            .add("resource attributes were written as tags of every span (Zipkin has no resource)");
    }
    for kv in span
        .resource
        .attributes
        .iter()
        .filter(|kv| &*kv.key != "service.name")
    {
        tags.put(&kv.key, tag_text(&kv.value, notes));
    }
    for (kv, used) in span.attributes.iter().zip(used) {
        if !used && !CONVENTIONAL_KEYS.contains(&&*kv.key) {
            tags.put(&kv.key, tag_text(&kv.value, notes));
        }
    }
    if span.kind == SpanKind::Internal {
        tags.put("span.kind", Cow::Borrowed("internal"));
    }
    if !span.scope.name.is_empty() {
        tags.put("otel.scope.name", Cow::Borrowed(&span.scope.name));
    }
    if let Some(v) = &span.scope.version {
        tags.put("otel.scope.version", Cow::Borrowed(v));
    }
    if let Some(ts) = &span.trace_state {
        tags.put("w3c.tracestate", Cow::Borrowed(ts));
    }
    status_tags(span, &mut tags);
    tags
}

/// `otel.status_code`, `otel.status_description`, and `error` for an error.
fn status_tags<'a>(span: &'a Span, tags: &mut Tags<'a>) {
    match span.status.code {
        StatusCode::Unset => {}
        StatusCode::Ok => tags.put("otel.status_code", Cow::Borrowed("OK")),
        StatusCode::Error => tags.put("otel.status_code", Cow::Borrowed("ERROR")),
    }
    if let Some(m) = &span.status.message {
        tags.put("otel.status_description", Cow::Borrowed(m));
    }
    if span.status.code == StatusCode::Error {
        let msg = span
            .status
            .message
            .as_deref()
            .filter(|m| !m.is_empty())
            .unwrap_or("true");
        tags.put("error", Cow::Borrowed(msg));
    }
}

/// Events as annotations: the name alone, or `{"name": {attributes}}` as JSON text.
fn annotations(span: &Span) -> Vec<ZAnnotation<'_>> {
    span.events
        .iter()
        .map(|e| {
            let value = if e.attributes.is_empty() {
                Cow::Borrowed(&*e.name)
            } else {
                let attrs: serde_json::Map<String, serde_json::Value> = e
                    .attributes
                    .iter()
                    .map(|kv| (kv.key.to_string(), kv.value.to_json()))
                    .collect();
                let mut outer = serde_json::Map::new();
                outer.insert(e.name.to_string(), serde_json::Value::Object(attrs));
                Cow::Owned(serde_json::Value::Object(outer).to_string())
            };
            ZAnnotation {
                timestamp: e.time_ns / 1000,
                value,
            }
        })
        .collect()
}

fn kind_name(kind: SpanKind) -> Option<&'static str> {
    match kind {
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Server => Some("SERVER"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal | SpanKind::Unspecified => None,
    }
}

#[cfg(test)]
mod tests;
