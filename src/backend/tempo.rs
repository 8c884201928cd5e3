//! Grafana Tempo: `/api/v2/traces/{id}` (falling back to `/api/traces/{id}`), JSON or protobuf;
//! `/api/search` (TraceQL `q=` or logfmt `tags=`, start/end in Unix seconds); tag listings.
//!
//! Quirks handled here: a missing trace is 404 with an EMPTY body (a missing route has text);
//! search trace ids lose their leading zeros (left-padded back to 32 digits); `status: PARTIAL`
//! (v2) becomes a warning; the v2 protobuf answer is a `TraceByIDResponse` whose field 1 is the
//! trace (an OTLP `TracesData` on the wire), unwrapped here.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};

use super::client::trace_body;
use super::http::Http;
use super::query::go_duration;
use super::{
    BackendError, Body, ErrorKind, Operation, Partial, SearchBody, SearchHit, SearchQuery, hex32,
};
use crate::formats::Format;
use crate::model::TraceId;

const JSON: &str = "application/json";
const PROTOBUF: &str = "application/protobuf";
/// Tempo's default maximum trace size is 50 MB; leave room.
const MAX_PROTOBUF_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Default)]
pub struct Tempo {
    /// The v2 route is missing (Tempo before 2.5): go straight to `/api/traces`.
    v1_only: AtomicBool,
}

impl Tempo {
    pub fn fetch(
        &self,
        http: &Http,
        id: TraceId,
        protobuf: bool,
    ) -> Result<Option<Body>, BackendError> {
        let hex = hex32(id);
        let accept = if protobuf { PROTOBUF } else { JSON };
        let mut v2_missing = false;
        if !self.v1_only.load(Ordering::Relaxed) {
            let reply = http.get(&format!("/api/v2/traces/{hex}"), &[], accept)?;
            if reply.is_success() {
                if protobuf && !reply.is_html() {
                    let request = reply.request.clone();
                    let bytes = reply.bytes(MAX_PROTOBUF_BYTES)?;
                    let (trace, partial) = unwrap_trace_by_id(&bytes).map_err(|m| {
                        BackendError::new(
                            ErrorKind::Body,
                            format!("bad response from {request}: {m}"),
                        )
                    })?;
                    return Ok(Some(Body {
                        format: Format::OtlpProto,
                        content_length: Some(trace.len() as u64),
                        reader: Box::new(Cursor::new(trace)),
                        request,
                        partial,
                    }));
                }
                return trace_body(reply, Format::Tempo, Partial::CheckJsonTail).map(Some);
            }
            if reply.status != 404 {
                return Err(http.status_error(reply));
            }
            let body = reply.bytes(64 * 1024)?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            // "404 page not found": no v2 route on this Tempo.
            v2_missing = true;
        }
        let reply = http.get(&format!("/api/traces/{hex}"), &[], accept)?;
        if reply.status == 404 {
            return Ok(None);
        }
        if !reply.is_success() {
            return Err(http.status_error(reply));
        }
        if v2_missing {
            self.v1_only.store(true, Ordering::Relaxed);
        }
        // The v1 protobuf answer is `tempopb.Trace`: the same wire shape as TracesData.
        let format = if protobuf && !reply.is_html() {
            Format::OtlpProto
        } else {
            Format::Tempo
        };
        trace_body(reply, format, Partial::Complete).map(Some)
    }
}

/// Split a `TraceByIDResponse`: (the `Trace` bytes, whether Tempo said PARTIAL).
pub fn unwrap_trace_by_id(buf: &[u8]) -> Result<(Vec<u8>, Partial), String> {
    let mut trace = Vec::new();
    let mut status = 0u64;
    let mut message = String::new();
    let mut i = 0usize;
    while i < buf.len() {
        let at = i;
        let key = varint(buf, &mut i).ok_or_else(|| format!("byte {at}: truncated field key"))?;
        let (field, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                let v =
                    varint(buf, &mut i).ok_or_else(|| format!("byte {at}: truncated varint"))?;
                if field == 3 {
                    status = v;
                }
            }
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                if buf.len() - i < n {
                    return Err(format!("byte {at}: truncated fixed-size field"));
                }
                i += n;
            }
            2 => {
                let len =
                    varint(buf, &mut i).ok_or_else(|| format!("byte {at}: truncated length"))?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|l| *l <= buf.len() - i)
                    .ok_or_else(|| {
                        format!("byte {at}: field {field} claims more bytes than the body has")
                    })?;
                let part = &buf[i..i + len];
                match field {
                    // Concatenated messages merge: the repeated resource_spans append.
                    1 => trace.extend_from_slice(part),
                    4 => message = String::from_utf8_lossy(part).into_owned(),
                    _ => {}
                }
                i += len;
            }
            _ => {
                return Err(format!(
                    "byte {at}: unexpected wire type {wire}: not a TraceByIDResponse"
                ));
            }
        }
    }
    let partial = if status == 1 {
        Partial::Yes(message)
    } else {
        Partial::Complete
    };
    Ok((trace, partial))
}

fn varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// In the last bytes of a v2 JSON answer: `"status":"PARTIAL"` and its `"message"`.
pub fn partial_in_tail(tail: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(tail);
    let compact: String = {
        // Whitespace outside strings does not matter for this test; drop it all.
        let mut out = String::with_capacity(text.len());
        let mut in_str = false;
        let mut esc = false;
        for c in text.chars() {
            if in_str {
                out.push(c);
                if esc {
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
                out.push(c);
            } else if !c.is_whitespace() {
                out.push(c);
            }
        }
        out
    };
    let at = compact.rfind("\"status\":\"PARTIAL\"")?;
    let message = compact[at..]
        .find("\"message\":\"")
        .map(|m| {
            let rest = &compact[at + m + 11..];
            let end = rest.find('"').unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .unwrap_or_default();
    Some(message)
}

/// Logfmt `key=value` pairs, quoting values with spaces, quotes or `=`.
pub fn logfmt(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            if v.is_empty() || v.contains([' ', '"', '=', '\\']) {
                format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn search_params(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if let Some(ql) = &q.traceql {
        p.push(("q", ql.clone()));
    } else {
        let mut tags = Vec::new();
        if let Some(s) = &q.service {
            tags.push(("service.name".to_string(), s.clone()));
        }
        if let Some(o) = &q.operation {
            tags.push(("name".to_string(), o.clone()));
        }
        tags.extend(q.tags.iter().cloned());
        if !tags.is_empty() {
            p.push(("tags", logfmt(&tags)));
        }
    }
    if let Some(d) = q.min_duration_ns {
        p.push(("minDuration", go_duration(d)));
    }
    if let Some(d) = q.max_duration_ns {
        p.push(("maxDuration", go_duration(d)));
    }
    p.push(("start", (q.start_ns / 1_000_000_000).to_string()));
    p.push(("end", q.end_ns.div_ceil(1_000_000_000).to_string()));
    p.push(("limit", q.limit.to_string()));
    p
}

#[derive(serde::Deserialize)]
struct SearchResponse {
    #[serde(default)]
    traces: Vec<TraceSummary>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TraceSummary {
    #[serde(rename = "traceID")]
    trace_id: String,
    root_service_name: Option<String>,
    root_trace_name: Option<String>,
    start_time_unix_nano: Option<StrOrNum>,
    duration_ms: Option<u64>,
    #[serde(default)]
    service_stats: BTreeMap<String, ServiceStats>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceStats {
    #[serde(default)]
    span_count: u64,
    #[serde(default)]
    error_count: u64,
}

/// Tempo writes int64 as strings; tolerate numbers.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StrOrNum {
    S(String),
    N(u64),
}

impl StrOrNum {
    fn value(&self) -> u64 {
        match self {
            StrOrNum::S(s) => s.trim().parse().unwrap_or(0),
            StrOrNum::N(n) => *n,
        }
    }
}

pub fn search(http: &Http, q: &SearchQuery) -> Result<SearchBody, BackendError> {
    let reply = http.get("/api/search", &search_params(q), JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    let request = reply.request.clone();
    let resp: SearchResponse = reply.json()?;
    search_hits(&request, resp, q.limit).map(SearchBody::Summaries)
}

/// The hits of a `/api/search` answer's bytes (at most `limit`).
pub fn decode_search(
    request: &str,
    body: &[u8],
    limit: usize,
) -> Result<Vec<SearchHit>, BackendError> {
    search_hits(request, super::http::decode_json(request, body)?, limit)
}

fn search_hits(
    request: &str,
    resp: SearchResponse,
    limit: usize,
) -> Result<Vec<SearchHit>, BackendError> {
    let mut hits = Vec::with_capacity(resp.traces.len());
    for t in resp.traces {
        // Leading zeros are stripped in search results: from_hex left-pads.
        let id = TraceId::from_hex(t.trace_id.trim()).map_err(|_| {
            BackendError::new(
                ErrorKind::Body,
                format!(
                    "bad response from {request}: trace id {:?} is not hex",
                    crate::term::escape(&t.trace_id)
                ),
            )
        })?;
        let (spans, errors) = if t.service_stats.is_empty() {
            (None, None)
        } else {
            let s = t.service_stats.values();
            (
                Some(s.clone().map(|x| x.span_count).sum()),
                Some(s.map(|x| x.error_count).sum()),
            )
        };
        hits.push(SearchHit {
            trace_id: id,
            root_service: t.root_service_name,
            root_operation: t.root_trace_name,
            start_ns: t.start_time_unix_nano.map(|v| v.value()).unwrap_or(0),
            duration_ns: t.duration_ms.unwrap_or(0).saturating_mul(1_000_000),
            spans,
            errors,
        });
    }
    hits.truncate(limit);
    Ok(hits)
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TagValues<T> {
    #[serde(default = "Vec::new")]
    tag_values: Vec<T>,
}

#[derive(serde::Deserialize)]
struct TypedValue {
    value: String,
}

pub fn services(http: &Http) -> Result<Vec<String>, BackendError> {
    let reply = http.get("/api/search/tag/service.name/values", &[], JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    Ok(reply.json::<TagValues<String>>()?.tag_values)
}

pub fn operations(http: &Http, service: &str) -> Result<Vec<Operation>, BackendError> {
    let ql = format!(
        "{{ resource.service.name = \"{}\" }}",
        service.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let reply = http.get("/api/v2/search/tag/name/values", &[("q", ql)], JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    Ok(reply
        .json::<TagValues<TypedValue>>()?
        .tag_values
        .into_iter()
        .map(|v| Operation {
            name: v.value,
            kind: None,
        })
        .collect())
}

/// Tag names by scope: `/api/v2/search/tags`, else `/api/search/tags` (one scope, `all`).
pub fn tags(http: &Http) -> Result<Vec<(String, Vec<String>)>, BackendError> {
    #[derive(serde::Deserialize)]
    struct Scope {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct V2 {
        #[serde(default)]
        scopes: Vec<Scope>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct V1 {
        #[serde(default)]
        tag_names: Vec<String>,
    }
    let reply = http.get("/api/v2/search/tags", &[], JSON)?;
    if reply.is_success() && !reply.is_html() {
        let v2: V2 = reply.json()?;
        return Ok(v2.scopes.into_iter().map(|s| (s.name, s.tags)).collect());
    }
    if reply.status != 404 {
        return Err(http.status_error(reply));
    }
    drop(reply);
    let reply = http.get("/api/search/tags", &[], JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    Ok(vec![("all".to_string(), reply.json::<V1>()?.tag_names)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_params_match_the_recorded_requests() {
        // index.json: /api/search?tags=service.name%3Dfrontend&start=1795252951&end=1795256551&limit=20
        let q = SearchQuery {
            service: Some("frontend".into()),
            start_ns: 1_795_252_951_000_000_000,
            end_ns: 1_795_256_551_000_000_000,
            limit: 20,
            ..SearchQuery::default()
        };
        assert_eq!(
            search_params(&q),
            vec![
                ("tags", "service.name=frontend".to_string()),
                ("start", "1795252951".to_string()),
                ("end", "1795256551".to_string()),
                ("limit", "20".to_string()),
            ]
        );
        let q = SearchQuery {
            traceql: Some("{ status = error }".into()),
            service: Some("ignored".into()),
            ..q
        };
        assert_eq!(
            search_params(&q)[0],
            ("q", "{ status = error }".to_string())
        );
        assert_eq!(
            logfmt(&[
                ("http.url".into(), "/a b".into()),
                ("x".into(), "say \"hi\"".into()),
                ("e".into(), "".into())
            ]),
            r#"http.url="/a b" x="say \"hi\"" e="""#
        );
    }

    #[test]
    fn trace_by_id_response_is_unwrapped() {
        // field 1 (trace) = bytes 0a 00; field 3 (status) = 1; field 4 (message) = "x".
        let body = [0x0a, 0x02, 0x0a, 0x00, 0x18, 0x01, 0x22, 0x01, b'x'];
        let (trace, partial) = unwrap_trace_by_id(&body).unwrap();
        assert_eq!(trace, vec![0x0a, 0x00]);
        assert_eq!(partial, Partial::Yes("x".into()));
        let (trace, partial) = unwrap_trace_by_id(&[0x0a, 0x00]).unwrap();
        assert!(trace.is_empty());
        assert_eq!(partial, Partial::Complete);
        assert!(unwrap_trace_by_id(&[0x0a, 0x05, 0x00]).is_err());
        assert!(unwrap_trace_by_id(&[0x0f]).is_err());
        assert!(unwrap_trace_by_id(&[0x80]).is_err());
    }

    #[test]
    fn partial_status_in_the_tail() {
        let tail = br#"...]}]}]},"metrics":{"inspectedBytes":"12"},"status": "PARTIAL", "message":"3 blocks failed"}"#;
        assert_eq!(partial_in_tail(tail).as_deref(), Some("3 blocks failed"));
        assert_eq!(
            partial_in_tail(br#"{"trace":{"resourceSpans":[]},"metrics":{}}"#),
            None
        );
        // A span's status object is not the answer's status.
        assert_eq!(
            partial_in_tail(br#""status":{"code":"STATUS_CODE_ERROR"}}]"#),
            None
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unwrapping_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = unwrap_trace_by_id(&bytes);
            let _ = partial_in_tail(&bytes);
        }

        #[test]
        fn a_wrapped_trace_comes_back(trace in proptest::collection::vec(any::<u8>(), 0..300), partial in any::<bool>()) {
            // field 1 (length-delimited) = trace; field 3 (varint) = status.
            let mut body = vec![0x0a];
            let mut n = trace.len();
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 { body.push(b); break; }
                body.push(b | 0x80);
            }
            body.extend_from_slice(&trace);
            body.extend_from_slice(&[0x18, u8::from(partial)]);
            let (got, p) = unwrap_trace_by_id(&body).unwrap();
            prop_assert_eq!(got, trace);
            prop_assert_eq!(p != Partial::Complete, partial);
        }
    }
}
