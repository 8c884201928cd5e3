//! Findings held compactly while the input streams by: `check` and `gate` keep every trace's
//! findings until the end (they are reported in input order), and as `Finding`s (owned strings
//! and a map of details, about 1.2 KB each) they were what still grew with the input once
//! traces were analysed over a window. Packed, a finding is its JSON text, about 300 bytes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::findings::{Finding, Severity};
use crate::model::{SpanId, TraceId};

/// The findings of one trace, packed (nothing allocated when there are none).
#[derive(Clone, Debug, Default)]
pub struct PackedFindings(Box<[u8]>);

/// One finding as packed: the fields of [`Finding`], ids as numbers.
#[derive(Serialize, Deserialize)]
struct Packed<'a> {
    #[serde(borrow)]
    rule: Cow<'a, str>,
    severity: u8,
    /// The trace id's high and low 64 bits.
    trace: Option<(u64, u64)>,
    span: Option<u64>,
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow)]
    service: Option<Cow<'a, str>>,
    #[serde(borrow)]
    operation: Option<Cow<'a, str>>,
    details: Cow<'a, serde_json::Map<String, serde_json::Value>>,
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Note => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn severity_of(code: u8) -> Severity {
    match code {
        0 => Severity::Note,
        1 => Severity::Warning,
        _ => Severity::Error,
    }
}

impl PackedFindings {
    pub fn pack(findings: &[Finding]) -> Self {
        if findings.is_empty() {
            return PackedFindings::default();
        }
        let packed: Vec<Packed<'_>> = findings
            .iter()
            .map(|f| Packed {
                rule: Cow::Borrowed(&f.rule),
                severity: severity_code(f.severity),
                trace: f.trace_id.map(|t| ((t.0 >> 64) as u64, t.0 as u64)),
                span: f.span_id.map(|s| s.0),
                message: Cow::Borrowed(&f.message),
                service: f.service.as_deref().map(Cow::Borrowed),
                operation: f.operation.as_deref().map(Cow::Borrowed),
                details: Cow::Borrowed(&f.details),
            })
            .collect();
        // Serialising plain strings, numbers and a JSON map cannot fail.
        let bytes = serde_json::to_vec(&packed).unwrap_or_default();
        PackedFindings(bytes.into_boxed_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The findings as they were packed.
    pub fn unpack(&self) -> Vec<Finding> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let packed: Vec<Packed<'_>> = serde_json::from_slice(&self.0).unwrap_or_default();
        packed
            .into_iter()
            .map(|p| Finding {
                rule: p.rule.into_owned(),
                severity: severity_of(p.severity),
                trace_id: p
                    .trace
                    .map(|(hi, lo)| TraceId(u128::from(hi) << 64 | u128::from(lo))),
                span_id: p.span.map(SpanId),
                message: p.message.into_owned(),
                service: p.service.map(Cow::into_owned),
                operation: p.operation.map(Cow::into_owned),
                details: p.details.into_owned(),
            })
            .collect()
    }
}

/// The findings of every trace, in order (each pack freed as soon as it is unpacked).
pub fn unpack_all(packed: Vec<PackedFindings>) -> Vec<Finding> {
    packed.into_iter().flat_map(|p| p.unpack()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn finding() -> impl Strategy<Value = Finding> {
        (
            "[a-z/-]{1,30}",
            0u8..3,
            proptest::option::of(any::<u128>()),
            proptest::option::of(any::<u64>()),
            "\\PC{0,60}",
            proptest::option::of("\\PC{0,20}"),
            proptest::option::of("\\PC{0,20}"),
            (any::<i64>(), any::<u64>(), -1e300f64..1e300, "\\PC{0,10}"),
        )
            .prop_map(|(rule, sev, t, s, msg, svc, op, (i, u, x, v))| {
                let mut f = Finding::new(&rule, severity_of(sev), msg)
                    .detail("i", i)
                    .detail("u", u)
                    .detail("x", x)
                    .detail("nested", json!({"v": v, "list": [1, "two", null, true]}));
                f.trace_id = t.map(TraceId);
                f.span_id = s.map(SpanId);
                f.service = svc;
                f.operation = op;
                f
            })
    }

    proptest! {
        #[test]
        fn findings_unpack_as_they_were_packed(findings in prop::collection::vec(finding(), 0..8)) {
            let packed = PackedFindings::pack(&findings);
            prop_assert_eq!(packed.is_empty(), findings.is_empty());
            prop_assert_eq!(packed.unpack(), findings);
        }
    }

    #[test]
    fn a_packed_finding_is_much_smaller_than_its_text_and_map() {
        let f = Finding::new(
            "timing/child-outside-parent",
            Severity::Warning,
            "starts 24.6ms before its parent (checkout → payment: clock skew?)",
        )
        .at(TraceId(u128::MAX - 5), Some(SpanId(77)))
        .on("payment", "POST /payment/charges")
        .detail("early_ns", 24_592_196u64)
        .detail("late_ns", 0u64);
        let packed = PackedFindings::pack(std::slice::from_ref(&f));
        assert!(packed.0.len() < 400, "{}", packed.0.len());
        assert_eq!(packed.unpack(), vec![f]);
    }
}
