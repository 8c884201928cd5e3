//! Durations, instants and byte sizes: parsing user input (`250ms`, `1.5s`, RFC 3339, `64KiB`)
//! and printing human
//! units.

/// The units a duration may be written in, for messages.
const UNITS_HINT: &str = "ns, us (or µs), ms, s, m, h";

/// Parse a duration: a number with a unit `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`. Returns
/// nanoseconds.
///
/// A number without a unit is refused (is `5` five milliseconds or five seconds?), except a
/// zero (`0`, `0.0`), which is zero in every unit. Flags, policy files and config files all
/// read durations with this function, so they agree.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() {
        return Err(format!(
            "invalid duration {s:?}: expected a number with a unit, e.g. 250ms or 1.5s"
        ));
    }
    let scale: f64 = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        "" => {
            return match num.parse::<f64>() {
                Ok(0.0) => Ok(0),
                Ok(_) => Err(format!(
                    "invalid duration {s:?}: a duration needs a unit: {num}ms, {num}us, {num}s … \
                     (units: {UNITS_HINT}; only 0 may go without one)"
                )),
                Err(_) => Err(format!("invalid duration {s:?}")),
            };
        }
        other => {
            return Err(format!(
                "invalid duration unit {other:?} in {s:?}: use {UNITS_HINT}"
            ));
        }
    };
    // Integers are exact; decimals go through f64 (fine for user-typed thresholds).
    if let Ok(n) = num.parse::<u64>() {
        return n
            .checked_mul(scale as u64)
            .ok_or_else(|| format!("duration {s:?} is too large"));
    }
    let v: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    let ns = v * scale;
    if !ns.is_finite() || ns >= u64::MAX as f64 {
        return Err(format!("duration {s:?} is too large"));
    }
    Ok(ns.round() as u64)
}

/// Parse a byte size: a whole number with an optional unit `B`, `KiB`, `MiB`, `GiB` (powers of
/// 1024; `K`, `M`, `G`, `KB`, `MB`, `GB` mean the same, case-insensitive).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("invalid size {s:?}: expected a number with a unit, e.g. 64KiB or 512MiB")
    })?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "invalid size unit {other:?} in {s:?}: use B, KiB, MiB or GiB"
            ));
        }
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

/// A byte size for messages: `512 B`, `64 KiB`, `1.5 MiB`, `2 GiB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (name, scale) in UNITS {
        if bytes >= scale {
            let v = bytes as f64 / scale as f64;
            return if bytes.is_multiple_of(scale) {
                format!("{} {name}", bytes / scale)
            } else {
                format!("{v:.1} {name}")
            };
        }
    }
    format!("{bytes} B")
}

/// Human units with three significant digits: `812ns`, `4.21µs`, `12.3ms`, `1.50s`, `2m03s`.
/// Rounding never prints a value that belongs to the next unit (`999.9µs` is `1.00ms`).
pub fn format_duration(ns: u64) -> String {
    const UNITS: [(f64, &str); 3] = [(1e3, "µs"), (1e6, "ms"), (1e9, "s")];
    if ns < 1_000 {
        return format!("{ns}ns");
    }
    if ns < 60_000_000_000 {
        let f = ns as f64;
        for (k, (scale, unit)) in UNITS.iter().enumerate() {
            let v = f / scale;
            // Digits after the point for three significant digits, decided on the rounded value.
            let text = if v >= 99.95 {
                format!("{v:.0}")
            } else if v >= 9.995 {
                format!("{v:.1}")
            } else {
                format!("{v:.2}")
            };
            let rounded: f64 = text.parse().unwrap_or(v);
            if rounded >= 1000.0 && k + 1 < UNITS.len() {
                continue;
            }
            if rounded >= 60.0 && *unit == "s" {
                break;
            }
            return format!("{text}{unit}");
        }
    }
    // Rounded to the second without overflowing near u64::MAX.
    let secs = ns / 1_000_000_000 + u64::from(ns % 1_000_000_000 >= 500_000_000);
    if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

/// Like [`format_duration`] with a sign: `+5.00ms`, `-120µs`.
pub fn format_signed_duration(ns: i64) -> String {
    if ns < 0 {
        format!("-{}", format_duration(ns.unsigned_abs()))
    } else {
        format!("+{}", format_duration(ns as u64))
    }
}

/// RFC 3339 UTC timestamp with microseconds (truncated), from Unix nanoseconds.
pub fn format_timestamp(ns: u64) -> String {
    timestamp(ns).strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Unix nanoseconds as a [`jiff::Timestamp`]. Every `u64` fits (it ends in the year 2554).
pub fn timestamp(ns: u64) -> jiff::Timestamp {
    jiff::Timestamp::from_nanosecond(i128::from(ns)).unwrap_or(jiff::Timestamp::MAX)
}

/// Parse an instant with a UTC offset, the one parser behind every time flag.
///
/// RFC 3339 as jiff reads it: `2026-11-21T10:00:00Z`, `…T10:00:00.5+01:00`; a lowercase `t`
/// or `z` and a space instead of `T` are accepted (RFC 3339 §5.6 allows them), so are the
/// ISO 8601 forms jiff also reads (`+0100`, `+01`, `20261121T100000Z`). Refused: impossible
/// dates (`2026-02-31`), offset hours beyond 23 (`+99:00`, `+24:00`: RFC 3339's `time-hour`;
/// jiff alone would take up to 25 for POSIX time zone strings), more than 9 fraction digits,
/// no offset at all. A leap second (`:60`) is read as `:59`, as jiff does. The error is one
/// line saying what is wrong, without the value (callers name it).
pub fn parse_rfc3339(s: &str) -> Result<jiff::Timestamp, String> {
    // The offset's sign comes after the date (whose `-` are at 4 and 7).
    if let Some(i) = s.rfind(['+', '-']).filter(|&i| i > 10)
        && let Some(hours) = s.get(i + 1..i + 3)
        && hours.bytes().all(|b| b.is_ascii_digit())
        && hours > "23"
    {
        return Err(format!("the UTC offset {} is beyond ±23:59", &s[i..]));
    }
    s.parse::<jiff::Timestamp>()
        .map_err(|e| e.to_string().replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64KiB"), Ok(64 * 1024));
        assert_eq!(parse_size("1 MiB"), Ok(1 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("1.5MiB").is_err());
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(format_size(1 << 20), "1 MiB");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(12), "12 B");
    }

    #[test]
    fn parses() {
        assert_eq!(parse_duration("250ms").unwrap(), 250_000_000);
        assert_eq!(parse_duration("1.5s").unwrap(), 1_500_000_000);
        assert_eq!(parse_duration("10us").unwrap(), 10_000);
        assert_eq!(parse_duration("7ms").unwrap(), 7_000_000);
        assert_eq!(parse_duration("3ns").unwrap(), 3);
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
    }

    #[test]
    fn a_number_needs_a_unit() {
        for bare in ["5", "1.5", " 250 ", "007"] {
            let e = parse_duration(bare).unwrap_err();
            let num = bare.trim();
            assert!(e.contains("a duration needs a unit"), "{e}");
            assert!(e.contains(&format!("{num}ms, {num}us, {num}s")), "{e}");
        }
        // Zero is zero in every unit.
        assert_eq!(parse_duration("0").unwrap(), 0);
        assert_eq!(parse_duration("0.0").unwrap(), 0);
        assert_eq!(parse_duration("0ms").unwrap(), 0);
        assert!(parse_duration(".").is_err());
        assert!(parse_duration("1..2").is_err());
    }

    #[test]
    fn durations_near_the_largest_do_not_wrap() {
        assert_eq!(format_duration(u64::MAX), "5124095h34m");
        assert_eq!(format_duration(u64::MAX - 400_000_000), "5124095h34m");
        assert_eq!(format_duration(i64::MAX as u64), "2562047h47m");
        assert_eq!(format_signed_duration(i64::MIN), "-2562047h47m");
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(812), "812ns");
        assert_eq!(format_duration(4_210), "4.21µs");
        assert_eq!(format_duration(12_345_678), "12.3ms");
        assert_eq!(format_duration(1_500_000_000), "1.50s");
        assert_eq!(format_duration(123_000_000_000), "2m03s");
        assert_eq!(format_duration(9_999_999), "10.0ms");
        assert_eq!(format_duration(999_999), "1.00ms");
        assert_eq!(format_duration(999_949), "1.00ms");
        assert_eq!(format_duration(99_949), "99.9µs");
        assert_eq!(format_duration(59_999_999_999), "1m00s");
        assert_eq!(
            format_timestamp(1_544_712_660_000_000_000),
            "2018-12-13T14:51:00.000000Z"
        );
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
        // Microseconds are truncated, not rounded; the largest u64 is in 2554.
        assert_eq!(
            format_timestamp(1_544_712_660_999_999_999),
            "2018-12-13T14:51:00.999999Z"
        );
        assert_eq!(format_timestamp(u64::MAX), "2554-07-21T23:34:33.709551Z");
    }

    /// The loose inputs the hand-written parsers took, decided one by one.
    #[test]
    fn rfc3339_cases() {
        let ns = |s: &str| parse_rfc3339(s).map(|t| t.as_nanosecond());
        let base = 1_795_252_951_000_000_000; // 2026-11-21T09:22:31Z
        // RFC 3339 §5.6 note: a lowercase t and z, and a space for T, are accepted.
        assert_eq!(ns("2026-11-21t09:22:31z"), Ok(base));
        assert_eq!(ns("2026-11-21 09:22:31Z"), Ok(base));
        assert_eq!(ns("2026-11-21T10:22:31+01:00"), Ok(base));
        assert_eq!(ns("2026-11-21T09:22:31-00:00"), Ok(base));
        // Impossible dates are refused (the hand parsers took Feb 31 as Mar 3).
        for bad in [
            "2026-02-31T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-02-29T00:00:00Z",
        ] {
            let e = parse_rfc3339(bad).unwrap_err();
            assert!(e.contains("day"), "{bad}: {e}");
        }
        assert!(parse_rfc3339("2024-02-29T00:00:00Z").is_ok());
        // Offsets beyond ±23:59 are refused (the hand parsers took +99:00).
        assert!(parse_rfc3339("2026-11-21T09:22:31+99:00").is_err());
        assert_eq!(
            parse_rfc3339("2026-11-21T09:22:31+24:00").unwrap_err(),
            "the UTC offset +24:00 is beyond ±23:59"
        );
        assert!(parse_rfc3339("2026-11-21T09:22:31-25:00").is_err());
        assert_eq!(
            ns("2026-11-21T09:22:31-23:59"),
            Ok(base + (23 * 3600 + 59 * 60) * 1_000_000_000)
        );
        // A leap second is read as :59, keeping its fraction.
        assert_eq!(ns("2026-11-21T09:22:60.5Z"), Ok(base + 28_500_000_000));
        // Nine fraction digits at most (the hand parsers dropped the rest).
        assert_eq!(ns("2026-11-21T09:22:31.123456789Z"), Ok(base + 123_456_789));
        assert!(parse_rfc3339("2026-11-21T09:22:31.1234567891Z").is_err());
        // No offset, no digits after the dot, out-of-range fields: refused.
        for bad in [
            "2026-11-21T09:22:31",
            "2026-11-21T09:22:31.Z",
            "2026-13-01T00:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T09:60:00Z",
            "yesterday",
            "",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        // Errors are one line.
        for bad in ["2026-02-31T00:00:00Z", "2026-11-21T09:22:31+99:00", "x"] {
            assert!(!parse_rfc3339(bad).unwrap_err().contains('\n'));
        }
    }
}
