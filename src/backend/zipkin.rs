//! Zipkin v2: `/api/v2/trace/{id}`, `/api/v2/traces`, `/api/v2/services`, `/api/v2/spans`.
//!
//! Units: `minDuration`/`maxDuration` in µs, `endTs`/`lookback` in ms. Bodies are bare JSON.

use super::client::trace_body;
use super::http::Http;
use super::{BackendError, Body, Operation, Partial, SearchBody, SearchQuery};
use crate::formats::Format;
use crate::model::TraceId;

const JSON: &str = "application/json";

/// Zipkin's own form: 16 hex digits for a 64-bit id, else 32.
pub fn id_param(id: TraceId) -> String {
    if id.0 >> 64 == 0 {
        format!("{:016x}", id.0)
    } else {
        format!("{:032x}", id.0)
    }
}

pub fn fetch(http: &Http, id: TraceId) -> Result<Option<Body>, BackendError> {
    let reply = http.get(&format!("/api/v2/trace/{}", id_param(id)), &[], JSON)?;
    if reply.status == 404 {
        return Ok(None);
    }
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    trace_body(reply, Format::Zipkin, Partial::Complete).map(Some)
}

pub fn search_params(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if let Some(s) = &q.service {
        p.push(("serviceName", s.clone()));
    }
    if let Some(o) = &q.operation {
        p.push(("spanName", o.clone()));
    }
    if !q.tags.is_empty() {
        let terms: Vec<String> = q.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        p.push(("annotationQuery", terms.join(" and ")));
    }
    if let Some(d) = q.min_duration_ns {
        p.push(("minDuration", (d / 1_000).max(1).to_string()));
    }
    if let Some(d) = q.max_duration_ns {
        p.push(("maxDuration", d.div_ceil(1_000).to_string()));
    }
    let end_ms = q.end_ns.div_ceil(1_000_000);
    let start_ms = q.start_ns / 1_000_000;
    p.push(("endTs", end_ms.to_string()));
    p.push(("lookback", end_ms.saturating_sub(start_ms).to_string()));
    p.push(("limit", q.limit.to_string()));
    p
}

pub fn search(http: &Http, q: &SearchQuery) -> Result<SearchBody, BackendError> {
    let reply = http.get("/api/v2/traces", &search_params(q), JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    Ok(SearchBody::Traces(trace_body(
        reply,
        Format::Zipkin,
        Partial::Complete,
    )?))
}

pub fn services(http: &Http) -> Result<Vec<String>, BackendError> {
    let reply = http.get("/api/v2/services", &[], JSON)?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    reply.json()
}

pub fn operations(http: &Http, service: &str) -> Result<Vec<Operation>, BackendError> {
    let reply = http.get(
        "/api/v2/spans",
        &[("serviceName", service.to_string())],
        JSON,
    )?;
    if !reply.is_success() {
        return Err(http.status_error(reply));
    }
    let names: Vec<String> = reply.json()?;
    Ok(names
        .into_iter()
        .map(|name| Operation { name, kind: None })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_use_zipkin_units() {
        let q = SearchQuery {
            service: Some("frontend".into()),
            operation: Some("get /api".into()),
            tags: vec![
                ("http.method".into(), "GET".into()),
                ("error".into(), "".into()),
            ],
            min_duration_ns: Some(1_500_000),
            max_duration_ns: Some(2_000_000_001),
            traceql: None,
            start_ns: 1_795_252_951_000_000_000,
            end_ns: 1_795_256_551_000_000_000,
            limit: 10,
        };
        let p = search_params(&q);
        let get = |k: &str| p.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("serviceName"), Some("frontend"));
        assert_eq!(get("spanName"), Some("get /api"));
        assert_eq!(get("annotationQuery"), Some("http.method=GET and error="));
        assert_eq!(get("minDuration"), Some("1500"));
        assert_eq!(get("maxDuration"), Some("2000001"));
        assert_eq!(get("endTs"), Some("1795256551000"));
        assert_eq!(get("lookback"), Some("3600000"));
        assert_eq!(get("limit"), Some("10"));
        assert_eq!(id_param(TraceId(0x3241afc70b0e852d)), "3241afc70b0e852d");
        assert_eq!(
            id_param(TraceId(1 << 64)),
            "00000000000000010000000000000000"
        );
    }
}
