//! The detail lines under a span (`--attrs`) and the texts of the warnings.

use std::fmt::Write as _;

use super::service_name;
use super::text::duration_text;
use crate::model::{KeyValue, RefKind, Span, StatusCode, Value};
use crate::term::escape;

pub(super) fn warning_text(bit: u8, s: &Span, parent: Option<&Span>, ascii: bool) -> String {
    use crate::render::span_view::*;
    let format_duration = |ns| duration_text(ns, ascii);
    match bit {
        ORPHAN => match s.parent_span_id {
            Some(p) => format!("parent {p} is not in the trace"),
            None => "parent is not in the trace".into(),
        },
        CYCLE => "its parent links loop back to it; the loop is cut here".into(),
        STARTS_BEFORE_PARENT => match parent {
            Some(p) => format!(
                "starts {} before its parent",
                format_duration(p.start_ns.saturating_sub(s.start_ns))
            ),
            None => "starts before its parent".into(),
        },
        ENDS_AFTER_PARENT => match parent {
            Some(p) => format!(
                "ends {} after its parent",
                format_duration(s.end_ns.saturating_sub(p.end_ns.max(p.start_ns)))
            ),
            None => "ends after its parent".into(),
        },
        NEGATIVE_DURATION => format!(
            "ends {} before it starts",
            format_duration(s.start_ns - s.end_ns.min(s.start_ns))
        ),
        DUPLICATE_ID => format!("another span has the id {}", s.span_id),
        _ => String::new(),
    }
}

/// Attributes, status, events, links and dropped counts of a span, escaped, one per line.
pub(super) fn span_details(s: &Span, t0: u64, ascii: bool) -> Vec<String> {
    let format_duration = |ns| duration_text(ns, ascii);
    let mut v = Vec::new();
    let start = format_duration(s.start_ns.saturating_sub(t0));
    let mut head = format!(
        "span {}  kind {}  start +{start}",
        s.span_id,
        s.kind.as_str()
    );
    if s.shared {
        head.push_str("  shared (server half)");
    }
    v.push(head);
    if s.status.code != StatusCode::Unset || s.status.message.is_some() {
        let msg = s
            .status
            .message
            .as_deref()
            .map(|m| format!(": {}", escape(m)))
            .unwrap_or_default();
        v.push(format!("status {}{msg}", s.status.code.as_str()));
    }
    for kv in &s.attributes {
        v.push(format!("{} = {}", escape(&kv.key), typed_value(&kv.value)));
    }
    for e in &s.events {
        let offset = if e.time_ns >= s.start_ns {
            format!("+{}", format_duration(e.time_ns - s.start_ns))
        } else {
            format!("-{}", format_duration(s.start_ns - e.time_ns))
        };
        v.push(format!(
            "event {offset} {}{}",
            escape(&e.name),
            inline_attrs(&e.attributes)
        ));
    }
    for l in &s.links {
        let kind = match l.kind {
            RefKind::Link => "link",
            RefKind::ChildOf => "child_of",
            RefKind::FollowsFrom => "follows_from",
        };
        v.push(format!(
            "link {}/{} ({kind}){}",
            l.trace_id,
            l.span_id,
            inline_attrs(&l.attributes)
        ));
    }
    let dropped = [
        (s.dropped_attributes_count, "attributes"),
        (s.dropped_events_count, "events"),
        (s.dropped_links_count, "links"),
    ];
    let dropped: Vec<String> = dropped
        .iter()
        .filter(|d| d.0 > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !dropped.is_empty() {
        v.push(format!("dropped {}", dropped.join(", ")));
    }
    v
}

pub(super) fn resource_details(s: &Span, v: &mut Vec<String>) {
    if s.resource.attributes.is_empty() {
        return;
    }
    v.push(format!("resource of {}:", service_name(s)));
    for kv in &s.resource.attributes {
        v.push(format!(
            "  {} = {}",
            escape(&kv.key),
            typed_value(&kv.value)
        ));
    }
}

pub(super) fn inline_attrs(attrs: &[KeyValue]) -> String {
    let mut out = String::new();
    for (n, kv) in attrs.iter().enumerate() {
        out.push_str(if n == 0 { "  " } else { ", " });
        let _ = write!(out, "{}={}", escape(&kv.key), typed_value(&kv.value));
    }
    out
}

/// A value as text that shows its type: strings quoted, doubles with a decimal point, bytes in
/// hex, arrays and maps as JSON. Escaped for the terminal.
pub(super) fn typed_value(v: &Value) -> String {
    let raw = match v {
        Value::Empty => "(empty)".to_string(),
        Value::Str(s) => serde_json::to_string(&**s).unwrap_or_default(),
        // NaN and infinities are not JSON numbers: show them bare, not as strings.
        Value::Double(d) if !d.is_finite() => d.to_string(),
        Value::Bytes(b) => {
            let mut h = String::from("0x");
            for byte in b.iter().take(64) {
                let _ = write!(h, "{byte:02x}");
            }
            if b.len() > 64 {
                let _ = write!(h, "… ({} bytes)", b.len());
            }
            h
        }
        other => other.to_json().to_string(),
    };
    escape(&raw).into_owned()
}
