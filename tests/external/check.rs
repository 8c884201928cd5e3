//! The SARIF reports of `tracekit check` through the real SARIF 2.1.0 validator
//! (`@microsoft/sarif-multitool`, [`Tool::SarifMultitool`]).

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{sample, tracekit};
use crate::tools::{Found, Tool};

/// The input of the CI-output tests of `tests/cli/check.rs` (its `ci_input`): two traces with the
/// same problem (a client call on `front` without its server), an orphan whose operation holds a
/// newline, and a span that dropped an event (a note).
fn ci_input() -> String {
    const BASE: u64 = 1_768_471_200_000_000_000;
    const MS: u64 = 1_000_000;
    let span =
        |trace: &str, id: String, parent: Option<String>, name: &str, kind: u8, ms: [u64; 2]| {
            let mut s = json!({
                "traceId": trace,
                "spanId": id,
                "name": name,
                "kind": kind,
                "startTimeUnixNano": (BASE + ms[0] * MS).to_string(),
                "endTimeUnixNano": (BASE + ms[1] * MS).to_string(),
            });
            if let Some(p) = parent {
                s["parentSpanId"] = json!(p);
            }
            s
        };
    let mut spans = Vec::new();
    for (t, base) in [
        ("0af7651916cd43dd8448eb211c80319c", 0xa0u64),
        ("4bf92f3577b34da6a3ce929d0e0e4736", 0xb0u64),
    ] {
        let id = |k: u64| format!("{:016x}", base + k);
        spans.push(("front", span(t, id(0), None, "GET /", 2, [0, 100])));
        spans.push((
            "front",
            span(t, id(1), Some(id(0)), "call pay", 3, [10, 50]),
        ));
    }
    let mut orphan = span(
        "0af7651916cd43dd8448eb211c80319c",
        "00000000000000c1".into(),
        Some("00000000000000ff".into()),
        "lost\nline",
        1,
        [10, 20],
    );
    orphan["droppedEventsCount"] = json!(1);
    spans.push(("back", orphan));
    let resource_spans: Vec<Value> = spans
        .into_iter()
        .map(|(svc, s)| {
            json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": svc}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": [s]}],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans }).to_string()
}

/// Reports of `tracekit check` on that input given relative to the working directory (a
/// repository-relative uri, the usual CI case), absolute, and with the skew sample (a finding
/// without an operation) in a multi-input run: each passes the validator.
pub fn sarif_passes_the_sarif_multitool_validator(tools: &Found) {
    let tool = tools.path(Tool::SarifMultitool);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("ci.json");
    std::fs::write(&input, ci_input()).unwrap();
    let input = input.to_string_lossy().into_owned();
    let runs: [(&str, Vec<String>); 3] = [
        ("rel.sarif", vec!["ci.json".into()]),
        ("out.sarif", vec![input.clone()]),
        ("two.sarif", vec![input, sample("zipkin-v2_skew.json")]),
    ];
    for (name, sources) in runs {
        let out = d.join(name);
        let r = tracekit()
            .current_dir(d)
            .arg("check")
            .args(&sources)
            .args(["--fail-on", "never", "--report"])
            .arg(format!("sarif={}", out.display()))
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(0), "check {sources:?}");
        validate_sarif(tool, &out);
    }
}

fn validate_sarif(tool: &Path, file: &Path) {
    let log = file.with_extension("validation.sarif");
    let out = Command::new(tool)
        .arg("validate")
        .arg(file)
        .arg("--output")
        .arg(&log)
        .args(["--log", "ForceOverwrite"])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", tool.display()));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "sarif-multitool validate failed on {}:\n{text}",
        file.display()
    );
    // The validation log is itself SARIF: its results are the problems found.
    let v: Value = serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
    let problems: Vec<String> = v["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["level"] != "note" && r["level"] != "none")
        .map(|r| format!("{} {}: {}", r["ruleId"], r["level"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF problems in {}:\n{}\n{text}",
        file.display(),
        problems.join("\n")
    );
}
