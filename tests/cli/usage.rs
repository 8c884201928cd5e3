//! Everyday usage edges: inputs without spans (SPEC "Inputs": exit 3 unless `--allow-empty`),
//! durations without a unit, `--trace` id prefixes, and `--width`/`COLUMNS` out of range.
//!
//! Every expectation is written out here from the input the test builds (ids, names, counts),
//! never taken from a run of tracekit.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

/// 2026-01-15T10:00:00Z in ns.
const BASE: u64 = 1_768_471_200_000_000_000;
const MS: u64 = 1_000_000;

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::Builder::new()
            .prefix("tracekit-usage")
            .tempdir()
            .unwrap())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn write(&self, name: &str, body: &str) -> String {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, body).unwrap();
        s(&p)
    }

    fn mkdir(&self, name: &str) -> String {
        let p = self.path(name);
        std::fs::create_dir_all(&p).unwrap();
        s(&p)
    }
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// One trace per entry: (trace id as 32 hex digits, service, root operation, extra child spans).
/// Trace k starts k ms after BASE and lasts 10 ms; children are 1 ms each inside it.
fn otlp_traces(traces: &[(&str, &str, &str, usize)]) -> String {
    let mut rs = Vec::new();
    for (k, (id, svc, op, children)) in traces.iter().enumerate() {
        let start = BASE + k as u64 * MS;
        let root_id = format!("{:016x}", (k as u64 + 1) << 8);
        let mut spans = vec![json!({
            "traceId": id, "spanId": root_id, "name": op, "kind": 2,
            "startTimeUnixNano": start.to_string(),
            "endTimeUnixNano": (start + 10 * MS).to_string(),
        })];
        for c in 0..*children {
            let cs = start + (c as u64 + 1) * MS / 2;
            spans.push(json!({
                "traceId": id, "spanId": format!("{:016x}", ((k as u64 + 1) << 8) + c as u64 + 1),
                "parentSpanId": root_id, "name": format!("child {c}"), "kind": 1,
                "startTimeUnixNano": cs.to_string(),
                "endTimeUnixNano": (cs + MS).to_string(),
            }));
        }
        rs.push(json!({
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
            "scopeSpans": [{"scope": {"name": "usage"}, "spans": spans}],
        }));
    }
    json!({ "resourceSpans": rs }).to_string()
}

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(tail).copied().collect()
}

const HINT: &str = "; pass --allow-empty if an empty input is fine";

/// The one error line for an input without spans, as the user must see it.
fn no_spans_line(read: &str) -> String {
    format!("tracekit: error: no spans in the input (read: {read}){HINT}")
}

/// Each analysis command, with what it needs besides its sources.
fn analysis_commands(policy: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        v(&["check"]),
        v(&["lint"]),
        v(&["stats"]),
        v(&["critical-path"]),
        v(&["cp", "--aggregate"]),
        v(&["skew"]),
        v(&["show"]),
        v(&["export", "--to", "csv"]),
        v(&["gate", "--policy", policy]),
    ]
}

/// A policy that passes on any input, empty or not: gate must still refuse an empty input.
const LENIENT_POLICY: &str =
    "[[budgets]]\nname = \"size\"\nassert = [\"spans_per_trace <= 500\"]\n";

#[test]
fn inputs_without_spans_are_exit_3_with_one_line_naming_them() {
    let d = Dir::new();
    let policy = d.write("policy.toml", LENIENT_POLICY);
    let otlp = d.write("otlp.json", r#"{"resourceSpans":[]}"#);
    let jaeger = d.write("jaeger.json", r#"{"data":[]}"#);
    let zipkin = d.write("zipkin.json", "[]");
    let empty_dir = d.mkdir("nothing");
    let junk = d.mkdir("junk");
    d.write("junk/a.txt", "hello\n");
    d.write("junk/b.csv", "x,y\n1,2\n");
    d.write("junk/c.log", "nothing to see\n");

    let cases: Vec<(Vec<String>, String)> = vec![
        (vec![otlp.clone()], format!("{otlp} (otlp-json)")),
        (vec![jaeger.clone()], format!("{jaeger} (jaeger)")),
        (vec![zipkin.clone()], format!("{zipkin} (zipkin)")),
        (vec![empty_dir.clone()], format!("{empty_dir}/ (no files)")),
        (
            vec![junk.clone()],
            format!("{junk}/ (3 files skipped: unknown format)"),
        ),
        (
            vec![otlp.clone(), empty_dir.clone(), junk.clone()],
            format!(
                "{otlp} (otlp-json), {empty_dir}/ (no files), {junk}/ (3 files skipped: unknown format)"
            ),
        ),
    ];
    let mut f = Failures::default();
    for cmd in analysis_commands(&policy) {
        for (sources, read) in &cases {
            let mut a: Vec<&str> = cmd.iter().map(String::as_str).collect();
            a.extend(sources.iter().map(String::as_str));
            a.push("--quiet");
            let r = run(&a);
            let want = no_spans_line(read);
            f.check(
                r.code == Some(3) && r.stdout.is_empty() && r.stderr == format!("{want}\n"),
                || {
                    format!(
                        "{a:?}: want exit 3, no output and exactly\n{want}\n{}",
                        r.describe()
                    )
                },
            );
            // Without --quiet the skipped files are warned about, and the error is still one line.
            a.pop();
            let r = run(&a);
            f.check(
                r.code == Some(3) && r.error_lines() == vec![want.as_str()],
                || format!("{a:?} (not quiet)\n{}", r.describe()),
            );
        }
    }
    f.finish("inputs without spans");
}

#[test]
fn the_message_escapes_what_it_names() {
    let d = Dir::new();
    let evil = d.mkdir("dir\u{1b}[31mred");
    let newline = d.write("two\nlines.json", "[]");
    let r = run(["stats", &evil, &newline]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let root = s(d.0.path());
    let want = no_spans_line(&format!(
        "{root}/dir\\x1b[31mred/ (no files), {root}/two\\nlines.json (zipkin)"
    ));
    assert_eq!(r.stderr, format!("{want}\n"), "{}", r.describe());
    assert!(!r.stderr.contains('\u{1b}'));
}

#[test]
fn many_sources_are_cut_short_in_the_message() {
    let d = Dir::new();
    let files: Vec<String> = (0..13)
        .map(|k| d.write(&format!("f{k:02}.json"), "[]"))
        .collect();
    let mut a = vec!["check"];
    a.extend(files.iter().map(String::as_str));
    let r = run(&a);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let listed: Vec<String> = files[..10]
        .iter()
        .map(|f| format!("{f} (zipkin)"))
        .collect();
    let want = no_spans_line(&format!("{}, and 3 more", listed.join(", ")));
    assert_eq!(r.stderr, format!("{want}\n"), "{}", r.describe());
}

#[test]
fn a_bad_input_without_spans_says_what_is_wrong_with_it_once() {
    let d = Dir::new();
    let bad = d.write("bad.json", "{\"resourceSpans\":[{");
    for cmd in ["check", "stats", "lint"] {
        let r = run([cmd, &bad, "--format", "json"]);
        assert_eq!(r.code, Some(3), "{}", r.describe());
        assert!(r.stdout.is_empty(), "{}", r.describe());
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{}", r.describe());
        assert!(lines[0].contains(&bad), "{}", r.describe());
        assert!(!lines[0].contains("no spans"), "{}", r.describe());
    }
}

#[test]
fn allow_empty_gives_the_empty_document() {
    let d = Dir::new();
    let policy = d.write("policy.toml", LENIENT_POLICY);
    let strict_policy = d.write(
        "strict.toml",
        "[selectors.entry]\nroot = true\n\n[[coverage]]\nselector = \"entry\"\nmin_traces = \"100%\"\n",
    );
    let empty = d.write("empty.json", r#"{"resourceSpans":[]}"#);
    let dir = d.mkdir("nothing");
    for src in [&empty, &dir] {
        let json = |a: &[&str]| run_json(args(a, &[src.as_str(), "--allow-empty"]));

        let doc = json(&["check", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.check/v1");
        assert_eq!(doc["findings"], json!([]));
        assert_eq!(doc["summary"]["traces"], 0);
        assert_eq!(doc["summary"]["spans"], 0);

        let doc = json(&["lint", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.lint/v1");
        assert_eq!(doc["findings"], json!([]));
        assert_eq!(doc["summary"]["spans"], 0);

        let doc = json(&["stats", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.stats/v1");
        assert_eq!(doc["groups"], json!([]));

        let doc = json(&["critical-path", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.critical-path/v1");
        assert_eq!(doc["traces"], json!([]));

        let doc = json(&["cp", "--aggregate", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.critical-path/v1");
        assert_eq!(doc["aggregate"], json!([]));

        let doc = json(&["skew", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.skew/v1");
        assert_eq!(doc["pairs"], json!([]));

        let doc = json(&["show", "-f", "json"]);
        assert_eq!(doc["schema"], "tracekit.show/v1");
        assert_eq!(doc["traces"], json!([]));

        let doc = json(&["export", "--to", "otlp-json"]);
        assert_eq!(doc, json!({"resourceSpans": []}));

        let r = run(args(&["export", "--to", "csv"], &[src, "--allow-empty"]));
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert_eq!(
            r.stdout.lines().count(),
            1,
            "only the header\n{}",
            r.describe()
        );
        assert!(
            r.stdout.starts_with("trace_id,span_id,"),
            "{}",
            r.describe()
        );

        // gate: the assertions decide, as they would on any input.
        let doc = json(&["gate", "--policy", &policy, "-f", "json"]);
        assert!(
            doc["assertions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["passed"] == true),
            "{doc}"
        );
        let r = run(args(
            &["gate", "--policy", &strict_policy, "-f", "json"],
            &[src, "--allow-empty"],
        ));
        assert_eq!(r.code, Some(1), "{}", r.describe());
    }
}

#[test]
fn stdin_without_spans() {
    for cmd in ["stats", "lint", "check"] {
        // Nothing at all on stdin: the input is empty (an error naming stdin) …
        let r = run([cmd, "-"]);
        assert_eq!(r.code, Some(3), "{}", r.describe());
        assert_eq!(
            r.stderr,
            "tracekit: error: <stdin>: the input is empty\n",
            "{}",
            r.describe()
        );
        // … unless empty is fine.
        let doc = run_json([cmd, "-", "--allow-empty", "-f", "json"]);
        assert_eq!(doc["schema"], format!("tracekit.{cmd}/v1"));

        // A document without spans on stdin.
        let out = tracekit()
            .args([cmd, "-"])
            .write_stdin(r#"{"resourceSpans":[]}"#)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("{}\n", no_spans_line("<stdin> (otlp-json)"))
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn diff_names_the_empty_side() {
    let d = Dir::new();
    let good = d.write(
        "good.json",
        &otlp_traces(&[("4bf92f3577b34da6a3ce929d0e0e4736", "api", "GET /", 1)]),
    );
    let empty = d.write("empty.json", "[]");
    let r = run(["diff", &empty, &good]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert_eq!(
        r.stderr,
        format!("tracekit: error: no spans in the baseline (read: {empty} (zipkin)){HINT}\n")
    );
    let r = run(["diff", &good, &empty]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert_eq!(
        r.stderr,
        format!("tracekit: error: no spans in the candidate (read: {empty} (zipkin)){HINT}\n")
    );
    let doc = run_json(["diff", &empty, &good, "--allow-empty", "-f", "json"]);
    assert_eq!(doc["base_traces"], 0);
    assert_eq!(doc["candidate_traces"], 1);
}

#[test]
fn durations_need_a_unit() {
    let d = Dir::new();
    let f = d.write(
        "t.json",
        &otlp_traces(&[("4bf92f3577b34da6a3ce929d0e0e4736", "api", "GET /", 2)]),
    );
    let cases: Vec<Vec<&str>> = vec![
        vec!["show", &f, "--min-duration", "5"],
        vec!["critical-path", &f, "--min-duration", "5"],
        vec!["check", &f, "--tolerance", "5"],
        vec!["check", &f, "--skew-threshold", "5"],
        vec!["skew", &f, "--threshold", "5"],
        vec!["export", &f, "--to", "markdown", "--min-duration", "5"],
        vec!["diff", &f, &f, "--tolerance-abs", "5"],
        vec!["stats", &f, "--timeout", "5"],
        vec![
            "search",
            "--backend",
            "http://127.0.0.1:9",
            "--min-duration",
            "5",
        ],
        vec!["search", "--backend", "http://127.0.0.1:9", "--since", "5"],
        vec!["synth", "-n", "1", "--skew", "payment=-5"],
    ];
    let mut fails = Failures::default();
    for a in &cases {
        let r = run(a);
        fails.check(
            r.code == Some(2)
                && r.stderr.contains("a duration needs a unit: 5ms, 5us, 5s")
                && r.stdout.is_empty(),
            || format!("{a:?}\n{}", r.describe()),
        );
    }
    fails.finish("bare durations");

    // With a unit, or 0 alone, they are read.
    let base = run_json(["show", &f, "-f", "json"]);
    let all = base["spans"].as_array().unwrap().len();
    assert_eq!(all, 3);
    let zero = run_json(["show", &f, "--min-duration", "0", "-f", "json"]);
    assert_eq!(zero["spans"].as_array().unwrap().len(), all);
    // The root lasts 10 ms, the children 1 ms each: 5ms keeps the root only.
    let five = run_json(["show", &f, "--min-duration", "5ms", "-f", "json"]);
    assert_eq!(five["spans"].as_array().unwrap().len(), 1);
    run_json(["check", &f, "--tolerance", "0", "-f", "json"]);
}

#[test]
fn policy_durations_read_like_the_flags() {
    let d = Dir::new();
    let f = d.write(
        "t.json",
        &otlp_traces(&[("4bf92f3577b34da6a3ce929d0e0e4736", "api", "GET /", 0)]),
    );
    let bare = d.write(
        "bare.toml",
        "[[budgets]]\nassert = [\"p99(duration) < 300\"]\n",
    );
    let r = run(["gate", &f, "--policy", &bare]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    let lines = r.error_lines();
    assert_eq!(lines.len(), 1, "{}", r.describe());
    assert!(lines[0].contains(&bare), "{}", r.describe());
    assert!(
        lines[0].contains("a duration needs a unit: 300ms"),
        "{}",
        r.describe()
    );
    // The root lasts 10 ms: under 300ms passes, under 5ms fails, and 0 is a duration too.
    let ok = d.write(
        "ok.toml",
        "[[budgets]]\nassert = [\"p99(duration) < 300ms\"]\n",
    );
    assert_eq!(run(["gate", &f, "--policy", &ok]).code, Some(0));
    let tight = d.write(
        "tight.toml",
        "[[budgets]]\nassert = [\"max(duration) < 5ms\"]\n",
    );
    assert_eq!(run(["gate", &f, "--policy", &tight]).code, Some(1));
    let zero = d.write(
        "zero.toml",
        "[[budgets]]\nassert = [\"max(duration) > 0\"]\n",
    );
    assert_eq!(run(["gate", &f, "--policy", &zero]).code, Some(0));
}

// Trace ids for the prefix tests, and how each is printed.
const A: &str = "4bf92f35aaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "4bf92f35bbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "4bf92f36cccccccccccccccccccccccc";
/// 64-bit ids, zero-padded to 32 digits in the file; printed 00000000deadbeef, 00f067aa0ba902b7.
const D: &str = "000000000000000000000000deadbeef";
const E: &str = "000000000000000000f067aa0ba902b7";

fn prefix_file(d: &Dir) -> String {
    d.write(
        "ids.json",
        &otlp_traces(&[
            (A, "frontend", "GET /a", 2),
            (B, "billing", "POST /b", 0),
            (C, "cart", "GET /c", 1),
            (D, "legacy", "tick", 0),
            (E, "jaeger-era", "poll", 0),
        ]),
    )
}

fn shown_id(f: &str, trace: &str) -> Run {
    run(["show", f, "--trace", trace, "--format", "json"])
}

#[test]
fn trace_accepts_a_unique_prefix() {
    let d = Dir::new();
    let f = prefix_file(&d);
    let mut fails = Failures::default();
    for (given, want) in [
        ("4bf92f36", C),
        ("4BF92F36CC", C),
        ("0x4bf92f36", C),
        (C, C),
        ("4bf92f35a", A),
        ("4bf92f35bbbbbbbb", B), // 16 digits: no such 64-bit id, so a prefix of B
        // A run of zeros begins every 64-bit id's 32-digit form, but only D's 16-digit form.
        ("00000000", D),
        ("00000000dead", D),
        ("00000000deadbeef", D),
        (D, D),
        ("00f067aa", E),
        ("00f067aa0ba902b7", E),
        (E, E),
        // Printed without its leading zeros (as old Jaeger versions did).
        ("f067aa0ba902b7", E),
    ] {
        let r = shown_id(&f, given);
        let got = serde_json::from_str::<Value>(&r.stdout)
            .ok()
            .and_then(|v| v["trace_id"].as_str().map(str::to_string));
        fails.check(r.code == Some(0) && got.as_deref() == Some(want), || {
            format!("--trace {given}: want {want}\n{}", r.describe())
        });
    }
    fails.finish("prefixes");

    let doc = run_json(["cp", &f, "-t", "4bf92f36", "-t", "00f067aa", "-f", "json"]);
    let mut ids: Vec<&str> = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![E, C]);

    // Aggregate over the one trace named: only its root operation owns critical-path time.
    let doc = run_json(["cp", &f, "--aggregate", "-t", "4bf92f36", "-f", "json"]);
    let rows: Vec<(&str, &str)> = doc["aggregate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["service"].as_str().unwrap(),
                r["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(rows.contains(&("cart", "GET /c")), "{doc}");
    assert!(rows.iter().all(|(s, _)| *s == "cart"), "{doc}");

    let r = run(["export", &f, "--to", "csv", "-t", "4bf92f36"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let rows: Vec<&str> = r.stdout.lines().skip(1).collect();
    assert_eq!(
        rows.len(),
        2,
        "C has a root and one child\n{}",
        r.describe()
    );
    assert!(rows.iter().all(|l| l.starts_with(C)), "{}", r.describe());

    let doc = run_json([
        "diff",
        &f,
        &f,
        "--base-trace",
        "4bf92f36",
        "--candidate-trace",
        "00f067aa",
        "-f",
        "json",
    ]);
    assert_eq!(
        (doc["base_traces"].clone(), doc["candidate_traces"].clone()),
        (json!(1), json!(1))
    );
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates() {
    let d = Dir::new();
    let f = prefix_file(&d);
    for cmd in [
        vec!["show", f.as_str()],
        vec!["cp", f.as_str()],
        vec!["cp", f.as_str(), "--aggregate"],
        vec!["export", f.as_str(), "--to", "csv"],
    ] {
        let r = run(args(&cmd, &["--trace", "4bf92f35"]));
        assert_eq!(r.code, Some(2), "{cmd:?}\n{}", r.describe());
        assert!(r.stdout.is_empty(), "{}", r.describe());
        assert_eq!(
            r.error_lines(),
            vec![
                "tracekit: error: trace id prefix 4bf92f35 is ambiguous: 2 traces match; give more digits:",
                &format!("tracekit: error:   {A}  frontend GET /a  (3 spans)"),
                &format!("tracekit: error:   {B}  billing POST /b  (1 span)"),
            ],
            "{cmd:?}\n{}",
            r.describe()
        );
    }
    let r = run(["diff", &f, &f, "--base-trace", "4bf92f35"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
}

#[test]
fn ambiguous_lists_are_cut_after_ten() {
    let d = Dir::new();
    let ids: Vec<String> = (0..13).map(|k| format!("abcdef01{k:024x}")).collect();
    let traces: Vec<(&str, &str, &str, usize)> =
        ids.iter().map(|id| (id.as_str(), "svc", "op", 0)).collect();
    let f = d.write("many.json", &otlp_traces(&traces));
    let r = run(["show", &f, "--trace", "abcdef01"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    let lines = r.error_lines();
    assert_eq!(lines.len(), 1 + 10 + 1, "{}", r.describe());
    assert!(lines[0].contains("13 traces match"), "{}", r.describe());
    // In start order: trace k starts k ms after the first.
    for (k, line) in lines[1..11].iter().enumerate() {
        assert!(line.contains(&ids[k]), "line {k}: {line}");
    }
    assert_eq!(lines[11], "tracekit: error:   and 3 more");
}

#[test]
fn trace_values_that_name_nothing() {
    let d = Dir::new();
    let f = prefix_file(&d);
    for short in ["4bf92f3", "abc", "0xabc"] {
        let r = shown_id(&f, short);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{}", r.describe());
        assert!(lines[0].contains("too short"), "{}", r.describe());
        assert!(lines[0].contains("at least 8"), "{}", r.describe());
    }
    for zero in ["0000000000000000", "00000000000000000000000000000000"] {
        let r = shown_id(&f, zero);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(r.stderr.contains("all-zero"), "{}", r.describe());
    }
    let r = shown_id(&f, "99999999");
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(
        r.stderr.contains("trace 99999999 not found"),
        "{}",
        r.describe()
    );
    let r = run(["cp", &f, "-t", "99999999"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
}

#[test]
fn a_backend_needs_the_whole_id() {
    // Nothing listens on port 9 of loopback; the id is refused before any request.
    for a in [
        vec!["show", "4bf92f35aaaa", "--backend", "http://127.0.0.1:9"],
        vec!["stats", "4bf92f35", "--backend", "http://127.0.0.1:9"],
        vec!["fetch", "4bf92f35aaaa", "--backend", "http://127.0.0.1:9"],
    ] {
        let r = run(&a);
        assert_eq!(r.code, Some(2), "{a:?}\n{}", r.describe());
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{}", r.describe());
        assert!(
            lines[0].contains("a backend is asked for whole ids (16 or 32 digits)"),
            "{}",
            r.describe()
        );
    }
}

/// Display width of the widest line (every character of a waterfall is one column wide).
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn show_with(env: &[(&str, &str)], extra: &[&str]) -> Run {
    let f = sample("zipkin-v2_yelp.json");
    let mut cmd = tracekit();
    cmd.args(["show", f.as_str(), "--color", "never"])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn widths_are_kept_between_40_and_1000_columns() {
    let default = show_with(&[], &[]);
    assert_eq!(default.code, Some(0), "{}", default.describe());
    assert_eq!(widest(&default.stdout), 120, "{}", default.describe());

    let at = |w: &str| show_with(&[], &["--width", w]);
    let widest_allowed = at("1000");
    let narrowest_allowed = at("40");
    assert_eq!(widest(&widest_allowed.stdout), 1000);
    assert_eq!(widest(&narrowest_allowed.stdout), 40);
    for (w, same_as) in [
        ("1000000", &widest_allowed),
        ("18446744073709551616000", &widest_allowed),
        ("0", &narrowest_allowed),
        ("7", &narrowest_allowed),
    ] {
        let r = at(w);
        assert_eq!(r.code, Some(0), "--width {w}\n{}", r.describe());
        assert_eq!(r.stdout, same_as.stdout, "--width {w}");
    }
    for bad in ["-3", "wide", "80px"] {
        let r = show_with(&[], &[&format!("--width={bad}")]);
        assert_eq!(r.code, Some(2), "--width {bad}\n{}", r.describe());
    }

    for (columns, same_as) in [
        ("100000000000", &widest_allowed),
        ("99999999999999999999999999", &widest_allowed),
        ("3", &narrowest_allowed),
        ("0", &default),
        ("-5", &default),
        ("abc", &default),
        ("", &default),
    ] {
        let r = show_with(&[("COLUMNS", columns)], &[]);
        assert_eq!(r.code, Some(0), "COLUMNS={columns}\n{}", r.describe());
        assert_eq!(r.stdout, same_as.stdout, "COLUMNS={columns}");
    }
    // --width wins over COLUMNS.
    let r = show_with(&[("COLUMNS", "100000000000")], &["--width", "40"]);
    assert_eq!(r.stdout, narrowest_allowed.stdout);

    // Tables too: a huge COLUMNS is no crash.
    let f = sample("zipkin-v2_yelp.json");
    let mut cmd = tracekit();
    cmd.args(["stats", f.as_str()])
        .env("COLUMNS", "100000000000");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(widest(&String::from_utf8_lossy(&out.stdout)) <= 1000);
}

/// The time flags read RFC 3339 through one parser (jiff): impossible dates, offsets beyond
/// ±23:59 (±14:00 for `--tz`), more than 9 fraction digits and missing offsets are usage errors
/// (exit 2, one line naming the flag and the value); a lowercase `t`/`z` and a space for `T` are
/// read (RFC 3339 §5.6).
#[test]
fn time_values_follow_rfc3339() {
    let d = Dir::new();
    let f = d.write(
        "t.json",
        &otlp_traces(&[("4bf92f3577b34da6a3ce929d0e0e4736", "api", "GET /", 2)]),
    );
    let bad_instants = [
        "2026-02-31T00:00:00Z",
        "2026-11-21T09:22:31+99:00",
        "2026-11-21T09:22:31+24:00",
        "2026-11-21T09:22:31.1234567891Z",
        "2026-11-21T09:22:31",
        "1969-12-31T23:59:59Z",
    ];
    let mut cases: Vec<(Vec<&str>, &str)> = Vec::new();
    for v in bad_instants {
        cases.push((
            vec!["search", "--backend", "http://127.0.0.1:9", "--start", v],
            "--start",
        ));
        cases.push((
            vec!["search", "--backend", "http://127.0.0.1:9", "--end", v],
            "--end",
        ));
        cases.push((vec!["synth", "-n", "1", "--start", v], "--start"));
    }
    for v in ["+99:00", "+15:00", "Europe/Paris", "+02:00:30"] {
        cases.push((vec!["export", &f, "--to", "markdown", "--tz", v], "--tz"));
    }
    let mut fails = Failures::default();
    for (a, flag) in &cases {
        let r = run(a);
        let value = a.last().unwrap();
        let line = r.stderr.lines().next().unwrap_or("");
        fails.check(
            r.code == Some(2)
                && r.stdout.is_empty()
                && line.contains(flag)
                && line.contains(value)
                && line.contains(&format!("{value:?}")),
            || format!("{a:?}\n{}", r.describe()),
        );
    }
    fails.finish("bad time values");

    // Lowercase t and z, a space for T, an offset: the same start as the canonical form.
    let synth = |start: &str| {
        let r = run(["synth", "-n", "1", "--seed", "7", "--start", start]);
        assert_eq!(r.code, Some(0), "{start}: {}", r.describe());
        r.stdout
    };
    let canonical = synth("2026-01-15T10:00:00Z");
    for same in [
        "2026-01-15t10:00:00z",
        "2026-01-15 10:00:00Z",
        "2026-01-15T12:00:00+02:00",
        "1768471200",
    ] {
        assert_eq!(synth(same), canonical, "{same}");
    }
    // A leap second is read as :59.
    assert_eq!(synth("2026-01-15T10:00:60Z"), synth("2026-01-15T10:00:59Z"));

    // `--tz +02` is `--tz +02:00`.
    let md = |tz: &str| {
        let r = run(["export", &f, "--to", "markdown", "--tz", tz]);
        assert_eq!(r.code, Some(0), "{tz}: {}", r.describe());
        r.stdout
    };
    let plus2 = md("+02:00");
    assert!(
        plus2.contains("2026-01-15 12:00:00.000000 +02:00"),
        "{plus2}"
    );
    assert_eq!(md("+02"), plus2);
    assert_eq!(md("+0200"), plus2);
}
