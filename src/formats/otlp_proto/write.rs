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
pub(crate) mod tests {
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    use super::*;
    use crate::formats::otlp_proto::read::tests::{run_with, sample};
    use crate::model::{Event, Link, SpanId, SpanKind, Status, TraceId, TraceSet};

    /// Read bytes with a reader, panicking on errors or warnings.
    pub(crate) fn read_ok(
        reader: fn(
            &mut dyn std::io::BufRead,
            &mut crate::formats::ReadCtx<'_>,
        ) -> Result<(), crate::formats::InputError>,
        bytes: &[u8],
    ) -> Vec<Span> {
        let o = run_with(reader, bytes, 4096);
        o.result.unwrap();
        assert!(o.warnings.is_empty(), "{:?}", o.warnings);
        o.spans
    }

    pub(crate) fn group(spans: Vec<Span>) -> Vec<Trace> {
        let mut set = TraceSet::new();
        set.extend(spans);
        set.into_traces()
    }

    pub(crate) fn write(w: &mut dyn TraceWriter, traces: &[Trace]) -> Vec<String> {
        for t in traces {
            w.write_trace(t).unwrap();
        }
        w.finish().unwrap()
    }

    pub(crate) fn write_proto(traces: &[Trace]) -> (Vec<u8>, Vec<String>) {
        let mut out = Vec::new();
        let notes = write(&mut OtlpProtoWriter::new(&mut out), traces);
        (out, notes)
    }

    /// Same spans, in any order (writers group spans by resource and scope).
    pub(crate) fn assert_same_spans(got: &[Span], want: &[Span]) {
        assert_eq!(got.len(), want.len());
        let mut left: Vec<&Span> = want.iter().collect();
        for g in got {
            let i = left
                .iter()
                .position(|w| *w == g)
                .unwrap_or_else(|| panic!("unexpected span {g:#?}\nleft: {left:#?}"));
            left.swap_remove(i);
        }
    }

    fn read_proto(bytes: &[u8]) -> Vec<Span> {
        read_ok(crate::formats::otlp_proto::read::read, bytes)
    }

    #[test]
    fn samples_round_trip() {
        for f in [
            "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
            "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
            "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb",
        ] {
            let spans = read_proto(&sample(f));
            let traces = group(spans.clone());
            let (bytes, notes) = write_proto(&traces);
            assert!(notes.is_empty(), "{notes:?}");
            assert_same_spans(&read_proto(&bytes), &spans);
        }
    }

    #[test]
    fn framing_is_one_traces_data_per_trace() {
        let a = sample("otlp-protobuf_TracesData_from-otel-proto-example.binpb");
        let b = sample("otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb");
        let mut spans = read_proto(&a);
        spans.extend(read_proto(&b));
        let traces = group(spans);
        assert_eq!(traces.len(), 2);
        let (bytes, _) = write_proto(&traces);
        // Walk the frames by hand: 4-byte big-endian length, then a message starting 0x0a.
        let mut at = 0;
        let mut frames = 0;
        while at < bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            assert_eq!(bytes[at + 4], 0x0a);
            let td = pb::TracesData::decode(&bytes[at + 4..at + 4 + len]).unwrap();
            // Trace 2 (4 spans from 4 frames of one resource, scopes "ohboy" twice then
            // "widgets" twice) becomes one ResourceSpans with two ScopeSpans.
            let n: usize = td
                .resource_spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum();
            assert_eq!(n, if frames == 0 { 1 } else { 4 });
            if frames == 1 {
                assert_eq!(td.resource_spans.len(), 1);
                let scopes = &td.resource_spans[0].scope_spans;
                let names: Vec<(&str, usize)> = scopes
                    .iter()
                    .map(|s| {
                        (
                            std::str::from_utf8(&s.scope.as_ref().unwrap().name).unwrap(),
                            s.spans.len(),
                        )
                    })
                    .collect();
                assert_eq!(names, [("ohboy", 2), ("widgets", 2)]);
            }
            at += 4 + len;
            frames += 1;
        }
        assert_eq!(frames, 2);
    }

    #[test]
    fn jaeger_references_and_service() {
        let mut s = Span::new(TraceId(9), SpanId(2));
        s.parent_span_id = Some(SpanId(1));
        s.parent_ref = ParentRef::FollowsFrom;
        let l = |kind, id| Link {
            trace_id: TraceId(9),
            span_id: SpanId(id),
            kind,
            trace_state: None,
            attributes: vec![],
            dropped_attributes_count: 0,
            flags: 0,
        };
        s.links = vec![l(RefKind::ChildOf, 7), l(RefKind::FollowsFrom, 1)];
        s.service = Arc::from("svc");
        s.shared = true;
        let (bytes, notes) = write_proto(&[Trace {
            trace_id: TraceId(9),
            spans: vec![s],
        }]);
        assert_eq!(
            notes,
            [
                "otlp-proto: Jaeger CHILD_OF/FOLLOWS_FROM references written as plain links",
                "otlp-proto: Zipkin shared-span markers are not carried"
            ]
        );
        let back = read_proto(&bytes);
        // The FOLLOWS_FROM parent is the parent id, not also a link; the other is a link.
        assert_eq!(back[0].parent_span_id, Some(SpanId(1)));
        assert_eq!(back[0].links, vec![l(RefKind::Link, 7)]);
        // The service went into the resource.
        assert_eq!(&*back[0].service, "svc");
        assert_eq!(
            back[0].resource.attributes,
            vec![KeyValue::new("service.name", Value::from("svc"))]
        );
    }

    // ---- property tests ----------------------------------------------------------------------

    pub(crate) fn arb_text() -> impl Strategy<Value = String> {
        prop_oneof![3 => "[a-z./ ]{0,8}", 1 => any::<String>()]
    }

    pub(crate) fn arb_opt_text() -> impl Strategy<Value = Option<Box<str>>> {
        option::of("[a-z=,]{1,8}".prop_map(String::into_boxed_str))
    }

    fn arb_key() -> impl Strategy<Value = Arc<str>> {
        "[a-z]{1,6}(\\.[a-z]{1,6})?".prop_map(|s| Arc::from(s.as_str()))
    }

    pub(crate) fn arb_double() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("comparable", |d| !d.is_nan())
    }

    pub(crate) fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Empty),
            arb_text().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            arb_double().prop_map(Value::Double),
            vec(any::<u8>(), 0..6).prop_map(|b| Value::Bytes(b.into())),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..3).prop_map(|v| Value::Array(v.into())),
                vec((arb_key(), inner), 0..3).prop_map(|v| Value::Map(
                    v.into_iter()
                        .map(|(k, v)| KeyValue { key: k, value: v })
                        .collect()
                )),
            ]
        })
    }

    fn arb_attrs() -> impl Strategy<Value = Vec<KeyValue>> {
        vec(
            (arb_key(), arb_value()).prop_map(|(key, value)| KeyValue { key, value }),
            0..4,
        )
    }

    fn arb_event() -> impl Strategy<Value = Event> {
        (any::<u64>(), arb_text(), arb_attrs(), any::<u32>()).prop_map(|(t, n, a, d)| Event {
            time_ns: t,
            name: Arc::from(n.as_str()),
            attributes: a,
            dropped_attributes_count: d,
        })
    }

    fn arb_link() -> impl Strategy<Value = Link> {
        (
            any::<u128>(),
            any::<u64>(),
            arb_opt_text(),
            arb_attrs(),
            any::<u32>(),
            any::<u32>(),
        )
            .prop_map(|(t, s, ts, a, d, f)| Link {
                trace_id: TraceId(t),
                span_id: SpanId(s),
                kind: RefKind::Link,
                trace_state: ts,
                attributes: a,
                dropped_attributes_count: d,
                flags: f,
            })
    }

    /// (service, resource) pairs whose `service.name` is the service.
    fn arb_resource() -> impl Strategy<Value = (Arc<str>, Arc<Resource>)> {
        ("[a-z]{0,4}", arb_attrs(), any::<u32>(), arb_opt_text()).prop_map(
            |(svc, attrs, d, url)| {
                let mut attributes = Vec::new();
                if !svc.is_empty() {
                    attributes.push(KeyValue::new("service.name", Value::from(svc.as_str())));
                }
                attributes.extend(attrs.into_iter().filter(|kv| &*kv.key != "service.name"));
                let r = Resource {
                    attributes,
                    dropped_attributes_count: d,
                    schema_url: url,
                };
                (Arc::from(svc.as_str()), Arc::new(r))
            },
        )
    }

    fn arb_scope() -> impl Strategy<Value = Arc<Scope>> {
        (
            arb_text(),
            arb_opt_text(),
            arb_attrs(),
            any::<u32>(),
            arb_opt_text(),
        )
            .prop_map(|(n, v, a, d, u)| {
                Arc::new(Scope {
                    name: Arc::from(n.as_str()),
                    version: v,
                    attributes: a,
                    dropped_attributes_count: d,
                    schema_url: u,
                })
            })
    }

    fn arb_span() -> impl Strategy<Value = Span> {
        (
            (
                any::<u128>(),
                any::<u64>(),
                option::of(1..=u64::MAX),
                arb_text(),
                0..6i64,
                0..3i64,
                arb_opt_text(),
            ),
            (
                any::<u64>(),
                any::<u64>(),
                any::<u32>(),
                arb_opt_text(),
                arb_attrs(),
            ),
            (
                vec(arb_event(), 0..3),
                vec(arb_link(), 0..3),
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
            ),
        )
            .prop_map(
                |(
                    (t, s, p, name, kind, code, msg),
                    (st, en, fl, ts, attrs),
                    (ev, li, da, de, dl),
                )| {
                    let mut span = Span::new(TraceId(t), SpanId(s));
                    span.parent_span_id = p.map(SpanId);
                    span.name = Arc::from(name.as_str());
                    span.kind = SpanKind::from_otlp(kind).unwrap();
                    span.status = Status {
                        code: StatusCode::from_otlp(code).unwrap(),
                        message: msg,
                    };
                    span.start_ns = st;
                    span.end_ns = en;
                    span.flags = fl;
                    span.trace_state = ts;
                    span.attributes = attrs;
                    span.events = ev;
                    span.links = li;
                    span.dropped_attributes_count = da;
                    span.dropped_events_count = de;
                    span.dropped_links_count = dl;
                    span
                },
            )
    }

    /// A trace whose spans share a few resources and scopes.
    fn arb_trace() -> impl Strategy<Value = Trace> {
        (
            vec(arb_resource(), 1..3),
            vec(arb_scope(), 1..3),
            vec((any::<usize>(), any::<usize>(), arb_span()), 1..6),
        )
            .prop_map(|(res, scopes, spans)| {
                let spans: Vec<Span> = spans
                    .into_iter()
                    .map(|(r, s, mut span)| {
                        let (svc, resource) = &res[r % res.len()];
                        span.service = svc.clone();
                        span.resource = resource.clone();
                        span.scope = scopes[s % scopes.len()].clone();
                        span
                    })
                    .collect();
                Trace {
                    trace_id: spans[0].trace_id,
                    spans,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn model_write_read_keeps_every_field(traces in vec(arb_trace(), 1..3)) {
            let (bytes, notes) = write_proto(&traces);
            prop_assert!(notes.is_empty());
            let want: Vec<Span> = traces.iter().flat_map(|t| t.spans.clone()).collect();
            assert_same_spans(&read_proto(&bytes), &want);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..600), framed in any::<bool>()) {
            let mut input = Vec::new();
            if framed {
                input.extend((bytes.len() as u32).to_be_bytes());
            }
            input.extend(bytes);
            let _ = run_with(crate::formats::otlp_proto::read::read, &input, 64);
        }

        #[test]
        fn mutated_messages_never_panic(
            trace in arb_trace(),
            edits in vec((any::<usize>(), any::<u8>(), 0..3u8), 1..6),
            cut in any::<usize>(),
        ) {
            let (mut bytes, _) = write_proto(&[trace]);
            for (at, b, how) in edits {
                let i = at % bytes.len();
                match how {
                    0 => bytes[i] = b,
                    1 => bytes.insert(i, b),
                    _ => { bytes.remove(i); }
                }
                if bytes.is_empty() { break; }
            }
            let keep = bytes.len() - cut % (bytes.len() / 4 + 1);
            bytes.truncate(keep);
            let _ = run_with(crate::formats::otlp_proto::read::read, &bytes, 64);
            // And as a bare message (without the frame header).
            if bytes.len() > 4 {
                let _ = run_with(crate::formats::otlp_proto::read::read, &bytes[4..], 64);
            }
        }
    }
}

/// Read throughput on a large generated file: `cargo test --release --lib throughput -- --ignored --nocapture`
/// (size with `TRACEKIT_BENCH_MB`, default 100).
#[cfg(test)]
mod throughput {
    use std::io::{BufReader, BufWriter};
    use std::time::Instant;

    use super::*;
    use crate::formats::{Format, ReadCtx, read_format};
    use crate::model::{Event, SpanId, SpanKind, StatusCode, TraceId};

    fn synthetic_trace(
        n: u64,
        resources: &[(Arc<str>, Arc<Resource>)],
        scope: &Arc<Scope>,
    ) -> Trace {
        let trace_id =
            TraceId(u128::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835) | 1);
        let spans = (0..20u64)
            .map(|i| {
                let mut s = Span::new(trace_id, SpanId(n * 100 + i + 1));
                s.parent_span_id = (i > 0).then(|| SpanId(n * 100 + i / 2 + 1));
                let (svc, res) = &resources[(i % resources.len() as u64) as usize];
                s.service = svc.clone();
                s.resource = res.clone();
                s.scope = scope.clone();
                s.name = Arc::from(format!("GET /api/v1/items/{}", i % 7).as_str());
                s.kind = if i % 2 == 0 {
                    SpanKind::Server
                } else {
                    SpanKind::Client
                };
                s.start_ns = 1_700_000_000_000_000_000 + n * 1_000_000 + i * 1000;
                s.end_ns = s.start_ns + 123_456 + i;
                s.flags = 0x301;
                if i == 3 {
                    s.status.code = StatusCode::Error;
                    s.status.message = Some("boom".into());
                }
                s.attributes = vec![
                    KeyValue::new("http.method", Value::from("GET")),
                    KeyValue::new("http.route", Value::from("/api/v1/items/{id}")),
                    KeyValue::new("http.status_code", Value::Int(200)),
                    KeyValue::new("net.peer.name", Value::from("backend.internal")),
                    KeyValue::new("net.peer.port", Value::Int(8080)),
                    KeyValue::new("user_agent.original", Value::from("python-requests/2.31.0")),
                    KeyValue::new("request.size", Value::Int(i64::try_from(n).unwrap_or(0))),
                    KeyValue::new("cache.hit", Value::Bool(i % 3 == 0)),
                ];
                s.events = vec![Event {
                    time_ns: s.start_ns + 10_000,
                    name: Arc::from("log"),
                    attributes: vec![KeyValue::new("message", Value::from("handled request"))],
                    dropped_attributes_count: 0,
                }];
                s
            })
            .collect();
        Trace { trace_id, spans }
    }

    /// CPU time of this thread (user + system), from /proc: the machine may be shared, so
    /// wall time alone says little.
    fn cpu_secs() -> f64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let after = stat.rsplit_once(") ").map_or("", |(_, r)| r);
        let f: Vec<f64> = after.split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
        // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name; 100 ticks/s.
        (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
    }

    fn measure(format: Format, path: &std::path::Path) -> (u64, f64, f64) {
        let mut spans = 0u64;
        let mut warnings = Vec::new();
        let cpu = cpu_secs();
        let started = Instant::now();
        {
            let mut sink = |b: Vec<Span>| spans += b.len() as u64;
            let mut ctx = ReadCtx {
                source: Arc::from("bench"),
                sink: &mut sink,
                warnings: &mut warnings,
            };
            let mut input =
                BufReader::with_capacity(256 * 1024, std::fs::File::open(path).unwrap());
            read_format(format, &mut input, &mut ctx).unwrap();
        }
        assert!(warnings.is_empty());
        (spans, started.elapsed().as_secs_f64(), cpu_secs() - cpu)
    }

    #[test]
    #[ignore = "slow: measures read throughput on a large generated file"]
    fn throughput() {
        let mb: u64 = std::env::var("TRACEKIT_BENCH_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        let resources: Vec<(Arc<str>, Arc<Resource>)> =
            ["frontend", "checkout", "inventory", "payments"]
                .iter()
                .map(|s| {
                    let attrs = vec![
                        KeyValue::new("service.name", Value::from(*s)),
                        KeyValue::new("host.name", Value::from("node-17.example")),
                        KeyValue::new("telemetry.sdk.language", Value::from("python")),
                        KeyValue::new("service.version", Value::from("1.4.2")),
                    ];
                    (
                        Arc::from(*s),
                        Arc::new(Resource {
                            attributes: attrs,
                            ..Resource::default()
                        }),
                    )
                })
                .collect();
        let scope = Arc::new(Scope {
            name: Arc::from("shop"),
            version: Some("0.1.0".into()),
            ..Scope::default()
        });
        let dir = tempfile::tempdir().unwrap();
        for (format, wf, name) in [
            (
                Format::OtlpProto,
                crate::formats::Format::OtlpProto,
                "big.pb",
            ),
            (
                Format::JaegerThrift,
                crate::formats::Format::JaegerThrift,
                "big.thrift",
            ),
        ] {
            let path = dir.path().join(name);
            {
                let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
                let mut w = crate::formats::writer(wf, &mut out);
                let mut n = 0;
                while n % 1000 != 0
                    || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) < mb << 20
                {
                    w.write_trace(&synthetic_trace(n, &resources, &scope))
                        .unwrap();
                    n += 1;
                }
                w.finish().unwrap();
            }
            let size = std::fs::metadata(&path).unwrap().len();
            // Warm the page cache, then measure.
            let _ = measure(format, &path);
            let (spans, secs, cpu) = measure(format, &path);
            let mb = size as f64 / 1e6;
            println!(
                "{}: {mb:.1} MB, {spans} spans; wall {secs:.2} s = {:.0} MB/s; cpu {cpu:.2} s = {:.0} MB/s, {:.2} M spans/s",
                format.name(),
                mb / secs,
                mb / cpu.max(0.01),
                spans as f64 / 1e6 / cpu.max(0.01)
            );
        }
    }
}
