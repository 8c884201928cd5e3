//! The PII rules (ids, default severities, help) and what an attribute key tells about its value.

use crate::analysis::findings::Severity;
use crate::analysis::rules::RuleInfo;

/// The built-in PII rules. The order is the priority when two matches overlap in one value: the
/// earlier rule keeps the text (a URL's credentials are not also an email; a bearer JWT is one
/// bearer token).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
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

pub const ALL: [Rule; 16] = [
    Rule::UrlCredentials,
    Rule::SignedUrl,
    Rule::PrivateKey,
    Rule::BasicAuth,
    Rule::BearerToken,
    Rule::Jwt,
    Rule::AwsAccessKey,
    Rule::ApiToken,
    Rule::SecretKeyName,
    Rule::CreditCard,
    Rule::UsSsn,
    Rule::Iban,
    Rule::Email,
    Rule::Phone,
    Rule::IpAddress,
    Rule::SqlLiteral,
];

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::UrlCredentials => "pii/url-credentials",
            Rule::SignedUrl => "pii/signed-url",
            Rule::PrivateKey => "pii/private-key",
            Rule::BasicAuth => "pii/basic-auth",
            Rule::BearerToken => "pii/bearer-token",
            Rule::Jwt => "pii/jwt",
            Rule::AwsAccessKey => "pii/aws-access-key",
            Rule::ApiToken => "pii/api-token",
            Rule::SecretKeyName => "pii/secret-key-name",
            Rule::CreditCard => "pii/credit-card",
            Rule::UsSsn => "pii/us-ssn",
            Rule::Iban => "pii/iban",
            Rule::Email => "pii/email",
            Rule::Phone => "pii/phone",
            Rule::IpAddress => "pii/ip-address",
            Rule::SqlLiteral => "pii/sql-literal",
        }
    }

    /// What was found, for messages ("email address in span attribute `user.email`").
    pub fn what(self) -> &'static str {
        match self {
            Rule::UrlCredentials => "credentials in a URL",
            Rule::SignedUrl => "URL signature or credential parameter",
            Rule::PrivateKey => "private key",
            Rule::BasicAuth => "HTTP Basic credentials",
            Rule::BearerToken => "bearer token",
            Rule::Jwt => "JSON Web Token",
            Rule::AwsAccessKey => "AWS access key id",
            Rule::ApiToken => "API token",
            Rule::SecretKeyName => "value under a secret-looking key",
            Rule::CreditCard => "payment card number",
            Rule::UsSsn => "US social security number",
            Rule::Iban => "IBAN",
            Rule::Email => "email address",
            Rule::Phone => "phone number",
            Rule::IpAddress => "public IP address",
            Rule::SqlLiteral => "SQL statement with literal values",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::UrlCredentials
            | Rule::SignedUrl
            | Rule::PrivateKey
            | Rule::BasicAuth
            | Rule::BearerToken
            | Rule::Jwt
            | Rule::AwsAccessKey
            | Rule::ApiToken
            | Rule::SecretKeyName
            | Rule::CreditCard
            | Rule::UsSsn => Severity::Error,
            Rule::Iban | Rule::Email | Rule::Phone | Rule::SqlLiteral => Severity::Warning,
            Rule::IpAddress => Severity::Note,
        }
    }

    fn summary(self) -> &'static str {
        match self {
            Rule::UrlCredentials => {
                "a URL carries a user name and password (scheme://user:pass@host)"
            }
            Rule::SignedUrl => {
                "a URL query carries a signature or credential (X-Amz-Signature, sig, token, api_key…)"
            }
            Rule::PrivateKey => "a PEM private key block",
            Rule::BasicAuth => "an `Authorization: Basic` value that decodes to user:password",
            Rule::BearerToken => "an `Authorization: Bearer` (or Token) credential",
            Rule::Jwt => "a JSON Web Token (three base64url parts, the header names an `alg`)",
            Rule::AwsAccessKey => "an AWS access key id (AKIA/ASIA… followed by 16 characters)",
            Rule::ApiToken => "a vendor API token (GitHub, GitLab, Slack, Stripe, Google API key)",
            Rule::SecretKeyName => {
                "an attribute whose key names a secret (password, secret, token, api_key, authorization, cookie…) has a value"
            }
            Rule::CreditCard => {
                "a payment card number (Luhn-valid, known issuer prefix and length)"
            }
            Rule::UsSsn => "a US social security number (valid area, group and serial)",
            Rule::Iban => "an international bank account number (country length, mod-97 check)",
            Rule::Email => "an email address",
            Rule::Phone => "a phone number (E.164, or national format under a phone-like key)",
            Rule::IpAddress => {
                "a public IP address (personal data under GDPR when it is a client's)"
            }
            Rule::SqlLiteral => "a database statement carries literal values instead of parameters",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Rule::UrlCredentials => {
                "Record URLs without userinfo (OpenTelemetry semantic conventions: replace it with REDACTED:REDACTED) and rotate the exposed password."
            }
            Rule::SignedUrl => {
                "Replace the parameter's value with REDACTED before recording the URL (semantic conventions: AWSAccessKeyId, Signature, sig, X-Goog-Signature) and rotate exposed tokens."
            }
            Rule::PrivateKey => "Never record key material; rotate the key.",
            Rule::BasicAuth => {
                "Do not record the Authorization header (or record only its scheme); rotate the password."
            }
            Rule::BearerToken => {
                "Do not record the Authorization header value (or record only its scheme); tokens in telemetry can be replayed until they expire."
            }
            Rule::Jwt => {
                "Drop or mask the token before it reaches telemetry; a JWT is a credential until it expires and its claims often hold personal data."
            }
            Rule::AwsAccessKey => {
                "Remove the key id from telemetry and rotate the key pair if its secret may have leaked with it."
            }
            Rule::ApiToken => "Remove the token from telemetry and revoke it.",
            Rule::SecretKeyName => {
                "Stop recording the attribute, or mask it at the source or in the Collector (redaction processor blocked_key_patterns). Add the key to the lint config allowlist if the value is not a secret."
            }
            Rule::CreditCard => {
                "Card numbers must not be stored unmasked (PCI DSS): mask at the source or with the Collector's redaction processor (blocked_values, redact_all_types for integers)."
            }
            Rule::UsSsn => "Remove the number at the source; mask it in the Collector meanwhile.",
            Rule::Iban => "Remove or mask account numbers before export.",
            Rule::Email => {
                "Record a stable pseudonymous id instead of the address, or mask it in the Collector."
            }
            Rule::Phone => {
                "Record a pseudonymous id instead of the number, or mask it in the Collector."
            }
            Rule::IpAddress => {
                "Truncate or hash client addresses where your policy treats them as personal data; server and private addresses are not reported."
            }
            Rule::SqlLiteral => {
                "Use bind parameters, or let the instrumentation or the Collector (redaction processor db_sanitizer) replace literals with `?`."
            }
        }
    }

    pub fn info(self) -> RuleInfo {
        RuleInfo::new(self.id(), self.severity(), self.summary(), self.help())
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        ALL.iter().copied().find(|r| r.id() == id)
    }
}

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

/// The catalogue entries of every built-in PII rule.
pub fn rule_infos() -> Vec<RuleInfo> {
    ALL.iter().map(|r| r.info()).collect()
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
    fn catalogue_ids_are_unique_and_lowercase() {
        let infos = rule_infos();
        let mut ids: Vec<_> = infos.iter().map(|i| i.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert!(
            ids.iter()
                .all(|i| i.starts_with("pii/") && i == &i.to_lowercase())
        );
        assert_eq!(Rule::from_id("pii/email"), Some(Rule::Email));
    }
}
