//! SARIF 2.1.0 for code-scanning tools. Results carry logical locations (service/operation) and
//! fingerprints computed from the rule and that location only, never from trace or span ids, so
//! the same problem is the same alert across runs.

use serde_json::{Value, json};

use crate::analysis::findings::{Finding, Severity, stable_hash};
use crate::analysis::rules::Rule;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A SARIF `artifactLocation.uri` (RFC 3986): a relative path stays relative (to the working
/// directory, as code-scanning tools expect); an absolute one becomes a `file:` URI. Characters
/// outside the unreserved set and `/` are percent-encoded.
pub fn file_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::with_capacity(p.len() + 8);
    let drive = p.as_bytes().get(1) == Some(&b':') && p.as_bytes()[0].is_ascii_alphabetic();
    if p.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, b) in p.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && i == 1 && b == b':');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `reportingDescriptor`: the table's metadata of a rule, or for a rule outside the table (a
/// lint config's custom rule) its id and the severity of its first finding.
fn descriptor(id: &str, rule: Option<&Rule>, severity: Severity) -> Value {
    let name = id.replace(['/', '-'], "_");
    let Some(r) = rule else {
        return json!({
            "id": id,
            "name": name,
            "shortDescription": {"text": id},
            "fullDescription": {"text": id},
            "defaultConfiguration": {"level": level(severity)},
        });
    };
    let uri = r.help_uri();
    json!({
        "id": r.id,
        "name": name,
        "shortDescription": {"text": r.description},
        "fullDescription": {"text": format!("{} {}", r.description, r.help)},
        "help": {
            "text": format!("{}\n\nSee {uri}", r.help),
            "markdown": format!("{}\n\n[{} in the tracekit README]({uri})", r.help, r.id),
        },
        "helpUri": uri,
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"tags": [r.family()]},
    })
}

/// `rules`: the rule table (descriptors of the rules that have findings are included);
/// `inputs`: the source arguments; with exactly one file, results point at it.
pub fn document(findings: &[Finding], rules: &[Rule], inputs: &[String]) -> Value {
    // The rules with findings, sorted by id; `ruleIndex` points into this list.
    let mut used: Vec<(&str, Severity)> = Vec::new();
    for f in findings {
        if !used.iter().any(|(id, _)| *id == f.rule) {
            used.push((&f.rule, f.severity));
        }
    }
    used.sort_by(|a, b| a.0.cmp(b.0));
    let rule_objs: Vec<Value> = used
        .iter()
        .map(|&(id, sev)| descriptor(id, rules.iter().find(|r| r.id == id), sev))
        .collect();
    let artifact = match inputs {
        [one] if one != "-" => Some(one.as_str()),
        _ => None,
    };
    let artifact_len = artifact
        .and_then(|a| std::fs::metadata(a).ok())
        .map(|m| m.len());
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let idx = used.iter().position(|(id, _)| *id == f.rule).unwrap_or(0);
            let logical = match (&f.service, &f.operation) {
                (Some(s), Some(o)) => Some(format!("{s}/{o}")),
                (Some(s), None) => Some(s.clone()),
                _ => None,
            };
            let mut loc = serde_json::Map::new();
            if let Some(a) = artifact {
                let mut phys = json!({"artifactLocation": {"uri": file_uri(a)}});
                // The finding concerns the whole file: a region covering all of its bytes.
                if let Some(len) = artifact_len {
                    phys["region"] = json!({"byteOffset": 0, "byteLength": len});
                }
                loc.insert("physicalLocation".into(), phys);
            }
            if let Some(l) = &logical {
                loc.insert("logicalLocations".into(), json!([{"name": l, "fullyQualifiedName": l, "kind": "function"}]));
            }
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": idx,
                "level": level(f.severity),
                "message": {"text": f.message},
                "partialFingerprints": {"tracekitFingerprint/v1": format!("{:016x}", stable_hash(&f.fingerprint_key()))},
                "properties": {
                    "trace_id": f.trace_id.map(|t| t.to_string()),
                    "span_id": f.span_id.map(|s| s.to_string()),
                },
            });
            if !loc.is_empty() {
                r["locations"] = json!([Value::Object(loc)]);
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tracekit",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/tracekit",
                "rules": rule_objs,
            }},
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::file_uri;

    #[test]
    fn uris() {
        assert_eq!(file_uri("traces/a b.json"), "traces/a%20b.json");
        assert_eq!(file_uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(file_uri("C:\\t\\x.json"), "file:///C:/t/x.json");
        assert_eq!(file_uri("ü.json"), "%C3%BC.json");
    }
}
