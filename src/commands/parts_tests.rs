//! Each command that declares the span parts it reads (`LoadOptions::parts`) gives, on those
//! parts, the same answer as on whole spans (that a reader builds exactly the parts asked for:
//! `formats::otlp_json::read` tests).

use crate::analysis::percentile::{Percentile, QuantileMethod};
use crate::analysis::stats::{GroupBy, StatsCollector};
use crate::formats::test_support::{read_bytes_wanting, synth};
use crate::formats::{Format, ReadWants};
use crate::model::{Span, SpanParts, Trace};

/// The formats whose readers build only the parts asked for.
const FORMATS: [Format; 3] = [Format::OtlpJsonl, Format::OtlpProto, Format::JaegerThrift];

/// Spans of `data` in `format` (OTLP JSON lines are read by the OTLP/JSON reader).
fn read_parts(format: Format, data: &[u8], parts: SpanParts) -> (Vec<Span>, usize) {
    let wants = ReadWants {
        parts,
        traces: None,
    };
    let reader = match format {
        Format::OtlpJsonl => Format::OtlpJson,
        f => f,
    };
    let read = reader.entry().read.unwrap().0;
    let (spans, warnings, result) = read_bytes_wanting(read, data, wants);
    result.unwrap();
    (spans, warnings.len())
}

#[test]
fn stats_on_the_parts_it_declares_equal_stats_on_whole_spans() {
    let percentiles: Vec<Percentile> = ["p50", "p95", "p99"]
        .iter()
        .map(|p| Percentile::parse(p).unwrap())
        .collect();
    for format in FORMATS {
        let data = synth(format, 11, 200);
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
                c.add(read_parts(format, &data, parts).0);
                let r = c.finish(&percentiles, QuantileMethod::NearestRank);
                format!("{r:?}")
            };
            let whole = report(SpanParts::ALL);
            assert!(whole.len() > 200, "{whole}");
            assert_eq!(report(group_by.parts()), whole, "{format:?} {group_by:?}");
        }
    }
}

/// Traces of `data` read with `parts`, in first-seen order.
fn traces_with(format: Format, data: &[u8], parts: SpanParts) -> Vec<Trace> {
    let mut set = crate::model::TraceSet::new();
    set.extend(read_parts(format, data, parts).0);
    set.into_traces()
}

#[test]
fn critical_paths_and_diffs_on_the_core_equal_those_on_whole_spans() {
    use crate::analysis::critical_path::critical_paths;
    use crate::analysis::diff::{Side, Tolerance, diff};
    use crate::model::TraceTree;
    for format in FORMATS {
        let base = synth(format, 5, 60);
        let cand = synth(format, 6, 60);
        let paths = |traces: &[Trace]| {
            let v: Vec<_> = traces
                .iter()
                .map(|t| critical_paths(t, &TraceTree::build(t), true))
                .collect();
            format!("{v:?}")
        };
        let whole = paths(&traces_with(format, &base, SpanParts::ALL));
        assert!(whole.len() > 1000);
        assert_eq!(paths(&traces_with(format, &base, SpanParts::CORE)), whole);
        let percentiles = [Percentile::parse("p95").unwrap()];
        let report = |parts| {
            let b = Side::from_traces(&traces_with(format, &base, parts));
            let c = Side::from_traces(&traces_with(format, &cand, parts));
            format!("{:?}", diff(&b, &c, &percentiles, Tolerance::default()))
        };
        assert_eq!(
            report(SpanParts::CORE),
            report(SpanParts::ALL),
            "{format:?}"
        );
    }
}

#[test]
fn check_and_skew_on_the_parts_they_declare_equal_those_on_whole_spans() {
    use crate::analysis::check::{CheckOptions, check_trace};
    use crate::analysis::skew::{SkewBy, SkewCollector, edges};
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
    let check_parts = super::check::CHECK_PARTS;
    let skew_parts = super::skew::REPORT_PARTS;
    let opts = CheckOptions::default();
    // (check findings, skew pairs) as text.
    for format in FORMATS {
        let mut data = Vec::new();
        crate::formats::write_all(format, &all, &mut data).unwrap();
        let run = |parts, by| {
            let mut findings = Vec::new();
            let mut skew = SkewCollector::default();
            for t in traces_with(format, &data, parts) {
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
            assert!(
                f == findings && p == pairs,
                "check {format:?} {by:?}: differs"
            );
            let (_, p) = run(skew_parts, by);
            assert!(p == pairs, "skew {format:?} {by:?}: differs");
        }
    }
}
