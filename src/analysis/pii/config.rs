//! The lint config file (`--config FILE`, TOML): rules to disable, severity overrides,
//! allowlists, custom pattern rules, cardinality settings. Every mistake is reported as
//! `FILE:LINE:COLUMN: what is wrong` (exit 2).
//!
//! ```toml
//! disable = ["pii/ip-address"]
//!
//! [severity]
//! "pii/email" = "error"          # error | warning | note | off
//!
//! [[allow]]                       # every field optional; all given must match
//! rules = ["pii/email"]           # rule ids or families (`pii/*`)
//! keys = ["support.*"]            # attribute key globs (`*`, `?`)
//! values = ['@mycompany\.com$']   # regexes on the matched text or the whole value
//! services = ["billing"]
//!
//! [[rules]]
//! id = "pii/employee-id"
//! pattern = "EMP-[0-9]{6}"
//! keys = ["user.*"]               # optional: default every attribute, name and message
//! severity = "warning"
//! summary = "an employee id"
//!
//! [cardinality]
//! max = 200                       # like --max-cardinality (the flag wins)
//! expected = ["order.id"]         # keys unique by design: listed, never flagged
//!
//! [pii]
//! report_reserved_domains = false # also report example.com / .test addresses
//! ```

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::findings::Severity;
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: HashMap<String, Spanned<String>>,
    #[serde(default)]
    allow: Vec<RawAllow>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    cardinality: RawCardinality,
    #[serde(default)]
    pii: RawPii,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    keys: Vec<Spanned<String>>,
    #[serde(default)]
    values: Vec<Spanned<String>>,
    #[serde(default)]
    services: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    pattern: Spanned<String>,
    keys: Option<Vec<Spanned<String>>>,
    severity: Option<Spanned<String>>,
    summary: Option<String>,
    help: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCardinality {
    max: Option<usize>,
    #[serde(default)]
    expected: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPii {
    #[serde(default)]
    report_reserved_domains: bool,
}

/// One allowlist entry: a finding is dropped when every given condition matches.
#[derive(Clone, Debug, Default)]
pub struct Allow {
    /// Rule ids or `family/*`; empty = every rule.
    pub rules: Vec<String>,
    pub keys: Option<Regex>,
    pub values: Option<Regex>,
    pub services: Vec<String>,
    /// The entry as written, for the redaction config (exact keys, value patterns).
    pub key_globs: Vec<String>,
    pub value_patterns: Vec<String>,
}

/// A config-defined pattern rule.
#[derive(Clone, Debug)]
pub struct CustomRule {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub help: String,
    pub pattern: Regex,
    pub keys: Option<Regex>,
}

#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    pub disabled: HashSet<String>,
    pub severity: HashMap<String, Severity>,
    pub allow: Vec<Allow>,
    pub custom: Vec<CustomRule>,
    pub max_cardinality: Option<usize>,
    pub expected_keys: Option<Regex>,
    pub report_reserved_domains: bool,
}

/// Turn a key glob (`user.*`, `http.request.header.x-?`) into an anchored regex source.
pub fn glob_source(glob: &str) -> String {
    let mut s = String::from("^");
    for part in glob.split_inclusive(['*', '?']) {
        let (lit, wild) = match part.chars().last() {
            Some(w @ ('*' | '?')) => (&part[..part.len() - 1], Some(w)),
            _ => (part, None),
        };
        s.push_str(&regex::escape(lit));
        match wild {
            Some('*') => s.push_str(".*"),
            Some(_) => s.push('.'),
            None => {}
        }
    }
    s.push('$');
    s
}

impl LintConfig {
    /// Read and check a config file.
    pub fn load(path: &std::path::Path) -> Result<LintConfig, Error> {
        let text =
            crate::input::source::read_small_text(path, crate::input::source::SmallFile::Config)
                .map_err(|e| Error::usage(format!("cannot read config {}: {e}", path.display())))?;
        LintConfig::parse(&text, &path.display().to_string())
    }

    /// Parse config text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<LintConfig, Error> {
        let err = |span: Option<Range<usize>>, msg: &str| {
            let (line, col) = line_col(text, span.map_or(0, |s| s.start));
            Error::usage(format!("{file}:{line}:{col}: {msg}"))
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            err(e.span(), &msg)
        })?;
        let mut cfg = LintConfig {
            max_cardinality: raw.cardinality.max,
            report_reserved_domains: raw.pii.report_reserved_domains,
            ..LintConfig::default()
        };
        let mut known: Vec<String> = crate::analysis::rules::all_rules()
            .iter()
            .map(|r| r.id.to_string())
            .collect();
        for r in &raw.rules {
            let id = r.id.get_ref();
            let valid = id.split_once('/').is_some_and(|(f, n)| {
                let ok = |s: &str| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                };
                ok(f) && ok(n)
            });
            if !valid {
                return Err(err(
                    Some(r.id.span()),
                    &format!("rule id {id:?} must be lowercase `family/name`"),
                ));
            }
            if known.contains(id) {
                return Err(err(
                    Some(r.id.span()),
                    &format!("rule id {id:?} is already defined"),
                ));
            }
            if cfg.custom.len() >= 64 {
                return Err(err(Some(r.id.span()), "at most 64 custom rules"));
            }
            let pattern =
                compile(r.pattern.get_ref()).map_err(|m| err(Some(r.pattern.span()), &m))?;
            if pattern.is_match("") {
                return Err(err(
                    Some(r.pattern.span()),
                    "the pattern matches the empty string",
                ));
            }
            let keys = match &r.keys {
                Some(globs) if !globs.is_empty() => {
                    Some(globs_regex(globs).map_err(|(s, m)| err(Some(s), &m))?)
                }
                _ => None,
            };
            let severity = match &r.severity {
                Some(s) => parse_severity(s.get_ref())
                    .ok_or_else(|| err(Some(s.span()), SEV_MSG))?
                    .unwrap_or(Severity::Warning),
                None => Severity::Warning,
            };
            known.push(id.clone());
            cfg.custom.push(CustomRule {
                id: id.clone(),
                severity,
                summary: r
                    .summary
                    .clone()
                    .unwrap_or_else(|| format!("matches the pattern `{}`", r.pattern.get_ref())),
                help: r
                    .help
                    .clone()
                    .unwrap_or_else(|| "Defined in the lint config.".to_string()),
                pattern,
                keys,
            });
        }
        let check_rule = |s: &Spanned<String>| -> Result<String, Error> {
            let id = s.get_ref();
            let family_ok = id
                .strip_suffix("/*")
                .is_some_and(|f| known.iter().any(|k| k.starts_with(&format!("{f}/"))));
            if known.contains(id) || family_ok {
                Ok(id.clone())
            } else {
                Err(err(Some(s.span()), &format!("unknown rule {id:?}")))
            }
        };
        for d in &raw.disable {
            cfg.disabled.insert(check_rule(d)?);
        }
        let mut sev: Vec<_> = raw.severity.iter().collect();
        sev.sort_by_key(|(_, v)| v.span().start);
        for (id, value) in sev {
            let spanned = Spanned::new(value.span(), id.clone());
            let id = check_rule(&spanned)?;
            match parse_severity(value.get_ref()).ok_or_else(|| err(Some(value.span()), SEV_MSG))? {
                Some(s) => {
                    cfg.severity.insert(id, s);
                }
                None => {
                    cfg.disabled.insert(id);
                }
            }
        }
        for a in &raw.allow {
            let rules = a
                .rules
                .iter()
                .map(check_rule)
                .collect::<Result<Vec<_>, _>>()?;
            let keys = if a.keys.is_empty() {
                None
            } else {
                Some(globs_regex(&a.keys).map_err(|(s, m)| err(Some(s), &m))?)
            };
            let values = if a.values.is_empty() {
                None
            } else {
                let src: Vec<String> = a
                    .values
                    .iter()
                    .map(|v| format!("(?:{})", v.get_ref()))
                    .collect();
                for v in &a.values {
                    compile(v.get_ref()).map_err(|m| err(Some(v.span()), &m))?;
                }
                Some(
                    compile(&src.join("|"))
                        .map_err(|m| err(a.values.first().map(|v| v.span()), &m))?,
                )
            };
            cfg.allow.push(Allow {
                rules,
                keys,
                values,
                services: a.services.clone(),
                key_globs: a.keys.iter().map(|k| k.get_ref().clone()).collect(),
                value_patterns: a.values.iter().map(|v| v.get_ref().clone()).collect(),
            });
        }
        if !raw.cardinality.expected.is_empty() {
            cfg.expected_keys =
                Some(globs_regex(&raw.cardinality.expected).map_err(|(s, m)| err(Some(s), &m))?);
        }
        Ok(cfg)
    }

    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disabled.contains(rule)
            || rule
                .split_once('/')
                .is_some_and(|(f, _)| self.disabled.contains(&format!("{f}/*")))
    }

    pub fn severity_of(&self, rule: &str, default: Severity) -> Severity {
        self.severity
            .get(rule)
            .or_else(|| {
                rule.split_once('/')
                    .and_then(|(f, _)| self.severity.get(&format!("{f}/*")))
            })
            .copied()
            .unwrap_or(default)
    }

    /// Is a finding allowlisted? `matched` is the matched text, `whole` the whole value (raw:
    /// used here only, never stored).
    pub fn allows(
        &self,
        rule: &str,
        service: &str,
        key: Option<&str>,
        matched: &str,
        whole: &str,
    ) -> bool {
        self.allow.iter().any(|a| {
            let rule_ok = a.rules.is_empty()
                || a.rules.iter().any(|r| {
                    r == rule
                        || r.strip_suffix("/*")
                            .is_some_and(|f| rule.starts_with(&format!("{f}/")))
                });
            let key_ok = match &a.keys {
                None => true,
                Some(re) => key.is_some_and(|k| re.is_match(k)),
            };
            let value_ok = a
                .values
                .as_ref()
                .is_none_or(|re| re.is_match(matched) || re.is_match(whole));
            let service_ok = a.services.is_empty() || a.services.iter().any(|s| s == service);
            rule_ok && key_ok && value_ok && service_ok
        })
    }

    pub fn is_expected_key(&self, key: &str) -> bool {
        self.expected_keys
            .as_ref()
            .is_some_and(|re| re.is_match(key))
    }
}

const SEV_MSG: &str = "severity must be \"error\", \"warning\", \"note\" or \"off\"";

/// `Some(Some(s))` a severity, `Some(None)` off, `None` invalid.
fn parse_severity(s: &str) -> Option<Option<Severity>> {
    Some(match s {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        "off" | "none" => None,
        _ => return None,
    })
}

fn compile(p: &str) -> Result<Regex, String> {
    RegexBuilder::new(p)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            format!(
                "invalid regex: {}",
                e.to_string().lines().last().unwrap_or("").trim()
            )
        })
}

fn globs_regex(globs: &[Spanned<String>]) -> Result<Regex, (Range<usize>, String)> {
    let src: Vec<String> = globs
        .iter()
        .map(|g| format!("(?:{})", glob_source(g.get_ref())))
        .collect();
    let first = globs.first().map_or(0..0, |g| g.span());
    compile(&src.join("|")).map_err(|m| (first, m))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let text = r#"
disable = ["pii/ip-address"]
[severity]
"pii/email" = "error"
"pii/phone" = "off"
[[allow]]
rules = ["pii/*"]
keys = ["test.*"]
[[allow]]
values = ['@mycompany\.com$']
[[rules]]
id = "pii/employee-id"
pattern = "EMP-[0-9]{6}"
keys = ["user.*"]
severity = "warning"
[cardinality]
max = 50
expected = ["order.id", "cart.*"]
"#;
        let c = LintConfig::parse(text, "lint.toml").unwrap();
        assert!(c.is_disabled("pii/ip-address"));
        assert!(c.is_disabled("pii/phone"));
        assert_eq!(
            c.severity_of("pii/email", Severity::Warning),
            Severity::Error
        );
        assert_eq!(c.custom.len(), 1);
        assert!(c.custom[0].keys.as_ref().unwrap().is_match("user.badge"));
        assert!(!c.custom[0].keys.as_ref().unwrap().is_match("xuser.badge"));
        assert!(c.allows("pii/email", "svc", Some("test.x"), "a", "a"));
        assert!(!c.allows("cardinality/attribute", "svc", Some("test.x"), "a", "a"));
        assert!(c.allows("pii/email", "svc", Some("k"), "bob@mycompany.com", "x"));
        assert!(!c.allows("pii/email", "svc", Some("k"), "bob@other.com", "x"));
        assert_eq!(c.max_cardinality, Some(50));
        assert!(c.is_expected_key("cart.items") && !c.is_expected_key("http.route"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = |t: &str| LintConfig::parse(t, "lint.toml").unwrap_err().to_string();
        let m = e("disable = [\"pii/nope\"]\n");
        assert!(m.starts_with("lint.toml:1:12: unknown rule"), "{m}");
        let m = e("\n[[rules]]\nid = \"pii/x\"\npattern = \"EMP-[0-9\"\n");
        assert!(m.starts_with("lint.toml:4:11: invalid regex"), "{m}");
        let m = e("\n\nbogus = 1\n");
        assert!(m.starts_with("lint.toml:3:1:"), "{m}");
        let m = e("[severity]\n\"pii/email\" = \"loud\"\n");
        assert!(m.starts_with("lint.toml:2:15: severity must be"), "{m}");
        let m = e("[[rules]]\nid = \"Bad Id\"\npattern = \"x\"\n");
        assert!(m.starts_with("lint.toml:2:6: rule id"), "{m}");
        let m = e("[[rules]]\nid = \"pii/email\"\npattern = \"x\"\n");
        assert!(m.contains("already defined"), "{m}");
        assert!(matches!(
            LintConfig::parse("x = [", "f").unwrap_err(),
            Error::Usage(_)
        ));
    }

    #[test]
    fn globs() {
        assert_eq!(glob_source("user.*"), r"^user\..*$");
        assert_eq!(glob_source("a?c"), "^a.c$");
        assert_eq!(glob_source("exact"), "^exact$");
    }
}
