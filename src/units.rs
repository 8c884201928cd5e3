//! Durations: parsing user input (`250ms`, `1.5s`) and printing human units.

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
    // Rounded to the second without `ns + 0.5s`, which overflows near u64::MAX.
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

/// RFC 3339 UTC timestamp with microseconds, from Unix nanoseconds (no time-zone database needed).
pub fn format_timestamp(ns: u64) -> String {
    let secs = (ns / 1_000_000_000) as i64;
    let micros = (ns % 1_000_000_000) / 1_000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_largest_durations_format_without_overflow() {
        // Found by the otlp_proto fuzz target: a span ending ~584 years before it starts made
        // `check` format u64::MAX-ish nanoseconds, and `ns + 0.5s` overflowed.
        assert_eq!(format_duration(u64::MAX), "5124095h34m");
        assert_eq!(format_duration(u64::MAX - 499_999_999), "5124095h34m");
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
    }
}
