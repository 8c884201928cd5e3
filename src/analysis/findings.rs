//! Findings: what `check`, `lint` and `gate` report (SPEC "Rules and findings").

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::model::{SpanId, TraceId};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--fail-on`: the lowest severity that makes the run fail (exit 1).
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s >= Severity::Error,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

/// One finding. `location` names where it is without ids (service, operation, attribute key),
/// so that fingerprints (SARIF) stay stable across runs and traces.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    pub message: String,
    pub service: Option<String>,
    pub operation: Option<String>,
    /// Rule-specific facts for JSON output (e.g. the masked value, the offset bounds).
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl Finding {
    pub fn new(rule: &str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            trace_id: None,
            span_id: None,
            message: message.into(),
            service: None,
            operation: None,
            details: serde_json::Map::new(),
        }
    }

    pub fn at(mut self, trace: TraceId, span: Option<SpanId>) -> Self {
        self.trace_id = Some(trace);
        self.span_id = span;
        self
    }

    pub fn on(mut self, service: &str, operation: &str) -> Self {
        self.service = Some(service.to_string());
        self.operation = Some(operation.to_string());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    /// Rule plus the id-free location: the same problem in another trace gets the same value.
    pub fn fingerprint_key(&self) -> String {
        let mut k = format!(
            "{}|{}|{}",
            self.rule,
            self.service.as_deref().unwrap_or(""),
            self.operation.as_deref().unwrap_or("")
        );
        for key in ["attribute", "pair", "kind", "expected"] {
            if let Some(v) = self.details.get(key) {
                k.push('|');
                k.push_str(&v.to_string());
            }
        }
        k
    }
}

/// How often one rule fired, as counts and rates (so trends are visible: "orphan spans in 3.1%
/// of traces").
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSummary {
    pub rule: String,
    pub severity: Severity,
    pub findings: u64,
    pub traces_affected: u64,
    pub spans_affected: u64,
}

/// Worst severity, findings, traces and spans seen for one rule.
type RuleTally = (Severity, u64, HashSet<TraceId>, HashSet<(TraceId, SpanId)>);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub traces: u64,
    pub spans: u64,
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    pub rules: Vec<RuleSummary>,
}

impl Summary {
    pub fn build(findings: &[Finding], traces: u64, spans: u64) -> Self {
        let mut s = Summary {
            traces,
            spans,
            ..Summary::default()
        };
        let mut per: BTreeMap<&str, RuleTally> = BTreeMap::new();
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
            let e = per
                .entry(&f.rule)
                .or_insert((f.severity, 0, HashSet::new(), HashSet::new()));
            e.0 = e.0.max(f.severity);
            e.1 += 1;
            if let Some(t) = f.trace_id {
                e.2.insert(t);
                if let Some(sp) = f.span_id {
                    e.3.insert((t, sp));
                }
            }
        }
        s.rules = per
            .into_iter()
            .map(|(rule, (sev, n, t, sp))| RuleSummary {
                rule: rule.to_string(),
                severity: sev,
                findings: n,
                traces_affected: t.len() as u64,
                spans_affected: sp.len() as u64,
            })
            .collect();
        s
    }

    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.notes > 0 {
            Some(Severity::Note)
        } else {
            None
        }
    }
}

/// FNV-1a 64: a stable hash for fingerprints (the std hasher is randomly seeded per process).
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_and_summary() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(!FailOn::Never.fails(Severity::Error));
        let f = vec![
            Finding::new("a/x", Severity::Warning, "m").at(TraceId(1), Some(SpanId(1))),
            Finding::new("a/x", Severity::Warning, "m").at(TraceId(1), Some(SpanId(2))),
            Finding::new("a/x", Severity::Warning, "m").at(TraceId(2), Some(SpanId(1))),
            Finding::new("b/y", Severity::Error, "m").at(TraceId(2), None),
        ];
        let s = Summary::build(&f, 10, 100);
        assert_eq!((s.errors, s.warnings, s.notes), (1, 3, 0));
        assert_eq!(s.rules[0].traces_affected, 2);
        assert_eq!(s.rules[0].spans_affected, 3);
        assert_eq!(s.worst(), Some(Severity::Error));
        // Fingerprints ignore ids.
        let a = Finding::new("r/x", Severity::Note, "m")
            .at(TraceId(1), Some(SpanId(1)))
            .on("svc", "op");
        let b = Finding::new("r/x", Severity::Note, "other")
            .at(TraceId(9), Some(SpanId(9)))
            .on("svc", "op");
        assert_eq!(
            stable_hash(&a.fingerprint_key()),
            stable_hash(&b.fingerprint_key())
        );
    }
}
