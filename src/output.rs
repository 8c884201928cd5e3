//! The one place output is written: standard output, and every file a command writes
//! (`-o/--output`, `--report KIND=FILE`, `--emit-redaction-config`, `gate --init`, `man DIR`,
//! `synth -o`, `skew --adjust -o`, `fetch -o`/`search --fetch -o`, `$GITHUB_STEP_SUMMARY`, the
//! backend cache).
//!
//! SPEC: "Nothing is ever written over an input file; outputs are written atomically, and never
//! replace a device, FIFO or symlink." [`Output::create`] resolves the destination and writes it
//! by this rule:
//!
//! | destination | how |
//! | --- | --- |
//! | none or `-` | standard output, locked and buffered |
//! | a new path, or an existing regular file | atomically: a hidden temporary file in the same directory, renamed over the target by [`Output::commit`]; dropped uncommitted, the temporary file is removed and the target is untouched |
//! | a symbolic link | followed to its final target, which is written by these rules (atomically beside the target); the link stays a link |
//! | a device, FIFO or socket (`/dev/null`, `/dev/full`, a named pipe) | in place: opened for writing, never created, truncated or renamed over |
//! | `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` | the open descriptor: fd 1 is our standard output; the others are opened in place in append mode, as a shell's `>>` would |
//! | a directory | an error (exit 5) |
//! | an input of this run | refused (exit 2): same canonical path, or same device and inode (a hard link, a symlink, a descriptor path, standard input redirected from the file), or a path inside an input directory (the whole directory is read) |
//!
//! A regular file that is replaced keeps its permission bits; its owner becomes the user running
//! tracekit, and other hard links to it keep the old content (the rename gives the name a new
//! inode). A new file gets mode 0666 less the umask, as with a shell redirect. The temporary file
//! is synced before the rename, so a crash leaves the old or the new file, never half of one.
//!
//! [`Existing::Refuse`] (scaffolding, `export` without `--force`) refuses an existing regular
//! file; a device or FIFO is still written in place (nothing is lost by writing to it).
//! [`Existing::Append`] (`$GITHUB_STEP_SUMMARY`) appends in place and creates the file if
//! missing: that file belongs to the CI runner, which reads it after the step, and other steps'
//! summaries in it must stay. It is still refused when it is an input.
//!
//! Every write error is tagged with its destination ([`WriteFailure`]), so that
//! [`write_err`] names it: `cannot write OUT.json: No space left on device (os error 28)`,
//! exit 5. A reader that goes away (EPIPE on stdout or a FIFO: `tracekit … | head`) becomes
//! [`Error::ClosedPipe`]: the run stops writing there quietly; commands whose exit code is a
//! verdict keep it ([`reader_left`]), the others exit 0.
//!
//! Checks happen when the output is created; a path that changes between the check and the
//! rename (another process swapping in a symlink) is not guarded against.
//!
//! Interrupted (SIGINT, SIGTERM, SIGHUP: [`on_interrupt`]), the run removes every temporary file
//! it still has ([`temp_in`] registers each one: outputs, `fetch` bodies, the backend cache) and
//! exits 130: an interrupted run leaves its targets as they were and nothing beside them.

use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, BufWriter, StdoutLock, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, WriteFailure};

/// Buffer in front of a file.
const FILE_BUF: usize = 256 * 1024;
/// Buffer in front of standard output.
const STDOUT_BUF: usize = 64 * 1024;
/// Symbolic links followed before giving up (Linux's limit).
const MAX_LINKS: usize = 40;
/// What standard output is called in messages.
pub const STDOUT_NAME: &str = "standard output";

/// What to do when the destination is an existing regular file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Replace it atomically.
    Replace,
    /// Refuse (exit 2) and say to use `--force`.
    Refuse,
    /// Append to it in place (created if missing).
    Append,
}

impl Existing {
    /// `Replace` with `--force`, else `Refuse`.
    pub fn unless_forced(force: bool) -> Existing {
        if force {
            Existing::Replace
        } else {
            Existing::Refuse
        }
    }
}

/// The files (and directories) this run reads: no output may be written over one of them.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    paths: Vec<PathBuf>,
    stdin: bool,
}

impl Inputs {
    /// A run that reads nothing (`synth`, `completions`, …).
    pub fn none() -> Inputs {
        Inputs::default()
    }

    /// The SOURCE arguments of a command: paths, `-` for standard input; trace ids and
    /// other strings that name no file are ignored when checking.
    pub fn sources<S: AsRef<Path>>(sources: &[S]) -> Inputs {
        let mut inputs = Inputs::default();
        for s in sources {
            let s = s.as_ref();
            if s.as_os_str() == "-" {
                inputs.stdin = true;
            } else {
                inputs.paths.push(s.to_path_buf());
            }
        }
        inputs
    }

    /// Also a file read by this run (a policy, a config).
    pub fn and(mut self, path: impl Into<PathBuf>) -> Inputs {
        self.paths.push(path.into());
        self
    }

    /// Refuse `target` (the resolved destination, `shown` as the user named it) when it is one
    /// of the inputs or lies inside an input directory.
    fn check(&self, shown: &Path, target: &Path, meta: Option<&Metadata>) -> Result<(), Error> {
        // Writing to a device or FIFO in place overwrites nothing.
        if meta.is_some_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(());
        }
        let Ok(out) = canonical(target) else {
            // The write itself will fail and say why.
            return Ok(());
        };
        let out_id = meta.map(|m| (m.dev(), m.ino()));
        let refuse = |why: String| {
            Err(Error::usage(format!(
                "refusing to write {}: {why} (nothing is ever written over an input)",
                shown.display()
            )))
        };
        for p in &self.paths {
            let (Ok(pm), Ok(pc)) = (fs::metadata(p), p.canonicalize()) else {
                continue;
            };
            if pm.is_dir() {
                if out.starts_with(&pc) {
                    return refuse(format!("it is inside the input directory {}", p.display()));
                }
            } else if pm.is_file() && (out == pc || out_id == Some((pm.dev(), pm.ino()))) {
                return refuse(format!("it is the input {}", p.display()));
            }
        }
        if self.stdin
            && let (Some(id), Some(sm)) = (out_id, stdin_metadata())
            && sm.is_file()
            && id == (sm.dev(), sm.ino())
        {
            return refuse("it is the file standard input reads".to_string());
        }
        Ok(())
    }
}

/// Standard input's metadata (to recognise `tracekit … - -o FILE < FILE`).
fn stdin_metadata() -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

/// The canonical form of a path that may not exist yet (its parent must).
fn canonical(p: &Path) -> io::Result<PathBuf> {
    match p.canonicalize() {
        Ok(c) => Ok(c),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let name = p
                .file_name()
                .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
            Ok(parent_dir(p).canonicalize()?.join(name))
        }
        Err(e) => Err(e),
    }
}

/// The directory a path is in (`.` for a bare name).
fn parent_dir(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Where a path leads once symbolic links are followed.
#[derive(Debug)]
enum Resolved {
    /// An open file descriptor named by path (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`),
    /// with its number when known.
    Fd(PathBuf, Option<u32>),
    /// An existing file that is not a link.
    Existing(PathBuf, Metadata),
    /// Nothing there yet.
    New(PathBuf),
}

/// Follow symbolic links (not those under `/proc`, which name open descriptors rather than
/// files) to the destination they lead to.
fn resolve(path: &Path) -> io::Result<Resolved> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if let Some(fd) = fd_path(&p) {
            return Ok(Resolved::Fd(p, fd));
        }
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = if to.is_absolute() {
                    to
                } else {
                    parent_dir(&p).join(to)
                };
            }
            Ok(m) => return Ok(Resolved::Existing(p, m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Resolved::New(p)),
            Err(e) => return Err(e),
        }
    }
    // ELOOP, as open(2) would say.
    Err(io::Error::from_raw_os_error(40))
}

/// `Some(fd)` for paths that name an open descriptor of this process: `/dev/stdout` (1),
/// `/dev/stderr` (2), `/dev/stdin` (0), `/dev/fd/N`, `/proc/self/fd/N`,
/// `/proc/thread-self/fd/N`, `/proc/<our pid>/fd/N`. `Some(None)` for another process's.
fn fd_path(p: &Path) -> Option<Option<u32>> {
    if !p.is_absolute() {
        return None;
    }
    let parts: Vec<OsString> = p
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            _ => None,
        })
        .collect();
    let parts: Vec<&str> = parts.iter().map(|s| s.to_str().unwrap_or("")).collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        ["dev", "stdin"] => Some(Some(0)),
        ["dev", "stdout"] => Some(Some(1)),
        ["dev", "stderr"] => Some(Some(2)),
        ["dev", "fd", n] => Some(num(n)),
        ["proc", "self" | "thread-self", "fd", n] => Some(num(n)),
        ["proc", pid, "fd", n] if num(pid).is_some() => {
            Some(num(n).filter(|_| num(pid) == Some(std::process::id())))
        }
        _ => None,
    }
}

/// The temporary files this run created and may not have renamed or removed yet: removed on an
/// interrupt. A path renamed into place or removed stays listed until [`forget_temp`] (the
/// backend cache renames its own): removing it again fails harmlessly, as its name is unique.
static TEMPORARIES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A temporary file was renamed into place or removed: nothing to clean up on an interrupt.
pub fn forget_temp(path: &Path) {
    temporaries().retain(|p| p != path);
}

/// Remove every temporary file still registered (an interrupt). Returns how many were removed.
pub fn remove_temporaries() -> usize {
    let mut list = temporaries();
    let removed = list.iter().filter(|p| fs::remove_file(p).is_ok()).count();
    list.clear();
    removed
}

/// On SIGINT (and SIGTERM, SIGHUP), remove the temporary files of this run and exit 130.
/// Installed once by `main`; a second call does nothing.
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        remove_temporaries();
        std::process::exit(i32::from(crate::error::Exit::Interrupted.code()));
    });
}

/// A new hidden temporary file in `dir`, created exclusively (never through an existing name):
/// `.<stem>.<pid>.<nanos>.<n>.tmp`. Same directory as the destination, so the rename into
/// place is atomic. It is removed if the run is interrupted ([`on_interrupt`]).
pub fn temp_in(dir: &Path, stem: &str) -> io::Result<(PathBuf, File)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for n in 0..100u32 {
        let p = dir.join(format!(".{stem}.{}.{nanos}.{n}.tmp", std::process::id()));
        // Created and listed under the lock, so that an interrupt meanwhile still removes it.
        let mut list = temporaries();
        match OpenOptions::new().write(true).create_new(true).open(&p) {
            Ok(f) => {
                list.push(p.clone());
                return Ok((p, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("cannot create a temporary file"))
}

enum Sink {
    Stdout(BufWriter<StdoutLock<'static>>),
    /// Written in place (a device, FIFO, descriptor, or an appended file).
    InPlace(BufWriter<File>),
    /// A temporary file, renamed over `target` on commit.
    Atomic {
        file: BufWriter<File>,
        temp: PathBuf,
        target: PathBuf,
    },
    Done,
}

/// One output of a command. Write to it, then [`Output::commit`]; dropped without a commit, a
/// file output leaves nothing behind (its temporary file is removed).
pub struct Output {
    what: String,
    sink: Sink,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").field("what", &self.what).finish()
    }
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output {
            what: STDOUT_NAME.to_string(),
            sink: Sink::Stdout(BufWriter::with_capacity(STDOUT_BUF, io::stdout().lock())),
        }
    }

    /// `-o PATH` of a command: standard output when absent or `-`, else the file, replaced.
    pub fn open(path: Option<&Path>, inputs: &Inputs) -> Result<Output, Error> {
        match path {
            None => Ok(Output::stdout()),
            Some(p) if p.as_os_str() == "-" => Ok(Output::stdout()),
            Some(p) => Output::create(p, inputs, Existing::Replace),
        }
    }

    /// A file output, written by the rule of this module. Refusals are usage errors (exit 2);
    /// I/O errors name `path` (exit 5).
    pub fn create(path: &Path, inputs: &Inputs, existing: Existing) -> Result<Output, Error> {
        let what = path.display().to_string();
        let fail = |e: io::Error| Error::output(what.clone(), e);
        let resolved = resolve(path).map_err(fail)?;
        if let Resolved::Fd(p, _) = &resolved
            && let Ok(m) = fs::metadata(p)
        {
            // A descriptor open on an input file (`-o /dev/stdin < in.json`).
            inputs.check(path, p, Some(&m))?;
        }
        let sink = match resolved {
            Resolved::Fd(_, Some(1)) => {
                Sink::Stdout(BufWriter::with_capacity(STDOUT_BUF, io::stdout().lock()))
            }
            Resolved::Fd(p, _) => Sink::InPlace(BufWriter::with_capacity(
                FILE_BUF,
                OpenOptions::new().append(true).open(&p).map_err(fail)?,
            )),
            Resolved::Existing(_, m) if m.is_dir() => {
                return Err(fail(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                )));
            }
            Resolved::Existing(p, m) if !m.is_file() => {
                // A device, FIFO or socket: in place, whatever `existing` says.
                Sink::InPlace(BufWriter::with_capacity(
                    FILE_BUF,
                    OpenOptions::new().write(true).open(&p).map_err(fail)?,
                ))
            }
            Resolved::Existing(p, m) => {
                inputs.check(path, &p, Some(&m))?;
                match existing {
                    Existing::Refuse => {
                        return Err(Error::usage(format!(
                            "{what} exists; use --force to overwrite it"
                        )));
                    }
                    Existing::Append => Sink::InPlace(BufWriter::with_capacity(
                        FILE_BUF,
                        OpenOptions::new().append(true).open(&p).map_err(fail)?,
                    )),
                    Existing::Replace => atomic(p, Some(&m)).map_err(fail)?,
                }
            }
            Resolved::New(p) => {
                inputs.check(path, &p, None)?;
                match existing {
                    Existing::Append => Sink::InPlace(BufWriter::with_capacity(
                        FILE_BUF,
                        OpenOptions::new()
                            .append(true)
                            .create(true)
                            .open(&p)
                            .map_err(fail)?,
                    )),
                    Existing::Replace | Existing::Refuse => atomic(p, None).map_err(fail)?,
                }
            }
        };
        Ok(Output { what, sink })
    }

    /// The destination as named in messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Whether this is standard output (also when reached as `/dev/stdout`).
    pub fn is_stdout(&self) -> bool {
        matches!(self.sink, Sink::Stdout(_))
    }

    /// Whether this is a regular file written atomically (not stdout, a device or a FIFO).
    pub fn is_atomic(&self) -> bool {
        matches!(self.sink, Sink::Atomic { .. })
    }

    /// Flush, and move a file written atomically into place.
    pub fn commit(mut self) -> Result<(), Error> {
        let what = std::mem::take(&mut self.what);
        let fail = |e: io::Error| Error::output(what.clone(), e);
        match std::mem::replace(&mut self.sink, Sink::Done) {
            Sink::Stdout(mut w) => w.flush().map_err(fail),
            Sink::InPlace(mut w) => w.flush().map_err(fail),
            Sink::Atomic { file, temp, target } => {
                let done = file
                    .into_inner()
                    .map_err(io::IntoInnerError::into_error)
                    .and_then(|f| f.sync_all())
                    .and_then(|()| fs::rename(&temp, &target));
                if done.is_err() {
                    let _ = fs::remove_file(&temp);
                }
                forget_temp(&temp);
                done.map_err(fail)
            }
            Sink::Done => Ok(()),
        }
    }

    fn writer(&mut self) -> io::Result<&mut dyn Write> {
        Ok(match &mut self.sink {
            Sink::Stdout(w) => w,
            Sink::InPlace(w) => w,
            Sink::Atomic { file, .. } => file,
            Sink::Done => return Err(io::Error::other("output already committed")),
        })
    }
}

/// A temporary file beside `target`, with the permissions of the file it will replace.
fn atomic(target: PathBuf, replaced: Option<&Metadata>) -> io::Result<Sink> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let (temp, file) = temp_in(parent_dir(&target), &name)?;
    if let Some(m) = replaced
        && let Err(e) = file.set_permissions(m.permissions())
    {
        drop(file);
        let _ = fs::remove_file(&temp);
        forget_temp(&temp);
        return Err(e);
    }
    Ok(Sink::Atomic {
        file: BufWriter::with_capacity(FILE_BUF, file),
        temp,
        target,
    })
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.writer()?.write(buf);
        r.map_err(|e| WriteFailure::tag(&self.what, e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = self.writer()?.write_all(buf);
        r.map_err(|e| WriteFailure::tag(&self.what, e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.writer()?.flush();
        r.map_err(|e| WriteFailure::tag(&self.what, e))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Atomic { file, temp, .. } = std::mem::replace(&mut self.sink, Sink::Done) {
            // Do not flush a file that is thrown away.
            let (f, _) = file.into_parts();
            drop(f);
            let _ = fs::remove_file(&temp);
            forget_temp(&temp);
        }
    }
}

/// The command error for a failed write: named by the [`Output`] it happened on (or
/// "output"), [`Error::ClosedPipe`] when the reader went away.
/// `Ok(true)` when the reader of our stdout went away ([`Error::ClosedPipe`]). Commands whose
/// exit code is a verdict (findings, a failed gate, a regression) use it to keep that verdict:
/// `tracekit check … | head` must not pass because `head` stopped reading.
pub fn reader_left(written: Result<(), Error>) -> Result<bool, Error> {
    match written {
        Ok(()) => Ok(false),
        Err(Error::ClosedPipe) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Write `lines` to `out` unless its reader already left; note in `reader_left` when it leaves.
pub fn write_lines_unless_left(
    out: &mut Output,
    lines: &[String],
    reader_left: &mut bool,
) -> Result<(), Error> {
    if !*reader_left {
        *reader_left = self::reader_left(
            lines
                .iter()
                .try_for_each(|line| writeln!(out, "{line}"))
                .map_err(write_err),
        )?;
    }
    Ok(())
}

pub fn write_err(e: io::Error) -> Error {
    Error::output("output", e)
}

/// Create an output directory (`man DIR`, `fetch -o DIR/`, `export -o DIR/`): a path that
/// exists and is not a directory is an error (exit 5) that says so.
pub fn create_dir(dir: &Path) -> Result<(), Error> {
    let what = dir.display().to_string();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::output(
            what,
            io::Error::new(io::ErrorKind::NotADirectory, "it is not a directory"),
        )),
        Err(_) => fs::create_dir_all(dir).map_err(|e| Error::output(what, e)),
    }
}

/// Write `bytes` to `path` by the rule of this module.
pub fn write_file(
    path: &Path,
    inputs: &Inputs,
    existing: Existing,
    bytes: &[u8],
) -> Result<(), Error> {
    let mut out = Output::create(path, inputs, existing)?;
    out.write_all(bytes).map_err(write_err)?;
    out.commit()
}

#[cfg(test)]
mod tests;
