//! The detectors behind `Scanner::scan_str`: one per rule family, each a candidate pattern
//! followed by validation in code and boundary checks (the regex crate has no look-around).

use super::rules::{KeyClass, Kind};
use super::scan::{F_API, F_AUTH, F_AWS, F_JWT, F_PEM, F_URL, Hit, Scanner, Stats};
use super::{RuleKey, mask, validators as v};

/// Query parameters that carry signatures or credentials. Semantic conventions name the first
/// four (case-sensitive); the rest are ours (any case).
const SIGNED_EXACT: &[&str] = &["AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"];
const SIGNED_ANY_CASE: &[&str] = &[
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "x-goog-credential",
    "token",
    "access_token",
    "id_token",
    "refresh_token",
    "auth_token",
    "api_key",
    "apikey",
    "api-key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "client_secret",
    "session_token",
];

impl Scanner {
    pub(super) fn secrets(
        &self,
        c: &KeyClass,
        text: &str,
        flags: u32,
        st: &Stats,
        out: &mut Vec<Hit>,
    ) {
        if flags & F_URL != 0 && st.at && self.on(Kind::UrlCredentials) {
            for caps in self.url_cred.captures_iter(text) {
                let (Some(all), Some(user), Some(pass)) = (caps.get(0), caps.get(1), caps.get(2))
                else {
                    continue;
                };
                let host = caps.get(3).map_or("", |h| h.as_str());
                let p = pass.as_str();
                if v::is_masked(p) || p.starts_with('$') || p.starts_with('{') || p.starts_with('<')
                {
                    continue;
                }
                let scheme = &text[all.start()..user.start()];
                let m = format!(
                    "{scheme}{}***:****@{host}",
                    user.as_str().chars().next().unwrap_or('*')
                );
                out.push(hit(Kind::UrlCredentials, all.start(), all.end(), m, None));
            }
        }
        if flags & F_PEM != 0 && self.on(Kind::PrivateKey) {
            for m in self.pem.find_iter(text) {
                let end = text[m.end()..]
                    .find("PRIVATE KEY-----")
                    .map_or(m.end(), |e| m.end() + e + 16);
                out.push(hit(
                    Kind::PrivateKey,
                    m.start(),
                    end,
                    mask::token(m.as_str(), end - m.end()),
                    None,
                ));
            }
        }
        if flags & F_AUTH != 0 {
            for caps in self.auth.captures_iter(text) {
                let (Some(all), Some(scheme), Some(tok)) = (caps.get(0), caps.get(1), caps.get(2))
                else {
                    continue;
                };
                if !boundary_before(text, all.start()) {
                    continue;
                }
                let t = tok.as_str();
                let s = scheme.as_str().to_ascii_lowercase();
                let label = &text[all.start()..tok.start()];
                if s == "basic" {
                    if self.on(Kind::BasicAuth) && v::is_basic_credentials(t) {
                        out.push(hit(
                            Kind::BasicAuth,
                            all.start(),
                            all.end(),
                            mask::token(label, t.len()),
                            None,
                        ));
                    }
                } else if self.on(Kind::BearerToken) && !v::is_masked(t) {
                    let strong = t.len() >= 16 && classes(t) >= 2;
                    let ok = if s == "bearer" {
                        strong
                    } else {
                        c.auth_header && all.start() == 0 && t.len() >= 8
                    };
                    if ok {
                        out.push(hit(
                            Kind::BearerToken,
                            all.start(),
                            all.end(),
                            mask::token(label, t.len()),
                            None,
                        ));
                    }
                }
            }
        }
        if flags & F_JWT != 0 && self.on(Kind::Jwt) {
            for m in self.jwt.find_iter(text) {
                if !boundary_before(text, m.start()) {
                    continue;
                }
                let header = m.as_str().split('.').next().unwrap_or("");
                if let Some(alg) = v::jwt_alg(header) {
                    let masked = format!("eyJ****({} chars, alg {alg})", m.len());
                    out.push(hit(
                        Kind::Jwt,
                        m.start(),
                        m.end(),
                        masked,
                        Some(format!("alg {alg}")),
                    ));
                }
            }
        }
        if flags & F_AWS != 0 && self.on(Kind::AwsAccessKey) {
            for m in self.aws.find_iter(text) {
                if alnum_at(text, m.start(), -1) || alnum_at(text, m.end(), 0) {
                    continue;
                }
                out.push(hit(
                    Kind::AwsAccessKey,
                    m.start(),
                    m.end(),
                    mask::key_id(m.as_str()),
                    None,
                ));
            }
        }
        if flags & F_API != 0 && self.on(Kind::ApiToken) {
            for m in self.api.find_iter(text) {
                if alnum_at(text, m.start(), -1) || alnum_at(text, m.end(), 0) {
                    continue;
                }
                let s = m.as_str();
                let cut = s.find(['_', '-']).map_or(4, |i| i + 1).min(s.len());
                let prefix = if s.starts_with("AIza") {
                    "AIza"
                } else {
                    &s[..cut]
                };
                out.push(hit(
                    Kind::ApiToken,
                    m.start(),
                    m.end(),
                    mask::token(prefix, s.len() - prefix.len()),
                    None,
                ));
            }
        }
    }

    pub(super) fn emails(&self, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.email.find_iter(text) {
            let (mut start, end) = (m.start(), m.end());
            while b.get(start) == Some(&b'.') {
                start += 1;
            }
            let s = &text[start..end];
            let Some((local, domain)) = s.rsplit_once('@') else {
                continue;
            };
            if local.is_empty() || alnum_at(text, end, 0) || b.get(end) == Some(&b'-') {
                continue;
            }
            // URL userinfo (`ssh://git@host/…`) and SSH remotes (`git@github.com:org/repo`).
            let before = &text[..start];
            if before
                .rfind("://")
                .is_some_and(|p| !before[p + 3..].contains(['/', ' ', '@', '?']))
            {
                continue;
            }
            if b.get(end) == Some(&b':') && b.get(end + 1).is_some_and(|c| !c.is_ascii_whitespace())
            {
                continue;
            }
            let tld = domain.rsplit('.').next().unwrap_or("");
            if v::is_file_extension(tld)
                || (!self.allow_reserved_domains && v::is_reserved_domain(domain))
            {
                continue;
            }
            out.push(hit(Kind::Email, start, end, mask::email(s), None));
        }
    }

    pub(super) fn cards(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let mut context: Option<bool> = None;
        for m in self.card.find_iter(text) {
            if !num_boundary(text, m.start(), m.end()) {
                continue;
            }
            let raw = m.as_str();
            let mut digits = [0u8; 19];
            let mut n = 0;
            let mut groups = [0u8; 8];
            let mut g = 0;
            let mut sep: Option<u8> = None;
            let mut mixed = false;
            for &x in raw.as_bytes() {
                if x.is_ascii_digit() {
                    digits[n.min(18)] = x;
                    n += 1;
                    if let Some(slot) = groups.get_mut(g) {
                        *slot += 1;
                    }
                } else {
                    mixed |= sep.is_some_and(|s| s != x);
                    sep = Some(x);
                    g += 1;
                }
            }
            let d = &digits[..n.min(19)];
            if mixed || !v::is_card(d) {
                continue;
            }
            let grouped = sep.is_some()
                && g >= 2
                && groups[..=g.min(7)].iter().all(|&l| (3..=6).contains(&l));
            let bare = m.start() == 0 && m.end() == text.len() && sep.is_none();
            let ctx = c.card || *context.get_or_insert_with(|| card_words(text));
            if grouped || ctx || (bare && !c.numeric && !c.version) {
                let s = std::str::from_utf8(d).unwrap_or("");
                let net = v::card_network(d).map(String::from);
                out.push(hit(
                    Kind::CreditCard,
                    m.start(),
                    m.end(),
                    mask::card(s),
                    net,
                ));
            }
        }
    }

    pub(super) fn ssns(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.ssn.find_iter(text) {
            let s = m.as_bytes_ok();
            if !num_boundary(text, m.start(), m.end()) || s[3] != s[6] {
                continue;
            }
            let n = |r: std::ops::Range<usize>| {
                s[r].iter().fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'))
            };
            if v::is_ssn(n(0..3), n(4..6), n(7..11)) {
                out.push(hit(
                    Kind::UsSsn,
                    m.start(),
                    m.end(),
                    mask::ssn(&m.as_str()[7..]),
                    None,
                ));
            }
        }
    }

    pub(super) fn ibans(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.iban.find_iter(text) {
            if alnum_at(text, m.start(), -1) {
                continue;
            }
            // The match may run into the next word: try each group boundary, longest first.
            let raw = m.as_str();
            let mut compact = Vec::with_capacity(34);
            let mut ends = Vec::new();
            for (i, ch) in raw.bytes().enumerate() {
                if ch != b' ' {
                    compact.push(ch);
                    ends.push(i + 1);
                }
            }
            for len in (15..=compact.len().min(34)).rev() {
                let end = m.start() + ends[len - 1];
                if !alnum_at(text, end, 0) && v::is_iban(&compact[..len]) {
                    let s = std::str::from_utf8(&compact[..len]).unwrap_or("");
                    out.push(hit(Kind::Iban, m.start(), end, mask::iban(s), None));
                    break;
                }
            }
        }
    }

    pub(super) fn phones(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.phone.find_iter(text) {
            if alnum_at(text, m.start(), -1)
                || text.as_bytes().get(m.end()).is_some_and(u8::is_ascii_digit)
            {
                continue;
            }
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            if (8..=15).contains(&digits.len()) && !v::all_same(digits.as_bytes()) {
                out.push(hit(
                    Kind::Phone,
                    m.start(),
                    m.end(),
                    mask::phone(&digits, true),
                    None,
                ));
            }
        }
    }

    pub(super) fn ipv4s(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.ipv4.find_iter(text) {
            let before = m.start().checked_sub(1).and_then(|i| b.get(i));
            // `Chrome/131.0.0.0`, `v1.2.3.4`: a version after a slash or a letter, not an address.
            if before.is_some_and(|x| {
                x.is_ascii_alphanumeric() || matches!(*x, b'.' | b'_' | b'/' | b'-')
            }) {
                continue;
            }
            let after = b.get(m.end());
            let dotted_more =
                after == Some(&b'.') && b.get(m.end() + 1).is_some_and(u8::is_ascii_digit);
            if after.is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_') || dotted_more {
                continue;
            }
            if let Ok(ip) = m.as_str().parse::<std::net::Ipv4Addr>()
                && v::is_public_ip(ip.into())
            {
                out.push(hit(
                    Kind::IpAddress,
                    m.start(),
                    m.end(),
                    mask::ip(m.as_str()),
                    ip_detail(c),
                ));
            }
        }
    }

    pub(super) fn ipv6s(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.ipv6.find_iter(text) {
            let before = m.start().checked_sub(1).and_then(|i| b.get(i));
            if before.is_some_and(|x| x.is_ascii_alphanumeric() || *x == b':')
                || alnum_at(text, m.end(), 0)
            {
                continue;
            }
            if let Some(ip) = v::parse_ipv6(m.as_str())
                && v::is_public_ip(ip.into())
            {
                out.push(hit(
                    Kind::IpAddress,
                    m.start(),
                    m.end(),
                    mask::ip(m.as_str()),
                    ip_detail(c),
                ));
            }
        }
    }

    pub(super) fn signed(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let starts = c
            .query
            .then_some(0)
            .into_iter()
            .chain(text.match_indices('?').map(|(i, _)| i + 1));
        for base in starts {
            let q = &text[base..];
            let end = q.find(['#', ' ', '\t', '\n', '"', '\'']).unwrap_or(q.len());
            let mut pos = base;
            for part in q[..end].split(['&', ';']) {
                let here = pos;
                pos += part.len() + 1;
                let Some((name, value)) = part.split_once('=') else {
                    continue;
                };
                let known = SIGNED_EXACT.contains(&name)
                    || SIGNED_ANY_CASE.iter().any(|k| k.eq_ignore_ascii_case(name));
                // A value that a specific rule recognises (a JWT, an AWS key id, a vendor
                // token) is left to that rule: it names what leaked, this one only where.
                let specific = self.on(Kind::Jwt) && self.jwt.is_match(value)
                    || self.on(Kind::AwsAccessKey) && self.aws.is_match(value)
                    || self.on(Kind::ApiToken) && self.api.is_match(value);
                if known && !value.is_empty() && !v::is_masked(value) && !specific {
                    let m = format!("{name}=****({} chars)", value.len());
                    out.push(hit(
                        Kind::SignedUrl,
                        here,
                        here + part.len(),
                        m,
                        Some(name.to_string()),
                    ));
                }
            }
        }
    }

    /// Bare values that are personal data only because of the key: `user.ssn = 536221234`,
    /// `customer.phone = (555) 010-9999`, `card.cvv = 123`, `payment.card = 4111111111111111`.
    pub(super) fn contextual(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        if !(c.ssn || c.phone || c.cvv) || !out.is_empty() {
            return;
        }
        let t = text.trim();
        let digits: Vec<u8> = t.bytes().filter(u8::is_ascii_digit).collect();
        let only = |extra: &[u8]| t.bytes().all(|x| x.is_ascii_digit() || extra.contains(&x));
        let n = text.len();
        if c.ssn && digits.len() == 9 && only(b"") && self.on(Kind::UsSsn) && ssn_digits(&digits) {
            out.push(hit(Kind::UsSsn, 0, n, mask::ssn(&t[5..]), None));
        } else if c.phone
            && (7..=15).contains(&digits.len())
            && only(b" ().+-")
            && !v::all_same(&digits)
            && self.on(Kind::Phone)
        {
            let d = String::from_utf8_lossy(&digits);
            out.push(hit(
                Kind::Phone,
                0,
                n,
                mask::phone(&d, t.starts_with('+')),
                None,
            ));
        } else if c.cvv && (3..=4).contains(&digits.len()) && only(b"") && self.on(Kind::CreditCard)
        {
            out.push(hit(
                Kind::CreditCard,
                0,
                n,
                "***".into(),
                Some("security code".into()),
            ));
        }
    }

    pub(super) fn customs(&self, mask_bits: u64, text: &str, out: &mut Vec<Hit>) {
        if mask_bits == 0 {
            return;
        }
        for (i, c) in self.custom.iter().enumerate().take(64) {
            if mask_bits & (1 << i) == 0 {
                continue;
            }
            for m in c.regex.find_iter(text) {
                if m.is_empty() {
                    continue;
                }
                out.push(Hit {
                    rule: RuleKey::Custom(i as u16),
                    start: m.start(),
                    end: m.end(),
                    masked: mask::generic(m.as_str()),
                    detail: None,
                });
            }
        }
    }
}

trait MatchBytes {
    fn as_bytes_ok(&self) -> &[u8];
}

impl MatchBytes for regex::Match<'_> {
    fn as_bytes_ok(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

pub(super) fn hit(
    rule: Kind,
    start: usize,
    end: usize,
    masked: String,
    detail: Option<String>,
) -> Hit {
    Hit {
        rule: RuleKey::Builtin(rule),
        start,
        end,
        masked,
        detail,
    }
}

fn ip_detail(c: &KeyClass) -> Option<String> {
    c.client_ip.then(|| "client address attribute".to_string())
}

pub(super) fn ssn_digits(d: &[u8]) -> bool {
    let n = |r: std::ops::Range<usize>| {
        d.get(r).map_or(0, |s| {
            s.iter()
                .fold(0u32, |a, &x| a * 10 + u32::from(x.wrapping_sub(b'0')))
        })
    };
    d.len() == 9 && v::is_ssn(n(0..3), n(3..5), n(5..9))
}

/// Character classes present (lower, upper, digit, other).
fn classes(s: &str) -> usize {
    let b = s.as_bytes();
    [
        b.iter().any(u8::is_ascii_lowercase),
        b.iter().any(u8::is_ascii_uppercase),
        b.iter().any(u8::is_ascii_digit),
        b.iter().any(|x| !x.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count()
}

fn card_words(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    [
        "card",
        "visa",
        "mastercard",
        "amex",
        "credit",
        "payment",
        "pan ",
        "cc ",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// Is the byte at `i + offset` an ASCII letter, digit or `_`?
fn alnum_at(text: &str, i: usize, offset: isize) -> bool {
    i.checked_add_signed(offset)
        .and_then(|j| text.as_bytes().get(j))
        .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
}

fn boundary_before(text: &str, i: usize) -> bool {
    !(alnum_at(text, i, -1) || (i > 0 && text.as_bytes().get(i - 1) == Some(&b'-')))
}

/// A digit run stands alone: no letter, digit or `_` next to it, and not part of a decimal or a
/// longer dashed/dotted number.
fn num_boundary(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let prev = start.checked_sub(1).and_then(|i| b.get(i).copied());
    let prev2 = start.checked_sub(2).and_then(|i| b.get(i).copied());
    let next = b.get(end).copied();
    let next2 = b.get(end + 1).copied();
    let joins = |c: Option<u8>, d: Option<u8>| {
        matches!(c, Some(b'.' | b'-' | b',')) && d.is_some_and(|d| d.is_ascii_digit())
    };
    !alnum_at(text, start, -1)
        && !alnum_at(text, end, 0)
        && !joins(prev, prev2)
        && !joins(next, next2)
}
