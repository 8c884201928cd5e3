use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use super::*;
use crate::formats::jaeger_thrift::read::{read, read_message};
use crate::formats::jaeger_thrift::thrift::Decoder;
use crate::formats::otlp_proto::read::tests::{run_with, sample};
use crate::formats::otlp_proto::write::tests::{
    arb_double, assert_same_spans, group, read_ok, write,
};
use crate::model::{Event, Link, ParentRef, Scope, SpanId, Status, TraceId};

fn bins() -> Vec<Vec<u8>> {
    (1..=3)
        .map(|i| {
            sample(&format!(
                "generated/jaeger-thrift/jaeger-client-udp-emitBatch-{i}.bin"
            ))
        })
        .collect()
}

fn write_thrift(traces: &[Trace]) -> (Vec<u8>, Vec<String>) {
    let mut out = Vec::new();
    let notes = write(&mut JaegerThriftWriter::new(&mut out), traces);
    (out, notes)
}

#[test]
fn encoder_reproduces_jaeger_client_bytes() {
    for b in bins() {
        let mut d = Decoder::new(&b, Protocol::Compact);
        let (name, batch) = read_message(&mut d).unwrap();
        assert_eq!(name, "emitBatch");
        assert_eq!(d.remaining(), 0);
        // Every datagram has sequence id 1 (byte 2).
        assert_eq!(b[2], 1);
        assert_eq!(encode_emit_batch(&batch.unwrap(), Protocol::Compact, 1), b);
    }
}

#[test]
fn binary_protocol_reads_the_same() {
    let mut binary = Vec::new();
    let mut compact_spans = Vec::new();
    for b in bins() {
        compact_spans.extend(read_ok(read, &b));
        let (_, batch) = read_message(&mut Decoder::new(&b, Protocol::Compact)).unwrap();
        let bytes = encode_emit_batch(&batch.unwrap(), Protocol::Binary, 7);
        assert_eq!(&bytes[..4], &[0x80, 0x01, 0x00, 0x04]);
        binary.extend(bytes);
    }
    assert_eq!(read_ok(read, &binary), compact_spans);
}

#[test]
fn samples_round_trip() {
    let spans: Vec<Span> = bins().iter().flat_map(|b| read_ok(read, b)).collect();
    let traces = group(spans.clone());
    assert_eq!(traces.len(), 2);
    let (bytes, notes) = write_thrift(&traces);
    assert!(notes.is_empty(), "{notes:?}");
    // One message per (trace, service): 3 services in each of the 2 traces.
    let seq_ids: Vec<u8> = bytes
        .windows(13)
        .filter(|w| w[..2] == [0x82, 0x81] && &w[3..] == b"\x09emitBatch")
        .map(|w| w[2])
        .collect();
    assert_eq!(seq_ids, [1, 2, 3, 4, 5, 6]);
    assert_same_spans(&read_ok(read, &bytes), &spans);
}

#[test]
fn big_batches_are_split_into_datagrams() {
    // 300 spans of one service, each with a 1000-byte tag: about 300 KB in all.
    let resource = Arc::new(Resource {
        attributes: vec![KeyValue::new("service.name", Value::from("svc"))],
        ..Resource::default()
    });
    let spans: Vec<Span> = (1..=300u64)
        .map(|i| {
            let mut s = Span::new(TraceId(1), SpanId(i));
            s.service = Arc::from("svc");
            s.resource = resource.clone();
            s.attributes = vec![KeyValue::new("blob", Value::from("x".repeat(1000)))];
            s
        })
        .collect();
    let (bytes, notes) = write_thrift(&[Trace {
        trace_id: TraceId(1),
        spans: spans.clone(),
    }]);
    assert!(notes.is_empty());
    let mut d = Decoder::new(&bytes, Protocol::Compact);
    let mut sizes = Vec::new();
    while d.remaining() > 0 {
        let before = d.pos();
        read_message(&mut d).unwrap();
        sizes.push(d.pos() - before);
    }
    assert!(sizes.len() >= 5, "{sizes:?}");
    assert!(sizes.iter().all(|n| *n <= MAX_DATAGRAM), "{sizes:?}");
    assert_same_spans(&read_ok(read, &bytes), &spans);
}

#[test]
fn what_jaeger_cannot_carry_is_noted() {
    let mut s = crate::model::testkit::span(2)
        .start_ns(1_500)
        .end_ns(3_000)
        .build();
    s.attributes = vec![KeyValue::new("a", Value::Array(vec![Value::Int(1)].into()))];
    s.links = vec![Link {
        trace_id: TraceId(5),
        span_id: SpanId(6),
        kind: RefKind::Link,
        trace_state: Some("k=v".into()),
        attributes: vec![],
        dropped_attributes_count: 0,
        flags: 0x300,
    }];
    s.flags = 0x301;
    let (bytes, notes) = write_thrift(&[Trace {
        trace_id: TraceId(1),
        spans: vec![s],
    }]);
    assert_eq!(
        notes,
        [
            "jaeger-thrift: span links written as FOLLOWS_FROM references",
            "jaeger-thrift: link attributes, trace state and flags are not carried",
            "jaeger-thrift: span flags above bit 7 (parent-is-remote) are not carried",
            "jaeger-thrift: times truncated to microseconds (sub-µs parts dropped)",
            "jaeger-thrift: array and map attribute values written as JSON strings",
        ]
    );
    let back = read_ok(read, &bytes);
    let b = &back[0];
    // start 1.5 µs → 1 µs; end 3 µs; duration = 3 − 1 = 2 µs.
    assert_eq!((b.start_ns, b.end_ns), (1_000, 3_000));
    assert_eq!(b.flags, 1);
    assert_eq!(b.attributes, vec![KeyValue::new("a", Value::from("[1]"))]);
    assert_eq!(b.links[0].kind, RefKind::FollowsFrom);
    // The link is in another trace, so it is not the parent.
    assert_eq!(b.parent_span_id, None);
}

// ---- property tests ----------------------------------------------------------------------

const MOVED: [&str; 10] = [
    "span.kind",
    "error",
    "event",
    "otel.status_code",
    "otel.status_description",
    "otel.scope.name",
    "otel.scope.version",
    "otel.library.name",
    "otel.library.version",
    "w3c.tracestate",
];

fn arb_key() -> impl Strategy<Value = Arc<str>> {
    "[a-z]{1,6}(\\.[a-z]{1,8})?"
        .prop_filter("not a tag the model moves", |k| {
            !MOVED.contains(&k.as_str()) && k != "service.name"
        })
        .prop_map(|s| Arc::from(s.as_str()))
}

/// The value types a Jaeger tag has.
fn arb_tags() -> impl Strategy<Value = Vec<KeyValue>> {
    let value = prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        arb_double().prop_map(Value::Double),
        vec(any::<u8>(), 0..6).prop_map(|b| Value::Bytes(b.into())),
    ];
    vec(
        (arb_key(), value).prop_map(|(key, value)| KeyValue { key, value }),
        0..4,
    )
}

fn us() -> impl Strategy<Value = u64> {
    (0..1u64 << 50).prop_map(|u| u * 1000)
}

fn plain(trace_id: TraceId, span_id: SpanId, kind: RefKind) -> Link {
    Link {
        trace_id,
        span_id,
        kind,
        trace_state: None,
        attributes: vec![],
        dropped_attributes_count: 0,
        flags: 0,
    }
}

/// A span as the Jaeger reader makes them: the parent reference is the first link.
fn arb_span() -> impl Strategy<Value = Span> {
    (
        (
            any::<u128>(),
            any::<u64>(),
            option::of((any::<bool>(), 1..=u64::MAX)),
            any::<String>(),
            0..6i64,
        ),
        (
            0..3i64,
            option::of("[ -~]{1,10}"),
            us(),
            us(),
            0..=255u32,
            option::of("[a-z]=[0-9]{1,3}"),
        ),
        (arb_tags(), vec((us(), "[a-z.]{0,6}", arb_tags()), 0..3)),
        vec((any::<bool>(), any::<u64>(), any::<u64>()), 0..3),
    )
        .prop_map(
            |(
                (t, s, parent, name, kind),
                (code, msg, st, en, flags, ts),
                (attrs, events),
                refs,
            )| {
                let trace_id = TraceId(t);
                let mut span = Span::new(trace_id, SpanId(s));
                if let Some((child_of, p)) = parent {
                    span.parent_span_id = Some(SpanId(p));
                    let kind = if child_of {
                        RefKind::ChildOf
                    } else {
                        RefKind::FollowsFrom
                    };
                    span.parent_ref = if child_of {
                        ParentRef::ChildOf
                    } else {
                        ParentRef::FollowsFrom
                    };
                    span.links.push(plain(trace_id, SpanId(p), kind));
                }
                // Other references point into other traces, so they never become the parent.
                for (child_of, hi, sid) in refs {
                    let other = TraceId::from_parts(hi, (t as u64).wrapping_add(1));
                    let kind = if child_of {
                        RefKind::ChildOf
                    } else {
                        RefKind::FollowsFrom
                    };
                    span.links.push(plain(other, SpanId(sid), kind));
                }
                span.name = Arc::from(name.as_str());
                span.kind = SpanKind::from_otlp(kind).unwrap();
                span.status = Status {
                    code: StatusCode::from_otlp(code).unwrap(),
                    message: msg.map(String::into_boxed_str),
                };
                span.start_ns = st;
                span.end_ns = en;
                span.flags = flags;
                span.trace_state = ts.map(String::into_boxed_str);
                span.attributes = attrs;
                span.events = events
                    .into_iter()
                    .map(|(time_ns, name, attributes)| Event {
                        time_ns,
                        name: Arc::from(name.as_str()),
                        attributes,
                        dropped_attributes_count: 0,
                    })
                    .collect();
                span
            },
        )
}

fn arb_process() -> impl Strategy<Value = (Arc<str>, Arc<Resource>)> {
    ("[a-z-]{0,6}", arb_tags()).prop_map(|(svc, tags)| {
        let mut attributes = Vec::new();
        if !svc.is_empty() {
            attributes.push(KeyValue::new("service.name", Value::from(svc.as_str())));
        }
        attributes.extend(tags);
        (
            Arc::from(svc.as_str()),
            Arc::new(Resource {
                attributes,
                ..Resource::default()
            }),
        )
    })
}

fn arb_scope() -> impl Strategy<Value = Arc<Scope>> {
    prop_oneof![
        Just(Arc::new(Scope::default())),
        ("[a-z.]{0,6}", option::of("[0-9.]{1,5}")).prop_map(|(n, v)| Arc::new(Scope {
            name: Arc::from(n.as_str()),
            version: v.map(String::into_boxed_str),
            ..Scope::default()
        })),
    ]
}

fn arb_trace() -> impl Strategy<Value = Trace> {
    (
        vec(arb_process(), 1..3),
        vec(arb_scope(), 1..3),
        vec((any::<usize>(), any::<usize>(), arb_span()), 1..6),
    )
        .prop_map(|(procs, scopes, spans)| {
            let spans: Vec<Span> = spans
                .into_iter()
                .map(|(p, s, mut span)| {
                    let (svc, res) = &procs[p % procs.len()];
                    span.service = svc.clone();
                    span.resource = res.clone();
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
    fn model_write_read_keeps_what_jaeger_carries(traces in vec(arb_trace(), 1..3)) {
        let (bytes, notes) = write_thrift(&traces);
        prop_assert!(notes.is_empty(), "{:?}", notes);
        let want: Vec<Span> = traces.iter().flat_map(|t| t.spans.clone()).collect();
        assert_same_spans(&read_ok(read, &bytes), &want);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..600), head in 0..4u8) {
        let mut input: Vec<u8> = match head {
            0 => vec![],
            1 => b"\x82\x81\x01\x09emitBatch".to_vec(),
            2 => b"\x80\x01\x00\x04\x00\x00\x00\x09emitBatch\x00\x00\x00\x01".to_vec(),
            _ => b"[{\"message\":\"emitBatch\",\"batch\":".to_vec(),
        };
        input.extend(bytes);
        let _ = run_with(read, &input, 64);
    }

    #[test]
    fn mutated_messages_never_panic(
        trace in arb_trace(),
        binary in any::<bool>(),
        edits in vec((any::<usize>(), any::<u8>(), 0..3u8), 1..6),
    ) {
        let (mut bytes, _) = write_thrift(&[trace]);
        if binary {
            let mut d = Decoder::new(&bytes, Protocol::Compact);
            let (_, batch) = read_message(&mut d).unwrap();
            bytes = encode_emit_batch(&batch.unwrap(), Protocol::Binary, 1);
        }
        for (at, b, how) in edits {
            let i = at % bytes.len();
            match how {
                0 => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ => { bytes.remove(i); }
            }
            if bytes.is_empty() { break; }
        }
        let _ = run_with(read, &bytes, 64);
    }

    #[test]
    fn mutated_json_dump_never_panics(at in any::<usize>(), b in any::<u8>()) {
        let mut bytes = sample("generated/jaeger-thrift/jaeger-client-emitBatch-decoded.json");
        let i = at % bytes.len();
        bytes[i] = b;
        let _ = run_with(read, &bytes, 64);
    }
}
