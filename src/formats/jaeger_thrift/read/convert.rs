//! Jaeger structs → model spans.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::{
    JBatch, JLog, JProcess, JSpan, JTag, REF_CHILD_OF, REF_FOLLOWS_FROM, TAG_BOOL, TAG_STRING,
};
use crate::model::{
    Event, Interner, KeyValue, Link, ParentRef, RefKind, Resource, Scope, Span, SpanId, SpanKind,
    SpanParts, Status, StatusCode, TraceId, Value,
};

/// Scopes made from `otel.scope.*` tags, by (name, version).
type ScopeCache = HashMap<(Arc<str>, Option<Box<str>>), Arc<Scope>>;

/// What a span's tags moved into its fields said so far (the tags are taken one at a time).
#[derive(Default)]
pub(super) struct MovedTags<'a> {
    error_tag: bool,
    status_code: Option<StatusCode>,
    scope_name: Option<Cow<'a, str>>,
    scope_version: Option<Cow<'a, str>>,
}

/// Converts batches to spans, sharing strings and scopes across the whole input; builds only
/// the span parts asked for.
pub struct Converter {
    interner: Interner,
    scopes: ScopeCache,
    empty_scope: Arc<Scope>,
    parts: SpanParts,
}

impl Default for Converter {
    fn default() -> Self {
        Self::for_parts(SpanParts::ALL)
    }
}

fn us_to_ns(us: i128) -> u64 {
    u64::try_from(us.saturating_mul(1000)).unwrap_or(if us < 0 { 0 } else { u64::MAX })
}

fn ref_kind(t: i64) -> RefKind {
    match t {
        REF_CHILD_OF => RefKind::ChildOf,
        REF_FOLLOWS_FROM => RefKind::FollowsFrom,
        _ => RefKind::Link,
    }
}

/// A string tag's text, unless empty.
fn non_empty_text(t: &JTag<'_>) -> Option<Box<str>> {
    t.v_str
        .clone()
        .filter(|s| !s.is_empty())
        .map(|s| s.into_owned().into_boxed_str())
}

/// Links from the references, with parentSpanId as a leading CHILD_OF when no reference names
/// it; the parent is the first CHILD_OF in the trace, else the first FOLLOWS_FROM. The links are
/// kept only when `keep` (the parent is found all the same).
fn set_references(span: &mut Span, js: &JSpan<'_>, keep: bool) {
    let trace_id = span.trace_id;
    let parent = SpanId(js.parent_span_id as u64);
    let implicit = (!parent.is_zero()
        && !js.references.iter().any(|r| {
            SpanId(r.span_id as u64) == parent
                && TraceId::from_parts(r.trace_id_high as u64, r.trace_id_low as u64) == trace_id
        }))
    .then_some((trace_id, parent, RefKind::ChildOf));
    let links = || {
        implicit.into_iter().chain(js.references.iter().map(|r| {
            let tid = TraceId::from_parts(r.trace_id_high as u64, r.trace_id_low as u64);
            (tid, SpanId(r.span_id as u64), ref_kind(r.ref_type))
        }))
    };
    let same_trace = |&(t, s, kind): &(TraceId, SpanId, RefKind), k: RefKind| {
        kind == k && t == trace_id && !s.is_zero()
    };
    if let Some((_, s, _)) = links().find(|l| same_trace(l, RefKind::ChildOf)) {
        span.parent_span_id = Some(s);
        span.parent_ref = ParentRef::ChildOf;
    } else if let Some((_, s, _)) = links().find(|l| same_trace(l, RefKind::FollowsFrom)) {
        span.parent_span_id = Some(s);
        span.parent_ref = ParentRef::FollowsFrom;
    }
    if keep {
        span.links = links().map(|(t, s, k)| plain_link(t, s, k)).collect();
    }
}

impl Converter {
    pub fn new() -> Self {
        Self::default()
    }

    /// A converter that builds only `parts` (the others are left empty).
    pub fn for_parts(parts: SpanParts) -> Self {
        Converter {
            interner: Interner::default(),
            scopes: ScopeCache::default(),
            empty_scope: Arc::default(),
            parts,
        }
    }

    fn attrs<'a>(&mut self, tags: impl IntoIterator<Item = JTag<'a>>) -> Vec<KeyValue> {
        tags.into_iter()
            .map(|mut t| {
                let key = self.interner.intern(&std::mem::take(&mut t.key));
                KeyValue {
                    key,
                    value: t.value(),
                }
            })
            .collect()
    }

    pub fn batch(&mut self, batch: JBatch<'_>) -> Vec<Span> {
        let (service, resource) = self.process(batch.process);
        batch
            .spans
            .into_iter()
            .map(|s| self.span(s, &service, &resource))
            .collect()
    }

    /// A batch's process: its service name and the resource its spans share.
    pub(super) fn process(&mut self, process: JProcess<'_>) -> (Arc<str>, Arc<Resource>) {
        let service = self.interner.intern(&process.service_name);
        let mut attributes = Vec::with_capacity(process.tags.len() + 1);
        if !service.is_empty() {
            attributes.push(KeyValue::new(
                self.interner.intern("service.name"),
                Value::Str(service.as_ref().into()),
            ));
        }
        // Without the resource part, only the service name is built.
        let all = self.parts.resource;
        let tags = process
            .tags
            .into_iter()
            .filter(|t| all || t.key == "service.name");
        for kv in self.attrs(tags) {
            if &*kv.key != "service.name" || service.is_empty() {
                attributes.push(kv);
            }
        }
        let resource = Arc::new(Resource {
            attributes,
            ..Resource::default()
        });
        (service, resource)
    }

    fn span(&mut self, mut js: JSpan<'_>, service: &Arc<str>, resource: &Arc<Resource>) -> Span {
        let tags = std::mem::take(&mut js.tags);
        let logs = std::mem::take(&mut js.logs);
        let mut span = self.span_head(&js, service, resource);
        self.take_tags(&mut span, tags);
        if self.parts.events {
            span.events = self.events(logs);
        }
        span
    }

    /// A span from everything of `js` but its tags and logs (the caller takes those): its
    /// status code and scope are set by [`Converter::finish_tags`].
    pub(super) fn span_head(
        &mut self,
        js: &JSpan<'_>,
        service: &Arc<str>,
        resource: &Arc<Resource>,
    ) -> Span {
        let trace_id = TraceId::from_parts(js.trace_id_high as u64, js.trace_id_low as u64);
        // Not `Span::new`: its placeholder strings, resource and scope would be allocated only
        // to be replaced.
        let mut span = Span {
            trace_id,
            span_id: SpanId(js.span_id as u64),
            parent_span_id: None,
            parent_ref: ParentRef::ParentId,
            name: self.interner.intern(&js.operation_name),
            service: service.clone(),
            kind: SpanKind::Unspecified,
            status: Status::default(),
            start_ns: us_to_ns(i128::from(js.start_time)),
            end_ns: us_to_ns(i128::from(js.start_time) + i128::from(js.duration)),
            flags: js.flags as u32,
            trace_state: None,
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resource: resource.clone(),
            scope: self.empty_scope.clone(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            shared: false,
        };
        set_references(&mut span, js, self.parts.links);
        span
    }

    pub(super) fn events(&mut self, logs: Vec<JLog<'_>>) -> Vec<Event> {
        logs.into_iter().map(|log| self.event(log)).collect()
    }

    /// Tags become attributes, except the ones the model has fields for (kind, status, scope,
    /// trace state), which are moved there.
    fn take_tags(&mut self, span: &mut Span, tags: Vec<JTag<'_>>) {
        let mut moved = MovedTags::default();
        span.attributes = Vec::with_capacity(tags.len());
        for t in tags {
            self.take_tag(span, &mut moved, t);
        }
        self.finish_tags(span, moved);
    }

    /// One tag of a span (in order): moved into its field, or an attribute when wanted.
    pub(super) fn take_tag<'a>(&mut self, span: &mut Span, m: &mut MovedTags<'a>, t: JTag<'a>) {
        let key: &str = &t.key;
        let moved = match (key, t.v_type) {
            ("span.kind", TAG_STRING) => match t.v_str.as_deref().and_then(SpanKind::from_name) {
                Some(k) => {
                    span.kind = k;
                    true
                }
                None => false,
            },
            ("error", TAG_BOOL) => {
                m.error_tag = t.v_bool.unwrap_or(false);
                true
            }
            ("error", TAG_STRING) => match t.v_str.as_deref() {
                Some(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                    m.error_tag = s.eq_ignore_ascii_case("true");
                    true
                }
                _ => false,
            },
            ("otel.status_code", TAG_STRING) => {
                match t.v_str.as_deref().and_then(StatusCode::from_name) {
                    Some(c) => {
                        m.status_code = Some(c);
                        true
                    }
                    None => false,
                }
            }
            ("otel.status_description", TAG_STRING) => {
                if self.parts.texts {
                    span.status.message = non_empty_text(&t);
                }
                true
            }
            ("otel.scope.name" | "otel.library.name", TAG_STRING) => {
                m.scope_name = t.v_str.clone();
                true
            }
            ("otel.scope.version" | "otel.library.version", TAG_STRING) => {
                m.scope_version = t.v_str.clone();
                true
            }
            ("w3c.tracestate", TAG_STRING) => {
                if self.parts.texts {
                    span.trace_state = non_empty_text(&t);
                }
                true
            }
            _ => false,
        };
        let wanted = self.parts.attributes
            && self
                .parts
                .attribute_prefixes
                .is_none_or(|ps| ps.iter().any(|p| key.starts_with(p)));
        if !moved && wanted {
            let k = self.interner.intern(key);
            span.attributes.push(KeyValue {
                key: k,
                value: t.value(),
            });
        }
    }

    /// After a span's last tag: its status code and scope.
    pub(super) fn finish_tags(&mut self, span: &mut Span, m: MovedTags<'_>) {
        span.status.code = m.status_code.unwrap_or(if m.error_tag {
            StatusCode::Error
        } else {
            StatusCode::Unset
        });
        span.scope = if self.parts.scope {
            self.scope(m.scope_name, m.scope_version)
        } else {
            self.empty_scope.clone()
        };
    }

    /// A log: its `event` field (the first) names it, the other fields are its attributes.
    fn event(&mut self, log: JLog<'_>) -> Event {
        let mut name: Arc<str> = self.interner.intern("");
        let mut attributes = Vec::with_capacity(log.fields.len());
        let mut named = false;
        for f in log.fields {
            if !named && f.key == "event" && f.v_type == TAG_STRING {
                name = self.interner.intern(f.v_str.as_deref().unwrap_or(""));
                named = true;
                continue;
            }
            let key = self.interner.intern(&f.key);
            attributes.push(KeyValue {
                key,
                value: f.value(),
            });
        }
        Event {
            time_ns: us_to_ns(i128::from(log.timestamp)),
            name,
            attributes,
            dropped_attributes_count: 0,
        }
    }

    fn scope(&mut self, name: Option<Cow<'_, str>>, version: Option<Cow<'_, str>>) -> Arc<Scope> {
        if name.is_none() && version.is_none() {
            return self.empty_scope.clone();
        }
        let name = self.interner.intern(name.as_deref().unwrap_or(""));
        let version = version
            .filter(|v| !v.is_empty())
            .map(|s| s.into_owned().into_boxed_str());
        self.scopes
            .entry((name.clone(), version.clone()))
            .or_insert_with(|| {
                Arc::new(Scope {
                    name,
                    version,
                    ..Scope::default()
                })
            })
            .clone()
    }
}

pub(super) fn plain_link(trace_id: TraceId, span_id: SpanId, kind: RefKind) -> Link {
    Link {
        trace_id,
        span_id,
        kind,
        trace_state: None,
        attributes: Vec::new(),
        dropped_attributes_count: 0,
        flags: 0,
    }
}
