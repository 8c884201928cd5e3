use super::*;

fn de<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, serde_json::Error> {
    serde_json::from_str(s)
}

#[test]
fn integers_as_numbers_and_strings() {
    assert_eq!(
        de::<LenientU64>("1544712660000000000").unwrap().0,
        Some(1544712660000000000)
    );
    assert_eq!(
        de::<LenientU64>("\"1544712660000000000\"").unwrap().0,
        Some(1544712660000000000)
    );
    // Beyond 2^53, exactly.
    assert_eq!(
        de::<LenientU64>("18446744073709551615").unwrap().0,
        Some(u64::MAX)
    );
    assert_eq!(
        de::<LenientU64>("\"18446744073709551615\"").unwrap().0,
        Some(u64::MAX)
    );
    assert_eq!(
        de::<LenientU64>("9007199254740993").unwrap().0,
        Some(9007199254740993)
    );
    assert_eq!(de::<LenientU64>("null").unwrap().0, None);
    assert_eq!(de::<LenientU64>("1e3").unwrap().0, Some(1000));
    assert!(de::<LenientU64>("-1").is_err());
    assert!(de::<LenientU64>("\"12x\"").is_err());
    assert!(de::<LenientU64>("1.5").is_err());
    assert!(de::<LenientU64>("true").is_err());
    assert_eq!(
        de::<LenientI64>("\"-9223372036854775808\"").unwrap().0,
        Some(i64::MIN)
    );
    assert_eq!(
        de::<LenientI64>("9223372036854775807").unwrap().0,
        Some(i64::MAX)
    );
    assert!(de::<LenientI64>("9223372036854775808").is_err());
    assert_eq!(de::<LenientU32>("\"256\"").unwrap().0, Some(256));
    assert!(de::<LenientU32>("4294967296").is_err());
    assert!(de::<LenientU32>("-3").is_err());
}

#[test]
fn protobufjs_long_objects() {
    // 1544712660000000000 = 0x156FEBFA_E3594800 -> high 359656442, low as i32 -480688128
    let v = de::<LenientU64>(r#"{"low":-480688128,"high":359656442,"unsigned":false}"#).unwrap();
    assert_eq!(v.0, Some(1_544_712_660_000_000_000));
    assert_eq!(
        de::<LenientI64>(r#"{"low":-1,"high":-1}"#).unwrap().0,
        Some(-1)
    );
    assert_eq!(de::<LenientU64>(r#"{"low":"5"}"#).unwrap().0, Some(5));
    assert!(de::<LenientU64>(r#"{"high":1}"#).is_err());
}

#[test]
fn doubles_and_bools() {
    assert!(de::<LenientF64>("\"NaN\"").unwrap().0.unwrap().is_nan());
    assert_eq!(
        de::<LenientF64>("\"Infinity\"").unwrap().0,
        Some(f64::INFINITY)
    );
    assert_eq!(
        de::<LenientF64>("\"-Infinity\"").unwrap().0,
        Some(f64::NEG_INFINITY)
    );
    assert_eq!(de::<LenientF64>("3.5").unwrap().0, Some(3.5));
    assert_eq!(de::<LenientF64>("3").unwrap().0, Some(3.0));
    assert_eq!(de::<LenientF64>("\"2.25\"").unwrap().0, Some(2.25));
    assert_eq!(de::<LenientF64>("null").unwrap().0, None);
    assert!(de::<LenientF64>("\"many\"").is_err());
    assert_eq!(de::<LenientBool>("\"TRUE\"").unwrap().0, Some(true));
    assert_eq!(de::<LenientBool>("false").unwrap().0, Some(false));
    assert!(de::<LenientBool>("1").is_err());
}

fn kind(s: &str) -> EnumValue<crate::model::SpanKind> {
    use crate::model::SpanKind;
    let seed = EnumSeed {
        from_int: SpanKind::from_otlp,
        from_name: SpanKind::from_name,
    };
    seed.deserialize(&mut serde_json::Deserializer::from_str(s))
        .unwrap()
}

#[test]
fn enums_as_ints_or_names() {
    use crate::model::SpanKind;
    assert_eq!(kind("2"), Some(Ok(SpanKind::Server)));
    assert_eq!(kind("\"2\""), Some(Ok(SpanKind::Server)));
    assert_eq!(kind("\"SPAN_KIND_CLIENT\""), Some(Ok(SpanKind::Client)));
    assert_eq!(kind("null"), None);
    assert_eq!(kind("9"), Some(Err("9".into())));
    assert_eq!(
        kind("\"SPAN_KIND_WHATEVER\""),
        Some(Err("SPAN_KIND_WHATEVER".into()))
    );
}

fn tid(s: &str) -> Result<TraceId, String> {
    TraceIdSeed
        .deserialize(&mut serde_json::Deserializer::from_str(s))
        .unwrap()
}

#[test]
fn ids_hex_base64_bytes() {
    let want = TraceId(0x5b8efff798038103d269b633813fc60c);
    assert_eq!(tid("\"5B8EFFF798038103D269B633813FC60C\""), Ok(want));
    assert_eq!(tid("\"W47/95gDgQPSabYzgT/GDA==\""), Ok(want));
    assert_eq!(tid("\"W47_95gDgQPSabYzgT_GDA\""), Ok(want));
    assert_eq!(tid("\"3241afc70b0e852d\""), Ok(TraceId(0x3241afc70b0e852d)));
    assert_eq!(
        tid("\"cb0f836124d98d806e10d0ea1575e6a\""),
        Ok(TraceId(0x0cb0f836124d98d806e10d0ea1575e6a))
    );
    assert_eq!(tid("\"\""), Ok(TraceId::ZERO));
    assert_eq!(tid("null"), Ok(TraceId::ZERO));
    assert_eq!(tid("[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]"), Ok(TraceId(1)));
    assert!(tid("\"not an id\"").is_err());
    assert!(tid("[1,2,3]").is_err());
    assert!(tid("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]").is_err());
    assert!(
        TraceIdSeed
            .deserialize(&mut serde_json::Deserializer::from_str("5"))
            .is_err()
    );
    let s = SpanIdSeed
        .deserialize(&mut serde_json::Deserializer::from_str("\"7uGbfsPBsXQ=\""))
        .unwrap();
    assert_eq!(s, Ok(SpanId(0xeee19b7ec3c1b174)));
    assert_eq!(
        parse_span_id("EEE19B7EC3C1B174"),
        Ok(SpanId(0xeee19b7ec3c1b174))
    );
    assert!(parse_span_id("eee19b7ec3c1b1745").is_err());
    assert!(parse_span_id("W47/95gDgQPSabYzgT/GDA==").is_err());
    assert_eq!(hex_number("fF", 2), Some(255));
    assert_eq!(
        hex_number("0123456789abcdefABCDEF0123456789", 32),
        Some(0x0123456789abcdefabcdef0123456789)
    );
    assert_eq!(hex_number("1", 16), Some(1));
    for bad in ["", "g", "12 3", "0x12", "-1", "\u{e9}"] {
        assert_eq!(hex_number(bad, 32), None, "{bad:?}");
    }
    assert_eq!(hex_number("00000000000000000", 16), None);
}

#[test]
fn bytes_base64() {
    assert_eq!(
        de::<Base64Bytes>("\"AQID\"").unwrap().0,
        Some(vec![1, 2, 3])
    );
    assert_eq!(de::<Base64Bytes>("\"AQI=\"").unwrap().0, Some(vec![1, 2]));
    assert_eq!(de::<Base64Bytes>("\"AQI\"").unwrap().0, Some(vec![1, 2]));
    assert_eq!(
        de::<Base64Bytes>("\"-_8\"").unwrap().0,
        Some(vec![0xfb, 0xff])
    );
    assert_eq!(de::<Base64Bytes>("null").unwrap().0, None);
    assert!(de::<Base64Bytes>("\"!!\"").is_err());
    assert_eq!(
        decode_base64(&encode_base64(&[0, 255, 7])),
        Some(vec![0, 255, 7])
    );
}

#[test]
fn strings_without_copy() {
    let mut d = serde_json::Deserializer::from_str("\"a\\nb\"");
    assert_eq!(
        StrSeed(|s: &str| s.len()).deserialize(&mut d).unwrap(),
        Some(3)
    );
    let mut d = serde_json::Deserializer::from_str("null");
    assert_eq!(
        StrSeed(|s: &str| s.len()).deserialize(&mut d).unwrap(),
        None
    );
}

#[test]
fn concatenated_values_and_positions() {
    let text = "{\"a\":1} {\"b\":2}\n[3]\n";
    let mut d = serde_json::Deserializer::from_str(text);
    let mut seen = Vec::new();
    while more_values(&mut d).unwrap() {
        seen.push(serde_json::Value::deserialize(&mut d).unwrap());
    }
    assert_eq!(seen.len(), 3);
    let mut d = serde_json::Deserializer::from_str("{} x");
    assert!(more_values(&mut d).unwrap());
    serde_json::Value::deserialize(&mut d).unwrap();
    assert!(more_values(&mut d).unwrap());
    let e = serde_json::Value::deserialize(&mut d).unwrap_err();
    assert_eq!(error_message(&e), "expected value");
    assert_eq!(
        error_position(&e, 10),
        Some(Position::LineColumn {
            line: 10,
            column: 4
        })
    );
    let e = serde_json::from_str::<serde_json::Value>("{\"a\":").unwrap_err();
    assert!(is_eof(&e));
}

proptest::proptest! {
    /// The digits-only shortcut for integer strings gives what the general parse gives, for
    /// every u64 (also with leading zeros, and at 19 and 20 digits).
    #[test]
    fn integer_strings_read_as_the_standard_parse(n in proptest::num::u64::ANY, zeros in 0usize..3) {
        let text = format!("{}{n}", "0".repeat(zeros));
        let want = text.parse::<u64>().ok();
        let got = de::<LenientU64>(&format!("\"{text}\"")).ok().and_then(|v| v.0);
        proptest::prop_assert_eq!(got, want);
    }
}

#[test]
fn integer_strings_at_the_edges_of_the_shortcut() {
    for (text, want) in [
        ("0", Some(0)),
        ("9999999999999999999", Some(9_999_999_999_999_999_999)),
        ("18446744073709551615", Some(u64::MAX)),
        ("0000000000000000001", Some(1)),
        (" 12", Some(12)),
        ("+12", Some(12)),
    ] {
        assert_eq!(
            de::<LenientU64>(&format!("\"{text}\"")).unwrap().0,
            want,
            "{text}"
        );
    }
    assert!(de::<LenientU64>("\"18446744073709551616\"").is_err());
    assert!(de::<LenientU64>("\"12a\"").is_err());
}
