//! Discovery and server-info documents: `/version`, health checks, `/api`, `/apis`, and the
//! APIResourceList of each group version.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::resources::{GROUPS, RESOURCES, ResourceType};
use super::status::{ApiError, json_response, text_response};

pub const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

pub fn version() -> Response {
    json_response(
        json!({
            "major": "1",
            "minor": "33",
            "emulationMajor": "1",
            "emulationMinor": "33",
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": "32",
            "gitVersion": "v1.33.1",
            "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
            "gitTreeState": "clean",
            "buildDate": "2025-05-15T08:19:08Z",
            "goVersion": "go1.24.2",
            "compiler": "gc",
            "platform": "linux/amd64"
        })
        .to_string(),
    )
}

const CHECKS: &[&str] = &[
    "ping",
    "log",
    "etcd",
    "etcd-readiness",
    "informer-sync",
    "poststarthook/start-informers",
    "shutdown",
];

/// `/livez`, `/readyz`, `/healthz`, optionally `?verbose` or a single check.
pub fn health(endpoint: &str, check: Option<&str>, verbose: bool) -> Response {
    if let Some(check) = check {
        return if CHECKS.contains(&check) {
            text_response("ok")
        } else {
            ApiError::no_route().into_response()
        };
    }
    if !verbose {
        return text_response("ok");
    }
    let mut body: String = CHECKS
        .iter()
        .filter(|c| {
            endpoint == "readyz" || !matches!(**c, "etcd-readiness" | "informer-sync" | "shutdown")
        })
        .map(|c| format!("[+]{c} ok\n"))
        .collect();
    body.push_str(&format!("{endpoint} check passed\n"));
    text_response(body)
}

pub fn core_versions(server_address: &str) -> Response {
    json_response(
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]
        })
        .to_string(),
    )
}

fn group_document(name: &str, version: &str) -> Value {
    let gv = format!("{name}/{version}");
    json!({
        "name": name,
        "versions": [{"groupVersion": gv, "version": version}],
        "preferredVersion": {"groupVersion": gv, "version": version}
    })
}

/// `/apis` as a plain APIGroupList (kubectl falls back from aggregated discovery to this).
pub fn groups() -> Response {
    let groups: Vec<Value> = GROUPS.iter().map(|(g, v)| group_document(g, v)).collect();
    json_response(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}).to_string())
}

pub fn group(name: &str) -> Response {
    match GROUPS.iter().find(|(g, _)| *g == name) {
        Some((g, v)) => {
            let mut doc = group_document(g, v);
            doc["kind"] = json!("APIGroup");
            doc["apiVersion"] = json!("v1");
            json_response(doc.to_string())
        }
        None => ApiError::no_route().into_response(),
    }
}

fn resource_document(r: &ResourceType) -> Value {
    let mut doc = json!({
        "name": r.plural,
        "singularName": r.singular,
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": VERBS,
    });
    if !r.short_names.is_empty() {
        doc["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        doc["categories"] = json!(r.categories);
    }
    doc
}

fn subresource(r: &ResourceType, sub: &str, kind: &str, verbs: &[&str]) -> Value {
    json!({"name": format!("{}/{sub}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": kind, "verbs": verbs})
}

/// The APIResourceList of a group version (`""` = core).
pub fn resources(group: &str, version: &str) -> Response {
    let known = if group.is_empty() {
        version == "v1"
    } else {
        GROUPS.contains(&(group, version))
    };
    if !known {
        return ApiError::no_route().into_response();
    }
    let mut list = Vec::new();
    for r in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        list.push(resource_document(r));
        list.push(subresource(
            r,
            "status",
            r.kind,
            &["get", "patch", "update"],
        ));
        if r.plural == "pods" {
            list.push(subresource(r, "log", "Pod", &["get"]));
        }
    }
    if group == "authorization.k8s.io" {
        for (plural, kind) in [
            ("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
            ("selfsubjectrulesreviews", "SelfSubjectRulesReview"),
        ] {
            list.push(json!({"name": plural, "singularName": "", "namespaced": false, "kind": kind, "verbs": ["create"]}));
        }
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json_response(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": list}).to_string())
}
