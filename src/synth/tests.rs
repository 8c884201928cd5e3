//! Model-level tests of the generator: determinism, structure, attributes, errors, timing
//! and speed. Faults, links, sizes and configuration are in `tests_faults.rs`.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::model::{
    FLAG_HAS_IS_REMOTE, FLAG_IS_REMOTE, RootReason, Span, SpanKind, StatusCode, TraceTree, Value,
};

pub(super) fn generate(cfg: Config) -> Vec<Trace> {
    Generator::new(cfg).unwrap().collect()
}

pub(super) fn cfg(seed: u64, traces: u64, spans: u32) -> Config {
    Config {
        seed,
        traces,
        spans,
        ..Config::default()
    }
}

pub(super) fn by_id(t: &Trace) -> HashMap<SpanId, &Span> {
    t.spans.iter().map(|s| (s.span_id, s)).collect()
}

pub(super) fn is_http_client(s: &Span) -> bool {
    s.kind == SpanKind::Client && s.attr("url.full").is_some()
}

pub(super) fn int(s: &Span, key: &str) -> Option<i64> {
    s.attr(key).and_then(Value::as_i64)
}

#[test]
fn same_seed_same_traces_other_seed_other_traces() {
    for shape in [Shape::Mixed, Shape::Wide, Shape::Deep] {
        let c = Config {
            shape,
            error_rate: 0.3,
            ..cfg(42, 20, 40)
        };
        let a = generate(c.clone());
        let b = generate(c.clone());
        assert_eq!(a, b, "{shape:?}");
        let other = generate(Config { seed: 43, ..c });
        assert_eq!(other.len(), a.len());
        for (x, y) in a.iter().zip(&other) {
            assert_ne!(x.trace_id, y.trace_id);
            assert_ne!(x.spans, y.spans);
        }
    }
    // With faults too.
    let faulty = Config {
        faults: Faults {
            skew: vec![("cart".into(), 3_000_000)],
            drop_rate: 0.1,
            duplicate_ids: 0.05,
            missing_root_rate: 0.2,
        },
        ..cfg(5, 30, 30)
    };
    assert_eq!(generate(faulty.clone()), generate(faulty));
}

#[test]
fn trace_n_does_not_depend_on_the_trace_count() {
    let few = generate(cfg(9, 3, 30));
    let many = generate(cfg(9, 10, 30));
    assert_eq!(few[..], many[..3]);
}

#[test]
fn structure_of_mixed_traces() {
    let mut kinds = HashSet::new();
    let (mut clients, mut producers, mut consumers) = (0, 0, 0);
    for t in generate(Config {
        error_rate: 0.3,
        ..cfg(3, 200, 40)
    }) {
        let tree = TraceTree::build(&t);
        assert_eq!(tree.roots.len(), 1, "one root");
        assert_eq!(tree.roots[0].1, RootReason::Root);
        assert!(tree.duplicate_ids.is_empty());
        let ids = by_id(&t);
        for s in &t.spans {
            assert_eq!(s.trace_id, t.trace_id);
            assert!(!s.span_id.is_zero());
            kinds.insert(s.kind);
            let parent = s.parent_span_id.map(|p| ids[&p]);
            let remote = s.flags == FLAG_HAS_IS_REMOTE | FLAG_IS_REMOTE;
            match (s.kind, parent) {
                (_, None) => assert_eq!(s.flags, FLAG_HAS_IS_REMOTE),
                (SpanKind::Server, Some(p)) => {
                    // The callee's server span is the child of the caller's client span.
                    assert!(is_http_client(p), "{} under {}", s.name, p.name);
                    assert_ne!(p.service, s.service);
                    assert!(remote);
                }
                (SpanKind::Consumer, Some(p)) => {
                    assert_eq!(p.kind, SpanKind::Producer);
                    assert_eq!(&*s.service, "worker");
                    assert!(remote);
                }
                (_, Some(p)) => {
                    assert_eq!(s.flags, FLAG_HAS_IS_REMOTE, "local child {}", s.name);
                    assert_eq!(p.service, s.service);
                }
            }
        }
        for s in &t.spans {
            let kids: Vec<&Span> = t
                .spans
                .iter()
                .filter(|c| c.parent_span_id == Some(s.span_id))
                .collect();
            if is_http_client(s) {
                clients += 1;
                assert_eq!(
                    kids.len(),
                    1,
                    "an HTTP client span has exactly its server span"
                );
                assert_eq!(kids[0].kind, SpanKind::Server);
            }
            if s.kind == SpanKind::Producer {
                producers += 1;
                // A producer that failed sent nothing.
                assert_eq!(kids.len(), usize::from(!s.is_error()));
                consumers += kids.iter().filter(|k| k.kind == SpanKind::Consumer).count();
            }
        }
    }
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert!(
        clients > 1000 && producers > 5 && consumers > 5,
        "{clients} {producers} {consumers}"
    );
}

#[test]
fn wide_and_deep_sizes_are_exact() {
    for n in [1u32, 2, 3, 4, 7, 10_000] {
        for t in generate(Config {
            shape: Shape::Wide,
            error_rate: 0.5,
            ..cfg(1, 2, n)
        }) {
            assert_eq!(t.spans.len(), n as usize);
            let tree = TraceTree::build(&t);
            assert_eq!(tree.roots.len(), 1);
            let root = tree.roots[0].0 as usize;
            assert_eq!(tree.children(root).len(), n as usize - 1);
            assert!(tree.depth.iter().all(|d| *d <= 1));
        }
        for t in generate(Config {
            shape: Shape::Deep,
            error_rate: 0.5,
            ..cfg(1, 2, n)
        }) {
            assert_eq!(t.spans.len(), n as usize);
            let tree = TraceTree::build(&t);
            assert_eq!(tree.roots.len(), 1);
            assert_eq!(tree.depth.iter().max().copied(), Some(n - 1));
            assert!((0..t.spans.len()).all(|i| tree.children(i).len() <= 1));
        }
    }
}

#[test]
fn wide_children_overlap() {
    let t = &generate(Config {
        shape: Shape::Wide,
        ..cfg(2, 1, 2_000)
    })[0];
    let mut iv: Vec<(u64, u64)> = t
        .spans
        .iter()
        .filter(|s| s.parent_span_id.is_some())
        .map(|s| (s.start_ns, s.end_ns))
        .collect();
    iv.sort_unstable();
    // How many children run at once, at most: a worker pool, not one at a time and not all.
    let mut events: Vec<(u64, i32)> = iv.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
    events.sort_unstable_by_key(|&(t, d)| (t, d));
    let (mut cur, mut max) = (0, 0);
    for (_, d) in events {
        cur += d;
        max = max.max(cur);
    }
    assert!(max > 4 && max <= 16, "concurrency {max}");
}

#[test]
fn deep_chain_of_100k() {
    let t = &generate(Config {
        shape: Shape::Deep,
        error_rate: 1.0,
        ..cfg(4, 1, 100_000)
    })[0];
    assert_eq!(t.spans.len(), 100_000);
    let tree = TraceTree::build(t);
    assert_eq!(tree.depth.iter().max().copied(), Some(99_999));
    // The whole chain failed from its deepest span up.
    assert!(t.spans.iter().all(Span::is_error));
    let deepest = tree.depth.iter().position(|d| *d == 99_999).unwrap();
    assert!(
        t.spans[deepest]
            .events
            .iter()
            .any(|e| &*e.name == "exception")
    );
}

#[test]
fn realistic_attributes() {
    let traces = generate(cfg(11, 100, 40));
    let mut scopes = HashSet::new();
    let mut services = HashSet::new();
    for s in traces.iter().flat_map(|t| &t.spans) {
        let r = &s.resource.attributes;
        let res = |k: &str| {
            crate::model::value::find(r, k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        assert_eq!(res("service.name").as_deref(), Some(&*s.service));
        for k in [
            "service.version",
            "service.instance.id",
            "host.name",
            "telemetry.sdk.name",
            "telemetry.sdk.language",
            "telemetry.sdk.version",
            "deployment.environment.name",
        ] {
            assert!(
                res(k).is_some_and(|v| !v.is_empty()),
                "{k} on {}",
                s.service
            );
        }
        assert!(!s.scope.name.is_empty() && s.scope.version.is_some());
        scopes.insert(s.scope.name.to_string());
        services.insert(s.service.to_string());
        let has = |k: &str| s.attr(k).is_some();
        match s.kind {
            SpanKind::Server => {
                for k in [
                    "http.request.method",
                    "http.route",
                    "url.path",
                    "server.address",
                    "user_agent.original",
                ] {
                    assert!(has(k), "{k} on {}", s.name);
                }
                let code = int(s, "http.response.status_code").unwrap();
                assert_eq!(code >= 500, s.is_error());
                let route = s.attr("http.route").and_then(Value::as_str).unwrap();
                assert!(s.name.ends_with(route));
            }
            SpanKind::Client if is_http_client(s) => {
                assert!(has("http.request.method") && has("server.address"));
            }
            SpanKind::Client => {
                for k in [
                    "db.system.name",
                    "db.query.text",
                    "db.namespace",
                    "db.operation.name",
                ] {
                    assert!(has(k), "{k} on {}", s.name);
                }
            }
            SpanKind::Producer | SpanKind::Consumer => {
                let op = if s.kind == SpanKind::Producer {
                    "send"
                } else {
                    "process"
                };
                assert_eq!(
                    s.attr("messaging.system").and_then(Value::as_str),
                    Some("kafka")
                );
                assert_eq!(
                    s.attr("messaging.destination.name").and_then(Value::as_str),
                    Some("orders")
                );
                assert_eq!(
                    s.attr("messaging.operation.type").and_then(Value::as_str),
                    Some(op)
                );
            }
            _ => {}
        }
    }
    assert_eq!(services.len(), 8, "{services:?}");
    for scope in [
        "opentelemetry.instrumentation.flask",
        "io.opentelemetry.jdbc",
        "@opentelemetry/instrumentation-http",
    ] {
        assert!(scopes.contains(scope), "{scope} in {scopes:?}");
    }
    // Both database kinds occur.
    let systems: HashSet<&str> = traces
        .iter()
        .flat_map(|t| &t.spans)
        .filter_map(|s| s.attr("db.system.name")?.as_str())
        .collect();
    assert_eq!(systems, HashSet::from(["postgresql", "redis"]));
}

#[test]
fn errors_propagate_to_callers() {
    let rate = 0.4;
    let traces = generate(Config {
        error_rate: rate,
        ..cfg(21, 500, 40)
    });
    let mut failed_roots = 0;
    let mut retries = 0;
    for t in &traces {
        let ids = by_id(t);
        for s in &t.spans {
            if s.parent_span_id.is_none() && s.is_error() {
                failed_roots += 1;
            }
            for e in s.events.iter().filter(|e| &*e.name == "retry") {
                retries += 1;
                // The next attempt starts at the event and says it is a resend.
                let next = t
                    .spans
                    .iter()
                    .find(|c| c.parent_span_id == Some(s.span_id) && c.start_ns == e.time_ns);
                assert_eq!(
                    next.and_then(|c| int(c, "http.request.resend_count")),
                    Some(1)
                );
            }
            if !s.is_error() {
                continue;
            }
            assert!(s.status.message.as_deref().is_some_and(|m| !m.is_empty()));
            if is_http_client(s) {
                assert!(
                    int(s, "http.response.status_code").is_some_and(|c| c >= 500),
                    "{}",
                    s.name
                );
            } else {
                let ex = s
                    .events
                    .iter()
                    .find(|e| &*e.name == "exception")
                    .expect("exception event");
                for k in [
                    "exception.type",
                    "exception.message",
                    "exception.stacktrace",
                ] {
                    let v = crate::model::value::find(&ex.attributes, k).and_then(Value::as_str);
                    assert!(v.is_some_and(|v| !v.is_empty()), "{k}");
                }
            }
            // The caller fails too, unless it retried or the failure was in an async consumer.
            if let Some(p) = s.parent_span_id.map(|p| ids[&p]) {
                let handled = p.events.iter().any(|e| &*e.name == "retry");
                let detached = s.kind == SpanKind::Consumer && p.kind == SpanKind::Producer;
                assert!(
                    p.is_error() || handled || detached,
                    "{} under {}",
                    s.name,
                    p.name
                );
            }
        }
    }
    let share = f64::from(failed_roots) / traces.len() as f64;
    assert!((share - rate).abs() < 0.07, "failed share {share}");
    assert!(retries > 0);
    // No errors at all when the rate is 0.
    let clean = generate(Config {
        error_rate: 0.0,
        ..cfg(21, 200, 40)
    });
    assert!(clean.iter().flat_map(|t| &t.spans).all(
        |s| s.status.code != StatusCode::Error && s.events.iter().all(|e| &*e.name != "retry")
    ));
}

#[test]
fn timing_is_consistent() {
    for shape in [Shape::Mixed, Shape::Wide, Shape::Deep] {
        let traces = generate(Config {
            shape,
            error_rate: 0.2,
            ..cfg(8, 100, 60)
        });
        // The first trace starts at the fixed default epoch; later ones after it.
        assert_eq!(traces[0].start_ns(), DEFAULT_START_SECS * 1_000_000_000);
        assert!(traces.windows(2).all(|w| w[0].start_ns() < w[1].start_ns()));
        let mut overlapping_siblings = 0;
        for t in &traces {
            let ids = by_id(t);
            for s in &t.spans {
                assert!(s.start_ns < s.end_ns);
                for e in &s.events {
                    assert!(
                        e.time_ns >= s.start_ns && e.time_ns <= s.end_ns,
                        "{} {}",
                        s.name,
                        e.name
                    );
                }
                let Some(p) = s.parent_span_id.map(|p| ids[&p]) else {
                    continue;
                };
                if s.kind == SpanKind::Consumer {
                    // Asynchronous: starts after the message was sent, may end after the sender.
                    assert!(s.start_ns >= p.end_ns);
                    continue;
                }
                assert!(
                    s.start_ns >= p.start_ns && s.end_ns <= p.end_ns,
                    "{} outside {}",
                    s.name,
                    p.name
                );
                if s.kind == SpanKind::Server {
                    // Network time on both sides of the call.
                    assert!(s.start_ns > p.start_ns && s.end_ns < p.end_ns);
                }
            }
            let mut kids: HashMap<SpanId, Vec<(u64, u64)>> = HashMap::new();
            for s in &t.spans {
                if let Some(p) = s.parent_span_id {
                    kids.entry(p).or_default().push((s.start_ns, s.end_ns));
                }
            }
            for v in kids.values_mut() {
                v.sort_unstable();
                overlapping_siblings += v.windows(2).filter(|w| w[1].0 < w[0].1).count();
            }
        }
        if shape != Shape::Deep {
            assert!(overlapping_siblings > 0, "{shape:?}: parallel fan-out");
        }
    }
    let later = generate(Config {
        start_ns: 1_000_000_000_000_000_000,
        ..cfg(8, 1, 30)
    });
    assert_eq!(later[0].start_ns(), 1_000_000_000_000_000_000);
}

/// Speed smoke test: 100k spans through the model (run with `--release --nocapture` to read
/// the rate; nothing is asserted about time).
#[test]
fn speed_smoke_100k_spans() {
    let started = std::time::Instant::now();
    let spans: usize = Generator::new(cfg(31, 2_200, 50))
        .unwrap()
        .map(|t| t.spans.len())
        .sum();
    let secs = started.elapsed().as_secs_f64();
    assert!(spans >= 100_000, "{spans}");
    println!(
        "mixed: {spans} spans in {secs:.3}s = {:.0} spans/s",
        spans as f64 / secs
    );
}
