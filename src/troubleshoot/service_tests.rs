//! Tests of `service`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::{Value, json};

fn svc(selector: Value, target: Value, cluster_ip: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"clusterIP": cluster_ip, "selector": selector, "ports": [{"port": 80, "targetPort": target}]}})
}

fn web_pod(name: &str, labels: Value, ready: bool) -> Value {
    let mut p = pod(
        name,
        json!({"containers": [{"name": "app", "image": "x",
        "ports": [{"name": "http", "containerPort": 80}]}]}),
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}),
    );
    p["metadata"]["labels"] = labels;
    p
}

#[test]
fn selector_matching_nothing_with_a_near_miss() {
    let f = run(vec![
        svc(json!({"app": "web-service"}), json!(80), "10.0.0.1"),
        web_pod("a", json!({"app": "webapp"}), true),
        web_pod("b", json!({"name": "web-service"}), true),
    ]);
    let s = one(&f, "service-no-pods");
    let ev = evidence_text(s);
    assert!(ev.contains("pods have name=web-service"), "{ev}");
}

#[test]
fn target_port_mismatches() {
    let f = run(vec![
        svc(json!({"app": "web"}), json!(8080), "10.0.0.1"),
        web_pod("a", json!({"app": "web"}), true),
    ]);
    assert!(
        one(&f, "service-port-mismatch")
            .summary
            .contains("targetPort 8080")
    );
    let f = run(vec![
        svc(json!({"app": "web"}), json!("http-web"), "10.0.0.1"),
        web_pod("a", json!({"app": "web"}), true),
    ]);
    assert!(
        one(&f, "service-port-mismatch")
            .summary
            .contains("http-web")
    );
    let f = run(vec![
        svc(json!({"app": "web"}), json!("http"), "10.0.0.1"),
        web_pod("a", json!({"app": "web"}), true),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn no_ready_pods() {
    let f = run(vec![
        svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
        web_pod("a", json!({"app": "web"}), false),
    ]);
    one(&f, "service-no-ready-endpoints");
}

#[test]
fn headless_external_name_and_selectorless_services_are_not_flagged() {
    let headless = svc(json!({"app": "db"}), json!(80), "None");
    let external = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext", "namespace": "ns"},
        "spec": {"type": "ExternalName", "externalName": "example.com"}});
    let manual = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "man", "namespace": "ns"},
        "spec": {"ports": [{"port": 80}]}});
    assert!(run(vec![headless, external, manual]).is_empty());
}

fn endpoints(ready: &[&str], not_ready: &[&str]) -> Value {
    let addr = |ips: &[&str]| -> Vec<Value> {
        ips.iter()
            .map(|ip| json!({"ip": ip, "targetRef": {"kind": "Pod", "namespace": "ns", "name": format!("web-{ip}")}}))
            .collect()
    };
    json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "ns"},
        "subsets": [{"addresses": addr(ready), "notReadyAddresses": addr(not_ready), "ports": [{"port": 80}]}]})
}

#[test]
fn endpoints_that_exist_but_are_not_ready_are_not_a_selector_problem() {
    // Without the pods: judged by the endpoints.
    let f = run(vec![
        svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
        endpoints(&[], &["10.1.0.5"]),
    ]);
    let s = one(&f, "service-no-ready-endpoints");
    assert!(
        evidence_text(s).contains("web-10.1.0.5"),
        "{}",
        evidence_text(s)
    );
    assert!(!ids(&f).iter().any(|(c, _)| c == "service-no-pods"));
    let f = run(vec![
        svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
        endpoints(&["10.1.0.6"], &[]),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    // Pods listed, but not the ones the endpoints name.
    let other = web_pod("other", json!({"app": "other"}), true);
    let f = run(vec![
        svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
        endpoints(&[], &["10.1.0.5"]),
        other,
    ]);
    one(&f, "service-no-ready-endpoints");
    assert!(!ids(&f).iter().any(|(c, _)| c == "service-no-pods"));
}

#[test]
fn endpoints_of_terminating_pods_are_called_terminating() {
    // A rollout with no new pod: the only endpoint is the old pod, being deleted and still
    // serving (EndpointSlice conditions ready=false serving=true terminating=true).
    let mut old = web_pod("web-old", json!({"app": "web"}), false);
    old["metadata"]["deletionTimestamp"] = json!(ago(5));
    old["metadata"]["deletionGracePeriodSeconds"] = json!(30);
    let slice = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-abcde", "namespace": "ns",
            "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4", "ports": [{"port": 80, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.1.0.5"],
            "conditions": {"ready": false, "serving": true, "terminating": true},
            "targetRef": {"kind": "Pod", "namespace": "ns", "name": "web-old"}}]});
    let f = run(vec![
        svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
        old,
        slice,
    ]);
    let s = one(&f, "service-no-ready-endpoints");
    assert!(s.summary.contains("terminating"), "{}", s.summary);
    assert!(
        !s.explanation.contains("not among the pods analysed"),
        "the pod is in the input: {}",
        s.explanation
    );
    assert!(s.explanation.contains("being deleted"), "{}", s.explanation);
    assert!(!ids(&f).iter().any(|(c, _)| c == "service-no-pods"));
}
