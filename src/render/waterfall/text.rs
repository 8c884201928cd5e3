//! Measuring and laying out terminal text: display widths, truncation, wrapping, padding.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

use crate::units::format_duration;

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `units::format_duration`, with `us` for `µs` when drawing in ASCII.
pub(super) fn duration_text(ns: u64, ascii: bool) -> String {
    let d = format_duration(ns);
    if ascii { d.replace('µ', "u") } else { d }
}

pub(super) fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `max` columns, ending in `ellipsis` when cut; with its width.
pub(super) fn truncate<'a>(s: &'a str, max: usize, ellipsis: &str) -> (Cow<'a, str>, usize) {
    let w = display_width(s);
    if w <= max {
        return (Cow::Borrowed(s), w);
    }
    let ell_w = display_width(ellipsis);
    let (budget, ellipsis, ell_w) = if max >= ell_w {
        (max - ell_w, ellipsis, ell_w)
    } else {
        (max, "", 0)
    };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > budget {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push_str(ellipsis);
    (Cow::Owned(out), used + ell_w)
}

/// Split `text` into lines of at most `width` columns (the lines after the first are printed
/// after `continuation`), breaking after a space when one is near the end of the line, else
/// anywhere. At most `max_lines` lines; the last one ends in `ellipsis` when text is left over.
pub(super) fn wrap(
    text: &str,
    width: usize,
    continuation: &str,
    max_lines: usize,
    ellipsis: &str,
) -> Vec<String> {
    let cont_w = display_width(continuation);
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let room = if lines.is_empty() {
            width
        } else {
            width.saturating_sub(cont_w)
        }
        .max(1);
        if lines.len() + 1 == max_lines || display_width(rest) <= room {
            lines.push(truncate(rest, room, ellipsis).0.into_owned());
            break;
        }
        // The longest prefix that fits (at least one char, so that this always progresses).
        let mut used = 0;
        let mut cut = 0;
        for (at, c) in rest.char_indices() {
            let cw = c.width().unwrap_or(0);
            if used + cw > room && at > 0 {
                break;
            }
            used += cw;
            cut = at + c.len_utf8();
        }
        // Prefer to break after a space in the second half of the line.
        if let Some(sp) = rest[..cut].rfind(' ').filter(|&sp| sp > 0 && sp * 2 >= cut) {
            cut = sp + 1;
        }
        lines.push(rest[..cut].trim_end().to_string());
        rest = &rest[cut..];
    }
    lines
}

pub(super) fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Append `s` (of width `w`) padded with spaces to `width`.
pub(super) fn pad_to(out: &mut String, s: &str, w: usize, width: usize) {
    out.push_str(s);
    push_spaces(out, width.saturating_sub(w));
}

pub(super) fn right_align(out: &mut String, s: &str, width: usize) {
    push_spaces(out, width.saturating_sub(display_width(s)));
    out.push_str(s);
}
