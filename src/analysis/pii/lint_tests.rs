//! The lint pass end to end on spans built in code: grouping, masking (no raw value anywhere in
//! the output), config allowlists and custom rules, the redaction config, throughput.

use std::sync::Arc;

use super::config::LintConfig;
use super::driver::{LintEngine, LintResult};
use super::redaction::redaction_yaml;
use crate::analysis::findings::Severity;
use crate::model::testkit;
use crate::model::{Event, KeyValue, Link, Resource, Span, SpanId, TraceId, Value};

pub(super) fn span(trace: u128, id: u64, svc: &str, name: &str, attrs: Vec<(&str, Value)>) -> Span {
    attrs
        .into_iter()
        .fold(
            testkit::span(id).trace(trace).service(svc).name(name),
            |b, (k, v)| b.attr(k, v),
        )
        .build()
}

const RAW: &[&str] = &[
    "jane.doe@acme-corp.com",
    "4111 1111 1111 1111",
    "4111111111111111",
    "hunter2-secret",
    "abcDEF123456ghiJKL789",
    "AKIAIOSFODNN7EXAMPLE",
    "s3cr3tP4ss",
    "536-22-1234",
    "81.2.69.160",
    "0f1e2d3c4b5a69788796a5b4",
    "owner@corp-mail.net",
];

fn fixture() -> Vec<Span> {
    let resource = Arc::new(Resource {
        attributes: vec![
            KeyValue::new("service.name", Value::from("checkout")),
            KeyValue::new("host.ip", Value::from("81.2.69.160")),
            KeyValue::new("deployment.owner", Value::from("owner@corp-mail.net")),
        ],
        ..Resource::default()
    });
    let mut spans = Vec::new();
    let mut s = span(
        1,
        1,
        "checkout",
        "GET /users/jane.doe@acme-corp.com",
        vec![
            ("user.email", Value::from("jane.doe@acme-corp.com")),
            ("payment.card", Value::from("4111 1111 1111 1111")),
            ("db.password", Value::from("hunter2-secret")),
            (
                "http.request.header.authorization",
                Value::Array(vec![Value::from("Bearer abcDEF123456ghiJKL789")].into()),
            ),
            ("client.address", Value::from("81.2.69.160")),
            (
                "url.full",
                Value::from(
                    "https://b.s3.amazonaws.com/k?X-Amz-Signature=0f1e2d3c4b5a69788796a5b4",
                ),
            ),
            ("card.number", Value::Int(4111111111111111)),
            (
                "db.statement",
                Value::from("SELECT * FROM users WHERE email = 'jane.doe@acme-corp.com'"),
            ),
        ],
    );
    s.resource = resource.clone();
    s.events.push(Event {
        time_ns: 1,
        name: Arc::from("exception"),
        attributes: vec![KeyValue::new(
            "exception.message",
            Value::from("key AKIAIOSFODNN7EXAMPLE rejected"),
        )],
        dropped_attributes_count: 0,
    });
    s.links.push(Link {
        trace_id: TraceId(2),
        span_id: SpanId(2),
        kind: crate::model::RefKind::Link,
        trace_state: None,
        attributes: vec![KeyValue::new(
            "peer.url",
            Value::from("postgres://admin:s3cr3tP4ss@db.acme.net/app"),
        )],
        dropped_attributes_count: 0,
        flags: 0,
    });
    s.status.message = Some("lookup failed for 536-22-1234".into());
    spans.push(s);
    for i in 0..1000u64 {
        let mut s = span(
            10 + u128::from(i % 7),
            100 + i,
            "checkout",
            "GET /users/{id}",
            vec![("user.email", Value::from("jane.doe@acme-corp.com"))],
        );
        s.resource = resource.clone();
        spans.push(s);
    }
    spans
}

pub(super) fn run(config: LintConfig, limit: usize, spans: &[Span]) -> (LintEngine, LintResult) {
    let engine = LintEngine::new(config, limit);
    let mut st = engine.state();
    // Two batches, as a reader would hand them over.
    let (a, b) = spans.split_at(spans.len() / 2);
    engine.add_batch(&mut st, a);
    engine.add_batch(&mut st, b);
    let r = engine.finish(st);
    (engine, r)
}

/// Everything lint can print: messages, details, ids, the extra JSON and text, debug output.
fn everything(r: &LintResult, yaml: &str) -> String {
    let findings: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            serde_json::json!({"rule": f.rule, "message": f.message, "service": f.service, "operation": f.operation,
                "details": f.details, "trace_id": f.trace_id.map(|t| t.to_string())})
        })
        .collect();
    format!(
        "{}\n{}\n{}\n{:?}\n{:?}\n{yaml}",
        serde_json::to_string(&findings).unwrap(),
        serde_json::to_string(&r.extra).unwrap(),
        r.extra_text.join("\n"),
        r.findings,
        r.pii
    )
}

#[test]
fn finds_groups_and_never_leaks() {
    let spans = fixture();
    let (engine, r) = run(LintConfig::default(), 100, &spans);
    let yaml = redaction_yaml(&r.pii, &engine.config, r.spans, r.traces);
    let all = everything(&r, &yaml);
    for raw in RAW {
        assert!(!all.contains(raw), "raw value {raw:?} leaked");
    }
    assert_eq!((r.spans, r.traces), (1001, 8));
    let rules: std::collections::BTreeSet<&str> =
        r.findings.iter().map(|f| f.rule.as_str()).collect();
    for id in [
        "pii/email",
        "pii/credit-card",
        "pii/secret-key-name",
        "pii/bearer-token",
        "pii/ip-address",
        "pii/signed-url",
        "pii/aws-access-key",
        "pii/url-credentials",
        "pii/us-ssn",
        "pii/sql-literal",
        "cardinality/span-name",
    ] {
        assert!(rules.contains(id), "{id} missing from {rules:?}");
    }
    // One finding per (rule, service, location, key), with the count.
    let email_attr: Vec<_> = r
        .findings
        .iter()
        .filter(|f| {
            f.rule == "pii/email"
                && f.details.get("attribute").and_then(|a| a.as_str()) == Some("user.email")
        })
        .collect();
    assert_eq!(email_attr.len(), 1);
    assert_eq!(email_attr[0].details["count"], 1001);
    assert_eq!(email_attr[0].details["masked"], "j***@a***.com");
    assert_eq!(
        email_attr[0].details["examples"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(email_attr[0].severity, Severity::Warning);
    // The span name, the SQL statement and the resource each have their own email finding.
    let kinds: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "pii/email")
        .map(|f| f.details["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "span").count(),
        2,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"span-name") && kinds.contains(&"resource"));
    // Cards: the string and the integer attribute.
    let cards: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "pii/credit-card")
        .collect();
    assert_eq!(cards.len(), 2);
    assert!(
        cards
            .iter()
            .all(|f| f.severity == Severity::Error && f.details["masked"] == "4111 **** **** 1111")
    );
    // A server address in the resource is not personal data; the client address is a note.
    let ips: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "pii/ip-address")
        .collect();
    assert_eq!(ips.len(), 1);
    assert_eq!(ips[0].severity, Severity::Note);
    assert_eq!(ips[0].details["attribute"], "client.address");
    // The AWS key in an event attribute is found there.
    let aws = r
        .findings
        .iter()
        .find(|f| f.rule == "pii/aws-access-key")
        .unwrap();
    assert_eq!(aws.details["kind"], "event");
    assert_eq!(aws.details["masked"], "AKIA************MPLE");
    // Where: trace and span of the first example.
    assert_eq!(aws.trace_id, Some(TraceId(1)));
    assert_eq!(aws.span_id, Some(SpanId(1)));
    // The span name embedding an email is flagged with its template, masked.
    let sn = r
        .findings
        .iter()
        .find(|f| f.rule == "cardinality/span-name")
        .unwrap();
    assert_eq!(sn.operation.as_deref(), Some("GET /users/{email}"));
    assert!(r.extra.contains_key("cardinality") && r.extra.contains_key("pii"));
}

#[test]
fn config_allowlists_custom_rules_and_severities() {
    let cfg = LintConfig::parse(
        r#"
disable = ["pii/ip-address"]
[severity]
"pii/credit-card" = "note"
[[allow]]
rules = ["pii/email"]
values = ['@acme-corp\.com$']
[[allow]]
keys = ["db.*"]
[[rules]]
id = "pii/employee-id"
pattern = "EMP-[0-9]{6}"
keys = ["user.*"]
severity = "error"
"#,
        "lint.toml",
    )
    .unwrap();
    let mut spans = fixture();
    spans.push(span(
        3,
        3,
        "hr",
        "lookup",
        vec![
            ("user.badge", Value::from("EMP-123456")),
            ("other.badge", Value::from("EMP-654321")),
        ],
    ));
    let (_, r) = run(cfg, 100, &spans);
    let has = |id: &str| r.findings.iter().any(|f| f.rule == id);
    let emails: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "pii/email")
        .collect();
    assert_eq!(
        emails.len(),
        1,
        "only the resource's other-domain address is left: {emails:#?}"
    );
    assert_eq!(emails[0].details["kind"], "resource");
    assert!(!has("pii/ip-address"));
    assert!(!has("pii/secret-key-name"), "db.* keys are allowlisted");
    assert!(!has("pii/sql-literal"));
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule == "pii/credit-card")
            .all(|f| f.severity == Severity::Note)
    );
    let emp: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "pii/employee-id")
        .collect();
    assert_eq!(emp.len(), 1);
    assert_eq!(emp[0].details["attribute"], "user.badge");
    assert_eq!(emp[0].severity, Severity::Error);
    assert!(!format!("{emp:?}").contains("EMP-123456"));
    assert_eq!(r.extra["custom_rules"][0]["id"], "pii/employee-id");
}

#[test]
fn redaction_config_is_yaml_that_masks_what_was_found() {
    let (engine, r) = run(LintConfig::default(), 100, &fixture());
    let yaml = redaction_yaml(&r.pii, &engine.config, r.spans, r.traces);
    let doc: serde_norway::Value =
        serde_norway::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let p = &doc["processors"]["redaction/tracekit"];
    assert_eq!(p["allow_all_keys"], serde_norway::Value::Bool(true));
    assert_eq!(
        p["redact_all_types"],
        serde_norway::Value::Bool(true),
        "a card was an integer"
    );
    assert_eq!(p["summary"].as_str(), Some("info"));
    let keys: Vec<&str> = p["blocked_key_patterns"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(keys.contains(&r"^db\.password$"), "{keys:?}");
    let values: Vec<regex::Regex> = p["blocked_values"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| regex::Regex::new(v.as_str().unwrap()).unwrap())
        .collect();
    for found in [
        "jane.doe@acme-corp.com",
        "4111 1111 1111 1111",
        "AKIAIOSFODNN7EXAMPLE",
        "81.2.69.160",
        "https://x/k?X-Amz-Signature=abc",
    ] {
        assert!(
            values.iter().any(|re| re.is_match(found)),
            "nothing masks {found}"
        );
    }
    assert!(!values.iter().any(|re| re.is_match("GET /users/{id}")));
    let sql = &p["db_sanitizer"]["sql"];
    assert_eq!(sql["enabled"], serde_norway::Value::Bool(true));
    assert_eq!(sql["attributes"][0].as_str(), Some("db.statement"));
    assert!(yaml.contains("pii/email in span names"), "{yaml}");
    assert!(
        yaml.contains("pii/url-credentials in link attributes"),
        "{yaml}"
    );
    // Nothing found: still valid YAML with empty lists.
    let (engine, r) = run(LintConfig::default(), 100, &[span(1, 1, "a", "op", vec![])]);
    let yaml = redaction_yaml(&r.pii, &engine.config, r.spans, r.traces);
    let doc: serde_norway::Value = serde_norway::from_str(&yaml).unwrap();
    assert!(
        doc["processors"]["redaction/tracekit"]["blocked_values"]
            .as_sequence()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn cardinality_through_the_engine() {
    let spans: Vec<Span> = (0..300u64)
        .map(|i| {
            span(
                1,
                i + 1,
                "api",
                &format!("GET /orders/{}", 10_000 + i),
                vec![
                    ("http.route", Value::from(format!("/r{}", i % 150))),
                    ("order.id", Value::Int(i as i64)),
                ],
            )
        })
        .collect();
    let (_, r) = run(LintConfig::default(), 100, &spans);
    let attr: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cardinality/attribute")
        .map(|f| (f.details["attribute"].as_str().unwrap_or(""), f.severity, f))
        .collect();
    let mut attr = attr;
    attr.sort_by_key(|a| a.0);
    // Both are over the limit: http.route is a warning; order.id is reported too, as a note
    // that says why it is expected (never dropped silently).
    assert_eq!(attr.len(), 2, "{attr:?}");
    let (route, id) = (&attr[0], &attr[1]);
    assert_eq!((route.0, route.1), ("http.route", Severity::Warning));
    assert_eq!(route.2.details["exact"], false);
    assert_eq!((id.0, id.1), ("order.id", Severity::Note));
    assert!(
        id.2.message.contains("its name says it is an id"),
        "{}",
        id.2.message
    );
    assert_eq!(id.2.details["expected_high_cardinality"], true);
    let kinds: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cardinality/span-name")
        .map(|f| f.details["kind"].clone())
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let rows = r.extra["cardinality"]["attributes"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(r.extra_text.iter().any(|l| l.contains("http.route")));
}

#[test]
fn redaction_config_carries_the_config_allowlist() {
    let cfg = LintConfig::parse(
        "[[allow]]\nvalues = ['@mycompany\\.com$']\n[[allow]]\nkeys = [\"http.request.header.x-debug\", \"test.*\"]\n",
        "lint.toml",
    )
    .unwrap();
    let (engine, r) = run(cfg, 100, &fixture());
    let yaml = redaction_yaml(&r.pii, &engine.config, r.spans, r.traces);
    let doc: serde_norway::Value = serde_norway::from_str(&yaml).unwrap();
    let p = &doc["processors"]["redaction/tracekit"];
    assert_eq!(p["allowed_values"][0].as_str(), Some(r"@mycompany\.com$"));
    assert_eq!(
        p["ignored_keys"][0].as_str(),
        Some("http.request.header.x-debug")
    );
    assert_eq!(p["ignored_key_patterns"][0].as_str(), Some(r"^test\..*$"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn random_spans_never_panic_and_emails_never_leak(
        names in proptest::collection::vec("\\PC{0,40}", 1..8),
        values in proptest::collection::vec(("[a-z._]{1,12}", "\\PC{0,60}"), 0..8),
        local in "[a-z]{3,10}",
    ) {
        let email = format!("{local}.x@acme-corp.com");
        let spans: Vec<Span> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut attrs: Vec<(&str, Value)> =
                    values.iter().map(|(k, v)| (k.as_str(), Value::from(v.as_str()))).collect();
                attrs.push(("contact", Value::from(email.as_str())));
                span(1, i as u64 + 1, n, &format!("{n} {email}"), attrs)
            })
            .collect();
        let (engine, r) = run(LintConfig::default(), 3, &spans);
        let yaml = redaction_yaml(&r.pii, &engine.config, r.spans, r.traces);
        let all = everything(&r, &yaml);
        proptest::prop_assert!(!all.contains(&email));
        proptest::prop_assert!(r.findings.iter().any(|f| f.rule == "pii/email"));
    }
}

/// A value the detectors miss is not printed by `lint` itself: cardinality examples keep only
/// what is recognisable (issue 12, point 16); a float score is over the limit but not an id.
#[test]
fn cardinality_examples_never_echo_unclassified_values() {
    let spans: Vec<Span> = (0..40u64)
        .map(|i| {
            span(
                1,
                i + 1,
                "api",
                "op",
                vec![
                    ("app.blob", Value::from(format!("qW7x!pL2#mZ9vR4t{i}"))),
                    ("search.score", Value::Double(i as f64 * 0.37)),
                    ("app.step", Value::from(format!("step {i} of 40"))),
                ],
            )
        })
        .collect();
    let (_, r) = run(LintConfig::default(), 10, &spans);
    let everything = format!(
        "{}\n{:?}\n{}",
        serde_json::to_string(&r.extra).unwrap(),
        r.findings,
        r.extra_text.join("\n")
    );
    assert!(!everything.contains("pL2#mZ9"), "{everything}");
    assert!(everything.contains("qW7x…(17 chars)"), "{everything}");
    assert!(
        everything.contains("step 2 of 40"),
        "plain text is kept: {everything}"
    );
    let rows = r.extra["cardinality"]["attributes"].as_array().unwrap();
    let score = rows.iter().find(|r| r["key"] == "search.score").unwrap();
    assert_eq!(score["over_limit"], true);
    assert_eq!(score["values_look_like_ids"], false);
    assert_eq!(score["expected_high_cardinality"], false);
    let f = r
        .findings
        .iter()
        .find(|f| {
            f.details
                .get("attribute")
                .is_some_and(|a| a == "search.score")
        })
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(!f.message.contains("look like ids"), "{}", f.message);
}

/// `push_batch` gathers batches and scans them together, in parallel parts: the findings and
/// the extra JSON are those of `add_batch` on each batch in turn (more spans than one gathered
/// scan holds, batches of several sizes, resources shared within and across batches).
#[test]
fn gathered_batches_report_what_one_batch_at_a_time_reports() {
    let base = fixture();
    let spans: Vec<Span> = (0..120u64)
        .flat_map(|round| {
            base.iter().enumerate().map(move |(i, s)| {
                let mut s = s.clone();
                s.trace_id = crate::model::TraceId(u128::from(round) << 64 | s.trace_id.0);
                s.span_id = crate::model::SpanId(round * 10_000 + i as u64 + 1);
                s
            })
        })
        .collect();
    assert!(spans.len() > 8_192);
    let out = |r: &LintResult| {
        let f: Vec<_> = r
            .findings
            .iter()
            .map(
                |f| serde_json::json!({"rule": f.rule, "message": f.message, "details": f.details}),
            )
            .collect();
        format!(
            "{}\n{}\n{}\n{} {}",
            serde_json::to_string(&f).unwrap(),
            serde_json::to_string(&r.extra).unwrap(),
            r.extra_text.join("\n"),
            r.traces,
            r.spans
        )
    };
    for limit in [3, 100] {
        let engine = LintEngine::new(LintConfig::default(), limit);
        let (mut one, mut gathered) = (engine.state(), engine.state());
        let mut rest = &spans[..];
        let mut n = 1;
        while !rest.is_empty() {
            let (batch, tail) = rest.split_at(n.min(rest.len()));
            engine.add_batch(&mut one, batch);
            engine.push_batch(&mut gathered, batch.to_vec());
            rest = tail;
            n = n % 37 + 1;
        }
        assert_eq!(out(&engine.finish(one)), out(&engine.finish(gathered)));
    }
}
