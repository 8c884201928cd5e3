//! `tracekit fetch`: download traces by id and save them (converted, or verbatim with --raw).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{print_error, print_warning};
use crate::backend::session::{FetchedTrace, Kept};
use crate::backend::{Session, cache, config, hex32, parse_trace_id};
use crate::cli::FetchArgs;
use crate::error::{Error, Exit};
use crate::model::{TraceId, TraceSet};
use crate::render::convert::{WriteFormat, writer};
use crate::term::Term;

pub fn run(args: FetchArgs, term: &Term) -> Result<Exit, Error> {
    let mut ids: Vec<TraceId> = Vec::new();
    for s in &args.ids {
        let id = parse_trace_id(s)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let target = config::resolve(&args.backend)?.ok_or_else(no_backend)?;
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
            std::fs::create_dir_all(&p).map_err(|e| Error::output(p.display().to_string(), e))?;
            return Ok(Dest::Dir(p));
        }
        Ok(Dest::File(p))
    }
}

/// File extension for a written format.
pub fn extension(f: WriteFormat) -> &'static str {
    match f {
        WriteFormat::OtlpJsonl => "jsonl",
        WriteFormat::OtlpProto => "pb",
        WriteFormat::JaegerThrift => "thrift",
        _ => "json",
    }
}

/// Fetch `ids` and write them to `dest`. Traces that fail are reported (exit 4); the others are
/// saved.
pub fn save(
    session: &Session,
    ids: &[TraceId],
    dest: &Dest,
    to: Option<WriteFormat>,
    raw: bool,
    term: &Term,
) -> Result<Exit, Error> {
    if raw && ids.len() > 1 && !matches!(dest, Dest::Dir(_)) {
        return Err(Error::usage(
            "--raw with several traces needs -o DIR (one file per trace: the answers cannot be joined into one document)",
        ));
    }
    let format = to.unwrap_or(WriteFormat::OtlpJson);
    let keep_dir: Option<PathBuf> = match (raw, dest) {
        (false, _) => None,
        (true, Dest::Dir(d)) => Some(d.clone()),
        (true, Dest::File(f)) => Some(
            f.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        ),
        (true, Dest::Stdout) => Some(std::env::temp_dir()),
    };
    // One writer for every trace when writing one file (a temporary file renamed at the end, so
    // a failed fetch leaves nothing behind) or stdout.
    let mut temp_file: Option<PathBuf> = None;
    let mut single: Option<Box<dyn Write>> = match (raw, dest) {
        (false, Dest::File(f)) => {
            let dir = f
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let (tmp, file) = cache::temp_in(dir, "fetch")
                .map_err(|e| Error::output(f.display().to_string(), e))?;
            temp_file = Some(tmp);
            Some(Box::new(BufWriter::new(file)))
        }
        (false, Dest::Stdout) => Some(Box::new(BufWriter::new(io::stdout().lock()))),
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
            .map(|out| writer(format, &mut **out as &mut dyn Write));
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
            notes.extend(w.finish().map_err(super::output::write_err)?);
        }
    }
    if let Some(out) = single.as_mut() {
        out.flush().map_err(super::output::write_err)?;
    }
    drop(single);
    if let (Some(tmp), Dest::File(f)) = (&temp_file, dest) {
        if any_written {
            std::fs::rename(tmp, f).map_err(|e| Error::output(f.display().to_string(), e))?;
        } else {
            let _ = std::fs::remove_file(tmp);
        }
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

fn write_traces(
    t: &FetchedTrace,
    w: &mut dyn crate::render::convert::TraceWriter,
) -> Result<(), Error> {
    let mut set = TraceSet::new();
    set.extend(t.spans.iter().cloned());
    for trace in set.traces() {
        w.write_trace(trace).map_err(super::output::write_err)?;
    }
    Ok(())
}

fn write_file(t: &FetchedTrace, format: WriteFormat, path: &Path) -> Result<Vec<String>, Error> {
    let f = File::create(path).map_err(|e| Error::output(path.display().to_string(), e))?;
    let mut out = BufWriter::new(f);
    let notes = {
        let mut w = writer(format, &mut out);
        write_traces(t, &mut *w)?;
        w.finish()
            .map_err(|e| Error::output(path.display().to_string(), e))?
    };
    out.flush()
        .map_err(|e| Error::output(path.display().to_string(), e))?;
    Ok(notes)
}

/// Put the body as received where it belongs: move a temporary file, copy a cached one.
fn save_raw(t: &FetchedTrace, dest: &Dest) -> Result<Option<PathBuf>, Error> {
    let Some(kept) = &t.kept else {
        return Err(Error::Backend(format!(
            "{}: the answer could not be kept as received",
            t.source
        )));
    };
    let ext = cache::extension(t.format);
    let target = match dest {
        Dest::Dir(d) => d.join(format!("{}.{ext}", hex32(t.id))),
        Dest::File(f) => f.clone(),
        Dest::Stdout => {
            let r = copy_to_stdout(&kept.path);
            discard(kept);
            return r.map(|_| None);
        }
    };
    let moved = if kept.temporary {
        std::fs::rename(&kept.path, &target).or_else(|_| {
            let r = std::fs::copy(&kept.path, &target).map(|_| ());
            discard(kept);
            r
        })
    } else {
        std::fs::copy(&kept.path, &target).map(|_| ())
    };
    moved.map_err(|e| Error::output(target.display().to_string(), e))?;
    Ok(Some(target))
}

fn discard(kept: &Kept) {
    if kept.temporary {
        let _ = std::fs::remove_file(&kept.path);
    }
}

fn copy_to_stdout(path: &Path) -> Result<(), Error> {
    let mut f = File::open(path).map_err(|e| Error::output(path.display().to_string(), e))?;
    let mut out = io::stdout().lock();
    io::copy(&mut f, &mut out).map_err(super::output::write_err)?;
    out.flush().map_err(super::output::write_err)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use crate::cli::Cli;

    /// Every subcommand that reads SOURCE... must be known to `commands::input_args`, or trace
    /// ids and --search-* would not reach the backend for it.
    #[test]
    fn every_command_with_sources_prepares_the_backend() {
        let root = Cli::command();
        let mut checked = 0;
        for sub in root.get_subcommands() {
            if !sub.get_arguments().any(|a| a.get_id() == "sources") {
                continue;
            }
            let name = sub.get_name().to_string();
            let argv = [
                "tracekit",
                name.as_str(),
                "4bf92f3577b34da6a3ce929d0e0e4736",
            ];
            // Commands with other required arguments cannot be parsed this simply: skip them.
            let Ok(cli) = Cli::try_parse_from(argv) else {
                continue;
            };
            assert!(
                super::super::input_args(&cli.command).is_some(),
                "add `{name}` to commands::input_args"
            );
            checked += 1;
        }
        assert!(checked >= 5, "{checked}");
    }

    #[test]
    fn extensions() {
        use crate::render::convert::WriteFormat;
        assert_eq!(super::extension(WriteFormat::OtlpJson), "json");
        assert_eq!(super::extension(WriteFormat::OtlpJsonl), "jsonl");
        assert_eq!(super::extension(WriteFormat::OtlpProto), "pb");
    }
}
