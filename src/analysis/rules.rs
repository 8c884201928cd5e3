//! The rule table: every rule tracekit reports, with its id, default severity, the commands that
//! report it, its description and help, and what evaluates it. `tracekit rules`, SARIF rule
//! metadata, JUnit test cases and the README's rule table are all generated from [`RULES`].
//!
//! Adding a rule: one entry here and one function.
//! - a `check` rule: an [`Eval::PerSpan`], [`Eval::PerTrace`] or [`Eval::PerRoot`] function in
//!   `analysis::check` (it builds its findings with [`Rule::finding`], so the severity is this
//!   table's);
//! - a PII rule: a [`Kind`] variant (its place in the enum is its priority when matches
//!   overlap) and its detector in `pii::scan`/`pii::detect`;
//! - a cardinality rule: a [`CardinalityCheck`] and its check in `cardinality::report`.
//!
//! Within one scope of `check`, rules run in table order (and so their findings come in that
//! order before sorting).

use super::cardinality::CardinalityCheck;
use super::check;
use super::findings::{Finding, Severity};
use super::pii::Kind;

/// The commands that report findings.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Cmd {
    Check,
    Lint,
    Gate,
}

impl Cmd {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmd::Check => "check",
            Cmd::Lint => "lint",
            Cmd::Gate => "gate",
        }
    }

    pub fn from_name(name: &str) -> Option<Cmd> {
        [Cmd::Check, Cmd::Lint, Cmd::Gate]
            .into_iter()
            .find(|c| c.as_str() == name)
    }
}

/// How a rule is evaluated.
#[derive(Copy, Clone, Debug)]
pub enum Eval {
    /// `check`: once for each root of a trace's tree (real roots, orphans, cut cycles), in
    /// tree order.
    PerRoot(check::RootCheck),
    /// `check`: once per trace.
    PerTrace(check::TraceCheck),
    /// `check`: once per span, all span rules sharing one walk over the spans.
    PerSpan(check::SpanCheck),
    /// `check`: the clock-offset bounds of every service pair, over all traces (`analysis::skew`).
    Skew,
    /// `lint`: one of the checks of the cardinality report.
    Cardinality(CardinalityCheck),
    /// `lint`: the PII scanner's detector of this kind; `what` names a match in messages
    /// ("email address in span attribute `user.email`").
    Pii { kind: Kind, what: &'static str },
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// `family/name`, lowercase; stable (findings, configs, policies and baselines name it).
    pub id: &'static str,
    /// The severity of its findings (a lint config may override it).
    pub severity: Severity,
    /// The commands that report it.
    pub commands: &'static [Cmd],
    /// One line: what a finding means.
    pub description: &'static str,
    /// What it means, why it matters, how to fix it.
    pub help: &'static str,
    pub eval: Eval,
}

/// Where the README is published: SARIF `helpUri`s point into its rules section.
pub const README_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/README.md");

impl Rule {
    /// The part before the `/`.
    pub fn family(&self) -> &'static str {
        self.id.split_once('/').map_or(self.id, |(f, _)| f)
    }

    /// The HTML anchor of the rule in the README's rules table (`rule-completeness-orphan-span`).
    pub fn anchor(&self) -> String {
        format!("rule-{}", self.id.replace('/', "-"))
    }

    /// The rule's documentation: the README's rules table, at the rule's anchor.
    pub fn help_uri(&self) -> String {
        format!("{README_URL}#{}", self.anchor())
    }

    pub fn reported_by(&self, cmd: Cmd) -> bool {
        self.commands.contains(&cmd)
    }

    /// A finding of this rule, with the table's severity.
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, message)
    }
}

use Severity::{Error, Note, Warning};

const CHECK: &[Cmd] = &[Cmd::Check];
/// `gate` evaluates the per-trace `check` rules with their default options.
const CHECK_GATE: &[Cmd] = &[Cmd::Check, Cmd::Gate];
const LINT: &[Cmd] = &[Cmd::Lint];

/// Every rule. Within a `check` scope (root, trace, span), the order is the evaluation order.
pub static RULES: &[Rule] = &[
    // ---- check: once per root of the tree
    Rule {
        id: "completeness/orphan-span",
        severity: Warning,
        commands: CHECK_GATE,
        description: "A span whose parent is not in the trace.",
        help: "The span names a parent span id that no span of the trace has, so the trace falls apart into several trees and its timings and critical path are incomplete. The finding's `kind` tells why, from the remote-parent flag the SDK sets: `remote-parent` means the upstream service is not instrumented, not sampled, or lost its spans; `local-parent` means a span was lost in-process or by the exporter; `unknown-parent` means the data does not say. Check that sampling decisions follow the parent, that every hop forwards the trace context, and that exporters and collectors do not drop spans (queue and batch limits).",
        eval: Eval::PerRoot(check::orphan_span),
    },
    Rule {
        id: "completeness/parent-cycle",
        severity: Error,
        commands: CHECK_GATE,
        description: "Parent links loop.",
        help: "Following the parent span ids from this span leads back to it. The ids are corrupt (an instrumentation bug, or a converter that mixes up span and parent ids); tracekit cut the loop at this span to draw the tree, so the shape shown is a guess. Find the service that wrote these spans and fix how it assigns span and parent ids.",
        eval: Eval::PerRoot(check::parent_cycle),
    },
    // ---- check: once per trace
    Rule {
        id: "completeness/missing-root",
        severity: Warning,
        commands: CHECK_GATE,
        description: "No span of the trace is without a parent.",
        help: "Every span names a parent, so the request's entry span was not received: it was still in flight when the trace was captured, it was dropped, or the entry service is not instrumented but passed on an incoming trace context. Durations and the critical path only cover what arrived. Capture traces after their requests end, and instrument the entry service.",
        eval: Eval::PerTrace(check::missing_root),
    },
    Rule {
        id: "completeness/multiple-roots",
        severity: Warning,
        commands: CHECK_GATE,
        description: "More than one span of the trace has no parent.",
        help: "Several spans of one trace id start a tree of their own: the trace context was not propagated between two parts of one request (a thread pool, a queue, a client library without instrumentation), or a component reuses trace ids. Each part is analysed on its own. Propagate the context across the boundary (inject and extract the traceparent header, or hand the context to the worker).",
        eval: Eval::PerTrace(check::multiple_roots),
    },
    Rule {
        id: "completeness/unexpected-root",
        severity: Warning,
        commands: CHECK,
        description: "The trace's root operation is not the one named by --expect-root.",
        help: "The trace started at another operation than expected: the real entry span is missing (see completeness/orphan-span), or the request entered through another service or route. Check the entry service's instrumentation, or the operation given to --expect-root.",
        eval: Eval::PerTrace(check::unexpected_root),
    },
    Rule {
        id: "completeness/duplicate-span-id",
        severity: Error,
        commands: CHECK_GATE,
        description: "Two spans share one span id (Zipkin's shared client/server pair excepted).",
        help: "Span ids must be unique within a trace. Two spans with one id come from an instrumentation bug (a reused or badly generated id) or from a collector or proxy that duplicates spans; the children of that id attach to one of them, so the tree and the timings can be wrong. Zipkin's shared client/server halves (the server joins the client's span id) are not reported. Fix the id generation, or deduplicate spans in the pipeline.",
        eval: Eval::PerTrace(check::duplicate_span_id),
    },
    Rule {
        id: "completeness/expected-service-missing",
        severity: Error,
        commands: CHECK,
        description: "A service named by --expect-service does not appear in the trace.",
        help: "The trace has no span of a service that must be in it: the service is not instrumented, its spans were not sampled or were lost, or the request did not call it. Check the service's instrumentation and sampler, and that the request under test reaches it.",
        eval: Eval::PerTrace(check::expected_service_missing),
    },
    // ---- check: once per span
    Rule {
        id: "completeness/invalid-span-id",
        severity: Error,
        commands: CHECK_GATE,
        description: "A span id is all zeros.",
        help: "All-zero span ids are invalid in W3C Trace Context and OTLP; receivers may drop such spans, and their children become orphans. The SDK or a converter did not assign an id: fix the id generation.",
        eval: Eval::PerSpan(check::invalid_span_id),
    },
    Rule {
        id: "timing/missing-timestamp",
        severity: Warning,
        commands: CHECK_GATE,
        description: "A span has no start timestamp.",
        help: "The span carries no start time (Zipkin allows late spans without a timestamp, and some converters drop it), so it cannot be placed on the timeline and the timing rules skip it. Make the instrumentation record the start, or report the span's other half too (Zipkin).",
        eval: Eval::PerSpan(check::missing_timestamp),
    },
    Rule {
        id: "timing/negative-duration",
        severity: Error,
        commands: CHECK_GATE,
        description: "A span ends before it starts.",
        help: "The span's end timestamp is earlier than its start: the clock jumped during the span (a wall clock measured it instead of a monotonic one), or the instrumentation set the wrong times. Its duration and everything computed from it (self time, critical path, percentiles) are wrong. Measure span durations with a monotonic clock.",
        eval: Eval::PerSpan(check::negative_duration),
    },
    Rule {
        id: "completeness/dropped-data",
        severity: Note,
        commands: CHECK_GATE,
        description: "The SDK dropped attributes, events or links of a span (limits reached).",
        help: "OTLP counts what an SDK dropped because a span reached its limits (attribute count, events, links): the span is incomplete, and the data that would explain it may be missing. Raise the SDK's span limits (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_SPAN_LINK_COUNT_LIMIT) or record less.",
        eval: Eval::PerSpan(check::dropped_data),
    },
    Rule {
        id: "completeness/client-without-server",
        severity: Warning,
        commands: CHECK_GATE,
        description: "An HTTP or RPC CLIENT span has no SERVER child.",
        help: "A call left an instrumented service, but no SERVER span of the callee joined the trace: the callee is not instrumented, or the trace context was lost on the way (headers not propagated, a proxy that strips them). Database, cache and messaging clients are exempt (by their attributes or peer.service), as those callees are rarely traced. Instrument the callee, or propagate the traceparent header through the proxy.",
        eval: Eval::PerSpan(check::client_without_server),
    },
    Rule {
        id: "timing/child-outside-parent",
        severity: Warning,
        commands: CHECK_GATE,
        description: "A child starts before its parent or ends after it, beyond the tolerance.",
        help: "A synchronous child runs within its parent. One that starts before it or ends after it (by more than --tolerance) usually shows clock skew between the hosts of the two services (see `tracekit skew`), or a child that outlives its parent (a missing await, fire-and-forget work). Asynchronous children (a CONSUMER of a PRODUCER, FOLLOWS_FROM references) are exempt. Synchronise the hosts' clocks, or end the parent after its children (or record the work as asynchronous).",
        eval: Eval::PerSpan(check::child_outside_parent),
    },
    // ---- check: over all traces
    Rule {
        id: "skew/clock-skew",
        severity: Warning,
        commands: CHECK,
        description: "The CLIENT/SERVER edges between two services imply a clock offset above the threshold.",
        help: "Every CLIENT→SERVER call between two services (or hosts) bounds the offset of the server's clock: the server's span lies within the client's. When the intersection of the bounds of all calls lies beyond --skew-threshold, the clocks provably disagree, and timings across the two services (child-outside-parent, waterfalls, critical paths) are distorted. Synchronise the hosts' clocks (NTP, PTP). `tracekit skew` shows the bounds per pair; `tracekit skew --adjust` writes corrected traces.",
        eval: Eval::Skew,
    },
    // ---- lint: cardinality
    Rule {
        id: "cardinality/span-name",
        severity: Warning,
        commands: LINT,
        description: "Span names embed ids, or a service has more distinct span names than the limit.",
        help: "Span names should name the operation, not the request: `GET /users/{id}`, not `GET /users/42`. Names that embed numbers, UUIDs, hex ids, emails or dates, or a service with more distinct names than --max-cardinality, create one series per name in span metrics and indexes, which costs money and hides the real operations. Name spans after the route template and put the id in an attribute.",
        eval: Eval::Cardinality(CardinalityCheck::SpanName),
    },
    Rule {
        id: "cardinality/attribute",
        severity: Warning,
        commands: LINT,
        description: "An attribute key has more distinct values than the limit.",
        help: "Attribute values become metric dimensions and indexed fields; a key with more distinct values than --max-cardinality multiplies series and storage. Keys unique by design (ids, URLs, statements, messages, addresses, sizes and times) are listed but not flagged. Keep high-cardinality values out of attributes that become dimensions (use a template or a bucket), or mark the key as expected in the lint config ([cardinality] expected).",
        eval: Eval::Cardinality(CardinalityCheck::Attribute),
    },
    // ---- lint: PII and secrets
    Rule {
        id: "pii/url-credentials",
        severity: Error,
        commands: LINT,
        description: "A URL carries a user name and password (scheme://user:pass@host).",
        help: "Whoever can read the telemetry can use the password, and traces are kept long and read widely. Record URLs without userinfo (OpenTelemetry semantic conventions: replace it with REDACTED:REDACTED) and rotate the exposed password.",
        eval: Eval::Pii {
            kind: Kind::UrlCredentials,
            what: "credentials in a URL",
        },
    },
    Rule {
        id: "pii/signed-url",
        severity: Error,
        commands: LINT,
        description: "A URL query carries a signature or credential (X-Amz-Signature, sig, token, api_key…).",
        help: "A signed URL or a token in a query string grants access to whoever reads the telemetry, until it expires. Replace the parameter's value with REDACTED before recording the URL (semantic conventions: AWSAccessKeyId, Signature, sig, X-Goog-Signature) and rotate exposed tokens.",
        eval: Eval::Pii {
            kind: Kind::SignedUrl,
            what: "URL signature or credential parameter",
        },
    },
    Rule {
        id: "pii/private-key",
        severity: Error,
        commands: LINT,
        description: "A PEM private key block.",
        help: "Key material in telemetry is a leaked key. Never record key material; rotate the key.",
        eval: Eval::Pii {
            kind: Kind::PrivateKey,
            what: "private key",
        },
    },
    Rule {
        id: "pii/basic-auth",
        severity: Error,
        commands: LINT,
        description: "An `Authorization: Basic` value that decodes to user:password.",
        help: "Basic credentials are a password in base64, readable by whoever reads the telemetry. Do not record the Authorization header (or record only its scheme); rotate the password.",
        eval: Eval::Pii {
            kind: Kind::BasicAuth,
            what: "HTTP Basic credentials",
        },
    },
    Rule {
        id: "pii/bearer-token",
        severity: Error,
        commands: LINT,
        description: "An `Authorization: Bearer` (or Token) credential.",
        help: "Tokens in telemetry can be replayed until they expire. Do not record the Authorization header value (or record only its scheme).",
        eval: Eval::Pii {
            kind: Kind::BearerToken,
            what: "bearer token",
        },
    },
    Rule {
        id: "pii/jwt",
        severity: Error,
        commands: LINT,
        description: "A JSON Web Token (three base64url parts, the header names an `alg`).",
        help: "A JWT is a credential until it expires, and its claims often hold personal data. Drop or mask the token before it reaches telemetry.",
        eval: Eval::Pii {
            kind: Kind::Jwt,
            what: "JSON Web Token",
        },
    },
    Rule {
        id: "pii/aws-access-key",
        severity: Error,
        commands: LINT,
        description: "An AWS access key id (AKIA/ASIA… followed by 16 characters).",
        help: "An access key id names a credential; its secret is often logged next to it. Remove the key id from telemetry and rotate the key pair if its secret may have leaked with it.",
        eval: Eval::Pii {
            kind: Kind::AwsAccessKey,
            what: "AWS access key id",
        },
    },
    Rule {
        id: "pii/api-token",
        severity: Error,
        commands: LINT,
        description: "A vendor API token (GitHub, GitLab, Slack, Stripe, Google API key).",
        help: "A vendor token grants API access to whoever reads it. Remove the token from telemetry and revoke it.",
        eval: Eval::Pii {
            kind: Kind::ApiToken,
            what: "API token",
        },
    },
    Rule {
        id: "pii/secret-key-name",
        severity: Error,
        commands: LINT,
        description: "An attribute whose key names a secret (password, secret, token, api_key, authorization, cookie…) has a value.",
        help: "The key says the value is a secret, whatever it looks like. Stop recording the attribute, or mask it at the source or in the Collector (redaction processor blocked_key_patterns). Add the key to the lint config allowlist if the value is not a secret.",
        eval: Eval::Pii {
            kind: Kind::SecretKeyName,
            what: "value under a secret-looking key",
        },
    },
    Rule {
        id: "pii/credit-card",
        severity: Error,
        commands: LINT,
        description: "A payment card number (Luhn-valid, known issuer prefix and length).",
        help: "Card numbers must not be stored unmasked (PCI DSS). Mask them at the source or with the Collector's redaction processor (blocked_values, redact_all_types for integers).",
        eval: Eval::Pii {
            kind: Kind::CreditCard,
            what: "payment card number",
        },
    },
    Rule {
        id: "pii/us-ssn",
        severity: Error,
        commands: LINT,
        description: "A US social security number (valid area, group and serial).",
        help: "Social security numbers are regulated personal data that enable identity theft. Remove the number at the source; mask it in the Collector meanwhile.",
        eval: Eval::Pii {
            kind: Kind::UsSsn,
            what: "US social security number",
        },
    },
    Rule {
        id: "pii/iban",
        severity: Warning,
        commands: LINT,
        description: "An international bank account number (country length, mod-97 check).",
        help: "Bank account numbers are personal data. Remove or mask them before export.",
        eval: Eval::Pii {
            kind: Kind::Iban,
            what: "IBAN",
        },
    },
    Rule {
        id: "pii/email",
        severity: Warning,
        commands: LINT,
        description: "An email address.",
        help: "An email address identifies a person (personal data under the GDPR and similar laws), and telemetry is rarely covered by deletion requests. Record a stable pseudonymous id instead of the address, or mask it in the Collector.",
        eval: Eval::Pii {
            kind: Kind::Email,
            what: "email address",
        },
    },
    Rule {
        id: "pii/phone",
        severity: Warning,
        commands: LINT,
        description: "A phone number (E.164, or national format under a phone-like key).",
        help: "A phone number identifies a person. Record a pseudonymous id instead of the number, or mask it in the Collector.",
        eval: Eval::Pii {
            kind: Kind::Phone,
            what: "phone number",
        },
    },
    Rule {
        id: "pii/ip-address",
        severity: Note,
        commands: LINT,
        description: "A public IP address (personal data under the GDPR when it is a client's).",
        help: "A client's address can identify a person. Truncate or hash client addresses where your policy treats them as personal data; server and private addresses are not reported.",
        eval: Eval::Pii {
            kind: Kind::IpAddress,
            what: "public IP address",
        },
    },
    Rule {
        id: "pii/sql-literal",
        severity: Warning,
        commands: LINT,
        description: "A database statement carries literal values instead of parameters.",
        help: "Literal values in statements leak the data they hold (names, emails, ids) and give every statement a text of its own, which defeats grouping. Use bind parameters, or let the instrumentation or the Collector (redaction processor db_sanitizer) replace literals with `?`.",
        eval: Eval::Pii {
            kind: Kind::SqlLiteral,
            what: "SQL statement with literal values",
        },
    },
];

/// Every rule tracekit knows.
pub fn all_rules() -> &'static [Rule] {
    RULES
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The rule that `eval` picks; every caller names one that is in the table (unit-tested).
fn find_eval(pick: impl Fn(&Eval) -> bool) -> &'static Rule {
    RULES
        .iter()
        .find(|r| pick(&r.eval))
        .expect("every evaluator has a rule in the table")
}

/// `skew/clock-skew`.
pub fn clock_skew() -> &'static Rule {
    find_eval(|e| matches!(e, Eval::Skew))
}

impl CardinalityCheck {
    pub fn rule(self) -> &'static Rule {
        find_eval(|e| matches!(e, Eval::Cardinality(c) if *c == self))
    }
}

/// The rules a command reports (for JUnit: every checked rule is a test case).
pub fn rules_for(command: &str) -> Vec<&'static Rule> {
    match Cmd::from_name(command) {
        Some(c) => RULES.iter().filter(|r| r.reported_by(c)).collect(),
        None => Vec::new(),
    }
}

/// Whether a rule id matches a pattern: an id, or a prefix ending in `*` (`pii/*`,
/// `completeness/*`, `*`). Gate policies and `tracekit rules RULE` select rules this way.
pub fn matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => id == pattern,
    }
}

/// The rules that any pattern matches (all when there is none), reported by `command` if
/// given, sorted by id. A pattern that matches no rule at all is an error naming it.
pub fn select(patterns: &[String], command: Option<Cmd>) -> Result<Vec<&'static Rule>, String> {
    if let Some(p) = patterns
        .iter()
        .find(|p| !RULES.iter().any(|r| matches(p, r.id)))
    {
        return Err(format!(
            "no rule matches {p:?}: give a rule id or a prefix ending in `*` (`tracekit rules` lists them)"
        ));
    }
    let mut out: Vec<&'static Rule> = RULES
        .iter()
        .filter(|r| patterns.is_empty() || patterns.iter().any(|p| matches(p, r.id)))
        .filter(|r| command.is_none_or(|c| r.reported_by(c)))
        .collect();
    out.sort_by_key(|r| r.id);
    Ok(out)
}

// ---- PII kinds: their number, their order and their table entries, checked when compiling.

/// How many PII kinds there are: one per PII entry of the table.
pub const PII_KINDS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < RULES.len() {
        if let Eval::Pii { .. } = RULES[i].eval {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The table index of each kind's entry. Building it fails the build when a kind has no entry
/// or two (a kind's number is at least [`PII_KINDS`] exactly when some kind has none).
const PII_INDEX: [usize; PII_KINDS] = {
    let mut index = [usize::MAX; PII_KINDS];
    let mut i = 0;
    while i < RULES.len() {
        if let Eval::Pii { kind, .. } = RULES[i].eval {
            let k = kind as usize;
            assert!(k < PII_KINDS, "a PII kind has no entry in RULES");
            assert!(
                index[k] == usize::MAX,
                "a PII kind has two entries in RULES"
            );
            index[k] = i;
        }
        i += 1;
    }
    index
};

/// Every PII kind, in priority order.
pub const PII_ALL: [Kind; PII_KINDS] = {
    let mut all = [Kind::UrlCredentials; PII_KINDS];
    let mut k = 0;
    while k < PII_KINDS {
        if let Eval::Pii { kind, .. } = RULES[PII_INDEX[k]].eval {
            all[k] = kind;
        }
        k += 1;
    }
    all
};

impl Kind {
    /// The kind's table entry (constant time: the scanner asks for it per match).
    pub fn rule(self) -> &'static Rule {
        &RULES[PII_INDEX[self as usize]]
    }

    pub fn id(self) -> &'static str {
        self.rule().id
    }

    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// What was found, for messages ("email address in span attribute `user.email`").
    pub fn what(self) -> &'static str {
        match self.rule().eval {
            Eval::Pii { what, .. } => what,
            _ => unreachable!("PII_INDEX points at PII entries"),
        }
    }
}

#[cfg(test)]
mod tests;
