//! The one place that writes color: SGR styles for the renderers and the messages on stderr.
//! Whether to color is decided once (from [`Term`]: `--color`, `NO_COLOR`, …) and passed in,
//! so that renderers are pure functions of their inputs (no global color state). No other
//! module writes an escape sequence for color.

use std::fmt::Write as _;

use crate::term::Term;

/// SGR parameter strings (`ESC [ … m`).
pub mod sgr {
    pub const NONE: &str = "";
    pub const BOLD: &str = "1";
    pub const DIM: &str = "2";
    pub const ERROR: &str = "31";
    pub const ERROR_BOLD: &str = "1;31";
    pub const ERROR_DIM: &str = "2;31";
    pub const WARN: &str = "33";
    pub const WARN_BOLD: &str = "1;33";
    pub const NOTE: &str = "36";
    pub const PASS_BOLD: &str = "1;32";
}

/// Colors given to services in turn (red and yellow are kept for errors and warnings).
const PALETTE: [&str; 8] = ["36", "32", "34", "35", "96", "92", "94", "95"];

/// Whether (and how) to color output.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Styles {
    pub color: bool,
}

impl Styles {
    pub const PLAIN: Styles = Styles { color: false };
    pub const COLOR: Styles = Styles { color: true };

    pub fn new(color: bool) -> Self {
        Styles { color }
    }

    /// Color for stdout as decided at startup.
    pub fn for_stdout(term: &Term) -> Self {
        Styles {
            color: term.color_stdout,
        }
    }

    /// Append `text`, wrapped in the SGR `code` when coloring (and when there is something to
    /// color).
    pub fn paint(&self, out: &mut String, code: &str, text: &str) {
        if self.color && !code.is_empty() && !text.is_empty() {
            let _ = write!(out, "\x1b[{code}m{text}\x1b[0m");
        } else {
            out.push_str(text);
        }
    }

    /// `text` wrapped in the SGR `code` when coloring, as a new string.
    pub fn painted(&self, code: &str, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 12);
        self.paint(&mut out, code, text);
        out
    }

    /// The color of the `n`th service.
    pub fn service(n: usize) -> &'static str {
        PALETTE[n % PALETTE.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_with_color() {
        let mut s = String::new();
        Styles::PLAIN.paint(&mut s, sgr::ERROR, "x");
        assert_eq!(s, "x");
        s.clear();
        Styles::COLOR.paint(&mut s, sgr::ERROR, "x");
        assert_eq!(s, "\x1b[31mx\x1b[0m");
        s.clear();
        Styles::COLOR.paint(&mut s, sgr::NONE, "x");
        Styles::COLOR.paint(&mut s, sgr::BOLD, "");
        assert_eq!(s, "x");
        assert_eq!(
            Styles::COLOR.painted(sgr::ERROR_BOLD, "e"),
            "\x1b[1;31me\x1b[0m"
        );
        assert_eq!(Styles::PLAIN.painted(sgr::ERROR_BOLD, "e"), "e");
    }
}
