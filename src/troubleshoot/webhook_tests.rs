//! Tests of `webhook`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use crate::findings::Severity;
use serde_json::{Value, json};

fn config(policy: &str, resources: Value, ns_selector: Value) -> Value {
    json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "policy-webhook"},
        "webhooks": [{"name": "validate.policy.example.com", "admissionReviewVersions": ["v1"],
            "sideEffects": "None", "failurePolicy": policy, "timeoutSeconds": 10,
            "namespaceSelector": ns_selector,
            "clientConfig": {"service": {"namespace": "policy", "name": "policy-webhook", "path": "/validate", "port": 443},
                "caBundle": "LS0tLS1CRUdJTg=="},
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                "resources": resources, "scope": "*"}]}]})
}

fn svc() -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "policy-webhook", "namespace": "policy"},
        "spec": {"clusterIP": "10.96.5.5", "selector": {"app": "policy-webhook"}, "ports": [{"port": 443, "targetPort": 9443}]}})
}

fn slice(ready: bool) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "policy-webhook-abcde", "namespace": "policy",
            "labels": {"kubernetes.io/service-name": "policy-webhook"}},
        "addressType": "IPv4", "ports": [{"port": 9443, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.244.1.7"], "conditions": {"ready": ready, "serving": ready, "terminating": false},
            "targetRef": {"kind": "Pod", "namespace": "policy", "name": "policy-webhook-5d9c"}}]})
}

#[test]
fn fail_closed_on_pods_everywhere_is_critical() {
    let f = run(vec![
        config("Fail", json!(["pods"]), json!({})),
        svc(),
        slice(false),
    ]);
    let w = one(&f, "webhook-no-endpoints");
    assert_eq!(w.severity, Severity::Critical);
    assert!(
        w.summary.contains("refused in every namespace"),
        "{}",
        w.summary
    );
    let f = run(vec![
        config("Fail", json!(["pods"]), json!({})),
        json!({"apiVersion": "v1", "kind": "ServiceList", "items": []}),
    ]);
    assert_eq!(
        one(&f, "webhook-service-missing").severity,
        Severity::Critical
    );
}

#[test]
fn excluding_only_system_namespaces_is_still_cluster_wide() {
    let sel = json!({"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
        "values": ["kube-system", "policy"]}]});
    let f = run(vec![
        config("Fail", json!(["pods"]), sel),
        svc(),
        slice(false),
    ]);
    let w = one(&f, "webhook-no-endpoints");
    assert_eq!(w.severity, Severity::Critical);
    assert!(
        w.summary
            .contains("in every namespace except kube-system, policy"),
        "{}",
        w.summary
    );
}

#[test]
fn narrower_or_fail_open_is_less_severe() {
    let narrow = config(
        "Fail",
        json!(["configmaps"]),
        json!({"matchLabels": {"policy": "enforced"}}),
    );
    let f = run(vec![narrow, svc(), slice(false)]);
    assert_eq!(one(&f, "webhook-no-endpoints").severity, Severity::Error);
    let f = run(vec![
        config("Ignore", json!(["pods"]), json!({})),
        svc(),
        slice(false),
    ]);
    assert_eq!(one(&f, "webhook-no-endpoints").severity, Severity::Warning);
}

#[test]
fn a_webhook_with_a_ready_backend_is_fine() {
    let f = run(vec![
        config("Fail", json!(["pods"]), json!({})),
        svc(),
        slice(true),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    // Services not listed: nothing can be said.
    assert!(run(vec![config("Fail", json!(["pods"]), json!({}))]).is_empty());
}
