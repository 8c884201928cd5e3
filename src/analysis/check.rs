//! Completeness and timing rules, per trace (`check`). Skew findings come from `skew`.

use std::collections::HashSet;

use super::findings::{Finding, Severity};
use super::rules::RuleInfo;
use crate::model::{ParentRef, RootReason, Span, SpanKind, Trace, TraceTree};
use crate::units::format_duration;

/// Options of `check`.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Services every trace must contain.
    pub expect_services: Vec<String>,
    /// The operation every trace's root must have.
    pub expect_root: Option<String>,
    /// How far a child may start before or end after its parent before it is reported.
    pub tolerance_ns: u64,
}

pub const ORPHAN: &str = "completeness/orphan-span";
pub const MISSING_ROOT: &str = "completeness/missing-root";
pub const MULTIPLE_ROOTS: &str = "completeness/multiple-roots";
pub const DUPLICATE_ID: &str = "completeness/duplicate-span-id";
pub const CYCLE: &str = "completeness/parent-cycle";
pub const CLIENT_WITHOUT_SERVER: &str = "completeness/client-without-server";
pub const EXPECTED_SERVICE: &str = "completeness/expected-service-missing";
pub const UNEXPECTED_ROOT: &str = "completeness/unexpected-root";
pub const INVALID_ID: &str = "completeness/invalid-span-id";
pub const DROPPED_DATA: &str = "completeness/dropped-data";
pub const NEGATIVE: &str = "timing/negative-duration";
pub const OUTSIDE: &str = "timing/child-outside-parent";
pub const MISSING_TIME: &str = "timing/missing-timestamp";
pub const CLOCK_SKEW: &str = "skew/clock-skew";

pub fn rule_infos() -> Vec<RuleInfo> {
    use Severity::*;
    vec![
        RuleInfo::new(
            ORPHAN,
            Warning,
            "A span whose parent is not in the trace.",
            "A remote parent (flag set by the SDK) means the upstream service is not instrumented, not sampled, or its spans were lost; a local parent means spans were lost in-process or by the exporter. Check sampling consistency and exporter drops.",
        ),
        RuleInfo::new(
            MISSING_ROOT,
            Warning,
            "No span of the trace is without a parent.",
            "The root span was not received (still in flight, dropped, or the entry service is not instrumented).",
        ),
        RuleInfo::new(
            MULTIPLE_ROOTS,
            Warning,
            "More than one span of the trace has no parent.",
            "Context was not propagated between two parts of one request; each part started its own root.",
        ),
        RuleInfo::new(
            DUPLICATE_ID,
            Error,
            "Two spans share one span id (Zipkin's shared client/server pair excepted).",
            "An instrumentation bug or a collector duplicating spans; analyses will pick one of them.",
        ),
        RuleInfo::new(
            CYCLE,
            Error,
            "Parent links loop.",
            "Corrupt ids; the loop was cut to draw the tree.",
        ),
        RuleInfo::new(
            CLIENT_WITHOUT_SERVER,
            Warning,
            "An HTTP/RPC CLIENT span has no SERVER child.",
            "The callee is not instrumented or its context was lost (headers not propagated). Database, cache and messaging clients are exempt.",
        ),
        RuleInfo::new(
            EXPECTED_SERVICE,
            Error,
            "A service named by --expect-service does not appear in the trace.",
            "The service is not instrumented, not sampled, or the call did not happen.",
        ),
        RuleInfo::new(
            UNEXPECTED_ROOT,
            Warning,
            "The trace's root operation is not the one named by --expect-root.",
            "The trace started elsewhere than expected, or the real root is missing.",
        ),
        RuleInfo::new(
            INVALID_ID,
            Error,
            "A span id is all zeros.",
            "All-zero ids are invalid in W3C Trace Context and OTLP.",
        ),
        RuleInfo::new(
            DROPPED_DATA,
            Note,
            "The SDK dropped attributes, events or links of a span (limits reached).",
            "Raise the SDK's span limits or reduce what is recorded.",
        ),
        RuleInfo::new(
            NEGATIVE,
            Error,
            "A span ends before it starts.",
            "A clock jump or an instrumentation bug.",
        ),
        RuleInfo::new(
            OUTSIDE,
            Warning,
            "A child starts before its parent or ends after it, beyond the tolerance.",
            "Usually clock skew between hosts (see `tracekit skew`), or a child that outlives its parent (missing await, fire-and-forget). Asynchronous children (CONSUMER of a PRODUCER, FOLLOWS_FROM) are exempt.",
        ),
        RuleInfo::new(
            MISSING_TIME,
            Warning,
            "A span has no start timestamp.",
            "Incomplete data (Zipkin allows late spans without a timestamp).",
        ),
        RuleInfo::new(
            CLOCK_SKEW,
            Warning,
            "The CLIENT/SERVER edges between two services imply a clock offset above the threshold.",
            "Synchronise the hosts' clocks (NTP/PTP). `tracekit skew` shows the bounds; `tracekit skew --adjust` writes corrected traces.",
        ),
    ]
}

/// Attribute key prefixes that mark a database, cache or messaging client (OTel semantic
/// conventions, and the tags older Zipkin/Brave instrumentation writes).
pub const EXEMPT_CLIENT_PREFIXES: &[&str] = &[
    "db.",
    "messaging.",
    "cache.",
    "cassandra.",
    "redis.",
    "mongodb.",
    "memcached.",
    "elasticsearch.",
    "jdbc.",
    "sql.",
    "rabbit.",
    "kafka.",
];

/// Remote services (`peer.service`, e.g. Zipkin's remoteEndpoint) that are datastores or
/// brokers, rarely traced themselves.
const DATASTORES: &[&str] = &[
    "memcache",
    "memcached",
    "mysql",
    "mariadb",
    "postgres",
    "postgresql",
    "redis",
    "cassandra",
    "mongodb",
    "mongo",
    "elasticsearch",
    "sqlite",
    "oracle",
    "mssql",
    "dynamodb",
    "kafka",
    "rabbitmq",
];

/// Database, cache and messaging clients call things that are rarely traced themselves.
fn is_exempt_client(s: &Span) -> bool {
    s.attributes.iter().any(|kv| {
        EXEMPT_CLIENT_PREFIXES.iter().any(|p| kv.key.starts_with(p))
            || (&*kv.key == "peer.service"
                && matches!(&kv.value, crate::model::Value::Str(v)
                    if DATASTORES.contains(&v.to_ascii_lowercase().as_str())))
    })
}

fn name(s: &Span) -> (&str, &str) {
    (
        if s.service.is_empty() {
            "unknown"
        } else {
            &s.service
        },
        &s.name,
    )
}

/// Every finding of the completeness and timing rules for one trace.
pub fn check_trace(trace: &Trace, tree: &TraceTree, opts: &CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let tid = trace.trace_id;
    let spans = &trace.spans;
    let f = |rule: &str, sev: Severity, i: usize, msg: String| {
        let (svc, op) = name(&spans[i]);
        Finding::new(rule, sev, msg)
            .at(tid, Some(spans[i].span_id))
            .on(svc, op)
    };

    let mut real_roots = Vec::new();
    for &(i, why) in &tree.roots {
        let i = i as usize;
        let s = &spans[i];
        match why {
            RootReason::Root => real_roots.push(i),
            RootReason::Orphan => {
                let parent = s.parent_span_id.map(|p| p.to_string()).unwrap_or_default();
                let (kind, why) = match s.parent_is_remote() {
                    Some(true) => (
                        "remote-parent",
                        "the parent is remote: the upstream service is not instrumented, not sampled, or lost its spans",
                    ),
                    Some(false) => (
                        "local-parent",
                        "the parent is in the same process: a span was lost in-process or by the exporter",
                    ),
                    None => (
                        "unknown-parent",
                        "the data does not say whether the parent is remote",
                    ),
                };
                out.push(
                    f(
                        ORPHAN,
                        Severity::Warning,
                        i,
                        format!("parent {parent} is not in the trace; {why}"),
                    )
                    .detail("kind", kind)
                    .detail("parent_span_id", parent),
                );
            }
            RootReason::Cycle => {
                out.push(f(
                    CYCLE,
                    Severity::Error,
                    i,
                    "parent links loop back to this span; the loop was cut here".into(),
                ));
            }
        }
    }
    if real_roots.is_empty() && !spans.is_empty() {
        out.push(
            Finding::new(
                MISSING_ROOT,
                Severity::Warning,
                format!(
                    "none of the {} spans is a root (all have a parent id)",
                    spans.len()
                ),
            )
            .at(tid, None),
        );
    }
    if real_roots.len() > 1 {
        let names: Vec<String> = real_roots
            .iter()
            .take(5)
            .map(|&i| format!("{} {}", name(&spans[i]).0, name(&spans[i]).1))
            .collect();
        out.push(
            Finding::new(
                MULTIPLE_ROOTS,
                Severity::Warning,
                format!(
                    "{} spans have no parent: {}",
                    real_roots.len(),
                    names.join(", ")
                ),
            )
            .at(tid, None)
            .detail("roots", real_roots.len()),
        );
    }
    if let Some(expected) = &opts.expect_root {
        for &i in &real_roots {
            if &*spans[i].name != expected.as_str() {
                out.push(
                    f(
                        UNEXPECTED_ROOT,
                        Severity::Warning,
                        i,
                        format!(
                            "root operation is {:?}, expected {expected:?}",
                            &*spans[i].name
                        ),
                    )
                    .detail("expected", expected.as_str()),
                );
            }
        }
    }
    for &(a, b) in &tree.duplicate_ids {
        // Zipkin: one CLIENT half whose span id several SERVER halves joined (`shared`, e.g. one
        // message delivered to several receivers) is the shared-span case, not a duplicate.
        let id = spans[b as usize].span_id;
        let group = spans.iter().filter(|s| s.span_id == id);
        let (mut clients, mut servers, mut other) = (0, 0, 0);
        for s in group {
            match (s.shared, s.kind) {
                (true, SpanKind::Server) => servers += 1,
                (false, _) => clients += 1,
                _ => other += 1,
            }
        }
        if clients == 1 && servers >= 1 && other == 0 {
            continue;
        }
        out.push(f(
            DUPLICATE_ID,
            Severity::Error,
            b as usize,
            format!(
                "span id {} is used by two spans ({} and {})",
                spans[b as usize].span_id,
                name(&spans[a as usize]).1,
                name(&spans[b as usize]).1
            ),
        ));
    }
    if !opts.expect_services.is_empty() {
        let present: HashSet<&str> = spans.iter().map(|s| &*s.service).collect();
        for svc in &opts.expect_services {
            if !present.contains(svc.as_str()) {
                out.push(
                    Finding::new(
                        EXPECTED_SERVICE,
                        Severity::Error,
                        format!("service {svc:?} does not appear in the trace"),
                    )
                    .at(tid, None)
                    .detail("expected", svc.as_str()),
                );
            }
        }
    }

    let tol = opts.tolerance_ns;
    for (i, s) in spans.iter().enumerate() {
        if s.span_id.is_zero() {
            out.push(f(
                INVALID_ID,
                Severity::Error,
                i,
                "span id is all zeros".into(),
            ));
        }
        if s.start_ns == 0 {
            out.push(f(
                MISSING_TIME,
                Severity::Warning,
                i,
                "span has no start timestamp".into(),
            ));
        } else if s.negative_duration() {
            out.push(f(
                NEGATIVE,
                Severity::Error,
                i,
                format!(
                    "ends {} before it starts",
                    format_duration(s.start_ns - s.end_ns)
                ),
            ));
        }
        if s.dropped_attributes_count + s.dropped_events_count + s.dropped_links_count > 0 {
            out.push(f(
                DROPPED_DATA,
                Severity::Note,
                i,
                format!(
                    "the SDK dropped {} attribute(s), {} event(s), {} link(s)",
                    s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count
                ),
            ));
        }
        if s.kind == SpanKind::Client && !is_exempt_client(s) && !s.shared {
            let has_server = tree
                .children(i)
                .iter()
                .any(|&c| spans[c as usize].kind == SpanKind::Server);
            if !has_server {
                out.push(f(CLIENT_WITHOUT_SERVER, Severity::Warning, i, "CLIENT span has no SERVER child: the callee is not instrumented or did not receive the trace context".into()));
            }
        }
        if let Some(p) = tree.parent[i] {
            let p = &spans[p as usize];
            let asynchronous = (p.kind == SpanKind::Producer && s.kind == SpanKind::Consumer)
                || s.parent_ref == ParentRef::FollowsFrom;
            if asynchronous || s.start_ns == 0 || p.start_ns == 0 || s.shared {
                continue;
            }
            let early = p.start_ns.saturating_sub(s.start_ns);
            let late = s.end_ns.saturating_sub(p.end_ns.max(p.start_ns));
            if early > tol || late > tol {
                let mut parts = Vec::new();
                if early > tol {
                    parts.push(format!(
                        "starts {} before its parent",
                        format_duration(early)
                    ));
                }
                if late > tol {
                    parts.push(format!("ends {} after its parent", format_duration(late)));
                }
                let cross = if p.service != s.service {
                    format!(" ({} → {}: clock skew?)", name(p).0, name(s).0)
                } else {
                    String::new()
                };
                out.push(
                    f(
                        OUTSIDE,
                        Severity::Warning,
                        i,
                        format!("{}{cross}", parts.join(" and ")),
                    )
                    .detail("early_ns", early)
                    .detail("late_ns", late),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyValue, SpanId, TraceId, Value};

    fn sp(id: u64, parent: Option<u64>, svc: &str, kind: SpanKind, start: u64, end: u64) -> Span {
        let mut s = Span::new(TraceId(1), SpanId(id));
        s.parent_span_id = parent.map(SpanId);
        s.service = svc.into();
        s.kind = kind;
        s.start_ns = start;
        s.end_ns = end;
        s
    }

    fn rules(spans: Vec<Span>) -> Vec<String> {
        let t = Trace {
            trace_id: TraceId(1),
            spans,
        };
        let tree = TraceTree::build(&t);
        let mut r: Vec<String> = check_trace(&t, &tree, &CheckOptions::default())
            .into_iter()
            .map(|f| f.rule)
            .collect();
        r.sort();
        r
    }

    #[test]
    fn one_client_with_several_shared_servers_is_no_duplicate() {
        // Zipkin: a message sent once (CLIENT 2) and received by two hosts, each joining the
        // client's span id (shared SERVER halves).
        let mut v = vec![
            sp(1, None, "a", SpanKind::Server, 100, 1000),
            sp(2, Some(1), "a", SpanKind::Client, 200, 300),
            sp(2, Some(1), "b", SpanKind::Server, 210, 290),
            sp(2, Some(1), "b", SpanKind::Server, 220, 280),
        ];
        v[2].shared = true;
        v[3].shared = true;
        assert!(rules(v.clone()).is_empty(), "{:?}", rules(v.clone()));
        // Two non-shared spans with one id still are.
        v[3].shared = false;
        assert!(rules(v).contains(&DUPLICATE_ID.to_string()));
    }

    #[test]
    fn datastore_clients_are_exempt() {
        let kv = |k: &str, v: &str| KeyValue {
            key: k.into(),
            value: Value::Str(v.into()),
        };
        let mut mc = sp(2, Some(1), "a", SpanKind::Client, 200, 300);
        mc.attributes.push(kv("peer.service", "memcache"));
        let mut cass = sp(3, Some(1), "a", SpanKind::Client, 200, 300);
        cass.attributes.push(kv("cassandra.query", "SELECT 1"));
        let mut http = sp(4, Some(1), "a", SpanKind::Client, 200, 300);
        http.attributes.push(kv("peer.service", "payments"));
        let r = rules(vec![
            sp(1, None, "a", SpanKind::Server, 100, 1000),
            mc,
            cass,
            http,
        ]);
        assert_eq!(r, vec![CLIENT_WITHOUT_SERVER.to_string()]);
    }
}
