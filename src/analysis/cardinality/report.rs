//! Cardinality findings, the JSON table (every key with its distinct count) and the text lines.

use serde_json::{Value as J, json};

use super::{CardAcc, CardinalityCheck, KeyStats, METHOD, Scope, expected_high_cardinality};
use crate::analysis::findings::Finding;
use crate::analysis::pii::config::LintConfig;
use crate::analysis::pii::scan::Scanner;

pub struct CardReport {
    pub findings: Vec<Finding>,
    pub json: J,
    pub text: Vec<String>,
}

/// Rows shown per section in the text view (the JSON has all of them).
const TEXT_ROWS: usize = 15;

fn count_str(n: u64, exact: bool) -> String {
    if exact {
        n.to_string()
    } else {
        format!("~{n}")
    }
}

/// Build findings and tables. `limit` is `--max-cardinality`.
pub fn report(acc: &CardAcc, limit: usize, cfg: &LintConfig, scanner: &Scanner) -> CardReport {
    let red = |s: &str| scanner.redact(s).into_owned();
    let mut findings = Vec::new();
    let (attr_rule, name_rule) = (
        CardinalityCheck::Attribute.rule(),
        CardinalityCheck::SpanName.rule(),
    );
    let (attr_id, name_id) = (attr_rule.id, name_rule.id);
    let attr_on = !cfg.is_disabled(attr_id);
    let name_on = !cfg.is_disabled(name_id);
    let attr_sev = cfg.severity_of(attr_id, attr_rule.severity);
    let name_sev = cfg.severity_of(name_id, name_rule.severity);

    let mut rows: Vec<(Scope, &str, &KeyStats)> = Vec::new();
    for (i, scope) in [Scope::Span, Scope::Resource, Scope::Event]
        .into_iter()
        .enumerate()
    {
        for (k, s) in &acc.attrs[i] {
            rows.push((scope, k, s));
        }
    }
    rows.sort_by(|a, b| {
        b.2.distinct
            .count()
            .cmp(&a.2.distinct_count())
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(b.1))
    });
    let mut attrs_json = Vec::new();
    let mut text = Vec::new();
    for &(scope, key, s) in &rows {
        let distinct = s.distinct_count();
        let exact = s.distinct.is_exact();
        let expected = expected_high_cardinality(key) || cfg.is_expected_key(key);
        let over = distinct > limit as u64;
        let id_like = s.id_like * 2 >= s.occurrences && s.occurrences > 0;
        let mut examples: Vec<&str> = Vec::new();
        for e in &s.examples {
            if !e.1.is_empty() && !examples.contains(&e.1.as_str()) {
                examples.push(&e.1);
            }
        }
        let services: Vec<String> = s.services.iter().map(|x| red(x)).collect();
        let rkey = red(key);
        attrs_json.push(json!({
            "scope": scope.as_str(), "key": rkey, "distinct": distinct, "exact": exact,
            "occurrences": s.occurrences, "over_limit": over, "expected_high_cardinality": expected,
            "values_look_like_ids": id_like, "examples": examples, "services": services,
        }));
        let first_service = s.services.first().map(|x| &**x).unwrap_or("");
        if over && !expected && attr_on && !cfg.allows(attr_id, first_service, Some(key), "", "") {
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
            let mut f = Finding::new(
                attr_id,
                attr_sev,
                format!(
                    "{} attribute `{rkey}` has {bound} distinct values (limit {limit}){hint}, e.g. {}",
                    scope.as_str(),
                    examples.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .detail("attribute", rkey.clone())
            .detail("kind", scope.as_str())
            .detail("distinct", distinct)
            .detail("exact", exact)
            .detail("limit", limit as u64)
            .detail("examples", examples.clone())
            .detail("services", services.clone());
            if let Some((t, sp)) = s.first {
                f = f.at(t, Some(sp));
            }
            findings.push(f);
        }
    }
    if !rows.is_empty() {
        text.push(format!(
            "Attribute cardinality (limit {limit}; {} keys; `~` = estimated):",
            rows.len()
        ));
        text.push(format!(
            "  {:<9} {:<44} {:>9} {:>10}  note",
            "scope", "key", "distinct", "spans"
        ));
        for &(scope, key, s) in rows.iter().take(TEXT_ROWS) {
            let note = if expected_high_cardinality(key) || cfg.is_expected_key(key) {
                "unique by design"
            } else if s.distinct_count() > limit as u64 {
                "OVER LIMIT"
            } else {
                ""
            };
            text.push(format!(
                "  {:<9} {:<44} {:>9} {:>10}  {note}",
                scope.as_str(),
                red(key),
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

    let mut services: Vec<_> = acc.names.iter().collect();
    services.sort_by(|a, b| {
        b.1.distinct
            .count()
            .cmp(&a.1.distinct_count())
            .then(a.0.cmp(b.0))
    });
    let mut names_json = Vec::new();
    if !services.is_empty() {
        text.push(format!("Span names per service (limit {limit}):"));
    }
    for (svc, n) in services {
        let rsvc = red(svc);
        let distinct = n.distinct_count();
        let exact = n.distinct.is_exact();
        let mut tpls: Vec<_> = n.templates.iter().collect();
        tpls.sort_by(|a, b| {
            b.names
                .count()
                .cmp(&a.distinct_count())
                .then(b.spans.cmp(&a.spans))
                .then(a.template.cmp(&b.template))
        });
        let mut tj = Vec::new();
        let mut embedded = 0;
        for t in &tpls {
            let ids = t.templated && (t.strong || t.distinct_count() >= 2);
            let tname = red(&t.template);
            if ids {
                embedded += 1;
            }
            if tj.len() < 50 {
                tj.push(
                    json!({"template": tname, "distinct_names": t.distinct_count(), "spans": t.spans,
                    "embeds_ids": ids, "example": t.example}),
                );
            }
            if ids && name_on && !cfg.allows(name_id, svc, None, &t.template, &t.template) {
                let mut f = Finding::new(
                    name_id,
                    name_sev,
                    format!(
                        "span names of service `{rsvc}` embed ids: {} distinct name(s) like `{}`; name the span `{tname}` and put the id in an attribute",
                        count_str(t.distinct_count(), t.names.is_exact()),
                        t.example
                    ),
                )
                .detail("kind", "embedded-id")
                .detail("template", tname.clone())
                .detail("distinct_names", t.distinct_count())
                .detail("spans", t.spans)
                .detail("example", t.example.clone());
                f.service = Some(rsvc.clone());
                f.operation = Some(tname.clone());
                if let Some((tr, sp)) = t.first {
                    f = f.at(tr, Some(sp));
                }
                findings.push(f);
            }
        }
        let over = distinct > limit as u64;
        if over && name_on && !cfg.allows(name_id, svc, None, "", "") {
            let mut f = Finding::new(
                name_id,
                name_sev,
                format!(
                    "service `{rsvc}` has {} distinct span names (limit {limit}); {} template(s) after replacing ids",
                    count_str(distinct, exact),
                    n.templates.len()
                ),
            )
            .detail("kind", "too-many-names")
            .detail("distinct", distinct)
            .detail("exact", exact)
            .detail("templates", n.templates.len() as u64)
            .detail("limit", limit as u64);
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
        for t in tpls
            .iter()
            .filter(|t| t.templated && (t.strong || t.distinct_count() >= 2))
            .take(5)
        {
            text.push(format!(
                "      {} ← {} name(s), e.g. {}",
                red(&t.template),
                count_str(t.distinct_count(), t.names.is_exact()),
                t.example
            ));
        }
        names_json.push(json!({"service": rsvc, "distinct": distinct, "exact": exact, "spans": n.spans,
            "over_limit": over, "templates_with_ids": embedded, "untemplated_spans": n.other_spans, "templates": tj}));
    }
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
