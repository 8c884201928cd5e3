//! The value scanner: cheap byte statistics and a keyword automaton decide which patterns can
//! match; each pattern proposes candidates; validators decide; overlapping matches keep the
//! higher-priority rule. Nothing is allocated for a value without a match.

use std::borrow::Cow;

use memchr::{memchr2_iter, memmem};
use regex::Regex;

use super::detect::{hit, ssn_digits};
use super::rules::{KeyClass, Kind};
use super::{RuleKey, mask, sql, validators as v};
use crate::analysis::rules::PII_KINDS;

/// One match in a scanned text: the rule, where (byte range), and the masked form.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub rule: RuleKey,
    pub start: usize,
    pub end: usize,
    pub masked: String,
    /// Safe extra facts: a card network, a JWT's `alg`, a URL parameter's name.
    pub detail: Option<String>,
}

/// A key's class plus which custom rules apply to it; computed once per distinct key.
#[derive(Copy, Clone, Debug, Default)]
pub struct KeyInfo {
    pub class: KeyClass,
    /// Bit i: custom rule i applies to this key.
    pub custom: u64,
}

/// A user-defined pattern rule (from the lint config).
#[derive(Clone, Debug)]
pub struct CustomPattern {
    /// False when the config disables the rule (it keeps its index).
    pub enabled: bool,
    pub regex: Regex,
    /// Key globs as one regex; `None` = every key (and names, messages).
    pub keys: Option<Regex>,
}

pub(super) const F_AUTH: u32 = 1;
pub(super) const F_JWT: u32 = 2;
pub(super) const F_AWS: u32 = 4;
pub(super) const F_URL: u32 = 8;
pub(super) const F_PEM: u32 = 16;
pub(super) const F_API: u32 = 32;

pub struct Scanner {
    pub(super) enabled: [bool; PII_KINDS],
    pub(super) allow_reserved_domains: bool,
    pub(super) email: Regex,
    pub(super) card: Regex,
    pub(super) ssn: Regex,
    pub(super) iban: Regex,
    pub(super) phone: Regex,
    pub(super) ipv4: Regex,
    pub(super) ipv6: Regex,
    pub(super) jwt: Regex,
    pub(super) auth: Regex,
    pub(super) aws: Regex,
    pub(super) url_cred: Regex,
    pub(super) pem: Regex,
    pub(super) api: Regex,
    pub(crate) custom: Vec<CustomPattern>,
    finders: [memmem::Finder<'static>; 4],
}

fn re(p: &str) -> Regex {
    // The built-in patterns are constants: a failure is a bug caught by every test.
    Regex::new(p).expect("built-in pattern")
}

impl Scanner {
    /// `disabled`: built-in rules switched off; `custom`: config rules (at most 64).
    pub fn new(
        disabled: &[Kind],
        allow_reserved_domains: bool,
        custom: Vec<CustomPattern>,
    ) -> Self {
        let mut enabled = [true; PII_KINDS];
        for r in disabled {
            enabled[*r as usize] = false;
        }
        Scanner {
            enabled,
            allow_reserved_domains,
            email: re(r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,63}"),
            card: re(r"[0-9](?:[ -]?[0-9]){11,18}"),
            ssn: re(r"[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}"),
            iban: re(r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"),
            phone: re(r"\+[1-9][0-9 ().-]{6,22}[0-9]"),
            ipv4: re(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}"),
            ipv6: re(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}"),
            jwt: re(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
            auth: re(r"(?i:(bearer|basic|token|digest|negotiate))[ \t]+([A-Za-z0-9._~+/=-]{8,})"),
            aws: re(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"),
            url_cred: re(
                r"[A-Za-z][A-Za-z0-9+.-]{0,20}://([^/\s:@?#]{1,256}):([^/\s@?#]{1,256})@([A-Za-z0-9.-]{0,253})",
            ),
            pem: re(r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY-----"),
            api: re(
                r"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20}|xox[baprs]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}|AIza[A-Za-z0-9_-]{35})",
            ),
            custom,
            finders: [b"://".as_slice(), b"-----BEGIN", b"eyJ", b"AIza"].map(memmem::Finder::new),
        }
    }

    pub fn on(&self, r: Kind) -> bool {
        self.enabled[r as usize]
    }

    /// Classify a key (once per distinct key).
    pub fn key_info(&self, key: &str) -> KeyInfo {
        let mut custom = 0u64;
        for (i, c) in self.custom.iter().enumerate().take(64) {
            if c.enabled && c.keys.as_ref().is_none_or(|k| k.is_match(key)) {
                custom |= 1 << i;
            }
        }
        KeyInfo {
            class: KeyClass::of(key),
            custom,
        }
    }

    /// For span names, event names and status messages: no key context; every custom rule
    /// without a key restriction applies.
    pub fn text_info(&self) -> KeyInfo {
        let mut custom = 0u64;
        for (i, c) in self.custom.iter().enumerate().take(64) {
            if c.enabled && c.keys.is_none() {
                custom |= 1 << i;
            }
        }
        KeyInfo {
            class: KeyClass::default(),
            custom,
        }
    }

    /// Scan a string value. `out` is cleared first; hits come back sorted by position.
    pub fn scan_str(&self, key: &KeyInfo, text: &str, out: &mut Vec<Hit>) {
        self.scan_str_gated::<true>(key, text, out);
    }

    /// [`Scanner::scan_str`] without the byte-level prefilters: every detector's pattern runs on
    /// every value that is not an id. The oracle the prefiltered scan is tested against.
    #[cfg(test)]
    pub(super) fn scan_str_unfiltered(&self, key: &KeyInfo, text: &str, out: &mut Vec<Hit>) {
        self.scan_str_gated::<false>(key, text, out);
    }

    /// `FILTER`: skip the detectors that the byte statistics and substring tests rule out.
    fn scan_str_gated<const FILTER: bool>(&self, key: &KeyInfo, text: &str, out: &mut Vec<Hit>) {
        out.clear();
        let b = text.as_bytes();
        if b.is_empty() {
            return;
        }
        let c = &key.class;
        let mut st = Stats::of(b);
        let id_like = v::is_id_like(text);
        if st.digits >= 8 && !id_like {
            number_shapes(b, &mut st);
        }
        if !id_like {
            let flags = if FILTER {
                gates(b, &st, &self.finders)
            } else {
                st.at = true;
                F_AUTH | F_JWT | F_AWS | F_URL | F_PEM | F_API
            };
            self.secrets(c, text, flags, &st, out);
            if (!FILTER || st.at && st.dots > 0) && self.on(Kind::Email) {
                self.emails(text, out);
            }
            if (!FILTER || st.run >= 12) && self.on(Kind::CreditCard) {
                self.cards(c, text, out);
            }
            if (!FILTER || st.run >= 9 && st.seps) && self.on(Kind::UsSsn) {
                self.ssns(text, out);
            }
            if (!FILTER || st.iban_start && st.digits >= 8 && b.len() >= 15) && self.on(Kind::Iban)
            {
                self.ibans(text, out);
            }
            if (!FILTER || st.plus && st.digits >= 8) && self.on(Kind::Phone) {
                self.phones(text, out);
            }
            if !c.version && !c.server_ip && self.on(Kind::IpAddress) {
                if !FILTER || st.dotted >= 3 || (st.digits < 8 && st.dots >= 3 && st.digits >= 4) {
                    self.ipv4s(c, text, out);
                }
                if !FILTER || st.colons >= 2 {
                    self.ipv6s(c, text, out);
                }
            }
            if (!FILTER || (st.question || c.query) && st.equals) && self.on(Kind::SignedUrl) {
                self.signed(c, text, out);
            }
        }
        self.contextual(c, text, out);
        self.customs(key.custom, text, out);
        if c.secret && self.on(Kind::SecretKeyName) && !v::is_masked(text) {
            let covered = out
                .iter()
                .any(|h| matches!(h.rule, RuleKey::Builtin(r) if r <= Kind::SecretKeyName));
            if !covered {
                out.push(hit(
                    Kind::SecretKeyName,
                    0,
                    b.len(),
                    mask::secret(text),
                    None,
                ));
            }
        }
        resolve_overlaps(out);
        if c.sql
            && self.on(Kind::SqlLiteral)
            && let Some(s) = sql::literals(text)
        {
            out.push(hit(
                Kind::SqlLiteral,
                0,
                b.len(),
                s.sanitized,
                Some(format!("{} literal(s)", s.count)),
            ));
        }
    }

    /// Scan an integer value: digits under a card, SSN or phone key, cards under keys that are
    /// not ids or counts, and anything under a secret key.
    pub fn scan_int(&self, key: &KeyInfo, value: i64, out: &mut Vec<Hit>) {
        out.clear();
        let mut buf = [0u8; 24];
        let text = fmt_i64(value, &mut buf);
        let c = &key.class;
        let n = text.len();
        let d = text.as_bytes();
        let push = |out: &mut Vec<Hit>, r: Kind, m: String| out.push(hit(r, 0, n, m, None));
        if c.secret && self.on(Kind::SecretKeyName) {
            push(out, Kind::SecretKeyName, mask::secret(text));
        } else if self.on(Kind::CreditCard)
            && (c.card || (!c.numeric && !c.version))
            && v::is_card(d)
        {
            push(out, Kind::CreditCard, mask::card(text));
        } else if c.ssn && n == 9 && self.on(Kind::UsSsn) && ssn_digits(d) {
            push(out, Kind::UsSsn, mask::ssn(&text[5..]));
        } else if c.phone && (7..=15).contains(&n) && self.on(Kind::Phone) && !v::all_same(d) {
            push(out, Kind::Phone, mask::phone(text, false));
        } else if c.cvv && (3..=4).contains(&n) && self.on(Kind::CreditCard) {
            push(out, Kind::CreditCard, "***".into());
        }
    }

    /// The text with every match replaced by its mask: for names, keys and examples that are
    /// shown in output.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut hits = Vec::new();
        self.scan_str(&self.text_info(), text, &mut hits);
        redact_with(text, &hits)
    }
}

#[derive(Default)]
pub(super) struct Stats {
    pub(super) digits: usize,
    pub(super) upper: usize,
    pub(super) dots: usize,
    pub(super) colons: usize,
    pub(super) at: bool,
    pub(super) plus: bool,
    pub(super) question: bool,
    pub(super) equals: bool,
    pub(super) seps: bool,
    /// Longest run of digits with single separators.
    pub(super) run: usize,
    /// Most dots inside one number (`81.2.69.160` has 3).
    pub(super) dotted: usize,
    /// Two capitals followed by two digits somewhere (an IBAN can start there).
    pub(super) iban_start: bool,
}

impl Stats {
    /// The byte counts of a value (the shapes are left to [`number_shapes`]). Every byte of
    /// every scanned value goes through this loop: it is branch-free, over blocks of at most
    /// 255 bytes with byte-wide counters, so that the compiler can use SIMD.
    pub(super) fn of(b: &[u8]) -> Stats {
        let mut st = Stats::default();
        let mut flags = [0usize; 5];
        for block in b.chunks(255) {
            let (mut digits, mut upper, mut dots, mut colons) = (0u8, 0u8, 0u8, 0u8);
            let (mut at, mut plus, mut question, mut equals, mut seps) = (0u8, 0u8, 0u8, 0u8, 0u8);
            for &x in block {
                digits += u8::from(x.wrapping_sub(b'0') < 10);
                upper += u8::from(x.wrapping_sub(b'A') < 26);
                dots += u8::from(x == b'.');
                colons += u8::from(x == b':');
                at += u8::from(x == b'@');
                plus += u8::from(x == b'+');
                question += u8::from(x == b'?');
                equals += u8::from(x == b'=');
                seps += u8::from(x == b'-' || x == b' ');
            }
            st.digits += usize::from(digits);
            st.upper += usize::from(upper);
            st.dots += usize::from(dots);
            st.colons += usize::from(colons);
            for (f, n) in flags.iter_mut().zip([at, plus, question, equals, seps]) {
                *f += usize::from(n);
            }
        }
        let [at, plus, question, equals, seps] = flags.map(|n| n > 0);
        Stats {
            at,
            plus,
            question,
            equals,
            seps,
            ..st
        }
    }
}

/// Which secret detectors can match: cheap byte tests and short substring checks instead of
/// running every pattern.
fn gates(b: &[u8], st: &Stats, f4: &[memmem::Finder<'static>; 4]) -> u32 {
    let mut f = 0;
    if st.colons > 0 && st.at && f4[0].find(b).is_some() {
        f |= F_URL;
    }
    // Each length is the shortest match of the rule's pattern.
    if st.seps && b.len() >= 26 && f4[1].find(b).is_some() {
        f |= F_PEM;
    }
    if st.dots >= 2 && b.len() >= 24 && f4[2].find(b).is_some() {
        f |= F_JWT;
    }
    if st.upper >= 2 && b.len() >= 20 && aws_prefix(b) {
        f |= F_AWS;
    }
    if b.len() >= 14 {
        // An auth scheme is a word followed by a space or tab.
        for i in memchr2_iter(b' ', b'\t', b) {
            let start = b[..i]
                .iter()
                .rposition(|c| !c.is_ascii_alphabetic())
                .map_or(0, |p| p + 1);
            let word = &b[start..i];
            if (5..=9).contains(&word.len())
                && ["bearer", "basic", "token", "digest", "negotiate"]
                    .iter()
                    .any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
            {
                f |= F_AUTH;
                break;
            }
        }
    }
    if b.len() >= 15 {
        // Vendor tokens: a known prefix before `_` or `-` (ghp_, glpat-, xoxb-, sk_live_…), or AIza.
        for i in memchr2_iter(b'_', b'-', b) {
            let pre = &b[i.saturating_sub(6)..i];
            let known = [
                "ghp", "gho", "ghu", "ghs", "ghr", "github", "glpat", "xoxb", "xoxa", "xoxp",
                "xoxr", "xoxs", "sk", "rk",
            ];
            if known.iter().any(|k| pre.ends_with(k.as_bytes())) {
                f |= F_API;
                break;
            }
        }
        if st.upper > 0 && f4[3].find(b).is_some() {
            f |= F_API;
        }
    }
    f
}

/// An AWS access key id's prefix (`AKIA`, `ASIA`, `ABIA`, `ACCA`, `A3T`) somewhere.
fn aws_prefix(b: &[u8]) -> bool {
    memchr::memchr_iter(b'A', b).any(|i| {
        let r = &b[i..];
        [b"AKIA".as_slice(), b"ASIA", b"ABIA", b"ACCA", b"A3T"]
            .iter()
            .any(|p| r.starts_with(p))
    })
}

/// The longest digit run (single spaces or dashes allowed between digits), the most dots inside
/// one number, and whether two capitals precede two digits: only for values with 8+ digits.
fn number_shapes(b: &[u8], st: &mut Stats) {
    let (mut run, mut last_sep, mut dots, mut prev_digit) = (0usize, false, 0usize, false);
    // Classes of the last three bytes: 1 = capital, 2 = digit, 0 = other.
    let (mut p1, mut p2, mut p3) = (0u8, 0u8, 0u8);
    for &x in b {
        let digit = x.is_ascii_digit();
        if digit {
            run += 1;
            st.run = st.run.max(run);
            last_sep = false;
        } else if (x == b' ' || x == b'-') && run > 0 && !last_sep {
            last_sep = true;
        } else {
            run = 0;
            last_sep = false;
        }
        if x == b'.' && prev_digit {
            dots += 1;
            st.dotted = st.dotted.max(dots);
        } else if !digit {
            dots = 0;
        }
        st.iban_start |= digit && p1 == 2 && p2 == 1 && p3 == 1;
        (p3, p2, p1) = (
            p2,
            p1,
            u8::from(x.is_ascii_uppercase()) + 2 * u8::from(digit),
        );
        prev_digit = digit;
    }
}

/// Keep, among overlapping hits, the one of the higher-priority rule (then the earlier one).
fn resolve_overlaps(hits: &mut Vec<Hit>) {
    if hits.len() < 2 {
        return;
    }
    hits.sort_by_key(|h| (h.rule.priority(), h.start));
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        if !kept.iter().any(|k| h.start < k.end && k.start < h.end) {
            kept.push(h);
        }
    }
    kept.sort_by_key(|h| h.start);
    *hits = kept;
}

/// Replace each hit's range with its mask (hits are sorted and do not overlap).
pub fn redact_with<'a>(text: &'a str, hits: &[Hit]) -> Cow<'a, str> {
    if hits.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for h in hits {
        if h.start < pos
            || h.end > text.len()
            || matches!(h.rule, RuleKey::Builtin(Kind::SqlLiteral))
        {
            continue;
        }
        out.push_str(text.get(pos..h.start).unwrap_or(""));
        out.push_str(&h.masked);
        pos = h.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    Cow::Owned(out)
}

/// Decimal digits of an integer without allocating.
pub fn fmt_i64(v: i64, buf: &mut [u8; 24]) -> &str {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("")
}
