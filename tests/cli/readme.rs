//! Every example in README.md, pasted at the repository root, prints what the README shows.
//!
//! The README is rendered from `tests/tools/README.template.md` by `tests/tools/render_readme.py`;
//! this test runs each `$ COMMAND` of every ```console block again, in order, with bash, in a
//! scratch folder laid out like the repository root (copies of `fixtures/` and `tests/data/`),
//! with the same environment as the renderer, and compares stdout followed by stderr with the
//! lines under the command. Markdown inserted as `<!-- output of: COMMAND -->` … `<!-- end of
//! output -->` (the rule table) is compared with COMMAND's stdout the same way.

use std::path::Path;
use std::process::Command;

use super::common::repo_dir;

/// (command, expected output) in README order.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = readme;
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body.find("```").expect("closed console block");
        let mut current: Option<(String, Vec<&str>)> = None;
        for line in body[..end].lines() {
            if let Some(cmd) = line.strip_prefix("$ ") {
                if let Some((c, lines)) = current.take() {
                    out.push((c, lines.join("\n")));
                }
                current = Some((cmd.to_string(), Vec::new()));
            } else if let Some((_, lines)) = current.as_mut() {
                lines.push(line);
            }
        }
        if let Some((c, lines)) = current.take() {
            out.push((c, lines.join("\n")));
        }
        rest = &body[end + 3..];
    }
    const OPEN: &str = "<!-- output of: ";
    const CLOSE: &str = "<!-- end of output -->";
    let mut rest = readme;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let (cmd, body) = after.split_once(" -->\n").expect("a closed marker");
        let end = body.find(CLOSE).expect("an end-of-output marker");
        out.push((
            cmd.to_string(),
            body[..end].trim_end_matches('\n').to_string(),
        ));
        rest = &body[end..];
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 15,
        "only {} examples found",
        examples.len()
    );
    let work = tempfile::tempdir().unwrap();
    for rel in ["fixtures", "tests/data"] {
        copy_dir(&repo_dir().join(rel), &work.path().join(rel));
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_tracekit")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut differences = Vec::new();
    for (cmd, expected) in &examples {
        let out = Command::new("bash")
            .args(["-c", cmd])
            .env_clear()
            .env("PATH", &path)
            .env("HOME", work.path())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("TZ", "UTC")
            .env("LC_ALL", "C.UTF-8")
            .current_dir(work.path())
            .output()
            .unwrap();
        let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
        got.push_str(&String::from_utf8_lossy(&out.stderr));
        let got = got.trim_end_matches('\n');
        if got != expected {
            differences.push(format!(
                "$ {cmd}\n--- README ---\n{expected}\n--- now ---\n{got}\n"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} README example(s) print something else (re-render with python3 tests/tools/render_readme.py \
         if the change is intended):\n{}",
        differences.len(),
        differences.join("\n")
    );
}
