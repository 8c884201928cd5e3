//! Findings for people (grouped per rule, with rates) and as JSON (tracekit.<command>/v1).

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::analysis::findings::{Finding, Severity, Summary};
use crate::term::escape;
use crate::term::style::{Styles, sgr};

/// One finding: the fixed fields, then the rule's own facts (`details`: the masked value, the
/// offset bounds, …), whose keys are free (`additionalProperties`).
#[derive(Serialize, JsonSchema)]
pub struct FindingDoc {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[schemars(extend("enum" = ["error", "warning", "note"]))]
    pub severity: &'static str,
    pub span_id: Option<String>,
    pub trace_id: Option<String>,
    /// Rule-specific facts.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

pub fn finding_doc(f: &Finding) -> FindingDoc {
    // A detail never replaces a fixed field (nor service/operation when they are set).
    let fixed = |k: &str| match k {
        "rule" | "severity" | "trace_id" | "span_id" | "message" => true,
        "service" => f.service.is_some(),
        "operation" => f.operation.is_some(),
        _ => false,
    };
    FindingDoc {
        message: f.message.clone(),
        operation: f.operation.clone(),
        rule: f.rule.clone(),
        service: f.service.clone(),
        severity: f.severity.as_str(),
        span_id: f.span_id.map(|s| s.to_string()),
        trace_id: f.trace_id.map(|t| t.to_string()),
        details: f
            .details
            .iter()
            .filter(|(k, _)| !fixed(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

pub fn finding_json(f: &Finding) -> Value {
    super::doc::to_value(&finding_doc(f))
}

/// Totals, and per rule the findings and the share of traces and spans affected.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryDoc {
    pub errors: u64,
    pub notes: u64,
    pub rules: Vec<RuleSummaryDoc>,
    pub spans: u64,
    pub traces: u64,
    pub warnings: u64,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSummaryDoc {
    pub findings: u64,
    pub rule: String,
    #[schemars(extend("enum" = ["error", "warning", "note"]))]
    pub severity: &'static str,
    pub span_rate: f64,
    pub spans_affected: u64,
    pub trace_rate: f64,
    pub traces_affected: u64,
}

pub fn summary_doc(s: &Summary) -> SummaryDoc {
    let rate = |n: u64, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    SummaryDoc {
        errors: s.errors,
        notes: s.notes,
        rules: s
            .rules
            .iter()
            .map(|r| RuleSummaryDoc {
                findings: r.findings,
                rule: r.rule.clone(),
                severity: r.severity.as_str(),
                span_rate: rate(r.spans_affected, s.spans),
                spans_affected: r.spans_affected,
                trace_rate: rate(r.traces_affected, s.traces),
                traces_affected: r.traces_affected,
            })
            .collect(),
        spans: s.spans,
        traces: s.traces,
        warnings: s.warnings,
    }
}

pub fn summary_json(s: &Summary) -> Value {
    super::doc::to_value(&summary_doc(s))
}

/// The `schema` tag of a findings document, one type per command so that the schema of each
/// constrains it to its own string.
pub trait FindingsTag: Serialize + JsonSchema + Default {}

macro_rules! findings_tag {
    ($name:ident, $tag:literal) => {
        #[derive(Default)]
        pub struct $name;
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($tag)
            }
        }
        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({"type": "string", "const": $tag})
            }
        }
        impl FindingsTag for $name {}
    };
}
findings_tag!(CheckTag, "tracekit.check/v1");
findings_tag!(LintTag, "tracekit.lint/v1");

/// `tracekit.check/v1` and `tracekit.lint/v1`: findings and their summary, plus the command's
/// own sections (lint: `cardinality`, `pii`, `custom_rules`), kept as free-form values.
#[derive(Serialize, JsonSchema)]
pub struct FindingsDoc<T: FindingsTag> {
    pub findings: Vec<FindingDoc>,
    pub schema: T,
    pub summary: SummaryDoc,
    /// The command's own sections.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

pub type CheckDoc = FindingsDoc<CheckTag>;
pub type LintDoc = FindingsDoc<LintTag>;

/// The document of `command` (check or lint), to serialize: the same bytes as the
/// [`FindingsDoc`] written through a `Value`, but each finding is turned into its JSON value
/// only as it is written, so a run with very many findings holds them once, not three times.
pub fn document<'a>(
    command: &str,
    findings: &'a [Finding],
    summary: &Summary,
    extra: &Map<String, Value>,
) -> StreamedDoc<'a> {
    let schema = match command {
        "lint" => super::doc::to_value(&LintTag),
        "check" => super::doc::to_value(&CheckTag),
        other => unreachable!("no findings document for {other}"),
    };
    let mut rest: Map<String, Value> = extra
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "schema" | "findings" | "summary"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    rest.insert("schema".into(), schema);
    rest.insert(
        "summary".into(),
        super::doc::to_value(&summary_doc(summary)),
    );
    StreamedDoc { findings, rest }
}

/// A findings document: its `findings` written one at a time, its other (small) sections as
/// values. Keys in sorted order, as a `Value` writes them.
pub struct StreamedDoc<'a> {
    findings: &'a [Finding],
    rest: Map<String, Value>,
}

struct FindingSeq<'a>(&'a [Finding]);

impl Serialize for FindingSeq<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            seq.serialize_element(&super::doc::to_value(&finding_doc(f)))?;
        }
        seq.end()
    }
}

impl Serialize for StreamedDoc<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut keys: Vec<&str> = self.rest.keys().map(String::as_str).collect();
        keys.push("findings");
        keys.sort_unstable();
        let mut map = s.serialize_map(Some(keys.len()))?;
        for k in keys {
            match k {
                "findings" => map.serialize_entry(k, &FindingSeq(self.findings))?,
                _ => map.serialize_entry(k, &self.rest[k])?,
            }
        }
        map.end()
    }
}

fn label(sev: Severity, color: bool) -> String {
    let s = format!("{:<7}", sev.as_str());
    let code = match sev {
        Severity::Error => sgr::ERROR_BOLD,
        Severity::Warning => sgr::WARN_BOLD,
        Severity::Note => sgr::NOTE,
    };
    Styles::new(color).painted(code, &s)
}

fn pct(n: u64, of: u64) -> String {
    if of == 0 {
        "0%".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / of as f64)
    }
}

/// Findings grouped per rule (worst severity first), at most `max_per_rule` lines each, then the
/// per-rule rates and the totals.
pub fn write_table(
    findings: &[Finding],
    summary: &Summary,
    max_per_rule: usize,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(&f.rule).or_default().push(f);
    }
    let mut rules: Vec<_> = summary.rules.iter().collect();
    rules.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
    for r in &rules {
        let list = by_rule
            .get(r.rule.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut head = format!(
            "{} {}  {} finding(s)",
            label(r.severity, color),
            r.rule,
            r.findings
        );
        if r.traces_affected > 0 {
            head.push_str(&format!(
                " in {} of {} traces ({})",
                r.traces_affected,
                summary.traces,
                pct(r.traces_affected, summary.traces)
            ));
        }
        if r.spans_affected > 0 {
            head.push_str(&format!(
                ", {} spans ({})",
                r.spans_affected,
                pct(r.spans_affected, summary.spans)
            ));
        }
        writeln!(out, "{head}")?;
        for f in list.iter().take(max_per_rule) {
            let mut loc = String::new();
            if let Some(t) = f.trace_id {
                loc.push_str(&format!("trace {t}"));
            }
            if let Some(s) = f.span_id {
                loc.push_str(&format!(" span {s}"));
            }
            if let (Some(svc), Some(op)) = (&f.service, &f.operation) {
                loc.push_str(&format!(" {} {}", escape(svc), escape(op)));
            } else if let Some(svc) = &f.service {
                loc.push_str(&format!(" {}", escape(svc)));
            }
            let loc = loc.trim();
            // A rule's findings can be of lower severity than its header (an expected
            // high-cardinality key is a note): say so on the line.
            let sev = if f.severity == r.severity {
                String::new()
            } else {
                format!("{}: ", f.severity.as_str())
            };
            if loc.is_empty() {
                writeln!(out, "  {sev}{}", escape(&f.message))?;
            } else {
                writeln!(out, "  {sev}{loc}: {}", escape(&f.message))?;
            }
        }
        if list.len() > max_per_rule {
            writeln!(
                out,
                "  … and {} more (all of them with --format json)",
                list.len() - max_per_rule
            )?;
        }
    }
    let verdict = format!(
        "{} trace(s), {} span(s): {} error(s), {} warning(s), {} note(s)",
        summary.traces, summary.spans, summary.errors, summary.warnings, summary.notes
    );
    if !rules.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{verdict}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SpanId, TraceId};
    use serde_json::json;

    /// The document as it was written before findings were streamed: one `Value`.
    fn whole<T: FindingsTag>(
        findings: &[Finding],
        summary: &Summary,
        extra: &Map<String, Value>,
    ) -> String {
        let doc = super::super::doc::to_value(&FindingsDoc {
            findings: findings.iter().map(finding_doc).collect(),
            schema: T::default(),
            summary: summary_doc(summary),
            extra: extra
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "schema" | "findings" | "summary"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
        serde_json::to_string_pretty(&doc).unwrap()
    }

    #[test]
    fn streamed_documents_are_the_bytes_of_whole_ones() {
        let findings: Vec<Finding> = (0..5u64)
            .map(|i| {
                Finding::new(
                    "timing/child-outside-parent",
                    Severity::Warning,
                    format!("late by {i}ms → \"x\""),
                )
                .at(TraceId(u128::from(i) << 70 | 9), Some(SpanId(i + 1)))
                .on("payment", "POST /charges")
                .detail("early_ns", i * 1000)
                .detail("nested", json!({"b": [1, 2.5, null], "a": "z"}))
            })
            .collect();
        let mut extra = Map::new();
        extra.insert("pii".into(), json!({"values": 2, "keys": ["a", "b"]}));
        extra.insert(
            "cardinality".into(),
            json!([{"key": "user.id", "distinct": 12}]),
        );
        extra.insert("zeta".into(), json!(true));
        extra.insert("schema".into(), json!("ignored"));
        for fs in [&findings[..], &[]] {
            let s = Summary::build(fs, 3, 40);
            let got = serde_json::to_string_pretty(&document("lint", fs, &s, &extra)).unwrap();
            assert_eq!(got, whole::<LintTag>(fs, &s, &extra));
            let got =
                serde_json::to_string_pretty(&document("check", fs, &s, &Map::new())).unwrap();
            assert_eq!(got, whole::<CheckTag>(fs, &s, &Map::new()));
        }
    }
}
