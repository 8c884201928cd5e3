//! Each assertion type on traces built here: pass and fail cases, and boundary values.

use super::*;
use crate::analysis::findings::{Finding, Severity};
use crate::model::testkit;
use crate::model::{KeyValue, Span, SpanId, SpanKind, StatusCode, Trace, TraceId};

#[allow(clippy::too_many_arguments)]
fn sp(
    t: u128,
    id: u64,
    parent: Option<u64>,
    svc: &str,
    op: &str,
    kind: SpanKind,
    start: u64,
    end: u64,
) -> Span {
    testkit::span(id)
        .trace(t)
        .parent(parent)
        .service(svc)
        .name(op)
        .kind(kind)
        .start_ns(start)
        .end_ns(end)
        .build()
}

/// Trace k: frontend SERVER "GET /" [0, k ms] with http attrs when k != 3; a db CLIENT child
/// under it; trace 4 also has an orphan db call and an error.
fn traces() -> Vec<Trace> {
    (1..=4u128)
        .map(|k| {
            let ms = 1_000_000u64;
            let mut root = sp(
                k,
                1,
                None,
                "frontend",
                "GET /",
                SpanKind::Server,
                0,
                k as u64 * 100 * ms,
            );
            if k != 3 {
                root.attributes
                    .push(KeyValue::new("http.route", "/".into()));
            }
            let mut db = sp(
                k,
                2,
                Some(1),
                "frontend",
                "SELECT",
                SpanKind::Client,
                ms,
                2 * ms,
            );
            db.attributes
                .push(KeyValue::new("db.system.name", "postgresql".into()));
            let mut spans = vec![root, db];
            if k == 4 {
                let mut orphan = sp(
                    k,
                    3,
                    Some(99),
                    "worker",
                    "SELECT",
                    SpanKind::Client,
                    ms,
                    3 * ms,
                );
                orphan
                    .attributes
                    .push(KeyValue::new("db.system.name", "postgresql".into()));
                orphan.status.code = StatusCode::Error;
                spans.push(orphan);
            }
            Trace {
                trace_id: TraceId(k),
                spans,
            }
        })
        .collect()
}

fn run(policy: &str, findings: &[Finding]) -> Vec<AssertionResult> {
    let p = Policy::parse(policy, "test.toml").unwrap();
    evaluate(&p, &traces(), findings)
}

const SELECTORS: &str = r#"
[selectors.entry]
root = true
kind = "server"
[selectors.db]
kind = "client"
has_attributes = ["db.system.name"]
[selectors.servers]
kind = "server"
[selectors.worker]
service = "work*"
"#;

#[test]
fn starter_policy_parses() {
    Policy::parse(STARTER, "starter.toml").unwrap();
}

#[test]
fn coverage_boundaries() {
    let r = run(
        &format!("{SELECTORS}[[coverage]]\nselector = \"worker\"\nmin_traces = \"25%\"\n"),
        &[],
    );
    assert!(r[0].passed, "{:?}", r[0]);
    assert_eq!(r[0].measured, "25.00% (1 of 4 traces)");
    let r = run(
        &format!("{SELECTORS}[[coverage]]\nselector = \"worker\"\nmin_traces = \"26%\"\n"),
        &[],
    );
    assert!(!r[0].passed);
    assert_eq!(r[0].examples, vec![TraceId(1), TraceId(2), TraceId(3)]);
}

#[test]
fn attributes_share() {
    let r = run(
        &format!(
            "{SELECTORS}[[attributes]]\nselector = \"entry\"\nrequired = [\"http.route\"]\nmin_share = \"75%\"\n"
        ),
        &[],
    );
    assert!(r[0].passed);
    let r = run(
        &format!("{SELECTORS}[[attributes]]\nselector = \"entry\"\nrequired = [\"http.route\"]\n"),
        &[],
    );
    assert!(!r[0].passed);
    assert_eq!(r[0].measured, "75.00% (3 of 4 spans)");
    assert_eq!(r[0].examples, vec![TraceId(3)]);
}

#[test]
fn services_and_relations() {
    let r = run(
        &format!("{SELECTORS}[[services]]\nrequired = [\"frontend\", \"payment\"]\n"),
        &[],
    );
    assert!(r[0].passed && !r[1].passed);
    let r = run(
        &format!("{SELECTORS}[[services]]\nrequired = [\"worker\"]\nmin_traces = \"50%\"\n"),
        &[],
    );
    assert!(!r[0].passed);
    let r = run(
        &format!("{SELECTORS}[[relations]]\nselector = \"db\"\nparent = \"servers\"\n"),
        &[],
    );
    // 5 db spans, 4 with a SERVER parent: the orphan in trace 4 fails it.
    assert!(!r[0].passed);
    assert_eq!(r[0].measured, "80.00% (4 of 5 spans)");
    assert_eq!(r[0].examples, vec![TraceId(4)]);
    let r = run(
        &format!(
            "{SELECTORS}[[relations]]\nselector = \"db\"\nparent = \"servers\"\nmin_share = 0.8\n"
        ),
        &[],
    );
    assert!(r[0].passed);
}

#[test]
fn budgets() {
    // Entry durations 100, 200, 300, 400 ms: P50 = 200ms (rank 2), P99 = 400ms (rank 4).
    let r = run(
        &format!(
            "{SELECTORS}[[budgets]]\nselector = \"entry\"\nassert = [\"p50(duration) <= 200ms\", \"p99(duration) < 400ms\", \"p99(duration) <= 400ms\"]\n"
        ),
        &[],
    );
    assert_eq!(
        r.iter().map(|x| x.passed).collect::<Vec<_>>(),
        vec![true, false, true]
    );
    assert_eq!(r[1].measured, "400ms");
    assert_eq!(r[1].examples[0], TraceId(4));
    // Errors: 1 of 5 db spans.
    let r = run(
        &format!(
            "{SELECTORS}[[budgets]]\nselector = \"db\"\nassert = [\"error_rate <= 20%\", \"error_rate < 20%\", \"count == 5\"]\n"
        ),
        &[],
    );
    assert_eq!(
        r.iter().map(|x| x.passed).collect::<Vec<_>>(),
        vec![true, false, true]
    );
    let r = run(
        "[[budgets]]\nassert = [\"spans_per_trace <= 2\", \"critical_path_share >= 100%\"]\n",
        &[],
    );
    // Trace 4 has 3 spans; all spans together own the whole critical path.
    assert_eq!(
        r.iter().map(|x| x.passed).collect::<Vec<_>>(),
        vec![false, true]
    );
    assert_eq!(r[0].examples.len(), 4);
}

#[test]
fn rules_with_allowed_count() {
    let f = vec![
        Finding::new("completeness/orphan-span", Severity::Warning, "x")
            .at(TraceId(4), Some(SpanId(3))),
        Finding::new("pii/email", Severity::Note, "y").at(TraceId(1), None),
    ];
    let r = run("[[rules]]\nrules = [\"completeness/*\"]\n", &f);
    assert!(!r[0].passed);
    assert_eq!(r[0].examples, vec![TraceId(4)]);
    let r = run(
        "[[rules]]\nrules = [\"completeness/*\"]\nmax_count = 1\n",
        &f,
    );
    assert!(r[0].passed);
    let r = run(
        "[[rules]]\nrules = [\"pii/email\"]\nmin_severity = \"warning\"\n",
        &f,
    );
    assert!(r[0].passed);
}

/// A chain of 10,000 `child_of` selectors is ordered once, parents first, and each selector is
/// computed once per trace (this took over a minute on a 2-span input). The selectors are
/// named so that the map's order is the reverse of the chain's: the worst case for a resolver
/// that repeats passes until every parent is known.
#[test]
fn a_long_child_of_chain_is_linear() {
    let n = 10_000;
    let mut policy = String::new();
    for i in 0..n {
        // s09999 is the top; s(i) is a child of s(i+1).
        policy.push_str(&format!("[selectors.s{i:05}]\nservice = \"frontend\"\n"));
        if i + 1 < n {
            policy.push_str(&format!("child_of = \"s{:05}\"\n", i + 1));
        }
    }
    policy.push_str("[[coverage]]\nselector = \"s00000\"\nmin_traces = \"0%\"\n");
    let p = Policy::parse(&policy, "chain.toml").unwrap();
    assert_eq!(p.order.len(), n);
    assert_eq!(p.order[0], format!("s{:05}", n - 1));
    let pos: std::collections::HashMap<&str, usize> = p
        .order
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    for (name, sel) in &p.selectors {
        if let Some(parent) = &sel.child_of {
            assert!(
                pos[parent.as_str()] < pos[name.as_str()],
                "{name} before {parent}"
            );
        }
    }
    let r = evaluate(&p, &traces(), &[]);
    // The chain is deeper than any trace: the deepest selector matches nothing.
    assert_eq!(
        r[0].measured, "0.00% (0 of 4 traces)",
        "{:?}",
        r[0].measured
    );
    // A loop and an unknown parent are still refused, naming the selector.
    let e = Policy::parse(
        "[selectors.a]\nchild_of = \"b\"\n[selectors.b]\nchild_of = \"c\"\n[selectors.c]\nchild_of = \"b\"\n",
        "t.toml",
    )
    .err()
    .unwrap();
    assert!(e.contains("loops through \"b\""), "{e}");
    let e = Policy::parse("[selectors.a]\nchild_of = \"zz\"\n", "t.toml")
        .err()
        .unwrap();
    assert!(e.contains("child_of names unknown selector \"zz\""), "{e}");
}
