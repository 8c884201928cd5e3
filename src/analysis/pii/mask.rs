//! Masked forms: what a finding shows instead of the value it found. A mask keeps at most the
//! parts that help a person recognise the kind and find the source (a card's first and last four
//! digits, an email's first letters and top-level domain, a key id's prefix), never enough to use.

/// `j***@e***.com`: the first character of the local part and of the domain, and the last label.
pub fn email(s: &str) -> String {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return stars(s);
    };
    let tld = domain.rsplit_once('.').map(|(_, t)| t).unwrap_or("");
    format!("{}***@{}***.{}", first(local), first(domain), tld)
}

/// `4111 **** **** 1111`: first and last four digits, the middle starred in groups of four.
pub fn card(digits: &str) -> String {
    grouped(digits, 4, 4)
}

/// `DE89 **** **** **** ** 3000`: country and check digits, then the last four.
pub fn iban(compact: &str) -> String {
    grouped(compact, 4, 4)
}

fn grouped(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return stars(s);
    }
    let mut out: String = chars[..head].iter().collect();
    let middle = chars.len() - head - tail;
    let mut left = middle;
    while left > 0 {
        let n = left.min(4);
        out.push(' ');
        out.extend(std::iter::repeat_n('*', n));
        left -= n;
    }
    out.push(' ');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `***-**-6789`: the serial only.
pub fn ssn(serial: &str) -> String {
    format!("***-**-{serial}")
}

/// `+44 *** *** 0123` style: the leading `+` and country digit, then the last two digits.
pub fn phone(digits: &str, plus: bool) -> String {
    let n = digits.len();
    let head = if plus {
        digits.get(..1).unwrap_or("")
    } else {
        ""
    };
    let tail = digits.get(n.saturating_sub(2)..).unwrap_or("");
    let masked = n.saturating_sub(head.len() + tail.len());
    format!(
        "{}{}{}{}",
        if plus { "+" } else { "" },
        head,
        "*".repeat(masked),
        tail
    )
}

/// `81.2.*.*` / `2a00:1450:*`: the network part only.
pub fn ip(addr: &str) -> String {
    if addr.contains(':') {
        let mut parts = addr.split(':').filter(|p| !p.is_empty());
        let a = parts.next().unwrap_or("");
        let b = parts.next().unwrap_or("");
        format!("{a}:{b}:*")
    } else {
        let mut it = addr.split('.');
        let a = it.next().unwrap_or("");
        let b = it.next().unwrap_or("");
        format!("{a}.{b}.*.*")
    }
}

/// `AKIA************MPLE`: the first and last four characters, the rest starred.
pub fn key_id(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 8 {
        return stars(s);
    }
    let mut out: String = chars[..4].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// A credential: its prefix (scheme, vendor prefix) kept, the secret replaced by its length.
pub fn token(prefix: &str, secret_len: usize) -> String {
    format!("{prefix}****({secret_len} chars)")
}

/// Any value under a secret key: nothing but the length.
pub fn secret(s: &str) -> String {
    format!("****({} chars)", s.chars().count())
}

/// A custom-rule or generic match: the first two characters, the rest starred (at most 12 shown).
pub fn generic(s: &str) -> String {
    let n = s.chars().count();
    if n <= 4 {
        return stars(s);
    }
    let head: String = s.chars().take(2).collect();
    format!("{head}{}({n} chars)", "*".repeat((n - 2).min(10)))
}

/// An example value that no detector matched, as `lint` may echo it: kept when its shape is one
/// a person recognises without it being a credential (a number, an id, a date, words, a path),
/// else only its first four characters and its length (`qW7x…(17 chars)`): a secret the
/// detectors miss must not be printed by the linter itself.
pub fn unclassified(s: &str) -> std::borrow::Cow<'_, str> {
    if plain_shape(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let head: String = s.chars().take(4).collect();
    std::borrow::Cow::Owned(format!("{head}…({} chars)", s.chars().count()))
}

/// Numbers, UUIDs, and text made of words, paths and plain punctuation whose alphanumeric runs
/// do not look like keys (long runs mixing letters and digits, or mixed case with digits).
fn plain_shape(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() || t.parse::<f64>().is_ok() || super::validators::is_uuid(t) {
        return true;
    }
    let punctuation_ok = t.chars().all(|c| {
        c.is_alphanumeric() || c.is_whitespace() || "_-./:@,;()[]{}<>*~|=&?'\"+%".contains(c)
    });
    punctuation_ok && t.split(|c: char| !c.is_alphanumeric()).all(plain_run)
}

fn plain_run(run: &str) -> bool {
    let n = run.chars().count();
    if run.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true; // numbers and hex ids (digests, trace ids)
    }
    let upper = run.chars().any(char::is_uppercase);
    let lower = run.chars().any(char::is_lowercase);
    let digit = run.chars().any(|c| c.is_ascii_digit());
    !((n >= 8 && upper && lower && digit)
        || (n >= 16 && digit && (upper || lower))
        || (n >= 20 && upper && lower))
}

fn first(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

fn stars(s: &str) -> String {
    "*".repeat(s.chars().count().clamp(3, 12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_little() {
        assert_eq!(email("jane.doe@acme-corp.com"), "j***@a***.com");
        assert_eq!(card("4111111111111111"), "4111 **** **** 1111");
        assert_eq!(card("378282246310005"), "3782 **** *** 0005");
        assert_eq!(key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA************MPLE");
        assert_eq!(
            iban("DE89370400440532013000"),
            "DE89 **** **** **** ** 3000"
        );
        assert_eq!(ssn("1234"), "***-**-1234");
        assert_eq!(phone("4420794600", true), "+4*******00");
        assert_eq!(ip("81.2.69.160"), "81.2.*.*");
        assert_eq!(ip("2a00:1450:4001::1"), "2a00:1450:*");
        assert_eq!(secret("hunter2"), "****(7 chars)");
        assert_eq!(token("Bearer ", 40), "Bearer ****(40 chars)");
        assert_eq!(generic("EMP-123456"), "EM********(10 chars)");
        assert_eq!(email("x"), "***");
    }

    #[test]
    fn unclassified_values_keep_only_what_is_recognisable() {
        for plain in [
            "1234",
            "-3.25e4",
            "GET /users/{id}",
            "/cart/<user_id>",
            "/static/*",
            "checkout failed: card declined",
            "0af7651916cd43dd8448eb211c80319c",
            "3f2b8c1e-9d4a-4e6f-8b7c-1a2b3c4d5e6f",
            "2024-05-01T10:00:00Z",
            "eu-west-1",
            "Überweisung angenommen",
            "",
        ] {
            assert_eq!(unclassified(plain), plain);
        }
        for (secret, shown) in [
            ("qW7x!pL2#mZ9vR4t3", "qW7x…(17 chars)"),
            ("Xk29fLq0aPz", "Xk29…(11 chars)"),
            ("sk_live_51h8x2k9q0w7e4r5t6y", "sk_l…(27 chars)"),
            ("dGhpcyBpcyBub3QgYSBrZXk=", "dGhp…(24 chars)"),
            ("pass word$1", "pass…(11 chars)"),
        ] {
            assert_eq!(unclassified(secret), shown, "{secret}");
        }
    }
}
