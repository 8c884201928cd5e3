//! Everything shared by the spans of a run, built once: resources per service instance,
//! instrumentation scopes, span names and attribute keys (all `Arc`s, cloned per span).

use std::sync::Arc;

use super::rng::Rng;
use super::topology::{
    self as topo, CACHE_CMDS, ENDPOINTS, INSTANCES, INTERNAL_OPS, QUERIES, SERVICES,
};
use crate::model::{Key, KeyValue, Resource, Scope, Value};

/// Instrumentation roles: which library made a span.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Server = 0,
    Client = 1,
    Db = 2,
    Cache = 3,
    Messaging = 4,
    Internal = 5,
}

/// Attribute keys, interned once.
pub struct Keys {
    pub method: Key,
    pub route: Key,
    pub url_path: Key,
    pub url_scheme: Key,
    pub url_full: Key,
    pub status_code: Key,
    pub server_address: Key,
    pub server_port: Key,
    pub client_address: Key,
    pub user_agent: Key,
    pub protocol_version: Key,
    pub resend_count: Key,
    pub error_type: Key,
    pub db_system: Key,
    pub db_namespace: Key,
    pub db_operation: Key,
    pub db_collection: Key,
    pub db_query: Key,
    pub msg_system: Key,
    pub msg_destination: Key,
    pub msg_op_type: Key,
    pub msg_op_name: Key,
    pub msg_partition: Key,
    pub msg_group: Key,
    pub msg_offset: Key,
    pub exc_type: Key,
    pub exc_message: Key,
    pub exc_stacktrace: Key,
    pub retry_attempt: Key,
    pub retry_reason: Key,
}

fn k(s: &str) -> Key {
    Arc::from(s)
}

impl Keys {
    fn new() -> Self {
        Keys {
            method: k("http.request.method"),
            route: k("http.route"),
            url_path: k("url.path"),
            url_scheme: k("url.scheme"),
            url_full: k("url.full"),
            status_code: k("http.response.status_code"),
            server_address: k("server.address"),
            server_port: k("server.port"),
            client_address: k("client.address"),
            user_agent: k("user_agent.original"),
            protocol_version: k("network.protocol.version"),
            resend_count: k("http.request.resend_count"),
            error_type: k("error.type"),
            db_system: k("db.system.name"),
            db_namespace: k("db.namespace"),
            db_operation: k("db.operation.name"),
            db_collection: k("db.collection.name"),
            db_query: k("db.query.text"),
            msg_system: k("messaging.system"),
            msg_destination: k("messaging.destination.name"),
            msg_op_type: k("messaging.operation.type"),
            msg_op_name: k("messaging.operation.name"),
            msg_partition: k("messaging.destination.partition.id"),
            msg_group: k("messaging.consumer.group.name"),
            msg_offset: k("messaging.kafka.offset"),
            exc_type: k("exception.type"),
            exc_message: k("exception.message"),
            exc_stacktrace: k("exception.stacktrace"),
            retry_attempt: k("retry.attempt"),
            retry_reason: k("retry.reason"),
        }
    }
}

/// Browsers behind the frontend (the load balancer's address is the client address).
pub const BROWSERS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0",
];

pub struct World {
    pub keys: Keys,
    pub service_names: Vec<Arc<str>>,
    /// Per service × instance.
    pub resources: Vec<Arc<Resource>>,
    /// Pod addresses per service × instance (the `client.address` a callee sees).
    pub addresses: Vec<Box<str>>,
    /// Per service, per [`Role`].
    pub scopes: Vec<[Arc<Scope>; 6]>,
    pub server_names: Vec<Arc<str>>,
    pub method_names: Vec<Arc<str>>,
    pub query_names: Vec<Arc<str>>,
    pub cache_names: Vec<Arc<str>>,
    pub internal_names: Vec<Arc<str>>,
    pub internal_events: Vec<Option<Arc<str>>>,
    pub internal_keys: Vec<Option<Key>>,
    pub producer_names: Vec<Arc<str>>,
    pub consumer_names: Vec<Arc<str>>,
    pub exception: Arc<str>,
    pub retry: Arc<str>,
}

const HASH_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn pod_suffix(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(*rng.pick(HASH_CHARS))).collect()
}

fn uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    // Version 4, variant 10.
    let a = (a & !0xF000) | 0x4000;
    let b = (b & !(0xC000 << 48)) | (0x8000 << 48);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn kv(key: &str, v: impl Into<Value>) -> KeyValue {
    KeyValue::new(key, v.into())
}

fn scope(name: &str, version: &str) -> Arc<Scope> {
    Arc::new(Scope {
        name: Arc::from(name),
        version: Some(version.into()),
        ..Scope::default()
    })
}

impl World {
    pub fn new(rng: &mut Rng) -> Self {
        let mut resources = Vec::new();
        let mut addresses = Vec::new();
        let mut scopes = Vec::new();
        for (si, s) in SERVICES.iter().enumerate() {
            let p = topo::profile(s.lang);
            let template = pod_suffix(rng, 9);
            for i in 0..INSTANCES {
                let attrs = vec![
                    kv("service.name", s.name),
                    kv("service.namespace", "shop"),
                    kv("service.version", s.version),
                    kv("service.instance.id", uuid(rng)),
                    kv(
                        "host.name",
                        format!("{}-{template}-{}", s.name, pod_suffix(rng, 5)),
                    ),
                    kv("deployment.environment.name", "production"),
                    kv("telemetry.sdk.name", "opentelemetry"),
                    kv("telemetry.sdk.language", p.sdk_language),
                    kv("telemetry.sdk.version", p.sdk_version),
                    kv("process.runtime.name", p.runtime_name),
                    kv("process.runtime.version", p.runtime_version),
                ];
                resources.push(Arc::new(Resource {
                    attributes: attrs,
                    ..Resource::default()
                }));
                addresses.push(
                    format!(
                        "10.42.{}.{}",
                        si * 4 + usize::from(i) + 1,
                        2 + rng.below(250)
                    )
                    .into(),
                );
            }
            let own = format!("shop.{}", s.name);
            scopes.push([
                scope(p.server_scope.0, p.server_scope.1),
                scope(p.client_scope.0, p.client_scope.1),
                scope(p.db_scope.0, p.db_scope.1),
                scope(p.cache_scope.0, p.cache_scope.1),
                scope(p.messaging_scope.0, p.messaging_scope.1),
                scope(&own, s.version),
            ]);
        }
        let name = |s: String| -> Arc<str> { Arc::from(s) };
        World {
            keys: Keys::new(),
            service_names: SERVICES.iter().map(|s| Arc::from(s.name)).collect(),
            resources,
            addresses,
            scopes,
            server_names: ENDPOINTS
                .iter()
                .map(|e| match e.topic {
                    Some(t) => name(format!("process {t}")),
                    None => name(format!("{} {}", e.method, e.route)),
                })
                .collect(),
            method_names: ENDPOINTS.iter().map(|e| Arc::from(e.method)).collect(),
            query_names: QUERIES
                .iter()
                .map(|q| {
                    if q.table.is_empty() {
                        Arc::from(q.operation)
                    } else {
                        name(format!("{} {}", q.operation, q.table))
                    }
                })
                .collect(),
            cache_names: CACHE_CMDS.iter().map(|c| Arc::from(c.operation)).collect(),
            internal_names: INTERNAL_OPS.iter().map(|o| Arc::from(o.name)).collect(),
            internal_events: INTERNAL_OPS
                .iter()
                .map(|o| o.event.map(Arc::from))
                .collect(),
            internal_keys: INTERNAL_OPS
                .iter()
                .map(|o| o.attr.map(|a| Arc::from(a.0)))
                .collect(),
            producer_names: ENDPOINTS
                .iter()
                .map(|e| name(format!("send {}", e.topic.unwrap_or(""))))
                .collect(),
            consumer_names: ENDPOINTS
                .iter()
                .map(|e| name(format!("process {}", e.topic.unwrap_or(""))))
                .collect(),
            exception: Arc::from("exception"),
            retry: Arc::from("retry"),
        }
    }

    pub fn resource(&self, service: u8, instance: u8) -> &Arc<Resource> {
        &self.resources[usize::from(service) * usize::from(INSTANCES) + usize::from(instance)]
    }

    pub fn address(&self, service: u8, instance: u8) -> &str {
        &self.addresses[usize::from(service) * usize::from(INSTANCES) + usize::from(instance)]
    }

    pub fn scope(&self, service: u8, role: Role) -> &Arc<Scope> {
        &self.scopes[usize::from(service)][role as usize]
    }
}
