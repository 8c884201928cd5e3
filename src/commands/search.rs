//! `tracekit search`: find traces in a backend, list them, and optionally download them.

use std::io::Write;

use super::fetch::{Dest, no_backend, save};
use super::{output, print_warning};
use crate::backend::query::{Window, now_ns};
use crate::backend::{SearchHit, SearchQuery, Session, config, hex32};
use crate::cli::{ListFormat, SearchArgs};
use crate::error::{Error, Exit};
use crate::render::backend_docs::{BackendDoc, SearchDoc};
use crate::render::doc::to_value;
use crate::render::table::{TableData, TableStyle, write_table};
use crate::term::Term;
use crate::units::{format_duration, format_timestamp};

pub fn run(args: SearchArgs, term: &Term) -> Result<Exit, Error> {
    let target = config::resolve(&args.backend.request())?.ok_or_else(no_backend)?;
    let window = Window {
        since_ns: args.since,
        start_ns: args.start,
        end_ns: args.end,
    };
    let (start_ns, end_ns) = window.resolve(now_ns()).map_err(Error::usage)?;
    let q = SearchQuery {
        service: args.service.clone(),
        operation: args.operation.clone(),
        tags: args.tags.clone(),
        min_duration_ns: args.min_duration,
        max_duration_ns: args.max_duration,
        traceql: args.query.clone(),
        start_ns,
        end_ns,
        limit: args.limit.max(1),
    };
    let mut session = Session::new(target, None, term);
    session.jobs = args.jobs.max(1);
    let hits = session.search_hits(&q)?;
    let mut out = output::Output::stdout();
    match args.format {
        ListFormat::Json => {
            let doc = search_doc(&session, &q, &hits);
            serde_json::to_writer_pretty(&mut out, &to_value(&doc))
                .map_err(|e| output::write_err(e.into()))?;
            writeln!(out).map_err(output::write_err)?;
        }
        ListFormat::Table => {
            if hits.is_empty() {
                print_warning(term, "no traces found");
            } else {
                let style = TableStyle {
                    color: term.color_stdout,
                    ascii: false,
                    width: term.width,
                };
                write_table(&search_table(&hits), style, &mut out).map_err(output::write_err)?;
            }
        }
    }
    out.commit()?;
    if !args.fetch || hits.is_empty() {
        return Ok(Exit::Success);
    }
    let dir = args.output.unwrap_or_else(|| ".".into());
    output::create_dir(&dir)?;
    let ids: Vec<_> = hits.iter().map(|h| h.trace_id).collect();
    save(&session, &ids, &Dest::Dir(dir), args.to, args.raw, term)
}

/// Start instants to the millisecond: `2026-11-21T09:22:31.809Z`.
fn start_text(ns: u64) -> String {
    if ns == 0 {
        return "-".into();
    }
    let full = format_timestamp(ns);
    match full.find('.') {
        Some(dot) => format!("{}Z", &full[..(dot + 4).min(full.len() - 1)]),
        None => full,
    }
}

pub fn search_table(hits: &[SearchHit]) -> TableData {
    let mut t = TableData::new(&[
        ("TRACE ID", false),
        ("ROOT SERVICE", false),
        ("ROOT OPERATION", false),
        ("START", false),
        ("DURATION", true),
        ("SPANS", true),
        ("ERRORS", true),
    ]);
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    for h in hits {
        t.push(vec![
            hex32(h.trace_id),
            h.root_service.clone().unwrap_or_else(|| "-".into()),
            h.root_operation.clone().unwrap_or_else(|| "-".into()),
            start_text(h.start_ns),
            format_duration(h.duration_ns),
            opt(h.spans),
            opt(h.errors),
        ]);
    }
    t
}

pub fn search_doc(session: &Session, q: &SearchQuery, hits: &[SearchHit]) -> SearchDoc {
    let kind = session.client().ok().map(|c| c.kind.name());
    SearchDoc::new(BackendDoc::new(&session.target, kind), q, hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceId;

    #[test]
    fn table_rows() {
        let hits = vec![SearchHit {
            trace_id: TraceId(0xcb0f836124d98d806e10d0ea1575e6a),
            root_service: Some("web-client".into()),
            root_operation: Some("user-journey".into()),
            start_ns: 1_795_256_544_725_651_935,
            duration_ns: 39_000_000,
            spans: None,
            errors: Some(1),
        }];
        let t = search_table(&hits);
        assert_eq!(
            t.rows[0],
            vec![
                "0cb0f836124d98d806e10d0ea1575e6a",
                "web-client",
                "user-journey",
                "2026-11-21T10:22:24.725Z",
                "39.0ms",
                "-",
                "1"
            ]
        );
        let v = serde_json::to_value(&hits[0]).unwrap();
        assert_eq!(v["trace_id"], "0cb0f836124d98d806e10d0ea1575e6a");
        assert_eq!(v["spans"], serde_json::Value::Null);
    }
}
