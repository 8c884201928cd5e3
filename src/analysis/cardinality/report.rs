//! Cardinality findings, the JSON table (every key with its distinct count) and the text lines.

use serde_json::{Value as J, json};

use super::names::{NameStats, Template};
use super::{CardAcc, CardinalityCheck, KeyStats, METHOD, Scope, expected_high_cardinality};
use crate::analysis::findings::{Finding, Severity};
use crate::analysis::pii::config::LintConfig;
use crate::analysis::pii::scan::Scanner;

pub struct CardReport {
    pub findings: Vec<Finding>,
    pub json: J,
    pub text: Vec<String>,
}

/// Rows shown per section in the text view (the JSON has all of them).
const TEXT_ROWS: usize = 15;
/// Templates kept per service in the JSON.
const JSON_TEMPLATES: usize = 50;
/// Templates listed under a service in the text view.
const TEXT_TEMPLATES: usize = 5;

fn count_str(n: u64, exact: bool) -> String {
    if exact {
        n.to_string()
    } else {
        format!("~{n}")
    }
}

/// Build findings and tables. `limit` is `--max-cardinality`.
pub fn report(acc: &CardAcc, limit: usize, cfg: &LintConfig, scanner: &Scanner) -> CardReport {
    let cx = Context::new(limit, cfg, scanner);
    let mut findings = Vec::new();
    let mut text = Vec::new();
    let rows = attribute_rows(acc);
    let attrs_json: Vec<J> = rows
        .iter()
        .map(|row| cx.attribute(row, &mut findings))
        .collect();
    cx.attribute_text(&rows, &mut text);
    let names_json = cx.span_names(acc, &mut findings, &mut text);
    let json = json!({
        "method": METHOD,
        "limit": limit,
        "attributes": attrs_json,
        "untracked_keys": {"span": acc.untracked_keys[0], "resource": acc.untracked_keys[1], "event": acc.untracked_keys[2]},
        "span_names": names_json,
        "untracked_service_spans": acc.untracked_services,
    });
    CardReport {
        findings,
        json,
        text,
    }
}

/// One attribute key of one scope.
struct Row<'a> {
    scope: Scope,
    key: &'a str,
    stats: &'a KeyStats,
}

/// Every key of every scope, most distinct values first.
fn attribute_rows(acc: &CardAcc) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for (i, scope) in [Scope::Span, Scope::Resource, Scope::Event]
        .into_iter()
        .enumerate()
    {
        for (key, stats) in &acc.attrs[i] {
            rows.push(Row { scope, key, stats });
        }
    }
    rows.sort_by(|a, b| {
        b.stats
            .distinct
            .count()
            .cmp(&a.stats.distinct_count())
            .then(a.scope.cmp(&b.scope))
            .then(a.key.cmp(b.key))
    });
    rows
}

/// The settings every row is judged with.
struct Context<'a> {
    limit: usize,
    cfg: &'a LintConfig,
    scanner: &'a Scanner,
    attr: RuleState,
    name: RuleState,
}

struct RuleState {
    id: &'static str,
    on: bool,
    severity: Severity,
}

impl RuleState {
    fn of(check: CardinalityCheck, cfg: &LintConfig) -> Self {
        let rule = check.rule();
        RuleState {
            id: rule.id,
            on: !cfg.is_disabled(rule.id),
            severity: cfg.severity_of(rule.id, rule.severity),
        }
    }
}

/// Why a key is expected to be unique: its name, or the config's `expected` list.
enum Expected {
    ByName(&'static str),
    ByConfig,
}

impl<'a> Context<'a> {
    fn new(limit: usize, cfg: &'a LintConfig, scanner: &'a Scanner) -> Self {
        Context {
            limit,
            cfg,
            scanner,
            attr: RuleState::of(CardinalityCheck::Attribute, cfg),
            name: RuleState::of(CardinalityCheck::SpanName, cfg),
        }
    }

    fn red(&self, s: &str) -> String {
        self.scanner.redact(s).into_owned()
    }

    fn over(&self, distinct: u64) -> bool {
        distinct > self.limit as u64
    }

    fn expected(&self, key: &str) -> Option<Expected> {
        if self.cfg.is_expected_key(key) {
            Some(Expected::ByConfig)
        } else {
            expected_high_cardinality(key).map(Expected::ByName)
        }
    }

    /// The JSON row of one key, and its finding when it is over the limit. A key expected by
    /// its name is still reported, as a note that says why; one the config lists is not.
    fn attribute(&self, row: &Row<'_>, findings: &mut Vec<Finding>) -> J {
        let s = row.stats;
        let distinct = s.distinct_count();
        let exact = s.distinct.is_exact();
        let expected = self.expected(row.key);
        let over = self.over(distinct);
        let id_like = s.id_like * 2 >= s.occurrences && s.occurrences > 0;
        let mut examples: Vec<&str> = Vec::new();
        for e in &s.examples {
            if !e.1.is_empty() && !examples.contains(&e.1.as_str()) {
                examples.push(&e.1);
            }
        }
        let services: Vec<String> = s.services.iter().map(|x| self.red(x)).collect();
        let rkey = self.red(row.key);
        let first_service = s.services.first().map(|x| &**x).unwrap_or("");
        let reported = over
            && self.attr.on
            && !matches!(expected, Some(Expected::ByConfig))
            && !self
                .cfg
                .allows(self.attr.id, first_service, Some(row.key), "", "");
        if reported {
            let bound = if exact {
                format!("{distinct}")
            } else {
                format!("about {distinct}")
            };
            let hint = if id_like {
                "; the values look like ids"
            } else {
                ""
            };
            let (severity, why) = match expected {
                Some(Expected::ByName(reason)) => (
                    Severity::Note,
                    format!(
                        "; expected, as {reason}, and still a cost as a metric label or index key"
                    ),
                ),
                _ => (self.attr.severity, String::new()),
            };
            let shown = examples
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>();
            let mut f = Finding::new(
                self.attr.id,
                severity,
                format!(
                    "{} attribute `{rkey}` has {bound} distinct values (limit {}){hint}{why}, e.g. {}",
                    row.scope.as_str(),
                    self.limit,
                    shown.join(", ")
                ),
            )
            .detail("attribute", rkey.clone())
            .detail("kind", row.scope.as_str())
            .detail("distinct", distinct)
            .detail("exact", exact)
            .detail("limit", self.limit as u64)
            .detail("expected_high_cardinality", expected.is_some())
            .detail("examples", examples.clone())
            .detail("services", services.clone());
            if let Some((t, sp)) = s.first {
                f = f.at(t, Some(sp));
            }
            findings.push(f);
        }
        json!({
            "scope": row.scope.as_str(), "key": rkey, "distinct": distinct, "exact": exact,
            "occurrences": s.occurrences, "over_limit": over, "expected_high_cardinality": expected.is_some(),
            "values_look_like_ids": id_like, "examples": examples, "services": services,
        })
    }

    fn attribute_text(&self, rows: &[Row<'_>], text: &mut Vec<String>) {
        if rows.is_empty() {
            return;
        }
        text.push(format!(
            "Attribute cardinality (limit {}; {} keys; `~` = estimated):",
            self.limit,
            rows.len()
        ));
        text.push(format!(
            "  {:<9} {:<44} {:>9} {:>10}  note",
            "scope", "key", "distinct", "spans"
        ));
        for row in rows.iter().take(TEXT_ROWS) {
            let s = row.stats;
            let over = self.over(s.distinct_count());
            let note = match (self.expected(row.key), over) {
                (Some(Expected::ByName(_)), true) => "over limit, unique by design",
                (Some(_), _) => "unique by design",
                (None, true) => "OVER LIMIT",
                (None, false) => "",
            };
            text.push(format!(
                "  {:<9} {:<44} {:>9} {:>10}  {note}",
                row.scope.as_str(),
                self.red(row.key),
                count_str(s.distinct_count(), s.distinct.is_exact()),
                s.occurrences
            ));
        }
        if rows.len() > TEXT_ROWS {
            text.push(format!(
                "  … {} more keys in --format json",
                rows.len() - TEXT_ROWS
            ));
        }
    }

    /// Span names per service: the JSON rows, the findings and the text lines.
    fn span_names(
        &self,
        acc: &CardAcc,
        findings: &mut Vec<Finding>,
        text: &mut Vec<String>,
    ) -> Vec<J> {
        let mut services: Vec<_> = acc.names.iter().collect();
        services.sort_by(|a, b| {
            b.1.distinct
                .count()
                .cmp(&a.1.distinct_count())
                .then(a.0.cmp(b.0))
        });
        if !services.is_empty() {
            text.push(format!("Span names per service (limit {}):", self.limit));
        }
        services
            .into_iter()
            .map(|(svc, n)| self.service_names(svc, n, findings, text))
            .collect()
    }

    fn service_names(
        &self,
        svc: &str,
        n: &NameStats,
        findings: &mut Vec<Finding>,
        text: &mut Vec<String>,
    ) -> J {
        let rsvc = self.red(svc);
        let distinct = n.distinct_count();
        let exact = n.distinct.is_exact();
        let mut tpls: Vec<&Template> = n.templates.iter().collect();
        tpls.sort_by(|a, b| {
            b.names
                .count()
                .cmp(&a.distinct_count())
                .then(b.spans.cmp(&a.spans))
                .then(a.template.cmp(&b.template))
        });
        let mut templates_json = Vec::new();
        let mut embedded = 0;
        for t in &tpls {
            let ids = embeds_ids(t);
            let tname = self.red(&t.template);
            embedded += usize::from(ids);
            if templates_json.len() < JSON_TEMPLATES {
                templates_json.push(
                    json!({"template": tname, "distinct_names": t.distinct_count(),
                    "spans": t.spans, "embeds_ids": ids, "example": t.example}),
                );
            }
            if ids
                && self.name.on
                && !self
                    .cfg
                    .allows(self.name.id, svc, None, &t.template, &t.template)
            {
                findings.push(self.embedded_id_finding(&rsvc, &tname, t));
            }
        }
        let over = self.over(distinct);
        if over && self.name.on && !self.cfg.allows(self.name.id, svc, None, "", "") {
            let mut f = Finding::new(
                self.name.id,
                self.name.severity,
                format!(
                    "service `{rsvc}` has {} distinct span names (limit {}); {} template(s) after replacing ids",
                    count_str(distinct, exact),
                    self.limit,
                    n.templates.len()
                ),
            )
            .detail("kind", "too-many-names")
            .detail("distinct", distinct)
            .detail("exact", exact)
            .detail("templates", n.templates.len() as u64)
            .detail("limit", self.limit as u64);
            f.service = Some(rsvc.clone());
            if let Some((tr, sp)) = tpls.first().and_then(|t| t.first) {
                f = f.at(tr, Some(sp));
            }
            findings.push(f);
        }
        text.push(format!(
            "  {:<30} {:>9} names {:>10} spans  {}",
            rsvc,
            count_str(distinct, exact),
            n.spans,
            if over {
                "OVER LIMIT"
            } else if embedded > 0 {
                "names embed ids"
            } else {
                ""
            }
        ));
        for t in tpls.iter().filter(|t| embeds_ids(t)).take(TEXT_TEMPLATES) {
            text.push(format!(
                "      {} ← {} name(s), e.g. {}",
                self.red(&t.template),
                count_str(t.distinct_count(), t.names.is_exact()),
                t.example
            ));
        }
        json!({"service": rsvc, "distinct": distinct, "exact": exact, "spans": n.spans,
            "over_limit": over, "templates_with_ids": embedded, "untemplated_spans": n.other_spans,
            "templates": templates_json})
    }

    fn embedded_id_finding(&self, rsvc: &str, tname: &str, t: &Template) -> Finding {
        let mut f = Finding::new(
            self.name.id,
            self.name.severity,
            format!(
                "span names of service `{rsvc}` embed ids: {} distinct name(s) like `{}`; name the span `{tname}` and put the id in an attribute",
                count_str(t.distinct_count(), t.names.is_exact()),
                t.example
            ),
        )
        .detail("kind", "embedded-id")
        .detail("template", tname)
        .detail("distinct_names", t.distinct_count())
        .detail("spans", t.spans)
        .detail("example", t.example.clone());
        f.service = Some(rsvc.to_string());
        f.operation = Some(tname.to_string());
        if let Some((tr, sp)) = t.first {
            f = f.at(tr, Some(sp));
        }
        f
    }
}

/// A template whose names carry ids: surely (a path segment, a UUID…) or seen twice.
fn embeds_ids(t: &Template) -> bool {
    t.templated && (t.strong || t.distinct_count() >= 2)
}
