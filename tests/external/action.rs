//! The GitHub Action (`action.yml`) and the README's example workflow
//! (`tests/ci/github-workflow.yml`) through the real linters: actionlint on the workflow in a
//! scratch repository where the workflow uses this action locally (`uses: ./`, so actionlint also
//! checks the `with:` keys against `action.yml`'s inputs), with ShellCheck on PATH for its `run:`
//! scripts; and ShellCheck on every script of the action itself (actionlint reads workflows only).
//! `tests/cli/ci_action.rs` runs the action's steps.

use std::path::Path;
use std::process::Command;

use crate::common::repo_dir;
use crate::tools::{Found, Tool};

fn action() -> serde_norway::Value {
    serde_norway::from_str(&std::fs::read_to_string(repo_dir().join("action.yml")).unwrap())
        .unwrap()
}

pub fn example_workflow_passes_actionlint(found: &Found) {
    let actionlint = found.path(Tool::Actionlint);
    let shellcheck = found.path(Tool::Shellcheck);
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".github/workflows")).unwrap();
    // actionlint finds the project (and so local actions) by its `.git` folder.
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    std::fs::copy(
        repo_dir().join("action.yml"),
        repo.path().join("action.yml"),
    )
    .unwrap();
    let workflow =
        std::fs::read_to_string(repo_dir().join("tests/ci/github-workflow.yml")).unwrap();
    let remote = "uses: OWNER/tracekit@main";
    assert!(workflow.contains(remote), "the example uses the action");
    std::fs::write(
        repo.path().join(".github/workflows/traces.yml"),
        workflow.replace(remote, "uses: ./"),
    )
    .unwrap();
    // A workflow that names an input the action lacks must fail: the check has teeth.
    std::fs::write(
        repo.path().join(".github/workflows/broken.yml"),
        workflow
            .replace(remote, "uses: ./")
            .replace("policy: tracekit-gate.toml", "polcy: tracekit-gate.toml"),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        shellcheck.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let lint = |file: &str| {
        Command::new(actionlint)
            .args(["-no-color", "-oneline", file])
            .env("PATH", &path)
            .current_dir(repo.path())
            .output()
            .unwrap()
    };
    let good = lint(".github/workflows/traces.yml");
    assert!(
        good.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    let broken = lint(".github/workflows/broken.yml");
    let said = String::from_utf8_lossy(&broken.stdout);
    assert!(!broken.status.success() && said.contains("polcy"), "{said}");
    // The published form (`uses: OWNER/tracekit@main`) is valid as it stands, too.
    std::fs::write(repo.path().join(".github/workflows/traces.yml"), &workflow).unwrap();
    std::fs::remove_file(repo.path().join(".github/workflows/broken.yml")).unwrap();
    let published = lint(".github/workflows/traces.yml");
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stdout)
    );
}

pub fn action_scripts_pass_shellcheck(found: &Found) {
    let shellcheck = found.path(Tool::Shellcheck);
    let dir = tempfile::tempdir().unwrap();
    let doc = action();
    let steps = doc["runs"]["steps"].as_sequence().unwrap();
    let mut checked = 0;
    for (i, step) in steps.iter().enumerate() {
        let Some(script) = step.get("run").and_then(|r| r.as_str()) else {
            continue;
        };
        assert_eq!(step["shell"].as_str(), Some("bash"), "step {i}");
        let file = dir.path().join(format!("step-{i}.sh"));
        std::fs::write(&file, format!("#!/usr/bin/env bash\n{script}")).unwrap();
        let out = Command::new(shellcheck)
            .args(["--shell=bash", "--severity=style"])
            .arg(Path::new(&file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "step {:?}:\n{}",
            step["name"].as_str(),
            String::from_utf8_lossy(&out.stdout)
        );
        checked += 1;
    }
    assert_eq!(checked, 6, "the action's run steps");
}
