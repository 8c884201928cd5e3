//! OTLP protobuf writer: one `TracesData` per trace, each preceded by its length as a 4-byte
//! big-endian integer (the Collector file exporter's `format: proto` framing, formats.md §1.9).
//!
//! Spans are grouped into one `ResourceSpans` per distinct (resource, service) and one
//! `ScopeSpans` per distinct scope inside it, in first-seen order. OTLP carries every model
//! field except Jaeger reference types (links are written as plain links; a link that only
//! repeats the Jaeger parent reference is left out, the parent is `parent_span_id`) and the
//! Zipkin `shared` marker.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use prost::Message as _;

use crate::formats::TraceWriter;
use crate::formats::otlp_proto::pb;
use crate::formats::write::Notes;
use crate::model::{KeyValue, ParentRef, RefKind, Resource, Scope, Span, StatusCode, Trace, Value};

pub struct OtlpProtoWriter<'a> {
    out: &'a mut dyn Write,
    notes: Notes,
    buf: Vec<u8>,
}

impl<'a> OtlpProtoWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        OtlpProtoWriter {
            out,
            notes: Notes::default(),
            buf: Vec::new(),
        }
    }
}

impl TraceWriter for OtlpProtoWriter<'_> {
    fn write_trace(&mut self, trace: &Trace) -> io::Result<()> {
        let data = traces_data(&trace.spans, &mut self.notes);
        self.buf.clear();
        data.encode(&mut self.buf).map_err(io::Error::other)?;
        let len = u32::try_from(self.buf.len()).map_err(|_| {
            io::Error::other(format!(
                "trace {} is larger than 4 GiB as OTLP protobuf",
                trace.trace_id
            ))
        })?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(&self.buf)
    }

    fn finish(&mut self) -> io::Result<Vec<String>> {
        self.out.flush()?;
        Ok(self.notes.take())
    }
}

/// One resource group: the resource as written, and its scope groups.
struct ResGroup {
    resource: Arc<Resource>,
    service: Arc<str>,
    scopes: Vec<Arc<Scope>>,
    scope_by_ptr: HashMap<usize, usize>,
}

/// The `TracesData` for one trace's spans.
pub(crate) fn traces_data(spans: &[Span], notes: &mut Notes) -> pb::TracesData {
    let mut groups: Vec<ResGroup> = Vec::new();
    let mut out: Vec<pb::ResourceSpans> = Vec::new();
    let mut by_ptr: HashMap<(usize, Arc<str>), usize> = HashMap::new();
    for s in spans {
        let key = (Arc::as_ptr(&s.resource) as usize, s.service.clone());
        let gi = match by_ptr.get(&key) {
            Some(i) => *i,
            None => {
                let found = groups
                    .iter()
                    .position(|g| g.service == s.service && *g.resource == *s.resource);
                let i = found.unwrap_or_else(|| {
                    groups.push(ResGroup {
                        resource: s.resource.clone(),
                        service: s.service.clone(),
                        scopes: Vec::new(),
                        scope_by_ptr: HashMap::new(),
                    });
                    out.push(resource_spans(&s.resource, &s.service));
                    groups.len() - 1
                });
                by_ptr.insert(key, i);
                i
            }
        };
        let g = &mut groups[gi];
        let sp = Arc::as_ptr(&s.scope) as usize;
        let si = match g.scope_by_ptr.get(&sp) {
            Some(i) => *i,
            None => {
                let i = g
                    .scopes
                    .iter()
                    .position(|x| **x == *s.scope)
                    .unwrap_or_else(|| {
                        g.scopes.push(s.scope.clone());
                        out[gi].scope_spans.push(scope_spans(&s.scope));
                        g.scopes.len() - 1
                    });
                g.scope_by_ptr.insert(sp, i);
                i
            }
        };
        out[gi].scope_spans[si].spans.push(span(s, notes));
    }
    pb::TracesData {
        resource_spans: out,
    }
}

fn resource_spans(r: &Resource, service: &str) -> pb::ResourceSpans {
    let mut attributes = attrs(&r.attributes);
    // The span's service is the resource's `service.name`; keep them one.
    if !service.is_empty() {
        let value = Some(any_value(&Value::Str(service.into())));
        match attributes
            .iter_mut()
            .find(|kv| kv.key == "service.name".as_bytes())
        {
            Some(kv) => kv.value = value,
            None => attributes.insert(
                0,
                pb::KeyValue {
                    key: "service.name".into(),
                    value,
                },
            ),
        }
    }
    pb::ResourceSpans {
        resource: Some(pb::Resource {
            attributes,
            dropped_attributes_count: r.dropped_attributes_count,
        }),
        scope_spans: Vec::new(),
        schema_url: opt_text(r.schema_url.as_deref()),
        instrumentation_library_spans: Vec::new(),
    }
}

fn scope_spans(s: &Scope) -> pb::ScopeSpans {
    pb::ScopeSpans {
        scope: Some(pb::InstrumentationScope {
            name: text(&s.name),
            version: opt_text(s.version.as_deref()),
            attributes: attrs(&s.attributes),
            dropped_attributes_count: s.dropped_attributes_count,
        }),
        spans: Vec::new(),
        schema_url: opt_text(s.schema_url.as_deref()),
    }
}

fn id_bytes<const N: usize>(zero: bool, b: [u8; N]) -> pb::Bytes {
    if zero {
        pb::Bytes::new()
    } else {
        pb::Bytes::copy_from_slice(&b)
    }
}

fn text(s: &str) -> pb::Bytes {
    pb::Bytes::copy_from_slice(s.as_bytes())
}

fn opt_text(s: Option<&str>) -> pb::Bytes {
    s.map_or_else(pb::Bytes::new, text)
}

fn span(s: &Span, notes: &mut Notes) -> pb::Span {
    // A Jaeger parent reference is the parent id here, not also a link.
    let parent_link = match (s.parent_ref, s.parent_span_id) {
        (ParentRef::ChildOf, Some(p)) => s
            .links
            .iter()
            .position(|l| l.kind == RefKind::ChildOf && l.trace_id == s.trace_id && l.span_id == p),
        (ParentRef::FollowsFrom, Some(p)) => s.links.iter().position(|l| {
            l.kind == RefKind::FollowsFrom && l.trace_id == s.trace_id && l.span_id == p
        }),
        _ => None,
    };
    let links = s
        .links
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != parent_link)
        .map(|(_, l)| {
            if l.kind != RefKind::Link {
                notes.add(
                    "otlp-proto: Jaeger CHILD_OF/FOLLOWS_FROM references written as plain links",
                );
            }
            pb::Link {
                trace_id: id_bytes(l.trace_id.is_zero(), l.trace_id.to_bytes()),
                span_id: id_bytes(l.span_id.is_zero(), l.span_id.to_bytes()),
                trace_state: opt_text(l.trace_state.as_deref()),
                attributes: attrs(&l.attributes),
                dropped_attributes_count: l.dropped_attributes_count,
                flags: l.flags,
            }
        })
        .collect();
    if s.shared {
        notes.add("otlp-proto: Zipkin shared-span markers are not carried");
    }
    let parent = s.parent_span_id.unwrap_or_default();
    pb::Span {
        trace_id: id_bytes(s.trace_id.is_zero(), s.trace_id.to_bytes()),
        span_id: id_bytes(s.span_id.is_zero(), s.span_id.to_bytes()),
        trace_state: opt_text(s.trace_state.as_deref()),
        parent_span_id: id_bytes(parent.is_zero(), parent.to_bytes()),
        name: text(&s.name),
        kind: s.kind.to_otlp(),
        start_time_unix_nano: s.start_ns,
        end_time_unix_nano: s.end_ns,
        attributes: attrs(&s.attributes),
        dropped_attributes_count: s.dropped_attributes_count,
        events: s
            .events
            .iter()
            .map(|e| pb::Event {
                time_unix_nano: e.time_ns,
                name: text(&e.name),
                attributes: attrs(&e.attributes),
                dropped_attributes_count: e.dropped_attributes_count,
            })
            .collect(),
        dropped_events_count: s.dropped_events_count,
        links,
        dropped_links_count: s.dropped_links_count,
        status: (s.status.code != StatusCode::Unset || s.status.message.is_some()).then(|| {
            pb::Status {
                message: opt_text(s.status.message.as_deref()),
                code: s.status.code.to_otlp(),
            }
        }),
        flags: s.flags,
    }
}

fn attrs(kvs: &[KeyValue]) -> Vec<pb::KeyValue> {
    kvs.iter()
        .map(|kv| pb::KeyValue {
            key: text(&kv.key),
            value: Some(any_value(&kv.value)),
        })
        .collect()
}

fn any_value(v: &Value) -> pb::AnyValue {
    use pb::any_value::Value as V;
    let value = match v {
        Value::Empty => None,
        Value::Str(s) => Some(V::StringValue(text(s))),
        Value::Bool(b) => Some(V::BoolValue(*b)),
        Value::Int(i) => Some(V::IntValue(*i)),
        Value::Double(d) => Some(V::DoubleValue(*d)),
        Value::Bytes(b) => Some(V::BytesValue(pb::Bytes::copy_from_slice(b))),
        Value::Array(a) => Some(V::ArrayValue(pb::ArrayValue {
            values: a.iter().map(any_value).collect(),
        })),
        Value::Map(m) => Some(V::KvlistValue(pb::KeyValueList { values: attrs(m) })),
    };
    pb::AnyValue { value }
}

#[cfg(test)]
pub(crate) mod tests;

/// Read throughput on a large generated file: `cargo test --release --lib throughput -- --ignored --nocapture`
/// (size with `TRACEKIT_BENCH_MB`, default 100).
#[cfg(test)]
mod throughput;
