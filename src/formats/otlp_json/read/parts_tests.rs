//! Reading only some span parts (`ReadWants::parts`) gives exactly the full reading with the
//! other parts left out (that the commands' answers do not change: `commands::parts_tests`).

use crate::formats::test_support::{assert_projections, read_bytes_wanting, sample};
use crate::formats::{Format, InputError, ReadWants};
use crate::model::{Span, SpanParts, Trace};

fn read_parts(data: &[u8], parts: SpanParts) -> (Vec<Span>, Vec<InputError>) {
    let wants = ReadWants {
        parts,
        traces: None,
    };
    let (spans, warnings, result) = read_bytes_wanting(super::super::read, data, wants);
    result.unwrap();
    (spans, warnings)
}

fn synth_jsonl(seed: u64, traces: u64) -> Vec<u8> {
    let cfg = crate::synth::Config {
        seed,
        traces,
        ..crate::synth::Config::default()
    };
    let all: Vec<Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut out = Vec::new();
    crate::formats::write_all(Format::OtlpJsonl, &all, &mut out).unwrap();
    out
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = [
        "otlp-json_jaeger-ui_otlp2jaeger-in.json",
        "otlp-json_otel-proto-example_trace.json",
        "otlp-jsonl_jaeger-ui_multi-in.jsonl",
        "tempo-v1-batches_tempopb_trace.json",
        "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
        "generated/otlp-json/otel-python-file-exporter.jsonl",
        "generated/otlp-json/otel-python-merged-resourceSpans.json",
        "generated/otlp-json/otel-python-otlp-http-json-body.json",
    ]
    .iter()
    .map(|n| (n.to_string(), sample(n)))
    .collect();
    v.push(("synth".into(), synth_jsonl(3, 40)));
    v
}

#[test]
fn a_projection_is_the_full_reading_without_the_parts_left_out() {
    for (name, data) in inputs() {
        assert_projections(super::super::read, &name, &data);
    }
}

#[test]
fn the_full_reading_has_the_parts_a_projection_leaves_out() {
    // Otherwise the test above compares empty with empty.
    let (full, _) = read_parts(&synth_jsonl(3, 40), SpanParts::ALL);
    assert!(full.iter().any(|s| s.attributes.len() > 3));
    assert!(full.iter().any(|s| !s.events.is_empty()));
    assert!(full.iter().any(|s| !s.links.is_empty()));
    assert!(full.iter().any(|s| s.resource.attributes.len() > 1));
    assert!(full.iter().any(|s| !s.scope.name.is_empty()));
    assert!(full.iter().any(|s| s.status.message.is_some()));
}
