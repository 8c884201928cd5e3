//! The documents of the backend commands: `tracekit.search/v1` and `tracekit.services/v1`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::backend::{Operation, SearchHit, SearchQuery, Target};

/// The backend a document came from.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackendDoc {
    /// `jaeger`, `zipkin` or `tempo` (null when it could not be told).
    pub kind: Option<&'static str>,
    /// The profile name, or the redacted URL when given directly.
    pub name: String,
    /// The URL, credentials redacted.
    pub url: String,
}

impl BackendDoc {
    pub fn new(target: &Target, kind: Option<&'static str>) -> Self {
        BackendDoc {
            kind,
            name: target.name.clone(),
            url: target.shown_url(),
        }
    }
}

/// `tracekit.search/v1`: the traces a backend search found.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchDoc {
    pub backend: BackendDoc,
    pub query: SearchQueryDoc,
    #[schemars(extend("const" = "tracekit.search/v1"))]
    pub schema: &'static str,
    pub traces: Vec<SearchHit>,
}

/// The search as sent (the window resolved to Unix ns).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchQueryDoc {
    pub end_ns: u64,
    pub limit: usize,
    pub max_duration_ns: Option<u64>,
    pub min_duration_ns: Option<u64>,
    pub operation: Option<String>,
    pub service: Option<String>,
    pub start_ns: u64,
    /// `--tag KEY=VALUE` filters (the last value of a repeated key).
    pub tags: BTreeMap<String, String>,
    pub traceql: Option<String>,
}

impl SearchDoc {
    pub fn new(backend: BackendDoc, q: &SearchQuery, hits: &[SearchHit]) -> Self {
        SearchDoc {
            backend,
            query: SearchQueryDoc {
                end_ns: q.end_ns,
                limit: q.limit,
                max_duration_ns: q.max_duration_ns,
                min_duration_ns: q.min_duration_ns,
                operation: q.operation.clone(),
                service: q.service.clone(),
                start_ns: q.start_ns,
                tags: q.tags.iter().cloned().collect(),
                traceql: q.traceql.clone(),
            },
            schema: "tracekit.search/v1",
            traces: hits.to_vec(),
        }
    }
}

/// `tracekit.services/v1`: a backend's services (with their operations when asked), or, with
/// `--tags`, its tag names by scope.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ServicesDoc {
    Services(ServiceListDoc),
    Tags(TagListDoc),
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceListDoc {
    pub backend: BackendDoc,
    #[schemars(extend("const" = "tracekit.services/v1"))]
    pub schema: &'static str,
    pub services: Vec<ServiceDoc>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDoc {
    pub name: String,
    /// With `--operations` or `--service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operations: Option<Vec<Operation>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagListDoc {
    #[schemars(extend("const" = "tracekit.services/v1"))]
    pub schema: &'static str,
    pub tags: Vec<TagScopeDoc>,
}

/// The tag names of one scope (`span`, `resource`, …).
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagScopeDoc {
    pub names: Vec<String>,
    pub scope: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::TraceId;
    use crate::render::doc::to_value;

    fn backend(kind: Option<&'static str>) -> BackendDoc {
        BackendDoc {
            kind,
            name: "prod".into(),
            url: "https://tempo.example".into(),
        }
    }

    /// The typed documents write what the `json!` documents they replace wrote.
    #[test]
    fn same_json_as_before() {
        let q = SearchQuery {
            service: Some("web".into()),
            tags: vec![("b".into(), "1".into()), ("a".into(), "x=y".into())],
            min_duration_ns: Some(5),
            start_ns: 10,
            end_ns: 20,
            limit: 3,
            ..SearchQuery::default()
        };
        let hits = [SearchHit {
            trace_id: TraceId(0xab),
            root_service: Some("web".into()),
            start_ns: 12,
            duration_ns: 4,
            errors: Some(1),
            ..SearchHit::default()
        }];
        assert_eq!(
            to_value(&SearchDoc::new(backend(None), &q, &hits)),
            json!({
                "schema": "tracekit.search/v1",
                "backend": {"name": "prod", "kind": null, "url": "https://tempo.example"},
                "query": {
                    "service": "web", "operation": null, "tags": {"a": "x=y", "b": "1"},
                    "min_duration_ns": 5, "max_duration_ns": null, "traceql": null,
                    "start_ns": 10, "end_ns": 20, "limit": 3,
                },
                "traces": [{
                    "trace_id": "000000000000000000000000000000ab",
                    "root_service": "web", "root_operation": null,
                    "start_ns": 12, "duration_ns": 4, "spans": null, "errors": 1,
                }],
            })
        );
        let services = ServicesDoc::Services(ServiceListDoc {
            backend: backend(Some("jaeger")),
            schema: "tracekit.services/v1",
            services: vec![
                ServiceDoc {
                    name: "web".into(),
                    operations: Some(vec![Operation {
                        name: "GET".into(),
                        kind: None,
                    }]),
                },
                ServiceDoc {
                    name: "db".into(),
                    operations: None,
                },
            ],
        });
        assert_eq!(
            to_value(&services),
            json!({
                "schema": "tracekit.services/v1",
                "backend": {"name": "prod", "kind": "jaeger", "url": "https://tempo.example"},
                "services": [{"name": "web", "operations": [{"name": "GET"}]}, {"name": "db"}],
            })
        );
        let tags = ServicesDoc::Tags(TagListDoc {
            schema: "tracekit.services/v1",
            tags: vec![TagScopeDoc {
                names: vec!["http.method".into()],
                scope: "span".into(),
            }],
        });
        assert_eq!(
            to_value(&tags),
            json!({"schema": "tracekit.services/v1", "tags": [{"scope": "span", "names": ["http.method"]}]})
        );
    }
}
