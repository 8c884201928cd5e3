//! Chrome trace-event JSON (opens in ui.perfetto.dev and chrome://tracing): one process per
//! service, concurrent spans on separate threads so that slices on one thread nest strictly,
//! span attributes as args, span events as instant events, and the critical path as its own
//! process. Times are microseconds from the trace start (fractions keep nanoseconds; absolute
//! epoch microseconds would lose them in a double).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::prepared::Prepared;

/// Greedy lanes: a span goes on the first lane whose open slice contains it (or that is free),
/// so every lane nests strictly.
fn lanes(p: &Prepared<'_>, members: &[usize]) -> Vec<(usize, usize)> {
    let spans = &p.trace.spans;
    let mut order: Vec<usize> = members.to_vec();
    order.sort_by(|&a, &b| {
        let (x, y) = (&spans[a], &spans[b]);
        x.start_ns
            .cmp(&y.start_ns)
            .then(y.end_ns.cmp(&x.end_ns))
            .then(a.cmp(&b))
    });
    let mut stacks: Vec<Vec<(u64, u64)>> = Vec::new();
    let mut out = Vec::with_capacity(order.len());
    for i in order {
        let (s, e) = (spans[i].start_ns, spans[i].end_ns.max(spans[i].start_ns));
        let mut placed = None;
        for (k, st) in stacks.iter_mut().enumerate() {
            while st.last().is_some_and(|top| top.1 <= s) {
                st.pop();
            }
            if st.last().is_none_or(|top| top.0 <= s && e <= top.1) {
                st.push((s, e));
                placed = Some(k);
                break;
            }
        }
        let k = placed.unwrap_or_else(|| {
            stacks.push(vec![(s, e)]);
            stacks.len() - 1
        });
        out.push((i, k));
    }
    out
}

fn us(ns: u64) -> f64 {
    // Three decimals: nanosecond precision.
    (ns as f64 / 1000.0 * 1000.0).round() / 1000.0
}

/// The events of one trace, handed to `ev` one at a time (never gathered: a trace of a million
/// spans makes millions of events).
pub fn events(
    p: &Prepared<'_>,
    pid_base: u64,
    ev: &mut dyn FnMut(Value) -> io::Result<()>,
) -> io::Result<()> {
    let t = p.trace;
    let origin = p.start_ns();
    let rel = |ns: u64| us(ns.saturating_sub(origin));
    let mut services: Vec<&str> = Vec::new();
    for &i in &p.order {
        let s = p.service(i as usize);
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let cp_pid = pid_base;
    ev(
        json!({"ph": "M", "pid": cp_pid, "name": "process_name", "args": {"name": format!("critical path {}", t.trace_id)}}),
    )?;
    ev(json!({"ph": "M", "pid": cp_pid, "name": "process_sort_index", "args": {"sort_index": 0}}))?;
    for (k, svc) in services.iter().enumerate() {
        let pid = pid_base + 1 + k as u64;
        ev(json!({"ph": "M", "pid": pid, "name": "process_name", "args": {"name": svc}}))?;
        ev(
            json!({"ph": "M", "pid": pid, "name": "process_sort_index", "args": {"sort_index": k + 1}}),
        )?;
        let members: Vec<usize> = (0..t.spans.len())
            .filter(|&i| p.service(i) == *svc)
            .collect();
        let mut named = std::collections::BTreeSet::new();
        for (i, lane) in lanes(p, &members) {
            let tid = lane as u64 + 1;
            if named.insert(tid) {
                ev(
                    json!({"ph": "M", "pid": pid, "tid": tid, "name": "thread_name", "args": {"name": format!("lane {tid}")}}),
                )?;
            }
            let s = &t.spans[i];
            let mut args = Map::new();
            args.insert("span_id".into(), json!(s.span_id.to_string()));
            args.insert(
                "parent_span_id".into(),
                json!(s.parent_span_id.map(|x| x.to_string())),
            );
            args.insert("kind".into(), json!(s.kind.as_str()));
            args.insert("status".into(), json!(s.status.code.as_str()));
            if let Some(m) = &s.status.message {
                args.insert("status_message".into(), json!(m));
            }
            args.insert("self_us".into(), json!(us(p.self_ns[i])));
            args.insert("critical_path_us".into(), json!(us(p.critical_ns[i])));
            for kv in &s.attributes {
                args.entry(kv.key.to_string())
                    .or_insert_with(|| kv.value.to_json());
            }
            let cat = if p.critical_ns[i] > 0 {
                format!("{},critical", s.kind.as_str())
            } else {
                s.kind.as_str().to_string()
            };
            ev(
                json!({"ph": "X", "pid": pid, "tid": tid, "ts": rel(s.start_ns), "dur": us(s.duration_ns()),
                           "name": &*s.name, "cat": cat, "args": Value::Object(args)}),
            )?;
            for e in &s.events {
                let a: Map<String, Value> = e
                    .attributes
                    .iter()
                    .map(|kv| (kv.key.to_string(), kv.value.to_json()))
                    .collect();
                ev(
                    json!({"ph": "i", "s": "t", "pid": pid, "tid": tid, "ts": rel(e.time_ns), "name": &*e.name, "cat": "event", "args": a}),
                )?;
            }
        }
    }
    ev(
        json!({"ph": "M", "pid": cp_pid, "tid": 1, "name": "thread_name", "args": {"name": "critical path"}}),
    )?;
    for path in &p.paths {
        for sec in &path.sections {
            let s = &t.spans[sec.span as usize];
            ev(
                json!({"ph": "X", "pid": cp_pid, "tid": 1, "ts": rel(sec.start_ns), "dur": us(sec.len_ns()),
                           "name": format!("{}: {}", p.service(sec.span as usize), s.name), "cat": "critical",
                           "args": {"span_id": s.span_id.to_string()}}),
            )?;
        }
    }
    Ok(())
}

/// One document for one or many traces (each trace its own group of processes), written event
/// by event. The keys come in the order `serde_json` sorts them (the document is the same as one
/// `Value` of it).
pub fn write(traces: &[Prepared<'_>], out: &mut dyn Write) -> io::Result<()> {
    let other = json!({"generator": format!("tracekit {}", env!("CARGO_PKG_VERSION")),
                       "trace_ids": traces.iter().map(|p| p.trace.trace_id.to_string()).collect::<Vec<_>>()});
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"otherData\":")?;
    serde_json::to_writer(&mut *out, &other)?;
    out.write_all(b",\"traceEvents\":[")?;
    let mut first = true;
    for (k, p) in traces.iter().enumerate() {
        events(p, (k as u64) * 1000 + 1, &mut |v| {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &v)?;
            Ok(())
        })?;
    }
    out.write_all(b"]}")?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, SpanId, Trace, TraceId};

    fn chain(n: u64) -> Trace {
        let mut spans = Vec::new();
        for i in 1..=n {
            let mut s = Span::new(TraceId(9), SpanId(i));
            s.parent_span_id = (i > 1).then(|| SpanId(i - 1));
            s.name = format!("op {i}").into();
            s.service = if i % 2 == 0 { "a" } else { "b" }.into();
            s.start_ns = i;
            s.end_ns = 3 * n - i;
            spans.push(s);
        }
        Trace {
            trace_id: TraceId(9),
            spans,
        }
    }

    #[test]
    fn events_are_handed_on_one_by_one() {
        // A writer error at the first event stops the work there: events are not gathered first.
        let t = chain(1_000);
        let p = Prepared::new(&t);
        let mut calls = 0;
        let r = events(&p, 1, &mut |_| {
            calls += 1;
            Err(io::Error::other("disk full"))
        });
        assert!(r.is_err());
        assert_eq!(calls, 1);
        // All of them otherwise: metadata, one slice per span, the critical path.
        let mut all = Vec::new();
        events(&p, 1, &mut |v| {
            all.push(v);
            Ok(())
        })
        .unwrap();
        let slices = all.iter().filter(|v| v["ph"] == "X").count();
        assert!(slices > 1_000, "{slices}");
    }

    #[test]
    fn the_streamed_document_is_one_json_value() {
        let t = chain(200);
        let p = Prepared::new(&t);
        let mut out = Vec::new();
        write(std::slice::from_ref(&p), &mut out).unwrap();
        let d: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(d["displayTimeUnit"], "ms");
        assert_eq!(d["otherData"]["trace_ids"][0], t.trace_id.to_string());
        assert!(d["traceEvents"].as_array().unwrap().len() > 200);
        assert_eq!(out.last(), Some(&b'\n'));
    }
}
