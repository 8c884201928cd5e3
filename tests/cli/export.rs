//! `export`: snapshots of the Markdown timeline and CSV of the bundled example, file handling
//! (atomic, no overwrite without --force, one file per trace), and conversions between every pair
//! of trace formats (synth → A → B → A keeps what both carry), as a property over seeds.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tracekit::formats::{Format, write_all};
use tracekit::input::load::{LoadOptions, load};
use tracekit::model::{SpanKind, Trace};
use tracekit::synth::{Config, Generator};

use super::common::{repo_dir, run};

fn fixture(name: &str) -> String {
    repo_dir().join("fixtures").join(name).display().to_string()
}

#[test]
fn markdown_timeline_of_the_bundled_example() {
    let r = run([
        "export",
        &fixture("checkout.otlp.json"),
        "--to",
        "markdown",
        "--tz",
        "+02:00",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn csv_of_the_bundled_example() {
    let r = run([
        "export",
        &fixture("checkout.otlp.json"),
        "--to",
        "csv",
        "--columns",
        "http.route,db.system.name",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn files_are_not_overwritten_and_directories_get_one_file_per_trace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.md");
    let out_s = out.to_str().unwrap();
    let r = run([
        "export",
        &fixture("checkout.otlp.json"),
        "--to",
        "markdown",
        "-o",
        out_s,
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let r = run([
        "export",
        &fixture("checkout.otlp.json"),
        "--to",
        "markdown",
        "-o",
        out_s,
    ]);
    assert_eq!(
        r.code,
        Some(2),
        "an existing file needs --force\n{}",
        r.describe()
    );
    let r = run([
        "export",
        &fixture("checkout.otlp.json"),
        "--to",
        "markdown",
        "-o",
        out_s,
        "--force",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    // No temporary files are left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let per = dir.path().join("per/");
    let r = run([
        "export",
        &fixture("shop.otlp.jsonl.gz"),
        "--to",
        "mermaid",
        "-o",
        per.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(std::fs::read_dir(&per).unwrap().count(), 40);
    // A one-trace format with many traces and one file is a usage error.
    let r = run([
        "export",
        &fixture("shop.otlp.jsonl.gz"),
        "--to",
        "html",
        "-o",
        dir.path().join("x.html").to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
}

const FORMATS: [Format; 7] = [
    Format::OtlpJson,
    Format::OtlpJsonl,
    Format::OtlpProto,
    Format::Tempo,
    Format::Jaeger,
    Format::Zipkin,
    Format::JaegerThrift,
];

fn micros(f: Format) -> bool {
    matches!(f, Format::Jaeger | Format::Zipkin | Format::JaegerThrift)
}

fn convert(format: Format, traces: &[Trace], dir: &std::path::Path, n: usize) -> Vec<Trace> {
    let path = dir.join(format!("{n}.{}", format.name()));
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

/// What every format carries, per span: ids, parent, service, name, times (µs when either side
/// is a µs format), status code, kind (internal ≈ unspecified), attribute keys and event names.
type Common = BTreeMap<
    (u128, u64, bool),
    (
        Option<u64>,
        String,
        String,
        u64,
        u64,
        String,
        u8,
        Vec<String>,
        Vec<String>,
    ),
>;

fn common(traces: &[Trace], us: bool) -> Common {
    let t = |ns: u64| if us { ns / 1000 * 1000 } else { ns };
    traces
        .iter()
        .flat_map(|x| x.spans.iter())
        .map(|s| {
            let kind = if s.kind == SpanKind::Internal {
                SpanKind::Unspecified
            } else {
                s.kind
            };
            let mut keys: Vec<String> = s.attributes.iter().map(|kv| kv.key.to_string()).collect();
            keys.sort();
            (
                (s.trace_id.0, s.span_id.0, s.shared),
                (
                    s.parent_span_id.map(|p| p.0),
                    s.service.to_string(),
                    s.name.to_string(),
                    t(s.start_ns),
                    t(s.end_ns),
                    s.status.code.as_str().to_string(),
                    kind.to_otlp() as u8,
                    keys,
                    s.events.iter().map(|e| e.name.to_string()).collect(),
                ),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
    #[test]
    fn every_pair_of_formats_round_trips(seed in 1u64..1_000_000) {
        let cfg = Config { seed, traces: 3, spans: 20, error_rate: 0.3, ..Config::default() };
        let original: Vec<Trace> = Generator::new(cfg).unwrap().collect();
        let dir = tempfile::tempdir().unwrap();
        let mut n = 0;
        for a in FORMATS {
            let in_a = convert(a, &original, dir.path(), { n += 1; n });
            for b in FORMATS {
                if a == b {
                    continue;
                }
                let in_b = convert(b, &in_a, dir.path(), { n += 1; n });
                let back = convert(a, &in_b, dir.path(), { n += 1; n });
                let us = micros(a) || micros(b);
                prop_assert_eq!(common(&back, us), common(&in_a, us), "{} -> {} -> {}", a.name(), b.name(), a.name());
            }
        }
    }
}
