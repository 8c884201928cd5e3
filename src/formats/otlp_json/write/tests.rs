//! Writer tests: exact output of each style, grouping, notes, and the round trip of arbitrary
//! model traces through Document, Lines and Tempo and back through the OTLP/JSON reader.

use super::*;
use crate::formats::otlp_json::read::read_bytes;
use crate::model::testkit;
use crate::model::{
    Event, FLAG_HAS_IS_REMOTE, FLAG_IS_REMOTE, ParentRef, SpanId, Status, TraceId, TraceSet,
};
use proptest::prelude::*;

fn write(style: Style, traces: &[Trace]) -> (String, Vec<String>) {
    let mut out = Vec::new();
    let notes = {
        let mut w = OtlpJsonWriter::new(&mut out, style);
        for t in traces {
            w.write_trace(t).unwrap();
        }
        w.finish().unwrap()
    };
    (String::from_utf8(out).unwrap(), notes)
}

fn resource(service: &str) -> Arc<Resource> {
    Arc::new(Resource {
        attributes: vec![KeyValue::new("service.name", Value::from(service))],
        ..Resource::default()
    })
}

fn scope(name: &str) -> Arc<Scope> {
    Arc::new(Scope {
        name: name.into(),
        version: Some("1.0".into()),
        ..Scope::default()
    })
}

fn span(trace: u128, id: u64, res: &Arc<Resource>, sc: &Arc<Scope>) -> Span {
    let service = match crate::model::value::find(&res.attributes, "service.name") {
        Some(Value::Str(v)) => &**v,
        _ => "",
    };
    testkit::span(id)
        .trace(trace)
        .service(service)
        .with(|s| {
            s.resource = res.clone();
            s.scope = sc.clone();
        })
        .build()
}

fn small_trace() -> Trace {
    let r = resource("svc");
    let sc = scope("lib");
    let mut s = span(
        0x5b8efff798038103d269b633813fc60c,
        0xeee19b7ec3c1b174,
        &r,
        &sc,
    );
    s.parent_span_id = Some(SpanId(0xeee19b7ec3c1b173));
    s.name = "GET /".into();
    s.kind = SpanKind::Server;
    s.start_ns = 1_544_712_660_000_000_000;
    s.end_ns = 1_544_712_661_000_000_000;
    s.flags = FLAG_HAS_IS_REMOTE | FLAG_IS_REMOTE | 1;
    s.attributes = vec![
        KeyValue::new("n", Value::Int(42)),
        KeyValue::new("d", Value::Double(0.5)),
    ];
    s.status = Status {
        code: StatusCode::Error,
        message: Some("boom".into()),
    };
    Trace {
        trace_id: s.trace_id,
        spans: vec![s],
    }
}

const SMALL_SPANS: &str = r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib","version":"1.0"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173","flags":769,"name":"GET /","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"d","value":{"doubleValue":0.5}}],"status":{"message":"boom","code":2}}]}]}"#;

#[test]
fn document_is_collector_style() {
    let (text, notes) = write(Style::Document, &[small_trace()]);
    assert_eq!(text, format!("{{\"resourceSpans\":[{SMALL_SPANS}]}}\n"));
    assert!(notes.is_empty());
    let (text, _) = write(Style::Document, &[small_trace(), small_trace()]);
    assert_eq!(
        text,
        format!("{{\"resourceSpans\":[{SMALL_SPANS},{SMALL_SPANS}]}}\n")
    );
    let (text, _) = write(Style::Document, &[]);
    assert_eq!(text, "{\"resourceSpans\":[]}\n");
    // Traces without spans write nothing.
    let empty = Trace::new(TraceId(7));
    let (text, _) = write(
        Style::Document,
        &[empty.clone(), small_trace(), empty.clone()],
    );
    assert_eq!(text, format!("{{\"resourceSpans\":[{SMALL_SPANS}]}}\n"));
    assert_eq!(write(Style::Lines, std::slice::from_ref(&empty)).0, "");
    assert_eq!(write(Style::Tempo, &[empty]).0, "");
}

#[test]
fn lines_are_one_traces_data_per_trace() {
    let (text, _) = write(Style::Lines, &[small_trace(), small_trace()]);
    let line = format!("{{\"resourceSpans\":[{SMALL_SPANS}]}}");
    assert_eq!(text, format!("{line}\n{line}\n"));
    assert_eq!(write(Style::Lines, &[]).0, "");
}

#[test]
fn tempo_has_base64_ids_and_enum_names() {
    let (text, _) = write(Style::Tempo, &[small_trace()]);
    let want = SMALL_SPANS
        .replace(
            "\"5b8efff798038103d269b633813fc60c\"",
            "\"W47/95gDgQPSabYzgT/GDA==\"",
        )
        .replace("\"eee19b7ec3c1b174\"", "\"7uGbfsPBsXQ=\"")
        .replace("\"eee19b7ec3c1b173\"", "\"7uGbfsPBsXM=\"")
        .replace("\"kind\":2", "\"kind\":\"SPAN_KIND_SERVER\"")
        .replace("\"code\":2", "\"code\":\"STATUS_CODE_ERROR\"");
    assert_eq!(text, format!("{{\"batches\":[{want}]}}\n"));
    // Several traces: one document per line.
    let (text, _) = write(Style::Tempo, &[small_trace(), small_trace()]);
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().all(|l| l.starts_with("{\"batches\":[")));
}

#[test]
fn spans_are_grouped_by_resource_and_scope() {
    let (ra, rb) = (resource("a"), resource("b"));
    // A resource equal to `ra` in another Arc joins its group.
    let ra2 = Arc::new((*ra).clone());
    let (s1, s2) = (scope("one"), scope("two"));
    let spans = vec![
        span(1, 1, &ra, &s1),
        span(1, 2, &rb, &s1),
        span(1, 3, &ra2, &s2),
        span(1, 4, &ra, &s1),
        span(1, 5, &rb, &s1),
    ];
    let (text, _) = write(
        Style::Document,
        &[Trace {
            trace_id: TraceId(1),
            spans,
        }],
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rs = v["resourceSpans"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    let layout: Vec<Vec<Vec<&str>>> = rs
        .iter()
        .map(|r| {
            r["scopeSpans"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    s["spans"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x["spanId"].as_str().unwrap())
                        .collect()
                })
                .collect()
        })
        .collect();
    assert_eq!(
        layout,
        vec![
            vec![
                vec!["0000000000000001", "0000000000000004"],
                vec!["0000000000000003"]
            ],
            vec![vec!["0000000000000002", "0000000000000005"]],
        ]
    );
}

#[test]
fn zero_and_empty_fields_are_left_out() {
    let r = Arc::new(Resource::default());
    let sc = Arc::new(Scope::default());
    let t = Trace {
        trace_id: TraceId(1),
        spans: vec![span(1, 2, &r, &sc)],
    };
    let (text, _) = write(Style::Lines, &[t]);
    assert_eq!(
        text,
        "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[{\"traceId\":\"00000000000000000000000000000001\",\"spanId\":\"0000000000000002\"}]}]}]}\n"
    );
}

#[test]
fn service_name_is_added_when_the_resource_lacks_it() {
    let r = Arc::new(Resource {
        attributes: vec![KeyValue::new("host.name", Value::from("h"))],
        ..Resource::default()
    });
    let mut s = span(1, 2, &r, &Arc::new(Scope::default()));
    s.service = "orders".into();
    let (text, _) = write(
        Style::Document,
        &[Trace {
            trace_id: TraceId(1),
            spans: vec![s],
        }],
    );
    let (spans, w, res) = read_bytes(text.as_bytes());
    res.unwrap();
    assert!(w.is_empty());
    assert_eq!(&*spans[0].service, "orders");
    let keys: Vec<&str> = spans[0]
        .resource
        .attributes
        .iter()
        .map(|kv| &*kv.key)
        .collect();
    assert_eq!(keys, ["service.name", "host.name"]);
}

#[test]
fn strings_are_escaped_and_special_doubles_written_as_strings() {
    let mut t = small_trace();
    let s = &mut t.spans[0];
    s.name = "q\"b\\s\n\t\r\u{1}\u{1f}é😀\u{7f}".into();
    s.attributes = vec![
        KeyValue::new("nan", Value::Double(f64::NAN)),
        KeyValue::new("inf", Value::Double(f64::INFINITY)),
        KeyValue::new("ninf", Value::Double(f64::NEG_INFINITY)),
        KeyValue::new("big", Value::Double(1e300)),
        KeyValue::new("tiny", Value::Double(-5e-324)),
        // Needs correctly rounded parsing (serde_json's `float_roundtrip`).
        KeyValue::new("hard", Value::Double(-1.1446178728386191e132)),
        KeyValue::new("k\"ey\u{0}", Value::from("v\u{0}")),
    ];
    let (text, _) = write(Style::Lines, std::slice::from_ref(&t));
    assert!(text.contains("\"doubleValue\":\"NaN\""));
    assert!(text.contains("\"doubleValue\":\"Infinity\""));
    assert!(text.contains("\"doubleValue\":\"-Infinity\""));
    assert!(text.contains("\\u0001"));
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    let (spans, _, r) = read_bytes(text.as_bytes());
    r.unwrap();
    let back = &spans[0];
    assert_eq!(back.name, t.spans[0].name);
    assert!(matches!(back.attributes[0].value, Value::Double(d) if d.is_nan()));
    assert_eq!(back.attributes[1..], t.spans[0].attributes[1..]);
}

#[test]
fn notes_for_what_otlp_cannot_carry() {
    let mut t = small_trace();
    t.spans[0].shared = true;
    let mut v = Value::from("leaf");
    for _ in 0..40 {
        v = Value::Array(vec![v].into());
    }
    t.spans[0].attributes.push(KeyValue::new("deep", v));
    let (text, notes) = write(Style::Document, &[t.clone(), t]);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("nested deeper than 32"));
    assert!(notes[1].contains("shared"));
    // The cut value is still readable.
    let (spans, w, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert!(w.is_empty());
    assert_eq!(spans.len(), 2);
}

#[test]
fn jaeger_references_survive_as_marked_links() {
    let mut t = small_trace();
    let s = &mut t.spans[0];
    let parent = s.parent_span_id.unwrap();
    let link = |span_id, kind| Link {
        trace_id: s.trace_id,
        span_id,
        kind,
        trace_state: None,
        attributes: Vec::new(),
        dropped_attributes_count: 0,
        flags: 0,
    };
    s.links = vec![
        link(parent, RefKind::ChildOf),
        link(SpanId(9), RefKind::FollowsFrom),
        link(SpanId(8), RefKind::Link),
    ];
    s.parent_ref = ParentRef::ChildOf;
    let (text, _) = write(Style::Lines, std::slice::from_ref(&t));
    assert!(
        text.contains(
            "{\"key\":\"opentracing.ref_type\",\"value\":{\"stringValue\":\"child_of\"}}"
        )
    );
    let (spans, _, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert_eq!(spans[0], t.spans[0]);
}

/// Real producer output: read, write in each style, read again: the same spans.
#[test]
fn real_sample_round_trips_in_every_style() {
    let path = format!(
        "{}/tests/data/generated/otlp-json/otel-python-file-exporter.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let (spans, w, r) = read_bytes(&std::fs::read(path).unwrap());
    r.unwrap();
    assert!(w.is_empty());
    let mut set = TraceSet::new();
    set.extend(spans);
    let traces = set.into_traces();
    assert_eq!(traces.len(), 8);
    for style in [Style::Document, Style::Lines, Style::Tempo] {
        let (text, notes) = write(style, &traces);
        assert!(notes.is_empty());
        let back = regroup(&text);
        assert_eq!(back.len(), traces.len());
        for (a, b) in traces.iter().zip(&back) {
            assert_eq!(sorted(&a.spans), sorted(&b.spans), "{style:?}");
        }
    }
}

fn regroup(text: &str) -> Vec<Trace> {
    let (spans, w, r) = read_bytes(text.as_bytes());
    r.unwrap();
    assert!(w.is_empty(), "{w:?}");
    let mut set = TraceSet::new();
    set.extend(spans);
    set.into_traces()
}

/// The writer groups spans by resource and scope, so only the order may change.
fn sorted(spans: &[Span]) -> Vec<Span> {
    let mut v = spans.to_vec();
    v.sort_by_key(|s| s.span_id);
    v
}

// ---------------------------------------------------------------------------------------------
// Round trip of arbitrary model traces

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z._]{0,8}",
        any::<String>(),
        prop::sample::select(vec![
            "".to_string(),
            "\"\\\n\u{0}\u{1f}".to_string(),
            "é😀".to_string()
        ]),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<Box<str>>> {
    prop::option::of(text()).prop_map(|o| o.filter(|s| !s.is_empty()).map(Box::from))
}

fn key() -> impl Strategy<Value = Arc<str>> {
    text().prop_map(|s| Arc::from(s.as_str()))
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Empty),
        text().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        // Every double except NaN (which is not equal to itself; it has its own test).
        any::<f64>()
            .prop_filter("not NaN", |d| !d.is_nan())
            .prop_map(Value::Double),
        Just(Value::Double(f64::INFINITY)),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(|b| Value::Bytes(b.into())),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| Value::Array(v.into())),
            prop::collection::vec((key(), inner), 0..4).prop_map(|v| Value::Map(
                v.into_iter()
                    .map(|(k, v)| KeyValue { key: k, value: v })
                    .collect()
            )),
        ]
    })
}

fn attributes() -> impl Strategy<Value = Vec<KeyValue>> {
    prop::collection::vec((key(), value()), 0..4).prop_map(|v| {
        v.into_iter()
            .filter(|(k, _)| &**k != REF_TYPE_KEY)
            .map(|(key, value)| KeyValue { key, value })
            .collect()
    })
}

fn resource_strategy() -> impl Strategy<Value = (Arc<Resource>, Arc<str>)> {
    (
        prop::option::of(text()),
        attributes(),
        any::<u32>(),
        opt_text(),
    )
        .prop_map(|(service, mut attributes, dropped, url)| {
            attributes.retain(|kv| &*kv.key != "service.name");
            let service: Arc<str> = match service {
                Some(s) => {
                    attributes.insert(0, KeyValue::new("service.name", Value::from(s.as_str())));
                    Arc::from(s.as_str())
                }
                None => Arc::from(""),
            };
            (
                Arc::new(Resource {
                    attributes,
                    dropped_attributes_count: dropped,
                    schema_url: url,
                }),
                service,
            )
        })
}

fn scope_strategy() -> impl Strategy<Value = Arc<Scope>> {
    (text(), opt_text(), attributes(), any::<u32>(), opt_text()).prop_map(
        |(name, version, attributes, dropped, url)| {
            Arc::new(Scope {
                name: Arc::from(name.as_str()),
                version,
                attributes,
                dropped_attributes_count: dropped,
                schema_url: url,
            })
        },
    )
}

fn event() -> impl Strategy<Value = Event> {
    (any::<u64>(), key(), attributes(), any::<u32>()).prop_map(|(time_ns, name, attributes, d)| {
        Event {
            time_ns,
            name,
            attributes,
            dropped_attributes_count: d,
        }
    })
}

fn link(kind: RefKind) -> impl Strategy<Value = Link> {
    (
        any::<u128>(),
        any::<u64>(),
        opt_text(),
        attributes(),
        any::<u32>(),
        any::<u32>(),
    )
        .prop_map(move |(t, s, trace_state, attributes, d, flags)| Link {
            trace_id: TraceId(t),
            span_id: SpanId(s),
            kind,
            trace_state,
            attributes,
            dropped_attributes_count: d,
            flags,
        })
}

/// Everything of a span but its ids, resource and scope.
#[derive(Debug, Clone)]
struct Body {
    name: String,
    kind: SpanKind,
    code: StatusCode,
    message: Option<Box<str>>,
    start: u64,
    end: u64,
    flags: u32,
    trace_state: Option<Box<str>>,
    attributes: Vec<KeyValue>,
    events: Vec<Event>,
    links: Vec<Link>,
    dropped: (u32, u32, u32),
    parent: Option<u64>,
    /// 0: OTLP parent; 1/2: a Jaeger-style CHILD_OF/FOLLOWS_FROM parent reference.
    jaeger_parent: u8,
}

fn body() -> impl Strategy<Value = Body> {
    let kinds = prop::sample::select(vec![
        SpanKind::Unspecified,
        SpanKind::Internal,
        SpanKind::Server,
        SpanKind::Client,
        SpanKind::Producer,
        SpanKind::Consumer,
    ]);
    let codes = prop::sample::select(vec![StatusCode::Unset, StatusCode::Ok, StatusCode::Error]);
    let links = prop::collection::vec(
        prop_oneof![
            link(RefKind::Link),
            link(RefKind::FollowsFrom),
            link(RefKind::ChildOf)
        ],
        0..3,
    );
    (
        (
            text(),
            kinds,
            codes,
            opt_text(),
            any::<u64>(),
            any::<u64>(),
            any::<u32>(),
            opt_text(),
        ),
        (
            attributes(),
            prop::collection::vec(event(), 0..3),
            links,
            any::<(u32, u32, u32)>(),
        ),
        (prop::option::of(1u64..), 0u8..3),
    )
        .prop_map(
            |(
                (name, kind, code, message, start, end, flags, trace_state),
                (attributes, events, links, dropped),
                (parent, jp),
            )| Body {
                name,
                kind,
                code,
                message,
                start,
                end,
                flags,
                trace_state,
                attributes,
                events,
                links,
                dropped,
                parent,
                jaeger_parent: jp,
            },
        )
}

fn traces() -> impl Strategy<Value = Vec<Trace>> {
    let pools = (
        prop::collection::vec(resource_strategy(), 1..4),
        prop::collection::vec(scope_strategy(), 1..4),
    );
    let trace = (
        1u128..,
        prop::collection::hash_set(1u64.., 1..6),
        prop::collection::vec((body(), any::<usize>(), any::<usize>()), 6),
    );
    (pools, prop::collection::vec(trace, 1..4)).prop_map(|((resources, scopes), traces)| {
        let mut seen = std::collections::HashSet::new();
        traces
            .into_iter()
            .filter(|(t, _, _)| seen.insert(*t))
            .map(|(trace_id, span_ids, bodies)| {
                let spans = span_ids
                    .into_iter()
                    .zip(bodies)
                    .map(|(id, (b, ri, si))| {
                        build(
                            TraceId(trace_id),
                            SpanId(id),
                            b,
                            &resources[ri % resources.len()],
                            &scopes[si % scopes.len()],
                        )
                    })
                    .collect();
                Trace {
                    trace_id: TraceId(trace_id),
                    spans,
                }
            })
            .collect()
    })
}

/// A span as a reader would make it. Jaeger-style spans follow the Jaeger parent rule: the
/// parent reference is the first same-trace CHILD_OF (else FOLLOWS_FROM) link.
fn build(
    trace_id: TraceId,
    span_id: SpanId,
    b: Body,
    res: &(Arc<Resource>, Arc<str>),
    scope: &Arc<Scope>,
) -> Span {
    let mut links = b.links;
    let mut parent_ref = ParentRef::ParentId;
    let parent = b.parent.map(SpanId);
    if let Some(p) = parent {
        let kind = match b.jaeger_parent {
            1 => Some(RefKind::ChildOf),
            2 => Some(RefKind::FollowsFrom),
            _ => None,
        };
        if let Some(kind) = kind {
            if kind == RefKind::FollowsFrom {
                links.retain(|l| !(l.kind == RefKind::ChildOf && l.trace_id == trace_id));
            }
            links.insert(
                0,
                Link {
                    trace_id,
                    span_id: p,
                    kind,
                    trace_state: None,
                    attributes: Vec::new(),
                    dropped_attributes_count: 0,
                    flags: 0,
                },
            );
            parent_ref = if kind == RefKind::ChildOf {
                ParentRef::ChildOf
            } else {
                ParentRef::FollowsFrom
            };
        } else {
            // An OTLP parent: no same-trace reference may look like the Jaeger parent.
            links.retain(|l| l.kind == RefKind::Link || l.trace_id != trace_id);
        }
    }
    Span {
        trace_id,
        span_id,
        parent_span_id: parent,
        parent_ref,
        name: Arc::from(b.name.as_str()),
        service: res.1.clone(),
        kind: b.kind,
        status: Status {
            code: b.code,
            message: b.message,
        },
        start_ns: b.start,
        end_ns: b.end,
        flags: b.flags,
        trace_state: b.trace_state,
        attributes: b.attributes,
        events: b.events,
        links,
        resource: res.0.clone(),
        scope: scope.clone(),
        dropped_attributes_count: b.dropped.0,
        dropped_events_count: b.dropped.1,
        dropped_links_count: b.dropped.2,
        shared: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn round_trip_every_style(traces in traces()) {
        for style in [Style::Document, Style::Lines, Style::Tempo] {
            let (text, notes) = write(style, &traces);
            prop_assert!(notes.is_empty());
            let back = regroup(&text);
            prop_assert_eq!(back.len(), traces.len());
            for (a, b) in traces.iter().zip(&back) {
                prop_assert_eq!(a.trace_id, b.trace_id);
                prop_assert_eq!(sorted(&a.spans), sorted(&b.spans), "{:?}", style);
            }
        }
    }
}
