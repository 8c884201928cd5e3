//! STUB (lint helper): attribute and span-name cardinality.
use super::rules::RuleInfo;

pub fn rule_infos() -> Vec<RuleInfo> {
    Vec::new()
}
