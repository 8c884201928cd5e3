//! Span names per service, and the normaliser that turns a name embedding ids into the
//! template it should have been (`GET /users/42` → `GET /users/{id}`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::{Distinct, IdHasher, MAX_TEMPLATES, Masker, hash_bytes};
use crate::analysis::pii::validators::is_uuid;
use crate::model::{SpanId, TraceId};

/// Distinct raw names hashed to their template, so a name is normalised once.
const MAX_SEEN: usize = 10_000;

/// Names of one template.
#[derive(Clone, Debug, Default)]
pub struct Template {
    pub template: Box<str>,
    /// Distinct raw names that normalise to it.
    pub names: Distinct,
    pub spans: u64,
    /// The normaliser replaced something (this is not a plain name).
    pub templated: bool,
    /// A replacement that is surely an id (path segment, UUID, email, long number…), not a
    /// small number in a phrase.
    pub strong: bool,
    /// One raw name, masked.
    pub example: String,
    pub first: Option<(TraceId, SpanId)>,
}

#[derive(Clone, Debug, Default)]
pub struct NameStats {
    pub distinct: Distinct,
    pub spans: u64,
    seen: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    pub templates: Vec<Template>,
    index: HashMap<Box<str>, u32>,
    /// Spans whose template was not tracked (more than MAX_TEMPLATES templates).
    pub other_spans: u64,
}

impl Template {
    /// Distinct raw names; an estimate never exceeds the spans.
    pub fn distinct_count(&self) -> u64 {
        self.names.count().min(self.spans)
    }
}

impl NameStats {
    /// Distinct span names; an estimate never exceeds the spans.
    pub fn distinct_count(&self) -> u64 {
        self.distinct.count().min(self.spans)
    }

    pub fn add(&mut self, name: &str, at: (TraceId, SpanId), cap: usize, masker: Masker<'_>) {
        let h = hash_bytes(9, name.as_bytes());
        self.distinct.insert(h, cap);
        self.spans += 1;
        let idx = match self.seen.get(&h) {
            Some(&i) => Some(i),
            None => {
                let (t, strong) = normalize_name(name);
                let templated = t != name;
                let i = match self.index.get(&*t) {
                    Some(&i) => Some(i),
                    None if self.templates.len() >= MAX_TEMPLATES => None,
                    None => {
                        let i = self.templates.len() as u32;
                        self.index.insert(t.clone().into(), i);
                        self.templates.push(Template {
                            template: t.into(),
                            templated,
                            example: masker("", name).chars().take(120).collect(),
                            first: Some(at),
                            ..Template::default()
                        });
                        Some(i)
                    }
                };
                if let Some(i) = i {
                    if let Some(tpl) = self.templates.get_mut(i as usize) {
                        tpl.strong |= strong;
                    }
                    if self.seen.len() < MAX_SEEN {
                        self.seen.insert(h, i);
                    }
                }
                i
            }
        };
        match idx.and_then(|i| self.templates.get_mut(i as usize)) {
            Some(t) => {
                t.spans += 1;
                t.names.insert(h, cap);
            }
            None => self.other_spans += 1,
        }
    }

    pub fn merge(&mut self, other: NameStats, cap: usize) {
        self.distinct.merge(other.distinct, cap);
        self.spans += other.spans;
        self.other_spans += other.other_spans;
        for t in other.templates {
            match self.index.get(&t.template) {
                Some(&i) => {
                    if let Some(m) = self.templates.get_mut(i as usize) {
                        m.names.merge(t.names, cap);
                        m.spans += t.spans;
                        m.strong |= t.strong;
                        m.first = m.first.or(t.first);
                    }
                }
                None if self.templates.len() < MAX_TEMPLATES => {
                    self.index
                        .insert(t.template.clone(), self.templates.len() as u32);
                    self.templates.push(t);
                }
                None => self.other_spans += t.spans,
            }
        }
    }
}

const SEPS: &[u8] = b" /,;()[]{}=&#\"<>|\t\n";

/// The template of a span name and whether a replacement was surely an id. Ids are numbers,
/// UUIDs, hex runs of 8+ with a digit, emails, IP addresses, dates, long mixed-case-and-digit
/// tokens, quoted literals and query strings. Unchanged names are borrowed.
pub fn normalize_name(name: &str) -> (Cow<'_, str>, bool) {
    let b = name.as_bytes();
    if !b
        .iter()
        .any(|&c| c.is_ascii_digit() || c == b'@' || c == b'\'' || c == b'?')
    {
        return (Cow::Borrowed(name), false);
    }
    let (main, query) = split_query(name);
    let mb = main.as_bytes();
    let mut out = String::with_capacity(name.len() + 8);
    let mut strong = false;
    let mut i = 0;
    let mut start = 0;
    while i <= mb.len() {
        let c = mb.get(i).copied();
        // A quote opens a literal unless it is an apostrophe inside a word (`I'm`).
        if c == Some(b'\'') && !(i > 0 && mb[i - 1].is_ascii_alphanumeric()) {
            let tok = &main[start..i];
            out.push_str(&classify(tok, false, &mut strong));
            let end = main[i + 1..].find('\'').map_or(mb.len(), |e| i + 1 + e + 1);
            out.push_str("{str}");
            strong = true;
            i = end;
            start = i;
            continue;
        }
        if c.is_none_or(|c| SEPS.contains(&c)) {
            let tok = &main[start..i];
            let after_slash = start > 0 && mb.get(start - 1) == Some(&b'/');
            out.push_str(&classify(tok, after_slash, &mut strong));
            if let Some(c) = c {
                out.push(char::from(c));
            }
            i += 1;
            start = i;
            continue;
        }
        i += 1;
    }
    if query {
        out.push_str("?{query}");
        strong = true;
    }
    if out == name {
        (Cow::Borrowed(name), false)
    } else {
        (Cow::Owned(out), strong)
    }
}

/// `?key=` starts a query string; a bare `?` (an SQL placeholder) does not.
fn split_query(name: &str) -> (&str, bool) {
    for (i, _) in name.match_indices('?') {
        let rest = &name.as_bytes()[i + 1..];
        let key_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_.-[]".contains(b))
            .count();
        if key_len > 0 && rest.get(key_len) == Some(&b'=') {
            return (&name[..i], true);
        }
    }
    (name, false)
}

fn classify<'a>(tok: &'a str, after_slash: bool, strong: &mut bool) -> Cow<'a, str> {
    let b = tok.as_bytes();
    if b.is_empty() || !b.iter().any(|c| c.is_ascii_digit() || *c == b'@') {
        return Cow::Borrowed(tok);
    }
    macro_rules! sure {
        ($s:expr) => {{
            *strong = true;
            Cow::Borrowed($s)
        }};
    }
    if is_uuid(tok) {
        return sure!("{uuid}");
    }
    if is_email(tok) {
        return sure!("{email}");
    }
    if (tok.contains('.') || tok.contains(':')) && tok.parse::<std::net::IpAddr>().is_ok() {
        return sure!("{ip}");
    }
    if is_date(b) {
        return sure!("{date}");
    }
    if b.iter().all(u8::is_ascii_digit) {
        if after_slash || b.len() >= 4 {
            *strong = true;
        }
        return Cow::Borrowed("{id}");
    }
    if is_hex_id(b) {
        return sure!("{hex}");
    }
    if is_mixed_id(b) {
        return sure!("{id}");
    }
    let splitter = if tok.contains(':') { ':' } else { '\0' };
    let mut out = String::with_capacity(tok.len());
    let mut changed = false;
    if splitter == ':' {
        for (n, part) in tok.split(':').enumerate() {
            if n > 0 {
                out.push(':');
            }
            let c = classify(part, false, strong);
            changed |= c != part;
            out.push_str(&c);
        }
    } else {
        let mut last = 0;
        for (i, sep) in tok
            .match_indices(['-', '_', '.'])
            .map(|(i, s)| (i, Some(s)))
            .chain([(tok.len(), None)])
        {
            let part = &tok[last..i];
            let pb = part.as_bytes();
            let rep = if pb.len() >= 2 && pb.iter().all(u8::is_ascii_digit) {
                *strong |= pb.len() >= 4;
                Some("{id}")
            } else if is_hex_id(pb) || is_mixed_id(pb) {
                *strong = true;
                Some(if is_hex_id(pb) { "{hex}" } else { "{id}" })
            } else {
                None
            };
            changed |= rep.is_some();
            out.push_str(rep.unwrap_or(part));
            if let Some(s) = sep {
                out.push_str(s);
            }
            last = i + sep.map_or(0, str::len);
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(tok)
    }
}

fn is_email(tok: &str) -> bool {
    let Some((local, domain)) = tok.rsplit_once('@') else {
        return false;
    };
    let tld = domain.rsplit_once('.').map_or("", |(_, t)| t);
    !local.is_empty() && tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic())
}

fn is_date(b: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|s| s.iter().all(u8::is_ascii_digit))
            .map(|s| s.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
    };
    let (Some(_), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && b.get(10).is_none_or(|c| matches!(c, b'T' | b' ' | b'_'))
}

fn is_hex_id(b: &[u8]) -> bool {
    b.len() >= 8 && b.iter().all(u8::is_ascii_hexdigit) && b.iter().any(u8::is_ascii_digit)
}

fn is_mixed_id(b: &[u8]) -> bool {
    b.len() >= 16
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b.iter().filter(|c| c.is_ascii_digit()).count() >= 3
        && b.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 3
}
