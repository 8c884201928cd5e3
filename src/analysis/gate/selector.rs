//! Span selectors: service, operation (glob or regex), kind, status, attributes, position.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use crate::model::{Span, SpanKind, StatusCode};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectorSpec {
    /// Service name; `*` and `?` are wildcards.
    pub service: Option<String>,
    /// Operation (span name); `*` and `?` are wildcards.
    pub operation: Option<String>,
    /// Operation as a regular expression (instead of `operation`).
    pub operation_regex: Option<String>,
    /// server, client, producer, consumer, internal, unspecified.
    pub kind: Option<String>,
    /// ok, error, unset.
    pub status: Option<String>,
    /// Attributes that must be present (span or resource attributes).
    #[serde(default)]
    pub has_attributes: Vec<String>,
    /// Attributes that must have these values (compared as text).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// true: only root spans; false: only non-root spans.
    pub root: Option<bool>,
    /// The span's parent must match this other selector.
    pub child_of: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Selector {
    service: Option<Regex>,
    operation: Option<Regex>,
    kind: Option<SpanKind>,
    status: Option<StatusCode>,
    has: Vec<String>,
    equals: Vec<(String, String)>,
    pub root: Option<bool>,
    pub child_of: Option<String>,
}

fn glob(p: &str) -> Result<Regex, String> {
    let mut r = String::from("^");
    for c in p.chars() {
        match c {
            '*' => r.push_str(".*"),
            '?' => r.push('.'),
            c => r.push_str(&regex::escape(&c.to_string())),
        }
    }
    r.push('$');
    Regex::new(&r).map_err(|e| e.to_string())
}

impl Selector {
    pub fn compile(_name: &str, s: &SelectorSpec) -> Result<Self, String> {
        if s.operation.is_some() && s.operation_regex.is_some() {
            return Err("give operation or operation_regex, not both".into());
        }
        let operation = match (&s.operation, &s.operation_regex) {
            (Some(g), _) => Some(glob(g)?),
            (_, Some(r)) => Some(Regex::new(r).map_err(|e| format!("operation_regex: {e}"))?),
            _ => None,
        };
        let kind = s
            .kind
            .as_deref()
            .map(|k| SpanKind::from_name(k).ok_or_else(|| format!("unknown kind {k:?}")))
            .transpose()?;
        let status = s
            .status
            .as_deref()
            .map(|k| {
                StatusCode::from_name(k)
                    .ok_or_else(|| format!("unknown status {k:?}: use ok, error or unset"))
            })
            .transpose()?;
        Ok(Selector {
            service: s.service.as_deref().map(glob).transpose()?,
            operation,
            kind,
            status,
            has: s.has_attributes.clone(),
            equals: s
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            root: s.root,
            child_of: s.child_of.clone(),
        })
    }

    /// Everything but position (root, child_of), which needs the tree.
    pub fn matches_span(&self, s: &Span) -> bool {
        let attr = |k: &str| {
            s.attr(k)
                .or_else(|| crate::model::value::find(&s.resource.attributes, k))
        };
        self.service.as_ref().is_none_or(|r| r.is_match(&s.service))
            && self.operation.as_ref().is_none_or(|r| r.is_match(&s.name))
            && self.kind.is_none_or(|k| {
                k == s.kind || (k == SpanKind::Internal && s.kind == SpanKind::Unspecified)
            })
            && self.status.is_none_or(|st| st == s.status.code)
            && self.has.iter().all(|k| attr(k).is_some())
            && self
                .equals
                .iter()
                .all(|(k, v)| attr(k).is_some_and(|x| x.to_string() == *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_kinds_attributes() {
        let spec = SelectorSpec {
            service: Some("check*".into()),
            operation: Some("POST /cart/?".into()),
            kind: Some("server".into()),
            has_attributes: vec!["http.route".into()],
            ..SelectorSpec::default()
        };
        let sel = Selector::compile("x", &spec).unwrap();
        let mut s = crate::model::testkit::span(1)
            .service("checkout")
            .name("POST /cart/1")
            .kind(SpanKind::Server)
            .build();
        assert!(!sel.matches_span(&s));
        s.attributes.push(crate::model::KeyValue::new(
            "http.route",
            "/cart/{id}".into(),
        ));
        assert!(sel.matches_span(&s));
        s.name = "POST /cart/12".into();
        assert!(!sel.matches_span(&s));
        assert!(
            Selector::compile(
                "x",
                &SelectorSpec {
                    kind: Some("serverr".into()),
                    ..SelectorSpec::default()
                }
            )
            .is_err()
        );
    }
}
