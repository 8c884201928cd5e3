//! What a planned node is as a span: its kind, scope role, name and semantic-convention
//! attributes, one function per kind of node.

use std::sync::Arc;

use super::{event, kv, path};
use crate::model::{Event, KeyValue, SpanKind};
use crate::synth::plan::{Node, What};
use crate::synth::rng::Rng;
use crate::synth::topology::{self as topo, ENDPOINTS, SERVICES};
use crate::synth::world::{BROWSERS, Role, World};

/// A node's kind, role, name and attributes (and, for some internal operations, an event).
pub(super) struct Shape {
    pub kind: SpanKind,
    pub role: Role,
    pub name: Arc<str>,
    pub attrs: Vec<KeyValue>,
    pub event: Option<Event>,
}

impl Shape {
    fn new(kind: SpanKind, role: Role, name: &Arc<str>, attrs: Vec<KeyValue>) -> Self {
        Shape {
            kind,
            role,
            name: name.clone(),
            attrs,
            event: None,
        }
    }
}

/// What the shape of one node depends on besides the node.
pub(super) struct ShapeInput<'a> {
    pub world: &'a World,
    pub nd: &'a Node,
    pub parent: Option<&'a Node>,
    /// The HTTP status code of the node (0: none).
    pub code: u16,
}

impl ShapeInput<'_> {
    /// The shape of the node; draws from `rng` for some kinds (in node order, so that a seed
    /// gives the same traces).
    pub fn shape(&self, rng: &mut Rng) -> Shape {
        match self.nd.what {
            What::Server(e) => self.server(e, rng),
            What::Client(e) => self.client(e),
            What::Db(q) => self.db(q),
            What::Cache(c) => self.cache(c),
            What::Producer(e) => self.producer(e),
            What::Consumer(e) => self.consumer(e, rng),
            What::Internal(o) => self.internal(o, rng),
        }
    }

    /// `error.type` when the node failed.
    fn error_type(&self, a: &mut Vec<KeyValue>, t: &str) {
        if self.nd.fail {
            a.push(kv(&self.world.keys.error_type, t));
        }
    }

    fn server(&self, e: u16, rng: &mut Rng) -> Shape {
        let (world, nd, keys) = (self.world, self.nd, &self.world.keys);
        let ep = &ENDPOINTS[e as usize];
        let svc = &SERVICES[usize::from(nd.service)];
        let mut a = Vec::with_capacity(11);
        a.push(kv(&keys.method, ep.method));
        a.push(kv(&keys.route, ep.route));
        a.push(kv(&keys.url_path, path(ep.route, ep.param, nd.param)));
        a.push(kv(&keys.url_scheme, "http"));
        a.push(kv(&keys.server_address, svc.name));
        a.push(kv(&keys.server_port, svc.port));
        let (addr, ua) = match self.parent {
            Some(p) => (
                world.address(p.service, p.instance),
                topo::profile(SERVICES[usize::from(p.service)].lang).user_agent,
            ),
            None => ("10.0.3.17", *rng.pick(&BROWSERS)),
        };
        a.push(kv(&keys.client_address, addr));
        a.push(kv(&keys.user_agent, ua));
        a.push(kv(&keys.protocol_version, "1.1"));
        a.push(kv(&keys.status_code, i64::from(self.code)));
        self.error_type(&mut a, &self.code.to_string());
        Shape::new(
            SpanKind::Server,
            Role::Server,
            &world.server_names[e as usize],
            a,
        )
    }

    fn client(&self, e: u16) -> Shape {
        let (nd, keys, code) = (self.nd, &self.world.keys, self.code);
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
        let error = if code != 0 {
            code.to_string()
        } else {
            "timeout".to_string()
        };
        self.error_type(&mut a, &error);
        Shape::new(
            SpanKind::Client,
            Role::Client,
            &self.world.method_names[e as usize],
            a,
        )
    }

    fn db(&self, q: u16) -> Shape {
        let keys = &self.world.keys;
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
        Shape::new(
            SpanKind::Client,
            Role::Db,
            &self.world.query_names[q as usize],
            a,
        )
    }

    fn cache(&self, c: u16) -> Shape {
        let keys = &self.world.keys;
        let cd = &topo::CACHE_CMDS[c as usize];
        let mut a = Vec::with_capacity(7);
        a.push(kv(&keys.db_system, "redis"));
        a.push(kv(&keys.db_namespace, "0"));
        a.push(kv(&keys.db_operation, cd.operation));
        a.push(kv(&keys.db_query, cd.text));
        a.push(kv(&keys.server_address, "redis"));
        a.push(kv(&keys.server_port, 6379i64));
        Shape::new(
            SpanKind::Client,
            Role::Cache,
            &self.world.cache_names[c as usize],
            a,
        )
    }

    /// The attributes producers and consumers share.
    fn messaging_attrs(&self, e: u16, op: &str) -> Vec<KeyValue> {
        let keys = &self.world.keys;
        let topic = ENDPOINTS[e as usize].topic.unwrap_or("");
        let mut a = Vec::with_capacity(8);
        a.push(kv(&keys.msg_system, "kafka"));
        a.push(kv(&keys.msg_destination, topic));
        a.push(kv(&keys.msg_op_type, op));
        a.push(kv(&keys.msg_op_name, op));
        a.push(kv(&keys.msg_partition, self.nd.param.to_string()));
        a
    }

    fn producer(&self, e: u16) -> Shape {
        let keys = &self.world.keys;
        let mut a = self.messaging_attrs(e, "send");
        a.push(kv(&keys.server_address, "kafka"));
        a.push(kv(&keys.server_port, 9092i64));
        Shape::new(
            SpanKind::Producer,
            Role::Messaging,
            &self.world.producer_names[e as usize],
            a,
        )
    }

    fn consumer(&self, e: u16, rng: &mut Rng) -> Shape {
        let keys = &self.world.keys;
        let mut a = self.messaging_attrs(e, "process");
        a.push(kv(
            &keys.msg_group,
            SERVICES[usize::from(self.nd.service)].name,
        ));
        a.push(kv(&keys.msg_offset, rng.range(1_000_000, 9_000_000) as i64));
        Shape::new(
            SpanKind::Consumer,
            Role::Messaging,
            &self.world.consumer_names[e as usize],
            a,
        )
    }

    fn internal(&self, o: u16, rng: &mut Rng) -> Shape {
        let (world, nd) = (self.world, self.nd);
        let od = &topo::INTERNAL_OPS[o as usize];
        let mut a = Vec::new();
        if let (Some((_, lo, hi)), Some(key)) = (od.attr, &world.internal_keys[o as usize]) {
            let v = lo + rng.below((hi - lo + 1) as u64) as i64;
            a.push(kv(key, v));
        }
        let mut shape = Shape::new(
            SpanKind::Internal,
            Role::Internal,
            &world.internal_names[o as usize],
            a,
        );
        shape.event = world.internal_events[o as usize]
            .as_ref()
            .map(|ev| event(ev.clone(), nd.start + nd.dur / 2, Vec::new()));
        shape
    }
}
