//! One client per backend kind behind one interface, and kind detection for bare URLs.

use super::http::{Http, Reply, html_error};
use super::jaeger::Jaeger;
use super::tempo::Tempo;
use super::zipkin;
use super::{
    BackendError, BackendKind, Body, ErrorKind, Operation, Partial, SearchBody, SearchQuery, Target,
};
use crate::formats::Format;
use crate::model::TraceId;

pub struct Client {
    pub http: Http,
    pub kind: BackendKind,
    jaeger: Jaeger,
    tempo: Tempo,
    protobuf: bool,
}

impl Client {
    /// Build the HTTP client and settle the kind (probing the server when it is not given).
    pub fn connect(target: &Target) -> Result<Client, BackendError> {
        let http = Http::new(target)?;
        let (kind, legacy) = match target.kind {
            Some(k) => (k, false),
            None => probe(&http)?,
        };
        Ok(Client {
            http,
            kind,
            jaeger: Jaeger::new(legacy),
            tempo: Tempo::default(),
            protobuf: target.protobuf,
        })
    }

    /// The trace, or `None` when the backend says it does not have it.
    pub fn fetch(&self, id: TraceId) -> Result<Option<Body>, BackendError> {
        match self.kind {
            BackendKind::Jaeger => self.jaeger.fetch(&self.http, id),
            BackendKind::Zipkin => zipkin::fetch(&self.http, id),
            BackendKind::Tempo => self.tempo.fetch(&self.http, id, self.protobuf),
        }
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchBody, BackendError> {
        if q.traceql.is_some() && self.kind != BackendKind::Tempo {
            return Err(BackendError::new(
                ErrorKind::Usage,
                format!(
                    "a TraceQL query needs a Tempo backend; {} is {}: use the service, operation, tag and duration filters",
                    self.http.shown(),
                    self.kind.name()
                ),
            ));
        }
        match self.kind {
            BackendKind::Jaeger => self.jaeger.search(&self.http, q),
            BackendKind::Zipkin => zipkin::search(&self.http, q),
            BackendKind::Tempo => super::tempo::search(&self.http, q),
        }
    }

    pub fn services(&self) -> Result<Vec<String>, BackendError> {
        let mut v = match self.kind {
            BackendKind::Jaeger => self.jaeger.services(&self.http)?,
            BackendKind::Zipkin => zipkin::services(&self.http)?,
            BackendKind::Tempo => super::tempo::services(&self.http)?,
        };
        v.sort();
        v.dedup();
        Ok(v)
    }

    pub fn operations(&self, service: &str) -> Result<Vec<Operation>, BackendError> {
        let mut v = match self.kind {
            BackendKind::Jaeger => self.jaeger.operations(&self.http, service)?,
            BackendKind::Zipkin => zipkin::operations(&self.http, service)?,
            BackendKind::Tempo => super::tempo::operations(&self.http, service)?,
        };
        v.sort_by(|a, b| a.name.cmp(&b.name).then(a.kind.cmp(&b.kind)));
        v.dedup();
        Ok(v)
    }

    /// Tag names by scope (Tempo only).
    pub fn tags(&self) -> Result<Vec<(String, Vec<String>)>, BackendError> {
        match self.kind {
            BackendKind::Tempo => super::tempo::tags(&self.http),
            other => Err(BackendError::new(
                ErrorKind::Usage,
                format!(
                    "listing tag names needs a Tempo backend; {} is {}",
                    self.http.shown(),
                    other.name()
                ),
            )),
        }
    }
}

/// A successful answer that should be trace data: refuse HTML pages, hand the rest on.
pub fn trace_body(reply: Reply, format: Format, partial: Partial) -> Result<Body, BackendError> {
    if reply.is_html() {
        let request = reply.request.clone();
        let ct = reply.content_type.clone();
        let head = reply.bytes(64 * 1024)?;
        return Err(html_error(&request, &ct, &head));
    }
    Ok(Body {
        format,
        request: reply.request.clone(),
        content_length: reply.content_length,
        partial,
        reader: reply.into_reader(),
    })
}

/// Tell the kind from cheap, read-only requests: Tempo answers `/api/echo`, Jaeger
/// `/api/v3/services` (or the legacy `/api/services`), Zipkin `/api/v2/services`.
/// Returns the kind and whether Jaeger is known to lack api_v3.
fn probe(http: &Http) -> Result<(BackendKind, bool), BackendError> {
    type Probe = (&'static str, fn(&[u8]) -> bool, BackendKind, bool);
    let tries: [Probe; 4] = [
        (
            "/api/echo",
            |b| b.starts_with(b"echo"),
            BackendKind::Tempo,
            false,
        ),
        (
            "/api/v3/services",
            |b| json_has(b, "services"),
            BackendKind::Jaeger,
            false,
        ),
        (
            "/api/v2/services",
            |b| {
                matches!(
                    serde_json::from_slice::<serde_json::Value>(b),
                    Ok(serde_json::Value::Array(_))
                )
            },
            BackendKind::Zipkin,
            false,
        ),
        (
            "/api/services",
            |b| json_has(b, "data"),
            BackendKind::Jaeger,
            true,
        ),
    ];
    for (path, test, kind, legacy) in tries {
        let reply = http.get(path, &[], "*/*")?;
        if matches!(reply.status, 401 | 403) {
            return Err(http.status_error(reply));
        }
        if reply.is_success() && !reply.is_html() {
            let body = reply.bytes(4 * 1024 * 1024)?;
            if test(&body) {
                return Ok((kind, legacy));
            }
        }
    }
    Err(BackendError::new(
        ErrorKind::Usage,
        format!(
            "cannot tell which API {} speaks (it answered none of Tempo's /api/echo, Jaeger's /api/v3/services or /api/services, Zipkin's /api/v2/services): pass --backend-kind jaeger|zipkin|tempo, and check the URL's base path",
            http.shown()
        ),
    ))
}

fn json_has(b: &[u8], key: &str) -> bool {
    serde_json::from_slice::<serde_json::Value>(b)
        .ok()
        .and_then(|v| v.get(key).cloned())
        .is_some()
}
