//! `tracekit schema CMD`: every typed command's `--format json` output, on real inputs (the
//! samples, the fixtures, a synthetic file with faults so that findings and skew exist), is valid
//! against the schema the binary prints, checked by a draft 2020-12 validator (`jsonschema`, built
//! without network or file `$ref` resolution). The schema is derived from the types that write the
//! output, so it cannot drift; one schema is snapshotted so that changes show in review.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::common::{repo_dir, run, samples_dir, tracekit};
use crate::replay::Replay;

/// `tracekit schema` lists these commands (the ones whose document is typed).
const TYPED: &[&str] = &[
    "check",
    "critical-path",
    "diff",
    "gate",
    "lint",
    "rules",
    "search",
    "services",
    "show",
    "skew",
    "stats",
];

fn schema(cmd: &str) -> Value {
    let r = run(["schema", cmd]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    serde_json::from_str(&r.stdout).unwrap()
}

fn validator(cmd: &str) -> jsonschema::Validator {
    let s = schema(cmd);
    assert_eq!(
        s["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{cmd}"
    );
    jsonschema::draft202012::new(&s).unwrap_or_else(|e| panic!("schema of {cmd}: {e}"))
}

/// Every error of `doc` against `v`, as lines (empty when valid).
fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| {
            // The message quotes the whole instance: keep its ends.
            let mut m = e.to_string();
            let n = m.chars().count();
            if n > 300 {
                let head: String = m.chars().take(100).collect();
                let tail: String = m.chars().skip(n - 200).collect();
                m = format!("{head}…{tail}");
            }
            format!("{m} at {}", e.instance_path())
        })
        .collect()
}

/// The inputs: every sample file, the fixtures, and a synthetic file with skew, drops and errors.
fn inputs() -> (tempfile::TempDir, Vec<String>) {
    let mut v: Vec<PathBuf> = Vec::new();
    for dir in [samples_dir(), repo_dir().join("fixtures")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && p.extension().is_some_and(|x| x != "md") {
                v.push(p);
            }
        }
    }
    v.sort();
    let dir = tempfile::tempdir().unwrap();
    let faulty = dir.path().join("faulty.otlp.jsonl");
    let r = run([
        "synth",
        "--seed",
        "7",
        "-n",
        "20",
        "--skew",
        "payment=-25ms",
        "--drop-rate",
        "0.05",
        "--error-rate",
        "0.1",
        "-o",
        faulty.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    v.push(faulty);
    let v = v
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    (dir, v)
}

/// Runs `args`, which must succeed (exit 0, or 1 for a finding), and validates stdout.
fn check(v: &jsonschema::Validator, args: &[&str], bad: &mut Vec<String>) -> Value {
    let r = run(args);
    assert!(matches!(r.code, Some(0 | 1)), "{args:?}\n{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e})"));
    for e in errors(v, &doc) {
        bad.push(format!("{args:?}: {e}"));
    }
    doc
}

#[test]
fn list_names_the_typed_commands() {
    for args in [&["schema"][..], &["schema", "--list"]] {
        let r = run(args);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert_eq!(r.stdout.lines().collect::<Vec<_>>(), TYPED);
    }
    let r = run(["schema", "nope"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr.contains("no schema for command 'nope'"),
        "{}",
        r.describe()
    );
}

/// The `const` of every `properties.schema` in the schema (root and `$defs`).
fn const_tags(v: &Value, out: &mut Vec<String>) {
    if let Some(c) = v.pointer("/properties/schema/const") {
        out.push(c.as_str().unwrap().to_string());
    }
    if let Some(defs) = v.get("$defs").and_then(Value::as_object) {
        for d in defs.values() {
            const_tags(d, out);
        }
    }
}

#[test]
fn every_schema_has_id_title_and_const_tag() {
    for cmd in TYPED {
        let s = schema(cmd);
        assert_eq!(
            s["$id"],
            format!("https://example.invalid/tracekit/schema/{cmd}/v1")
        );
        assert_eq!(s["title"], format!("tracekit.{cmd}/v1"));
        // The root, or each alternative of the root (critical-path: traces or aggregate).
        let mut tags = Vec::new();
        const_tags(&s, &mut tags);
        assert!(!tags.is_empty(), "{cmd}: no const schema tag");
        for t in tags {
            assert_eq!(t, format!("tracekit.{cmd}/v1"));
        }
        assert!(jsonschema::meta::is_valid(&s), "{cmd}: not a valid schema");
    }
}

#[test]
fn rules_output_is_valid() {
    let v = validator("rules");
    let mut bad = Vec::new();
    check(&v, &["rules", "--format", "json"], &mut bad);
    for c in ["check", "lint", "gate"] {
        check(&v, &["rules", "--format", "json", "--command", c], &mut bad);
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn stats_output_is_valid() {
    let v = validator("stats");
    let mut bad = Vec::new();
    let mut groups = 0;
    let (_dir, files) = inputs();
    for f in files {
        for g in ["operation", "service", "kind", "root", "attr=http.method"] {
            let doc = check(
                &v,
                &["stats", "--format", "json", "--group-by", g, &f],
                &mut bad,
            );
            groups += doc["groups"].as_array().map_or(0, Vec::len);
        }
        check(
            &v,
            &[
                "stats",
                "--format",
                "json",
                "--percentiles",
                "50,75,99.9",
                &f,
            ],
            &mut bad,
        );
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(groups > 100, "only {groups} groups checked");
}

#[test]
fn critical_path_output_is_valid() {
    let v = validator("critical-path");
    let mut bad = Vec::new();
    let (mut sections, mut steps, mut rows) = (0, 0, 0);
    let (_dir, files) = inputs();
    for f in files {
        let doc = check(
            &v,
            &["critical-path", "--format", "json", "--explain", &f],
            &mut bad,
        );
        for t in doc["traces"].as_array().unwrap() {
            sections += t["sections"].as_array().unwrap().len();
            steps += t["explain"].as_array().unwrap().len();
        }
        check(&v, &["critical-path", "--format", "json", &f], &mut bad);
        let doc = check(
            &v,
            &["critical-path", "--format", "json", "--aggregate", &f],
            &mut bad,
        );
        rows += doc["aggregate"].as_array().unwrap().len();
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        sections > 0 && steps > 0 && rows > 0,
        "{sections} sections, {steps} steps, {rows} rows"
    );
}

fn synth(dir: &std::path::Path, name: &str, extra: &[&str]) -> String {
    let p = dir.join(name).to_string_lossy().into_owned();
    let mut args = vec!["synth", "-n", "20", "-o", &p];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    p
}

#[test]
fn check_and_lint_output_is_valid() {
    let (check_v, lint_v) = (validator("check"), validator("lint"));
    let mut bad = Vec::new();
    let (mut findings, mut with_details) = (0, 0);
    let (_dir, files) = inputs();
    let mut count = |doc: &Value| {
        for f in doc["findings"].as_array().unwrap() {
            findings += 1;
            with_details += usize::from(f.as_object().unwrap().len() > 7);
        }
    };
    for f in &files {
        count(&check(
            &check_v,
            &["check", "--format", "json", f],
            &mut bad,
        ));
        count(&check(&lint_v, &["lint", "--format", "json", f], &mut bad));
    }
    let mut all = vec!["lint", "--format", "json"];
    all.extend(files.iter().map(String::as_str));
    count(&check(&lint_v, &all, &mut bad));
    all[0] = "check";
    count(&check(&check_v, &all, &mut bad));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        findings > 0 && with_details > 0,
        "{findings} findings, {with_details} with details"
    );
}

#[test]
fn gate_output_is_valid() {
    let v = validator("gate");
    let dir = tempfile::tempdir().unwrap();
    let policy = dir
        .path()
        .join("policy.toml")
        .to_string_lossy()
        .into_owned();
    let r = run(["gate", "--init", &policy]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let mut bad = Vec::new();
    let (mut failed, mut assertions) = (0, 0);
    let (_dir, files) = inputs();
    for f in &files {
        let doc = check(
            &v,
            &["gate", "--format", "json", "--policy", &policy, f],
            &mut bad,
        );
        assertions += doc["summary"]["assertions"].as_u64().unwrap();
        failed += doc["summary"]["failed"].as_u64().unwrap();
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        assertions > 0 && failed > 0,
        "{assertions} assertions, {failed} failed"
    );
}

#[test]
fn diff_output_is_valid() {
    let v = validator("diff");
    let dir = tempfile::tempdir().unwrap();
    let base = synth(dir.path(), "base.jsonl", &["--seed", "8"]);
    let cand = synth(
        dir.path(),
        "cand.jsonl",
        &[
            "--seed",
            "9",
            "--skew",
            "payment=-25ms",
            "--error-rate",
            "0.2",
        ],
    );
    let mut bad = Vec::new();
    let mut paths = 0;
    for extra in [&[][..], &["--all"], &["--all", "-p", "50,99"]] {
        let mut args = vec!["diff", "--format", "json", &base, &cand];
        args.extend_from_slice(extra);
        paths += check(&v, &args, &mut bad)["paths"]
            .as_array()
            .unwrap()
            .len();
    }
    let (_dir, files) = inputs();
    for f in &files {
        check(&v, &["diff", "--format", "json", f, &cand], &mut bad);
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(paths > 0, "no paths compared");
}

#[test]
fn show_output_is_valid() {
    let v = validator("show");
    let mut bad = Vec::new();
    let (mut lists, mut spans) = (0, 0);
    let (_dir, files) = inputs();
    for f in &files {
        let doc = check(&v, &["show", "--format", "json", f], &mut bad);
        // Many traces give the list; then show each of the first two on its own.
        let ids: Vec<String> = match doc.get("traces").and_then(Value::as_array) {
            Some(ts) => {
                lists += 1;
                ts.iter()
                    .take(2)
                    .map(|t| t["trace_id"].as_str().unwrap().to_string())
                    .collect()
            }
            None => {
                spans += doc["spans"].as_array().unwrap().len();
                Vec::new()
            }
        };
        for id in ids {
            let doc = check(
                &v,
                &["show", "--format", "json", "--trace", &id, f],
                &mut bad,
            );
            spans += doc["spans"].as_array().unwrap().len();
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(lists > 0 && spans > 100, "{lists} lists, {spans} spans");
}

#[test]
fn skew_output_is_valid() {
    let v = validator("skew");
    let mut bad = Vec::new();
    let (mut pairs, mut examples) = (0, 0);
    let (_dir, files) = inputs();
    for f in files {
        for extra in [
            &[][..],
            &["--by", "host"],
            &["--method", "jaeger"],
            &["--method", "zipkin"],
        ] {
            let mut args = vec!["skew", "--format", "json", &f];
            args.extend_from_slice(extra);
            let doc = check(&v, &args, &mut bad);
            for p in doc["pairs"].as_array().unwrap() {
                pairs += 1;
                examples += usize::from(p.get("example").is_some());
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(
        pairs > 0 && examples > 0,
        "{pairs} pairs, {examples} examples"
    );
}

/// The check has teeth: documents with a wrong type, a missing field, an unknown field or a wrong
/// schema tag are rejected.
/// The recorded searches cover these Unix seconds (see tests/cli/backend.rs).
const START: &str = "1795252951";
const END: &str = "1795256551";

/// `search` and `services` against the replayed Tempo and VictoriaTraces (Jaeger API) answers.
#[test]
fn search_and_services_output_is_valid() {
    let server = Replay::start(&[]);
    let tempo = server.url();
    let jaeger = format!("{tempo}/select/jaeger");
    let tempo_args = ["--backend", tempo.as_str(), "--backend-kind", "tempo"];
    let jaeger_args = ["--backend", jaeger.as_str()];
    let json = ["--format", "json"];
    let window = ["--start", START, "--end", END];
    let with = |parts: &[&[&str]]| -> Vec<String> {
        parts.concat().iter().map(|s| s.to_string()).collect()
    };

    let v = validator("services");
    let mut bad = Vec::new();
    let cases = [
        with(&[&["services"], &tempo_args, &json]),
        with(&[&["services", "--tags"], &tempo_args, &json]),
        with(&[&["services"], &jaeger_args, &json]),
        with(&[&["services", "--service", "frontend"], &jaeger_args, &json]),
    ];
    let mut shapes = Vec::new();
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let doc = check(&v, &args, &mut bad);
        assert_eq!(doc["schema"], "tracekit.services/v1", "{args:?}");
        shapes.push((
            doc.get("tags").is_some(),
            doc["services"][0].get("operations").is_some(),
        ));
    }
    // Each shape: services, tags, services with operations.
    assert_eq!(
        shapes,
        [(false, false), (true, false), (false, false), (false, true)]
    );
    assert!(
        bad.is_empty(),
        "invalid services documents:\n{}",
        bad.join("\n")
    );

    let v = validator("search");
    let cases = [
        with(&[
            &["search", "--service", "frontend"],
            &tempo_args,
            &window,
            &json,
        ]),
        with(&[
            &["search", "--query", "{ status = error }", "--tag", "k=v"],
            &tempo_args,
            &window,
            &json,
        ]),
        with(&[
            &["search", "--service", "frontend"],
            &jaeger_args,
            &window,
            &json,
        ]),
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let doc = check(&v, &args, &mut bad);
        assert_eq!(doc["schema"], "tracekit.search/v1", "{args:?}");
    }
    assert!(
        bad.is_empty(),
        "invalid search documents:\n{}",
        bad.join("\n")
    );

    // A document with a field too many, or a trace id that is not a string, is rejected.
    let args: Vec<&str> = cases[0].iter().map(String::as_str).collect();
    let mut doc: Value = serde_json::from_str(&run(&args).stdout).unwrap();
    assert!(!doc["traces"].as_array().unwrap().is_empty());
    doc["traces"][0]["trace_id"] = json!(7);
    assert!(!errors(&v, &doc).is_empty());
    doc["extra"] = json!(1);
    assert!(errors(&v, &doc).len() >= 2);
}

#[test]
fn wrong_documents_are_rejected() {
    let v = validator("skew");
    let good = json!({"schema": "tracekit.skew/v1", "by": "service", "method": "pairwise",
        "threshold_ns": 1000000, "pairs": [{"client_service": "a", "server_service": "b",
        "edges": 1, "offset_ns": -5, "lower_ns": -9, "upper_ns": -1, "violations": 0,
        "consistent": true, "async_edges": 0, "exceeds_threshold": false}]});
    assert_eq!(errors(&v, &good), Vec::<String>::new());
    let mut wrong_type = good.clone();
    wrong_type["pairs"][0]["edges"] = json!("1");
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("threshold_ns");
    let mut unknown = good.clone();
    unknown["pairs"][0]["surprise"] = json!(1);
    let mut tag = good.clone();
    tag["schema"] = json!("tracekit.skew/v2");
    let mut negative = good.clone();
    negative["threshold_ns"] = json!(-1);
    for (what, doc) in [
        ("wrong type", wrong_type),
        ("missing field", missing),
        ("unknown field", unknown),
        ("wrong tag", tag),
        ("negative count", negative),
    ] {
        assert!(!v.is_valid(&doc), "{what}: accepted");
    }
    let stats = validator("stats");
    let doc = json!({"schema": "tracekit.stats/v1", "group_by": "service", "quantile_method": "type7",
        "traces": 1, "spans": 1, "ungrouped_spans": 0, "groups": [{"service": "a", "count": 1,
        "errors": 0, "error_rate": 0.0, "min_ns": 1, "mean_ns": 1, "max_ns": 1, "total_ns": 1,
        "self_max_ns": 1, "p50_ns": "fast"}]});
    assert!(!stats.is_valid(&doc), "a string percentile was accepted");
}

/// The schemas are generated from the types; this snapshot makes a change visible in review.
#[test]
fn skew_schema_snapshot() {
    let out = tracekit().args(["schema", "skew"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
