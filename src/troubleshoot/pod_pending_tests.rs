//! Tests of `pod_pending`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::json;

fn pending(message: &str, extra_spec: serde_json::Value) -> serde_json::Value {
    let mut spec = json!({"containers": [{"name": "app", "image": "x",
        "resources": {"requests": {"cpu": "4", "memory": "1Gi"}}}]});
    for (k, v) in extra_spec.as_object().unwrap() {
        spec[k] = v.clone();
    }
    pod(
        "web",
        spec,
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled",
        "status": "False", "reason": "Unschedulable", "message": message,
        "lastTransitionTime": ago(600)}]}),
    )
}

#[test]
fn insufficient_cpu_and_taint_are_decoded() {
    let f = run(vec![pending(
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
        json!({}),
    )]);
    let p = one(&f, "pod-unschedulable");
    assert_eq!(p.summary, "pod cannot be scheduled: insufficient cpu");
    assert!(
        p.explanation.contains("the pod requests cpu 4"),
        "{}",
        p.explanation
    );
    assert!(p.explanation.contains("control-plane"));
}

#[test]
fn node_selector_is_shown() {
    let f = run(vec![pending(
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
        json!({"nodeSelector": {"disktype": "ssd"}}),
    )]);
    let p = one(&f, "pod-unschedulable");
    assert!(p.summary.contains("node selector"));
    assert!(evidence_text(p).contains("nodeSelector: disktype=ssd"));
}

#[test]
fn unbound_pvc_shows_the_claim_and_its_events() {
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "ns"},
        "spec": {"storageClassName": "fast"}, "status": {"phase": "Pending"}});
    let ev = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "data.1", "namespace": "ns", "uid": "e1"},
        "involvedObject": {"kind": "PersistentVolumeClaim", "namespace": "ns", "name": "data"},
        "reason": "ProvisioningFailed", "type": "Warning",
        "message": "storageclass.storage.k8s.io \"fast\" not found", "lastTimestamp": ago(30)});
    let f = run(vec![
        pending(
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: x",
            json!({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}),
        ),
        pvc,
        ev,
    ]);
    let p = one(&f, "pod-unschedulable");
    let ev = evidence_text(p);
    assert!(ev.contains("PVC data: phase Pending"), "{ev}");
    assert!(ev.contains("\"fast\" not found"));
    assert_eq!(p.caused_by[0].check, "pvc-pending");
}

#[test]
fn scheduling_gates_are_a_warning() {
    let p = pod(
        "web",
        json!({"schedulingGates": [{"name": "example.com/quota"}],
               "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "SchedulingGated", "lastTransitionTime": ago(600)}]}),
    );
    let f = run(vec![p]);
    let g = one(&f, "pod-scheduling-gated");
    assert_eq!(g.severity, crate::findings::Severity::Warning);
    assert!(g.summary.contains("example.com/quota"));
}

#[test]
fn custom_scheduler_without_attempt() {
    let p = pod(
        "web",
        json!({"schedulerName": "volcano", "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Pending"}),
    );
    let f = run(vec![p]);
    assert!(
        one(&f, "pod-not-scheduled")
            .explanation
            .contains("custom scheduler")
    );
}

#[test]
fn no_scheduling_attempt_points_at_the_scheduler() {
    let p = pod("web", spec1(), json!({"phase": "Pending"}));
    let f = run(vec![p]);
    assert!(
        one(&f, "pod-not-scheduled")
            .explanation
            .contains("kube-scheduler")
    );
}

#[test]
fn many_pods_without_scheduling_attempt_are_critical() {
    let pods: Vec<_> = (0..5)
        .map(|i| pod(&format!("p{i}"), spec1(), json!({"phase": "Pending"})))
        .collect();
    let f = run(pods);
    assert_eq!(f.len(), 5);
    assert!(
        f.iter()
            .all(|x| x.severity == crate::findings::Severity::Critical)
    );
    let f = run(vec![pod("p", spec1(), json!({"phase": "Pending"}))]);
    assert_eq!(f[0].severity, crate::findings::Severity::Error);
}

#[test]
fn freshly_created_or_scheduled_pods_are_not_flagged() {
    let mut p = pod("web", spec1(), json!({"phase": "Pending"}));
    p["metadata"]["creationTimestamp"] = json!(ago(5));
    assert!(run(vec![p]).is_empty());
    let p = pod(
        "web",
        json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Pending"}),
    );
    assert!(run(vec![p]).is_empty());
}

fn worker(name: &str, memory: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
        "status": {"allocatable": {"cpu": "4", "memory": memory},
            "conditions": [{"type": "Ready", "status": "True"}]}})
}

#[test]
fn a_request_larger_than_every_node_is_told_as_such() {
    let msg = "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 Insufficient memory.";
    // The pod asks for 1Gi; the largest node has 512Mi allocatable.
    let f = run(vec![pending(msg, json!({})), worker("w1", "512Mi")]);
    let p = one(&f, "pod-unschedulable");
    assert_eq!(
        p.summary,
        "pod cannot be scheduled: it requests 1Gi memory, more than any node has (largest: 512Mi allocatable)"
    );
    assert!(
        !p.next_steps.iter().any(|s| s.contains("NotReady")),
        "{:?}",
        p.next_steps
    );
    // A node that could hold it once the memory is free: the usual advice.
    let f = run(vec![pending(msg, json!({})), worker("w1", "8Gi")]);
    let p = one(&f, "pod-unschedulable");
    assert_eq!(p.summary, "pod cannot be scheduled: insufficient memory");
    assert!(
        p.next_steps
            .iter()
            .any(|s| s.contains("fix the NotReady node"))
    );
}

#[test]
fn gates_are_named_even_without_the_condition() {
    let p = pod(
        "web",
        json!({"schedulingGates": [{"name": "example.com/quota-check"}],
               "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Pending"}),
    );
    let f = run(vec![p]);
    assert!(
        one(&f, "pod-scheduling-gated")
            .summary
            .contains("example.com/quota-check")
    );
    assert!(!ids(&f).iter().any(|(c, _)| c == "pod-not-scheduled"));
}
