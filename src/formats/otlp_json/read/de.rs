//! serde visitors that turn OTLP/JSON straight into model spans.
//!
//! No intermediate document: each visitor reads its object key by key (keys are matched through
//! a transient `&str`, camelCase and snake_case alike, unknown keys skipped without building
//! anything) and builds model values directly. Strings are seen as transient `&str`, so the same
//! code runs over a byte slice (JSON lines) and over a reader (a streamed document).
//!
//! Spans are appended to [`Conv::out`] as they complete. Their resource and scope are patched in
//! when the enclosing `ScopeSpans`/`ResourceSpans` ends, because `schemaUrl` (part of the model's
//! resource and scope) comes after the spans in what the Collector writes, and keys may come in
//! any order. If parsing fails part way, the spans completed so far are still patched and kept.
//!
//! On an error, each visitor it passes through on the way out pushes its key or index onto
//! [`Conv::err_path`], which gives the JSON path of the failure (`resourceSpans[0].scopeSpans[1]
//! .spans[3].traceId`) at no cost on the good path.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::formats::common::json_util::{
    Base64Bytes, EnumSeed, KeySeed, LenientBool, LenientF64, LenientI64, LenientU32, LenientU64,
    SpanIdSeed, StrSeed, TraceIdSeed,
};
use crate::model::{
    Event, Interner, KeyValue, Link, ParentRef, RefKind, Resource, Scope, Span, SpanId, SpanKind,
    SpanParts, Status, StatusCode, TraceId, Value,
};

/// The attribute the Collector's Jaeger translator puts on links that were Jaeger references.
pub(crate) const REF_TYPE_KEY: &str = "opentracing.ref_type";

/// Recently built resources and scopes kept for reuse: JSON lines repeat the same resource on
/// every line, and sharing one `Arc` keeps the model small.
const RECENT: usize = 8;

/// Slots of the direct-mapped cache in front of the interner.
const CACHE_SLOTS: usize = 1024;

/// Per-thread reading state that outlives one document: the interner and the shared values.
pub(crate) struct State {
    interner: Interner,
    /// Keys and names repeat on every span: a cheap hash finds most of them here without the
    /// interner's SipHash.
    cache: Vec<Option<Arc<str>>>,
    empty: Arc<str>,
    no_resource: Arc<Resource>,
    no_scope: Arc<Scope>,
    resources: Vec<(Arc<Resource>, Arc<str>)>,
    scopes: Vec<Arc<Scope>>,
    /// Reusable buffers for attribute lists (so each list is allocated once, at its size).
    scratch: Vec<Vec<KeyValue>>,
    /// The span parts the command reads: the others are skipped without being built.
    parts: SpanParts,
}

/// A fast, non-cryptographic hash of a short string (word at a time).
fn quick_hash(b: &[u8]) -> usize {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &c in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(K);
    }
    (h ^ (h >> 29)) as usize
}

impl State {
    pub(crate) fn new() -> Self {
        Self::for_parts(SpanParts::ALL)
    }

    pub(crate) fn parts(&self) -> SpanParts {
        self.parts
    }

    /// A state that builds only these parts of each span.
    pub(crate) fn for_parts(parts: SpanParts) -> Self {
        let mut interner = Interner::new();
        let empty = interner.intern("");
        State {
            interner,
            cache: vec![None; CACHE_SLOTS],
            no_resource: Arc::new(Resource::default()),
            no_scope: Arc::new(Scope {
                name: empty.clone(),
                ..Scope::default()
            }),
            empty,
            resources: Vec::new(),
            scopes: Vec::new(),
            scratch: Vec::new(),
            parts,
        }
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        let slot = quick_hash(s.as_bytes()) % CACHE_SLOTS;
        if let Some(a) = &self.cache[slot]
            && **a == *s
        {
            return a.clone();
        }
        let a = self.interner.intern(s);
        self.cache[slot] = Some(a.clone());
        a
    }

    /// The shared `Arc` for this resource (and its service name).
    fn resource(&mut self, r: Resource) -> (Arc<Resource>, Arc<str>) {
        if let Some(i) = self.resources.iter().position(|(a, _)| **a == r) {
            let hit = self.resources[i].clone();
            if i > 0 {
                self.resources[..=i].rotate_right(1);
            }
            return hit;
        }
        let service = match crate::model::value::find(&r.attributes, "service.name") {
            Some(Value::Str(s)) => self.intern(s),
            _ => self.empty.clone(),
        };
        let entry = (Arc::new(r), service);
        self.resources.insert(0, entry.clone());
        self.resources.truncate(RECENT);
        entry
    }

    fn scope(&mut self, s: Scope) -> Arc<Scope> {
        if let Some(i) = self.scopes.iter().position(|a| **a == s) {
            let hit = self.scopes[i].clone();
            if i > 0 {
                self.scopes[..=i].rotate_right(1);
            }
            return hit;
        }
        let a = Arc::new(s);
        self.scopes.insert(0, a.clone());
        self.scopes.truncate(RECENT);
        a
    }
}

/// One key or index of a JSON path.
#[derive(Clone, Debug)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Render a path collected innermost-first.
pub(crate) fn render_path(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs.iter().rev() {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

/// A problem that lost part of the input (a span skipped, a link dropped), with its JSON path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Warning {
    pub path: String,
    pub message: String,
}

/// The conversion of one JSON value (one line, or one streamed document).
pub(crate) struct Conv<'s> {
    pub st: &'s mut State,
    /// Spans completed so far (not yet handed on).
    pub out: Vec<Span>,
    pub warnings: Vec<Warning>,
    /// Filled innermost-first while an error propagates.
    pub err_path: Vec<Seg>,
    /// Document mode: receives `out` after each `ResourceSpans`, so memory stays bounded by one.
    pub flush: Option<&'s mut dyn FnMut(Vec<Span>)>,
    /// Each span is first read whole (as a JSON value), so that a value of the wrong type in
    /// one costs that span, with a warning, and the spans after it are still read. Slower: used
    /// for streamed documents, and for a line again after its fast reading met such an error.
    pub tolerant: bool,
}

impl<'s> Conv<'s> {
    pub(crate) fn new(st: &'s mut State, flush: Option<&'s mut dyn FnMut(Vec<Span>)>) -> Self {
        Conv {
            st,
            out: Vec::new(),
            warnings: Vec::new(),
            err_path: Vec::new(),
            flush,
            tolerant: false,
        }
    }

    fn warn(&mut self, path: String, message: String) {
        self.warnings.push(Warning { path, message });
    }
}

/// On error: record where, and pass the error on.
macro_rules! at {
    ($conv:expr, $seg:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => {
                $conv.err_path.push($seg);
                return Err(e);
            }
        }
    };
}

/// Where a span is, for warnings (built only when one is needed).
#[derive(Copy, Clone)]
struct Loc<'p> {
    prefix: &'p str,
    rs_key: &'static str,
    rs: usize,
    ss_key: &'static str,
    ss: usize,
}

impl Loc<'_> {
    fn span(&self, i: usize) -> String {
        format!(
            "{}{}[{}].{}[{}].spans[{}]",
            self.prefix, self.rs_key, self.rs, self.ss_key, self.ss, i
        )
    }
}

fn ignore<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

fn opt_box(s: &str) -> Option<Box<str>> {
    (!s.is_empty()).then(|| Box::from(s))
}

// ---------------------------------------------------------------------------------------------
// Top level: TracesData / ExportTraceServiceRequest and their wrappers

/// One top-level JSON value: `{"resourceSpans":[…]}` (or `resource_spans`), Tempo's
/// `{"batches":[…]}`, `{"result": …}` (Jaeger api_v3), `{"trace": …}` (Tempo v2, whose
/// `status`/`metrics`/`message` are ignored), a list of such objects, or `null`.
pub(crate) struct TopSeed<'c, 's> {
    pub conv: &'c mut Conv<'s>,
    pub prefix: &'c str,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

enum TopKey {
    ResourceSpans(&'static str),
    Wrapper(&'static str),
    /// Jaeger api_v3's error body `{"error":{"httpCode":404,"message":"…"}}`.
    Error,
    /// Keys that go with trace data (Tempo v2's `status`, `metrics`, `message`; an OTLP
    /// export response's `partialSuccess`).
    Known,
    Other(String),
}

fn top_key(k: &str) -> TopKey {
    match k {
        "resourceSpans" => TopKey::ResourceSpans("resourceSpans"),
        "resource_spans" => TopKey::ResourceSpans("resource_spans"),
        "batches" => TopKey::ResourceSpans("batches"),
        "result" => TopKey::Wrapper("result"),
        "trace" => TopKey::Wrapper("trace"),
        "error" => TopKey::Error,
        "status" | "metrics" | "message" | "partialSuccess" | "partial_success" => TopKey::Known,
        _ => TopKey::Other(k.chars().take(40).collect()),
    }
}

/// The message of an error body (`{"httpCode":…,"message":…}`), as far as it has one.
fn error_body(v: &serde_json::Value) -> String {
    let code = ["httpCode", "http_code", "code"]
        .iter()
        .find_map(|k| v.get(k))
        .map(|c| c.to_string());
    let msg = v
        .get("message")
        .and_then(|m| m.as_str())
        .map(crate::term::escape);
    match (code, msg) {
        (Some(c), Some(m)) => format!("{m} (code {c})"),
        (None, Some(m)) => m.to_string(),
        (Some(c), None) => format!("code {c}"),
        (None, None) => {
            crate::term::escape(&v.to_string().chars().take(200).collect::<String>()).into_owned()
        }
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OTLP/JSON object (TracesData with resourceSpans)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let conv = self.conv;
        let mut recognised = false;
        let mut others: Vec<String> = Vec::new();
        while let Some(k) = map.next_key_seed(KeySeed(top_key))? {
            recognised |= !matches!(k, TopKey::Other(_));
            match k {
                TopKey::ResourceSpans(key) => {
                    let seed = RsListSeed {
                        conv: &mut *conv,
                        prefix: self.prefix,
                        key,
                    };
                    at!(conv, Seg::Key(key), map.next_value_seed(seed));
                }
                TopKey::Wrapper(key) => {
                    let prefix = format!("{}{key}.", self.prefix);
                    let seed = TopSeed {
                        conv: &mut *conv,
                        prefix: &prefix,
                    };
                    at!(conv, Seg::Key(key), map.next_value_seed(seed));
                }
                TopKey::Error => {
                    let v = at!(
                        conv,
                        Seg::Key("error"),
                        map.next_value::<serde_json::Value>()
                    );
                    if !v.is_null() {
                        let path = format!("{}error", self.prefix);
                        conv.warn(
                            path,
                            format!(
                                "the document is an error response, not traces: {}",
                                error_body(&v)
                            ),
                        );
                    }
                }
                TopKey::Known => ignore(&mut map)?,
                TopKey::Other(name) => {
                    if others.len() < 3 {
                        others.push(name);
                    }
                    ignore(&mut map)?;
                }
            }
        }
        if !recognised && !others.is_empty() {
            let keys: Vec<String> = others
                .iter()
                .map(|k| format!("\"{}\"", crate::term::escape(k)))
                .collect();
            conv.warn(
                self.prefix.trim_end_matches('.').to_string(),
                format!(
                    "a JSON object with keys {} but no resourceSpans, batches, trace or result: not OTLP/JSON trace data",
                    keys.join(", ")
                ),
            );
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let conv = self.conv;
        let mut i = 0;
        loop {
            let prefix = format!("{}[{i}].", self.prefix);
            let seed = TopSeed {
                conv: &mut *conv,
                prefix: &prefix,
            };
            match at!(conv, Seg::Index(i), seq.next_element_seed(seed)) {
                Some(()) => i += 1,
                None => return Ok(()),
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct RsListSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    prefix: &'c str,
    key: &'static str,
}

impl<'de> DeserializeSeed<'de> for RsListSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RsListSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ResourceSpans")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let conv = self.conv;
        let mut i = 0;
        loop {
            let loc = Loc {
                prefix: self.prefix,
                rs_key: self.key,
                rs: i,
                ss_key: "scopeSpans",
                ss: 0,
            };
            let r = seq.next_element_seed(RsSeed {
                conv: &mut *conv,
                loc,
            });
            // Document mode: hand on each ResourceSpans' spans as soon as it is complete (also
            // when it failed part way: what was complete is kept).
            if let Some(flush) = conv.flush.as_mut()
                && !conv.out.is_empty()
            {
                flush(std::mem::take(&mut conv.out));
            }
            match at!(conv, Seg::Index(i), r) {
                Some(()) => i += 1,
                None => return Ok(()),
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// ResourceSpans and ScopeSpans

enum RsKey {
    Resource,
    ScopeSpans,
    Legacy,
    SchemaUrl,
    Other,
}

fn rs_key(k: &str) -> RsKey {
    match k {
        "resource" => RsKey::Resource,
        "scopeSpans" | "scope_spans" => RsKey::ScopeSpans,
        "instrumentationLibrarySpans" | "instrumentation_library_spans" => RsKey::Legacy,
        "schemaUrl" | "schema_url" => RsKey::SchemaUrl,
        _ => RsKey::Other,
    }
}

struct RsSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
}

impl<'de> DeserializeSeed<'de> for RsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

#[derive(Default)]
struct RsParts {
    resource: Option<(Vec<KeyValue>, u32)>,
    schema_url: Option<Box<str>>,
    /// Spans from `scopeSpans`, and how many ScopeSpans it had.
    current: Vec<Range<usize>>,
    current_count: usize,
    /// Spans from the legacy `instrumentationLibrarySpans` (ignored when `scopeSpans` has any).
    legacy: Vec<Range<usize>>,
}

impl<'c> RsSeed<'c, '_> {
    fn body<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        parts: &mut RsParts,
    ) -> Result<(), A::Error> {
        let conv = &mut *self.conv;
        while let Some(k) = map.next_key_seed(KeySeed(rs_key))? {
            match k {
                RsKey::Resource => {
                    let v = at!(
                        conv,
                        Seg::Key("resource"),
                        map.next_value_seed(ResourceSeed { conv: &mut *conv })
                    );
                    if v.is_some() {
                        parts.resource = v;
                    }
                }
                RsKey::ScopeSpans | RsKey::Legacy => {
                    let legacy = matches!(k, RsKey::Legacy);
                    let key = if legacy {
                        "instrumentationLibrarySpans"
                    } else {
                        "scopeSpans"
                    };
                    let start = conv.out.len();
                    let loc = Loc {
                        ss_key: key,
                        ..self.loc
                    };
                    let r = map.next_value_seed(SsListSeed {
                        conv: &mut *conv,
                        loc,
                    });
                    let range = start..conv.out.len();
                    if legacy {
                        parts.legacy.push(range);
                    } else {
                        parts.current.push(range);
                    }
                    let n = at!(conv, Seg::Key(key), r);
                    if !legacy {
                        parts.current_count += n;
                    }
                }
                RsKey::SchemaUrl if !conv.st.parts.resource => ignore(map)?,
                RsKey::SchemaUrl => {
                    let v = at!(
                        conv,
                        Seg::Key("schemaUrl"),
                        map.next_value_seed(StrSeed(opt_box))
                    );
                    parts.schema_url = v.flatten();
                }
                RsKey::Other => ignore(map)?,
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for RsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ResourceSpans object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let start = self.conv.out.len();
        let mut parts = RsParts::default();
        let r = self.body(&mut map, &mut parts);
        let conv = self.conv;
        if r.is_ok() && parts.current_count > 0 && !parts.legacy.is_empty() {
            // Producers of proto 0.15-0.18 could publish both; `scopeSpans` wins.
            parts.legacy.sort_by_key(|r| std::cmp::Reverse(r.start));
            for range in parts.legacy {
                conv.out.drain(range);
            }
        }
        if parts.resource.is_some() || parts.schema_url.is_some() {
            let (attributes, dropped_attributes_count) = parts.resource.unwrap_or_default();
            let res = Resource {
                attributes,
                dropped_attributes_count,
                schema_url: parts.schema_url,
            };
            let (res, service) = conv.st.resource(res);
            for span in &mut conv.out[start..] {
                span.resource = res.clone();
                span.service = service.clone();
            }
        }
        r
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct SsListSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
}

impl<'de> DeserializeSeed<'de> for SsListSeed<'_, '_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SsListSeed<'_, '_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ScopeSpans")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let conv = self.conv;
        let mut i = 0;
        loop {
            let loc = Loc { ss: i, ..self.loc };
            match at!(
                conv,
                Seg::Index(i),
                seq.next_element_seed(SsSeed {
                    conv: &mut *conv,
                    loc
                })
            ) {
                Some(()) => i += 1,
                None => return Ok(i),
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }
}

enum SsKey {
    Scope,
    Spans,
    SchemaUrl,
    Other,
}

fn ss_key(k: &str) -> SsKey {
    match k {
        "scope" | "instrumentationLibrary" | "instrumentation_library" => SsKey::Scope,
        "spans" => SsKey::Spans,
        "schemaUrl" | "schema_url" => SsKey::SchemaUrl,
        _ => SsKey::Other,
    }
}

struct SsSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
}

impl<'de> DeserializeSeed<'de> for SsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl SsSeed<'_, '_> {
    fn body<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        scope: &mut Option<Scope>,
        schema_url: &mut Option<Box<str>>,
    ) -> Result<(), A::Error> {
        let conv = &mut *self.conv;
        while let Some(k) = map.next_key_seed(KeySeed(ss_key))? {
            match k {
                SsKey::Scope | SsKey::SchemaUrl if !conv.st.parts.scope => ignore(map)?,
                SsKey::Scope => {
                    let v = at!(
                        conv,
                        Seg::Key("scope"),
                        map.next_value_seed(ScopeSeed { conv: &mut *conv })
                    );
                    if v.is_some() {
                        *scope = v;
                    }
                }
                SsKey::Spans => {
                    let seed = SpanListSeed {
                        conv: &mut *conv,
                        loc: self.loc,
                    };
                    at!(conv, Seg::Key("spans"), map.next_value_seed(seed));
                }
                SsKey::SchemaUrl => {
                    let v = at!(
                        conv,
                        Seg::Key("schemaUrl"),
                        map.next_value_seed(StrSeed(opt_box))
                    );
                    *schema_url = v.flatten();
                }
                SsKey::Other => ignore(map)?,
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for SsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ScopeSpans object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let start = self.conv.out.len();
        let mut scope = None;
        let mut schema_url = None;
        let r = self.body(&mut map, &mut scope, &mut schema_url);
        let conv = self.conv;
        if scope.is_some() || schema_url.is_some() {
            let mut s = scope.unwrap_or_else(|| Scope {
                name: conv.st.empty.clone(),
                ..Scope::default()
            });
            s.schema_url = schema_url;
            let s = conv.st.scope(s);
            for span in &mut conv.out[start..] {
                span.scope = s.clone();
            }
        }
        r
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Resource and scope

enum ResKey {
    Attributes,
    Dropped,
    Other,
}

fn res_key(k: &str) -> ResKey {
    match k {
        "attributes" => ResKey::Attributes,
        "droppedAttributesCount" | "dropped_attributes_count" => ResKey::Dropped,
        _ => ResKey::Other,
    }
}

struct ResourceSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_, '_> {
    type Value = Option<(Vec<KeyValue>, u32)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_, '_> {
    type Value = Option<(Vec<KeyValue>, u32)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Resource object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let conv = self.conv;
        let mut attrs = Vec::new();
        let mut dropped = 0;
        while let Some(k) = map.next_key_seed(KeySeed(res_key))? {
            match k {
                ResKey::Attributes => {
                    // Without the resource part, only the service name is built.
                    let only =
                        (!conv.st.parts.resource).then_some(KeyFilter::Exact("service.name"));
                    let seed = AttrsSeed {
                        conv: &mut *conv,
                        only,
                    };
                    attrs = at!(conv, Seg::Key("attributes"), map.next_value_seed(seed));
                }
                ResKey::Dropped => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedAttributesCount"),
                        map.next_value::<LenientU32>()
                    );
                    dropped = v.0.unwrap_or(0);
                }
                ResKey::Other => ignore(&mut map)?,
            }
        }
        Ok(Some((attrs, dropped)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

enum ScopeKey {
    Name,
    Version,
    Attributes,
    Dropped,
    Other,
}

fn scope_key(k: &str) -> ScopeKey {
    match k {
        "name" => ScopeKey::Name,
        "version" => ScopeKey::Version,
        "attributes" => ScopeKey::Attributes,
        "droppedAttributesCount" | "dropped_attributes_count" => ScopeKey::Dropped,
        _ => ScopeKey::Other,
    }
}

struct ScopeSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for ScopeSeed<'_, '_> {
    type Value = Option<Scope>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScopeSeed<'_, '_> {
    type Value = Option<Scope>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an InstrumentationScope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let conv = self.conv;
        let mut s = Scope {
            name: conv.st.empty.clone(),
            ..Scope::default()
        };
        while let Some(k) = map.next_key_seed(KeySeed(scope_key))? {
            match k {
                ScopeKey::Name => {
                    let st = &mut *conv.st;
                    let v = at!(
                        conv,
                        Seg::Key("name"),
                        map.next_value_seed(StrSeed(|x: &str| st.intern(x)))
                    );
                    if let Some(v) = v {
                        s.name = v;
                    }
                }
                ScopeKey::Version => {
                    let v = at!(
                        conv,
                        Seg::Key("version"),
                        map.next_value_seed(StrSeed(opt_box))
                    );
                    s.version = v.flatten();
                }
                ScopeKey::Attributes => {
                    s.attributes = at!(
                        conv,
                        Seg::Key("attributes"),
                        map.next_value_seed(AttrsSeed {
                            conv: &mut *conv,
                            only: None
                        })
                    );
                }
                ScopeKey::Dropped => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedAttributesCount"),
                        map.next_value::<LenientU32>()
                    );
                    s.dropped_attributes_count = v.0.unwrap_or(0);
                }
                ScopeKey::Other => ignore(&mut map)?,
            }
        }
        Ok(Some(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

// ---------------------------------------------------------------------------------------------
// Spans

struct SpanListSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
}

impl<'de> DeserializeSeed<'de> for SpanListSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SpanListSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of spans")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let conv = self.conv;
        let mut i = 0;
        if conv.tolerant {
            loop {
                let Some(value) = at!(conv, Seg::Index(i), seq.next_element::<serde_json::Value>())
                else {
                    return Ok(());
                };
                let depth = conv.err_path.len();
                let seed = SpanSeed {
                    conv: &mut *conv,
                    loc: self.loc,
                    index: i,
                };
                if let Err(e) = seed.deserialize(value) {
                    let inner = render_path(&conv.err_path[depth..]);
                    conv.err_path.truncate(depth);
                    let sep = if inner.is_empty() || inner.starts_with('[') {
                        ""
                    } else {
                        "."
                    };
                    conv.warn(
                        format!("{}{sep}{inner}", self.loc.span(i)),
                        format!("{e}; span skipped"),
                    );
                }
                i += 1;
            }
        }
        loop {
            let seed = SpanSeed {
                conv: &mut *conv,
                loc: self.loc,
                index: i,
            };
            if at!(conv, Seg::Index(i), seq.next_element_seed(seed)).is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

enum SpanKey {
    TraceId,
    SpanId,
    ParentSpanId,
    TraceState,
    Flags,
    Name,
    Kind,
    Start,
    End,
    Attributes,
    DroppedAttributes,
    Events,
    DroppedEvents,
    Links,
    DroppedLinks,
    Status,
    Other,
}

fn span_key(k: &str) -> SpanKey {
    match k {
        "traceId" | "trace_id" => SpanKey::TraceId,
        "spanId" | "span_id" => SpanKey::SpanId,
        "parentSpanId" | "parent_span_id" => SpanKey::ParentSpanId,
        "traceState" | "trace_state" => SpanKey::TraceState,
        "flags" => SpanKey::Flags,
        "name" => SpanKey::Name,
        "kind" => SpanKey::Kind,
        "startTimeUnixNano" | "start_time_unix_nano" => SpanKey::Start,
        "endTimeUnixNano" | "end_time_unix_nano" => SpanKey::End,
        "attributes" => SpanKey::Attributes,
        "droppedAttributesCount" | "dropped_attributes_count" => SpanKey::DroppedAttributes,
        "events" => SpanKey::Events,
        "droppedEventsCount" | "dropped_events_count" => SpanKey::DroppedEvents,
        "links" => SpanKey::Links,
        "droppedLinksCount" | "dropped_links_count" => SpanKey::DroppedLinks,
        "status" => SpanKey::Status,
        _ => SpanKey::Other,
    }
}

struct SpanSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
    index: usize,
}

/// Reads one span and appends it to `conv.out` (unless it is skipped).
impl<'de> DeserializeSeed<'de> for SpanSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

const KIND: EnumSeed<SpanKind> = EnumSeed {
    from_int: SpanKind::from_otlp,
    from_name: SpanKind::from_name,
};

impl<'de> Visitor<'de> for SpanSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Span object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let conv = self.conv;
        let st = &*conv.st;
        let parts = st.parts;
        let mut span = Span {
            trace_id: TraceId::ZERO,
            span_id: SpanId::ZERO,
            parent_span_id: None,
            parent_ref: ParentRef::ParentId,
            name: st.empty.clone(),
            service: st.empty.clone(),
            kind: SpanKind::Unspecified,
            status: Status::default(),
            start_ns: 0,
            end_ns: 0,
            flags: 0,
            trace_state: None,
            attributes: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resource: st.no_resource.clone(),
            scope: st.no_scope.clone(),
            dropped_attributes_count: 0,
            dropped_events_count: 0,
            dropped_links_count: 0,
            shared: false,
        };
        // The first bad id: (field, message). The span is skipped with a warning.
        let mut bad: Option<(&'static str, String)> = None;
        let mut note_bad = |field: &'static str, r: Result<(), String>| {
            if let Err(m) = r
                && bad.is_none()
            {
                bad = Some((field, m));
            }
        };
        while let Some(k) = map.next_key_seed(KeySeed(span_key))? {
            match k {
                SpanKey::TraceId => {
                    let v = at!(conv, Seg::Key("traceId"), map.next_value_seed(TraceIdSeed));
                    note_bad("traceId", v.map(|id| span.trace_id = id));
                }
                SpanKey::SpanId => {
                    let v = at!(conv, Seg::Key("spanId"), map.next_value_seed(SpanIdSeed));
                    note_bad("spanId", v.map(|id| span.span_id = id));
                }
                SpanKey::ParentSpanId => {
                    let v = at!(
                        conv,
                        Seg::Key("parentSpanId"),
                        map.next_value_seed(SpanIdSeed)
                    );
                    note_bad(
                        "parentSpanId",
                        v.map(|id| span.parent_span_id = (!id.is_zero()).then_some(id)),
                    );
                }
                SpanKey::TraceState if !parts.texts => ignore(&mut map)?,
                SpanKey::TraceState => {
                    let v = at!(
                        conv,
                        Seg::Key("traceState"),
                        map.next_value_seed(StrSeed(opt_box))
                    );
                    span.trace_state = v.flatten();
                }
                SpanKey::Flags => {
                    span.flags = at!(conv, Seg::Key("flags"), map.next_value::<LenientU32>())
                        .0
                        .unwrap_or(0);
                }
                SpanKey::Name => {
                    let st = &mut *conv.st;
                    let v = at!(
                        conv,
                        Seg::Key("name"),
                        map.next_value_seed(StrSeed(|x: &str| st.intern(x)))
                    );
                    if let Some(v) = v {
                        span.name = v;
                    }
                }
                SpanKey::Kind => match at!(conv, Seg::Key("kind"), map.next_value_seed(KIND)) {
                    None => {}
                    Some(Ok(k)) => span.kind = k,
                    Some(Err(v)) => {
                        let path = format!("{}.kind", self.loc.span(self.index));
                        conv.warn(
                            path,
                            format!(
                                "unknown span kind {:?}, read as unspecified",
                                crate::term::escape(&v)
                            ),
                        );
                    }
                },
                SpanKey::Start => {
                    span.start_ns = at!(
                        conv,
                        Seg::Key("startTimeUnixNano"),
                        map.next_value::<LenientU64>()
                    )
                    .0
                    .unwrap_or(0);
                }
                SpanKey::End => {
                    span.end_ns = at!(
                        conv,
                        Seg::Key("endTimeUnixNano"),
                        map.next_value::<LenientU64>()
                    )
                    .0
                    .unwrap_or(0);
                }
                SpanKey::Attributes if !parts.attributes => ignore(&mut map)?,
                SpanKey::Attributes => {
                    let seed = AttrsSeed {
                        conv: &mut *conv,
                        only: parts.attribute_prefixes.map(KeyFilter::Prefixes),
                    };
                    span.attributes = at!(conv, Seg::Key("attributes"), map.next_value_seed(seed));
                }
                SpanKey::DroppedAttributes => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedAttributesCount"),
                        map.next_value::<LenientU32>()
                    );
                    span.dropped_attributes_count = v.0.unwrap_or(0);
                }
                SpanKey::Events if !parts.events => ignore(&mut map)?,
                SpanKey::Events => {
                    span.events = at!(
                        conv,
                        Seg::Key("events"),
                        map.next_value_seed(EventsSeed { conv: &mut *conv })
                    );
                }
                SpanKey::DroppedEvents => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedEventsCount"),
                        map.next_value::<LenientU32>()
                    );
                    span.dropped_events_count = v.0.unwrap_or(0);
                }
                SpanKey::Links => {
                    let seed = LinksSeed {
                        conv: &mut *conv,
                        loc: self.loc,
                        span: self.index,
                    };
                    span.links = at!(conv, Seg::Key("links"), map.next_value_seed(seed));
                }
                SpanKey::DroppedLinks => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedLinksCount"),
                        map.next_value::<LenientU32>()
                    );
                    span.dropped_links_count = v.0.unwrap_or(0);
                }
                SpanKey::Status => {
                    let v = at!(conv, Seg::Key("status"), map.next_value_seed(StatusSeed));
                    if let Some((code, message)) = v {
                        match code {
                            None => {}
                            Some(Ok(c)) => span.status.code = c,
                            Some(Err(v)) => {
                                let path = format!("{}.status.code", self.loc.span(self.index));
                                conv.warn(
                                    path,
                                    format!(
                                        "unknown status code {:?}, read as unset",
                                        crate::term::escape(&v)
                                    ),
                                );
                            }
                        }
                        span.status.message = message.filter(|_| parts.texts);
                    }
                }
                SpanKey::Other => ignore(&mut map)?,
            }
        }
        if let Some((field, message)) = bad {
            conv.warn(
                format!("{}.{field}", self.loc.span(self.index)),
                format!("{message}; span skipped"),
            );
            return Ok(());
        }
        if span.trace_id.is_zero() || span.span_id.is_zero() {
            let field = if span.trace_id.is_zero() {
                "traceId"
            } else {
                "spanId"
            };
            conv.warn(
                format!("{}.{field}", self.loc.span(self.index)),
                format!("span has no {field} (missing, empty or all zeros); span skipped"),
            );
            return Ok(());
        }
        // Links are read even when not wanted: they tell how the parent was named.
        span.parent_ref = parent_ref(&span);
        if !parts.links {
            span.links = Vec::new();
        }
        conv.out.push(span);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// How the parent was named. OTLP has only `parentSpanId`; a span that came from Jaeger (its
/// references kept as links marked `opentracing.ref_type`) had its parent chosen by the Jaeger
/// rule: the first same-trace CHILD_OF reference, else the first same-trace FOLLOWS_FROM.
fn parent_ref(span: &Span) -> ParentRef {
    let Some(parent) = span.parent_span_id else {
        return ParentRef::ParentId;
    };
    let first = |kind| {
        span.links
            .iter()
            .find(|l| l.kind == kind && l.trace_id == span.trace_id)
    };
    match (first(RefKind::ChildOf), first(RefKind::FollowsFrom)) {
        (Some(l), _) if l.span_id == parent => ParentRef::ChildOf,
        (None, Some(l)) if l.span_id == parent => ParentRef::FollowsFrom,
        _ => ParentRef::ParentId,
    }
}

// ---------------------------------------------------------------------------------------------
// Status, events, links

struct StatusSeed;

impl<'de> DeserializeSeed<'de> for StatusSeed {
    type Value = Option<(Option<Result<StatusCode, String>>, Option<Box<str>>)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StatusSeed {
    type Value = Option<(Option<Result<StatusCode, String>>, Option<Box<str>>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Status object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut code = None;
        let mut message = None;
        // `deprecatedCode` (proto <= 0.11) is ignored: `code` is the status.
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| match k {
            "code" => 1u8,
            "message" => 2,
            _ => 0,
        }))? {
            match k {
                1 => {
                    let seed = EnumSeed {
                        from_int: StatusCode::from_otlp,
                        from_name: StatusCode::from_name,
                    };
                    code = map.next_value_seed(seed)?;
                }
                2 => message = map.next_value_seed(StrSeed(opt_box))?.flatten(),
                _ => ignore(&mut map)?,
            }
        }
        Ok(Some((code, message)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

struct EventsSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for EventsSeed<'_, '_> {
    type Value = Vec<Event>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Event>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed<'_, '_> {
    type Value = Vec<Event>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Event>, A::Error> {
        let conv = self.conv;
        let mut out = Vec::new();
        loop {
            let i = out.len();
            match at!(
                conv,
                Seg::Index(i),
                seq.next_element_seed(EventSeed { conv: &mut *conv })
            ) {
                Some(Some(e)) => out.push(e),
                Some(None) => {}
                None => return Ok(out),
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Event>, E> {
        Ok(Vec::new())
    }
}

struct EventSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_> {
    type Value = Option<Event>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Event>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_> {
    type Value = Option<Event>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Event>, A::Error> {
        let conv = self.conv;
        let mut ev = Event {
            time_ns: 0,
            name: conv.st.empty.clone(),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
        };
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| match k {
            "timeUnixNano" | "time_unix_nano" => 1u8,
            "name" => 2,
            "attributes" => 3,
            "droppedAttributesCount" | "dropped_attributes_count" => 4,
            _ => 0,
        }))? {
            match k {
                1 => {
                    ev.time_ns = at!(
                        conv,
                        Seg::Key("timeUnixNano"),
                        map.next_value::<LenientU64>()
                    )
                    .0
                    .unwrap_or(0)
                }
                2 => {
                    let st = &mut *conv.st;
                    let v = at!(
                        conv,
                        Seg::Key("name"),
                        map.next_value_seed(StrSeed(|x: &str| st.intern(x)))
                    );
                    if let Some(v) = v {
                        ev.name = v;
                    }
                }
                3 => {
                    ev.attributes = at!(
                        conv,
                        Seg::Key("attributes"),
                        map.next_value_seed(AttrsSeed {
                            conv: &mut *conv,
                            only: None
                        })
                    )
                }
                4 => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedAttributesCount"),
                        map.next_value::<LenientU32>()
                    );
                    ev.dropped_attributes_count = v.0.unwrap_or(0);
                }
                _ => ignore(&mut map)?,
            }
        }
        Ok(Some(ev))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Event>, E> {
        Ok(None)
    }
}

struct LinksSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    loc: Loc<'c>,
    span: usize,
}

impl<'de> DeserializeSeed<'de> for LinksSeed<'_, '_> {
    type Value = Vec<Link>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Link>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LinksSeed<'_, '_> {
    type Value = Vec<Link>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of links")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Link>, A::Error> {
        let conv = self.conv;
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            match at!(
                conv,
                Seg::Index(i),
                seq.next_element_seed(LinkSeed { conv: &mut *conv })
            ) {
                Some(Some(Ok(l))) => out.push(l),
                Some(Some(Err((field, message)))) => {
                    let path = format!("{}.links[{i}].{field}", self.loc.span(self.span));
                    conv.warn(path, format!("{message}; link dropped"));
                }
                Some(None) => {}
                None => return Ok(out),
            }
            i += 1;
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<Link>, E> {
        Ok(Vec::new())
    }
}

struct LinkSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

type LinkResult = Option<Result<Link, (&'static str, String)>>;

impl<'de> DeserializeSeed<'de> for LinkSeed<'_, '_> {
    type Value = LinkResult;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LinkResult, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LinkSeed<'_, '_> {
    type Value = LinkResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Link object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LinkResult, A::Error> {
        let conv = self.conv;
        let mut link = Link {
            trace_id: TraceId::ZERO,
            span_id: SpanId::ZERO,
            kind: RefKind::Link,
            trace_state: None,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            flags: 0,
        };
        let mut bad = None;
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| match k {
            "traceId" | "trace_id" => 1u8,
            "spanId" | "span_id" => 2,
            "traceState" | "trace_state" => 3,
            "attributes" => 4,
            "droppedAttributesCount" | "dropped_attributes_count" => 5,
            "flags" => 6,
            _ => 0,
        }))? {
            match k {
                1 => match at!(conv, Seg::Key("traceId"), map.next_value_seed(TraceIdSeed)) {
                    Ok(id) => link.trace_id = id,
                    Err(m) => bad = bad.or(Some(("traceId", m))),
                },
                2 => match at!(conv, Seg::Key("spanId"), map.next_value_seed(SpanIdSeed)) {
                    Ok(id) => link.span_id = id,
                    Err(m) => bad = bad.or(Some(("spanId", m))),
                },
                3 => {
                    link.trace_state = at!(
                        conv,
                        Seg::Key("traceState"),
                        map.next_value_seed(StrSeed(opt_box))
                    )
                    .flatten()
                }
                4 => {
                    link.attributes = at!(
                        conv,
                        Seg::Key("attributes"),
                        map.next_value_seed(AttrsSeed {
                            conv: &mut *conv,
                            only: None
                        })
                    )
                }
                5 => {
                    let v = at!(
                        conv,
                        Seg::Key("droppedAttributesCount"),
                        map.next_value::<LenientU32>()
                    );
                    link.dropped_attributes_count = v.0.unwrap_or(0);
                }
                6 => {
                    link.flags = at!(conv, Seg::Key("flags"), map.next_value::<LenientU32>())
                        .0
                        .unwrap_or(0)
                }
                _ => ignore(&mut map)?,
            }
        }
        if let Some(b) = bad {
            return Ok(Some(Err(b)));
        }
        // A Jaeger reference carried through OTLP (the Collector's translator marks it).
        if let Some(pos) = link
            .attributes
            .iter()
            .position(|kv| &*kv.key == REF_TYPE_KEY)
        {
            let kind = match link.attributes[pos].value.as_str() {
                Some("child_of") => Some(RefKind::ChildOf),
                Some("follows_from") => Some(RefKind::FollowsFrom),
                _ => None,
            };
            if let Some(kind) = kind {
                link.kind = kind;
                link.attributes.remove(pos);
            }
        }
        Ok(Some(Ok(link)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<LinkResult, E> {
        Ok(None)
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes and AnyValue

/// `[KeyValue]`: a list of `{"key": …, "value": AnyValue}`.
struct AttrsSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    /// Only the attributes this filter keeps are built; the values of the others are skipped.
    only: Option<KeyFilter>,
}

/// Which attribute keys are built when a command reads only some.
#[derive(Copy, Clone)]
enum KeyFilter {
    /// Keys starting with one of these (span attributes under `SpanParts::attribute_prefixes`).
    Prefixes(&'static [&'static str]),
    /// This key only (`service.name` of a resource whose other attributes are not read).
    Exact(&'static str),
}

impl KeyFilter {
    fn keeps(self, key: &str) -> bool {
        match self {
            KeyFilter::Prefixes(ps) => ps.iter().any(|p| key.starts_with(p)),
            KeyFilter::Exact(k) => key == k,
        }
    }
}

impl<'de> DeserializeSeed<'de> for AttrsSeed<'_, '_> {
    type Value = Vec<KeyValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<KeyValue>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AttrsSeed<'_, '_> {
    type Value = Vec<KeyValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of key-value attributes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<KeyValue>, A::Error> {
        let conv = self.conv;
        let mut buf = conv.st.scratch.pop().unwrap_or_default();
        let mut i = 0;
        loop {
            let seed = KeyValueSeed {
                conv: &mut *conv,
                only: self.only,
            };
            match at!(conv, Seg::Index(i), seq.next_element_seed(seed)) {
                Some(Some(kv)) => buf.push(kv),
                Some(None) => {}
                None => break,
            }
            i += 1;
        }
        // One allocation of the exact size; the buffer is kept for the next list.
        let mut out = Vec::with_capacity(buf.len());
        out.append(&mut buf);
        conv.st.scratch.push(buf);
        Ok(out)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<KeyValue>, E> {
        Ok(Vec::new())
    }
}

struct KeyValueSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
    only: Option<KeyFilter>,
}

impl<'de> DeserializeSeed<'de> for KeyValueSeed<'_, '_> {
    type Value = Option<KeyValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<KeyValue>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyValueSeed<'_, '_> {
    type Value = Option<KeyValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a KeyValue object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<KeyValue>, A::Error> {
        let conv = self.conv;
        let mut key = None;
        let mut value = Value::Empty;
        // Under a key filter: the key was read and is not wanted (its value is skipped).
        let mut unwanted = false;
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| match k {
            "key" => 1u8,
            "value" => 2,
            _ => 0,
        }))? {
            match k {
                1 => {
                    let st = &mut *conv.st;
                    let only = self.only;
                    let v = at!(
                        conv,
                        Seg::Key("key"),
                        map.next_value_seed(StrSeed(|x: &str| {
                            match only {
                                Some(f) if !f.keeps(x) => None,
                                _ => Some(st.intern(x)),
                            }
                        }))
                    );
                    match v {
                        Some(Some(k)) => key = Some(k),
                        Some(None) => unwanted = true,
                        None => {}
                    }
                }
                2 if unwanted => ignore(&mut map)?,
                2 => {
                    value = at!(
                        conv,
                        Seg::Key("value"),
                        map.next_value_seed(AnyValueSeed { conv: &mut *conv })
                    )
                }
                _ => ignore(&mut map)?,
            }
        }
        let key = key.unwrap_or_else(|| conv.st.empty.clone());
        // A key filter with the value read before the key: dropped now.
        if unwanted || self.only.is_some_and(|f| !f.keeps(&key)) {
            return Ok(None);
        }
        Ok(Some(KeyValue { key, value }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<KeyValue>, E> {
        Ok(None)
    }
}

enum AnyKey {
    Str,
    Bool,
    Int,
    Double,
    Array,
    KvList,
    Bytes,
    Other,
}

fn any_key(k: &str) -> AnyKey {
    match k {
        "stringValue" | "string_value" => AnyKey::Str,
        "boolValue" | "bool_value" => AnyKey::Bool,
        "intValue" | "int_value" => AnyKey::Int,
        "doubleValue" | "double_value" => AnyKey::Double,
        "arrayValue" | "array_value" => AnyKey::Array,
        "kvlistValue" | "kvlist_value" => AnyKey::KvList,
        "bytesValue" | "bytes_value" => AnyKey::Bytes,
        _ => AnyKey::Other,
    }
}

/// `AnyValue`: one of the typed members; `{}` and `null` are the empty value. Nesting (arrays of
/// maps of arrays…) is bounded by serde_json's recursion limit, so deep input is an error.
struct AnyValueSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for AnyValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AnyValue object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let conv = self.conv;
        let mut value = Value::Empty;
        while let Some(k) = map.next_key_seed(KeySeed(any_key))? {
            let v = match k {
                AnyKey::Str => at!(
                    conv,
                    Seg::Key("stringValue"),
                    map.next_value_seed(StrSeed(|s: &str| Value::Str(Box::from(s))))
                ),
                AnyKey::Bool => at!(conv, Seg::Key("boolValue"), map.next_value::<LenientBool>())
                    .0
                    .map(Value::Bool),
                AnyKey::Int => at!(conv, Seg::Key("intValue"), map.next_value::<LenientI64>())
                    .0
                    .map(Value::Int),
                AnyKey::Double => at!(
                    conv,
                    Seg::Key("doubleValue"),
                    map.next_value::<LenientF64>()
                )
                .0
                .map(Value::Double),
                AnyKey::Array => at!(
                    conv,
                    Seg::Key("arrayValue"),
                    map.next_value_seed(ArraySeed { conv: &mut *conv })
                )
                .map(|v| Value::Array(v.into_boxed_slice())),
                AnyKey::KvList => at!(
                    conv,
                    Seg::Key("kvlistValue"),
                    map.next_value_seed(KvListSeed { conv: &mut *conv })
                )
                .map(|v| Value::Map(v.into_boxed_slice())),
                AnyKey::Bytes => at!(
                    conv,
                    Seg::Key("bytesValue"),
                    map.next_value::<Base64Bytes>()
                )
                .0
                .map(|b| Value::Bytes(b.into_boxed_slice())),
                AnyKey::Other => {
                    ignore(&mut map)?;
                    None
                }
            };
            if let Some(v) = v {
                value = v;
            }
        }
        Ok(value)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Empty)
    }
}

/// `ArrayValue`: `{"values": [AnyValue]}`, `{}` (the Collector's empty array), or leniently a
/// bare list. `None` for `null`.
struct ArraySeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = Option<Vec<Value>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = Option<Vec<Value>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ArrayValue object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let conv = self.conv;
        let mut out = Vec::new();
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| k == "values"))? {
            if k {
                let v = at!(
                    conv,
                    Seg::Key("values"),
                    map.next_value_seed(ArraySeed { conv: &mut *conv })
                );
                out = v.unwrap_or_default();
            } else {
                ignore(&mut map)?;
            }
        }
        Ok(Some(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let conv = self.conv;
        let mut out = Vec::new();
        loop {
            let i = out.len();
            match at!(
                conv,
                Seg::Index(i),
                seq.next_element_seed(AnyValueSeed { conv: &mut *conv })
            ) {
                Some(v) => out.push(v),
                None => return Ok(Some(out)),
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// `KeyValueList`: `{"values": [KeyValue]}`, `{}`, or leniently a bare list. `None` for `null`.
struct KvListSeed<'c, 's> {
    conv: &'c mut Conv<'s>,
}

impl<'de> DeserializeSeed<'de> for KvListSeed<'_, '_> {
    type Value = Option<Vec<KeyValue>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KvListSeed<'_, '_> {
    type Value = Option<Vec<KeyValue>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a KeyValueList object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let conv = self.conv;
        let mut out = Vec::new();
        while let Some(k) = map.next_key_seed(KeySeed(|k: &str| k == "values"))? {
            if k {
                out = at!(
                    conv,
                    Seg::Key("values"),
                    map.next_value_seed(AttrsSeed {
                        conv: &mut *conv,
                        only: None
                    })
                );
            } else {
                ignore(&mut map)?;
            }
        }
        Ok(Some(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        AttrsSeed {
            conv: self.conv,
            only: None,
        }
        .visit_seq(seq)
        .map(Some)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
#[path = "parts_tests.rs"]
mod parts_tests;
