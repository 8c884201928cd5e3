//! The value scanner: cheap byte statistics and a keyword automaton decide which patterns can
//! match; each pattern proposes candidates; validators decide; overlapping matches keep the
//! higher-priority rule. Nothing is allocated for a value without a match.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use super::rules::{KeyClass, Rule};
use super::{RuleKey, mask, sql, validators as v};

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

const KW: &[(&str, u32)] = &[
    ("bearer", F_AUTH),
    ("basic", F_AUTH),
    ("token", F_AUTH),
    ("digest", F_AUTH),
    ("negotiate", F_AUTH),
    ("eyj", F_JWT),
    ("akia", F_AWS),
    ("asia", F_AWS),
    ("abia", F_AWS),
    ("acca", F_AWS),
    ("a3t", F_AWS),
    ("://", F_URL),
    ("-----begin", F_PEM),
    ("ghp_", F_API),
    ("gho_", F_API),
    ("ghu_", F_API),
    ("ghs_", F_API),
    ("ghr_", F_API),
    ("github_pat_", F_API),
    ("glpat-", F_API),
    ("xox", F_API),
    ("sk_live_", F_API),
    ("rk_live_", F_API),
    ("sk_test_", F_API),
    ("sk_prod_", F_API),
    ("aiza", F_API),
];
const F_AUTH: u32 = 1;
const F_JWT: u32 = 2;
const F_AWS: u32 = 4;
const F_URL: u32 = 8;
const F_PEM: u32 = 16;
const F_API: u32 = 32;

/// Query parameters that carry signatures or credentials. Semantic conventions name the first
/// four (case-sensitive); the rest are ours (any case).
const SIGNED_EXACT: &[&str] = &["AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature"];
const SIGNED_ANY_CASE: &[&str] = &[
    "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-credential",
    "token", "access_token", "id_token", "refresh_token", "auth_token", "api_key", "apikey",
    "api-key", "password", "passwd", "pwd", "secret", "client_secret", "session_token",
];

pub struct Scanner {
    enabled: [bool; 16],
    allow_reserved_domains: bool,
    ac: AhoCorasick,
    email: Regex,
    card: Regex,
    ssn: Regex,
    iban: Regex,
    phone: Regex,
    ipv4: Regex,
    ipv6: Regex,
    jwt: Regex,
    auth: Regex,
    aws: Regex,
    url_cred: Regex,
    pem: Regex,
    api: Regex,
    pub(crate) custom: Vec<CustomPattern>,
}

fn re(p: &str) -> Regex {
    // The built-in patterns are constants: a failure is a bug caught by every test.
    Regex::new(p).expect("built-in pattern")
}

impl Scanner {
    /// `disabled`: built-in rules switched off; `custom`: config rules (at most 64).
    pub fn new(disabled: &[Rule], allow_reserved_domains: bool, custom: Vec<CustomPattern>) -> Self {
        let mut enabled = [true; 16];
        for r in disabled {
            enabled[*r as usize] = false;
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(KW.iter().map(|(k, _)| k))
            .expect("keyword automaton");
        Scanner {
            enabled,
            allow_reserved_domains,
            ac,
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
            url_cred: re(r"[A-Za-z][A-Za-z0-9+.-]{0,20}://([^/\s:@?#]{1,256}):([^/\s@?#]{1,256})@([A-Za-z0-9.-]{0,253})"),
            pem: re(r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY-----"),
            api: re(r"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20}|xox[baprs]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}|AIza[A-Za-z0-9_-]{35})"),
            custom,
        }
    }

    pub fn on(&self, r: Rule) -> bool {
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
        KeyInfo { class: KeyClass::of(key), custom }
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
        KeyInfo { class: KeyClass::default(), custom }
    }

    /// Scan a string value. `out` is cleared first; hits come back sorted by position.
    pub fn scan_str(&self, key: &KeyInfo, text: &str, out: &mut Vec<Hit>) {
        out.clear();
        let b = text.as_bytes();
        if b.is_empty() {
            return;
        }
        let c = &key.class;
        let mut st = Stats::default();
        for &x in b {
            match x {
                b'0'..=b'9' => st.digits += 1,
                b'A'..=b'Z' => st.upper += 1,
                b'@' => st.at = true,
                b'.' => st.dots += 1,
                b':' => st.colons += 1,
                b'+' => st.plus = true,
                b'?' => st.question = true,
                b'=' => st.equals = true,
                b'-' | b' ' => st.seps = true,
                _ => {}
            }
        }
        let id_like = v::is_id_like(text);
        if !id_like {
            let flags = if b.len() >= 10 { self.keywords(text) } else { 0 };
            self.secrets(c, text, flags, &st, out);
            if st.at && st.dots > 0 && self.on(Rule::Email) {
                self.emails(text, out);
            }
            if st.digits >= 12 && self.on(Rule::CreditCard) {
                self.cards(c, text, out);
            }
            if st.digits >= 9 && st.seps && self.on(Rule::UsSsn) {
                self.ssns(text, out);
            }
            if st.digits >= 8 && st.upper >= 2 && b.len() >= 15 && self.on(Rule::Iban) {
                self.ibans(text, out);
            }
            if st.plus && st.digits >= 8 && self.on(Rule::Phone) {
                self.phones(text, out);
            }
            if !c.version && !c.server_ip && self.on(Rule::IpAddress) {
                if st.dots >= 3 && st.digits >= 4 {
                    self.ipv4s(c, text, out);
                }
                if st.colons >= 2 {
                    self.ipv6s(c, text, out);
                }
            }
            if (st.question || c.query) && st.equals && self.on(Rule::SignedUrl) {
                self.signed(c, text, out);
            }
        }
        self.contextual(c, text, out);
        self.customs(key.custom, text, out);
        if c.secret && self.on(Rule::SecretKeyName) && !v::is_masked(text) {
            let covered = out.iter().any(|h| matches!(h.rule, RuleKey::Builtin(r) if r <= Rule::SecretKeyName));
            if !covered {
                out.push(hit(Rule::SecretKeyName, 0, b.len(), mask::secret(text), None));
            }
        }
        resolve_overlaps(out);
        if c.sql && self.on(Rule::SqlLiteral) {
            if let Some(s) = sql::literals(text) {
                out.push(hit(Rule::SqlLiteral, 0, b.len(), s.sanitized, Some(format!("{} literal(s)", s.count))));
            }
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
        let push = |out: &mut Vec<Hit>, r: Rule, m: String| out.push(hit(r, 0, n, m, None));
        if c.secret && self.on(Rule::SecretKeyName) {
            push(out, Rule::SecretKeyName, mask::secret(text));
        } else if self.on(Rule::CreditCard) && (c.card || (!c.numeric && !c.version)) && v::is_card(d) {
            push(out, Rule::CreditCard, mask::card(text));
        } else if c.ssn && n == 9 && self.on(Rule::UsSsn) && ssn_digits(d) {
            push(out, Rule::UsSsn, mask::ssn(&text[5..]));
        } else if c.phone && (7..=15).contains(&n) && self.on(Rule::Phone) && !v::all_same(d) {
            push(out, Rule::Phone, mask::phone(text, false));
        } else if c.cvv && (3..=4).contains(&n) && self.on(Rule::CreditCard) {
            push(out, Rule::CreditCard, "***".into());
        }
    }

    /// The text with every match replaced by its mask: for names, keys and examples that are
    /// shown in output.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut hits = Vec::new();
        self.scan_str(&self.text_info(), text, &mut hits);
        redact_with(text, &hits)
    }

    fn keywords(&self, text: &str) -> u32 {
        let mut f = 0;
        for m in self.ac.find_overlapping_iter(text) {
            f |= KW.get(m.pattern().as_usize()).map_or(0, |k| k.1);
        }
        f
    }

    fn secrets(&self, c: &KeyClass, text: &str, flags: u32, st: &Stats, out: &mut Vec<Hit>) {
        if flags & F_URL != 0 && self.on(Rule::UrlCredentials) {
            for caps in self.url_cred.captures_iter(text) {
                let (Some(all), Some(user), Some(pass)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
                let host = caps.get(3).map_or("", |h| h.as_str());
                let p = pass.as_str();
                if v::is_masked(p) || p.starts_with('$') || p.starts_with('{') || p.starts_with('<') {
                    continue;
                }
                let scheme = &text[all.start()..user.start()];
                let m = format!("{scheme}{}***:****@{host}", user.as_str().chars().next().unwrap_or('*'));
                out.push(hit(Rule::UrlCredentials, all.start(), all.end(), m, None));
            }
        }
        if flags & F_PEM != 0 && self.on(Rule::PrivateKey) {
            for m in self.pem.find_iter(text) {
                let end = text[m.end()..].find("PRIVATE KEY-----").map_or(m.end(), |e| m.end() + e + 16);
                out.push(hit(Rule::PrivateKey, m.start(), end, mask::token(m.as_str(), end - m.end()), None));
            }
        }
        if flags & F_AUTH != 0 {
            for caps in self.auth.captures_iter(text) {
                let (Some(all), Some(scheme), Some(tok)) = (caps.get(0), caps.get(1), caps.get(2)) else { continue };
                if !boundary_before(text, all.start()) {
                    continue;
                }
                let t = tok.as_str();
                let s = scheme.as_str().to_ascii_lowercase();
                let label = &text[all.start()..tok.start()];
                if s == "basic" {
                    if self.on(Rule::BasicAuth) && v::is_basic_credentials(t) {
                        out.push(hit(Rule::BasicAuth, all.start(), all.end(), mask::token(label, t.len()), None));
                    }
                } else if self.on(Rule::BearerToken) && !v::is_masked(t) {
                    let strong = t.len() >= 16 && classes(t) >= 2;
                    let ok = if s == "bearer" { strong } else { c.auth_header && all.start() == 0 && t.len() >= 8 };
                    if ok {
                        out.push(hit(Rule::BearerToken, all.start(), all.end(), mask::token(label, t.len()), None));
                    }
                }
            }
        }
        if flags & F_JWT != 0 && self.on(Rule::Jwt) {
            for m in self.jwt.find_iter(text) {
                if !boundary_before(text, m.start()) {
                    continue;
                }
                let header = m.as_str().split('.').next().unwrap_or("");
                if let Some(alg) = v::jwt_alg(header) {
                    let masked = format!("eyJ****({} chars, alg {alg})", m.len());
                    out.push(hit(Rule::Jwt, m.start(), m.end(), masked, Some(format!("alg {alg}"))));
                }
            }
        }
        if flags & F_AWS != 0 && st.upper >= 16 && self.on(Rule::AwsAccessKey) {
            for m in self.aws.find_iter(text) {
                if alnum_at(text, m.start(), -1) || alnum_at(text, m.end(), 0) {
                    continue;
                }
                out.push(hit(Rule::AwsAccessKey, m.start(), m.end(), mask::key_id(m.as_str()), None));
            }
        }
        if flags & F_API != 0 && self.on(Rule::ApiToken) {
            for m in self.api.find_iter(text) {
                if alnum_at(text, m.start(), -1) || alnum_at(text, m.end(), 0) {
                    continue;
                }
                let s = m.as_str();
                let cut = s.find(['_', '-']).map_or(4, |i| i + 1).min(s.len());
                let prefix = if s.starts_with("AIza") { "AIza" } else { &s[..cut] };
                out.push(hit(Rule::ApiToken, m.start(), m.end(), mask::token(prefix, s.len() - prefix.len()), None));
            }
        }
    }

    fn emails(&self, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.email.find_iter(text) {
            let (mut start, end) = (m.start(), m.end());
            while b.get(start) == Some(&b'.') {
                start += 1;
            }
            let s = &text[start..end];
            let Some((local, domain)) = s.rsplit_once('@') else { continue };
            if local.is_empty() || alnum_at(text, end, 0) || b.get(end) == Some(&b'-') {
                continue;
            }
            // URL userinfo (`ssh://git@host/…`) and SSH remotes (`git@github.com:org/repo`).
            let before = &text[..start];
            if before.rfind("://").is_some_and(|p| !before[p + 3..].contains(['/', ' ', '@', '?'])) {
                continue;
            }
            if b.get(end) == Some(&b':') && b.get(end + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                continue;
            }
            let tld = domain.rsplit('.').next().unwrap_or("");
            if v::is_file_extension(tld) || (!self.allow_reserved_domains && v::is_reserved_domain(domain)) {
                continue;
            }
            out.push(hit(Rule::Email, start, end, mask::email(s), None));
        }
    }

    fn cards(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
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
            let grouped = sep.is_some() && g >= 2 && groups[..=g.min(7)].iter().all(|&l| (3..=6).contains(&l));
            let bare = m.start() == 0 && m.end() == text.len() && sep.is_none();
            let ctx = c.card || *context.get_or_insert_with(|| card_words(text));
            if grouped || ctx || (bare && !c.numeric && !c.version) {
                let s = std::str::from_utf8(d).unwrap_or("");
                let net = v::card_network(d).map(String::from);
                out.push(hit(Rule::CreditCard, m.start(), m.end(), mask::card(s), net));
            }
        }
    }

    fn ssns(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.ssn.find_iter(text) {
            let s = m.as_bytes_ok();
            if !num_boundary(text, m.start(), m.end()) || s[3] != s[6] {
                continue;
            }
            let n = |r: std::ops::Range<usize>| s[r].iter().fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'));
            if v::is_ssn(n(0..3), n(4..6), n(7..11)) {
                out.push(hit(Rule::UsSsn, m.start(), m.end(), mask::ssn(&m.as_str()[7..]), None));
            }
        }
    }

    fn ibans(&self, text: &str, out: &mut Vec<Hit>) {
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
                    out.push(hit(Rule::Iban, m.start(), end, mask::iban(s), None));
                    break;
                }
            }
        }
    }

    fn phones(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.phone.find_iter(text) {
            if alnum_at(text, m.start(), -1) || text.as_bytes().get(m.end()).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            if (8..=15).contains(&digits.len()) && !v::all_same(digits.as_bytes()) {
                out.push(hit(Rule::Phone, m.start(), m.end(), mask::phone(&digits, true), None));
            }
        }
    }

    fn ipv4s(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.ipv4.find_iter(text) {
            let before = m.start().checked_sub(1).and_then(|i| b.get(i));
            if before.is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'.' || *x == b'_') {
                continue;
            }
            let after = b.get(m.end());
            let dotted_more = after == Some(&b'.') && b.get(m.end() + 1).is_some_and(u8::is_ascii_digit);
            if after.is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_') || dotted_more {
                continue;
            }
            if let Ok(ip) = m.as_str().parse::<std::net::Ipv4Addr>() {
                if v::is_public_ip(ip.into()) {
                    out.push(hit(Rule::IpAddress, m.start(), m.end(), mask::ip(m.as_str()), ip_detail(c)));
                }
            }
        }
    }

    fn ipv6s(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let b = text.as_bytes();
        for m in self.ipv6.find_iter(text) {
            let before = m.start().checked_sub(1).and_then(|i| b.get(i));
            if before.is_some_and(|x| x.is_ascii_alphanumeric() || *x == b':') || alnum_at(text, m.end(), 0) {
                continue;
            }
            if let Some(ip) = v::parse_ipv6(m.as_str()) {
                if v::is_public_ip(ip.into()) {
                    out.push(hit(Rule::IpAddress, m.start(), m.end(), mask::ip(m.as_str()), ip_detail(c)));
                }
            }
        }
    }

    fn signed(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        let mut queries: Vec<(usize, &str)> = Vec::new();
        if c.query {
            queries.push((0, text));
        }
        for (i, _) in text.match_indices('?') {
            queries.push((i + 1, &text[i + 1..]));
        }
        for (base, q) in queries {
            let end = q.find(['#', ' ', '\t', '\n', '"', '\'']).unwrap_or(q.len());
            let mut pos = base;
            for part in q[..end].split(['&', ';']) {
                let here = pos;
                pos += part.len() + 1;
                let Some((name, value)) = part.split_once('=') else { continue };
                let known = SIGNED_EXACT.contains(&name) || SIGNED_ANY_CASE.iter().any(|k| k.eq_ignore_ascii_case(name));
                if known && !value.is_empty() && !v::is_masked(value) {
                    let m = format!("{name}=****({} chars)", value.len());
                    out.push(hit(Rule::SignedUrl, here, here + part.len(), m, Some(name.to_string())));
                }
            }
        }
    }

    /// Bare values that are personal data only because of the key: `user.ssn = 536221234`,
    /// `customer.phone = (555) 010-9999`, `card.cvv = 123`, `payment.card = 4111111111111111`.
    fn contextual(&self, c: &KeyClass, text: &str, out: &mut Vec<Hit>) {
        if !(c.ssn || c.phone || c.cvv) || !out.is_empty() {
            return;
        }
        let t = text.trim();
        let digits: Vec<u8> = t.bytes().filter(u8::is_ascii_digit).collect();
        let only = |extra: &[u8]| t.bytes().all(|x| x.is_ascii_digit() || extra.contains(&x));
        let n = text.len();
        if c.ssn && digits.len() == 9 && only(b"") && self.on(Rule::UsSsn) && ssn_digits(&digits) {
            out.push(hit(Rule::UsSsn, 0, n, mask::ssn(&t[5..]), None));
        } else if c.phone && (7..=15).contains(&digits.len()) && only(b" ().+-") && !v::all_same(&digits) && self.on(Rule::Phone) {
            let d = String::from_utf8_lossy(&digits);
            out.push(hit(Rule::Phone, 0, n, mask::phone(&d, t.starts_with('+')), None));
        } else if c.cvv && (3..=4).contains(&digits.len()) && only(b"") && self.on(Rule::CreditCard) {
            out.push(hit(Rule::CreditCard, 0, n, "***".into(), Some("security code".into())));
        }
    }

    fn customs(&self, mask_bits: u64, text: &str, out: &mut Vec<Hit>) {
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

#[derive(Default)]
struct Stats {
    digits: usize,
    upper: usize,
    dots: usize,
    colons: usize,
    at: bool,
    plus: bool,
    question: bool,
    equals: bool,
    seps: bool,
}

trait MatchBytes {
    fn as_bytes_ok(&self) -> &[u8];
}

impl MatchBytes for regex::Match<'_> {
    fn as_bytes_ok(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

fn hit(rule: Rule, start: usize, end: usize, masked: String, detail: Option<String>) -> Hit {
    Hit { rule: RuleKey::Builtin(rule), start, end, masked, detail }
}

fn ip_detail(c: &KeyClass) -> Option<String> {
    c.client_ip.then(|| "client address attribute".to_string())
}

fn ssn_digits(d: &[u8]) -> bool {
    let n = |r: std::ops::Range<usize>| d.get(r).map_or(0, |s| s.iter().fold(0u32, |a, &x| a * 10 + u32::from(x.wrapping_sub(b'0'))));
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
    ["card", "visa", "mastercard", "amex", "credit", "payment", "pan ", "cc "]
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
    !alnum_at(text, i, -1) && !(i > 0 && text.as_bytes().get(i - 1) == Some(&b'-'))
}

/// A digit run stands alone: no letter, digit or `_` next to it, and not part of a decimal or a
/// longer dashed/dotted number.
fn num_boundary(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let prev = start.checked_sub(1).and_then(|i| b.get(i).copied());
    let prev2 = start.checked_sub(2).and_then(|i| b.get(i).copied());
    let next = b.get(end).copied();
    let next2 = b.get(end + 1).copied();
    let joins = |c: Option<u8>, d: Option<u8>| matches!(c, Some(b'.' | b'-' | b',')) && d.is_some_and(|d| d.is_ascii_digit());
    !alnum_at(text, start, -1) && !alnum_at(text, end, 0) && !joins(prev, prev2) && !joins(next, next2)
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
        if h.start < pos || h.end > text.len() || matches!(h.rule, RuleKey::Builtin(Rule::SqlLiteral)) {
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
