//! `tracekit rules` and the rule table behind it: the JSON document, the README's Markdown
//! table, the help of chosen rules, and that every other output naming rules (findings of
//! `check` and `lint`, SARIF rule metadata, JUnit test cases) agrees with the table.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::common::*;

/// SPEC "Rules and findings": the rules that must exist.
const SPEC_MINIMUM: &[&str] = &[
    "completeness/orphan-span",
    "completeness/missing-root",
    "completeness/multiple-roots",
    "completeness/duplicate-span-id",
    "completeness/parent-cycle",
    "completeness/client-without-server",
    "completeness/expected-service-missing",
    "timing/negative-duration",
    "timing/child-outside-parent",
    "skew/clock-skew",
    "cardinality/span-name",
    "cardinality/attribute",
    "pii/email",
    "pii/credit-card",
    "pii/us-ssn",
    "pii/phone",
    "pii/ip-address",
    "pii/jwt",
    "pii/bearer-token",
    "pii/aws-access-key",
    "pii/iban",
    "pii/url-credentials",
    "pii/secret-key-name",
];

/// One rule of `tracekit rules --format json`.
#[derive(Clone, Debug)]
struct RuleDoc {
    id: String,
    severity: String,
    commands: Vec<String>,
    description: String,
    help: String,
    help_uri: String,
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key:?} is not a string: {v}"))
        .to_string()
}

/// The table as the binary prints it (`extra` arguments after `rules --format json`).
fn table(extra: &[&str]) -> Vec<RuleDoc> {
    let mut args = vec!["rules", "--format", "json"];
    args.extend_from_slice(extra);
    let doc = run_json(&args);
    assert_eq!(doc["schema"], "tracekit.rules/v1", "{doc}");
    doc["rules"]
        .as_array()
        .expect("rules is a list")
        .iter()
        .map(|r| {
            let id = text(r, "id");
            assert_eq!(
                text(r, "family"),
                id.split_once('/').expect("family/name").0,
                "{r}"
            );
            RuleDoc {
                severity: text(r, "severity"),
                commands: r["commands"]
                    .as_array()
                    .expect("commands is a list")
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
                description: text(r, "description"),
                help: text(r, "help"),
                help_uri: text(r, "help_uri"),
                id,
            }
        })
        .collect()
}

fn by_id(rules: &[RuleDoc]) -> BTreeMap<String, RuleDoc> {
    rules.iter().map(|r| (r.id.clone(), r.clone())).collect()
}

fn ids(rules: &[RuleDoc]) -> BTreeSet<String> {
    rules.iter().map(|r| r.id.clone()).collect()
}

/// The README anchor a rule's help_uri points at.
fn anchor(id: &str) -> String {
    format!("rule-{}", id.replace('/', "-"))
}

#[test]
fn json_lists_every_rule_once_sorted_with_its_metadata() {
    let rules = table(&[]);
    let list: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = list.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(list, sorted, "sorted by id, each once");
    for id in SPEC_MINIMUM {
        assert!(list.contains(id), "{id} missing from {list:?}");
    }
    for r in &rules {
        assert!(
            r.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/'),
            "{}",
            r.id
        );
        assert!(
            ["error", "warning", "note"].contains(&r.severity.as_str()),
            "{r:?}"
        );
        assert!(!r.commands.is_empty(), "{r:?}");
        assert!(
            r.commands
                .iter()
                .all(|c| ["check", "lint", "gate"].contains(&c.as_str())),
            "{r:?}"
        );
        assert!(!r.description.is_empty() && !r.description.contains('\n'));
        assert!(r.help.len() > r.description.len(), "{r:?}");
        assert!(
            r.help_uri.starts_with("https://")
                && r.help_uri
                    .ends_with(&format!("README.md#{}", anchor(&r.id))),
            "{r:?}"
        );
    }
    let r = &by_id(&rules)["pii/credit-card"];
    assert_eq!(
        (r.severity.as_str(), r.commands.as_slice()),
        ("error", &["lint".to_string()][..])
    );
    let r = &by_id(&rules)["completeness/orphan-span"];
    assert_eq!(r.severity, "warning");
    assert_eq!(r.commands, ["check", "gate"]);
}

#[test]
fn command_and_patterns_filter_the_table() {
    let all = table(&[]);
    for cmd in ["check", "lint", "gate"] {
        let got = ids(&table(&["--command", cmd]));
        let want: BTreeSet<String> = all
            .iter()
            .filter(|r| r.commands.iter().any(|c| c == cmd))
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(got, want, "{cmd}");
        assert!(!got.is_empty(), "{cmd}");
    }
    let pii = ids(&table(&["pii/*"]));
    assert!(
        pii.len() >= 11 && pii.iter().all(|id| id.starts_with("pii/")),
        "{pii:?}"
    );
    let two = ids(&table(&[
        "skew/clock-skew",
        "timing/*",
        "--command",
        "check",
    ]));
    assert_eq!(
        two,
        [
            "skew/clock-skew",
            "timing/child-outside-parent",
            "timing/missing-timestamp",
            "timing/negative-duration"
        ]
        .map(String::from)
        .into(),
    );
    assert!(table(&["pii/*", "--command", "check"]).is_empty());
}

#[test]
fn an_unknown_rule_is_a_usage_error() {
    let r = run(["rules", "timing/nope"]);
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(r.stdout.is_empty(), "{}", r.describe());
    let e = r.error_lines();
    assert_eq!(e.len(), 1, "{}", r.describe());
    assert!(e[0].contains("\"timing/nope\""), "{}", r.describe());
}

#[test]
fn the_table_view_has_one_row_per_rule() {
    let rules = table(&[]);
    let r = run(["rules"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        rules.len() + 2,
        "header, rule, rows\n{}",
        r.stdout
    );
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["RULE", "SEVERITY", "COMMANDS", "DESCRIPTION"]
    );
    for (line, rule) in lines[2..].iter().zip(&rules) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[0], rule.id, "{line}");
        assert_eq!(cells[1], rule.severity, "{line}");
        assert!(line.trim_end().ends_with(&rule.description), "{line}");
    }
}

#[test]
fn markdown_is_the_stable_anchored_readme_table() {
    let rules = table(&[]);
    let first = run(["rules", "--format", "markdown"]);
    assert_eq!(first.code, Some(0), "{}", first.describe());
    let second = run(["rules", "--format", "markdown"]);
    assert_eq!(first.stdout, second.stdout, "stable output");
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(
        &lines[..2],
        [
            "| rule | severity | reported by | description |",
            "| --- | --- | --- | --- |"
        ]
    );
    assert_eq!(lines.len(), rules.len() + 2);
    for (line, r) in lines[2..].iter().zip(&rules) {
        let fragment = r.help_uri.rsplit_once('#').unwrap().1;
        assert_eq!(
            *line,
            format!(
                "| <a id=\"{fragment}\"></a>`{}` | {} | {} | {} |",
                r.id,
                r.severity,
                r.commands.join(", "),
                r.description
            )
        );
    }
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_rule_argument_shows_the_help_of_the_matching_rules() {
    let all = by_id(&table(&[]));
    let r = run(["rules", "pii/*", "completeness/orphan-span"]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    // Each rule starts with an unindented line: its id, severity and commands.
    let heads: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .map(|l| l.split_whitespace().collect())
        .collect();
    let want: Vec<&RuleDoc> = all
        .values()
        .filter(|d| d.id.starts_with("pii/") || d.id == "completeness/orphan-span")
        .collect();
    assert_eq!(heads.len(), want.len(), "{}", r.stdout);
    for (h, d) in heads.iter().zip(&want) {
        assert_eq!(h[0], d.id);
        assert_eq!(h[1], d.severity);
    }
    let flat = words(&r.stdout);
    for d in &want {
        assert!(flat.contains(&words(&d.description)), "{}", d.id);
        assert!(flat.contains(&words(&d.help)), "{}: help missing", d.id);
        assert!(r.stdout.lines().any(|l| l.trim() == d.help_uri), "{}", d.id);
    }
    assert!(!flat.contains("skew/clock-skew"));
}

/// Every finding names a rule of the table, with the table's severity (no config), and the
/// rule says the command reports it.
fn assert_findings_agree(doc: &Value, command: &str, all: &BTreeMap<String, RuleDoc>) -> usize {
    let findings = doc["findings"].as_array().expect("findings");
    for f in findings {
        let id = f["rule"].as_str().unwrap();
        let r = all
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not in `tracekit rules`"));
        assert_eq!(f["severity"], r.severity.as_str(), "{f}");
        assert!(r.commands.iter().any(|c| c == command), "{id} by {command}");
    }
    findings.len()
}

#[test]
fn findings_of_check_and_lint_carry_the_tables_severity() {
    let all = by_id(&table(&[]));
    let dir = tempfile::tempdir().unwrap();
    let synth = dir.path().join("faulty.otlp.jsonl");
    let s = synth.to_string_lossy().into_owned();
    let r = run([
        "synth",
        "--seed",
        "9",
        "-n",
        "50",
        "--drop-rate",
        "0.05",
        "--skew",
        "payment=+25ms",
        "-o",
        &s,
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let mut fired = BTreeSet::new();
    let mut sources = vec![s.clone()];
    for e in std::fs::read_dir(samples_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_none_or(|x| x != "md") {
            sources.push(p.to_string_lossy().into_owned());
        }
    }
    for src in &sources {
        let r = run(["check", src, "--format", "json", "--fail-on", "never"]);
        assert_eq!(r.code, Some(0), "{src}\n{}", r.describe());
        let doc: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_findings_agree(&doc, "check", &all);
        for f in doc["findings"].as_array().unwrap() {
            fired.insert(f["rule"].as_str().unwrap().to_string());
        }
    }
    for want in [
        "completeness/orphan-span",
        "completeness/client-without-server",
        "timing/child-outside-parent",
        "skew/clock-skew",
    ] {
        assert!(fired.contains(want), "{want} never fired: {fired:?}");
    }
    let leaky = repo_dir().join("fixtures/leaky.otlp.json");
    let r = run([
        "lint",
        &leaky.to_string_lossy(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.describe());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(assert_findings_agree(&doc, "lint", &all) > 3, "{doc}");
}

fn testcase_names(xml: &str) -> BTreeSet<String> {
    xml.split("<testcase ")
        .skip(1)
        .map(|t| {
            let start = t.find("name=\"").expect("testcase name") + 6;
            t[start..start + t[start..].find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn sarif_and_junit_reports_describe_rules_from_the_table() {
    let all = by_id(&table(&[]));
    let dir = tempfile::tempdir().unwrap();
    let skew = sample("zipkin-v2_smartthings-oauth-authorization_175spans.json");
    let leaky = repo_dir()
        .join("fixtures/leaky.otlp.json")
        .to_string_lossy()
        .into_owned();
    for (command, input) in [("check", &skew), ("lint", &leaky)] {
        let sarif = dir.path().join(format!("{command}.sarif"));
        let junit = dir.path().join(format!("{command}.xml"));
        let r = run([
            command,
            input.as_str(),
            "--fail-on",
            "never",
            "--report",
            &format!("sarif={}", sarif.display()),
            "--report",
            &format!("junit={}", junit.display()),
        ]);
        assert_eq!(r.code, Some(0), "{}", r.describe());

        // JUnit: one test case per rule the command reports.
        let cases = testcase_names(&std::fs::read_to_string(&junit).unwrap());
        assert_eq!(cases, ids(&table(&["--command", command])), "{command}");

        // SARIF: the rules with results, sorted, with the table's metadata.
        let s: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
        let run0 = &s["runs"][0];
        let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run0["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{command}: no results");
        let listed: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let used: BTreeSet<&str> = results
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed,
            used.iter().copied().collect::<Vec<_>>(),
            "{command}"
        );
        for res in results {
            let i = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], res["ruleId"]);
        }
        for d in rules {
            let t = &all[d["id"].as_str().unwrap()];
            assert_eq!(d["shortDescription"]["text"], t.description.as_str());
            assert!(
                d["fullDescription"]["text"]
                    .as_str()
                    .unwrap()
                    .contains(&t.help),
                "{d}"
            );
            assert!(
                d["help"]["text"].as_str().unwrap().starts_with(&t.help),
                "{d}"
            );
            assert!(
                d["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("]({})", t.help_uri)),
                "{d}"
            );
            assert_eq!(d["helpUri"], t.help_uri.as_str());
            assert_eq!(d["defaultConfiguration"]["level"], t.severity.as_str());
        }
    }
}
