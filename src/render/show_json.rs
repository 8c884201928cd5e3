//! `tracekit show --format json`: one trace as `tracekit.show/v1` (SPEC "JSON output"), plus
//! extras: end times, status messages, typed attributes, events, links, scopes, per-span
//! warnings, and the resource attributes once per service.
//!
//! Strings are written raw (serde escapes them for JSON); nothing here is for a terminal.
//! The spans are streamed one per line, in tree preorder, so memory stays at one span's JSON.

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::span_view::{Filter, SpanView, Vis, WARNING_KINDS};
use crate::model::{KeyValue, RefKind, Span, Trace, TraceTree};

pub const SCHEMA: &str = "tracekit.show/v1";

#[derive(Serialize, JsonSchema)]
pub struct Head<'a> {
    #[schemars(extend("const" = SCHEMA))]
    schema: &'static str,
    trace_id: String,
    start_ns: u64,
    end_ns: u64,
    duration_ns: u64,
    span_count: usize,
    error_count: usize,
    warning_count: usize,
    /// Spans left out by the filters.
    hidden_spans: usize,
    services: Vec<&'a str>,
    /// Resource attributes once per service (of the service's first span in tree order).
    resources: BTreeMap<&'a str, serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize, JsonSchema)]
pub struct SpanJson<'a> {
    span_id: String,
    parent_span_id: Option<String>,
    service: &'a str,
    operation: &'a str,
    kind: &'static str,
    start_ns: u64,
    end_ns: u64,
    duration_ns: u64,
    self_ns: u64,
    status: &'static str,
    status_message: Option<&'a str>,
    depth: u32,
    /// The span owns part of the critical path (`critical_path_ns` says how much).
    /// spans on the path.
    critical: bool,
    critical_path_ns: u64,
    /// Zipkin: the server half of a shared client/server span.
    shared: bool,
    /// Shown only as the ancestor of a span that matches the filters.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    context: bool,
    scope: Option<ScopeJson<'a>>,
    attributes: serde_json::Map<String, serde_json::Value>,
    events: Vec<EventJson<'a>>,
    links: Vec<LinkJson>,
    warnings: Vec<&'static str>,
}

#[derive(Serialize, JsonSchema)]
pub struct ScopeJson<'a> {
    name: &'a str,
    version: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
pub struct EventJson<'a> {
    time_ns: u64,
    /// Time after the span's start (negative when before it).
    offset_ns: i64,
    name: &'a str,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, JsonSchema)]
pub struct LinkJson {
    trace_id: String,
    span_id: String,
    kind: &'static str,
    attributes: serde_json::Map<String, serde_json::Value>,
}

fn attrs(kvs: &[KeyValue]) -> serde_json::Map<String, serde_json::Value> {
    kvs.iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_json()))
        .collect()
}

fn ref_kind(k: RefKind) -> &'static str {
    match k {
        RefKind::Link => "link",
        RefKind::ChildOf => "child_of",
        RefKind::FollowsFrom => "follows_from",
    }
}

/// `tracekit.show/v1`: one trace (`show --trace ID`, or a single trace) as a head and its spans,
/// or the list of traces. Only for the schema: the trace is written as [`Head`] followed by the
/// spans streamed one by one, and the list by `trace_list::render_json`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ShowDoc<'a> {
    Trace(ShowTraceDoc<'a>),
    List(super::trace_list::ListJson<'a>),
}

/// One trace: the head fields, then `spans` in tree preorder.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct ShowTraceDoc<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    spans: Vec<SpanJson<'a>>,
}

/// Write the trace as one JSON document (the spans one per line).
pub fn render(
    trace: &Trace,
    tree: &TraceTree,
    filter: &Filter,
    out: &mut dyn Write,
) -> io::Result<()> {
    let view = SpanView::build(trace, tree, filter);
    let spans = &trace.spans;

    let mut resources = BTreeMap::new();
    for &i in &view.order {
        if let Some(s) = spans.get(i as usize) {
            resources
                .entry(&*s.service)
                .or_insert_with(|| attrs(&s.resource.attributes));
        }
    }
    let head = Head {
        schema: SCHEMA,
        trace_id: trace.trace_id.to_string(),
        start_ns: trace.start_ns(),
        end_ns: trace.end_ns(),
        duration_ns: trace.duration_ns(),
        span_count: spans.len(),
        error_count: trace.error_count(),
        warning_count: view.warning_count(),
        hidden_spans: view.hidden,
        services: trace.services(),
        resources,
    };
    // The head object without its closing brace, then the spans array.
    let head = serde_json::to_string(&head).map_err(io::Error::other)?;
    out.write_all(head.strip_suffix('}').unwrap_or(&head).as_bytes())?;
    out.write_all(b",\"spans\":[")?;
    for (n, &i) in view.order.iter().enumerate() {
        let i = i as usize;
        let Some(s) = spans.get(i) else { continue };
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        let j = span_json(s, i, tree, &view);
        // `io::Error::from` keeps the writer's own error (a closed pipe, a full disk).
        serde_json::to_writer(&mut *out, &j).map_err(io::Error::from)?;
    }
    out.write_all(b"\n]}\n")
}

fn span_json<'a>(s: &'a Span, i: usize, tree: &TraceTree, view: &SpanView) -> SpanJson<'a> {
    let bits = view.warnings.get(i).copied().unwrap_or(0);
    SpanJson {
        span_id: s.span_id.to_string(),
        parent_span_id: s
            .parent_span_id
            .filter(|p| !p.is_zero())
            .map(|p| p.to_string()),
        service: &s.service,
        operation: &s.name,
        kind: s.kind.as_str(),
        start_ns: s.start_ns,
        end_ns: s.end_ns,
        duration_ns: s.duration_ns(),
        self_ns: view.self_ns.get(i).copied().unwrap_or(0),
        status: s.status.code.as_str(),
        status_message: s.status.message.as_deref(),
        depth: tree.depth.get(i).copied().unwrap_or(0),
        critical: view.critical_ns.get(i).is_some_and(|c| *c > 0),
        critical_path_ns: view.critical_ns.get(i).copied().unwrap_or(0),
        shared: s.shared,
        context: view.vis.get(i) == Some(&Vis::Context),
        scope: (!s.scope.name.is_empty()).then(|| ScopeJson {
            name: &s.scope.name,
            version: s.scope.version.as_deref(),
        }),
        attributes: attrs(&s.attributes),
        events: s
            .events
            .iter()
            .map(|e| EventJson {
                time_ns: e.time_ns,
                offset_ns: (i128::from(e.time_ns) - i128::from(s.start_ns))
                    .clamp(i128::from(i64::MIN), i128::from(i64::MAX))
                    as i64,
                name: &e.name,
                attributes: attrs(&e.attributes),
            })
            .collect(),
        links: s
            .links
            .iter()
            .map(|l| LinkJson {
                trace_id: l.trace_id.to_string(),
                span_id: l.span_id.to_string(),
                kind: ref_kind(l.kind),
                attributes: attrs(&l.attributes),
            })
            .collect(),
        warnings: WARNING_KINDS
            .iter()
            .filter(|k| bits & k.bit != 0)
            .map(|k| k.name)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Link, Scope, SpanId, SpanKind, StatusCode, TraceId, Value};
    use crate::render::testkit::{BASE_NS, TraceBuilder};
    use std::sync::Arc;

    fn trace() -> Trace {
        let mut b = TraceBuilder::new(0x4bf92f3577b34da6a3ce929d0e0e4736);
        {
            let r = b.span(1, None, "front\x1b[2J", "GET /", 0, 100);
            r.kind = SpanKind::Server;
            r.attributes
                .push(KeyValue::new("http.status_code", Value::Int(500)));
            r.attributes
                .push(KeyValue::new("ratio", Value::Double(0.5)));
            r.attributes.push(KeyValue::new(
                "tags",
                Value::Array(vec![Value::from("a"), Value::Bool(true)].into()),
            ));
            r.status.code = StatusCode::Error;
            r.status.message = Some("boom\u{202e}".into());
            r.scope = Arc::new(Scope {
                name: "lib".into(),
                version: Some("1.0".into()),
                ..Scope::default()
            });
            r.events.push(Event {
                time_ns: BASE_NS + 20_000,
                name: "exception".into(),
                attributes: vec![KeyValue::new("exception.type", Value::from("E"))],
                dropped_attributes_count: 0,
            });
            r.links.push(Link {
                trace_id: TraceId(9),
                span_id: SpanId(8),
                kind: RefKind::FollowsFrom,
                trace_state: None,
                attributes: vec![],
                dropped_attributes_count: 0,
                flags: 0,
            });
        }
        b.span(2, Some(1), "db", "SELECT", 10, 30);
        b.span(3, Some(1), "db", "INSERT", 20, 90); // [20,110): ends after the root
        b.span(4, Some(2), "db", "fetch", 15, 5);
        b.span(5, Some(0xdead), "cache", "get", 50, 0); // orphan, zero length
        b.build()
    }

    fn json(t: &Trace, f: &Filter) -> serde_json::Value {
        let tree = TraceTree::build(t);
        let mut out = Vec::new();
        render(t, &tree, f, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn spec_shape_and_extras() {
        let v = json(&trace(), &Filter::default());
        assert_eq!(v["schema"], "tracekit.show/v1");
        assert_eq!(v["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(v["start_ns"], BASE_NS);
        assert_eq!(v["end_ns"], BASE_NS + 110_000);
        assert_eq!(v["duration_ns"], 110_000);
        assert_eq!(v["span_count"], 5);
        assert_eq!(v["error_count"], 1);
        assert_eq!(v["warning_count"], 2);
        assert_eq!(v["hidden_spans"], 0);
        assert_eq!(
            v["services"],
            serde_json::json!(["cache", "db", "front\x1b[2J"])
        );
        assert_eq!(v["resources"]["db"]["service.name"], "db");

        let spans = v["spans"].as_array().unwrap();
        let ids: Vec<&str> = spans
            .iter()
            .map(|s| s["span_id"].as_str().unwrap())
            .collect();
        // Preorder: root, SELECT (10), fetch, INSERT (20), then the orphan root (50).
        assert_eq!(
            ids,
            [
                "0000000000000001",
                "0000000000000002",
                "0000000000000004",
                "0000000000000003",
                "0000000000000005"
            ]
        );

        let root = &spans[0];
        assert_eq!(root["parent_span_id"], serde_json::Value::Null);
        assert_eq!(root["service"], "front\x1b[2J", "raw in JSON");
        assert_eq!(root["operation"], "GET /");
        assert_eq!(root["kind"], "server");
        assert_eq!(root["start_ns"], BASE_NS);
        assert_eq!(root["end_ns"], BASE_NS + 100_000);
        assert_eq!(root["duration_ns"], 100_000);
        // Children cover [10,40) ∪ [20,100) (INSERT clipped) = [10,100): 90µs.
        assert_eq!(root["self_ns"], 10_000);
        assert_eq!(root["status"], "error");
        assert_eq!(root["status_message"], "boom\u{202e}");
        assert_eq!(root["depth"], 0);
        // A root always owns part of its own critical path.
        assert_eq!(root["critical"], true);
        assert!(root["critical_path_ns"].as_u64().unwrap() > 0);
        assert_eq!(root["shared"], false);
        assert!(root.get("context").is_none());
        assert_eq!(
            root["scope"],
            serde_json::json!({"name": "lib", "version": "1.0"})
        );
        assert_eq!(root["attributes"]["http.status_code"], 500);
        assert_eq!(root["attributes"]["ratio"], 0.5);
        assert_eq!(root["attributes"]["tags"], serde_json::json!(["a", true]));
        assert_eq!(root["events"][0]["offset_ns"], 20_000);
        assert_eq!(root["events"][0]["time_ns"], BASE_NS + 20_000);
        assert_eq!(root["events"][0]["name"], "exception");
        assert_eq!(root["events"][0]["attributes"]["exception.type"], "E");
        assert_eq!(
            root["links"][0]["trace_id"],
            "00000000000000000000000000000009"
        );
        assert_eq!(root["links"][0]["span_id"], "0000000000000008");
        assert_eq!(root["links"][0]["kind"], "follows_from");
        assert_eq!(root["warnings"], serde_json::json!([]));

        assert_eq!(spans[1]["parent_span_id"], "0000000000000001");
        assert_eq!(spans[1]["self_ns"], 25_000);
        assert_eq!(spans[1]["depth"], 1);
        assert_eq!(spans[2]["depth"], 2);
        assert_eq!(
            spans[3]["warnings"],
            serde_json::json!(["ends_after_parent"])
        );
        assert_eq!(spans[4]["warnings"], serde_json::json!(["orphan"]));
        assert_eq!(spans[4]["parent_span_id"], "000000000000dead");
        assert_eq!(spans[4]["duration_ns"], 0);
        assert_eq!(spans[4]["depth"], 0);
    }

    #[test]
    fn filters_apply_with_context() {
        let f = Filter {
            services: vec!["db".into()],
            max_depth: Some(1),
            ..Filter::default()
        };
        let v = json(&trace(), &f);
        let spans = v["spans"].as_array().unwrap();
        let ids: Vec<&str> = spans
            .iter()
            .map(|s| s["span_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["0000000000000001", "0000000000000002", "0000000000000003"]
        );
        assert_eq!(spans[0]["context"], true);
        assert!(spans[1].get("context").is_none());
        assert_eq!(v["hidden_spans"], 2);
    }

    #[test]
    fn empty_trace_is_valid_json() {
        let v = json(&Trace::new(TraceId(5)), &Filter::default());
        assert_eq!(v["spans"], serde_json::json!([]));
        assert_eq!(v["span_count"], 0);
    }
}
