//! Tracing backends: Jaeger (api_v3, legacy `/api`), Zipkin v2 and Grafana Tempo over HTTP.
//!
//! A [`Target`] says how to reach a backend (resolved from flags, environment and the config
//! files by [`config::resolve`]); a [`Session`] holds one and builds the HTTP [`client::Client`]
//! lazily, so a cached trace needs no network at all. Response bodies are handed to the format
//! readers (`crate::formats::read_format`) as they arrive.
//!
//! # For users
//!
//! * Naming a backend: `--backend NAME` (a profile, see [`config`]) or `--backend URL` (a base
//!   URL that may carry a path prefix, e.g. `http://vt:10428/select/jaeger`); also
//!   `TRACEKIT_BACKEND`, or `default` in the config's `[backends]` table. The kind comes from
//!   `--backend-kind`/`TRACEKIT_BACKEND_KIND`, the profile's `kind`, or is detected from a bare URL
//!   with at most four cheap GETs (Tempo `/api/echo`, Jaeger `/api/v3/services`, Zipkin
//!   `/api/v2/services`, Jaeger legacy `/api/services`).
//! * Precedence: flags > environment > project file `./tracekit.toml` > user file
//!   `$XDG_CONFIG_HOME/tracekit/config.toml`. The project file is not trusted with credentials
//!   (see [`config`]): unless its directory is trusted, it cannot set credential keys, is not
//!   sent `TRACEKIT_TOKEN`, and cannot point a user profile at another URL. A profile with its own credentials (`token_env`,
//!   `token_file`, `basic_user`) is never sent `TRACEKIT_TOKEN`, which applies only to bare URLs
//!   and profiles without credentials (so one backend's token does not leak to another);
//!   `--token-file` beats both.
//! * Every analysis command accepts trace ids (16 or 32 hex digits that name no file) as SOURCE
//!   when a backend is named, and `--search-service/-operation/-tag/-query/-min-duration/
//!   -max-duration`, `--since` (default 1h), `--search-start/-end`, `--search-limit` (default
//!   20) to analyse a search's traces: `tracekit stats --backend prod --search-service checkout
//!   --since 1h`. An id-like SOURCE without a backend is a usage error (exit 2).
//! * `tracekit fetch ID… [-o DIR/|FILE] [--to FORMAT | --raw]` saves traces, converted through
//!   the model (default OTLP JSON) or verbatim; `tracekit search` lists matches (table or
//!   `--format json`, schema `tracekit.search/v1`) and with `--fetch [-o DIR]` downloads them
//!   (`-j` at once, default 4); `tracekit services [--operations | --service S | --tags]`.
//! * Requests: timeouts (`--timeout`, profile `timeout`/`connect_timeout`; `timeout` bounds one
//!   request whole: connect, headers and body), a total time limit for a request and all its
//!   retries (`--total-timeout`, profile `total_timeout`, default 2m), retries (`--retries`,
//!   default 3) with exponential backoff and jitter after connection errors, 429 (honouring
//!   `Retry-After` in seconds or as an HTTP date, up to 60 s: a longer wait is reported instead)
//!   and 5xx other than 501. Timeouts, TLS and 4xx answers are not retried. After a failure every
//!   other request would share (unreachable, TLS, credentials) a batch stops.
//! * Redirects (at most 5) are followed by tracekit itself: credentials (`Authorization`,
//!   `X-Scope-OrgID`, every `--header`/`headers` value) go only to the backend's origin (scheme,
//!   host and port), never to another origin a redirect names; a redirect from https to plain
//!   http is refused; no `Referer` is sent.
//! * Answers are read up to `--max-response-size` (profile `max_response_size`, default 512 MiB)
//!   after decompression, so a small gzip body cannot inflate without bound; a larger answer is
//!   an error naming the limit.
//! * TLS is verified against the system roots plus `--ca-file`/`ca_file`; `--insecure` turns
//!   verification off and says so on stderr every run.
//! * Cache (opt-in): `--cache DIR`, profile `cache_dir`, or `cache_dir` in `[backends]`;
//!   `--no-cache` bypasses it. See [`cache`].
//! * Failures are one line each and exit 4: unreachable (with the URL), timeout, TLS, 401/403
//!   ("check the token", naming where the token came from), not found, other statuses with the
//!   first line of the body, an HTML page instead of data, a truncated body, or a body the
//!   reader rejects (with the reader's position). Tempo's `status: PARTIAL` is a warning.
//!
//! # API quirks handled
//!
//! * Jaeger: api_v3 first; a JSON `{"error":…}` 404 means "no such trace / no results", while a
//!   plain-text 400/404/405/501 or the UI's HTML page means "no api_v3 here" and switches to the
//!   legacy API for the session. api_v3 search parameters are sent in snake_case and camelCase,
//!   with the required RFC 3339 time range. Ids are sent as 32 hex digits (VictoriaTraces needs
//!   64-bit ids zero-padded). A 200 with `{"data":[]}` (VictoriaTraces) reads as zero spans:
//!   not found.
//! * Zipkin: 64-bit ids as 16 digits; durations in µs, `endTs`/`lookback` in ms; tags become
//!   `annotationQuery` terms joined with `and`.
//! * Tempo: `/api/v2/traces/{id}`, then `/api/traces/{id}` when the v2 route is missing (a 404
//!   with a body; a 404 with an empty body is "not found"); `--protobuf` asks for protobuf and
//!   unwraps v2's `TraceByIDResponse`; search with TraceQL `q=` (`--query`) or logfmt `tags=`
//!   (service as `service.name`, operation as `name`), start/end in Unix seconds; search ids
//!   lose leading zeros and are padded back; `X-Scope-OrgID` from `tenant`.
//!
//! Errors are one line each, name the backend by its redacted URL, and never contain a secret:
//! every configured secret value (token, password, basic-auth header, header values; at least
//! 4 characters) is registered with [`crate::term::register_secret`] and replaced by `***` in
//! every error and warning, also when a backend echoes it back in an error body; quoted bodies
//! are cut to their first line (200 characters), page titles to 100.

pub mod cache;
pub mod client;
pub mod config;
pub mod http;
pub mod jaeger;
pub mod query;
pub mod secret;
pub mod session;
pub mod tempo;
pub mod zipkin;

use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::formats::Format;
use crate::model::TraceId;

pub use query::SearchQuery;
pub use secret::Secret;
pub use session::Session;

/// The query APIs tracekit speaks.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)
    Jaeger,
    /// Zipkin v2 API (`/api/v2`)
    Zipkin,
    /// Grafana Tempo (`/api/v2/traces`, `/api/search`)
    Tempo,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Jaeger => "jaeger",
            BackendKind::Zipkin => "zipkin",
            BackendKind::Tempo => "tempo",
        }
    }
}

/// Credentials sent with every request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    Bearer(Secret),
    Basic {
        user: String,
        password: Option<Secret>,
    },
}

/// A `--header "Name: value"` flag; the value is treated as a secret (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderArg {
    pub name: String,
    pub value: Secret,
}

impl fmt::Debug for HeaderArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ***", self.name)
    }
}

impl std::str::FromStr for HeaderArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (name, value) = s
            .split_once(':')
            .ok_or_else(|| "expected \"Name: value\"".to_string())?;
        let name = name.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(format!(
                "invalid header name {:?}: expected \"Name: value\"",
                crate::term::escape(name)
            ));
        }
        Ok(HeaderArg {
            name: name.to_string(),
            value: Secret::new(value.trim()),
        })
    }
}

/// Everything needed to talk to one backend. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct Target {
    /// The profile name, or the redacted URL when given directly.
    pub name: String,
    /// Base URL without user info and without a trailing slash; may include a path prefix.
    pub url: String,
    pub kind: Option<BackendKind>,
    pub auth: Auth,
    /// Where the credentials came from, for messages (never the value).
    pub auth_source: Option<String>,
    /// Tempo tenant (`X-Scope-OrgID`).
    pub tenant: Option<String>,
    /// Extra headers; values are treated as secrets (they often carry API keys).
    pub headers: Vec<(String, Secret)>,
    /// Time limit of one request: connect, headers and the whole body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retries: u32,
    /// Time limit of one request with all its retries (and the waits between them).
    pub total_timeout: Duration,
    /// Largest answer read, in bytes after decompression.
    pub max_response_size: u64,
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
    pub cache_dir: Option<PathBuf>,
    /// Tempo: ask for protobuf (`Accept: application/protobuf`) instead of JSON.
    pub protobuf: bool,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_RETRIES: u32 = 3;
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 512 << 20;

impl Target {
    /// A target for a bare URL with defaults everywhere else.
    pub fn from_url(url: &str, kind: Option<BackendKind>) -> Target {
        let (clean, user, password) = secret::split_userinfo(url);
        let clean = clean.trim_end_matches('/').to_string();
        let auth = match user {
            Some(user) => Auth::Basic { user, password },
            None => Auth::None,
        };
        let auth_source = (auth != Auth::None).then(|| "the user info in the URL".to_string());
        Target {
            name: secret::redact_url(url),
            url: clean,
            kind,
            auth,
            auth_source,
            tenant: None,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            ca_file: None,
            insecure: false,
            cache_dir: None,
            protobuf: false,
        }
    }

    /// Register every secret value of this target (token, password and the basic-auth header
    /// made of it, header values) so that no output shows it: see [`crate::term::mask_secrets`].
    pub fn register_secrets(&self) {
        use crate::term::register_secret;
        use base64::Engine as _;
        match &self.auth {
            Auth::None => {}
            Auth::Bearer(t) => register_secret(t.expose()),
            Auth::Basic { user, password } => {
                let pw = password.as_ref().map(Secret::expose).unwrap_or("");
                register_secret(pw);
                let pair = format!("{user}:{pw}");
                register_secret(&base64::engine::general_purpose::STANDARD.encode(pair));
            }
        }
        for (_, v) in &self.headers {
            register_secret(v.expose());
        }
    }

    /// The base URL fit for messages.
    pub fn shown_url(&self) -> String {
        secret::redact_url(&self.url)
    }

    /// `prod (tempo at https://…)` or `tempo at https://…`.
    pub fn describe(&self) -> String {
        let kind = self.kind.map(|k| k.name()).unwrap_or("backend");
        let url = self.shown_url();
        if self.name.contains("://") {
            format!("{kind} at {url}")
        } else {
            format!("{} ({kind} at {url})", self.name)
        }
    }
}

/// What went wrong talking to a backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request could not be made as asked (bad combination of options): exit 2.
    Usage,
    Connect,
    Timeout,
    Tls,
    Auth,
    NotFound,
    Status,
    RateLimited,
    /// The body is not what the API returns (wrong content type, unreadable document).
    Body,
}

/// One line, already redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendError {
    pub kind: ErrorKind,
    pub message: String,
}

impl BackendError {
    /// The message is masked: no registered secret survives in it.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message = message.into();
        BackendError {
            kind,
            message: crate::term::mask_secrets(&message).into_owned(),
        }
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BackendError {}

impl From<BackendError> for Error {
    fn from(e: BackendError) -> Self {
        match e.kind {
            ErrorKind::Usage => Error::Usage(e.message),
            _ => Error::Backend(e.message),
        }
    }
}

/// Tempo answers `status: PARTIAL` when it could not read every block: say so.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Partial {
    #[default]
    Complete,
    /// Known from the response (protobuf), with Tempo's message.
    Yes(String),
    /// A JSON body: look for `"status":"PARTIAL"` at its end once it has been read.
    CheckJsonTail,
}

/// A trace body on its way in.
pub struct Body {
    pub format: Format,
    pub reader: Box<dyn Read + Send>,
    /// `GET https://…/api/v2/traces/…` (redacted), for messages.
    pub request: String,
    pub partial: Partial,
    /// The announced length, to tell a truncated body from a bad one.
    pub content_length: Option<u64>,
}

/// One trace in a search result.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct SearchHit {
    /// 32 lowercase hex digits.
    #[serde(serialize_with = "ser_trace_id")]
    #[schemars(with = "String")]
    pub trace_id: TraceId,
    pub root_service: Option<String>,
    pub root_operation: Option<String>,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Span count, when the backend says (Tempo: the matched services' span counts).
    pub spans: Option<u64>,
    pub errors: Option<u64>,
}

fn ser_trace_id<S: serde::Serializer>(id: &TraceId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex32(*id))
}

/// What a search answers: summaries (Tempo), or whole traces to read (Jaeger, Zipkin).
pub enum SearchBody {
    Summaries(Vec<SearchHit>),
    Traces(Body),
}

/// An operation (span name) of a service.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Operation {
    pub name: String,
    /// `server`, `client`, … when the backend says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A trace id as 32 lowercase hex digits.
pub fn hex32(id: TraceId) -> String {
    format!("{:032x}", id.0)
}

/// True for 16 or 32 hex digits (how trace ids are written on the command line).
pub fn looks_like_trace_id(s: &str) -> bool {
    (s.len() == 16 || s.len() == 32) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse a trace id given by the user: 16 or 32 hex digits.
pub fn parse_trace_id(s: &str) -> Result<TraceId, Error> {
    let t = s.trim();
    if !looks_like_trace_id(t) {
        if !t.is_empty() && t.len() < 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::usage(format!(
                "trace id {s:?} has {} hex digits: a backend is asked for whole ids (16 or 32 \
                 digits); a prefix only picks among traces already read (--trace)",
                t.len()
            )));
        }
        return Err(Error::usage(format!(
            "invalid trace id {s:?}: expected 16 or 32 hex digits"
        )));
    }
    TraceId::from_hex(t)
        .ok()
        .filter(|id| !id.is_zero())
        .ok_or_else(|| Error::usage(format!("invalid trace id {s:?}: all zeros")))
}

/// One line of a body for a message: the first non-empty line, trimmed, escaped, cut at 200
/// characters.
pub fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut cut: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        cut.push('…');
    }
    crate::term::escape(&cut).into_owned()
}

/// Percent-encode one path segment.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_on_the_command_line() {
        assert!(looks_like_trace_id("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(looks_like_trace_id("3241AFC70B0E852D"));
        assert!(!looks_like_trace_id("3241afc70b0e852"));
        assert!(!looks_like_trace_id("trace.json"));
        assert!(!looks_like_trace_id("4bf92f3577b34da6a3ce929d0e0e473g"));
        assert_eq!(
            hex32(parse_trace_id("3241afc70b0e852d").unwrap()),
            "00000000000000003241afc70b0e852d"
        );
        assert!(parse_trace_id("0000000000000000").is_err());
        let e = parse_trace_id("3241afc7").unwrap_err().to_string();
        assert!(e.contains("whole ids (16 or 32 digits)"), "{e}");
    }

    #[test]
    fn snippets_and_segments() {
        assert_eq!(
            snippet(b"\n  404 page not found\nmore"),
            "404 page not found"
        );
        assert_eq!(snippet(b"a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(snippet(&[b'x'; 300]).chars().count(), 201);
        assert_eq!(encode_segment("GET /a b"), "GET%20%2Fa%20b");
    }

    #[test]
    fn header_flags_hide_their_values() {
        let h: HeaderArg = "X-Api-Key: abc123".parse().unwrap();
        assert_eq!(h.name, "X-Api-Key");
        assert_eq!(h.value.expose(), "abc123");
        assert_eq!(format!("{h:?}"), "X-Api-Key: ***");
        assert!("no colon".parse::<HeaderArg>().is_err());
        assert!("bad name: x".parse::<HeaderArg>().is_err());
    }

    #[test]
    fn target_debug_hides_secrets() {
        let t = Target::from_url("https://me:hunter2@tempo.example/t", None);
        assert_eq!(t.url, "https://tempo.example/t");
        assert_eq!(t.name, "https://***@tempo.example/t");
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
    }
}
