//! The SARIF reports of `tracekit check` through the real SARIF 2.1.0 validator
//! (`@microsoft/sarif-multitool`, [`Tool::SarifMultitool`]).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{ci_input_document, sample, tracekit};
use crate::tools::{Found, Tool};

/// Reports of `tracekit check` on that input given relative to the working directory (a
/// repository-relative uri, the usual CI case), absolute, and with the skew sample (a finding
/// without an operation) in a multi-input run: each passes the validator.
pub fn sarif_passes_the_sarif_multitool_validator(tools: &Found) {
    let tool = tools.path(Tool::SarifMultitool);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("ci.json");
    std::fs::write(&input, ci_input_document()).unwrap();
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
