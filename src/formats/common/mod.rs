//! Helpers shared by several formats.

pub(crate) mod fast_json;
pub mod json_util;
pub(crate) mod jz_ids;
pub(crate) mod jz_par;
#[cfg(test)]
mod jz_parts_tests;
pub(crate) mod jz_read;
pub(crate) mod jz_shared;
pub(crate) mod jz_want;
pub(crate) mod jz_write;
pub(crate) mod units;

use std::io::BufRead;

use crate::error::Position;
use crate::formats::{InputError, ReadCtx};

/// Refuse an HTML or XML page before a JSON reader starts, with what it is: `the content is an
/// HTML page titled "Sign in", not JSON`. A backend or a proxy in front of it may answer 200
/// with a login page labelled `application/json`; read as JSON lines that would be a skipped
/// line and no spans ("trace not found").
pub(crate) fn refuse_markup(input: &mut dyn BufRead, ctx: &ReadCtx<'_>) -> Result<(), InputError> {
    let Ok(buf) = input.fill_buf() else {
        // The reader meets the error again and reports it.
        return Ok(());
    };
    let body = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    let Some(start) = body.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(());
    };
    if body[start] != b'<' {
        return Ok(());
    }
    let line = 1 + body[..start].iter().filter(|&&b| b == b'\n').count() as u64;
    let column = 1 + body[..start]
        .iter()
        .rev()
        .take_while(|&&b| b != b'\n')
        .count() as u64;
    let head = String::from_utf8_lossy(&body[start..body.len().min(start + 8192)]);
    // ASCII lowercasing keeps byte offsets, so an index into `lower` is one into `head`.
    let lower = head.to_ascii_lowercase();
    let what = if lower.starts_with("<!doctype html") || lower.contains("<html") {
        "an HTML page"
    } else {
        "markup (HTML or XML)"
    };
    let title = lower
        .find("<title>")
        .map(|i| &head[i + 7..])
        .and_then(|rest| rest.find('<').map(|j| rest[..j].trim()))
        .filter(|t| !t.is_empty())
        .map(|t| {
            let t: String = t.chars().take(80).collect();
            format!(" titled {:?}", crate::term::escape(&t))
        })
        .unwrap_or_default();
    Err(ctx.error(
        Some(Position::LineColumn { line, column }),
        format!("the content is {what}{title}, not JSON"),
    ))
}
