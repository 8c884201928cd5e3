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

/// RFC 4180 CSV (the `csv` crate, quoting only where needed, `\n` line ends). Cells that a
/// spreadsheet would run as a formula get a leading `'`.
pub fn write_csv(t: &TableData, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv_writer(out);
    write_csv_record(&mut w, &t.headers)?;
    for r in &t.rows {
        write_csv_record(&mut w, r)?;
    }
    w.flush()
}

/// A CSV writer with the output's rules: `,` between fields, `\n` after each record, a field
/// quoted only when it holds `,`, `"`, `\r` or `\n`, and records of any length.
pub fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// Writes one record, each cell guarded against formula injection (see [`csv_guard`]) and
/// with its control characters and bidirectional overrides escaped (see [`csv_text`]).
pub fn write_csv_record<W: Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: &[S],
) -> io::Result<()> {
    w.write_record(
        cells
            .iter()
            .map(|c| csv_guard(&csv_text(c.as_ref())).into_owned()),
    )
    .map_err(io::Error::from)
}

/// A CSV cell as written, to a file or a terminal alike: newlines and tabs are data (the field
/// is quoted), every other control character (ESC, BEL, NUL, CR, the C1 range) and every
/// bidirectional override or isolate is escaped as [`escape`] does (`\x1b`, `\u{202e}`).
pub fn csv_text(c: &str) -> std::borrow::Cow<'_, str> {
    crate::term::escape_except(c, |c| c == '\n' || c == '\t')
}

/// A cell that a spreadsheet would run as a formula (`=`, `+`, `@`, tab, CR, or a `-` that does
/// not start a number) gets a leading `'`.
pub fn csv_guard(c: &str) -> std::borrow::Cow<'_, str> {
    if c.starts_with(['=', '+', '@', '\t', '\r'])
        || (c.starts_with('-') && c.parse::<f64>().is_err())
    {
        format!("'{c}").into()
    } else {
        c.into()
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
        let mut out = Vec::new();
        let mut t = TableData::new(&[("a", false), ("b", false)]);
        t.push(vec!["a,\"b".into(), "x\ny".into()]);
        t.push(vec!["".into(), "-x".into()]);
        write_csv(&t, &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "a,b\n\"a,\"\"b\",\"x\ny\"\n,'-x\n");
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
