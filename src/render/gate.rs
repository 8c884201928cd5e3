//! `gate` output: table, JSON (tracekit.gate/v1), JUnit (one test case per assertion), GitHub
//! annotations and step summary, SARIF (failed assertions).

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::table::{TableData, TableStyle, write_table};
use crate::analysis::findings::stable_hash;
use crate::analysis::gate::AssertionResult;
use crate::term::style::{Styles, sgr};

fn examples(a: &AssertionResult) -> String {
    a.examples
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `tracekit.gate/v1`: each assertion of a policy, passed or failed.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateDoc {
    pub assertions: Vec<GateAssertionDoc>,
    /// Whether every assertion passed.
    pub passed: bool,
    pub policy: String,
    #[schemars(extend("const" = "tracekit.gate/v1"))]
    pub schema: &'static str,
    pub summary: GateSummaryDoc,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateSummaryDoc {
    pub assertions: usize,
    pub failed: usize,
    pub passed: usize,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateAssertionDoc {
    /// Trace ids that show the failure.
    pub examples: Vec<String>,
    pub kind: &'static str,
    /// The measured value, as text with its unit.
    pub measured: String,
    pub name: String,
    pub passed: bool,
    /// How many spans or traces the assertion looked at.
    pub sample: u64,
    pub threshold: String,
}

pub fn doc(results: &[AssertionResult], policy: &str) -> GateDoc {
    let failed = results.iter().filter(|a| !a.passed).count();
    GateDoc {
        assertions: results
            .iter()
            .map(|a| GateAssertionDoc {
                examples: a.examples.iter().map(|t| t.to_string()).collect(),
                kind: a.kind,
                measured: a.measured.clone(),
                name: a.name.clone(),
                passed: a.passed,
                sample: a.sample,
                threshold: a.threshold.clone(),
            })
            .collect(),
        passed: failed == 0,
        policy: policy.to_string(),
        schema: "tracekit.gate/v1",
        summary: GateSummaryDoc {
            assertions: results.len(),
            failed,
            passed: results.len() - failed,
        },
    }
}

pub fn to_json(results: &[AssertionResult], policy: &str) -> Value {
    super::doc::to_value(&doc(results, policy))
}

pub fn write_human(
    results: &[AssertionResult],
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut t = TableData::new(&[
        ("", false),
        ("kind", false),
        ("assertion", false),
        ("measured", false),
        ("threshold", false),
        ("examples", false),
    ]);
    for a in results {
        let mark = if a.passed { "PASS" } else { "FAIL" };
        let ex = a.examples.first().map(|e| {
            if a.examples.len() > 1 {
                format!("{e} (+{})", a.examples.len() - 1)
            } else {
                e.to_string()
            }
        });
        t.push(vec![
            mark.into(),
            a.kind.into(),
            a.name.clone(),
            a.measured.clone(),
            a.threshold.clone(),
            ex.unwrap_or_default(),
        ]);
    }
    write_table(&t, style, out)?;
    let failed = results.iter().filter(|a| !a.passed).count();
    let line = if failed == 0 {
        format!("gate passed: {} assertion(s)", results.len())
    } else {
        format!("gate FAILED: {failed} of {} assertion(s)", results.len())
    };
    let code = if failed == 0 {
        sgr::PASS_BOLD
    } else {
        sgr::ERROR_BOLD
    };
    writeln!(out, "{}", Styles::new(style.color).painted(code, &line))
}

pub fn junit(results: &[AssertionResult]) -> Result<String, String> {
    let mut suite = TestSuite::new("tracekit gate");
    for a in results {
        let status = if a.passed {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "measured {}, threshold {}",
                a.measured, a.threshold
            ));
            s.set_type(a.kind);
            if !a.examples.is_empty() {
                s.set_description(format!("example traces: {}", examples(a)));
            }
            s
        };
        let mut case = TestCase::new(a.name.clone(), status);
        case.set_classname(format!("tracekit.gate.{}", a.kind));
        suite.add_test_case(case);
    }
    let mut r = Report::new("tracekit");
    r.add_test_suite(suite);
    r.to_string().map_err(|e| e.to_string())
}

fn gh(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn github_annotations(results: &[AssertionResult]) -> Vec<String> {
    results
        .iter()
        .filter(|a| !a.passed)
        .map(|a| {
            let ex = if a.examples.is_empty() {
                String::new()
            } else {
                format!(" (e.g. trace {})", examples(a))
            };
            format!(
                "::error title=tracekit gate ({})::{}",
                a.kind,
                gh(&format!(
                    "{}: measured {}, threshold {}{ex}",
                    a.name, a.measured, a.threshold
                ))
            )
        })
        .collect()
}

pub fn github_summary(results: &[AssertionResult]) -> String {
    let failed = results.iter().filter(|a| !a.passed).count();
    let mut s = format!(
        "### tracekit gate: {}\n\n| | kind | assertion | measured | threshold |\n|---|---|---|---|---|\n",
        if failed == 0 {
            "passed".to_string()
        } else {
            format!("{failed} of {} failed", results.len())
        }
    );
    for a in results {
        let cell = |x: &str| x.replace('|', "\\|");
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            if a.passed { "✅" } else { "❌" },
            a.kind,
            cell(&a.name),
            cell(&a.measured),
            cell(&a.threshold)
        ));
    }
    s
}

pub fn sarif(results: &[AssertionResult], policy: &str) -> Value {
    let kinds: Vec<&str> = {
        let mut k: Vec<&str> = results
            .iter()
            .filter(|a| !a.passed)
            .map(|a| a.kind)
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tracekit", "version": env!("CARGO_PKG_VERSION"),
                "rules": kinds.iter().map(|k| json!({"id": format!("gate/{k}"), "shortDescription": {"text": format!("A {k} assertion of the gate policy failed.")}, "defaultConfiguration": {"level": "error"}})).collect::<Vec<_>>()}},
            "results": results.iter().filter(|a| !a.passed).map(|a| json!({
                "ruleId": format!("gate/{}", a.kind),
                "ruleIndex": kinds.iter().position(|k| *k == a.kind).unwrap_or(0),
                "level": "error",
                "message": {"text": format!("{}: measured {}, threshold {}", a.name, a.measured, a.threshold)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": super::sarif::file_uri(policy)}}}],
                "partialFingerprints": {"tracekitFingerprint/v1": format!("{:016x}", stable_hash(&format!("gate|{}|{}", a.kind, a.name)))},
                "properties": {"examples": a.examples.iter().map(|t| t.to_string()).collect::<Vec<_>>()},
            })).collect::<Vec<_>>(),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceId;

    fn results() -> Vec<AssertionResult> {
        vec![
            AssertionResult {
                kind: "coverage",
                name: "checkout in every trace".into(),
                passed: true,
                measured: "100.00% (4 of 4 traces)".into(),
                threshold: "≥ 100.00%".into(),
                examples: vec![],
                sample: 4,
            },
            AssertionResult {
                kind: "budget",
                name: "entry: p99(duration) < 300ms".into(),
                passed: false,
                measured: "412ms".into(),
                threshold: "< 300ms".into(),
                examples: vec![TraceId(0xab), TraceId(0xcd)],
                sample: 4,
            },
        ]
    }

    #[test]
    fn junit_structure() {
        let xml = junit(&results()).unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="tracekit" tests="2" skipped="0" failures="1" errors="0">
    <testsuite name="tracekit gate" tests="2" skipped="0" errors="0" failures="1">
        <testcase name="checkout in every trace" classname="tracekit.gate.coverage"/>
        <testcase name="entry: p99(duration) &lt; 300ms" classname="tracekit.gate.budget">
            <failure message="measured 412ms, threshold &lt; 300ms" type="budget">example traces: 000000000000000000000000000000ab, 000000000000000000000000000000cd</failure>
        </testcase>
    </testsuite>
</testsuites>
"#;
        assert_eq!(xml, expected);
    }

    #[test]
    fn github_structure() {
        let a = github_annotations(&results());
        assert_eq!(
            a,
            vec![
                "::error title=tracekit gate (budget)::entry: p99(duration) < 300ms: measured 412ms, threshold < 300ms (e.g. trace 000000000000000000000000000000ab, 000000000000000000000000000000cd)"
                    .to_string()
            ]
        );
        let s = github_summary(&results());
        assert!(s.starts_with("### tracekit gate: 1 of 2 failed\n\n| | kind | assertion | measured | threshold |\n|---|---|---|---|---|\n"), "{s}");
        assert!(s.contains("| ✅ | coverage | checkout in every trace | 100.00% (4 of 4 traces) | ≥ 100.00% |\n"), "{s}");
        assert!(
            s.contains("| ❌ | budget | entry: p99(duration) < 300ms | 412ms | < 300ms |\n"),
            "{s}"
        );
    }
}
