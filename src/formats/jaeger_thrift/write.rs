//! Jaeger agent Thrift writer: one compact-protocol `emitBatch` oneway message per (trace,
//! service), laid out field by field as jaeger-client sends them over UDP (no `seqNo`/`stats`;
//! `tags` and `logs` always present, `references` only when there are some; sequence ids from
//! 1), concatenated. Like the client, a batch that would not fit one UDP datagram (65000 bytes)
//! is split over several messages.
//!
//! Model → Jaeger (the reverse of `super::read`):
//! - times: `startTime = start_ns / 1000`, `duration = end_ns / 1000 − start_ns / 1000` (µs,
//!   from the truncated values); a note when a sub-µs part was dropped;
//! - `parentSpanId` = the effective parent; `references` = the links, except a leading
//!   `CHILD_OF` link to the parent (the reader re-creates it from `parentSpanId`, as
//!   jaeger-client omits it); OTLP links become `FOLLOWS_FROM` references;
//! - kind, status, scope and trace state go back into the `span.kind`, `error`,
//!   `otel.status_code` (OK only), `otel.status_description`, `otel.scope.name`/`version` and
//!   `w3c.tracestate` tags; event names into a leading `event` log field;
//! - the resource becomes the process: `serviceName` = the span's service, tags = the other
//!   resource attributes.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use super::read::{
    JBatch, JLog, JProcess, JRef, JSpan, JTag, REF_CHILD_OF, REF_FOLLOWS_FROM, TAG_BINARY,
    TAG_BOOL, TAG_DOUBLE, TAG_LONG, TAG_STRING,
};
use super::thrift::{Encoder, MESSAGE_ONEWAY, Protocol, TType};
use crate::formats::TraceWriter;
use crate::formats::write::Notes;
use crate::model::{KeyValue, RefKind, Resource, Span, SpanKind, StatusCode, Trace, Value};

pub struct JaegerThriftWriter<'a> {
    out: &'a mut dyn Write,
    seq_id: i32,
    notes: Notes,
}

impl<'a> JaegerThriftWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        JaegerThriftWriter {
            out,
            seq_id: 0,
            notes: Notes::default(),
        }
    }
}

impl TraceWriter for JaegerThriftWriter<'_> {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()> {
        for (service, resource, spans) in group_by_process(&trace.spans) {
            let batch = to_batch(&service, &resource, &spans, &mut self.notes);
            for bytes in encode_datagrams(&batch, Protocol::Compact, &mut self.seq_id) {
                if bytes.len() > MAX_DATAGRAM {
                    self.notes.add("jaeger-thrift: a span larger than a UDP datagram (65000 bytes) was written in a message of its own");
                }
                self.out.write_all(&bytes)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<Vec<String>> {
        self.out.flush()?;
        Ok(self.notes.take())
    }
}

/// Spans grouped by (service, resource) in first-seen order.
fn group_by_process(spans: &[Span]) -> Vec<(Arc<str>, Arc<Resource>, Vec<&Span>)> {
    let mut groups: Vec<(Arc<str>, Arc<Resource>, Vec<&Span>)> = Vec::new();
    for s in spans {
        let hit = groups.iter_mut().find(|(svc, res, _)| {
            **svc == *s.service && (Arc::ptr_eq(res, &s.resource) || **res == *s.resource)
        });
        match hit {
            Some(g) => g.2.push(s),
            None => groups.push((s.service.clone(), s.resource.clone(), vec![s])),
        }
    }
    groups
}

fn tag<'a>(key: &'a str, value: &'a Value, notes: &mut Notes) -> JTag<'a> {
    let mut t = JTag {
        key: Cow::Borrowed(key),
        ..JTag::default()
    };
    match value {
        Value::Str(s) => {
            t.v_type = TAG_STRING;
            t.v_str = Some(Cow::Borrowed(s));
        }
        Value::Double(d) => {
            t.v_type = TAG_DOUBLE;
            t.v_double = Some(*d);
        }
        Value::Bool(b) => {
            t.v_type = TAG_BOOL;
            t.v_bool = Some(*b);
        }
        Value::Int(i) => {
            t.v_type = TAG_LONG;
            t.v_long = Some(*i);
        }
        Value::Bytes(b) => {
            t.v_type = TAG_BINARY;
            t.v_binary = Some(Cow::Borrowed(b));
        }
        Value::Empty => {
            notes.add("jaeger-thrift: empty attribute values written as empty strings");
            t.v_type = TAG_STRING;
            t.v_str = Some(Cow::Borrowed(""));
        }
        Value::Array(_) | Value::Map(_) => {
            notes.add("jaeger-thrift: array and map attribute values written as JSON strings");
            t.v_type = TAG_STRING;
            t.v_str = Some(Cow::Owned(value.to_json().to_string()));
        }
    }
    t
}

fn str_tag<'a>(key: &'a str, v: &'a str) -> JTag<'a> {
    JTag {
        key: Cow::Borrowed(key),
        v_type: TAG_STRING,
        v_str: Some(Cow::Borrowed(v)),
        ..JTag::default()
    }
}

fn tags<'a>(attrs: impl IntoIterator<Item = &'a KeyValue>, notes: &mut Notes) -> Vec<JTag<'a>> {
    attrs
        .into_iter()
        .map(|kv| tag(&kv.key, &kv.value, notes))
        .collect()
}

/// One batch for spans that share a service and resource.
pub(crate) fn to_batch<'a>(
    service: &'a str,
    resource: &'a Resource,
    spans: &[&'a Span],
    notes: &mut Notes,
) -> JBatch<'a> {
    let service_name = if service.is_empty() {
        resource
            .attributes
            .iter()
            .find(|kv| &*kv.key == "service.name")
            .and_then(|kv| kv.value.as_str())
            .unwrap_or("")
    } else {
        service
    };
    let process_attrs = resource
        .attributes
        .iter()
        .filter(|kv| &*kv.key != "service.name");
    if resource.schema_url.is_some() || resource.dropped_attributes_count != 0 {
        notes.add("jaeger-thrift: resource schema URL and dropped attribute count are not carried");
    }
    JBatch {
        process: JProcess {
            service_name: Cow::Borrowed(service_name),
            tags: tags(process_attrs, notes),
        },
        spans: spans.iter().map(|s| to_span(s, notes)).collect(),
    }
}

fn us(ns: u64, notes: &mut Notes) -> i64 {
    if !ns.is_multiple_of(1000) {
        notes.add("jaeger-thrift: times truncated to microseconds (sub-µs parts dropped)");
    }
    (ns / 1000) as i64
}

fn to_span<'a>(s: &'a Span, notes: &mut Notes) -> JSpan<'a> {
    let parent = s.parent_span_id.map_or(0, |p| p.0);
    let mut links = s.links.as_slice();
    if let Some(first) = links.first()
        && parent != 0
        && first.kind == RefKind::ChildOf
        && first.trace_id == s.trace_id
        && first.span_id.0 == parent
    {
        links = &links[1..];
    }
    let references = links
        .iter()
        .map(|l| {
            if l.kind == RefKind::Link {
                notes.add("jaeger-thrift: span links written as FOLLOWS_FROM references");
            }
            if !l.attributes.is_empty()
                || l.trace_state.is_some()
                || l.flags != 0
                || l.dropped_attributes_count != 0
            {
                notes.add("jaeger-thrift: link attributes, trace state and flags are not carried");
            }
            JRef {
                ref_type: if l.kind == RefKind::ChildOf {
                    REF_CHILD_OF
                } else {
                    REF_FOLLOWS_FROM
                },
                trace_id_low: l.trace_id.low() as i64,
                trace_id_high: l.trace_id.high() as i64,
                span_id: l.span_id.0 as i64,
            }
        })
        .collect();

    if s.flags & !0xff != 0 {
        notes.add("jaeger-thrift: span flags above bit 7 (parent-is-remote) are not carried");
    }
    if s.dropped_attributes_count != 0 || s.dropped_events_count != 0 || s.dropped_links_count != 0
    {
        notes.add("jaeger-thrift: dropped attribute, event and link counts are not carried");
    }
    if s.shared {
        notes.add("jaeger-thrift: Zipkin shared-span markers are not carried");
    }
    let scope = &s.scope;
    if !scope.attributes.is_empty()
        || scope.schema_url.is_some()
        || scope.dropped_attributes_count != 0
    {
        notes.add("jaeger-thrift: scope attributes and schema URL are not carried");
    }

    let start_us = us(s.start_ns, notes);
    let end_us = us(s.end_ns, notes);

    let mut t = tags(&s.attributes, notes);
    if s.kind != SpanKind::Unspecified {
        t.push(str_tag("span.kind", s.kind.as_str()));
    }
    match s.status.code {
        StatusCode::Error => t.push(JTag {
            key: "error".into(),
            v_type: TAG_BOOL,
            v_bool: Some(true),
            ..JTag::default()
        }),
        StatusCode::Ok => t.push(str_tag("otel.status_code", "OK")),
        StatusCode::Unset => {}
    }
    if let Some(m) = &s.status.message {
        t.push(str_tag("otel.status_description", m));
    }
    if !scope.name.is_empty() {
        t.push(str_tag("otel.scope.name", &scope.name));
    }
    if let Some(v) = &scope.version {
        t.push(str_tag("otel.scope.version", v));
    }
    if let Some(ts) = &s.trace_state {
        t.push(str_tag("w3c.tracestate", ts));
    }

    let logs = s
        .events
        .iter()
        .map(|e| {
            if e.dropped_attributes_count != 0 {
                notes.add("jaeger-thrift: dropped attribute counts of events are not carried");
            }
            let mut fields = Vec::with_capacity(e.attributes.len() + 1);
            if !e.name.is_empty() {
                fields.push(str_tag("event", &e.name));
            }
            fields.extend(tags(&e.attributes, notes));
            JLog {
                timestamp: us(e.time_ns, notes),
                fields,
            }
        })
        .collect();

    JSpan {
        trace_id_low: s.trace_id.low() as i64,
        trace_id_high: s.trace_id.high() as i64,
        span_id: s.span_id.0 as i64,
        parent_span_id: parent as i64,
        operation_name: Cow::Borrowed(&s.name),
        references,
        flags: i64::from(s.flags & 0xff),
        start_time: start_us,
        duration: end_us - start_us,
        tags: t,
        logs,
    }
}

fn write_tag(e: &mut Encoder, t: &JTag<'_>) {
    e.write_struct_begin();
    e.write_field(1, TType::Binary);
    e.write_string(&t.key);
    e.write_field(2, TType::I32);
    e.write_i32(t.v_type as i32);
    if let Some(v) = &t.v_str {
        e.write_field(3, TType::Binary);
        e.write_string(v);
    }
    if let Some(v) = t.v_double {
        e.write_field(4, TType::Double);
        e.write_double(v);
    }
    if let Some(v) = t.v_bool {
        e.write_bool_field(5, v);
    }
    if let Some(v) = t.v_long {
        e.write_field(6, TType::I64);
        e.write_i64(v);
    }
    if let Some(v) = &t.v_binary {
        e.write_field(7, TType::Binary);
        e.write_binary(v);
    }
    e.write_struct_end();
}

fn write_tags(e: &mut Encoder, id: i16, tags: &[JTag<'_>]) {
    e.write_field(id, TType::List);
    e.write_list_begin(TType::Struct, tags.len());
    for t in tags {
        write_tag(e, t);
    }
}

fn write_span(e: &mut Encoder, s: &JSpan<'_>) {
    e.write_struct_begin();
    for (id, v) in [
        (1, s.trace_id_low),
        (2, s.trace_id_high),
        (3, s.span_id),
        (4, s.parent_span_id),
    ] {
        e.write_field(id, TType::I64);
        e.write_i64(v);
    }
    e.write_field(5, TType::Binary);
    e.write_string(&s.operation_name);
    if !s.references.is_empty() {
        e.write_field(6, TType::List);
        e.write_list_begin(TType::Struct, s.references.len());
        for r in &s.references {
            e.write_struct_begin();
            e.write_field(1, TType::I32);
            e.write_i32(r.ref_type as i32);
            for (id, v) in [(2, r.trace_id_low), (3, r.trace_id_high), (4, r.span_id)] {
                e.write_field(id, TType::I64);
                e.write_i64(v);
            }
            e.write_struct_end();
        }
    }
    e.write_field(7, TType::I32);
    e.write_i32(s.flags as i32);
    e.write_field(8, TType::I64);
    e.write_i64(s.start_time);
    e.write_field(9, TType::I64);
    e.write_i64(s.duration);
    write_tags(e, 10, &s.tags);
    e.write_field(11, TType::List);
    e.write_list_begin(TType::Struct, s.logs.len());
    for l in &s.logs {
        e.write_struct_begin();
        e.write_field(1, TType::I64);
        e.write_i64(l.timestamp);
        write_tags(e, 2, &l.fields);
        e.write_struct_end();
    }
    e.write_struct_end();
}

/// jaeger-clients keep each UDP datagram within this many bytes (the agent's limit is 65000).
pub const MAX_DATAGRAM: usize = 65_000;

/// One `Agent.emitBatch(batch)` oneway message, from already encoded spans (a span struct
/// encodes to the same bytes wherever it is, so spans can be encoded once and packed).
fn message(process: &JProcess<'_>, spans: &[Vec<u8>], proto: Protocol, seq_id: i32) -> Vec<u8> {
    let mut e = Encoder::new(proto);
    e.write_message_begin("emitBatch", MESSAGE_ONEWAY, seq_id);
    e.write_struct_begin(); // emitBatch_args
    e.write_field(1, TType::Struct);
    e.write_struct_begin(); // Batch
    e.write_field(1, TType::Struct);
    e.write_struct_begin(); // Process
    e.write_field(1, TType::Binary);
    e.write_string(&process.service_name);
    write_tags(&mut e, 2, &process.tags);
    e.write_struct_end();
    e.write_field(2, TType::List);
    e.write_list_begin(TType::Struct, spans.len());
    for s in spans {
        e.buf.extend_from_slice(s);
    }
    e.write_struct_end(); // Batch
    e.write_struct_end(); // args
    e.buf
}

fn span_bytes(s: &JSpan<'_>, proto: Protocol) -> Vec<u8> {
    let mut e = Encoder::new(proto);
    write_span(&mut e, s);
    e.buf
}

/// One `Agent.emitBatch(batch)` oneway message holding the whole batch.
pub fn encode_emit_batch(b: &JBatch<'_>, proto: Protocol, seq_id: i32) -> Vec<u8> {
    let spans: Vec<Vec<u8>> = b.spans.iter().map(|s| span_bytes(s, proto)).collect();
    message(&b.process, &spans, proto, seq_id)
}

/// The batch as jaeger-client sends it: as many messages as it takes to keep each within
/// [`MAX_DATAGRAM`] (a single bigger span gets a message of its own). Sequence ids continue
/// from `seq_id` (jaeger-client numbers its messages from 1).
pub fn encode_datagrams(b: &JBatch<'_>, proto: Protocol, seq_id: &mut i32) -> Vec<Vec<u8>> {
    // The message without spans, plus room for a longer list header.
    let fixed = message(&b.process, &[], proto, 0).len() + 10;
    let mut out = Vec::new();
    let mut chunk: Vec<Vec<u8>> = Vec::new();
    let mut size = fixed;
    let mut flush = |chunk: &mut Vec<Vec<u8>>, out: &mut Vec<Vec<u8>>| {
        *seq_id = seq_id.wrapping_add(1);
        out.push(message(&b.process, chunk, proto, *seq_id));
        chunk.clear();
    };
    for s in &b.spans {
        let bytes = span_bytes(s, proto);
        if !chunk.is_empty() && size + bytes.len() > MAX_DATAGRAM {
            flush(&mut chunk, &mut out);
            size = fixed;
        }
        size += bytes.len();
        chunk.push(bytes);
    }
    if !chunk.is_empty() || out.is_empty() {
        flush(&mut chunk, &mut out);
    }
    out
}

#[cfg(test)]
mod tests;
