//! One tabular result, rendered as a terminal table, CSV or Markdown.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, CellAlignment, ColumnConstraint, LineStyle, Table, Width};

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
    writeln!(
        out,
        "{}",
        comfy(&t.headers, &t.numeric, &t.rows, style, None)
    )
}

/// Rows laid out per chunk when a table is streamed.
const STREAM_CHUNK_ROWS: usize = 4096;

/// [`write_table`] for a table too big to hold: `rows()` is called twice, once to measure the
/// columns and once to write them [`STREAM_CHUNK_ROWS`] at a time with those widths fixed, so
/// memory stays at one chunk. The bytes are those [`write_table`] writes for the same rows.
pub fn write_table_streamed<'a, I>(
    headers: &[String],
    numeric: &[bool],
    rows: &dyn Fn() -> I,
    style: TableStyle,
    out: &mut dyn Write,
) -> io::Result<()>
where
    I: Iterator<Item = Vec<String>> + 'a,
{
    write_table_chunked(headers, numeric, rows, style, STREAM_CHUNK_ROWS, out)
}

fn write_table_chunked<'a, I>(
    headers: &[String],
    numeric: &[bool],
    rows: &dyn Fn() -> I,
    style: TableStyle,
    chunk: usize,
    out: &mut dyn Write,
) -> io::Result<()>
where
    I: Iterator<Item = Vec<String>> + 'a,
{
    use unicode_width::UnicodeWidthStr as _;
    // comfy-table's measure: the display width of the escaped text, at least 1, at most u16.
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width().max(1)).collect();
    for row in rows() {
        if row.len() > widths.len() {
            widths.resize(row.len(), 1);
        }
        for (w, v) in widths.iter_mut().zip(&row) {
            *w = (*w).max(escape(v).width());
        }
    }
    if widths.iter().any(|&w| w >= usize::from(u16::MAX) - 2) {
        // Past comfy-table's width type it splits lines: lay the table out whole.
        let all: Vec<Vec<String>> = rows().collect();
        return writeln!(out, "{}", comfy(headers, numeric, &all, style, None));
    }
    let mut rows = rows().peekable();
    let mut first = true;
    while first || rows.peek().is_some() {
        // A missing cell is drawn as an empty one: pad so every chunk has every column.
        let part: Vec<Vec<String>> = rows
            .by_ref()
            .take(chunk)
            .map(|mut r| {
                r.resize(widths.len(), String::new());
                r
            })
            .collect();
        let header = if first { Some(headers) } else { None };
        // Later chunks have no header, so comfy-table draws no separator for them either.
        let table = comfy(header.unwrap_or(&[]), numeric, &part, style, Some(&widths));
        writeln!(out, "{table}")?;
        first = false;
    }
    Ok(())
}

/// The comfy-table of these rows; `fixed` pins each column's content width.
fn comfy(
    headers: &[String],
    numeric: &[bool],
    rows: &[Vec<String>],
    style: TableStyle,
    fixed: Option<&[usize]>,
) -> Table {
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
    if !headers.is_empty() {
        table.set_header(headers.iter().map(|h| {
            let c = Cell::new(h);
            if style.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        }));
    }
    for row in rows {
        table.add_row(row.iter().enumerate().map(|(i, v)| {
            let c = Cell::new(escape(v));
            if numeric.get(i).copied().unwrap_or(false) {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }
    for (i, col) in table.column_iter_mut().enumerate() {
        if numeric.get(i).copied().unwrap_or(false) {
            col.set_cell_alignment(CellAlignment::Right);
        }
        if let Some(w) = fixed.and_then(|f| f.get(i)) {
            // Content width plus comfy-table's padding of one space on each side.
            let width = u16::try_from(w + 2).unwrap_or(u16::MAX);
            col.set_constraint(ColumnConstraint::Absolute(Width::Fixed(width)));
        }
    }
    table
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
    write_markdown_rows(&t.headers, &t.numeric, &t.rows, out)
}

/// [`write_markdown`] one row at a time (a Markdown table needs no column widths).
pub fn write_markdown_rows<R: AsRef<[String]>>(
    headers: &[String],
    numeric: &[bool],
    rows: impl IntoIterator<Item = R>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cell = |s: &str| escape(s).replace('|', "\\|");
    writeln!(
        out,
        "| {} |",
        headers
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    let seps: Vec<&str> = numeric
        .iter()
        .map(|n| if *n { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", seps.join(" | "))?;
    for r in rows {
        writeln!(
            out,
            "| {} |",
            r.as_ref()
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The streamed table is byte for byte the table laid out whole, whatever the text
        /// (wide characters, control characters, empty cells), chunk size and style.
        #[test]
        fn streamed_tables_are_the_whole_table(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z]{0,3}|[0-9.µs%+]{0,12}|[\\PC]{0,6}|\\x1b\\[1m|日本語|", 0..5),
                0..40,
            ),
            numeric in proptest::collection::vec(proptest::bool::ANY, 4),
            chunk in 1usize..7,
            color in proptest::bool::ANY,
            ascii in proptest::bool::ANY,
        ) {
            let headers: Vec<String> = ["start", "length", "", "operation"].map(String::from).to_vec();
            // Rows as the renderers make them: as many cells as headers (or fewer).
            let rows: Vec<Vec<String>> = rows.into_iter().map(|mut r| { r.truncate(4); r }).collect();
            let style = TableStyle { color, ascii, width: None };
            let whole = TableData { headers: headers.clone(), numeric: numeric.clone(), rows: rows.clone() };
            let mut a = Vec::new();
            write_table(&whole, style, &mut a).unwrap();
            let mut b = Vec::new();
            write_table_chunked(&headers, &numeric, &|| rows.iter().cloned(), style, chunk, &mut b).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
        }
    }

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
