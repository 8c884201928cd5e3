//! The composite GitHub Action (`action.yml`) run step by step with bash, the way a runner runs
//! it: each step's `if:` evaluated, its `env:` expressions filled from the inputs, the `github`
//! context and earlier steps' outputs, `GITHUB_OUTPUT`/`GITHUB_PATH`/`GITHUB_STEP_SUMMARY` files
//! honoured. `cargo` and `gh` are stand-ins on PATH that log their arguments: `cargo install`
//! links the tracekit under test, `gh run list` names a run, `gh run download` copies a baseline.
//! (`uses:` steps, i.e. the artifact upload, are only checked for their inputs.)
//!
//! The example workflow in the README is `tests/ci/github-workflow.yml` verbatim; actionlint
//! checks it (with this action beside it) in `tests/external`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::common::repo_dir;

struct Step {
    id: Option<String>,
    name: String,
    condition: Option<String>,
    env: BTreeMap<String, String>,
    run: Option<String>,
    uses: Option<String>,
    with: BTreeMap<String, String>,
}

struct Action {
    defaults: BTreeMap<String, String>,
    steps: Vec<Step>,
}

fn string_map(v: Option<&serde_norway::Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(serde_norway::Value::Mapping(m)) = v {
        for (k, v) in m {
            let v = match v {
                serde_norway::Value::String(s) => s.clone(),
                serde_norway::Value::Bool(b) => b.to_string(),
                other => panic!("unexpected value {other:?}"),
            };
            out.insert(k.as_str().unwrap().to_string(), v);
        }
    }
    out
}

fn load_action() -> Action {
    let text = std::fs::read_to_string(repo_dir().join("action.yml")).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let mut defaults = BTreeMap::new();
    for (k, v) in doc["inputs"].as_mapping().unwrap() {
        let default = v.get("default").and_then(|d| d.as_str()).unwrap_or("");
        defaults.insert(k.as_str().unwrap().to_string(), default.to_string());
    }
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let steps = doc["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| Step {
            id: s.get("id").and_then(|v| v.as_str()).map(String::from),
            name: s["name"].as_str().unwrap().to_string(),
            condition: s.get("if").and_then(|v| v.as_str()).map(String::from),
            env: string_map(s.get("env")),
            run: s.get("run").and_then(|v| v.as_str()).map(String::from),
            uses: s.get("uses").and_then(|v| v.as_str()).map(String::from),
            with: string_map(s.get("with")),
        })
        .collect();
    Action { defaults, steps }
}

/// One simulated run of the action.
struct Runner {
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    temp: tempfile::TempDir,
    path_prefix: Vec<PathBuf>,
    summary: PathBuf,
    /// (step name, exit code) of every step that ran.
    ran: Vec<(String, i32)>,
    skipped: Vec<String>,
    uploads: Vec<BTreeMap<String, String>>,
}

impl Runner {
    fn new(action: &Action, inputs: &[(&str, &str)], ref_name: &str) -> Runner {
        let mut all = action.defaults.clone();
        all.insert("token".into(), "gh-token-for-test".into());
        for (k, v) in inputs {
            assert!(all.contains_key(*k), "action.yml has no input {k}");
            all.insert(k.to_string(), v.to_string());
        }
        let temp = tempfile::tempdir().unwrap();
        let github = BTreeMap::from([
            ("action_path".to_string(), repo_dir().display().to_string()),
            ("repository".to_string(), "acme/shop".to_string()),
            ("workflow".to_string(), "traces".to_string()),
            ("ref_name".to_string(), ref_name.to_string()),
            ("token".to_string(), "gh-token-for-test".to_string()),
        ]);
        let summary = temp.path().join("summary.md");
        std::fs::write(&summary, "").unwrap();
        Runner {
            inputs: all,
            github,
            outputs: BTreeMap::new(),
            temp,
            path_prefix: Vec::new(),
            summary,
            ran: Vec::new(),
            skipped: Vec::new(),
            uploads: Vec::new(),
        }
    }

    fn lookup(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(lit) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            return lit.to_string();
        }
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name).cloned().unwrap_or_default(),
            ["github", name] => self
                .github
                .get(*name)
                .cloned()
                .unwrap_or_else(|| panic!("github.{name} is not simulated")),
            ["steps", id, "outputs", key] => self
                .outputs
                .get(*id)
                .and_then(|o| o.get(*key))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("expression {expr:?} is not simulated"),
        }
    }

    /// `${{ … }}` in a value; only whole-value expressions and context lookups are used.
    fn expand(&self, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.lookup(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// The `if:` forms the action uses: `&&` of `!cancelled()`, `A == B`, `A != B`.
    fn holds(&self, condition: &str) -> bool {
        let c = condition.trim();
        let c = c
            .strip_prefix("${{")
            .and_then(|c| c.strip_suffix("}}"))
            .unwrap_or(c);
        c.split("&&").all(|term| {
            let term = term.trim();
            if term == "!cancelled()" {
                true
            } else if let Some((a, b)) = term.split_once("!=") {
                self.lookup(a) != self.lookup(b)
            } else if let Some((a, b)) = term.split_once("==") {
                self.lookup(a) == self.lookup(b)
            } else {
                panic!("condition {term:?} is not simulated")
            }
        })
    }

    fn run(&mut self, action: &Action, bin_dir: &Path) {
        let runner_temp = self.temp.path().join("runner-temp");
        std::fs::create_dir_all(&runner_temp).unwrap();
        for (i, step) in action.steps.iter().enumerate() {
            if let Some(cond) = &step.condition
                && !self.holds(cond)
            {
                self.skipped.push(step.name.clone());
                continue;
            }
            if let Some(uses) = &step.uses {
                assert!(uses.starts_with("actions/upload-artifact@"), "{uses}");
                let with = step
                    .with
                    .iter()
                    .map(|(k, v)| (k.clone(), self.expand(v)))
                    .collect();
                self.uploads.push(with);
                continue;
            }
            let script = step
                .run
                .as_ref()
                .expect("a step runs a script or uses an action");
            assert!(
                !script.contains("${{"),
                "step {:?}: inputs reach scripts through env, never ${{{{ }}}} in run",
                step.name
            );
            let output_file = self.temp.path().join(format!("output-{i}"));
            let path_file = self.temp.path().join(format!("path-{i}"));
            std::fs::write(&output_file, "").unwrap();
            std::fs::write(&path_file, "").unwrap();
            let mut path = std::env::join_paths(
                std::iter::once(bin_dir.to_path_buf()).chain(self.path_prefix.iter().cloned()),
            )
            .unwrap()
            .into_string()
            .unwrap();
            path.push(':');
            path.push_str(&std::env::var("PATH").unwrap_or_default());
            let mut cmd = Command::new("bash");
            // What `shell: bash` runs on GitHub.
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .env_clear()
                .env("PATH", path)
                .env("HOME", self.temp.path())
                .env("RUNNER_TEMP", &runner_temp)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_PATH", &path_file)
                .env("GITHUB_STEP_SUMMARY", &self.summary)
                .env("GITHUB_ACTIONS", "true")
                .env("FAKE_LOG", self.temp.path().join("fake.log"))
                .current_dir(self.temp.path().join("work"));
            for (k, v) in &step.env {
                cmd.env(k, self.expand(v));
            }
            let out = cmd.output().unwrap();
            let code = out.status.code().unwrap_or(-1);
            eprintln!(
                "step {:?}: exit {code}\n{}{}",
                step.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            self.ran.push((step.name.clone(), code));
            let mut outputs = BTreeMap::new();
            for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                let (k, v) = line.split_once('=').unwrap();
                outputs.insert(k.to_string(), v.to_string());
            }
            if let Some(id) = &step.id {
                self.outputs.insert(id.clone(), outputs);
            }
            for line in std::fs::read_to_string(&path_file).unwrap().lines() {
                self.path_prefix.insert(0, PathBuf::from(line));
            }
        }
    }

    fn fake_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.temp.path().join("fake.log"))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    fn exit_of(&self, name_start: &str) -> Option<i32> {
        self.ran
            .iter()
            .find(|(n, _)| n.starts_with(name_start))
            .map(|(_, c)| *c)
    }
}

/// Stand-ins for `cargo` and `gh`, and a work folder with traces and a policy.
fn prepare(r: &Runner, baseline: Option<&Path>) -> PathBuf {
    let bin = r.temp.path().join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tracekit = PathBuf::from(env!("CARGO_BIN_EXE_tracekit"));
    let cargo = format!(
        "#!/bin/bash\necho \"cargo $*\" >> \"$FAKE_LOG\"\n\
         [ \"$1\" = install ] || exit 2\n\
         root=''; while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
         mkdir -p \"$root/bin\" && ln -s '{}' \"$root/bin/tracekit\"\n",
        tracekit.display()
    );
    let gh = match baseline {
        Some(dir) => format!(
            "#!/bin/bash\necho \"gh $*\" >> \"$FAKE_LOG\"\n\
             [ \"$GH_TOKEN\" = gh-token-for-test ] || exit 4\n\
             case \"$1 $2\" in\n\
             'run list') echo 4242 ;;\n\
             'run download') while [ $# -gt 0 ]; do [ \"$1\" = --dir ] && dir=$2; shift; done\n\
               mkdir -p \"$dir\" && cp -r '{}'/. \"$dir\"/ ;;\n\
             *) exit 2 ;;\n\
             esac\n",
            dir.display()
        ),
        // No successful run on the branch yet: `--jq '.[0].databaseId // empty'` prints nothing.
        None => "#!/bin/bash\necho \"gh $*\" >> \"$FAKE_LOG\"\nexit 0\n".to_string(),
    };
    for (name, text) in [("cargo", cargo), ("gh", gh)] {
        let p = bin.join(name);
        std::fs::write(&p, text).unwrap();
        let mut perm = std::fs::metadata(&p).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
        std::fs::set_permissions(&p, perm).unwrap();
    }
    let work = r.temp.path().join("work");
    std::fs::create_dir_all(work.join("traces")).unwrap();
    std::fs::copy(
        repo_dir().join("fixtures/checkout.otlp.json"),
        work.join("traces/checkout.otlp.json"),
    )
    .unwrap();
    let init = Command::new(&tracekit)
        .args(["gate", "--init", "tracekit-gate.toml"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    bin
}

#[test]
fn pull_request_run_gates_checks_lints_and_compares_with_main() {
    let action = load_action();
    let mut r = Runner::new(&action, &[], "feature/faster-checkout");
    let baseline = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_dir().join("fixtures/checkout.otlp.json"),
        baseline.path().join("checkout.otlp.json"),
    )
    .unwrap();
    let bin = prepare(&r, Some(baseline.path()));
    r.run(&action, &bin);

    assert!(r.skipped.is_empty(), "skipped {:?}", r.skipped);
    assert_eq!(r.ran.len(), 6, "{:?}", r.ran);
    for (name, code) in &r.ran {
        assert_eq!(*code, 0, "step {name:?} failed");
    }
    let log = r.fake_log();
    assert!(log[0].starts_with("cargo install --locked"), "{log:?}");
    assert!(log[0].contains(&format!("--path {}", repo_dir().display())));
    assert!(
        log.iter().any(|l| l.starts_with("gh run list --repo acme/shop --workflow traces --branch main --event push --status success")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.starts_with("gh run download 4242 --repo acme/shop --name tracekit-traces")),
        "{log:?}"
    );

    let reports = PathBuf::from(&r.outputs["setup"]["reports"]);
    let junit = std::fs::read_to_string(reports.join("gate.xml")).unwrap();
    assert!(junit.contains("<testsuites"), "{junit}");
    for kind in ["check", "lint"] {
        let sarif: Value = serde_json::from_str(
            &std::fs::read_to_string(reports.join(format!("{kind}.sarif"))).unwrap(),
        )
        .unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "tracekit");
    }
    let summary = std::fs::read_to_string(&r.summary).unwrap();
    assert!(summary.contains("## tracekit diff"), "{summary}");
    assert!(
        summary.contains("1 base trace(s), 1 candidate trace(s)"),
        "{summary}"
    );
    assert_eq!(r.uploads.len(), 1);
    assert_eq!(r.uploads[0]["name"], "tracekit-traces");
    assert_eq!(r.uploads[0]["path"], "traces");
}

#[test]
fn a_failed_gate_fails_its_step_and_the_other_checks_still_run() {
    let action = load_action();
    let mut r = Runner::new(&action, &[("policy", "strict.toml")], "feature/x");
    let bin = prepare(&r, None);
    // A budget the bundled example (37.4 ms root) cannot meet.
    std::fs::write(
        r.temp.path().join("work/strict.toml"),
        "[selectors.entry]\nroot = true\n\n[[budgets]]\nselector = \"entry\"\n\
         assert = [\"p95(duration) < 10ms\"]\n",
    )
    .unwrap();
    r.run(&action, &bin);
    assert_eq!(r.exit_of("Gate"), Some(1), "{:?}", r.ran);
    assert_eq!(r.exit_of("Check"), Some(0));
    assert_eq!(r.exit_of("Lint"), Some(0));
    // No successful run on main yet: a notice, and no comparison.
    assert_eq!(r.exit_of("Find the baseline"), Some(0));
    assert!(r.outputs["baseline"].is_empty());
    assert!(
        r.skipped.iter().any(|s| s.starts_with("Compare")),
        "{:?}",
        r.skipped
    );
}

#[test]
fn push_to_main_keeps_the_traces_and_compares_with_nothing() {
    let action = load_action();
    let mut r = Runner::new(&action, &[], "main");
    let bin = prepare(&r, None);
    r.run(&action, &bin);
    assert!(
        r.skipped.iter().any(|s| s == "Find the baseline"),
        "{:?}",
        r.skipped
    );
    assert!(!r.fake_log().iter().any(|l| l.starts_with("gh ")));
    assert_eq!(r.uploads.len(), 1);
}

/// The README shows the example workflow verbatim.
#[test]
fn readme_shows_the_example_workflow() {
    let workflow =
        std::fs::read_to_string(repo_dir().join("tests/ci/github-workflow.yml")).unwrap();
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```yaml\n{workflow}```")),
        "README.md's workflow differs from tests/ci/github-workflow.yml (python3 tests/tools/render_readme.py)"
    );
}
