//! The time axis and the bars, drawn in eighths of a cell.

use super::text::{duration_text, push_spaces};

/// Left-aligned blocks of 1 to 8 eighths.
const LEFT_BLOCKS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Labels `0`, the middle and the end of the timeline, in `cells` columns.
pub(super) fn axis(total: u64, cells: usize, ascii: bool) -> String {
    let mut buf = vec![' '; cells];
    let mut put = |at: usize, label: &str| {
        for (k, c) in label.chars().enumerate() {
            if let Some(x) = buf.get_mut(at + k) {
                *x = c;
            }
        }
    };
    if cells == 0 {
        return String::new();
    }
    put(0, "0");
    let end = duration_text(total, ascii);
    let end_len = end.chars().count();
    if end_len + 2 <= cells {
        put(cells - end_len, &end);
        let mid = duration_text(total / 2, ascii);
        let mid_len = mid.chars().count();
        let at = (cells / 2).saturating_sub(mid_len / 2);
        if at >= 3 && at + mid_len + 2 <= cells - end_len {
            put(at, &mid);
        }
    }
    buf.into_iter().collect()
}

/// The interval `[rel_start, rel_end]` (ns after the trace start) on a timeline of `cells` cells
/// spanning `total` ns, in eighths of a cell, each end rounded to the nearest eighth.
pub(crate) fn bar_eighths(rel_start: u64, rel_end: u64, total: u64, cells: usize) -> (u64, u64) {
    if total == 0 || cells == 0 {
        return (0, 0);
    }
    let scale = cells as u128 * 8;
    let total = u128::from(total);
    let pos = |x: u64| ((u128::from(x).min(total) * scale * 2 + total) / (2 * total)) as u64;
    (pos(rel_start), pos(rel_end.max(rel_start)))
}

/// A bar from eighth `e0` to `e1` on `cells` cells: spaces before it, no spaces after. A bar
/// shorter than an eighth (a zero-length span) is a thin tick at its position.
#[cfg(test)]
pub(crate) fn bar_glyphs(e0: u64, e1: u64, cells: usize, ascii: bool) -> String {
    let mut out = String::new();
    bar_glyphs_into(&mut out, e0, e1, cells, ascii);
    out
}

/// [`bar_glyphs`], appended to `out`.
pub(super) fn bar_glyphs_into(out: &mut String, e0: u64, e1: u64, cells: usize, ascii: bool) {
    if cells == 0 {
        return;
    }
    let max = cells as u64 * 8;
    let e0 = e0.min(max);
    let e1 = e1.clamp(e0, max);
    if e1 == e0 {
        let cell = (e0 / 8).min(cells as u64 - 1);
        let off = e0 - cell * 8;
        push_spaces(out, cell as usize);
        out.push(if ascii {
            '|'
        } else if off < 4 {
            '▏'
        } else {
            '▕'
        });
        return;
    }
    let (first, last) = (e0 / 8, (e1 - 1) / 8);
    push_spaces(out, first as usize);
    for c in first..=last {
        let lo = c * 8;
        let a = e0.max(lo) - lo;
        let b = e1.min(lo + 8) - lo;
        out.push(cell_glyph(a, b, ascii));
    }
}

/// The glyph for a cell covered from eighth `a` to eighth `b` (0 ≤ a < b ≤ 8). Only left
/// blocks come in eighths; a bar starting inside a cell uses the right eighth or half block.
pub(super) fn cell_glyph(a: u64, b: u64, ascii: bool) -> char {
    if ascii {
        return if a == 0 && b == 8 { '=' } else { '-' };
    }
    if a == 0 {
        return LEFT_BLOCKS[(b.clamp(1, 8) - 1) as usize];
    }
    if b == 8 {
        return match 8 - a {
            0..=2 => '▕',
            3..=5 => '▐',
            _ => '█',
        };
    }
    let toward_left = a + b < 8;
    match (b - a >= 3, toward_left) {
        (true, true) => '▌',
        (true, false) => '▐',
        (false, true) => '▏',
        (false, false) => '▕',
    }
}
