//! What every timeline export needs of a trace, computed once: tree, self time, critical path.

use crate::analysis::critical_path::{CriticalPath, critical_paths};
use crate::analysis::self_time::self_times;
use crate::model::{Trace, TraceTree};

pub struct Prepared<'a> {
    pub trace: &'a Trace,
    pub tree: TraceTree,
    pub self_ns: Vec<u64>,
    pub paths: Vec<CriticalPath>,
    /// Critical-path time per span.
    pub critical_ns: Vec<u64>,
    /// Display order (tree pre-order).
    pub order: Vec<u32>,
}

impl<'a> Prepared<'a> {
    pub fn new(trace: &'a Trace) -> Self {
        let tree = TraceTree::build(trace);
        let self_ns = self_times(trace, &tree);
        let paths = critical_paths(trace, &tree, false);
        let mut critical_ns = vec![0u64; trace.spans.len()];
        for p in &paths {
            for s in &p.sections {
                critical_ns[s.span as usize] += s.len_ns();
            }
        }
        let order = tree.preorder();
        Prepared {
            trace,
            tree,
            self_ns,
            paths,
            critical_ns,
            order,
        }
    }

    pub fn start_ns(&self) -> u64 {
        self.trace.start_ns()
    }

    pub fn service(&self, i: usize) -> &str {
        let s = &self.trace.spans[i].service;
        if s.is_empty() { "unknown" } else { s }
    }
}
