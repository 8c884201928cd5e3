//! `tracekit export`: timelines for documents and viewers, and conversions between formats.
//! Files are written atomically and never over an existing file without `--force`.

use std::io::Write;
use std::path::Path;

use super::output::{self, Existing, Inputs, Output, write_err};
use super::{InputRules, parse_trace_ids, print_note, print_warning, report_inputs, select_traces};
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Exit};
use crate::formats::{Format, writer};
use crate::input::load::load;
use crate::model::Trace;
use crate::render::export::markdown::MarkdownOptions;
use crate::render::export::prepared::Prepared;
use crate::render::export::{chrome, csv, folded, html, markdown, mermaid};
use crate::term::Term;

fn extension(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Markdown => "md",
        ExportFormat::Mermaid => "mmd",
        ExportFormat::Chrome => "json",
        ExportFormat::Html => "html",
        ExportFormat::Csv => "csv",
        ExportFormat::Folded => "folded",
        ExportFormat::Trace(f) => f.extension(),
    }
}

fn conversion(f: ExportFormat) -> Option<Format> {
    match f {
        ExportFormat::Trace(f) => Some(f),
        _ => None,
    }
}

/// Formats whose one document can hold many traces.
fn holds_many(f: ExportFormat) -> bool {
    !matches!(f, ExportFormat::Mermaid | ExportFormat::Html)
}

pub fn run(args: ExportArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let mut opts = super::open_inputs(&args.input, term)?;
    let ids = parse_trace_ids(&args.trace)?;
    opts.trace_filter = ids.clone();
    let loaded = load(&args.input.sources, &opts);
    // An input without spans ends here, unless --allow-empty.
    let exit = report_inputs(term, &loaded.report, InputRules::of(&args.input))?;
    let selected = select_traces(loaded.traces, ids.as_deref())?;
    if !selected.missing.is_empty() {
        let missing: Vec<String> = selected.missing.iter().map(|r| r.to_string()).collect();
        return Err(Error::Inputs(vec![crate::error::InputError::new(
            &std::sync::Arc::from("input"),
            None,
            format!("trace(s) {} not found in the input", missing.join(", ")),
        )]));
    }
    let traces = selected.traces;
    if traces.is_empty() && !holds_many(args.to) {
        // --allow-empty, and a format that draws one trace: there is nothing to draw.
        print_warning(
            term,
            &format!(
                "the input holds no trace: no {} document written",
                extension(args.to)
            ),
        );
        return Ok(exit);
    }
    let stdout = args.output.as_os_str() == "-";
    let as_dir = !stdout && (args.output.is_dir() || args.output.to_string_lossy().ends_with('/'));
    let inputs = Inputs::sources(&args.input.sources);
    let notes: Vec<String> = if as_dir {
        output::create_dir(&args.output)?;
        let mut notes = Vec::new();
        for t in &traces {
            let path = args
                .output
                .join(format!("{}.{}", t.trace_id, extension(args.to)));
            notes.extend(to_file(&path, std::slice::from_ref(t), &args, &inputs)?);
        }
        print_note(
            term,
            &format!(
                "wrote {} file(s) to {}",
                traces.len(),
                args.output.display()
            ),
        );
        notes
    } else {
        if traces.len() > 1 && !holds_many(args.to) {
            return Err(Error::usage(format!(
                "the input has {} traces and one {} document holds one: pick one with --trace, or give -o DIR/ for one file per trace",
                traces.len(),
                extension(args.to)
            )));
        }
        if stdout {
            let mut out = Output::stdout();
            let notes = render(&traces, &args, &mut out).map_err(write_err)?;
            out.commit()?;
            notes
        } else {
            to_file(&args.output, &traces, &args, &inputs)?
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    for n in notes {
        if seen.insert(n.clone()) {
            print_warning(term, &n);
        }
    }
    Ok(exit)
}

/// One file, written atomically; an existing file only with `--force`.
fn to_file(
    path: &Path,
    traces: &[Trace],
    args: &ExportArgs,
    inputs: &Inputs,
) -> Result<Vec<String>, Error> {
    let mut f = Output::create(path, inputs, Existing::unless_forced(args.force))?;
    let notes = render(traces, args, &mut f).map_err(write_err)?;
    f.commit()?;
    Ok(notes)
}

/// Write one document for these traces; returns the conversion notes.
fn render(
    traces: &[Trace],
    args: &ExportArgs,
    out: &mut dyn Write,
) -> std::io::Result<Vec<String>> {
    if let Some(wf) = conversion(args.to) {
        let mut w = writer(wf, out);
        for t in traces {
            w.write_trace(t)?;
        }
        return w.finish();
    }
    let prepared: Vec<Prepared<'_>> = traces.iter().map(Prepared::new).collect();
    match args.to {
        ExportFormat::Markdown => {
            let opts = MarkdownOptions {
                min_duration_ns: args.min_duration,
                tz_offset_s: args.tz,
            };
            for (k, p) in prepared.iter().enumerate() {
                if k > 0 {
                    writeln!(out, "\n---\n")?;
                }
                markdown::write(p, &opts, out)?;
            }
        }
        ExportFormat::Mermaid => mermaid::write(&prepared[0], out)?,
        ExportFormat::Html => html::write(&prepared[0], out)?,
        ExportFormat::Chrome => chrome::write(&prepared, out)?,
        ExportFormat::Csv => {
            csv::write_header(&args.columns, out)?;
            for p in &prepared {
                csv::write_rows(p, &args.columns, out)?;
            }
        }
        ExportFormat::Folded => {
            let mut f = folded::Folded::default();
            for p in &prepared {
                f.add(p);
            }
            f.write(out)?;
        }
        _ => {}
    }
    Ok(Vec::new())
}
