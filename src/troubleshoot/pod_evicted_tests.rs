//! Tests of `pod_evicted`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use super::*;
use serde_json::json;

#[test]
fn kubelet_messages_old_and_new() {
    let e = parse("The node was low on resource: memory. Threshold quantity: 100Mi, available: 62Mi. Container db was using 1557408Ki, request is 200Mi, has larger consumption of memory. ").unwrap();
    assert_eq!(e.resource, "memory");
    assert_eq!(
        (e.threshold.as_deref(), e.available.as_deref()),
        (Some("100Mi"), Some("62Mi"))
    );
    assert_eq!(
        e.containers,
        vec![("db".into(), "1557408Ki".into(), "200Mi".into())]
    );
    let e = parse("The node was low on resource: ephemeral-storage. Container prometheus was using 20Ki, which exceeds its request of 0. Container thanos was using 16Ki, which exceeds its request of 0.").unwrap();
    assert_eq!(e.resource, "ephemeral-storage");
    assert_eq!(e.containers.len(), 2);
    assert_eq!(
        e.containers[1],
        ("thanos".into(), "16Ki".into(), "0".into())
    );
    let e = parse("Pod The node had condition: [DiskPressure]. ").unwrap();
    assert_eq!(e.resource, "DiskPressure");
    let e = parse("Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ")
        .unwrap();
    assert!(!e.node_pressure);
    assert_eq!(parse("Preempted by a pod on node w1"), None);
}

fn evicted_pod(name: &str, spec: serde_json::Value, message: &str) -> serde_json::Value {
    let mut p = pod(
        name,
        spec,
        json!({"phase": "Failed", "reason": "Evicted", "qosClass": "BestEffort",
        "hostIP": "10.0.0.12", "message": message}),
    );
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "name": "web-5d8", "uid": "rs-uid", "controller": true}]);
    p
}

#[test]
fn names_node_and_resource() {
    let f = run(vec![evicted_pod(
        "web-1",
        json!({"nodeName": "w2", "containers": [{"name": "app", "image": "x"}]}),
        "The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. Container app was using 3Gi, request is 0, has larger consumption of ephemeral-storage. ",
    )]);
    let e = one(&f, "pod-evicted");
    assert_eq!(
        e.summary,
        "pod was evicted: node w2 was low on ephemeral-storage (available 512Mi, threshold 1Gi)"
    );
    assert_eq!(e.severity, crate::findings::Severity::Warning);
    assert!(evidence_text(e).contains("container app: was using 3Gi, request 0"));
    assert!(e.explanation.contains("short of disk"));
}

#[test]
fn node_condition_form_and_node_from_host_ip() {
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w2"},
        "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.12"}],
            "conditions": [{"type": "Ready", "status": "True"}]}});
    let f = run(vec![
        evicted_pod(
            "web-1",
            json!({"containers": [{"name": "app", "image": "x"}]}),
            "The node had condition: [DiskPressure]. ",
        ),
        node,
    ]);
    assert_eq!(
        one(&f, "pod-evicted").summary,
        "pod was evicted: node w2 had DiskPressure"
    );
}

#[test]
fn recurring_evictions_are_an_error() {
    let spec = json!({"nodeName": "w2", "containers": [{"name": "app", "image": "x"}]});
    let msg = "The node was low on resource: memory. ";
    let f = run(vec![
        evicted_pod("web-1", spec.clone(), msg),
        evicted_pod("web-2", spec.clone(), msg),
        evicted_pod("web-3", spec, msg),
    ]);
    assert!(
        f.iter()
            .all(|x| x.check == "pod-evicted" && x.severity == crate::findings::Severity::Error)
    );
}

#[test]
fn an_old_eviction_is_only_info() {
    let mut p = evicted_pod(
        "web-1",
        json!({"nodeName": "w2", "containers": [{"name": "app", "image": "x"}]}),
        "The node was low on resource: memory. ",
    );
    p["status"]["conditions"] = json!([{"type": "DisruptionTarget", "status": "True",
        "reason": "TerminationByKubelet", "lastTransitionTime": ago(9 * 86400)}]);
    let f = run(vec![p]);
    let e = one(&f, "pod-evicted");
    assert_eq!(e.severity, crate::findings::Severity::Info);
    assert!(e.explanation.contains("9d ago"), "{}", e.explanation);
}
