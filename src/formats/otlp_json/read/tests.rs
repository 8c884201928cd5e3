//! Tests of the OTLP/JSON reader: every accepted quirk on small hand-written documents, the real
//! samples (expected numbers read from the files by hand / with python, not with this code),
//! error positions, streaming boundaries, and property tests that nothing panics.

use super::*;
use crate::model::{
    Event, KeyValue, ParentRef, RefKind, SpanId, SpanKind, StatusCode, TraceId, Value,
};
use proptest::prelude::*;
use std::sync::Arc;

fn sample(rel: &str) -> Vec<u8> {
    let p = format!("{}/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Read and insist on no warnings and no error.
fn ok(bytes: &[u8]) -> Vec<Span> {
    let (spans, warnings, r) = read_bytes(bytes);
    assert!(warnings.is_empty(), "warnings: {warnings:?}");
    r.unwrap();
    spans
}

fn tid(s: &str) -> TraceId {
    TraceId::from_hex(s).unwrap()
}

fn sid(s: &str) -> SpanId {
    SpanId::from_hex(s).unwrap()
}

fn attr<'a>(attrs: &'a [KeyValue], key: &str) -> &'a Value {
    crate::model::value::find(attrs, key).unwrap_or_else(|| panic!("no attribute {key}"))
}

fn by_id<'a>(spans: &'a [Span], id: &str) -> &'a Span {
    let id = sid(id);
    spans
        .iter()
        .find(|s| s.span_id == id)
        .unwrap_or_else(|| panic!("no span {id}"))
}

/// A document that uses every field, camelCase.
const FULL: &str = r#"{"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}},
                            {"key":"host.name","value":{"stringValue":"h1"}}],
              "droppedAttributesCount":2},
  "scopeSpans":[{
    "scope":{"name":"lib","version":"1.2","attributes":[{"key":"sa","value":{"boolValue":true}}],
             "droppedAttributesCount":1},
    "spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
      "parentSpanId":"eee19b7ec3c1b173","traceState":"ro=1","flags":769,
      "name":"op","kind":3,
      "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
      "attributes":[
        {"key":"s","value":{"stringValue":"text"}},
        {"key":"b","value":{"boolValue":false}},
        {"key":"i","value":{"intValue":"-42"}},
        {"key":"n","value":{"intValue":7}},
        {"key":"d","value":{"doubleValue":3.5}},
        {"key":"nan","value":{"doubleValue":"NaN"}},
        {"key":"inf","value":{"doubleValue":"-Infinity"}},
        {"key":"raw","value":{"bytesValue":"AQID"}},
        {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"1"},
                                                      {"arrayValue":{"values":[{"boolValue":true}]}}]}}},
        {"key":"map","value":{"kvlistValue":{"values":[{"key":"k","value":{"stringValue":"v"}},
                                                      {"key":"m","value":{"kvlistValue":{}}}]}}},
        {"key":"ea","value":{"arrayValue":{}}},
        {"key":"e","value":{}},
        {"key":"nul","value":null}],
      "droppedAttributesCount":3,
      "events":[{"timeUnixNano":"1544712660500000000","name":"ev",
                 "attributes":[{"key":"ek","value":{"intValue":"5"}}],"droppedAttributesCount":4}],
      "droppedEventsCount":5,
      "links":[{"traceId":"00000000000000000000000000000abc","spanId":"0000000000000def",
                "traceState":"x=y","attributes":[{"key":"lk","value":{"stringValue":"lv"}}],
                "droppedAttributesCount":6,"flags":256}],
      "droppedLinksCount":7,
      "status":{"code":2,"message":"boom"}}],
    "schemaUrl":"https://scope"}],
  "schemaUrl":"https://resource"}]}"#;

fn check_full(spans: &[Span]) {
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(s.trace_id, tid("5b8efff798038103d269b633813fc60c"));
    assert_eq!(s.span_id, sid("eee19b7ec3c1b174"));
    assert_eq!(s.parent_span_id, Some(sid("eee19b7ec3c1b173")));
    assert_eq!(s.parent_ref, ParentRef::ParentId);
    assert_eq!(s.trace_state.as_deref(), Some("ro=1"));
    assert_eq!(s.flags, 769);
    assert_eq!(s.parent_is_remote(), Some(true));
    assert_eq!(&*s.name, "op");
    assert_eq!(&*s.service, "svc");
    assert_eq!(s.kind, SpanKind::Client);
    assert_eq!(s.start_ns, 1_544_712_660_000_000_000);
    assert_eq!(s.duration_ns(), 1_000_000_000);
    let a = &s.attributes;
    assert_eq!(a.len(), 13);
    assert_eq!(attr(a, "s"), &Value::from("text"));
    assert_eq!(attr(a, "b"), &Value::Bool(false));
    assert_eq!(attr(a, "i"), &Value::Int(-42));
    assert_eq!(attr(a, "n"), &Value::Int(7));
    assert_eq!(attr(a, "d"), &Value::Double(3.5));
    assert!(matches!(attr(a, "nan"), Value::Double(d) if d.is_nan()));
    assert_eq!(attr(a, "inf"), &Value::Double(f64::NEG_INFINITY));
    assert_eq!(attr(a, "raw"), &Value::Bytes(vec![1, 2, 3].into()));
    let inner = Value::Array(vec![Value::Bool(true)].into());
    assert_eq!(
        attr(a, "arr"),
        &Value::Array(vec![Value::from("a"), Value::Int(1), inner].into())
    );
    let map = vec![
        KeyValue::new("k", Value::from("v")),
        KeyValue::new("m", Value::Map(Vec::new().into())),
    ];
    assert_eq!(attr(a, "map"), &Value::Map(map.into()));
    assert_eq!(attr(a, "ea"), &Value::Array(Vec::new().into()));
    assert_eq!(attr(a, "e"), &Value::Empty);
    assert_eq!(attr(a, "nul"), &Value::Empty);
    assert_eq!(s.dropped_attributes_count, 3);
    assert_eq!(
        s.events,
        vec![Event {
            time_ns: 1_544_712_660_500_000_000,
            name: "ev".into(),
            attributes: vec![KeyValue::new("ek", Value::Int(5))],
            dropped_attributes_count: 4,
        }]
    );
    assert_eq!(s.dropped_events_count, 5);
    assert_eq!(s.links.len(), 1);
    let l = &s.links[0];
    assert_eq!(
        (l.trace_id, l.span_id, l.kind),
        (TraceId(0xabc), SpanId(0xdef), RefKind::Link)
    );
    assert_eq!(
        (
            l.trace_state.as_deref(),
            l.dropped_attributes_count,
            l.flags
        ),
        (Some("x=y"), 6, 256)
    );
    assert_eq!(l.attributes, vec![KeyValue::new("lk", Value::from("lv"))]);
    assert_eq!(s.dropped_links_count, 7);
    assert_eq!(s.status.code, StatusCode::Error);
    assert_eq!(s.status.message.as_deref(), Some("boom"));
    let r = &s.resource;
    assert_eq!(r.attributes.len(), 2);
    assert_eq!(r.dropped_attributes_count, 2);
    assert_eq!(r.schema_url.as_deref(), Some("https://resource"));
    let sc = &s.scope;
    assert_eq!((&*sc.name, sc.version.as_deref()), ("lib", Some("1.2")));
    assert_eq!(sc.attributes, vec![KeyValue::new("sa", Value::Bool(true))]);
    assert_eq!(sc.dropped_attributes_count, 1);
    assert_eq!(sc.schema_url.as_deref(), Some("https://scope"));
}

#[test]
fn every_field_camel_case() {
    check_full(&ok(FULL.as_bytes()));
}

/// The same document with the snake_case (original proto) names the Collector also accepts.
fn snake(doc: &str) -> String {
    let pairs = [
        ("resourceSpans", "resource_spans"),
        ("scopeSpans", "scope_spans"),
        ("schemaUrl", "schema_url"),
        ("droppedAttributesCount", "dropped_attributes_count"),
        ("droppedEventsCount", "dropped_events_count"),
        ("droppedLinksCount", "dropped_links_count"),
        ("traceId", "trace_id"),
        ("parentSpanId", "parent_span_id"),
        ("spanId", "span_id"),
        ("traceState", "trace_state"),
        ("startTimeUnixNano", "start_time_unix_nano"),
        ("endTimeUnixNano", "end_time_unix_nano"),
        ("timeUnixNano", "time_unix_nano"),
        ("stringValue", "string_value"),
        ("boolValue", "bool_value"),
        ("intValue", "int_value"),
        ("doubleValue", "double_value"),
        ("bytesValue", "bytes_value"),
        ("arrayValue", "array_value"),
        ("kvlistValue", "kvlist_value"),
    ];
    let mut s = doc.to_string();
    for (a, b) in pairs {
        s = s.replace(&format!("\"{a}\""), &format!("\"{b}\""));
    }
    assert!(!s.contains("Value\""), "all renamed");
    s
}

#[test]
fn every_field_snake_case() {
    check_full(&ok(snake(FULL).as_bytes()));
}

#[test]
fn wrappers_tempo_v1_v2_and_api_v3() {
    let inner = FULL
        .trim()
        .strip_prefix("{\"resourceSpans\":")
        .unwrap()
        .strip_suffix('}')
        .unwrap();
    check_full(&ok(format!("{{\"batches\":{inner}}}").as_bytes()));
    let v2 = format!(
        "{{\"trace\":{FULL},\"metrics\":{{\"inspectedBytes\":\"1\",\"x\":[1,{{}}]}},\"status\":\"PARTIAL\",\"message\":\"m\"}}"
    );
    check_full(&ok(v2.as_bytes()));
    check_full(&ok(format!("{{\"result\":{FULL}}}").as_bytes()));
    // A list of TracesData objects.
    let spans = ok(format!("[{FULL}, {{\"resourceSpans\":[]}}, {FULL}]").as_bytes());
    assert_eq!(spans.len(), 2);
    // Empty request bodies.
    assert!(ok(b"{}").is_empty());
    assert!(ok(b"{\"resourceSpans\":null}").is_empty());
    assert!(ok(b"null").is_empty());
    assert!(ok(b"").is_empty());
    assert!(ok(b" \n\n ").is_empty());
}

#[test]
fn legacy_instrumentation_library_spans() {
    let legacy = r#"{"resourceSpans":[{"resource":{},"instrumentationLibrarySpans":[
        {"instrumentationLibrary":{"name":"old","version":"0.1"},
         "spans":[{"traceId":"01","spanId":"02","name":"a"}]}]}]}"#;
    let spans = ok(legacy.as_bytes());
    assert_eq!(spans.len(), 1);
    assert_eq!(
        (&*spans[0].scope.name, spans[0].scope.version.as_deref()),
        ("old", Some("0.1"))
    );
    // Both published (proto 0.15-0.18): scopeSpans wins, in either key order.
    let both = r#"{"resourceSpans":[{
        "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[{"traceId":"01","spanId":"02"}]}],
        "scopeSpans":[{"scope":{"name":"new"},"spans":[{"traceId":"01","spanId":"02"},{"traceId":"01","spanId":"03"}]}],
        "instrumentation_library_spans":[{"instrumentation_library":{"name":"old2"},"spans":[{"traceId":"01","spanId":"04"}]}]}]}"#;
    let spans = ok(both.as_bytes());
    assert_eq!(spans.len(), 2);
    assert!(spans.iter().all(|s| &*s.scope.name == "new"));
    // scopeSpans present but empty: the legacy list is used.
    let empty_new = r#"{"resourceSpans":[{"scopeSpans":[],
        "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[{"traceId":"01","spanId":"02"}]}]}]}"#;
    assert_eq!(ok(empty_new.as_bytes()).len(), 1);
}

#[test]
fn ids_any_case_short_and_base64() {
    let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"eee19b7ec3c1b173"},
        {"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","parentSpanId":"7uGbfsPBsXM="},
        {"traceId":"W47_95gDgQPSabYzgT_GDA","spanId":"7uGbfsPBsXQ","parentSpanId":""},
        {"traceId":"cb0f836124d98d806e10d0ea1575e6a","spanId":"1","parentSpanId":"0000000000000000"},
        {"traceId":"3241afc70b0e852d","spanId":"ABC","links":[{"traceId":"AAAAAAAAAAAyQa/HCw6FLQ==","spanId":"+ZumOLHs+uI="}]}]}]}]}"#;
    let spans = ok(doc.as_bytes());
    let t = tid("5b8efff798038103d269b633813fc60c");
    assert_eq!(
        (spans[0].trace_id, spans[0].span_id),
        (t, sid("eee19b7ec3c1b174"))
    );
    assert_eq!(spans[0].parent_span_id, Some(sid("eee19b7ec3c1b173")));
    assert_eq!(spans[1], spans[0]);
    assert_eq!(
        (spans[2].trace_id, spans[2].span_id, spans[2].parent_span_id),
        (t, sid("eee19b7ec3c1b174"), None)
    );
    assert_eq!(spans[3].trace_id, tid("0cb0f836124d98d806e10d0ea1575e6a"));
    assert_eq!(
        (spans[3].span_id, spans[3].parent_span_id),
        (SpanId(1), None)
    );
    assert_eq!(
        (spans[4].trace_id, spans[4].span_id),
        (TraceId(0x3241afc70b0e852d), SpanId(0xabc))
    );
    assert_eq!(spans[4].links[0].trace_id, TraceId(0x3241afc70b0e852d));
    assert_eq!(spans[4].links[0].span_id, sid("f99ba638b1ecfae2"));
}

#[test]
fn enums_as_ints_names_and_strings() {
    let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"1","spanId":"1","kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR"}},
        {"traceId":"1","spanId":"2","kind":"3","status":{"code":"1"}},
        {"traceId":"1","spanId":"3","kind":5,"status":{"code":0,"deprecatedCode":2}},
        {"traceId":"1","spanId":"4","kind":"SPAN_KIND_PRODUCER","status":{"code":"STATUS_CODE_OK","message":""}},
        {"traceId":"1","spanId":"5","kind":null,"status":null}]}]}]}"#;
    let spans = ok(doc.as_bytes());
    let got: Vec<(SpanKind, StatusCode)> = spans.iter().map(|s| (s.kind, s.status.code)).collect();
    assert_eq!(
        got,
        [
            (SpanKind::Server, StatusCode::Error),
            (SpanKind::Client, StatusCode::Ok),
            (SpanKind::Consumer, StatusCode::Unset),
            (SpanKind::Producer, StatusCode::Ok),
            (SpanKind::Unspecified, StatusCode::Unset),
        ]
    );
    assert_eq!(spans[3].status.message, None);
    // Unknown values: the span is kept with the default and a warning says where.
    let bad = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"1","kind":9,"status":{"code":"STATUS_CODE_MAYBE"}}]}]}]}"#;
    let (spans, warnings, r) = read_bytes(format!("{ONE}\n{bad}\n").as_bytes());
    r.unwrap();
    assert_eq!(
        (spans[1].kind, spans[1].status.code),
        (SpanKind::Unspecified, StatusCode::Unset)
    );
    assert_eq!(warnings.len(), 2);
    let path = "resourceSpans[0].scopeSpans[0].spans[0].kind";
    assert_eq!(
        warnings[0].position,
        Some(Position::Path {
            line: Some(2),
            path: path.into()
        })
    );
    // In a streamed (pretty-printed) document the path alone says where.
    let (_, warnings, _) = read_bytes(format!("{{\n{}", &bad[1..]).as_bytes());
    assert_eq!(
        warnings[0].position,
        Some(Position::Path {
            line: None,
            path: path.into()
        })
    );
    assert!(
        warnings[0].message.contains("unknown span kind \"9\""),
        "{}",
        warnings[0].message
    );
    assert!(warnings[1].message.contains("STATUS_CODE_MAYBE"));
}

#[test]
fn integers_as_strings_numbers_and_long_objects() {
    let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"1","spanId":"1","startTimeUnixNano":1544712660000000000,"endTimeUnixNano":"18446744073709551615",
         "flags":"256","droppedAttributesCount":"2",
         "attributes":[{"key":"big","value":{"intValue":9007199254740993}},
                       {"key":"bigs","value":{"intValue":"-9223372036854775808"}}]},
        {"traceId":"1","spanId":"2","startTimeUnixNano":{"low":-480688128,"high":359656442,"unsigned":false},
         "endTimeUnixNano":9007199254740993}]}]}]}"#;
    let spans = ok(doc.as_bytes());
    assert_eq!(spans[0].start_ns, 1_544_712_660_000_000_000);
    assert_eq!(spans[0].end_ns, u64::MAX);
    assert_eq!(
        (spans[0].flags, spans[0].dropped_attributes_count),
        (256, 2)
    );
    assert_eq!(
        attr(&spans[0].attributes, "big"),
        &Value::Int(9_007_199_254_740_993)
    );
    assert_eq!(attr(&spans[0].attributes, "bigs"), &Value::Int(i64::MIN));
    assert_eq!(spans[1].start_ns, 1_544_712_660_000_000_000);
    assert_eq!(spans[1].end_ns, 9_007_199_254_740_993);
}

#[test]
fn nulls_are_absent_and_unknown_fields_ignored() {
    let doc = r#"{"resourceSpans":[{"resource":null,"scopeSpans":null},{"resource":{"attributes":null,"entityRefs":[{"a":1}]},
        "future":{"deep":[[{"x":null}]]},
        "scopeSpans":[{"scope":null,"spans":null},{"scope":{"name":null,"version":null},"spans":[null,
        {"traceId":"1","spanId":"2","parentSpanId":null,"traceState":null,"flags":null,"name":null,"kind":null,
         "startTimeUnixNano":null,"endTimeUnixNano":null,"attributes":null,"droppedAttributesCount":null,
         "events":[null,{"name":null,"attributes":null,"timeUnixNano":null}],"droppedEventsCount":null,"links":null,
         "droppedLinksCount":null,"status":null,"unknown":{"nested":[1,2,{"a":"b"}]},
         "newField":"x"}],"schemaUrl":null}],"schemaUrl":null}]}"#;
    let spans = ok(doc.as_bytes());
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(
        (s.trace_id, s.span_id, s.parent_span_id),
        (TraceId(1), SpanId(2), None)
    );
    assert_eq!(
        (&*s.name, s.kind, s.start_ns, s.flags),
        ("", SpanKind::Unspecified, 0, 0)
    );
    assert_eq!(s.events.len(), 1);
    assert!(s.resource.attributes.is_empty());
    assert_eq!(&*s.scope.name, "");
    assert_eq!(&*s.service, "");
}

#[test]
fn jaeger_references_on_links_give_ref_kinds_and_parent_ref() {
    let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"1","spanId":"3","parentSpanId":"2","links":[
            {"traceId":"1","spanId":"2","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"child_of"}}]},
            {"traceId":"1","spanId":"9","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"follows_from"}},{"key":"x","value":{}}]}]},
        {"traceId":"1","spanId":"4","parentSpanId":"9","links":[
            {"traceId":"1","spanId":"9","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"follows_from"}}]}]},
        {"traceId":"1","spanId":"5","parentSpanId":"9","links":[
            {"traceId":"1","spanId":"9","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"other"}}]}]}]}]}]}"#;
    let spans = ok(doc.as_bytes());
    assert_eq!(spans[0].parent_ref, ParentRef::ChildOf);
    assert_eq!(spans[0].links[0].kind, RefKind::ChildOf);
    assert!(spans[0].links[0].attributes.is_empty());
    assert_eq!(spans[0].links[1].kind, RefKind::FollowsFrom);
    assert_eq!(spans[0].links[1].attributes.len(), 1);
    assert_eq!(spans[1].parent_ref, ParentRef::FollowsFrom);
    assert_eq!(spans[2].parent_ref, ParentRef::ParentId);
    assert_eq!(spans[2].links[0].kind, RefKind::Link);
    assert_eq!(spans[2].links[0].attributes.len(), 1);
}

#[test]
fn key_order_does_not_matter() {
    // Spans before scope and resource, schemaUrl first: everything is still patched in.
    let doc = r#"{"resourceSpans":[{"schemaUrl":"u","scopeSpans":[{"spans":[{"spanId":"2","traceId":"1"}],
        "scope":{"name":"late"}}],"resource":{"attributes":[{"value":{"stringValue":"s"},"key":"service.name"}]}}]}"#;
    let spans = ok(doc.as_bytes());
    assert_eq!((&*spans[0].service, &*spans[0].scope.name), ("s", "late"));
    assert_eq!(spans[0].resource.schema_url.as_deref(), Some("u"));
}

#[test]
fn resources_and_scopes_are_shared() {
    let line = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"1","spanId":"1"},{"traceId":"1","spanId":"2"}]}]}]}"#;
    let doc = format!("{line}\n{line}\n{line}\n");
    // One thread: one interner and one resource cache for the whole input.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let spans = pool.install(|| ok(doc.as_bytes()));
    assert_eq!(spans.len(), 6);
    assert!(
        spans
            .iter()
            .all(|s| Arc::ptr_eq(&s.resource, &spans[0].resource))
    );
    assert!(spans.iter().all(|s| Arc::ptr_eq(&s.scope, &spans[0].scope)));
    assert!(
        spans
            .iter()
            .all(|s| Arc::ptr_eq(&s.service, &spans[0].service))
    );
    // Several threads: shared within each worker's part of a chunk, equal everywhere.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let spans = pool.install(|| ok(doc.as_bytes()));
    assert!(
        spans
            .iter()
            .all(|s| s.resource == spans[0].resource && s.scope == spans[0].scope)
    );
    assert!(Arc::ptr_eq(&spans[0].resource, &spans[1].resource));
}

// ---------------------------------------------------------------------------------------------
// Many documents in one file

const ONE: &str =
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"1"}]}]}]}"#;

fn ids(spans: &[Span]) -> Vec<u64> {
    spans.iter().map(|s| s.span_id.0).collect()
}

fn one(span: u64) -> String {
    ONE.replace("\"spanId\":\"1\"", &format!("\"spanId\":\"{span:x}\""))
}

#[test]
fn json_lines_concatenated_and_pretty_documents() {
    // JSON lines with blank lines, CRLF, a BOM, and two values on one line.
    let text = format!(
        "\u{feff}{}\r\n\n{} {}\n   \n{}",
        one(1),
        one(2),
        one(3),
        one(4)
    );
    assert_eq!(ids(&ok(text.as_bytes())), [1, 2, 3, 4]);
    // Pretty-printed documents one after the other (a streamed document with several values).
    let pretty = |n| {
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&one(n)).unwrap())
            .unwrap()
    };
    let text = format!("{}\n{}{}\n\n", pretty(1), pretty(2), pretty(3));
    assert_eq!(ids(&ok(text.as_bytes())), [1, 2, 3]);
    // grpc-gateway streams: {"result":…}{"result":…}
    let text = format!("{{\"result\":{}}}{{\"result\":{}}}", one(5), one(6));
    assert_eq!(ids(&ok(text.as_bytes())), [5, 6]);
}

#[test]
fn small_buffers_and_chunks_give_the_same_spans() {
    let mut text = String::new();
    for i in 1..=50u64 {
        text.push_str(&one(i));
        text.push('\n');
        if i % 7 == 0 {
            text.push('\n');
        }
    }
    let want: Vec<u64> = (1..=50).collect();
    for (chunk, io_buf) in [(1, 1), (10, 3), (100, 7), (1000, 64), (1 << 20, 1 << 16)] {
        let (spans, w, r) = read_bytes_with(text.as_bytes(), chunk, 1 << 20, io_buf);
        r.unwrap();
        assert!(w.is_empty());
        assert_eq!(ids(&spans), want, "chunk {chunk} buf {io_buf}");
    }
    // Lines longer than the limit: the rest of the input is streamed, same spans.
    let (spans, w, r) = read_bytes_with(text.as_bytes(), 100, 50, 7);
    r.unwrap();
    assert!(w.is_empty());
    assert_eq!(ids(&spans), want);
    // A first line longer than the limit: streamed from the start.
    let (spans, _, r) = read_bytes_with(text.as_bytes(), 100, 10, 5);
    r.unwrap();
    assert_eq!(ids(&spans), want);
}

#[test]
fn parallel_and_single_threaded_agree() {
    let data = sample("generated/otlp-json/otel-python-file-exporter.jsonl");
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| read_bytes_with(&data, 4096, 1 << 20, 1000))
    };
    let (a, wa, ra) = run(1);
    let (b, wb, rb) = run(4);
    ra.unwrap();
    rb.unwrap();
    assert!(wa.is_empty() && wb.is_empty());
    assert_eq!(a.len(), 94);
    assert_eq!(a, b);
}

#[test]
fn chunks_keep_order_warnings_and_truncation() {
    let mut text = String::new();
    for i in 1..=60u64 {
        if i % 13 == 0 {
            text.push_str("{\"resourceSpans\": x}\n");
        } else {
            text.push_str(&one(i));
            text.push('\n');
        }
    }
    let cut = one(61);
    text.push_str(&cut[..cut.len() - 4]);
    let want: Vec<u64> = (1..=61).filter(|i| i % 13 != 0).collect();
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for chunk in [1, 150, 1000] {
            let (spans, w, r) =
                pool.install(|| read_bytes_with(text.as_bytes(), chunk, 1 << 20, 64));
            assert_eq!(ids(&spans), want, "threads {threads} chunk {chunk}");
            let lines: Vec<u64> = w
                .iter()
                .map(|w| match w.position {
                    Some(Position::LineColumn { line, .. }) => line,
                    ref other => panic!("{other:?}"),
                })
                .collect();
            assert_eq!(lines, [13, 26, 39, 52]);
            let e = r.unwrap_err();
            assert!(
                matches!(e.position, Some(Position::LineColumn { line: 61, .. })),
                "{e}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and their positions

#[test]
fn malformed_document_says_line_column_and_expectation() {
    let text = "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [}\n  ]\n}\n";
    let (spans, _, r) = read_bytes(text.as_bytes());
    assert!(spans.is_empty());
    let e = r.unwrap_err();
    assert_eq!(
        e.position,
        Some(Position::LineColumn {
            line: 3,
            column: 21
        })
    );
    assert!(e.message.contains("expected value"), "{}", e.message);
    assert!(
        e.message.contains("resourceSpans[0].scopeSpans"),
        "{}",
        e.message
    );
    assert_eq!(e.to_string().lines().count(), 1);
}

#[test]
fn bad_json_line_is_a_warning_with_the_file_line_and_reading_goes_on() {
    let text = format!(
        "{}\n{}\n{{\"resourceSpans\": [}}\n\n{}\n",
        one(1),
        one(2),
        one(4)
    );
    let (spans, warnings, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert_eq!(ids(&spans), [1, 2, 4]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].position,
        Some(Position::LineColumn {
            line: 3,
            column: 20
        })
    );
    assert!(
        warnings[0].message.contains("expected value"),
        "{}",
        warnings[0].message
    );
    // The same at the first line of a file.
    let text = format!("{{\"resourceSpans\": x}}\n{}\n", one(2));
    let (spans, warnings, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert_eq!(ids(&spans), [2]);
    assert_eq!(
        warnings[0].position,
        Some(Position::LineColumn {
            line: 1,
            column: 19
        })
    );
    // A line cut off inside a string, in the middle of the file.
    let text = format!(
        "{}\n{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{{\"traceId\":\"ab\n{}\n",
        one(1),
        one(3)
    );
    let (spans, warnings, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert_eq!(ids(&spans), [1, 3]);
    assert_eq!(warnings.len(), 1);
    assert!(matches!(
        warnings[0].position,
        Some(Position::LineColumn { line: 2, .. })
    ));
}

#[test]
fn wrong_type_gives_the_json_path() {
    let text = format!(
        "{}\n{}\n",
        one(1),
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"1"},{"traceId":"1","spanId":"2"},{"traceId":"1","spanId":"3"},{"traceId":5,"spanId":"4"}]}]}]}"#
    );
    let (spans, warnings, r) = read_bytes(text.as_bytes());
    r.unwrap();
    // The other spans of the line are kept.
    assert_eq!(ids(&spans), [1, 1, 2, 3]);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].message.ends_with("; span skipped"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        warnings[0].position,
        Some(Position::Path {
            line: Some(2),
            path: "resourceSpans[0].scopeSpans[0].spans[3].traceId".into()
        })
    );
    assert!(
        warnings[0].message.contains("invalid type: integer `5`"),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[0].message.contains("expected a trace id"),
        "{}",
        warnings[0].message
    );
    // In a streamed document, the same costs that span (with its path), and the spans after
    // it are read.
    let doc = "{\"result\":{\"resourceSpans\":[\n{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"1\",\"spanId\":\"1\",\n\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":true}}]},\n{\"traceId\":\"1\",\"spanId\":\"2\"}]}]}]}}";
    let (spans, warnings, r) = read_bytes(doc.as_bytes());
    r.unwrap();
    assert_eq!(ids(&spans), [2]);
    assert_eq!(warnings.len(), 1);
    let e = &warnings[0];
    assert_eq!(
        e.position,
        Some(Position::Path {
            line: None,
            path: "result.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue"
                .into()
        })
    );
    assert!(e.message.ends_with("; span skipped"), "{}", e.message);
    assert!(
        e.message.contains("invalid type: boolean `true`"),
        "{}",
        e.message
    );
}

#[test]
fn bad_span_id_skips_that_span_with_a_warning() {
    let doc = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"1","spanId":"1"},
        {"traceId":"1","spanId":"xyz!"},
        {"traceId":"not-an-id","spanId":"3"},
        {"traceId":"1","spanId":"4","parentSpanId":"0123456789abcdef0"},
        {"spanId":"5"},
        {"traceId":"1","spanId":"0000000000000000"},
        {"traceId":"1","spanId":"7","links":[{"traceId":"1","spanId":"@@"},{"traceId":"1","spanId":"8"}]}]}]}]}"#;
    let (spans, warnings, r) = read_bytes(doc.as_bytes());
    r.unwrap();
    assert_eq!(ids(&spans), [1, 7]);
    assert_eq!(spans[1].links.len(), 1);
    let paths: Vec<String> = warnings
        .iter()
        .map(|w| match &w.position {
            Some(Position::Path { path, .. }) => path.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    let p = "resourceSpans[0].scopeSpans[0].spans";
    assert_eq!(
        paths,
        [
            format!("{p}[1].spanId"),
            format!("{p}[2].traceId"),
            format!("{p}[3].parentSpanId"),
            format!("{p}[4].traceId"),
            format!("{p}[5].spanId"),
            format!("{p}[6].links[0].spanId"),
        ]
    );
    assert!(warnings[0].message.contains("span skipped"));
    assert!(warnings[5].message.contains("link dropped"));
}

#[test]
fn truncated_document_is_an_error_and_keeps_earlier_spans() {
    let full = format!(
        "{{\"resourceSpans\":[\n{},\n{}\n]}}\n",
        r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":[{"spans":[{"traceId":"1","spanId":"1"}]}]}"#,
        r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"b"}}]},"scopeSpans":[{"scope":{"name":"s"},"spans":[{"traceId":"1","spanId":"2"},{"traceId":"1","spanId":"3","name":"cut"}]}]}"#
    );
    assert_eq!(ids(&ok(full.as_bytes())), [1, 2, 3]);
    let cut = full.find("\"cut\"").unwrap();
    let (spans, _, r) = read_bytes(&full.as_bytes()[..cut]);
    let e = r.unwrap_err();
    assert!(e.message.contains("truncated"), "{}", e.message);
    assert!(
        matches!(e.position, Some(Position::LineColumn { line: 3, .. })),
        "{:?}",
        e.position
    );
    // The first ResourceSpans and the complete span of the second are kept, with their
    // resource and scope.
    assert_eq!(ids(&spans), [1, 2]);
    assert_eq!(
        (
            &*spans[0].service,
            &*spans[1].service,
            &*spans[1].scope.name
        ),
        ("a", "b", "s")
    );
}

#[test]
fn truncated_last_json_line_is_an_error() {
    let last = one(3);
    let text = format!("{}\n{}\n{}", one(1), one(2), &last[..last.len() - 5]);
    let (spans, _, r) = read_bytes(text.as_bytes());
    let e = r.unwrap_err();
    assert_eq!(ids(&spans), [1, 2, 3]);
    assert!(matches!(
        e.position,
        Some(Position::LineColumn { line: 3, .. })
    ));
    assert!(e.message.contains("truncated"));
}

#[test]
fn wrong_top_level_types() {
    let (_, w, r) = read_bytes(b"42\n");
    r.unwrap();
    assert!(
        w[0].message.contains("expected an OTLP/JSON object"),
        "{}",
        w[0].message
    );
    let (_, _, r) = read_bytes(b"{\"resourceSpans\":{\"a\":1}}");
    assert!(r.is_ok());
    let (_, w, _) = read_bytes(b"{\"resourceSpans\":{\"a\":1}}");
    assert!(
        w[0].message.contains("expected a list of ResourceSpans"),
        "{}",
        w[0].message
    );
}

#[test]
fn error_bodies_and_foreign_objects_are_reported() {
    let (spans, w, r) = read_bytes(br#"{"error":{"httpCode":404,"message":"No traces found"}}"#);
    r.unwrap();
    assert!(spans.is_empty());
    assert_eq!(w.len(), 1);
    assert_eq!(
        w[0].position,
        Some(Position::Path {
            line: Some(1),
            path: "error".into()
        })
    );
    assert!(
        w[0].message.contains("No traces found (code 404)"),
        "{}",
        w[0].message
    );
    // Jaeger JSON read as OTLP/JSON.
    let (_, w, r) = read_bytes(br#"{"data":[{"traceID":"1","spans":[]}],"total":0}"#);
    r.unwrap();
    assert!(
        w[0].message
            .contains("keys \"data\", \"total\" but no resourceSpans"),
        "{}",
        w[0].message
    );
    // Tempo v2's extra keys and an export response are fine.
    assert!(ok(br#"{"trace":{},"status":"PARTIAL","message":"m","metrics":{}}"#).is_empty());
    assert!(ok(br#"{"partialSuccess":{}}"#).is_empty());
}

fn nested(depth: usize) -> String {
    let mut v = String::from("{\"stringValue\":\"x\"}");
    for _ in 0..depth {
        v = format!("{{\"arrayValue\":{{\"values\":[{v}]}}}}");
    }
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"1","spanId":"1","attributes":[{{"key":"k","value":{v}}}]}}]}}]}}]}}"#
    )
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 30 levels of arrays read fine; thousands are refused by the parser's depth limit,
    // also in a streamed document and on a small thread stack.
    assert_eq!(ok(nested(30).as_bytes()).len(), 1);
    let deep = nested(5000);
    let (_, w, r) = read_bytes(deep.as_bytes());
    r.unwrap();
    assert!(w[0].message.contains("recursion limit"), "{}", w[0].message);
    let pretty_start = format!("{{\n{}", &deep[1..]);
    let handle = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(move || {
            let (_, _, r) = read_bytes(pretty_start.as_bytes());
            r.unwrap_err().message
        })
        .unwrap();
    assert!(handle.join().unwrap().contains("recursion limit"));
    let brackets = "[".repeat(100_000);
    let (_, w, _) = read_bytes(brackets.as_bytes());
    assert!(!w.is_empty());
    // Lines parsed on rayon workers (small stacks) in parallel.
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(if i % 3 == 0 { &deep } else { ONE });
        text.push('\n');
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .stack_size(1 << 20)
        .build()
        .unwrap();
    let (spans, w, r) = pool.install(|| read_bytes_with(text.as_bytes(), 64, 1 << 20, 4096));
    r.unwrap();
    assert_eq!((spans.len(), w.len()), (26, 14));
    assert!(w.iter().all(|w| w.message.contains("recursion limit")));
}

#[test]
fn many_bad_lines_are_summarised() {
    let text = "x\n".repeat(150);
    let (_, w, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert_eq!(w.len(), MAX_WARNINGS + 1);
    assert!(w.last().unwrap().message.starts_with("50 more problems"));
}

// ---------------------------------------------------------------------------------------------
// Real samples (expected values read from the files independently)

#[test]
fn sample_otel_proto_example() {
    let spans = ok(&sample("otlp-json_otel-proto-example_trace.json"));
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(s.trace_id.to_string(), "5b8efff798038103d269b633813fc60c");
    assert_eq!(s.span_id.to_string(), "eee19b7ec3c1b174");
    assert_eq!(s.parent_span_id, Some(sid("eee19b7ec3c1b173")));
    assert_eq!(
        (&*s.name, &*s.service, s.kind),
        ("I'm a server span", "my.service", SpanKind::Server)
    );
    assert_eq!(
        (s.start_ns, s.duration_ns()),
        (1_544_712_660_000_000_000, 1_000_000_000)
    );
    assert_eq!(
        attr(&s.attributes, "my.span.attr"),
        &Value::from("some value")
    );
    assert_eq!(
        (&*s.scope.name, s.scope.version.as_deref()),
        ("my.library", Some("1.0.0"))
    );
    assert_eq!(
        attr(&s.scope.attributes, "my.scope.attribute"),
        &Value::from("some scope attribute")
    );
}

#[test]
fn sample_tempo_v1_batches_hex_and_base64() {
    let example = ok(&sample("otlp-json_otel-proto-example_trace.json"));
    let batches = ok(&sample("tempo-v1-batches_tempopb_trace.json"));
    let derived = ok(&sample("tempo-v1-style_DERIVED_base64-ids_enum-names.json"));
    assert_eq!(batches, example);
    assert_eq!(derived, example);
}

#[test]
fn sample_jaeger_api_v3() {
    let spans = ok(&sample("jaeger-apiv3_gettrace-response_snapshot.json"));
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(
        (s.trace_id, s.span_id, s.parent_span_id),
        (TraceId(1), SpanId(2), None)
    );
    assert_eq!(
        (&*s.name, s.kind, s.status.code),
        ("foobar", SpanKind::Server, StatusCode::Error)
    );
    assert_eq!((s.start_ns, s.end_ns, &*s.service), (0, 0, ""));
}

#[test]
fn sample_jaeger_ui_multi_jsonl() {
    let spans = ok(&sample("otlp-jsonl_jaeger-ui_multi-in.jsonl"));
    let t = tid("c620759e5d60fafb8ee0922b30e06bc6");
    assert_eq!(spans.len(), 4);
    assert!(
        spans
            .iter()
            .all(|s| s.trace_id == t && &*s.service == "example-trace")
    );
    let got: Vec<(String, Option<String>, u64)> = spans
        .iter()
        .map(|s| {
            (
                s.span_id.to_string(),
                s.parent_span_id.map(|p| p.to_string()),
                s.duration_ns(),
            )
        })
        .collect();
    let p = Some("49b8e9efa1e8a3b1".to_string());
    assert_eq!(
        got,
        [
            ("26f5ef9dbb885479".into(), p.clone(), 46_460_625),
            ("e76628f4e6dde174".into(), p, 71_355_250),
            (
                "49b8e9efa1e8a3b1".into(),
                Some("eff3153be6b1fb93".into()),
                173_150_875
            ),
            ("eff3153be6b1fb93".into(), None, 176_321_958),
        ]
    );
    assert_eq!(
        (&*spans[3].scope.name, spans[3].scope.version.as_deref()),
        ("widgets", Some("1.2.3"))
    );
}

fn trace_counts(spans: &[Span]) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = Vec::new();
    for s in spans {
        let id = s.trace_id.to_string();
        match v.iter_mut().find(|(t, _)| *t == id) {
            Some((_, n)) => *n += 1,
            None => v.push((id, 1)),
        }
    }
    v
}

#[test]
fn sample_generated_otel_python() {
    let lines = ok(&sample(
        "generated/otlp-json/otel-python-file-exporter.jsonl",
    ));
    assert_eq!(lines.len(), 94);
    let want: Vec<(String, usize)> = [
        ("13998450bc6817d72b8ff3c6c47d773a", 21),
        ("38c6c08e70c627fd937d19b8cb66d0da", 1),
        ("0cb0f836124d98d806e10d0ea1575e6a", 24),
        ("67436b96628fbaa3efcdeef0b6cc6b2d", 1),
        ("d0bfd632241ec089649b670d6041e0e4", 21),
        ("4b9597b07450a5cb508eb927e2d5474f", 1),
        ("a12870d7e5dd88b5133d7422bb14b64e", 24),
        ("d9483c0ae12ecbe8bdd1c85c9ed47b1b", 1),
    ]
    .iter()
    .map(|(t, n)| (t.to_string(), *n))
    .collect();
    assert_eq!(trace_counts(&lines), want);
    // GET /broken: the error span with an exception event and a remote parent.
    let b = by_id(&lines, "a020800c36ab2bfb");
    assert_eq!(b.trace_id, tid("0cb0f836124d98d806e10d0ea1575e6a"));
    assert_eq!(b.parent_span_id, Some(sid("ea3747b9000224d7")));
    assert_eq!(
        (&*b.name, &*b.service, b.kind, b.flags),
        ("GET /broken", "frontend", SpanKind::Server, 768)
    );
    assert_eq!(b.duration_ns(), 4_450_559);
    assert_eq!(b.status.code, StatusCode::Error);
    assert_eq!(
        b.status.message.as_deref(),
        Some("RuntimeError: recommendation cache unavailable")
    );
    assert_eq!(
        (
            b.events.len(),
            &*b.events[0].name,
            b.events[0].attributes.len()
        ),
        (1, "exception", 4)
    );
    assert_eq!(b.parent_is_remote(), Some(true));
    assert_eq!(
        (&*b.scope.name, b.scope.version.as_deref()),
        ("opentelemetry.instrumentation.flask", Some("0.66b1"))
    );
    // The consumer span linked to its producer in another trace.
    let c = by_id(&lines, "ff28297ef9055b23");
    assert_eq!(
        (c.kind, c.parent_span_id, c.duration_ns()),
        (SpanKind::Consumer, None, 1_106_376)
    );
    assert_eq!(c.links.len(), 1);
    assert_eq!(
        (c.links[0].trace_id, c.links[0].span_id),
        (
            tid("13998450bc6817d72b8ff3c6c47d773a"),
            sid("7bb957bb3d8562d9")
        )
    );
    assert_eq!((c.links[0].flags, c.links[0].kind), (256, RefKind::Link));
    assert_eq!(
        attr(&c.links[0].attributes, "link.reason"),
        &Value::from("async-order")
    );
    // validate-cart: typed attributes as the Python SDK wrote them.
    let v = by_id(&lines, "60ac506e52706173");
    assert_eq!(attr(&v.attributes, "cart.items"), &Value::Int(2));
    assert_eq!(attr(&v.attributes, "cart.total"), &Value::Double(39.98));
    assert_eq!(attr(&v.attributes, "cart.gift"), &Value::Bool(false));
    // The merged document (pretty-printed, streamed) holds the same spans in the same order.
    let merged = ok(&sample(
        "generated/otlp-json/otel-python-merged-resourceSpans.json",
    ));
    assert_eq!(merged, lines);
    // One OTLP/HTTP request body (a single line without a newline).
    let body = ok(&sample(
        "generated/otlp-json/otel-python-otlp-http-json-body.json",
    ));
    assert_eq!(body.len(), 4);
    assert!(
        body.iter()
            .all(|s| s.trace_id == tid("13998450bc6817d72b8ff3c6c47d773a"))
    );
    assert_eq!(body[0].span_id, sid("d5e72f155ff82a7e"));
    assert_eq!(body[0].parent_span_id, Some(sid("22bebc3856add355")));
    assert_eq!(
        (&*body[0].name, body[0].duration_ns(), body[0].flags),
        ("SELECT stock", 140_592, 256)
    );
    assert_eq!(body[0].kind, SpanKind::Client);
    assert_eq!(
        (body[2].span_id, body[2].flags, body[2].kind),
        (sid("22bebc3856add355"), 768, SpanKind::Server)
    );
}

#[test]
fn sample_tempo_backend_responses() {
    let counts = [
        ("00000000000000003241afc70b0e852d", 5),
        ("00000000000000005fd2313cb180424c", 6),
        ("0000000000000000aae948beea5ddf1e", 6),
        ("0000000000000000f5c3b274e732dd87", 5),
        ("0cb0f836124d98d806e10d0ea1575e6a", 24),
        ("38c6c08e70c627fd937d19b8cb66d0da", 1),
        ("a12870d7e5dd88b5133d7422bb14b64e", 24),
    ];
    let otlp = ok(&sample(
        "generated/otlp-json/otel-python-file-exporter.jsonl",
    ));
    for (id, n) in counts {
        for api in ["api-traces", "api-v2-traces"] {
            let spans = ok(&sample(&format!(
                "generated/backend-responses/tempo/{api}-{id}.json"
            )));
            assert_eq!(spans.len(), n, "{api} {id}");
            assert!(spans.iter().all(|s| s.trace_id == tid(id)), "{api} {id}");
            // The OTel traces match what the SDK exported (Tempo reorders resources/spans).
            let from_sdk: Vec<&Span> = otlp.iter().filter(|s| s.trace_id == tid(id)).collect();
            if !from_sdk.is_empty() {
                assert_eq!(from_sdk.len(), n);
                for s in &spans {
                    let o = from_sdk.iter().find(|o| o.span_id == s.span_id).unwrap();
                    assert_eq!(
                        (
                            o.parent_span_id,
                            &o.name,
                            o.kind,
                            o.start_ns,
                            o.end_ns,
                            &o.status,
                            &o.service
                        ),
                        (
                            s.parent_span_id,
                            &s.name,
                            s.kind,
                            s.start_ns,
                            s.end_ns,
                            &s.status,
                            &s.service
                        )
                    );
                    // Tempo keeps attributes but not their order.
                    let sorted = |a: &[KeyValue]| {
                        let mut v = a.to_vec();
                        v.sort_by(|x, y| x.key.cmp(&y.key));
                        v
                    };
                    assert_eq!(sorted(&o.attributes), sorted(&s.attributes));
                    assert_eq!(o.events.len(), s.events.len());
                    for (a, b) in o.events.iter().zip(&s.events) {
                        assert_eq!((a.time_ns, &a.name), (b.time_ns, &b.name));
                        assert_eq!(sorted(&a.attributes), sorted(&b.attributes));
                    }
                    // Tempo 2.7 does not keep link flags.
                    let unflagged = |l: &[crate::model::Link]| {
                        l.iter()
                            .map(|l| crate::model::Link {
                                flags: 0,
                                ..l.clone()
                            })
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(unflagged(&o.links), unflagged(&s.links));
                }
            }
        }
    }
    let t = ok(&sample(
        "generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.json",
    ));
    let b = by_id(&t, "a020800c36ab2bfb");
    assert_eq!(
        (b.parent_span_id, b.duration_ns()),
        (Some(sid("ea3747b9000224d7")), 4_450_559)
    );
    assert_eq!(
        (b.kind, b.status.code),
        (SpanKind::Server, StatusCode::Error)
    );
    let root = by_id(&t, "aa1a63b2da8215a8");
    assert_eq!(
        (&*root.name, root.parent_span_id, root.duration_ns()),
        ("user-journey", None, 39_184_826)
    );
    assert_eq!(
        (&*root.service, root.kind),
        ("web-client", SpanKind::Internal)
    );
    let j = ok(&sample(
        "generated/backend-responses/tempo/api-v2-traces-00000000000000003241afc70b0e852d.json",
    ));
    let audit = by_id(&j, "e7a77e577b6d8c28");
    assert_eq!(
        (&*audit.name, audit.kind, audit.duration_ns()),
        ("audit-log", SpanKind::Unspecified, 1_150_000)
    );
    assert_eq!(
        (audit.links[0].trace_id, audit.links[0].span_id),
        (TraceId(0x3241afc70b0e852d), sid("b1b51c91062c06c7"))
    );
    let root = by_id(&j, "b1b51c91062c06c7");
    assert_eq!(
        (&*root.name, &*root.service, root.duration_ns()),
        ("GET /api/orders", "legacy-gateway", 6_802_000)
    );
    let db = by_id(&j, "75e3c9d04da13a46");
    assert_eq!(
        (db.parent_span_id, &*db.service, db.duration_ns()),
        (Some(sid("f99ba638b1ecfae2")), "legacy-db", 2_123_000)
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests: nothing panics

fn seeds() -> Vec<Vec<u8>> {
    vec![
        FULL.as_bytes().to_vec(),
        snake(FULL).into_bytes(),
        sample("tempo-v1-style_DERIVED_base64-ids_enum-names.json"),
        sample("otlp-jsonl_jaeger-ui_multi-in.jsonl"),
        sample("generated/otlp-json/otel-python-otlp-http-json-body.json"),
        nested(3).into_bytes(),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let tokens = prop::sample::select(vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"[".to_vec(),
        b"]".to_vec(),
        b"\"".to_vec(),
        b",".to_vec(),
        b":".to_vec(),
        b"null".to_vec(),
        b"\n".to_vec(),
        b"\\".to_vec(),
        b"-1".to_vec(),
        b"1e999".to_vec(),
        b"\"NaN\"".to_vec(),
        b"{\"low\":1}".to_vec(),
        b"\"\\ud800\"".to_vec(),
        vec![0xff, 0xfe],
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Replace(p, b)),
        (any::<usize>(), tokens).prop_map(|(p, t)| Edit::Insert(p, t)),
        (any::<usize>(), 1usize..20).prop_map(|(p, n)| Edit::Delete(p, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut doc: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = doc.len().max(1);
        match e {
            Edit::Replace(p, b) => {
                if !doc.is_empty() {
                    let i = p % doc.len();
                    doc[i] = *b;
                }
            }
            Edit::Insert(p, t) => {
                let i = p % (doc.len() + 1);
                doc.splice(i..i, t.iter().copied());
            }
            Edit::Delete(p, n) => {
                let i = p % len;
                let j = (i + n).min(doc.len());
                if i < j {
                    doc.drain(i..j);
                }
            }
            Edit::Truncate(p) => doc.truncate(p % len),
        }
    }
    doc
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_bytes(&bytes);
        let _ = read_bytes_with(&bytes, 16, 32, 3);
    }

    #[test]
    fn mutated_documents_never_panic(which in 0usize..6, edits in prop::collection::vec(edit(), 1..6)) {
        let doc = apply(seeds()[which].clone(), &edits);
        let (spans, _, _) = read_bytes(&doc);
        for s in &spans {
            prop_assert!(!s.trace_id.is_zero() && !s.span_id.is_zero());
        }
        let _ = read_bytes_with(&doc, 64, 128, 5);
    }
}

/// Through the real loading path: detection (OTLP, Tempo, api_v3), gzip, the file reader.
#[test]
fn loads_through_detection_and_gzip() {
    use crate::input::load::{LoadOptions, load};
    use std::io::Write as _;
    let base = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let files = [
        (
            "generated/otlp-json/otel-python-file-exporter.jsonl",
            94,
            crate::formats::Format::OtlpJson,
        ),
        (
            "generated/backend-responses/tempo/api-v2-traces-0cb0f836124d98d806e10d0ea1575e6a.json",
            24,
            crate::formats::Format::Tempo,
        ),
        (
            "jaeger-apiv3_gettrace-response_snapshot.json",
            1,
            crate::formats::Format::OtlpJson,
        ),
    ];
    for (rel, n, format) in files {
        let loaded = load(&[format!("{base}/{rel}")], &LoadOptions::default());
        assert!(
            loaded.report.errors.is_empty(),
            "{rel}: {:?}",
            loaded.report.errors
        );
        assert_eq!(loaded.traces.span_count(), n, "{rel}");
        assert_eq!(loaded.report.inputs[0].1, format, "{rel}");
    }
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("spans.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&sample(
        "generated/otlp-json/otel-python-file-exporter.jsonl",
    ))
    .unwrap();
    enc.finish().unwrap();
    let loaded = load(
        &[gz.to_string_lossy().into_owned()],
        &LoadOptions::default(),
    );
    assert!(loaded.report.errors.is_empty());
    assert_eq!((loaded.traces.len(), loaded.traces.span_count()), (8, 94));
    // A bad line is reported with the file name and the file's line.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{ONE}\n{{\"resourceSpans\":[}}\n{ONE}\n")).unwrap();
    let loaded = load(
        &[bad.to_string_lossy().into_owned()],
        &LoadOptions::default(),
    );
    assert_eq!(loaded.traces.span_count(), 2);
    assert_eq!(loaded.report.errors.len(), 1);
    let shown = loaded.report.errors[0].to_string();
    assert!(
        shown.starts_with(&format!("{}:2:19: expected value", bad.display())),
        "{shown}"
    );
}
