//! Jaeger JSON and Zipkin JSON read with only some span parts (`ReadWants::parts`) give exactly
//! the full reading with the other parts left out (the oracle, `test_support::project`, is the
//! one of the OTLP JSON reader), and never panic whatever the input.

use std::io::BufRead;

use proptest::prelude::*;
use serde_json::{Value as J, json};

use crate::formats::common::jz_read::testing::{byte_edits, mutate, replacements};
use crate::formats::test_support::{Outcome, project, read_bytes_wanting, sample};
use crate::formats::{Format, InputError, ReadCtx, ReadWants, jaeger, zipkin};
use crate::model::{Span, SpanParts, Trace};

type Read = fn(&mut dyn BufRead, &mut ReadCtx<'_>) -> Result<(), InputError>;

const JAEGER: Read = jaeger::read::read;
const ZIPKIN: Read = zipkin::read::read;

fn read_parts(read: Read, data: &[u8], parts: SpanParts) -> Outcome {
    let wants = ReadWants {
        parts,
        traces: None,
    };
    read_bytes_wanting(read, data, wants)
}

const PREFIXES: &[&str] = &["http.", "peer.service", "net.", "db."];

fn projections() -> Vec<SpanParts> {
    vec![
        SpanParts::CORE,
        SpanParts {
            attributes: true,
            attribute_prefixes: Some(PREFIXES),
            links: true,
            ..SpanParts::CORE
        },
        SpanParts {
            attributes: true,
            ..SpanParts::CORE
        },
        SpanParts {
            resource: true,
            scope: true,
            ..SpanParts::CORE
        },
        SpanParts {
            attributes: true,
            attribute_prefixes: Some(PREFIXES),
            resource: true,
            ..SpanParts::CORE
        },
        SpanParts {
            events: true,
            texts: true,
            ..SpanParts::ALL
        },
        SpanParts {
            events: false,
            links: false,
            ..SpanParts::ALL
        },
    ]
}

fn synth(format: Format, seed: u64, traces: u64) -> Vec<u8> {
    let cfg = crate::synth::Config {
        seed,
        traces,
        ..crate::synth::Config::default()
    };
    let all: Vec<Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut out = Vec::new();
    crate::formats::write_all(format, &all, &mut out).unwrap();
    out
}

fn jaeger_inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = [
        "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
        "jaeger-ui-json_trace-object_ui_01.json",
    ]
    .iter()
    .map(|n| (n.to_string(), sample(n)))
    .collect();
    v.push(("synth".into(), synth(Format::Jaeger, 3, 40)));
    v.push(("embedded".into(), embedded_process_spans()));
    v
}

fn zipkin_inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = [
        "zipkin-v1_span_from-zipkin-encoder-test.json",
        "zipkin-v2_messaging-128bit.json",
        "zipkin-v2_skew.json",
        "zipkin-v2_smartthings-oauth-authorization_175spans.json",
        "zipkin-v2_yelp.json",
        "generated/zipkin-v2/otel-python-zipkin-exporter.json",
        "generated/zipkin-v2/py_zipkin-v2.json",
    ]
    .iter()
    .map(|n| (n.to_string(), sample(n)))
    .collect();
    v.push(("synth".into(), synth(Format::Zipkin, 3, 40)));
    v.push(("endpoints".into(), zipkin_endpoints()));
    v
}

/// A bare list of spans that embed their process (jaeger-anonymizer), with process tags.
fn embedded_process_spans() -> Vec<u8> {
    json!([
        {"traceID": "1", "spanID": "2", "operationName": "a", "startTime": 5, "duration": 1,
         "process": {"serviceName": "svc", "tags": [
             {"key": "host.name", "type": "string", "value": "h"},
             {"key": "service.name", "type": "string", "value": "other"}]},
         "tags": [{"key": "http.method", "type": "string", "value": "GET"},
                  {"key": "span.kind", "type": "string", "value": "server"},
                  {"key": "span.kind", "type": "string", "value": "sideways"},
                  {"key": "otel.scope.name", "type": "string", "value": "lib"},
                  {"key": "w3c.tracestate", "type": "string", "value": "a=b"},
                  {"key": "otel.status_description", "type": "string", "value": "bad"},
                  {"key": "error", "type": "bool", "value": true},
                  {"value": 3, "type": "int64", "key": "db.rows"},
                  {"key": "x", "type": "int64", "value": 7}],
         "references": [{"refType": "FOLLOWS_FROM", "traceID": "1", "spanID": "9"},
                        {"refType": "CHILD_OF", "traceID": "3", "spanID": "8"}],
         "logs": [{"timestamp": 6, "fields": [{"key": "event", "type": "string", "value": "e"}]}]}
    ])
    .to_string()
    .into_bytes()
}

/// Zipkin v2 spans with every kind of endpoint and tags that move elsewhere.
fn zipkin_endpoints() -> Vec<u8> {
    json!([
        {"traceId": "1", "id": "2", "name": "a", "timestamp": 5, "duration": 1,
         "localEndpoint": {"serviceName": "svc", "ipv4": "10.0.0.1", "port": 80, "x": [1]},
         "remoteEndpoint": {"serviceName": "db", "ipv6": "::1", "port": 0},
         "tags": {"service.name": "other", "host.name": "h", "net.host.ip": "1.1.1.1",
                  "http.method": "GET", "error": "", "otel.scope.name": "lib",
                  "otel.status_description": "bad", "w3c.tracestate": "a=b", "zz": "1"},
         "annotations": [{"timestamp": 6, "value": "ev"}]},
        {"traceId": "1", "id": "3", "name": "b", "timestamp": 5, "duration": 1,
         "localEndpoint": "nope", "remoteEndpoint": {"port": 70000},
         "tags": {"service.name": "fallback", "peer.service": "p"}},
        {"traceId": "1", "id": "4", "name": "c", "localEndpoint": null, "remoteEndpoint": [],
         "tags": {"span.kind": "client"}}
    ])
    .to_string()
    .into_bytes()
}

/// Spans as text (NaN is not equal to itself).
fn shown(spans: &[Span]) -> String {
    format!("{spans:#?}")
}

fn check_projections(read: Read, name: &str, data: &[u8], warnings_too: bool) {
    let (full, full_warnings, full_result) = read_parts(read, data, SpanParts::ALL);
    for parts in projections() {
        let (got, warnings, result) = read_parts(read, data, parts);
        assert_eq!(
            format!("{result:?}"),
            format!("{full_result:?}"),
            "{name} {parts:?}"
        );
        if warnings_too {
            assert_eq!(
                format!("{warnings:?}"),
                format!("{full_warnings:?}"),
                "{name} {parts:?}"
            );
        }
        assert_eq!(got.len(), full.len(), "{name} {parts:?}");
        for (g, f) in got.iter().zip(&full) {
            assert_eq!(g.parent_ref, f.parent_ref, "{name} {parts:?}");
        }
        let want: Vec<Span> = full.iter().map(|f| project(f.clone(), parts)).collect();
        assert_eq!(shown(&got), shown(&want), "{name} {parts:?}");
    }
}

#[test]
fn a_jaeger_projection_is_the_full_reading_without_the_parts_left_out() {
    for (name, data) in jaeger_inputs() {
        let (full, _, result) = read_parts(JAEGER, &data, SpanParts::ALL);
        result.unwrap();
        assert!(!full.is_empty(), "{name}");
        check_projections(JAEGER, &name, &data, true);
    }
}

#[test]
fn a_zipkin_projection_is_the_full_reading_without_the_parts_left_out() {
    for (name, data) in zipkin_inputs() {
        let (full, _, result) = read_parts(ZIPKIN, &data, SpanParts::ALL);
        result.unwrap();
        assert!(!full.is_empty(), "{name}");
        check_projections(ZIPKIN, &name, &data, true);
    }
}

#[test]
fn the_full_readings_have_the_parts_a_projection_leaves_out() {
    // Otherwise the tests above compare empty with empty.
    for (read, data) in [
        (JAEGER, synth(Format::Jaeger, 3, 40)),
        (ZIPKIN, synth(Format::Zipkin, 3, 40)),
    ] {
        let (full, _, _) = read_parts(read, &data, SpanParts::ALL);
        assert!(full.iter().any(|s| s.attributes.len() > 3));
        assert!(full.iter().any(|s| !s.events.is_empty()));
        assert!(full.iter().any(|s| s.resource.attributes.len() > 1));
        assert!(full.iter().any(|s| !s.scope.name.is_empty()));
        assert!(full.iter().any(|s| s.status.message.is_some()));
    }
    let (full, _, _) = read_parts(JAEGER, &synth(Format::Jaeger, 3, 40), SpanParts::ALL);
    assert!(full.iter().any(|s| !s.links.is_empty()));
}

fn doc(data: &[u8]) -> J {
    serde_json::from_slice(data).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Documents with any node replaced or deleted: the same spans and result for every
    /// projection (the warnings of a part left out may go: it is not read).
    #[test]
    fn mutated_documents_project_the_same(
        k in 0usize..4000,
        r in 0usize..64,
        delete in any::<bool>(),
        which in 0usize..4,
    ) {
        let (read, mut d) = match which {
            0 => (JAEGER, doc(&synth(Format::Jaeger, 9, 3))),
            1 => (JAEGER, doc(&embedded_process_spans())),
            2 => (ZIPKIN, doc(&synth(Format::Zipkin, 9, 3))),
            _ => (ZIPKIN, doc(&zipkin_endpoints())),
        };
        let with = replacements()[r % replacements().len()].clone();
        mutate(&mut d, k, with, delete);
        check_projections(read, "mutated", d.to_string().as_bytes(), false);
    }

    /// Byte edits (invalid JSON included): the same spans and the same result, errors with
    /// their positions, for every projection.
    #[test]
    fn edited_bytes_project_the_same(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
        zipkin_input in any::<bool>(),
    ) {
        let (read, data) = if zipkin_input {
            (ZIPKIN, zipkin_endpoints())
        } else {
            (JAEGER, embedded_process_spans())
        };
        check_projections(read, "edited", &byte_edits(&data, &edits), false);
    }

    /// Any bytes: an answer, never a panic, whatever is read.
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        for read in [JAEGER, ZIPKIN] {
            for parts in [SpanParts::ALL, SpanParts::CORE, projections()[1]] {
                let _ = read_parts(read, &data, parts);
            }
        }
    }
}
