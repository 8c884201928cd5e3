//! The PII detector kinds and what an attribute key tells about its value. Each kind's id,
//! severity, description and help are its entry in the rule table (`analysis::rules::RULES`).

/// The built-in PII detectors. The order is the priority when two matches overlap in one value:
/// the earlier kind keeps the text (a URL's credentials are not also an email; a bearer JWT is
/// one bearer token).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    UrlCredentials,
    SignedUrl,
    PrivateKey,
    BasicAuth,
    BearerToken,
    Jwt,
    AwsAccessKey,
    ApiToken,
    SecretKeyName,
    CreditCard,
    UsSsn,
    Iban,
    Email,
    Phone,
    IpAddress,
    SqlLiteral,
}

/// Every kind, in priority order.
pub const ALL: [Kind; crate::analysis::rules::PII_KINDS] = crate::analysis::rules::PII_ALL;

/// What an attribute key says about its value. Computed once per distinct key.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub struct KeyClass {
    /// The key names a secret (password, token, api_key, authorization, cookie…).
    pub secret: bool,
    /// Context that lets a bare number be a card / SSN / phone number.
    pub card: bool,
    pub cvv: bool,
    pub ssn: bool,
    pub phone: bool,
    /// The key holds an id, count, size or time: a bare digit string there is not personal data.
    pub numeric: bool,
    /// The key holds a version (`1.2.3.4` is not an address) or an OID.
    pub version: bool,
    /// Authorization or cookie header: `Token`/`Digest` schemes count too.
    pub auth_header: bool,
    /// An address key that is meant to hold a client's address (hint in the message).
    pub client_ip: bool,
    /// A server's or host's address: not personal data.
    pub server_ip: bool,
    /// `db.statement` / `db.query.text`: SQL literal checks.
    pub sql: bool,
    /// `url.query`: the whole value is a query string.
    pub query: bool,
}

/// Keys that are known safe although their names look like secrets.
const SAFE_KEYS: &[&str] = &[
    "session.id",
    "session.previous_id",
    "messaging.kafka.message.key",
    "messaging.kafka.message_key",
    "rpc.message.id",
    "http.request.header.x-request-id",
];

/// Last segments that describe a secret rather than hold it (`token.type`, `secret.name`,
/// `gen_ai.usage.input_tokens` is plural and never matches).
const DESCRIPTIVE: &[&str] = &[
    "count",
    "counts",
    "type",
    "kind",
    "usage",
    "length",
    "len",
    "size",
    "limit",
    "expires",
    "expiry",
    "expiration",
    "exp",
    "ttl",
    "ts",
    "time",
    "at",
    "name",
    "id",
    "present",
    "set",
    "enabled",
    "required",
    "valid",
    "endpoint",
    "url",
    "uri",
    "path",
    "file",
    "source",
    "provider",
    "issuer",
    "algorithm",
    "alg",
    "method",
    "scheme",
    "version",
    "policy",
    "format",
    "prefix",
    "max",
    "min",
    "used",
    "remaining",
    "total",
    "rotation",
    "strength",
    "status",
    "result",
    "error",
    "reason",
    "ref",
    "arn",
    "audience",
    "scope",
    "scopes",
    "duration",
    "age",
];

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "cookies",
    "authtoken",
    "accesstoken",
    "privatekey",
    "clientsecret",
    "secretkey",
    "passcode",
];

/// Two-segment secret names (`api_key`, `access_key`, `private_key`, `secret_key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("session", "token"),
    ("auth", "token"),
];

const NUMERIC_LAST: &[&str] = &[
    "id",
    "ids",
    "uid",
    "seq",
    "sequence",
    "offset",
    "count",
    "size",
    "bytes",
    "ns",
    "ms",
    "us",
    "time",
    "timestamp",
    "ts",
    "duration",
    "length",
    "port",
    "pid",
    "tid",
    "epoch",
    "nanos",
    "millis",
    "index",
    "partition",
    "generation",
    "code",
    "lineno",
    "column",
    "number",
    "nr",
    "num",
    "total",
    "latency",
    "elapsed",
];

/// Split a key into lowercase segments at `.`, `_`, `-`, `/`, spaces and camelCase humps.
pub fn segments(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if matches!(c, '.' | '_' | '-' | '/' | ' ' | ':' | '[' | ']') {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl KeyClass {
    pub fn of(key: &str) -> KeyClass {
        let segs = segments(key);
        let has = |w: &str| segs.iter().any(|s| s == w);
        let pair = |a: &str, b: &str| segs.windows(2).any(|w| w[0] == a && w[1] == b);
        let last = segs.last().map(String::as_str).unwrap_or("");
        let lower = key.to_ascii_lowercase();
        let safe = SAFE_KEYS.contains(&lower.as_str());
        let secret_word = segs.iter().any(|s| SECRET_WORDS.contains(&s.as_str()))
            || SECRET_PAIRS.iter().any(|(a, b)| pair(a, b));
        let descriptive = DESCRIPTIVE.contains(&last) && !SECRET_WORDS.contains(&last);
        let card = has("card")
            || has("cc")
            || has("pan")
            || has("creditcard")
            || has("cardnumber")
            || pair("credit", "card");
        KeyClass {
            secret: secret_word && !descriptive && !safe,
            cvv: matches!(last, "cvv" | "cvc" | "cvv2" | "cvc2" | "csc"),
            card,
            ssn: has("ssn") || pair("social", "security"),
            phone: [
                "phone",
                "tel",
                "telephone",
                "mobile",
                "msisdn",
                "fax",
                "cell",
                "phonenumber",
            ]
            .iter()
            .any(|w| has(w)),
            numeric: NUMERIC_LAST.contains(&last) && !card,
            version: has("version") || has("ver") || last == "oid" || has("flavor"),
            auth_header: has("authorization")
                || has("cookie")
                || pair("auth", "token")
                || has("authentication"),
            client_ip: [
                "client.address",
                "client.socket.address",
                "http.client_ip",
                "net.sock.peer.addr",
                "net.peer.ip",
                "network.peer.address",
                "source.address",
                "enduser.ip",
                "user.ip",
            ]
            .contains(&lower.as_str()),
            server_ip: lower.starts_with("server.")
                || lower.starts_with("host.")
                || lower.starts_with("k8s.")
                || lower.starts_with("container.")
                || lower.starts_with("cloud.")
                || lower.starts_with("net.host.")
                || lower.starts_with("network.local.")
                || lower == "net.sock.host.addr",
            sql: matches!(
                lower.as_str(),
                "db.statement" | "db.query.text" | "db.query" | "sql.query" | "db.sql.statement"
            ),
            query: lower == "url.query" || lower == "http.query",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        for k in [
            "password",
            "db.password",
            "user.Password",
            "api_key",
            "x-api-key",
            "apiKey",
            "client_secret",
            "http.request.header.authorization",
            "http.request.header.cookie",
            "aws.secret_access_key",
            "auth_token",
            "private_key",
            "password_hash",
        ] {
            assert!(KeyClass::of(k).secret, "{k} should be secret");
        }
        for k in [
            "session.id",
            "token_count",
            "gen_ai.usage.input_tokens",
            "auth.method",
            "token.type",
            "secret.name",
            "messaging.kafka.message.key",
            "http.route",
            "cache.key",
            "tokenizer",
        ] {
            assert!(!KeyClass::of(k).secret, "{k} should not be secret");
        }
        assert_eq!(segments("userEmailAddress"), ["user", "email", "address"]);
        assert!(KeyClass::of("service.version").version);
        assert!(KeyClass::of("payment.card_number").card);
        assert!(!KeyClass::of("payment.card_number").numeric);
        assert!(KeyClass::of("order.id").numeric);
        assert!(KeyClass::of("customer.phone").phone);
        assert!(KeyClass::of("user.ssn").ssn);
        assert!(KeyClass::of("db.statement").sql);
        assert!(KeyClass::of("client.address").client_ip);
        assert!(KeyClass::of("server.address").server_ip);
    }

    #[test]
    fn kinds_are_the_pii_rules_in_priority_order() {
        assert_eq!(ALL.len(), 16);
        for (i, k) in ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert!(k.id().starts_with("pii/"), "{}", k.id());
            assert!(std::ptr::eq(
                k.rule(),
                crate::analysis::rules::find(k.id()).unwrap()
            ));
        }
        assert_eq!(Kind::Email.id(), "pii/email");
        assert_eq!(Kind::Email.what(), "email address");
        assert_eq!(Kind::SqlLiteral.id(), "pii/sql-literal");
    }
}
