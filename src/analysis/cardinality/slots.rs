//! A lint worker's attribute counters, addressed by slot: a key's text is hashed once per worker
//! (to find or make its slot) and the caller remembers the slot per interned key, so counting a
//! value costs no hashing or comparing of its key. [`AttrSlots::into_acc`] hands the counters
//! over as [`CardAcc`] maps built exactly as [`CardAcc::add_attr`] builds them.

use std::sync::Arc;

use super::{CardAcc, FastMap, KeyStats, Known, MAX_KEYS, Masker, Scope};
use crate::model::{SpanId, TraceId, Value};

/// The slot of a key that is not tracked: its scope already had [`MAX_KEYS`] keys.
pub const UNTRACKED: u32 = u32::MAX;

#[derive(Default)]
struct Table {
    index: FastMap<Arc<str>, u32>,
    /// In the order the keys were first seen.
    stats: Vec<(Arc<str>, KeyStats)>,
    untracked: u64,
}

pub struct AttrSlots {
    cap: usize,
    tables: [Table; 3],
    known: Option<Arc<Known>>,
}

impl AttrSlots {
    /// Counters for a worker of `acc` (same limit, same known examples).
    pub fn of(acc: &CardAcc) -> Self {
        AttrSlots {
            cap: acc.cap,
            tables: Default::default(),
            known: acc.known.clone(),
        }
    }

    /// The slot of `key` in `scope`, made if new: call [`AttrSlots::add`] with it right away
    /// (a slot is made for a value, as [`CardAcc::add_attr`] does).
    pub fn slot(&mut self, scope: Scope, key: &Arc<str>) -> u32 {
        let t = &mut self.tables[scope as usize];
        if let Some(&i) = t.index.get(&**key) {
            return i;
        }
        if t.stats.len() >= MAX_KEYS {
            return UNTRACKED;
        }
        let mut stats = KeyStats::default();
        if let Some(known) = self
            .known
            .as_ref()
            .and_then(|k| k.attrs[scope as usize].get(&**key))
        {
            stats.examples = known.iter().map(|&h| (h, String::new())).collect();
        }
        let i = t.stats.len() as u32;
        t.index.insert(key.clone(), i);
        t.stats.push((key.clone(), stats));
        i
    }

    /// Count one value of the key in `slot` (from [`AttrSlots::slot`] for this scope).
    pub fn add(
        &mut self,
        scope: Scope,
        slot: u32,
        value: &Value,
        service: &Arc<str>,
        at: (TraceId, SpanId),
        masker: Masker<'_>,
    ) {
        let cap = self.cap;
        let t = &mut self.tables[scope as usize];
        match t.stats.get_mut(slot as usize) {
            Some((key, stats)) => stats.add(key, value, service, at, cap, masker),
            None => t.untracked += 1,
        }
    }

    /// Move the counters into `acc` (a worker accumulator with no attributes yet): keys are
    /// inserted in the order first seen, so the maps are the ones `add_attr` would have built.
    pub fn into_acc(self, acc: &mut CardAcc) {
        for (i, t) in self.tables.into_iter().enumerate() {
            let map = &mut acc.attrs[i];
            for (key, stats) in t.stats {
                map.insert(key, stats);
            }
            acc.untracked_keys[i] += t.untracked;
        }
    }
}
