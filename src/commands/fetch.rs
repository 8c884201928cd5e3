//! `tracekit fetch`: download traces by id and save them (converted, or verbatim with --raw).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::output::{self, Existing, Inputs, Output, write_err};
use super::{print_error, print_warning};
use crate::backend::session::{FetchedTrace, Kept};
use crate::backend::{Session, cache, config, hex32, parse_trace_id};
use crate::cli::FetchArgs;
use crate::error::{Error, Exit};
use crate::formats::{Format, writer};
use crate::model::{TraceId, TraceSet};
use crate::term::Term;

pub fn run(args: FetchArgs, term: &Term) -> Result<Exit, Error> {
    let mut ids: Vec<TraceId> = Vec::new();
    for s in &args.ids {
        let id = parse_trace_id(s)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let target = config::resolve(&args.backend.request())?.ok_or_else(no_backend)?;
    let mut session = Session::new(target, None, term);
    session.jobs = args.jobs.max(1);
    let dest = Dest::new(args.output)?;
    save(&session, &ids, &dest, args.to, args.raw, term)
}

pub fn no_backend() -> Error {
    Error::usage(
        "no backend: name one with --backend NAME|URL, set TRACEKIT_BACKEND, or set default in the [backends] table of the config file",
    )
}

/// Where fetched traces go.
pub enum Dest {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
}

impl Dest {
    /// `-o DIR` when DIR exists as a directory or ends with `/`; otherwise a file.
    pub fn new(output: Option<PathBuf>) -> Result<Dest, Error> {
        let Some(p) = output else {
            return Ok(Dest::Stdout);
        };
        if p.as_os_str() == "-" {
            return Ok(Dest::Stdout);
        }
        let dir_like = p.is_dir() || p.as_os_str().to_string_lossy().ends_with('/');
        if dir_like {
            output::create_dir(&p)?;
            return Ok(Dest::Dir(p));
        }
        Ok(Dest::File(p))
    }
}

/// File extension for a written format.
pub fn extension(f: Format) -> &'static str {
    f.extension()
}

/// Fetch `ids` and write them to `dest`. Traces that fail are reported (exit 4); the others are
/// saved.
pub fn save(
    session: &Session,
    ids: &[TraceId],
    dest: &Dest,
    to: Option<Format>,
    raw: bool,
    term: &Term,
) -> Result<Exit, Error> {
    if raw && ids.len() > 1 && !matches!(dest, Dest::Dir(_)) {
        return Err(Error::usage(
            "--raw with several traces needs -o DIR (one file per trace: the answers cannot be joined into one document)",
        ));
    }
    let format = to.unwrap_or(Format::OtlpJson);
    // With --raw each body is kept as received in a temporary file (or is the cache file), then
    // copied to its destination by the output rule: never beside a destination that may be a
    // device (`-o /dev/null`), and the destination is only ever written through `Output`.
    let keep_dir: Option<PathBuf> = raw.then(std::env::temp_dir);
    // One writer for every trace when writing one file (atomically, at the end, so a failed
    // fetch leaves nothing behind) or stdout.
    let mut single: Option<Output> = match (raw, dest) {
        (false, Dest::File(f)) => Some(Output::create(f, &Inputs::none(), Existing::Replace)?),
        (false, Dest::Stdout) => Some(Output::stdout()),
        _ => None,
    };
    let mut any_written = false;
    let mut failures: Vec<Error> = Vec::new();
    let mut input_problems = false;
    let mut notes: Vec<String> = Vec::new();
    let mut written: Vec<PathBuf> = Vec::new();
    {
        let mut single_writer = single
            .as_mut()
            .map(|out| writer(format, out as &mut dyn Write));
        session.fetch_each(ids, keep_dir.as_deref(), |_, r| {
            let t = match r {
                Ok(t) => t,
                Err(e) => {
                    failures.push(e.into());
                    return;
                }
            };
            for w in &t.warnings {
                print_error(term, &w.to_string());
                input_problems = true;
            }
            let done = if raw {
                save_raw(&t, dest)
            } else if let Some(w) = single_writer.as_mut() {
                any_written = true;
                write_traces(&t, &mut **w).map(|_| None)
            } else if let Dest::Dir(d) = dest {
                let path = d.join(format!("{}.{}", hex32(t.id), extension(format)));
                write_file(&t, format, &path).map(|n| {
                    notes.extend(n);
                    Some(path)
                })
            } else {
                Ok(None)
            };
            match done {
                Ok(p) => written.extend(p),
                Err(e) => failures.push(e),
            }
        });
        if let Some(mut w) = single_writer {
            notes.extend(w.finish().map_err(write_err)?);
        }
    }
    // A file no trace was written to is not created (dropped, it leaves nothing).
    if let Some(out) = single
        && (any_written || out.is_stdout())
    {
        out.commit()?;
    }
    notes.sort();
    notes.dedup();
    for n in &notes {
        print_warning(term, &format!("{}: {n}", format.name()));
    }
    if !term.quiet && !written.is_empty() && matches!(dest, Dest::Dir(_)) {
        let mut err = io::stderr().lock();
        for p in &written {
            let _ = writeln!(err, "saved {}", p.display());
        }
    }
    if failures.is_empty() {
        return Ok(if input_problems {
            Exit::Input
        } else {
            Exit::Success
        });
    }
    if failures.len() == ids.len() && failures.len() == 1 {
        return Err(failures.remove(0));
    }
    let mut exit = Exit::Backend;
    for f in &failures {
        if f.exit() == Exit::Usage {
            exit = Exit::Usage;
        }
        print_error(term, &f.to_string());
    }
    Ok(exit)
}

fn write_traces(t: &FetchedTrace, w: &mut dyn crate::formats::TraceWriter) -> Result<(), Error> {
    let mut set = TraceSet::new();
    set.extend(t.spans.iter().cloned());
    for trace in set.traces() {
        w.write_trace(trace).map_err(write_err)?;
    }
    Ok(())
}

fn write_file(t: &FetchedTrace, format: Format, path: &Path) -> Result<Vec<String>, Error> {
    let mut out = Output::create(path, &Inputs::none(), Existing::Replace)?;
    let notes = {
        let mut w = writer(format, &mut out);
        write_traces(t, &mut *w)?;
        w.finish().map_err(write_err)?
    };
    out.commit()?;
    Ok(notes)
}

/// Put the body as received where it belongs: copied by the output rule (atomically, through
/// symlinks, devices in place), then the temporary file is removed.
fn save_raw(t: &FetchedTrace, dest: &Dest) -> Result<Option<PathBuf>, Error> {
    let Some(kept) = &t.kept else {
        return Err(Error::Backend(format!(
            "{}: the answer could not be kept as received",
            t.source
        )));
    };
    let ext = cache::extension(t.format);
    let target = match dest {
        Dest::Dir(d) => Some(d.join(format!("{}.{ext}", hex32(t.id)))),
        Dest::File(f) => Some(f.clone()),
        Dest::Stdout => None,
    };
    let r = copy_kept(&kept.path, target.as_deref());
    discard(kept);
    r.map(|_| target)
}

fn discard(kept: &Kept) {
    if kept.temporary {
        let _ = std::fs::remove_file(&kept.path);
    }
}

/// Copy a kept body to `target` (stdout when `None`).
fn copy_kept(kept: &Path, target: Option<&Path>) -> Result<(), Error> {
    let mut f = File::open(kept).map_err(|e| Error::output(kept.display().to_string(), e))?;
    let mut out = Output::open(target, &Inputs::none())?;
    // Read errors of our own temporary file are reported as output errors too.
    io::copy(&mut f, &mut out).map_err(write_err)?;
    out.commit()
}

#[cfg(test)]
mod tests {
    #[test]
    fn extensions() {
        use crate::formats::Format;
        assert_eq!(super::extension(Format::OtlpJson), "json");
        assert_eq!(super::extension(Format::OtlpJsonl), "jsonl");
        assert_eq!(super::extension(Format::OtlpProto), "pb");
    }
}
