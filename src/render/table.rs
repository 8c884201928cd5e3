//! One tabular result, rendered as a terminal table, CSV or Markdown.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, CellAlignment, LineStyle, Table};

use crate::term::escape;

/// Headers, rows, and which columns are numeric (right-aligned).
#[derive(Clone, Debug, Default)]
pub struct TableData {
    pub headers: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl TableData {
    pub fn new(columns: &[(&str, bool)]) -> Self {
        TableData {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
}

/// How the terminal table is drawn.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableStyle {
    pub color: bool,
    pub ascii: bool,
    pub width: Option<usize>,
}

/// A table for people. Cell text from trace data is escaped.
pub fn write_table(t: &TableData, style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let mut table = Table::new();
    table.force_no_tty();
    if style.color {
        table.enforce_styling();
    }
    // A rule under the header and nothing else: compact, and easy to read and to grep.
    let line = if style.ascii { '-' } else { '─' };
    table.load_style(comfy_table::TableStyle::new().header_separator(LineStyle::none().fill(line)));
    // No wrapping: a wrapped service or operation name is harder to read (and to grep) than
    // a long line; `style.width` is kept for renderers that truncate.
    table.set_header(t.headers.iter().map(|h| {
        let c = Cell::new(h);
        if style.color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    }));
    for row in &t.rows {
        table.add_row(row.iter().enumerate().map(|(i, v)| {
            let c = Cell::new(escape(v));
            if t.numeric.get(i).copied().unwrap_or(false) {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }
    for (i, col) in table.column_iter_mut().enumerate() {
        if t.numeric.get(i).copied().unwrap_or(false) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")
}

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula get a leading `'`.
pub fn write_csv(t: &TableData, out: &mut dyn Write) -> io::Result<()> {
    let line = |cells: &[String], out: &mut dyn Write| -> io::Result<()> {
        let joined: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", joined.join(","))
    };
    line(&t.headers, out)?;
    for r in &t.rows {
        line(r, out)?;
    }
    Ok(())
}

pub fn csv_cell(c: &str) -> String {
    let guarded = if c.starts_with(['=', '+', '@', '\t', '\r'])
        || (c.starts_with('-') && c.parse::<f64>().is_err())
    {
        format!("'{c}")
    } else {
        c.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A GitHub-flavoured Markdown table. `|` and control characters in cells are escaped.
pub fn write_markdown(t: &TableData, out: &mut dyn Write) -> io::Result<()> {
    let cell = |s: &str| escape(s).replace('|', "\\|");
    writeln!(
        out,
        "| {} |",
        t.headers
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    let seps: Vec<&str> = t
        .numeric
        .iter()
        .map(|n| if *n { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", seps.join(" | "))?;
    for r in &t.rows {
        writeln!(
            out,
            "| {} |",
            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TableData {
        let mut t = TableData::new(&[("operation", false), ("p99", true)]);
        t.push(vec!["GET /a|b".into(), "12.3ms".into()]);
        t.push(vec!["=cmd()".into(), "-5".into()]);
        t
    }

    #[test]
    fn csv_quotes_and_guards() {
        let mut out = Vec::new();
        write_csv(&sample(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "operation,p99\nGET /a|b,12.3ms\n'=cmd(),-5\n");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let mut out = Vec::new();
        write_markdown(&sample(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("| GET /a\\|b | 12.3ms |"));
        assert!(s.contains("| --- | ---: |"));
    }

    #[test]
    fn table_escapes_control_characters() {
        let mut t = TableData::new(&[("name", false)]);
        t.push(vec!["a\x1b[31mb".into()]);
        let mut out = Vec::new();
        write_table(&t, TableStyle::default(), &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("a\\x1b[31mb"));
        assert!(!s.contains('\x1b'));
    }
}
