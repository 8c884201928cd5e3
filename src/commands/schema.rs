//! `tracekit schema [COMMAND]`: the JSON Schema of a command's `--format json` document, derived
//! from the types that write it (so it cannot drift from the output).

use std::io::Write;

use super::output;
use crate::cli::SchemaArgs;
use crate::error::{Error, Exit};
use crate::render::doc::schema_of;
use crate::render::{
    backend_docs, critical_path, diff, findings, gate, rules, show_json, skew, stats,
};

/// Builds the schema of a command's document, given the command.
type SchemaFn = fn(&str) -> schemars::Schema;

/// The commands whose document is typed, with the schema of each.
pub const DOCUMENTS: &[(&str, SchemaFn)] = &[
    ("check", schema_of::<findings::CheckDoc>),
    ("critical-path", schema_of::<critical_path::CriticalPathDoc>),
    ("diff", schema_of::<diff::DiffDoc>),
    ("gate", schema_of::<gate::GateDoc>),
    ("lint", schema_of::<findings::LintDoc>),
    ("rules", schema_of::<rules::RulesDoc>),
    ("search", schema_of::<backend_docs::SearchDoc>),
    ("services", schema_of::<backend_docs::ServicesDoc>),
    ("show", schema_of::<show_json::ShowDoc<'static>>),
    ("skew", schema_of::<skew::SkewDoc>),
    ("stats", schema_of::<stats::StatsDoc>),
];

/// The schema of `command`'s document, if it has one.
pub fn schema(command: &str) -> Option<schemars::Schema> {
    DOCUMENTS
        .iter()
        .find(|(c, _)| *c == command)
        .map(|(c, f)| f(c))
}

pub fn run(args: SchemaArgs) -> Result<Exit, Error> {
    let mut out = output::Output::stdout();
    match args.command.filter(|_| !args.list) {
        None => {
            for (c, _) in DOCUMENTS {
                writeln!(out, "{c}").map_err(output::write_err)?;
            }
        }
        Some(c) => {
            let s = schema(&c).ok_or_else(|| {
                let known: Vec<_> = DOCUMENTS.iter().map(|d| d.0).collect();
                Error::Usage(format!(
                    "no schema for command '{c}' (schemas: {})",
                    known.join(", ")
                ))
            })?;
            serde_json::to_writer_pretty(&mut out, &s).map_err(|e| output::write_err(e.into()))?;
            writeln!(out).map_err(output::write_err)?;
        }
    }
    Ok(Exit::Success)
}
