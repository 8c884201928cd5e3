use std::sync::Arc;

use super::*;
use crate::formats::otlp_proto::read::tests::{Outcome, run_with, sample};
use crate::model::{
    KeyValue, Link, ParentRef, RefKind, Span, SpanId, SpanKind, StatusCode, TraceId,
};

const DIR: &str = "generated/jaeger-thrift/";

fn run(bytes: &[u8]) -> Outcome {
    run_with(read, bytes, 4096)
}

fn bins() -> Vec<Vec<u8>> {
    (1..=3)
        .map(|i| sample(&format!("{DIR}jaeger-client-udp-emitBatch-{i}.bin")))
        .collect()
}

fn sid(s: &str) -> SpanId {
    SpanId::from_hex(s).unwrap()
}

fn tid(s: &str) -> TraceId {
    TraceId::from_hex(s).unwrap()
}

fn link(t: &str, s: &str, kind: RefKind) -> Link {
    plain_link(tid(t), sid(s), kind)
}

fn kv(k: &str, v: Value) -> KeyValue {
    KeyValue::new(k, v)
}

const T1: &str = "3241afc70b0e852d";
const T2: &str = "5fd2313cb180424c";

#[test]
fn udp_datagram_legacy_db() {
    let o = run(&bins()[0]);
    o.result.unwrap();
    assert!(o.warnings.is_empty());
    assert_eq!(o.spans.len(), 2);
    let s = &o.spans[0];
    // Expected values from jaeger-client-emitBatch-decoded.json, converted by hand
    // (3621368844801443117 = 0x3241afc70b0e852d, -460591774441866526 = 0xf99ba638b1ecfae2).
    assert_eq!(s.trace_id, tid(T1));
    assert_eq!(s.trace_id.high(), 0);
    assert_eq!(s.span_id, sid("75e3c9d04da13a46"));
    assert_eq!(s.parent_span_id, Some(sid("f99ba638b1ecfae2")));
    assert_eq!(s.parent_ref, ParentRef::ChildOf);
    assert_eq!(
        s.links,
        vec![link(T1, "f99ba638b1ecfae2", RefKind::ChildOf)]
    );
    assert_eq!(&*s.name, "SELECT orders");
    assert_eq!(s.kind, SpanKind::Server);
    assert_eq!(s.flags, 1);
    assert_eq!(s.start_ns, 1_795_256_545_289_981_000);
    assert_eq!(s.duration_ns(), 2_123_000);
    assert_eq!(
        s.attributes,
        vec![
            kv("db.type", "sql".into()),
            kv("db.statement", "SELECT * FROM orders LIMIT 20".into())
        ]
    );
    assert_eq!(&*s.service, "legacy-db");
    assert_eq!(
        s.resource.attributes,
        vec![
            kv("service.name", "legacy-db".into()),
            kv("jaeger.version", "Python-4.8.0".into()),
            kv("deployment", "legacy-demo".into()),
            kv("ip", "192.0.2.2".into()),
            kv("hostname", "vm".into()),
        ]
    );
    assert!(Arc::ptr_eq(&s.resource, &o.spans[1].resource));
    assert_eq!(s.status, crate::model::Status::default());
    assert_eq!(o.spans[1].trace_id, tid(T2));
    assert_eq!(o.spans[1].span_id, sid("df5ae332a6524724"));
}

#[test]
fn udp_datagram_legacy_orders_error_and_logs() {
    let o = run(&bins()[1]);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 3);
    assert!(o.spans.iter().all(|s| &*s.service == "legacy-orders"));
    let render = &o.spans[1];
    assert_eq!(&*render.name, "render");
    assert_eq!(render.span_id, sid("d7d606fac2a6b066"));
    assert_eq!(render.parent_span_id, Some(sid("66734ab5b403903d")));
    assert_eq!(render.status.code, StatusCode::Error, "error=true tag");
    assert!(
        render.attributes.is_empty(),
        "the error tag moved into the status"
    );
    assert_eq!(render.kind, SpanKind::Unspecified);
    assert_eq!(render.duration_ns(), 43_000);
    assert_eq!(render.events.len(), 1);
    let e = &render.events[0];
    assert_eq!(&*e.name, "error");
    assert_eq!(e.time_ns, 1_795_256_545_299_082_000);
    assert_eq!(
        e.attributes,
        vec![
            kv("error.kind", "TemplateError".into()),
            kv("message", "missing field 'total'".into())
        ]
    );
    let list = &o.spans[0];
    assert_eq!(&*list.events[0].name, "baggage");
    assert_eq!(
        list.events[0].attributes,
        vec![kv("key", "tenant".into()), kv("value", "acme".into())]
    );
    assert_eq!(list.duration_ns(), 5_359_000);
}

#[test]
fn udp_datagram_legacy_gateway_follows_from() {
    let o = run(&bins()[2]);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 6);
    let audit = &o.spans[1];
    assert_eq!(&*audit.name, "audit-log");
    assert_eq!(audit.span_id, sid("e7a77e577b6d8c28"));
    // parentSpanId and the FOLLOWS_FROM reference name the same span: the reference wins.
    assert_eq!(audit.parent_span_id, Some(sid("b1b51c91062c06c7")));
    assert_eq!(audit.parent_ref, ParentRef::FollowsFrom);
    assert_eq!(
        audit.links,
        vec![link(T1, "b1b51c91062c06c7", RefKind::FollowsFrom)]
    );
    assert!(audit.attributes.is_empty() && audit.events.is_empty());

    let root = &o.spans[2];
    assert_eq!(&*root.name, "GET /api/orders");
    assert_eq!(root.parent_span_id, None);
    assert!(root.links.is_empty());
    assert_eq!(root.kind, SpanKind::Server);
    assert_eq!(
        (root.start_ns, root.duration_ns()),
        (1_795_256_545_286_678_000, 6_802_000)
    );
    assert_eq!(
        root.attributes,
        vec![
            kv("sampler.type", "const".into()),
            kv("sampler.param", Value::Bool(true)),
            kv("http.method", "GET".into()),
            kv("http.url", "http://gateway/api/orders?page=0".into()),
            kv("request.page", Value::Int(0)),
            kv("request.cached", Value::Bool(true)),
        ]
    );
    assert_eq!(&*root.events[0].name, "auth.checked");
    assert_eq!(
        root.events[0].attributes,
        vec![
            kv("user", "alice".into()),
            kv("latency_ms", Value::Double(1.5))
        ]
    );
    assert_eq!(o.spans[0].kind, SpanKind::Client);
    assert_eq!(
        o.spans[0].attr("peer.service"),
        Some(&Value::from("legacy-orders"))
    );
    // Trace 2's root has request.page = 1, request.cached = false.
    assert_eq!(o.spans[5].trace_id, tid(T2));
    assert_eq!(o.spans[5].attr("request.cached"), Some(&Value::Bool(false)));
}

fn all_from_bins() -> Vec<Span> {
    let mut all = Vec::new();
    for b in bins() {
        let o = run(&b);
        o.result.unwrap();
        all.extend(o.spans);
    }
    all
}

#[test]
fn concatenated_stream_and_json_dump_agree() {
    let each = all_from_bins();
    assert_eq!(each.len(), 11);
    let cat: Vec<u8> = bins().concat();
    for cap in [1, 100, 1 << 16] {
        let o = run_with(read, &cat, cap);
        o.result.unwrap();
        assert_eq!(o.spans, each);
        assert_eq!(o.batches, 3);
    }
    let json = sample(&format!("{DIR}jaeger-client-emitBatch-decoded.json"));
    let o = run(&json);
    o.result.unwrap();
    assert!(o.warnings.is_empty());
    assert_eq!(o.spans, each, "the JSON dump is the same datagrams");
    // Per trace: 5 spans of 3241afc70b0e852d, 6 of 5fd2313cb180424c.
    assert_eq!(each.iter().filter(|s| s.trace_id == tid(T1)).count(), 5);
    assert_eq!(each.iter().filter(|s| s.is_error()).count(), 1);
}

#[test]
fn json_dump_variants() {
    // Objects one after another (JSON lines), unsigned ids, null lists.
    let doc = br#"{"message":"emitBatch","batch":{"process":{"serviceName":"a","tags":null},
            "spans":[{"traceIdLow":18446744073709551615,"traceIdHigh":"1","spanId":2,"parentSpanId":0,
            "operationName":"x","startTime":5,"duration":1,"tags":[{"key":"b","vType":4,"vBinary":"AQI="},
            {"key":"otel.status_code","vType":0,"vStr":"OK"},{"key":"w3c.tracestate","vType":0,"vStr":"k=v"}],
            "logs":null,"references":null}]}}
            {"message":"emitZipkinBatch","batch":null}"#;
    let o = run(doc);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 1);
    let s = &o.spans[0];
    assert_eq!(s.trace_id, TraceId::from_parts(1, u64::MAX));
    assert_eq!(s.attributes, vec![kv("b", Value::Bytes(vec![1, 2].into()))]);
    assert_eq!(s.status.code, StatusCode::Ok);
    assert_eq!(s.trace_state.as_deref(), Some("k=v"));
    assert_eq!(o.warnings.len(), 1);
    assert!(o.warnings[0].to_string().contains("emitZipkinBatch"));

    let e = run(b"[{\"message\":\"emitBatch\",\"batch\":{\"spans\":[{\"spanId\":true}]}}]")
        .result
        .unwrap_err();
    // `true` is at columns 53-56; serde_json reports where it stopped reading.
    assert_eq!(
        e.position,
        Some(Position::LineColumn {
            line: 1,
            column: 56
        })
    );
    assert!(
        e.message.contains("expected a 64-bit integer"),
        "{}",
        e.message
    );
}

#[test]
fn errors_say_where() {
    let b = bins().remove(0);
    // Byte 96 is the length (9) of the process tag value "192.0.2.2", which starts at 97.
    let e = run(&b[..100]).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.pb: byte 97: the input ends inside the Thrift message that starts at byte 0 (100 bytes of it present)"
    );
    let mut g = b.clone();
    g.push(0x41);
    let o = run(&g);
    assert_eq!(
        o.spans.len(),
        2,
        "the good message before the garbage is kept"
    );
    assert_eq!(
        o.result.unwrap_err().to_string(),
        "in.pb: byte 438: expected a Thrift message (0x82 compact or 0x80 0x01 binary protocol), found byte 0x41"
    );
    // Byte 13 is the batch's field header (0x1c); make its type 13 (unknown).
    let mut bad = b.clone();
    bad[13] = 0x1d;
    let e = run(&bad).result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "in.pb: byte 13: invalid Thrift compact protocol: unknown compact field type 13"
    );
}

/// Unknown fields, fields of an unexpected type, `seqNo` and `stats` are skipped by type.
#[test]
fn unknown_and_mistyped_fields_are_skipped() {
    for proto in [Protocol::Compact, Protocol::Binary] {
        let mut e = thrift::Encoder::new(proto);
        e.write_message_begin("emitBatch", thrift::MESSAGE_ONEWAY, 3);
        e.write_struct_begin(); // args
        e.write_field(1, TType::Struct);
        e.write_struct_begin(); // Batch
        e.write_field(1, TType::Struct);
        e.write_struct_begin(); // Process
        e.write_field(1, TType::Binary);
        e.write_string("svc");
        e.write_field(3, TType::Map); // unknown: map<string,string> {"k": "v"}
        match proto {
            Protocol::Compact => e.buf.extend([1, 0x88]),
            Protocol::Binary => e.buf.extend([11, 11, 0, 0, 0, 1]),
        }
        e.write_string("k");
        e.write_string("v");
        e.write_struct_end();
        e.write_field(2, TType::List);
        e.write_list_begin(TType::Struct, 1);
        e.write_struct_begin(); // Span
        e.write_field(1, TType::I64);
        e.write_i64(1);
        e.write_field(3, TType::I64);
        e.write_i64(2);
        e.write_field(5, TType::Binary);
        e.write_string("op");
        e.write_field(8, TType::I64);
        e.write_i64(10);
        e.write_field(9, TType::Binary); // duration with the wrong type: skipped
        e.write_string("not a number");
        e.write_bool_field(12, true); // `incomplete` (some IDL versions): unknown here
        e.write_field(20, TType::Struct); // unknown struct holding a list
        e.write_struct_begin();
        e.write_field(1, TType::List);
        e.write_list_begin(TType::I32, 2);
        e.write_i32(1);
        e.write_i32(2);
        e.write_struct_end();
        e.write_struct_end(); // Span
        e.write_field(3, TType::I64); // seqNo
        e.write_i64(5);
        e.write_field(4, TType::Struct); // stats
        e.write_struct_begin();
        e.write_field(1, TType::I64);
        e.write_i64(0);
        e.write_struct_end();
        e.write_struct_end(); // Batch
        e.write_struct_end(); // args
        let o = run(&e.buf);
        o.result.unwrap();
        assert!(o.warnings.is_empty());
        assert_eq!(o.spans.len(), 1);
        let s = &o.spans[0];
        assert_eq!(
            (s.trace_id, s.span_id, &*s.name, &*s.service),
            (TraceId(1), SpanId(2), "op", "svc")
        );
        assert_eq!((s.start_ns, s.end_ns), (10_000, 10_000));
    }
}

/// Through the whole loading path: detection routes every sample here.
#[test]
fn load_detects_and_reads_samples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(DIR);
    for (files, spans, traces) in [
        (vec!["jaeger-client-udp-emitBatch-1.bin"], 2, 2),
        (
            vec![
                "jaeger-client-udp-emitBatch-1.bin",
                "jaeger-client-udp-emitBatch-2.bin",
                "jaeger-client-udp-emitBatch-3.bin",
            ],
            11,
            2,
        ),
        (vec!["jaeger-client-emitBatch-decoded.json"], 11, 2),
    ] {
        let paths: Vec<String> = files
            .iter()
            .map(|f| dir.join(f).display().to_string())
            .collect();
        let loaded = crate::input::load(&paths, &crate::input::LoadOptions::default());
        assert!(
            loaded.report.errors.is_empty(),
            "{:?}",
            loaded.report.errors
        );
        assert!(
            loaded
                .report
                .inputs
                .iter()
                .all(|(_, f)| *f == crate::formats::Format::JaegerThrift)
        );
        assert_eq!(
            (loaded.traces.span_count(), loaded.traces.len()),
            (spans, traces)
        );
    }
}

#[test]
fn other_messages_are_skipped() {
    let mut e = thrift::Encoder::new(Protocol::Compact);
    e.write_message_begin("emitZipkinBatch", thrift::MESSAGE_ONEWAY, 1);
    e.write_struct_begin();
    e.write_field(1, TType::List);
    e.write_list_begin(TType::Struct, 1);
    e.write_struct_begin();
    e.write_field(1, TType::I64);
    e.write_i64(5);
    e.write_struct_end();
    e.write_struct_end();
    let mut input = e.buf;
    input.extend(bins().remove(0));
    let o = run(&input);
    o.result.unwrap();
    assert_eq!(o.spans.len(), 2);
    assert_eq!(o.warnings.len(), 1);
    assert_eq!(o.warnings[0].position, Some(Position::Byte(0)));
}
