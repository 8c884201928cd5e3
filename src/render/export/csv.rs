//! One row per span: ids, parent, service, operation, kind, status, times, self and
//! critical-path time, and chosen attributes (`--columns`).

use std::io::{self, Write};

use super::prepared::Prepared;
use crate::render::table::{csv_writer, write_csv_record};

pub const BASE_COLUMNS: [&str; 13] = [
    "trace_id",
    "span_id",
    "parent_span_id",
    "service",
    "operation",
    "kind",
    "status",
    "start_ns",
    "end_ns",
    "duration_ns",
    "self_ns",
    "critical_path_ns",
    "depth",
];

pub fn write_header(columns: &[String], out: &mut dyn Write) -> io::Result<()> {
    let mut h: Vec<String> = BASE_COLUMNS.iter().map(|s| s.to_string()).collect();
    h.extend(columns.iter().cloned());
    let mut w = csv_writer(out);
    write_csv_record(&mut w, &h)?;
    w.flush()
}

/// Rows of one trace, in tree order (the header is written once by the caller).
pub fn write_rows(p: &Prepared<'_>, columns: &[String], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv_writer(out);
    for &i in &p.order {
        let i = i as usize;
        let s = &p.trace.spans[i];
        let mut row = vec![
            s.trace_id.to_string(),
            s.span_id.to_string(),
            s.parent_span_id.map(|x| x.to_string()).unwrap_or_default(),
            s.service.to_string(),
            s.name.to_string(),
            s.kind.as_str().to_string(),
            s.status.code.as_str().to_string(),
            s.start_ns.to_string(),
            s.end_ns.to_string(),
            s.duration_ns().to_string(),
            p.self_ns[i].to_string(),
            p.critical_ns[i].to_string(),
            p.tree.depth[i].to_string(),
        ];
        for c in columns {
            let v = s
                .attr(c)
                .or_else(|| crate::model::value::find(&s.resource.attributes, c))
                .map(|v| v.to_string())
                .unwrap_or_default();
            row.push(v);
        }
        write_csv_record(&mut w, &row)?;
    }
    w.flush()
}
