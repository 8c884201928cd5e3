use super::*;
use crate::model::{ParentRef, RefKind, SpanKind, StatusCode, Value};

pub(crate) fn read_bytes(data: &[u8]) -> crate::formats::test_support::Outcome {
    crate::formats::test_support::read_bytes(read, data)
}

use crate::formats::test_support::sample;

fn ok(data: &[u8]) -> Vec<Span> {
    let (spans, warnings, result) = read_bytes(data);
    assert!(result.is_ok(), "{result:?}");
    assert!(warnings.is_empty(), "{warnings:?}");
    spans
}

fn sid(s: &str) -> SpanId {
    SpanId::from_hex(s).unwrap()
}

fn tid(s: &str) -> TraceId {
    TraceId::from_hex(s).unwrap()
}

#[test]
fn api_envelope_otlp2jaeger() {
    let spans = ok(&sample(
        "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
    ));
    assert_eq!(spans.len(), 2);
    for s in &spans {
        assert_eq!(s.trace_id, tid("83a9efd15c1c98a977e0711cc93ee28b"));
        assert_eq!(s.span_id, sid("e127af99e3b3e074"));
        assert_eq!(s.parent_span_id, Some(sid("909541b92cf05311")));
        assert_eq!(s.parent_ref, ParentRef::ChildOf);
        assert_eq!(s.links.len(), 1);
        assert_eq!(s.links[0].kind, RefKind::ChildOf);
        assert_eq!(s.start_ns, 1_706_678_909_209_712_000);
        assert_eq!(s.duration_ns(), 123_000);
        assert_eq!(s.kind, SpanKind::Server);
        assert_eq!(&*s.service, "telemetrygen");
        assert_eq!(&*s.scope.name, "telemetrygen");
        assert_eq!(&*s.name, "okey-dokey-0");
        // otel.scope.name and span.kind moved out; net.peer.ip and peer.service stay.
        let keys: Vec<&str> = s.attributes.iter().map(|kv| &*kv.key).collect();
        assert_eq!(keys, ["net.peer.ip", "peer.service"]);
        assert_eq!(
            s.resource.attributes,
            vec![KeyValue::new("service.name", "telemetrygen".into())]
        );
    }
    assert!(Arc::ptr_eq(&spans[0].resource, &spans[1].resource));
}

#[test]
fn ui_trace_object() {
    let spans = ok(&sample("jaeger-ui-json_trace-object_ui_01.json"));
    assert_eq!(spans.len(), 5);
    assert!(spans.iter().all(|s| s.trace_id == TraceId(1)));
    let ids: Vec<u64> = spans.iter().map(|s| s.span_id.0).collect();
    assert_eq!(ids, [2, 2, 3, 4, 5]);
    let services: Vec<&str> = spans.iter().map(|s| &*s.service).collect();
    assert_eq!(
        services,
        [
            "service-x",
            "service-x",
            "service-y",
            "service-y",
            "service-y"
        ]
    );

    let s0 = &spans[0];
    assert_eq!(s0.parent_span_id, None);
    assert_eq!(s0.start_ns, 1_485_467_191_639_875_000);
    assert_eq!(s0.duration_ns(), 5_000);
    assert_eq!(s0.events.len(), 2);
    assert_eq!(&*s0.events[0].name, "some-event");
    assert!(s0.events[0].attributes.is_empty());
    assert_eq!(&*s0.events[1].name, "log");
    assert_eq!(
        s0.events[1].attributes,
        vec![KeyValue::new("x", "y".into())]
    );
    assert_eq!(s0.events[1].time_ns, 1_485_467_191_639_875_000);

    let s1 = &spans[1];
    assert_eq!(s1.status.code, StatusCode::Error);
    assert_eq!(s1.attr("peer.ipv4"), Some(&Value::Int(23456)));
    assert_eq!(s1.attr("temperature"), Some(&Value::Double(72.5)));
    assert_eq!(
        s1.attr("javascript_limit"),
        Some(&Value::Int(9_223_372_036_854_775_222))
    );
    assert_eq!(
        s1.attr("blob"),
        Some(&Value::Bytes(vec![0, 0, 0x30, 0x39].into()))
    );
    assert_eq!(s1.attr("peer.service"), Some(&Value::from("service-y")));
    assert_eq!(s1.attributes.len(), 5, "error moved into the status");

    assert_eq!(spans[2].parent_span_id, Some(SpanId(2)));
    // References: CHILD_OF another trace, CHILD_OF 2, FOLLOWS_FROM 2: parent 2, all kept.
    let s3 = &spans[3];
    assert_eq!(s3.parent_span_id, Some(SpanId(2)));
    assert_eq!(s3.parent_ref, ParentRef::ChildOf);
    let refs: Vec<(u128, u64, RefKind)> = s3
        .links
        .iter()
        .map(|l| (l.trace_id.0, l.span_id.0, l.kind))
        .collect();
    assert_eq!(
        refs,
        [
            (0xff, 0xff, RefKind::ChildOf),
            (1, 2, RefKind::ChildOf),
            (1, 2, RefKind::FollowsFrom)
        ]
    );
    assert_eq!(spans[4].parent_span_id, Some(SpanId(4)));
    assert_eq!(spans[4].duration_ns(), 4_000);
}

#[test]
fn victoriatraces_legacy_trace() {
    let spans = ok(&sample(
        "generated/backend-responses/victoriatraces/traces-00000000000000003241afc70b0e852d.json",
    ));
    assert_eq!(spans.len(), 5);
    assert!(spans.iter().all(|s| s.trace_id == tid("3241afc70b0e852d")));
    let by = |id: &str| spans.iter().find(|s| s.span_id == sid(id)).unwrap();
    let root = by("b1b51c91062c06c7");
    assert_eq!(root.parent_span_id, None);
    assert_eq!(&*root.service, "legacy-gateway");
    assert_eq!(root.kind, SpanKind::Server);
    assert_eq!(
        root.status.code,
        StatusCode::Unset,
        "error=unset is no error"
    );
    assert_eq!(root.duration_ns(), 6_802_000);
    // Every tag is a string in VictoriaTraces; strings stay strings.
    assert_eq!(root.attr("request.page"), Some(&Value::from("0")));
    assert_eq!(root.attr("request.cached"), Some(&Value::from("true")));
    assert!(root.attr("error").is_none());
    // The log's `event` field is its third field; the others are attributes.
    assert_eq!(root.events.len(), 1);
    assert_eq!(&*root.events[0].name, "auth.checked");
    assert_eq!(
        root.events[0].attributes,
        vec![
            KeyValue::new("latency_ms", "1.5".into()),
            KeyValue::new("user", "alice".into())
        ]
    );
    let audit = by("e7a77e577b6d8c28");
    assert_eq!(audit.parent_span_id, Some(sid("b1b51c91062c06c7")));
    assert_eq!(audit.parent_ref, ParentRef::FollowsFrom);
    assert_eq!(audit.kind, SpanKind::Unspecified, "span.kind \"\"");
    assert_eq!(
        by("75e3c9d04da13a46").parent_span_id,
        Some(sid("f99ba638b1ecfae2"))
    );
    assert_eq!(&*by("75e3c9d04da13a46").service, "legacy-db");
    assert!(
        root.resource
            .attributes
            .contains(&KeyValue::new("host.name", "vm".into()))
    );
    assert_eq!(
        root.resource.attributes[0],
        KeyValue::new("service.name", "legacy-gateway".into())
    );
}

#[test]
fn victoriatraces_statuses_and_links() {
    let spans = ok(&sample(
        "generated/backend-responses/victoriatraces/traces-0000000000000000aae948beea5ddf1e.json",
    ));
    assert_eq!(spans.len(), 6);
    let charge = spans
        .iter()
        .find(|s| s.span_id == sid("9eab63ac2e479f28"))
        .unwrap();
    assert_eq!(charge.status.code, StatusCode::Error);
    assert_eq!(charge.status.message.as_deref(), Some("card declined"));
    assert_eq!(charge.duration_ns(), 4_000);

    let spans = ok(&sample(
        "generated/backend-responses/victoriatraces/traces-0cb0f836124d98d806e10d0ea1575e6a.json",
    ));
    assert_eq!(spans.len(), 24);
    let errors: Vec<(String, Option<&str>)> = spans
        .iter()
        .filter(|s| s.is_error())
        .map(|s| (s.span_id.to_string(), s.status.message.as_deref()))
        .collect();
    assert_eq!(errors.len(), 4);
    assert!(errors.contains(&(
        "a020800c36ab2bfb".into(),
        Some("RuntimeError: recommendation cache unavailable")
    )));
    assert!(errors.contains(&("ea3747b9000224d7".into(), None)));
    assert!(errors.contains(&("15e0f69d0be3c3a5".into(), Some("coupon rejected"))));
    let roots: Vec<String> = spans
        .iter()
        .filter(|s| s.parent_span_id.is_none())
        .map(|s| s.span_id.to_string())
        .collect();
    assert_eq!(roots, ["aa1a63b2da8215a8"]);

    // A FOLLOWS_FROM reference to another trace is a link, not a parent.
    let spans = ok(&sample(
        "generated/backend-responses/victoriatraces/traces-38c6c08e70c627fd937d19b8cb66d0da.json",
    ));
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].parent_span_id, None);
    assert_eq!(spans[0].kind, SpanKind::Consumer);
    assert_eq!(spans[0].links.len(), 1);
    assert_eq!(spans[0].links[0].kind, RefKind::FollowsFrom);
    assert_eq!(
        spans[0].links[0].trace_id,
        tid("13998450bc6817d72b8ff3c6c47d773a")
    );
    assert_eq!(spans[0].links[0].span_id, sid("7bb957bb3d8562d9"));
}

#[test]
fn victoriatraces_search_and_not_found() {
    let (spans, warnings, result) = read_bytes(&sample(
        "generated/backend-responses/victoriatraces/traces-search-frontend.json",
    ));
    assert!(result.is_ok() && warnings.is_empty());
    assert_eq!(spans.len(), 90);
    let mut traces: Vec<TraceId> = spans.iter().map(|s| s.trace_id).collect();
    traces.dedup();
    assert_eq!(traces.len(), 4);
    assert_eq!(
        ok(&sample(
            "generated/backend-responses/victoriatraces/traces-notfound.json"
        ))
        .len(),
        0
    );
    for (f, n) in [
        ("traces-00000000000000005fd2313cb180424c.json", 6),
        ("traces-0000000000000000f5c3b274e732dd87.json", 5),
        ("traces-a12870d7e5dd88b5133d7422bb14b64e.json", 24),
    ] {
        assert_eq!(
            ok(&sample(&format!(
                "generated/backend-responses/victoriatraces/{f}"
            )))
            .len(),
            n,
            "{f}"
        );
    }
}

#[test]
fn shapes() {
    // data as one object; bare list of traces; embedded-process span list; several documents.
    let t = r#"{"traceID":"1","spans":[{"spanID":"2","startTime":1,"duration":2,"processID":"p1"}],"processes":{"p1":{"serviceName":"a","tags":[]}}}"#;
    assert_eq!(ok(format!(r#"{{"data":{t}}}"#).as_bytes()).len(), 1);
    assert_eq!(ok(format!("[{t},{t}]").as_bytes()).len(), 2);
    assert_eq!(ok(format!("{t}\n{t}\n").as_bytes()).len(), 2);
    let embedded = r#"[{"traceID":"00000000000000aa","spanID":"01","operationName":"op","references":[],
            "startTime":10,"duration":5,"tags":[{"key":"n","type":"string","value":"1"}],"logs":[],
            "process":{"serviceName":"svc","tags":[{"key":"h","type":"string","value":"x"}]}},
            {"traceID":"aa","spanID":"02","parentSpanID":"01","process":{"serviceName":"svc","tags":[{"key":"h","type":"string","value":"x"}]}}]"#;
    let spans = ok(embedded.as_bytes());
    assert_eq!(spans.len(), 2);
    assert_eq!(&*spans[0].service, "svc");
    assert!(Arc::ptr_eq(&spans[0].resource, &spans[1].resource));
    assert_eq!(spans[1].parent_span_id, Some(SpanId(1)));
    assert_eq!(spans[1].parent_ref, ParentRef::ParentId);
    assert_eq!(spans[0].trace_id, TraceId(0xaa));
    // processes after spans; traceID only at the trace level.
    let late = r#"{"spans":[{"spanID":"2","processID":"p1","flags":3}],"traceID":"5","processes":{"p1":{"serviceName":"z"}}}"#;
    let spans = ok(late.as_bytes());
    assert_eq!(
        (spans[0].trace_id, &*spans[0].service, spans[0].flags),
        (TraceId(5), "z", 3)
    );
    // Empty answers.
    assert_eq!(ok(br#"{"data":null,"total":0}"#).len(), 0);
    assert_eq!(ok(b"[]").len(), 0);
}

#[test]
fn errors_and_warnings() {
    let (_, _, r) = read_bytes(b"");
    assert!(r.unwrap_err().message.contains("empty"));
    let (_, _, r) = read_bytes(br#"{"data":[{"traceID":"1","spans":[}]}"#);
    let e = r.unwrap_err();
    assert_eq!(
        e.position,
        Some(Position::LineColumn {
            line: 1,
            column: 34
        })
    );
    assert!(e.message.starts_with("invalid JSON"), "{}", e.message);
    let (_, _, r) = read_bytes(b"{\n\"data\": [\n{\"traceID\": \"1\",\n \"spans\": 7 x");
    let e = r.unwrap_err();
    assert!(
        matches!(e.position, Some(Position::LineColumn { line: 4, .. })),
        "{e:?}"
    );

    let (spans, _, r) =
        read_bytes(br#"{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}"#);
    assert!(spans.is_empty());
    assert!(r.unwrap_err().message.contains("404 trace not found"));
    let (_, _, r) = read_bytes(br#"{"result":{"resourceSpans":[]}}"#);
    assert!(r.unwrap_err().message.contains("otlp-json"));
    let (_, _, r) = read_bytes(br#"{"hello":1}"#);
    assert!(r.unwrap_err().message.contains("not Jaeger JSON"));

    // A bad span id skips that span only, and says where.
    let doc = br#"{"data":[{"traceID":"1","spans":[
            {"spanID":"2","processID":"p1"},
            {"spanID":"zz","processID":"p1"},
            {"spanID":"3","processID":"p9","tags":"oops","references":[{"refType":"CHILD_OF","traceID":"1","spanID":"2"}]}
        ],"processes":{"p1":{"serviceName":"a"}}}]}"#;
    let (spans, warnings, r) = read_bytes(doc);
    assert!(r.is_ok());
    assert_eq!(spans.len(), 2);
    let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        text[0].contains("line 3, data[0].spans[1].spanID: span skipped: \"zz\""),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("data[0].spans[2].tags: expected a list of tags")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("data[0].spans[2].processID")),
        "{text:?}"
    );
    assert_eq!(spans[1].parent_span_id, Some(SpanId(2)));
}

#[test]
fn tag_types() {
    assert_eq!(
        tag_value(Some("int64"), Scalar::Str("-9223372036854775808".into())),
        Value::Int(i64::MIN)
    );
    assert_eq!(
        tag_value(Some("int64"), Scalar::U64(u64::MAX)),
        Value::Str(u64::MAX.to_string().into())
    );
    assert_eq!(
        tag_value(Some("float64"), Scalar::Str("NaN".into())).type_name(),
        "float64"
    );
    assert_eq!(
        tag_value(Some("bool"), Scalar::Str("true".into())),
        Value::Bool(true)
    );
    assert_eq!(
        tag_value(Some("string"), Scalar::Bool(true)),
        Value::from("true")
    );
    assert_eq!(
        tag_value(Some("binary"), Scalar::Str("AQID".into())),
        Value::Bytes(vec![1, 2, 3].into())
    );
    assert_eq!(tag_value(None, Scalar::F64(1.5)), Value::Double(1.5));
    assert_eq!(tag_value(Some("weird"), Scalar::I64(-3)), Value::Int(-3));
    assert_eq!(tag_value(Some("string"), Scalar::Null), Value::Empty);
}

#[test]
fn streams_trace_by_trace() {
    // Each trace object is emitted as soon as it closes.
    let t = r#"{"traceID":"1","spans":[{"spanID":"2"},{"spanID":"3"}],"processes":{}}"#;
    let doc = format!(r#"{{"data":[{t},{t},{t}]}}"#);
    let mut batches = Vec::new();
    let mut warnings = Vec::new();
    {
        let mut sink = |b: Vec<Span>| batches.push(b.len());
        let mut ctx = ReadCtx {
            source: Arc::from("t"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: Default::default(),
        };
        read(&mut doc.as_bytes(), &mut ctx).unwrap();
    }
    assert_eq!(batches, [2, 2, 2]);
}

const SAMPLES: &[&str] = &[
    "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
    "jaeger-ui-json_trace-object_ui_01.json",
    "generated/backend-responses/victoriatraces/traces-00000000000000003241afc70b0e852d.json",
    "generated/backend-responses/victoriatraces/traces-0000000000000000aae948beea5ddf1e.json",
];

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for doc in [
        format!("{{\"data\":{}", "[".repeat(100_000)),
        format!(
            "{{\"data\":[{{\"traceID\":\"1\",\"spans\":[{{\"spanID\":\"2\",\"tags\":[{{\"key\":\"k\",\"value\":{}}}]}}]}}]}}",
            "[".repeat(100_000)
        ),
    ] {
        let (_, _, r) = read_bytes(doc.as_bytes());
        assert!(r.is_err());
    }
}

#[test]
fn many_bad_spans_are_summarised() {
    let spans: Vec<String> = (0..300)
        .map(|_| r#"{"spanID":"nothex"}"#.to_string())
        .collect();
    let doc = format!(
        r#"{{"traceID":"1","spans":[{}],"processes":{{}}}}"#,
        spans.join(",")
    );
    let (got, warnings, r) = read_bytes(doc.as_bytes());
    assert!(r.is_ok() && got.is_empty());
    assert_eq!(
        warnings.len(),
        crate::formats::common::jz_read::MAX_WARNINGS + 1
    );
    assert!(
        warnings
            .last()
            .unwrap()
            .message
            .contains("200 more problems")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let _ = read_bytes(&data);
    }

    #[test]
    fn mutated_documents_never_panic(
        which in 0..SAMPLES.len(),
        mutations in proptest::collection::vec((0usize..10_000, 0usize..64, proptest::prelude::any::<bool>()), 1..6),
        edits in proptest::collection::vec((0usize..100_000, proptest::prelude::any::<u8>(), 0u8..3), 0..4),
    ) {
        use crate::formats::common::jz_read::testing::{byte_edits, mutate, replacements};
        let mut doc: serde_json::Value = serde_json::from_slice(&sample(SAMPLES[which])).unwrap();
        let pool = replacements();
        for (k, r, delete) in mutations {
            mutate(&mut doc, k, pool[r % pool.len()].clone(), delete);
        }
        let text = serde_json::to_vec(&doc).unwrap();
        let (spans, _, result) = read_bytes(&text);
        // Valid JSON only fails as a whole (wrong top level, an error response): bad parts of
        // a document cost warnings, and a failing document gave no spans.
        if result.is_err() {
            proptest::prop_assert!(spans.is_empty(), "{:?}", result);
        }
        let _ = read_bytes(&byte_edits(&text, &edits));
    }
}
