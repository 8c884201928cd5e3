//! Spans reduced to what tree-based statistics need (about 48 bytes each), grouped by trace and
//! labelled with a group, so `stats` and `critical-path --aggregate` never keep full spans.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use std::sync::Arc;

use super::stats::{GroupBy, GroupKey};
use crate::model::{Span, SpanId, SpanKind, SpanLike, StatusCode, TraceId};

/// Group index of a span that is in no group (`attr=KEY` and the span lacks the key).
pub const NO_GROUP: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub struct CompactSpan {
    pub span_id: SpanId,
    pub parent: Option<SpanId>,
    pub start: u64,
    /// Never before `start` (a negative duration counts as zero).
    pub end: u64,
    /// Index into the key table, or [`NO_GROUP`].
    pub group: u32,
    pub kind: SpanKind,
    pub error: bool,
    pub shared: bool,
}

impl SpanLike for CompactSpan {
    fn span_id(&self) -> SpanId {
        self.span_id
    }
    fn parent_span_id(&self) -> Option<SpanId> {
        self.parent
    }
    fn start_ns(&self) -> u64 {
        self.start
    }
    fn end_ns(&self) -> u64 {
        self.end
    }
    fn kind(&self) -> SpanKind {
        self.kind
    }
    fn shared(&self) -> bool {
        self.shared
    }
}

/// Collects compact spans per trace as batches arrive.
pub struct CompactCollector {
    group_by: GroupBy,
    pub keys: Vec<GroupKey>,
    key_index: HashMap<GroupKey, u32, RandomState>,
    pub traces: HashMap<TraceId, Vec<CompactSpan>, RandomState>,
    pub spans: u64,
}

impl CompactCollector {
    pub fn new(group_by: GroupBy) -> Self {
        CompactCollector {
            group_by,
            keys: Vec::new(),
            key_index: HashMap::default(),
            traces: HashMap::default(),
            spans: 0,
        }
    }

    pub fn group_by(&self) -> &GroupBy {
        &self.group_by
    }

    fn key_of(&self, s: &Span) -> Option<GroupKey> {
        let empty: Arc<str> = Arc::from("");
        Some(match &self.group_by {
            GroupBy::Service => GroupKey {
                service: s.service.clone(),
                operation: empty,
                kind: None,
                value: None,
            },
            GroupBy::Operation | GroupBy::Root => GroupKey {
                service: s.service.clone(),
                operation: s.name.clone(),
                kind: None,
                value: None,
            },
            GroupBy::Kind => GroupKey {
                service: empty.clone(),
                operation: empty,
                kind: Some(s.kind),
                value: None,
            },
            GroupBy::Attr(k) => {
                let v = s
                    .attr(k)
                    .or_else(|| crate::model::value::find(&s.resource.attributes, k))?;
                GroupKey {
                    service: empty.clone(),
                    operation: empty,
                    kind: None,
                    value: Some(Arc::from(v.to_string())),
                }
            }
        })
    }

    pub fn add(&mut self, spans: Vec<Span>) {
        // Group by the addresses of the interned service and name strings first: readers share
        // one allocation per distinct string, so this skips hashing the strings for almost every
        // span. Addresses are unique only while the strings live, so the cache is per batch
        // (the batch keeps them alive) and cleared at the end.
        let by_pointer = matches!(
            self.group_by,
            GroupBy::Service | GroupBy::Operation | GroupBy::Root
        );
        let mut cache: HashMap<(usize, usize), u32> = HashMap::new();
        for s in &spans {
            self.spans += 1;
            let pk = (
                Arc::as_ptr(&s.service) as *const u8 as usize,
                Arc::as_ptr(&s.name) as *const u8 as usize,
            );
            let cached = if by_pointer {
                cache.get(&pk).copied()
            } else {
                None
            };
            let group = match cached {
                Some(g) => g,
                None => {
                    let g = match self.key_of(s) {
                        Some(k) => match self.key_index.get(&k) {
                            Some(i) => *i,
                            None => {
                                let i = self.keys.len() as u32;
                                self.key_index.insert(k.clone(), i);
                                self.keys.push(k);
                                i
                            }
                        },
                        None => NO_GROUP,
                    };
                    if by_pointer {
                        cache.insert(pk, g);
                    }
                    g
                }
            };
            self.traces
                .entry(s.trace_id)
                .or_default()
                .push(CompactSpan {
                    span_id: s.span_id,
                    parent: s.parent_span_id,
                    start: s.start_ns,
                    end: s.end_ns.max(s.start_ns),
                    group,
                    kind: s.kind,
                    error: s.status.code == StatusCode::Error,
                    shared: s.shared,
                });
        }
    }
}
