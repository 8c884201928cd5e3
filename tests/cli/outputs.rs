//! Outputs end to end (`src/output.rs`): a closed stdout is never an error; every file output
//! (`-o`, `--report`, `--emit-*`, `gate --init`, `man DIR`, `synth -o`, `skew --adjust -o`,
//! `fetch -o`, `$GITHUB_STEP_SUMMARY`) is written atomically over a regular file, in place to a
//! device or FIFO, through a symlink, never over an input; write failures exit 5 and name the
//! output; a failed run leaves neither a half file nor a temporary file.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::{Run, repo_dir, run, tracekit};

fn fixture(name: &str) -> String {
    repo_dir().join("fixtures").join(name).display().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run with extra environment variables (the scrubbed environment otherwise).
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = tracekit();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The names in a directory, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success(), "mkfifo {}", p.display());
}

/// Big inputs, made once: many mixed traces, and one very wide trace.
struct Big {
    _dir: tempfile::TempDir,
    mixed: String,
    wide: String,
}

fn big() -> &'static Big {
    static BIG: OnceLock<Big> = OnceLock::new();
    BIG.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mixed = dir.path().join("mixed.jsonl");
        let wide = dir.path().join("wide.jsonl");
        let r = run(["synth", "-n", "200", "-o", s(&mixed)]);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let r = run([
            "synth",
            "--shape",
            "wide",
            "--spans",
            "5000",
            "-n",
            "1",
            "-o",
            s(&wide),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        Big {
            mixed: s(&mixed).to_string(),
            wide: s(&wide).to_string(),
            _dir: dir,
        }
    })
}

/// Run with stdout on a pipe whose reader reads `n` bytes and closes it. Returns the exit code
/// and stderr.
fn closed_after(args: &[&str], n: usize) -> (Option<i32>, String) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("tracekit"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .current_dir(home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; n];
    out.read_exact(&mut buf).unwrap();
    drop(out);
    let t0 = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if t0.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{args:?} did not end after its stdout was closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code(), err)
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_exit_0() {
    let b = big();
    let cases: Vec<Vec<&str>> = vec![
        vec!["show", "-f", "json", &b.wide],
        vec!["show", &b.wide, "--width", "160"],
        vec!["stats", &b.mixed, "-g", "attr=url.path", "-f", "json"],
        vec!["critical-path", &b.mixed, "-f", "json"],
        vec!["export", &b.mixed, "--to", "otlp-json"],
        vec!["export", &b.mixed, "--to", "csv", "-o", "/dev/stdout"],
        vec!["synth", "-n", "300"],
        vec!["synth", "-n", "300", "-o", "-"],
        vec!["completions", "fish"],
        vec!["completions", "bash"],
    ];
    for args in cases {
        // The whole output is far more than a pipe holds (64 KiB), so the run must meet the
        // closed pipe.
        let full = run(&args);
        assert_eq!(full.code, Some(0), "{args:?}\n{}", full.describe());
        assert!(
            full.stdout.len() > 70 * 1024,
            "{args:?}: only {} bytes",
            full.stdout.len()
        );
        let (code, err) = closed_after(&args, 16);
        assert_eq!(code, Some(0), "{args:?}: stderr {err}");
        assert_eq!(err, "", "{args:?}");
    }
}

#[test]
fn man_writes_pages_into_a_directory_only() {
    let d = tempfile::tempdir().unwrap();
    let r = run(["man", "/dev/stdout"]);
    assert_eq!(r.code, Some(5), "{}", r.describe());
    assert_eq!(
        r.error_lines(),
        ["tracekit: error: cannot write /dev/stdout: it is not a directory"]
    );
    // A page that is a symlink is written through it; the rest are new files.
    let real = d.path().join("real.1");
    std::fs::write(&real, "old").unwrap();
    let pages = d.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    std::os::unix::fs::symlink(&real, pages.join("tracekit-show.1")).unwrap();
    let r = run(["man", s(&pages)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let got = names(&pages);
    assert!(got.contains(&"tracekit.1".to_string()), "{got:?}");
    assert!(got.iter().all(|n| n.ends_with(".1")), "{got:?}");
    let link = pages.join("tracekit-show.1");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let page = std::fs::read_to_string(&real).unwrap();
    assert!(page.starts_with(".ie"), "{page:.80}");
    assert!(page.contains("tracekit\\-show"), "{page:.200}");
}

/// Where a write fails, and the OS's words for it.
fn unwritable(d: &Path) -> Vec<(PathBuf, &'static str)> {
    let file = d.join("a-file");
    std::fs::write(&file, "x").unwrap();
    vec![
        (
            PathBuf::from("/dev/full"),
            "No space left on device (os error 28)",
        ),
        (
            d.join("no/such/dir/out"),
            "No such file or directory (os error 2)",
        ),
        (file.join("out"), "Not a directory (os error 20)"),
    ]
}

#[test]
fn write_errors_exit_5_and_name_the_output() {
    let d = tempfile::tempdir().unwrap();
    let input = fixture("checkout.otlp.json");
    let leaky = fixture("leaky.otlp.json");
    let policy = d.path().join("policy.toml");
    let r = run(["gate", "--init", s(&policy)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let places = unwritable(d.path());
    let before = names(d.path());
    for (out, why) in places {
        let o = s(&out);
        let report = |kind: &str| format!("{kind}={o}");
        let cases: Vec<Vec<String>> = vec![
            vec!["stats".into(), input.clone(), "-o".into(), o.into()],
            vec!["show".into(), input.clone(), "-o".into(), o.into()],
            vec!["critical-path".into(), input.clone(), "-o".into(), o.into()],
            vec!["check".into(), input.clone(), "-o".into(), o.into()],
            vec![
                "check".into(),
                input.clone(),
                "--report".into(),
                report("junit"),
            ],
            vec![
                "check".into(),
                input.clone(),
                "--report".into(),
                report("sarif"),
            ],
            vec![
                "lint".into(),
                leaky.clone(),
                "--report".into(),
                report("json"),
            ],
            vec![
                "lint".into(),
                leaky.clone(),
                "--emit-redaction-config".into(),
                o.into(),
            ],
            vec![
                "gate".into(),
                input.clone(),
                "--policy".into(),
                s(&policy).into(),
                "--report".into(),
                report("junit"),
            ],
            vec![
                "gate".into(),
                input.clone(),
                "--policy".into(),
                s(&policy).into(),
                "-o".into(),
                o.into(),
            ],
            vec![
                "diff".into(),
                input.clone(),
                input.clone(),
                "-o".into(),
                o.into(),
            ],
            vec![
                "export".into(),
                input.clone(),
                "--to".into(),
                "html".into(),
                "-o".into(),
                o.into(),
            ],
            vec![
                "synth".into(),
                "-n".into(),
                "3".into(),
                "-o".into(),
                o.into(),
            ],
            vec![
                "skew".into(),
                input.clone(),
                "--adjust".into(),
                "-o".into(),
                o.into(),
            ],
            vec!["gate".into(), "--init".into(), o.into()],
            vec![
                "check".into(),
                input.clone(),
                "--report".into(),
                report("github"),
            ],
        ];
        for args in cases {
            let r = run(&args);
            assert_eq!(r.code, Some(5), "{args:?}\n{}", r.describe());
            assert_eq!(
                r.error_lines(),
                [format!("tracekit: error: cannot write {o}: {why}")],
                "{args:?}"
            );
        }
        // $GITHUB_STEP_SUMMARY is an output too.
        let r = run_env(
            &["check", &input, "--report", "github"],
            &[("GITHUB_STEP_SUMMARY", o)],
        );
        assert_eq!(r.code, Some(5), "{}", r.describe());
        assert_eq!(
            r.error_lines(),
            [format!("tracekit: error: cannot write {o}: {why}")]
        );
    }
    // Nothing was left behind: no half file, no temporary file.
    assert_eq!(names(d.path()), before);
}

#[test]
fn an_input_is_refused_as_an_output_and_left_untouched() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in.json");
    std::fs::copy(fixture("checkout.otlp.json"), &input).unwrap();
    let original = std::fs::read(&input).unwrap();
    let link = d.path().join("link.json");
    std::os::unix::fs::symlink("in.json", &link).unwrap();
    let hard = d.path().join("hard.json");
    std::fs::hard_link(&input, &hard).unwrap();
    let policy = d.path().join("policy.toml");
    assert_eq!(run(["gate", "--init", s(&policy)]).code, Some(0));
    let policy_text = std::fs::read(&policy).unwrap();
    let config = d.path().join("lint.toml");
    std::fs::write(&config, "").unwrap();
    let (i, l, h, p, c) = (s(&input), s(&link), s(&hard), s(&policy), s(&config));
    let (json_h, junit_p) = (format!("json={h}"), format!("junit={p}"));
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["stats", i, "-o", i], i, i),
        (vec!["show", i, "-o", l], l, i),
        (vec!["critical-path", l, "-o", i], i, l),
        (vec!["check", i, "--report", &json_h], h, i),
        (vec!["lint", i, "-o", h], h, i),
        (vec!["lint", i, "--emit-redaction-config", i], i, i),
        (vec!["lint", i, "--config", c, "-o", c], c, c),
        (
            vec!["export", i, "--to", "otlp-json", "-o", i, "--force"],
            i,
            i,
        ),
        (vec!["skew", i, "--adjust", "-o", l], l, i),
        (vec!["gate", i, "--policy", p, "--report", &junit_p], p, p),
        (vec!["diff", i, i, "-o", h], h, i),
    ];
    for (args, out, inp) in &cases {
        let r = run(args);
        assert_eq!(r.code, Some(2), "{args:?}\n{}", r.describe());
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{args:?}\n{}", r.describe());
        assert!(
            lines[0].starts_with(&format!(
                "tracekit: error: refusing to write {out}: it is the input {inp}"
            )),
            "{args:?}: {}",
            lines[0]
        );
    }
    // Standard input redirected from the file (`< in.json`) is an input too, and so is a
    // descriptor path open on an input.
    for (args, why) in [
        (
            ["check", "-", "-o", i],
            "it is the file standard input reads",
        ),
        (
            ["check", "-", "-o", "/dev/stdin"],
            "it is the file standard input reads",
        ),
        (["check", i, "-o", "/dev/stdin"], "it is the input"),
    ] {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("tracekit"))
            .args(args)
            .env_clear()
            .current_dir(d.path())
            .stdin(std::fs::File::open(&input).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    // A directory source: nothing may be written inside it.
    let r = run(["stats", s(d.path()), "-o", s(&d.path().join("new.txt"))]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr.contains("inside the input directory"),
        "{}",
        r.describe()
    );

    assert_eq!(std::fs::read(&input).unwrap(), original);
    assert_eq!(std::fs::read(&policy).unwrap(), policy_text);
    assert_eq!(std::fs::read(&config).unwrap(), b"");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::metadata(&hard).unwrap().ino(),
        std::fs::metadata(&input).unwrap().ino()
    );
    assert_eq!(
        names(d.path()),
        [
            "hard.json",
            "in.json",
            "link.json",
            "lint.toml",
            "policy.toml"
        ]
    );
}

#[test]
fn a_symlink_output_is_written_through_and_stays_a_link() {
    let d = tempfile::tempdir().unwrap();
    let input = fixture("checkout.otlp.json");
    let real_dir = d.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("stats.txt");
    std::fs::write(&real, "old").unwrap();
    let link = d.path().join("stats.txt");
    std::os::unix::fs::symlink("real/stats.txt", &link).unwrap();
    let expected = run(["stats", &input]);
    assert_eq!(expected.code, Some(0));
    let r = run(["stats", &input, "-o", s(&link)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(r.stdout, "");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected.stdout);
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/stats.txt")
    );
    // Export without --force refuses the existing file behind the link, with it replaces it.
    let r = run(["export", &input, "--to", "csv", "-o", s(&link)]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected.stdout);
    let csv = run(["export", &input, "--to", "csv"]);
    let r = run(["export", &input, "--to", "csv", "-o", s(&link), "--force"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), csv.stdout);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(names(d.path()), ["real", "stats.txt"]);
    assert_eq!(names(&real_dir), ["stats.txt"]);
}

#[test]
fn dev_null_and_fifos_are_written_in_place() {
    let input = fixture("checkout.otlp.json");
    for args in [
        vec!["stats", &input, "-o", "/dev/null"],
        vec!["export", &input, "--to", "csv", "-o", "/dev/null"],
        vec!["synth", "-n", "2", "-o", "/dev/null"],
        vec![
            "check",
            &input,
            "-o",
            "/dev/null",
            "--report",
            "junit=/dev/null",
        ],
        vec!["gate", "--init", "/dev/null"],
        vec!["gate", "--init", "/dev/null", "--force"],
    ] {
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{args:?}\n{}", r.describe());
        assert_eq!(r.stdout, "", "{args:?}");
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    mkfifo(&fifo);
    let expected = run(["export", &input, "--to", "csv"]).stdout;
    assert!(!expected.is_empty());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = run(["export", &input, "--to", "csv", "-o", s(&fifo)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(reader.join().unwrap(), expected);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(d.path()), ["pipe"]);
}

#[test]
fn a_failed_run_leaves_no_file_and_no_temporary_file() {
    let d = tempfile::tempdir().unwrap();
    let input = fixture("checkout.otlp.json");
    let out = d.path().join("out.json");
    let kept = d.path().join("kept.json");
    std::fs::write(&kept, "old").unwrap();
    // The main output is started, then a report fails: neither appears, the old file stays.
    for (target, before) in [(&out, None), (&kept, Some("old"))] {
        let r = run([
            "check",
            &input,
            "-f",
            "json",
            "-o",
            s(target),
            "--report",
            "junit=/dev/full",
        ]);
        assert_eq!(r.code, Some(5), "{}", r.describe());
        assert_eq!(std::fs::read_to_string(target).ok().as_deref(), before);
    }
    assert_eq!(names(d.path()), ["kept.json"]);
    // The same run without the failing report writes the file.
    let r = run(["check", &input, "-f", "json", "-o", s(&out)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["schema"], "tracekit.check/v1");
}

#[test]
fn a_replaced_file_is_renamed_over_and_keeps_its_mode() {
    let d = tempfile::tempdir().unwrap();
    let input = fixture("checkout.otlp.json");
    let out = d.path().join("stats.csv");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let ino = std::fs::metadata(&out).unwrap().ino();
    let r = run(["stats", &input, "-f", "csv", "-o", s(&out)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let m = std::fs::metadata(&out).unwrap();
    assert_eq!(m.permissions().mode() & 0o7777, 0o640);
    assert_ne!(m.ino(), ino, "written in place instead of atomically");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        run(["stats", &input, "-f", "csv"]).stdout
    );
    assert_eq!(names(d.path()), ["stats.csv"]);
}

#[test]
fn the_step_summary_is_appended_in_place() {
    let d = tempfile::tempdir().unwrap();
    let input = fixture("checkout.otlp.json");
    let summary = d.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let ino = std::fs::metadata(&summary).unwrap().ino();
    let env = [("GITHUB_STEP_SUMMARY", s(&summary))];
    let mut lens = Vec::new();
    for _ in 0..2 {
        let r = run_env(&["check", &input, "--report", "github"], &env);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        lens.push(std::fs::metadata(&summary).unwrap().len());
    }
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("previous step\n"), "{text}");
    let one = lens[0] - "previous step\n".len() as u64;
    assert!(one > 0);
    assert_eq!(
        lens[1],
        lens[0] + one,
        "the second run appends the same summary"
    );
    assert_eq!(std::fs::metadata(&summary).unwrap().ino(), ino);
}

#[test]
fn gate_init_refuses_an_existing_file_unless_forced() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("tracekit-gate.toml");
    std::fs::write(&p, "mine").unwrap();
    let r = run(["gate", "--init", s(&p)]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(r.stderr.contains("exists; use --force"), "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "mine");
    let starter = run(["gate", "--init", "-"]);
    assert_eq!(starter.code, Some(0));
    assert!(starter.stdout.contains('['), "{}", starter.stdout);
    let r = run(["gate", "--init", s(&p), "--force"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), starter.stdout);
    // --force alone is a usage error.
    let r = run(["gate", &fixture("checkout.otlp.json"), "--force"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert_eq!(names(d.path()), ["tracekit-gate.toml"]);
}

#[test]
fn every_help_lists_the_exit_codes() {
    let mut commands = vec![Vec::new()];
    for sub in tracekit::cli::command().get_subcommands() {
        commands.push(vec![sub.get_name().to_string()]);
    }
    assert!(commands.len() > 15);
    for mut args in commands {
        args.push("--help".to_string());
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{args:?}");
        for line in [
            "Exit codes:",
            "  2    usage or configuration error",
            "  3    input could not be read or parsed",
            "  5    output could not be written",
            "  130  interrupted",
        ] {
            assert_eq!(
                r.stdout.matches(line).count(),
                1,
                "{args:?}: {line}\n{}",
                r.stdout
            );
        }
    }
}

/// A one-trace Tempo for `fetch`: answers `/api/v2/traces/{id}` and `/api/traces/{id}` from the
/// recorded responses, 404 otherwise.
fn tempo() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let recorded = repo_dir().join("tests/data/generated/backend-responses/tempo");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = first.split_whitespace().nth(1).unwrap_or("");
            let file = match path.rsplit_once('/') {
                Some(("/api/v2/traces", id)) => recorded.join(format!("api-v2-traces-{id}.json")),
                Some(("/api/traces", id)) => recorded.join(format!("api-traces-{id}.json")),
                _ => PathBuf::from("/nonexistent"),
            };
            let (status, body) = match std::fs::read(&file) {
                Ok(b) => ("200 OK", b),
                Err(_) => ("404 Not Found", Vec::new()),
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(&body);
        }
    });
    format!("http://127.0.0.1:{port}")
}

const TRACE: &str = "0cb0f836124d98d806e10d0ea1575e6a";
const MISSING: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn fetch_follows_the_same_rule() {
    let url = tempo();
    let d = tempfile::tempdir().unwrap();
    let fetch = |extra: &[&str]| {
        let mut args = vec![
            "fetch",
            "--backend",
            &url,
            "--backend-kind",
            "tempo",
            "-j",
            "1",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let expected = fetch(&[TRACE]);
    assert_eq!(expected.code, Some(0), "{}", expected.describe());
    let raw = std::fs::read(repo_dir().join(format!(
        "tests/data/generated/backend-responses/tempo/api-v2-traces-{TRACE}.json"
    )))
    .unwrap();

    // Through a symlink, converted and raw.
    let real = d.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = d.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let r = fetch(&[TRACE, "-o", s(&link)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), expected.stdout);
    let r = fetch(&[TRACE, "--raw", "-o", s(&link)]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert_eq!(std::fs::read(&real).unwrap(), raw);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(names(d.path()), ["link.json", "real.json"]);

    // /dev/null works; unwritable places exit 5 and name the output.
    let r = fetch(&[TRACE, "-o", "/dev/null"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    for (out, why) in unwritable(d.path()) {
        for raw in [false, true] {
            let mut args = vec![TRACE, "-o", s(&out)];
            if raw {
                args.push("--raw");
            }
            let r = fetch(&args);
            assert_eq!(r.code, Some(5), "{args:?}\n{}", r.describe());
            let line = r.error_lines().join("\n");
            assert!(line.starts_with("tracekit: error: cannot write "), "{line}");
            assert!(line.ends_with(why), "{line}");
        }
    }
    // A trace that cannot be fetched leaves no file and no temporary file.
    let before = names(d.path());
    let r = fetch(&[MISSING, "-o", s(&d.path().join("missing.json"))]);
    assert_eq!(r.code, Some(4), "{}", r.describe());
    assert_eq!(names(d.path()), before);
}

/// A closed stdout ends the output, not the verdict: `tracekit check … | head` under `pipefail`
/// must still fail when there are findings, and `diff` keeps its regression verdict.
#[test]
fn a_closed_stdout_keeps_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let faulty = dir.path().join("faulty.jsonl");
    let r = run([
        "synth",
        "-n",
        "400",
        "--drop-rate",
        "0.2",
        "--seed",
        "3",
        "-o",
        s(&faulty),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let args = [
        "check",
        s(&faulty),
        "-f",
        "json",
        "--fail-on",
        "warning",
        "--max-per-rule",
        "100000",
    ];
    let full = run(args);
    assert_eq!(full.code, Some(1), "{}", full.describe());
    assert!(
        full.stdout.len() > 70 * 1024,
        "only {} bytes",
        full.stdout.len()
    );
    let (code, err) = closed_after(&args, 16);
    assert_eq!(code, Some(1), "stderr {err}");
    assert_eq!(err, "");
    // The SARIF report is still written when the reader of stdout went away.
    let sarif = dir.path().join("check.sarif");
    let spec = format!("sarif={}", s(&sarif));
    let mut with_report = args.to_vec();
    with_report.extend(["--report", &spec]);
    let (code, _) = closed_after(&with_report, 16);
    assert_eq!(code, Some(1));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(!doc["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// `--force` never turns a device, a FIFO or a symlink into a regular file: `/dev/full` stays a
/// character device (and the write fails with exit 5), a FIFO gets the data in place, a link
/// stays a link and its target gets the data; `--report` files follow the same rule.
#[test]
fn force_never_replaces_a_device_fifo_or_symlink() {
    use std::os::unix::fs::FileTypeExt;
    let input = fixture("checkout.otlp.json");
    let r = run([
        "export",
        &input,
        "--to",
        "csv",
        "-o",
        "/dev/full",
        "--force",
    ]);
    assert_eq!(r.code, Some(5), "{}", r.describe());
    assert!(
        r.stderr
            .contains("cannot write /dev/full: No space left on device"),
        "{}",
        r.stderr
    );
    let m = std::fs::symlink_metadata("/dev/full").unwrap();
    assert!(m.file_type().is_char_device(), "/dev/full was replaced");

    let d = tempfile::tempdir().unwrap();
    let expected = run(["export", &input, "--to", "csv"]).stdout;
    for report in [false, true] {
        let fifo = d.path().join(format!("pipe-{report}"));
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let r = if report {
            let spec = format!("junit={}", s(&fifo));
            run([
                "check",
                &input,
                "--report",
                &spec,
                "--fail-on",
                "never",
                "-o",
                "/dev/null",
            ])
        } else {
            run(["export", &input, "--to", "csv", "-o", s(&fifo), "--force"])
        };
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let got = reader.join().unwrap();
        if report {
            assert!(got.contains("<testsuites"), "{got:.200}");
        } else {
            assert_eq!(got, expected);
        }
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
    let target = d.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = d.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = run(["export", &input, "--to", "csv", "-o", s(&link), "--force"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), expected);
    let leftovers: Vec<String> = names(d.path())
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
