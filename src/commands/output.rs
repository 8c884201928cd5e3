//! Where command output goes: stdout (locked, buffered) or a file that is never an input.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Open the output: a file when given (refusing to write over one of the inputs), else stdout.
pub fn open(path: Option<&Path>, inputs: &[String]) -> Result<Box<dyn Write>, Error> {
    match path {
        None => Ok(Box::new(BufWriter::with_capacity(
            64 * 1024,
            io::stdout().lock(),
        ))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(BufWriter::with_capacity(
            64 * 1024,
            io::stdout().lock(),
        ))),
        Some(p) => {
            if is_input(p, inputs) {
                return Err(Error::usage(format!(
                    "refusing to write to {}: it is one of the inputs",
                    p.display()
                )));
            }
            let f = File::create(p).map_err(|e| Error::output(p.display().to_string(), e))?;
            Ok(Box::new(BufWriter::with_capacity(256 * 1024, f)))
        }
    }
}

fn is_input(out: &Path, inputs: &[String]) -> bool {
    let Ok(out) = canonical(out) else {
        return false;
    };
    inputs
        .iter()
        .filter(|s| *s != "-")
        .filter_map(|s| canonical(Path::new(s)).ok())
        .any(|i| out == i || out.starts_with(&i) && i.is_dir())
}

fn canonical(p: &Path) -> io::Result<PathBuf> {
    if p.exists() {
        p.canonicalize()
    } else {
        let parent = p
            .parent()
            .filter(|x| !x.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Ok(parent
            .canonicalize()?
            .join(p.file_name().unwrap_or_default()))
    }
}

/// Map a write error to the command error (a closed pipe is handled as success by `run`).
pub fn write_err(e: io::Error) -> Error {
    Error::output("output", e)
}
