//! OTLP/JSON writers: one document, JSON lines, or Tempo's `/api/traces` shape.
//!
//! All three group the spans of a trace by (resource, scope) into `resourceSpans`/`scopeSpans`,
//! in first-seen order (resources and scopes are the same when they are one `Arc` or equal).
//!
//! - [`Style::Document`]: one `{"resourceSpans":[…]}` holding every trace, streamed: opened by
//!   the first trace, closed by `finish`.
//! - [`Style::Lines`]: one `TracesData` per trace per line (the Collector file exporter layout).
//! - [`Style::Tempo`]: `{"batches":[…]}` per trace (one per line when several), with base64 ids
//!   and enum names (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`), as Tempo's gogo-jsonpb writes.
//!
//! Document and Lines write what the Collector writes: lowercase hex ids, integer enums, 64-bit
//! integers and times as decimal strings, zero and empty fields left out (but `resource` and
//! `scope` always present). Everything in the model that OTLP can carry is written so that the
//! OTLP/JSON reader gives back the same spans; Jaeger reference types ride on links as the
//! Collector's translator marks them (`opentracing.ref_type`). What OTLP cannot carry (Zipkin's
//! `shared` marker) is named once in the conversion notes.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use crate::formats::TraceWriter;
use crate::formats::common::json_util::encode_base64;
use crate::formats::otlp_json::read::REF_TYPE_KEY;
use crate::model::{
    Event, KeyValue, Link, RefKind, Resource, Scope, Span, SpanKind, StatusCode, Trace, Value,
};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Style {
    Document,
    Lines,
    Tempo,
}

/// Values nested deeper than this are written as empty values (with a note). The OTLP/JSON
/// reader's nesting limit lets it read back every depth up to this.
const MAX_VALUE_DEPTH: usize = 32;

/// How many earlier groups a resource (or scope) at a new address is compared with by value.
const GROUP_SEARCH: usize = 32;

pub struct OtlpJsonWriter<'a> {
    out: &'a mut dyn Write,
    style: Style,
    buf: Vec<u8>,
    /// Document style: the opening was written (at least one trace).
    opened: bool,
    notes: Vec<String>,
}

impl<'a> OtlpJsonWriter<'a> {
    pub fn new(out: &'a mut dyn Write, style: Style) -> Self {
        OtlpJsonWriter {
            out,
            style,
            buf: Vec::with_capacity(64 << 10),
            opened: false,
            notes: Vec::new(),
        }
    }

    fn note(&mut self, n: &str) {
        if !self.notes.iter().any(|x| x == n) {
            self.notes.push(n.to_string());
        }
    }
}

impl TraceWriter for OtlpJsonWriter<'_> {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()> {
        // A trace without spans has nothing to write (and must not leave an empty element).
        if trace.spans.is_empty() {
            return Ok(());
        }
        let groups = group(&trace.spans);
        let mut enc = Enc {
            buf: std::mem::take(&mut self.buf),
            tempo: self.style == Style::Tempo,
            deep: false,
        };
        enc.buf.clear();
        match self.style {
            Style::Document if self.opened => enc.buf.push(b','),
            Style::Document => {
                enc.buf.extend_from_slice(b"{\"resourceSpans\":[");
                self.opened = true;
            }
            Style::Lines => enc.buf.extend_from_slice(b"{\"resourceSpans\":["),
            Style::Tempo => enc.buf.extend_from_slice(b"{\"batches\":["),
        }
        for (i, g) in groups.iter().enumerate() {
            if i > 0 {
                enc.buf.push(b',');
            }
            enc.resource_spans(g);
        }
        if self.style != Style::Document {
            enc.buf.extend_from_slice(b"]}\n");
        }
        let Enc { buf, deep, .. } = enc;
        let r = self.out.write_all(&buf);
        self.buf = buf;
        if deep {
            self.note(&format!(
                "attribute values nested deeper than {MAX_VALUE_DEPTH} levels were written as empty values"
            ));
        }
        if trace.spans.iter().any(|s| s.shared) {
            self.note(
                "OTLP has no Zipkin `shared` marker: the server halves of shared client/server spans \
                 keep the client's span id without it",
            );
        }
        r
    }

    fn finish(&mut self) -> io::Result<Vec<String>> {
        if self.style == Style::Document {
            if self.opened {
                self.out.write_all(b"]}\n")?;
            } else {
                self.out.write_all(b"{\"resourceSpans\":[]}\n")?;
            }
            self.opened = false;
        }
        self.out.flush()?;
        Ok(std::mem::take(&mut self.notes))
    }
}

// ---------------------------------------------------------------------------------------------
// Grouping

struct ScopeGroup<'t> {
    scope: &'t Arc<Scope>,
    spans: Vec<&'t Span>,
}

struct ResourceGroup<'t> {
    resource: &'t Arc<Resource>,
    service: &'t str,
    scopes: Vec<ScopeGroup<'t>>,
    /// Scope `Arc` address to index in `scopes`.
    scope_index: HashMap<*const Scope, usize>,
}

fn same<T: PartialEq>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

/// Group a trace's spans by resource (and service name), then scope, in first-seen order. A
/// resource or scope is found by its `Arc` address first; a new address is compared by value
/// with the last [`GROUP_SEARCH`] groups only, so the work stays linear in the spans.
fn group(spans: &[Span]) -> Vec<ResourceGroup<'_>> {
    let mut groups: Vec<ResourceGroup<'_>> = Vec::new();
    let mut index: HashMap<(*const Resource, &str), usize> = HashMap::new();
    for s in spans {
        let key = (Arc::as_ptr(&s.resource), &*s.service);
        let gi = match index.get(&key) {
            Some(&i) => i,
            None => {
                let from = groups.len().saturating_sub(GROUP_SEARCH);
                let found = (from..groups.len()).rev().find(|&i| {
                    groups[i].service == &*s.service && same(groups[i].resource, &s.resource)
                });
                let i = found.unwrap_or_else(|| {
                    groups.push(ResourceGroup {
                        resource: &s.resource,
                        service: &s.service,
                        scopes: Vec::new(),
                        scope_index: HashMap::new(),
                    });
                    groups.len() - 1
                });
                index.insert(key, i);
                i
            }
        };
        let g = &mut groups[gi];
        let ptr = Arc::as_ptr(&s.scope);
        let si = match g.scope_index.get(&ptr) {
            Some(&i) => i,
            None => {
                let from = g.scopes.len().saturating_sub(GROUP_SEARCH);
                let found = (from..g.scopes.len())
                    .rev()
                    .find(|&i| same(g.scopes[i].scope, &s.scope));
                let i = found.unwrap_or_else(|| {
                    g.scopes.push(ScopeGroup {
                        scope: &s.scope,
                        spans: Vec::new(),
                    });
                    g.scopes.len() - 1
                });
                g.scope_index.insert(ptr, i);
                i
            }
        };
        g.scopes[si].spans.push(s);
    }
    groups
}

// ---------------------------------------------------------------------------------------------
// Encoding

struct Enc {
    buf: Vec<u8>,
    tempo: bool,
    /// A value was too deeply nested and was cut.
    deep: bool,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Enc {
    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// `"key":` (keys are fixed ASCII names).
    fn key(&mut self, k: &str) {
        self.buf.push(b'"');
        self.raw(k);
        self.buf.extend_from_slice(b"\":");
    }

    /// `,"key":` or `"key":` for the first field of an object.
    fn field(&mut self, first: &mut bool, k: &str) {
        if !*first {
            self.buf.push(b',');
        }
        *first = false;
        self.key(k);
    }

    fn string(&mut self, s: &str) {
        self.buf.push(b'"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let esc: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[start..i]);
            if esc.is_empty() {
                self.buf.extend_from_slice(b"\\u00");
                self.buf.push(HEX[(b >> 4) as usize]);
                self.buf.push(HEX[(b & 0xf) as usize]);
            } else {
                self.buf.extend_from_slice(esc);
            }
            start = i + 1;
        }
        self.buf.extend_from_slice(&bytes[start..]);
        self.buf.push(b'"');
    }

    fn str_field(&mut self, first: &mut bool, k: &str, v: &str) {
        self.field(first, k);
        self.string(v);
    }

    fn u64_string(&mut self, v: u64) {
        let _ = write!(self.buf, "\"{v}\"");
    }

    fn number(&mut self, v: u32) {
        let _ = write!(self.buf, "{v}");
    }

    fn hex(&mut self, bytes: &[u8]) {
        self.buf.push(b'"');
        for b in bytes {
            self.buf.push(HEX[(b >> 4) as usize]);
            self.buf.push(HEX[(b & 0xf) as usize]);
        }
        self.buf.push(b'"');
    }

    /// An id: lowercase hex, or base64 in Tempo's style.
    fn id(&mut self, bytes: &[u8]) {
        if self.tempo {
            self.buf.push(b'"');
            self.raw(&encode_base64(bytes));
            self.buf.push(b'"');
        } else {
            self.hex(bytes);
        }
    }

    fn dropped(&mut self, first: &mut bool, k: &str, n: u32) {
        if n > 0 {
            self.field(first, k);
            self.number(n);
        }
    }

    fn resource_spans(&mut self, g: &ResourceGroup<'_>) {
        self.buf.extend_from_slice(b"{\"resource\":{");
        let r = &**g.resource;
        let mut first = true;
        let has_service = r.attributes.iter().any(|kv| &*kv.key == "service.name");
        if !r.attributes.is_empty() || (!has_service && !g.service.is_empty()) {
            self.field(&mut first, "attributes");
            self.buf.push(b'[');
            let mut n = 0;
            // The model's service name lives in the resource; add it when the resource lacks it.
            if !has_service && !g.service.is_empty() {
                self.key_value("service.name", &Value::Str(g.service.into()), 0);
                n += 1;
            }
            for kv in &r.attributes {
                if n > 0 {
                    self.buf.push(b',');
                }
                self.key_value(&kv.key, &kv.value, 0);
                n += 1;
            }
            self.buf.push(b']');
        }
        self.dropped(
            &mut first,
            "droppedAttributesCount",
            r.dropped_attributes_count,
        );
        self.buf.extend_from_slice(b"},\"scopeSpans\":[");
        for (i, sg) in g.scopes.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.scope_spans(sg);
        }
        self.buf.push(b']');
        if let Some(u) = r.schema_url.as_deref().filter(|u| !u.is_empty()) {
            self.buf.push(b',');
            self.key("schemaUrl");
            self.string(u);
        }
        self.buf.push(b'}');
    }

    fn scope_spans(&mut self, g: &ScopeGroup<'_>) {
        let s = &**g.scope;
        self.buf.extend_from_slice(b"{\"scope\":{");
        let mut first = true;
        if !s.name.is_empty() {
            self.str_field(&mut first, "name", &s.name);
        }
        if let Some(v) = s.version.as_deref().filter(|v| !v.is_empty()) {
            self.str_field(&mut first, "version", v);
        }
        if !s.attributes.is_empty() {
            self.field(&mut first, "attributes");
            self.attributes(&s.attributes, &[]);
        }
        self.dropped(
            &mut first,
            "droppedAttributesCount",
            s.dropped_attributes_count,
        );
        self.buf.extend_from_slice(b"},\"spans\":[");
        for (i, span) in g.spans.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.span(span);
        }
        self.buf.push(b']');
        if let Some(u) = s.schema_url.as_deref().filter(|u| !u.is_empty()) {
            self.buf.push(b',');
            self.key("schemaUrl");
            self.string(u);
        }
        self.buf.push(b'}');
    }

    fn span(&mut self, s: &Span) {
        self.buf.push(b'{');
        let mut first = true;
        self.field(&mut first, "traceId");
        self.id(&s.trace_id.to_bytes());
        self.field(&mut first, "spanId");
        self.id(&s.span_id.to_bytes());
        if let Some(ts) = s.trace_state.as_deref().filter(|t| !t.is_empty()) {
            self.str_field(&mut first, "traceState", ts);
        }
        if let Some(p) = s.parent_span_id.filter(|p| !p.is_zero()) {
            self.field(&mut first, "parentSpanId");
            self.id(&p.to_bytes());
        }
        if s.flags != 0 {
            self.field(&mut first, "flags");
            self.number(s.flags);
        }
        if !s.name.is_empty() {
            self.str_field(&mut first, "name", &s.name);
        }
        if s.kind != SpanKind::Unspecified {
            self.field(&mut first, "kind");
            if self.tempo {
                let name = match s.kind {
                    SpanKind::Internal => "SPAN_KIND_INTERNAL",
                    SpanKind::Server => "SPAN_KIND_SERVER",
                    SpanKind::Client => "SPAN_KIND_CLIENT",
                    SpanKind::Producer => "SPAN_KIND_PRODUCER",
                    SpanKind::Consumer => "SPAN_KIND_CONSUMER",
                    SpanKind::Unspecified => "SPAN_KIND_UNSPECIFIED",
                };
                self.string(name);
            } else {
                self.number(s.kind.to_otlp() as u32);
            }
        }
        if s.start_ns != 0 {
            self.field(&mut first, "startTimeUnixNano");
            self.u64_string(s.start_ns);
        }
        if s.end_ns != 0 {
            self.field(&mut first, "endTimeUnixNano");
            self.u64_string(s.end_ns);
        }
        if !s.attributes.is_empty() {
            self.field(&mut first, "attributes");
            self.attributes(&s.attributes, &[]);
        }
        self.dropped(
            &mut first,
            "droppedAttributesCount",
            s.dropped_attributes_count,
        );
        if !s.events.is_empty() {
            self.field(&mut first, "events");
            self.buf.push(b'[');
            for (i, e) in s.events.iter().enumerate() {
                if i > 0 {
                    self.buf.push(b',');
                }
                self.event(e);
            }
            self.buf.push(b']');
        }
        self.dropped(&mut first, "droppedEventsCount", s.dropped_events_count);
        if !s.links.is_empty() {
            self.field(&mut first, "links");
            self.buf.push(b'[');
            for (i, l) in s.links.iter().enumerate() {
                if i > 0 {
                    self.buf.push(b',');
                }
                self.link(l);
            }
            self.buf.push(b']');
        }
        self.dropped(&mut first, "droppedLinksCount", s.dropped_links_count);
        let st = &s.status;
        let message = st.message.as_deref().filter(|m| !m.is_empty());
        if st.code != StatusCode::Unset || message.is_some() {
            self.field(&mut first, "status");
            self.buf.push(b'{');
            let mut f = true;
            if let Some(m) = message {
                self.str_field(&mut f, "message", m);
            }
            if st.code != StatusCode::Unset {
                self.field(&mut f, "code");
                if self.tempo {
                    self.string(if st.code == StatusCode::Ok {
                        "STATUS_CODE_OK"
                    } else {
                        "STATUS_CODE_ERROR"
                    });
                } else {
                    self.number(st.code.to_otlp() as u32);
                }
            }
            self.buf.push(b'}');
        }
        self.buf.push(b'}');
    }

    fn event(&mut self, e: &Event) {
        self.buf.push(b'{');
        let mut first = true;
        if e.time_ns != 0 {
            self.field(&mut first, "timeUnixNano");
            self.u64_string(e.time_ns);
        }
        if !e.name.is_empty() {
            self.str_field(&mut first, "name", &e.name);
        }
        if !e.attributes.is_empty() {
            self.field(&mut first, "attributes");
            self.attributes(&e.attributes, &[]);
        }
        self.dropped(
            &mut first,
            "droppedAttributesCount",
            e.dropped_attributes_count,
        );
        self.buf.push(b'}');
    }

    fn link(&mut self, l: &Link) {
        self.buf.push(b'{');
        let mut first = true;
        self.field(&mut first, "traceId");
        self.id(&l.trace_id.to_bytes());
        self.field(&mut first, "spanId");
        self.id(&l.span_id.to_bytes());
        if let Some(ts) = l.trace_state.as_deref().filter(|t| !t.is_empty()) {
            self.str_field(&mut first, "traceState", ts);
        }
        // A Jaeger reference type rides on the link as the Collector's translator marks it.
        let ref_type = match l.kind {
            RefKind::Link => None,
            RefKind::ChildOf => Some("child_of"),
            RefKind::FollowsFrom => Some("follows_from"),
        };
        let extra: Vec<(&str, Value)> = ref_type
            .map(|t| (REF_TYPE_KEY, Value::from(t)))
            .into_iter()
            .collect();
        if !l.attributes.is_empty() || !extra.is_empty() {
            self.field(&mut first, "attributes");
            self.attributes(&l.attributes, &extra);
        }
        self.dropped(
            &mut first,
            "droppedAttributesCount",
            l.dropped_attributes_count,
        );
        if l.flags != 0 {
            self.field(&mut first, "flags");
            self.number(l.flags);
        }
        self.buf.push(b'}');
    }

    fn attributes(&mut self, attrs: &[KeyValue], extra: &[(&str, Value)]) {
        self.buf.push(b'[');
        let mut n = 0;
        for kv in attrs {
            if n > 0 {
                self.buf.push(b',');
            }
            self.key_value(&kv.key, &kv.value, 0);
            n += 1;
        }
        for (k, v) in extra {
            if n > 0 {
                self.buf.push(b',');
            }
            self.key_value(k, v, 0);
            n += 1;
        }
        self.buf.push(b']');
    }

    fn key_value(&mut self, k: &str, v: &Value, depth: usize) {
        self.buf.extend_from_slice(b"{\"key\":");
        self.string(k);
        self.buf.extend_from_slice(b",\"value\":");
        self.value(v, depth);
        self.buf.push(b'}');
    }

    /// An `AnyValue`. Recursion is bounded by [`MAX_VALUE_DEPTH`].
    fn value(&mut self, v: &Value, depth: usize) {
        if depth >= MAX_VALUE_DEPTH && matches!(v, Value::Array(_) | Value::Map(_)) {
            self.deep = true;
            self.buf.extend_from_slice(b"{}");
            return;
        }
        match v {
            Value::Empty => self.buf.extend_from_slice(b"{}"),
            Value::Str(s) => {
                self.buf.extend_from_slice(b"{\"stringValue\":");
                self.string(s);
                self.buf.push(b'}');
            }
            Value::Bool(b) => {
                self.buf.extend_from_slice(if *b {
                    b"{\"boolValue\":true}"
                } else {
                    b"{\"boolValue\":false}"
                });
            }
            Value::Int(i) => {
                let _ = write!(self.buf, "{{\"intValue\":\"{i}\"}}");
            }
            Value::Double(d) => {
                self.buf.extend_from_slice(b"{\"doubleValue\":");
                if d.is_nan() {
                    self.raw("\"NaN\"");
                } else if d.is_infinite() {
                    self.raw(if *d > 0.0 {
                        "\"Infinity\""
                    } else {
                        "\"-Infinity\""
                    });
                } else {
                    // serde_json writes the shortest text that reads back as the same double.
                    let _ = serde_json::to_writer(&mut self.buf, d);
                }
                self.buf.push(b'}');
            }
            Value::Bytes(b) => {
                self.buf.extend_from_slice(b"{\"bytesValue\":\"");
                self.raw(&encode_base64(b));
                self.buf.extend_from_slice(b"\"}");
            }
            Value::Array(items) => {
                if items.is_empty() {
                    self.buf.extend_from_slice(b"{\"arrayValue\":{}}");
                    return;
                }
                self.buf.extend_from_slice(b"{\"arrayValue\":{\"values\":[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(b',');
                    }
                    self.value(item, depth + 1);
                }
                self.buf.extend_from_slice(b"]}}");
            }
            Value::Map(kvs) => {
                if kvs.is_empty() {
                    self.buf.extend_from_slice(b"{\"kvlistValue\":{}}");
                    return;
                }
                self.buf
                    .extend_from_slice(b"{\"kvlistValue\":{\"values\":[");
                for (i, kv) in kvs.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(b',');
                    }
                    self.key_value(&kv.key, &kv.value, depth + 1);
                }
                self.buf.extend_from_slice(b"]}}");
            }
        }
    }
}

#[cfg(test)]
mod tests;
