//! Format detection from content (never from the file name): the first bytes of the input.

use super::Format;

/// How much of the input detection looks at.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The outcome of looking at an input's first bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniff {
    Format(Format),
    /// Jaeger api_v3 `{"result": TracesData}`: OTLP JSON in a wrapper.
    JaegerApiV3,
    /// Not a trace format; the reason says what it looks like instead.
    Unknown(String),
}

/// No content: no bytes, or only a byte-order mark and white space.
pub fn is_blank(prefix: &[u8]) -> bool {
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    body.iter().all(|b| b.is_ascii_whitespace())
}

pub fn sniff(prefix: &[u8]) -> Sniff {
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Sniff::Unknown("the input is empty".into());
    };
    let body = &body[start..];
    match body[0] {
        b'{' => sniff_object(body),
        b'[' => sniff_array(body),
        0x82 => Sniff::Format(Format::JaegerThrift),
        0x80 if body.get(1) == Some(&0x01) => Sniff::Format(Format::JaegerThrift),
        _ => sniff_binary(prefix),
    }
}

fn sniff_binary(prefix: &[u8]) -> Sniff {
    // OTLP protobuf: field 1 (resource_spans), wire type 2 => 0x0a; or a 4-byte big-endian
    // frame length whose message again starts with 0x0a.
    if prefix.first() == Some(&0x0a) {
        return Sniff::Format(Format::OtlpProto);
    }
    if prefix.len() >= 5 && prefix[..4].iter().take(1).all(|b| *b == 0) && prefix[4] == 0x0a {
        return Sniff::Format(Format::OtlpProto);
    }
    if let Ok(text) = std::str::from_utf8(&prefix[..prefix.len().min(200)]) {
        let line = text.lines().next().unwrap_or("").trim();
        let shown: String = line.chars().take(60).collect();
        return Sniff::Unknown(format!(
            "not a trace format: the content is plain text (starts with {:?})",
            crate::term::escape(&shown)
        ));
    }
    Sniff::Unknown(
        "not a trace format: binary data that is neither OTLP protobuf nor Jaeger Thrift".into(),
    )
}

/// Keys of the object that starts at `body[0] == b'{'`, at its own nesting level, as far as the
/// prefix goes.
fn object_keys(body: &[u8]) -> Vec<&[u8]> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut i = 0usize;
    // After `{` or `,` at depth 1 the next string is a key.
    let mut expect_key = false;
    while i < body.len() {
        match body[i] {
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && body[i] == b'{';
            }
            b'}' | b']' => {
                if depth <= 1 {
                    break;
                }
                depth -= 1;
            }
            b',' => expect_key = depth == 1,
            b'"' => {
                let s = i + 1;
                let mut j = s;
                while j < body.len() && body[j] != b'"' {
                    j += if body[j] == b'\\' { 2 } else { 1 };
                }
                if j >= body.len() {
                    break;
                }
                if expect_key && depth == 1 {
                    keys.push(&body[s..j]);
                }
                expect_key = false;
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

fn sniff_object(body: &[u8]) -> Sniff {
    let keys = object_keys(body);
    let has = |k: &[u8]| keys.contains(&k);
    for k in &keys {
        match *k {
            b"resourceSpans" | b"resource_spans" => return Sniff::Format(Format::OtlpJson),
            b"batches" | b"trace" => return Sniff::Format(Format::Tempo),
            b"result" => return Sniff::JaegerApiV3,
            b"data" if data_lists_names(body) => {
                return Sniff::Unknown(
                    "not a trace format: a Jaeger API answer that lists names (services or operations), not traces".into(),
                );
            }
            b"data" => return Sniff::Format(Format::Jaeger),
            _ => {}
        }
    }
    if has(b"processes") || (has(b"spans") && has(b"traceID")) {
        return Sniff::Format(Format::Jaeger);
    }
    if has(b"traceId") && (has(b"id") || has(b"localEndpoint")) {
        return Sniff::Format(Format::Zipkin);
    }
    if keys.is_empty() && body.iter().skip(1).find(|b| !b.is_ascii_whitespace()) == Some(&b'}') {
        // `{}` is an empty OTLP export request.
        return Sniff::Format(Format::OtlpJson);
    }
    Sniff::Unknown(describe_keys("a JSON object", &keys))
}

/// `{"data": ["name", …]}`: the legacy Jaeger services/operations answers.
fn data_lists_names(body: &[u8]) -> bool {
    let Some(at) = memchr::memmem::find(body, b"\"data\"") else {
        return false;
    };
    let mut rest = body[at + 6..]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace());
    rest.next() == Some(b':') && rest.next() == Some(b'[') && rest.next() == Some(b'"')
}

fn sniff_array(body: &[u8]) -> Sniff {
    let rest = &body[1..];
    let Some(p) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Sniff::Unknown("truncated JSON array".into());
    };
    match rest[p] {
        // An empty list: a Zipkin answer with no spans.
        b']' => Sniff::Format(Format::Zipkin),
        // A list of lists: Zipkin `/api/v2/traces`.
        b'[' => Sniff::Format(Format::Zipkin),
        b'{' => {
            let keys = object_keys(&rest[p..]);
            let has = |k: &[u8]| keys.contains(&k);
            if has(b"batch") || has(b"message") {
                Sniff::Format(Format::JaegerThrift)
            } else if has(b"processes") || has(b"spans") || has(b"traceID") || has(b"spanID") {
                // A list of Jaeger trace objects (UI download), or embedded-process spans.
                Sniff::Format(Format::Jaeger)
            } else if has(b"traceId") || has(b"id") {
                Sniff::Format(Format::Zipkin)
            } else if has(b"resourceSpans") {
                Sniff::Format(Format::OtlpJson)
            } else {
                Sniff::Unknown(describe_keys("a JSON list of objects", &keys))
            }
        }
        _ => Sniff::Unknown("not a trace format: a JSON list of non-objects".into()),
    }
}

fn describe_keys(what: &str, keys: &[&[u8]]) -> String {
    let names: Vec<String> = keys
        .iter()
        .take(5)
        .map(|k| format!("\"{}\"", crate::term::escape(&String::from_utf8_lossy(k))))
        .collect();
    if names.is_empty() {
        format!("not a trace format: {what} with no recognised keys")
    } else {
        format!(
            "not a trace format: {what} with keys {} (expected resourceSpans, batches, trace, result, data, or spans with traceId)",
            names.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_shape() {
        assert_eq!(
            sniff(br#"{"resourceSpans":[]}"#),
            Sniff::Format(Format::OtlpJson)
        );
        assert_eq!(sniff(br#" {"batches":[]}"#), Sniff::Format(Format::Tempo));
        assert_eq!(
            sniff(br#"{"trace":{"resourceSpans":[]}}"#),
            Sniff::Format(Format::Tempo)
        );
        assert_eq!(
            sniff(br#"{"result":{"resourceSpans":[]}}"#),
            Sniff::JaegerApiV3
        );
        assert_eq!(
            sniff(br#"{"data":[{"traceID":"1"}]}"#),
            Sniff::Format(Format::Jaeger)
        );
        assert_eq!(
            sniff(br#"{"traceID":"1","spans":[],"processes":{}}"#),
            Sniff::Format(Format::Jaeger)
        );
        assert_eq!(
            sniff(br#"[{"traceId":"1","id":"2"}]"#),
            Sniff::Format(Format::Zipkin)
        );
        assert_eq!(
            sniff(br#"[[{"traceId":"1","id":"2"}]]"#),
            Sniff::Format(Format::Zipkin)
        );
        assert_eq!(
            sniff(br#"[{"message":"emitBatch","batch":{}}]"#),
            Sniff::Format(Format::JaegerThrift)
        );
        assert_eq!(
            sniff(&[0x82, 0x81, 0x01]),
            Sniff::Format(Format::JaegerThrift)
        );
        assert_eq!(sniff(&[0x0a, 0x01, 0x00]), Sniff::Format(Format::OtlpProto));
        assert_eq!(sniff(&[0, 0, 0, 5, 0x0a]), Sniff::Format(Format::OtlpProto));
        // Nested keys do not count: only the top level decides.
        assert!(matches!(
            sniff(br#"[{"backend":"tempo","file":"x","traceId":1}]"#),
            Sniff::Format(Format::Zipkin)
        ));
        assert!(matches!(
            sniff(br#"[{"backend":"tempo","file":"x"}]"#),
            Sniff::Unknown(_)
        ));
        assert!(matches!(
            sniff(b"trace IDs can only contain hex"),
            Sniff::Unknown(_)
        ));
        assert!(matches!(sniff(b""), Sniff::Unknown(_)));
        assert!(matches!(
            sniff(br#"{"a":{"resourceSpans":1}}"#),
            Sniff::Unknown(_)
        ));
    }
}
