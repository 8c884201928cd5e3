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

/// Parse an instant: RFC 3339 (`2026-11-21T10:00:00Z`, `2026-11-21T10:00:00.5+01:00`, a space
/// instead of `T` is accepted) or Unix seconds (`1795252951`). Returns Unix ns.
pub fn parse_instant(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u64>()
            .ok()
            .and_then(|v| v.checked_mul(1_000_000_000))
            .ok_or_else(|| format!("invalid time {s:?}: too large"));
    }
    rfc3339(t).ok_or_else(|| {
        format!("invalid time {s:?}: expected RFC 3339 like 2026-11-21T10:00:00Z (or Unix seconds)")
    })
}

fn rfc3339(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ns: i64 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return None;
        }
        let digits = &t[s..i.min(s + 9)];
        frac_ns = digits.parse::<i64>().ok()? * 10i64.pow(9 - digits.len() as u32);
    }
    let offset_s: i64 = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            let v = oh * 3600 + om * 60;
            if *sign == b'+' { v } else { -v }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_s;
    if secs < 0 {
        return None;
    }
    (secs as u64)
        .checked_mul(1_000_000_000)?
        .checked_add(frac_ns as u64)
}

/// Howard Hinnant's days-from-civil.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
