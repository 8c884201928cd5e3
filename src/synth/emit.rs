//! Planned nodes → model spans: ids, names, kinds, scopes, semantic-convention attributes,
//! status, exception and retry events, links.

use std::sync::Arc;

mod shape;

use self::shape::{Shape, ShapeInput};
use super::errors::{self, Cause};
use super::plan::{NONE, Node, What};
use super::rng::Rng;
use super::topology::{self as topo, ENDPOINTS, Param, SERVICES};
use super::world::{Role, World};
use crate::model::{
    Event, FLAG_HAS_IS_REMOTE, FLAG_IS_REMOTE, Key, KeyValue, Link, ParentRef, RefKind, Span,
    SpanId, SpanKind, Status, StatusCode, TraceId, Value,
};

/// Reusable buffers for turning one plan into spans.
#[derive(Default)]
pub struct Emitter {
    ids: Vec<u64>,
    codes: Vec<u16>,
    causes: Vec<Option<(Cause, u8)>>,
    order: Vec<u32>,
}

fn kv(key: &Key, v: impl Into<Value>) -> KeyValue {
    KeyValue {
        key: key.clone(),
        value: v.into(),
    }
}

/// `url.path` of a request: the route with its parameter segment filled in.
fn path(route: &str, param: Param, value: u32) -> String {
    let fill = match param {
        Param::None => return route.to_string(),
        Param::Sku => format!("SKU-{value:05}"),
        Param::User => format!("u{value:07}"),
    };
    let mut out = String::with_capacity(route.len() + 8);
    for (i, seg) in route.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if seg.starts_with([':', '<', '{']) {
            out.push_str(&fill);
        } else {
            out.push_str(seg);
        }
    }
    out
}

impl Emitter {
    /// Status codes and failure causes, children before parents.
    fn prepare(&mut self, nodes: &[Node], rng: &mut Rng) {
        let n = nodes.len();
        self.codes.clear();
        self.codes.resize(n, 0);
        self.causes.clear();
        self.causes.resize(n, None);
        for i in (0..n).rev() {
            let nd = &nodes[i];
            if nd.fail {
                let cause = if nd.origin {
                    let c = match nd.what {
                        What::Db(_) => Cause::Db,
                        What::Cache(_) => Cause::Cache,
                        What::Producer(_) => Cause::Messaging,
                        What::Client(_) => Cause::Connect,
                        _ => Cause::Handler,
                    };
                    Some((c, rng.below(2) as u8))
                } else {
                    nd.children()
                        .find(|&c| nodes[c].fail && !nodes[c].detached)
                        .and_then(|c| match nodes[c].what {
                            What::Client(_) => Some((Cause::Upstream(self.codes[c]), 0)),
                            _ => self.causes[c],
                        })
                };
                self.causes[i] = cause.or(Some((Cause::Handler, 0)));
            }
            self.codes[i] = match nd.what {
                What::Server(_) if nd.fail => match self.causes[i] {
                    Some((Cause::Upstream(_), _)) if nd.service == topo::FRONTEND => 502,
                    Some((Cause::Db | Cause::Cache, _)) => 503,
                    _ => 500,
                },
                What::Server(e) => {
                    if ENDPOINTS[e as usize].route.ends_with("orders") {
                        201
                    } else {
                        200
                    }
                }
                What::Client(_) if nd.n_children > 0 => self.codes[nd.first_child as usize],
                _ => 0,
            };
        }
    }

    /// Build the spans of a planned trace, in the order an SDK would export them (by end time).
    pub fn emit(
        &mut self,
        world: &World,
        nodes: &[Node],
        rng: &mut Rng,
        trace_id: TraceId,
        link_to: Option<(TraceId, SpanId)>,
    ) -> Vec<Span> {
        self.ids.clear();
        self.ids.extend((0..nodes.len()).map(|_| rng.nonzero_u64()));
        self.prepare(nodes, rng);
        self.order.clear();
        self.order.extend(0..nodes.len() as u32);
        self.order.sort_by_key(|&i| (nodes[i as usize].end(), i));
        let mut spans = Vec::with_capacity(nodes.len());
        for k in 0..self.order.len() {
            let i = self.order[k] as usize;
            let mut s = self.span(world, nodes, rng, trace_id, i);
            if i == 0
                && let Some((t, sid)) = link_to
            {
                s.links.push(Link {
                    trace_id: t,
                    span_id: sid,
                    kind: RefKind::Link,
                    trace_state: None,
                    attributes: Vec::new(),
                    dropped_attributes_count: 0,
                    flags: FLAG_HAS_IS_REMOTE,
                });
            }
            spans.push(s);
        }
        spans
    }

    fn span(
        &self,
        world: &World,
        nodes: &[Node],
        rng: &mut Rng,
        trace_id: TraceId,
        i: usize,
    ) -> Span {
        let nd = &nodes[i];
        let parent = (nd.parent != NONE).then(|| &nodes[nd.parent as usize]);
        let mut s = self.base_span(world, nd, parent.is_some(), trace_id, i);
        let code = self.codes[i];
        let input = ShapeInput {
            world,
            nd,
            parent,
            code,
        };
        let Shape {
            kind,
            role,
            name,
            mut attrs,
            event,
        } = input.shape(rng);
        s.events.extend(event);
        s.kind = kind;
        s.scope = world.scope(nd.service, role).clone();
        self.retry_events(world, nodes, nd, &mut s.events);
        if nd.fail {
            s.status = self.failure(world, nd, i, s.end_ns, &mut attrs, &mut s.events);
        }
        s.events.sort_by_key(|e| e.time_ns);
        s.name = name;
        s.attributes = attrs;
        s
    }

    /// The span's ids, service, times and resource; name, kind, scope, attributes, events and
    /// status are filled in after.
    fn base_span(
        &self,
        world: &World,
        nd: &Node,
        has_parent: bool,
        trace_id: TraceId,
        i: usize,
    ) -> Span {
        let remote = has_parent && matches!(nd.what, What::Server(_) | What::Consumer(_));
        // Built field by field: `Span::new` would allocate placeholders we replace at once.
        Span {
            trace_id,
            span_id: SpanId(self.ids[i]),
            parent_span_id: has_parent.then(|| SpanId(self.ids[nd.parent as usize])),
            parent_ref: ParentRef::ParentId,
            name: world.exception.clone(),
            service: world.service_names[usize::from(nd.service)].clone(),
            kind: SpanKind::Unspecified,
            status: Status::default(),
            start_ns: nd.start,
            end_ns: nd.end(),
            flags: FLAG_HAS_IS_REMOTE | if remote { FLAG_IS_REMOTE } else { 0 },
            trace_state: None,
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resource: world.resource(nd.service, nd.instance).clone(),
            scope: world.scope(nd.service, Role::Internal).clone(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            shared: false,
        }
    }

    /// Retries this span made: an event when the next attempt starts.
    fn retry_events(&self, world: &World, nodes: &[Node], nd: &Node, events: &mut Vec<Event>) {
        let keys = &world.keys;
        for c in nd.children() {
            if nodes[c].resend > 0 && c > 0 {
                let failed = self.codes[c - 1];
                let a = vec![
                    kv(&keys.retry_attempt, i64::from(nodes[c].resend) + 1),
                    kv(
                        &keys.retry_reason,
                        format!("{failed} {}", errors::reason(failed)),
                    ),
                ];
                events.push(event(world.retry.clone(), nodes[c].start, a));
            }
        }
    }

    /// The error status of the failed node `i`: the HTTP reason for a client that got a status
    /// code, else an exception (an event with a stack trace, and `error.type` where the kind
    /// does not set it).
    fn failure(
        &self,
        world: &World,
        nd: &Node,
        i: usize,
        end_ns: u64,
        attrs: &mut Vec<KeyValue>,
        events: &mut Vec<Event>,
    ) -> Status {
        let keys = &world.keys;
        let code = self.codes[i];
        let lang = SERVICES[usize::from(nd.service)].lang;
        let (cause, variant) = self.causes[i].unwrap_or((Cause::Handler, 0));
        let http_client = matches!(nd.what, What::Client(_)) && code != 0;
        let message = if http_client {
            format!("{code} {}", errors::reason(code))
        } else {
            let (ty, msg) = errors::exception(lang, cause, variant);
            if !matches!(nd.what, What::Server(_) | What::Client(_)) {
                attrs.push(kv(&keys.error_type, ty));
            }
            let func = func_name(nd);
            let line = 20 + (self.ids[i] % 400) as u32;
            let svc = SERVICES[usize::from(nd.service)].name;
            // Spans of the worker run in its consumer loop, not in an HTTP handler.
            let consumer = nd.service == topo::WORKER;
            let st = errors::stacktrace(lang, svc, &func, ty, &msg, line, consumer);
            let t = end_ns.saturating_sub((nd.dur / 20).min(30_000));
            let full = format!("{ty}: {msg}");
            let a = vec![
                kv(&keys.exc_type, ty),
                kv(&keys.exc_message, msg),
                kv(&keys.exc_stacktrace, st),
            ];
            events.push(event(world.exception.clone(), t, a));
            full
        };
        Status {
            code: StatusCode::Error,
            message: Some(message.into_boxed_str()),
        }
    }
}

fn event(name: Arc<str>, time_ns: u64, attributes: Vec<KeyValue>) -> Event {
    Event {
        time_ns,
        name,
        attributes,
        dropped_attributes_count: 0,
    }
}

/// A plausible function name for stack traces.
fn func_name(nd: &Node) -> String {
    match nd.what {
        What::Server(e) => {
            let ep = &ENDPOINTS[e as usize];
            let last = ep
                .route
                .split('/')
                .rev()
                .find(|s| !s.is_empty() && !s.starts_with([':', '<', '{']));
            format!(
                "{}_{}",
                ep.method.to_ascii_lowercase(),
                last.unwrap_or("index").replace('-', "_")
            )
        }
        What::Consumer(_) => "process_message".to_string(),
        What::Db(_) => "execute_query".to_string(),
        What::Cache(_) => "execute_command".to_string(),
        What::Producer(_) => "send_message".to_string(),
        What::Client(_) => "call_upstream".to_string(),
        What::Internal(o) => topo::INTERNAL_OPS[o as usize].name.replace(['-', '.'], "_"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            path("/cart/<user_id>/items", Param::User, 42),
            "/cart/u0000042/items"
        );
        assert_eq!(
            path("/catalog/products/{sku}", Param::Sku, 7),
            "/catalog/products/SKU-00007"
        );
        assert_eq!(
            path("/product/:sku", Param::Sku, 12345),
            "/product/SKU-12345"
        );
        assert_eq!(path("/search", Param::None, 3), "/search");
    }
}
