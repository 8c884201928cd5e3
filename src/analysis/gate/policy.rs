//! The gate policy file (TOML): named span selectors and assertions over them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::selector::{Selector, SelectorSpec};
use crate::analysis::findings::Severity;
use crate::analysis::percentile::Percentile;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Example trace ids listed per failed assertion.
    pub examples: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageSpec {
    pub name: Option<String>,
    pub selector: String,
    /// Share of traces in which the selector must match ("100%", "0.95" or 95).
    #[serde(default = "all")]
    pub min_traces: Share,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributesSpec {
    pub name: Option<String>,
    pub selector: String,
    pub required: Vec<String>,
    /// Share of the matched spans that must carry every required attribute.
    #[serde(default = "all")]
    pub min_share: Share,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesSpec {
    pub name: Option<String>,
    pub required: Vec<String>,
    /// Share of traces each service must appear in (default: at least one trace).
    pub min_traces: Option<Share>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    pub name: Option<String>,
    /// Spans that must have the parent.
    pub selector: String,
    /// What their parent must match.
    pub parent: String,
    #[serde(default = "all")]
    pub min_share: Share,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    pub name: Option<String>,
    /// Spans measured (omit for all spans).
    pub selector: Option<String>,
    /// Conditions that must hold, e.g. "p99(duration) < 300ms", "error_rate <= 1%".
    pub assert: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: Option<String>,
    /// Rule ids or families with a trailing `*` (e.g. "completeness/*").
    pub rules: Vec<String>,
    /// Findings at or above this severity count.
    #[serde(default = "warning")]
    pub min_severity: Severity,
    /// How many such findings are allowed.
    #[serde(default)]
    pub max_count: u64,
}

fn all() -> Share {
    Share(1.0)
}

fn warning() -> Severity {
    Severity::Warning
}

/// A share from 0 to 1, written as "95%", 0.95 or 95 (numbers above 1 are percentages).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        let v = match Raw::deserialize(d)? {
            Raw::N(n) => n,
            Raw::S(s) => parse_share(&s).map_err(serde::de::Error::custom)?,
        };
        let v = if v > 1.0 { v / 100.0 } else { v };
        if !(0.0..=1.0).contains(&v) {
            return Err(serde::de::Error::custom(
                "a share must be between 0% and 100%",
            ));
        }
        Ok(Share(v))
    }
}

pub fn parse_share(s: &str) -> Result<f64, String> {
    let t = s.trim();
    match t.strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<f64>()
            .map(|v| v / 100.0)
            .map_err(|_| format!("invalid percentage {s:?}")),
        None => t
            .parse::<f64>()
            .map_err(|_| format!("invalid share {s:?}: use e.g. 95% or 0.95")),
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "note" => Ok(Severity::Note),
            _ => Err(serde::de::Error::custom(format!(
                "unknown severity {s:?}: use error, warning or note"
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub selectors: BTreeMap<String, SelectorSpec>,
    #[serde(default)]
    pub coverage: Vec<CoverageSpec>,
    #[serde(default)]
    pub attributes: Vec<AttributesSpec>,
    #[serde(default)]
    pub services: Vec<ServicesSpec>,
    #[serde(default)]
    pub relations: Vec<RelationSpec>,
    #[serde(default)]
    pub budgets: Vec<BudgetSpec>,
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// A parsed and validated policy.
pub struct Policy {
    pub file: PolicyFile,
    pub selectors: BTreeMap<String, Selector>,
    /// Selector names with every `child_of` parent before its children.
    pub order: Vec<String>,
    pub budgets: Vec<Vec<Condition>>,
}

/// `METRIC OP VALUE` of a budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub text: String,
    pub metric: Metric,
    pub op: Op,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field {
    Duration,
    SelfTime,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    Percentile(Percentile, Field),
    Max(Field),
    Mean(Field),
    ErrorRate,
    Count,
    /// Most matched spans in one trace.
    SpansPerTrace,
    /// Share of all critical-path time owned by the matched spans.
    CriticalPathShare,
}

impl Metric {
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Metric::Percentile(..) | Metric::Max(_) | Metric::Mean(_)
        )
    }

    pub fn is_share(self) -> bool {
        matches!(self, Metric::ErrorRate | Metric::CriticalPathShare)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

impl Op {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
        }
    }
}

pub fn parse_condition(text: &str) -> Result<Condition, String> {
    let t = text.trim();
    let ops = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    let (pos, len, op) = ops
        .iter()
        .filter_map(|(s, op)| t.find(s).map(|p| (p, s.len(), *op)))
        .min_by_key(|(p, l, _)| (*p, usize::MAX - l))
        .ok_or_else(|| format!("condition {text:?} has no comparison (<, <=, >, >=, ==)"))?;
    let lhs = t[..pos].trim().to_ascii_lowercase();
    let rhs = t[pos + len..].trim();
    let field = |inner: &str| match inner.trim() {
        "duration" | "" => Ok(Field::Duration),
        "self" | "self_time" => Ok(Field::SelfTime),
        other => Err(format!(
            "unknown field {other:?} in {text:?}: use duration or self"
        )),
    };
    let metric = if let Some(rest) = lhs
        .strip_prefix('p')
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        let (num, inner) = rest
            .split_once('(')
            .map(|(n, i)| (n, i.trim_end_matches(')')))
            .unwrap_or((rest, ""));
        Metric::Percentile(Percentile::parse(&num.replace('_', "."))?, field(inner)?)
    } else if let Some(inner) = lhs.strip_prefix("max(") {
        Metric::Max(field(inner.trim_end_matches(')'))?)
    } else if let Some(inner) = lhs.strip_prefix("mean(") {
        Metric::Mean(field(inner.trim_end_matches(')'))?)
    } else {
        match lhs.as_str() {
            "max" => Metric::Max(Field::Duration),
            "error_rate" | "errors" => Metric::ErrorRate,
            "count" => Metric::Count,
            "spans_per_trace" => Metric::SpansPerTrace,
            "critical_path_share" => Metric::CriticalPathShare,
            other => return Err(format!("unknown metric {other:?} in {text:?}")),
        }
    };
    let value = if metric.is_time() {
        // The same reading as the duration flags: a unit is required (only 0 may go without).
        crate::units::parse_duration(rhs).map_err(|e| format!("{e} in {text:?}"))? as f64
    } else if metric.is_share() {
        let v = parse_share(rhs)?;
        if rhs.ends_with('%') || v <= 1.0 {
            v
        } else {
            v / 100.0
        }
    } else {
        rhs.parse::<f64>()
            .map_err(|_| format!("invalid number {rhs:?} in {text:?}"))?
    };
    Ok(Condition {
        text: t.to_string(),
        metric,
        op,
        value,
    })
}

impl Policy {
    /// Parse and validate; errors name the file and line (exit code 2).
    pub fn parse(text: &str, file: &str) -> Result<Self, String> {
        let pf: PolicyFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("{file}:{line}: ")
                })
                .unwrap_or_else(|| format!("{file}: "));
            format!("{at}{}", e.message())
        })?;
        let mut selectors = BTreeMap::new();
        for (name, spec) in &pf.selectors {
            selectors.insert(
                name.clone(),
                Selector::compile(name, spec)
                    .map_err(|e| format!("{file}: selector {name:?}: {e}"))?,
            );
        }
        let order = parent_first_order(&selectors).map_err(|e| format!("{file}: {e}"))?;
        let known = |s: &str, what: &str| {
            if s == "*" || selectors.contains_key(s) {
                Ok(())
            } else {
                Err(format!(
                    "{file}: {what} names unknown selector {s:?} (define it under [selectors.{s}])"
                ))
            }
        };
        for c in &pf.coverage {
            known(&c.selector, "a coverage assertion")?;
        }
        for a in &pf.attributes {
            known(&a.selector, "an attributes assertion")?;
        }
        for r in &pf.relations {
            known(&r.selector, "a relations assertion")?;
            known(&r.parent, "a relations assertion")?;
        }
        let mut budgets = Vec::new();
        for b in &pf.budgets {
            if let Some(s) = &b.selector {
                known(s, "a budget")?;
            }
            budgets.push(
                b.assert
                    .iter()
                    .map(|c| parse_condition(c).map_err(|e| format!("{file}: budget: {e}")))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(Policy {
            file: pf,
            selectors,
            order,
            budgets,
        })
    }
}

/// The selectors ordered parents first, or the first chain that names an unknown selector or
/// loops. Each selector is visited once: O(n) for any shape of `child_of` chains (a 10,000-long
/// chain took over a minute when every selector walked its whole chain).
fn parent_first_order(selectors: &BTreeMap<String, Selector>) -> Result<Vec<String>, String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark: BTreeMap<&str, Mark> =
        selectors.keys().map(|k| (k.as_str(), Mark::New)).collect();
    let mut order = Vec::with_capacity(selectors.len());
    for name in selectors.keys() {
        // Walk up to a selector already placed (or a root), then place the path top-down.
        let mut path: Vec<&str> = Vec::new();
        let mut cur = Some(name.as_str());
        while let Some(n) = cur {
            match mark[n] {
                Mark::Done => break,
                Mark::OnPath => {
                    return Err(format!(
                        "selector {name:?}: child_of chain loops through {n:?}"
                    ));
                }
                Mark::New => {}
            }
            mark.insert(n, Mark::OnPath);
            path.push(n);
            cur = match selectors[n].child_of.as_deref() {
                Some(p) if !selectors.contains_key(p) => {
                    return Err(format!(
                        "selector {n:?}: child_of names unknown selector {p:?}"
                    ));
                }
                other => other,
            };
        }
        for n in path.into_iter().rev() {
            mark.insert(n, Mark::Done);
            order.push(n.to_string());
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions() {
        let c = parse_condition("p99(duration) < 300ms").unwrap();
        assert_eq!(
            c.metric,
            Metric::Percentile(Percentile::new(99.0).unwrap(), Field::Duration)
        );
        assert_eq!(c.value, 300_000_000.0);
        assert_eq!(c.op, Op::Lt);
        let c = parse_condition("error_rate <= 1%").unwrap();
        assert_eq!((c.metric, c.op, c.value), (Metric::ErrorRate, Op::Le, 0.01));
        let c = parse_condition("p99.9(self) <= 5ms").unwrap();
        assert_eq!(
            c.metric,
            Metric::Percentile(Percentile::new(99.9).unwrap(), Field::SelfTime)
        );
        assert_eq!(
            parse_condition("spans_per_trace <= 200").unwrap().value,
            200.0
        );
        assert_eq!(
            parse_condition("critical_path_share < 50%").unwrap().value,
            0.5
        );
        assert!(parse_condition("p99(duration) 300ms").is_err());
        assert!(parse_condition("latency < 3ms").is_err());
    }

    #[test]
    fn time_conditions_need_a_unit_like_the_flags() {
        let e = parse_condition("p99(duration) < 300").unwrap_err();
        assert!(e.contains("a duration needs a unit: 300ms"), "{e}");
        assert!(e.contains("p99(duration) < 300"), "{e}");
        assert_eq!(parse_condition("max(self) <= 0").unwrap().value, 0.0);
        // Counts are numbers, not durations.
        assert_eq!(parse_condition("count >= 3").unwrap().value, 3.0);
    }

    #[test]
    fn policy_errors_name_the_line() {
        let e = Policy::parse("[selectors.a]\nservice = 1\n", "p.toml")
            .err()
            .unwrap();
        assert!(e.starts_with("p.toml:2:"), "{e}");
        let e = Policy::parse("[[coverage]]\nselector = \"nope\"\n", "p.toml")
            .err()
            .unwrap();
        assert!(e.contains("unknown selector"), "{e}");
        let e = Policy::parse(
            "[selectors.a]\nchild_of = \"b\"\n[selectors.b]\nchild_of = \"a\"\n",
            "p.toml",
        )
        .err()
        .unwrap();
        assert!(e.contains("loops"), "{e}");
    }
}
