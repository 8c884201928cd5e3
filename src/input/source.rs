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
/// `map`: a big regular file may be memory-mapped (see [`super::mapped`]).
pub fn open(input: &Input, limits: &super::limits::InputLimits, map: bool) -> io::Result<Opened> {
    let raw: Box<dyn Read + Send> = match input {
        Input::File(p) => {
            let file = File::open(p)?;
            match map.then(|| super::mapped::Mapped::try_new(&file)).flatten() {
                Some(mapped) if !mapped.whole().starts_with(&[0x1f, 0x8b]) => {
                    return Ok(open_mapped(mapped));
                }
                _ => Box::new(file),
            }
        }
        Input::Stdin => Box::new(io::stdin()),
    };
    open_reader(raw, limits)
}

/// A mapped (uncompressed) file: the reader parses from the map, detection looks at the same
/// bytes [`rejoin`] would give it.
fn open_mapped(mapped: super::mapped::Mapped) -> Opened {
    let bytes = mapped.whole();
    let n = crate::formats::detect::SNIFF_BYTES;
    let head = &bytes[..bytes.len().min(n)];
    // (The file is longer than the window: a blank window is followed by more.)
    let sniff = if head.len() == n && crate::formats::detect::is_blank(head) {
        let first = n + bytes[n..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len() - n);
        bytes[first..bytes.len().min(first + n)].to_vec()
    } else {
        head.to_vec()
    };
    Opened {
        prefix: sniff,
        reader: Box::new(mapped),
        trailing: Arc::new(Mutex::new(None)),
    }
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
        let gz = Inflating::spawn(Box::new(gz))?;
        let (prefix, rest) = read_prefix(Box::new(gz), crate::formats::detect::SNIFF_BYTES)?;
        return rejoin(prefix, rest, trailing);
    }
    rejoin(prefix, rest, trailing)
}

/// Inflated bytes handed over from the gzip thread at a time.
const INFLATE_BLOCK_BYTES: usize = 256 * 1024;
/// Blocks inflated ahead of the reader (a bound on memory: 1 MiB).
const INFLATE_BLOCKS_AHEAD: usize = 4;

/// A reader whose data a thread of its own produces from `inner` (gzip: inflating takes about
/// as long as parsing, and runs alongside it). The thread reads ahead a few blocks; errors come
/// through in order, after the data before them. Dropping the reader ends the thread (its next
/// hand-over fails), so an early stop leaves nothing running.
struct Inflating {
    blocks: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    /// Emptied blocks go back to the thread to be filled again.
    spare: std::sync::mpsc::SyncSender<Vec<u8>>,
    block: Vec<u8>,
    pos: usize,
    /// After an error or the end: what every later read answers.
    done: Option<Option<(io::ErrorKind, String)>>,
}

impl Inflating {
    fn spawn(mut inner: Box<dyn Read + Send>) -> io::Result<Inflating> {
        use std::sync::mpsc::sync_channel;
        let (tx, blocks) = sync_channel::<io::Result<Vec<u8>>>(INFLATE_BLOCKS_AHEAD);
        let (spare, spares) = sync_channel::<Vec<u8>>(INFLATE_BLOCKS_AHEAD + 2);
        std::thread::Builder::new()
            .name("gzip".into())
            .spawn(move || {
                loop {
                    let mut block = spares.try_recv().unwrap_or_default();
                    block.resize(INFLATE_BLOCK_BYTES, 0);
                    let mut have = 0;
                    // Fill the block (or reach the end, or fail).
                    let result = loop {
                        match inner.read(&mut block[have..]) {
                            Ok(0) => break Ok(()),
                            Ok(n) => {
                                have += n;
                                if have == block.len() {
                                    break Ok(());
                                }
                            }
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => break Err(e),
                        }
                    };
                    block.truncate(have);
                    let end = have < INFLATE_BLOCK_BYTES;
                    if have > 0 && tx.send(Ok(block)).is_err() {
                        return; // the reader is gone
                    }
                    if let Err(e) = result {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    if end {
                        return; // dropping `tx` is the end of the data
                    }
                }
            })?;
        Ok(Inflating {
            blocks,
            spare,
            block: Vec::new(),
            pos: 0,
            done: None,
        })
    }
}

impl Read for Inflating {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.block.len() {
            if let Some(done) = &self.done {
                return match done {
                    None => Ok(0),
                    Some((kind, msg)) => Err(io::Error::new(*kind, msg.clone())),
                };
            }
            match self.blocks.recv() {
                Ok(Ok(block)) => {
                    let used = std::mem::replace(&mut self.block, block);
                    self.pos = 0;
                    let _ = self.spare.try_send(used);
                }
                Ok(Err(e)) => {
                    self.done = Some(Some((e.kind(), e.to_string())));
                    return Err(e);
                }
                Err(_) => self.done = Some(None),
            }
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// An endless input that says when it is dropped.
    struct Endless(Arc<AtomicBool>);

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(b'x');
            Ok(buf.len())
        }
    }

    impl Drop for Endless {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_the_reader_ends_its_thread() {
        let dropped = Arc::new(AtomicBool::new(false));
        let mut r = Inflating::spawn(Box::new(Endless(dropped.clone()))).unwrap();
        let mut buf = vec![0u8; 3 * INFLATE_BLOCK_BYTES + 5];
        r.read_exact(&mut buf).unwrap();
        assert!(buf.iter().all(|&b| b == b'x'));
        drop(r);
        let t0 = std::time::Instant::now();
        while !dropped.load(Ordering::SeqCst) {
            assert!(t0.elapsed().as_secs() < 60, "the thread still runs");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Fails after `ok` bytes.
    struct Failing {
        ok: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.ok == 0 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "bad data"));
            }
            let n = buf.len().min(self.ok).min(1000);
            buf[..n].fill(b'y');
            self.ok -= n;
            Ok(n)
        }
    }

    #[test]
    fn data_then_the_error_come_through_in_order() {
        for ok in [0, 10, INFLATE_BLOCK_BYTES, INFLATE_BLOCK_BYTES * 2 + 7] {
            let mut r = Inflating::spawn(Box::new(Failing { ok })).unwrap();
            let mut got = Vec::new();
            let e = r.read_to_end(&mut got).unwrap_err();
            assert_eq!(got.len(), ok);
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert_eq!(e.to_string(), "bad data");
            // And again: the same error, not a silent end.
            let again = r.read(&mut [0u8; 8]).unwrap_err();
            assert_eq!(again.to_string(), "bad data");
        }
        let mut r = Inflating::spawn(Box::new(io::Cursor::new(vec![7u8; 1000]))).unwrap();
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap();
        assert_eq!(got, vec![7u8; 1000]);
        assert_eq!(r.read(&mut [0u8; 8]).unwrap(), 0);
    }
}
