//! STUB (lint helper): PII detection.
use super::rules::RuleInfo;

pub fn rule_infos() -> Vec<RuleInfo> {
    Vec::new()
}
