//! v2 spans → model spans: the resource, endpoints as attributes, annotations as events.

use super::{DEBUG_FLAGS, Endpoint, V2Span};
use crate::formats::common::jz_read::{Dialect, Shared, clamp_ns, take_conventions};
use crate::formats::common::jz_want::retain_attributes;
use crate::model::{Event, KeyValue, Span, SpanParts, Value};

/// Tags that OpenTelemetry exporters copy from the resource into every span.
pub(super) fn is_resource_key(k: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "service.",
        "telemetry.sdk.",
        "telemetry.distro.",
        "host.",
        "os.",
        "process.",
        "container.",
        "k8s.",
        "cloud.",
        "deployment.",
        "device.",
        "webengine.",
        "aws.ecs.",
        "aws.eks.",
        "aws.log.",
        "opencensus.",
    ];
    const EXACT: &[&str] = &[
        "telemetry.auto.version",
        "faas.name",
        "faas.id",
        "faas.version",
        "faas.instance",
        "faas.max_memory",
    ];
    if k.starts_with("service.peer.") {
        return false;
    }
    PREFIXES.iter().any(|p| k.starts_with(p)) || EXACT.contains(&k)
}

fn set_attr(attrs: &mut Vec<KeyValue>, shared: &mut Shared, key: &str, value: Value) {
    match attrs.iter_mut().find(|kv| &*kv.key == key) {
        Some(kv) => kv.value = value,
        None => attrs.push(KeyValue {
            key: shared.interner.intern(key),
            value,
        }),
    }
}

/// A v2 span → a model span: tags that belong to the resource move there, endpoints become
/// attributes, annotations events.
pub(super) fn to_model(shared: &mut Shared, v: V2Span, parts: SpanParts) -> Span {
    let mut span = shared.blank_span(v.trace_id, v.id);
    span.parent_span_id = v.parent;
    span.name = shared.interner.intern(&v.name);
    let mut attrs: Vec<KeyValue> = v
        .tags
        .into_iter()
        .map(|(k, s)| KeyValue {
            key: shared.interner.intern(&k),
            value: Value::Str(s.into_boxed_str()),
        })
        .collect();
    let mut conv = take_conventions(&mut attrs, Dialect::Zipkin);
    if !parts.texts {
        conv.status.message = None;
        conv.trace_state = None;
    }
    span.kind = v.kind.or(conv.kind).unwrap_or_default();
    span.status = conv.status;
    span.trace_state = conv.trace_state.map(String::into_boxed_str);
    if parts.scope {
        span.scope = shared.scope(conv.scope_name, conv.scope_version);
    }
    let service = take_resource(shared, &mut span, &mut attrs, &v.local);
    span.service = shared.interner.intern(service.as_deref().unwrap_or(""));
    endpoint_attrs(shared, &mut attrs, v.local.as_ref(), v.remote.as_ref());
    retain_attributes(&mut attrs, parts);
    span.attributes = attrs;

    let start = v.timestamp.unwrap_or(0).max(0);
    span.start_ns = clamp_ns(start);
    span.end_ns = clamp_ns(start + v.duration.unwrap_or(0));
    if parts.events {
        span.events = v
            .annotations
            .into_iter()
            .map(|(ts, value)| event(shared, ts, value))
            .collect();
    }
    if v.debug {
        span.flags = DEBUG_FLAGS;
    }
    span.shared = v.shared;
    span
}

/// Moves the resource's tags out of `attrs` into the span's resource; returns the service: the
/// local endpoint's, else a `service.name` tag (which, when it differs from the endpoint's,
/// stays a tag).
fn take_resource(
    shared: &mut Shared,
    span: &mut Span,
    attrs: &mut Vec<KeyValue>,
    local: &Option<Endpoint>,
) -> Option<String> {
    let mut service = local.as_ref().and_then(|e| e.service.clone());
    let mut moved = Vec::new();
    attrs.retain(|kv| {
        if !is_resource_key(&kv.key) {
            return true;
        }
        if &*kv.key == "service.name" {
            return match (kv.value.as_str(), &service) {
                (Some(s), None) => {
                    service = Some(s.to_string());
                    false
                }
                (Some(s), Some(svc)) => s != svc,
                (None, _) => true,
            };
        }
        moved.push(kv.clone());
        false
    });
    if moved.is_empty()
        && let Some(s) = &service
    {
        span.resource = shared.service_resource(s);
        return service;
    }
    let mut resource = Vec::with_capacity(moved.len() + 1);
    if let Some(s) = &service {
        resource.push(KeyValue {
            key: shared.interner.intern("service.name"),
            value: Value::from(s.as_str()),
        });
    }
    resource.extend(moved);
    span.resource = shared.resource(resource);
    service
}

/// The endpoints' addresses (and the remote service) as `net.*` and `peer.service` attributes.
fn endpoint_attrs(
    shared: &mut Shared,
    attrs: &mut Vec<KeyValue>,
    local: Option<&Endpoint>,
    remote: Option<&Endpoint>,
) {
    if let Some(e) = local {
        if let Some(ip) = e.ipv4.as_ref().or(e.ipv6.as_ref()) {
            set_attr(attrs, shared, "net.host.ip", Value::from(ip.as_str()));
        }
        if let Some(p) = e.port {
            set_attr(attrs, shared, "net.host.port", Value::Int(i64::from(p)));
        }
    }
    if let Some(e) = remote {
        if let Some(s) = &e.service {
            set_attr(attrs, shared, "peer.service", Value::from(s.as_str()));
        }
        if let Some(ip) = e.ipv4.as_ref().or(e.ipv6.as_ref()) {
            set_attr(attrs, shared, "net.peer.ip", Value::from(ip.as_str()));
        }
        if let Some(p) = e.port {
            set_attr(attrs, shared, "net.peer.port", Value::Int(i64::from(p)));
        }
    }
}

/// An annotation as an event.
fn event(shared: &mut Shared, ts: i128, value: String) -> Event {
    let (name, attributes, dropped) = decode_annotation(value);
    Event {
        time_ns: clamp_ns(ts),
        name: shared.interner.intern(&name),
        attributes: attributes
            .into_iter()
            .map(|(k, val)| KeyValue {
                key: shared.interner.intern(&k),
                value: val,
            })
            .collect(),
        dropped_attributes_count: dropped,
    }
}

/// An annotation's value: a plain name, or an event with attributes encoded as
/// `{"name": {attributes}}` (OpenTelemetry SDK exporters) or `name|{attributes}|dropped` (the
/// Collector's exporter).
pub(super) fn decode_annotation(value: String) -> (String, Vec<(String, Value)>, u32) {
    let t = value.trim();
    if t.starts_with('{')
        && t.ends_with('}')
        && let Ok(serde_json::Value::Object(outer)) = serde_json::from_str::<serde_json::Value>(t)
        && outer.len() == 1
        && let Some((name, serde_json::Value::Object(inner))) = outer.iter().next()
    {
        return (
            name.clone(),
            inner
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
            0,
        );
    }
    let parts: Vec<&str> = value.split('|').collect();
    if parts.len() >= 3
        && let Some(last) = parts.last()
        && let Ok(dropped) = last.parse::<u32>()
        && let Ok(serde_json::Value::Object(attrs)) =
            serde_json::from_str::<serde_json::Value>(&parts[1..parts.len() - 1].join("|"))
    {
        return (
            parts[0].to_string(),
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
            dropped,
        );
    }
    (value, Vec::new(), 0)
}

/// A JSON value as a typed attribute value.
fn json_to_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Empty,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::from(s.as_str()),
        J::Array(items) => Value::Array(items.iter().map(json_to_value).collect()),
        J::Object(o) => Value::Map(
            o.iter()
                .map(|(k, v)| KeyValue::new(k.as_str(), json_to_value(v)))
                .collect(),
        ),
    }
}
