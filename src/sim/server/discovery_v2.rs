//! Aggregated discovery (`apidiscovery.k8s.io/v2`): `/api` and `/apis` answered as one
//! APIGroupDiscoveryList each, when the client asks for it in its Accept header (kubectl,
//! kube-rs `Discovery::run_aggregated`).

use axum::response::Response;
use http::{StatusCode, header};
use serde_json::{Value, json};

use super::discovery::VERBS;
use super::resources::{GROUPS, RESOURCES, ResourceType};
use super::status::{ApiError, json_response};

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
    let mut subresources = vec![json!({
        "subresource": "status",
        "responseKind": gvk(r.group, r.version, r.kind),
        "verbs": ["get", "patch", "update"],
    })];
    if r.plural == "pods" {
        subresources.push(
            json!({"subresource": "log", "responseKind": gvk("", "", "Pod"), "verbs": ["get"]}),
        );
    }
    let mut doc = json!({
        "resource": r.plural,
        "responseKind": gvk(r.group, r.version, r.kind),
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": VERBS,
        "subresources": subresources,
    });
    if !r.short_names.is_empty() {
        doc["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        doc["categories"] = json!(r.categories);
    }
    doc
}

fn group(name: &str, version: &str) -> Value {
    let mut resources: Vec<Value> = RESOURCES
        .iter()
        .filter(|r| r.group == name && r.version == version)
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
    let metadata = if name.is_empty() {
        json!({})
    } else {
        json!({"name": name})
    };
    json!({"metadata": metadata, "versions": [{"version": version, "resources": resources, "freshness": "Current"}]})
}

/// The aggregated document of the core group (`core == true`, `/api`) or of all other groups.
pub fn document(core: bool) -> Response {
    let items: Vec<Value> = if core {
        vec![group("", "v1")]
    } else {
        GROUPS.iter().map(|(g, v)| group(g, v)).collect()
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
