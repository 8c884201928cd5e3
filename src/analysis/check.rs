//! Completeness and timing rules per trace (`check`).
use super::findings::Severity;
use super::rules::RuleInfo;

pub fn rule_infos() -> Vec<RuleInfo> {
    vec![RuleInfo::new("completeness/orphan-span", Severity::Warning, "a span whose parent is not in the trace", "")]
}
