//! GitHub Actions: workflow-command annotations and a Markdown step summary.

use std::collections::BTreeMap;

use crate::analysis::findings::{Finding, Severity, Summary};

/// At most this many annotations (GitHub shows only a few per step anyway); one per distinct
/// (rule, location), with the count.
const MAX_ANNOTATIONS: usize = 50;

/// Workflow-command data: `%`, CR and LF percent-encoded as GitHub decodes them; every other
/// control character (ESC, BEL, NUL, …) and bidirectional override escaped as on a terminal
/// (`\x1b`, `\u{202e}`): the runner copies the message into the log raw.
fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::term::escape(&s).into_owned()
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn annotations(findings: &[Finding]) -> Vec<String> {
    let mut seen: BTreeMap<String, (usize, &Finding)> = BTreeMap::new();
    for f in findings {
        seen.entry(f.fingerprint_key()).or_insert((0, f)).0 += 1;
    }
    let mut groups: Vec<(usize, &Finding)> = seen.into_values().collect();
    groups.sort_by(|a, b| b.1.severity.cmp(&a.1.severity).then(b.0.cmp(&a.0)));
    groups
        .into_iter()
        .take(MAX_ANNOTATIONS)
        .map(|(n, f)| {
            let cmd = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut msg = f.message.clone();
            if let Some(t) = f.trace_id {
                msg.push_str(&format!(" (trace {t}"));
                if let Some(s) = f.span_id {
                    msg.push_str(&format!(", span {s}"));
                }
                msg.push(')');
            }
            if n > 1 {
                msg.push_str(&format!(" [{n} occurrences]"));
            }
            format!(
                "::{cmd} title={}::{}",
                escape_property(&format!("tracekit {}", f.rule)),
                escape_data(&msg)
            )
        })
        .collect()
}

pub fn step_summary(command: &str, summary: &Summary) -> String {
    let mut s = format!("### tracekit {command}\n\n");
    s.push_str(&format!(
        "{} trace(s), {} span(s): **{} error(s)**, {} warning(s), {} note(s)\n\n",
        summary.traces, summary.spans, summary.errors, summary.warnings, summary.notes
    ));
    if !summary.rules.is_empty() {
        s.push_str("| rule | severity | findings | traces affected | spans affected |\n|---|---|---:|---:|---:|\n");
        for r in &summary.rules {
            let rate = if summary.traces == 0 {
                0.0
            } else {
                r.traces_affected as f64 * 100.0 / summary.traces as f64
            };
            s.push_str(&format!(
                "| `{}` | {} | {} | {} ({rate:.1}%) | {} |\n",
                r.rule, r.severity, r.findings, r.traces_affected, r.spans_affected
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TraceId;

    #[test]
    fn annotations_escape_and_group() {
        let f = vec![
            Finding::new("pii/email", Severity::Error, "50% of\nvalues")
                .at(TraceId(1), None)
                .on("a", "b"),
            Finding::new("pii/email", Severity::Error, "again")
                .at(TraceId(2), None)
                .on("a", "b"),
        ];
        let a = annotations(&f);
        assert_eq!(a.len(), 1);
        assert!(a[0].starts_with("::error title=tracekit pii/email::50%25 of%0Avalues"));
        assert!(a[0].ends_with("[2 occurrences]"));
    }

    #[test]
    fn annotations_escape_control_characters_and_bidi_overrides() {
        let f = vec![Finding::new(
            "r",
            Severity::Warning,
            "a\x1b[2J\x07\0\u{202e}b\r\n",
        )];
        let a = annotations(&f);
        assert_eq!(
            a[0],
            "::warning title=tracekit r::a\\x1b[2J\\x07\\x00\\u{202e}b%0D%0A"
        );
    }
}
