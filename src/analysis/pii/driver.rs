//! The lint pass: every span of a batch is scanned for PII and counted for cardinality, in
//! parallel. The reader's batches (one per line of a JSON lines file) are gathered up to
//! `PENDING_SPANS` spans, cut into a few contiguous parts (one worker each) and merged in
//! input order, so the state is the one of a single pass. A resource is counted and scanned at
//! the first span of each batch that holds it, whatever the number of threads. Spans are not
//! kept; what is kept is bounded (hash sets up to the limit, HyperLogLog above, capped key and
//! group counts).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value as J, json};

use super::collect::{At, PiiAcc};
use super::config::LintConfig;
use super::scan::{CustomPattern, Hit, KeyInfo, Scanner};
use super::{Kind, Location, RuleKey, mask, rules, validators};
use crate::analysis::cardinality::{
    self, AttrSlots, CardAcc, FastHasher, FastMap, IdHasher, Masker, Scope,
};
use crate::analysis::findings::Finding;
use crate::model::{KeyValue, Span, TraceId, Value};

static ENGINE_IDS: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Key classes per engine, per thread (keys repeat on every span; classify each once).
    static KEY_CACHE: RefCell<(u64, FastMap<Box<str>, KeyInfo>)> = RefCell::new((0, FastMap::default()));
}

/// Compiled rules and settings for one lint run.
pub struct LintEngine {
    pub scanner: Scanner,
    pub config: LintConfig,
    /// `--max-cardinality`.
    pub limit: usize,
    id: u64,
    pii_on: bool,
}

/// What accumulates over the batches.
pub struct LintState {
    pub pii: PiiAcc,
    pub card: CardAcc,
    pub traces: HashSet<TraceId, BuildHasherDefault<FastHasher>>,
    pub spans: u64,
    /// Batches handed over by [`LintEngine::push_batch`] and not scanned yet (shared with the
    /// workers that scan them: the last one frees a batch).
    pending: Vec<Arc<Vec<Span>>>,
    pending_spans: usize,
}

/// Spans gathered before a parallel scan: a reader hands over one line (one trace) at a time,
/// and a scan per line costs more in setup and merging than in scanning.
const PENDING_SPANS: usize = 8192;
/// Fewest spans per worker of the parallel scan.
const UNIT_SPANS: usize = 256;

/// A batch as [`LintEngine::add_batches`] takes it: owned and shared, or borrowed.
trait Batch: Clone + Send + Sync {
    fn spans(&self) -> &[Span];
}

impl Batch for Arc<Vec<Span>> {
    fn spans(&self) -> &[Span] {
        self
    }
}

impl Batch for &[Span] {
    fn spans(&self) -> &[Span] {
        self
    }
}

/// Spans `spans` of `batch`, whose first-of-resource flags start at `first`.
struct Piece<B> {
    batch: B,
    spans: std::ops::Range<usize>,
    first: usize,
}

/// The end of a run: findings plus lint's extra JSON and text.
pub struct LintResult {
    pub findings: Vec<Finding>,
    pub extra: Map<String, J>,
    pub extra_text: Vec<String>,
    pub traces: u64,
    pub spans: u64,
    pub pii: PiiAcc,
}

impl LintEngine {
    pub fn new(config: LintConfig, limit: usize) -> Self {
        let disabled: Vec<Kind> = rules::ALL
            .iter()
            .copied()
            .filter(|r| config.is_disabled(r.id()))
            .collect();
        let custom = config
            .custom
            .iter()
            .map(|c| CustomPattern {
                enabled: !config.is_disabled(&c.id),
                regex: c.pattern.clone(),
                keys: c.keys.clone(),
            })
            .collect();
        let pii_on = disabled.len() < rules::ALL.len()
            || config.custom.iter().any(|c| !config.is_disabled(&c.id));
        LintEngine {
            scanner: Scanner::new(&disabled, config.report_reserved_domains, custom),
            config,
            limit,
            id: ENGINE_IDS.fetch_add(1, Ordering::Relaxed),
            pii_on,
        }
    }

    pub fn state(&self) -> LintState {
        LintState {
            pii: PiiAcc::default(),
            card: CardAcc::new(self.limit),
            traces: HashSet::default(),
            spans: 0,
            pending: Vec::new(),
            pending_spans: 0,
        }
    }

    /// Take a reader's batch; batches are gathered and scanned together (in parallel) once
    /// `PENDING_SPANS` are waiting, or by [`LintEngine::finish`]. The result is the same as
    /// [`LintEngine::add_batch`] on each batch in turn.
    pub fn push_batch(&self, st: &mut LintState, batch: Vec<Span>) {
        st.pending_spans += batch.len();
        st.pending.push(Arc::new(batch));
        if st.pending_spans >= PENDING_SPANS {
            self.flush(st);
        }
    }

    fn flush(&self, st: &mut LintState) {
        if st.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut st.pending);
        st.pending_spans = 0;
        self.add_batches(st, pending);
    }

    /// Scan one batch (in parallel) and merge it into the state.
    pub fn add_batch(&self, st: &mut LintState, batch: &[Span]) {
        self.flush(st);
        self.add_batches(st, vec![batch]);
    }

    /// Scan batches (in parallel) and merge them into the state in order. A resource is counted
    /// and scanned once per batch that holds it: at the first span of the batch with that
    /// resource. Owned batches (`Arc`) are freed by the workers that scanned them, while their
    /// spans are still in that core's cache (and not one by one on this thread).
    fn add_batches<B>(&self, st: &mut LintState, batches: Vec<B>)
    where
        B: Batch,
    {
        let total: usize = batches.iter().map(|b| b.spans().len()).sum();
        if total == 0 {
            return;
        }
        // Whether each span is the first of its batch with its resource.
        let mut firsts: Vec<bool> = Vec::with_capacity(total);
        let mut seen: HashSet<usize, BuildHasherDefault<FastHasher>> = HashSet::default();
        for batch in &batches {
            let batch = batch.spans();
            st.spans += batch.len() as u64;
            // A batch is mostly one trace: skip the repeats before hashing.
            let mut last_trace = None;
            for s in batch.iter() {
                if last_trace != Some(s.trace_id) {
                    st.traces.insert(s.trace_id);
                    last_trace = Some(s.trace_id);
                }
            }
            seen.clear();
            let mut last = 0usize;
            firsts.extend(batch.iter().map(|s| {
                let p = Arc::as_ptr(&s.resource) as *const u8 as usize;
                let first = p != last && seen.insert(p);
                last = p;
                first
            }));
        }
        // A few contiguous parts (one worker each), merged in input order: the same state as
        // one worker over all the spans. A part holds the pieces of batches it scans.
        let parts = (total / UNIT_SPANS).clamp(1, 2 * rayon::current_num_threads());
        let per = total.div_ceil(parts);
        let mut plan: Vec<Vec<Piece<B>>> = Vec::with_capacity(parts);
        let mut part: Vec<Piece<B>> = Vec::new();
        let (mut offset, mut room) = (0usize, per);
        for batch in batches {
            let len = batch.spans().len();
            let mut start = 0;
            while start < len {
                let end = len.min(start + room);
                room -= end - start;
                part.push(Piece {
                    batch: batch.clone(),
                    spans: start..end,
                    first: offset + start,
                });
                start = end;
                if room == 0 {
                    plan.push(std::mem::take(&mut part));
                    room = per;
                }
            }
            offset += len;
        }
        if !part.is_empty() {
            plan.push(part);
        }
        let known = Arc::new(st.card.known());
        let card_state = &st.card;
        let firsts = &firsts;
        let workers: Vec<(PiiAcc, CardAcc)> = plan
            .into_par_iter()
            .map(|pieces| {
                let mut w = Worker::new(self, card_state.worker(&known));
                for p in &pieces {
                    let flags = firsts.get(p.first..).unwrap_or_default();
                    let spans = p.batch.spans().get(p.spans.clone()).unwrap_or_default();
                    for (s, &first) in spans.iter().zip(flags) {
                        w.span(s, first);
                    }
                }
                drop(pieces);
                w.finish()
            })
            .collect();
        for (pii, card) in workers {
            st.pii.merge(pii);
            st.card.merge(card);
        }
    }

    pub fn finish(&self, mut st: LintState) -> LintResult {
        self.flush(&mut st);
        let mut findings = st.pii.findings(&self.config, &self.scanner);
        let card = cardinality::report(&st.card, self.limit, &self.config, &self.scanner);
        findings.extend(card.findings);
        let custom: Vec<J> = self
            .config
            .custom
            .iter()
            .map(|c| json!({"id": c.id, "severity": c.severity.as_str(), "summary": c.summary, "help": c.help}))
            .collect();
        let mut extra = Map::new();
        extra.insert("cardinality".into(), card.json);
        extra.insert(
            "pii".into(),
            json!({"values_scanned": st.pii.scanned, "groups": st.pii.groups.len(), "hits_not_grouped": st.pii.overflow,
                   "grouping": "one finding per (rule, service, location, attribute key) with a count and up to 3 masked examples"}),
        );
        if !custom.is_empty() {
            extra.insert("custom_rules".into(), J::Array(custom));
        }
        LintResult {
            findings,
            extra,
            extra_text: card.text,
            traces: st.traces.len() as u64,
            spans: st.spans,
            pii: st.pii,
        }
    }

    fn key_info(&self, key: &str) -> KeyInfo {
        KEY_CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.0 != self.id || c.1.len() > 50_000 {
                c.0 = self.id;
                c.1.clear();
            }
            if let Some(k) = c.1.get(key) {
                return *k;
            }
            let info = self.scanner.key_info(key);
            c.1.insert(key.into(), info);
            info
        })
    }

    /// Mask an example value for the cardinality table: a secret key's value by its length, a
    /// detected value by its mask, anything else by [`mask::unclassified`].
    fn mask_example(&self, key: &str, text: &str) -> String {
        if !key.is_empty() && rules::KeyClass::of(key).secret && !validators::is_masked(text) {
            return mask::secret(text);
        }
        match self.scanner.redact(text) {
            std::borrow::Cow::Owned(masked) => masked,
            std::borrow::Cow::Borrowed(_) => mask::unclassified(text).into_owned(),
        }
    }

    fn safe_name(&self, name: &str) -> String {
        let (t, _) = cardinality::normalize_name(name);
        self.scanner.redact(&t).into_owned()
    }
}

struct Worker<'e> {
    e: &'e LintEngine,
    pii: PiiAcc,
    card: CardAcc,
    attrs: AttrSlots,
    hits: Vec<Hit>,
    /// Per interned key, by its address (every key of a scan is alive, and keeps its address,
    /// while the worker is): its class and its counter slot per scope, so that a value costs
    /// no hashing of its key's text.
    keys: HashMap<u64, KeyEntry, BuildHasherDefault<IdHasher>>,
}

#[derive(Copy, Clone)]
struct KeyEntry {
    info: KeyInfo,
    /// The [`AttrSlots`] slot per [`Scope`], once the key was counted in it.
    slots: [Option<u32>; 3],
}

/// A bijection of a key's address: distinct keys stay distinct, and the low bits vary.
fn address_hash(key: &Arc<str>) -> u64 {
    let h = (Arc::as_ptr(key) as *const u8 as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

fn key_entry<'m>(
    keys: &'m mut HashMap<u64, KeyEntry, BuildHasherDefault<IdHasher>>,
    e: &LintEngine,
    key: &Arc<str>,
) -> &'m mut KeyEntry {
    keys.entry(address_hash(key)).or_insert_with(|| KeyEntry {
        info: e.key_info(key),
        slots: [None; 3],
    })
}

impl<'e> Worker<'e> {
    fn new(e: &'e LintEngine, card: CardAcc) -> Self {
        Worker {
            e,
            pii: PiiAcc::default(),
            attrs: AttrSlots::of(&card),
            card,
            hits: Vec::new(),
            keys: HashMap::default(),
        }
    }

    fn finish(mut self) -> (PiiAcc, CardAcc) {
        self.attrs.into_acc(&mut self.card);
        (self.pii, self.card)
    }

    /// `first_time`: the first span of its batch with its resource (the resource is counted
    /// and scanned with it). Each attribute is counted and scanned in one go; the counters and
    /// the findings each see the span's values in the same order as ever.
    fn span(&mut self, s: &Span, first_time: bool) {
        let e = self.e;
        let masker = |k: &str, v: &str| e.mask_example(k, v);
        let pos = (s.trace_id, s.span_id);
        let safe = || e.safe_name(&s.name);
        let at = At {
            trace: s.trace_id,
            span: s.span_id,
            service: &s.service,
            safe_name: &safe,
        };
        let text = e.scanner.text_info();
        self.card.add_name(&s.service, &s.name, pos, &masker);
        if e.pii_on {
            self.text(&text, &s.name, Location::SpanName, &at);
        }
        for kv in &s.attributes {
            self.attribute(Scope::Span, Location::SpanAttribute, kv, &at, &masker);
        }
        // A resource is shared by the spans of one batch: count and scan it once.
        if first_time {
            for kv in &s.resource.attributes {
                let loc = Location::ResourceAttribute;
                self.attribute(Scope::Resource, loc, kv, &at, &masker);
            }
        }
        for ev in &s.events {
            if e.pii_on {
                self.text(&text, &ev.name, Location::EventName, &at);
            }
            for kv in &ev.attributes {
                self.attribute(Scope::Event, Location::EventAttribute, kv, &at, &masker);
            }
        }
        if !e.pii_on {
            return;
        }
        for l in &s.links {
            for kv in &l.attributes {
                let info = self.key_entry(&kv.key).info;
                self.attr(kv, info, Location::LinkAttribute, &at);
            }
        }
        if let Some(m) = &s.status.message {
            self.text(&text, m, Location::StatusMessage, &at);
        }
    }

    fn key_entry(&mut self, key: &Arc<str>) -> &mut KeyEntry {
        key_entry(&mut self.keys, self.e, key)
    }

    /// Count an attribute for cardinality, and scan it.
    fn attribute(
        &mut self,
        scope: Scope,
        loc: Location,
        kv: &KeyValue,
        at: &At<'_>,
        masker: Masker<'_>,
    ) {
        let e = self.e;
        let attrs = &mut self.attrs;
        let entry = key_entry(&mut self.keys, e, &kv.key);
        let slot = *entry.slots[scope as usize].get_or_insert_with(|| attrs.slot(scope, &kv.key));
        let info = entry.info;
        let pos = (at.trace, at.span);
        attrs.add(scope, slot, &kv.value, at.service, pos, masker);
        if e.pii_on {
            self.attr(kv, info, loc, at);
        }
    }

    fn text(&mut self, info: &KeyInfo, text: &str, loc: Location, at: &At<'_>) {
        self.pii.scanned += 1;
        self.e.scanner.scan_str(info, text, &mut self.hits);
        self.record(loc, None, text, at, false);
    }

    /// Scan one attribute; arrays and maps are walked with an explicit stack (nested map keys
    /// become `outer.inner`).
    fn attr(&mut self, kv: &KeyValue, info: KeyInfo, loc: Location, at: &At<'_>) {
        let e = self.e;
        // Scalars (nearly every attribute) without the stack.
        match &kv.value {
            Value::Str(s) => {
                self.pii.scanned += 1;
                e.scanner.scan_str(&info, s, &mut self.hits);
                self.record(loc, Some(&kv.key), s, at, false);
                return;
            }
            Value::Int(i) => {
                self.pii.scanned += 1;
                self.int(info, *i, loc, &kv.key, at);
                return;
            }
            Value::Empty | Value::Bool(_) | Value::Double(_) | Value::Bytes(_) => return,
            Value::Array(_) | Value::Map(_) => {}
        }
        let mut stack: Vec<(&Value, Option<Arc<str>>)> = vec![(&kv.value, None)];
        while let Some((v, nested)) = stack.pop() {
            let key = nested.as_ref().unwrap_or(&kv.key);
            match v {
                Value::Str(s) => {
                    self.pii.scanned += 1;
                    let info = if nested.is_some() {
                        e.scanner.key_info(key)
                    } else {
                        info
                    };
                    e.scanner.scan_str(&info, s, &mut self.hits);
                    self.record(loc, Some(key), s, at, false);
                }
                Value::Int(i) => {
                    self.pii.scanned += 1;
                    let info = if nested.is_some() {
                        e.scanner.key_info(key)
                    } else {
                        info
                    };
                    self.int(info, *i, loc, key, at);
                }
                Value::Array(items) => {
                    stack.extend(items.iter().rev().map(|x| (x, nested.clone())))
                }
                Value::Map(m) => {
                    for inner in m.iter().rev() {
                        stack.push((
                            &inner.value,
                            Some(Arc::from(format!("{key}.{}", inner.key))),
                        ));
                    }
                }
                Value::Empty | Value::Bool(_) | Value::Double(_) | Value::Bytes(_) => {}
            }
        }
    }

    fn int(&mut self, info: KeyInfo, i: i64, loc: Location, key: &Arc<str>, at: &At<'_>) {
        self.e.scanner.scan_int(&info, i, &mut self.hits);
        if !self.hits.is_empty() {
            let mut buf = [0u8; 24];
            let text = super::scan::fmt_i64(i, &mut buf).to_string();
            self.record(loc, Some(key), &text, at, true);
        }
    }

    fn record(
        &mut self,
        loc: Location,
        key: Option<&Arc<str>>,
        text: &str,
        at: &At<'_>,
        non_string: bool,
    ) {
        if self.hits.is_empty() {
            return;
        }
        let hits = std::mem::take(&mut self.hits);
        for h in &hits {
            let id = match h.rule {
                RuleKey::Builtin(r) => r.id(),
                RuleKey::Custom(i) => self
                    .e
                    .config
                    .custom
                    .get(usize::from(i))
                    .map_or("", |c| c.id.as_str()),
            };
            let matched = text.get(h.start..h.end).unwrap_or("");
            if self
                .e
                .config
                .allows(id, at.service, key.map(|k| &**k), matched, text)
            {
                continue;
            }
            self.pii.add(h, loc, key, at, non_string);
        }
        self.hits = hits;
        self.hits.clear();
    }
}
