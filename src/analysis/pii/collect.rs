//! Aggregation: one finding per (rule, service, location, attribute key) with a count and a few
//! examples, so that a million spans give a readable report.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use super::config::LintConfig;
use super::scan::{Hit, Scanner};
use super::{Location, RuleKey};
use crate::analysis::findings::{Finding, Severity};
use crate::model::{SpanId, TraceId};

/// Examples kept per group.
const EXAMPLES: usize = 3;
/// Groups kept; beyond, hits are only counted (a key space that embeds ids could be unbounded).
const MAX_GROUPS: usize = 100_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub rule: RuleKey,
    pub service: Arc<str>,
    pub location: Location,
    /// The attribute key (None for names and messages).
    pub key: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub trace: TraceId,
    pub span: SpanId,
    pub masked: String,
    pub operation: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub count: u64,
    pub examples: Vec<Example>,
    pub detail: Option<String>,
    /// A hit came from a non-string value (the redaction processor needs `redact_all_types`).
    pub non_string: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PiiAcc {
    pub groups: HashMap<GroupKey, Group>,
    pub overflow: u64,
    /// Values scanned (attributes, names, messages).
    pub scanned: u64,
}

/// The span a hit belongs to, with its safe (templated, masked) name.
pub struct At<'a> {
    pub trace: TraceId,
    pub span: SpanId,
    pub service: &'a Arc<str>,
    pub safe_name: &'a dyn Fn() -> String,
}

impl PiiAcc {
    pub fn add(
        &mut self,
        hit: &Hit,
        location: Location,
        key: Option<&Arc<str>>,
        at: &At<'_>,
        non_string: bool,
    ) {
        let gk = GroupKey {
            rule: hit.rule,
            service: at.service.clone(),
            location,
            key: key.cloned(),
        };
        let len = self.groups.len();
        let g = match self.groups.get_mut(&gk) {
            Some(g) => g,
            None if len >= MAX_GROUPS => {
                self.overflow += 1;
                return;
            }
            None => self.groups.entry(gk).or_default(),
        };
        g.count += 1;
        g.non_string |= non_string;
        if g.detail.is_none() {
            g.detail.clone_from(&hit.detail);
        }
        if g.examples.len() < EXAMPLES && !g.examples.iter().any(|e| e.masked == hit.masked) {
            g.examples.push(Example {
                trace: at.trace,
                span: at.span,
                masked: hit.masked.clone(),
                operation: (at.safe_name)(),
            });
        }
    }

    pub fn merge(&mut self, other: PiiAcc) {
        self.overflow += other.overflow;
        self.scanned += other.scanned;
        for (k, g) in other.groups {
            let len = self.groups.len();
            match self.groups.get_mut(&k) {
                Some(m) => {
                    m.count += g.count;
                    m.non_string |= g.non_string;
                    if m.detail.is_none() {
                        m.detail = g.detail;
                    }
                    for e in g.examples {
                        if m.examples.len() < EXAMPLES
                            && !m.examples.iter().any(|x| x.masked == e.masked)
                        {
                            m.examples.push(e);
                        }
                    }
                }
                None if len >= MAX_GROUPS => self.overflow += g.count,
                None => {
                    self.groups.insert(k, g);
                }
            }
        }
    }

    /// One finding per group, sorted by rule, service, location and key.
    pub fn findings(&self, cfg: &LintConfig, scanner: &Scanner) -> Vec<Finding> {
        let mut keys: Vec<&GroupKey> = self.groups.keys().collect();
        keys.sort();
        let mut out = Vec::with_capacity(keys.len());
        for gk in keys {
            let Some(g) = self.groups.get(gk) else {
                continue;
            };
            let (id, what, default) = match gk.rule {
                RuleKey::Builtin(r) => (r.id().to_string(), r.what().to_string(), r.severity()),
                RuleKey::Custom(i) => match cfg.custom.get(usize::from(i)) {
                    Some(c) => (c.id.clone(), format!("match of {}", c.id), c.severity),
                    None => continue,
                },
            };
            let severity = cfg.severity_of(&id, default);
            let service = scanner.redact(&gk.service).into_owned();
            let key = gk.key.as_ref().map(|k| scanner.redact(k).into_owned());
            let first = g.examples.first();
            let masked = first.map_or("", |e| e.masked.as_str());
            let place = match &key {
                Some(k) => format!("{} `{k}`", gk.location.describe()),
                None => gk.location.describe().to_string(),
            };
            let svc = if service.is_empty() {
                "unknown"
            } else {
                &service
            };
            let times = if g.count == 1 {
                "once".to_string()
            } else {
                format!("{} times", g.count)
            };
            let mut message = format!("{what} in {place} (service {svc}): {masked} — seen {times}");
            if gk.rule == RuleKey::Builtin(super::Kind::IpAddress) && g.detail.is_some() {
                message.push_str("; the attribute is meant for a client address: truncate or hash it if your policy treats IPs as personal data");
            }
            let examples: Vec<_> = g
                .examples
                .iter()
                .map(|e| json!({"trace_id": e.trace.to_string(), "span_id": e.span.to_string(), "value": e.masked, "operation": e.operation}))
                .collect();
            let mut f = Finding::new(&id, severity, message)
                .detail("kind", gk.location.as_str())
                .detail("masked", masked)
                .detail("count", g.count)
                .detail("examples", examples);
            if let Some(k) = key {
                f = f.detail("attribute", k);
            }
            if let Some(d) = &g.detail {
                f = f.detail("note", d.clone());
            }
            f.service = Some(service);
            if let Some(e) = first {
                f = f.at(e.trace, Some(e.span));
            }
            out.push(f);
        }
        out
    }
}

/// Severity of a rule key after config overrides (for the redaction config and tests).
pub fn severity_of(rule: RuleKey, cfg: &LintConfig) -> Severity {
    match rule {
        RuleKey::Builtin(r) => cfg.severity_of(r.id(), r.severity()),
        RuleKey::Custom(i) => cfg
            .custom
            .get(usize::from(i))
            .map_or(Severity::Warning, |c| c.severity),
    }
}
