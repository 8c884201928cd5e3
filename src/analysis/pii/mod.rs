//! PII and secret detection for `lint` (cli-ecosystem §4): key-name rules, then value patterns
//! gated by a cheap prefilter and validated in code, with allowlists and custom rules from the
//! lint config. Findings carry masked values only; raw values are never stored.
//!
//! - `rules`: the detector kinds (each one's id, severity and help are in the rule table);
//!   what an attribute key says about its value.
//! - `validators`: Luhn, IIN, IBAN mod-97, SSN, JWT header, IP classes…
//! - `mask`: the masked forms shown in output.
//! - `scan`: the value scanner (hot path).
//! - `sql`: literals in SQL statements.
//! - `config`: the TOML config.
//! - `collect`: per (rule, service, location, key) aggregation into findings.
//! - `driver`: the lint pass over span batches (PII + cardinality, in parallel).
//! - `redaction`: an OpenTelemetry Collector redaction processor config for what was found.

pub mod collect;
pub mod config;
mod detect;
pub mod driver;
pub mod mask;
pub mod redaction;
pub mod rules;
pub mod scan;
pub mod sql;
pub mod validators;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod lint_tests;
#[cfg(test)]
mod prefilter_tests;
#[cfg(test)]
mod tests;

pub use rules::Kind;

/// A built-in rule or a config rule (index into the config's custom rules).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKey {
    Builtin(Kind),
    Custom(u16),
}

impl RuleKey {
    /// Overlap priority: secrets first, then custom rules, then personal data.
    pub fn priority(self) -> u16 {
        match self {
            RuleKey::Builtin(r) => (r as u16) * 2,
            RuleKey::Custom(_) => (Kind::SecretKeyName as u16) * 2 + 1,
        }
    }
}

/// Where in a span a value was found.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    SpanName,
    SpanAttribute,
    ResourceAttribute,
    EventName,
    EventAttribute,
    LinkAttribute,
    StatusMessage,
}

impl Location {
    /// The `kind` detail of a finding.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::SpanName => "span-name",
            Location::SpanAttribute => "span",
            Location::ResourceAttribute => "resource",
            Location::EventName => "event-name",
            Location::EventAttribute => "event",
            Location::LinkAttribute => "link",
            Location::StatusMessage => "status-message",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Location::SpanName => "span name",
            Location::SpanAttribute => "span attribute",
            Location::ResourceAttribute => "resource attribute",
            Location::EventName => "event name",
            Location::EventAttribute => "event attribute",
            Location::LinkAttribute => "link attribute",
            Location::StatusMessage => "status message",
        }
    }

    pub fn has_key(self) -> bool {
        matches!(
            self,
            Location::SpanAttribute
                | Location::ResourceAttribute
                | Location::EventAttribute
                | Location::LinkAttribute
        )
    }
}

/// Mask, with the built-in detectors, the trace data that findings of another command echo
/// (`check` quotes span and service names): what `lint` would report is not printed raw.
pub fn mask_findings(findings: &mut [crate::analysis::findings::Finding]) {
    if findings.is_empty() {
        return;
    }
    let scanner = scan::Scanner::new(&[], false, Vec::new());
    let redact = |s: &mut String| {
        if let std::borrow::Cow::Owned(masked) = scanner.redact(s) {
            *s = masked;
        }
    };
    for f in findings {
        redact(&mut f.message);
        f.service.as_mut().map(redact);
        f.operation.as_mut().map(redact);
        for v in f.details.values_mut() {
            mask_json_strings(v, &redact);
        }
    }
}

fn mask_json_strings(v: &mut serde_json::Value, redact: &dyn Fn(&mut String)) {
    match v {
        serde_json::Value::String(s) => redact(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_json_strings(x, redact)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| mask_json_strings(x, redact)),
        _ => {}
    }
}
