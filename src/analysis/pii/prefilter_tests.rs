//! Recall of the prefilters: the scanner with its byte-level gates finds exactly what every
//! detector's pattern finds when run on every value (`Scanner::scan_str_unfiltered`, the plain
//! path kept as the oracle), on values built from fragments of what each rule looks for, near
//! misses and noise.

use proptest::prelude::*;

use super::scan::{CustomPattern, Hit, Scanner, Stats};

fn b64url(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// What the rules look for, near misses of each, and the text around them.
fn fragments() -> Vec<String> {
    let jwt = format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(r#"{"sub":"1234567890","name":"Jane Doe"}"#),
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    // The shortest JWT the validator accepts: 28 bytes.
    let short_jwt = format!(
        "{}.{}.",
        b64url(r#"{"alg":"x"}"#),
        b64url(r#"{"a":"bcdef"}"#)
    );
    let mut v: Vec<String> = [
        // e-mail
        "jane.doe@acme-corp.com",
        "bob+x@mail.acme.io",
        "git@github.com:org/repo.git",
        "ssh://git@github.com/org/repo",
        "icon@2x.png",
        "test@example.com",
        "a@b.co",
        "@acme.com",
        // cards: Luhn-valid, Luhn-invalid, grouped, timestamps
        "4111111111111111",
        "4111111111111112",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "1718035200123456789",
        "0000000000000000",
        "card",
        "visa ",
        // phones
        "+44 20 7946 0958",
        "+1-202-555-0173",
        "(555) 010-9999",
        "+1 (555) 010-9999",
        "+33 1 23 45 67 89",
        "+1111111111",
        // IPs
        "81.2.69.160",
        "10.1.2.3",
        "192.168.0.1",
        "1.2.3.4.5",
        "Chrome/131.0.0.0",
        "2a00:1450:4001:81c::200e",
        "::ffff:81.2.69.160",
        "fe80::1",
        "12:34:56",
        // SSNs
        "536-22-1234",
        "536 22 1234",
        "078-05-1120",
        "666-12-3456",
        "536-22 1234",
        // IBANs
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "NL91ABNA0417164300",
        "DE89370400440532013001",
        // secrets and tokens
        "AKIAIOSFODNN7EXAMPLE",
        "AKIA2345672345672345",
        "A3TX2345672345672345",
        "ASIAIOSFODNN7EXAMPLE",
        "akiaiosfodnn7example",
        "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
        "glpat-abcdefghij0123456789",
        "xoxb-1234567890",
        "xoxp-1234-5678-abcdefgh",
        "sk_live_abcdefghij",
        "rk_test_0123456789abc",
        "AIzaSyA-1234567890abcdefghijklmnopqrstu",
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----",
        "-----END RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA",
        "Bearer ",
        "bearer\t",
        "Basic ",
        "Token ",
        "Digest ",
        "negotiate ",
        "abcDEF123456ghiJKL789",
        "9f8e7d6c5b4a39281706",
        "https://user:hunter2@db.acme.io/x",
        "postgres://app:s3cr3t@10.0.0.5:5432/db",
        "https://user:***@host/",
        "https://s3.amazonaws.com/b/k?X-Amz-Signature=abc123&x=1",
        "?token=abc&sig=zzz",
        "&access_token=",
        "?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=xyz",
        "password=hunter2",
        "redacted",
        "***",
        // ids
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "123e4567-e89b-12d3-a456-426614174000",
        "00f067aa0ba902b7",
        // SQL
        "SELECT * FROM users WHERE email = 'x' AND id = 1234567",
        "WHERE id = $1",
        // noise and separators
        " ",
        " ",
        " ",
        "-",
        ".",
        ":",
        "/",
        "?",
        "=",
        "&",
        "@",
        "+",
        "_",
        "\t",
        "\n",
        "'",
        "\"",
        "(",
        ")",
        "<",
        ">",
        ",",
        ";",
        "#",
        "GET",
        "user",
        "order",
        "the",
        "x",
        "é",
        "日本",
        "0",
        "12",
        "123",
        "2026",
        "99.5",
        "Mozilla/5.0 (X11; Linux x86_64)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(jwt.clone());
    v.push(format!("Bearer {jwt}"));
    v.push(short_jwt);
    v.push(b64("aladdin:opensesame"));
    v.push(format!("Basic {}", b64("user:pass")));
    v
}

/// Keys of every class (secret, card, SSN, phone, CVV, numeric, version, client and server
/// address, SQL, query) and plain ones.
const KEYS: &[&str] = &[
    "msg",
    "password",
    "http.request.header.authorization",
    "payment.card_number",
    "user.ssn",
    "customer.phone",
    "card.cvv",
    "order.id",
    "service.version",
    "client.address",
    "server.address",
    "db.statement",
    "url.query",
    "url.full",
    "enduser.email",
    "",
];

fn scanners() -> Vec<Scanner> {
    let custom = vec![
        CustomPattern {
            enabled: true,
            regex: regex::Regex::new("EMP-[0-9]{6}|hunter[0-9]").unwrap(),
            keys: None,
        },
        CustomPattern {
            enabled: true,
            regex: regex::Regex::new("[0-9]{4}").unwrap(),
            keys: Some(regex::Regex::new("^(payment|user)\\..*$").unwrap()),
        },
    ];
    vec![
        Scanner::new(&[], false, Vec::new()),
        Scanner::new(&[], true, custom),
    ]
}

static SCANNERS: std::sync::LazyLock<Vec<Scanner>> = std::sync::LazyLock::new(scanners);
static FRAGMENTS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(fragments);

fn check(text: &str, key: &str) -> Result<(), TestCaseError> {
    for sc in SCANNERS.iter() {
        for info in [sc.key_info(key), sc.text_info()] {
            let (mut fast, mut plain): (Vec<Hit>, Vec<Hit>) = (Vec::new(), Vec::new());
            sc.scan_str(&info, text, &mut fast);
            sc.scan_str_unfiltered(&info, text, &mut plain);
            prop_assert_eq!(&fast, &plain, "key {:?} value {:?}", key, text);
        }
    }
    Ok(())
}

#[test]
fn every_fragment_alone_and_under_every_key() {
    for f in FRAGMENTS.iter() {
        for k in KEYS {
            check(f, k).unwrap();
        }
    }
}

#[test]
fn the_prefilters_open_for_the_shortest_matches() {
    // Once missed by a length or letter-count gate: found now, as the patterns find them.
    let sc = &SCANNERS[0];
    let info = sc.key_info("x");
    let mut hits = Vec::new();
    for (value, rule) in [
        ("AKIA2345672345672345", "pii/aws-access-key"),
        ("-----BEGIN RSA PRIVATE KEY-----", "pii/private-key"),
        ("xoxb-1234567890", "pii/api-token"),
        ("sk_live_abcdefghij", "pii/api-token"),
    ] {
        sc.scan_str(&info, value, &mut hits);
        let ids: Vec<_> = hits
            .iter()
            .filter_map(|h| match h.rule {
                super::RuleKey::Builtin(r) => Some(r.id()),
                super::RuleKey::Custom(_) => None,
            })
            .collect();
        assert_eq!(ids, [rule], "{value}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn prefiltered_scan_finds_what_the_plain_patterns_find(
        parts in proptest::collection::vec((0usize..1000, 0usize..4), 1..8),
        key in 0usize..KEYS.len(),
    ) {
        let f = &*FRAGMENTS;
        let mut text = String::new();
        for (i, sep) in parts {
            text.push_str(&f[i % f.len()]);
            text.push_str(["", " ", "", "/"][sep]);
        }
        check(&text, KEYS[key])?;
    }

    #[test]
    fn prefiltered_scan_on_random_text(
        s in "[ -~]{0,80}",
        key in 0usize..KEYS.len(),
    ) {
        check(&s, KEYS[key])?;
    }

    /// `Stats::of` counts in blocks of 255 bytes with byte-wide counters: the counts are
    /// those of a plain pass, across block edges and for every byte.
    #[test]
    fn byte_counts_are_those_of_a_plain_pass(
        b in proptest::collection::vec(
            prop_oneof![any::<u8>(), proptest::sample::select(b"09AZ@.:+?=- a".to_vec())],
            0..1100,
        ),
    ) {
        prop_assert_eq!(stats_fields(&Stats::of(&b)), plain_stats(&b));
    }
}

fn stats_fields(st: &Stats) -> [usize; 9] {
    [
        st.digits,
        st.upper,
        st.dots,
        st.colons,
        usize::from(st.at),
        usize::from(st.plus),
        usize::from(st.question),
        usize::from(st.equals),
        usize::from(st.seps),
    ]
}

fn plain_stats(b: &[u8]) -> [usize; 9] {
    let mut n = [0usize; 9];
    for &x in b {
        match x {
            b'0'..=b'9' => n[0] += 1,
            b'A'..=b'Z' => n[1] += 1,
            b'.' => n[2] += 1,
            b':' => n[3] += 1,
            b'@' => n[4] = 1,
            b'+' => n[5] = 1,
            b'?' => n[6] = 1,
            b'=' => n[7] = 1,
            b'-' | b' ' => n[8] = 1,
            _ => {}
        }
    }
    n
}

#[test]
fn byte_counts_of_a_long_value_cross_blocks() {
    let b: Vec<u8> = (0..2000u32)
        .map(|i| b"7A.:@+?=- x"[i as usize % 11])
        .collect();
    assert_eq!(stats_fields(&Stats::of(&b)), plain_stats(&b));
    assert_eq!(Stats::of(&b).digits, 182);
}
