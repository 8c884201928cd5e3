use proptest::prelude::*;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::*;

/// Every value of `text` through the fast reader, as serde_json values.
fn fast_values(text: &str) -> std::result::Result<Vec<Value>, Bail> {
    let mut de = FastDe::new(text);
    let mut out = Vec::new();
    while de.more_values() {
        out.push(Value::deserialize(&mut de)?);
    }
    Ok(out)
}

/// The same through serde_json, values walked as the readers walk them.
fn slow_values(text: &str) -> std::result::Result<Vec<Value>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut out = Vec::new();
    while crate::formats::common::json_util::more_values(&mut de)? {
        out.push(Value::deserialize(&mut de)?);
    }
    Ok(out)
}

/// Whether the fast reader skips `text` as one value (and nothing follows).
fn fast_skips(text: &str) -> bool {
    let mut de = FastDe::new(text);
    IgnoredAny::deserialize(&mut de).is_ok() && !de.more_values()
}

/// The contract: what the fast reader accepts, serde_json accepts with the same values; and
/// a skip succeeds only where serde_json's skip does.
fn assert_agrees(text: &str) {
    if let Ok(fast) = fast_values(text) {
        let slow = slow_values(text)
            .unwrap_or_else(|e| panic!("fast accepted what serde_json refuses ({e}): {text:?}"));
        // Compared through their JSON spelling too: 1 and 1.0 and -0.0 differ there.
        assert_eq!(fast, slow, "{text:?}");
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text:?}");
    }
    if fast_skips(text) {
        assert!(
            serde_json::from_str::<IgnoredAny>(text).is_ok(),
            "fast skipped what serde_json refuses: {text:?}"
        );
    }
}

#[test]
fn reads_what_serde_json_reads() {
    let texts = [
        r#"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-12,"g":1.5e3,"h":""}"#,
        r#" { "a" : [ 1 , 2 ] } "#,
        r#"{"s":"tab\there \"quoted\" \\ \/ \u00e9 \u4e2d","t":"\b\f\n\r"}"#,
        r#"[0, -1, 18446744073709551615, -9223372036854775808, 0.1, 1E-7, 2e+8, 123456789012]"#,
        r#"{"a":{}}{"b":[]} [] {}"#,
        "\"ünïcödé ✓ 😀\"",
        r#"{"key":"service.name","value":{"stringValue":"catalog"}}"#,
    ];
    for text in texts {
        assert_eq!(
            fast_values(text).ok(),
            slow_values(text).ok(),
            "fast must read {text:?}"
        );
        assert_agrees(text);
    }
}

#[test]
fn skips_what_serde_json_skips() {
    for text in [
        r#"{"a":[1,{"b":[[],{}]},"x\"y\\u0041 \ud800"],"c":-0.5e-3}"#,
        "[[[[[[[[[[[[1]]]]]]]]]]]]",
        r#"{"a" : { "b" : [ 1 , 2 , { } ] } }"#,
        "\"\"",
        "-0",
        "null",
    ] {
        assert!(fast_skips(text), "fast must skip {text:?}");
        assert_agrees(text);
    }
}

#[test]
fn refuses_everything_serde_json_refuses() {
    for text in [
        "{",
        "[1,]",
        r#"{"a":1,}"#,
        r#"{"a"}"#,
        r#"{"a":}"#,
        r#"{a:1}"#,
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[-]",
        "[+1]",
        "[tru]",
        "[nul]",
        "\"\\x\"",
        "\"\\u12g4\"",
        "\"a\u{1}b\"",
        "\"unterminated",
        "[1 2]",
        r#"{"a":1 "b":2}"#,
        "[1}",
        r#"{"a":1]"#,
        "[01]",
        "-01",
        "]",
    ] {
        assert!(slow_values(text).is_err(), "{text:?}");
        assert!(fast_values(text).is_err(), "fast must not read {text:?}");
        assert!(!fast_skips(text), "fast must not skip {text:?}");
        assert_agrees(text);
    }
}

#[test]
fn bails_where_serde_json_has_rules_of_its_own() {
    // Valid JSON the fast reader leaves to serde_json (which the caller then runs).
    for text in [
        "-0",
        "18446744073709551616",
        "-9223372036854775809",
        r#""\ud83d\ude00""#,
        r#""\ud800""#,
        "1e400",
    ] {
        assert!(fast_values(text).is_err(), "{text:?}");
    }
    // Skipped, these are plain grammar (serde_json skips them too).
    assert!(fast_skips("1e400") && fast_skips(r#""\ud800""#));
    let deep = format!("{}{}", "[".repeat(70), "]".repeat(70));
    assert!(fast_values(&deep).is_err());
    assert!(!fast_skips(&deep));
    assert!(slow_values(&deep).is_ok());
}

#[test]
fn visitors_get_the_calls_serde_json_makes() {
    // Option, unit, newtype and typed requests: the same results both ways.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Wrap(u32);
    #[derive(Deserialize, Debug, PartialEq)]
    struct Typed {
        a: Option<u64>,
        b: Option<String>,
        c: Wrap,
        d: (),
        e: Vec<i32>,
        f: f64,
        g: bool,
    }
    let text = r#"{"a":null,"b":"x\n","c":7,"d":null,"e":[-1,2],"f":3,"g":true,"z":[{}]}"#;
    let fast = Typed::deserialize(&mut FastDe::new(text)).unwrap();
    let slow: Typed = serde_json::from_str(text).unwrap();
    assert_eq!(fast, slow);
    // A wrongly typed field is an error both ways.
    for bad in [
        r#"{"a":"1","b":null,"c":7,"d":null,"e":[],"f":1,"g":true}"#,
        r#"{"a":1,"b":2,"c":7,"d":null,"e":[],"f":1,"g":true}"#,
        r#"{"a":1,"b":null,"c":7,"d":null,"e":[],"f":1,"g":"true"}"#,
    ] {
        assert!(Typed::deserialize(&mut FastDe::new(bad)).is_err());
        assert!(serde_json::from_str::<Typed>(bad).is_err());
    }
}

/// Arbitrary JSON values (strings with escapes, unicode and control characters included).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z\"\\\\/\u{0}-\u{1f}é✓😀 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z\"\\\\ ]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON text, then edits with the bytes that matter to JSON's grammar.
fn mutated_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "\"", "\\", "{", "}", "[", "]", ",", ":", "-", "0", "1", ".", "e", "E", "+", " ", "\n",
        "n", "t", "f", "u", "\u{1}", "é", "\\u", "\\ud800", "null", "true", "1e999", "-0",
    ]);
    (
        json_value(),
        any::<bool>(),
        prop::collection::vec((any::<prop::sample::Index>(), 0..3u8, piece), 0..4),
    )
        .prop_map(|(v, pretty, edits)| {
            let mut s = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            for (at, op, piece) in edits {
                let chars: Vec<char> = s.chars().collect();
                let i = if chars.is_empty() {
                    0
                } else {
                    at.index(chars.len())
                };
                let (head, tail): (String, String) =
                    (chars[..i].iter().collect(), chars[i..].iter().collect());
                s = match op {
                    0 => format!("{head}{piece}{tail}"),
                    1 => format!("{head}{piece}{}", tail.chars().skip(1).collect::<String>()),
                    _ => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
                };
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_json_reads_the_same(v in json_value()) {
        let text = serde_json::to_string(&v).unwrap();
        assert_agrees(&text);
        // Whatever serde_json writes, the fast reader reads.
        prop_assert_eq!(fast_values(&text).ok(), Some(vec![v]));
        prop_assert!(fast_skips(&text));
    }

    #[test]
    fn edited_json_never_reads_differently(text in mutated_text()) {
        assert_agrees(&text);
    }
}
