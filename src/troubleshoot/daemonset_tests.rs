//! Tests of `daemonset`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use crate::findings::Severity;
use serde_json::{Value, json};

fn node(name: &str, ready: &str, taints: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "creationTimestamp": ago(86400), "labels": {"kubernetes.io/os": "linux"}},
        "spec": {"taints": taints},
        "status": {"conditions": [{"type": "Ready", "status": ready}]}})
}

fn ds(status: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ns", "uid": "ds-uid", "generation": 2},
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "template": {"metadata": {"labels": {"app": "agent"}},
                "spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                         "containers": [{"name": "agent", "image": "example/agent:2"}]}}},
        "status": status})
}

fn daemon_pod(name: &str, node: &str, status: Value) -> Value {
    let mut p = pod(
        name,
        json!({"nodeName": node, "containers": [{"name": "agent", "image": "example/agent:2"}]}),
        status,
    );
    p["metadata"]["labels"] = json!({"app": "agent"});
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "DaemonSet",
        "name": "agent", "uid": "ds-uid", "controller": true, "blockOwnerDeletion": true}]);
    p
}

fn ready_pod(name: &str, node: &str) -> Value {
    daemon_pod(
        name,
        node,
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "agent", "image": "x", "ready": true, "restartCount": 0,
            "state": {"running": {"startedAt": ago(3000)}}}]}),
    )
}

fn pulling_pod(name: &str, node: &str) -> Value {
    daemon_pod(
        name,
        node,
        json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [{"name": "agent", "image": "x", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}]}),
    )
}

fn status(desired: i32, ready: i32, updated: i32) -> Value {
    json!({"desiredNumberScheduled": desired, "currentNumberScheduled": desired, "numberReady": ready,
        "numberAvailable": ready, "numberUnavailable": desired - ready, "updatedNumberScheduled": updated,
        "numberMisscheduled": 0, "observedGeneration": 2})
}

#[test]
fn names_the_node_without_a_ready_pod_and_why() {
    let f = run(vec![
        ds(status(3, 1, 3)),
        node("w1", "True", json!([])),
        node("w2", "True", json!([])),
        node("w3", "True", json!([])),
        ready_pod("agent-a", "w1"),
        pulling_pod("agent-b", "w2"),
    ]);
    let d = one(&f, "daemonset-unavailable");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.summary
            .contains("w2 (pod agent-b: container agent: ImagePullBackOff)"),
        "{}",
        d.summary
    );
    assert!(
        d.summary.contains("w3 (no daemon pod was created on it)"),
        "{}",
        d.summary
    );
    assert!(
        d.next_steps
            .iter()
            .any(|s| s == "kubectl describe pod agent-b -n ns")
    );
    assert!(
        !evidence_text(d).contains("not scheduled on"),
        "every node is covered: {}",
        evidence_text(d)
    );
}

#[test]
fn a_stuck_rolling_update() {
    let f = run(vec![
        ds(status(2, 1, 1)),
        node("w1", "True", json!([])),
        node("w2", "True", json!([])),
        ready_pod("agent-a", "w1"),
        pulling_pod("agent-b", "w2"),
    ]);
    let d = one(&f, "daemonset-rollout-stuck");
    assert!(d.summary.contains("1/2 updated"), "{}", d.summary);
    assert!(
        d.next_steps
            .iter()
            .any(|s| s.contains("rollout undo daemonset/agent"))
    );
}

#[test]
fn only_not_ready_nodes_lacking_is_a_warning_linked_to_the_node() {
    let f = run(vec![
        ds(status(2, 1, 2)),
        node("w1", "True", json!([])),
        node(
            "w2",
            "Unknown",
            json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]),
        ),
        ready_pod("agent-a", "w1"),
    ]);
    let d = one(&f, "daemonset-unavailable");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.caused_by[0].check, "node-not-ready");
}

#[test]
fn tainted_and_control_plane_nodes() {
    let f = run(vec![
        ds(status(1, 1, 1)),
        node("w1", "True", json!([])),
        node(
            "gpu-1",
            "True",
            json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]),
        ),
        ready_pod("agent-a", "w1"),
    ]);
    let d = one(&f, "daemonset-nodes-excluded");
    assert_eq!(d.severity, Severity::Info);
    assert!(evidence_text(d).contains("taint dedicated=gpu:NoSchedule not tolerated"));
    let mut cp = node(
        "cp-1",
        "True",
        json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
    );
    cp["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] = json!("");
    let f = run(vec![
        ds(status(1, 1, 1)),
        node("w1", "True", json!([])),
        cp,
        ready_pod("agent-a", "w1"),
    ]);
    assert!(
        !f.iter().any(|x| x.object.kind == "DaemonSet"),
        "control-plane nodes are not counted against a DaemonSet: {:?}",
        ids(&f)
    );
}

#[test]
fn healthy_daemonset_and_a_fresh_pod_are_not_flagged() {
    let f = run(vec![
        ds(status(2, 2, 2)),
        node("w1", "True", json!([])),
        node(
            "w2",
            "True",
            json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
        ),
        ready_pod("agent-a", "w1"),
        ready_pod("agent-b", "w2"),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    let mut fresh = pulling_pod("agent-b", "w2");
    fresh["metadata"]["creationTimestamp"] = json!(ago(5));
    let f = run(vec![
        ds(status(2, 1, 2)),
        node("w1", "True", json!([])),
        node("w2", "True", json!([])),
        ready_pod("agent-a", "w1"),
        fresh,
    ]);
    assert!(
        !ids(&f).iter().any(|(c, _)| c.starts_with("daemonset")),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn misscheduled_pods_are_named() {
    let mut st = status(1, 1, 1);
    st["numberMisscheduled"] = json!(1);
    let mut win = node("win-1", "True", json!([]));
    win["metadata"]["labels"] = json!({"kubernetes.io/os": "windows"});
    let f = run(vec![
        ds(st),
        node("w1", "True", json!([])),
        win,
        ready_pod("agent-a", "w1"),
        ready_pod("agent-w", "win-1"),
    ]);
    let m = one(&f, "daemonset-misscheduled");
    assert!(
        evidence_text(m).contains("agent-w on win-1: nodeSelector kubernetes.io/os=linux"),
        "{}",
        evidence_text(m)
    );
}

#[test]
fn the_nodes_it_skips_on_purpose_are_shown_with_a_shortage() {
    let mut win = node("win-1", "True", json!([]));
    win["metadata"]["labels"] = json!({"kubernetes.io/os": "windows"});
    let f = run(vec![
        ds(status(2, 1, 2)),
        node("w1", "True", json!([])),
        node("w2", "True", json!([])),
        win,
        ready_pod("agent-a", "w1"),
        pulling_pod("agent-b", "w2"),
    ]);
    let d = one(&f, "daemonset-unavailable");
    assert!(
        evidence_text(d).contains(
            "not scheduled on win-1: nodeSelector kubernetes.io/os=linux does not match its labels"
        ),
        "{}",
        evidence_text(d)
    );
}

/// A daemon pod the controller created for w3 (pinned by `matchFields metadata.name`, no
/// `nodeName` yet) that the scheduler cannot place there for lack of CPU.
fn unschedulable_daemon_pod(name: &str, node: &str) -> Value {
    let mut p = daemon_pod(
        name,
        "",
        json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "lastTransitionTime": ago(3000),
            "message": "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."}]}),
    );
    p["metadata"]["creationTimestamp"] = json!(ago(3000));
    p["spec"].as_object_mut().unwrap().remove("nodeName");
    p["spec"]["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
        {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
    p["spec"]["containers"][0]["resources"] = json!({"requests": {"cpu": "100m"}});
    p
}

#[test]
fn a_pending_daemon_pod_is_found_on_its_node_with_the_real_reason() {
    let f = run(vec![
        ds(status(3, 2, 3)),
        node("w1", "True", json!([])),
        node("w2", "True", json!([])),
        node("w3", "True", json!([])),
        ready_pod("agent-a", "w1"),
        ready_pod("agent-b", "w2"),
        unschedulable_daemon_pod("agent-c", "w3"),
    ]);
    let d = one(&f, "daemonset-unavailable");
    assert!(
        d.summary
            .contains("w3 (pod agent-c is Pending: insufficient cpu on the node)"),
        "{}",
        d.summary
    );
    assert!(!d.summary.contains("no daemon pod"), "{}", d.summary);
    let p = one(&f, "pod-unschedulable");
    assert_eq!(
        p.summary,
        "pod cannot be scheduled: insufficient cpu on w3, the node its DaemonSet placed it on"
    );
    assert!(
        !p.next_steps.iter().any(|s| s.contains("--show-labels")),
        "the pin is not the problem: {:?}",
        p.next_steps
    );
    assert!(
        p.next_steps
            .iter()
            .any(|s| s.contains("kubectl describe node w3")),
        "{:?}",
        p.next_steps
    );
}
