//! The walk in parallel runs reads exactly what the prost reader before it read (`reference`):
//! the same spans, warnings and error, on generated messages (with merged duplicate fields,
//! unknown fields, deep values), on mutations of them and on arbitrary bytes, through every
//! buffer size and run size. Also the walk's own edge cases, by hand.

use proptest::collection::vec;
use proptest::prelude::*;
use prost::Message as _;

use super::reference;
use crate::formats::otlp_proto::pb;
use crate::formats::test_support::{self, BatchOutcome as Outcome, ReadFn};

fn outcome(read: ReadFn<'_>, bytes: &[u8], cap: usize) -> Outcome {
    test_support::outcome(read, "in.pb", bytes, cap)
}

/// The new reader with small runs (many runs, units cut by the end of a slice), in place and
/// through small buffers, against the reference.
fn assert_same_as_reference(bytes: &[u8]) {
    let want = outcome(&reference::read, bytes, 8192);
    test_support::assert_units_reader_matches(&want, "in.pb", bytes, &|i, c, limits| {
        super::read_with(i, c, limits)
    });
}

fn frame(msg: &[u8]) -> Vec<u8> {
    let mut v = (msg.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(msg);
    v
}

// ---------------------------------------------------------------------------------------------
// Generated messages.

fn arb_bytes(lens: &'static [usize]) -> impl Strategy<Value = pb::Bytes> {
    (prop::sample::select(lens), any::<u8>()).prop_map(|(n, b)| pb::Bytes::from(vec![b | 1; n]))
}

fn arb_text() -> impl Strategy<Value = pb::Bytes> {
    prop_oneof![
        Just(pb::Bytes::new()),
        prop::sample::select(vec![
            "service.name",
            "http.method",
            "http.status_code",
            "peer.service",
            "db",
            "x"
        ])
        .prop_map(|s| pb::Bytes::from(s.as_bytes().to_vec())),
        vec(any::<u8>(), 0..6).prop_map(pb::Bytes::from),
    ]
}

fn arb_any() -> impl Strategy<Value = pb::AnyValue> {
    use pb::any_value::Value as V;
    let leaf = prop_oneof![
        Just(None),
        arb_text().prop_map(|s| Some(V::StringValue(s))),
        any::<bool>().prop_map(|b| Some(V::BoolValue(b))),
        any::<i64>().prop_map(|i| Some(V::IntValue(i))),
        any::<f64>().prop_map(|d| Some(V::DoubleValue(d))),
        vec(any::<u8>(), 0..4).prop_map(|b| Some(V::BytesValue(b.into()))),
    ]
    .prop_map(|value| pb::AnyValue { value });
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(|values| pb::AnyValue {
                value: Some(V::ArrayValue(pb::ArrayValue { values }))
            }),
            vec((arb_text(), inner), 0..3).prop_map(|kvs| pb::AnyValue {
                value: Some(V::KvlistValue(pb::KeyValueList {
                    values: kvs
                        .into_iter()
                        .map(|(key, v)| pb::KeyValue {
                            key,
                            value: Some(v),
                        })
                        .collect(),
                })),
            }),
        ]
    })
}

fn arb_kvs() -> impl Strategy<Value = Vec<pb::KeyValue>> {
    vec(
        (arb_text(), prop::option::of(arb_any()))
            .prop_map(|(key, value)| pb::KeyValue { key, value }),
        0..4,
    )
}

fn arb_span() -> impl Strategy<Value = pb::Span> {
    let ids = (
        arb_bytes(&[16, 16, 16, 8, 0, 5]),
        arb_bytes(&[8, 8, 8, 0, 3]),
        arb_bytes(&[0, 8, 8, 2]),
    );
    let events = vec(
        (any::<u64>(), arb_text(), arb_kvs(), 0..3u32).prop_map(|(t, name, attributes, d)| {
            pb::Event {
                time_unix_nano: t,
                name,
                attributes,
                dropped_attributes_count: d,
            }
        }),
        0..3,
    );
    let links = vec(
        (
            arb_bytes(&[16, 16, 8, 0, 4]),
            arb_bytes(&[8, 8, 0, 1]),
            arb_text(),
            arb_kvs(),
            any::<u32>(),
        )
            .prop_map(
                |(trace_id, span_id, trace_state, attributes, flags)| pb::Link {
                    trace_id,
                    span_id,
                    trace_state,
                    attributes,
                    dropped_attributes_count: flags % 3,
                    flags,
                },
            ),
        0..3,
    );
    let status = prop::option::of(
        (arb_text(), -1..4i32).prop_map(|(message, code)| pb::Status { message, code }),
    );
    (
        ids,
        (arb_text(), arb_text(), -1..8i32, any::<u64>(), any::<u64>()),
        (arb_kvs(), events, links, status, any::<u32>()),
    )
        .prop_map(
            |(
                (t, s, p),
                (trace_state, name, kind, start, end),
                (attributes, events, links, status, flags),
            )| {
                pb::Span {
                    trace_id: t,
                    span_id: s,
                    trace_state,
                    parent_span_id: p,
                    name,
                    kind,
                    start_time_unix_nano: start,
                    end_time_unix_nano: end,
                    attributes,
                    dropped_attributes_count: flags % 5,
                    events,
                    dropped_events_count: flags % 7,
                    links,
                    dropped_links_count: flags % 2,
                    status,
                    flags,
                }
            },
        )
}

fn arb_scope_spans() -> impl Strategy<Value = pb::ScopeSpans> {
    let scope = prop::option::of((arb_text(), arb_text(), arb_kvs(), 0..3u32).prop_map(
        |(name, version, attributes, d)| pb::InstrumentationScope {
            name,
            version,
            attributes,
            dropped_attributes_count: d,
        },
    ));
    (scope, vec(arb_span(), 0..4), arb_text()).prop_map(|(scope, spans, schema_url)| {
        pb::ScopeSpans {
            scope,
            spans,
            schema_url,
        }
    })
}

fn arb_resource_spans() -> impl Strategy<Value = pb::ResourceSpans> {
    let resource =
        prop::option::of(
            (arb_kvs(), 0..3u32).prop_map(|(attributes, d)| pb::Resource {
                attributes,
                dropped_attributes_count: d,
            }),
        );
    (
        resource,
        vec(arb_scope_spans(), 0..3),
        arb_text(),
        vec(arb_scope_spans(), 0..2),
    )
        .prop_map(
            |(resource, scope_spans, schema_url, legacy)| pb::ResourceSpans {
                resource,
                scope_spans,
                schema_url,
                instrumentation_library_spans: legacy,
            },
        )
}

/// A `TracesData` of the given `ResourceSpans`; a pair of them is one `ResourceSpans` whose
/// fields come twice (two encodings one after the other: prost merges them).
fn traces_data(rs: &[(pb::ResourceSpans, Option<pb::ResourceSpans>)], unknown: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (a, b) in rs {
        let mut body = a.encode_to_vec();
        if let Some(b) = b {
            b.encode_raw(&mut body);
        }
        if unknown {
            // Unknown fields of every wire type, a group among them: skipped.
            body.extend([0x98, 0x06, 0x05, 0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8]);
            body.extend([0xab, 0x06, 0x08, 0x01, 0xac, 0x06, 0xb5, 0x06, 1, 2, 3, 4]);
        }
        out.push(0x0a);
        prost::encoding::encode_varint(body.len() as u64, &mut out);
        out.extend(body);
    }
    out
}

fn arb_input() -> impl Strategy<Value = Vec<u8>> {
    (
        vec(
            vec(
                (
                    arb_resource_spans(),
                    prop::option::weighted(0.2, arb_resource_spans()),
                ),
                0..3,
            ),
            1..4,
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(messages, framed, unknown)| {
            let mut out = Vec::new();
            for m in &messages {
                let td = traces_data(m, unknown);
                if framed {
                    out.extend(frame(&td));
                } else {
                    out.extend(td);
                }
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn generated_messages_read_as_before(input in arb_input()) {
        assert_same_as_reference(&input);
    }

    #[test]
    fn mutated_messages_read_as_before(
        input in arb_input(),
        edits in vec((any::<usize>(), any::<u8>(), 0..3u8), 1..5),
        cut in any::<usize>(),
    ) {
        let bytes = test_support::mutate(input, &edits, cut);
        assert_same_as_reference(&bytes);
    }

    #[test]
    fn arbitrary_bytes_read_as_before(bytes in vec(any::<u8>(), 0..300), framed in any::<bool>()) {
        let mut input = Vec::new();
        if framed {
            input.extend((bytes.len() as u32).to_be_bytes());
            input.push(0x0a);
        }
        input.extend(bytes);
        assert_same_as_reference(&input);
    }
}

// ---------------------------------------------------------------------------------------------
// The walk's edge cases, each against the reference.

/// A `TracesData` holding one `ResourceSpans` whose bytes are `rs`.
fn one(rs: &[u8]) -> Vec<u8> {
    let mut out = vec![0x0a];
    prost::encoding::encode_varint(rs.len() as u64, &mut out);
    out.extend(rs);
    out
}

/// A `ResourceSpans` holding one span whose bytes are `span` after good ids.
fn with_span(span: &[u8]) -> Vec<u8> {
    let mut s = vec![0x0a, 16];
    s.extend([1; 16]);
    s.extend([0x12, 8]);
    s.extend([2; 8]);
    s.extend(span);
    let mut ss = vec![0x12];
    prost::encoding::encode_varint(s.len() as u64, &mut ss);
    ss.extend(s);
    let mut rs = vec![0x12];
    prost::encoding::encode_varint(ss.len() as u64, &mut rs);
    rs.extend(ss);
    rs
}

fn error_of(input: &[u8]) -> String {
    assert_same_as_reference(input);
    let o = outcome(&super::read, input, 0);
    o.3.unwrap_err().to_string()
}

#[test]
fn truncated_varint_and_length_past_the_end() {
    // A span field whose varint never ends, then one whose length passes the message's end.
    let e = error_of(&one(&with_span(&[0x30, 0x80, 0x80])));
    assert!(e.contains("resource_spans[0]: failed to decode"), "{e}");
    let e = error_of(&one(&with_span(&[0x2a, 0x7f, b'x'])));
    assert!(
        e.contains("buffer underflow") || e.contains("delimited"),
        "{e}"
    );
    // An 11-byte varint, and a 10-byte one that overflows.
    error_of(&one(&with_span(&[
        0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ])));
    error_of(&one(&with_span(&[
        0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
    ])));
    // The largest 10-byte varint is fine.
    let ok = one(&with_span(&[
        0x30, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]));
    assert_same_as_reference(&ok);
    assert!(outcome(&super::read, &ok, 0).3.is_ok());
}

#[test]
fn wrong_wire_type_for_a_known_field() {
    // name (5) as a varint, start time (7) as fixed32, attributes (9) as a varint.
    for bad in [&[0x28, 1][..], &[0x3d, 1, 2, 3, 4], &[0x48, 1]] {
        let e = error_of(&one(&with_span(bad)));
        assert!(e.contains("invalid wire type"), "{e}");
    }
    // In a value left unread (an event, when events are not wanted) too.
    let e = error_of(&one(&with_span(&[0x5a, 2, 0x10, 1])));
    assert!(e.contains("invalid wire type"), "{e}");
}

/// A span attribute whose value nests `depth` arrays.
fn nested(depth: usize) -> Vec<u8> {
    let mut v: Vec<u8> = vec![0x18, 7]; // int 7
    for _ in 0..depth {
        // AnyValue { array_value: ArrayValue { values: [v] } }
        let mut arr = vec![0x0a];
        prost::encoding::encode_varint(v.len() as u64, &mut arr);
        arr.extend(&v);
        let mut any = vec![0x2a];
        prost::encoding::encode_varint(arr.len() as u64, &mut any);
        any.extend(arr);
        v = any;
    }
    let mut kv = vec![0x0a, 1, b'k', 0x12];
    prost::encoding::encode_varint(v.len() as u64, &mut kv);
    kv.extend(v);
    let mut attr = vec![0x4a];
    prost::encoding::encode_varint(kv.len() as u64, &mut attr);
    attr.extend(kv);
    one(&with_span(&attr))
}

#[test]
fn deep_values_up_to_prosts_limit() {
    // Fine a little under the limit, refused past it, as prost does.
    let ok = nested(40);
    assert_same_as_reference(&ok);
    assert!(outcome(&super::read, &ok, 0).3.is_ok());
    let e = error_of(&nested(60));
    assert!(e.contains("recursion limit reached"), "{e}");
}

#[test]
fn invalid_utf8_is_replaced_and_groups_are_skipped() {
    // name "a\xffb", then an unknown group 20 holding a varint.
    let input = one(&with_span(&[
        0x2a, 3, b'a', 0xff, b'b', 0xa3, 0x01, 0x08, 1, 0xa4, 0x01,
    ]));
    assert_same_as_reference(&input);
    let o = outcome(&super::read, &input, 0);
    assert_eq!(&*o.0[0].name, "a\u{fffd}b");
    // A group closed by another field's end tag is refused.
    error_of(&one(&with_span(&[0xa3, 0x01, 0xac, 0x01])));
}
