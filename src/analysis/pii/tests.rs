//! Each rule on values that must trigger it and near misses that must not.

use proptest::prelude::*;

use super::scan::{Hit, Scanner};
use super::{Kind, RuleKey};

static SCANNER: std::sync::LazyLock<Scanner> =
    std::sync::LazyLock::new(|| Scanner::new(&[], false, Vec::new()));

fn scanner() -> &'static Scanner {
    &SCANNER
}

/// (rule id, masked) for a string under a key.
fn scan(key: &str, value: &str) -> Vec<(&'static str, String)> {
    let s = scanner();
    let mut hits: Vec<Hit> = Vec::new();
    s.scan_str(&s.key_info(key), value, &mut hits);
    let out: Vec<_> = hits
        .iter()
        .map(|h| match h.rule {
            RuleKey::Builtin(r) => (r.id(), h.masked.clone()),
            RuleKey::Custom(_) => ("custom", h.masked.clone()),
        })
        .collect();
    for (_, m) in &out {
        assert!(
            value.len() < 8 || !m.contains(value),
            "mask {m:?} leaks {value:?}"
        );
    }
    out
}

fn scan_int(key: &str, v: i64) -> Vec<&'static str> {
    let s = scanner();
    let mut hits = Vec::new();
    s.scan_int(&s.key_info(key), v, &mut hits);
    hits.iter()
        .filter_map(|h| {
            if let RuleKey::Builtin(r) = h.rule {
                Some(r.id())
            } else {
                None
            }
        })
        .collect()
}

fn ids(key: &str, value: &str) -> Vec<&'static str> {
    scan(key, value).into_iter().map(|x| x.0).collect()
}

const NONE: &[&str] = &[];

#[test]
fn email() {
    assert_eq!(
        scan("user.email", "jane.doe@acme-corp.com"),
        vec![("pii/email", "j***@a***.com".to_string())]
    );
    assert_eq!(
        ids("msg", "contact <bob.smith@mail.acme.io> today"),
        ["pii/email"]
    );
    for v in [
        "git@github.com:org/repo.git",
        "ssh://git@github.com/org/repo",
        "pkg@1.2.3",
        "icon@2x.png",
        "user@localhost",
        "user@host",
        "test@example.com",
        "alice@service.test",
        "@acme.com",
    ] {
        assert_eq!(ids("vcs.url", v), NONE, "{v}");
    }
}

#[test]
fn credit_card() {
    assert_eq!(
        scan("note", "4111 1111 1111 1111"),
        vec![("pii/credit-card", "4111 **** **** 1111".into())]
    );
    assert_eq!(
        ids("msg", "charge failed for card 5555555555554444"),
        ["pii/credit-card"]
    );
    assert_eq!(
        ids("payment.card_number", "4111111111111111"),
        ["pii/credit-card"]
    );
    assert_eq!(ids("value", "378282246310005"), ["pii/credit-card"]);
    assert_eq!(ids("amount", "3782-822463-10005"), ["pii/credit-card"]);
    // Near misses: Luhn-invalid, nanosecond timestamp, an id key, a random id in text,
    // mixed separators, part of a longer number or a decimal.
    assert_eq!(ids("payment.card_number", "4111111111111112"), NONE);
    assert_eq!(ids("value", "1718035200123456789"), NONE);
    assert_eq!(ids("start", "1718035200123456789"), NONE);
    assert_eq!(ids("order.id", "4111111111111111"), NONE);
    assert_eq!(ids("msg", "processing order 4539578763621486 now"), NONE);
    assert_eq!(ids("x", "4111-1111 1111-1111"), NONE);
    assert_eq!(ids("x", "94111111111111111"), NONE);
    assert_eq!(ids("x", "0.4111111111111111"), NONE);
    assert_eq!(
        scan_int("card.number", 4111111111111111),
        ["pii/credit-card"]
    );
    assert_eq!(scan_int("order.id", 4111111111111111), NONE);
    assert_eq!(scan_int("start_ns", 1718035200123456789), NONE);
    assert_eq!(ids("payment.cvv", "123"), ["pii/credit-card"]);
}

#[test]
fn us_ssn() {
    assert_eq!(
        scan("customer", "536-22-1234"),
        vec![("pii/us-ssn", "***-**-1234".into())]
    );
    assert_eq!(ids("text", "ssn 536 22 1234 on file"), ["pii/us-ssn"]);
    assert_eq!(ids("user.ssn", "536221234"), ["pii/us-ssn"]);
    assert_eq!(scan_int("user.ssn", 536221234), ["pii/us-ssn"]);
    for v in [
        "000-12-3456",
        "666-12-3456",
        "912-12-3456",
        "536-00-1234",
        "536-22-0000",
        "536-22 1234",
        "12345-6789",
        "078-05-1120",
        "1536-22-1234",
    ] {
        assert_eq!(ids("customer", v), NONE, "{v}");
    }
    assert_eq!(ids("order.id", "536221234"), NONE);
}

#[test]
fn iban() {
    assert_eq!(
        scan("account", "DE89 3704 0044 0532 0130 00"),
        vec![("pii/iban", "DE89 **** **** **** ** 3000".into())]
    );
    assert_eq!(
        ids("account", "pay to GB82WEST12345698765432 ABCD"),
        ["pii/iban"]
    );
    assert_eq!(
        ids("account", "DE89370400440532013001"),
        NONE,
        "bad checksum"
    );
    assert_eq!(ids("account", "XX89370400440532013000"), NONE);
}

#[test]
fn phone() {
    assert_eq!(ids("note", "call +44 20 7946 0958 today"), ["pii/phone"]);
    assert_eq!(ids("x", "+1 (415) 555-0132"), ["pii/phone"]);
    assert_eq!(ids("customer.phone", "(415) 555-0132"), ["pii/phone"]);
    assert_eq!(scan_int("customer.mobile", 4155550132), ["pii/phone"]);
    for v in [
        "+1",
        "+12",
        "(415) 555-0132",
        "2024-01-15",
        "+0 123 456 789",
        "v1.2+3456789012a",
    ] {
        assert_eq!(ids("note", v), NONE, "{v}");
    }
    let m = scan("note", "+44 20 7946 0958");
    assert!(!m[0].1.contains("7946"), "{m:?}");
}

#[test]
fn ip_address() {
    assert_eq!(
        scan("client.address", "81.2.69.160"),
        vec![("pii/ip-address", "81.2.*.*".into())]
    );
    assert_eq!(
        ids("msg", "login from 2a00:1450:4001:81c::200e failed"),
        ["pii/ip-address"]
    );
    assert_eq!(
        ids("service.version", "1.2.3.4"),
        NONE,
        "a version is not an address"
    );
    assert_eq!(ids("telemetry.sdk.version", "81.2.69.160"), NONE);
    assert_eq!(
        ids(
            "user_agent.original",
            "Mozilla/5.0 (X11) Chrome/131.0.0.0 Safari/537.36"
        ),
        NONE,
        "a browser version is not an address"
    );
    assert_eq!(ids("msg", "peer 81.2.69.160 closed"), ["pii/ip-address"]);
    assert_eq!(
        ids("server.address", "81.2.69.160"),
        NONE,
        "servers are not people"
    );
    for v in [
        "10.0.0.1",
        "192.168.1.20",
        "127.0.0.1",
        "1.3.6.1.4.1.2021",
        "12:34:56",
        "2001:db8::1",
        "fe::ed",
        "v1.2.3.4",
        "256.1.1.1",
        "aa:bb:cc:dd:ee:ff",
    ] {
        assert_eq!(ids("peer", v), NONE, "{v}");
    }
}

fn b64url(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[test]
fn jwt_and_auth_headers() {
    let jwt = format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(r#"{"sub":"1234567890","name":"Jane Doe"}"#),
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    let found = scan("id_token", &jwt);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "pii/jwt");
    assert!(found[0].1.contains("alg HS256") && !found[0].1.contains("Jane"));
    // Bearer with a JWT: one bearer-token finding, not two.
    assert_eq!(
        ids(
            "http.request.header.authorization",
            &format!("Bearer {jwt}")
        ),
        ["pii/bearer-token"]
    );
    assert_eq!(
        ids(
            "http.request.header.authorization",
            "Bearer abcDEF123456ghiJKL789"
        ),
        ["pii/bearer-token"]
    );
    assert_eq!(
        ids(
            "http.request.header.authorization",
            "Token 9f8e7d6c5b4a39281706"
        ),
        ["pii/bearer-token"]
    );
    assert_eq!(
        ids(
            "http.request.header.authorization",
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l"
        ),
        ["pii/basic-auth"]
    );
    // Near misses.
    let no_alg = format!(
        "{}.{}.x",
        b64url(r#"{"typ":"JWT","kid":"1"}"#),
        b64url(r#"{"sub":"1234567890"}"#)
    );
    assert_eq!(ids("x", &no_alg), NONE);
    assert_eq!(ids("x", "eyJhbGciOiJIUzI1NiJ9"), NONE);
    assert_eq!(ids("doc", "see the bearer tokenization guide"), NONE);
    assert_eq!(ids("msg", "a token was rejected by the gateway"), NONE);
    assert_eq!(ids("http.request.header.authorization", "Bearer ***"), NONE);
    assert_eq!(ids("http.request.header.authorization", "REDACTED"), NONE);
    // The Basic value must decode to user:password.
    assert_eq!(ids("msg", "Basic bm9jb2xvbmhlcmU="), NONE);
}

#[test]
fn cloud_keys_and_tokens() {
    assert_eq!(
        scan("aws.key", "AKIAIOSFODNN7EXAMPLE"),
        vec![("pii/aws-access-key", "AKIA************MPLE".into())]
    );
    assert_eq!(ids("x", "AKIAIOSFODNN7EXAMPL"), NONE);
    assert_eq!(ids("x", "XAKIAIOSFODNN7EXAMPLE"), NONE);
    assert_eq!(ids("x", "akiaiosfodnn7example"), NONE);
    let ghp = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    assert_eq!(ids("ci.token_source", &ghp), ["pii/api-token"]);
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    assert_eq!(ids("x", pem), ["pii/private-key"]);
}

#[test]
fn urls() {
    let v = "postgres://admin:s3cr3tP4ss@db.internal.net:5432/app";
    let f = scan("db.connection_string", v);
    assert_eq!(
        f,
        vec![(
            "pii/url-credentials",
            "postgres://a***:****@db.internal.net".to_string()
        )]
    );
    assert_eq!(
        ids("url.full", "https://REDACTED:REDACTED@host.net/x"),
        NONE
    );
    assert_eq!(ids("url.full", "https://user@host.net/x"), NONE);
    assert_eq!(ids("url.full", "https://u:${PASS}@host.net/x"), NONE);
    let s3 =
        "https://b.s3.amazonaws.com/k?X-Amz-Date=20240101&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4";
    assert_eq!(
        scan("url.full", s3),
        vec![(
            "pii/signed-url",
            "X-Amz-Signature=****(24 chars)".to_string()
        )]
    );
    assert_eq!(
        ids("url.query", "q=shoes&access_token=abc123def456"),
        ["pii/signed-url"]
    );
    assert_eq!(ids("url.full", "https://x.net/y?sig=REDACTED&q=1"), NONE);
    assert_eq!(
        ids("url.full", "https://x.net/y?page=2&Sig=1"),
        NONE,
        "semconv names are case-sensitive"
    );
    assert_eq!(ids("url.query", "page=2&sort=asc"), NONE);
}

/// A secret inside `key=value` text or a URL parameter is reported by the rule that names it,
/// not only by the generic one (issue 12, point 17).
#[test]
fn embedded_secrets_are_named_by_their_rule() {
    let jwt = format!(
        "{}.{}.{}",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(r#"{"sub":"1234567890"}"#),
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    let url = format!("https://app.example.net/cb?state=af0ifjsldkj&id_token={jwt}&x=1");
    assert_eq!(ids("url.full", &url), ["pii/jwt"]);
    assert_eq!(
        ids("msg", &format!("login ok id_token={jwt} user=7")),
        ["pii/jwt"]
    );
    assert_eq!(
        ids(
            "process.command_line",
            "aws s3 cp --region eu-west-1 aws_access_key_id=AKIAIOSFODNN7EXAMPLE bucket=logs"
        ),
        ["pii/aws-access-key"]
    );
    assert_eq!(
        ids(
            "url.full",
            "https://s3.example.net/b?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4"
        ),
        ["pii/aws-access-key", "pii/signed-url"]
    );
    let ghp = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    assert_eq!(
        ids(
            "url.full",
            &format!("https://x.net/hook?access_token={ghp}")
        ),
        ["pii/api-token"]
    );
    // The generic rule still covers a parameter no specific rule knows.
    assert_eq!(
        ids("url.full", "https://x.net/cb?access_token=abc123def456ghi"),
        ["pii/signed-url"]
    );
}

#[test]
fn secret_key_names() {
    assert_eq!(
        scan("db.password", "hunter2"),
        vec![("pii/secret-key-name", "****(7 chars)".into())]
    );
    assert_eq!(ids("x-api-key", "k-12345"), ["pii/secret-key-name"]);
    assert_eq!(scan_int("password", 1234), ["pii/secret-key-name"]);
    for (k, v) in [
        ("db.password", "***"),
        ("db.password", "[REDACTED]"),
        ("session.id", "a8f5f167f44f4964e6c998dee827110c"),
        ("token.type", "Bearer"),
        ("auth.method", "oauth2"),
        ("api_key", ""),
    ] {
        assert_eq!(ids(k, v), NONE, "{k}={v}");
    }
    assert_eq!(scan_int("gen_ai.usage.input_tokens", 5123), NONE);
    assert_eq!(scan_int("token_count", 77), NONE);
}

#[test]
fn sql_literals_and_ids() {
    let f = ids(
        "db.statement",
        "SELECT * FROM users WHERE email = 'jane.doe@acme-corp.com'",
    );
    assert_eq!(f, ["pii/email", "pii/sql-literal"]);
    assert_eq!(
        ids("db.statement", "SELECT * FROM users WHERE id = $1"),
        NONE
    );
    assert_eq!(
        ids("db.query.text", "UPDATE t SET name = 'x' WHERE id = 7"),
        ["pii/sql-literal"]
    );
    for v in [
        "123e4567-e89b-12d3-a456-426614174000",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
    ] {
        assert_eq!(ids("messaging.message.id", v), NONE, "{v}");
        assert_eq!(ids("note", v), NONE, "{v}");
    }
}

#[test]
fn redact_replaces_every_match() {
    let s = scanner();
    let r = s.redact("GET /users/jane.doe@acme-corp.com/cards/4111 1111 1111 1111");
    assert_eq!(r, "GET /users/j***@a***.com/cards/4111 **** **** 1111");
    assert_eq!(s.redact("GET /users/{id}"), "GET /users/{id}");
}

#[test]
fn disabled_rules_do_not_run() {
    let s = Scanner::new(&[Kind::Email], false, Vec::new());
    let mut hits = Vec::new();
    s.scan_str(&s.key_info("k"), "jane.doe@acme-corp.com", &mut hits);
    assert!(hits.is_empty());
    let s = Scanner::new(&[], true, Vec::new());
    s.scan_str(&s.key_info("k"), "test@example.com", &mut hits);
    assert_eq!(hits.len(), 1, "reserved domains reported on request");
}

proptest! {
    #[test]
    fn random_text_never_panics(s in "\\PC{0,120}", key in "[a-z._]{0,20}") {
        let sc = scanner();
        let mut hits = Vec::new();
        sc.scan_str(&sc.key_info(&key), &s, &mut hits);
        for h in &hits {
            prop_assert!(h.start <= h.end && h.end <= s.len());
        }
        let _ = sc.redact(&s);
        let _ = crate::analysis::cardinality::normalize_name(&s);
        let _ = super::sql::literals(&s);
    }

    #[test]
    fn random_ids_are_not_cards(d in "[1-9][0-9]{15}") {
        prop_assert_eq!(ids("order.id", &d), NONE);
        prop_assert_eq!(ids("msg", &format!("processed {d} items")), NONE);
    }

    #[test]
    fn found_cards_are_never_printed(n in 0u64..1_000_000_000_000) {
        // Make a Luhn-valid Visa number from a random body.
        let body = format!("4{n:014}");
        let check = (0..10).find(|c| super::validators::luhn(format!("{body}{c}").as_bytes())).unwrap();
        let card = format!("{body}{check}");
        let f = scan("payment.card", &card);
        prop_assert_eq!(f.len(), 1);
        prop_assert!(!f[0].1.contains(&card[4..12]));
    }
}

#[test]
fn luhn_rate_of_random_digits_is_about_ten_percent() {
    // Deterministic sample: a linear congruential walk over 16-digit numbers.
    let mut x: u64 = 0x1234_5678;
    let (mut luhn, mut cards, n) = (0, 0, 20_000);
    for _ in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let d = format!("{:016}", (x >> 8) % 10_000_000_000_000_000);
        if super::validators::luhn(d.as_bytes()) {
            luhn += 1;
        }
        if !ids("order.id", &d).is_empty() {
            cards += 1;
        }
    }
    assert!((1700..2300).contains(&luhn), "{luhn}");
    assert_eq!(cards, 0);
}
