//! Jaeger: api_v3 first (`/api/v3/traces/{id}`, `/api/v3/traces`, `/api/v3/services`,
//! `/api/v3/operations`), the legacy `/api` when api_v3 is not there (old Jaeger,
//! VictoriaTraces' Jaeger-compatible API).
//!
//! Telling "no such route" from "no such trace": api_v3 answers a missing trace and an empty
//! search with 404 and a JSON body `{"error":{…}}`; a server without api_v3 answers 404/405/501
//! (or 400) with a plain-text body, or 200 with the UI's HTML page. Only the latter switch to the
//! legacy API, and the switch is remembered for the rest of the session.

use std::sync::atomic::{AtomicU8, Ordering};

use super::client::trace_body;
use super::http::{Http, Reply};
use super::query::go_duration;
use super::{
    BackendError, Body, Operation, Partial, SearchBody, SearchQuery, encode_segment, hex32,
};
use crate::formats::Format;
use crate::model::TraceId;

const JSON: &str = "application/json";
const UNKNOWN: u8 = 0;
const V3: u8 = 1;
const LEGACY: u8 = 2;

pub struct Jaeger {
    api: AtomicU8,
}

/// How an api_v3 request went.
enum V3Answer {
    Ok(Box<Reply>),
    /// api_v3 is there and has nothing (404 with its JSON error).
    Empty,
    /// No api_v3 on this server.
    Missing,
}

impl Jaeger {
    pub fn new(legacy_known: bool) -> Self {
        Jaeger {
            api: AtomicU8::new(if legacy_known { LEGACY } else { UNKNOWN }),
        }
    }

    fn legacy(&self) -> bool {
        self.api.load(Ordering::Relaxed) == LEGACY
    }

    fn v3(&self, http: &Http, path: &str, q: &[(&str, String)]) -> Result<V3Answer, BackendError> {
        if self.legacy() {
            return Ok(V3Answer::Missing);
        }
        let reply = http.get(path, q, JSON)?;
        let answer = classify_v3(http, reply)?;
        let state = if matches!(answer, V3Answer::Missing) {
            LEGACY
        } else {
            V3
        };
        self.api.store(state, Ordering::Relaxed);
        Ok(answer)
    }

    pub fn fetch(&self, http: &Http, id: TraceId) -> Result<Option<Body>, BackendError> {
        // 32 digits always: VictoriaTraces needs 64-bit ids zero-padded; Jaeger accepts both.
        let hex = hex32(id);
        match self.v3(http, &format!("/api/v3/traces/{hex}"), &[])? {
            V3Answer::Ok(reply) => {
                return trace_body(*reply, Format::OtlpJson, Partial::Complete).map(Some);
            }
            V3Answer::Empty => return Ok(None),
            V3Answer::Missing => {}
        }
        let reply = http.get(&format!("/api/traces/{hex}"), &[], JSON)?;
        if reply.status == 404 {
            return Ok(None);
        }
        if !reply.is_success() {
            return Err(http.status_error(reply));
        }
        // A 200 with `{"data":[]}` (VictoriaTraces) reads as zero spans: not found.
        trace_body(reply, Format::Jaeger, Partial::Complete).map(Some)
    }

    pub fn search(&self, http: &Http, q: &SearchQuery) -> Result<SearchBody, BackendError> {
        match self.v3(http, "/api/v3/traces", &v3_params(q))? {
            V3Answer::Ok(reply) => {
                return Ok(SearchBody::Traces(trace_body(
                    *reply,
                    Format::OtlpJson,
                    Partial::Complete,
                )?));
            }
            V3Answer::Empty => return Ok(SearchBody::Summaries(Vec::new())),
            V3Answer::Missing => {}
        }
        let reply = http.get("/api/traces", &legacy_params(q), JSON)?;
        if !reply.is_success() {
            return Err(http.status_error(reply));
        }
        Ok(SearchBody::Traces(trace_body(
            reply,
            Format::Jaeger,
            Partial::Complete,
        )?))
    }

    pub fn services(&self, http: &Http) -> Result<Vec<String>, BackendError> {
        #[derive(serde::Deserialize)]
        struct V3Services {
            #[serde(default)]
            services: Vec<String>,
        }
        match self.v3(http, "/api/v3/services", &[])? {
            V3Answer::Ok(reply) => return Ok(reply.json::<V3Services>()?.services),
            V3Answer::Empty => return Ok(Vec::new()),
            V3Answer::Missing => {}
        }
        let reply = http.get("/api/services", &[], JSON)?;
        if !reply.is_success() {
            return Err(http.status_error(reply));
        }
        Ok(reply
            .json::<Envelope<Vec<String>>>()?
            .data
            .unwrap_or_default())
    }

    pub fn operations(&self, http: &Http, service: &str) -> Result<Vec<Operation>, BackendError> {
        #[derive(serde::Deserialize)]
        struct V3Ops {
            #[serde(default)]
            operations: Vec<KindOp>,
        }
        let q = [("service", service.to_string())];
        match self.v3(http, "/api/v3/operations", &q)? {
            V3Answer::Ok(reply) => {
                return Ok(reply
                    .json::<V3Ops>()?
                    .operations
                    .into_iter()
                    .map(KindOp::into_op)
                    .collect());
            }
            V3Answer::Empty => return Ok(Vec::new()),
            V3Answer::Missing => {}
        }
        // Newer legacy servers: /api/operations with kinds; older: /api/services/{s}/operations.
        let reply = http.get("/api/operations", &q, JSON)?;
        if reply.is_success() && !reply.is_html() {
            let data = reply
                .json::<Envelope<Vec<KindOp>>>()?
                .data
                .unwrap_or_default();
            return Ok(data.into_iter().map(KindOp::into_op).collect());
        }
        if matches!(reply.status, 401 | 403) {
            return Err(http.status_error(reply));
        }
        drop(reply);
        let path = format!("/api/services/{}/operations", encode_segment(service));
        let reply = http.get(&path, &[], JSON)?;
        if !reply.is_success() {
            return Err(http.status_error(reply));
        }
        let names = reply
            .json::<Envelope<Vec<String>>>()?
            .data
            .unwrap_or_default();
        Ok(names
            .into_iter()
            .map(|name| Operation { name, kind: None })
            .collect())
    }
}

#[derive(serde::Deserialize)]
struct Envelope<T> {
    data: Option<T>,
}

#[derive(serde::Deserialize)]
struct KindOp {
    name: String,
    #[serde(default, rename = "spanKind")]
    span_kind: Option<String>,
}

impl KindOp {
    fn into_op(self) -> Operation {
        Operation {
            name: self.name,
            kind: self.span_kind.filter(|k| !k.is_empty()),
        }
    }
}

fn classify_v3(http: &Http, reply: Reply) -> Result<V3Answer, BackendError> {
    if reply.is_success() {
        if reply.is_html() {
            // The Jaeger UI answers unknown paths with its index page.
            drop(reply);
            return Ok(V3Answer::Missing);
        }
        return Ok(V3Answer::Ok(Box::new(reply)));
    }
    match reply.status {
        400 | 404 | 405 | 501 => {
            let status = reply.status;
            let body = reply.bytes(64 * 1024)?;
            let api_error = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").cloned())
                .is_some();
            match (status, api_error) {
                (404, true) => Ok(V3Answer::Empty),
                (_, false) => Ok(V3Answer::Missing),
                (_, true) => Err(BackendError::new(
                    super::ErrorKind::Status,
                    format!("Jaeger api_v3 answered {status}: {}", super::snippet(&body)),
                )),
            }
        }
        _ => Err(http.status_error(reply)),
    }
}

/// api_v3 search parameters in both spellings: snake_case (every version) and camelCase
/// (v2.19+, where snake_case is deprecated).
pub fn v3_params(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    let mut both = |snake: &'static str, camel: &'static str, v: String| {
        p.push((snake, v.clone()));
        p.push((camel, v));
    };
    if let Some(s) = &q.service {
        both("query.service_name", "query.serviceName", s.clone());
    }
    if let Some(o) = &q.operation {
        both("query.operation_name", "query.operationName", o.clone());
    }
    let ts = crate::units::format_timestamp;
    both("query.start_time_min", "query.startTimeMin", ts(q.start_ns));
    both("query.start_time_max", "query.startTimeMax", ts(q.end_ns));
    if let Some(d) = q.min_duration_ns {
        both("query.duration_min", "query.durationMin", go_duration(d));
    }
    if let Some(d) = q.max_duration_ns {
        both("query.duration_max", "query.durationMax", go_duration(d));
    }
    both(
        "query.search_depth",
        "query.searchDepth",
        q.limit.to_string(),
    );
    p.push(("query.num_traces", q.limit.to_string()));
    if !q.tags.is_empty() {
        p.push(("query.attributes", tags_json(&q.tags)));
    }
    p
}

/// Legacy `/api/traces` parameters: µs times, Go durations, `tags` as a JSON map.
pub fn legacy_params(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if let Some(s) = &q.service {
        p.push(("service", s.clone()));
    }
    if let Some(o) = &q.operation {
        p.push(("operation", o.clone()));
    }
    if !q.tags.is_empty() {
        p.push(("tags", tags_json(&q.tags)));
    }
    if let Some(d) = q.min_duration_ns {
        p.push(("minDuration", go_duration(d)));
    }
    if let Some(d) = q.max_duration_ns {
        p.push(("maxDuration", go_duration(d)));
    }
    p.push(("limit", q.limit.to_string()));
    p.push(("start", (q.start_ns / 1_000).to_string()));
    p.push(("end", q.end_ns.div_ceil(1_000).to_string()));
    p
}

fn tags_json(tags: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = tags
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> SearchQuery {
        SearchQuery {
            service: Some("checkout".into()),
            operation: Some("POST /checkout".into()),
            tags: vec![("http.status_code".into(), "500".into())],
            min_duration_ns: Some(1_000_000),
            max_duration_ns: None,
            traceql: None,
            start_ns: 1_795_252_951_000_000_000,
            end_ns: 1_795_256_551_000_000_000,
            limit: 5,
        }
    }

    #[test]
    fn legacy_params_match_the_recorded_request() {
        // index.json: /select/jaeger/api/traces?service=checkout&operation=POST+%2Fcheckout
        //   &minDuration=1ms&limit=5&start=1795252951000000&end=1795256551000000
        let p = legacy_params(&q());
        let get = |k: &str| p.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("service"), Some("checkout"));
        assert_eq!(get("operation"), Some("POST /checkout"));
        assert_eq!(get("minDuration"), Some("1ms"));
        assert_eq!(get("limit"), Some("5"));
        assert_eq!(get("start"), Some("1795252951000000"));
        assert_eq!(get("end"), Some("1795256551000000"));
        assert_eq!(get("tags"), Some(r#"{"http.status_code":"500"}"#));
    }

    #[test]
    fn v3_params_in_both_spellings() {
        let p = v3_params(&q());
        let get = |k: &str| p.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("query.service_name"), Some("checkout"));
        assert_eq!(get("query.serviceName"), Some("checkout"));
        assert_eq!(
            get("query.startTimeMin"),
            Some("2026-11-21T09:22:31.000000Z")
        );
        assert_eq!(
            get("query.start_time_max"),
            Some("2026-11-21T10:22:31.000000Z")
        );
        assert_eq!(get("query.durationMin"), Some("1ms"));
        assert_eq!(get("query.duration_max"), None);
        assert_eq!(get("query.num_traces"), Some("5"));
        assert_eq!(
            get("query.attributes"),
            Some(r#"{"http.status_code":"500"}"#)
        );
    }
}
