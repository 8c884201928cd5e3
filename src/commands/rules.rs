//! `tracekit rules`: the rule table, or the help of some rules.

use std::io::Write;

use super::output;
use crate::analysis::rules::select;
use crate::cli::{RulesArgs, RulesFormat};
use crate::error::{Error, Exit};
use crate::render::rules as view;
use crate::render::table::TableStyle;
use crate::term::Term;
use crate::term::style::Styles;

/// Help text is wrapped to the terminal, at most this wide.
const MAX_HELP_WIDTH: usize = 100;

pub fn run(args: RulesArgs, term: &Term) -> Result<Exit, Error> {
    let rules = select(&args.rules, args.command).map_err(Error::Usage)?;
    let mut out = output::Output::stdout();
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &view::to_json(&rules))
                .map_err(|e| output::write_err(e.into()))?;
            writeln!(out).map_err(output::write_err)?;
        }
        RulesFormat::Markdown => {
            view::write_markdown(&rules, &mut out).map_err(output::write_err)?
        }
        RulesFormat::Table if args.rules.is_empty() => {
            let style = TableStyle {
                color: term.color_stdout,
                ascii: false,
                width: term.width,
            };
            view::write_table(&rules, style, &mut out).map_err(output::write_err)?;
        }
        RulesFormat::Table => {
            let width = term.width.unwrap_or(80).min(MAX_HELP_WIDTH);
            view::write_help(&rules, Styles::for_stdout(term), width, &mut out)
                .map_err(output::write_err)?;
        }
    }
    out.commit()?;
    Ok(Exit::Success)
}
