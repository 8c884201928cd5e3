//! The rule table (`tracekit rules`): a terminal table, the long help of chosen rules, JSON
//! (`tracekit.rules/v1`) and the Markdown table of the README.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::table::{TableData, TableStyle, write_markdown as markdown_table, write_table as table};
use crate::analysis::findings::Severity;
use crate::analysis::rules::Rule;
use crate::term::style::{Styles, sgr};

fn commands(r: &Rule) -> String {
    r.commands
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `tracekit.rules/v1`: the rule table.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesDoc {
    pub rules: Vec<RuleDoc>,
    #[schemars(extend("const" = "tracekit.rules/v1"))]
    pub schema: &'static str,
}

/// One rule.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// The commands that report the rule.
    pub commands: Vec<&'static str>,
    pub description: &'static str,
    /// The part of the id before the slash.
    pub family: &'static str,
    pub help: &'static str,
    pub help_uri: String,
    pub id: &'static str,
    /// Default severity: error, warning or note.
    pub severity: &'static str,
}

pub fn doc(rules: &[&Rule]) -> RulesDoc {
    RulesDoc {
        rules: rules
            .iter()
            .map(|r| RuleDoc {
                id: r.id,
                family: r.family(),
                severity: r.severity.as_str(),
                commands: r.commands.iter().map(|c| c.as_str()).collect(),
                description: r.description,
                help: r.help,
                help_uri: r.help_uri(),
            })
            .collect(),
        schema: "tracekit.rules/v1",
    }
}

/// `{"schema":"tracekit.rules/v1","rules":[…]}`.
pub fn to_json(rules: &[&Rule]) -> Value {
    super::doc::to_value(&doc(rules))
}

/// One row per rule: id, default severity, the commands that report it, the description.
pub fn write_table(rules: &[&Rule], style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    let mut t = TableData::new(&[
        ("RULE", false),
        ("SEVERITY", false),
        ("COMMANDS", false),
        ("DESCRIPTION", false),
    ]);
    for r in rules {
        t.push(vec![
            r.id.to_string(),
            r.severity.as_str().to_string(),
            commands(r),
            r.description.to_string(),
        ]);
    }
    table(&t, style, out)
}

/// The README's table: GitHub-flavoured Markdown, each row carrying the rule's anchor (which
/// SARIF `helpUri`s point at).
pub fn write_markdown(rules: &[&Rule], out: &mut dyn Write) -> io::Result<()> {
    let mut t = TableData::new(&[
        ("rule", false),
        ("severity", false),
        ("reported by", false),
        ("description", false),
    ]);
    for r in rules {
        t.push(vec![
            format!("<a id=\"{}\"></a>`{}`", r.anchor(), r.id),
            r.severity.as_str().to_string(),
            commands(r),
            r.description.to_string(),
        ]);
    }
    markdown_table(&t, out)
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => sgr::ERROR_BOLD,
        Severity::Warning => sgr::WARN,
        Severity::Note => sgr::NONE,
    }
}

/// Greedy word wrap of `text` to lines of at most `width` characters (a longer word gets a
/// line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The long help of each rule: id, severity and commands, the description, the help wrapped
/// to `width` columns, and the link to the README.
pub fn write_help(
    rules: &[&Rule],
    styles: Styles,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = width.saturating_sub(2).max(20);
    for (n, r) in rules.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let mut head = String::new();
        styles.paint(&mut head, sgr::BOLD, r.id);
        head.push_str("  ");
        styles.paint(&mut head, severity_color(r.severity), r.severity.as_str());
        head.push_str(&format!("  ({})", commands(r)));
        writeln!(out, "{head}")?;
        for l in wrap(r.description, width) {
            writeln!(out, "  {l}")?;
        }
        writeln!(out)?;
        for l in wrap(r.help, width) {
            writeln!(out, "  {l}")?;
        }
        writeln!(out)?;
        writeln!(out, "  {}", r.help_uri())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(
            wrap("aa bb cc dd", 5),
            vec!["aa bb".to_string(), "cc dd".to_string()]
        );
        assert_eq!(wrap("a verylongword b", 4), vec!["a", "verylongword", "b"]);
        assert!(wrap("  ", 10).is_empty());
    }
}
