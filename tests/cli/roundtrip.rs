//! synth → write → read, for every format tracekit writes: everything the format can carry
//! survives, field by field. The reading side goes through the real loader (detection, gzip-free
//! files), so this also checks that every writer's output is detected as its format.

use std::collections::BTreeMap;

use tracekit::formats::{Format, write_all};
use tracekit::input::load::{LoadOptions, load};
use tracekit::model::{Span, SpanKind, Trace};
use tracekit::synth::{Config, Generator};

fn synth() -> Vec<Trace> {
    let cfg = Config {
        seed: 5,
        traces: 12,
        spans: 30,
        error_rate: 0.3,
        ..Config::default()
    };
    Generator::new(cfg).unwrap().collect()
}

fn read_back(format: Format, traces: &[Trace]) -> Vec<Trace> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("out.{}", format.name()));
    let mut bytes = Vec::new();
    write_all(format, traces, &mut bytes).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let loaded = load(&[path.display().to_string()], &LoadOptions::default());
    assert!(
        loaded.report.errors.is_empty(),
        "{}: {:?}",
        format.name(),
        loaded.report.errors
    );
    loaded.traces.into_traces()
}

/// Spans keyed by (trace, span id, shared half).
fn by_key(traces: &[Trace]) -> BTreeMap<(u128, u64, bool), Span> {
    traces
        .iter()
        .flat_map(|t| t.spans.iter())
        .map(|s| ((s.trace_id.0, s.span_id.0, s.shared), s.clone()))
        .collect()
}

#[test]
fn otlp_formats_carry_everything() {
    let original = synth();
    for format in [
        Format::OtlpJson,
        Format::OtlpJsonl,
        Format::OtlpProto,
        Format::Tempo,
    ] {
        let back = read_back(format, &original);
        assert_eq!(back.len(), original.len(), "{}", format.name());
        let (a, b) = (by_key(&original), by_key(&back));
        assert_eq!(a.len(), b.len(), "{}", format.name());
        for (k, s) in &a {
            let r = &b[k];
            // Everything, field by field (resource and scope compare by value).
            assert_eq!(s, r, "{}: span {:x}", format.name(), k.1);
        }
    }
}

fn us(ns: u64) -> u64 {
    ns / 1000 * 1000
}

#[test]
fn microsecond_formats_carry_what_they_can() {
    let original = synth();
    for format in [Format::Jaeger, Format::Zipkin, Format::JaegerThrift] {
        let back = read_back(format, &original);
        assert_eq!(back.len(), original.len(), "{}", format.name());
        let (a, b) = (by_key(&original), by_key(&back));
        assert_eq!(a.len(), b.len(), "{}", format.name());
        for (k, s) in &a {
            let r = &b[k];
            let what = format!("{} span {:x} {}", format.name(), k.1, s.name);
            assert_eq!(r.parent_span_id, s.parent_span_id, "{what}");
            assert_eq!(r.service, s.service, "{what}");
            assert_eq!(r.name, s.name, "{what}");
            // Times truncate to µs: start to its µs, duration from the truncated ends.
            assert_eq!(r.start_ns, us(s.start_ns), "{what}");
            assert_eq!(
                r.end_ns,
                us(s.start_ns) + (us(s.end_ns) - us(s.start_ns)),
                "{what}"
            );
            assert_eq!(r.status.code, s.status.code, "{what}");
            let kind = |k: SpanKind| {
                if k == SpanKind::Internal {
                    SpanKind::Unspecified
                } else {
                    k
                }
            };
            assert_eq!(kind(r.kind), kind(s.kind), "{what}");
            // Every attribute key survives; Zipkin tags are strings, Jaeger keeps scalar types.
            for kv in &s.attributes {
                let got = r
                    .attr(&kv.key)
                    .unwrap_or_else(|| panic!("{what}: attribute {} lost", kv.key));
                match format {
                    Format::Zipkin => {
                        assert_eq!(got.to_string(), kv.value.to_string(), "{what}: {}", kv.key)
                    }
                    _ if matches!(
                        kv.value,
                        tracekit::model::Value::Array(_) | tracekit::model::Value::Map(_)
                    ) => {}
                    _ => assert_eq!(got, &kv.value, "{what}: {}", kv.key),
                }
            }
            assert_eq!(r.events.len(), s.events.len(), "{what}");
            for (x, y) in r.events.iter().zip(&s.events) {
                assert_eq!(x.name, y.name, "{what}");
                assert_eq!(x.time_ns, us(y.time_ns), "{what}");
            }
            // Resource attributes (service.name, host.name, …) survive as process tags/endpoint.
            if format != Format::Zipkin {
                for kv in &s.resource.attributes {
                    assert!(
                        r.resource.attributes.iter().any(|x| x.key == kv.key),
                        "{what}: resource attribute {} lost",
                        kv.key
                    );
                }
            }
        }
    }
}
