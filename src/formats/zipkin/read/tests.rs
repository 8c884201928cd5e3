use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::formats::Position;
use crate::model::{KeyValue, SpanId, SpanKind, StatusCode, TraceId, TraceSet, TraceTree, Value};

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

fn find<'a>(spans: &'a [Span], id: &str, shared: bool) -> &'a Span {
    spans
        .iter()
        .find(|s| s.span_id == sid(id) && s.shared == shared)
        .unwrap()
}

#[test]
fn yelp_shared_pairs() {
    let spans = ok(&sample("zipkin-v2_yelp.json"));
    assert_eq!(spans.len(), 16);
    assert!(
        spans
            .iter()
            .all(|s| s.trace_id == TraceId(0xa03ee8fff1dcd9b9))
    );
    assert_eq!(spans.iter().filter(|s| s.shared).count(), 4);
    let client = find(&spans, "7a778764a0d0b594", false);
    let server = find(&spans, "7a778764a0d0b594", true);
    assert_eq!(
        (client.kind, server.kind),
        (SpanKind::Client, SpanKind::Server)
    );
    assert_eq!(
        (&*client.service, &*server.service),
        ("mobile_api", "spectre")
    );
    assert_eq!(client.start_ns, 1_571_896_375_310_000_000);
    assert_eq!(client.duration_ns(), 3_000_000);
    assert_eq!(server.start_ns, 1_571_896_375_310_740_000);
    assert_eq!(server.duration_ns(), 1_490_000);
    assert_eq!(server.parent_span_id, Some(sid("f5f268651b2a2b34")));
    // remoteEndpoint {serviceName: spectre, port: 31286}
    assert_eq!(client.attr("peer.service"), Some(&Value::from("spectre")));
    assert_eq!(client.attr("net.peer.port"), Some(&Value::Int(31286)));
    assert_eq!(
        client.attr("http.uri.client"),
        Some(&Value::from("/visits"))
    );
    let nonce = find(&spans, "6a65182ea4f684c3", false);
    assert_eq!(nonce.attr("net.host.port"), Some(&Value::Int(31049)));
    assert_eq!(nonce.attr("ttl"), Some(&Value::from("")));
    let tree = TraceTree::build(&crate::model::Trace {
        trace_id: spans[0].trace_id,
        spans: spans.clone(),
    });
    assert!(tree.duplicate_ids.is_empty());
}

#[test]
fn messaging_128bit() {
    let spans = ok(&sample("zipkin-v2_messaging-128bit.json"));
    assert_eq!(spans.len(), 4);
    let t = TraceId::from_hex("5aab74dbb904746bb33447baae403ed6").unwrap();
    assert!(spans.iter().all(|s| s.trace_id == t));
    let kinds: Vec<SpanKind> = spans.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SpanKind::Consumer,
            SpanKind::Unspecified,
            SpanKind::Producer,
            SpanKind::Server
        ]
    );
    let consumer = &spans[0];
    assert_eq!(consumer.parent_span_id, Some(sid("05e3ac9a4f6e3b90")));
    assert_eq!(consumer.duration_ns(), 14_000);
    assert_eq!(
        consumer.attr("net.host.ip"),
        Some(&Value::from("192.168.0.10"))
    );
    assert_eq!(
        consumer.attr("peer.service"),
        Some(&Value::from("rabbitmq"))
    );
    let server = &spans[3];
    assert_eq!(server.parent_span_id, None);
    assert_eq!(server.attr("net.peer.ip"), Some(&Value::from("::1")));
    assert_eq!(server.attr("net.peer.port"), Some(&Value::Int(54602)));
    assert_eq!(&*server.service, "frontend");
    assert_eq!(server.duration_ns(), 2_839_000);
}

#[test]
fn skew_and_smartthings() {
    let spans = ok(&sample("zipkin-v2_skew.json"));
    assert_eq!(spans.len(), 4);
    assert_eq!(spans.iter().filter(|s| s.shared).count(), 1);
    let local = find(&spans, "43210ae0c10d1234", false);
    assert_eq!(local.kind, SpanKind::Unspecified);
    assert_eq!(local.duration_ns(), 65_000_000);
    assert_eq!(local.parent_span_id, Some(sid("74280ae0c10d8062")));

    let spans = ok(&sample(
        "zipkin-v2_smartthings-oauth-authorization_175spans.json",
    ));
    assert_eq!(spans.len(), 175);
    assert_eq!(spans.iter().filter(|s| s.shared).count(), 45);
    assert_eq!(
        spans.iter().filter(|s| s.kind == SpanKind::Client).count(),
        95
    );
    assert_eq!(
        spans.iter().filter(|s| s.kind == SpanKind::Server).count(),
        77
    );
    // 19 spans have no duration: kept, with end = start.
    assert_eq!(spans.iter().filter(|s| s.end_ns == s.start_ns).count(), 19);
    let errors: Vec<&Span> = spans.iter().filter(|s| s.is_error()).collect();
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(
        |s| s.span_id == sid("c47bff7f7964b321") && s.status.message.as_deref() == Some("401")
    ));
    let mut set = TraceSet::new();
    set.extend(spans);
    assert_eq!(set.len(), 1);
}

#[test]
fn v1_encoder_sample() {
    let spans = ok(&sample("zipkin-v1_span_from-zipkin-encoder-test.json"));
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(s.trace_id, TraceId(0x216a2aea45d08fc9));
    assert_eq!(s.span_id, sid("5b4185666d50f68b"));
    assert_eq!(s.parent_span_id, Some(sid("6b221d5bc9e6496c")));
    assert_eq!(s.kind, SpanKind::Client);
    assert_eq!(&*s.service, "frontend");
    assert_eq!(s.start_ns, 1_472_470_996_199_000_000);
    assert_eq!(s.duration_ns(), 207_000_000);
    let events: Vec<(&str, u64)> = s.events.iter().map(|e| (&*e.name, e.time_ns)).collect();
    assert_eq!(
        events,
        [
            ("foo", 1_472_470_996_238_000_000),
            ("bar", 1_472_470_996_403_000_000)
        ]
    );
    let attrs: Vec<(&str, String)> = s
        .attributes
        .iter()
        .map(|kv| (&*kv.key, kv.value.to_string()))
        .collect();
    assert_eq!(
        attrs,
        [
            ("clnt/finagle.version", "6.45.0".to_string()),
            ("http.path", "/api".into()),
            ("net.host.ip", "127.0.0.1".into()),
            ("peer.service", "backend".into()),
            ("net.peer.ip", "192.168.99.101".into()),
            ("net.peer.port", "9000".into()),
        ]
    );
}

#[test]
fn v1_client_and_server_in_one_span() {
    let doc = br#"[{"traceId":"1","id":"2","name":"get","annotations":[
            {"timestamp":100,"value":"cs","endpoint":{"serviceName":"web"}},
            {"timestamp":110,"value":"sr","endpoint":{"serviceName":"api","ipv4":"10.0.0.2","port":80}},
            {"timestamp":150,"value":"ss","endpoint":{"serviceName":"api","ipv4":"10.0.0.2","port":80}},
            {"timestamp":170,"value":"cr","endpoint":{"serviceName":"web"}}],
            "binaryAnnotations":[{"key":"http.path","value":"/a","endpoint":{"serviceName":"api"}},
            {"key":"ca","value":true,"endpoint":{"serviceName":"web","ipv4":"10.0.0.1"}},
            {"key":"sa","value":true,"endpoint":{"serviceName":"api","ipv4":"10.0.0.2"}}]}]"#;
    let spans = ok(doc);
    assert_eq!(spans.len(), 2);
    let (c, s) = (&spans[0], &spans[1]);
    assert_eq!(
        (c.kind, c.shared, &*c.service),
        (SpanKind::Client, false, "web")
    );
    assert_eq!((c.start_ns, c.duration_ns()), (100_000, 70_000));
    assert_eq!(
        (s.kind, s.shared, &*s.service),
        (SpanKind::Server, true, "api")
    );
    assert_eq!((s.start_ns, s.duration_ns()), (110_000, 40_000));
    assert_eq!(s.attr("http.path"), Some(&Value::from("/a")));
    assert_eq!(s.attr("net.peer.ip"), Some(&Value::from("10.0.0.1")));
    assert_eq!(c.attr("net.peer.ip"), Some(&Value::from("10.0.0.2")));
    assert_eq!(s.attr("net.host.port"), Some(&Value::Int(80)));

    // Loopback (same service on both sides) still gives two spans; a server-only v1 span
    // without a timestamp is shared.
    let doc = br#"[{"traceId":"1","id":"2","annotations":[
            {"timestamp":100,"value":"cs","endpoint":{"serviceName":"a"}},
            {"timestamp":110,"value":"sr","endpoint":{"serviceName":"a"}}]},
            {"traceId":"1","id":"3","annotations":[
            {"timestamp":5,"value":"sr","endpoint":{"serviceName":"b"}},
            {"timestamp":9,"value":"ss","endpoint":{"serviceName":"b"}}]}]"#;
    let spans = ok(doc);
    let summary: Vec<(u64, SpanKind, bool, u64)> = spans
        .iter()
        .map(|s| (s.span_id.0, s.kind, s.shared, s.duration_ns()))
        .collect();
    assert_eq!(
        summary,
        [
            (2, SpanKind::Client, false, 0),
            (2, SpanKind::Server, true, 0),
            (3, SpanKind::Server, true, 4_000)
        ]
    );
}

#[test]
fn generated_otel_python() {
    let spans = ok(&sample(
        "generated/zipkin-v2/otel-python-zipkin-exporter.json",
    ));
    assert_eq!(spans.len(), 94);
    let mut per_trace: HashMap<TraceId, usize> = HashMap::new();
    for s in &spans {
        *per_trace.entry(s.trace_id).or_default() += 1;
    }
    assert_eq!(per_trace.len(), 8);
    assert_eq!(
        per_trace[&TraceId::from_hex("0cb0f836124d98d806e10d0ea1575e6a").unwrap()],
        24
    );
    assert_eq!(
        per_trace[&TraceId::from_hex("13998450bc6817d72b8ff3c6c47d773a").unwrap()],
        21
    );
    // "kind": null on the 22 internal spans; debug on every span.
    assert_eq!(
        spans
            .iter()
            .filter(|s| s.kind == SpanKind::Unspecified)
            .count(),
        22
    );
    assert!(spans.iter().all(|s| s.flags == DEBUG_FLAGS));
    assert_eq!(spans.iter().filter(|s| s.is_error()).count(), 10);

    let broken = spans
        .iter()
        .find(|s| s.span_id == sid("a020800c36ab2bfb"))
        .unwrap();
    assert_eq!(broken.kind, SpanKind::Server);
    assert_eq!(broken.status.code, StatusCode::Error);
    assert_eq!(
        broken.status.message.as_deref(),
        Some("RuntimeError: recommendation cache unavailable")
    );
    assert_eq!(broken.parent_span_id, Some(sid("ea3747b9000224d7")));
    assert_eq!(broken.start_ns, 1_795_256_544_759_306_000);
    assert_eq!(broken.duration_ns(), 4_451_000);
    assert_eq!(&*broken.service, "frontend");
    assert_eq!(&*broken.scope.name, "opentelemetry.instrumentation.flask");
    assert_eq!(broken.scope.version.as_deref(), Some("0.66b1"));
    // Resource attributes copied into tags go back to the resource.
    let res: Vec<&str> = broken
        .resource
        .attributes
        .iter()
        .map(|kv| &*kv.key)
        .collect();
    assert_eq!(
        res,
        [
            "service.name",
            "telemetry.sdk.language",
            "telemetry.sdk.name",
            "telemetry.sdk.version",
            "service.instance.id",
            "service.version",
            "service.namespace",
            "deployment.environment.name",
            "host.name"
        ]
    );
    for k in [
        "host.name",
        "service.name",
        "otel.library.name",
        "otel.scope.name",
        "error",
        "otel.status_code",
    ] {
        assert!(broken.attr(k).is_none(), "{k}");
    }
    assert_eq!(broken.attr("http.status_code"), Some(&Value::from("500")));
    assert_eq!(broken.attributes.len(), 13);
    // The exception event's attributes are decoded from the JSON annotation.
    assert_eq!(broken.events.len(), 1);
    let ev = &broken.events[0];
    assert_eq!(&*ev.name, "exception");
    assert_eq!(ev.time_ns, 1_795_256_544_763_737_000);
    assert_eq!(ev.attributes.len(), 4);
    assert_eq!(
        crate::model::value::find(&ev.attributes, "exception.type"),
        Some(&Value::from("RuntimeError"))
    );
    // Spans of one service and library share the resource and scope.
    let frontend: Vec<&Span> = spans
        .iter()
        .filter(|s| {
            &*s.service == "frontend" && &*s.scope.name == "opentelemetry.instrumentation.flask"
        })
        .collect();
    assert!(frontend.len() > 1);
    assert!(
        frontend
            .windows(2)
            .all(|w| Arc::ptr_eq(&w[0].resource, &w[1].resource))
    );
    assert!(
        frontend
            .windows(2)
            .all(|w| Arc::ptr_eq(&w[0].scope, &w[1].scope))
    );
    let render = spans
        .iter()
        .find(|s| s.span_id == sid("0859144c147c8fd4"))
        .unwrap();
    assert_eq!(&*render.events[0].name, "template.rendered");
    assert_eq!(
        render.events[0].attributes,
        vec![
            KeyValue::new("bytes", Value::Int(5120)),
            KeyValue::new("template", "cart.html".into())
        ]
    );
    assert_eq!(
        render.attr("app.ab_variants"),
        Some(&Value::from("[\"b\",\"dark\"]"))
    );
}

#[test]
fn generated_py_zipkin() {
    let spans = ok(&sample("generated/zipkin-v2/py_zipkin-v2.json"));
    assert_eq!(spans.len(), 11);
    assert_eq!(
        spans
            .iter()
            .filter(|s| s.trace_id == TraceId(0xf5c3b274e732dd87))
            .count(),
        5
    );
    assert_eq!(
        spans
            .iter()
            .filter(|s| s.trace_id == TraceId(0xaae948beea5ddf1e))
            .count(),
        6
    );
    let server = find(&spans, "343a11c96ce72e06", true);
    let client = find(&spans, "343a11c96ce72e06", false);
    assert_eq!(
        (server.kind, &*server.service),
        (SpanKind::Server, "pz-inventory")
    );
    assert_eq!(
        (client.kind, &*client.service),
        (SpanKind::Client, "pz-web")
    );
    assert_eq!(server.duration_ns(), 2_307_000);
    assert_eq!(client.duration_ns(), 8_888_000);
    assert_eq!(server.attr("net.host.ip"), Some(&Value::from("127.0.0.1")));
    assert_eq!(server.attr("net.host.port"), Some(&Value::Int(38765)));
    assert_eq!(
        client.attr("peer.service"),
        Some(&Value::from("pz-inventory"))
    );
    let cache = find(&spans, "3c0b2377fe9cc8aa", false);
    assert_eq!(cache.parent_span_id, Some(sid("343a11c96ce72e06")));
    assert_eq!(cache.events.len(), 1);
    assert_eq!(
        (&*cache.events[0].name, cache.events[0].time_ns),
        ("cache.miss", 1_795_256_546_927_432_000)
    );
    let charge = find(&spans, "9eab63ac2e479f28", false);
    assert_eq!(charge.status.code, StatusCode::Error);
    assert_eq!(charge.status.message.as_deref(), Some("card declined"));
    assert_eq!(charge.duration_ns(), 4_000);
    // The tree puts the cache lookup under the shared server half.
    let trace = crate::model::Trace {
        trace_id: TraceId(0xf5c3b274e732dd87),
        spans: spans
            .iter()
            .filter(|s| s.trace_id == TraceId(0xf5c3b274e732dd87))
            .cloned()
            .collect(),
    };
    let tree = TraceTree::build(&trace);
    let idx = |id: &str, shared: bool| {
        trace
            .spans
            .iter()
            .position(|s| s.span_id == sid(id) && s.shared == shared)
            .unwrap() as u32
    };
    assert_eq!(
        tree.parent[idx("3c0b2377fe9cc8aa", false) as usize],
        Some(idx("343a11c96ce72e06", true))
    );
    assert_eq!(tree.roots.len(), 1);
}

#[test]
fn shapes_and_streaming() {
    let span = r#"{"traceId":"a","id":"1","timestamp":10}"#;
    // List of lists: one batch per inner list.
    let doc = format!("[[{span},{span}],[{span}]]");
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
    assert_eq!(batches, [2, 1]);
    // Concatenated POST bodies, a single span object, empty lists.
    assert_eq!(ok(format!("[{span}]\n[{span},{span}]").as_bytes()).len(), 3);
    assert_eq!(ok(format!("[{span}][{span}]").as_bytes()).len(), 2);
    assert_eq!(ok(span.as_bytes()).len(), 1);
    assert_eq!(ok(b"[]").len(), 0);
    assert_eq!(ok(b"[[]]").len(), 0);
    // Missing timestamp and duration: kept with 0.
    let s = &ok(br#"[{"traceId":"a","id":"1"}]"#)[0];
    assert_eq!((s.start_ns, s.end_ns), (0, 0));
    let s = &ok(br#"[{"traceId":"a","id":"1","duration":5}]"#)[0];
    assert_eq!((s.start_ns, s.end_ns), (0, 5_000));
    // Fractional microseconds are kept to the nanosecond.
    let s = &ok(br#"[{"traceId":"a","id":"1","timestamp":10.5,"duration":1.234}]"#)[0];
    assert_eq!((s.start_ns, s.duration_ns()), (10_500, 1_234));
}

#[test]
fn v1_or_v2() {
    // An empty binaryAnnotations list does not make a v2 span v1.
    let s = &ok(br#"[{"traceId":"a","id":"1","kind":"CLIENT","localEndpoint":{"serviceName":"x"},"binaryAnnotations":[]}]"#)[0];
    assert_eq!((s.kind, &*s.service), (SpanKind::Client, "x"));
    // A v1 span with only a local-component binary annotation.
    let s = &ok(br#"[{"traceId":"a","id":"1","name":"work","timestamp":10,"duration":5,
            "binaryAnnotations":[{"key":"lc","value":"worker","endpoint":{"serviceName":"svc"}}]}]"#)[0];
    assert_eq!(
        (s.kind, &*s.service, s.start_ns, s.duration_ns()),
        (SpanKind::Unspecified, "svc", 10_000, 5_000)
    );
    assert_eq!(s.attr("lc"), Some(&Value::from("worker")));
}

#[test]
fn internal_kind_and_annotation_forms() {
    let s = &ok(br#"[{"traceId":"a","id":"1","tags":{"span.kind":"internal","k":"v"}}]"#)[0];
    assert_eq!(s.kind, SpanKind::Internal);
    assert_eq!(s.attributes, vec![KeyValue::new("k", "v".into())]);
    let s = &ok(br#"[{"traceId":"a","id":"1","annotations":[{"timestamp":1,"value":"ev|{\"a\":1,\"b\":\"x\"}|2"},{"timestamp":2,"value":"a|b"},{"timestamp":3,"value":"{not json}"}]}]"#)[0];
    assert_eq!(&*s.events[0].name, "ev");
    assert_eq!(s.events[0].dropped_attributes_count, 2);
    assert_eq!(
        s.events[0].attributes,
        vec![
            KeyValue::new("a", Value::Int(1)),
            KeyValue::new("b", "x".into())
        ]
    );
    assert_eq!(&*s.events[1].name, "a|b");
    assert_eq!(&*s.events[2].name, "{not json}");
}

#[test]
fn errors_and_warnings() {
    let (_, _, r) = read_bytes(b"  \n ");
    assert!(r.unwrap_err().message.contains("empty"));
    let (_, _, r) = read_bytes(b"[{\"traceId\":\"a\",\n\"id\" 1}]");
    let e = r.unwrap_err();
    assert_eq!(
        e.position,
        Some(Position::LineColumn { line: 2, column: 6 })
    );
    assert!(e.message.contains("expected `:`"), "{}", e.message);
    let (_, _, r) = read_bytes(b"7");
    assert!(r.unwrap_err().message.contains("expected Zipkin JSON"));

    let doc = br#"[[{"traceId":"a","id":"1"},
            {"traceId":"a","id":"xyz"},
            {"traceId":"a","id":"2","parentId":"00000000000000001"},
            {"traceId":"a","id":"3","timestamp":"soon","localEndpoint":{"port":99999}},
            "junk"]]"#;
    let (spans, warnings, r) = read_bytes(doc);
    assert!(r.is_ok());
    // The span with an unreadable timestamp cannot be placed: it is skipped too.
    assert_eq!(spans.len(), 1);
    let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        text[0].contains("line 2, [0][1].id: span skipped: \"xyz\" is not a span id"),
        "{text:?}"
    );
    assert!(
        text[1].contains("line 3, [0][2].parentId: span skipped"),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("[0][3].timestamp: span skipped")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("[0][4]: skipped: expected a span object, found a string")),
        "{text:?}"
    );
}

const SAMPLES: &[&str] = &[
    "zipkin-v2_yelp.json",
    "zipkin-v2_messaging-128bit.json",
    "zipkin-v1_span_from-zipkin-encoder-test.json",
    "generated/zipkin-v2/py_zipkin-v2.json",
];

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for doc in [
        "[".repeat(100_000),
        format!(
            "[{{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{{\"a\":{}}}}}]",
            "[".repeat(100_000)
        ),
    ] {
        let (_, _, r) = read_bytes(doc.as_bytes());
        assert!(r.is_err());
    }
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
        let (_, _, result) = read_bytes(&text);
        // Valid JSON that is a list never fails as a whole: bad spans are skipped with warnings.
        if doc.is_array() {
            proptest::prop_assert!(result.is_ok(), "{:?}", result);
        }
        let _ = read_bytes(&byte_edits(&text, &edits));
    }
}
