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
    let mut s = crate::model::testkit::span(2).trace(9).parent(1).build();
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
    ("[a-z]{0,4}", arb_attrs(), any::<u32>(), arb_opt_text()).prop_map(|(svc, attrs, d, url)| {
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
    })
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
            |((t, s, p, name, kind, code, msg), (st, en, fl, ts, attrs), (ev, li, da, de, dl))| {
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
