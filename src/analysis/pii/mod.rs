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
