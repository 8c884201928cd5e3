//! [`Shared`]: the values that repeat on every span of a Jaeger or Zipkin reader (strings,
//! resources, scopes), handed out once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::model::{
    Interner, KeyValue, ParentRef, Resource, Scope, Span, SpanId, SpanKind, Status, TraceId, Value,
};

/// Distinct resources and scopes kept per reader; past this many the caches stop growing.
const MAX_SHARED: usize = 1 << 14;

/// Per-reader sharing of the values that repeat on every span.
pub(crate) struct Shared {
    pub(crate) interner: Interner,
    resources: HashMap<String, Arc<Resource>>,
    /// The resource handed out last (most spans have their neighbour's).
    last_resource: Option<Arc<Resource>>,
    scopes: HashMap<(String, Option<String>), Arc<Scope>>,
    pub(crate) empty_resource: Arc<Resource>,
    pub(crate) empty_scope: Arc<Scope>,
    pub(crate) empty_str: Arc<str>,
}

impl Shared {
    pub(crate) fn new() -> Self {
        let mut interner = Interner::new();
        let empty_str = interner.intern("");
        Shared {
            interner,
            resources: HashMap::new(),
            last_resource: None,
            scopes: HashMap::new(),
            empty_resource: Arc::default(),
            empty_scope: Arc::new(Scope {
                name: empty_str.clone(),
                ..Scope::default()
            }),
            empty_str,
        }
    }

    /// One `Arc<Resource>` per distinct attribute list.
    pub(crate) fn resource(&mut self, attributes: Vec<KeyValue>) -> Arc<Resource> {
        if attributes.is_empty() {
            return self.empty_resource.clone();
        }
        if let Some(r) = &self.last_resource
            && r.attributes == attributes
        {
            return r.clone();
        }
        let r = self.resource_by_key(attributes);
        self.last_resource = Some(r.clone());
        r
    }

    /// [`Shared::resource`] of `[service.name = service]`, without building it when it is the
    /// last one handed out.
    pub(crate) fn service_resource(&mut self, service: &str) -> Arc<Resource> {
        if let Some(r) = &self.last_resource
            && let [kv] = r.attributes.as_slice()
            && &*kv.key == "service.name"
            && kv.value.as_str() == Some(service)
        {
            return r.clone();
        }
        let key = self.interner.intern("service.name");
        self.resource(vec![KeyValue {
            key,
            value: Value::from(service),
        }])
    }

    fn resource_by_key(&mut self, attributes: Vec<KeyValue>) -> Arc<Resource> {
        let mut key = String::new();
        for kv in &attributes {
            let _ = write!(key, "{}\u{1}{:?}\u{0}", kv.key, kv.value);
        }
        if let Some(r) = self.resources.get(&key) {
            return r.clone();
        }
        let r = Arc::new(Resource {
            attributes,
            ..Resource::default()
        });
        if self.resources.len() < MAX_SHARED {
            self.resources.insert(key, r.clone());
        }
        r
    }

    /// One `Arc<Scope>` per distinct name and version.
    pub(crate) fn scope(&mut self, name: Option<String>, version: Option<String>) -> Arc<Scope> {
        if name.is_none() && version.is_none() {
            return self.empty_scope.clone();
        }
        let key = (name.unwrap_or_default(), version);
        if let Some(s) = self.scopes.get(&key) {
            return s.clone();
        }
        let s = Arc::new(Scope {
            name: self.interner.intern(&key.0),
            version: key.1.clone().map(String::into_boxed_str),
            ..Scope::default()
        });
        if self.scopes.len() < MAX_SHARED {
            self.scopes.insert(key, s.clone());
        }
        s
    }

    /// A span with ids set and everything else empty, sharing the empty values.
    pub(crate) fn blank_span(&self, trace_id: TraceId, span_id: SpanId) -> Span {
        Span {
            trace_id,
            span_id,
            parent_span_id: None,
            parent_ref: ParentRef::ParentId,
            name: self.empty_str.clone(),
            service: self.empty_str.clone(),
            kind: SpanKind::Unspecified,
            status: Status::default(),
            start_ns: 0,
            end_ns: 0,
            flags: 0,
            trace_state: None,
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resource: self.empty_resource.clone(),
            scope: self.empty_scope.clone(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            shared: false,
        }
    }
}
