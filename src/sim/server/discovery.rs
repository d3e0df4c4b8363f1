//! Discovery and server-info documents: `/version`, `/api`, `/apis`, `/apis/<group>` and the
//! APIResourceList of each group version, for the built-in, custom and aggregated groups the
//! server serves (see [`super::served`]).

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::resources::{METRICS_GROUP, ResourceType};
use super::served::{self, Aggregated, Group};
use super::status::{ApiError, json_response};
use super::store::Store;

pub fn version() -> Response {
    json_response(
        json!({
            "major": "1",
            "minor": "33",
            "emulationMajor": "1",
            "emulationMinor": "33",
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": "32",
            "gitVersion": "v1.33.2",
            "gitCommit": "a57b6f7709f6c2722b92f07b8b4c48210a51fc40",
            "gitTreeState": "clean",
            "buildDate": "2025-06-17T18:29:22Z",
            "goVersion": "go1.24.4",
            "compiler": "gc",
            "platform": "linux/amd64"
        })
        .to_string(),
    )
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

fn group_document(g: &Group) -> Value {
    let versions: Vec<Value> = g
        .versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{}/{v}", g.name), "version": v}))
        .collect();
    json!({
        "name": g.name,
        "versions": versions,
        "preferredVersion": versions.first().cloned().unwrap_or(Value::Null),
    })
}

/// `/apis` as a plain APIGroupList (kubectl falls back from aggregated discovery to this).
pub fn groups(store: &Store) -> Response {
    let groups: Vec<Value> = served::groups(store).iter().map(group_document).collect();
    json_response(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}).to_string())
}

pub fn group(store: &Store, name: &str) -> Response {
    match served::groups(store).iter().find(|g| g.name == name) {
        Some(g) => {
            let mut doc = group_document(g);
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
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        doc["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        doc["categories"] = json!(r.categories);
    }
    doc
}

fn subresource(
    r: &ResourceType,
    sub: &str,
    (group, version, kind): (&str, &str, &str),
    verbs: &[&str],
) -> Value {
    let mut doc = json!({"name": format!("{}/{sub}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": kind, "verbs": verbs});
    if !group.is_empty() {
        doc["group"] = json!(group);
        doc["version"] = json!(version);
    }
    doc
}

/// A subresource: name, (group, version, kind) of its response (empty: the type's own),
/// verbs.
pub type Subresource = (
    &'static str,
    (&'static str, &'static str, &'static str),
    &'static [&'static str],
);

/// The subresources of a type.
pub fn subresources(r: &ResourceType) -> Vec<Subresource> {
    let mut out: Vec<Subresource> = Vec::new();
    if r.has_status() {
        out.push(("status", ("", "", ""), &["get", "patch", "update"]));
    }
    match r.kind {
        "Pod" if r.group.is_empty() => out.push(("log", ("", "", "Pod"), &["get"])),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" => out.push((
            "scale",
            ("autoscaling", "v1", "Scale"),
            &["get", "patch", "update"],
        )),
        _ => {}
    }
    out
}

/// The APIResourceList of a group version (`""` = core).
pub fn resources(store: &Store, group: &str, version: &str) -> Response {
    if !served::knows(store, group, version) {
        return ApiError::no_route().into_response();
    }
    if (group, version) == METRICS_GROUP && served::metrics(store) != Aggregated::Available {
        return ApiError::service_unavailable().into_response();
    }
    let mut list = Vec::new();
    for r in served::types(store, group, version) {
        list.push(resource_document(r));
        for (sub, (g, v, kind), verbs) in subresources(r) {
            let kind = if kind.is_empty() { r.kind } else { kind };
            list.push(subresource(r, sub, (g, v, kind), verbs));
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
