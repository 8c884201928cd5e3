//! The same trace, captured from real producers and backends in different formats (see
//! `tests/data/generated/README.md`), must give the same tree in tracekit: the same set of
//! (span, parent, service, operation), times equal up to the microsecond of the µs formats
//! (|Δ| < 1000 ns for start and duration; the OTel Zipkin exporter rounds to the nearest µs,
//! Jaeger and Tempo-from-Zipkin are exact), and equal kind and status where both formats carry
//! them.
//!
//! Spans are compared by a key, not by position:
//! * the span id (16 hex);
//! * for a Zipkin server half (`shared`), `<id>/server`;
//! * Tempo renumbers the server half of a Zipkin shared span to `0000000000000001`, parented by
//!   the client half, and re-parents its children to it (VictoriaTraces got those traces from
//!   Tempo, so it has the same). A SERVER span with id 1 whose parent is span X is therefore
//!   keyed `X/server`, the key the Zipkin reader's server half of X gets.
//!
//! The parent of a span is the key of its parent in `TraceTree` (so a Zipkin server half's
//! parent is its client half, and the children of a shared id hang under the server half);
//! roots are `-`, orphans `orphan of <id>`.
//!
//! Links: OTLP links and Jaeger references to another span than the parent are compared as sets
//! of (trace, span) where both formats carry them (Zipkin drops links). Jaeger keeps every
//! reference as a link, including the one that names the parent; that one is not a link in OTLP,
//! so links naming the span's own parent are left out of the comparison.

use std::collections::{BTreeMap, BTreeSet};

use tracekit::input::load::Loaded;
use tracekit::model::tree::{RootReason, TraceTree};
use tracekit::model::{SpanId, SpanKind, StatusCode, Trace};

use crate::common::*;

/// One way of reading a trace: the files, and what their format carries.
#[derive(Clone)]
struct Source {
    label: String,
    /// Relative to `tests/data`.
    files: Vec<String>,
    /// Zipkin has no INTERNAL kind: the OTel exporter writes `"kind": null`.
    carries_internal_kind: bool,
    carries_links: bool,
}

fn src(label: impl Into<String>, files: &[&str]) -> Source {
    Source {
        label: label.into(),
        files: files.iter().map(|f| f.to_string()).collect(),
        carries_internal_kind: true,
        carries_links: true,
    }
}

fn zipkin(label: &str, files: &[&str]) -> Source {
    Source {
        carries_internal_kind: false,
        carries_links: false,
        ..src(label, files)
    }
}

/// Tempo's two JSON answers and VictoriaTraces' answer for one trace id.
fn backend_sources(id: &str) -> Vec<Source> {
    [
        ("Tempo /api/traces", "tempo/api-traces-"),
        ("Tempo /api/v2/traces", "tempo/api-v2-traces-"),
        ("VictoriaTraces", "victoriatraces/traces-"),
    ]
    .iter()
    .map(|(label, prefix)| {
        src(
            format!("{label} {id}"),
            &[&format!(
                "generated/backend-responses/{prefix}{id:0>32}.json"
            )],
        )
    })
    .collect()
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    parent: String,
    service: String,
    name: String,
    kind: SpanKind,
    status: StatusCode,
    start_ns: u64,
    duration_ns: u64,
    links: BTreeSet<(String, String)>,
}

fn key(trace: &Trace, i: usize) -> String {
    let s = &trace.spans[i];
    if s.shared {
        return format!("{}/server", s.span_id);
    }
    if s.span_id == SpanId(1)
        && s.kind == SpanKind::Server
        && let Some(p) = s.parent_span_id
    {
        return format!("{p}/server");
    }
    s.span_id.to_string()
}

/// The trace as a map key → node; fails on a key that repeats.
fn nodes(trace: &Trace) -> Result<BTreeMap<String, Node>, String> {
    let tree = TraceTree::build(trace);
    let mut out = BTreeMap::new();
    for (i, s) in trace.spans.iter().enumerate() {
        let parent = match tree.parent[i] {
            Some(p) => key(trace, p as usize),
            None => match tree.root_reason(i) {
                Some(RootReason::Orphan) => {
                    format!("orphan of {}", s.parent_span_id.unwrap_or_default())
                }
                Some(RootReason::Cycle) => "cycle".to_string(),
                _ => "-".to_string(),
            },
        };
        let links = s
            .links
            .iter()
            .filter(|l| !(l.trace_id == s.trace_id && Some(l.span_id) == s.parent_span_id))
            .map(|l| (l.trace_id.to_string(), l.span_id.to_string()))
            .collect();
        let node = Node {
            parent,
            service: s.service.to_string(),
            name: s.name.to_string(),
            kind: s.kind,
            status: s.status.code,
            start_ns: s.start_ns,
            duration_ns: s.duration_ns(),
            links,
        };
        let k = key(trace, i);
        if out.insert(k.clone(), node).is_some() {
            return Err(format!("span key {k} occurs twice"));
        }
    }
    Ok(out)
}

fn load_source(s: &Source) -> Loaded {
    let paths: Vec<String> = s.files.iter().map(|f| sample(f)).collect();
    load_clean(&paths)
}

/// Compare `other` with `reference` for every trace id; push every difference.
fn compare(reference: &Source, other: &Source, traces: &[&str], f: &mut Failures) {
    let (a, b) = (load_source(reference), load_source(other));
    for id in traces {
        let ctx = format!("trace {id}: {} vs {}", reference.label, other.label);
        let (Some(ta), Some(tb)) = (a.traces.get(trace_id(id)), b.traces.get(trace_id(id))) else {
            f.push(format!("{ctx}: trace missing on one side"));
            continue;
        };
        let (na, nb) = match (nodes(ta), nodes(tb)) {
            (Ok(x), Ok(y)) => (x, y),
            (Err(e), _) => {
                f.push(format!("{ctx}: {} {e}", reference.label));
                continue;
            }
            (_, Err(e)) => {
                f.push(format!("{ctx}: {} {e}", other.label));
                continue;
            }
        };
        let ka: BTreeSet<&String> = na.keys().collect();
        let kb: BTreeSet<&String> = nb.keys().collect();
        if ka != kb {
            f.push(format!(
                "{ctx}: span sets differ; only in {}: {:?}; only in {}: {:?}",
                reference.label,
                ka.difference(&kb).collect::<Vec<_>>(),
                other.label,
                kb.difference(&ka).collect::<Vec<_>>()
            ));
            continue;
        }
        for (k, x) in &na {
            let y = &nb[k];
            let shape = |n: &Node| (n.parent.clone(), n.service.clone(), n.name.clone());
            f.check(shape(x) == shape(y), || {
                format!(
                    "{ctx}: span {k}: (parent, service, operation) {:?} vs {:?}",
                    shape(x),
                    shape(y)
                )
            });
            f.check(
                x.start_ns.abs_diff(y.start_ns) < 1000
                    && x.duration_ns.abs_diff(y.duration_ns) < 1000,
                || {
                    format!(
                        "{ctx}: span {k}: start/duration {}/{} vs {}/{} (more than 1 µs apart)",
                        x.start_ns, x.duration_ns, y.start_ns, y.duration_ns
                    )
                },
            );
            let internal_lost = |n: &Node, m: &Node, src: &Source| {
                !src.carries_internal_kind
                    && n.kind == SpanKind::Unspecified
                    && m.kind == SpanKind::Internal
            };
            f.check(
                x.kind == y.kind || internal_lost(x, y, reference) || internal_lost(y, x, other),
                || format!("{ctx}: span {k}: kind {:?} vs {:?}", x.kind, y.kind),
            );
            f.check(x.status == y.status, || {
                format!("{ctx}: span {k}: status {:?} vs {:?}", x.status, y.status)
            });
            if reference.carries_links && other.carries_links {
                f.check(x.links == y.links, || {
                    format!("{ctx}: span {k}: links {:?} vs {:?}", x.links, y.links)
                });
            }
        }
    }
}

fn compare_all(sources: &[Source], traces: &[&str], what: &str) {
    let mut f = Failures::default();
    for other in &sources[1..] {
        compare(&sources[0], other, traces, &mut f);
    }
    f.finish(what);
}

const OTEL_ROOT_TRACES: [&str; 4] = [
    "0cb0f836124d98d806e10d0ea1575e6a",
    "a12870d7e5dd88b5133d7422bb14b64e",
    "13998450bc6817d72b8ff3c6c47d773a",
    "d0bfd632241ec089649b670d6041e0e4",
];

/// The four CONSUMER-only traces, each linked to the PRODUCER span of a root trace.
const OTEL_LINKED_TRACES: [&str; 4] = [
    "38c6c08e70c627fd937d19b8cb66d0da",
    "67436b96628fbaa3efcdeef0b6cc6b2d",
    "4b9597b07450a5cb508eb927e2d5474f",
    "d9483c0ae12ecbe8bdd1c85c9ed47b1b",
];

fn otlp_jsonl() -> Source {
    src(
        "OTLP JSON lines",
        &["generated/otlp-json/otel-python-file-exporter.jsonl"],
    )
}

#[test]
fn otel_traces_in_every_file_format_agree() {
    let all: Vec<&str> = OTEL_ROOT_TRACES
        .iter()
        .chain(OTEL_LINKED_TRACES.iter())
        .copied()
        .collect();
    compare_all(
        &[
            otlp_jsonl(),
            src(
                "OTLP JSON merged",
                &["generated/otlp-json/otel-python-merged-resourceSpans.json"],
            ),
            zipkin(
                "Zipkin (OTel exporter)",
                &["generated/zipkin-v2/otel-python-zipkin-exporter.json"],
            ),
        ],
        &all,
        "OTel traces: OTLP JSON vs Zipkin",
    );
}

#[test]
fn otel_traces_from_tempo_and_victoriatraces_agree() {
    let mut f = Failures::default();
    for id in [
        "0cb0f836124d98d806e10d0ea1575e6a",
        "a12870d7e5dd88b5133d7422bb14b64e",
        "38c6c08e70c627fd937d19b8cb66d0da",
    ] {
        for other in backend_sources(id) {
            compare(&otlp_jsonl(), &other, &[id], &mut f);
        }
    }
    let pb = src(
        "Tempo protobuf",
        &["generated/backend-responses/tempo/api-traces-0cb0f836124d98d806e10d0ea1575e6a.pb"],
    );
    compare(
        &otlp_jsonl(),
        &pb,
        &["0cb0f836124d98d806e10d0ea1575e6a"],
        &mut f,
    );
    for name in [
        "traces-search-frontend.json",
        "traces-search-op-minduration.json",
    ] {
        let search = src(
            format!("VictoriaTraces {name}"),
            &[&format!(
                "generated/backend-responses/victoriatraces/{name}"
            )],
        );
        compare(&otlp_jsonl(), &search, &OTEL_ROOT_TRACES, &mut f);
    }
    f.finish("OTel traces from backends");
}

const JAEGER_CLIENT_TRACES: [&str; 2] = ["3241afc70b0e852d", "5fd2313cb180424c"];

#[test]
fn jaeger_client_traces_agree() {
    let sources = [
        src(
            "Jaeger Thrift datagrams",
            &[
                "generated/jaeger-thrift/jaeger-client-udp-emitBatch-1.bin",
                "generated/jaeger-thrift/jaeger-client-udp-emitBatch-2.bin",
                "generated/jaeger-thrift/jaeger-client-udp-emitBatch-3.bin",
            ],
        ),
        src(
            "Jaeger Thrift decoded JSON",
            &["generated/jaeger-thrift/jaeger-client-emitBatch-decoded.json"],
        ),
    ];
    let mut f = Failures::default();
    compare(&sources[0], &sources[1], &JAEGER_CLIENT_TRACES, &mut f);
    for id in JAEGER_CLIENT_TRACES {
        for other in backend_sources(id) {
            compare(&sources[0], &other, &[id], &mut f);
        }
    }
    f.finish("jaeger-client traces");
}

#[test]
fn py_zipkin_traces_agree_despite_tempo_renumbering() {
    let reference = src(
        "Zipkin (py_zipkin)",
        &["generated/zipkin-v2/py_zipkin-v2.json"],
    );
    let mut f = Failures::default();
    for id in ["f5c3b274e732dd87", "aae948beea5ddf1e"] {
        for other in backend_sources(id) {
            compare(&reference, &other, &[id], &mut f);
        }
    }
    f.finish("py_zipkin traces");

    // The renumbering itself, so the mapping above is not vacuous: Tempo has span 1 as the
    // SERVER child of the CLIENT span 343a11c96ce72e06; the Zipkin file has that id twice.
    let tempo = load_clean(&[sample(
        "generated/backend-responses/tempo/api-traces-0000000000000000f5c3b274e732dd87.json",
    )]);
    let t = get_trace(&tempo, "f5c3b274e732dd87");
    let one = spans_with_id(t, "0000000000000001");
    assert_eq!(one.len(), 1);
    assert_eq!(
        one[0].parent_span_id.map(|p| p.to_string()).as_deref(),
        Some("343a11c96ce72e06")
    );
    assert_eq!(
        (one[0].kind, &*one[0].service),
        (SpanKind::Server, "pz-inventory")
    );
    let zipkin = load_clean(&[sample("generated/zipkin-v2/py_zipkin-v2.json")]);
    let halves = spans_with_id(get_trace(&zipkin, "f5c3b274e732dd87"), "343a11c96ce72e06");
    assert_eq!(halves.len(), 2);
    assert_eq!(halves.iter().filter(|s| s.shared).count(), 1);
}
/// The same cross-format check end to end: `show --format json` from OTLP JSON and from Zipkin.
#[test]
fn cli_show_json_agrees_between_otlp_and_zipkin() {
    let id = "0cb0f836124d98d806e10d0ea1575e6a";
    let a = show_json(
        &[&sample(
            "generated/otlp-json/otel-python-file-exporter.jsonl",
        )],
        id,
    );
    let b = show_json(
        &[&sample(
            "generated/zipkin-v2/otel-python-zipkin-exporter.json",
        )],
        id,
    );
    assert_eq!(a.spans.len(), 24);
    assert_eq!(b.spans.len(), 24);
    let shape = |d: &ShowDoc| -> BTreeSet<(String, Option<String>, String, String, u64)> {
        d.spans
            .iter()
            .map(|s| {
                (
                    s.span_id.clone(),
                    s.parent_span_id.clone(),
                    s.service.clone(),
                    s.operation.clone(),
                    s.depth,
                )
            })
            .collect()
    };
    assert_eq!(shape(&a), shape(&b));
    for x in &a.spans {
        let y = b.spans.iter().find(|y| y.span_id == x.span_id).unwrap();
        assert!(
            x.start_ns.abs_diff(y.start_ns) < 1000 && x.duration_ns.abs_diff(y.duration_ns) < 1000,
            "{x:?} vs {y:?}"
        );
        assert_eq!(x.status, y.status, "{x:?} vs {y:?}");
        assert!(
            x.kind == y.kind || (x.kind == "internal" && y.kind == "unspecified"),
            "{x:?} vs {y:?}"
        );
    }
    // The order of display is the same too: depth first, children by start time. The Zipkin
    // rounding to µs may only swap siblings that start within the same µs.
    let order = |d: &ShowDoc| {
        d.spans
            .iter()
            .map(|s| s.span_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(order(&a), order(&b));
    // 4 services, one error root cause in /broken (see generated/README.md).
    let services: BTreeSet<&str> = a.spans.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services.len(), 4, "{services:?}");
    assert!(
        a.spans
            .iter()
            .any(|s| s.operation == "GET /broken" && s.status == "error" && s.kind == "server")
    );
}
