//! What a search asks for, and the time values users type (`--since 1h`, RFC 3339 instants).

use std::time::{SystemTime, UNIX_EPOCH};

/// A backend search, in tracekit's terms; each client turns it into its API's parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub service: Option<String>,
    pub operation: Option<String>,
    /// `key=value` tag (attribute) filters; all must match.
    pub tags: Vec<(String, String)>,
    pub min_duration_ns: Option<u64>,
    pub max_duration_ns: Option<u64>,
    /// A TraceQL query (Tempo only).
    pub traceql: Option<String>,
    /// Window of trace start times, Unix ns.
    pub start_ns: u64,
    pub end_ns: u64,
    pub limit: usize,
}

/// The window as the user gave it: `--since`, `--start`, `--end`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    pub since_ns: Option<u64>,
    pub start_ns: Option<u64>,
    pub end_ns: Option<u64>,
}

/// The default look-back when neither `--since` nor `--start` is given.
pub const DEFAULT_SINCE_NS: u64 = 3600 * 1_000_000_000;

impl Window {
    /// Resolve to `(start, end)` in Unix ns, `now_ns` being the current time.
    pub fn resolve(self, now_ns: u64) -> Result<(u64, u64), String> {
        let end = self.end_ns.unwrap_or(now_ns);
        let start = match (self.start_ns, self.since_ns) {
            (Some(s), _) => s,
            (None, Some(since)) => end.saturating_sub(since),
            (None, None) => end.saturating_sub(DEFAULT_SINCE_NS),
        };
        if start >= end {
            return Err(format!(
                "the search window is empty: start {} is not before end {}",
                crate::units::format_timestamp(start),
                crate::units::format_timestamp(end)
            ));
        }
        Ok((start, end))
    }
}

pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos().min(u128::from(u64::MAX)) as u64)
        .unwrap_or(0)
}

/// Parse an instant: RFC 3339 (`2026-11-21T10:00:00Z`, `2026-11-21T10:00:00.5+01:00`, see
/// [`crate::units::parse_rfc3339`] for the details) or Unix seconds (`1795252951`). Returns
/// Unix ns; instants before 1970 are refused.
pub fn parse_instant(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .ok()
            .and_then(|v| v.checked_mul(1_000_000_000))
            .ok_or_else(|| format!("invalid time {s:?}: too large"));
    }
    let ts = crate::units::parse_rfc3339(t).map_err(|why| {
        format!(
            "invalid time {s:?}: {why} (expected RFC 3339 like 2026-11-21T10:00:00Z, or Unix seconds)"
        )
    })?;
    u64::try_from(ts.as_nanosecond())
        .map_err(|_| format!("invalid time {s:?}: before 1970-01-01T00:00:00Z"))
}

/// A Go duration string (what Jaeger and Tempo parse): the largest exact unit.
pub fn go_duration(ns: u64) -> String {
    if ns == 0 {
        "0s".into()
    } else if ns.is_multiple_of(1_000_000_000) {
        format!("{}s", ns / 1_000_000_000)
    } else if ns.is_multiple_of(1_000_000) {
        format!("{}ms", ns / 1_000_000)
    } else if ns.is_multiple_of(1_000) {
        format!("{}us", ns / 1_000)
    } else {
        format!("{ns}ns")
    }
}

/// Parse `key=value` (the value may contain `=`).
pub fn parse_tag(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("invalid tag {s:?}: expected KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        // 1795252951 s: computed with `date -u -d @1795252951` = 2026-11-21T09:22:31Z.
        assert_eq!(
            parse_instant("2026-11-21T09:22:31Z").unwrap(),
            1_795_252_951_000_000_000
        );
        assert_eq!(
            parse_instant("2026-11-21T10:22:31.25+01:00").unwrap(),
            1_795_252_951_250_000_000
        );
        assert_eq!(
            parse_instant("1795252951").unwrap(),
            1_795_252_951_000_000_000
        );
        assert_eq!(parse_instant("1970-01-01T00:00:00Z").unwrap(), 0);
        assert!(parse_instant("2026-13-01T00:00:00Z").is_err());
        assert!(parse_instant("yesterday").is_err());
        assert!(parse_instant("2026-11-21T09:22:31").is_err());
        assert!(parse_instant("1969-12-31T23:59:59Z").is_err());
        let e = parse_instant("2026-02-31T00:00:00Z").unwrap_err();
        assert!(
            e.starts_with("invalid time \"2026-02-31T00:00:00Z\": "),
            "{e}"
        );
        assert!(
            e.ends_with("(expected RFC 3339 like 2026-11-21T10:00:00Z, or Unix seconds)"),
            "{e}"
        );
        assert!(parse_instant("2026-11-21T09:22:31+99:00").is_err());
        assert_eq!(
            crate::units::format_timestamp(parse_instant("2024-02-29T23:59:59.123456Z").unwrap()),
            "2024-02-29T23:59:59.123456Z"
        );
    }

    #[test]
    fn windows() {
        let now = 10_000 * 1_000_000_000;
        let w = Window {
            since_ns: Some(60 * 1_000_000_000),
            ..Window::default()
        };
        assert_eq!(w.resolve(now).unwrap(), (now - 60_000_000_000, now));
        let w = Window::default();
        assert_eq!(w.resolve(now).unwrap().0, now - DEFAULT_SINCE_NS);
        let w = Window {
            start_ns: Some(now),
            end_ns: Some(now),
            since_ns: None,
        };
        assert!(w.resolve(now).is_err());
    }

    #[test]
    fn go_durations_and_tags() {
        assert_eq!(go_duration(2_000_000_000), "2s");
        assert_eq!(go_duration(1_500_000), "1500us");
        assert_eq!(go_duration(5_000_000), "5ms");
        assert_eq!(go_duration(7), "7ns");
        assert_eq!(
            parse_tag("http.url=/a=b").unwrap(),
            ("http.url".into(), "/a=b".into())
        );
        assert!(parse_tag("=x").is_err());
        assert!(parse_tag("novalue").is_err());
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn instants_never_panic(s in ".{0,40}") {
            let _ = parse_instant(&s);
        }

        #[test]
        fn instants_round_trip(secs in 0u64..4_000_000_000, micros in 0u64..1_000_000) {
            let ns = secs * 1_000_000_000 + micros * 1_000;
            let text = crate::units::format_timestamp(ns);
            prop_assert_eq!(parse_instant(&text).unwrap(), ns);
        }
    }
}
