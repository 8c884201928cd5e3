//! The structure of one trace as a flat arena of planned spans, and its timing.
//!
//! Nodes are appended breadth-first: a node's children are contiguous and come after it, so a
//! reverse walk is a post-order (durations bottom-up) and a forward walk a pre-order (absolute
//! start times top-down). Nothing recurses, so a chain of any depth works.

use super::rng::Rng;
use super::topology::{
    self as topo, ENDPOINTS, INSTANCES, Param, Step, StepKind, step_size, step_unit,
};

/// What a planned span is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum What {
    Server(u16),
    Client(u16),
    Db(u16),
    Cache(u16),
    /// Sends a message for the given consumer endpoint.
    Producer(u16),
    Consumer(u16),
    Internal(u16),
}

pub const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Node {
    pub what: What,
    pub parent: u32,
    pub service: u8,
    pub instance: u8,
    /// Children of one parent with the same phase run concurrently; phases run in order.
    pub phase: u32,
    /// Runs asynchronously (a message consumer): not part of the parent's duration.
    pub detached: bool,
    /// Ends in error; `origin` when the error starts here rather than in a child.
    pub fail: bool,
    pub origin: bool,
    /// `http.request.resend_count` of a retried call.
    pub resend: u8,
    /// Request parameter (SKU or user number, message partition), shared by both ends of a call.
    pub param: u32,
    pub budget: u32,
    pub first_child: u32,
    pub n_children: u32,
    /// Start relative to the parent, duration, and absolute start (ns).
    pub rel_start: u64,
    pub dur: u64,
    pub start: u64,
}

impl Node {
    fn new(what: What, parent: u32, service: u8, instance: u8) -> Self {
        Node {
            what,
            parent,
            service,
            instance,
            phase: 0,
            detached: false,
            fail: false,
            origin: false,
            resend: 0,
            param: 0,
            budget: 1,
            first_child: 0,
            n_children: 0,
            rel_start: 0,
            dur: 0,
            start: 0,
        }
    }

    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.dur)
    }

    pub fn children(&self) -> std::ops::Range<usize> {
        self.first_child as usize..(self.first_child + self.n_children) as usize
    }
}

/// Concurrency of a handler's worker pool (lanes of a concurrent fan-out).
const POOL_MIXED: usize = 6;
const POOL_WIDE: usize = 16;
/// Share of failing handlers whose error starts in the handler itself.
const ORIGIN_HERE: f64 = 0.2;

/// A draft child while a script is laid out.
#[derive(Clone, Copy)]
struct Spec {
    step: Step,
    reps: u64,
    natural: f64,
    /// Its subtree can take more budget than its natural size (an elastic fan-out).
    absorbs: bool,
}

/// Plans traces; keeps its buffers between traces.
pub struct Planner {
    pub nodes: Vec<Node>,
    sizes: Vec<f64>,
    absorbs: Vec<bool>,
    specs: Vec<Spec>,
    lanes: Vec<u64>,
    pool: usize,
    slack: u64,
    error_rate: f64,
}

impl Planner {
    pub fn new(error_rate: f64) -> Self {
        Planner {
            nodes: Vec::new(),
            sizes: topo::natural_sizes(),
            absorbs: topo::absorbing(),
            specs: Vec::new(),
            lanes: Vec::new(),
            pool: POOL_MIXED,
            slack: 0,
            error_rate,
        }
    }

    fn push(&mut self, node: Node) -> u32 {
        self.nodes.push(node);
        (self.nodes.len() - 1) as u32
    }

    /// The mixed shape: a weighted user request, expanded breadth-first within `target` spans.
    pub fn plan_mixed(&mut self, rng: &mut Rng, target: u32) {
        self.nodes.clear();
        self.pool = POOL_MIXED;
        self.slack = 0;
        let total: u32 = topo::SCENARIOS.iter().map(|s| s.1).sum();
        let mut pick = rng.below(u64::from(total)) as u32;
        let mut root_ep = topo::SCENARIOS[0].0;
        for &(e, w) in &topo::SCENARIOS {
            if pick < w {
                root_ep = e;
                break;
            }
            pick -= w;
        }
        let mut root = Node::new(
            What::Server(root_ep),
            NONE,
            ENDPOINTS[root_ep as usize].service,
            0,
        );
        root.instance = rng.below(u64::from(INSTANCES)) as u8;
        root.param = new_param(rng);
        root.budget = target.max(1);
        root.fail = rng.chance(self.error_rate);
        self.push(root);
        let mut i = 0;
        while i < self.nodes.len() {
            self.expand(rng, i);
            i += 1;
        }
    }

    fn expand(&mut self, rng: &mut Rng, i: usize) {
        let node = self.nodes[i].clone();
        let first = self.nodes.len() as u32;
        match node.what {
            What::Client(e) if node.budget >= 2 => {
                let svc = ENDPOINTS[e as usize].service;
                let mut s = Node::new(
                    What::Server(e),
                    i as u32,
                    svc,
                    rng.below(u64::from(INSTANCES)) as u8,
                );
                s.budget = node.budget - 1;
                s.fail = node.fail;
                s.param = node.param;
                self.push(s);
            }
            What::Producer(e) if node.budget >= 2 && !node.fail => {
                let svc = ENDPOINTS[e as usize].service;
                let mut c = Node::new(
                    What::Consumer(e),
                    i as u32,
                    svc,
                    rng.below(u64::from(INSTANCES)) as u8,
                );
                c.budget = node.budget - 1;
                c.detached = true;
                // The worker fails on its own; the sender never learns of it.
                c.fail = rng.chance(self.error_rate * 0.5);
                c.param = node.param;
                self.push(c);
            }
            What::Server(e) | What::Consumer(e) => self.script(
                rng,
                i,
                ENDPOINTS[e as usize].steps,
                self.absorbs[e as usize],
            ),
            _ => {}
        }
        let n = self.nodes.len() as u32 - first;
        let kids = &self.nodes[first as usize..];
        let child_fails = kids.iter().any(|c| c.fail && !c.detached);
        let used: u64 = kids.iter().map(|c| u64::from(c.budget)).sum();
        let me = &mut self.nodes[i];
        me.first_child = first;
        me.n_children = n;
        if me.fail && !child_fails {
            me.origin = true;
        }
        if !matches!(me.what, What::Server(_) | What::Consumer(_)) {
            // What a leaf or a call end could not use goes to the spans expanded later.
            self.slack += u64::from(me.budget.saturating_sub(1)).saturating_sub(used);
        }
    }

    /// Lay out a handler's steps as children of node `i`, within its budget. Budget beyond the
    /// natural size grows the elastic fan-outs here, else goes to the children whose subtrees
    /// can grow; what is left over is passed on to the nodes expanded later.
    fn script(&mut self, rng: &mut Rng, i: usize, steps: &[Step], absorbs: bool) {
        let parent = self.nodes[i].clone();
        let mut avail = u64::from(parent.budget.saturating_sub(1));
        if absorbs {
            avail += std::mem::take(&mut self.slack);
        }
        self.specs.clear();
        for st in steps {
            if !rng.chance(f64::from(st.p)) {
                continue;
            }
            let reps = rng.range(u64::from(st.fan.0), u64::from(st.fan.1));
            let grows = st.elastic
                || matches!(st.kind, StepKind::Call(e) | StepKind::Publish(e) if self.absorbs[e as usize]);
            self.specs.push(Spec {
                step: *st,
                reps,
                natural: step_size(st, &self.sizes),
                absorbs: grows,
            });
        }
        let total = |specs: &[Spec], f: fn(&Spec) -> bool| -> f64 {
            specs
                .iter()
                .filter(|s| f(s))
                .map(|s| s.reps as f64 * s.natural)
                .sum()
        };
        let mut natural = total(&self.specs, |_| true);
        let elastic = self.specs.iter().filter(|s| s.step.elastic).count();
        if elastic > 0 && avail as f64 > natural {
            let extra = avail as f64 - natural;
            for s in self.specs.iter_mut().filter(|s| s.step.elastic) {
                s.reps += (extra / elastic as f64 / s.natural).floor() as u64;
            }
            natural = total(&self.specs, |_| true);
        }
        let surplus = avail as f64 - natural;
        let growable = total(&self.specs, |s| s.absorbs);
        let retry_p = (self.error_rate * 0.1).min(0.5);
        let mut phase = 0u32;
        let first = self.nodes.len();
        for si in 0..self.specs.len() {
            let spec = self.specs[si];
            let unit = u64::from(step_unit(&spec.step));
            let want = if surplus < 0.0 {
                spec.natural * avail as f64 / natural
            } else if spec.absorbs && growable > 0.0 {
                spec.natural + surplus * spec.natural / growable
            } else {
                spec.natural
            };
            let share = (want.round() as u64).max(unit);
            if !spec.step.par {
                phase += 1;
            }
            for rep in 0..spec.reps {
                if rep > 0 && !spec.step.concurrent {
                    phase += 1;
                }
                if avail < unit {
                    break;
                }
                let retried = matches!(spec.step.kind, StepKind::Call(_))
                    && !parent.fail
                    && avail >= 2 * share
                    && rng.chance(retry_p);
                if retried {
                    let c = self.child(rng, i, &parent, spec.step.kind, phase, share);
                    self.nodes[c as usize].fail = true;
                    avail -= share;
                    phase += 1;
                    let r = self.child(rng, i, &parent, spec.step.kind, phase, share);
                    self.nodes[r as usize].resend = 1;
                    avail -= share;
                } else {
                    let b = share.min(avail);
                    self.child(rng, i, &parent, spec.step.kind, phase, b);
                    avail -= b;
                }
            }
        }
        if parent.fail && self.nodes.len() > first && !rng.chance(ORIGIN_HERE) {
            // The error comes from one child; the handler stops there (later phases never run).
            let k = first + rng.below((self.nodes.len() - first) as u64) as usize;
            self.nodes[k].fail = true;
            let cut = self.nodes[k].phase;
            while self.nodes.len() > k + 1 && self.nodes.last().is_some_and(|n| n.phase > cut) {
                let b = self.nodes.pop().map(|n| n.budget).unwrap_or(0);
                avail += u64::from(b);
            }
        }
        self.slack += avail;
    }

    fn child(
        &mut self,
        rng: &mut Rng,
        parent: usize,
        p: &Node,
        kind: StepKind,
        phase: u32,
        budget: u64,
    ) -> u32 {
        let what = match kind {
            StepKind::Call(e) => What::Client(e),
            StepKind::Db(q) => What::Db(q),
            StepKind::Cache(c) => What::Cache(c),
            StepKind::Publish(e) => What::Producer(e),
            StepKind::Internal(o) => What::Internal(o),
        };
        let mut n = Node::new(what, parent as u32, p.service, p.instance);
        n.phase = phase;
        n.budget = budget.min(u64::from(u32::MAX)) as u32;
        n.param = match kind {
            StepKind::Call(e) => param_for(rng, ENDPOINTS[e as usize].param),
            StepKind::Publish(_) => rng.below(6) as u32,
            _ => 0,
        };
        self.push(n)
    }

    /// The wide shape: one handler with `n - 1` direct children on a worker pool.
    pub fn plan_wide(&mut self, rng: &mut Rng, n: u32) {
        self.nodes.clear();
        self.pool = POOL_WIDE;
        let mut root = Node::new(What::Server(topo::CAT_REINDEX), NONE, topo::CATALOG, 0);
        root.instance = rng.below(u64::from(INSTANCES)) as u8;
        root.fail = rng.chance(self.error_rate);
        root.first_child = 1;
        root.n_children = n.max(1) - 1;
        self.push(root);
        for _ in 1..n.max(1) {
            let what = match rng.below(20) {
                0..=8 => What::Db(topo::Q_SELECT_PRODUCT),
                9..=14 => What::Cache(topo::C_PRODUCT_SET),
                _ => What::Internal(topo::OP_INDEX_DOC),
            };
            let mut c = Node::new(what, 0, topo::CATALOG, self.nodes[0].instance);
            c.phase = 1;
            self.push(c);
        }
        if self.nodes[0].fail {
            if n > 1 {
                let k = 1 + rng.below(u64::from(n - 1)) as usize;
                self.nodes[k].fail = true;
                self.nodes[k].origin = true;
            } else {
                self.nodes[0].origin = true;
            }
        }
    }

    /// The deep shape: a chain of `n` spans (server → internal → client → next service's server
    /// → …), ending in a query.
    pub fn plan_deep(&mut self, rng: &mut Rng, n: u32) {
        const CHAIN: [(u8, u16); 6] = [
            (topo::CATALOG, topo::CAT_PRODUCT),
            (topo::INVENTORY, topo::INV_STOCK),
            (topo::CART, topo::CART_GET),
            (topo::CHECKOUT, topo::CO_PLACE),
            (topo::PAYMENT, topo::PAY_CHARGE),
            (topo::AUTH, topo::AUTH_SESSION),
        ];
        self.nodes.clear();
        self.pool = POOL_MIXED;
        let n = n.max(1) as usize;
        let fail = rng.chance(self.error_rate);
        let mut root = Node::new(What::Server(topo::FE_PRODUCT), NONE, topo::FRONTEND, 0);
        root.instance = rng.below(u64::from(INSTANCES)) as u8;
        root.param = new_param(rng);
        self.nodes.reserve(n);
        self.push(root);
        let mut hop = 0usize;
        for k in 1..n {
            let prev = &self.nodes[k - 1];
            let (svc, inst) = (prev.service, prev.instance);
            let last = k == n - 1;
            let what = match prev.what {
                What::Client(e) => What::Server(e),
                What::Server(_) if !last => What::Internal(topo::OP_RESOLVE),
                What::Internal(_) if !last => {
                    hop += 1;
                    What::Client(CHAIN[hop % CHAIN.len()].1)
                }
                _ => What::Db(topo::Q_SELECT_PRODUCT),
            };
            let mut c = Node::new(what, (k - 1) as u32, svc, inst);
            c.phase = 1;
            match what {
                What::Client(e) => c.param = param_for(rng, ENDPOINTS[e as usize].param),
                What::Server(_) => {
                    c.service = CHAIN[hop % CHAIN.len()].0;
                    c.instance = rng.below(u64::from(INSTANCES)) as u8;
                    c.param = prev.param;
                }
                _ => {}
            }
            self.nodes[k - 1].first_child = k as u32;
            self.nodes[k - 1].n_children = 1;
            self.push(c);
        }
        if fail {
            for nd in &mut self.nodes {
                nd.fail = true;
            }
            if let Some(last) = self.nodes.last_mut() {
                last.origin = true;
            }
        }
    }

    /// Durations bottom-up (reverse order), then absolute starts top-down from `start_ns`.
    pub fn time(&mut self, rng: &mut Rng, start_ns: u64) {
        for i in (0..self.nodes.len()).rev() {
            let dur = if self.nodes[i].n_children == 0 {
                leaf_duration(rng, &self.nodes[i])
            } else {
                self.layout(rng, i)
            };
            self.nodes[i].dur = dur;
        }
        for i in 0..self.nodes.len() {
            let p = self.nodes[i].parent;
            let base = if p == NONE {
                start_ns
            } else {
                self.nodes[p as usize].start
            };
            self.nodes[i].start = base.saturating_add(self.nodes[i].rel_start);
        }
    }

    /// Place the children of node `i` relative to it; returns its duration.
    fn layout(&mut self, rng: &mut Rng, i: usize) -> u64 {
        let node = &self.nodes[i];
        let (pre, gap, post) = match node.what {
            What::Client(_) => (net(rng), 0, net(rng)),
            What::Producer(_) => {
                let send = rng.duration_ns(1.2, 0.4);
                let delay = rng.duration_ns(8.0, 0.8);
                let c = node.first_child as usize;
                for k in c..c + node.n_children as usize {
                    self.nodes[k].rel_start = send + delay;
                }
                return send;
            }
            What::Server(e) | What::Consumer(e) => {
                let w = ENDPOINTS[e as usize].work_ms;
                (
                    rng.duration_ns(w * 0.5, 0.5),
                    rng.duration_ns(w * 0.1, 0.6),
                    rng.duration_ns(w * 0.4, 0.5),
                )
            }
            What::Internal(o) => {
                let w = topo::INTERNAL_OPS[o as usize].median_ms * 0.2;
                (
                    rng.duration_ns(w, 0.5),
                    rng.duration_ns(w * 0.2, 0.5),
                    rng.duration_ns(w, 0.5),
                )
            }
            What::Db(_) | What::Cache(_) => {
                (rng.duration_ns(0.05, 0.5), 0, rng.duration_ns(0.05, 0.5))
            }
        };
        let range = node.children();
        let mut t = pre;
        let mut k = range.start;
        while k < range.end {
            let phase = self.nodes[k].phase;
            let mut end = k;
            while end < range.end && self.nodes[end].phase == phase {
                end += 1;
            }
            let lanes = (end - k).min(self.pool).max(1);
            self.lanes.clear();
            self.lanes.resize(lanes, t);
            let mut phase_end = t;
            for c in k..end {
                if self.nodes[c].detached {
                    self.nodes[c].rel_start = t;
                    continue;
                }
                // The earliest free lane (first on ties) takes the next child.
                let mut best = 0;
                for (l, free) in self.lanes.iter().enumerate() {
                    if *free < self.lanes[best] {
                        best = l;
                    }
                }
                let stagger = if lanes > 1 {
                    rng.duration_ns(0.02, 0.5)
                } else {
                    0
                };
                let s = self.lanes[best] + stagger;
                self.nodes[c].rel_start = s;
                let e = s + self.nodes[c].dur;
                self.lanes[best] = e;
                phase_end = phase_end.max(e);
            }
            t = phase_end;
            k = end;
            if k < range.end {
                t += gap;
            }
        }
        t + post
    }
}

fn net(rng: &mut Rng) -> u64 {
    rng.duration_ns(0.35, 0.5)
}

fn leaf_duration(rng: &mut Rng, n: &Node) -> u64 {
    let base = match n.what {
        What::Db(q) => rng.duration_ns(topo::QUERIES[q as usize].median_ms, 0.5),
        What::Cache(c) => rng.duration_ns(topo::CACHE_CMDS[c as usize].median_ms, 0.4),
        What::Internal(o) => rng.duration_ns(topo::INTERNAL_OPS[o as usize].median_ms, 0.5),
        What::Server(e) | What::Consumer(e) => {
            rng.duration_ns(ENDPOINTS[e as usize].work_ms * 2.0, 0.5)
        }
        What::Client(_) => rng.duration_ns(1.0, 0.5),
        What::Producer(_) => rng.duration_ns(1.2, 0.4),
    };
    // The occasional slow call (lock wait, GC pause, cold cache).
    if rng.chance(0.01) {
        base * rng.range(3, 12)
    } else {
        base
    }
}

fn new_param(rng: &mut Rng) -> u32 {
    rng.below(100_000) as u32
}

fn param_for(rng: &mut Rng, p: Param) -> u32 {
    match p {
        Param::None => 0,
        Param::Sku => rng.below(5_000) as u32,
        Param::User => new_param(rng),
    }
}
