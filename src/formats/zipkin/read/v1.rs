//! Zipkin v1 → v2, following the rules of Zipkin's `V1SpanConverter` (see the module comment of
//! `read`): the core annotations give kinds and times, the address annotations remote endpoints.

use super::{Endpoint, V2Span};
use crate::formats::common::jz_read::Scalar;
use crate::model::SpanKind;

/// A core annotation: its time and endpoint.
type Core = Option<(i128, Endpoint)>;

/// The core annotations of one v1 span.
#[derive(Default)]
struct Cores {
    cs: Core,
    sr: Core,
    ss: Core,
    cr: Core,
    ms: Core,
    mr: Core,
    ws: Core,
    wr: Core,
}

/// The address binary annotations of one v1 span.
#[derive(Default)]
struct Addresses {
    ca: Option<Endpoint>,
    sa: Option<Endpoint>,
    ma: Option<Endpoint>,
}

/// A v1 span being turned into v2 spans, one per endpoint service.
struct Conversion {
    spans: Vec<V2Span>,
    /// What a new span starts from: the v1 span without its tags.
    template: V2Span,
    /// The span's own `timestamp` and `duration` (0: unset).
    src_ts: i128,
    src_dur: i128,
    cores: Cores,
}

/// Zipkin v1 → v2 spans.
pub(super) fn convert_v1(
    base: &V2Span,
    src_ts: i128,
    src_dur: i128,
    annotations: Vec<(i128, String, Option<Endpoint>)>,
    binary: Vec<(String, Scalar, Option<Endpoint>)>,
) -> Vec<V2Span> {
    let mut template = base.clone();
    template.tags.clear();
    let mut c = Conversion {
        spans: vec![base.clone()],
        template,
        src_ts,
        src_dur,
        cores: Cores::default(),
    };
    c.annotations(annotations);
    c.infer_missing_starts();
    c.rpc_times();
    c.mark_joined_server();
    c.messaging_times();
    let addresses = c.binary_annotations(binary);
    c.remote_endpoints(addresses);
    c.spans
}

fn nonzero(d: i128) -> Option<i128> {
    (d != 0).then_some(d)
}

impl Conversion {
    /// The span for an endpoint (see [`for_endpoint`]).
    fn at(&mut self, e: Option<&Endpoint>) -> usize {
        for_endpoint(&mut self.spans, &self.template, e)
    }

    /// Whether the span's own times are both set.
    fn has_own_times(&self) -> bool {
        self.src_ts != 0 && self.src_dur != 0
    }

    /// Core annotations set kinds and are kept aside; the others stay annotations.
    fn annotations(&mut self, annotations: Vec<(i128, String, Option<Endpoint>)>) {
        // The first span's tags are set again after: spans made for endpoints start without.
        let first_tags = std::mem::take(&mut self.spans[0].tags);
        for (ts, value, ep) in annotations {
            let i = self.at(ep.as_ref());
            let (Some(e), 2) = (&ep, value.len()) else {
                self.spans[i].annotations.push((ts, value));
                continue;
            };
            let core = Some((ts, e.clone()));
            let (kind, cores) = (&mut self.spans[i].kind, &mut self.cores);
            match value.as_str() {
                "cs" => (*kind, cores.cs) = (Some(SpanKind::Client), core),
                "sr" => (*kind, cores.sr) = (Some(SpanKind::Server), core),
                "ss" => (*kind, cores.ss) = (Some(SpanKind::Server), core),
                "cr" => (*kind, cores.cr) = (Some(SpanKind::Client), core),
                "ms" => (*kind, cores.ms) = (Some(SpanKind::Producer), core),
                "mr" => (*kind, cores.mr) = (Some(SpanKind::Consumer), core),
                "ws" => cores.ws = core,
                "wr" => cores.wr = core,
                _ => self.spans[i].annotations.push((ts, value)),
            }
        }
        self.spans[0].tags = first_tags;
    }

    /// A missing start annotation, when the span's own timestamp and duration end at the end one.
    fn infer_missing_starts(&mut self) {
        let (src_ts, src_dur) = (self.src_ts, self.src_dur);
        let ends_span = |end: &Core| {
            end.as_ref()
                .is_some_and(|(t, _)| src_ts != 0 && src_dur != 0 && src_ts + src_dur == *t)
        };
        let c = &mut self.cores;
        if c.cs.is_none() && ends_span(&c.cr) {
            c.cs = c.cr.as_ref().map(|(_, e)| (src_ts, e.clone()));
        }
        if c.sr.is_none() && ends_span(&c.ss) {
            c.sr = c.ss.as_ref().map(|(_, e)| (src_ts, e.clone()));
        }
    }

    /// Times of the span at `begin`'s endpoint: the span's own when set, else from the begin and
    /// end annotations.
    fn timed(&mut self, begin: &(i128, Endpoint), end: Option<&(i128, Endpoint)>) {
        let i = self.at(Some(&begin.1));
        if self.has_own_times() {
            self.spans[i].timestamp = Some(self.src_ts);
            self.spans[i].duration = Some(self.src_dur);
        } else {
            self.spans[i].timestamp = Some(begin.0);
            if let Some(end) = end {
                self.spans[i].duration = nonzero(end.0 - begin.0);
            }
        }
    }

    /// Client and server times (cs, sr, ss, cr); a client and server of one service become two
    /// spans.
    fn rpc_times(&mut self) {
        let Cores { cs, sr, ss, cr, .. } = &self.cores;
        let (cs, sr, ss, cr) = (cs.clone(), sr.clone(), ss.clone(), cr.clone());
        if let (Some(c), Some(s)) = (&cs, &sr) {
            self.timed(c, cr.as_ref());
            let client = self.at(Some(&c.1));
            let server = if c.1.service == s.1.service {
                self.spans[client].kind = Some(SpanKind::Client);
                new_span(
                    &mut self.spans,
                    &self.template,
                    s.1.clone(),
                    SpanKind::Server,
                )
            } else {
                self.at(Some(&s.1))
            };
            self.spans[server].shared = true;
            self.spans[server].timestamp = Some(s.0);
            if let Some(x) = &ss {
                self.spans[server].duration = nonzero(x.0 - s.0);
            }
            if cr.is_none() && self.src_dur == 0 {
                self.spans[client].duration = None;
            }
        } else if let (Some(c), Some(_)) = (&cs, &cr) {
            self.timed(c, cr.as_ref());
        } else if let (Some(s), Some(_)) = (&sr, &ss) {
            self.timed(s, ss.as_ref());
        } else {
            self.half_rpc_times(&cs, &sr, &ss, &cr);
        }
    }

    /// Only one side of a client or server pair: its start is the timestamp, its end stays an
    /// annotation; the span's own times go to the first span.
    fn half_rpc_times(&mut self, cs: &Core, sr: &Core, ss: &Core, cr: &Core) {
        for span in self.spans.iter_mut() {
            let (begin, end, end_name) = match span.kind {
                Some(SpanKind::Client) => (cs, cr, "cr"),
                Some(SpanKind::Server) => (sr, ss, "ss"),
                _ => continue,
            };
            if let Some(b) = begin {
                span.timestamp = Some(b.0);
            }
            if let Some(e) = end {
                span.annotations.push((e.0, end_name.into()));
            }
        }
        if self.src_ts != 0 {
            self.spans[0].timestamp = Some(self.src_ts);
            self.spans[0].duration = nonzero(self.src_dur);
        }
    }

    /// v1 had no shared flag: a server side without the span's timestamp joined the client's span.
    fn mark_joined_server(&mut self) {
        let c = &self.cores;
        if c.cs.is_none()
            && let Some(s) = c.sr.clone()
            && (self.src_ts == 0 || (c.ss.is_some() && self.src_dur == 0))
        {
            let i = self.at(Some(&s.1));
            self.spans[i].shared = true;
        }
    }

    /// Producer and consumer times (ms, mr, and the wire annotations ws, wr); a producer and
    /// consumer of one service become two spans.
    fn messaging_times(&mut self) {
        let Cores { ms, mr, ws, wr, .. } = &self.cores;
        let (ms, mr, ws, wr) = (ms.clone(), mr.clone(), ws.clone(), wr.clone());
        if let (Some(m), Some(r)) = (&ms, &mr) {
            let producer = self.at(Some(&m.1));
            let consumer = if m.1.service == r.1.service {
                self.spans[producer].kind = Some(SpanKind::Producer);
                new_span(
                    &mut self.spans,
                    &self.template,
                    r.1.clone(),
                    SpanKind::Consumer,
                )
            } else {
                self.at(Some(&r.1))
            };
            self.spans[consumer].shared = true;
            if let Some(w) = &wr {
                self.spans[consumer].timestamp = Some(w.0);
                self.spans[consumer].duration = nonzero(r.0 - w.0);
            } else {
                self.spans[consumer].timestamp = Some(r.0);
            }
            self.spans[producer].timestamp = Some(m.0);
            self.spans[producer].duration = ws.as_ref().and_then(|w| nonzero(w.0 - m.0));
        } else if let Some(m) = &ms {
            self.timed(m, ws.as_ref());
        } else if let Some(r) = &mr {
            match &wr {
                Some(w) => self.timed(w, Some(r)),
                None => self.timed(r, None),
            }
        } else {
            for (core, name) in [(&ws, "ws"), (&wr, "wr")] {
                if let Some((t, e)) = core {
                    let i = self.at(Some(e));
                    self.spans[i].annotations.push((*t, name.into()));
                }
            }
        }
    }

    /// Binary annotations become tags, except the address annotations ca / sa / ma, returned.
    fn binary_annotations(&mut self, binary: Vec<(String, Scalar, Option<Endpoint>)>) -> Addresses {
        let mut addr = Addresses::default();
        for (key, value, ep) in binary {
            if !matches!(value, Scalar::Str(_)) {
                let slot = match key.as_str() {
                    "ca" => Some(&mut addr.ca),
                    "sa" => Some(&mut addr.sa),
                    "ma" => Some(&mut addr.ma),
                    _ => None,
                };
                if let Some(slot) = slot {
                    if value.boolean() != Some(false) && ep.is_some() {
                        *slot = ep;
                    }
                    continue;
                }
            }
            let text = value.text();
            if key == "lc" && text.is_empty() {
                continue;
            }
            let i = self.at(ep.as_ref());
            self.spans[i].tags.push((key, text));
        }
        addr
    }

    /// The address annotations as remote endpoints: `sa` the client's, `ca` the server's, `ma`
    /// the messaging spans'.
    fn remote_endpoints(&mut self, addr: Addresses) {
        let Addresses { ca, sa, ma } = addr;
        let c = &self.cores;
        let no_core = c.cs.is_none() && c.cr.is_none() && c.ss.is_none() && c.sr.is_none();
        if no_core && (ca.is_some() || sa.is_some()) {
            self.remote_without_cores(ca, sa);
            return;
        }
        let server = c.sr.as_ref().or(c.ss.as_ref()).cloned();
        let client = c.cs.as_ref().or(c.cr.as_ref()).cloned();
        let messaging: Vec<Endpoint> = [&c.ms, &c.mr]
            .into_iter()
            .flatten()
            .map(|side| side.1.clone())
            .collect();
        if let (Some(mut ca), Some(server)) = (ca, server)
            && ca != server.1
        {
            // Finagle's "ca" on a server span has the server's own service name: drop it so that
            // the client address does not look like a loopback call.
            if ca.service == server.1.service {
                ca.service = None;
            }
            let i = self.at(Some(&server.1));
            self.spans[i].remote = Some(ca);
        }
        if let Some(sa) = sa
            && let Some(client) = client
        {
            let i = self.at(Some(&client.1));
            self.spans[i].remote = Some(sa);
        }
        if let Some(ma) = ma {
            for side in &messaging {
                let i = self.at(Some(side));
                self.spans[i].remote = Some(ma.clone());
            }
        }
    }

    /// Address annotations on a span without client or server annotations.
    fn remote_without_cores(&mut self, ca: Option<Endpoint>, sa: Option<Endpoint>) {
        match (ca, sa) {
            (Some(c), Some(s)) => {
                let i = self.at(Some(&c));
                self.spans[i].remote = Some(s);
            }
            (None, Some(s)) => self.spans[0].remote = Some(s),
            (Some(c), None) => {
                self.spans[0].kind = Some(SpanKind::Server);
                self.spans[0].remote = Some(c);
            }
            (None, None) => {}
        }
    }
}

/// The span for an endpoint: the first without an endpoint (which takes it) or with the same
/// service; a new one otherwise. No endpoint: the first span.
fn for_endpoint(spans: &mut Vec<V2Span>, template: &V2Span, e: Option<&Endpoint>) -> usize {
    let Some(e) = e else { return 0 };
    for (i, s) in spans.iter_mut().enumerate() {
        match &s.local {
            None => {
                s.local = Some(e.clone());
                return i;
            }
            Some(l) if l.service == e.service => return i,
            Some(_) => {}
        }
    }
    let mut s = template.clone();
    s.local = Some(e.clone());
    spans.push(s);
    spans.len() - 1
}

fn new_span(spans: &mut Vec<V2Span>, template: &V2Span, e: Endpoint, kind: SpanKind) -> usize {
    let mut s = template.clone();
    s.local = Some(e);
    s.kind = Some(kind);
    spans.push(s);
    spans.len() - 1
}
