//! Validation in code of the candidates the patterns find: a pattern proposes, a validator
//! decides. Each function is pure, allocation-free where it can be, and never panics.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Luhn check over ASCII digits (other bytes make it fail).
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// The leading `n` digits as a number (0 when there are fewer).
fn prefix(digits: &[u8], n: usize) -> u32 {
    digits
        .get(..n)
        .map(|p| {
            p.iter()
                .fold(0u32, |a, &b| a * 10 + u32::from(b.wrapping_sub(b'0')))
        })
        .unwrap_or(0)
}

/// Card network for an issuer identification number and length, if it is one: Visa 4 (13, 16,
/// 19), Mastercard 51-55 and 2221-2720 (16), Amex 34/37 (15), Discover 6011, 644-649, 65 (16, 19),
/// JCB 3528-3589 (16-19), Diners 300-305, 36, 38 (14-19), Maestro 50, 56-58, 6304, 6759 (12-19),
/// UnionPay 62 (16-19). A 19-digit number starting with 1 (a nanosecond timestamp) is none.
pub fn card_network(digits: &[u8]) -> Option<&'static str> {
    let len = digits.len();
    let p1 = prefix(digits, 1);
    let p2 = prefix(digits, 2);
    let p3 = prefix(digits, 3);
    let p4 = prefix(digits, 4);
    let net = if p1 == 4 && matches!(len, 13 | 16 | 19) {
        "visa"
    } else if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        "mastercard"
    } else if (p2 == 34 || p2 == 37) && len == 15 {
        "amex"
    } else if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && matches!(len, 16 | 19) {
        "discover"
    } else if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        "jcb"
    } else if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38) && (14..=19).contains(&len) {
        "diners"
    } else if p2 == 62 && (16..=19).contains(&len) {
        "unionpay"
    } else if (p2 == 50 || (56..=58).contains(&p2) || p4 == 6304 || p4 == 6759)
        && (12..=19).contains(&len)
    {
        "maestro"
    } else {
        return None;
    };
    Some(net)
}

/// All bytes equal (`0000000000000000`): a placeholder, not a number anyone was issued.
pub fn all_same(digits: &[u8]) -> bool {
    digits
        .first()
        .is_some_and(|f| digits.iter().all(|b| b == f))
}

/// A payment card number: 12-19 digits, a known network for its prefix and length, Luhn valid,
/// not one repeated digit.
pub fn is_card(digits: &[u8]) -> bool {
    (12..=19).contains(&digits.len())
        && !all_same(digits)
        && card_network(digits).is_some()
        && luhn(digits)
}

/// IBAN lengths per country (ISO 13616 registry).
#[rustfmt::skip]
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28),
    ("CZ", 24), ("DE", 22), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24),
    ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18),
    ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23),
    ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24), ("ME", 22),
    ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24),
    ("SC", 31), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28),
    ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
];

/// An IBAN without separators: the country's length, then mod-97 of the rearranged number is 1.
pub fn is_iban(compact: &[u8]) -> bool {
    let Some(country) = compact.get(..2).and_then(|c| std::str::from_utf8(c).ok()) else {
        return false;
    };
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return false;
    };
    if compact.len() != len || !compact[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem: u32 = 0;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// US SSN parts: area not 000, 666 or 900-999; group not 00; serial not 0000; not one of the
/// numbers published in advertising (078-05-1120, 219-09-9999, 123-45-6789); not all one digit.
pub fn is_ssn(area: u32, group: u32, serial: u32) -> bool {
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    if matches!(
        (area, group, serial),
        (78, 5, 1120) | (219, 9, 9999) | (123, 45, 6789)
    ) {
        return false;
    }
    let s = format!("{area:03}{group:02}{serial:04}");
    !all_same(s.as_bytes())
}

/// A JWT's first part: base64url of a JSON object with an `alg` string.
pub fn jwt_alg(header_b64: &str) -> Option<String> {
    let bytes = b64url_decode(header_b64)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("alg")?.as_str().map(|a| a.chars().take(16).collect())
}

fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    if s.len() > 4096 {
        return None;
    }
    ENGINE.decode(s.trim_end_matches('=')).ok()
}

/// HTTP Basic credentials: standard base64 of `user:password` (UTF-8, both parts printable).
pub fn is_basic_credentials(b64: &str) -> bool {
    use base64::Engine as _;
    if b64.len() > 1024 {
        return false;
    }
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, pass)) => {
            !user.is_empty() && !pass.is_empty() && !text.chars().any(char::is_control)
        }
        None => false,
    }
}

/// An IP address that can identify a person: public unicast only. Private (RFC 1918, CGNAT
/// 100.64/10, unique-local fc00::/7), loopback, link-local, documentation, multicast,
/// unspecified and broadcast addresses are infrastructure and are not reported.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let seg = v6.segments();
            // Global unicast is 2000::/3; 2001:db8::/32 is documentation.
            (seg[0] & 0xe000) == 0x2000 && !(seg[0] == 0x2001 && seg[1] == 0x0db8)
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    let cgnat = o[0] == 100 && (o[1] & 0xc0) == 64;
    let reserved = o[0] >= 240 || o[0] == 0;
    !(v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_documentation()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_unspecified()
        || cgnat
        || reserved)
}

/// Parse an IPv6 candidate: at least two colons and one hex group of two or more digits.
pub fn parse_ipv6(s: &str) -> Option<Ipv6Addr> {
    if s.bytes().filter(|&b| b == b':').count() < 2 {
        return None;
    }
    let long_group = s
        .split([':', '.'])
        .any(|g| g.len() >= 2 && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if !long_group {
        return None;
    }
    s.parse().ok()
}

/// Reserved documentation and test domains (RFC 2606, RFC 6761): never anyone's address.
pub fn is_reserved_domain(domain: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    let tld = d.rsplit('.').next().unwrap_or("");
    matches!(tld, "test" | "example" | "invalid" | "localhost" | "local")
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|e| d == *e || d.ends_with(&format!(".{e}")))
}

/// Final labels that are file extensions, not top-level domains (`icon@2x.png`).
pub fn is_file_extension(tld: &str) -> bool {
    const EXT: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "css", "json", "html",
        "htm", "txt", "xml", "yaml", "yml", "toml", "lock", "map", "gz", "zip", "tar", "jar",
        "pdf", "csv", "md", "rs", "go", "py", "rb", "java", "class", "dll", "so", "exe",
    ];
    EXT.iter().any(|e| tld.eq_ignore_ascii_case(e))
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A value that looks like an id by design rather than a secret: a UUID, or hex of the length of
/// a trace id, span id, or SHA-1/SHA-256 digest.
pub fn is_id_like(s: &str) -> bool {
    is_uuid(s)
        || (matches!(s.len(), 16 | 32 | 40 | 64)
            && s.bytes().all(|b| b.is_ascii_hexdigit())
            && s.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// An already masked or placeholder value (`***`, `REDACTED`, `<redacted>`, `[FILTERED]`,
/// `${PASSWORD}`): reporting it again would be noise.
pub fn is_masked(s: &str) -> bool {
    let s = s.trim();
    // `Bearer ***`: look at the credential, not the scheme.
    let s = match s.split_once([' ', '\t']) {
        Some((scheme, rest))
            if ["bearer", "basic", "token", "digest"]
                .iter()
                .any(|w| scheme.eq_ignore_ascii_case(w)) =>
        {
            rest
        }
        _ => s,
    };
    let t = s
        .trim()
        .trim_matches(|c| matches!(c, '<' | '>' | '[' | ']' | '(' | ')' | '"' | '\''));
    if t.is_empty() {
        return true;
    }
    if t.bytes().all(|b| {
        matches!(
            b,
            b'*' | b'x' | b'X' | b'#' | b'.' | b'-' | b'_' | 0xe2 | 0x80 | 0xa2
        )
    }) {
        return true;
    }
    let l = t.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "redacted"
            | "filtered"
            | "masked"
            | "hidden"
            | "removed"
            | "secret"
            | "none"
            | "null"
            | "nil"
            | "undefined"
            | "n/a"
            | "na"
            | "true"
            | "false"
            | "password"
            | "changeme"
            | "omitted"
            | "sanitized"
            | "scrubbed"
    ) || l.starts_with("${")
        || l.starts_with("{{")
        || (l.starts_with('%') && l.ends_with('%'))
        || l.contains("redacted")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_networks() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(luhn(b"79927398713"));
        assert!(is_card(b"4111111111111111"));
        assert!(is_card(b"5555555555554444"));
        assert!(is_card(b"378282246310005"));
        assert!(is_card(b"6011111111111117"));
        assert!(!is_card(b"4111111111111112"), "Luhn-invalid");
        // A nanosecond timestamp: 19 digits starting with 1 — no network, whatever Luhn says.
        assert!(card_network(b"1718035200123456789").is_none());
        assert!(!is_card(b"1718035200123456782"));
        assert!(!is_card(b"0000000000000000"));
        assert!(!is_card(b"4444444444444444"));
        // Amex needs 15 digits.
        assert!(card_network(b"3782822463100051").is_none());
    }

    #[test]
    fn iban_mod97() {
        assert!(is_iban(b"DE89370400440532013000"));
        assert!(is_iban(b"GB82WEST12345698765432"));
        assert!(is_iban(b"NL91ABNA0417164300"));
        assert!(!is_iban(b"DE89370400440532013001"), "bad checksum");
        assert!(!is_iban(b"DE8937040044053201300"), "short");
        assert!(!is_iban(b"ZZ89370400440532013000"), "no such country");
    }

    #[test]
    fn ssn_rules() {
        assert!(is_ssn(536, 22, 1234));
        assert!(!is_ssn(0, 12, 3456));
        assert!(!is_ssn(666, 12, 3456));
        assert!(!is_ssn(912, 12, 3456));
        assert!(!is_ssn(536, 0, 1234));
        assert!(!is_ssn(536, 22, 0));
        assert!(!is_ssn(78, 5, 1120));
        assert!(!is_ssn(111, 11, 1111));
    }

    #[test]
    fn jwt_and_basic() {
        // {"alg":"HS256","typ":"JWT"}
        assert_eq!(
            jwt_alg("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9").as_deref(),
            Some("HS256")
        );
        // {"typ":"JWT"}: no alg.
        assert_eq!(jwt_alg("eyJ0eXAiOiJKV1QifQ"), None);
        assert_eq!(jwt_alg("eyJub3QganNvbg"), None);
        assert!(is_basic_credentials("YWxhZGRpbjpvcGVuc2VzYW1l")); // aladdin:opensesame
        assert!(!is_basic_credentials("bm9jb2xvbg")); // "nocolon" has no ':'
        assert!(!is_basic_credentials("not base64!"));
    }

    #[test]
    fn ip_classes() {
        let p = |s: &str| is_public_ip(s.parse().unwrap());
        assert!(p("81.2.69.160"));
        assert!(!p("10.1.2.3"));
        assert!(!p("192.168.0.1"));
        assert!(!p("127.0.0.1"));
        assert!(!p("100.64.0.1"));
        assert!(!p("192.0.2.10"), "documentation");
        assert!(p("2a00:1450:4001:81c::200e"));
        assert!(!p("2001:db8::1"));
        assert!(!p("fd00::1"));
        assert!(!p("::1"));
        assert!(p("::ffff:81.2.69.160"));
        assert!(parse_ipv6("12:34:56").is_none());
        assert!(parse_ipv6("fe::ed").is_some_and(|a| !is_public_ip(IpAddr::V6(a))));
    }

    #[test]
    fn misc() {
        assert!(is_reserved_domain("example.com"));
        assert!(is_reserved_domain("mail.example.org"));
        assert!(is_reserved_domain("host.test"));
        assert!(!is_reserved_domain("acme-corp.com"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_id_like("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(is_masked("***"));
        assert!(is_masked("[REDACTED]"));
        assert!(is_masked("${DB_PASSWORD}"));
        assert!(!is_masked("hunter2"));
        assert!(entropy(b"aaaa") < 0.01);
        assert!(entropy(b"abcd") > 1.99);
    }
}
