//! Sources: files, directories (recursive), `-` for stdin; gzip detected by magic bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
pub fn expand(sources: &[PathBuf]) -> (Vec<Expanded>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for s in sources {
        if s.as_os_str() == "-" {
            out.push(Expanded {
                input: Input::Stdin,
                from_directory: false,
            });
            continue;
        }
        let p = s.clone();
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, &mut out, &mut errors),
            Ok(_) => out.push(Expanded {
                input: Input::File(p),
                from_directory: false,
            }),
            Err(e) => errors.push(InputError::new(
                &Arc::from(s.display().to_string()),
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

/// Default cap of [`read_small_file`]: config files, policies, lint configs, CA bundles.
pub const DEFAULT_SMALL_FILE_LIMIT: u64 = 1 << 20;

static SMALL_FILE_LIMIT: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(DEFAULT_SMALL_FILE_LIMIT);

/// Set the cap of [`read_small_file`] (`--max-file-size`).
pub fn set_small_file_limit(bytes: u64) {
    SMALL_FILE_LIMIT.store(bytes.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// What a small file is, for its cap: a token file gets a sixteenth of the cap (64 KiB by
/// default), everything else the whole cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmallFile {
    Token,
    Config,
}

impl SmallFile {
    pub fn limit(self) -> u64 {
        let cap = SMALL_FILE_LIMIT.load(std::sync::atomic::Ordering::Relaxed);
        match self {
            SmallFile::Token => (cap / 16).max(1),
            SmallFile::Config => cap,
        }
    }
}

/// Read a small file (a token, a config or policy file, a CA bundle) whole, but never more than
/// its cap: a larger file, or one that never ends (`/dev/zero`, a FIFO, a symlink to either),
/// is an error naming the limit. The cap applies while reading, not from the metadata (a
/// device or a pipe has no meaningful size).
pub fn read_small_file(path: &Path, kind: SmallFile) -> io::Result<Vec<u8>> {
    let limit = kind.limit();
    let mut buf = Vec::new();
    File::open(path)?.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "larger than the limit of {} for such files (raise it with --max-file-size)",
                crate::units::format_size(limit)
            ),
        ));
    }
    Ok(buf)
}

/// [`read_small_file`] for text (UTF-8).
pub fn read_small_text(path: &Path, kind: SmallFile) -> io::Result<String> {
    String::from_utf8(read_small_file(path, kind)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
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
    /// The bytes detection looks at: the first bytes, or, after more white space than that,
    /// the first bytes from the first other one.
    pub prefix: Vec<u8>,
    pub reader: Box<dyn BufRead + Send>,
    /// Set by the reader when data follows the last gzip member: it is ignored with this
    /// warning, as `gzip -d` does.
    pub trailing: Arc<Mutex<Option<String>>>,
}

/// Open an input, undo gzip if its magic bytes say so, and keep the first bytes for detection.
pub fn open(input: &Input, limits: &super::limits::InputLimits) -> io::Result<Opened> {
    let raw: Box<dyn Read + Send> = match input {
        Input::File(p) => Box::new(File::open(p)?),
        Input::Stdin => Box::new(io::stdin()),
    };
    open_reader(raw, limits)
}

/// [`open`] on an already opened byte stream: undo gzip (within `limits`), keep the first bytes
/// for detection.
pub fn open_reader(
    raw: Box<dyn Read + Send>,
    limits: &super::limits::InputLimits,
) -> io::Result<Opened> {
    let trailing = Arc::new(Mutex::new(None));
    let (prefix, rest) = read_prefix(raw, crate::formats::detect::SNIFF_BYTES)?;
    if prefix.starts_with(&[0x1f, 0x8b]) {
        let whole = io::Cursor::new(prefix).chain(rest);
        let (counted, compressed) = super::limits::Counted::new(whole);
        let members = GzMembers {
            decoder: Some(flate2::bufread::GzDecoder::new(BufReader::with_capacity(
                BUF_BYTES, counted,
            ))),
            trailing: trailing.clone(),
        };
        let gz = super::limits::RatioLimited::new(members, compressed, limits.max_inflate_ratio);
        let (prefix, rest) = read_prefix(Box::new(gz), crate::formats::detect::SNIFF_BYTES)?;
        return rejoin(prefix, rest, trailing);
    }
    rejoin(prefix, rest, trailing)
}

/// The gzip members of a stream, one after the other (like `gzip -d`); data after the last
/// member that is not another member (NUL padding from a tape or a block device, junk) ends
/// the stream, is skipped, and is reported in `trailing`.
struct GzMembers<R: BufRead> {
    decoder: Option<flate2::bufread::GzDecoder<R>>,
    trailing: Arc<Mutex<Option<String>>>,
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended: the end, another member, or trailing data.
            let Some(decoder) = self.decoder.take() else {
                return Ok(0);
            };
            let mut inner = decoder.into_inner();
            let next = inner.fill_buf()?;
            if next.is_empty() {
                return Ok(0);
            }
            if next[0] == 0x1f && next.get(1).is_none_or(|&b| b == 0x8b) {
                self.decoder = Some(flate2::bufread::GzDecoder::new(inner));
                continue;
            }
            let (mut count, mut zeros) = (0u64, true);
            loop {
                let b = inner.fill_buf()?;
                if b.is_empty() {
                    break;
                }
                zeros &= b.iter().all(|&x| x == 0);
                count += b.len() as u64;
                let k = b.len();
                inner.consume(k);
            }
            let what = if zeros {
                "zero bytes"
            } else {
                "bytes of trailing data"
            };
            if let Ok(mut t) = self.trailing.lock() {
                *t = Some(format!(
                    "{count} {what} after the gzip data were ignored (the data before them was read, as gzip -d does)"
                ));
            }
            return Ok(0);
        }
    }
}

/// The reader over the whole input, and the bytes detection looks at. A first window of white
/// space only (1 MB of blank lines before a document) is read past, so that detection sees the
/// document rather than "the input is empty"; the reader still gets every byte (positions in
/// messages stay right).
fn rejoin(
    prefix: Vec<u8>,
    rest: Box<dyn Read + Send>,
    trailing: Arc<Mutex<Option<String>>>,
) -> io::Result<Opened> {
    let n = crate::formats::detect::SNIFF_BYTES;
    let blank = crate::formats::detect::is_blank;
    let (mut head, mut rest) = (prefix, rest);
    let mut from = 0;
    while head.len() - from == n && blank(&head[from..]) {
        from = head.len();
        let (more, r) = read_prefix(rest, n)?;
        rest = r;
        head.extend(more);
    }
    let sniff = if from == 0 {
        head.clone()
    } else {
        let first = from
            + head[from..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(head.len() - from);
        if head.len() - first < n && head.len() - from == n {
            let (more, r) = read_prefix(rest, n)?;
            rest = r;
            head.extend(more);
        }
        head[first..head.len().min(first + n)].to_vec()
    };
    let reader = BufReader::with_capacity(BUF_BYTES, io::Cursor::new(head).chain(rest));
    Ok(Opened {
        prefix: sniff,
        reader: Box::new(reader),
        trailing,
    })
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
