//! The longest string value a span may carry. A single attribute of hundreds of megabytes (a
//! string bomb, a runaway log line) would otherwise be copied and scanned by every analysis; it
//! is cut at the limit and the cut is reported (the rest of the span is kept).

use std::sync::Arc;

use super::{KeyValue, Span, Value};

/// Default `--max-string-bytes`: 4 MiB, far above real statements, stack traces and prompts.
pub const DEFAULT_MAX_STRING_BYTES: usize = 4 << 20;

/// Cut every string value of `span` (attributes, event and link attributes, resource attributes,
/// names, status message) longer than `max` bytes to `max` bytes (at a character boundary).
/// Returns how many were cut. Nested arrays and maps are walked with an explicit stack.
pub fn cut_long_strings(span: &mut Span, max: usize) -> u64 {
    cut_span_strings(span, max) + cut_resource_strings(span, max)
}

/// [`cut_long_strings`] for a batch: a resource shared by consecutive spans (one `Arc`, as
/// readers share it) is checked once, not once per span.
pub fn cut_long_strings_in(spans: &mut [Span], max: usize) -> u64 {
    let mut cut = 0;
    let mut checked: Option<*const super::Resource> = None;
    for span in spans {
        cut += cut_span_strings(span, max);
        let ptr = Arc::as_ptr(&span.resource);
        if checked != Some(ptr) {
            cut += cut_resource_strings(span, max);
            checked = Some(Arc::as_ptr(&span.resource));
        }
    }
    cut
}

fn cut_span_strings(span: &mut Span, max: usize) -> u64 {
    let mut cut = 0;
    cut += cut_arc(&mut span.name, max);
    if let Some(m) = &mut span.status.message {
        cut += cut_box(m, max);
    }
    cut += cut_values(&mut span.attributes, max);
    for e in &mut span.events {
        cut += cut_arc(&mut e.name, max);
        cut += cut_values(&mut e.attributes, max);
    }
    for l in &mut span.links {
        cut += cut_values(&mut l.attributes, max);
    }
    cut
}

fn cut_resource_strings(span: &mut Span, max: usize) -> u64 {
    let mut cut = 0;
    // The resource is shared by the spans of a batch: copy it only when it needs a cut.
    if span
        .resource
        .attributes
        .iter()
        .any(|kv| too_long(&kv.value, max))
    {
        cut += cut_values(&mut Arc::make_mut(&mut span.resource).attributes, max);
    }
    cut
}

fn floor_boundary(s: &str, max: usize) -> usize {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn cut_box(s: &mut Box<str>, max: usize) -> u64 {
    if s.len() <= max {
        return 0;
    }
    let end = floor_boundary(s, max);
    *s = s[..end].into();
    1
}

fn cut_arc(s: &mut Arc<str>, max: usize) -> u64 {
    if s.len() <= max {
        return 0;
    }
    let end = floor_boundary(s, max);
    *s = Arc::from(&s[..end]);
    1
}

fn too_long(v: &Value, max: usize) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Str(s) if s.len() > max => return true,
            Value::Array(a) => stack.extend(a.iter()),
            Value::Map(m) => stack.extend(m.iter().map(|kv| &kv.value)),
            _ => {}
        }
    }
    false
}

fn cut_values(kvs: &mut [KeyValue], max: usize) -> u64 {
    let mut cut = 0;
    let mut stack: Vec<&mut Value> = kvs.iter_mut().map(|kv| &mut kv.value).collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::Str(s) => cut += cut_box(s, max),
            Value::Array(a) => stack.extend(a.iter_mut()),
            Value::Map(m) => stack.extend(m.iter_mut().map(|kv| &mut kv.value)),
            _ => {}
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, Resource, SpanId, TraceId};

    #[test]
    fn long_strings_are_cut_at_a_character_boundary_everywhere() {
        let long = "é".repeat(10); // 20 bytes
        let mut s = Span::new(TraceId(1), SpanId(1));
        s.name = Arc::from(long.as_str());
        s.attributes = vec![
            KeyValue::new("a", Value::Str(long.clone().into())),
            KeyValue::new("short", Value::Str("ok".into())),
            KeyValue::new(
                "nested",
                Value::Array(
                    vec![Value::Map(
                        vec![KeyValue::new("deep", Value::Str(long.clone().into()))].into(),
                    )]
                    .into(),
                ),
            ),
        ];
        s.events = vec![Event {
            time_ns: 0,
            name: Arc::from("e"),
            attributes: vec![KeyValue::new("m", Value::Str(long.clone().into()))],
            dropped_attributes_count: 0,
        }];
        let shared = Arc::new(Resource {
            attributes: vec![KeyValue::new("r", Value::Str(long.clone().into()))],
            ..Resource::default()
        });
        s.resource = shared.clone();
        // 7 bytes falls inside the fourth "é": cut to 6 bytes, three characters.
        assert_eq!(cut_long_strings(&mut s, 7), 5);
        assert_eq!(&*s.name, "ééé");
        assert_eq!(s.attributes[0].value, Value::Str("ééé".into()));
        assert_eq!(s.attributes[1].value, Value::Str("ok".into()));
        assert_eq!(
            s.attributes[2].value.to_json().to_string(),
            r#"[{"deep":"ééé"}]"#
        );
        assert_eq!(s.resource.attributes[0].value, Value::Str("ééé".into()));
        // The shared resource itself is untouched: other spans keep pointing at it.
        assert_eq!(shared.attributes[0].value, Value::Str(long.clone().into()));
        assert_eq!(cut_long_strings(&mut s, 7), 0);
    }
}
