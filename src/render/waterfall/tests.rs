use super::*;
use crate::model::{KeyValue, SpanId, StatusCode, TraceId, Value};
use crate::render::span_view::Filter;
use crate::render::testkit::{self, BASE_NS, TraceBuilder};

fn draw(trace: &Trace, opts: &Options) -> String {
    let tree = TraceTree::build(trace);
    let mut out = Vec::new();
    render(trace, &tree, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn opts(width: usize) -> Options {
    Options {
        width,
        ..Options::default()
    }
}

/// Remove SGR sequences (`ESC [ … m`) that the renderer itself writes.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' && it.peek() == Some(&'[') {
            for c in it.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn max_width(s: &str) -> usize {
    s.lines().map(display_width).max().unwrap_or(0)
}

// ---------------------------------------------------------------- bar math

#[test]
fn bar_positions_in_eighths() {
    // 10 cells = 80 eighths over 100ns: 1ns = 0.8 eighth.
    assert_eq!(bar_eighths(0, 100, 100, 10), (0, 80));
    assert_eq!(bar_eighths(50, 100, 100, 10), (40, 80));
    assert_eq!(bar_eighths(0, 55, 100, 10), (0, 44));
    // 3ns → 2.4 → 2; 47ns → 37.6 → 38.
    assert_eq!(bar_eighths(3, 47, 100, 10), (2, 38));
    // Ties round up: 5ns → 4 eighths exactly; 0.625ns does not exist, use 1000ns total:
    // 1000ns on 1 cell: 62.5ns = 0.5 eighth → 1.
    assert_eq!(bar_eighths(0, 62, 1000, 1), (0, 0));
    assert_eq!(bar_eighths(0, 63, 1000, 1), (0, 1));
    // 80 cells: 640 eighths over 270ms; 8ms → 18.96 → 19; 238ms → 564.1 → 564.
    assert_eq!(
        bar_eighths(8_000_000, 238_000_000, 270_000_000, 80),
        (19, 564)
    );
    // 200 cells: 1600 eighths; same span → 47.4 → 47, 1410.4 → 1410.
    assert_eq!(
        bar_eighths(8_000_000, 238_000_000, 270_000_000, 200),
        (47, 1410)
    );
    // Beyond the end is clamped; an end before the start is the start.
    assert_eq!(bar_eighths(90, 200, 100, 10), (72, 80));
    assert_eq!(bar_eighths(50, 10, 100, 10), (40, 40));
    // A zero-length timeline or no room: nothing to place.
    assert_eq!(bar_eighths(0, 0, 0, 10), (0, 0));
    assert_eq!(bar_eighths(0, 10, 10, 0), (0, 0));
    // Huge values do not overflow.
    assert_eq!(
        bar_eighths(u64::MAX / 2, u64::MAX, u64::MAX, 1000),
        (4000, 8000)
    );
}

#[test]
fn bar_glyphs_sub_cell() {
    assert_eq!(bar_glyphs(0, 80, 10, false), "██████████");
    assert_eq!(bar_glyphs(40, 80, 10, false), "     █████");
    // Ends inside a cell: left blocks by eighths.
    for (b, g) in (1..=8).zip(['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█']) {
        assert_eq!(bar_glyphs(0, 8 + b, 10, false), format!("█{g}"));
    }
    // Starts inside a cell: right eighth, right half, or full.
    assert_eq!(bar_glyphs(7, 16, 10, false), "▕█");
    assert_eq!(bar_glyphs(6, 16, 10, false), "▕█");
    assert_eq!(bar_glyphs(4, 16, 10, false), "▐█");
    assert_eq!(bar_glyphs(1, 16, 10, false), "██");
    // Both ends in one cell.
    assert_eq!(bar_glyphs(16, 18, 10, false), "  ▎");
    assert_eq!(bar_glyphs(17, 18, 10, false), "  ▏");
    assert_eq!(bar_glyphs(21, 23, 10, false), "  ▕");
    assert_eq!(bar_glyphs(17, 21, 10, false), "  ▌");
    assert_eq!(bar_glyphs(19, 23, 10, false), "  ▐");
    // Start and end in different partial cells.
    assert_eq!(bar_glyphs(12, 27, 10, false), " ▐█▍");
    // ASCII: `=` full cells, `-` partial ones.
    assert_eq!(bar_glyphs(12, 27, 10, true), " -=-");
    assert_eq!(bar_glyphs(0, 80, 10, true), "==========");
    // Overlong input is clamped to the timeline.
    assert_eq!(bar_glyphs(72, 500, 10, false), "         █");
    assert_eq!(bar_glyphs(0, 8, 0, false), "");
}

#[test]
fn zero_length_spans_get_a_tick() {
    assert_eq!(bar_glyphs(0, 0, 10, false), "▏");
    assert_eq!(bar_glyphs(19, 19, 10, false), "  ▏");
    assert_eq!(bar_glyphs(21, 21, 10, false), "  ▕");
    assert_eq!(bar_glyphs(21, 21, 10, true), "  |");
    // At the very end of the timeline: in the last cell, against its right edge.
    assert_eq!(bar_glyphs(80, 80, 10, false), "         ▕");
    assert_eq!(bar_glyphs(80, 80, 10, true), "         |");
    // End to end through the placement too.
    let (a, b) = bar_eighths(100, 100, 100, 10);
    assert_eq!(bar_glyphs(a, b, 10, false), "         ▕");
}

#[test]
fn span_at_the_very_end() {
    // The last 10% of a 10-cell timeline is the last cell, full.
    let (a, b) = bar_eighths(90, 100, 100, 10);
    assert_eq!(bar_glyphs(a, b, 10, false), "         █");
    // The last 5%: the right half of the last cell.
    let (a, b) = bar_eighths(95, 100, 100, 10);
    assert_eq!((a, b), (76, 80));
    assert_eq!(bar_glyphs(a, b, 10, false), "         ▐");
    // At 120 cells, the last 1%: 9.6 eighths → cell 118 partly, cell 119 fully.
    let (a, b) = bar_eighths(99, 100, 100, 120);
    assert_eq!((a, b), (950, 960));
    assert_eq!(
        bar_glyphs(a, b, 120, false),
        format!("{}▕█", " ".repeat(118))
    );
}

#[test]
fn axis_labels() {
    assert_eq!(axis(270_000_000, 27, false), "0          135ms      270ms");
    assert_eq!(axis(2_000, 21, false), "0      1.00µs  2.00µs");
    assert_eq!(axis(2_000, 21, true), "0      1.00us  2.00us");
    // The middle label needs two spaces on each side.
    assert_eq!(axis(2_000, 20, false), "0             2.00µs");
    // Too narrow for the middle label, then for the end one.
    assert_eq!(axis(270_000_000, 10, false), "0    270ms");
    assert_eq!(axis(270_000_000, 5, false), "0    ");
    assert_eq!(axis(0, 0, false), "");
}

// ---------------------------------------------------------------- text helpers

#[test]
fn truncation_by_display_width() {
    assert_eq!(truncate("abcdef", 6, "…"), (Cow::Borrowed("abcdef"), 6));
    assert_eq!(truncate("abcdef", 4, "…").0, "abc…");
    assert_eq!(truncate("abcdef", 4, "...").0, "a...");
    assert_eq!(
        truncate("abcdef", 2, "..."),
        (Cow::Owned::<str>("ab".into()), 2)
    );
    // Wide characters count two; a wide char that does not fit is dropped whole.
    assert_eq!(
        truncate("日本語です", 6, "…"),
        (Cow::Owned::<str>("日本…".into()), 5)
    );
    assert_eq!(truncate("", 0, "…").1, 0);
}

#[test]
fn name_split() {
    assert_eq!(split_name(5, 5, 20), (5, 5));
    // The service keeps at least half when both do not fit.
    assert_eq!(split_name(30, 30, 21), (10, 10));
    // A short operation leaves the rest to the service.
    assert_eq!(split_name(30, 4, 21), (16, 4));
    // A short service keeps its width.
    assert_eq!(split_name(4, 30, 21), (4, 16));
    assert_eq!(split_name(9, 9, 2), (2, 0));
}

#[test]
fn typed_values() {
    assert_eq!(typed_value(&Value::from("GET")), "\"GET\"");
    assert_eq!(typed_value(&Value::Int(7)), "7");
    assert_eq!(typed_value(&Value::Double(2.0)), "2.0");
    assert_eq!(typed_value(&Value::Double(f64::NAN)), "NaN");
    assert_eq!(typed_value(&Value::Double(f64::NEG_INFINITY)), "-inf");
    assert_eq!(typed_value(&Value::Bool(false)), "false");
    assert_eq!(typed_value(&Value::Empty), "(empty)");
    assert_eq!(
        typed_value(&Value::Bytes(vec![0xde, 0xad].into())),
        "0xdead"
    );
    assert_eq!(
        typed_value(&Value::Array(vec![Value::Int(1), Value::from("a")].into())),
        "[1,\"a\"]"
    );
    // Hostile strings: JSON escapes the control characters, escape() the bidi override.
    assert_eq!(
        typed_value(&Value::from("a\x1b[2J\u{202e}")),
        "\"a\\u001b[2J\\u{202e}\""
    );
}

// ---------------------------------------------------------------- whole renders

#[test]
fn realistic_at_80_and_200_columns() {
    let t = testkit::realistic();
    for width in [80, 200] {
        let text = draw(&t, &opts(width));
        assert!(max_width(&text) <= width, "wider than {width}:\n{text}");
        // One line per span: header (1 or 2 lines), titles, 15 spans, legend, warnings.
        let rows = text.lines().filter(|l| l.contains(" │")).count();
        assert_eq!(rows, 1 + 15, "{text}");
        assert!(text.contains("trace 4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(text.contains("start 2023-11-14T22:13:20.000000Z"));
        assert!(text.contains("duration 270ms"));
        assert!(text.contains("15 spans  7 services  2 errors  2 warnings"));
        assert!(!text.contains('\x1b'));
        // Error spans are marked without color.
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("!  ") && l.contains(" │"))
                .count(),
            2
        );
        assert!(
            text.lines().any(|l| l.starts_with(" o shipping quote")),
            "{text}"
        );
        assert!(
            text.lines()
                .any(|l| l.starts_with(" > ") && l.contains("email send confirmation"))
        );
        assert!(text.contains("o orphan (parent not in the trace)"));
        assert!(text.contains("2 warnings:"));
        assert!(text.contains("parent 00000000deadbeef is not in the trace"));
    }
    // At 200 columns nothing needs truncating.
    let wide = draw(&t, &opts(200));
    assert!(!wide.contains('…'), "{wide}");
    assert!(wide.contains("└─ payment POST /v1/charges"));
    // The trace's header fits one line at 200.
    assert!(wide.lines().next().unwrap().contains("2 warnings"));
}

#[test]
fn durations_and_self_times() {
    let t = testkit::realistic();
    let text = draw(
        &t,
        &Options {
            bars: false,
            ..opts(120)
        },
    );
    let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
    // Root: 250ms; children cover [3,3] (zero) and [5,240] → self 250 − 235 = 15ms.
    assert!(row("GET /checkout").ends_with("250ms 15.0ms"), "{text}");
    // checkout server [8,238]: children [10,30] [32,60] [62,200] [205,207] [236,270→238]
    // = 20 + 28 + 138 + 2 + 2 = 190 → 40ms.
    assert!(row("POST /api/checkout").ends_with("230ms 40.0ms"));
    // payment server [64,198]: fraud [70,120], charges [121,197] → 134 − 126 = 8ms.
    assert!(row("PaymentService/Charge").ends_with("134ms 8.00ms"));
    assert!(row("cache.lookup").ends_with("0ns    0ns"));
}

#[test]
fn color_changes_nothing_but_color() {
    let t = testkit::realistic();
    for width in [80, 200] {
        for (ascii, attrs) in [(false, false), (true, true)] {
            let plain = draw(
                &t,
                &Options {
                    ascii,
                    attrs,
                    ..opts(width)
                },
            );
            let color = draw(
                &t,
                &Options {
                    ascii,
                    attrs,
                    styles: Styles::COLOR,
                    ..opts(width)
                },
            );
            assert_ne!(plain, color);
            assert_eq!(strip_ansi(&color), plain);
        }
    }
    let color = draw(
        &t,
        &Options {
            styles: Styles::COLOR,
            ..opts(80)
        },
    );
    // Errors in red, warnings in yellow.
    assert!(color.contains("\x1b[1;31m!\x1b[0m"));
    assert!(color.contains("\x1b[31m██████"));
    assert!(color.contains("\x1b[33mo\x1b[0m"));
}

#[test]
fn ascii_only() {
    let t = testkit::realistic();
    for width in [80, 200] {
        let text = draw(
            &t,
            &Options {
                ascii: true,
                attrs: true,
                ..opts(width)
            },
        );
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("|- frontend cache.lookup"));
        assert!(text.contains("\\- frontend HTTP POST checkout"));
        assert!(text.contains("|==="));
        assert!(max_width(&text) <= width);
    }
}

#[test]
fn tree_format_has_no_bars() {
    let t = testkit::realistic();
    let text = draw(
        &t,
        &Options {
            bars: false,
            ..opts(80)
        },
    );
    assert!(!text.contains('█') && !text.contains(" │0"));
    assert!(text.contains("├─ frontend cache.lookup"));
    assert!(max_width(&text) <= 80);
}

#[test]
fn attributes_events_links_and_resources() {
    let t = testkit::realistic();
    let text = draw(
        &t,
        &Options {
            attrs: true,
            ..opts(200)
        },
    );
    assert!(text.contains("│ http.method = \"GET\""), "{text}");
    assert!(text.contains("http.status_code = 502"));
    assert!(text.contains("sampled = true"));
    assert!(text.contains("db.cost = 1.5"));
    assert!(text.contains("status error: card declined"));
    assert!(text.contains(
        "event +133ms exception  exception.type=\"CardDeclined\", exception.message=\"insufficient funds\""
    ));
    assert!(text.contains("link 4bf92f3577b34da6a3ce929d0e0e4736/000000000000000d (link)"));
    assert!(text.contains("span 0000000000000004  kind server  start +8.00ms"));
    // Resource once per service, scope once.
    assert_eq!(text.matches("resource of checkout:").count(), 1);
    assert_eq!(text.matches("service.name = \"checkout\"").count(), 1);
    assert_eq!(
        text.matches("scope io.opentelemetry.http 1.32.0").count(),
        1
    );
    // Detail lines continue the tree: under a span with children a rail goes down.
    assert!(text.contains("   │ span 0000000000000001"), "{text}");
    let text80 = draw(
        &t,
        &Options {
            attrs: true,
            ..opts(80)
        },
    );
    assert!(max_width(&text80) <= 80);
}

#[test]
fn hostile_names_are_escaped() {
    let mut b = TraceBuilder::new(0x1);
    {
        let s = b.span(
            1,
            None,
            "svc\x1b[2J\x1b]0;pwned\x07",
            "op\u{202e}evil\u{2066}",
            0,
            100,
        );
        s.attributes.push(KeyValue::new(
            "k\x1b[31m",
            Value::from("v\nnext line\u{202e}"),
        ));
        s.status.code = StatusCode::Error;
        s.status.message = Some("bad\r\x1b[1Ause".into());
        s.events.push(crate::model::Event {
            time_ns: BASE_NS + 1_000,
            name: "ev\x1b[K\u{200f}".into(),
            attributes: vec![KeyValue::new("a\nb", Value::from("\u{9b}31m"))],
            dropped_attributes_count: 0,
        });
    }
    b.span(2, Some(1), "multi\nline", "name\twith\ttabs\r", 10, 10);
    b.span(3, Some(77), "\u{202d}lro", "x", 20, 10); // orphan: its name is in the warnings list
    let t = b.build();
    for o in [
        Options {
            attrs: true,
            ..opts(200)
        },
        Options {
            attrs: true,
            ascii: true,
            ..opts(80)
        },
        Options {
            attrs: true,
            bars: false,
            ..opts(120)
        },
    ] {
        let text = draw(&t, &o);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(!text.contains('\u{9b}'));
        assert!(!text.contains('\r'));
        assert!(!text.contains('\t'));
        for bidi in ['\u{202e}', '\u{2066}', '\u{200f}', '\u{202d}'] {
            assert!(!text.contains(bidi));
        }
        // Newlines in names do not split span lines: three spans, three rows.
        let rows = text
            .lines()
            .filter(|l| {
                l.contains("svc\\x1b") || l.contains("multi\\nline") || l.contains("\\u{202d}lro")
            })
            .count();
        assert!(rows >= 3, "{text}");
    }
    let text = draw(
        &t,
        &Options {
            attrs: true,
            ..opts(200)
        },
    );
    assert!(
        text.contains("svc\\x1b[2J\\x1b]0;pwned\\x07 op\\u{202e}evil\\u{2066}"),
        "{text}"
    );
    assert!(text.contains("k\\x1b[31m = \"v\\nnext line\\u{202e}\""));
    assert!(text.contains("status error: bad\\r\\x1b[1Ause"));
    assert!(
        text.contains("event +1.00µs ev\\x1b[K\\u{200f}  a\\nb=\"\\x9b31m\""),
        "{text}"
    );
    assert!(
        text.contains(
            "o 0000000000000003 \\u{202d}lro x: parent 000000000000004d is not in the trace"
        ),
        "{text}"
    );
    // With color the only escapes are ours: stripping them leaves the plain output.
    let color = draw(
        &t,
        &Options {
            attrs: true,
            styles: Styles::COLOR,
            ..opts(200)
        },
    );
    assert_eq!(strip_ansi(&color), text);
}

#[test]
fn filters_hide_spans_but_keep_ancestors() {
    let t = testkit::realistic();
    let o = Options {
        filter: Filter {
            errors_only: true,
            ..Filter::default()
        },
        ..opts(120)
    };
    let text = draw(&t, &o);
    let names: Vec<&str> = [
        "GET /checkout",
        "HTTP POST checkout",
        "POST /api/checkout",
        "payment.Charge",
        "PaymentService/Charge",
    ]
    .into();
    for n in &names {
        assert!(text.contains(n), "{n} missing:\n{text}");
    }
    for gone in [
        "cache.lookup",
        "SELECT orders",
        "fraud-check",
        "shipping quote",
        "orders publish",
    ] {
        assert!(
            !text.lines().any(|l| l.contains(" │") && l.contains(gone)),
            "{gone} shown:\n{text}"
        );
    }
    assert!(
        text.contains("10 of 15 spans hidden by the filters"),
        "{text}"
    );
    // The last shown child gets the corner.
    assert!(text.contains("└─ checkout payment.Charge"), "{text}");
    // Context ancestors are dimmed, matches are not.
    let color = draw(
        &t,
        &Options {
            styles: Styles::COLOR,
            ..o.clone()
        },
    );
    let root = color.lines().find(|l| l.contains("GET /checkout")).unwrap();
    assert!(root.contains("\x1b[2mfrontend\x1b[0m"), "{root}");
    let hit = color
        .lines()
        .find(|l| l.contains("payment.Charge"))
        .unwrap();
    assert!(hit.contains("\x1b[1;31mcheckout\x1b[0m"), "{hit}");

    let o = Options {
        filter: Filter {
            services: vec!["redis".into(), "shipping".into()],
            ..Filter::default()
        },
        ..opts(120)
    };
    let text = draw(&t, &o);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" │") && !l.contains("duration"))
        .collect();
    assert_eq!(rows.len(), 7, "{text}");
    assert!(text.contains("8 of 15 spans hidden"));

    let o = Options {
        filter: Filter {
            max_depth: Some(1),
            ..Filter::default()
        },
        ..opts(120)
    };
    // Depth ≤ 1: the root, its two children, and the orphan root.
    assert!(draw(&t, &o).contains("11 of 15 spans hidden"));
    let o = Options {
        filter: Filter {
            min_duration_ns: Some(100_000_000),
            ..Filter::default()
        },
        ..opts(120)
    };
    let text = draw(&t, &o);
    // ≥100ms: root 250, HTTP POST 235, checkout 230, payment.Charge 138, PaymentService 134.
    assert!(text.contains("10 of 15 spans hidden"), "{text}");
    // No filter, no footer.
    assert!(!draw(&t, &opts(120)).contains("hidden"));
}

#[test]
fn everything_filtered_out() {
    let t = testkit::realistic();
    let o = Options {
        filter: Filter {
            services: vec!["nope".into()],
            ..Filter::default()
        },
        ..opts(80)
    };
    let text = draw(&t, &o);
    assert!(text.contains("15 of 15 spans hidden"));
}

#[test]
fn odd_traces_do_not_panic() {
    // One zero-length span: a zero-length timeline.
    let mut b = TraceBuilder::new(3);
    b.span(1, None, "", "", 0, 0);
    let t = b.build();
    let text = draw(&t, &opts(80));
    assert!(text.contains("unknown"));
    assert!(text.contains("│▏"), "{text}");
    // Negative durations, missing timestamps, cycles, duplicates.
    let mut b = TraceBuilder::new(4);
    b.span(1, None, "a", "root", 0, 100);
    b.span(2, Some(1), "a", "neg", 50, 0).end_ns -= 10_000;
    let s = b.span(3, Some(1), "a", "no time", 0, 0);
    s.start_ns = 0;
    s.end_ns = 0;
    b.span(4, Some(5), "a", "c1", 10, 1);
    b.span(5, Some(4), "a", "c2", 10, 1);
    b.span(1, Some(1), "a", "dup", 10, 1);
    let t = b.build();
    for width in [0, 1, 39, 40, 80] {
        let text = draw(&t, &opts(width));
        assert!(max_width(&text) <= width.max(MIN_WIDTH), "{text}");
    }
    let text = draw(&t, &opts(120));
    assert!(text.contains("ends 10.0µs before it starts"), "{text}");
    assert!(text.contains("d span id used twice"));
    assert!(text.contains("c parent links loop (cut here)"));
    // Narrow requests are drawn at the minimum width.
    assert!(max_width(&draw(&testkit::realistic(), &opts(5))) <= MIN_WIDTH);
}

#[test]
fn many_warnings_are_capped() {
    let mut b = TraceBuilder::new(5);
    b.span(1, None, "a", "root", 0, 10);
    for i in 0..50 {
        b.span(100 + i, Some(9999), "a", "orphan", 1, 1);
    }
    let t = b.build();
    let text = draw(&t, &opts(100));
    assert!(text.contains("50 warnings:"));
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("  o 00000000000000")
                && l.ends_with("a orphan: parent 000000000000270f is not in the trace"))
            .count(),
        MAX_WARNING_LINES
    );
    assert!(text.contains("… and 30 more"));
}

// ---------------------------------------------------------------- scale

#[test]
fn deep_trace_does_not_recurse_or_grow_quadratically() {
    let n = 10_000u64;
    let mut b = TraceBuilder::new(6);
    for i in 1..=n {
        b.span(i, (i > 1).then(|| i - 1), "svc", "call", i, 2 * (n - i) + 1);
    }
    let t = b.build();
    for (width, bars) in [(80, true), (200, false)] {
        let clock = std::time::Instant::now();
        let text = draw(
            &t,
            &Options {
                bars,
                attrs: false,
                ..opts(width)
            },
        );
        eprintln!("10,000 levels at {width} columns: {:?}", clock.elapsed());
        assert_eq!(
            text.lines().filter(|l| l.contains("svc")).count(),
            n as usize
        );
        assert!(max_width(&text) <= width);
        // Lines stay bounded by the width: no O(depth) prefix.
        assert!(text.len() < (n as usize + 10) * width * 4);
        assert!(
            text.contains("[depth 9999]"),
            "{}",
            &text[text.len() - 500..]
        );
        if width == 80 {
            let lines: Vec<&str> = text.lines().collect();
            eprintln!(
                "{}\n…\n{}",
                lines[..34].join("\n"),
                lines[lines.len() - 3..].join("\n")
            );
        }
    }
    // With details too.
    let text = draw(
        &t,
        &Options {
            attrs: true,
            ..opts(120)
        },
    );
    assert!(max_width(&text) <= 120);
}

#[test]
fn hundred_thousand_spans() {
    // A root with 100 children of 999 spans each (chains of depth 3 and wide fan-out).
    let mut b = TraceBuilder::new(7);
    b.span(1, None, "gateway", "GET /bulk", 0, 1_000_000);
    let mut id = 2u64;
    for c in 0..100u64 {
        let parent = id;
        b.span(parent, Some(1), "svc-a", "batch", c * 10_000, 10_000);
        id += 1;
        for k in 0..999u64 {
            let s = b.span(
                id,
                Some(if k % 3 == 0 { parent } else { id - 1 }),
                "svc-b",
                "item",
                c * 10_000 + k * 10,
                15,
            );
            if k % 97 == 0 {
                s.status.code = StatusCode::Error;
            }
            id += 1;
        }
    }
    let t = b.build();
    assert_eq!(t.spans.len(), 100_001);
    let clock = std::time::Instant::now();
    let text = draw(&t, &opts(120));
    eprintln!("100,001 spans: tree + waterfall in {:?}", clock.elapsed());
    assert_eq!(
        text.lines()
            .filter(|l| l.contains(" │") && !l.contains("duration"))
            .count(),
        100_001
    );
    assert!(max_width(&text) <= 120);
    // JSON as well, to be sure it streams all of them.
    let tree = TraceTree::build(&t);
    let mut out = Vec::new();
    crate::render::show_json::render(&t, &tree, &Filter::default(), &mut out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["spans"].as_array().unwrap().len(), 100_001);
}

// ---------------------------------------------------------------- snapshots

/// Color snapshots show ESC as `␛` so that they can be read.
fn visible_escapes(s: &str) -> String {
    s.replace('\x1b', "␛")
}

#[test]
fn snapshot_80_plain() {
    insta::assert_snapshot!(draw(&testkit::realistic(), &opts(80)));
}

#[test]
fn snapshot_200_plain() {
    insta::assert_snapshot!(draw(&testkit::realistic(), &opts(200)));
}

#[test]
fn snapshot_80_color() {
    let o = Options {
        styles: Styles::COLOR,
        ..opts(80)
    };
    insta::assert_snapshot!(visible_escapes(&draw(&testkit::realistic(), &o)));
}

#[test]
fn snapshot_200_color() {
    let o = Options {
        styles: Styles::COLOR,
        ..opts(200)
    };
    insta::assert_snapshot!(visible_escapes(&draw(&testkit::realistic(), &o)));
}

#[test]
fn snapshot_80_ascii_attrs() {
    let o = Options {
        ascii: true,
        attrs: true,
        ..opts(80)
    };
    insta::assert_snapshot!(draw(&testkit::realistic(), &o));
}

#[test]
fn snapshot_80_tree_filtered() {
    let o = Options {
        bars: false,
        filter: Filter {
            errors_only: true,
            ..Filter::default()
        },
        ..opts(80)
    };
    insta::assert_snapshot!(draw(&testkit::realistic(), &o));
}

#[test]
fn ids_are_lowercase_hex() {
    let mut t = testkit::realistic();
    t.trace_id = TraceId(0xABCDEF);
    t.spans[0].span_id = SpanId(0xABC);
    let text = draw(
        &t,
        &Options {
            attrs: true,
            ..opts(120)
        },
    );
    assert!(text.contains("trace 00000000000000000000000000abcdef"));
    assert!(text.contains("span 0000000000000abc"));
}

#[test]
fn wrapping() {
    assert_eq!(wrap("short", 10, "  ", 4, "…"), vec!["short"]);
    assert_eq!(wrap("", 10, "  ", 4, "…"), Vec::<String>::new());
    // Breaks after a space near the end, continuation lines are narrower by the indent.
    assert_eq!(
        wrap("aaaa bbbb cccc dddd", 10, "  ", 4, "…"),
        vec!["aaaa bbbb", "cccc", "dddd"]
    );
    assert_eq!(
        wrap("aa bbbbbbbbbbbb", 10, "  ", 4, "…"),
        vec!["aa bbbbbbb", "bbbbb"]
    );
    // No space: hard breaks.
    assert_eq!(
        wrap("abcdefghijkl", 5, "  ", 4, "…"),
        vec!["abcde", "fgh", "ijk", "l"]
    );
    // Too long: the last allowed line ends in an ellipsis.
    assert_eq!(
        wrap("abcdefghijklmnop", 5, "  ", 3, "…"),
        vec!["abcde", "fgh", "ij…"]
    );
    // Wide characters never split and always progress, even in one column.
    assert_eq!(wrap("日本", 1, "", 9, "…"), vec!["日", "本"]);
}

/// CPU time of this thread (Linux), so that a busy machine does not skew the numbers.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// `cargo test --release --lib profile_parts -- --ignored --nocapture`: where the time goes for
/// 100,001 spans (CPU time, not wall time).
#[test]
#[ignore]
fn profile_parts() {
    let mut b = TraceBuilder::new(7);
    b.span(1, None, "gateway", "GET /bulk", 0, 1_000_000);
    let mut id = 2u64;
    for c in 0..100u64 {
        let parent = id;
        b.span(parent, Some(1), "svc-a", "batch", c * 10_000, 10_000);
        id += 1;
        for k in 0..999u64 {
            b.span(
                id,
                Some(if k % 3 == 0 { parent } else { id - 1 }),
                "svc-b",
                "item",
                c * 10_000 + k * 10,
                15,
            );
            id += 1;
        }
    }
    let t = b.build();
    let ms = |from: u64| (cpu_ns() - from) as f64 / 1e6;
    let c = cpu_ns();
    let tree = TraceTree::build(&t);
    eprintln!("tree build      {:8.1}ms", ms(c));
    let c = cpu_ns();
    let view = SpanView::build(&t, &tree, &Filter::default());
    eprintln!("view build      {:8.1}ms", ms(c));
    let c = cpu_ns();
    let mut out = Vec::new();
    render_view(&t, &tree, &view, &opts(120), &mut out).unwrap();
    eprintln!("waterfall       {:8.1}ms ({} bytes)", ms(c), out.len());
    let c = cpu_ns();
    let mut out = Vec::new();
    crate::render::show_json::render(&t, &tree, &Filter::default(), &mut out).unwrap();
    eprintln!("json (+view)    {:8.1}ms ({} bytes)", ms(c), out.len());
    let chain: Vec<Span> = (1..=10_000u64)
        .map(|i| {
            crate::model::testkit::span(i)
                .parent((i > 1).then(|| i - 1))
                .start_ns(BASE_NS + i)
                .end_ns(BASE_NS + 30_000 - i)
                .build()
        })
        .collect();
    let deep = Trace {
        trace_id: TraceId(1),
        spans: chain,
    };
    let c = cpu_ns();
    let tree = TraceTree::build(&deep);
    let mut out = Vec::new();
    render(&deep, &tree, &opts(80), &mut out).unwrap();
    eprintln!("10,000 deep     {:8.1}ms ({} bytes)", ms(c), out.len());
}
