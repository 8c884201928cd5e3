//! Reading only some span parts (`ReadWants::parts`) gives exactly the full reading with the
//! other parts left out, and the answers of the commands that declare them do not change.

use std::sync::Arc;

use crate::analysis::percentile::{Percentile, QuantileMethod};
use crate::analysis::stats::{GroupBy, StatsCollector};
use crate::formats::test_support::sample;
use crate::formats::{Format, InputError, ReadCtx, ReadWants};
use crate::model::{Resource, Scope, Span, SpanParts, Trace};

fn read_parts(data: &[u8], parts: SpanParts) -> (Vec<Span>, Vec<InputError>) {
    let mut spans = Vec::new();
    let mut warnings = Vec::new();
    {
        let mut sink = |b: Vec<Span>| spans.extend(b);
        let mut ctx = ReadCtx {
            source: Arc::from("test.json"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: ReadWants {
                parts,
                traces: None,
            },
        };
        let mut input = data;
        super::super::read(&mut input, &mut ctx).unwrap();
    }
    (spans, warnings)
}

/// The oracle: a fully read span with the parts `parts` leaves out removed, written without the
/// reader's code.
fn project(mut s: Span, parts: SpanParts) -> Span {
    if !parts.attributes {
        s.attributes.clear();
    }
    if let Some(prefixes) = parts.attribute_prefixes {
        s.attributes
            .retain(|kv| prefixes.iter().any(|p| kv.key.starts_with(p)));
    }
    if !parts.events {
        s.events.clear();
    }
    if !parts.links {
        s.links.clear();
    }
    if !parts.texts {
        s.trace_state = None;
        s.status.message = None;
    }
    if !parts.resource {
        let r = &*s.resource;
        let attributes: Vec<_> = r
            .attributes
            .iter()
            .filter(|kv| &*kv.key == "service.name")
            .cloned()
            .collect();
        let empty = attributes.is_empty() && r.dropped_attributes_count == 0;
        s.resource = Arc::new(Resource {
            attributes,
            dropped_attributes_count: r.dropped_attributes_count,
            schema_url: None,
        });
        if empty {
            s.resource = Arc::new(Resource::default());
        }
    }
    if !parts.scope {
        s.scope = Arc::new(Scope {
            name: Arc::from(""),
            ..Scope::default()
        });
    }
    s
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

const PREFIXES: &[&str] = &["http.", "peer.service"];

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
            resource: true,
            scope: true,
            ..SpanParts::CORE
        },
        SpanParts {
            events: true,
            texts: true,
            ..SpanParts::ALL
        },
    ]
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
        let (full, full_warnings) = read_parts(&data, SpanParts::ALL);
        assert!(!full.is_empty(), "{name}");
        for parts in projections() {
            let (got, warnings) = read_parts(&data, parts);
            assert_eq!(warnings.len(), full_warnings.len(), "{name} {parts:?}");
            assert_eq!(got.len(), full.len(), "{name} {parts:?}");
            for (g, f) in got.iter().zip(&full) {
                // How the parent was named is read from the links even when they are left out.
                assert_eq!(g.parent_ref, f.parent_ref, "{name} {parts:?}");
                let want = project(f.clone(), parts);
                assert_eq!(*g, want, "{name} {parts:?}");
            }
        }
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

#[test]
fn stats_on_the_parts_it_declares_equal_stats_on_whole_spans() {
    let percentiles: Vec<Percentile> = ["p50", "p95", "p99"]
        .iter()
        .map(|p| Percentile::parse(p).unwrap())
        .collect();
    let data = synth_jsonl(11, 200);
    for group_by in [
        GroupBy::Operation,
        GroupBy::Service,
        GroupBy::Root,
        GroupBy::Kind,
        GroupBy::Attr("http.request.method".into()),
        GroupBy::Attr("service.version".into()),
    ] {
        let report = |parts| {
            let mut c = StatsCollector::new(group_by.clone());
            c.add(read_parts(&data, parts).0);
            let r = c.finish(&percentiles, QuantileMethod::NearestRank);
            format!("{r:?}")
        };
        let whole = report(SpanParts::ALL);
        assert!(whole.len() > 200, "{whole}");
        assert_eq!(report(group_by.parts()), whole, "{group_by:?}");
    }
}

/// Traces of `data` read with `parts`, in first-seen order.
fn traces_with(data: &[u8], parts: SpanParts) -> Vec<Trace> {
    let mut set = crate::model::TraceSet::new();
    set.extend(read_parts(data, parts).0);
    set.into_traces()
}

#[test]
fn critical_paths_and_diffs_on_the_core_equal_those_on_whole_spans() {
    use crate::analysis::critical_path::critical_paths;
    use crate::analysis::diff::{Side, Tolerance, diff};
    use crate::model::TraceTree;
    let base = synth_jsonl(5, 60);
    let cand = synth_jsonl(6, 60);
    let paths = |traces: &[Trace]| {
        let v: Vec<_> = traces
            .iter()
            .map(|t| critical_paths(t, &TraceTree::build(t), true))
            .collect();
        format!("{v:?}")
    };
    let whole = paths(&traces_with(&base, SpanParts::ALL));
    assert!(whole.len() > 1000);
    assert_eq!(paths(&traces_with(&base, SpanParts::CORE)), whole);
    let percentiles = [Percentile::parse("p95").unwrap()];
    let report = |parts| {
        let b = Side::from_traces(&traces_with(&base, parts));
        let c = Side::from_traces(&traces_with(&cand, parts));
        format!("{:?}", diff(&b, &c, &percentiles, Tolerance::default()))
    };
    assert_eq!(report(SpanParts::CORE), report(SpanParts::ALL));
}

#[test]
fn check_and_skew_on_the_parts_they_declare_equal_those_on_whole_spans() {
    use crate::analysis::check::{CHECK_ATTRIBUTE_PREFIXES, CheckOptions, check_trace};
    use crate::analysis::skew::{HOST_KEYS, SkewBy, SkewCollector, edges};
    use crate::model::TraceTree;
    // Skewed clocks, lost spans and missing roots, so that there are findings to compare.
    let cfg = crate::synth::Config {
        seed: 9,
        traces: 80,
        faults: crate::synth::Faults {
            skew: vec![("payment".into(), -25_000_000)],
            drop_rate: 0.05,
            missing_root_rate: 0.1,
            ..Default::default()
        },
        ..crate::synth::Config::default()
    };
    let all: Vec<Trace> = crate::synth::Generator::new(cfg).unwrap().collect();
    let mut data = Vec::new();
    crate::formats::write_all(Format::OtlpJsonl, &all, &mut data).unwrap();
    let check_parts = SpanParts {
        attributes: true,
        attribute_prefixes: Some(CHECK_ATTRIBUTE_PREFIXES),
        resource: true,
        ..SpanParts::CORE
    };
    let skew_parts = SpanParts {
        attributes: true,
        attribute_prefixes: Some(HOST_KEYS),
        resource: true,
        ..SpanParts::CORE
    };
    let opts = CheckOptions::default();
    // (check findings, skew pairs) as text.
    let run = |parts, by| {
        let mut findings = Vec::new();
        let mut skew = SkewCollector::default();
        for t in traces_with(&data, parts) {
            let tree = TraceTree::build(&t);
            findings.push(check_trace(&t, &tree, &opts));
            skew.extend(edges(&t, &tree, by)).unwrap();
        }
        (
            format!("{findings:?}"),
            format!("{:?}", skew.finish().unwrap()),
        )
    };
    for by in [SkewBy::Service, SkewBy::Host] {
        let (findings, pairs) = run(SpanParts::ALL, by);
        assert!(findings.contains("orphan-span") && pairs.contains("payment"));
        // check reads both; skew (without --adjust) the pairs only.
        let (f, p) = run(check_parts, by);
        assert!(f == findings && p == pairs, "check {by:?}: differs");
        let (_, p) = run(skew_parts, by);
        assert!(p == pairs, "skew {by:?}: differs");
    }
}
