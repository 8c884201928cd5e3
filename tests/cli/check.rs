//! `check` and `skew` acceptance tests (SPEC "Rules and findings", "Clock skew", "JSON output").
//!
//! * One hand-made trace per rule of `src/analysis/check.rs` that triggers it, and near misses
//!   that must not, run through the real binary with `--format json`.
//! * `check` on every sample file, with the findings a careful reader derives from the file (the
//!   numbers were computed with a small independent Python reader of the files, never by
//!   running tracekit; each expectation says how).
//! * Skew recovery on `synth --skew`, asynchronous servers, `--adjust`, the three methods.
//! * CI outputs: SARIF (the real SARIF 2.1.0 validator runs in `tests/external/check.rs`), JUnit,
//!   GitHub.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::common::*;

const T1: &str = "0af7651916cd43dd8448eb211c80319c";
const T2: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
/// 2026-01-15T10:00:00Z in ns: a realistic base time.
const BASE: u64 = 1_768_471_200_000_000_000;
const MS: u64 = 1_000_000;

/// One OTLP span: (service, span JSON). Each span gets its own resource so services can differ.
fn otlp(spans: &[(&str, Value)]) -> String {
    let rs: Vec<Value> = spans
        .iter()
        .map(|(svc, s)| {
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": [s]}],
            })
        })
        .collect();
    json!({ "resourceSpans": rs }).to_string()
}

/// An OTLP span of trace `trace`: kind 1 internal, 2 server, 3 client, 4 producer, 5 consumer;
/// times in ms after BASE.
fn span(
    trace: &str,
    id: &str,
    parent: Option<&str>,
    name: &str,
    kind: u8,
    start_ms: u64,
    end_ms: u64,
) -> Value {
    let mut s = json!({
        "traceId": trace,
        "spanId": id,
        "name": name,
        "kind": kind,
        "startTimeUnixNano": (BASE + start_ms * MS).to_string(),
        "endTimeUnixNano": (BASE + end_ms * MS).to_string(),
    });
    if let Some(p) = parent {
        s["parentSpanId"] = json!(p);
    }
    s
}

fn with(mut s: Value, key: &str, v: Value) -> Value {
    s[key] = v;
    s
}

fn str_attr(k: &str, v: &str) -> Value {
    json!({"key": k, "value": {"stringValue": v}})
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::Builder::new()
            .prefix("tracekit-check")
            .tempdir()
            .unwrap())
    }
    fn write(&self, name: &str, body: &str) -> String {
        let p = self.0.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// `tracekit check FILE… ARGS --format json`: (exit code, document). The document's shape is
/// checked here (schema, ids, summary fields).
fn check(sources: &[&str], args: &[&str]) -> (Option<i32>, Value) {
    let mut a: Vec<&str> = vec!["check"];
    a.extend_from_slice(sources);
    a.extend_from_slice(&["--format", "json"]);
    a.extend_from_slice(args);
    let r = run(a);
    let doc: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("check stdout is not JSON ({e})\n{}", r.describe()));
    assert_eq!(doc["schema"], "tracekit.check/v1");
    for f in doc["findings"].as_array().expect("findings list") {
        assert!(f["rule"].as_str().unwrap().contains('/'), "{f}");
        assert!(
            ["error", "warning", "note"].contains(&f["severity"].as_str().unwrap()),
            "{f}"
        );
        assert!(is_hex(f["trace_id"].as_str().unwrap(), 32), "{f}");
        match &f["span_id"] {
            Value::Null => {}
            Value::String(s) => assert!(is_hex(s, 16), "{f}"),
            other => panic!("span_id {other}"),
        }
        assert!(!f["message"].as_str().unwrap().is_empty(), "{f}");
    }
    (r.code, doc)
}

/// Check with `--fail-on never` (exit 0 required).
fn check_ok(sources: &[&str], args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend_from_slice(&["--fail-on", "never"]);
    let (code, doc) = check(sources, &a);
    assert_eq!(code, Some(0), "{doc}");
    doc
}

fn findings<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn rules_fired(doc: &Value) -> BTreeSet<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn rule_summary<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["summary"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no summary for {rule}: {}", doc["summary"]))
}

/// (traces, spans, errors, warnings, notes) of the summary.
fn totals(doc: &Value) -> (u64, u64, u64, u64, u64) {
    let s = &doc["summary"];
    let g = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k}: {s}"));
    (
        g("traces"),
        g("spans"),
        g("errors"),
        g("warnings"),
        g("notes"),
    )
}

fn span_ids(fs: &[&Value]) -> BTreeSet<String> {
    fs.iter()
        .map(|f| f["span_id"].as_str().unwrap_or("null").to_string())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---------------------------------------------------------------------------------------------
// One file per rule
// ---------------------------------------------------------------------------------------------

#[test]
fn orphan_span_kinds_from_the_remote_parent_flag() {
    let d = Dir::new();
    // Root r; three spans whose parents are absent: flags 0x300 (has-is-remote + is-remote),
    // 0x100 (has-is-remote only: the parent was local), no flags (unknown).
    let f = d.write(
        "orphans.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 0, 100)),
            (
                "b",
                with(
                    span(
                        T1,
                        "00000000000000b1",
                        Some("00000000000000f1"),
                        "remote",
                        2,
                        10,
                        20,
                    ),
                    "flags",
                    json!(0x300),
                ),
            ),
            (
                "b",
                with(
                    span(
                        T1,
                        "00000000000000b2",
                        Some("00000000000000f2"),
                        "local",
                        1,
                        10,
                        20,
                    ),
                    "flags",
                    json!(0x100),
                ),
            ),
            (
                "b",
                span(
                    T1,
                    "00000000000000b3",
                    Some("00000000000000f3"),
                    "unknown",
                    1,
                    10,
                    20,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        rules_fired(&doc),
        set(&["completeness/orphan-span"]),
        "{doc}"
    );
    let o = findings(&doc, "completeness/orphan-span");
    assert_eq!(o.len(), 3);
    for (id, kind, parent) in [
        ("00000000000000b1", "remote-parent", "00000000000000f1"),
        ("00000000000000b2", "local-parent", "00000000000000f2"),
        ("00000000000000b3", "unknown-parent", "00000000000000f3"),
    ] {
        let f = o
            .iter()
            .find(|f| f["span_id"] == id)
            .unwrap_or_else(|| panic!("{id}: {doc}"));
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["trace_id"], T1);
        assert_eq!(f["kind"], kind, "{f}");
        assert_eq!(f["parent_span_id"], parent, "{f}");
        assert_eq!(f["service"], "b");
    }
    // 1 trace, 4 spans, 3 warnings; the rule touched 3 of 4 spans and 1 of 1 traces.
    assert_eq!(totals(&doc), (1, 4, 0, 3, 0));
    let r = rule_summary(&doc, "completeness/orphan-span");
    assert_eq!(r["findings"], 3);
    assert_eq!(r["traces_affected"], 1);
    assert_eq!(r["spans_affected"], 3);
    assert!(approx(r["trace_rate"].as_f64().unwrap(), 1.0));
    assert!(approx(r["span_rate"].as_f64().unwrap(), 0.75));

    // Near miss: the same spans with their parents present: no orphans, one root.
    let ok = d.write(
        "complete.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 0, 100)),
            (
                "a",
                span(
                    T1,
                    "00000000000000f1",
                    Some("00000000000000a1"),
                    "p",
                    1,
                    5,
                    30,
                ),
            ),
            (
                "b",
                with(
                    span(
                        T1,
                        "00000000000000b1",
                        Some("00000000000000f1"),
                        "remote",
                        1,
                        10,
                        20,
                    ),
                    "flags",
                    json!(0x300),
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&ok], &[]);
    assert!(rules_fired(&doc).is_empty(), "{doc}");
    assert_eq!(totals(&doc), (1, 3, 0, 0, 0));
}

#[test]
fn missing_root_and_multiple_roots() {
    let d = Dir::new();
    // Both spans name absent parents: no root at all.
    let f = d.write(
        "noroot.json",
        &otlp(&[
            (
                "a",
                span(
                    T1,
                    "00000000000000a1",
                    Some("00000000000000ff"),
                    "x",
                    1,
                    0,
                    10,
                ),
            ),
            (
                "a",
                span(
                    T1,
                    "00000000000000a2",
                    Some("00000000000000a1"),
                    "y",
                    1,
                    1,
                    9,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    let m = findings(&doc, "completeness/missing-root");
    assert_eq!(m.len(), 1, "{doc}");
    assert_eq!(m[0]["severity"], "warning");
    assert_eq!(m[0]["trace_id"], T1);
    assert_eq!(m[0]["span_id"], Value::Null);
    assert_eq!(
        span_ids(&findings(&doc, "completeness/orphan-span")),
        set(&["00000000000000a1"])
    );
    assert!(findings(&doc, "completeness/multiple-roots").is_empty());
    // missing-root has no span: spans_affected 0, trace rate 1.
    let r = rule_summary(&doc, "completeness/missing-root");
    assert_eq!(
        (r["findings"].as_u64(), r["spans_affected"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(totals(&doc), (1, 2, 0, 2, 0));

    // Two spans without parent ids: multiple roots (2).
    let f = d.write(
        "tworoots.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "x", 2, 0, 10)),
            ("b", span(T1, "00000000000000b1", None, "y", 2, 20, 30)),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        rules_fired(&doc),
        set(&["completeness/multiple-roots"]),
        "{doc}"
    );
    let m = findings(&doc, "completeness/multiple-roots");
    assert_eq!(m[0]["roots"], 2);
    assert_eq!(m[0]["span_id"], Value::Null);
    assert_eq!(m[0]["severity"], "warning");
    // A second trace that is fine halves the trace rate.
    let f2 = d.write(
        "fine.json",
        &otlp(&[("a", span(T2, "00000000000000c1", None, "z", 2, 0, 10))]),
    );
    let doc = check_ok(&[&f, &f2], &[]);
    let r = rule_summary(&doc, "completeness/multiple-roots");
    assert!(approx(r["trace_rate"].as_f64().unwrap(), 0.5), "{r}");
    assert_eq!(totals(&doc), (2, 3, 0, 1, 0));
}

/// Zipkin v2: a CLIENT and its `shared` SERVER half with one id, plus a child of the shared id.
fn zipkin_shared_pair(trace: &str) -> String {
    json!([
        {"traceId": trace, "id": "000000000000000a", "kind": "SERVER", "name": "get /",
         "timestamp": 1_700_000_000_000_000u64, "duration": 100_000,
         "localEndpoint": {"serviceName": "front"}},
        {"traceId": trace, "parentId": "000000000000000a", "id": "000000000000000b", "kind": "CLIENT",
         "name": "call back", "timestamp": 1_700_000_000_010_000u64, "duration": 80_000,
         "localEndpoint": {"serviceName": "front"}, "remoteEndpoint": {"serviceName": "back"}},
        {"traceId": trace, "parentId": "000000000000000a", "id": "000000000000000b", "kind": "SERVER",
         "name": "handle", "timestamp": 1_700_000_000_020_000u64, "duration": 60_000, "shared": true,
         "localEndpoint": {"serviceName": "back"}},
        {"traceId": trace, "parentId": "000000000000000b", "id": "000000000000000c",
         "name": "work", "timestamp": 1_700_000_000_030_000u64, "duration": 10_000,
         "localEndpoint": {"serviceName": "back"}}
    ])
    .to_string()
}

#[test]
fn duplicate_span_id_but_not_the_zipkin_shared_pair() {
    let d = Dir::new();
    let f = d.write(
        "dup.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 0, 100)),
            (
                "a",
                span(
                    T1,
                    "00000000000000d1",
                    Some("00000000000000a1"),
                    "first",
                    1,
                    10,
                    20,
                ),
            ),
            (
                "a",
                span(
                    T1,
                    "00000000000000d1",
                    Some("00000000000000a1"),
                    "second",
                    1,
                    30,
                    40,
                ),
            ),
        ]),
    );
    let (code, doc) = check(&[&f], &[]);
    // An error, and --fail-on defaults to error: exit 1.
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(
        rules_fired(&doc),
        set(&["completeness/duplicate-span-id"]),
        "{doc}"
    );
    let x = findings(&doc, "completeness/duplicate-span-id");
    assert_eq!(x.len(), 1);
    assert_eq!(x[0]["severity"], "error");
    assert_eq!(x[0]["span_id"], "00000000000000d1");
    assert_eq!(totals(&doc), (1, 3, 1, 0, 0));

    let z = d.write(
        "shared.json",
        &zipkin_shared_pair("00000000000000000000000000000abc"),
    );
    let (code, doc) = check(&[&z], &[]);
    assert_eq!(code, Some(0), "{doc}");
    assert!(
        rules_fired(&doc).is_empty(),
        "a shared pair is no finding: {doc}"
    );
    assert_eq!(totals(&doc), (1, 4, 0, 0, 0));
}

#[test]
fn parent_cycle() {
    let d = Dir::new();
    // c1 → c2 → c1: a loop; no span is a root either.
    let f = d.write(
        "cycle.json",
        &otlp(&[
            (
                "a",
                span(
                    T1,
                    "00000000000000c1",
                    Some("00000000000000c2"),
                    "x",
                    1,
                    0,
                    10,
                ),
            ),
            (
                "a",
                span(
                    T1,
                    "00000000000000c2",
                    Some("00000000000000c1"),
                    "y",
                    1,
                    0,
                    10,
                ),
            ),
        ]),
    );
    let (code, doc) = check(&[&f], &[]);
    assert_eq!(code, Some(1), "{doc}");
    let c = findings(&doc, "completeness/parent-cycle");
    assert_eq!(c.len(), 1, "the loop is cut once: {doc}");
    assert_eq!(c[0]["severity"], "error");
    assert!(["00000000000000c1", "00000000000000c2"].contains(&c[0]["span_id"].as_str().unwrap()));
    assert_eq!(findings(&doc, "completeness/missing-root").len(), 1);
    assert!(findings(&doc, "completeness/orphan-span").is_empty());
}

#[test]
fn client_without_server_and_its_near_misses() {
    let d = Dir::new();
    let root = ("a", span(T1, "00000000000000a1", None, "GET /", 2, 0, 100));
    let f = d.write(
        "cws.json",
        &otlp(&[
            root.clone(),
            (
                "a",
                span(
                    T1,
                    "00000000000000c1",
                    Some("00000000000000a1"),
                    "call pay",
                    3,
                    10,
                    50,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        rules_fired(&doc),
        set(&["completeness/client-without-server"]),
        "{doc}"
    );
    let c = findings(&doc, "completeness/client-without-server");
    assert_eq!(c[0]["span_id"], "00000000000000c1");
    assert_eq!(c[0]["severity"], "warning");
    assert_eq!(c[0]["operation"], "call pay");
    assert_eq!(totals(&doc), (1, 2, 0, 1, 0));

    // Near misses: a db client (db.system.name), a messaging client, a client with its server.
    let db = with(
        span(
            T1,
            "00000000000000c1",
            Some("00000000000000a1"),
            "SELECT",
            3,
            10,
            50,
        ),
        "attributes",
        json!([str_attr("db.system.name", "postgresql")]),
    );
    let mq = with(
        span(
            T1,
            "00000000000000c2",
            Some("00000000000000a1"),
            "send",
            3,
            10,
            50,
        ),
        "attributes",
        json!([str_attr("messaging.system", "kafka")]),
    );
    let f = d.write(
        "near.json",
        &otlp(&[
            root,
            ("a", db),
            ("a", mq),
            (
                "a",
                span(
                    T1,
                    "00000000000000c3",
                    Some("00000000000000a1"),
                    "call b",
                    3,
                    10,
                    50,
                ),
            ),
            (
                "b",
                span(
                    T1,
                    "00000000000000d3",
                    Some("00000000000000c3"),
                    "serve",
                    2,
                    12,
                    48,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert!(rules_fired(&doc).is_empty(), "{doc}");
    // Zipkin shared pair: the client's server is its shared half.
    let z = d.write(
        "shared.json",
        &zipkin_shared_pair("00000000000000000000000000000abc"),
    );
    assert!(rules_fired(&check_ok(&[&z], &[])).is_empty());
}

#[test]
fn expected_service_and_root() {
    let d = Dir::new();
    let f = d.write(
        "t.json",
        &otlp(&[
            (
                "front",
                span(T1, "00000000000000a1", None, "GET /", 2, 0, 100),
            ),
            (
                "back",
                span(
                    T1,
                    "00000000000000b1",
                    Some("00000000000000a1"),
                    "work",
                    1,
                    10,
                    20,
                ),
            ),
        ]),
    );
    let (code, doc) = check(
        &[&f],
        &["--expect-service", "back", "--expect-service", "payment"],
    );
    assert_eq!(code, Some(1), "{doc}");
    let e = findings(&doc, "completeness/expected-service-missing");
    assert_eq!(e.len(), 1, "only the absent service: {doc}");
    assert_eq!(e[0]["severity"], "error");
    assert_eq!(e[0]["expected"], "payment");
    assert_eq!(e[0]["span_id"], Value::Null);
    assert_eq!(e[0]["trace_id"], T1);

    let doc = check_ok(&[&f], &["--expect-root", "POST /checkout"]);
    let u = findings(&doc, "completeness/unexpected-root");
    assert_eq!(u.len(), 1, "{doc}");
    assert_eq!(u[0]["span_id"], "00000000000000a1");
    assert_eq!(u[0]["severity"], "warning");
    assert_eq!(u[0]["expected"], "POST /checkout");
    // Near misses: the right root and present services.
    let doc = check_ok(
        &[&f],
        &["--expect-root", "GET /", "--expect-service", "front"],
    );
    assert!(rules_fired(&doc).is_empty(), "{doc}");
}

#[test]
fn all_zero_span_id_is_refused_by_the_reader() {
    // invalid-span-id cannot be reached from OTLP JSON: the reader skips an all-zero span id
    // (all-zero = absent) and says where; nothing is checked from that span.
    let d = Dir::new();
    let f = d.write(
        "zero.json",
        &otlp(&[("a", span(T1, "0000000000000000", None, "zero", 2, 0, 10))]),
    );
    // The file's only span is skipped, so no span is read: without --allow-empty that ends the
    // run before the document; with it the (empty) document is still written, and exit is 3.
    let r = run(["check", &f, "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(r.stderr.contains("spanId"), "{}", r.describe());
    assert!(r.stdout.is_empty(), "{}", r.describe());
    let r = run(["check", &f, "--format", "json", "--allow-empty"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(r.stderr.contains("spanId"), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(findings(&doc, "completeness/invalid-span-id").is_empty());
}

#[test]
fn dropped_data_negative_duration_missing_timestamp() {
    let d = Dir::new();
    let dropped = with(
        with(
            span(
                T1,
                "00000000000000a2",
                Some("00000000000000a1"),
                "busy",
                1,
                10,
                20,
            ),
            "droppedAttributesCount",
            json!(3),
        ),
        "droppedEventsCount",
        json!(2),
    );
    // end before start: 60 ms → 40 ms.
    let negative = span(
        T1,
        "00000000000000a3",
        Some("00000000000000a1"),
        "backwards",
        1,
        60,
        40,
    );
    let mut untimed = span(
        T1,
        "00000000000000a4",
        Some("00000000000000a1"),
        "untimed",
        1,
        0,
        0,
    );
    untimed.as_object_mut().unwrap().remove("startTimeUnixNano");
    untimed.as_object_mut().unwrap().remove("endTimeUnixNano");
    let f = d.write(
        "t.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 0, 100)),
            ("a", dropped),
            ("a", negative),
            ("a", untimed),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        rules_fired(&doc),
        set(&[
            "completeness/dropped-data",
            "timing/negative-duration",
            "timing/missing-timestamp"
        ]),
        "{doc}"
    );
    let x = findings(&doc, "completeness/dropped-data");
    assert_eq!(
        (x.len(), x[0]["severity"].as_str(), x[0]["span_id"].as_str()),
        (1, Some("note"), Some("00000000000000a2"))
    );
    assert!(x[0]["message"].as_str().unwrap().contains('3'), "{}", x[0]);
    let x = findings(&doc, "timing/negative-duration");
    assert_eq!(
        (x.len(), x[0]["severity"].as_str(), x[0]["span_id"].as_str()),
        (1, Some("error"), Some("00000000000000a3"))
    );
    assert!(
        x[0]["message"].as_str().unwrap().contains("20"),
        "20 ms backwards: {}",
        x[0]
    );
    let x = findings(&doc, "timing/missing-timestamp");
    assert_eq!(
        (x.len(), x[0]["severity"].as_str(), x[0]["span_id"].as_str()),
        (1, Some("warning"), Some("00000000000000a4"))
    );
    assert_eq!(totals(&doc), (1, 4, 1, 1, 1));

    // Exit codes by --fail-on: error + warning + note present.
    for (fail_on, want) in [("error", 1), ("warning", 1), ("note", 1), ("never", 0)] {
        let (code, _) = check(&[&f], &["--fail-on", fail_on]);
        assert_eq!(code, Some(want), "--fail-on {fail_on}");
    }
    // Only a note.
    let note = d.write(
        "note.json",
        &otlp(&[(
            "a",
            with(
                span(T1, "00000000000000a1", None, "root", 2, 0, 100),
                "droppedLinksCount",
                json!(1),
            ),
        )]),
    );
    for (fail_on, want) in [("error", 0), ("warning", 0), ("note", 1), ("never", 0)] {
        let (code, doc) = check(&[&note], &["--fail-on", fail_on]);
        assert_eq!(code, Some(want), "--fail-on {fail_on}: {doc}");
    }
    // Only a warning.
    let warn = d.write(
        "warn.json",
        &otlp(&[(
            "a",
            span(
                T1,
                "00000000000000a1",
                Some("00000000000000ff"),
                "x",
                2,
                0,
                100,
            ),
        )]),
    );
    for (fail_on, want) in [("error", 0), ("warning", 1), ("note", 1), ("never", 0)] {
        let (code, doc) = check(&[&warn], &["--fail-on", fail_on]);
        assert_eq!(code, Some(want), "--fail-on {fail_on}: {doc}");
    }
}

#[test]
fn child_outside_parent_and_near_misses() {
    let d = Dir::new();
    // Same service: child [5, 120] of parent [10, 100]: 5 ms early, 20 ms late.
    let f = d.write(
        "out.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 10, 100)),
            (
                "a",
                span(
                    T1,
                    "00000000000000a2",
                    Some("00000000000000a1"),
                    "late",
                    1,
                    5,
                    120,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        rules_fired(&doc),
        set(&["timing/child-outside-parent"]),
        "{doc}"
    );
    let x = findings(&doc, "timing/child-outside-parent");
    assert_eq!(x[0]["span_id"], "00000000000000a2");
    assert_eq!(x[0]["severity"], "warning");
    assert_eq!(x[0]["early_ns"], 5 * MS);
    assert_eq!(x[0]["late_ns"], 20 * MS);
    // Within the tolerance: nothing.
    let doc = check_ok(&[&f], &["--tolerance", "20ms"]);
    assert!(rules_fired(&doc).is_empty(), "{doc}");
    // Just beyond it: reported again.
    let doc = check_ok(&[&f], &["--tolerance", "19ms"]);
    assert_eq!(
        findings(&doc, "timing/child-outside-parent").len(),
        1,
        "{doc}"
    );

    // A CONSUMER child of a PRODUCER runs after the producer ended: asynchronous, exempt.
    let f = d.write(
        "async.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "root", 2, 0, 100)),
            (
                "a",
                span(
                    T1,
                    "00000000000000a2",
                    Some("00000000000000a1"),
                    "publish",
                    4,
                    10,
                    12,
                ),
            ),
            (
                "w",
                span(
                    T1,
                    "00000000000000a3",
                    Some("00000000000000a2"),
                    "consume",
                    5,
                    200,
                    300,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    assert!(rules_fired(&doc).is_empty(), "{doc}");

    // Jaeger FOLLOWS_FROM: the follower starts after its predecessor ended.
    let jaeger = json!({"data": [{
        "traceID": T1,
        "spans": [
            {"traceID": T1, "spanID": "00000000000000a1", "operationName": "root", "references": [],
             "startTime": 1_700_000_000_000_000u64, "duration": 100_000, "tags": [], "logs": [], "processID": "p1"},
            {"traceID": T1, "spanID": "00000000000000a2", "operationName": "later",
             "references": [{"refType": "FOLLOWS_FROM", "traceID": T1, "spanID": "00000000000000a1"}],
             "startTime": 1_700_000_000_500_000u64, "duration": 100_000, "tags": [], "logs": [], "processID": "p1"}
        ],
        "processes": {"p1": {"serviceName": "a", "tags": []}}
    }]});
    let f = d.write("follows.json", &jaeger.to_string());
    let doc = check_ok(&[&f], &[]);
    assert!(rules_fired(&doc).is_empty(), "{doc}");
    // The same with CHILD_OF is reported (the near miss is the reference type only).
    let f = d.write(
        "childof.json",
        &jaeger.to_string().replace("FOLLOWS_FROM", "CHILD_OF"),
    );
    let doc = check_ok(&[&f], &[]);
    assert_eq!(
        span_ids(&findings(&doc, "timing/child-outside-parent")),
        set(&["00000000000000a2"]),
        "{doc}"
    );
}

/// A client on `a` [0, 100] ms calling a server on `b` whose clock is 50 ms ahead: the server
/// really ran [10, 90] ms, it reports [60, 140] ms.
fn skewed_rpc(trace: &str, base_id: u64) -> Vec<(&'static str, Value)> {
    let id = |k: u64| format!("{:016x}", base_id + k);
    vec![
        ("a", span(trace, &id(0), None, "GET /", 2, 0, 110)),
        ("a", span(trace, &id(1), Some(&id(0)), "call b", 3, 5, 105)),
        ("b", span(trace, &id(2), Some(&id(1)), "serve", 2, 65, 145)),
    ]
}

#[test]
fn clock_skew_finding() {
    let d = Dir::new();
    let f = d.write("skew.json", &otlp(&skewed_rpc(T1, 0x100)));
    let doc = check_ok(&[&f], &[]);
    // lower = server.end − client.end = 145 − 105 = 40 ms; upper = 65 − 5 = 60 ms; midpoint 50.
    let s = findings(&doc, "skew/clock-skew");
    assert_eq!(s.len(), 1, "{doc}");
    assert_eq!(s[0]["severity"], "warning");
    assert_eq!(s[0]["pair"], "a -> b");
    assert_eq!(s[0]["lower_ns"], 40 * MS);
    assert_eq!(s[0]["upper_ns"], 60 * MS);
    assert_eq!(s[0]["offset_ns"], 50 * MS);
    assert_eq!(s[0]["trace_id"], T1);
    assert_eq!(s[0]["span_id"], "0000000000000102");
    // The server also ends 40 ms after its client.
    let o = findings(&doc, "timing/child-outside-parent");
    assert_eq!(span_ids(&o), set(&["0000000000000102"]));
    assert_eq!(o[0]["late_ns"], 40 * MS);
    // Threshold above what the data proves (lower bound 40 ms): no skew finding.
    let doc = check_ok(&[&f], &["--skew-threshold", "40ms"]);
    assert!(findings(&doc, "skew/clock-skew").is_empty(), "{doc}");
    let doc = check_ok(&[&f], &["--skew-threshold", "39ms"]);
    assert_eq!(findings(&doc, "skew/clock-skew").len(), 1, "{doc}");
}

// ---------------------------------------------------------------------------------------------
// The sample files
// ---------------------------------------------------------------------------------------------

/// What a careful reader finds in one file: per rule, the set of span ids ("null" for
/// trace-level findings), with the number of findings.
struct Expect {
    file: &'static str,
    traces: u64,
    spans: u64,
    rules: &'static [(&'static str, usize, &'static [&'static str])],
}

const TRACE_LEVEL: &[&str] = &["null"];

/// Numbers from an independent Python reader (/tmp scripts while writing this test, not
/// committed): it normalises every span (OTLP: ids lowercased/base64-decoded, all-zero = none;
/// Zipkin: µs ×1000, `shared`, remoteEndpoint → peer.service; Jaeger: first same-trace CHILD_OF
/// else FOLLOWS_FROM; Thrift dump: signed i64 ids as u64) and applies the rules as SPEC states
/// them: parent absent → orphan (flags 0x300 remote, 0x100 local, none unknown); no root or
/// more than one root; an id held by more than one span unless it is one CLIENT plus shared SERVER
/// halves; CLIENT without SERVER child (shared half counts) unless db/cache/messaging tags or
/// a datastore peer; child earlier/later than its parent by more than 1 µs (shared halves,
/// CONSUMER-of-PRODUCER and FOLLOWS_FROM exempt); start 0 → missing timestamp.
const SAMPLES: &[Expect] = &[
    // One OTLP span, parentSpanId eee19b7ec3c1b173 absent, no flags → unknown orphan; no root.
    Expect {
        file: "otlp-json_otel-proto-example_trace.json",
        traces: 1,
        spans: 1,
        rules: &[
            ("completeness/orphan-span", 1, &["eee19b7ec3c1b174"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "otlp-protobuf_TracesData_from-otel-proto-example.binpb",
        traces: 1,
        spans: 1,
        rules: &[
            ("completeness/orphan-span", 1, &["eee19b7ec3c1b174"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "tempo-v1-batches_tempopb_trace.json",
        traces: 1,
        spans: 1,
        rules: &[
            ("completeness/orphan-span", 1, &["eee19b7ec3c1b174"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "tempo-v1-style_DERIVED_base64-ids_enum-names.json",
        traces: 1,
        spans: 1,
        rules: &[
            ("completeness/orphan-span", 1, &["eee19b7ec3c1b174"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    // Two identical spans e127af99e3b3e074, both under the absent 909541b92cf05311: one
    // duplicate id, two orphans (one span id), no root.
    Expect {
        file: "otlp-json_jaeger-ui_otlp2jaeger-in.json",
        traces: 1,
        spans: 2,
        rules: &[
            ("completeness/duplicate-span-id", 1, &["e127af99e3b3e074"]),
            ("completeness/orphan-span", 2, &["e127af99e3b3e074"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "jaeger-ui-json_api-traces-response_otlp2jaeger-out.json",
        traces: 1,
        spans: 2,
        rules: &[
            ("completeness/duplicate-span-id", 1, &["e127af99e3b3e074"]),
            ("completeness/orphan-span", 2, &["e127af99e3b3e074"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    // The sample README says 49b8e9efa1e8a3b1 is absent, but line 3 holds it: 4 spans, root
    // `main` (eff3153be6b1fb93), every child inside its parent: nothing to report.
    Expect {
        file: "otlp-jsonl_jaeger-ui_multi-in.jsonl",
        traces: 1,
        spans: 4,
        rules: &[],
    },
    Expect {
        file: "otlp-protobuf_fileexporter-framed_from-jaeger-ui-multi-in.pb",
        traces: 1,
        spans: 4,
        rules: &[],
    },
    // Two spans with id 0000000000000002 and no references: a duplicate and two roots; 3, 4, 5
    // hang below (all start at the same µs and fit).
    Expect {
        file: "jaeger-ui-json_trace-object_ui_01.json",
        traces: 1,
        spans: 5,
        rules: &[
            ("completeness/duplicate-span-id", 1, &["0000000000000002"]),
            ("completeness/multiple-roots", 1, TRACE_LEVEL),
        ],
    },
    // One span without startTimeUnixNano.
    Expect {
        file: "jaeger-apiv3_gettrace-response_snapshot.json",
        traces: 1,
        spans: 1,
        rules: &[("timing/missing-timestamp", 1, &["0000000000000002"])],
    },
    // v1: cs/cr annotations make it a CLIENT ("sa" names the callee, not traced here); its
    // parent 6b221d5bc9e6496c is absent.
    Expect {
        file: "zipkin-v1_span_from-zipkin-encoder-test.json",
        traces: 1,
        spans: 1,
        rules: &[
            ("completeness/orphan-span", 1, &["5b4185666d50f68b"]),
            ("completeness/missing-root", 1, TRACE_LEVEL),
            (
                "completeness/client-without-server",
                1,
                &["5b4185666d50f68b"],
            ),
        ],
    },
    // on-message [929105, 929476] µs under the CONSUMER next-message [929043, 929057]: ends
    // 419 µs after it (a child of a CONSUMER is not exempt; the CONSUMER of the PRODUCER is).
    Expect {
        file: "zipkin-v2_messaging-128bit.json",
        traces: 1,
        spans: 4,
        rules: &[("timing/child-outside-parent", 1, &["4ad2db84ac76def7"])],
    },
    // Only skew (see `zipkin_skew_sample_bounds`); the shared server half is exempt from
    // child-outside-parent, the async child fits its server half.
    Expect {
        file: "zipkin-v2_skew.json",
        traces: 1,
        spans: 4,
        rules: &[("skew/clock-skew", 1, &["74280ae0c10d8062"])],
    },
    // 3 shared pairs (no duplicate finding); 8 CLIENT spans without a SERVER, 7 of them calls
    // to memcache/mysql (remoteEndpoint): only `post` to blt remains. Skew pairs all contain 0.
    Expect {
        file: "zipkin-v2_yelp.json",
        traces: 1,
        spans: 16,
        rules: &[(
            "completeness/client-without-server",
            1,
            &["15fc03927f0f68df"],
        )],
    },
    // 40 shared pairs and one CLIENT id joined by 5 shared SERVER halves (9d2d35b746db84f3):
    // no duplicate. 54 CLIENTs without SERVER, 50 of them Cassandra (cassandra.* tags): 4 left.
    // Skew per service pair (bounds intersected, threshold 1 ms): datamgmt→auth [1.031, 2.033] ms
    // (20 edges), bouncer→pusher [31.859, 17.401] ms (5 edges, contradicting, all > 1 ms),
    // datamgmt→stlogin [390.928, 371.559] ms (2 edges, contradicting): 3 pairs; the other 5
    // pairs contain values within 1 ms. child-outside-parent: 40 spans (ids below).
    Expect {
        file: "zipkin-v2_smartthings-oauth-authorization_175spans.json",
        traces: 1,
        spans: 175,
        rules: &[
            (
                "completeness/client-without-server",
                4,
                &[
                    "3463f822a0e9cc02",
                    "5f35e80a5a50fdca",
                    "15fa60faead85b0e",
                    "2f3468f2385971cc",
                ],
            ),
            ("skew/clock-skew", 3, &[]),
            (
                "timing/child-outside-parent",
                40,
                &[
                    "165914062a124bfb",
                    "1af69980dad7deac",
                    "219e12d0ebe2b39a",
                    "328fac961bc6aaee",
                    "3463f822a0e9cc02",
                    "3c27c9d57b331bb1",
                    "45e6e257ca166a24",
                    "4ce318f49fb2d88b",
                    "4d59559cb7d1753f",
                    "610825951ae86752",
                    "6ed62ab3544b76fc",
                    "7b083fa5d42084f7",
                    "7f1930a97b67b431",
                    "8ca0d490c17c7d7c",
                    "90e92bd934b0ac2f",
                    "975e74022b72e1cd",
                    "9c523c937ec3694c",
                    "a34b5be52d63a84e",
                    "a8de54dbcc867f1d",
                    "b652298e30752bb9",
                    "b69b3db88ffa3212",
                    "b8d0f0960c488930",
                    "bb44efaef3c5c894",
                    "be232464081e613d",
                    "be7da77f52042b9c",
                    "bfc02051be208bd9",
                    "c101766e11ee2bb4",
                    "cecf806288f6871c",
                    "d645461738ed0e17",
                    "d70bbce77a790a35",
                    "de67d452708a545a",
                    "e39c4c6ca709cb6c",
                    "e4ca41b44ea5514e",
                    "e76bd9f07b45a524",
                    "e874910662f6b5aa",
                    "f083061491cddbcb",
                    "f3e4621668bf9d44",
                    "f64efde205fae151",
                    "fda7e30724d087a6",
                    "fde62e1dd7a28f55",
                ],
            ),
        ],
    },
    // OTel Python demo: 8 traces (4 request traces + 4 linked consumer traces), 94 spans, each
    // trace one root, no orphans; `charge-card` is an HTTP CLIENT to an untraced provider
    // (no SERVER child) in each of the 4 request traces.
    Expect {
        file: "generated/otlp-json/otel-python-file-exporter.jsonl",
        traces: 8,
        spans: 94,
        rules: &[(
            "completeness/client-without-server",
            4,
            &[
                "f65ffdb9c34ffe70",
                "5748f5e5307c196b",
                "b954b2fbcbbcf937",
                "0148dd92182e8ede",
            ],
        )],
    },
    Expect {
        file: "generated/otlp-json/otel-python-merged-resourceSpans.json",
        traces: 8,
        spans: 94,
        rules: &[(
            "completeness/client-without-server",
            4,
            &[
                "f65ffdb9c34ffe70",
                "5748f5e5307c196b",
                "b954b2fbcbbcf937",
                "0148dd92182e8ede",
            ],
        )],
    },
    Expect {
        file: "generated/zipkin-v2/otel-python-zipkin-exporter.json",
        traces: 8,
        spans: 94,
        rules: &[(
            "completeness/client-without-server",
            4,
            &[
                "f65ffdb9c34ffe70",
                "5748f5e5307c196b",
                "b954b2fbcbbcf937",
                "0148dd92182e8ede",
            ],
        )],
    },
    // One export batch of `inventory` alone: its two SERVER spans have remote parents (flags
    // 768 = 0x300) that are in other batches.
    Expect {
        file: "generated/otlp-json/otel-python-otlp-http-json-body.json",
        traces: 1,
        spans: 4,
        rules: &[
            (
                "completeness/orphan-span",
                2,
                &["22bebc3856add355", "977131b3fc28621b"],
            ),
            ("completeness/missing-root", 1, TRACE_LEVEL),
        ],
    },
    // py_zipkin: 2 traces, CLIENT + shared SERVER pairs, complete.
    Expect {
        file: "generated/zipkin-v2/py_zipkin-v2.json",
        traces: 2,
        spans: 11,
        rules: &[],
    },
    // jaeger-client: all three services' batches: 2 complete traces.
    Expect {
        file: "generated/jaeger-thrift/jaeger-client-emitBatch-decoded.json",
        traces: 2,
        spans: 11,
        rules: &[],
    },
    // One service per datagram: legacy-db's SELECT spans are orphans (their ListOrders parents
    // are in datagram 2), legacy-orders' ListOrders orphans (parents in 3), legacy-gateway's
    // `call orders` CLIENTs have no SERVER (it is in datagram 2).
    Expect {
        file: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-1.bin",
        traces: 2,
        spans: 2,
        rules: &[
            (
                "completeness/orphan-span",
                2,
                &["75e3c9d04da13a46", "df5ae332a6524724"],
            ),
            ("completeness/missing-root", 2, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-2.bin",
        traces: 2,
        spans: 3,
        rules: &[
            (
                "completeness/orphan-span",
                2,
                &["f99ba638b1ecfae2", "66734ab5b403903d"],
            ),
            ("completeness/missing-root", 2, TRACE_LEVEL),
        ],
    },
    Expect {
        file: "generated/jaeger-thrift/jaeger-client-udp-emitBatch-3.bin",
        traces: 2,
        spans: 6,
        rules: &[(
            "completeness/client-without-server",
            2,
            &["e58c9c7ca68509b6", "ccc533455bb134b2"],
        )],
    },
];

#[test]
fn check_on_every_sample() {
    let mut fails = Failures::default();
    for e in SAMPLES {
        let (code, doc) = check(&[&sample(e.file)], &["--fail-on", "never"]);
        if code != Some(0) {
            fails.push(format!("{}: exit {code:?}", e.file));
            continue;
        }
        let (traces, spans, ..) = totals(&doc);
        fails.check((traces, spans) == (e.traces, e.spans), || {
            format!(
                "{}: {traces} traces, {spans} spans; want {} and {}",
                e.file, e.traces, e.spans
            )
        });
        let want: BTreeSet<String> = e.rules.iter().map(|r| r.0.to_string()).collect();
        let got = rules_fired(&doc);
        fails.check(want == got, || {
            format!("{}: rules {got:?}, want {want:?}", e.file)
        });
        for (rule, n, ids) in e.rules {
            let fs = findings(&doc, rule);
            fails.check(fs.len() == *n, || {
                format!("{}: {rule}: {} findings, want {n}", e.file, fs.len())
            });
            if !ids.is_empty() {
                let got = span_ids(&fs);
                fails.check(got == set(ids), || {
                    format!("{}: {rule}: spans {got:?}, want {ids:?}", e.file)
                });
            }
        }
    }
    // Every file of the sample folders is covered.
    let mut covered: BTreeSet<&str> = SAMPLES.iter().map(|e| e.file).collect();
    covered.insert("README.md");
    covered.insert("generated/README.md");
    for dir in [
        "",
        "generated/otlp-json",
        "generated/zipkin-v2",
        "generated/jaeger-thrift",
    ] {
        for entry in std::fs::read_dir(samples_dir().join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                let rel = if dir.is_empty() {
                    p.file_name().unwrap().to_string_lossy().into_owned()
                } else {
                    format!("{dir}/{}", p.file_name().unwrap().to_string_lossy())
                };
                fails.check(covered.contains(rel.as_str()), || {
                    format!("{rel} has no expectation")
                });
            }
        }
    }
    fails.finish("check on the samples");
}

#[test]
fn smartthings_skew_pairs_and_orphan_kinds() {
    let doc = check_ok(
        &[&sample(
            "zipkin-v2_smartthings-oauth-authorization_175spans.json",
        )],
        &[],
    );
    let pairs: BTreeSet<String> = findings(&doc, "skew/clock-skew")
        .iter()
        .map(|f| f["pair"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        pairs,
        set(&[
            "bouncer -> pusher",
            "datamgmt -> auth",
            "datamgmt -> stlogin"
        ])
    );
    let auth = findings(&doc, "skew/clock-skew")
        .into_iter()
        .find(|f| f["pair"] == "datamgmt -> auth")
        .unwrap();
    // max(server.end − client.end) and min(server.start − client.start) over the 20 edges.
    assert_eq!(
        (auth["lower_ns"].as_i64(), auth["upper_ns"].as_i64()),
        (Some(1_031_000), Some(2_033_000))
    );
    // The otel-python HTTP body: both orphans have remote parents (flags 768).
    let doc = check_ok(
        &[&sample(
            "generated/otlp-json/otel-python-otlp-http-json-body.json",
        )],
        &[],
    );
    for f in findings(&doc, "completeness/orphan-span") {
        assert_eq!(f["kind"], "remote-parent", "{f}");
    }
}

#[test]
fn zipkin_skew_sample_bounds() {
    // servicea CLIENT 74280ae0c10d8062: timestamp 1470150004074202 µs, duration 94539 →
    // end …4168741. serviceb shared SERVER: …4008761, duration 93577 → end …4102338.
    // lower = 4102338 − 4168741 = −66403 µs; upper = 4008761 − 4074202 = −65441 µs;
    // midpoint −65922 µs: serviceb's clock is ~66 ms behind (its server starts 65 ms before
    // its client).
    let (lower, upper) = (-66_403_000i64, -65_441_000i64);
    let skew = run_json(["skew", &sample("zipkin-v2_skew.json"), "--format", "json"]);
    assert_eq!(skew["schema"], "tracekit.skew/v1");
    let pairs = skew["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{skew}");
    let p = &pairs[0];
    assert_eq!(p["client_service"], "servicea");
    assert_eq!(p["server_service"], "serviceb");
    assert_eq!(p["edges"], 1);
    assert_eq!(p["lower_ns"], lower);
    assert_eq!(p["upper_ns"], upper);
    assert_eq!(p["offset_ns"], lower + (upper - lower) / 2);
    assert_eq!(p["violations"], 0);
    let doc = check_ok(&[&sample("zipkin-v2_skew.json")], &[]);
    let f = &findings(&doc, "skew/clock-skew")[0];
    assert_eq!(f["pair"], "servicea -> serviceb");
    assert_eq!(
        (f["lower_ns"].as_i64(), f["upper_ns"].as_i64()),
        (Some(lower), Some(upper))
    );
    assert_eq!(f["trace_id"], "00000000000000001e223ff1f80f1c69");
}

// ---------------------------------------------------------------------------------------------
// Skew recovery
// ---------------------------------------------------------------------------------------------

fn skew_pairs(path: &str, extra: &[&str]) -> Vec<Value> {
    let mut a = vec!["skew", path, "--format", "json"];
    a.extend_from_slice(extra);
    let doc = run_json(a);
    assert_eq!(doc["schema"], "tracekit.skew/v1");
    doc["pairs"].as_array().unwrap().clone()
}

fn i(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn skew_recovers_an_injected_offset() {
    const SKEW: i64 = 25_000_000;
    let d = Dir::new();
    for seed in ["3", "11"] {
        let f = d
            .path(&format!("f{seed}.jsonl"))
            .to_string_lossy()
            .into_owned();
        let r = run([
            "synth",
            "--seed",
            seed,
            "-n",
            "30",
            "--skew",
            "payment=+25ms",
            "-o",
            &f,
        ]);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let pairs = skew_pairs(&f, &[]);
        let mut saw_payment = false;
        for p in &pairs {
            let (lo, hi, off) = (i(p, "lower_ns"), i(p, "upper_ns"), i(p, "offset_ns"));
            assert!(
                p["consistent"] == true,
                "synthetic calls are synchronous: {p}"
            );
            if p["server_service"] == "payment" {
                saw_payment = true;
                assert!(lo <= SKEW && SKEW <= hi, "seed {seed}: {p}");
                assert!((off - SKEW).abs() <= (hi - lo) / 2 + 1, "seed {seed}: {p}");
            } else if p["client_service"] == "payment" {
                assert!(lo <= -SKEW && -SKEW <= hi, "seed {seed}: {p}");
            } else {
                assert!(lo <= 0 && 0 <= hi, "seed {seed}: pair without payment: {p}");
            }
        }
        assert!(saw_payment, "seed {seed}: no pair calls payment: {pairs:?}");
        let doc = check_ok(&[&f], &[]);
        let s = findings(&doc, "skew/clock-skew");
        assert!(!s.is_empty(), "{doc}");
        for x in s {
            assert!(x["pair"].as_str().unwrap().contains("payment"), "{x}");
            assert_eq!(x["service"], "payment");
        }

        // --adjust: the written traces have no provable offset left, and the shifted spans
        // say so.
        let out = d
            .path(&format!("adj{seed}.jsonl"))
            .to_string_lossy()
            .into_owned();
        let r = run(["skew", &f, "--adjust", "-o", &out, "--format", "json"]);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert!(
            r.stderr.contains("payment"),
            "says what it shifted: {}",
            r.describe()
        );
        for p in skew_pairs(&out, &[]) {
            let (lo, hi) = (i(&p, "lower_ns"), i(&p, "upper_ns"));
            assert!(lo <= 0 && 0 <= hi, "seed {seed}: after --adjust: {p}");
        }
        let adjusted = std::fs::read_to_string(&out).unwrap();
        let mut tagged = 0;
        for line in adjusted.lines().filter(|l| !l.trim().is_empty()) {
            let doc: Value = serde_json::from_str(line).unwrap();
            for rs in doc["resourceSpans"].as_array().unwrap() {
                let svc = rs["resource"]["attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["key"] == "service.name")
                    .map(|a| a["value"]["stringValue"].as_str().unwrap().to_string())
                    .unwrap_or_default();
                for ss in rs["scopeSpans"].as_array().unwrap() {
                    for s in ss["spans"].as_array().unwrap() {
                        let adj = s["attributes"].as_array().and_then(|a| {
                            a.iter()
                                .find(|kv| kv["key"] == "tracekit.skew.adjusted_ns")
                                .cloned()
                        });
                        if let Some(kv) = adj {
                            let v = &kv["value"]["intValue"];
                            let v: i64 = v
                                .as_str()
                                .map(|s| s.parse().unwrap())
                                .or(v.as_i64())
                                .unwrap();
                            if svc == "payment" {
                                tagged += 1;
                                assert!((v + SKEW).abs() < SKEW / 5, "shift ≈ −25 ms: {v}");
                            } else {
                                // Other services move by their pair estimate only (the
                                // midpoint of bounds that contain 0): well under 1 ms here.
                                assert!(v.abs() < 1_000_000, "{svc} shifted by {v}: {s}");
                            }
                        } else {
                            assert_ne!(svc, "payment", "an unshifted payment span: {s}");
                        }
                    }
                }
            }
        }
        assert!(tagged > 0);
        let doc = check_ok(&[&out], &[]);
        assert!(findings(&doc, "skew/clock-skew").is_empty(), "{doc}");

        // The other methods run and report the same pairs.
        for method in ["jaeger", "zipkin"] {
            let m = skew_pairs(&f, &["--method", method]);
            assert_eq!(m.len(), pairs.len(), "--method {method}");
            let r = run(["skew", &f, "--method", method]);
            assert_eq!(r.code, Some(0), "{}", r.describe());
            assert!(r.stdout.contains("payment"), "{}", r.describe());
        }
    }
}

#[test]
fn asynchronous_server_is_inconsistent() {
    // The server on b [10, 400] ms outlives its client on a [5, 100] ms: lower = 400 − 100 =
    // 300 ms > upper = 10 − 5 = 5 ms: no clock offset explains it.
    let d = Dir::new();
    let f = d.write(
        "async.json",
        &otlp(&[
            ("a", span(T1, "00000000000000a1", None, "GET /", 2, 0, 500)),
            (
                "a",
                span(
                    T1,
                    "00000000000000a2",
                    Some("00000000000000a1"),
                    "call",
                    3,
                    5,
                    100,
                ),
            ),
            (
                "b",
                span(
                    T1,
                    "00000000000000b1",
                    Some("00000000000000a2"),
                    "serve",
                    2,
                    10,
                    400,
                ),
            ),
        ]),
    );
    let pairs = skew_pairs(&f, &[]);
    assert_eq!(pairs.len(), 1);
    let p = &pairs[0];
    assert_eq!(p["consistent"], false, "{p}");
    assert_eq!(p["violations"], 1, "{p}");
    assert_eq!(p["edges"], 1);
}

// ---------------------------------------------------------------------------------------------
// CI outputs
// ---------------------------------------------------------------------------------------------

/// The CI-report input (`common::ci_input_document`), written to a file.
fn ci_input(d: &Dir) -> String {
    d.write("ci.json", &ci_input_document())
}

#[test]
fn sarif_junit_and_github_reports() {
    let d = Dir::new();
    let input = ci_input(&d);
    let sarif = d.path("out.sarif");
    let junit = d.path("out.xml");
    let summary = d.path("summary.md");
    let out = tracekit()
        .args(["check", &input, "--fail-on", "warning", "--report"])
        .arg(format!("sarif={}", sarif.display()))
        .arg("--report")
        .arg(format!("junit={}", junit.display()))
        .args(["--report", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "warnings with --fail-on warning\n{stdout}"
    );

    // SARIF
    let s: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let run0 = &s["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: BTreeSet<String> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let results = run0["results"].as_array().unwrap();
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(rule_ids.contains(id), "{id} not among the rules");
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id);
        assert!(
            r["partialFingerprints"]
                .as_object()
                .is_some_and(|m| !m.is_empty()),
            "{r}"
        );
    }
    let cws: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "completeness/client-without-server")
        .collect();
    assert_eq!(cws.len(), 2, "one per trace");
    assert_ne!(
        cws[0]["properties"]["trace_id"],
        cws[1]["properties"]["trace_id"]
    );
    assert_eq!(
        cws[0]["partialFingerprints"], cws[1]["partialFingerprints"],
        "the same problem in two traces has one fingerprint"
    );
    let orphan = results
        .iter()
        .find(|r| r["ruleId"] == "completeness/orphan-span")
        .unwrap();
    assert_ne!(orphan["partialFingerprints"], cws[0]["partialFingerprints"]);

    // JUnit: one testcase per check rule; failures for the rules at or above --fail-on.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let cases = junit_cases(&xml);
    let check_rules = [
        "completeness/orphan-span",
        "completeness/missing-root",
        "completeness/multiple-roots",
        "completeness/duplicate-span-id",
        "completeness/parent-cycle",
        "completeness/client-without-server",
        "completeness/expected-service-missing",
        "completeness/unexpected-root",
        "completeness/invalid-span-id",
        "completeness/dropped-data",
        "timing/negative-duration",
        "timing/child-outside-parent",
        "timing/missing-timestamp",
        "skew/clock-skew",
    ];
    let names: BTreeSet<String> = cases.iter().map(|c| c.0.clone()).collect();
    assert_eq!(names, set(&check_rules), "{xml}");
    let failed: BTreeSet<String> = cases.iter().filter(|c| c.1).map(|c| c.0.clone()).collect();
    // Warnings fail with --fail-on warning; dropped-data is a note and passes.
    assert_eq!(
        failed,
        set(&[
            "completeness/client-without-server",
            "completeness/orphan-span"
        ]),
        "{xml}"
    );

    // GitHub: workflow commands, escaped; the step summary file was appended to.
    let ann: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!ann.is_empty(), "{stdout}");
    for a in &ann {
        assert!(
            a.starts_with("::warning title=")
                || a.starts_with("::error title=")
                || a.starts_with("::notice title="),
            "{a}"
        );
        assert!(a.splitn(4, "::").count() >= 3, "{a}");
    }
    let cws = ann
        .iter()
        .find(|a| a.contains("client-without-server"))
        .unwrap();
    assert!(
        cws.starts_with("::warning title=tracekit completeness/client-without-server::"),
        "{cws}"
    );
    assert!(cws.contains("[2 occurrences]"), "grouped: {cws}");
    // The orphan's operation had a newline; messages never carry a raw one.
    let note = ann.iter().find(|a| a.starts_with("::notice")).unwrap();
    assert!(note.contains("dropped"), "{note}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("tracekit check"), "{md}");
    assert!(md.contains("`completeness/client-without-server`"), "{md}");
}

#[test]
fn github_annotations_escape_newlines() {
    let d = Dir::new();
    // Two roots; the multiple-roots message names them, and one name holds a newline and a
    // percent sign.
    let f = d.write(
        "t.json",
        &otlp(&[
            (
                "a",
                span(T1, "00000000000000a1", None, "first\nline 100%", 2, 0, 100),
            ),
            ("a", span(T1, "00000000000000a2", None, "second", 2, 0, 100)),
        ]),
    );
    let r = run(["check", &f, "--report", "github", "--fail-on", "never"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let ann: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(ann.len(), 1, "{}", r.describe());
    let line = ann[0];
    assert!(
        line.starts_with("::warning title=tracekit completeness/multiple-roots::"),
        "{line}"
    );
    assert!(line.contains("first%0Aline 100%25"), "{line}");
    assert!(!line.contains('\r'));
}

#[test]
fn github_annotations_escape_control_characters() {
    let d = Dir::new();
    let f = d.write(
        "t.json",
        &otlp(&[
            (
                "a",
                span(
                    T1,
                    "00000000000000a1",
                    None,
                    "x\u{1b}[2J\u{7}\u{0}\u{202e}y",
                    2,
                    0,
                    100,
                ),
            ),
            ("a", span(T1, "00000000000000a2", None, "second", 2, 0, 100)),
        ]),
    );
    let r = run(["check", &f, "--report", "github", "--fail-on", "never"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let ann: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(ann.len(), 1, "{}", r.describe());
    let line = ann[0];
    assert!(
        !line
            .chars()
            .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{line:?}"
    );
    assert!(line.contains("x\\x1b[2J\\x07\\x00\\u{202e}y"), "{line}");
}

/// (testcase name, failed) for each `<testcase>` of a JUnit document, after a small
/// well-formedness check (balanced tags, declared root).
fn junit_cases(xml: &str) -> Vec<(String, bool)> {
    assert!(xml.trim_start().starts_with("<?xml"), "{xml}");
    // Balanced elements.
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    let mut cases = Vec::new();
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').expect("unclosed tag") + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> without opening"));
            assert_eq!(open, name.trim(), "mismatched tags");
            continue;
        }
        let name = tag
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        if name == "testcase" {
            let n = attr(tag, "name").expect("testcase name");
            cases.push((n, false));
        }
        if (name == "failure" || name == "error")
            && stack.last().map(String::as_str) == Some("testcase")
        {
            cases.last_mut().unwrap().1 = true;
        }
        if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    cases
}

fn attr(tag: &str, key: &str) -> Option<String> {
    let pat = format!("{key}=\"");
    let start = tag.find(&pat)? + pat.len();
    let end = tag[start..].find('"')? + start;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// A relative input (the usual CI case) gives a repository-relative `uri` in the SARIF report.
/// The real SARIF 2.1.0 validator runs on such reports in `tests/external/check.rs`.
#[test]
fn sarif_uri_of_a_relative_input_is_relative() {
    let d = Dir::new();
    ci_input(&d);
    let sarif = d.path("rel.sarif");
    let r = tracekit()
        .current_dir(d.0.path())
        .args(["check", "ci.json", "--fail-on", "never", "--report"])
        .arg(format!("sarif={}", sarif.display()))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(0));
    let rel: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let loc = &rel["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "ci.json");
    assert_eq!(loc["region"]["byteOffset"], 0);
}

/// Names that `check` quotes are masked like `lint` would mask them: a token or an address in a
/// span name is not printed raw (issue 12, point 16), in JSON or in the table.
#[test]
fn quoted_span_names_are_masked() {
    let d = Dir::new();
    let f = d.write(
        "leaky-roots.json",
        &otlp(&[
            (
                "auth",
                span(
                    T1,
                    "00000000000000a1",
                    None,
                    "GET /reset?email=jane.doe@acme-corp.com",
                    2,
                    0,
                    10,
                ),
            ),
            (
                "s3-sync",
                span(
                    T1,
                    "00000000000000b1",
                    None,
                    "sync aws_access_key_id=AKIAIOSFODNN7EXAMPLE",
                    2,
                    20,
                    30,
                ),
            ),
        ]),
    );
    let doc = check_ok(&[&f], &[]);
    let m = findings(&doc, "completeness/multiple-roots");
    assert_eq!(m.len(), 1, "{doc}");
    let text = doc.to_string();
    assert!(!text.contains("jane.doe@acme-corp.com"), "{text}");
    assert!(!text.contains("AKIAIOSFODNN7EXAMPLE"), "{text}");
    let message = m[0]["message"].as_str().unwrap();
    assert!(message.contains("j***@a***.com"), "{message}");
    assert!(message.contains("AKIA************MPLE"), "{message}");
    let table = run(["check", &f, "--fail-on", "never"]);
    assert!(!table.stdout.contains("acme-corp"), "{}", table.stdout);
    assert!(
        !table.stdout.contains("AKIAIOSFODNN7EXAMPLE"),
        "{}",
        table.stdout
    );
}
