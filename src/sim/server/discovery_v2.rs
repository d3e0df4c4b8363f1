//! Aggregated discovery (`apidiscovery.k8s.io/v2`): `/api` and `/apis` answered as one
//! APIGroupDiscoveryList each, when the client asks for it in its Accept header (kubectl,
//! kube-rs `Discovery::run_aggregated`). Custom resource groups are included; the metrics API
//! only while its APIService is Available.

use axum::response::Response;
use http::{StatusCode, header};
use serde_json::{Value, json};

use super::discovery::subresources;
use super::resources::{METRICS_GROUP, ResourceType};
use super::served::{self, Aggregated};
use super::status::{ApiError, json_response};
use super::store::Store;

const CONTENT_TYPE: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether the client's first Accept preference is aggregated discovery v2.
pub fn wanted(accept: &str) -> bool {
    accept.split(',').next().is_some_and(|first| {
        first.contains("as=APIGroupDiscoveryList")
            && first.contains("v=v2")
            && !first.contains("v=v2beta1")
    })
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

fn resource(r: &ResourceType) -> Value {
    let subs: Vec<Value> = subresources(r)
        .into_iter()
        .map(|(sub, (g, v, kind), verbs)| {
            let response = if kind.is_empty() {
                gvk(r.group, r.version, r.kind)
            } else {
                gvk(g, v, kind)
            };
            json!({"subresource": sub, "responseKind": response, "verbs": verbs})
        })
        .collect();
    let mut doc = json!({
        "resource": r.plural,
        "responseKind": gvk(r.group, r.version, r.kind),
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !subs.is_empty() {
        doc["subresources"] = json!(subs);
    }
    if !r.short_names.is_empty() {
        doc["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        doc["categories"] = json!(r.categories);
    }
    doc
}

fn group(store: &Store, name: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|version| {
            let mut resources: Vec<Value> = served::types(store, name, version)
                .into_iter()
                .map(resource)
                .collect();
            if name == "authorization.k8s.io" {
                for (plural, kind) in [
                    ("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
                    ("selfsubjectrulesreviews", "SelfSubjectRulesReview"),
                ] {
                    resources.push(json!({
                        "resource": plural,
                        "responseKind": gvk(name, version, kind),
                        "scope": "Cluster",
                        "singularResource": "",
                        "verbs": ["create"],
                    }));
                }
            }
            json!({"version": version, "resources": resources, "freshness": "Current"})
        })
        .collect();
    let metadata = if name.is_empty() {
        json!({})
    } else {
        json!({"name": name})
    };
    json!({"metadata": metadata, "versions": versions})
}

/// The aggregated document of the core group (`core == true`, `/api`) or of all other groups.
pub fn document(store: &Store, core: bool) -> Response {
    let items: Vec<Value> = if core {
        vec![group(store, "", &["v1".to_string()])]
    } else {
        let metrics_available = served::metrics(store) == Aggregated::Available;
        served::groups(store)
            .iter()
            .filter(|g| g.name != METRICS_GROUP.0 || metrics_available)
            .map(|g| group(store, &g.name, &g.versions))
            .collect()
    };
    let body = json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    });
    let mut response = json_response(body.to_string());
    match http::HeaderValue::from_str(CONTENT_TYPE) {
        Ok(value) => {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
            *response.status_mut() = StatusCode::OK;
            response
        }
        Err(_) => axum::response::IntoResponse::into_response(ApiError::internal("content type")),
    }
}
