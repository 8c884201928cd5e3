//! A span object's fields → v2 spans (v1 input through [`convert_v1`]) → model spans.

use super::fields::EpField;
use super::model::to_model;
use super::v1::convert_v1;
use super::{ZFields, ZState};
use crate::formats::common::jz_ids::Id;
use crate::formats::common::jz_read::{
    Problem, Scalar, describe_value, end_out_of_range, join_path, micros_to_ns,
};
use crate::model::{SpanId, SpanKind, TraceId};

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Endpoint {
    pub(super) service: Option<String>,
    pub(super) ipv4: Option<String>,
    pub(super) ipv6: Option<String>,
    pub(super) port: Option<u16>,
}

/// A v2 span, the common form of v2 input and converted v1 input. Times in ns.
#[derive(Clone, Debug, Default)]
pub(super) struct V2Span {
    pub(super) trace_id: TraceId,
    pub(super) id: SpanId,
    pub(super) parent: Option<SpanId>,
    pub(super) name: String,
    pub(super) kind: Option<SpanKind>,
    pub(super) timestamp: Option<i128>,
    pub(super) duration: Option<i128>,
    pub(super) local: Option<Endpoint>,
    pub(super) remote: Option<Endpoint>,
    pub(super) annotations: Vec<(i128, String)>,
    pub(super) tags: Vec<(String, String)>,
    pub(super) debug: bool,
    pub(super) shared: bool,
}

fn json_scalar(v: &serde_json::Value) -> Scalar {
    use serde_json::Value as J;
    match v {
        J::Null => Scalar::Null,
        J::Bool(b) => Scalar::Bool(*b),
        J::Number(n) => n
            .as_u64()
            .map(Scalar::U64)
            .or_else(|| n.as_i64().map(Scalar::I64))
            .unwrap_or_else(|| Scalar::F64(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => Scalar::Str(s.clone()),
        other => Scalar::Json(other.clone()),
    }
}

fn endpoint(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> Option<Endpoint> {
    let o = match v {
        None | Some(Scalar::Null) => return None,
        Some(Scalar::Json(serde_json::Value::Object(o))) => o,
        Some(other) => {
            problems.push(Problem::new(
                field,
                format!("expected an endpoint object, found {}", other.describe()),
            ));
            return None;
        }
    };
    let get = |k: &str| o.get(k).map(json_scalar);
    endpoint_of(
        [get("serviceName"), get("ipv4"), get("ipv6"), get("port")],
        field,
        problems,
    )
}

/// [`endpoint`] of a typed endpoint field.
fn endpoint_field(
    v: Option<EpField>,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<Endpoint> {
    match v {
        None => None,
        Some(EpField::Other(s)) => endpoint(Some(&s), field, problems),
        Some(EpField::Obj(e)) => endpoint_of([e.service, e.ipv4, e.ipv6, e.port], field, problems),
    }
}

/// An endpoint object's `serviceName`, `ipv4`, `ipv6` and `port`.
fn endpoint_of(
    [service, ipv4, ipv6, port]: [Option<Scalar>; 4],
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<Endpoint> {
    let text = |v: Option<Scalar>| {
        v.filter(|s| !s.is_null())
            .map(|s| match s {
                Scalar::Str(s) => s,
                other => other.text(),
            })
            .filter(|s| !s.is_empty())
    };
    let port = match port {
        None | Some(Scalar::Null) => None,
        Some(p) => match p.int() {
            Some(0) => None,
            Some(n) if (1..=65535).contains(&n) => Some(n as u16),
            _ => {
                problems.push(Problem::new(
                    format!("{field}.port"),
                    format!("expected a port number, found {}", describe_value(&p)),
                ));
                None
            }
        },
    };
    let e = Endpoint {
        service: text(service),
        ipv4: text(ipv4),
        ipv6: text(ipv6),
        port,
    };
    (e != Endpoint::default()).then_some(e)
}

fn ns_field(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> Option<i128> {
    match v {
        None | Some(Scalar::Null) => None,
        Some(s) => match micros_to_ns(s) {
            Ok(0) => None,
            Ok(ns) => Some(ns),
            Err(m) => {
                problems.push(Problem::new(field, m));
                None
            }
        },
    }
}

fn bool_field(v: Option<&Scalar>, field: &str, problems: &mut Vec<Problem>) -> bool {
    match v {
        None | Some(Scalar::Null) => false,
        Some(s) => s.boolean().unwrap_or_else(|| {
            problems.push(Problem::new(
                field,
                format!("expected true or false, found {}", describe_value(s)),
            ));
            false
        }),
    }
}

/// The entries of a list-valued field (`annotations`, `binaryAnnotations`) as objects.
fn objects<'v>(
    v: Option<&'v Scalar>,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, &'v serde_json::Map<String, serde_json::Value>)> {
    let items = match v {
        None | Some(Scalar::Null) => return Vec::new(),
        Some(Scalar::Json(serde_json::Value::Array(items))) => items,
        Some(other) => {
            problems.push(Problem::new(
                field,
                format!("expected a list, found {}", other.describe()),
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            serde_json::Value::Object(o) => out.push((i, o)),
            serde_json::Value::Null => {}
            _ => problems.push(Problem::new(
                format!("{field}[{i}]"),
                "dropped: expected an object",
            )),
        }
    }
    out
}

/// One span object → model spans (one for v2; one or more for v1), or none when an id is bad.
pub(super) fn build(st: &mut ZState<'_, '_>, mut f: ZFields, path: &dyn Fn() -> String) {
    let line = f.line;
    let ids = match span_ids(&f) {
        Ok(ids) => ids,
        Err(p) => {
            for q in f.problems {
                st.warn(line, join_path(&path(), &q.field), q.message);
            }
            st.warn(
                line,
                join_path(&path(), &p.field),
                format!("span skipped: {}", p.message),
            );
            return;
        }
    };
    let spans = v2_spans(&mut f, ids);
    for q in f.problems {
        st.warn(line, join_path(&path(), &q.field), q.message);
    }
    let parts = st.ctx.wants.parts;
    for v in spans {
        let span = to_model(&mut st.shared, v, parts);
        st.batch.push(span);
    }
}

/// The ids of a span object.
struct Ids {
    trace_id: TraceId,
    id: SpanId,
    parent: Option<SpanId>,
}

/// The span's ids, or the first problem that makes the span unusable: a bad or missing trace or
/// span id, a bad parent id, or a time that cannot be read.
fn span_ids(f: &ZFields) -> Result<Ids, Problem> {
    let trace_id = match f.trace_id.as_ref().map(Id::parse) {
        Some(Ok(t)) if !t.is_zero() => t,
        Some(Err(m)) => return Err(Problem::new("traceId", m)),
        _ => return Err(Problem::new("traceId", "it has no traceId")),
    };
    let id = match f.id.as_ref().map(Id::parse) {
        Some(Ok(s)) if !s.is_zero() => s,
        Some(Err(m)) => return Err(Problem::new("id", m)),
        _ => return Err(Problem::new("id", "it has no id")),
    };
    let parent = match f.parent_id.as_ref().map(Id::parse) {
        Some(Ok(p)) if !p.is_zero() && p != id => Some(p),
        Some(Err(m)) => return Err(Problem::new("parentId", m)),
        _ => None,
    };
    // A span whose time cannot be read cannot be placed: skip it rather than draw it in 1970.
    for (field, v) in [("timestamp", &f.timestamp), ("duration", &f.duration)] {
        if let Some(v) = v.as_ref().filter(|v| !matches!(v, Scalar::Null))
            && let Err(m) = micros_to_ns(v)
        {
            return Err(Problem::new(field, m));
        }
    }
    if let (Some(t), Some(d)) = (&f.timestamp, &f.duration)
        && let Some(m) = end_out_of_range(t, d)
    {
        return Err(Problem::new("duration", m));
    }
    Ok(Ids {
        trace_id,
        id,
        parent,
    })
}

/// An annotation as read: time, value, and endpoint (v1 only).
type RawAnnotation = (i128, String, Option<Endpoint>);

/// The fields of a span object with valid ids → v2 spans (several for v1). Problems with single
/// fields are added to `f.problems`, in field order.
fn v2_spans(f: &mut ZFields, ids: Ids) -> Vec<V2Span> {
    let problems = &mut f.problems;
    let base = V2Span {
        trace_id: ids.trace_id,
        id: ids.id,
        parent: ids.parent,
        name: match f.name.take() {
            Some(Scalar::Str(s)) => s,
            other => other.as_ref().map(Scalar::text).unwrap_or_default(),
        },
        debug: bool_field(f.debug.as_ref(), "debug", problems),
        ..V2Span::default()
    };
    let timestamp = ns_field(f.timestamp.as_ref(), "timestamp", problems);
    let duration = ns_field(f.duration.as_ref(), "duration", problems);
    let local = endpoint_field(f.local.take(), "localEndpoint", problems);
    let remote = endpoint_field(f.remote.take(), "remoteEndpoint", problems);
    let shared = bool_field(f.shared.as_ref(), "shared", problems);
    let kind = span_kind(f.kind.as_ref(), problems);
    let annotations = read_annotations(f.annotations.as_ref(), problems);
    // v1: binary annotations, or annotations with endpoints and none of the v2 fields.
    let v2_fields =
        local.is_some() || remote.is_some() || kind.is_some() || f.has_tags || f.shared.is_some();
    let binary_listed = match &f.binary_annotations {
        Some(Scalar::Json(serde_json::Value::Array(items))) => !items.is_empty(),
        Some(other) => !other.is_null(),
        None => false,
    };
    let is_v1 = binary_listed
        || (!v2_fields
            && (f.binary_annotations.is_some() || annotations.iter().any(|a| a.2.is_some())));
    let tags = std::mem::take(&mut f.tags)
        .into_iter()
        .map(|(k, v)| match v {
            Scalar::Str(s) => (k, s),
            other => (k, other.text()),
        })
        .collect();
    if is_v1 {
        let binary = read_binary_annotations(f.binary_annotations.as_ref(), problems);
        // v1 may carry v2-style tags too (hybrid writers); keep them on the first span.
        let base = V2Span { tags, ..base };
        convert_v1(
            &base,
            timestamp.unwrap_or(0),
            duration.unwrap_or(0),
            annotations,
            binary,
        )
    } else {
        vec![V2Span {
            kind,
            timestamp,
            duration,
            local,
            remote,
            shared,
            annotations: annotations.into_iter().map(|(ts, v, _)| (ts, v)).collect(),
            tags,
            ..base
        }]
    }
}

/// `kind`: a known kind name (`UNSPECIFIED` and blank are none).
fn span_kind(v: Option<&Scalar>, problems: &mut Vec<Problem>) -> Option<SpanKind> {
    match v {
        None | Some(Scalar::Null) => None,
        Some(Scalar::Str(k)) if k.trim().is_empty() => None,
        Some(Scalar::Str(k)) => match SpanKind::from_name(k) {
            Some(SpanKind::Unspecified) => None,
            Some(k) => Some(k),
            None => {
                problems.push(Problem::new(
                    "kind",
                    format!(
                        "unknown kind {} dropped",
                        crate::formats::common::jz_read::quoted(k)
                    ),
                ));
                None
            }
        },
        Some(other) => {
            problems.push(Problem::new(
                "kind",
                format!("expected a string, found {}", describe_value(other)),
            ));
            None
        }
    }
}

fn read_annotations(v: Option<&Scalar>, problems: &mut Vec<Problem>) -> Vec<RawAnnotation> {
    let mut annotations = Vec::new();
    for (i, a) in objects(v, "annotations", problems) {
        let ts = ns_field(
            a.get("timestamp").map(json_scalar).as_ref(),
            &format!("annotations[{i}].timestamp"),
            problems,
        );
        let value = a
            .get("value")
            .map(json_scalar)
            .map(|s| s.text())
            .unwrap_or_default();
        let ep = endpoint(
            a.get("endpoint").map(json_scalar).as_ref(),
            &format!("annotations[{i}].endpoint"),
            problems,
        );
        annotations.push((ts.unwrap_or(0), value, ep));
    }
    annotations
}

/// v1 `binaryAnnotations`: key, value and endpoint (null values dropped).
fn read_binary_annotations(
    v: Option<&Scalar>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, Scalar, Option<Endpoint>)> {
    let mut binary = Vec::new();
    for (i, b) in objects(v, "binaryAnnotations", problems) {
        let key = b
            .get("key")
            .map(json_scalar)
            .map(|s| s.text())
            .unwrap_or_default();
        let value = b.get("value").map(json_scalar).unwrap_or(Scalar::Null);
        let ep = endpoint(
            b.get("endpoint").map(json_scalar).as_ref(),
            &format!("binaryAnnotations[{i}].endpoint"),
            problems,
        );
        if value.is_null() {
            continue;
        }
        binary.push((key, value, ep));
    }
    binary
}
