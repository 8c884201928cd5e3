//! One self-contained HTML page per trace (no network access needed): the waterfall with the
//! critical path, span details on click, and the findings of `check`. The thing you attach to a
//! ticket. Data is embedded as JSON; the page's script draws it with DOM elements.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::prepared::Prepared;
use crate::analysis::check::{CheckOptions, check_trace};
use crate::render::findings::finding_json;
use crate::units::{format_duration, format_timestamp};

const STYLE: &str = r#"
body{font:13px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d1d1f;background:#fff}
header{padding:12px 16px;border-bottom:1px solid #ddd;background:#f7f7f9}
h1{font-size:16px;margin:0 0 4px}
.meta span{margin-right:18px;color:#555}
main{display:flex;height:calc(100vh - 70px)}
#wf{flex:3;overflow:auto;border-right:1px solid #ddd}
#side{flex:2;overflow:auto;padding:8px 12px}
.row{display:flex;align-items:center;height:22px;border-bottom:1px solid #f0f0f0;cursor:pointer;white-space:nowrap}
.row:hover{background:#f3f6ff}.row.sel{background:#e3ebff}
.name{width:40%;overflow:hidden;text-overflow:ellipsis;padding-left:6px}
.svc{display:inline-block;min-width:8px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
.lane{position:relative;width:60%;height:14px}
.bar{position:absolute;height:14px;border-radius:2px;min-width:1px;opacity:.85}
.bar.crit{outline:2px solid #111;opacity:1}
.err .name{color:#c00;font-weight:600}
.dur{position:absolute;right:2px;font-size:11px;color:#444}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:3px 4px;text-align:left;vertical-align:top;word-break:break-all}
h2{font-size:14px;margin:12px 0 6px}
.sev-error{color:#c00}.sev-warning{color:#a60}.sev-note{color:#06c}
.legend{font-size:12px;color:#555}
"#;

const SCRIPT: &str = r#"
const D = JSON.parse(document.getElementById('data').textContent);
const palette = ['#4e79a7','#f28e2b','#59a14f','#e15759','#76b7b2','#edc948','#b07aa1','#ff9da7','#9c755f','#bab0ac'];
const color = s => palette[D.services.indexOf(s) % palette.length];
const fmt = ns => ns < 1e3 ? ns + 'ns' : ns < 1e6 ? (ns/1e3).toFixed(2) + 'µs' : ns < 1e9 ? (ns/1e6).toFixed(2) + 'ms' : (ns/1e9).toFixed(3) + 's';
const wf = document.getElementById('wf');
const side = document.getElementById('details');
function text(tag, t, cls) { const e = document.createElement(tag); e.textContent = t; if (cls) e.className = cls; return e; }
function details(s) {
  side.replaceChildren();
  side.appendChild(text('h2', s.service + ' — ' + s.operation));
  const tb = document.createElement('table');
  const add = (k, v) => { const tr = document.createElement('tr'); tr.appendChild(text('th', k)); tr.appendChild(text('td', String(v))); tb.appendChild(tr); };
  add('span id', s.span_id); add('parent', s.parent_span_id || '—'); add('kind', s.kind); add('status', s.status + (s.status_message ? ': ' + s.status_message : ''));
  add('start', '+' + fmt(s.offset_ns)); add('duration', fmt(s.duration_ns)); add('self time', fmt(s.self_ns)); add('critical path', fmt(s.critical_ns));
  for (const [k, v] of Object.entries(s.attributes)) add(k, typeof v === 'string' ? v : JSON.stringify(v));
  side.appendChild(tb);
  if (s.events.length) {
    side.appendChild(text('h2', 'Events'));
    const et = document.createElement('table');
    for (const e of s.events) { const tr = document.createElement('tr'); tr.appendChild(text('td', '+' + fmt(e.offset_ns))); tr.appendChild(text('td', e.name)); tr.appendChild(text('td', JSON.stringify(e.attributes))); et.appendChild(tr); }
    side.appendChild(et);
  }
}
D.spans.forEach((s, i) => {
  const row = document.createElement('div'); row.className = 'row' + (s.status === 'error' ? ' err' : ''); row.dataset.i = i;
  const name = document.createElement('div'); name.className = 'name'; name.style.paddingLeft = (6 + 12 * Math.min(s.depth, 40)) + 'px';
  const dot = document.createElement('span'); dot.className = 'svc'; dot.style.background = color(s.service); name.appendChild(dot);
  name.appendChild(document.createTextNode(s.service + ' ' + s.operation)); name.title = s.service + ' ' + s.operation;
  const lane = document.createElement('div'); lane.className = 'lane';
  const bar = document.createElement('div'); bar.className = 'bar' + (s.critical_ns > 0 ? ' crit' : '');
  bar.style.left = (100 * s.offset_ns / Math.max(D.duration_ns, 1)) + '%';
  bar.style.width = (100 * s.duration_ns / Math.max(D.duration_ns, 1)) + '%';
  bar.style.background = s.status === 'error' ? '#d62728' : color(s.service);
  lane.appendChild(bar); lane.appendChild(text('span', fmt(s.duration_ns), 'dur'));
  row.appendChild(name); row.appendChild(lane);
  row.addEventListener('click', () => { document.querySelectorAll('.row.sel').forEach(r => r.classList.remove('sel')); row.classList.add('sel'); details(s); });
  wf.appendChild(row);
});
const fl = document.getElementById('findings');
if (!D.findings.length) fl.appendChild(text('p', 'No findings.'));
for (const f of D.findings) { const p = document.createElement('p'); p.appendChild(text('b', f.severity + ' ', 'sev-' + f.severity)); p.appendChild(text('code', f.rule)); p.appendChild(document.createTextNode(' ' + f.message)); fl.appendChild(p); }
document.getElementById('count').textContent = D.spans.length;
"#;

/// A writer for JSON text inside a `<script>` element: `<` (which JSON has only inside strings)
/// becomes `\u003c`, so `</script>` and `<!--` cannot close or confuse the element. The JSON is
/// streamed through it: the page is never held in memory whole.
struct Embed<'a> {
    out: &'a mut dyn Write,
}

impl Write for Embed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while let Some(k) = memchr::memchr(b'<', buf) {
            self.out.write_all(&buf[..k])?;
            self.out.write_all(b"\\u003c")?;
            buf = &buf[k + 1..];
        }
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One span of the page's data (the i-th span of the trace).
fn span_json(p: &Prepared<'_>, i: usize, start: u64) -> Value {
    let s = &p.trace.spans[i];
    let attrs: serde_json::Map<String, Value> = s
        .attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_json()))
        .collect();
    json!({
        "span_id": s.span_id.to_string(), "parent_span_id": s.parent_span_id.map(|x| x.to_string()),
        "service": p.service(i), "operation": &*s.name, "kind": s.kind.as_str(),
        "status": s.status.code.as_str(), "status_message": s.status.message.as_deref(),
        "offset_ns": s.start_ns.saturating_sub(start), "duration_ns": s.duration_ns(),
        "self_ns": p.self_ns[i], "critical_ns": p.critical_ns[i], "depth": p.tree.depth[i],
        "attributes": attrs,
        "events": s.events.iter().map(|e| json!({"name": &*e.name, "offset_ns": e.time_ns.saturating_sub(start),
            "attributes": e.attributes.iter().map(|kv| (kv.key.to_string(), kv.value.to_json())).collect::<serde_json::Map<_, _>>()})).collect::<Vec<_>>(),
    })
}

/// The page's data as JSON, written as it is made: one span at a time, in display order. The
/// keys come in the order `serde_json` sorts them (the document is the same as one `Value`).
fn write_data(p: &Prepared<'_>, out: &mut dyn Write) -> io::Result<()> {
    let t = p.trace;
    let start = p.start_ns();
    let findings = check_trace(
        t,
        &p.tree,
        &CheckOptions {
            tolerance_ns: 1_000,
            ..CheckOptions::default()
        },
    );
    let services: Vec<&str> = t
        .services()
        .into_iter()
        .map(|s| if s.is_empty() { "unknown" } else { s })
        .collect();
    write!(out, "{{\"duration_ns\":{},\"findings\":[", t.duration_ns())?;
    for (k, f) in findings.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &finding_json(f))?;
    }
    drop(findings);
    out.write_all(b"],\"services\":")?;
    serde_json::to_writer(&mut *out, &services)?;
    out.write_all(b",\"spans\":[")?;
    for (k, &i) in p.order.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &span_json(p, i as usize, start))?;
    }
    out.write_all(b"],\"start_ns\":")?;
    serde_json::to_writer(&mut *out, &start)?;
    out.write_all(b",\"trace_id\":")?;
    serde_json::to_writer(&mut *out, &t.trace_id.to_string())?;
    out.write_all(b"}")
}

pub fn write(p: &Prepared<'_>, out: &mut dyn Write) -> io::Result<()> {
    let t = p.trace;
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <title>Trace {id}</title><style>{STYLE}</style></head><body>\n\
         <header><h1>Trace {id}</h1><div class=\"meta\"><span>start {start} UTC</span><span>duration {dur}</span>\
         <span><b id=\"count\"></b> spans</span><span>{svcs} services</span><span>{errs} errors</span></div>\
         <div class=\"legend\">Bars are placed on the trace's timeline; outlined bars are on the critical path; red is an error. Click a span for details.</div></header>\n\
         <main><div id=\"wf\"></div><div id=\"side\"><div id=\"details\"><p>Click a span.</p></div><h2>Findings (tracekit check)</h2><div id=\"findings\"></div></div></main>\n\
         <script type=\"application/json\" id=\"data\">",
        id = esc(&t.trace_id.to_string()),
        start = esc(&format_timestamp(p.start_ns())),
        dur = esc(&format_duration(t.duration_ns())),
        svcs = t.services().len(),
        errs = t.error_count(),
    )?;
    write_data(p, &mut Embed { out: &mut *out })?;
    write!(
        out,
        "</script>\n<script>{SCRIPT}</script>\n</body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Span, SpanId, Trace, TraceId};

    fn embed(v: &Value) -> String {
        let mut out = Vec::new();
        serde_json::to_writer(&mut Embed { out: &mut out }, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn embedded_json_cannot_close_the_script() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let e = embed(&v);
        assert!(!e.contains("</script>"));
        assert!(!e.contains('<'));
        let back: Value = serde_json::from_str(&e).unwrap();
        assert_eq!(back, v);
    }

    /// Fails any single write over `max` bytes: a page built in memory first arrives in one.
    struct SmallWrites {
        max: usize,
        out: Vec<u8>,
    }

    impl Write for SmallWrites {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.max {
                return Err(io::Error::other(format!(
                    "one write of {} bytes",
                    buf.len()
                )));
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn fan(n: u64) -> Trace {
        let mut spans = Vec::new();
        for i in 1..=n {
            let mut s = Span::new(TraceId(7), SpanId(i));
            s.parent_span_id = (i > 1).then_some(SpanId(1));
            s.name = format!("operation number {i} <b>").into();
            s.service = "svc".into();
            s.start_ns = 1_000 + i;
            s.end_ns = if i == 1 { 10 * n } else { 1_000 + i + 5 };
            spans.push(s);
        }
        Trace {
            trace_id: TraceId(7),
            spans,
        }
    }

    #[test]
    fn the_page_is_streamed_span_by_span() {
        // 20,000 spans make megabytes of data; no single write may carry more than 64 KiB.
        let t = fan(20_000);
        let p = Prepared::new(&t);
        let mut w = SmallWrites {
            max: 64 << 10,
            out: Vec::new(),
        };
        write(&p, &mut w).unwrap();
        let page = String::from_utf8(w.out).unwrap();
        assert!(page.len() > 2 << 20, "{} bytes", page.len());
        let data = page
            .split_once("id=\"data\">")
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .unwrap()
            .0;
        assert!(!data.contains('<'));
        let d: Value = serde_json::from_str(data).unwrap();
        let spans = d["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 20_000);
        assert_eq!(spans[1]["operation"], "operation number 2 <b>");
        assert_eq!(d["trace_id"], t.trace_id.to_string());
        assert!(d["findings"].is_array() && d["services"] == json!(["svc"]));
    }
}
