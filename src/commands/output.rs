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

/// A file written atomically: to a temporary file beside it, renamed into place by `commit`.
/// Dropped without `commit`, the temporary file is removed and the target is untouched.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Refuses an existing target without `force`, and any target that is an input.
    pub fn create(target: &Path, force: bool, inputs: &[String]) -> Result<Self, Error> {
        if is_input(target, inputs) {
            return Err(Error::usage(format!(
                "refusing to write to {}: it is one of the inputs",
                target.display()
            )));
        }
        if target.exists() && !force {
            return Err(Error::usage(format!(
                "{} exists; use --force to overwrite it",
                target.display()
            )));
        }
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let temp = dir.join(format!(".{name}.tracekit-{}.tmp", std::process::id()));
        let f = File::create(&temp).map_err(|e| Error::output(target.display().to_string(), e))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(256 * 1024, f)),
        })
    }

    pub fn commit(mut self) -> Result<(), Error> {
        let what = self.target.display().to_string();
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| Error::output(what.clone(), e))?;
            f.get_ref()
                .sync_all()
                .map_err(|e| Error::output(what.clone(), e))?;
        }
        std::fs::rename(&self.temp, &self.target).map_err(|e| Error::output(what, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("closed"))?
            .write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
