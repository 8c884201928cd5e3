//! Bad input of every kind: exit code 3 and ONE clear `tracekit: error:` line that names the file
//! and says where (line:col, line, byte offset or JSON path) — SPEC "Inputs" and "Exit codes".
//! Also: a bad file among good ones, `--strict`, missing files, stdin, and hostile text.
//! Every input is made here, in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::*;

/// Where the error line must point.
#[derive(Clone, Copy, Debug)]
enum Pos {
    /// `FILE:LINE:COL:` with this line.
    LineCol(u64),
    /// `FILE:LINE:COL:` or `line LINE` (JSON lines).
    Line(u64),
    /// Every fragment appears (a JSON path, e.g. `spans[0]` and `startTimeUnixNano`).
    Path(&'static [&'static str]),
    /// `byte N`.
    Byte,
    /// Any position: `FILE:L:C`, `line N`, `byte N`, or a JSON path (`[` or `.` after the name).
    Any,
    /// No position is possible (empty file, unknown format, missing file): the message says why.
    Says(&'static str),
}

struct Bad {
    file: &'static str,
    content: Vec<u8>,
    pos: Pos,
    /// Spans before the problem may be shown (stdout not empty).
    partial: bool,
}

fn bad(file: &'static str, content: impl Into<Vec<u8>>, pos: Pos) -> Bad {
    Bad {
        file,
        content: content.into(),
        pos,
        partial: false,
    }
}

/// A valid OTLP JSON document with one span (ids of the opentelemetry-proto example).
const OTLP_ONE_SPAN: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"op","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"}]}]}]}"#;

fn digits_at(s: &str, i: usize) -> usize {
    s[i..].bytes().take_while(u8::is_ascii_digit).count()
}

/// `FILE:` followed by `L:C` anywhere in the line.
fn has_line_col(line: &str, file: &str, want_line: Option<u64>) -> bool {
    let pat = format!("{file}:");
    line.match_indices(&pat).any(|(i, _)| {
        let rest = i + pat.len();
        let n = digits_at(line, rest);
        if n == 0 || !line[rest + n..].starts_with(':') {
            return false;
        }
        let l: u64 = line[rest..rest + n].parse().unwrap_or(0);
        let c = digits_at(line, rest + n + 1);
        c > 0 && want_line.is_none_or(|w| w == l)
    })
}

fn has_word_number(line: &str, word: &str) -> bool {
    line.match_indices(word)
        .any(|(i, _)| digits_at(line, i + word.len()) > 0)
}

fn pos_ok(line: &str, file: &str, pos: Pos) -> bool {
    match pos {
        Pos::LineCol(l) => has_line_col(line, file, Some(l)),
        Pos::Line(l) => has_line_col(line, file, Some(l)) || line.contains(&format!("line {l}")),
        Pos::Path(frags) => frags.iter().all(|f| line.contains(f)),
        Pos::Byte => has_word_number(line, "byte "),
        Pos::Any => {
            let after = line.split_once(file).map_or("", |x| x.1);
            has_line_col(line, file, None)
                || has_word_number(line, "line ")
                || has_word_number(line, "byte ")
                || after
                    .strip_prefix(": ")
                    .and_then(|a| a.split(": ").next())
                    .is_some_and(|token| {
                        !token.contains(char::is_whitespace)
                            && (token.contains('[') || token.contains('.'))
                    })
        }
        Pos::Says(what) => line.to_lowercase().contains(what),
    }
}

fn cases() -> Vec<Bad> {
    let mut v = vec![
        // Truncated JSON: the end of input is on the last line.
        bad("truncated-otlp.json", "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [{\"spans\": [{\"traceId\": \"5b8e", Pos::LineCol(3)),
        bad("truncated-jaeger.json", "{\"data\":[{\"traceID\":\"1\",\"spans\":[{\"traceID\":\"1\",\"spanID\":\"2\",\n\"operationName\":\"x\"", Pos::LineCol(2)),
        bad("truncated-zipkin.json", "[{\"traceId\":\"1\",\"id\":\"2\",\n\"name\":\"x\",\n\"timestamp\":16", Pos::LineCol(3)),
        bad("truncated-tempo.json", "{\"batches\":[{\"scopeSpans\":[{\"spans\":[\n{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",", Pos::LineCol(2)),
        bad("stray-comma.json", "{\"resourceSpans\":[],}\n", Pos::LineCol(1)),
        // Wrong types: where in the document.
        bad(
            "wrong-type-otlp.json",
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"x","startTimeUnixNano":[1],"endTimeUnixNano":"2"}]}]}]}"#,
            Pos::Path(&["spans[0]", "startTimeUnixNano"]),
        ),
        bad("wrong-type-otlp-top.json", r#"{"resourceSpans": 7}"#, Pos::Path(&["resourceSpans"])),
        bad(
            "wrong-type-jaeger.json",
            r#"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":"yesterday","duration":1,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}"#,
            Pos::Path(&["spans[0]", "startTime"]),
        ),
        bad(
            "wrong-type-zipkin.json",
            r#"[{"traceId":"1","id":"2","name":"x","timestamp":"soon","duration":1}]"#,
            Pos::Path(&["[0]", "timestamp"]),
        ),
        bad(
            "bad-id-otlp.json",
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-an-id!","spanId":"eee19b7ec3c1b174","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
            Pos::Path(&["spans[0]", "traceId"]),
        ),
        // Invalid UTF-8 inside a string.
        bad(
            "invalid-utf8.json",
            [&br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":""#[..], b"\xff\xfe\x80", br#"","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#]
                .concat(),
            Pos::Any,
        ),
        // Deep nesting: no stack overflow, a clear error.
        bad("deep-list.json", "[".repeat(100_000), Pos::Any),
        bad("deep-otlp.json", format!("{{\"resourceSpans\":{}", "[".repeat(100_000)), Pos::Any),
        bad("deep-jaeger.json", format!("{{\"data\":{}", "[".repeat(100_000)), Pos::Any),
        bad(
            "deep-object.json",
            format!("{{\"resourceSpans\":[{{\"resource\":{}", "{\"a\":".repeat(100_000)),
            Pos::Any,
        ),
        // Huge numbers: beyond u64, and µs that overflow u64 nanoseconds.
        bad(
            "huge-nanos.json",
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"x","startTimeUnixNano":"99999999999999999999999","endTimeUnixNano":"2"}]}]}]}"#,
            Pos::Path(&["startTimeUnixNano"]),
        ),
        bad(
            "huge-zipkin-timestamp.json",
            r#"[{"traceId":"1","id":"2","name":"x","timestamp":123456789012345678901234567890,"duration":1}]"#,
            Pos::Any,
        ),
        bad(
            "overflowing-micros.json",
            r#"[{"traceId":"1","id":"2","name":"x","timestamp":18446744073709552,"duration":1}]"#,
            Pos::Any,
        ),
        bad(
            "huge-jaeger-duration.json",
            r#"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":1e400,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}"#,
            Pos::Any,
        ),
        // Not trace data at all.
        bad("empty.json", "", Pos::Says("empty")),
        bad("whitespace.json", "  \n\t\n", Pos::Says("empty")),
        bad("junk.bin", [0x13u8, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x80, 0x7f, 0x01], Pos::Says("not a trace format")),
        bad("text.txt", "hello, this is not a trace\n", Pos::Says("not a trace format")),
        // Binary that looks like a format and is not: a byte offset.
        bad("junk-protobuf.pb", [0x0au8, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34], Pos::Byte),
        bad("junk-framed.pb", [0u8, 0, 0x10, 0, 0x0a, 0x05, 0x0a, 0x03, 0x01], Pos::Byte),
        bad(
            "junk-thrift.bin",
            [&[0x82u8, 0x81, 0x01, 0x09][..], b"emitBatch", &[0x1c, 0x1c, 0x18, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x41]].concat(),
            Pos::Byte,
        ),
    ];
    // A good JSON line, then a truncated one: the first is kept and shown.
    v.push(Bad {
        file: "second-line-bad.jsonl",
        content: format!("{OTLP_ONE_SPAN}\n{{\"resourceSpans\":[{{\n").into_bytes(),
        pos: Pos::Line(2),
        partial: true,
    });
    v
}

/// Exactly one `tracekit: error:` line names the file, and it has the position. (A second
/// error line that does not name the file, e.g. "no trace to show", is tolerated.)
fn one_error_line_for(r: &Run, file: &str, pos: Pos) -> bool {
    let all = r.error_lines();
    let mine: Vec<&str> = all.iter().copied().filter(|l| l.contains(file)).collect();
    mine.len() == 1 && all.len() <= 2 && pos_ok(mine[0], file, pos)
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn bad_inputs_exit_3_with_one_line_naming_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Failures::default();
    for case in cases() {
        let path = write(dir.path(), case.file, &case.content);
        let path = path.to_str().unwrap();
        let r = run(["show", path]);
        f.check(r.code == Some(3), || {
            format!("{}: expected exit 3\n{}", case.file, r.describe())
        });
        f.check(case.partial || r.stdout.is_empty(), || {
            format!(
                "{}: nothing to show, yet stdout\n{}",
                case.file,
                r.describe()
            )
        });
        f.check(one_error_line_for(&r, path, case.pos), || {
            format!(
                "{}: expected one error line naming the file with position {:?}\n{}",
                case.file,
                case.pos,
                r.describe()
            )
        });
    }
    f.finish("bad inputs");
}

/// The same inputs through the library: one `InputError` naming the file, never a panic.
#[test]
fn bad_inputs_through_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Failures::default();
    for case in cases() {
        let path = write(dir.path(), case.file, &case.content)
            .to_string_lossy()
            .into_owned();
        let loaded = std::panic::catch_unwind(|| load_paths(std::slice::from_ref(&path)));
        let Ok(loaded) = loaded else {
            f.push(format!("{}: load panicked", case.file));
            continue;
        };
        let errs = &loaded.report.errors;
        f.check(
            !errs.is_empty() && errs.iter().all(|e| *e.file == *path),
            || {
                format!(
                    "{}: expected errors naming the file, got {errs:?}",
                    case.file
                )
            },
        );
        f.check(
            errs.iter().any(|e| e.position.is_some()) || matches!(case.pos, Pos::Says(_)),
            || format!("{}: no error has a position: {errs:?}", case.file),
        );
        f.check(case.partial || loaded.traces.span_count() == 0, || {
            format!("{}: spans from a bad input", case.file)
        });
    }
    f.finish("bad inputs (library)");
}

#[test]
fn missing_file_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("does-not-exist.json");
    let path = path.to_str().unwrap();
    let r = run(["show", path]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let lines = r.error_lines();
    assert_eq!(lines.len(), 1, "{}", r.describe());
    assert!(
        lines[0].contains(path) && lines[0].contains("no such file"),
        "{}",
        r.describe()
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_stdin_is_named_stdin() {
    let r = tracekit()
        .args(["show", "-"])
        .write_stdin("{\"resourceSpans\":[{")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(3));
    let err = String::from_utf8_lossy(&r.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("tracekit: error:"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(has_line_col(lines[0], "<stdin>", Some(1)), "{err}");
}

#[test]
fn good_stdin_and_gzip_are_read() {
    let r = tracekit()
        .args(["show", "-", "--format", "json"])
        .write_stdin(OTLP_ONE_SPAN)
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let doc = parse_show(&serde_json::from_slice(&r.stdout).unwrap());
    assert_eq!(doc.spans.len(), 1);

    // gzip is detected by its magic bytes, whatever the file is called.
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(OTLP_ONE_SPAN.as_bytes()).unwrap();
    let p = write(dir.path(), "trace.data", &gz.finish().unwrap());
    let doc = show_json(&[p.to_str().unwrap()], "5b8efff798038103d269b633813fc60c");
    assert_eq!(
        (doc.spans[0].service.as_str(), doc.spans[0].duration_ns),
        ("svc", 1_000_000_000)
    );
    // A truncated gzip stream is an input error, not a crash.
    let whole = std::fs::read(&p).unwrap();
    let cut = write(dir.path(), "cut.gz", &whole[..whole.len() / 2]);
    let r = run(["show", cut.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert_eq!(r.error_lines().len(), 1, "{}", r.describe());
    assert!(
        r.error_lines()[0].contains(cut.to_str().unwrap()),
        "{}",
        r.describe()
    );
}

/// A bad file among good ones: the good one is still shown, the run ends with 3; `--strict`
/// makes the bad file fatal and nothing is shown.
#[test]
fn one_bad_file_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a-good.json", OTLP_ONE_SPAN.as_bytes());
    let bad = write(
        dir.path(),
        "b-bad.json",
        b"{\"resourceSpans\":[\n{\"scopeSpans\":[{\"spans\":[{",
    );
    let d = dir.path().to_str().unwrap();
    let id = "5b8efff798038103d269b633813fc60c";

    let r = run(["show", d, "--trace", id, "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let doc = parse_show(
        &serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", r.describe())),
    );
    assert_eq!(doc.spans.len(), 1);
    assert_eq!(doc.spans[0].operation, "op");
    assert!(
        one_error_line_for(&r, bad.to_str().unwrap(), Pos::LineCol(2)),
        "{}",
        r.describe()
    );

    let r = run(["show", d, "--trace", id, "--format", "json", "--strict"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(
        r.stdout.is_empty(),
        "--strict: no output when an input is bad\n{}",
        r.describe()
    );
    assert!(
        r.error_lines()
            .iter()
            .any(|l| l.contains(bad.to_str().unwrap())),
        "{}",
        r.describe()
    );

    // The same with the files named one by one.
    let good = dir.path().join("a-good.json");
    let r = run([
        "show",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--trace",
        id,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert_eq!(
        parse_show(&serde_json::from_str(&r.stdout).unwrap())
            .spans
            .len(),
        1
    );
}

/// Trace data is untrusted: control characters and bidi overrides must not reach the terminal,
/// and must reach JSON unchanged.
#[test]
fn hostile_text_is_escaped_on_the_terminal_and_raw_in_json() {
    let name = "evil\u{1b}[2J\u{202e}gnp.exe\u{7}";
    let service = "svc\u{1b}[31m\u{2066}x";
    let doc = serde_json::json!({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":service}}]},
        "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":name,"kind":1,
        "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
        "attributes":[{"key":"note\u{1b}]0;title\u{7}","value":{"stringValue":"\u{202e}abc\r\n"}}]}]}]}]});
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "hostile.json", doc.to_string().as_bytes());
    let p = p.to_str().unwrap();

    for format in ["waterfall", "tree"] {
        for extra in [&[][..], &["--attrs"][..], &["--color", "always"][..]] {
            // Wide enough that nothing needs to be cut.
            let mut args = vec!["show", p, "--format", format, "--width", "300"];
            args.extend_from_slice(extra);
            let r = run(&args);
            assert_eq!(r.code, Some(0), "{}", r.describe());
            // With --color always, SGR color codes are ours; strip exactly those.
            let text = strip_sgr(&r.stdout);
            let bad: Vec<char> = text.chars().filter(|c| is_hostile(*c)).collect();
            assert!(
                bad.is_empty(),
                "show --format {format} {extra:?} printed raw {bad:?}:\n{}",
                r.stdout
            );
            assert!(
                text.contains("evil\\x1b[2J\\u{202e}gnp"),
                "escaped name missing:\n{}",
                r.stdout
            );
            assert!(
                text.contains("svc\\x1b[31m\\u{2066}"),
                "escaped service missing:\n{}",
                r.stdout
            );
        }
    }
    let doc = show_json(&[p], "5b8efff798038103d269b633813fc60c");
    assert_eq!(doc.spans[0].operation, name);
    assert_eq!(doc.spans[0].service, service);
}

/// Exports meant for a terminal, a pipe or a CI log (CSV, folded stacks, Mermaid) never carry
/// raw control characters or bidi overrides: CSV keeps newlines and tabs (quoted), escapes the
/// rest; folded escapes all; Mermaid drops them.
#[test]
fn exports_escape_control_characters_and_bidi_overrides() {
    let name = "evil\u{1b}[2J\u{202e}gnp\u{7}\u{0}\u{9b}x\ty";
    let service = "svc\u{1b}[31m\u{2066}\u{202a}x";
    let doc = serde_json::json!({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":service}}]},
        "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":name,"kind":1,
        "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
        "attributes":[{"key":"note","value":{"stringValue":"a\u{1b}]0;t\u{7}\nb"}}]}]}]}]});
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "hostile.json", doc.to_string().as_bytes());
    let p = p.to_str().unwrap();
    for (to, extra, escaped) in [
        (
            "csv",
            &["--columns", "note"][..],
            "evil\\x1b[2J\\u{202e}gnp\\x07\\x00\\x9bx\ty",
        ),
        (
            "folded",
            &[][..],
            "evil\\x1b[2J\\u{202e}gnp\\x07\\x00\\x9bx\\ty",
        ),
        ("mermaid", &[][..], "evil[2Jgnpxy"),
    ] {
        let mut args = vec!["export", p, "--to", to];
        args.extend_from_slice(extra);
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let bad: Vec<char> = r
            .stdout
            .chars()
            .filter(|&c| is_hostile(c) && !(to == "csv" && c == '\t'))
            .collect();
        assert!(
            bad.is_empty(),
            "export --to {to} printed raw {bad:?}:\n{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(escaped),
            "export --to {to}:\n{}",
            r.stdout
        );
    }
    // CSV keeps a newline in a value as data (quoted), escapes the rest of it.
    let r = run(["export", p, "--to", "csv", "--columns", "note"]);
    assert!(r.stdout.contains("\"a\\x1b]0;t\\x07\nb\""), "{}", r.stdout);
}

/// File names found by a directory walk are untrusted text too: the warning and error lines
/// that name them must escape control characters and bidi overrides.
#[test]
fn hostile_file_names_are_escaped_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.json", OTLP_ONE_SPAN.as_bytes());
    // Unknown format: skipped with a warning.
    write(dir.path(), "x\u{1b}[2J\u{202e}.txt", b"hello");
    // Known format, broken: an error.
    write(
        dir.path(),
        "y\u{1b}]0;t\u{7}\u{2067}.json",
        b"{\"resourceSpans\":[",
    );
    let r = run(["show", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    let raw: Vec<char> = r.stderr.chars().filter(|c| is_hostile(*c)).collect();
    assert!(
        raw.is_empty(),
        "messages must escape file names; stderr has raw {raw:?}:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("x\\x1b[2J\\u{202e}.txt"), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{2067}.json"), "{}", r.stderr);
}

fn is_hostile(c: char) -> bool {
    c.is_control() && c != '\n'
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Remove `ESC [ digits/; m` sequences (colors we asked for), nothing else.
fn strip_sgr(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\u{1b}' && chars.get(i + 1) == Some(&'[') {
            let mut j = i + 2;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == ';') {
                j += 1;
            }
            if chars.get(j) == Some(&'m') {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The position matchers themselves, on messages shaped like `InputError`'s Display.
#[test]
fn position_matchers_self_test() {
    let f = "/tmp/x/a.json";
    let lc = "tracekit: error: /tmp/x/a.json:3:17: EOF while parsing a string";
    assert!(pos_ok(lc, f, Pos::LineCol(3)) && !pos_ok(lc, f, Pos::LineCol(2)));
    assert!(pos_ok(lc, f, Pos::Line(3)) && pos_ok(lc, f, Pos::Any));
    let line = "tracekit: error: /tmp/x/a.json: line 2: expected `{`";
    assert!(
        pos_ok(line, f, Pos::Line(2))
            && pos_ok(line, f, Pos::Any)
            && !pos_ok(line, f, Pos::LineCol(2))
    );
    let path = "tracekit: error: /tmp/x/a.json: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected a string";
    assert!(
        pos_ok(path, f, Pos::Path(&["spans[0]", "startTimeUnixNano"])) && pos_ok(path, f, Pos::Any)
    );
    let byte = "tracekit: error: /tmp/x/a.json: byte 42: length 4294967295 runs past the end";
    assert!(pos_ok(byte, f, Pos::Byte) && pos_ok(byte, f, Pos::Any));
    let none = "tracekit: error: /tmp/x/a.json: not a trace format: the content is plain text";
    assert!(!pos_ok(none, f, Pos::Any) && pos_ok(none, f, Pos::Says("not a trace format")));
    assert!(!pos_ok(
        "tracekit: error: /tmp/x/a.json: expected `[` or `.`",
        f,
        Pos::Any
    ));
    assert_eq!(
        strip_sgr("\u{1b}[1;31mred\u{1b}[0m \u{1b}[2J"),
        "red \u{1b}[2J"
    );
}

/// A Zipkin or Jaeger span whose timestamp + duration ends past the largest time tracekit holds
/// (u64 nanoseconds, the year 2554) is skipped with a warning naming it, never clamped into a
/// wrong duration; the other spans are kept.
#[test]
fn a_span_ending_past_the_largest_time_is_skipped_not_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let zipkin = r#"[{"traceId":"5b8efff798038103","id":"0000000000000001","name":"huge","timestamp":18000000000000000,"duration":18000000000000000,"localEndpoint":{"serviceName":"a"}},
 {"traceId":"5b8efff798038103","id":"0000000000000002","name":"ok","timestamp":1544712660000000,"duration":1000,"localEndpoint":{"serviceName":"a"}}]"#;
    let jaeger = r#"{"data":[{"traceID":"5b8efff798038103","processes":{"p1":{"serviceName":"a"}},"spans":[
 {"traceID":"5b8efff798038103","spanID":"0000000000000001","operationName":"huge","startTime":18000000000000000,"duration":18000000000000000,"processID":"p1"},
 {"traceID":"5b8efff798038103","spanID":"0000000000000002","operationName":"ok","startTime":1544712660000000,"duration":1000,"processID":"p1"}]}]}"#;
    for (name, doc) in [("z.json", zipkin), ("j.json", jaeger)] {
        let p = write(dir.path(), name, doc.as_bytes());
        let r = run(["show", p.to_str().unwrap(), "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.describe()));
        let ops: Vec<&str> = v["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["operation"].as_str().unwrap())
            .collect();
        assert_eq!(ops, ["ok"], "{name}: {}", r.describe());
        assert_eq!(v["spans"][0]["duration_ns"], 1_000_000, "{name}");
        assert!(
            r.stderr.contains("ends after the year 2554") && r.stderr.contains("span skipped"),
            "{name}: {}",
            r.stderr
        );
    }
}

/// A duration near u64::MAX nanoseconds prints as the hours it is (it wrapped to `0m00s`, or
/// panicked in a debug build).
#[test]
fn a_duration_near_the_largest_prints_its_hours() {
    let dir = tempfile::tempdir().unwrap();
    let doc = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"op","startTimeUnixNano":"0","endTimeUnixNano":"18446744073709551615"}]}]}]}"#;
    let p = write(dir.path(), "long.json", doc.as_bytes());
    for format in ["tree", "waterfall"] {
        let r = run(["show", p.to_str().unwrap(), "--format", format]);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert!(r.stdout.contains("5124095h34m"), "{format}: {}", r.stdout);
        assert!(!r.stdout.contains("0m00s"), "{format}: {}", r.stdout);
    }
}

/// More white space than detection looks at (1 MB) before a valid document: the document is
/// read (it was "the input is empty").
#[test]
fn a_document_after_a_megabyte_of_white_space_is_read() {
    let dir = tempfile::tempdir().unwrap();
    for (name, lead) in [
        ("spaces.json", " "),
        ("lines.json", "\n"),
        ("crlf.json", "\r\n"),
    ] {
        let mut doc = lead.repeat((1 << 20) / lead.len());
        doc.push_str(OTLP_ONE_SPAN);
        let p = write(dir.path(), name, doc.as_bytes());
        let r = run(["show", p.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.describe());
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["spans"].as_array().unwrap().len(), 1, "{name}");
    }
    // White space only is still an empty input.
    let p = write(dir.path(), "blank.json", " ".repeat(1 << 20).as_bytes());
    let r = run(["show", p.to_str().unwrap()]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(r.stderr.contains("the input is empty"), "{}", r.stderr);
}

/// gzip data followed by NUL padding or junk: the data is kept with a warning, as `gzip -d`
/// does (the whole input was rejected: "invalid gzip header", "unexpected end of file").
#[test]
fn gzip_with_trailing_padding_or_junk_keeps_the_data_with_a_warning() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    let gz = |s: &str| {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let one = gz(OTLP_ONE_SPAN);
    let mut two_members = one.clone();
    two_members.extend(gz(
        &OTLP_ONE_SPAN.replace("eee19b7ec3c1b174", "eee19b7ec3c1b175")
    ));
    for (name, tail, spans, warning) in [
        (
            "nul.json.gz",
            vec![0u8; 512],
            1,
            Some("512 zero bytes after the gzip data were ignored"),
        ),
        (
            "junk.json.gz",
            b"junk\n".to_vec(),
            1,
            Some("5 bytes of trailing data after the gzip data were ignored"),
        ),
        ("one-nul.json.gz", vec![0u8], 1, Some("1 zero bytes")),
        ("clean.json.gz", vec![], 1, None),
    ] {
        let mut bytes = one.clone();
        bytes.extend(&tail);
        let p = write(dir.path(), name, &bytes);
        let r = run(["show", p.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, Some(0), "{name}: {}", r.describe());
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["spans"].as_array().unwrap().len(), spans, "{name}");
        match warning {
            Some(w) => assert!(r.stderr.contains(w), "{name}: {}", r.stderr),
            None => assert_eq!(r.stderr, "", "{name}"),
        }
    }
    // Several members are one stream; padding after the last is still only a warning.
    let mut bytes = two_members;
    bytes.extend([0u8; 100]);
    let p = write(dir.path(), "two.json.gz", &bytes);
    let r = run(["stats", p.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(r.stderr.contains("100 zero bytes"), "{}", r.stderr);
}

/// An HTML page read as JSON (a file with `--input-format`) is named as such.
#[test]
fn an_html_page_read_as_json_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "page.json",
        b"\n  <!DOCTYPE html><html><head><title>Grafana</title></head></html>\n",
    );
    for format in ["otlp-json", "tempo", "jaeger", "zipkin"] {
        let r = run(["show", p.to_str().unwrap(), "--input-format", format]);
        assert_eq!(r.code, Some(3), "{format}: {}", r.describe());
        assert!(
            r.stderr.contains(
                "page.json:2:3: the content is an HTML page titled \"Grafana\", not JSON"
            ),
            "{format}: {}",
            r.stderr
        );
    }
}

/// A file name that is not UTF-8 (byte 0xff) is a source like any other (clap refused it:
/// "invalid UTF-8 was detected"), an output path too, and messages show it lossily.
#[test]
fn a_file_name_that_is_not_utf8_is_accepted_and_shown_lossily() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"tr\xffce.json");
    let p = dir.path().join(name);
    std::fs::write(&p, OTLP_ONE_SPAN).unwrap();
    let out = dir.path().join(OsStr::from_bytes(b"out\xfe.csv"));
    let r = run([
        OsStr::new("show"),
        p.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["spans"].as_array().unwrap().len(), 1);
    let r = run([
        OsStr::new("export"),
        p.as_os_str(),
        OsStr::new("--to"),
        OsStr::new("csv"),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(std::fs::read_to_string(&out).unwrap().contains("trace_id"));
    // Missing, it is named lossily (U+FFFD), not refused by argument parsing.
    let missing = dir.path().join(OsStr::from_bytes(b"no\xffne.json"));
    let r = run([OsStr::new("stats"), missing.as_os_str()]);
    assert_eq!(r.code, Some(3), "{}", r.describe());
    assert!(
        r.stderr
            .contains("no\u{fffd}ne.json: no such file or directory"),
        "{}",
        r.stderr
    );
    // Also the two sides of diff.
    let r = run([OsStr::new("diff"), p.as_os_str(), p.as_os_str()]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
}

/// A value of the wrong type in span N of an OTLP/JSON document costs span N only: the spans
/// after it are read, and each bad span is named (pretty-printed, only the first was named and
/// the rest of the document was dropped; on one line, the rest of the line was).
#[test]
fn a_bad_span_costs_only_itself_in_an_otlp_json_document() {
    let span = |i: u32, field: Option<(&str, serde_json::Value)>| {
        let mut s = serde_json::json!({
            "traceId": "5b8efff798038103d269b633813fc60c",
            "spanId": format!("{:016x}", i + 1),
            "name": format!("op{i}"),
            "startTimeUnixNano": "1544712660000000000",
            "endTimeUnixNano": "1544712661000000000"
        });
        if let Some((k, v)) = field {
            s[k] = v;
        }
        s
    };
    let spans = vec![
        span(0, None),
        span(1, Some(("name", serde_json::json!({"x": 1})))),
        span(2, None),
        span(3, Some(("attributes", serde_json::json!(5)))),
        span(4, Some(("startTimeUnixNano", serde_json::json!([1])))),
        span(5, None),
    ];
    let doc = serde_json::json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "svc"}}]},
        "scopeSpans": [{"spans": spans}]
    }]});
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("pretty.json", serde_json::to_string_pretty(&doc).unwrap()),
        ("lines.jsonl", format!("{doc}\n{doc}\n")),
    ] {
        let p = write(dir.path(), name, text.as_bytes());
        let r = run(["show", p.to_str().unwrap(), "--format", "json"]);
        // Spans were lost: exit 3, and the others are shown.
        assert_eq!(r.code, Some(3), "{name}: {}", r.describe());
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.describe()));
        let mut ops: Vec<&str> = v["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["operation"].as_str().unwrap())
            .collect();
        ops.sort();
        ops.dedup();
        assert_eq!(ops, ["op0", "op2", "op5"], "{name}: {}", r.describe());
        for bad in [
            "spans[1].name: invalid type: map, expected a string",
            "spans[3].attributes: invalid type: integer `5`",
            "spans[4].startTimeUnixNano: invalid type: sequence",
        ] {
            assert!(
                r.stderr.contains(bad) && r.stderr.contains("span skipped"),
                "{name}: {bad}\n{}",
                r.stderr
            );
        }
    }
}
