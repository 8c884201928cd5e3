//! The HTTP client: TLS (rustls with the *ring* crypto provider; the platform verifier with the
//! system roots plus an optional CA file), auth and tenant headers, timeouts, and retries with
//! exponential backoff and jitter on connection errors, 429 (honouring `Retry-After`) and 5xx.
//! Every failure becomes one redacted line.

use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use reqwest::blocking::{Client as RClient, Response};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
    LOCATION, RETRY_AFTER,
};

use super::{Auth, BackendError, ErrorKind, Target, snippet};
use crate::input::source::{SmallFile, read_small_file};

/// A server asking us to wait longer than this is not retried: we say when to try again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Redirects followed for one request.
const MAX_REDIRECTS: u32 = 5;
/// Error bodies are read only this far (they are messages, not data).
const ERROR_BODY_BYTES: u64 = 64 * 1024;

pub struct Http {
    client: RClient,
    /// Authorization, X-Scope-OrgID and the extra headers: sent to the backend's origin only.
    credentials: HeaderMap,
    /// `scheme://host:port` of the backend.
    origin: String,
    base: String,
    shown: String,
    retries: u32,
    timeout: Duration,
    total_timeout: Duration,
    max_response_size: u64,
    auth_hint: String,
    requests: AtomicU64,
}

/// Why `Http::send` has no answer.
enum Sent {
    Transport(reqwest::Error),
    /// A redirect not followed.
    Refused(BackendError),
}

/// An answer (any status but the retried ones while retries were left).
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub content_length: Option<u64>,
    /// `GET https://…/path` (redacted, no query).
    pub request: String,
    pub attempts: u32,
    /// Retries were cut short by the total time limit.
    pub out_of_time: bool,
    total_timeout: Duration,
    resp: Capped,
}

/// A response body that fails once more than `limit` bytes (after decompression) arrive.
struct Capped {
    inner: Response,
    left: u64,
    limit: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the limit: one more byte means too large.
            let mut one = [0u8; 1];
            return match self.inner.read(&mut one)? {
                0 => Ok(0),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    format!(
                        "the answer is larger than the limit of {} (after decompression; raise it with --max-response-size or max_response_size in the profile)",
                        crate::units::format_size(self.limit)
                    ),
                )),
            };
        }
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}

impl Http {
    pub fn new(t: &Target) -> Result<Http, BackendError> {
        let usage = |m: String| BackendError::new(ErrorKind::Usage, m);
        t.register_secrets();
        let mut headers = HeaderMap::new();
        match &t.auth {
            Auth::None => {}
            Auth::Bearer(token) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose().trim()))
                    .map_err(|_| {
                        usage("the token contains characters not allowed in an HTTP header".into())
                    })?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
            Auth::Basic { user, password } => {
                let pair = format!(
                    "{user}:{}",
                    password.as_ref().map(|p| p.expose()).unwrap_or("")
                );
                let enc = base64::engine::general_purpose::STANDARD.encode(pair);
                let mut v = HeaderValue::from_str(&format!("Basic {enc}"))
                    .map_err(|_| usage("invalid basic-auth credentials".into()))?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
        }
        if let Some(tenant) = &t.tenant {
            let v = HeaderValue::from_str(tenant)
                .map_err(|_| usage(format!("invalid tenant {tenant:?}")))?;
            headers.insert(HeaderName::from_static("x-scope-orgid"), v);
        }
        for (name, value) in &t.headers {
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| usage(format!("invalid header name {name:?}")))?;
            let mut v = HeaderValue::from_str(value.expose())
                .map_err(|_| usage(format!("invalid value for header {name:?}")))?;
            v.set_sensitive(true);
            headers.insert(n, v);
        }
        install_crypto_provider();
        let mut b = RClient::builder()
            .user_agent(concat!("tracekit/", env!("CARGO_PKG_VERSION")))
            .timeout(t.timeout)
            .connect_timeout(t.connect_timeout)
            .gzip(true)
            // Redirects are followed by `send`, which decides what each hop may carry.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false);
        if let Some(ca) = &t.ca_file {
            let pem = read_small_file(ca, SmallFile::Config).map_err(|e| {
                usage(format!(
                    "cannot read the CA file {}: {}",
                    ca.display(),
                    crate::input::source::io_message(&e)
                ))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    usage(format!(
                        "the CA file {} holds no PEM certificate",
                        ca.display()
                    ))
                })?;
            b = b.tls_certs_merge(certs);
        }
        if t.insecure {
            b = b.tls_danger_accept_invalid_certs(true);
        }
        let origin_url = reqwest::Url::parse(&t.url)
            .map_err(|e| usage(format!("invalid backend URL {}: {e}", t.shown_url())))?;
        let client = b.build().map_err(|e| {
            usage(format!(
                "cannot set up the HTTP client: {}",
                root_cause(&e.without_url())
            ))
        })?;
        let auth_hint = match (&t.auth, &t.auth_source) {
            (Auth::None, _) => "no credentials were sent: set TRACEKIT_TOKEN, or token_env (or basic_user/basic_password_env) in the profile".to_string(),
            (_, Some(src)) => format!("the credentials come from {src}"),
            (_, None) => "check the credentials".to_string(),
        };
        Ok(Http {
            client,
            credentials: headers,
            origin: origin_url.origin().ascii_serialization(),
            base: t.url.trim_end_matches('/').to_string(),
            shown: t.shown_url(),
            retries: t.retries,
            timeout: t.timeout,
            total_timeout: t.total_timeout,
            max_response_size: t.max_response_size,
            auth_hint,
            requests: AtomicU64::new(0),
        })
    }

    /// The redacted base URL.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `base + path` (path already percent-encoded) with query parameters.
    pub fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        accept: &str,
    ) -> Result<Reply, BackendError> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base, path)).map_err(|e| {
            BackendError::new(
                ErrorKind::Usage,
                format!("invalid backend URL {}{path}: {e}", self.shown),
            )
        })?;
        if !query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        let shown = format!("GET {}{}", self.shown, path);
        let started = Instant::now();
        let deadline = started + self.total_timeout;
        let mut attempt: u32 = 0;
        loop {
            // Each attempt is bounded whole (connect, headers, body) by --timeout, and by what
            // is left of the total time limit.
            let left = deadline.saturating_duration_since(Instant::now());
            let by_total = left < self.timeout;
            let limit = self.timeout.min(left).max(Duration::from_millis(1));
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = match self.send(&url, accept, limit, &shown) {
                Ok(r) => Ok(r),
                Err(Sent::Transport(e)) => Err(e),
                Err(Sent::Refused(e)) => return Err(e),
            };
            // Whether a wait of `w` before the next attempt still fits in the total time limit.
            let fits = |w: Duration| Instant::now() + w < deadline;
            match sent {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retryable =
                        status == 429 || ((500..600).contains(&status) && status != 501);
                    let mut out_of_time = false;
                    if retryable && attempt < self.retries {
                        let asked = retry_after(resp.headers(), SystemTime::now());
                        if let Some(w) = asked
                            && w > MAX_RETRY_AFTER
                        {
                            return Err(BackendError::new(
                                ErrorKind::RateLimited,
                                format!(
                                    "{shown}: the backend is rate limiting (429) and asks to retry after {}; try again later",
                                    crate::units::format_duration(w.as_nanos() as u64)
                                ),
                            ));
                        }
                        let wait = asked.unwrap_or_else(|| backoff(attempt));
                        if fits(wait) {
                            drop(resp);
                            std::thread::sleep(wait);
                            attempt += 1;
                            continue;
                        }
                        out_of_time = true;
                    }
                    let header = |h| {
                        resp.headers()
                            .get(h)
                            .and_then(|v: &HeaderValue| v.to_str().ok())
                            .map(str::to_string)
                    };
                    return Ok(Reply {
                        status,
                        content_type: header(CONTENT_TYPE).unwrap_or_default(),
                        content_length: header(CONTENT_LENGTH).and_then(|v| v.parse().ok()),
                        request: shown,
                        attempts: attempt + 1,
                        out_of_time,
                        total_timeout: self.total_timeout,
                        resp: Capped {
                            inner: resp,
                            left: self.max_response_size,
                            limit: self.max_response_size,
                        },
                    });
                }
                Err(e) => {
                    let e = e.without_url();
                    let kind = classify(&e);
                    if kind == ErrorKind::Connect && attempt < self.retries {
                        let wait = backoff(attempt);
                        if fits(wait) {
                            std::thread::sleep(wait);
                            attempt += 1;
                            continue;
                        }
                        let mut err = self.transport_error(&e, kind, &shown, attempt + 1);
                        err.message.push_str(&self.total_note());
                        return Err(err);
                    }
                    let mut err = self.transport_error(&e, kind, &shown, attempt + 1);
                    if kind == ErrorKind::Timeout && by_total {
                        err.message = format!(
                            "{shown}: no answer within the total time limit of {} for the request and its retries (raise it with --total-timeout or total_timeout in the profile)",
                            fmt_duration(self.total_timeout)
                        );
                    }
                    return Err(err);
                }
            }
        }
    }

    /// One GET, following up to [`MAX_REDIRECTS`] redirects. The credentials go only to the
    /// backend's origin (scheme, host and port): a hop to another origin is sent without them,
    /// and a hop from https to plain http is refused.
    fn send(
        &self,
        url: &reqwest::Url,
        accept: &str,
        limit: Duration,
        shown: &str,
    ) -> Result<Response, Sent> {
        let mut url = url.clone();
        let mut hops = 0;
        // One time limit for the request and the redirects it leads to.
        let until = Instant::now() + limit;
        loop {
            let left = until
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1));
            let mut req = self
                .client
                .get(url.clone())
                .header(ACCEPT, accept)
                .timeout(left);
            if url.origin().ascii_serialization() == self.origin {
                req = req.headers(self.credentials.clone());
            }
            let resp = req.send().map_err(Sent::Transport)?;
            let status = resp.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(resp);
            }
            let Some(next) = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok())
            else {
                return Ok(resp);
            };
            let refused = |why: String| {
                Sent::Refused(BackendError::new(
                    ErrorKind::Status,
                    format!(
                        "{shown}: answered {status} redirecting to {}: {why}",
                        super::secret::redact_url(next.as_str())
                    ),
                ))
            };
            if url.scheme() == "https" && next.scheme() != "https" {
                return Err(refused(
                    "refused, a redirect from https to plain http would send the request unencrypted"
                        .into(),
                ));
            }
            if !matches!(next.scheme(), "http" | "https") {
                return Err(refused("refused, not an http(s) URL".into()));
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(refused(format!(
                    "more than {MAX_REDIRECTS} redirects in a row; check the URL"
                )));
            }
            url = next;
        }
    }

    /// `; stopped retrying: …` for an error after the total time limit cut the retries short.
    fn total_note(&self) -> String {
        total_note(self.total_timeout)
    }

    fn transport_error(
        &self,
        e: &reqwest::Error,
        kind: ErrorKind,
        shown: &str,
        attempts: u32,
    ) -> BackendError {
        let cause = root_cause(e);
        let tries = if attempts > 1 {
            format!(" (after {attempts} attempts)")
        } else {
            String::new()
        };
        let msg = match kind {
            ErrorKind::Timeout => format!(
                "{shown}: no answer within {} (raise it with --timeout or timeout in the profile)",
                crate::units::format_duration(self.timeout.as_nanos() as u64)
            ),
            ErrorKind::Tls if cause.contains("corrupt message") => format!(
                "{shown}: TLS error: {cause}; does the server speak TLS at all? (http:// instead of https://)"
            ),
            ErrorKind::Tls => format!(
                "{shown}: TLS error: {cause}; if the backend uses a private CA, pass --ca-file FILE (or ca_file in the profile)"
            ),
            ErrorKind::Connect => {
                format!("cannot reach the backend at {}{tries}: {cause}", self.shown)
            }
            _ => format!("{shown}: {cause}{tries}"),
        };
        BackendError::new(kind, msg)
    }

    /// The error for an answer that is not a success: 401/403 point at the credentials,
    /// everything else quotes the first line of the body.
    pub fn status_error(&self, reply: Reply) -> BackendError {
        let status = reply.status;
        let reason = reply
            .resp
            .inner
            .status()
            .canonical_reason()
            .unwrap_or("")
            .to_string();
        let request = reply.request.clone();
        let attempts = reply.attempts;
        let note = if reply.out_of_time {
            total_note(reply.total_timeout)
        } else {
            String::new()
        };
        let body = reply.error_body();
        let said = if body.is_empty() {
            String::new()
        } else {
            format!(": {body}")
        };
        match status {
            401 | 403 => BackendError::new(
                ErrorKind::Auth,
                format!(
                    "{request}: answered {status} {reason}: check the token ({}){said}",
                    self.auth_hint
                ),
            ),
            429 => BackendError::new(
                ErrorKind::RateLimited,
                format!(
                    "{request}: still rate limited (429) after {attempts} attempts{said}{note}"
                ),
            ),
            _ => {
                let tries = if attempts > 1 {
                    format!(" after {attempts} attempts")
                } else {
                    String::new()
                };
                BackendError::new(
                    ErrorKind::Status,
                    format!("{request}: answered {status} {reason}{tries}{said}{note}"),
                )
            }
        }
    }
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_html(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        ct.starts_with("text/html") || ct.starts_with("application/xhtml")
    }

    pub fn is_json(&self) -> bool {
        self.content_type.to_ascii_lowercase().contains("json")
    }

    /// The first line of a (small) body, for a message.
    pub fn error_body(self) -> String {
        let mut buf = Vec::new();
        let _ = self.resp.take(ERROR_BODY_BYTES).read_to_end(&mut buf);
        snippet(&buf)
    }

    /// A small body, whole (error documents, service lists, search summaries).
    pub fn bytes(self, limit: u64) -> Result<Vec<u8>, BackendError> {
        let request = self.request.clone();
        let mut buf = Vec::new();
        self.resp
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| body_io_error(&request, &e))?;
        Ok(buf)
    }

    /// Parse a small JSON answer.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, BackendError> {
        let request = self.request.clone();
        let html = self.is_html();
        let ct = self.content_type.clone();
        let buf = self.bytes(u64::MAX)?;
        if html {
            return Err(html_error(&request, &ct, &buf));
        }
        decode_json(&request, &buf)
    }

    pub fn into_reader(self) -> Box<dyn Read + Send> {
        Box::new(self.resp)
    }
}

/// reqwest is built with `rustls-no-provider` (no aws-lc-rs, so no AWS-LC C library to compile):
/// it takes rustls's process-wide default provider, which is *ring*, installed here before the
/// first client is built, unless the program embedding this library installed one of its own.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // An error means a provider is installed already; reqwest uses that one.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn fmt_duration(d: Duration) -> String {
    crate::units::format_duration(d.as_nanos() as u64)
}

fn total_note(total: Duration) -> String {
    format!(
        "; stopped retrying at the total time limit of {} (raise it with --total-timeout or total_timeout in the profile)",
        fmt_duration(total)
    )
}

/// Parse a small JSON answer's bytes; an error names the request and the position.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    request: &str,
    buf: &[u8],
) -> Result<T, BackendError> {
    serde_json::from_slice(buf).map_err(|e| {
        BackendError::new(
            ErrorKind::Body,
            format!(
                "bad response from {request}: {}:{}: {} (body starts with {:?})",
                e.line(),
                e.column(),
                json_error_text(&e),
                snippet(buf)
            ),
        )
    })
}

fn json_error_text(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is printed separately.
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The answer is a web page, not API data: almost always a wrong URL or base path, or a login
/// page in front of the backend.
pub fn html_error(request: &str, content_type: &str, body: &[u8]) -> BackendError {
    let title = String::from_utf8_lossy(body);
    let lower = title.to_ascii_lowercase();
    let title = lower
        .find("<title>")
        .and_then(|s| {
            let rest = &title[s + 7..];
            rest.find("</").map(|e| rest[..e].trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .map(|t| {
            let mut cut: String = t.chars().take(100).collect();
            if cut.len() < t.len() {
                cut.push('…');
            }
            format!(" titled {:?}", crate::term::escape(&cut))
        })
        .unwrap_or_default();
    BackendError::new(
        ErrorKind::Body,
        format!(
            "{request}: answered with an HTML page{title} (Content-Type: {}) instead of trace data: check the URL and its base path, and --backend-kind",
            crate::term::escape(content_type)
        ),
    )
}

pub fn body_io_error(request: &str, e: &std::io::Error) -> BackendError {
    let cause = match e.get_ref() {
        Some(inner) => root_cause(inner),
        None => e.to_string(),
    };
    if e.kind() == std::io::ErrorKind::FileTooLarge {
        return BackendError::new(ErrorKind::Body, format!("{request}: {cause}"));
    }
    let timeout = e.kind() == std::io::ErrorKind::TimedOut || cause.contains("timed out");
    if timeout {
        return BackendError::new(
            ErrorKind::Timeout,
            format!("{request}: the answer did not arrive in time ({cause}); raise --timeout"),
        );
    }
    BackendError::new(
        ErrorKind::Body,
        format!(
            "{request}: the connection broke while reading the answer, which is truncated: {cause}"
        ),
    )
}

fn classify(e: &reqwest::Error) -> ErrorKind {
    let chain = chain_text(e).to_ascii_lowercase();
    if [
        "certificate",
        "tls",
        "handshake",
        "ssl",
        "corrupt message",
        "invalid peer",
        "alert",
    ]
    .iter()
    .any(|k| chain.contains(k))
    {
        return ErrorKind::Tls;
    }
    // Before the timeout test: a connect timeout is "unreachable" (and worth a retry).
    if e.is_connect() {
        return ErrorKind::Connect;
    }
    if e.is_timeout() || chain.contains("timed out") {
        return ErrorKind::Timeout;
    }
    // A connection dropped before the answer (reset, closed): worth a retry too.
    if e.is_request() {
        return ErrorKind::Connect;
    }
    ErrorKind::Status
}

fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// The deepest cause's text (reqwest's own text names the URL, which may hold user info).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !t.is_empty() {
            last = t;
        }
        cur = s.source();
    }
    crate::term::escape(&last).into_owned()
}

/// `Retry-After`: delay-seconds or an HTTP-date.
pub fn retry_after(h: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff with jitter: `base × 2^attempt`, capped, then a random 50–100 % of it.
pub fn backoff(attempt: u32) -> Duration {
    let full = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let r = h.finish() % 1000;
    full / 2 + full / 2 * (r as u32) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        // 1_000_000_000 s is 2001-09-09T01:46:40Z; five seconds later:
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 09 Sep 2001 01:46:45 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(5)));
        // A date in the past means now.
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 09 Sep 2001 01:40:00 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..20 {
            let d = backoff(attempt);
            let full = BACKOFF_BASE
                .saturating_mul(1u32 << attempt.min(16))
                .min(BACKOFF_CAP);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(backoff(30) <= BACKOFF_CAP);
    }

    #[test]
    fn html_pages_are_named() {
        let e = html_error(
            "GET http://h/api/traces/1",
            "text/html; charset=utf-8",
            b"<html><head><title>Sign in</title></head></html>",
        );
        assert_eq!(e.kind, ErrorKind::Body);
        assert!(
            e.message.contains("HTML page titled \"Sign in\""),
            "{}",
            e.message
        );
    }
}
