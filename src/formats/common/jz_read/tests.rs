use std::sync::Arc;

use super::*;

fn kv(k: &str, v: Value) -> KeyValue {
    KeyValue::new(k, v)
}

#[test]
fn scalar_numbers_are_exact() {
    assert_eq!(
        Scalar::Str("9223372036854775222".into()).int(),
        Some(9_223_372_036_854_775_222)
    );
    assert_eq!(
        micros_to_ns(&Scalar::U64(1_706_678_909_209_712)).unwrap(),
        1_706_678_909_209_712_000
    );
    assert_eq!(micros_to_ns(&Scalar::F64(1.234)).unwrap(), 1234);
    assert_eq!(micros_to_ns(&Scalar::I64(-5)).unwrap(), -5000);
    assert!(micros_to_ns(&Scalar::U64(u64::MAX)).is_err());
    assert!(micros_to_ns(&Scalar::Str("x".into())).is_err());
    assert!(micros_to_ns(&Scalar::F64(f64::INFINITY)).is_err());
}

#[test]
fn ids() {
    assert_eq!(
        parse_trace_id(&Scalar::Str("0000000000000001".into())).unwrap(),
        TraceId(1)
    );
    assert_eq!(
        parse_span_id(&Scalar::Str("".into())).unwrap(),
        SpanId::ZERO
    );
    assert!(parse_span_id(&Scalar::Str("00000000000000001".into())).is_err());
    assert!(parse_span_id(&Scalar::U64(5)).is_err());
    assert!(
        parse_trace_id(&Scalar::Str("xyz".into()))
            .unwrap_err()
            .contains("\"xyz\"")
    );
}

#[test]
fn conventions_jaeger() {
    let mut attrs = vec![
        kv("span.kind", "server".into()),
        kv("a", "1".into()),
        kv("error", Value::Bool(true)),
        kv("otel.status_description", "boom".into()),
        kv("otel.scope.name", "lib".into()),
        kv("otel.library.name", "lib".into()),
        kv("otel.library.version", "2".into()),
        kv("w3c.tracestate", "k=v".into()),
    ];
    let c = take_conventions(&mut attrs, Dialect::Jaeger);
    assert_eq!(attrs, vec![kv("a", "1".into())]);
    assert_eq!(c.kind, Some(SpanKind::Server));
    assert_eq!(c.status.code, StatusCode::Error);
    assert_eq!(c.status.message.as_deref(), Some("boom"));
    assert_eq!(c.scope_name.as_deref(), Some("lib"));
    assert_eq!(c.scope_version.as_deref(), Some("2"));
    assert_eq!(c.trace_state.as_deref(), Some("k=v"));

    // VictoriaTraces: "unset" is no error; a copied Zipkin message is an error with it.
    let mut attrs = vec![kv("error", "unset".into()), kv("span.kind", "".into())];
    let c = take_conventions(&mut attrs, Dialect::Jaeger);
    assert!(attrs.is_empty());
    assert_eq!(c.status, Status::default());
    assert_eq!(c.kind, None);
    let mut attrs = vec![
        kv("error", "card declined".into()),
        kv("error", "true".into()),
    ];
    let c = take_conventions(&mut attrs, Dialect::Jaeger);
    assert_eq!(c.status.code, StatusCode::Error);
    assert_eq!(c.status.message.as_deref(), Some("card declined"));

    // Not understood: stays an attribute.
    let mut attrs = vec![
        kv("span.kind", "sideways".into()),
        kv("otel.status_code", Value::Int(2)),
    ];
    let c = take_conventions(&mut attrs, Dialect::Jaeger);
    assert_eq!(attrs.len(), 2);
    assert_eq!(c.kind, None);
}

#[test]
fn conventions_zipkin() {
    let mut attrs = vec![kv("error", "".into())];
    assert_eq!(
        take_conventions(&mut attrs, Dialect::Zipkin).status.code,
        StatusCode::Error
    );
    let mut attrs = vec![
        kv("otel.status_code", "ERROR".into()),
        kv("error", "RuntimeError: x".into()),
    ];
    let c = take_conventions(&mut attrs, Dialect::Zipkin);
    assert_eq!(c.status.code, StatusCode::Error);
    assert_eq!(c.status.message.as_deref(), Some("RuntimeError: x"));
    let mut attrs = vec![kv("otel.status_code", "OK".into())];
    assert_eq!(
        take_conventions(&mut attrs, Dialect::Zipkin).status.code,
        StatusCode::Ok
    );
    // A library name that disagrees with the scope name is kept.
    let mut attrs = vec![
        kv("otel.scope.name", "a".into()),
        kv("otel.library.name", "b".into()),
    ];
    let c = take_conventions(&mut attrs, Dialect::Zipkin);
    assert_eq!(c.scope_name.as_deref(), Some("a"));
    assert_eq!(attrs, vec![kv("otel.library.name", "b".into())]);
}

#[test]
fn documents_and_positions() {
    let text = b"\xEF\xBB\xBF [1]\n  [2, 3]\n\n  {\"a\": tru}";
    let mut input: &[u8] = text;
    let mut docs = JsonDocs::new(&mut input);
    let mut got = Vec::new();
    while docs.next_document().ok().unwrap() {
        match docs.parse(|de| serde::Deserialize::deserialize(de)) {
            Ok(v) => got.push(v),
            Err(DocError::Json {
                line,
                column,
                message,
                syntax,
            }) => {
                assert_eq!((line, column), (4, 12), "{message}");
                assert!(syntax);
                break;
            }
            Err(DocError::Io { .. }) => panic!("io"),
        }
    }
    let got: Vec<serde_json::Value> = got;
    assert_eq!(got, vec![serde_json::json!([1]), serde_json::json!([2, 3])]);
}

#[test]
fn shared_values() {
    let mut s = Shared::new();
    let a = s.resource(vec![kv("service.name", "x".into())]);
    let b = s.resource(vec![kv("service.name", "x".into())]);
    assert!(Arc::ptr_eq(&a, &b));
    let c = s.scope(Some("n".into()), None);
    let d = s.scope(Some("n".into()), None);
    assert!(Arc::ptr_eq(&c, &d));
    assert!(Arc::ptr_eq(&s.scope(None, None), &s.empty_scope));
}
