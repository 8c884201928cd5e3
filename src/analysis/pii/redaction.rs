//! `--emit-redaction-config FILE`: an OpenTelemetry Collector (contrib) `redaction` processor
//! configuration that masks what lint found. Options used, as the processor documents them:
//! `allow_all_keys` (keep every attribute; only mask), `blocked_key_patterns` (regexes on keys:
//! the whole value is masked), `blocked_values` (regexes on values: the matching part is
//! masked), `allowed_values` (win over blocked values), `ignored_keys` (never touched),
//! `redact_all_types` (also look at non-string values, e.g. card numbers stored as integers),
//! `summary` (`debug` lists the masked keys on each span, `info` only counts them, `silent`
//! adds nothing) and `db_sanitizer.sql` (replaces literals in the listed attributes). The
//! processor masks span, resource and span-event attributes; it does not touch span names,
//! event names, status messages or link attributes: those findings are listed as comments.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::collect::PiiAcc;
use super::config::{LintConfig, glob_source};
use super::{Kind, Location, RuleKey};

/// A value pattern per rule, in the RE2 syntax the Collector uses (also valid for Rust's regex).
pub fn value_pattern(rule: Kind) -> Option<&'static str> {
    Some(match rule {
        Kind::Email => r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        Kind::CreditCard => {
            r"\b(?:4[0-9]{3}|5[1-5][0-9]{2}|2[2-7][0-9]{2}|6(?:011|5[0-9]{2}|4[4-9][0-9])|35[0-9]{2})(?:[ -]?[0-9]{4}){3}(?:[0-9]{3})?\b|\b3[47][0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{5}\b"
        }
        Kind::UsSsn => r"\b[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}\b",
        Kind::Iban => r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
        Kind::Phone => r"\+[1-9][0-9 ().-]{6,22}[0-9]",
        Kind::IpAddress => {
            r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b|\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\b"
        }
        Kind::Jwt => r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
        Kind::BearerToken => r"(?i)\b(?:bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}",
        Kind::BasicAuth => r"(?i)\bbasic\s+[A-Za-z0-9+/=]{8,}",
        Kind::AwsAccessKey => r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
        Kind::ApiToken => {
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20}|xox[baprs]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}|AIza[A-Za-z0-9_-]{35})"
        }
        Kind::UrlCredentials => r"[^/\s:@]+:[^/\s@]+@",
        Kind::PrivateKey => {
            r"(?s)-----BEGIN[ A-Z0-9_-]*PRIVATE KEY-----.*?-----END[ A-Z0-9_-]*PRIVATE KEY-----"
        }
        Kind::SignedUrl | Kind::SecretKeyName | Kind::SqlLiteral => return None,
    })
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Build the YAML. `spans`/`traces` are quoted in the header comment.
pub fn redaction_yaml(pii: &PiiAcc, cfg: &LintConfig, spans: u64, traces: u64) -> String {
    let mut keys: BTreeSet<String> = BTreeSet::new();
    let mut values: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut params: BTreeSet<String> = BTreeSet::new();
    let mut sql_keys: BTreeSet<String> = BTreeSet::new();
    let mut uncovered: BTreeMap<(String, &'static str), u64> = BTreeMap::new();
    let mut all_types = false;
    for (gk, g) in &pii.groups {
        let id = match gk.rule {
            RuleKey::Builtin(r) => r.id().to_string(),
            RuleKey::Custom(i) => cfg
                .custom
                .get(usize::from(i))
                .map_or_else(String::new, |c| c.id.clone()),
        };
        let covered = matches!(
            gk.location,
            Location::SpanAttribute | Location::ResourceAttribute | Location::EventAttribute
        );
        if !covered {
            *uncovered.entry((id, gk.location.describe())).or_default() += g.count;
            continue;
        }
        all_types |= g.non_string;
        let key = gk.key.as_deref().unwrap_or("");
        match gk.rule {
            RuleKey::Builtin(Kind::SecretKeyName) => {
                keys.insert(format!("^{}$", regex::escape(key)));
            }
            RuleKey::Builtin(Kind::SqlLiteral) => {
                sql_keys.insert(key.to_string());
            }
            RuleKey::Builtin(Kind::SignedUrl) => {
                if let Some(p) = &g.detail {
                    params.insert(p.clone());
                }
            }
            RuleKey::Builtin(r) => {
                if let Some(p) = value_pattern(r) {
                    values
                        .entry(p.to_string())
                        .or_insert_with(|| (id.clone(), 0))
                        .1 += g.count;
                }
            }
            RuleKey::Custom(i) => {
                if let Some(c) = cfg.custom.get(usize::from(i)) {
                    values
                        .entry(c.pattern.as_str().to_string())
                        .or_insert_with(|| (id.clone(), 0))
                        .1 += g.count;
                }
            }
        }
    }
    if !params.is_empty() {
        let names: Vec<String> = params.iter().map(|p| regex::escape(p)).collect();
        let p = format!("(?:[?&;])(?:{})=[^&#\\s]+", names.join("|"));
        values.insert(p, (Kind::SignedUrl.id().to_string(), 0));
    }
    let allowed_values: BTreeSet<&str> = cfg
        .allow
        .iter()
        .filter(|a| a.rules.is_empty() && a.key_globs.is_empty() && a.services.is_empty())
        .flat_map(|a| a.value_patterns.iter().map(String::as_str))
        .collect();
    let ignored: BTreeSet<&str> = cfg
        .allow
        .iter()
        .filter(|a| a.rules.is_empty() && a.value_patterns.is_empty() && a.services.is_empty())
        .flat_map(|a| a.key_globs.iter().map(String::as_str))
        .filter(|k| !k.contains(['*', '?']))
        .collect();
    let glob_ignored: BTreeSet<String> = cfg
        .allow
        .iter()
        .filter(|a| a.rules.is_empty() && a.value_patterns.is_empty() && a.services.is_empty())
        .flat_map(|a| {
            a.key_globs
                .iter()
                .filter(|k| k.contains(['*', '?']))
                .map(|k| glob_source(k))
        })
        .collect();

    let mut y = String::new();
    let w = &mut y;
    let _ = writeln!(
        w,
        "# OpenTelemetry Collector `redaction` processor (contrib), generated by `tracekit lint`"
    );
    let _ = writeln!(
        w,
        "# from {spans} spans in {traces} traces. It masks what lint found; review before use."
    );
    let _ = writeln!(w, "# Add it to the traces pipeline, e.g.:");
    let _ = writeln!(
        w,
        "#   service:\n#     pipelines:\n#       traces:\n#         processors: [redaction/tracekit, batch]"
    );
    let _ = writeln!(w, "processors:\n  redaction/tracekit:");
    let _ = writeln!(
        w,
        "    # Keep every attribute; only mask what matches below.\n    allow_all_keys: true"
    );
    let _ = writeln!(
        w,
        "    # Keys named like secrets (pii/secret-key-name): the whole value is masked."
    );
    list(
        w,
        "blocked_key_patterns",
        keys.iter().map(|k| (k.as_str(), None)),
    );
    let _ = writeln!(
        w,
        "    # Value kinds found: the matching part of any attribute value is masked. The processor"
    );
    let _ = writeln!(
        w,
        "    # cannot validate (Luhn, mod-97, SSN ranges), so ids of the same shape are masked too."
    );
    list(
        w,
        "blocked_values",
        values
            .iter()
            .map(|(p, (id, n))| (p.as_str(), Some(format!("{id} ({n} found)")))),
    );
    if !allowed_values.is_empty() {
        let _ = writeln!(
            w,
            "    # From the lint config allowlist: values matching these are never masked."
        );
        list(
            w,
            "allowed_values",
            allowed_values.iter().map(|v| (*v, None)),
        );
    }
    if !ignored.is_empty() {
        let _ = writeln!(
            w,
            "    # From the lint config allowlist: these keys pass unchanged."
        );
        list(w, "ignored_keys", ignored.iter().map(|v| (*v, None)));
    }
    if !glob_ignored.is_empty() {
        let _ = writeln!(
            w,
            "    # Allowlisted key globs (needs a Collector version with ignored_key_patterns)."
        );
        list(
            w,
            "ignored_key_patterns",
            glob_ignored.iter().map(|v| (v.as_str(), None)),
        );
    }
    if all_types {
        let _ = writeln!(
            w,
            "    # Some findings were in integer attributes: check non-string values too.\n    redact_all_types: true"
        );
    }
    let _ = writeln!(
        w,
        "    # `debug` would add the names of masked keys to every span; `info` only counts them.\n    summary: info"
    );
    if !sql_keys.is_empty() {
        let _ = writeln!(
            w,
            "    # Statements with literals (pii/sql-literal): replace literals with `?`."
        );
        let _ = writeln!(w, "    db_sanitizer:\n      sql:\n        enabled: true");
        let attrs: Vec<String> = sql_keys.iter().map(|k| q(k)).collect();
        let _ = writeln!(w, "        attributes: [{}]", attrs.join(", "));
    }
    if !uncovered.is_empty() {
        let _ = writeln!(
            w,
            "# Not covered by the processor (span names, event names, status messages and link"
        );
        let _ = writeln!(
            w,
            "# attributes are not redacted): fix these at the source."
        );
        for ((id, place), n) in &uncovered {
            let _ = writeln!(w, "#   {id} in {place}s: {n} found");
        }
    }
    y
}

fn list<'a>(w: &mut String, name: &str, items: impl Iterator<Item = (&'a str, Option<String>)>) {
    let items: Vec<_> = items.collect();
    if items.is_empty() {
        let _ = writeln!(w, "    {name}: []");
        return;
    }
    let _ = writeln!(w, "    {name}:");
    for (v, comment) in items {
        if let Some(c) = comment {
            let _ = writeln!(w, "      # {c}");
        }
        let _ = writeln!(w, "      - {}", q(v));
    }
}
