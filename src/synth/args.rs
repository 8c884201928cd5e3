//! Parsing the user-facing values of the synth options (used by the command line).

use crate::units::parse_duration;

/// A rate between 0 and 1.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("invalid rate {s:?}: expected a number from 0 to 1"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("rate {s} is outside 0 to 1"))
    }
}

/// `SERVICE=DURATION` with a signed duration (`payment=-25ms`, `auth=+1.5s`) → (service, ns).
pub fn parse_skew(s: &str) -> Result<(String, i64), String> {
    let (svc, dur) = s.split_once('=').ok_or_else(|| {
        format!("invalid skew {s:?}: expected SERVICE=DURATION, e.g. payment=-25ms")
    })?;
    let svc = svc.trim();
    if svc.is_empty() {
        return Err(format!("invalid skew {s:?}: the service name is empty"));
    }
    let dur = dur.trim();
    let (neg, mag) = match dur.as_bytes().first() {
        Some(b'-') => (true, &dur[1..]),
        Some(b'+') => (false, &dur[1..]),
        _ => (false, dur),
    };
    let ns = parse_duration(mag)?;
    let ns = i64::try_from(ns).map_err(|_| format!("skew {dur:?} is too large"))?;
    Ok((svc.to_string(), if neg { -ns } else { ns }))
}

/// Unix seconds, or an RFC 3339 time (`2026-01-15T10:00:00Z`, `…+02:00`; fractions ignored;
/// see [`crate::units::parse_rfc3339`]).
pub fn parse_start(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map_err(|_| format!("start time {s:?} is too large"));
    }
    let ts = crate::units::parse_rfc3339(t).map_err(|why| {
        format!(
            "invalid start time {s:?}: {why} (expected Unix seconds or an RFC 3339 time like 2026-01-15T10:00:00Z)"
        )
    })?;
    if ts.as_nanosecond() < 0 {
        return Err(format!(
            "invalid start time {s:?}: before 1970-01-01T00:00:00Z"
        ));
    }
    Ok(ts.as_second().unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("0.25").unwrap(), 0.25);
        assert_eq!(parse_rate("1").unwrap(), 1.0);
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("NaN").is_err());
        assert!(parse_rate("x").is_err());
    }

    #[test]
    fn skews() {
        assert_eq!(
            parse_skew("payment=-25ms").unwrap(),
            ("payment".to_string(), -25_000_000)
        );
        assert_eq!(
            parse_skew("auth=+1.5s").unwrap(),
            ("auth".to_string(), 1_500_000_000)
        );
        assert_eq!(
            parse_skew("cart=300us").unwrap(),
            ("cart".to_string(), 300_000)
        );
        assert!(parse_skew("payment").is_err());
        assert!(parse_skew("=5ms").is_err());
        assert!(parse_skew("payment=-").is_err());
        assert!(parse_skew("payment=5 parsecs").is_err());
    }

    #[test]
    fn starts() {
        // 2026-01-15T10:00:00Z: 20468 days after the epoch (56 years with 14 leap days, plus 14
        // days of January) and 10 hours.
        let expected = 20_468 * 86_400 + 10 * 3_600;
        assert_eq!(parse_start("2026-01-15T10:00:00Z").unwrap(), expected);
        assert_eq!(parse_start("2026-01-15T12:00:00+02:00").unwrap(), expected);
        assert_eq!(
            parse_start("2026-01-15T10:00:00.123456Z").unwrap(),
            expected
        );
        assert_eq!(parse_start("1768471200").unwrap(), expected);
        assert_eq!(parse_start("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(parse_start("2000-03-01T00:00:00Z").unwrap(), 951_868_800);
        assert!(parse_start("1969-12-31T23:59:59Z").is_err());
        assert!(parse_start("2026-13-01T00:00:00Z").is_err());
        assert!(parse_start("yesterday").is_err());
        assert!(parse_start("2026-01-15T10:00:00").is_err());
        assert!(parse_start("1969-12-31T23:59:59.5Z").is_err());
        assert!(parse_start("2026-02-31T10:00:00Z").is_err());
        assert!(parse_start("2026-01-15T10:00:00+99:00").is_err());
        assert!(parse_start("2026-01-15T10:00:00.1234567891Z").is_err());
        assert_eq!(parse_start("2026-01-15 10:00:00z").unwrap(), expected);
    }
}
