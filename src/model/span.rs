//! The one span representation every reader produces and every analysis consumes.

use std::sync::Arc;

use super::ids::{SpanId, TraceId};
use super::value::{KeyValue, find};

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    /// OTLP enum number.
    pub fn from_otlp(n: i64) -> Option<Self> {
        Some(match n {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }

    pub fn to_otlp(self) -> i32 {
        match self {
            SpanKind::Unspecified => 0,
            SpanKind::Internal => 1,
            SpanKind::Server => 2,
            SpanKind::Client => 3,
            SpanKind::Producer => 4,
            SpanKind::Consumer => 5,
        }
    }

    /// Accepts OTLP enum names (`SPAN_KIND_SERVER`), Jaeger `span.kind` values (`server`) and
    /// Zipkin kinds (`SERVER`), any case.
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s
            .strip_prefix("SPAN_KIND_")
            .or_else(|| s.strip_prefix("span_kind_"))
            .unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unspecified" | "" => SpanKind::Unspecified,
            "internal" | "local" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// Lowercase name used in JSON output and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum StatusCode {
    #[default]
    Unset,
    Ok,
    Error,
}

impl StatusCode {
    pub fn from_otlp(n: i64) -> Option<Self> {
        Some(match n {
            0 => StatusCode::Unset,
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => return None,
        })
    }

    pub fn to_otlp(self) -> i32 {
        match self {
            StatusCode::Unset => 0,
            StatusCode::Ok => 1,
            StatusCode::Error => 2,
        }
    }

    /// Accepts `STATUS_CODE_ERROR`, `ERROR`, `error`, `Ok`…
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s.strip_prefix("STATUS_CODE_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unset" | "" => StatusCode::Unset,
            "ok" => StatusCode::Ok,
            "error" => StatusCode::Error,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    pub code: StatusCode,
    pub message: Option<Box<str>>,
}

/// A span event (OTLP) or log (Jaeger) or annotation (Zipkin).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub time_ns: u64,
    pub name: Arc<str>,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
}

/// What a reference to another span means. OTLP links are `Link`; Jaeger references keep their
/// OpenTracing type so that a round trip through Jaeger JSON keeps them.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum RefKind {
    #[default]
    Link,
    ChildOf,
    FollowsFrom,
}

/// A reference to another span that is not (or not only) the parent.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub kind: RefKind,
    pub trace_state: Option<Box<str>>,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
    pub flags: u32,
}

/// The process that emitted spans (OTLP resource, Jaeger process, Zipkin local endpoint).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resource {
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
    pub schema_url: Option<Box<str>>,
}

/// The instrumentation scope (library) that created spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    pub name: Arc<str>,
    pub version: Option<Box<str>>,
    pub attributes: Vec<KeyValue>,
    pub dropped_attributes_count: u32,
    pub schema_url: Option<Box<str>>,
}

/// How the parent of a span was named in the source.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum ParentRef {
    /// A parent span id field (OTLP `parentSpanId`, Zipkin `parentId`), or no parent.
    #[default]
    ParentId,
    /// The first `CHILD_OF` reference (Jaeger).
    ChildOf,
    /// The first `FOLLOWS_FROM` reference, used when there is no `CHILD_OF` (Jaeger).
    FollowsFrom,
}

/// `Span.flags` bit: whether the parent's remoteness is known (OTLP `SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK`).
pub const FLAG_HAS_IS_REMOTE: u32 = 0x100;
/// `Span.flags` bit: the parent is remote (`SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK`).
pub const FLAG_IS_REMOTE: u32 = 0x200;

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// The effective parent (see [`ParentRef`]); `None` for a root.
    pub parent_span_id: Option<SpanId>,
    pub parent_ref: ParentRef,
    pub name: Arc<str>,
    /// `service.name` of the resource, or Jaeger's process service, or Zipkin's local endpoint.
    pub service: Arc<str>,
    pub kind: SpanKind,
    pub status: Status,
    /// Absolute start and end, Unix-epoch nanoseconds. 0 when the source had no timestamp.
    pub start_ns: u64,
    pub end_ns: u64,
    /// OTLP span flags (W3C trace flags in bits 0-7, remote-parent bits 8 and 9).
    pub flags: u32,
    pub trace_state: Option<Box<str>>,
    pub attributes: Vec<KeyValue>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub resource: Arc<Resource>,
    pub scope: Arc<Scope>,
    pub dropped_attributes_count: u32,
    pub dropped_events_count: u32,
    pub dropped_links_count: u32,
    /// Zipkin: the server half of a client/server span pair that shares one span id.
    pub shared: bool,
}

impl Span {
    /// A span with the given ids and everything else empty; readers fill in the rest.
    pub fn new(trace_id: TraceId, span_id: SpanId) -> Self {
        Span {
            trace_id,
            span_id,
            parent_span_id: None,
            parent_ref: ParentRef::ParentId,
            name: Arc::from(""),
            service: Arc::from(""),
            kind: SpanKind::Unspecified,
            status: Status::default(),
            start_ns: 0,
            end_ns: 0,
            flags: 0,
            trace_state: None,
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resource: Arc::default(),
            scope: Arc::default(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            shared: false,
        }
    }

    /// End minus start, 0 when the end is before the start (see [`Span::negative_duration`]).
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    pub fn negative_duration(&self) -> bool {
        self.end_ns < self.start_ns
    }

    pub fn is_error(&self) -> bool {
        self.status.code == StatusCode::Error
    }

    /// `Some(true)` when the source says the parent is in another process, `Some(false)` when it
    /// says it is local, `None` when the source does not say.
    pub fn parent_is_remote(&self) -> Option<bool> {
        (self.flags & FLAG_HAS_IS_REMOTE != 0).then_some(self.flags & FLAG_IS_REMOTE != 0)
    }

    pub fn attr(&self, key: &str) -> Option<&super::value::Value> {
        find(&self.attributes, key)
    }
}

/// What the tree, self-time and critical-path algorithms need of a span, so that they run on
/// full spans and on compact records (stats over huge inputs keep only these facts).
pub trait SpanLike {
    fn span_id(&self) -> SpanId;
    fn parent_span_id(&self) -> Option<SpanId>;
    fn start_ns(&self) -> u64;
    fn end_ns(&self) -> u64;
    fn kind(&self) -> SpanKind;
    fn shared(&self) -> bool;
}

impl SpanLike for Span {
    fn span_id(&self) -> SpanId {
        self.span_id
    }
    fn parent_span_id(&self) -> Option<SpanId> {
        self.parent_span_id
    }
    fn start_ns(&self) -> u64 {
        self.start_ns
    }
    fn end_ns(&self) -> u64 {
        self.end_ns
    }
    fn kind(&self) -> SpanKind {
        self.kind
    }
    fn shared(&self) -> bool {
        self.shared
    }
}
