//! The rule catalogue: every rule id with its default severity and help, for `--help`-like
//! listings, SARIF rule metadata and JUnit test names.

use super::findings::Severity;

#[derive(Clone, Debug, PartialEq)]
pub struct RuleInfo {
    pub id: String,
    pub severity: Severity,
    /// One line: what the finding means.
    pub summary: String,
    /// What to do about it.
    pub help: String,
}

impl RuleInfo {
    pub fn new(id: &str, severity: Severity, summary: &str, help: &str) -> Self {
        RuleInfo {
            id: id.into(),
            severity,
            summary: summary.into(),
            help: help.into(),
        }
    }
}

/// Every rule tracekit knows.
pub fn all_rules() -> Vec<RuleInfo> {
    let mut v = super::check::rule_infos();
    v.extend(super::cardinality::rule_infos());
    v.extend(super::pii::rule_infos());
    v
}

pub fn find(id: &str) -> Option<RuleInfo> {
    all_rules().into_iter().find(|r| r.id == id)
}

/// The rules a command evaluates (for JUnit: every checked rule is a test case).
pub fn rules_for(command: &str) -> Vec<RuleInfo> {
    let families: &[&str] = match command {
        "check" => &["completeness/", "timing/", "skew/"],
        "lint" => &["cardinality/", "pii/"],
        _ => &[],
    };
    all_rules()
        .into_iter()
        .filter(|r| families.iter().any(|f| r.id.starts_with(f)))
        .collect()
}
