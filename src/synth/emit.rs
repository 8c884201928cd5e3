//! Planned nodes → model spans: ids, names, kinds, scopes, semantic-convention attributes,
//! status, exception and retry events, links.

use std::sync::Arc;

use super::errors::{self, Cause};
use super::plan::{NONE, Node, What};
use super::rng::Rng;
use super::topology::{self as topo, ENDPOINTS, Param, SERVICES};
use super::world::{BROWSERS, Role, World};
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
        let keys = &world.keys;
        let parent = (nd.parent != NONE).then(|| &nodes[nd.parent as usize]);
        let remote = parent.is_some() && matches!(nd.what, What::Server(_) | What::Consumer(_));
        // Built field by field: `Span::new` would allocate placeholders we replace at once.
        let mut s = Span {
            trace_id,
            span_id: SpanId(self.ids[i]),
            parent_span_id: parent.map(|_| SpanId(self.ids[nd.parent as usize])),
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
        };
        let code = self.codes[i];
        let err_type = |a: &mut Vec<KeyValue>, t: &str| {
            if nd.fail {
                a.push(kv(&keys.error_type, t));
            }
        };
        let (kind, role, name, mut attrs) = match nd.what {
            What::Server(e) => {
                let ep = &ENDPOINTS[e as usize];
                let mut a = Vec::with_capacity(11);
                a.push(kv(&keys.method, ep.method));
                a.push(kv(&keys.route, ep.route));
                a.push(kv(&keys.url_path, path(ep.route, ep.param, nd.param)));
                a.push(kv(&keys.url_scheme, "http"));
                a.push(kv(
                    &keys.server_address,
                    SERVICES[usize::from(nd.service)].name,
                ));
                a.push(kv(
                    &keys.server_port,
                    SERVICES[usize::from(nd.service)].port,
                ));
                let (addr, ua) = match parent {
                    Some(p) => (
                        world.address(p.service, p.instance),
                        topo::profile(SERVICES[usize::from(p.service)].lang).user_agent,
                    ),
                    None => ("10.0.3.17", *rng.pick(&BROWSERS)),
                };
                a.push(kv(&keys.client_address, addr));
                a.push(kv(&keys.user_agent, ua));
                a.push(kv(&keys.protocol_version, "1.1"));
                a.push(kv(&keys.status_code, i64::from(code)));
                err_type(&mut a, &code.to_string());
                (
                    SpanKind::Server,
                    Role::Server,
                    world.server_names[e as usize].clone(),
                    a,
                )
            }
            What::Client(e) => {
                let ep = &ENDPOINTS[e as usize];
                let svc = &SERVICES[usize::from(ep.service)];
                let mut a = Vec::with_capacity(7);
                a.push(kv(&keys.method, ep.method));
                let url = format!(
                    "http://{}:{}{}",
                    svc.name,
                    svc.port,
                    path(ep.route, ep.param, nd.param)
                );
                a.push(kv(&keys.url_full, url));
                a.push(kv(&keys.server_address, svc.name));
                a.push(kv(&keys.server_port, svc.port));
                if code != 0 {
                    a.push(kv(&keys.status_code, i64::from(code)));
                }
                if nd.resend > 0 {
                    a.push(kv(&keys.resend_count, i64::from(nd.resend)));
                }
                err_type(
                    &mut a,
                    &if code != 0 {
                        code.to_string()
                    } else {
                        "timeout".to_string()
                    },
                );
                (
                    SpanKind::Client,
                    Role::Client,
                    world.method_names[e as usize].clone(),
                    a,
                )
            }
            What::Db(q) => {
                let qd = &topo::QUERIES[q as usize];
                let mut a = Vec::with_capacity(8);
                a.push(kv(&keys.db_system, "postgresql"));
                a.push(kv(&keys.db_namespace, "shop"));
                a.push(kv(&keys.db_operation, qd.operation));
                if !qd.table.is_empty() {
                    a.push(kv(&keys.db_collection, qd.table));
                }
                a.push(kv(&keys.db_query, qd.text));
                a.push(kv(&keys.server_address, "postgres"));
                a.push(kv(&keys.server_port, 5432i64));
                (
                    SpanKind::Client,
                    Role::Db,
                    world.query_names[q as usize].clone(),
                    a,
                )
            }
            What::Cache(c) => {
                let cd = &topo::CACHE_CMDS[c as usize];
                let mut a = Vec::with_capacity(7);
                a.push(kv(&keys.db_system, "redis"));
                a.push(kv(&keys.db_namespace, "0"));
                a.push(kv(&keys.db_operation, cd.operation));
                a.push(kv(&keys.db_query, cd.text));
                a.push(kv(&keys.server_address, "redis"));
                a.push(kv(&keys.server_port, 6379i64));
                (
                    SpanKind::Client,
                    Role::Cache,
                    world.cache_names[c as usize].clone(),
                    a,
                )
            }
            What::Producer(e) | What::Consumer(e) => {
                let consumer = !matches!(nd.what, What::Producer(_));
                let topic = ENDPOINTS[e as usize].topic.unwrap_or("");
                let mut a = Vec::with_capacity(8);
                a.push(kv(&keys.msg_system, "kafka"));
                a.push(kv(&keys.msg_destination, topic));
                let op = if consumer { "process" } else { "send" };
                a.push(kv(&keys.msg_op_type, op));
                a.push(kv(&keys.msg_op_name, op));
                a.push(kv(&keys.msg_partition, nd.param.to_string()));
                if consumer {
                    a.push(kv(&keys.msg_group, SERVICES[usize::from(nd.service)].name));
                    a.push(kv(&keys.msg_offset, rng.range(1_000_000, 9_000_000) as i64));
                    (
                        SpanKind::Consumer,
                        Role::Messaging,
                        world.consumer_names[e as usize].clone(),
                        a,
                    )
                } else {
                    a.push(kv(&keys.server_address, "kafka"));
                    a.push(kv(&keys.server_port, 9092i64));
                    (
                        SpanKind::Producer,
                        Role::Messaging,
                        world.producer_names[e as usize].clone(),
                        a,
                    )
                }
            }
            What::Internal(o) => {
                let od = &topo::INTERNAL_OPS[o as usize];
                let mut a = Vec::new();
                if let (Some((_, lo, hi)), Some(key)) = (od.attr, &world.internal_keys[o as usize])
                {
                    let v = lo + rng.below((hi - lo + 1) as u64) as i64;
                    a.push(kv(key, v));
                }
                if let Some(ev) = &world.internal_events[o as usize] {
                    s.events
                        .push(event(ev.clone(), nd.start + nd.dur / 2, Vec::new()));
                }
                (
                    SpanKind::Internal,
                    Role::Internal,
                    world.internal_names[o as usize].clone(),
                    a,
                )
            }
        };
        s.kind = kind;
        s.scope = world.scope(nd.service, role).clone();
        // Retries this span made: an event when the next attempt starts.
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
                s.events.push(event(world.retry.clone(), nodes[c].start, a));
            }
        }
        if nd.fail {
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
                let t = s.end_ns.saturating_sub((nd.dur / 20).min(30_000));
                let full = format!("{ty}: {msg}");
                let a = vec![
                    kv(&keys.exc_type, ty),
                    kv(&keys.exc_message, msg),
                    kv(&keys.exc_stacktrace, st),
                ];
                s.events.push(event(world.exception.clone(), t, a));
                full
            };
            s.status = Status {
                code: StatusCode::Error,
                message: Some(message.into_boxed_str()),
            };
        }
        s.events.sort_by_key(|e| e.time_ns);
        s.name = name;
        s.attributes = attrs;
        s
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
