//! Completeness and timing rules, per trace (`check`): one function per rule, run in the order
//! of the rule table (`analysis::rules`), which also gives each finding its severity. Skew
//! findings come from `skew`.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::findings::Finding;
use super::rules::{Eval, RULES, Rule};
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

/// Attribute key prefixes that mark a database, cache or messaging client (OTel semantic
/// conventions, and the tags older Zipkin/Brave instrumentation writes).
pub const EXEMPT_CLIENT_PREFIXES: &[&str] = CHECK_ATTRIBUTE_PREFIXES.split_at(12).0;

/// Every span attribute `check` reads, by key prefix: those that exempt clients (the first
/// twelve, [`EXEMPT_CLIENT_PREFIXES`]), name a datastore callee, or name hosts on the span
/// (skew by host; `host.*` is read from the resource).
pub const CHECK_ATTRIBUTE_PREFIXES: &[&str] = &[
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
    "peer.service",
    "net.host.",
    "network.local.",
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

/// A rule evaluated once for each root of the tree (the span's index, why it is a root).
pub type RootCheck = fn(&Rule, &TraceCx<'_>, usize, RootReason) -> Option<Finding>;
/// A rule evaluated once per trace.
pub type TraceCheck = fn(&Rule, &TraceCx<'_>, &mut Vec<Finding>);
/// A rule evaluated once per span (the span's index).
pub type SpanCheck = fn(&Rule, &TraceCx<'_>, usize) -> Option<Finding>;

/// What the check rules read about one trace.
pub struct TraceCx<'a> {
    pub trace: &'a Trace,
    pub tree: &'a TraceTree,
    pub opts: &'a CheckOptions,
    /// The spans without a parent id (orphans and cut cycles are roots of the tree, not these).
    pub real_roots: Vec<usize>,
}

impl TraceCx<'_> {
    fn span(&self, i: usize) -> &Span {
        &self.trace.spans[i]
    }

    /// A finding of `rule` on span `i`.
    fn on_span(&self, rule: &Rule, i: usize, message: String) -> Finding {
        let s = self.span(i);
        let (svc, op) = name(s);
        rule.finding(message)
            .at(self.trace.trace_id, Some(s.span_id))
            .on(svc, op)
    }

    /// A finding of `rule` on the whole trace.
    fn on_trace(&self, rule: &Rule, message: String) -> Finding {
        rule.finding(message).at(self.trace.trace_id, None)
    }
}

/// The `check` rules of the table by scope, in table order.
struct Plan {
    roots: Vec<(&'static Rule, RootCheck)>,
    trace: Vec<(&'static Rule, TraceCheck)>,
    spans: Vec<(&'static Rule, SpanCheck)>,
}

static PLAN: LazyLock<Plan> = LazyLock::new(|| {
    let mut plan = Plan {
        roots: Vec::new(),
        trace: Vec::new(),
        spans: Vec::new(),
    };
    for r in RULES {
        match r.eval {
            Eval::PerRoot(f) => plan.roots.push((r, f)),
            Eval::PerTrace(f) => plan.trace.push((r, f)),
            Eval::PerSpan(f) => plan.spans.push((r, f)),
            _ => {}
        }
    }
    plan
});

/// Every finding of the completeness and timing rules for one trace: the root rules for each
/// root of the tree, then the trace rules, then the span rules for each span.
pub fn check_trace(trace: &Trace, tree: &TraceTree, opts: &CheckOptions) -> Vec<Finding> {
    let cx = TraceCx {
        trace,
        tree,
        opts,
        real_roots: tree
            .roots
            .iter()
            .filter(|(_, why)| *why == RootReason::Root)
            .map(|&(i, _)| i as usize)
            .collect(),
    };
    let plan = &*PLAN;
    let mut out = Vec::new();
    for &(i, why) in &tree.roots {
        for (rule, f) in &plan.roots {
            out.extend(f(rule, &cx, i as usize, why));
        }
    }
    for (rule, f) in &plan.trace {
        f(rule, &cx, &mut out);
    }
    for i in 0..trace.spans.len() {
        for (rule, f) in &plan.spans {
            out.extend(f(rule, &cx, i));
        }
    }
    out
}

// ---- Root rules

pub fn orphan_span(rule: &Rule, cx: &TraceCx<'_>, i: usize, why: RootReason) -> Option<Finding> {
    if why != RootReason::Orphan {
        return None;
    }
    let s = cx.span(i);
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
    let message = format!("parent {parent} is not in the trace; {why}");
    Some(
        cx.on_span(rule, i, message)
            .detail("kind", kind)
            .detail("parent_span_id", parent),
    )
}

pub fn parent_cycle(rule: &Rule, cx: &TraceCx<'_>, i: usize, why: RootReason) -> Option<Finding> {
    (why == RootReason::Cycle).then(|| {
        cx.on_span(
            rule,
            i,
            "parent links loop back to this span; the loop was cut here".into(),
        )
    })
}

// ---- Trace rules

pub fn missing_root(rule: &Rule, cx: &TraceCx<'_>, out: &mut Vec<Finding>) {
    let n = cx.trace.spans.len();
    if cx.real_roots.is_empty() && n > 0 {
        out.push(cx.on_trace(
            rule,
            format!("none of the {n} spans is a root (all have a parent id)"),
        ));
    }
}

pub fn multiple_roots(rule: &Rule, cx: &TraceCx<'_>, out: &mut Vec<Finding>) {
    let roots = &cx.real_roots;
    if roots.len() > 1 {
        let names: Vec<String> = roots
            .iter()
            .take(5)
            .map(|&i| {
                let (svc, op) = name(cx.span(i));
                format!("{svc} {op}")
            })
            .collect();
        let message = format!("{} spans have no parent: {}", roots.len(), names.join(", "));
        out.push(cx.on_trace(rule, message).detail("roots", roots.len()));
    }
}

pub fn unexpected_root(rule: &Rule, cx: &TraceCx<'_>, out: &mut Vec<Finding>) {
    let Some(expected) = &cx.opts.expect_root else {
        return;
    };
    for &i in &cx.real_roots {
        let op = &*cx.span(i).name;
        if op != expected.as_str() {
            let message = format!("root operation is {op:?}, expected {expected:?}");
            out.push(
                cx.on_span(rule, i, message)
                    .detail("expected", expected.as_str()),
            );
        }
    }
}

pub fn duplicate_span_id(rule: &Rule, cx: &TraceCx<'_>, out: &mut Vec<Finding>) {
    let spans = &cx.trace.spans;
    for &(a, b) in &cx.tree.duplicate_ids {
        let (a, b) = (a as usize, b as usize);
        // Zipkin: one CLIENT half whose span id several SERVER halves joined (`shared`, e.g. one
        // message delivered to several receivers) is the shared-span case, not a duplicate.
        let id = spans[b].span_id;
        let (mut clients, mut servers, mut other) = (0, 0, 0);
        for s in spans.iter().filter(|s| s.span_id == id) {
            match (s.shared, s.kind) {
                (true, SpanKind::Server) => servers += 1,
                (false, _) => clients += 1,
                _ => other += 1,
            }
        }
        if clients == 1 && servers >= 1 && other == 0 {
            continue;
        }
        let message = format!(
            "span id {id} is used by two spans ({} and {})",
            name(&spans[a]).1,
            name(&spans[b]).1
        );
        out.push(cx.on_span(rule, b, message));
    }
}

pub fn expected_service_missing(rule: &Rule, cx: &TraceCx<'_>, out: &mut Vec<Finding>) {
    if cx.opts.expect_services.is_empty() {
        return;
    }
    let present: HashSet<&str> = cx.trace.spans.iter().map(|s| &*s.service).collect();
    for svc in &cx.opts.expect_services {
        if !present.contains(svc.as_str()) {
            let message = format!("service {svc:?} does not appear in the trace");
            out.push(cx.on_trace(rule, message).detail("expected", svc.as_str()));
        }
    }
}

// ---- Span rules

pub fn invalid_span_id(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    cx.span(i)
        .span_id
        .is_zero()
        .then(|| cx.on_span(rule, i, "span id is all zeros".into()))
}

pub fn missing_timestamp(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    (cx.span(i).start_ns == 0).then(|| cx.on_span(rule, i, "span has no start timestamp".into()))
}

pub fn negative_duration(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    // A span without a start is timing/missing-timestamp's.
    let s = cx.span(i);
    (s.start_ns != 0 && s.negative_duration()).then(|| {
        let by = format_duration(s.start_ns - s.end_ns);
        cx.on_span(rule, i, format!("ends {by} before it starts"))
    })
}

pub fn dropped_data(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    let s = cx.span(i);
    let (attrs, events, links) = (
        s.dropped_attributes_count,
        s.dropped_events_count,
        s.dropped_links_count,
    );
    (attrs + events + links > 0).then(|| {
        let message =
            format!("the SDK dropped {attrs} attribute(s), {events} event(s), {links} link(s)");
        cx.on_span(rule, i, message)
    })
}

pub fn client_without_server(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    let s = cx.span(i);
    if s.kind != SpanKind::Client || is_exempt_client(s) || s.shared {
        return None;
    }
    let has_server = cx
        .tree
        .children(i)
        .iter()
        .any(|&c| cx.span(c as usize).kind == SpanKind::Server);
    (!has_server).then(|| {
        cx.on_span(
            rule,
            i,
            "CLIENT span has no SERVER child: the callee is not instrumented or did not receive the trace context".into(),
        )
    })
}

pub fn child_outside_parent(rule: &Rule, cx: &TraceCx<'_>, i: usize) -> Option<Finding> {
    let s = cx.span(i);
    let p = cx.span(cx.tree.parent[i]? as usize);
    let asynchronous = (p.kind == SpanKind::Producer && s.kind == SpanKind::Consumer)
        || s.parent_ref == ParentRef::FollowsFrom;
    if asynchronous || s.start_ns == 0 || p.start_ns == 0 || s.shared {
        return None;
    }
    let tol = cx.opts.tolerance_ns;
    let early = p.start_ns.saturating_sub(s.start_ns);
    let late = s.end_ns.saturating_sub(p.end_ns.max(p.start_ns));
    if early <= tol && late <= tol {
        return None;
    }
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
    let message = format!("{}{cross}", parts.join(" and "));
    Some(
        cx.on_span(rule, i, message)
            .detail("early_ns", early)
            .detail("late_ns", late),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;
    use crate::model::{KeyValue, TraceId, Value};

    fn sp(id: u64, parent: Option<u64>, svc: &str, kind: SpanKind, start: u64, end: u64) -> Span {
        testkit::span(id)
            .parent(parent)
            .service(svc)
            .kind(kind)
            .start_ns(start)
            .end_ns(end)
            .build()
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
        assert!(rules(v).contains(&"completeness/duplicate-span-id".to_string()));
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
        assert_eq!(r, vec!["completeness/client-without-server".to_string()]);
    }
}
