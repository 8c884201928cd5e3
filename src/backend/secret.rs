//! Secrets (tokens, passwords) and URLs that may carry them: never printed, logged or shown in
//! `Debug` output.

use std::fmt;

/// A credential. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value, and
/// it is called only where a request header is built.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A URL fit for messages: user info (`user:password@`) is replaced by `***@` and the query
/// string (which may hold an API key) and fragment are dropped.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    match scheme {
        Some(s) => format!("{s}://{authority}{path}"),
        None => format!("{authority}{path}"),
    }
}

/// Take the user info out of a URL: `(url without it, user, password)`, percent-decoded.
pub fn split_userinfo(url: &str) -> (String, Option<String>, Option<Secret>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None, None);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let Some((info, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None, None);
    };
    let (user, password) = match info.split_once(':') {
        Some((u, p)) => (percent_decode(u), Some(Secret::new(percent_decode(p)))),
        None => (percent_decode(info), None),
    };
    let clean = format!("{scheme}://{host}{}", &rest[end..]);
    (clean, Some(user), password)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_shows() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("https://u:p%40ss@tempo.example.com:3200/tempo?api_key=x#f"),
            "https://***@tempo.example.com:3200/tempo"
        );
        assert_eq!(
            redact_url("http://localhost:16686"),
            "http://localhost:16686"
        );
        assert_eq!(redact_url("http://h/a@b"), "http://h/a@b");
    }

    #[test]
    fn userinfo_is_split() {
        let (u, user, pw) = split_userinfo("https://me:p%40ss@h.example/x?y=1");
        assert_eq!(u, "https://h.example/x?y=1");
        assert_eq!(user.as_deref(), Some("me"));
        assert_eq!(pw.unwrap().expose(), "p@ss");
        let (u, user, pw) = split_userinfo("https://h.example/a@b");
        assert_eq!(u, "https://h.example/a@b");
        assert!(user.is_none() && pw.is_none());
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn passwords_never_survive_redaction(
            user in "[a-z]{1,8}",
            pw in "[A-Z][0-9][A-Za-z0-9]{4,10}",
            host in "[a-z]{1,10}(\\.[a-z]{2,5})?(:[0-9]{2,5})?",
            path in "(/[a-z]{0,6}){0,3}",
        ) {
            let url = format!("https://{user}:{pw}@{host}{path}?token={pw}");
            let shown = redact_url(&url);
            prop_assert!(!shown.contains(&pw), "{}", shown);
            let (clean, u, p) = split_userinfo(&url);
            prop_assert_eq!(u.as_deref(), Some(user.as_str()));
            prop_assert_eq!(p.map(|s| s.expose().to_string()), Some(pw.clone()));
            prop_assert!(!redact_url(&clean).contains(&pw));
        }

        #[test]
        fn redaction_never_panics(s in ".{0,80}") {
            let _ = redact_url(&s);
            let _ = split_userinfo(&s);
        }
    }
}
