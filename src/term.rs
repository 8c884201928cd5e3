//! Terminal concerns decided once: color per stream, width, and escaping untrusted text.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

pub mod style;

use style::{Styles, sgr};

/// `--color` values.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

/// Narrowest width anything is drawn at (`--width`, `COLUMNS` and the terminal's are raised to it).
pub const MIN_WIDTH: usize = 40;
/// Widest width anything is drawn at (wider requests are lowered to it).
pub const MAX_WIDTH: usize = 1000;

/// A width in columns kept within [`MIN_WIDTH`, `MAX_WIDTH`].
pub fn clamp_width(w: usize) -> usize {
    w.clamp(MIN_WIDTH, MAX_WIDTH)
}

/// `--width COLS`: a number of columns, raised or lowered into [`MIN_WIDTH`, `MAX_WIDTH`]
/// (`0` is the narrowest; a number too large for any machine is the widest).
pub fn parse_width(s: &str) -> Result<usize, String> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "invalid width {:?}: expected a number of columns ({MIN_WIDTH} to {MAX_WIDTH})",
            escape(s)
        ));
    }
    Ok(clamp_width(t.parse::<usize>().unwrap_or(MAX_WIDTH)))
}

/// The width `COLUMNS` asks for: a positive number, clamped; anything else (unset, empty, 0,
/// negative, not a number) is ignored.
fn columns_width(columns: Option<&str>) -> Option<usize> {
    let t = columns?.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match t.parse::<usize>() {
        Ok(0) => None,
        Ok(w) => Some(clamp_width(w)),
        // All digits but too large for usize: as wide as allowed.
        Err(_) => Some(MAX_WIDTH),
    }
}

/// Decided once at startup, passed to whatever prints.
#[derive(Clone, Debug)]
pub struct Term {
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub stdout_is_tty: bool,
    pub stderr_is_tty: bool,
    /// Terminal width when stdout is a terminal (or `COLUMNS` is set), within
    /// [`MIN_WIDTH`, `MAX_WIDTH`].
    pub width: Option<usize>,
    pub quiet: bool,
}

impl Term {
    pub fn detect(choice: ColorChoice, quiet: bool) -> Self {
        let stdout_is_tty = std::io::stdout().is_terminal();
        let stderr_is_tty = std::io::stderr().is_terminal();
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let no_color = env("NO_COLOR").is_some();
        let force = env("CLICOLOR_FORCE").is_some() || env("FORCE_COLOR").is_some();
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && (force || (tty && !dumb)),
        };
        let columns = std::env::var("COLUMNS").ok();
        let width = columns_width(columns.as_deref()).or_else(|| {
            stdout_is_tty
                .then(terminal_width)
                .flatten()
                .filter(|w| *w > 0)
                .map(clamp_width)
        });
        Term {
            color_stdout: decide(stdout_is_tty),
            color_stderr: decide(stderr_is_tty),
            stdout_is_tty,
            stderr_is_tty,
            width,
            quiet,
        }
    }

    /// For tests and library callers: no terminal, no color.
    pub fn plain() -> Self {
        Term {
            color_stdout: false,
            color_stderr: false,
            stdout_is_tty: false,
            stderr_is_tty: false,
            width: None,
            quiet: false,
        }
    }
}

fn terminal_width() -> Option<usize> {
    // comfy-table depends on crossterm, which already knows how to ask the terminal.
    comfy_table::Table::new().width().map(usize::from)
}

/// Escape control characters and bidirectional overrides in untrusted text (span names,
/// attribute values) so that trace data cannot move the cursor, clear the screen, recolor the
/// terminal or reorder what the reader sees. Newlines and tabs are shown as `\n`, `\t`.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`], except that the characters `keep` accepts stay as they are (the line breaks and
/// tabs that a format quotes or uses itself).
pub fn escape_except(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if keep(c) {
            out.push(c);
        } else {
            out.push_str(&escape(c.encode_utf8(&mut buf)));
        }
    }
    Cow::Owned(out)
}

/// Whether `c` is one [`escape`] rewrites: a C0 or C1 control character (tab and newline
/// included), or a bidirectional mark, embedding, override or isolate.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}'            // LRM, RLM
            | '\u{202a}'..='\u{202e}'          // LRE RLE PDF LRO RLO
            | '\u{2066}'..='\u{2069}'          // LRI RLI FSI PDI
            | '\u{061c}'                       // ALM
        )
}

/// Colors for the labels on stderr: stderr's own decision (`--color`, `NO_COLOR`, whether
/// stderr is a terminal), whatever stdout is (`tracekit … | less` keeps a red `error:`).
fn stderr_styles(term: &Term) -> Styles {
    Styles::new(term.color_stderr)
}

/// Secret values shorter than this are not masked (they would mask ordinary words).
pub const MIN_MASKED_SECRET: usize = 4;

static SECRETS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Remember a secret value (a token, a password, a header value) so that [`mask_secrets`], and
/// with it every error and warning printed, shows `***` in its place.
pub fn register_secret(value: &str) {
    let v = value.trim();
    if v.chars().count() < MIN_MASKED_SECRET {
        return;
    }
    let mut list = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !list.iter().any(|s| s == v) {
        list.push(v.to_string());
        // Longest first: a secret that contains another is masked whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// `text` with every registered secret replaced by `***`.
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let list = SECRETS.read().unwrap_or_else(|e| e.into_inner());
    if !list.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for s in list.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    Cow::Owned(out)
}

/// `tracekit: error: …` on stderr, one line per message line.
pub fn print_error(term: &Term, message: &str) {
    let message = mask_secrets(message);
    let label = stderr_styles(term).painted(sgr::ERROR_BOLD, "error:");
    let mut err = std::io::stderr().lock();
    for line in message.lines() {
        // Messages quote file names and trace data: escape them like any untrusted text.
        let _ = writeln!(err, "tracekit: {label} {}", escape(line));
    }
}

pub fn print_warning(term: &Term, message: &str) {
    if term.quiet {
        return;
    }
    let message = mask_secrets(message);
    let label = stderr_styles(term).painted(sgr::WARN_BOLD, "warning:");
    let mut err = std::io::stderr().lock();
    for line in message.lines() {
        let _ = writeln!(err, "tracekit: {label} {}", escape(line));
    }
}

/// `tracekit: …` on stderr: what was done (files written, shifts applied), not shown with
/// `--quiet`. A closed stderr is ignored, like a closed stdout.
pub fn print_note(term: &Term, message: &str) {
    if term.quiet {
        return;
    }
    let message = mask_secrets(message);
    let mut err = std::io::stderr().lock();
    for line in message.lines() {
        let _ = writeln!(err, "tracekit: {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_are_masked() {
        register_secret("zq-secret-token-1");
        register_secret("zq-secret");
        register_secret("zq1");
        assert_eq!(
            mask_secrets("Bearer zq-secret-token-1, zq-secret, zq1"),
            "Bearer ***, ***, zq1"
        );
        assert!(matches!(mask_secrets("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_hostile_text() {
        assert_eq!(escape("GET /users"), "GET /users");
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\ny"), "x\\ny");
        assert_eq!(escape("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(escape("\u{9b}31m"), "\\x9b31m");
    }

    #[test]
    fn escape_except_keeps_what_the_format_quotes() {
        let keep = |c: char| c == '\n' || c == '\t';
        assert_eq!(escape_except("a\tb\nc", keep), "a\tb\nc");
        assert_eq!(
            escape_except("a\x1b[31m\x07\0\r\u{202e}\u{2066}b\n", keep),
            "a\\x1b[31m\\x07\\x00\\r\\u{202e}\\u{2066}b\n"
        );
    }

    #[test]
    fn widths_are_clamped() {
        assert_eq!(parse_width("100").unwrap(), 100);
        assert_eq!(parse_width("0").unwrap(), MIN_WIDTH);
        assert_eq!(parse_width("5").unwrap(), MIN_WIDTH);
        assert_eq!(parse_width("1000000").unwrap(), MAX_WIDTH);
        assert_eq!(
            parse_width("99999999999999999999999999").unwrap(),
            MAX_WIDTH
        );
        for bad in ["", "-3", "abc", "12cols", "1e3", "\x1b[2J"] {
            let e = parse_width(bad).unwrap_err();
            assert!(!e.contains('\x1b'), "{e}");
        }
    }

    #[test]
    fn columns_outside_the_range_or_not_a_number_are_ignored_or_clamped() {
        assert_eq!(columns_width(Some("100")), Some(100));
        assert_eq!(columns_width(Some(" 100 ")), Some(100));
        assert_eq!(columns_width(Some("10")), Some(MIN_WIDTH));
        assert_eq!(columns_width(Some("100000000000")), Some(MAX_WIDTH));
        assert_eq!(
            columns_width(Some("999999999999999999999999999999")),
            Some(MAX_WIDTH)
        );
        for ignored in [
            None,
            Some(""),
            Some("0"),
            Some("-80"),
            Some("wide"),
            Some("80x"),
        ] {
            assert_eq!(columns_width(ignored), None, "{ignored:?}");
        }
    }
}
