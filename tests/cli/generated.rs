//! The committed `completions/` and `man/` are exactly what the binary generates (SPEC
//! "Commands": they are generated from `completions` and `man`). When the CLI changes, these
//! tests fail with the command that regenerates the files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// (shell as `tracekit completions` names it, committed file under `completions/`).
const SHELLS: &[(&str, &str)] = &[
    ("bash", "tracekit.bash"),
    ("zsh", "_tracekit"),
    ("fish", "tracekit.fish"),
    ("powershell", "_tracekit.ps1"),
    ("elvish", "tracekit.elv"),
];

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn completions_are_up_to_date() {
    let committed = files_in(&repo_dir().join("completions"));
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let out = tracekit().args(["completions", shell]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "tracekit completions {shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.is_empty(),
            "tracekit completions {shell} printed nothing"
        );
        if committed.get(*file) != Some(&out.stdout) {
            stale.push(format!(
                "cargo run -q -- completions {shell} > completions/{file}"
            ));
        }
    }
    let extra: Vec<&String> = committed
        .keys()
        .filter(|k| !SHELLS.iter().any(|s| s.1 == k.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "completions/ has files no shell generates: {extra:?} (remove them)"
    );
    assert!(
        stale.is_empty(),
        "completions/ is out of date; regenerate with:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn man_pages_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = tracekit().args(["man"]).arg(dir.path()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "tracekit man: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = files_in(dir.path());
    assert!(
        generated.contains_key("tracekit.1"),
        "no tracekit.1 among {:?}",
        generated.keys()
    );
    let committed = files_in(&repo_dir().join("man"));
    let differ: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|k| generated.get(*k) != committed.get(*k))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        differ.is_empty(),
        "man/ is out of date ({differ:?} differ, are new or are gone); regenerate with:\n  rm -rf man && cargo run -q -- man man/"
    );
}
