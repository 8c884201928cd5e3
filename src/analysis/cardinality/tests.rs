use std::sync::Arc;

use super::*;
use crate::model::{SpanId, TraceId, Value};

fn plain(_: &str, v: &str) -> String {
    v.to_string()
}

#[test]
fn exact_up_to_the_cap_then_estimated() {
    let mut d = Distinct::default();
    for i in 0..100u64 {
        d.insert(hash_bytes(1, &i.to_le_bytes()), 100);
        d.insert(hash_bytes(1, &i.to_le_bytes()), 100);
    }
    assert!(d.is_exact());
    assert_eq!(d.count(), 100);
    d.insert(hash_bytes(1, &100u64.to_le_bytes()), 100);
    assert!(d.is_exact(), "cap + 1 is still exact: we know it is over");
    assert_eq!(d.count(), 101);
    d.insert(hash_bytes(1, &101u64.to_le_bytes()), 100);
    assert!(!d.is_exact());
    let mut big = Distinct::default();
    for i in 0..100_000u64 {
        big.insert(hash_bytes(1, &i.to_le_bytes()), 100);
    }
    let est = big.count() as f64;
    assert!((est - 100_000.0).abs() / 100_000.0 < 0.05, "estimate {est}");
    // Merging sketches is a union.
    let mut a = Distinct::default();
    let mut b = Distinct::default();
    for i in 0..50_000u64 {
        a.insert(hash_bytes(1, &i.to_le_bytes()), 10);
        b.insert(hash_bytes(1, &(i + 25_000).to_le_bytes()), 10);
    }
    a.merge(b, 10);
    let est = a.count() as f64;
    assert!((est - 75_000.0).abs() / 75_000.0 < 0.05, "union {est}");
    let mut small = Distinct::default();
    small.insert(1, 10);
    let mut hll = Distinct::default();
    for i in 0..1000u64 {
        hll.insert(hash_bytes(2, &i.to_le_bytes()), 10);
    }
    small.merge(hll, 10);
    assert!(!small.is_exact());
}

#[test]
fn typed_hashes_differ() {
    assert_ne!(hash_value(&Value::Int(5)), hash_value(&Value::from("5")));
    assert_eq!(hash_value(&Value::from("a")), hash_value(&Value::from("a")));
    let nested = Value::Array(vec![Value::Array(vec![Value::Int(1)].into())].into());
    let flat = Value::Array(vec![Value::Int(1)].into());
    assert_ne!(hash_value(&nested), hash_value(&flat));
    // Deep nesting is walked without recursion.
    let mut deep = Value::Int(0);
    for _ in 0..100_000 {
        deep = Value::Array(vec![deep].into());
    }
    let _ = hash_value(&deep);
    std::mem::forget(deep); // dropping a 100k-deep value would recurse in Drop
}

#[test]
fn normaliser() {
    let n = |s: &str| normalize_name(s).0.into_owned();
    assert_eq!(n("GET /users/123"), "GET /users/{id}");
    assert_eq!(
        n("/orders/123e4567-e89b-12d3-a456-426614174000"),
        "/orders/{uuid}"
    );
    assert_eq!(
        n("GET /users/jane.doe@acme-corp.com/profile"),
        "GET /users/{email}/profile"
    );
    assert_eq!(n("GET /blobs/9f86d081884c7d65"), "GET /blobs/{hex}");
    assert_eq!(n("report 2024-01-15"), "report {date}");
    assert_eq!(n("connect 81.2.69.160:5432"), "connect {ip}:{id}");
    assert_eq!(n("GET /search?q=shoes&page=2"), "GET /search?{query}");
    assert_eq!(
        n("SELECT * FROM t WHERE name = 'bob'"),
        "SELECT * FROM t WHERE name = {str}"
    );
    assert_eq!(n("process order_123456"), "process order_{id}");
    assert_eq!(n("GET /files/a8Xk2pQ9zL4mB7nR3"), "GET /files/{id}");
    // Names without ids are untouched (and borrowed).
    for s in [
        "GET /users/{id}",
        "HTTP GET",
        "grpc.health.v1.Health/Check",
        "HTTP/1.1",
        "utf-8 decode",
        "SELECT shop.orders",
        "oauth2 callback",
        "WHERE id = ?",
        "I'm a server span",
        "v2/items",
    ] {
        assert_eq!(n(s), s, "{s}");
    }
    assert!(matches!(
        normalize_name("HTTP GET").0,
        std::borrow::Cow::Borrowed(_)
    ));
    assert!(
        normalize_name("GET /users/7").1,
        "a path segment id is sure"
    );
    assert!(
        !normalize_name("retry 3").1,
        "a small number in a phrase is not"
    );
}

fn acc_with_names(names: &[&str], cap: usize) -> CardAcc {
    let mut acc = CardAcc::new(cap);
    let svc: Arc<str> = Arc::from("api");
    for (i, n) in names.iter().enumerate() {
        acc.add_name(&svc, n, (TraceId(1), SpanId(i as u64 + 1)), &plain);
    }
    acc
}

#[test]
fn span_name_templates_and_findings() {
    let cfg = crate::analysis::pii::config::LintConfig::default();
    let sc = crate::analysis::pii::scan::Scanner::new(&[], false, Vec::new());
    let names: Vec<String> = (0..20)
        .map(|i| format!("GET /users/{}", 1000 + i))
        .collect();
    let mut all: Vec<&str> = names.iter().map(String::as_str).collect();
    all.extend(["HTTP GET", "HTTP GET", "retry 3"]);
    let acc = acc_with_names(&all, 100);
    let r = report(&acc, 100, &cfg, &sc);
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == CardinalityCheck::SpanName.rule().id)
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].operation.as_deref(), Some("GET /users/{id}"));
    assert_eq!(f[0].details["distinct_names"], 20);
    assert_eq!(f[0].details["spans"], 20);
    assert!(f[0].message.contains("GET /users/{id}"));
    let sn = &r.json["span_names"][0];
    assert_eq!(sn["distinct"], 22);
    assert_eq!(sn["spans"], 23);
    // Over the limit: one more finding for the service.
    let r = report(&acc, 10, &cfg, &sc);
    let kinds: Vec<_> = r
        .findings
        .iter()
        .map(|f| f.details["kind"].as_str().unwrap_or(""))
        .collect();
    assert!(
        kinds.contains(&"too-many-names") && kinds.contains(&"embedded-id"),
        "{kinds:?}"
    );
}

#[test]
fn attribute_limit_expected_keys_and_masked_examples() {
    let cfg = crate::analysis::pii::config::LintConfig::parse(
        "[cardinality]\nexpected = [\"cart.*\"]\n",
        "c.toml",
    )
    .unwrap();
    let sc = crate::analysis::pii::scan::Scanner::new(&[], false, Vec::new());
    let masker = |_: &str, v: &str| sc.redact(v).into_owned();
    let mut acc = CardAcc::new(5);
    let svc: Arc<str> = Arc::from("shop");
    let at = (TraceId(7), SpanId(9));
    let key = |k: &str| -> Arc<str> { Arc::from(k) };
    for i in 0..50 {
        acc.add_attr(
            Scope::Span,
            &key("http.route"),
            &Value::from(format!("/r/{i}")),
            &svc,
            at,
            &masker,
        );
        acc.add_attr(
            Scope::Span,
            &key("user.id"),
            &Value::Int(i),
            &svc,
            at,
            &masker,
        );
        acc.add_attr(
            Scope::Span,
            &key("cart.token"),
            &Value::from(format!("c{i}")),
            &svc,
            at,
            &masker,
        );
        acc.add_attr(
            Scope::Span,
            &key("contact"),
            &Value::from(format!("user{i}@acme-corp.com")),
            &svc,
            at,
            &masker,
        );
        acc.add_attr(
            Scope::Resource,
            &key("region"),
            &Value::from("eu"),
            &svc,
            at,
            &masker,
        );
    }
    let r = report(&acc, 5, &cfg, &sc);
    let flagged: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == CardinalityCheck::Attribute.rule().id)
        .map(|f| f.details["attribute"].as_str().unwrap_or("").to_string())
        .collect();
    // `cart.token` is expected by the config: not reported. `user.id` is expected by its name:
    // reported, as a note with the reason.
    assert_eq!(flagged, ["contact", "http.route", "user.id"]);
    let uid = r
        .findings
        .iter()
        .find(|f| f.details["attribute"] == "user.id")
        .unwrap();
    assert_eq!(uid.severity, crate::analysis::findings::Severity::Note);
    assert!(
        uid.message.contains("its name says it is an id"),
        "{}",
        uid.message
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.details["attribute"] == "contact")
        .unwrap();
    assert!(!f.message.contains("acme-corp"), "{}", f.message);
    assert!(f.message.contains("u***@a***.com"), "{}", f.message);
    assert_eq!(f.trace_id, Some(TraceId(7)));
    let text = serde_json::to_string(&r.json).unwrap();
    assert!(!text.contains("@acme-corp.com"));
    let rows = r.json["attributes"].as_array().unwrap();
    let uid = rows.iter().find(|r| r["key"] == "user.id").unwrap();
    assert_eq!(uid["expected_high_cardinality"], true);
    assert_eq!(uid["exact"], false);
    let region = rows.iter().find(|r| r["key"] == "region").unwrap();
    assert_eq!(
        (region["distinct"].as_u64(), region["scope"].as_str()),
        (Some(1), Some("resource"))
    );
    assert!(r.text.iter().any(|l| l.contains("OVER LIMIT")));
}

/// A worker's slot-addressed counters hand over the maps `add_attr` builds: same keys in the
/// same order (the merge admits keys past `MAX_KEYS` in that order), same counts, examples,
/// services and untracked keys, with known examples and a full scope.
#[test]
fn slots_build_what_add_attr_builds() {
    let mut base = CardAcc::new(3);
    let svcs: Vec<Arc<str>> = ["a", "b", "c", "d"].map(Arc::from).to_vec();
    let at = (TraceId(1), SpanId(2));
    base.add_attr(
        Scope::Span,
        &Arc::from("k0"),
        &Value::from("v1"),
        &svcs[0],
        at,
        &plain,
    );
    let known = Arc::new(base.known());
    let mut direct = base.worker(&known);
    let mut slotted = base.worker(&known);
    let mut slots = AttrSlots::of(&slotted);
    // Two copies of each key text (two readers' interners), and more keys than MAX_KEYS.
    let keys: Vec<Arc<str>> = (0..2 * MAX_KEYS + 40)
        .flat_map(|i| {
            let k = format!("k{}", i % (2 * MAX_KEYS + 20));
            [Arc::from(k.as_str()), Arc::from(k.as_str())]
        })
        .collect();
    for (n, key) in keys.iter().enumerate() {
        // Most keys in one scope (over MAX_KEYS), some keys in two.
        let scope = match ((n / 2) % 10, n % 6) {
            (_, 1) => Scope::Event,
            (8, _) => Scope::Resource,
            _ => Scope::Span,
        };
        let value = match n % 5 {
            0 => Value::Int(n as i64 * 1000),
            1 => Value::from(format!("v{}", n % 9)),
            _ => Value::from(format!("v{n}")),
        };
        let svc = &svcs[n % 4];
        let pos = (TraceId(n as u128), SpanId(n as u64));
        direct.add_attr(scope, key, &value, svc, pos, &plain);
        let slot = slots.slot(scope, key);
        slots.add(scope, slot, &value, svc, pos, &plain);
    }
    slots.into_acc(&mut slotted);
    assert_eq!(direct.untracked_keys, slotted.untracked_keys);
    assert!(direct.untracked_keys[0] > 0);
    for (d, s) in direct.attrs.iter().zip(&slotted.attrs) {
        let d: Vec<_> = d.iter().collect();
        let s: Vec<_> = s.iter().collect();
        assert_eq!(d.len(), s.len());
        for ((dk, ds), (sk, ss)) in d.into_iter().zip(s) {
            assert_eq!(dk, sk);
            assert_eq!(
                (ds.distinct.count(), ds.occurrences, ds.id_like, ds.first),
                (ss.distinct.count(), ss.occurrences, ss.id_like, ss.first)
            );
            assert_eq!((&ds.examples, &ds.services), (&ss.examples, &ss.services));
        }
    }
    let k0 = &slotted.attrs[0][&*Arc::<str>::from("k0")];
    assert_eq!(
        k0.examples[0],
        (hash_value(&Value::from("v1")), String::new())
    );
}
