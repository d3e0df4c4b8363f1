//! The API server's health endpoints as kube-apiserver 1.33 serves them: `/livez`, `/readyz`
//! and `/healthz` with their checks (`ping`, `log`, `etcd`, `etcd-readiness`,
//! `informer-sync`, the post-start hooks, `shutdown`), `?verbose`, `?exclude=`, and single
//! checks (`/readyz/etcd`). Failing checks come from tests (`RunningSim::fail_health_check`)
//! or from the scenario: when the cluster has etcd static pods and none is ready, `etcd` and
//! `etcd-readiness` fail.

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde_json::Value;

use super::query::Params;
use super::resources::PODS;
use super::status::ApiError;
use super::store::Store;

const POST_START_HOOKS: &[&str] = &[
    "poststarthook/start-apiserver-admission-initializer",
    "poststarthook/generic-apiserver-start-informers",
    "poststarthook/priority-and-fairness-config-consumer",
    "poststarthook/priority-and-fairness-filter",
    "poststarthook/storage-object-count-tracker-hook",
    "poststarthook/start-apiextensions-informers",
    "poststarthook/start-apiextensions-controllers",
    "poststarthook/crd-informer-synced",
    "poststarthook/start-system-namespaces-controller",
    "poststarthook/start-cluster-authentication-info-controller",
    "poststarthook/start-kube-apiserver-identity-lease-controller",
    "poststarthook/start-kube-apiserver-identity-lease-garbage-collector",
    "poststarthook/start-legacy-token-tracking-controller",
    "poststarthook/start-service-ip-repair-controllers",
    "poststarthook/rbac/bootstrap-roles",
    "poststarthook/scheduling/bootstrap-system-priority-classes",
    "poststarthook/priority-and-fairness-config-producer",
    "poststarthook/bootstrap-controller",
    "poststarthook/start-kubernetes-service-cidr-controller",
    "poststarthook/aggregator-reload-proxy-client-cert",
    "poststarthook/start-kube-aggregator-informers",
    "poststarthook/apiservice-status-local-available-controller",
    "poststarthook/apiservice-status-remote-available-controller",
    "poststarthook/apiservice-registration-controller",
    "poststarthook/apiservice-discovery-controller",
    "poststarthook/kube-apiserver-autoregistration",
    "autoregister-completion",
    "poststarthook/apiservice-openapi-controller",
    "poststarthook/apiservice-openapiv3-controller",
];

/// The checks of an endpoint (`livez`, `readyz`, `healthz`), in the order the server lists
/// them.
pub fn checks(endpoint: &str) -> Vec<&'static str> {
    let mut out = vec!["ping", "log", "etcd"];
    if endpoint == "readyz" {
        out.extend(["etcd-readiness", "informer-sync"]);
    }
    out.extend(POST_START_HOOKS);
    if endpoint == "readyz" {
        out.push("shutdown");
    }
    out
}

/// The checks failing now, with their reasons: the overrides set by tests, plus what the
/// scenario implies.
pub fn failing(store: &Store, overrides: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = overrides.clone();
    let etcd_pods: Vec<std::sync::Arc<Value>> = store
        .list_all(PODS, Some("kube-system"))
        .into_iter()
        .filter(|p| {
            p.pointer("/metadata/labels/component")
                .and_then(Value::as_str)
                == Some("etcd")
                && p.pointer("/metadata/labels/tier").and_then(Value::as_str)
                    == Some("control-plane")
        })
        .collect();
    let ready = |p: &Value| {
        p.pointer("/status/conditions")
            .and_then(Value::as_array)
            .is_some_and(|c| {
                c.iter().any(|c| {
                    c.get("type").and_then(Value::as_str) == Some("Ready")
                        && c.get("status").and_then(Value::as_str) == Some("True")
                })
            })
    };
    if !etcd_pods.is_empty() && !etcd_pods.iter().any(|p| ready(p)) {
        out.entry("etcd".into())
            .or_insert_with(|| "etcd client connection not yet established".into());
    }
    if let Some(reason) = out.get("etcd").cloned() {
        out.entry("etcd-readiness".into()).or_insert(reason);
    }
    out
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// Answers `/<endpoint>[/<check>]`.
pub fn respond(
    endpoint: &str,
    check: Option<&str>,
    params: &Params,
    failing: &BTreeMap<String, String>,
) -> Response {
    let all = checks(endpoint);
    if let Some(check) = check {
        if !all.contains(&check) {
            return ApiError::no_route().into_response();
        }
        return match failing.get(check) {
            Some(reason) => text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal server error: {reason}\n"),
            ),
            None => text(StatusCode::OK, "ok".into()),
        };
    }
    let mut excluded: Vec<String> = params
        .all("exclude")
        .into_iter()
        .flat_map(|e| {
            e.split(',')
                .map(str::trim)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|e| !e.is_empty())
        .collect();
    let mut out = String::new();
    let mut failed = false;
    for c in &all {
        if let Some(i) = excluded.iter().position(|e| e == c) {
            excluded.remove(i);
            out.push_str(&format!("[+]{c} excluded: ok\n"));
        } else if failing.contains_key(*c) {
            failed = true;
            out.push_str(&format!("[-]{c} failed: reason withheld\n"));
        } else {
            out.push_str(&format!("[+]{c} ok\n"));
        }
    }
    if !excluded.is_empty() {
        excluded.sort();
        excluded.dedup();
        let quoted: Vec<String> = excluded.iter().map(|e| format!("\"{e}\"")).collect();
        out.push_str(&format!(
            "warn: some health checks cannot be excluded: no matches for {}\n",
            quoted.join(",")
        ));
    }
    if failed {
        out.push_str(&format!("{endpoint} check failed\n"));
        return text(StatusCode::INTERNAL_SERVER_ERROR, out);
    }
    if !params.has("verbose") {
        return text(StatusCode::OK, "ok".into());
    }
    out.push_str(&format!("{endpoint} check passed\n"));
    text(StatusCode::OK, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_lists_differ_per_endpoint() {
        assert!(checks("readyz").contains(&"informer-sync"));
        assert!(!checks("livez").contains(&"informer-sync"));
        assert_eq!(checks("readyz").last(), Some(&"shutdown"));
        assert_eq!(checks("healthz"), checks("livez"));
        let store = Store::new();
        let mut overrides = BTreeMap::new();
        overrides.insert("etcd".to_string(), "timeout".to_string());
        let f = failing(&store, &overrides);
        assert!(f.contains_key("etcd-readiness"));
    }
}
