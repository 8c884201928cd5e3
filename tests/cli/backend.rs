//! Backends end to end: the real binary against a real HTTP server on loopback (the test
//! helper [`Replay`], a server inside this test binary) that replays the answers recorded from
//! Tempo and VictoriaTraces (`tests/data/generated/backend-responses/`) and injects faults.
//!
//! Tests marked "needs the readers" read trace bodies through the format readers (and `show`);
//! the others exercise only the HTTP, config and error paths.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::replay::Replay;

const ID_0CB0: &str = "0cb0f836124d98d806e10d0ea1575e6a";
const ID_A128: &str = "a12870d7e5dd88b5133d7422bb14b64e";
const ID_MISSING: &str = "0123456789abcdef0123456789abcdef";
/// The recorded searches cover 1795252951..1795256551 (Unix seconds).
const START: &str = "1795252951";
const END: &str = "1795256551";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> PathBuf {
    repo().join("tests/data/generated")
}

fn recorded() -> PathBuf {
    generated().join("backend-responses")
}

fn otlp_sample() -> PathBuf {
    generated().join("otlp-json/otel-python-merged-resourceSpans.json")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// A scratch working directory with its own (empty) XDG config home.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("xdg")).unwrap();
        Work { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args, env);
        let t0 = Instant::now();
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: t0.elapsed(),
        }
    }

    /// As [`Work::run`], but the run is killed after `limit` (exit code -1): a test of a hang
    /// fails instead of hanging.
    fn run_limited(&self, args: &[&str], limit: Duration) -> Run {
        let mut cmd = self.command(args, &[]);
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let t0 = Instant::now();
        let mut child = cmd.spawn().unwrap();
        while child.try_wait().unwrap().is_none() {
            if t0.elapsed() > limit {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: t0.elapsed(),
        }
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tracekit"));
        cmd.args(args).current_dir(self.path());
        for k in [
            "TRACEKIT_BACKEND",
            "TRACEKIT_BACKEND_KIND",
            "TRACEKIT_TOKEN",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
            "COLUMNS",
        ] {
            cmd.env_remove(k);
        }
        cmd.env("XDG_CONFIG_HOME", self.path().join("xdg"))
            .env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }
}

fn assert_code(r: &Run, code: i32) {
    assert_eq!(
        r.code, code,
        "exit code\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
}

/// stderr is one `tracekit: error: …` line per failure.
fn one_error_line(r: &Run) -> &str {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr:\n{}", r.stderr);
    assert!(lines[0].starts_with("tracekit: error: "), "{}", r.stderr);
    lines[0]
}

/// An extra recordings folder for the replay server.
struct Extra {
    dir: tempfile::TempDir,
    index: Vec<Value>,
}

impl Extra {
    fn new() -> Extra {
        Extra {
            dir: tempfile::tempdir().unwrap(),
            index: Vec::new(),
        }
    }

    fn add(&mut self, request: &str, status: u16, content_type: &str, body: &[u8]) -> &mut Self {
        let file = format!("r{}.body", self.index.len());
        std::fs::write(self.dir.path().join(&file), body).unwrap();
        self.index.push(json!({
            "request": request, "status": status, "content_type": content_type,
            "accept": null, "file": file,
        }));
        std::fs::write(
            self.dir.path().join("index.json"),
            serde_json::to_vec_pretty(&self.index).unwrap(),
        )
        .unwrap();
        self
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// The OTLP document of one trace of the OTLP sample (other traces' spans removed).
fn otlp_of(trace_id: &str) -> Value {
    let mut doc: Value = serde_json::from_slice(&std::fs::read(otlp_sample()).unwrap()).unwrap();
    let rs = doc["resourceSpans"].as_array_mut().unwrap();
    for r in rs.iter_mut() {
        for s in r["scopeSpans"].as_array_mut().unwrap().iter_mut() {
            s["spans"]
                .as_array_mut()
                .unwrap()
                .retain(|sp| sp["traceId"] == trace_id);
        }
        r["scopeSpans"]
            .as_array_mut()
            .unwrap()
            .retain(|s| !s["spans"].as_array().unwrap().is_empty());
    }
    rs.retain(|r| !r["scopeSpans"].as_array().unwrap().is_empty());
    doc
}

/// The span set of `show --format json`: (span id, parent, service, operation, start µs,
/// duration µs). Times in µs: the Jaeger API has no finer unit.
type SpanRow = (String, String, String, String, u64, u64);

fn span_set(show_json: &str) -> Vec<SpanRow> {
    let v: Value = serde_json::from_str(show_json)
        .unwrap_or_else(|e| panic!("show --format json: {e}\n{show_json}"));
    assert_eq!(v["schema"], "tracekit.show/v1");
    let mut rows: Vec<SpanRow> = v["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["span_id"].as_str().unwrap().to_string(),
                s["parent_span_id"].as_str().unwrap_or("").to_string(),
                s["service"].as_str().unwrap().to_string(),
                s["operation"].as_str().unwrap().to_string(),
                s["start_ns"].as_u64().unwrap() / 1000,
                s["duration_ns"].as_u64().unwrap() / 1000,
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Equal span sets, times within 1 µs (µs sources truncate).
fn assert_same_tree(a: &[SpanRow], b: &[SpanRow], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: span counts differ");
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x.0, &x.1, &x.2, &x.3), (&y.0, &y.1, &y.2, &y.3), "{what}");
        assert!(x.4.abs_diff(y.4) <= 1, "{what}: start of {}", x.0);
        assert!(x.5.abs_diff(y.5) <= 1, "{what}: duration of {}", x.0);
    }
}

fn show_json(w: &Work, args: &[&str]) -> Vec<SpanRow> {
    let mut all = vec!["show", "--format", "json"];
    all.extend_from_slice(args);
    let r = w.run(&all);
    assert_code(&r, 0);
    span_set(&r.stdout)
}

// ---------------------------------------------------------------------------------------------
// Usage and configuration (no reader needed)

#[test]
fn a_trace_id_without_a_backend_is_a_usage_error() {
    let w = Work::new();
    let r = w.run(&["stats", ID_0CB0]);
    assert_code(&r, 2);
    let line = one_error_line(&r);
    assert!(line.contains("looks like a trace id"), "{line}");
    assert!(line.contains("--backend"), "{line}");
    // A file with an id-like name is a file.
    std::fs::write(w.path().join(ID_A128), b"{}").unwrap();
    let r = w.run(&["stats", ID_A128, "--format", "json"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

#[test]
fn search_flags_without_a_backend_are_a_usage_error() {
    let w = Work::new();
    let r = w.run(&["stats", "--search-service", "checkout", "--since", "1h"]);
    assert_code(&r, 2);
    assert!(
        one_error_line(&r).contains("needs a backend"),
        "{}",
        r.stderr
    );
    // Neither a source nor a search: clap's own usage error.
    let r = w.run(&["stats", "--backend", "http://127.0.0.1:9"]);
    assert_code(&r, 2);
}

#[test]
fn search_flags_on_an_analysis_command_search_then_fetch() {
    // Checks the requests only, so it holds whatever the readers make of the bodies.
    let server = Replay::start(&[]);
    let w = Work::new();
    let _ = w.run(&[
        "stats",
        "--backend",
        &server.url(),
        "--backend-kind",
        "tempo",
        "--search-service",
        "frontend",
        "--search-start",
        START,
        "--search-end",
        END,
    ]);
    let reqs = server.requests();
    let raws: Vec<&str> = reqs.iter().map(|r| r.raw.as_str()).collect();
    assert_eq!(
        raws[0],
        "/api/search?tags=service.name%3Dfrontend&start=1795252951&end=1795256551&limit=20"
    );
    // Each trace found is fetched by its 32-digit id (Tempo dropped the leading zero of 0cb0…).
    for id in [
        ID_A128,
        "d0bfd632241ec089649b670d6041e0e4",
        ID_0CB0,
        "13998450bc6817d72b8ff3c6c47d773a",
    ] {
        assert_eq!(server.count(&format!("/api/v2/traces/{id}")), 1, "{raws:?}");
    }
}

#[test]
fn config_profile_with_tenant_and_token() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let cfg = w.path().join("xdg/tracekit");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[backends]\ndefault = \"replay\"\n\n[backends.replay]\nkind = \"tempo\"\nurl = \"{}/__fault/tenant=acme,bearer=tok-123/\"\ntoken_env = \"REPLAY_TOKEN\"\ntenant = \"acme\"\ntimeout = \"5s\"\n",
            server.url()
        ),
    )
    .unwrap();
    // The default profile, no --backend.
    let r = w.run_env(&["services"], &[("REPLAY_TOKEN", "tok-123")]);
    assert_code(&r, 0);
    assert_eq!(r.stdout.lines().count(), 9, "{}", r.stdout);
    assert!(r.stdout.lines().any(|l| l == "checkout"));
    let reqs = server.requests();
    assert!(!reqs.is_empty());
    assert!(
        reqs.iter()
            .all(|q| q.header("X-Scope-OrgID") == Some("acme")
                && q.header("Authorization").is_some())
    );

    // A project file may not override the user file's profile with credentials of its own …
    std::fs::write(
        w.path().join("tracekit.toml"),
        format!(
            "[backends.replay]\nkind = \"tempo\"\nurl = \"{}/__fault/bearer=tok-123\"\ntoken_env = \"OTHER_TOKEN\"\n",
            server.url()
        ),
    )
    .unwrap();
    let before = server.requests().len();
    let r = w.run_env(
        &["services", "--backend", "replay"],
        &[("OTHER_TOKEN", "wrong-secret-42")],
    );
    assert_code(&r, 2);
    let line = one_error_line(&r);
    assert!(
        line.contains("tracekit.toml:4:13: token_env in a project file is refused"),
        "{line}"
    );
    assert_eq!(server.requests().len(), before);
    // … unless the directory is trusted; then a wrong token is a 401 that names where the
    // token came from and never shows it.
    let r = w.run_env(
        &["services", "--backend", "replay"],
        &[
            ("OTHER_TOKEN", "wrong-secret-42"),
            ("TRACEKIT_TRUST_PROJECT", "1"),
        ],
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("401"), "{line}");
    assert!(line.contains("check the token"), "{line}");
    assert!(line.contains("OTHER_TOKEN"), "{line}");
    assert!(!r.stderr.contains("wrong-secret-42") && !r.stdout.contains("wrong-secret-42"));
}

#[test]
fn a_checkout_cannot_send_the_users_token_elsewhere() {
    let server = Replay::start(&[]);
    let elsewhere = Replay::start(&[]);
    let w = Work::new();
    let cfg = w.path().join("xdg/tracekit");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[backends.prod]\nkind = \"tempo\"\nurl = \"{}\"\ntoken_env = \"PROD_TOKEN\"\n",
            server.url()
        ),
    )
    .unwrap();
    let env = [
        ("PROD_TOKEN", "prod-secret-1"),
        ("TRACEKIT_TOKEN", "env-secret-1"),
    ];
    // A checked-in tracekit.toml points the user's profile at another host and makes it the
    // default: refused, nothing is sent anywhere.
    let project = w.path().join("tracekit.toml");
    std::fs::write(
        &project,
        format!(
            "[backends]\ndefault = \"prod\"\n\n[backends.prod]\nkind = \"tempo\"\nurl = \"{}\"\n",
            elsewhere.url()
        ),
    )
    .unwrap();
    let r = w.run_env(&["services"], &env);
    assert_code(&r, 2);
    let line = one_error_line(&r);
    assert!(
        line.contains("tracekit.toml:6:7: this project file points your profile \"prod\""),
        "{line}"
    );
    assert!(line.contains("TRACEKIT_TRUST_PROJECT=1"), "{line}");
    assert!(elsewhere.requests().is_empty() && server.requests().is_empty());
    // A profile of its own as the default: used, but never sent the user's token.
    std::fs::write(
        &project,
        format!(
            "[backends]\ndefault = \"mine\"\n\n[backends.mine]\nkind = \"tempo\"\nurl = \"{}\"\n",
            elsewhere.url()
        ),
    )
    .unwrap();
    let r = w.run_env(&["services"], &env);
    assert_code(&r, 0);
    let seen = elsewhere.requests();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|q| q.header("authorization").is_none()));
    // Listed in the user's trusted_projects, the same file is the user's own again.
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[backends]\ntrusted_projects = [{:?}]\n\n[backends.prod]\nkind = \"tempo\"\nurl = \"{}\"\ntoken_env = \"PROD_TOKEN\"\n",
            w.path().display().to_string(),
            server.url()
        ),
    )
    .unwrap();
    let r = w.run_env(&["services"], &env);
    assert_code(&r, 0);
    assert_eq!(
        elsewhere.requests().last().unwrap().header("authorization"),
        Some("Bearer env-secret-1")
    );
}

#[test]
fn small_files_are_read_with_a_cap() {
    let w = Work::new();
    let sample = otlp_sample();
    let sample = sample.to_str().unwrap();
    let nobody = "http://127.0.0.1:9";
    // Files that never end: each refused at once, naming the limit (not grown until the OOM
    // killer comes).
    let runs: [(&[&str], &str); 4] = [
        (
            &[
                "services",
                "--backend",
                nobody,
                "--backend-kind",
                "tempo",
                "--token-file",
                "/dev/zero",
            ],
            "cannot read the token file /dev/zero: larger than the limit of 64 KiB",
        ),
        (
            &[
                "services",
                "--backend",
                nobody,
                "--backend-kind",
                "tempo",
                "--ca-file",
                "/dev/zero",
            ],
            "cannot read the CA file /dev/zero: larger than the limit of 1 MiB",
        ),
        (
            &["gate", "--policy", "/dev/zero", sample],
            "cannot read policy /dev/zero: larger than the limit of 1 MiB",
        ),
        (
            &["lint", "--config", "/dev/zero", sample],
            "cannot read config /dev/zero: larger than the limit of 1 MiB",
        ),
    ];
    for (args, want) in runs {
        let r = w.run_limited(args, Duration::from_secs(30));
        assert_code(&r, 2);
        let line = one_error_line(&r);
        assert!(line.contains(want), "{line}");
        assert!(line.contains("--max-file-size"), "{line}");
        assert!(r.elapsed < Duration::from_secs(20), "{:?}", r.elapsed);
    }
    // A checked-in tracekit.toml that links to /dev/zero.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/dev/zero", w.path().join("tracekit.toml")).unwrap();
        let r = w.run_limited(
            &["services", "--backend", nobody, "--backend-kind", "tempo"],
            Duration::from_secs(30),
        );
        assert_code(&r, 2);
        assert!(
            one_error_line(&r)
                .contains("cannot read tracekit.toml: larger than the limit of 1 MiB"),
            "{}",
            r.stderr
        );
        std::fs::remove_file(w.path().join("tracekit.toml")).unwrap();
    }
    // The cap can be raised: a 100 KiB token is refused by default, read with 2 MiB.
    std::fs::write(w.path().join("token"), "t".repeat(100 * 1024)).unwrap();
    let base = [
        "services",
        "--backend",
        nobody,
        "--backend-kind",
        "tempo",
        "--retries",
        "0",
        "--token-file",
        "token",
    ];
    let r = w.run(&base);
    assert_code(&r, 2);
    assert!(
        one_error_line(&r).contains("limit of 64 KiB"),
        "{}",
        r.stderr
    );
    let mut raised = base.to_vec();
    raised.extend(["--max-file-size", "2MiB"]);
    let r = w.run(&raised);
    assert_code(&r, 4);
    assert!(
        one_error_line(&r).contains("cannot reach the backend"),
        "{}",
        r.stderr
    );
}

#[test]
fn config_errors_name_the_file_and_line() {
    let w = Work::new();
    let cfg = w.path().join("xdg/tracekit");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[backends.prod]\nkind = \"tempo\"\nurl = \"http://127.0.0.1:9\"\ntimout = \"5s\"\n",
    )
    .unwrap();
    let r = w.run(&["services", "--backend", "prod"]);
    assert_code(&r, 2);
    let line = one_error_line(&r);
    assert!(line.contains("config.toml:4:1:"), "{line}");
    assert!(line.contains("timout"), "{line}");

    std::fs::write(
        cfg.join("config.toml"),
        "[backends.prod]\nkind = \"tempo\"\nurl = \"http://127.0.0.1:9\"\ntoken = \"abc123\"\n",
    )
    .unwrap();
    let r = w.run(&["show", ID_0CB0, "--backend", "prod"]);
    assert_code(&r, 2);
    let line = one_error_line(&r);
    assert!(
        line.contains("config.toml:4:9: secrets do not belong"),
        "{line}"
    );
    assert!(!line.contains("abc123"));

    let r = w.run(&["services", "--backend", "nope"]);
    assert_code(&r, 2);
    assert!(one_error_line(&r).contains("no backend profile named \"nope\""));
}

// ---------------------------------------------------------------------------------------------
// Faults (no reader needed: each fails before a body is read, or is read by `services`)

fn fetch_with(w: &Work, backend: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "fetch",
        ID_0CB0,
        "--backend",
        backend,
        "--backend-kind",
        "tempo",
        "-o",
        "out.json",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

#[test]
fn an_html_page_is_a_backend_error() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = fetch_with(&w, &server.fault("html"), &[]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("HTML page"), "{line}");
    assert!(line.contains("Sign in - Example SSO"), "{line}");
    assert!(line.contains("base path"), "{line}");
}

/// A 200 answer labelled JSON whose body is an HTML page (a proxy's login page) says so: it
/// was read as no spans, "trace not found".
#[test]
fn an_html_page_labelled_json_is_named_not_a_missing_trace() {
    let page =
        b"<!DOCTYPE html>\n<html><head><title>Sign in - Proxy</title></head><body></body></html>\n";
    let mut extra = Extra::new();
    for path in [
        format!("/api/v2/traces/{ID_0CB0}"),
        format!("/api/traces/{ID_0CB0}"),
    ] {
        extra.add(&path, 200, "application/json", page);
    }
    let server = Replay::start(&[extra.path()]);
    let w = Work::new();
    let r = fetch_with(&w, &server.url(), &[]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(!line.contains("not found"), "{line}");
    assert!(
        line.contains("the content is an HTML page titled \"Sign in - Proxy\", not JSON"),
        "{line}"
    );
}

#[test]
fn unauthorized_mentions_the_token_but_never_prints_it() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = server.fault("bearer=the-right-one");
    let r = w.run_env(
        &[
            "stats",
            ID_0CB0,
            "--backend",
            &backend,
            "--backend-kind",
            "tempo",
        ],
        &[("TRACEKIT_TOKEN", "s3cr3t-t0ken-value")],
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("401 Unauthorized"), "{line}");
    assert!(line.contains("check the token"), "{line}");
    assert!(line.contains("TRACEKIT_TOKEN"), "{line}");
    assert!(!r.stderr.contains("s3cr3t") && !r.stdout.contains("s3cr3t"));
    // The token was sent (the server saw an Authorization header), and 401 is not retried.
    assert_eq!(
        server.count("/api/v2/traces/0cb0f836124d98d806e10d0ea1575e6a"),
        1
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|q| q.header("Authorization").is_some())
    );
}

#[test]
fn user_info_in_a_url_is_never_printed() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = format!(
        "http://me:hunter2@127.0.0.1:{}/__fault/always=500",
        server.port()
    );
    let r = fetch_with(&w, &backend, &["--retries", "0"]);
    assert_code(&r, 4);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    assert!(one_error_line(&r).contains("500"));
}

#[test]
fn secrets_echoed_by_the_backend_are_masked() {
    use base64::Engine as _;
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = w.run_env(
        &[
            "fetch",
            ID_0CB0,
            "--backend",
            &server.fault("echo"),
            "--backend-kind",
            "tempo",
            "-o",
            "out.json",
            "--header",
            "X-Api-Key: hdr-secret-1",
        ],
        &[("TRACEKIT_TOKEN", "tok-secret-1")],
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("answered 400"), "{line}");
    assert!(line.contains("authorization: Bearer ***"), "{line}");
    assert!(line.contains("x-api-key: ***"), "{line}");
    for secret in ["tok-secret-1", "hdr-secret-1"] {
        assert!(
            !r.stderr.contains(secret) && !r.stdout.contains(secret),
            "{line}"
        );
    }
    // Basic auth from the URL: neither the password nor the header made of it.
    let backend = format!(
        "http://me:pw-secret-1@127.0.0.1:{}/__fault/echo",
        server.port()
    );
    let r = fetch_with(&w, &backend, &[]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    let basic = base64::engine::general_purpose::STANDARD.encode("me:pw-secret-1");
    assert!(line.contains("authorization: Basic ***"), "{line}");
    assert!(
        !r.stderr.contains(&basic) && !r.stderr.contains("pw-secret-1"),
        "{line}"
    );
}

#[test]
fn a_gzip_bomb_stops_at_the_response_size_limit() {
    // About 16 KiB on the wire, 16 MiB inflated.
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = server.fault("gzip_bomb=16");
    for command in [
        &["fetch", ID_0CB0, "-o", "out.json"][..],
        &["show", ID_0CB0][..],
    ] {
        let mut args = command.to_vec();
        args.extend([
            "--backend",
            &backend,
            "--backend-kind",
            "tempo",
            "--retries",
            "0",
            "--max-response-size",
            "1MiB",
        ]);
        let r = w.run_limited(&args, Duration::from_secs(60));
        assert_code(&r, 4);
        let line = one_error_line(&r);
        assert!(
            line.contains("the answer is larger than the limit of 1 MiB"),
            "{line}"
        );
        assert!(line.contains("--max-response-size"), "{line}");
    }
    // A profile key raises it: the whole body is read (and is no trace).
    let cfg = w.path().join("xdg/tracekit");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "[backends.bomb]\nkind = \"tempo\"\nurl = \"{backend}\"\nretries = 0\nmax_response_size = \"32MiB\"\n"
        ),
    )
    .unwrap();
    let r = w.run(&["show", ID_0CB0, "--backend", "bomb"]);
    assert_code(&r, 4);
    assert!(
        !one_error_line(&r).contains("larger than the limit"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_slow_answer_times_out() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = fetch_with(
        &w,
        &server.fault("delay=4"),
        &["--timeout", "1s", "--retries", "0"],
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("no answer within 1.00s"), "{line}");
    assert!(line.contains("--timeout"), "{line}");
    // Generous bounds: they tell "bounded" from "hung" on a loaded machine, not speed.
    assert!(r.elapsed < Duration::from_secs(15), "{:?}", r.elapsed);
}

/// Every `.tmp` file under `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tmp") {
                found.push(p);
            }
        }
    }
    found
}

/// SIGINT while a fetch waits (for the answer, or in the middle of its body): exit 130, and no
/// temporary file is left in the output directory, the cache or the temporary directory (they
/// were all left behind).
#[test]
fn an_interrupted_fetch_exits_130_and_leaves_no_temporary_file() {
    let server = Replay::start(&[]);
    // (fault, flags, temporary files to wait for): the output's; with a body, the cache's;
    // with --raw, only the copy of the body in TMPDIR (the output is written from it at the end).
    for (spec, extra, want) in [
        ("delay=30", &[][..], 1),
        ("stall=30", &["--cache", "cache"][..], 2),
        ("stall=30", &["--raw"][..], 1),
    ] {
        let w = Work::new();
        std::fs::create_dir_all(w.path().join("tmp")).unwrap();
        let backend = server.fault(spec);
        let mut args = vec![
            "fetch",
            ID_0CB0,
            "--backend",
            &backend,
            "--backend-kind",
            "tempo",
            "-o",
            "out.json",
        ];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tracekit"))
            .args(&args)
            .current_dir(w.path())
            .env("XDG_CONFIG_HOME", w.path().join("xdg"))
            .env("TMPDIR", w.path().join("tmp"))
            .env_remove("TRACEKIT_BACKEND")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the run has its temporary files.
        let t0 = Instant::now();
        while temporaries(w.path()).len() < want {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "{spec} {extra:?}: no temporary file appeared: {:?}",
                temporaries(w.path())
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let kill = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let t0 = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if t0.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("{spec} {extra:?}: still running 10 s after SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(
            status.code(),
            Some(130),
            "{spec} {extra:?}: {status:?} {stderr}"
        );
        assert_eq!(
            temporaries(w.path()),
            Vec::<PathBuf>::new(),
            "{spec} {extra:?}"
        );
        assert!(!w.path().join("out.json").exists(), "{spec} {extra:?}");
    }
}

#[test]
fn a_dripping_body_is_bounded_by_the_timeout() {
    // Headers at once, then one byte every 0.2 s: each read succeeds, the whole never ends.
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = server.fault("drip=0.2");
    for command in [
        &["fetch", ID_0CB0, "-o", "out.json"][..],
        &["show", ID_0CB0][..],
    ] {
        let mut args = command.to_vec();
        args.extend([
            "--backend",
            &backend,
            "--backend-kind",
            "tempo",
            "--timeout",
            "2s",
            "--retries",
            "0",
        ]);
        let r = w.run_limited(&args, Duration::from_secs(30));
        assert_code(&r, 4);
        let line = one_error_line(&r);
        assert!(line.contains("did not arrive in time"), "{line}");
        assert!(line.contains("--timeout"), "{line}");
        assert!(r.elapsed < Duration::from_secs(20), "{:?}", r.elapsed);
    }
}

#[test]
fn retries_stop_at_the_total_time_limit() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = w.run_limited(
        &[
            "services",
            "--backend",
            &server.fault("always=503"),
            "--backend-kind",
            "tempo",
            "--retries",
            "50",
            "--total-timeout",
            "2s",
        ],
        Duration::from_secs(60),
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("answered 503"), "{line}");
    assert!(line.contains("total time limit of 2.00s"), "{line}");
    assert!(line.contains("--total-timeout"), "{line}");
    assert!(r.elapsed < Duration::from_secs(15), "{:?}", r.elapsed);
    let tries = server.count("/api/search/tag/service.name/values");
    assert!((2..10).contains(&tries), "{tries}");
}

#[test]
fn always_500_stops_at_the_retry_limit() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = fetch_with(&w, &server.fault("always=500"), &["--retries", "2"]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(
        line.contains("answered 500 Internal Server Error after 3 attempts"),
        "{line}"
    );
    assert!(line.contains("injected failure"), "{line}");
    assert_eq!(
        server.count("/api/v2/traces/0cb0f836124d98d806e10d0ea1575e6a"),
        3
    );
}

#[test]
fn rate_limited_then_success_honours_retry_after() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = server.fault("fail=1,status=429,retry_after=1");
    let r = w.run(&["services", "--backend", &backend, "--backend-kind", "tempo"]);
    assert_code(&r, 0);
    assert_eq!(r.stdout.lines().count(), 9);
    assert_eq!(server.count("/api/search/tag/service.name/values"), 2);
    assert!(r.elapsed >= Duration::from_millis(950), "{:?}", r.elapsed);
    // A Retry-After beyond the cap is not waited for.
    let backend = server.fault("fail=1,status=429,retry_after=3600");
    let r = w.run(&["services", "--backend", &backend, "--backend-kind", "tempo"]);
    assert_code(&r, 4);
    assert!(
        one_error_line(&r).contains("retry after 1h00m"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_500_then_success_is_retried() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = server.fault("fail=2,status=503");
    let r = w.run(&["services", "--backend", &backend, "--backend-kind", "tempo"]);
    assert_code(&r, 0);
    assert_eq!(server.count("/api/search/tag/service.name/values"), 3);
}

#[test]
fn a_truncated_body_is_reported_as_such() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = fetch_with(&w, &server.fault("truncate"), &[]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("truncated"), "{line}");
    assert!(
        !w.path().join("out.json").exists()
            || std::fs::read(w.path().join("out.json")).unwrap().is_empty()
    );
}

#[test]
fn an_unreachable_backend_names_the_url() {
    // A port nobody listens on: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = Work::new();
    let backend = format!("http://127.0.0.1:{port}");
    let r = fetch_with(&w, &backend, &["--retries", "1"]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(
        line.contains(&format!(
            "cannot reach the backend at http://127.0.0.1:{port}"
        )),
        "{line}"
    );
    assert!(line.contains("after 2 attempts"), "{line}");
}

#[test]
fn a_missing_trace_in_tempo_is_404_with_an_empty_body() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = w.run(&[
        "fetch",
        ID_MISSING,
        "--backend",
        &server.url(),
        "--backend-kind",
        "tempo",
    ]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(
        line.contains(&format!("trace {ID_MISSING} not found in tempo at")),
        "{line}"
    );
    // v2 route unknown to the recording ("404 page not found") → v1, whose 404 is empty.
    assert_eq!(server.count(&format!("/api/v2/traces/{ID_MISSING}")), 1);
    assert_eq!(server.count(&format!("/api/traces/{ID_MISSING}")), 1);
}

// ---------------------------------------------------------------------------------------------
// TLS with a private CA made here

struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "tracekit test CA");
        let ca =
            rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
                .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .unwrap();
        let cert = params.signed_by(&key, &ca).unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.path().join("server.pem"), cert.pem()).unwrap();
        std::fs::write(dir.path().join("server.key"), key.serialize_pem()).unwrap();
        Pki { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

#[test]
fn tls_with_a_private_ca() {
    let pki = Pki::new();
    let server = Replay::start_with(
        &[],
        Some((&pki.file("server.pem"), &pki.file("server.key"))),
    );
    let w = Work::new();
    let url = server.url();
    assert!(url.starts_with("https://"));
    // Not trusted without the CA: a clear TLS error, no retry.
    let r = w.run(&["services", "--backend", &url, "--backend-kind", "tempo"]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("TLS error"), "{line}");
    assert!(line.contains("--ca-file"), "{line}");
    // Trusted with --ca-file …
    let ca = pki.file("ca.pem");
    let ca = ca.to_str().unwrap();
    let r = w.run(&[
        "services",
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--ca-file",
        ca,
    ]);
    assert_code(&r, 0);
    assert_eq!(r.stdout.lines().count(), 9);
    // … and with ca_file in a profile of the user's config.
    std::fs::create_dir_all(w.path().join("xdg/tracekit")).unwrap();
    std::fs::write(
        w.path().join("xdg/tracekit/config.toml"),
        format!("[backends.tls]\nkind = \"tempo\"\nurl = \"{url}\"\nca_file = \"{ca}\"\n"),
    )
    .unwrap();
    let r = w.run(&["services", "--backend", "tls"]);
    assert_code(&r, 0);
    // --insecure works, loudly.
    let r = w.run(&[
        "services",
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--insecure",
    ]);
    assert_code(&r, 0);
    assert!(
        r.stderr.contains("TLS certificate verification is OFF"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// Redirects

const CREDENTIALS: [&str; 3] = ["authorization", "x-api-key", "x-scope-orgid"];

fn services_with_credentials(w: &Work, backend: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "services",
        "--backend",
        backend,
        "--backend-kind",
        "tempo",
        "--retries",
        "0",
        "--header",
        "X-Api-Key: hdr-secret-1",
        "--tenant",
        "acme",
    ];
    args.extend_from_slice(extra);
    w.run_env(&args, &[("TRACEKIT_TOKEN", "tok-secret-1")])
}

#[test]
fn credentials_never_follow_a_redirect_to_another_origin() {
    let other = Replay::start(&[]);
    let server = Replay::start(&[]);
    let w = Work::new();
    // Another origin (same host, another port): followed, without any credential.
    let r = services_with_credentials(
        &w,
        &server.fault(&format!("redirect={}", other.port())),
        &[],
    );
    assert_code(&r, 0);
    assert_eq!(r.stdout.lines().count(), 9, "{}", r.stdout);
    let first = &server.requests()[0];
    for h in CREDENTIALS {
        assert!(first.header(h).is_some(), "{h} not sent to the backend");
    }
    let seen = other.requests();
    assert_eq!(seen.len(), 1);
    for h in CREDENTIALS.into_iter().chain(["referer"]) {
        assert_eq!(seen[0].header(h), None, "{h} went to another origin");
    }
    // The same origin: the credentials go along.
    let r = services_with_credentials(
        &w,
        &server.fault(&format!("redirect={}", server.port())),
        &[],
    );
    assert_code(&r, 0);
    let log = server.requests();
    let hop = log.last().unwrap();
    assert!(!hop.raw.starts_with("/__fault/"), "{}", hop.raw);
    for h in CREDENTIALS {
        assert!(
            hop.header(h).is_some(),
            "{h} dropped on a same-origin redirect"
        );
    }
}

#[test]
fn a_redirect_from_https_to_http_is_refused() {
    let pki = Pki::new();
    let plain = Replay::start(&[]);
    let server = Replay::start_with(
        &[],
        Some((&pki.file("server.pem"), &pki.file("server.key"))),
    );
    let w = Work::new();
    let ca = pki.file("ca.pem");
    let r = services_with_credentials(
        &w,
        &server.fault(&format!("redirect={}", plain.port())),
        &["--ca-file", ca.to_str().unwrap()],
    );
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(
        line.contains("answered 302 redirecting to http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.contains("from https to plain http"), "{line}");
    assert!(plain.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Listings (no reader needed)

#[test]
fn services_of_victoriatraces_with_kind_detection_and_base_path() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let backend = format!("{}/select/jaeger", server.url());
    let r = w.run(&["services", "--backend", &backend, "--format", "json"]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "tracekit.services/v1");
    assert_eq!(v["backend"]["kind"], "jaeger");
    let names: Vec<&str> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "checkout",
            "frontend",
            "inventory",
            "legacy-db",
            "legacy-gateway",
            "legacy-orders",
            "pz-inventory",
            "pz-web",
            "web-client"
        ]
    );
    let r = w.run(&[
        "services",
        "--backend",
        &backend,
        "--backend-kind",
        "jaeger",
        "--service",
        "frontend",
        "--format",
        "json",
    ]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let ops: Vec<&str> = v["services"][0]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "GET",
            "GET /broken",
            "GET /shop/<user>",
            "POST",
            "load-recommendations",
            "render-page"
        ]
    );
}

#[test]
fn tempo_tags_and_search() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let url = server.url();
    let r = w.run(&["services", "--backend", &url, "--tags", "--format", "json"]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let scopes: Vec<&str> = v["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["event", "link", "resource", "span", "intrinsic"]);

    let r = w.run(&[
        "search",
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--service",
        "frontend",
        "--start",
        START,
        "--end",
        END,
        "--format",
        "json",
    ]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "tracekit.search/v1");
    let traces = v["traces"].as_array().unwrap();
    let ids: Vec<&str> = traces
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap())
        .collect();
    // `cb0f836…` in the answer (leading zero stripped) comes back padded.
    assert_eq!(
        ids,
        [
            ID_A128,
            "d0bfd632241ec089649b670d6041e0e4",
            ID_0CB0,
            "13998450bc6817d72b8ff3c6c47d773a"
        ]
    );
    assert_eq!(traces[0]["root_service"], "<root span not yet received>");
    assert_eq!(traces[2]["root_service"], "web-client");
    assert_eq!(traces[2]["root_operation"], "user-journey");
    assert_eq!(traces[2]["start_ns"], 1795256544725651935u64);
    assert_eq!(traces[2]["duration_ns"], 39_000_000u64);

    // TraceQL, with span and error counts from serviceStats.
    let r = w.run(&[
        "search",
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--query",
        "{ resource.service.name = \"checkout\" && status = error }",
        "--start",
        START,
        "--end",
        END,
        "--format",
        "json",
    ]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let first = &v["traces"][0];
    assert_eq!(first["trace_id"], ID_A128);
    // checkout 6 + inventory 8 + web-client 3 spans; errors 1 + 1.
    assert_eq!(first["spans"], 17);
    assert_eq!(first["errors"], 2);

    // A bad query: Tempo's own message, exit 4.
    let r = w.run(&[
        "search",
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--query",
        "{ this is not traceql",
    ]);
    assert_code(&r, 4);
    let line = one_error_line(&r);
    assert!(line.contains("400 Bad Request"), "{line}");
    assert!(
        line.contains("invalid TraceQL query: parse error at line 1, col 3"),
        "{line}"
    );

    // TraceQL against Jaeger is a usage error.
    let r = w.run(&[
        "search",
        "--backend",
        &format!("{url}/select/jaeger"),
        "--backend-kind",
        "jaeger",
        "--query",
        "{ }",
    ]);
    assert_code(&r, 2);
}

// ---------------------------------------------------------------------------------------------
// Traces through the readers (needs the readers, `show` and the writers)

#[test]
fn the_same_trace_from_tempo_victoriatraces_and_the_otlp_file() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let otlp = otlp_sample();
    let otlp = otlp.to_str().unwrap();
    for id in [ID_0CB0, ID_A128] {
        let from_file = show_json(&w, &[otlp, "--trace", id]);
        assert_eq!(from_file.len(), 24);
        let tempo = show_json(
            &w,
            &[id, "--backend", &server.url(), "--backend-kind", "tempo"],
        );
        assert_same_tree(&from_file, &tempo, "tempo vs otlp");
        let vt = format!("{}/select/jaeger", server.url());
        let jaeger = show_json(&w, &[id, "--backend", &vt, "--backend-kind", "jaeger"]);
        assert_same_tree(&from_file, &jaeger, "victoriatraces vs otlp");
        // Without --backend-kind the kind is detected.
        let detected = show_json(&w, &[id, "--backend", &vt]);
        assert_same_tree(&from_file, &detected, "victoriatraces (detected) vs otlp");
    }
    // Tempo protobuf: v2 has no recorded protobuf answer, v1 has.
    let pb = show_json(
        &w,
        &[
            ID_0CB0,
            "--backend",
            &server.url(),
            "--backend-kind",
            "tempo",
            "--protobuf",
        ],
    );
    assert_same_tree(
        &show_json(&w, &[otlp, "--trace", ID_0CB0]),
        &pb,
        "tempo protobuf vs otlp",
    );
}

#[test]
fn jaeger_api_v3_and_zipkin_answers() {
    let mut extra = Extra::new();
    let v3 = json!({"result": otlp_of(ID_0CB0)});
    extra.add(
        &format!("/jaeger/api/v3/traces/{ID_0CB0}"),
        200,
        "application/json",
        &serde_json::to_vec(&v3).unwrap(),
    );
    let zipkin: Vec<Value> = serde_json::from_slice(
        &std::fs::read(generated().join("zipkin-v2/otel-python-zipkin-exporter.json")).unwrap(),
    )
    .unwrap();
    let spans: Vec<&Value> = zipkin.iter().filter(|s| s["traceId"] == ID_0CB0).collect();
    assert_eq!(spans.len(), 24);
    extra.add(
        &format!("/zipkin/api/v2/trace/{ID_0CB0}"),
        200,
        "application/json",
        &serde_json::to_vec(&spans).unwrap(),
    );
    let server = Replay::start(&[extra.path()]);
    let w = Work::new();
    let otlp = otlp_sample();
    let from_file = show_json(&w, &[otlp.to_str().unwrap(), "--trace", ID_0CB0]);
    let url = server.url();
    let v3 = show_json(
        &w,
        &[
            ID_0CB0,
            "--backend",
            &format!("{url}/jaeger"),
            "--backend-kind",
            "jaeger",
        ],
    );
    assert_same_tree(&from_file, &v3, "jaeger api_v3 vs otlp");
    assert_eq!(
        server.count(&format!("/api/traces/{ID_0CB0}")),
        0,
        "no legacy fallback"
    );
    let z = show_json(
        &w,
        &[
            ID_0CB0,
            "--backend",
            &format!("{url}/zipkin"),
            "--backend-kind",
            "zipkin",
        ],
    );
    assert_same_tree(&from_file, &z, "zipkin vs otlp");
}

#[test]
fn fetch_then_show_draws_what_show_by_id_draws() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let url = server.url();
    let r = w.run(&[
        "fetch",
        ID_0CB0,
        ID_A128,
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "-o",
        "traces/",
    ]);
    assert_code(&r, 0);
    for id in [ID_0CB0, ID_A128] {
        let file = w.path().join(format!("traces/{id}.json"));
        let f = file.to_str().unwrap();
        let tree_file = w.run(&["show", f, "--width", "120"]);
        let tree_backend = w.run(&[
            "show",
            id,
            "--backend",
            &url,
            "--backend-kind",
            "tempo",
            "--width",
            "120",
        ]);
        assert_code(&tree_file, 0);
        assert_code(&tree_backend, 0);
        // The same drawing, except where it names its source.
        let from_backend = format!("{url} trace {id}");
        let normal = |s: &str| s.replace(f, "<source>").replace(&from_backend, "<source>");
        assert_eq!(normal(&tree_file.stdout), normal(&tree_backend.stdout));
        assert_same_tree(
            &show_json(&w, &[f]),
            &show_json(&w, &[id, "--backend", &url, "--backend-kind", "tempo"]),
            "fetched file vs backend",
        );
    }
    // --raw keeps the answer byte for byte.
    let r = w.run(&[
        "fetch",
        ID_0CB0,
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--raw",
        "-o",
        "raw/",
    ]);
    assert_code(&r, 0);
    assert_eq!(
        std::fs::read(w.path().join(format!("raw/{ID_0CB0}.json"))).unwrap(),
        std::fs::read(recorded().join(format!("tempo/api-v2-traces-{ID_0CB0}.json"))).unwrap()
    );
}

#[test]
fn a_cached_trace_needs_no_server() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let url = server.url();
    let args = [
        "show",
        ID_0CB0,
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--cache",
        "cache",
        "--format",
        "json",
    ];
    let first = w.run(&args);
    assert_code(&first, 0);
    drop(server);
    let second = w.run(&args);
    assert_code(&second, 0);
    assert_eq!(span_set(&first.stdout), span_set(&second.stdout));
    // --no-cache goes to the (stopped) server.
    let mut no_cache = args.to_vec();
    no_cache.truncate(6);
    no_cache.extend(["--no-cache", "--retries", "0"]);
    let r = w.run(&no_cache);
    assert_code(&r, 4);
    assert!(one_error_line(&r).contains("cannot reach the backend"));
}

#[test]
fn victoriatraces_answers_200_with_no_data_for_a_missing_trace() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let vt = format!("{}/select/jaeger", server.url());
    let r = w.run(&[
        "stats",
        ID_MISSING,
        "--backend",
        &vt,
        "--backend-kind",
        "jaeger",
    ]);
    assert_code(&r, 4);
    assert!(one_error_line(&r).contains("not found"), "{}", r.stderr);
}

#[test]
fn stats_over_a_search() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let vt = format!("{}/select/jaeger", server.url());
    let r = w.run(&[
        "stats",
        "--backend",
        &vt,
        "--backend-kind",
        "jaeger",
        "--search-service",
        "frontend",
        "--since",
        "1h",
        "--format",
        "json",
    ]);
    assert_code(&r, 0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let total: u64 = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    // The recorded answer holds 4 traces with 90 spans (counted in the file by hand).
    assert_eq!(total, 90);
}

/// Every command whose arguments include `--backend` fetches a trace id through it: none can
/// leave the backend flags unused (a command that did would say "name a backend" and exit 2).
#[test]
fn every_command_with_backend_flags_fetches_through_them() {
    use clap::CommandFactory;
    let server = Replay::start(&[]);
    let w = Work::new();
    assert_code(&w.run(&["gate", "--init"]), 0);
    let out = w.path().join("out");
    let out = out.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["show", ID_0CB0],
        &["stats", ID_0CB0],
        &["critical-path", ID_0CB0],
        &["check", ID_0CB0],
        &["skew", ID_0CB0],
        &["lint", ID_0CB0],
        &["gate", ID_0CB0],
        &["diff", ID_0CB0, ID_0CB0],
        &["export", ID_0CB0, "--to", "csv"],
        &["fetch", ID_0CB0, "--output", out],
    ];
    // Every subcommand with backend flags is here, except the ones that fetch no trace by id
    // (their own tests cover them).
    let covered: Vec<&str> = cases.iter().map(|c| c[0]).collect();
    for sub in tracekit::cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        if sub.get_arguments().any(|a| a.get_id() == "backend")
            && !["search", "services"].contains(&name)
        {
            assert!(covered.contains(&name), "add `{name}` to the cases");
        }
    }
    let url = server.url();
    for case in cases {
        let before = server.requests().len();
        let mut args = case.to_vec();
        args.extend(["--backend", url.as_str(), "--backend-kind", "tempo"]);
        let r = w.run(&args);
        assert!(
            r.code == 0 || r.code == 1,
            "{case:?}: exit {}\nstdout:\n{}\nstderr:\n{}",
            r.code,
            r.stdout,
            r.stderr
        );
        let fetched = server.requests()[before..]
            .iter()
            .filter(|q| q.path.contains(ID_0CB0))
            .count();
        assert!(
            fetched >= 1,
            "{case:?}: no request for the trace\n{}",
            r.stderr
        );
    }
}

#[test]
fn search_and_fetch_the_traces_found() {
    // Two of the four traces the search finds were not recorded on their own: serve them from
    // the search answer, as VictoriaTraces would.
    let found: Value = serde_json::from_slice(
        &std::fs::read(recorded().join("victoriatraces/traces-search-frontend.json")).unwrap(),
    )
    .unwrap();
    let mut extra = Extra::new();
    for t in found["data"].as_array().unwrap() {
        let id = t["traceID"].as_str().unwrap();
        if [ID_0CB0, ID_A128].contains(&id) {
            continue;
        }
        let body = serde_json::to_vec(&json!({"data": [t], "errors": null})).unwrap();
        extra.add(
            &format!("/select/jaeger/api/traces/{id}"),
            200,
            "application/json",
            &body,
        );
    }
    let server = Replay::start(&[extra.path()]);
    let w = Work::new();
    let vt = format!("{}/select/jaeger", server.url());
    let r = w.run(&[
        "search",
        "--backend",
        &vt,
        "--backend-kind",
        "jaeger",
        "--service",
        "frontend",
        "--fetch",
        "-o",
        "found",
    ]);
    assert_code(&r, 0);
    let files = std::fs::read_dir(w.path().join("found")).unwrap().count();
    assert_eq!(files, 4, "{}", r.stderr);
}

#[test]
fn tempo_partial_answers_warn() {
    let mut body =
        std::fs::read(recorded().join(format!("tempo/api-v2-traces-{ID_0CB0}.json"))).unwrap();
    assert_eq!(body.pop(), Some(b'}'));
    body.extend_from_slice(br#","status":"PARTIAL","message":"2 blocks could not be read"}"#);
    let mut extra = Extra::new();
    extra.add(
        &format!("/api/v2/traces/{ID_0CB0}"),
        200,
        "application/json",
        &body,
    );
    let server = Replay::start(&[extra.path()]);
    let w = Work::new();
    let r = w.run(&[
        "stats",
        ID_0CB0,
        "--backend",
        &server.url(),
        "--backend-kind",
        "tempo",
    ]);
    assert_code(&r, 0);
    assert!(r.stderr.contains("PARTIAL"), "{}", r.stderr);
    assert!(
        r.stderr.contains("2 blocks could not be read"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// A 10,000-span trace: figures, no timing asserts

const BIG_ID: &str = "b16b16b16b16b16b16b16b16b16b16b1";

fn big_trace_server() -> (Replay, Extra, usize) {
    let n = 10_000u64;
    let t0 = 1_795_256_000_000_000_000u64;
    let mut spans = Vec::with_capacity(n as usize);
    for i in 0..n {
        let parent = if i == 0 {
            String::new()
        } else {
            format!("{:016x}", (i - 1) / 8 + 1)
        };
        spans.push(json!({
            "traceId": BIG_ID,
            "spanId": format!("{:016x}", i + 1),
            "parentSpanId": parent,
            "name": format!("op-{}", i % 50),
            "kind": if i % 2 == 0 { 2 } else { 3 },
            "startTimeUnixNano": (t0 + i * 1_000).to_string(),
            "endTimeUnixNano": (t0 + i * 1_000 + 500_000).to_string(),
            "attributes": [{"key": "http.route", "value": {"stringValue": format!("/r/{}", i % 20)}}],
            "status": {}
        }));
    }
    let doc = json!({"trace": {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "big"}}]},
        "scopeSpans": [{"scope": {"name": "gen"}, "spans": spans}]
    }]}});
    let body = serde_json::to_vec(&doc).unwrap();
    let size = body.len();
    let mut extra = Extra::new();
    extra.add(
        &format!("/api/v2/traces/{BIG_ID}"),
        200,
        "application/json",
        &body,
    );
    let server = Replay::start(&[extra.path()]);
    (server, extra, size)
}

/// Wall time of a plain HTTP/1.0 GET of the whole answer.
fn transfer_time(port: u16, path: &str) -> (Duration, usize) {
    let t = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    (t.elapsed(), buf.len())
}

#[test]
fn big_trace_transfer_figures() {
    let (server, _extra, size) = big_trace_server();
    let path = format!("/api/v2/traces/{BIG_ID}");
    let _ = transfer_time(server.port(), &path);
    let (transfer, got) = transfer_time(server.port(), &path);
    assert!(got > size);
    let w = Work::new();
    // Download through tracekit (whatever the readers make of it): HTTP client overhead.
    let r = w.run(&[
        "fetch",
        BIG_ID,
        "--backend",
        &server.url(),
        "--backend-kind",
        "tempo",
        "--raw",
        "-o",
        "big/",
    ]);
    eprintln!(
        "FIGURES big trace: 10000 spans, {:.1} MB; server transfer {:.0} ms; `tracekit fetch --raw` {:.0} ms (exit {})",
        size as f64 / 1e6,
        transfer.as_secs_f64() * 1e3,
        r.elapsed.as_secs_f64() * 1e3,
        r.code
    );
}

#[test]
fn big_trace_show_figures() {
    let (server, _extra, size) = big_trace_server();
    let path = format!("/api/v2/traces/{BIG_ID}");
    let _ = transfer_time(server.port(), &path);
    let (transfer, _) = transfer_time(server.port(), &path);
    let w = Work::new();
    let url = server.url();
    let show = w.run(&[
        "show",
        BIG_ID,
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--width",
        "120",
    ]);
    assert_code(&show, 0);
    let json = w.run(&[
        "show",
        BIG_ID,
        "--backend",
        &url,
        "--backend-kind",
        "tempo",
        "--format",
        "json",
    ]);
    assert_code(&json, 0);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["spans"].as_array().unwrap().len(), 10_000);
    eprintln!(
        "FIGURES big trace: 10000 spans, {:.1} MB; server transfer {:.0} ms; `show ID --backend` {:.0} ms; `show --format json` {:.0} ms",
        size as f64 / 1e6,
        transfer.as_secs_f64() * 1e3,
        show.elapsed.as_secs_f64() * 1e3,
        json.elapsed.as_secs_f64() * 1e3
    );
}

/// `--max-string-bytes` holds for fetched traces as for files: a value over it is cut and the
/// cut is one input problem naming the fetched trace (exit 3), the trace still shown.
#[test]
fn fetched_traces_have_their_long_strings_cut() {
    let server = Replay::start(&[]);
    let w = Work::new();
    let r = w.run(&[
        "show",
        ID_0CB0,
        "--backend",
        &server.url(),
        "--backend-kind",
        "tempo",
        "--max-string-bytes",
        "4",
        "--format",
        "json",
    ]);
    assert_code(&r, 3);
    let line = one_error_line(&r);
    assert!(line.contains("--max-string-bytes"), "{line}");
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        doc["spans"].as_array().is_some_and(|s| !s.is_empty()),
        "{}",
        r.stdout
    );
}
