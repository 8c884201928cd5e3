//! String interning for the values that repeat on every span (keys, names, services).

use std::collections::HashSet;
use std::sync::Arc;

/// A per-reader interner: repeated strings share one allocation.
#[derive(Default)]
pub struct Interner {
    set: HashSet<Arc<str>>,
}

/// Past this many distinct strings the interner stops growing (high-cardinality data would
/// only waste memory in the set); later strings are allocated on their own.
const MAX_INTERNED: usize = 1 << 16;

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        if self.set.len() < MAX_INTERNED {
            self.set.insert(a.clone());
        }
        a
    }
}
