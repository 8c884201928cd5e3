//! Renderers: every one writes to `&mut dyn Write` and never decides exit codes.

pub mod backend_docs;
pub mod critical_path;
pub mod diff;
pub mod doc;
pub mod export;
pub mod findings;
pub mod gate;
pub mod github;
pub mod junit;
pub mod rules;
pub mod sarif;
pub mod show_json;
pub mod skew;
pub mod span_view;
pub mod stats;
pub mod table;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace_list;
pub mod waterfall;
/// How the table commands (stats, critical-path, skew) draw their result (`--format`).
#[derive(Debug, Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// A table for the terminal
    Table,
    /// JSON (schema tracekit.<command>/v1)
    Json,
    /// Comma-separated values with a header row
    Csv,
    /// A GitHub-flavoured Markdown table
    Markdown,
}
