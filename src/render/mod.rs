//! Renderers: every one writes to `&mut dyn Write` and never decides exit codes.

pub mod critical_path;
pub mod diff;
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
pub mod style;
pub mod table;
#[cfg(test)]
pub(crate) mod testkit;
pub mod trace_list;
pub mod waterfall;
