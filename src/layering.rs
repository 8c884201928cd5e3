//! The layering, checked: no module imports one above it.
//!
//! Lowest first: `model` and the utilities everyone may use (`term`, `units`, `error`,
//! `output`) → the sources of traces (`input`, `formats`, `backend`, `synth`) → `analysis` →
//! `render` → `commands` → `cli`/`main`. Modules of one layer may use each other.

use std::path::{Path, PathBuf};

/// The layer of each top-level module; a module not listed fails the test (place it).
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("term", 0),
    ("units", 0),
    ("error", 0),
    ("output", 0),
    ("input", 1),
    ("formats", 1),
    ("backend", 1),
    ("synth", 1),
    ("analysis", 2),
    ("render", 3),
    ("commands", 4),
    ("cli", 5),
    ("main", 5),
    // The fuzz targets' entry points (tests/fuzz/): drive readers and analyses, like main.
    ("fuzzing", 5),
];

/// Imports from a lower layer to a higher one that are allowed, and why.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "commands",
    "cli",
    "each command takes its clap argument struct (`StatsArgs`, `InputArgs`, …), defined in cli \
     with the rest of the command line; `commands::run` dispatches on `cli::Command`",
)];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names as `crate::X` (also in `use crate::{X, Y::…}`),
/// with the line they are on; comment lines are skipped.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let code: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect();
    let joined = code.join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in joined.match_indices("crate::") {
        // `tracekit_crate::`-like identifiers are not paths from the crate root.
        if joined[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let line = joined[..at].matches('\n').count() + 1;
        let rest = &joined[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start => {
                        item_start = false;
                        found.push((line, ident(&group[i..])));
                    }
                    _ => {}
                }
            }
        } else {
            found.push((line, ident(rest)));
        }
    }
    found
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut back_edges = Vec::new();
    let mut unplaced = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "layering" {
            continue;
        }
        let Some(from) = layer(&module) else {
            unplaced.push(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, to_module) in crate_paths(&text) {
            let Some(to) = layer(&to_module) else {
                continue;
            };
            let excepted = EXCEPTIONS
                .iter()
                .any(|(f, t, _)| *f == module && *t == to_module);
            if to > from && !excepted {
                back_edges.push(format!(
                    "{}:{line}: {module} imports crate::{to_module}",
                    rel.display()
                ));
            }
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "top-level modules without a layer (add them to LAYERS): {unplaced:?}"
    );
    assert!(
        back_edges.is_empty(),
        "imports from a lower layer to a higher one:\n{}",
        back_edges.join("\n")
    );
}

#[test]
fn crate_paths_are_found_in_groups_and_paths() {
    let text = "use crate::{cli::X, model::{A, B}, term};\n// crate::commands\nlet x = crate::render::f();\nmy_crate::nope";
    let found: Vec<String> = crate_paths(text).into_iter().map(|(_, m)| m).collect();
    assert_eq!(found, ["cli", "model", "term", "render"]);
}
