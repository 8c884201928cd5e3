//! Attribute and span-name cardinality (`lint`): distinct values per attribute key (span,
//! resource and event attributes apart) and distinct span names per service, with a normaliser
//! that turns names embedding ids into templates (`GET /users/42` → `GET /users/{id}`).
//!
//! Counting is exact up to the limit (a set of 64-bit hashes of the values, at most limit + 1
//! of them), then a HyperLogLog estimate (p = 12: 4096 registers, about 1.6 % standard error)
//! seeded with the exact set. Memory is bounded: a few KiB per key over the limit, at most
//! [`MAX_KEYS`] keys per scope, [`MAX_TEMPLATES`] name templates per service.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::model::{SpanId, TraceId, Value};

pub use self::names::{NameStats, normalize_name};

mod names;
mod report;
mod slots;
#[cfg(test)]
mod tests;

pub use self::report::{CardReport, report};
pub use self::slots::{AttrSlots, UNTRACKED};

pub const MAX_KEYS: usize = 5_000;
pub const MAX_TEMPLATES: usize = 1_000;
pub const MAX_SERVICES: usize = 10_000;
const HLL_P: u32 = 12;
const HLL_M: usize = 1 << HLL_P;
pub const METHOD: &str = "exact count of 64-bit value hashes up to the limit, then a HyperLogLog estimate (p=12, 4096 registers, ~1.6% standard error)";

/// The two checks of the cardinality report, each one rule of the table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CardinalityCheck {
    /// Distinct values per attribute key (`cardinality/attribute`).
    Attribute,
    /// Span names that embed ids, or too many of them per service (`cardinality/span-name`).
    SpanName,
}

/// Identity hasher for sets of values that are already hashes.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type HashSet64 = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// A fast hasher for short string keys (attribute keys, service names). Not seeded: the maps it
/// serves are bounded ([`MAX_KEYS`], [`MAX_SERVICES`]), so colliding keys cannot grow them.
#[derive(Default)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(i);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A distinct counter: exact up to `cap + 1` hashes, then HyperLogLog.
#[derive(Clone, Debug)]
pub enum Distinct {
    Exact(HashSet64),
    Hll(Box<[u8]>),
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct::Exact(HashSet64::default())
    }
}

impl Distinct {
    pub fn insert(&mut self, h: u64, cap: usize) {
        match self {
            Distinct::Exact(set) => {
                set.insert(h);
                if set.len() > cap + 1 {
                    let mut regs = vec![0u8; HLL_M].into_boxed_slice();
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                }
            }
            Distinct::Hll(regs) => hll_add(regs, h),
        }
    }

    pub fn merge(&mut self, other: Distinct, cap: usize) {
        match other {
            Distinct::Exact(set) => {
                for h in set {
                    self.insert(h, cap);
                }
            }
            Distinct::Hll(theirs) => {
                if let Distinct::Exact(set) = self {
                    let mut regs = theirs;
                    for &x in set.iter() {
                        hll_add(&mut regs, x);
                    }
                    *self = Distinct::Hll(regs);
                } else if let Distinct::Hll(mine) = self {
                    for (a, b) in mine.iter_mut().zip(theirs.iter()) {
                        *a = (*a).max(*b);
                    }
                }
            }
        }
    }

    pub fn count(&self) -> u64 {
        match self {
            Distinct::Exact(s) => s.len() as u64,
            Distinct::Hll(regs) => hll_estimate(regs),
        }
    }

    pub fn is_exact(&self) -> bool {
        matches!(self, Distinct::Exact(_))
    }

    pub fn contains(&self, h: u64) -> Option<bool> {
        match self {
            Distinct::Exact(s) => Some(s.contains(&h)),
            Distinct::Hll(_) => None,
        }
    }
}

fn hll_add(regs: &mut [u8], h: u64) {
    let idx = (h >> (64 - HLL_P)) as usize;
    let rest = (h << HLL_P) | (1 << (HLL_P - 1));
    let rank = rest.leading_zeros() as u8 + 1;
    if let Some(r) = regs.get_mut(idx) {
        *r = (*r).max(rank);
    }
}

fn hll_estimate(regs: &[u8]) -> u64 {
    let m = regs.len() as f64;
    let alpha = 0.7213 / (1.0 + 1.079 / m);
    let sum: f64 = regs.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
    let zeros = regs.iter().filter(|&&r| r == 0).count();
    let raw = alpha * m * m / sum;
    let est = if raw <= 2.5 * m && zeros > 0 {
        m * (m / zeros as f64).ln()
    } else {
        raw
    };
    est.round() as u64
}

/// A fast, seeded-constant 64-bit hash (stable across runs; not for adversarial inputs).
pub fn hash_bytes(tag: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = tag.wrapping_mul(K) ^ (bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let mut w = [0u8; 8];
    let tail = chunks.remainder();
    w[..tail.len()].copy_from_slice(tail);
    h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
    fmix(h)
}

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of a typed value (the type is part of it: `5` and `"5"` differ). Nested arrays and maps
/// are walked with an explicit stack.
pub fn hash_value(v: &Value) -> u64 {
    match v {
        Value::Str(s) => return hash_bytes(1, s.as_bytes()),
        Value::Int(i) => return hash_bytes(3, &i.to_le_bytes()),
        Value::Bool(b) => return hash_bytes(2, &[u8::from(*b)]),
        Value::Double(d) => return hash_bytes(4, &d.to_bits().to_le_bytes()),
        _ => {}
    }
    let mut h = 0u64;
    let mut stack: Vec<&Value> = vec![v];
    while let Some(v) = stack.pop() {
        let x = match v {
            Value::Empty => hash_bytes(0, &[]),
            Value::Str(s) => hash_bytes(1, s.as_bytes()),
            Value::Bool(b) => hash_bytes(2, &[u8::from(*b)]),
            Value::Int(i) => hash_bytes(3, &i.to_le_bytes()),
            Value::Double(d) => hash_bytes(4, &d.to_bits().to_le_bytes()),
            Value::Bytes(b) => hash_bytes(5, b),
            Value::Array(a) => {
                stack.extend(a.iter().rev());
                hash_bytes(6, &(a.len() as u64).to_le_bytes())
            }
            Value::Map(m) => {
                for kv in m.iter().rev() {
                    stack.push(&kv.value);
                }
                let mut k = hash_bytes(7, &(m.len() as u64).to_le_bytes());
                for kv in m.iter() {
                    k = fmix(k ^ hash_bytes(8, kv.key.as_bytes()));
                }
                k
            }
        };
        h = fmix(h.rotate_left(17) ^ x);
    }
    h
}

/// Where an attribute lives.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Span,
    Resource,
    Event,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Span => "span",
            Scope::Resource => "resource",
            Scope::Event => "event",
        }
    }
}

/// What is kept per attribute key.
#[derive(Clone, Debug, Default)]
pub struct KeyStats {
    pub distinct: Distinct,
    pub occurrences: u64,
    /// Values that look like ids (numbers, UUIDs, long hex).
    pub id_like: u64,
    /// Up to three example values, already masked.
    pub examples: Vec<(u64, String)>,
    pub services: Vec<Arc<str>>,
    pub first: Option<(TraceId, SpanId)>,
}

impl KeyStats {
    /// Distinct values; an estimate never exceeds the occurrences.
    pub fn distinct_count(&self) -> u64 {
        self.distinct.count().min(self.occurrences)
    }

    fn add(
        &mut self,
        key: &str,
        value: &Value,
        service: &Arc<str>,
        at: (TraceId, SpanId),
        cap: usize,
        masker: Masker<'_>,
    ) {
        let h = hash_value(value);
        self.distinct.insert(h, cap);
        self.occurrences += 1;
        if looks_like_id(value) {
            self.id_like += 1;
        }
        if self.first.is_none() {
            self.first = Some(at);
        }
        if self.examples.len() < 3 && !self.examples.iter().any(|e| e.0 == h) {
            self.examples.push((h, example(key, value, masker)));
        }
        if self.services.len() < 3
            && !self
                .services
                .iter()
                .any(|s| Arc::ptr_eq(s, service) || s == service)
        {
            self.services.push(service.clone());
        }
    }
}

/// Per-key and per-service counters; one per worker, merged at the end.
#[derive(Default)]
pub struct CardAcc {
    pub cap: usize,
    pub attrs: [FastMap<Arc<str>, KeyStats>; 3],
    pub untracked_keys: [u64; 3],
    pub names: FastMap<Arc<str>, NameStats>,
    /// Spans of services beyond [`MAX_SERVICES`].
    pub untracked_services: u64,
    /// In a worker: the example hashes the run already has, so that a worker does not mask
    /// examples that the merge would drop.
    pub known: Option<Arc<Known>>,
}

/// Example hashes per key of the accumulated state.
#[derive(Default)]
pub struct Known {
    pub attrs: [FastMap<Arc<str>, Vec<u64>>; 3],
}

/// Masks an example value before it is kept (PII never reaches the table).
pub type Masker<'a> = &'a (dyn Fn(&str, &str) -> String + Sync);

impl CardAcc {
    pub fn new(cap: usize) -> Self {
        CardAcc {
            cap,
            ..CardAcc::default()
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_attr(
        &mut self,
        scope: Scope,
        key: &Arc<str>,
        value: &Value,
        service: &Arc<str>,
        at: (TraceId, SpanId),
        masker: Masker<'_>,
    ) {
        let cap = self.cap;
        let map = &mut self.attrs[scope as usize];
        if let Some(stats) = map.get_mut(&**key) {
            stats.add(key, value, service, at, cap, masker);
            return;
        }
        if map.len() >= MAX_KEYS {
            self.untracked_keys[scope as usize] += 1;
            return;
        }
        let mut stats = KeyStats::default();
        if let Some(known) = self
            .known
            .as_ref()
            .and_then(|k| k.attrs[scope as usize].get(&**key))
        {
            stats.examples = known.iter().map(|&h| (h, String::new())).collect();
        }
        stats.add(key, value, service, at, cap, masker);
        map.insert(key.clone(), stats);
    }

    pub fn add_name(
        &mut self,
        service: &Arc<str>,
        name: &str,
        at: (TraceId, SpanId),
        masker: Masker<'_>,
    ) {
        let cap = self.cap;
        if let Some(stats) = self.names.get_mut(&**service) {
            stats.add(name, at, cap, masker);
            return;
        }
        if self.names.len() >= MAX_SERVICES {
            self.untracked_services += 1;
            return;
        }
        let mut stats = NameStats::default();
        stats.add(name, at, cap, masker);
        self.names.insert(service.clone(), stats);
    }

    /// A worker's accumulator for this state: same limit, knows the examples already kept.
    pub fn worker(&self, known: &Arc<Known>) -> CardAcc {
        CardAcc {
            cap: self.cap,
            known: Some(known.clone()),
            ..CardAcc::default()
        }
    }

    /// The example hashes kept so far, per key.
    pub fn known(&self) -> Known {
        let mut k = Known::default();
        for (dst, src) in k.attrs.iter_mut().zip(&self.attrs) {
            for (key, s) in src {
                dst.insert(key.clone(), s.examples.iter().map(|e| e.0).collect());
            }
        }
        k
    }

    pub fn merge(&mut self, other: CardAcc) {
        let cap = self.cap;
        for (mine, theirs) in self.attrs.iter_mut().zip(other.attrs) {
            for (k, s) in theirs {
                if let Some(m) = mine.get_mut(&k) {
                    m.distinct.merge(s.distinct, cap);
                    m.occurrences += s.occurrences;
                    m.id_like += s.id_like;
                    for e in s.examples {
                        let placeholder = e.1.is_empty();
                        if !placeholder
                            && m.examples.len() < 3
                            && !m.examples.iter().any(|x| x.0 == e.0)
                        {
                            m.examples.push(e);
                        }
                    }
                    for sv in s.services {
                        if m.services.len() < 3 && !m.services.contains(&sv) {
                            m.services.push(sv);
                        }
                    }
                    m.first = m.first.or(s.first);
                } else if mine.len() < MAX_KEYS {
                    mine.insert(k, s);
                }
            }
        }
        for (a, b) in self.untracked_keys.iter_mut().zip(other.untracked_keys) {
            *a += b;
        }
        self.untracked_services += other.untracked_services;
        for (svc, n) in other.names {
            let full = self.names.len() >= MAX_SERVICES;
            match self.names.get_mut(&svc) {
                Some(m) => m.merge(n, cap),
                None if full => self.untracked_services += n.spans,
                None => {
                    self.names.insert(svc, n);
                }
            }
        }
    }
}

fn example(key: &str, value: &Value, masker: Masker<'_>) -> String {
    let text = match value {
        Value::Str(s) => Cow::Borrowed(&**s),
        Value::Bytes(b) => Cow::Owned(format!("<{} bytes>", b.len())),
        other => Cow::Owned(other.to_string()),
    };
    let mut m = masker(key, &text);
    if m.chars().count() > 60 {
        m = m.chars().take(59).collect::<String>() + "…";
    }
    m
}

fn looks_like_id(v: &Value) -> bool {
    match v {
        Value::Int(i) => i.unsigned_abs() >= 1000,
        Value::Str(s) => {
            let s = s.trim();
            (s.len() >= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                || crate::analysis::pii::validators::is_uuid(s)
                || (s.len() >= 8
                    && s.bytes().all(|b| b.is_ascii_hexdigit())
                    && s.bytes().any(|b| b.is_ascii_digit()))
        }
        _ => false,
    }
}

/// Why a key's values are unique by design, when its name says so. Such a key over the limit
/// is still reported, as a note with this reason: it is expected, and still a cost wherever the
/// attribute becomes a metric label or an index key.
pub fn expected_high_cardinality(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "http.url",
        "url.full",
        "url.path",
        "url.query",
        "url.original",
        "http.target",
        "http.user_agent",
        "user_agent.original",
        "db.statement",
        "db.query.text",
        "db.query",
        "exception.message",
        "exception.stacktrace",
        "message",
        "log.message",
        "k8s.pod.name",
        "host.name",
        "process.command_line",
        "process.command_args",
        "thread.name",
        "messaging.kafka.message.key",
        "gen_ai.prompt",
        "gen_ai.completion",
        "otel.status_description",
    ];
    const PREFIX: &[&str] = &[
        "http.request.header.",
        "http.response.header.",
        "rpc.request.metadata.",
        "rpc.response.metadata.",
    ];
    const IDS: &[&str] = &[
        "id",
        "ids",
        "uid",
        "uuid",
        "guid",
        "requestid",
        "traceid",
        "spanid",
    ];
    const QUANTITIES: &[&str] = &[
        "port",
        "pid",
        "tid",
        "timestamp",
        "time",
        "ts",
        "ns",
        "ms",
        "us",
        "duration",
        "size",
        "bytes",
        "length",
        "count",
        "offset",
        "lineno",
        "line",
        "column",
        "stacktrace",
        "address",
        "ip",
        "addr",
        "latency",
        "elapsed",
        "sequence",
        "seq",
        "checksum",
        "hash",
        "digest",
        "etag",
    ];
    if EXACT.contains(&lower.as_str()) || PREFIX.iter().any(|p| lower.starts_with(p)) {
        return Some("its name says it holds URLs, statements, messages or headers");
    }
    let segs = crate::analysis::pii::rules::segments(key);
    let last = segs.last()?;
    if IDS.contains(&last.as_str()) {
        Some("its name says it is an id")
    } else if QUANTITIES.contains(&last.as_str()) {
        Some("its name says it is a time, size, count, address or hash")
    } else {
        None
    }
}
