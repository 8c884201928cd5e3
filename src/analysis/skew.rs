//! Clock skew (SPEC "Clock skew"): every CLIENT→SERVER edge between different services (or
//! hosts) bounds the server-minus-client clock offset δ by
//! `server.end − client.end ≤ δ ≤ server.start − client.start`; the bounds of one pair are
//! intersected. Also Jaeger's and Zipkin's adjusters, reproduced for comparison, and the
//! per-span shifts that `skew --adjust` applies.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::model::{Span, SpanId, SpanKind, Trace, TraceId, TraceTree, Value};

/// What the two ends of an edge are.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SkewBy {
    /// Service names
    Service,
    /// Hosts (resource host.id, host.ip, host.name; Zipkin endpoint addresses), service names where a host is unknown
    Host,
}

/// How offsets are estimated.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SkewMethod {
    /// Intersect the causality bounds of all edges of a pair; estimate = midpoint
    Pairwise,
    /// Jaeger's adjuster: centre a child that does not fit in its parent (any pair of hosts)
    Jaeger,
    /// Zipkin's adjuster: only a SERVER that starts before its CLIENT, on another address
    Zipkin,
}

/// The resource or span attributes that name a span's host, in order of preference.
pub const HOST_KEYS: &[&str] = &[
    "host.id",
    "host.ip",
    "host.name",
    "net.host.ip",
    "network.local.address",
];

/// The host (or service) of a span, per `SkewBy`.
pub fn endpoint(s: &Span, by: SkewBy) -> String {
    if by == SkewBy::Host {
        for &key in HOST_KEYS {
            let v = s
                .resource
                .attributes
                .iter()
                .chain(s.attributes.iter())
                .find(|kv| &*kv.key == key)
                .map(|kv| match &kv.value {
                    Value::Array(a) => a.first().map(|x| x.to_string()).unwrap_or_default(),
                    v => v.to_string(),
                });
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                return v;
            }
        }
    }
    s.service.to_string()
}

/// One CLIENT→SERVER edge: its own bounds on δ (lower may exceed upper: the server outlived the
/// client, i.e. asynchronous handling or bad data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub trace_id: TraceId,
    pub client: SpanId,
    pub server: SpanId,
    pub lower: i128,
    pub upper: i128,
}

/// Edges of one trace, keyed by (client end, server end).
pub fn edges(trace: &Trace, tree: &TraceTree, by: SkewBy) -> Vec<((String, String), Edge)> {
    let mut out = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        if s.kind != SpanKind::Server {
            continue;
        }
        let Some(p) = tree.parent[i] else { continue };
        let c = &trace.spans[p as usize];
        if c.kind != SpanKind::Client || c.start_ns == 0 || s.start_ns == 0 {
            continue;
        }
        let (a, b) = (endpoint(c, by), endpoint(s, by));
        if a == b {
            continue;
        }
        let lower = i128::from(s.end_ns) - i128::from(c.end_ns);
        let upper = i128::from(s.start_ns) - i128::from(c.start_ns);
        out.push((
            (a, b),
            Edge {
                trace_id: trace.trace_id,
                client: c.span_id,
                server: s.span_id,
                lower,
                upper,
            },
        ));
    }
    out
}

/// The report of one pair.
#[derive(Clone, Debug, PartialEq)]
pub struct PairReport {
    pub client: String,
    pub server: String,
    pub edges: u64,
    /// Intersection of the consistent edges' bounds (lower > upper when they contradict).
    pub lower_ns: i64,
    pub upper_ns: i64,
    pub offset_ns: i64,
    /// Whether the consistent edges' bounds intersect.
    pub consistent: bool,
    /// Edges whose own bounds exclude the estimate (asynchronous servers included).
    pub violations: u64,
    /// Edges whose server outlived its client (their bounds are empty on their own).
    pub async_edges: u64,
    /// An edge to point at (the one with the tightest bounds).
    pub example: Option<Edge>,
}

impl PairReport {
    /// Whether the data proves an offset beyond `threshold` (the whole interval is beyond it),
    /// or, for contradicting data, the estimate is.
    pub fn exceeds(&self, threshold: u64) -> bool {
        let t = threshold as i64;
        if self.consistent {
            self.lower_ns > t || self.upper_ns < -t
        } else {
            self.offset_ns.abs() > t
        }
    }
}

fn clamp64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Collects edges over many traces, in any order: each trace's edges come with the trace's
/// first-seen ordinal, and the report is what the edges in (ordinal, position in trace) order
/// give. Memory does not grow with the edges: per pair the running bounds, counts, and first
/// and tightest edges; the bounds of every edge (which only a pair whose edges contradict, or
/// that has only asynchronous ones, needs: for a median) go to a temporary file past
/// [`BOUNDS_IN_MEMORY`] per pair, read back at the end for such a pair alone.
#[derive(Default)]
pub struct SkewCollector {
    pairs: BTreeMap<(String, String), PairEdges>,
    next: u32,
    spill: Option<BoundsSpill>,
}

/// Edge bounds kept in memory per pair before they are written to the temporary file.
pub const BOUNDS_IN_MEMORY: usize = 4096;

/// What the report of one pair needs of its edges.
#[derive(Default)]
struct PairEdges {
    id: u32,
    edges: u64,
    consistent: u64,
    /// Over the consistent edges (lower <= upper): the largest lower and smallest upper bound.
    lo: i128,
    hi: i128,
    /// (lower, upper) of the edges not yet written to the file (order does not matter).
    bounds: Vec<(i128, i128)>,
    spilled: bool,
    /// The first edge by position.
    first: Option<((u32, u32), Edge)>,
    /// The consistent edge with the tightest bounds, the first of equals.
    tightest: Option<((i128, u32, u32), Edge)>,
}

/// Edge bounds written to a temporary file: (pair id, lower, upper), 36 bytes each.
struct BoundsSpill {
    file: std::io::BufWriter<crate::model::spill::TempFile>,
}

impl PairEdges {
    fn add(&mut self, at: (u32, u32), e: Edge) {
        self.edges += 1;
        self.bounds.push((e.lower, e.upper));
        if e.lower <= e.upper {
            if self.consistent == 0 {
                (self.lo, self.hi) = (e.lower, e.upper);
            } else {
                self.lo = self.lo.max(e.lower);
                self.hi = self.hi.min(e.upper);
            }
            self.consistent += 1;
            let key = (e.upper - e.lower, at.0, at.1);
            if self.tightest.as_ref().is_none_or(|(k, _)| key < *k) {
                self.tightest = Some((key, e.clone()));
            }
        }
        if self.first.as_ref().is_none_or(|(k, _)| at < *k) {
            self.first = Some((at, e));
        }
    }

    /// Whether the report needs every edge's bounds (a median of midpoints).
    fn needs_bounds(&self) -> bool {
        self.consistent == 0 || self.lo > self.hi
    }
}

impl SkewCollector {
    /// The edges of the next trace (after those added so far).
    pub fn add(&mut self, trace: &Trace, tree: &TraceTree, by: SkewBy) -> std::io::Result<()> {
        self.add_at(self.next, edges(trace, tree, by))
    }

    /// Add edges computed elsewhere (e.g. in parallel per trace), as the next trace's.
    pub fn extend(&mut self, edges: Vec<((String, String), Edge)>) -> std::io::Result<()> {
        self.add_at(self.next, edges)
    }

    /// The edges of the trace of first-seen rank `ordinal`, in trace order; traces may come in
    /// any order, each once.
    pub fn add_at(
        &mut self,
        ordinal: u32,
        edges: Vec<((String, String), Edge)>,
    ) -> std::io::Result<()> {
        use std::io::Write;
        self.next = self.next.max(ordinal.saturating_add(1));
        for (i, (k, e)) in edges.into_iter().enumerate() {
            let n = self.pairs.len() as u32;
            let pair = self.pairs.entry(k).or_insert_with(|| PairEdges {
                id: n,
                ..PairEdges::default()
            });
            pair.add((ordinal, i as u32), e);
            if pair.bounds.len() >= BOUNDS_IN_MEMORY {
                if self.spill.is_none() {
                    self.spill = Some(BoundsSpill {
                        file: std::io::BufWriter::new(crate::model::spill::TempFile::new()?),
                    });
                }
                let f = &mut self.spill.as_mut().unwrap().file;
                for (lo, hi) in pair.bounds.drain(..) {
                    f.write_all(&pair.id.to_le_bytes())?;
                    f.write_all(&lo.to_le_bytes())?;
                    f.write_all(&hi.to_le_bytes())?;
                }
                pair.spilled = true;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<Vec<PairReport>> {
        use std::io::{Read, Seek};
        // The bounds written to the file, for the pairs that need them.
        let wanted: std::collections::HashSet<u32> = self
            .pairs
            .values()
            .filter(|p| p.spilled && p.needs_bounds())
            .map(|p| p.id)
            .collect();
        if let Some(spill) = self.spill.take()
            && !wanted.is_empty()
        {
            let mut file = spill.file.into_inner().map_err(|e| e.into_error())?;
            file.file.rewind()?;
            let mut r = std::io::BufReader::new(&mut file.file);
            let mut by_id: HashMap<u32, Vec<(i128, i128)>> = HashMap::new();
            let mut rec = [0u8; 36];
            loop {
                match r.read_exact(&mut rec) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
                let id = u32::from_le_bytes(rec[0..4].try_into().unwrap());
                if wanted.contains(&id) {
                    by_id.entry(id).or_default().push((
                        i128::from_le_bytes(rec[4..20].try_into().unwrap()),
                        i128::from_le_bytes(rec[20..36].try_into().unwrap()),
                    ));
                }
            }
            for p in self.pairs.values_mut() {
                if let Some(mut v) = by_id.remove(&p.id) {
                    v.append(&mut p.bounds);
                    p.bounds = v;
                }
            }
        }
        Ok(self
            .pairs
            .into_iter()
            .map(|((client, server), edges)| pair_report(client, server, edges))
            .collect())
    }
}

fn pair_report(client: String, server: String, pair: PairEdges) -> PairReport {
    let async_edges = pair.edges - pair.consistent;
    let mid = |e: &(i128, i128)| (e.0 + e.1) / 2;
    let median = |mut v: Vec<i128>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let (lo, hi, consistent, estimate, violations) = if pair.consistent == 0 {
        // Only asynchronous edges: their midpoints are the best there is; none holds it.
        let m = median(pair.bounds.iter().map(mid).collect());
        (m, m, false, m, pair.edges)
    } else if pair.lo <= pair.hi {
        // The consistent edges all hold the estimate, no asynchronous one does.
        let (lo, hi) = (pair.lo, pair.hi);
        (lo, hi, true, lo + (hi - lo) / 2, async_edges)
    } else {
        // Contradicting bounds: the median of the consistent edges' midpoints.
        let estimate = median(pair.bounds.iter().filter(|e| e.0 <= e.1).map(mid).collect());
        let violations = pair
            .bounds
            .iter()
            .filter(|e| !(e.0 <= estimate && estimate <= e.1))
            .count() as u64;
        (pair.lo, pair.hi, false, estimate, violations)
    };
    let example = pair
        .tightest
        .map(|(_, e)| e)
        .or_else(|| pair.first.map(|(_, e)| e));
    PairReport {
        client,
        server,
        edges: pair.edges,
        lower_ns: clamp64(lo),
        upper_ns: clamp64(hi),
        offset_ns: clamp64(estimate),
        consistent,
        violations,
        async_edges,
        example,
    }
}

/// Per-endpoint clock offsets relative to a reference endpoint (the first root's), from the pair
/// estimates: a breadth-first walk over the pair graph. Endpoints not connected to the
/// reference get no offset.
pub fn endpoint_offsets(pairs: &[PairReport], reference: &str) -> HashMap<String, i64> {
    let mut adj: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
    for p in pairs {
        adj.entry(&p.client)
            .or_default()
            .push((&p.server, p.offset_ns));
        adj.entry(&p.server)
            .or_default()
            .push((&p.client, -p.offset_ns));
    }
    let mut off: HashMap<String, i64> = HashMap::new();
    off.insert(reference.to_string(), 0);
    let mut q = VecDeque::from([reference.to_string()]);
    while let Some(n) = q.pop_front() {
        let base = off[&n];
        for (m, d) in adj.get(n.as_str()).cloned().unwrap_or_default() {
            if !off.contains_key(m) {
                off.insert(m.to_string(), base.saturating_add(d));
                q.push_back(m.to_string());
            }
        }
    }
    off
}

/// Shifts (ns to add) per span index, for one trace, by the chosen method.
pub fn span_shifts(
    trace: &Trace,
    tree: &TraceTree,
    method: SkewMethod,
    by: SkewBy,
    offsets: &HashMap<String, i64>,
) -> Vec<i64> {
    let n = trace.spans.len();
    let mut shift = vec![0i64; n];
    match method {
        SkewMethod::Pairwise => {
            for (i, s) in trace.spans.iter().enumerate() {
                shift[i] = -offsets.get(&endpoint(s, by)).copied().unwrap_or(0);
            }
        }
        SkewMethod::Jaeger => {
            // Pre-order, parents first; a child on the same host inherits the parent's delta.
            let mut stack: Vec<(u32, Option<u32>, String, i64)> = Vec::new();
            for &(r, _) in tree.roots.iter().rev() {
                stack.push((r, None, endpoint(&trace.spans[r as usize], by), 0));
            }
            while let Some((i, parent, host, delta)) = stack.pop() {
                let s = &trace.spans[i as usize];
                let me = endpoint(s, by);
                let mut d = delta;
                let mut h = host;
                if let Some(p) = parent
                    && (me != h || me.is_empty())
                {
                    let moved = i128::from(shift[p as usize]);
                    let p = &trace.spans[p as usize];
                    let ps = p.start_ns as i128 + moved;
                    let pe = p.end_ns as i128 + moved;
                    d = clamp64(jaeger_delta(ps, pe, s.start_ns as i128, s.end_ns as i128));
                    h = me;
                }
                shift[i as usize] = d;
                for &c in tree.children(i as usize).iter().rev() {
                    stack.push((c, Some(i), h.clone(), d));
                }
            }
        }
        SkewMethod::Zipkin => {
            let mut stack: Vec<(u32, Option<(String, i64)>)> =
                tree.roots.iter().rev().map(|r| (r.0, None)).collect();
            while let Some((i, from_parent)) = stack.pop() {
                let s = &trace.spans[i as usize];
                let me = endpoint(s, by);
                let mut skew = from_parent.filter(|(ep, _)| *ep == me);
                if let Some(p) = tree.parent[i as usize] {
                    let c = &trace.spans[p as usize];
                    if c.kind == SpanKind::Client
                        && s.kind == SpanKind::Server
                        && endpoint(c, by) != me
                        && s.start_ns <= c.start_ns
                    {
                        let (cs, cd, ss, sd) = (
                            c.start_ns as i128,
                            c.duration_ns() as i128,
                            s.start_ns as i128,
                            s.duration_ns() as i128,
                        );
                        // Zipkin works in µs and subtracts 1 µs in the one-way and async cases.
                        let v = if cd < sd {
                            ss - cs - 1000
                        } else {
                            ss - (cd - sd) / 2 - cs
                        };
                        if v != 0 {
                            skew = Some((me.clone(), clamp64(-v)));
                        }
                    }
                }
                shift[i as usize] = skew.as_ref().map(|x| x.1).unwrap_or(0);
                for &c in tree.children(i as usize).iter().rev() {
                    stack.push((c, skew.clone()));
                }
            }
        }
    }
    shift
}

/// Jaeger's compute(child, parent): 0 when the child fits; else centre it (or align starts when
/// the child is longer than its parent).
fn jaeger_delta(ps: i128, pe: i128, cs: i128, ce: i128) -> i128 {
    let (pd, cd) = (pe - ps, ce - cs);
    if cd > pd {
        return if cs < ps { ps - cs } else { 0 };
    }
    if ps <= cs && ce <= pe {
        return 0;
    }
    let latency = (pd - cd) / 2;
    ps + latency - cs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The report as it was computed from every edge in order, before edges were reduced.
    fn reference_report(client: String, server: String, edges: Vec<Edge>) -> PairReport {
        let consistent_edges: Vec<&Edge> = edges.iter().filter(|e| e.lower <= e.upper).collect();
        let async_edges = (edges.len() - consistent_edges.len()) as u64;
        let (lo, hi) = if consistent_edges.is_empty() {
            let mut mids: Vec<i128> = edges.iter().map(|e| (e.lower + e.upper) / 2).collect();
            mids.sort_unstable();
            let m = mids[mids.len() / 2];
            (m, m)
        } else {
            (
                consistent_edges.iter().map(|e| e.lower).max().unwrap_or(0),
                consistent_edges.iter().map(|e| e.upper).min().unwrap_or(0),
            )
        };
        let consistent = lo <= hi && !consistent_edges.is_empty();
        let estimate = if consistent {
            lo + (hi - lo) / 2
        } else {
            let mut mids: Vec<i128> = consistent_edges
                .iter()
                .map(|e| (e.lower + e.upper) / 2)
                .collect();
            if mids.is_empty() {
                mids = edges.iter().map(|e| (e.lower + e.upper) / 2).collect();
            }
            mids.sort_unstable();
            mids[mids.len() / 2]
        };
        let violations = edges
            .iter()
            .filter(|e| !(e.lower <= estimate && estimate <= e.upper))
            .count() as u64;
        let example = consistent_edges
            .iter()
            .min_by_key(|e| e.upper - e.lower)
            .map(|e| (*e).clone())
            .or_else(|| edges.first().cloned());
        PairReport {
            client,
            server,
            edges: edges.len() as u64,
            lower_ns: clamp64(lo),
            upper_ns: clamp64(hi),
            offset_ns: clamp64(estimate),
            consistent,
            violations,
            async_edges,
            example,
        }
    }

    proptest! {
        /// Edges of traces added in any order give the report of all edges in trace order.
        #[test]
        fn reduced_report_equals_reference(
            traces in proptest::collection::vec(
                proptest::collection::vec((0u8..2, -6i64..6, -6i64..6), 0..4), 1..8),
            order in proptest::collection::vec(any::<u32>(), 8),
            many in any::<bool>(),
        ) {
            // Enough copies of each edge to pass the bounds kept in memory (written to the
            // file and read back).
            let copies = if many { BOUNDS_IN_MEMORY / 3 } else { 1 };
            let keyed = |t: usize, i: usize, (p, a, b): (u8, i64, i64)| {
                (
                    (format!("c{p}"), "s".to_string()),
                    Edge {
                        trace_id: TraceId(t as u128 + 1),
                        client: SpanId(i as u64),
                        server: SpanId(i as u64 + 100),
                        lower: i128::from(a),
                        upper: i128::from(b),
                    },
                )
            };
            let mut by_pair: BTreeMap<(String, String), Vec<Edge>> = BTreeMap::new();
            for (t, es) in traces.iter().enumerate() {
                for _ in 0..copies {
                    for (i, e) in es.iter().enumerate() {
                        let (k, e) = keyed(t, i, *e);
                        by_pair.entry(k).or_default().push(e);
                    }
                }
            }
            let want: Vec<PairReport> = by_pair
                .into_iter()
                .map(|((c, s), es)| reference_report(c, s, es))
                .collect();
            let mut ranks: Vec<usize> = (0..traces.len()).collect();
            ranks.sort_by_key(|&t| order[t]);
            let mut c = SkewCollector::default();
            for t in ranks {
                for _ in 0..copies {
                    let es = traces[t].iter().enumerate().map(|(i, e)| keyed(t, i, *e)).collect();
                    c.add_at(t as u32, es).unwrap();
                }
            }
            prop_assert_eq!(c.finish().unwrap(), want);
        }
    }
    use crate::model::Span;
    use crate::model::testkit;

    fn sp(id: u64, parent: Option<u64>, svc: &str, kind: SpanKind, start: u64, end: u64) -> Span {
        testkit::span(id)
            .parent(parent)
            .service(svc)
            .kind(kind)
            .start_ns(start)
            .end_ns(end)
            .build()
    }

    /// Client [1000, 2000] on a; server on b whose clock is `off` ahead, really [1100, 1900].
    fn rpc(trace: u128, off: i64, id: u64) -> Vec<Span> {
        let mut v = vec![
            sp(id, None, "a", SpanKind::Server, 900, 2100),
            sp(id + 1, Some(id), "a", SpanKind::Client, 1000, 2000),
            sp(
                id + 2,
                Some(id + 1),
                "b",
                SpanKind::Server,
                (1100 + off) as u64,
                (1900 + off) as u64,
            ),
        ];
        for s in &mut v {
            s.trace_id = TraceId(trace);
        }
        v
    }

    #[test]
    fn bounds_intersect_and_estimate() {
        let mut c = SkewCollector::default();
        for (k, off) in [(1u128, 5_000i64), (2, 5_000)] {
            let t = Trace {
                trace_id: TraceId(k),
                spans: rpc(k, off, 10 * k as u64),
            };
            c.add(&t, &TraceTree::build(&t), SkewBy::Service).unwrap();
        }
        let r = c.finish().unwrap();
        assert_eq!(r.len(), 1);
        let p = &r[0];
        // lower = server.end - client.end = 6900 - 2000 = 4900; upper = 6100 - 1000 = 5100.
        assert_eq!((p.lower_ns, p.upper_ns, p.offset_ns), (4900, 5100, 5000));
        assert!(p.consistent);
        assert_eq!(p.violations, 0);
        assert!(p.exceeds(1000));
        assert!(!p.exceeds(4900));
    }

    #[test]
    fn async_server_is_a_contradiction() {
        // Server outlives the client: lower 3000 - 2000 = 1000 > upper 1100 - 1000 = 100.
        let mut spans = rpc(1, 0, 1);
        spans[2].end_ns = 3000;
        let t = Trace {
            trace_id: TraceId(1),
            spans,
        };
        let mut c = SkewCollector::default();
        c.add(&t, &TraceTree::build(&t), SkewBy::Service).unwrap();
        let p = &c.finish().unwrap()[0];
        assert_eq!(p.async_edges, 1);
        assert_eq!(p.violations, 1);
        assert!(!p.consistent);
    }

    #[test]
    fn pairwise_shift_recovers_offset() {
        let t = Trace {
            trace_id: TraceId(1),
            spans: rpc(1, 5_000, 1),
        };
        let tree = TraceTree::build(&t);
        let mut c = SkewCollector::default();
        c.add(&t, &tree, SkewBy::Service).unwrap();
        let pairs = c.finish().unwrap();
        let offs = endpoint_offsets(&pairs, "a");
        assert_eq!(offs["b"], 5000);
        let sh = span_shifts(&t, &tree, SkewMethod::Pairwise, SkewBy::Service, &offs);
        assert_eq!(sh, vec![0, 0, -5000]);
        // Jaeger centres the server in the client: latency (1000-800)/2 = 100 -> start 1100.
        let sh = span_shifts(&t, &tree, SkewMethod::Jaeger, SkewBy::Service, &offs);
        assert_eq!(sh, vec![0, 0, -5000]);
        // Zipkin only corrects servers that start before their client: not here.
        let sh = span_shifts(&t, &tree, SkewMethod::Zipkin, SkewBy::Service, &offs);
        assert_eq!(sh, vec![0, 0, 0]);
        let early = Trace {
            trace_id: TraceId(1),
            spans: rpc(1, -500, 1),
        };
        let tree = TraceTree::build(&early);
        let sh = span_shifts(&early, &tree, SkewMethod::Zipkin, SkewBy::Service, &offs);
        assert_eq!(sh[2], 500);
    }
}
