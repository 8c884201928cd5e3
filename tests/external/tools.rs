//! What the tests of this binary need from outside the repository, and what a trial does when
//! something is missing.
//!
//! Each external tool is a variant of [`Tool`]; [`Tool::spec`] says how to find it (the
//! environment variable `.ci/run` exports, else a usual place), what makes it usable, and how to
//! get it. [`Tool::probe`] looks once per run and gives its path, or the reason it is missing.
//! Each trial lists the tools it needs ([`trial`]); when it runs:
//!
//! * every tool is there: the test runs;
//! * one is missing and `CI=true`: the trial fails with the reason (CI installs every tool);
//! * one is missing otherwise: the trial is ignored with the reason, and the summary counts it
//!   as ignored.
//!
//! A tool that is found but not usable (a venv without the pinned packages, a path that is not
//! an executable) counts as missing: the reason says what is wrong.
//!
//! # Adding a tool
//!
//! Add a variant to [`Tool`] and to [`Tool::ALL`], and its arm in [`Tool::spec`] (name,
//! variable, usual place, usability check, how to get it); then name it in the `needs` of the
//! trials that use it (`main.rs`), which read its path with [`Found::path`]. `.ci/run` installs
//! it and exports the variable, as for [`Tool::Actionlint`].

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libtest_mimic::{Completion, Failed, Trial};

use crate::common::repo_dir;

/// An external program (or app) a test drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// A Python with the pinned OpenTelemetry SDK and Flask (`tests/interop/services.py`).
    OtelPython,
    /// A Chromium to run headless.
    Chromium,
    /// mermaid-cli's `mmdc` (it drives Chromium too).
    MermaidCli,
    /// speedscope's built app, its `dist/release` folder (opened in Chromium).
    Speedscope,
    /// `@microsoft/sarif-multitool`'s `Sarif.Multitool` (the SARIF 2.1.0 validator).
    SarifMultitool,
    /// actionlint, the GitHub Actions workflow checker.
    Actionlint,
    /// ShellCheck (actionlint runs it on `run:` scripts; the action's scripts are checked too).
    Shellcheck,
}

/// How to find a tool and tell whether it is usable.
pub struct Spec {
    /// What the reason calls it.
    pub name: &'static str,
    /// The environment variable naming its path (`.ci/run` exports it); empty counts as unset.
    pub var: &'static str,
    /// Where it is looked for when the variable is unset.
    pub place: Place,
    /// What the path must be.
    pub usable: Usable,
    /// How to get it: the reason is "needs NAME: what is wrong; GET, or set VAR".
    pub get: &'static str,
}

/// Where a tool is looked for when its variable is unset.
pub enum Place {
    /// This path under the repository (what `.ci/run` installs there).
    InRepo(&'static str),
    /// This program name, searched on `PATH`.
    OnPath(&'static str),
}

/// What makes a found path usable.
pub enum Usable {
    /// An executable file.
    Executable,
    /// A folder holding this file.
    DirWith(&'static str),
    /// An executable that exits 0 with these arguments (in a clean environment, within 60 s).
    Runs(&'static [&'static str]),
}

/// What `tests/interop/services.py` imports (its `serve`): a Python that cannot import all of
/// them cannot run the services. `.ci/run` checks the same after installing the venv.
const OTEL_IMPORTS: &str = "import flask, requests, werkzeug.serving, opentelemetry.trace, \
     opentelemetry.exporter.otlp.json.file.trace_exporter, opentelemetry.exporter.zipkin.json, \
     opentelemetry.instrumentation.flask, opentelemetry.instrumentation.requests, \
     opentelemetry.sdk.resources, opentelemetry.sdk.trace.export";

impl Tool {
    pub const ALL: [Tool; 7] = [
        Tool::OtelPython,
        Tool::Chromium,
        Tool::MermaidCli,
        Tool::Speedscope,
        Tool::SarifMultitool,
        Tool::Actionlint,
        Tool::Shellcheck,
    ];

    pub fn spec(self) -> Spec {
        match self {
            Tool::OtelPython => Spec {
                name: "Python with the OpenTelemetry SDK",
                var: "TRACEKIT_PYTHON",
                place: Place::InRepo(".venv/bin/python"),
                usable: Usable::Runs(&["-c", OTEL_IMPORTS]),
                get: "python3 -m venv .venv && .venv/bin/pip install -r \
                      tests/interop/requirements-otel.txt",
            },
            Tool::Chromium => Spec {
                name: "chromium",
                var: "TRACEKIT_CHROMIUM",
                place: Place::OnPath("chromium"),
                usable: Usable::Executable,
                get: "apt-get install chromium",
            },
            Tool::MermaidCli => Spec {
                name: "mermaid-cli",
                var: "TRACEKIT_MMDC",
                place: Place::InRepo(".ci/tools/node_modules/.bin/mmdc"),
                usable: Usable::Executable,
                get: "npm install @mermaid-js/mermaid-cli into .ci/tools as .ci/run does",
            },
            Tool::Speedscope => Spec {
                name: "speedscope",
                var: "TRACEKIT_SPEEDSCOPE",
                place: Place::InRepo(".ci/tools/node_modules/speedscope/dist/release"),
                usable: Usable::DirWith("index.html"),
                get: "npm install speedscope into .ci/tools as .ci/run does",
            },
            Tool::SarifMultitool => Spec {
                name: "the SARIF multitool",
                var: "TRACEKIT_SARIF_MULTITOOL",
                place: Place::InRepo(
                    ".ci/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
                ),
                usable: Usable::Executable,
                get: "npm install @microsoft/sarif-multitool into .ci/tools as .ci/run does",
            },
            Tool::Actionlint => Spec {
                name: "actionlint",
                var: "TRACEKIT_ACTIONLINT",
                place: Place::InRepo(".venv/bin/actionlint"),
                usable: Usable::Runs(&["-version"]),
                get: ".venv/bin/pip install -r tests/ci/requirements-lint.txt",
            },
            Tool::Shellcheck => Spec {
                name: "ShellCheck",
                var: "TRACEKIT_SHELLCHECK",
                place: Place::InRepo(".venv/bin/shellcheck"),
                usable: Usable::Runs(&["--version"]),
                get: ".venv/bin/pip install -r tests/ci/requirements-lint.txt",
            },
        }
    }

    /// The tool's path, or why it is missing ("needs chromium: no chromium on PATH; apt-get
    /// install chromium, or set TRACEKIT_CHROMIUM").
    /// Looked up once per run.
    pub fn probe(self) -> Result<&'static Path, &'static str> {
        static PROBES: [OnceLock<Result<PathBuf, String>>; Tool::ALL.len()] =
            [const { OnceLock::new() }; Tool::ALL.len()];
        let i = Tool::ALL
            .iter()
            .position(|t| *t == self)
            .expect("Tool::ALL lists every tool");
        match PROBES[i].get_or_init(|| self.find()) {
            Ok(p) => Ok(p),
            Err(e) => Err(e),
        }
    }

    fn find(self) -> Result<PathBuf, String> {
        let spec = self.spec();
        let missing = |why: String| {
            format!(
                "needs {}: {why}; {}, or set {}",
                spec.name, spec.get, spec.var
            )
        };
        let set = std::env::var_os(spec.var).filter(|v| !v.is_empty());
        let path = match (&set, &spec.place) {
            (Some(v), _) => PathBuf::from(v),
            (None, Place::InRepo(rel)) => {
                let p = repo_dir().join(rel);
                if !p.exists() {
                    return Err(missing(format!("no {rel}")));
                }
                p
            }
            (None, Place::OnPath(name)) => {
                on_path(name).ok_or_else(|| missing(format!("no {name} on PATH")))?
            }
        };
        let shown = match &set {
            Some(_) => format!("{}={}", spec.var, path.display()),
            None => path.display().to_string(),
        };
        check(&path, &spec.usable).map_err(|why| missing(format!("{shown} {why}")))?;
        Ok(path)
    }
}

/// `Err(what is wrong)` unless `path` is usable as `usable` says.
fn check(path: &Path, usable: &Usable) -> Result<(), String> {
    match usable {
        Usable::DirWith(file) => {
            if path.join(file).is_file() {
                Ok(())
            } else {
                Err(format!("has no {file}"))
            }
        }
        Usable::Executable => executable(path),
        Usable::Runs(args) => {
            executable(path)?;
            runs(path, args)
        }
    }
}

fn executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    match std::fs::metadata(path) {
        Err(e) => Err(format!("cannot be read ({e})")),
        Ok(m) if !m.is_file() => Err("is not a file".into()),
        Ok(m) if m.permissions().mode() & 0o111 == 0 => Err("is not executable".into()),
        Ok(_) => Ok(()),
    }
}

/// Run `path args` in a clean environment (only PATH, a temporary HOME); `Err` with the last
/// line it wrote to stderr unless it exits 0 within 60 s.
fn runs(path: &Path, args: &[&str]) -> Result<(), String> {
    let home = tempfile::tempdir().map_err(|e| format!("no temporary HOME for it ({e})"))?;
    let mut cmd = Command::new(path);
    cmd.args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(p) = std::env::var_os("PATH") {
        cmd.env("PATH", p);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot run ({e})"))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err("did not finish in 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Err(format!(
        "fails ({}){}",
        out.status,
        last.map(|l| format!(": {}", l.trim())).unwrap_or_default()
    ))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| executable(p).is_ok())
}

/// The tools a running trial asked for.
pub struct Found(Vec<(Tool, &'static Path)>);

impl Found {
    /// The path of a tool the trial listed.
    pub fn path(&self, tool: Tool) -> &'static Path {
        self.0
            .iter()
            .find(|(t, _)| *t == tool)
            .map(|(_, p)| *p)
            .unwrap_or_else(|| panic!("the trial does not list {tool:?} among the tools it needs"))
    }
}

/// `CI=true`: every tool must be there.
fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// A trial that needs `needs`: it runs `test` when they are all there; otherwise it is ignored
/// with the reason, or fails with it under `CI=true`. A panic in `test` fails it.
pub fn trial(name: &str, needs: &'static [Tool], test: fn(&Found)) -> Trial {
    Trial::ignorable_test(name, move || {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for &tool in needs {
            match tool.probe() {
                Ok(p) => found.push((tool, p)),
                Err(why) => missing.push(why),
            }
        }
        if missing.is_empty() {
            test(&Found(found));
            return Ok(Completion::Completed);
        }
        let why = missing.join("; also ");
        if in_ci() {
            Err(Failed::from(format!(
                "CI=true, where every external tool must be installed (.ci/run does): {why}"
            )))
        } else {
            Ok(Completion::ignored_with(why))
        }
    })
}
