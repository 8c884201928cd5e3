//! Sources: files, directories (recursive), `-` for stdin; gzip detected by magic bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::InputError;

/// Read buffer: large enough for detection to see the first keys of any document.
const BUF_BYTES: usize = 256 * 1024;

/// One input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The name used in messages: the path as given, or `<stdin>`.
    pub fn display_name(&self) -> Arc<str> {
        match self {
            Input::File(p) => Arc::from(p.display().to_string()),
            Input::Stdin => Arc::from("<stdin>"),
        }
    }
}

/// A source argument expanded: the inputs, and whether they came from a directory walk (where
/// files of unknown format are skipped with a warning instead of failing).
#[derive(Clone, Debug)]
pub struct Expanded {
    pub input: Input,
    pub from_directory: bool,
}

/// Expand source arguments: `-` is stdin, a directory is walked recursively in name order.
pub fn expand(sources: &[String]) -> (Vec<Expanded>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for s in sources {
        if s == "-" {
            out.push(Expanded {
                input: Input::Stdin,
                from_directory: false,
            });
            continue;
        }
        let p = PathBuf::from(s);
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, &mut out, &mut errors),
            Ok(_) => out.push(Expanded {
                input: Input::File(p),
                from_directory: false,
            }),
            Err(e) => errors.push(InputError::new(
                &Arc::from(s.as_str()),
                None,
                io_message(&e),
            )),
        }
    }
    (out, errors)
}

fn walk(dir: &Path, out: &mut Vec<Expanded>, errors: &mut Vec<InputError>) {
    // An explicit stack, not recursion: directory depth is the user's, not ours.
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(InputError::new(
                    &Arc::from(d.display().to_string()),
                    None,
                    io_message(&e),
                ));
                continue;
            }
        };
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => dirs.push(path),
                Ok(t) if t.is_file() => files.push(path),
                // Follow symlinks to files, not to directories (no loops).
                Ok(t) if t.is_symlink() && path.is_file() => files.push(path),
                _ => {}
            }
        }
        files.sort();
        dirs.sort();
        out.extend(files.into_iter().map(|f| Expanded {
            input: Input::File(f),
            from_directory: true,
        }));
        stack.extend(dirs.into_iter().rev());
    }
}

pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// An opened input: its first bytes (for detection) and a reader over the whole content,
/// decompressed.
pub struct Opened {
    pub prefix: Vec<u8>,
    pub reader: Box<dyn BufRead + Send>,
}

/// Open an input, undo gzip if its magic bytes say so, and keep the first bytes for detection.
pub fn open(input: &Input) -> io::Result<Opened> {
    let raw: Box<dyn Read + Send> = match input {
        Input::File(p) => Box::new(File::open(p)?),
        Input::Stdin => Box::new(io::stdin()),
    };
    open_reader(raw)
}

/// [`open`] on an already opened byte stream: undo gzip, keep the first bytes for detection.
pub fn open_reader(raw: Box<dyn Read + Send>) -> io::Result<Opened> {
    let (prefix, rest) = read_prefix(raw, crate::formats::detect::SNIFF_BYTES)?;
    if prefix.starts_with(&[0x1f, 0x8b]) {
        let whole = io::Cursor::new(prefix).chain(rest);
        let gz = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF_BYTES, whole));
        let (prefix, rest) = read_prefix(Box::new(gz), crate::formats::detect::SNIFF_BYTES)?;
        return Ok(rejoin(prefix, rest));
    }
    Ok(rejoin(prefix, rest))
}

fn rejoin(prefix: Vec<u8>, rest: Box<dyn Read + Send>) -> Opened {
    let reader = BufReader::with_capacity(BUF_BYTES, io::Cursor::new(prefix.clone()).chain(rest));
    Opened {
        prefix,
        reader: Box::new(reader),
    }
}

/// Read up to `n` bytes (fewer only at end of input), however the reader delivers them.
fn read_prefix(
    mut r: Box<dyn Read + Send>,
    n: usize,
) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut prefix = vec![0u8; n];
    let mut have = 0;
    while have < n {
        match r.read(&mut prefix[have..]) {
            Ok(0) => break,
            Ok(k) => have += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    prefix.truncate(have);
    Ok((prefix, r))
}
