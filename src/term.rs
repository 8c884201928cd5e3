//! Terminal concerns decided once: color per stream, width, and escaping untrusted text.

use std::borrow::Cow;
use std::io::IsTerminal;

/// `--color` values.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

/// Decided once at startup, passed to whatever prints.
#[derive(Clone, Debug)]
pub struct Term {
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub stdout_is_tty: bool,
    pub stderr_is_tty: bool,
    /// Terminal width when stdout is a terminal (or `COLUMNS` is set).
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
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok())
            .filter(|w| *w > 0)
            .or_else(|| stdout_is_tty.then(terminal_width).flatten());
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

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}'            // LRM, RLM
            | '\u{202a}'..='\u{202e}'          // LRE RLE PDF LRO RLO
            | '\u{2066}'..='\u{2069}'          // LRI RLI FSI PDI
            | '\u{061c}'                       // ALM
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_text() {
        assert_eq!(escape("GET /users"), "GET /users");
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\ny"), "x\\ny");
        assert_eq!(escape("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(escape("\u{9b}31m"), "\\x9b31m");
    }
}
