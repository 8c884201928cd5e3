//! Chunks parsed where the input holds them (a mapped file) give exactly what chunks copied
//! through a read buffer give: spans, warnings with their positions, and the final result.

use super::*;
use proptest::prelude::*;

const GOOD: &str =
    r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"1","spanId":"SPAN"}]}]}]}"#;

#[derive(Clone, Debug)]
enum Line {
    Good(u64),
    Blank,
    Bad,
    /// A value of the wrong type: the line is read again span by span.
    WrongType(u64),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (1u64..1_000_000).prop_map(Line::Good),
        1 => Just(Line::Blank),
        1 => Just(Line::Bad),
        1 => (1u64..1_000_000).prop_map(Line::WrongType),
    ]
}

fn render(lines: &[Line], cut_last: usize, final_newline: bool) -> Vec<u8> {
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match l {
            Line::Good(id) => text.push_str(&GOOD.replace("SPAN", &format!("{id:x}"))),
            Line::Blank => text.push_str("  "),
            Line::Bad => text.push_str("{\"resourceSpans\": x}"),
            Line::WrongType(id) => {
                text.push_str(&GOOD.replace("SPAN", &format!("{id:x}\",\"kind\":[1],\"x\":\"")))
            }
        }
    }
    text.truncate(text.len() - cut_last.min(text.len()));
    if final_newline {
        text.push('\n');
    }
    text.into_bytes()
}

fn same(a: &ReadOutcome, b: &ReadOutcome) -> bool {
    a.0 == b.0 && a.1 == b.1 && format!("{:?}", a.2) == format!("{:?}", b.2)
}

#[test]
fn in_place_chunks_read_like_buffered_ones() {
    let lines: Vec<Line> = (1..=300)
        .map(|i| match i % 17 {
            0 => Line::Bad,
            5 => Line::Blank,
            9 => Line::WrongType(i),
            _ => Line::Good(i),
        })
        .collect();
    for (cut, newline) in [(0, true), (0, false), (7, false)] {
        let text = render(&lines, cut, newline);
        let want = read_bytes_with(&text, 1000, 1 << 20, 64);
        assert!(!want.0.is_empty() && !want.1.is_empty());
        for chunk in [1, 90, 1000, 5000, 1 << 20] {
            for fill in [100, 700, 1 << 20] {
                let before = IN_PLACE_CHUNKS.load(std::sync::atomic::Ordering::Relaxed);
                let got = read_bytes_in_place(&text, chunk, 1 << 20, fill);
                assert!(
                    same(&got, &want),
                    "chunk {chunk} fill {fill} cut {cut} {newline}"
                );
                if fill == 700 && (90..=5000).contains(&chunk) {
                    let after = IN_PLACE_CHUNKS.load(std::sync::atomic::Ordering::Relaxed);
                    assert!(after > before, "no chunk was parsed in place");
                }
            }
        }
    }
}

#[test]
fn a_line_longer_than_a_chunk_is_read_whole_between_in_place_chunks() {
    let head = render(&(1..=40).map(Line::Good).collect::<Vec<_>>(), 0, true);
    // One line holding 60 spans (about 2,700 bytes), then more short lines.
    let spans: Vec<String> = (100..160)
        .map(|i| format!("{{\"traceId\":\"1\",\"spanId\":\"{i:x}\"}}"))
        .collect();
    let long = format!(
        "{{\"resourceSpans\":[{{\"scopeSpans\":[{{\"spans\":[{}]}}]}}]}}\n",
        spans.join(",")
    );
    let tail = render(&(200..=230).map(Line::Good).collect::<Vec<_>>(), 0, false);
    let text = [head, long.into_bytes(), tail].concat();
    let want = read_bytes_with(&text, 200, 1 << 20, 64);
    assert_eq!(want.0.len(), 40 + 60 + 31);
    for chunk in [100, 200, 400, 2000] {
        let got = read_bytes_in_place(&text, chunk, 1 << 20, 150);
        assert!(same(&got, &want), "chunk {chunk}");
    }
}

proptest! {
    #[test]
    fn in_place_reading_equals_buffered_reading(
        lines in prop::collection::vec(line(), 1..60),
        chunk in 1usize..3000,
        fill in 1usize..2000,
        cut in 0usize..30,
        newline: bool,
        threads in 1usize..3,
    ) {
        let text = render(&lines, cut, newline);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let (want, got) = pool.install(|| {
            (read_bytes_with(&text, chunk, 1 << 20, 64), read_bytes_in_place(&text, chunk, 1 << 20, fill))
        });
        prop_assert!(same(&got, &want), "{:?}\n{:?}", got.1, want.1);
    }

    #[test]
    fn arbitrary_bytes_in_place_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), chunk in 1usize..64, fill in 1usize..64) {
        let _ = read_bytes_in_place(&bytes, chunk, 32, fill);
    }
}
