//! JUnit XML: one test case per rule that was checked; a rule with findings at or above
//! `--fail-on` fails, listing its findings.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::analysis::findings::{FailOn, Finding};
use crate::analysis::rules::Rule;

const MAX_LISTED: usize = 100;

pub fn document(
    command: &str,
    findings: &[Finding],
    rules: &[&Rule],
    fail_on: FailOn,
) -> Result<String, String> {
    let mut suite = TestSuite::new(format!("tracekit {command}"));
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    for f in findings {
        if !ids.contains(&f.rule.as_str()) {
            ids.push(&f.rule);
        }
    }
    ids.sort_unstable();
    for id in ids {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == id).collect();
        let failing = mine.iter().any(|f| fail_on.fails(f.severity));
        let mut status = if failing {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{} finding(s): {}", mine.len(), mine[0].message));
            s.set_type(
                mine.iter()
                    .map(|f| f.severity)
                    .max()
                    .map(|s| s.as_str())
                    .unwrap_or("error"),
            );
            s
        } else {
            TestCaseStatus::success()
        };
        if failing {
            let mut body = String::new();
            for f in mine.iter().take(MAX_LISTED) {
                let t = f
                    .trace_id
                    .map(|t| format!("trace {t} "))
                    .unwrap_or_default();
                let s = f.span_id.map(|s| format!("span {s} ")).unwrap_or_default();
                body.push_str(&format!("{}: {t}{s}{}\n", f.severity, f.message));
            }
            if mine.len() > MAX_LISTED {
                body.push_str(&format!("… and {} more\n", mine.len() - MAX_LISTED));
            }
            status.set_description(body);
        }
        let mut case = TestCase::new(id, status);
        case.set_classname(format!("tracekit.{command}"));
        if !failing && !mine.is_empty() {
            case.set_system_out(format!("{} finding(s) below --fail-on", mine.len()));
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("tracekit");
    report.add_test_suite(suite);
    report.to_string().map_err(|e| e.to_string())
}
