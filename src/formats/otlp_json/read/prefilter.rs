//! `--trace` on JSON lines: find the lines that may hold a wanted trace by searching their bytes,
//! so that the others are never parsed.
//!
//! A line (one `TracesData`) is parsed when its bytes contain one of the ways a wanted id can be
//! written there, as the reader accepts ids (see `json_util::parse_trace_id` and `TraceIdSeed`):
//! - hex in lowercase or uppercase, with or without leading zeros, 16 or 32 digits or anything
//!   between: the digits of the id (or prefix) without their leading zeros are in every one of
//!   those spellings, so they are the one needle;
//! - base64 (standard or URL-safe, padded or not, `/` written `\/` too) of the 16 bytes, and for
//!   a 64-bit id of its 8 bytes as well: for a prefix, the characters its bits fully determine;
//! - a list of byte values, `[75,249,…]` or `[75, 249, …]`: the bytes the id (or prefix) fixes;
//! - and, since JSON may write any character of a string as `\u00XX`, a line with such an escape
//!   of a character that can be part of an id (digits, letters, `+/-_=`) is always parsed.
//!
//! Nothing else decides: a line that mentions the id anywhere else (an attribute value) is
//! parsed too, and the spans that are not of the trace are dropped downstream as before. Hex in
//! mixed case within one id (`4Bf9…`) is not searched for; no encoder writes it.
//!
//! When a spelling would be shorter than [`MIN_NEEDLE`] bytes (a prefix of mostly zeros) the
//! search would find nearly every line: there is no prefilter then, every line is parsed.
//!
//! `TRACEKIT_NO_PREFILTER=1` (in the environment) turns the prefilter off, to compare.

use std::sync::atomic::{AtomicU64, Ordering};

use aho_corasick::{AhoCorasick, Input, MatchKind, Span, packed};
use base64::Engine as _;

use crate::formats::ReadWants;
use crate::model::TraceRef;

/// The environment variable that turns the prefilter off (read here only).
pub const DISABLE_ENV: &str = "TRACEKIT_NO_PREFILTER";

/// Spellings shorter than this make the prefilter pointless: there is none then.
const MIN_NEEDLE: usize = 4;

/// Lines not parsed because they mention no wanted trace, in this process so far.
static SKIPPED: AtomicU64 = AtomicU64::new(0);

/// How many JSON lines the prefilter kept from being parsed so far (for "not found" messages).
pub fn lines_skipped() -> u64 {
    SKIPPED.load(Ordering::Relaxed)
}

pub(crate) fn note_skipped(lines: u64) {
    SKIPPED.fetch_add(lines, Ordering::Relaxed);
}

/// The searcher for every spelling of every wanted id or prefix.
pub(crate) struct Prefilter {
    engine: Engine,
    /// Pattern id of `\u00`, whose matches are checked by hand.
    escape: usize,
}

impl Prefilter {
    /// The prefilter for what the command wants, if it asked for some traces only (and the
    /// prefilter is not turned off by [`DISABLE_ENV`]).
    pub(crate) fn for_wants(wants: &ReadWants) -> Option<Prefilter> {
        let refs = wants.traces.as_deref()?;
        if std::env::var_os(DISABLE_ENV).is_some_and(|v| !v.is_empty() && v != "0") {
            return None;
        }
        Prefilter::new(refs)
    }

    /// `None` when some ref has no spelling long enough to search for, or there is none.
    pub(crate) fn new(refs: &[TraceRef]) -> Option<Prefilter> {
        if refs.is_empty() {
            return None;
        }
        let mut needles: Vec<Vec<u8>> = Vec::new();
        for r in refs {
            for n in spellings(r)? {
                if !needles.contains(&n) {
                    needles.push(n);
                }
            }
        }
        let escape = needles.len();
        needles.push(b"\\u00".to_vec());
        // Teddy (SIMD) when the machine has it: the automaton's own choice of prefilter depends
        // on the bytes of the needles, and some sets ran it at a fifth of the speed.
        let engine = match packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&needles)
            .build()
        {
            Some(teddy) => Engine::Teddy(teddy),
            None => Engine::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&needles)
                    .ok()?,
            ),
        };
        Some(Prefilter { engine, escape })
    }

    /// Where the first spelling at or after `from` begins.
    pub(crate) fn find(&self, hay: &[u8], mut from: usize) -> Option<usize> {
        while from < hay.len() {
            let m = match &self.engine {
                Engine::Teddy(t) => t.find_in(hay, Span::from(from..hay.len()))?,
                Engine::Automaton(ac) => ac.find(Input::new(hay).span(from..hay.len()))?,
            };
            if m.pattern().as_usize() != self.escape || escapes_id_char(&hay[m.end()..]) {
                return Some(m.start());
            }
            from = m.start() + 1;
        }
        None
    }
}

enum Engine {
    Teddy(packed::Searcher),
    Automaton(AhoCorasick),
}

/// After `\u00`: whether the two hex digits name a character an id can hold.
fn escapes_id_char(rest: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16);
    let (Some(&h), Some(&l)) = (rest.first(), rest.get(1)) else {
        // Cut off at the end of the chunk: cannot tell, so it may.
        return true;
    };
    let (Some(h), Some(l)) = (hex(h), hex(l)) else {
        return false;
    };
    let c = (h * 16 + l) as u8;
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// Every needle for one ref (see the module documentation); `None` when one is too short.
fn spellings(r: &TraceRef) -> Option<Vec<Vec<u8>>> {
    let digits = r.as_str();
    let n = digits.len();
    let value = u128::from_str_radix(digits, 16).ok()?;
    let mut out: Vec<Vec<u8>> = Vec::new();

    // Hex: the digits without their leading zeros.
    let hex = digits.trim_start_matches('0');
    out.push(hex.as_bytes().to_vec());
    out.push(hex.to_ascii_uppercase().into_bytes());

    // What the digits fix, as (bytes, number of leading bits known): the 32-digit form starts
    // with them (when they begin with 16 zeros, a 64-bit id written as 8 bytes may be meant);
    // a 64-bit id's 16-digit form does (as 8 bytes, or 16 with a zero high half); they are the
    // whole id, left-padded.
    let mut known: Vec<(Vec<u8>, usize)> = Vec::new();
    let shift = 4 * (32 - n) as u32;
    known.push(((value << shift).to_be_bytes().to_vec(), 4 * n));
    if n > 16 && (value << shift) >> 64 == 0 {
        // A 64-bit id's 32-digit form: it may be written as 8 bytes.
        let low = (value << shift) as u64;
        known.push((low.to_be_bytes().to_vec(), 4 * (n - 16)));
    }
    if n <= 16 {
        let low = (value << (4 * (16 - n) as u32)) as u64;
        known.push((low.to_be_bytes().to_vec(), 4 * n));
        known.push(((low as u128).to_be_bytes().to_vec(), 64 + 4 * n));
    }
    if value != 0 {
        known.push((value.to_be_bytes().to_vec(), 128));
        if let Ok(low) = u64::try_from(value) {
            known.push((low.to_be_bytes().to_vec(), 64));
        }
    }
    for (bytes, bits) in &known {
        // Base64: the characters whose six bits are all known.
        let full = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
        let std = &full[..(bits / 6).min(full.len())];
        out.push(std.as_bytes().to_vec());
        out.push(std.replace('+', "-").replace('/', "_").into_bytes());
        out.push(std.replace('/', "\\/").into_bytes());
        // Byte lists: the bytes known, from the first that is not zero (a 16-byte list of a
        // 64-bit id starts with zeros the 8-byte one does not have).
        let whole = &bytes[..bits / 8];
        let first = whole.iter().position(|&b| b != 0).unwrap_or(whole.len());
        let decimal: Vec<String> = whole[first..].iter().map(u8::to_string).collect();
        out.push(decimal.join(",").into_bytes());
        out.push(decimal.join(", ").into_bytes());
    }
    out.sort();
    out.dedup();
    if out.iter().any(|n| n.len() < MIN_NEEDLE) {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceId;

    fn pf(refs: &[&str]) -> Option<Prefilter> {
        let refs: Vec<TraceRef> = refs.iter().map(|r| TraceRef::parse(r).unwrap()).collect();
        Prefilter::new(&refs)
    }

    fn hit(p: &Prefilter, text: &str) -> bool {
        p.find(text.as_bytes(), 0).is_some()
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn url(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn list(bytes: &[u8], sep: &str) -> String {
        let v: Vec<String> = bytes.iter().map(u8::to_string).collect();
        format!("[{}]", v.join(sep))
    }

    /// Every spelling the reader accepts for `id`.
    fn every_spelling(id: TraceId) -> Vec<String> {
        let hex = id.to_string();
        let mut out = vec![
            hex.clone(),
            hex.to_ascii_uppercase(),
            hex.trim_start_matches('0').to_string(),
            b64(&id.to_bytes()),
            b64(&id.to_bytes()).replace('/', "\\/"),
            url(&id.to_bytes()),
            list(&id.to_bytes(), ","),
            list(&id.to_bytes(), ", "),
        ];
        if id.high() == 0 {
            let low = id.low().to_be_bytes();
            out.extend([
                id.to_short_hex(),
                id.to_short_hex().to_ascii_uppercase(),
                b64(&low),
                url(&low),
                list(&low, ","),
            ]);
        }
        out
    }

    #[test]
    fn every_spelling_of_a_wanted_id_is_found() {
        let ids = [
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "5b8efff798038103d269b633813fc60c", // base64 has '/'
            "00f067aa0ba902b7",
            "0cb0f836124d98d806e10d0ea1575e6a",
            "fbffbf00000000000000000000000000", // base64 with '+' and '/'
        ];
        for id in ids {
            let tid = TraceId::from_hex(id).unwrap();
            // The whole id, and prefixes of 8 to 31 digits of each printed form.
            let printed = if tid.high() == 0 {
                vec![tid.to_short_hex(), tid.to_string()]
            } else {
                vec![tid.to_string()]
            };
            let mut refs = vec![id.to_string()];
            for p in &printed {
                for k in 8..p.len() {
                    if TraceRef::parse(&p[..k]).is_ok_and(|r| r.matches(tid)) {
                        refs.push(p[..k].to_string());
                    }
                }
            }
            for r in refs {
                let Some(p) = pf(&[&r]) else {
                    continue; // no prefilter: every line is parsed
                };
                for s in every_spelling(tid) {
                    let line = format!(r#"{{"resourceSpans":[{{"traceId":"{s}"}}]}}"#);
                    assert!(hit(&p, &line), "{r} in {line}");
                }
            }
        }
    }

    #[test]
    fn other_ids_and_harmless_escapes_are_not_found() {
        let p = pf(&["4bf92f3577b34da6a3ce929d0e0e4736"]).unwrap();
        assert!(!hit(
            &p,
            r#"{"traceId":"5b8efff798038103d269b633813fc60c"}"#
        ));
        // Go escapes <, > and & in strings: not an id character.
        assert!(!hit(&p, r#"{"a":"\u003cb\u003e \u0026"}"#));
        // An escaped digit could be part of the id: parse the line.
        assert!(hit(&p, r#"{"traceId":"\u0034bf92f35"}"#));
        // Named in an attribute: a false positive, harmless.
        assert!(hit(&p, r#"{"v":"see 4bf92f3577b34da6a3ce929d0e0e4736"}"#));
    }

    #[test]
    fn prefixes_of_zeros_have_no_prefilter() {
        assert!(pf(&["00000000"]).is_none());
        assert!(pf(&["0000000a"]).is_none());
        assert!(pf(&["4bf92f35"]).is_some());
        assert!(pf(&[]).is_none());
    }

    // ---- The reader with and without the prefilter ----------------------------------------

    use crate::formats::otlp_json::read::{Limits, ReadOutcome, read_with};
    use crate::formats::{ReadCtx, ReadWants};
    use std::sync::Arc;

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn read_wanting(bytes: &[u8], traces: Option<&[TraceRef]>, chunk: usize) -> ReadOutcome {
        let mut spans = Vec::new();
        let mut warnings = Vec::new();
        let mut sink = |b: Vec<crate::model::Span>| spans.extend(b);
        let mut ctx = ReadCtx {
            source: Arc::from("test.json"),
            sink: &mut sink,
            warnings: &mut warnings,
            wants: ReadWants {
                traces: traces.map(Arc::from),
                ..ReadWants::default()
            },
        };
        let mut input = std::io::BufReader::with_capacity(61, bytes);
        let limits = Limits {
            chunk,
            max_line: 1 << 20,
            fill: super::super::FILL_BYTES,
        };
        let r = read_with(&mut input, &mut ctx, limits);
        (spans, warnings, r)
    }

    /// One way of writing `id` in a JSON string or as a byte list (with its quotes).
    fn spelled(id: TraceId, rng: &mut Rng) -> String {
        let bytes = id.to_bytes();
        let low = id.low().to_be_bytes();
        let hex = id.to_string();
        let short = id.high() == 0;
        let s = match rng.below(11) {
            0 => hex,
            1 => hex.to_ascii_uppercase(),
            2 => hex.trim_start_matches('0').to_string(),
            3 if short => id.to_short_hex(),
            4 => b64(&bytes),
            5 => b64(&bytes).replace('/', "\\/"),
            6 => url(&bytes),
            7 if short => b64(&low),
            8 => return list(&bytes, if rng.below(2) == 0 { "," } else { ", " }),
            9 if short => return list(&low, ","),
            // The first digit written as a JSON escape.
            10 => format!("\\u00{:02x}{}", hex.as_bytes()[0], &hex[1..]),
            _ => hex,
        };
        format!("\"{s}\"")
    }

    /// JSON lines of spans of the traces of `ids`, several traces per line, ids written every
    /// way, with blank lines, lines naming an id only in an attribute, bad lines and bad spans.
    fn generate(ids: &[TraceId], rng: &mut Rng) -> String {
        let mut out = String::new();
        let lines = 5 + rng.below(30);
        for k in 0..lines {
            match rng.below(12) {
                0 => out.push_str("  \n"),
                // Broken JSON after a wanted id: a warning if parsed.
                1 => {
                    let id = spelled(ids[rng.below(ids.len())], rng);
                    out.push_str(&format!("{{\"resourceSpans\":[{{\"x\":{id} oops\n"));
                }
                _ => {
                    let mut spans = Vec::new();
                    for _ in 0..1 + rng.below(4) {
                        let id = spelled(ids[rng.below(ids.len())], rng);
                        let span_id = rng.next() | 1;
                        // Sometimes a span id of the wrong type: a warning and a re-read.
                        let span_id = if rng.below(20) == 0 {
                            "12".to_string()
                        } else {
                            format!("\"{span_id:016x}\"")
                        };
                        let note = ids[rng.below(ids.len())];
                        spans.push(format!(
                            "{{\"traceId\":{id},\"spanId\":{span_id},\"name\":\"op{k}\",\
                             \"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\",\
                             \"attributes\":[{{\"key\":\"note\",\"value\":{{\"stringValue\":\"see {note}\"}}}}]}}"
                        ));
                    }
                    out.push_str(&format!(
                        "{{\"resourceSpans\":[{{\"resource\":{{\"attributes\":[{{\"key\":\"service.name\",\
                         \"value\":{{\"stringValue\":\"svc\"}}}}]}},\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}\n",
                        spans.join(",")
                    ));
                }
            }
        }
        // Sometimes the input ends without a newline, or inside a value.
        match rng.below(4) {
            0 => {
                out.pop();
            }
            1 => {
                let cut = out.len() - 1 - rng.below(40usize.min(out.len() - 1));
                out.truncate(cut);
            }
            _ => {}
        }
        out
    }

    #[test]
    fn the_prefilter_keeps_every_span_and_problem_of_the_wanted_traces() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..150 {
            // Ids: 128-bit, 64-bit, with leading zeros, two sharing a prefix.
            let shared = (rng.next() as u128) << 96;
            let mut ids: Vec<TraceId> = vec![
                TraceId((u128::from(rng.next()) << 64) | u128::from(rng.next())),
                TraceId(u128::from(rng.next() >> (4 * rng.below(3)))),
                TraceId(u128::from(rng.next()) << (8 * rng.below(3))),
                TraceId(shared | u128::from(rng.next())),
                TraceId(shared | u128::from(rng.next()) << 32),
            ];
            ids.retain(|id| !id.is_zero());
            let text = generate(&ids, &mut rng);
            // Wanted: one or two ids, whole or a prefix of a printed form.
            let mut refs = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let id = ids[rng.below(ids.len())];
                let printed = if id.high() == 0 && rng.below(2) == 0 {
                    id.to_short_hex()
                } else {
                    id.to_string()
                };
                let len = if rng.below(2) == 0 {
                    printed.len()
                } else {
                    8 + rng.below(printed.len() - 8)
                };
                if let Ok(r) = TraceRef::parse(&printed[..len]) {
                    refs.push(r);
                }
            }
            let wanted = |s: &crate::model::Span| refs.iter().any(|r| r.matches(s.trace_id));
            for chunk in [1, 50, 300, 1 << 20] {
                let (all, all_warnings, all_r) = read_wanting(text.as_bytes(), None, chunk);
                let (some, some_warnings, some_r) =
                    read_wanting(text.as_bytes(), Some(&refs), chunk);
                let all: Vec<_> = all.into_iter().filter(wanted).collect();
                let some: Vec<_> = some.into_iter().filter(wanted).collect();
                let why = format!("round {round}, chunk {chunk}, refs {refs:?}\n{text}");
                assert_eq!(some, all, "{why}");
                assert_eq!(some_r, all_r, "{why}");
                // Problems of the lines parsed are reported as before, at the same place;
                // those of lines skipped are not.
                let mut rest = all_warnings.iter();
                for w in &some_warnings {
                    if w.message.contains("more problems like") {
                        continue;
                    }
                    assert!(
                        rest.any(|a| a == w),
                        "{w:?} not among {all_warnings:?}\n{why}"
                    );
                }
            }
        }
    }
}
