//! The rule table: well-formed, complete against SPEC, and every rule reachable.
//!
//! Reachability here is at the library level (each check rule on a trace made for it, each lint
//! rule through the lint engine). The command-line tests of each rule are:
//! `tests/cli/check.rs` (orphan_span_kinds_from_the_remote_parent_flag,
//! missing_root_and_multiple_roots, duplicate_span_id_but_not_the_zipkin_shared_pair,
//! parent_cycle, client_without_server_and_its_near_misses, expected_service_and_root,
//! dropped_data_negative_duration_missing_timestamp, child_outside_parent_and_near_misses,
//! clock_skew_finding; invalid-span-id cannot be read from a file: every reader refuses an
//! all-zero span id, all_zero_span_id_is_refused_by_the_reader) and `tests/cli/lint.rs` with
//! `src/analysis/pii/{tests,lint_tests}.rs` and `src/analysis/cardinality/tests.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::analysis::check::{CheckOptions, check_trace};
use crate::analysis::pii::config::LintConfig;
use crate::analysis::pii::driver::LintEngine;
use crate::model::testkit;
use crate::model::{Span, SpanKind, Trace, TraceId, TraceTree};

/// SPEC "Rules and findings": the rules that must exist.
const SPEC_MINIMUM: &[&str] = &[
    "completeness/orphan-span",
    "completeness/missing-root",
    "completeness/multiple-roots",
    "completeness/duplicate-span-id",
    "completeness/parent-cycle",
    "completeness/client-without-server",
    "completeness/expected-service-missing",
    "timing/negative-duration",
    "timing/child-outside-parent",
    "skew/clock-skew",
    "cardinality/span-name",
    "cardinality/attribute",
    "pii/email",
    "pii/credit-card",
    "pii/us-ssn",
    "pii/phone",
    "pii/ip-address",
    "pii/jwt",
    "pii/bearer-token",
    "pii/aws-access-key",
    "pii/iban",
    "pii/url-credentials",
    "pii/secret-key-name",
];

fn ids(pick: impl Fn(&Rule) -> bool) -> BTreeSet<&'static str> {
    RULES.iter().filter(|r| pick(r)).map(|r| r.id).collect()
}

fn is_check(r: &Rule) -> bool {
    matches!(
        r.eval,
        Eval::PerRoot(_) | Eval::PerTrace(_) | Eval::PerSpan(_)
    )
}

#[test]
fn ids_are_unique_lowercase_family_slash_name() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "{} twice", r.id);
        let (family, name) = r.id.split_once('/').expect("family/name");
        for part in [family, name] {
            assert!(
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.id
            );
        }
        assert_eq!(r.family(), family);
        assert_eq!(r.anchor(), format!("rule-{family}-{name}"));
        assert_eq!(
            r.help_uri(),
            format!("https://example.invalid/tracekit/blob/main/README.md#rule-{family}-{name}")
        );
    }
    // Anchors are unique too (no two ids differ only in `/` versus `-`).
    let anchors: BTreeSet<String> = RULES.iter().map(|r| r.anchor()).collect();
    assert_eq!(anchors.len(), RULES.len());
}

#[test]
fn texts_commands_and_evaluators_fit_the_family() {
    for r in RULES {
        assert!(
            !r.description.contains('\n') && r.description.ends_with('.'),
            "{}: one line, a sentence",
            r.id
        );
        assert!(r.description.len() <= 120, "{}: description too long", r.id);
        assert!(
            r.help.len() > r.description.len() && r.help.ends_with('.'),
            "{}: help says more",
            r.id
        );
        assert!(!r.commands.is_empty(), "{}", r.id);
        let (family, want_cmd) = match r.eval {
            Eval::PerRoot(_) | Eval::PerTrace(_) | Eval::PerSpan(_) => (None, Cmd::Check),
            Eval::Skew => (Some("skew"), Cmd::Check),
            Eval::Cardinality(_) => (Some("cardinality"), Cmd::Lint),
            Eval::Pii { .. } => (Some("pii"), Cmd::Lint),
        };
        if let Some(f) = family {
            assert_eq!(r.family(), f, "{}", r.id);
        } else {
            assert!(matches!(r.family(), "completeness" | "timing"), "{}", r.id);
        }
        assert!(r.reported_by(want_cmd), "{}", r.id);
        // Lint rules are lint's alone; gate evaluates check's per-trace rules only.
        assert_eq!(r.reported_by(Cmd::Lint), want_cmd == Cmd::Lint, "{}", r.id);
        if r.reported_by(Cmd::Gate) {
            assert!(is_check(r), "{}", r.id);
        }
    }
}

#[test]
fn spec_minimum_rules_are_in_the_table() {
    for id in SPEC_MINIMUM {
        assert!(find(id).is_some(), "{id} missing");
    }
    assert_eq!(find("pii/nope").map(|r| r.id), None);
}

#[test]
fn lookups_name_table_entries() {
    assert_eq!(clock_skew().id, "skew/clock-skew");
    assert_eq!(
        CardinalityCheck::Attribute.rule().id,
        "cardinality/attribute"
    );
    assert_eq!(
        CardinalityCheck::SpanName.rule().id,
        "cardinality/span-name"
    );
    assert_eq!(PII_KINDS, ids(|r| matches!(r.eval, Eval::Pii { .. })).len());
    for (i, k) in PII_ALL.iter().enumerate() {
        assert_eq!(*k as usize, i, "PII_ALL is in priority order");
        assert!(std::ptr::eq(k.rule(), find(k.id()).unwrap()));
    }
    let check: BTreeSet<_> = rules_for("check").iter().map(|r| r.id).collect();
    assert_eq!(check.len(), 14);
    assert!(check.iter().all(|id| !id.starts_with("pii/")));
    let lint: BTreeSet<_> = rules_for("lint").iter().map(|r| r.id).collect();
    assert_eq!(
        lint,
        ids(|r| r.family() == "pii" || r.family() == "cardinality")
    );
    assert!(rules_for("show").is_empty());
}

#[test]
fn patterns_select_like_gate_policies() {
    assert!(matches("pii/*", "pii/email"));
    assert!(matches("*", "skew/clock-skew"));
    assert!(matches("pii/email", "pii/email"));
    assert!(!matches("pii/email", "pii/email-x"));
    assert!(!matches("pii", "pii/email"));
    let all = select(&[], None).unwrap();
    assert_eq!(all.len(), RULES.len());
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "sorted by id");
    let pii = select(&["pii/*".into()], None).unwrap();
    assert_eq!(pii.len(), PII_KINDS);
    let some = select(
        &["timing/*".into(), "skew/clock-skew".into()],
        Some(Cmd::Gate),
    )
    .unwrap();
    let got: Vec<_> = some.iter().map(|r| r.id).collect();
    assert_eq!(
        got,
        [
            "timing/child-outside-parent",
            "timing/missing-timestamp",
            "timing/negative-duration"
        ]
    );
    let e = select(&["pii/*".into(), "nope/*".into()], None).unwrap_err();
    assert!(e.contains("\"nope/*\""), "{e}");
}

// ---- every check rule fires on a trace made for it, with the table's severity

fn sp(id: u64, parent: Option<u64>, kind: SpanKind, start: u64, end: u64) -> Span {
    testkit::span(id)
        .trace(7)
        .parent(parent)
        .service("svc")
        .name("op")
        .kind(kind)
        .start_ns(start)
        .end_ns(end)
        .build()
}

fn root() -> Span {
    sp(1, None, SpanKind::Server, 100, 1000)
}

/// A trace (and options) made to trigger each check rule.
fn check_cases() -> BTreeMap<&'static str, (Vec<Span>, CheckOptions)> {
    use SpanKind::*;
    let opts = CheckOptions {
        tolerance_ns: 1_000,
        ..CheckOptions::default()
    };
    let with = |f: &dyn Fn(&mut CheckOptions)| {
        let mut o = opts.clone();
        f(&mut o);
        o
    };
    let mut dropped = sp(2, Some(1), Internal, 200, 300);
    dropped.dropped_events_count = 3;
    BTreeMap::from([
        (
            "completeness/orphan-span",
            (
                vec![root(), sp(2, Some(99), Internal, 200, 300)],
                opts.clone(),
            ),
        ),
        (
            "completeness/parent-cycle",
            (
                vec![
                    root(),
                    sp(2, Some(3), Internal, 200, 300),
                    sp(3, Some(2), Internal, 200, 300),
                ],
                opts.clone(),
            ),
        ),
        (
            "completeness/missing-root",
            (vec![sp(2, Some(99), Server, 200, 300)], opts.clone()),
        ),
        (
            "completeness/multiple-roots",
            (vec![root(), sp(2, None, Server, 200, 300)], opts.clone()),
        ),
        (
            "completeness/unexpected-root",
            (
                vec![root()],
                with(&|o| o.expect_root = Some("GET /".into())),
            ),
        ),
        (
            "completeness/duplicate-span-id",
            (
                vec![
                    root(),
                    sp(2, Some(1), Internal, 200, 300),
                    sp(2, Some(1), Internal, 400, 500),
                ],
                opts.clone(),
            ),
        ),
        (
            "completeness/expected-service-missing",
            (
                vec![root()],
                with(&|o| o.expect_services = vec!["billing".into()]),
            ),
        ),
        (
            "completeness/invalid-span-id",
            (
                vec![root(), sp(0, Some(1), Internal, 200, 300)],
                opts.clone(),
            ),
        ),
        (
            "timing/missing-timestamp",
            (vec![root(), sp(2, Some(1), Internal, 0, 0)], opts.clone()),
        ),
        (
            "timing/negative-duration",
            (
                vec![root(), sp(2, Some(1), Internal, 300, 200)],
                opts.clone(),
            ),
        ),
        (
            "completeness/dropped-data",
            (vec![root(), dropped], opts.clone()),
        ),
        (
            "completeness/client-without-server",
            (vec![root(), sp(2, Some(1), Client, 200, 300)], opts.clone()),
        ),
        (
            "timing/child-outside-parent",
            (
                vec![root(), sp(2, Some(1), Internal, 200, 5_000)],
                opts.clone(),
            ),
        ),
    ])
}

#[test]
fn every_check_rule_fires_on_a_trace_made_for_it() {
    let cases = check_cases();
    let covered: BTreeSet<&str> = cases.keys().copied().collect();
    assert_eq!(
        covered,
        ids(is_check),
        "every per-trace check rule has a case here"
    );
    for (id, (spans, opts)) in cases {
        let rule = find(id).unwrap();
        let trace = Trace {
            trace_id: TraceId(7),
            spans,
        };
        let tree = TraceTree::build(&trace);
        let found = check_trace(&trace, &tree, &opts);
        let mine: Vec<_> = found.iter().filter(|f| f.rule == id).collect();
        assert!(!mine.is_empty(), "{id} did not fire: {found:?}");
        assert!(mine.iter().all(|f| f.severity == rule.severity), "{id}");
        assert!(mine.iter().all(|f| f.trace_id == Some(TraceId(7))), "{id}");
    }
    // A clean trace fires nothing.
    let trace = Trace {
        trace_id: TraceId(7),
        spans: vec![root(), sp(2, Some(1), SpanKind::Internal, 200, 300)],
    };
    let tree = TraceTree::build(&trace);
    assert!(check_trace(&trace, &tree, &CheckOptions::default()).is_empty());
}

// ---- every lint rule fires through the lint engine, with the table's severity

fn b64url(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

fn lint_span(id: u64, name: &str, attrs: Vec<(&str, String)>) -> Span {
    attrs
        .into_iter()
        .fold(
            testkit::span(id)
                .trace(u128::from(id))
                .service("api")
                .name(name),
            |b, (k, v)| b.attr(k, v.as_str()),
        )
        .build()
}

#[test]
fn every_lint_rule_fires_through_the_lint_engine() {
    let jwt = format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(r#"{"sub":"1234567890"}"#),
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    let values: Vec<(&str, &str, String)> = vec![
        ("pii/url-credentials", "db.connection_string", "postgres://admin:s3cr3tP4ss@db.internal.net:5432/app".into()),
        ("pii/signed-url", "url.full", "https://b.s3.amazonaws.com/k?X-Amz-Date=20240101&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4".into()),
        ("pii/private-key", "x", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----".into()),
        ("pii/basic-auth", "http.request.header.authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l".into()),
        ("pii/bearer-token", "http.request.header.authorization", "Bearer abcDEF123456ghiJKL789".into()),
        ("pii/jwt", "id_token", jwt),
        ("pii/aws-access-key", "aws.key", "AKIAIOSFODNN7EXAMPLE".into()),
        ("pii/api-token", "ci.token_source", format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")),
        ("pii/secret-key-name", "db.password", "hunter2".into()),
        ("pii/credit-card", "note", "4111 1111 1111 1111".into()),
        ("pii/us-ssn", "customer", "536-22-1234".into()),
        ("pii/iban", "account", "DE89 3704 0044 0532 0130 00".into()),
        ("pii/email", "user.email", "jane.doe@acme-corp.com".into()),
        ("pii/phone", "note", "call +44 20 7946 0958 today".into()),
        ("pii/ip-address", "client.address", "81.2.69.160".into()),
        ("pii/sql-literal", "db.query.text", "UPDATE t SET name = 'x' WHERE id = 7".into()),
    ];
    let mut spans: Vec<Span> = values
        .iter()
        .enumerate()
        .map(|(i, (_, k, v))| lint_span(i as u64 + 1, "GET /health", vec![(k, v.clone())]))
        .collect();
    // Cardinality: three colours over a limit of 2, span names that embed ids.
    for (n, colour) in ["red", "green", "blue"].into_iter().enumerate() {
        let id = 100 + n as u64;
        spans.push(lint_span(
            id,
            &format!("GET /users/{}", 4711 + n),
            vec![("cart.colour", colour.into())],
        ));
    }
    let engine = LintEngine::new(LintConfig::default(), 2);
    let mut st = engine.state();
    engine.add_batch(&mut st, &spans);
    let result = engine.finish(st);
    let mut fired = BTreeSet::new();
    for f in &result.findings {
        let rule = find(&f.rule).unwrap_or_else(|| panic!("{} is not in the table", f.rule));
        assert_eq!(f.severity, rule.severity, "{}", f.rule);
        fired.insert(rule.id);
    }
    for (id, key, _) in &values {
        assert!(fired.contains(id), "{id} ({key}) did not fire: {fired:?}");
    }
    assert_eq!(
        fired,
        ids(|r| r.reported_by(Cmd::Lint)),
        "every lint rule fires"
    );
}
