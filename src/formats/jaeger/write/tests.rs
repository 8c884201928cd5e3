use super::*;
use crate::formats::ReadCtx;
use crate::model::testkit;
use crate::model::{Event, KeyValue, Link, ParentRef, Scope, SpanId, Status, TraceId};
use proptest::prelude::*;

fn write(traces: &[Trace]) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let notes = {
        let mut w = JaegerJsonWriter::new(&mut out);
        for t in traces {
            w.write_trace(t).unwrap();
        }
        w.finish().unwrap()
    };
    (String::from_utf8(out).unwrap(), notes)
}

fn read_back(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    {
        let mut sink = |b: Vec<Span>| spans.extend(b);
        let mut ctx = ReadCtx {
            source: Arc::from("rt"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        crate::formats::jaeger::read::read(&mut text.as_bytes(), &mut ctx).unwrap();
    }
    assert!(warnings.is_empty(), "{warnings:?}");
    spans
}

fn span(t: u128, id: u64) -> Span {
    testkit::span(id)
        .trace(t)
        .service("svc")
        .start_ns(1_000_000)
        .end_ns(3_000_000)
        .with(|s| {
            s.resource = Arc::new(Resource {
                attributes: vec![KeyValue::new("service.name", "svc".into())],
                ..Resource::default()
            })
        })
        .build()
}

#[test]
fn document_shape() {
    let (text, notes) = write(&[]);
    assert_eq!(text, "{\"data\":[]}\n");
    assert!(notes.is_empty());

    let mut s = span(0xabc, 1);
    s.attributes = vec![
        KeyValue::new("big", Value::Int(1 << 60)),
        KeyValue::new("small", Value::Int(-5)),
        KeyValue::new("arr", Value::Array(vec![Value::Int(1)].into())),
        KeyValue::new("raw", Value::Bytes(vec![1, 2, 3].into())),
        KeyValue::new("nan", Value::Double(f64::NAN)),
    ];
    s.kind = SpanKind::Client;
    s.status = Status {
        code: StatusCode::Error,
        message: Some("boom".into()),
    };
    let mut child = span(0xabc, 2);
    child.parent_span_id = Some(SpanId(1));
    child.start_ns = 1_000_500;
    child.flags = 0x301;
    child.links.push(Link {
        trace_id: TraceId(0xdef),
        span_id: SpanId(9),
        kind: RefKind::Link,
        trace_state: None,
        attributes: vec![],
        dropped_attributes_count: 0,
        flags: 0,
    });
    let trace = Trace {
        trace_id: TraceId(0xabc),
        spans: vec![s, child],
    };
    let (text, notes) = write(&[trace]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t = &doc["data"][0];
    assert_eq!(t["traceID"], "0000000000000abc");
    assert_eq!(t["processes"]["p1"]["serviceName"], "svc");
    assert_eq!(t["processes"]["p1"]["tags"], serde_json::json!([]));
    let s0 = &t["spans"][0];
    assert_eq!(s0["startTime"], 1000);
    assert_eq!(s0["duration"], 2000);
    assert_eq!(
        s0["tags"][0],
        serde_json::json!({"key":"big","type":"int64","value":"1152921504606846976"})
    );
    assert_eq!(
        s0["tags"][1],
        serde_json::json!({"key":"small","type":"int64","value":-5})
    );
    assert_eq!(
        s0["tags"][2],
        serde_json::json!({"key":"arr","type":"string","value":"[1]"})
    );
    assert_eq!(
        s0["tags"][3],
        serde_json::json!({"key":"raw","type":"binary","value":"AQID"})
    );
    assert_eq!(
        s0["tags"][4],
        serde_json::json!({"key":"nan","type":"float64","value":"NaN"})
    );
    assert_eq!(
        s0["tags"][5],
        serde_json::json!({"key":"span.kind","type":"string","value":"client"})
    );
    assert_eq!(
        s0["tags"][6],
        serde_json::json!({"key":"error","type":"bool","value":true})
    );
    let s1 = &t["spans"][1];
    assert_eq!(s1["flags"], 1);
    assert_eq!(s1["startTime"], 1000);
    assert_eq!(
        s1["references"],
        serde_json::json!([
            {"refType":"CHILD_OF","traceID":"0000000000000abc","spanID":"0000000000000001"},
            {"refType":"FOLLOWS_FROM","traceID":"0000000000000def","spanID":"0000000000000009"}
        ])
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("truncated to whole microseconds")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("FOLLOWS_FROM")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("remote-parent")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.contains("array, map")), "{notes:?}");
    // One note per kind, however often it applies.
    let mut sorted = notes.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), notes.len());

    let back = read_back(&text);
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].attr("big"), Some(&Value::Int(1 << 60)));
    assert_eq!(
        back[0].status,
        Status {
            code: StatusCode::Error,
            message: Some("boom".into())
        }
    );
    assert_eq!(back[1].parent_span_id, Some(SpanId(1)));
    assert_eq!(back[1].parent_ref, ParentRef::ChildOf);
}

#[test]
fn samples_round_trip() {
    for name in [
        "jaeger-ui-json_trace-object_ui_01.json",
        "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
        "generated/backend-responses/victoriatraces/traces-0cb0f836124d98d806e10d0ea1575e6a.json",
        "generated/backend-responses/victoriatraces/traces-00000000000000003241afc70b0e852d.json",
    ] {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let first = read_back(&text);
        let mut set = crate::model::TraceSet::new();
        set.extend(first.clone());
        let (written, _) = write(set.traces());
        let second = read_back(&written);
        assert_eq!(first.len(), second.len(), "{name}");
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a, b, "{name}");
        }
    }
}

// ---- round trip of everything Jaeger JSON carries ----

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-z0-9 ]{0,8}".prop_map(|s| Value::from(s.as_str())),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (-1e12f64..1e12).prop_map(Value::Double),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(|b| Value::Bytes(b.into())),
    ]
}

fn arb_attrs() -> impl Strategy<Value = Vec<KeyValue>> {
    proptest::collection::vec(("k[0-9]{1,2}", arb_value()), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(k, val)| KeyValue::new(k.as_str(), val))
            .collect()
    })
}

fn arb_kind() -> impl Strategy<Value = SpanKind> {
    prop_oneof![
        Just(SpanKind::Unspecified),
        Just(SpanKind::Internal),
        Just(SpanKind::Server),
        Just(SpanKind::Client),
        Just(SpanKind::Producer),
        Just(SpanKind::Consumer),
    ]
}

fn arb_status() -> impl Strategy<Value = Status> {
    (0..3u8, proptest::option::of("[a-z ]{1,10}")).prop_map(|(c, m)| Status {
        code: [StatusCode::Unset, StatusCode::Ok, StatusCode::Error][c as usize],
        message: m.map(|m| m.into_boxed_str()),
    })
}

prop_compose! {
    fn arb_span(trace: u128)(
        id in 1u64..,
        name in "[a-z/ ]{0,10}",
        svc in 0..3usize,
        res_attrs in arb_attrs(),
        kind in arb_kind(),
        status in arb_status(),
        start_us in 0u64..4_000_000_000_000_000,
        dur_us in -1000i64..1_000_000,
        flags in 0u32..256,
        trace_state in proptest::option::of("[a-z]{1,4}=[a-z0-9]{1,4}"),
        attrs in arb_attrs(),
        events in proptest::collection::vec((0u64..4_000_000_000_000_000, "[a-z.]{0,6}", arb_attrs()), 0..3),
        links in proptest::collection::vec((any::<bool>(), 0u128..3, 1u64..5, any::<bool>()), 0..3),
        parent_field in proptest::option::of(1u64..5),
        scope in proptest::option::of(("[a-z.]{0,6}", proptest::option::of("[0-9.]{1,5}"))),
    ) -> Span {
        let mut s = Span::new(TraceId(trace), SpanId(id));
        s.name = Arc::from(name.as_str());
        let service = ["frontend", "db", ""][svc];
        s.service = Arc::from(service);
        let mut ra = Vec::new();
        if !service.is_empty() {
            ra.push(KeyValue::new("service.name", service.into()));
        }
        ra.extend(res_attrs);
        s.resource = Arc::new(Resource { attributes: ra, ..Resource::default() });
        s.kind = kind;
        s.status = status;
        s.start_ns = start_us * 1000;
        s.end_ns = (start_us as i64 + dur_us).max(0) as u64 * 1000;
        s.flags = flags;
        s.trace_state = trace_state.map(|t| t.into_boxed_str());
        s.attributes = attrs;
        s.events = events
            .into_iter()
            .map(|(t, n, a)| Event { time_ns: t * 1000, name: Arc::from(n.as_str()), attributes: a, dropped_attributes_count: 0 })
            .collect();
        s.links = links
            .into_iter()
            .map(|(child, other, sid, _)| Link {
                trace_id: if other == 0 { TraceId(trace) } else { TraceId(trace + other) },
                span_id: SpanId(sid),
                kind: if child { RefKind::ChildOf } else { RefKind::FollowsFrom },
                trace_state: None,
                attributes: vec![],
                dropped_attributes_count: 0,
                flags: 0,
            })
            .collect();
        // The parent as the Jaeger reader derives it.
        let same = |k: RefKind| s.links.iter().find(|l| l.kind == k && l.trace_id == s.trace_id).map(|l| l.span_id);
        if let Some(p) = same(RefKind::ChildOf) {
            s.parent_span_id = Some(p);
            s.parent_ref = ParentRef::ChildOf;
        } else if let Some(p) = same(RefKind::FollowsFrom) {
            s.parent_span_id = Some(p);
            s.parent_ref = ParentRef::FollowsFrom;
        } else if s.links.is_empty() && let Some(p) = parent_field {
            // Written as a CHILD_OF reference, which the reader keeps as a link.
            s.parent_span_id = Some(SpanId(p));
            s.parent_ref = ParentRef::ChildOf;
            s.links.push(Link { trace_id: TraceId(trace), span_id: SpanId(p), kind: RefKind::ChildOf, trace_state: None, attributes: vec![], dropped_attributes_count: 0, flags: 0 });
        }
        if let Some((name, version)) = scope {
            s.scope = Arc::new(Scope { name: Arc::from(name.as_str()), version: version.map(|v| v.into_boxed_str()), ..Scope::default() });
        }
        s
    }
}

fn arb_trace() -> impl Strategy<Value = Trace> {
    (1u128..u128::MAX - 4).prop_flat_map(|t| {
        proptest::collection::vec(arb_span(t), 0..5).prop_map(move |spans| Trace {
            trace_id: TraceId(t),
            spans,
        })
    })
}

/// What reading gives for fields a written span cannot keep exactly.
fn normalise(mut s: Span) -> Span {
    if s.scope.name.is_empty() && s.scope.version.is_none() {
        s.scope = Arc::default();
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(traces in proptest::collection::vec(arb_trace(), 0..3)) {
        let (text, _) = write(&traces);
        let back = read_back(&text);
        let expected: Vec<Span> = traces.iter().flat_map(|t| t.spans.iter().cloned()).map(normalise).collect();
        let back: Vec<Span> = back.into_iter().map(normalise).collect();
        prop_assert_eq!(back.len(), expected.len());
        for (b, e) in back.iter().zip(&expected) {
            prop_assert_eq!(b, e);
        }
    }
}
