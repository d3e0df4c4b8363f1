//! Shared helpers for the simulated-cluster tests: object builders, starting a server from
//! objects, and waiting on conditions with a deadline.

#![allow(dead_code)]

use std::time::Duration;

use kmedic::sim::{Forbidden, RunningSim, ScenarioSource, SimOptions};
use serde_json::{Value, json};

pub fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "status": {"phase": "Active"}})
}

pub fn node(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            "nodeInfo": {"kubeletVersion": "v1.33.1"},
            "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]
        }
    })
}

/// A pod with the given containers, on `node`, in `phase`, with labels.
pub fn pod(
    ns: &str,
    name: &str,
    containers: &[&str],
    node: &str,
    phase: &str,
    labels: Value,
) -> Value {
    let specs: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "image": format!("example/{c}:1.0")}))
        .collect();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "ready": phase == "Running", "restartCount": 0, "image": format!("example/{c}:1.0"), "imageID": "", "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": ns, "name": name, "labels": labels, "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"nodeName": node, "containers": specs, "restartPolicy": "Always"},
        "status": {"phase": phase, "podIP": "10.1.0.7", "containerStatuses": statuses, "startTime": "2026-01-01T00:00:00Z"}
    })
}

pub fn simple_pod(ns: &str, name: &str) -> Value {
    pod(
        ns,
        name,
        &["app"],
        "node-1",
        "Running",
        json!({"app": name}),
    )
}

pub fn service(ns: &str, name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"namespace": ns, "name": name},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}], "selector": {"app": name}}
    })
}

pub fn deployment(ns: &str, name: &str, replicas: i64, ready: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"namespace": ns, "name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "app", "image": "example/app:1.0"}]}}},
        "status": {"replicas": replicas, "readyReplicas": ready, "updatedReplicas": replicas, "availableReplicas": ready}
    })
}

pub fn event(ns: &str, name: &str, pod: &str, reason: &str, message: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"namespace": ns, "name": name},
        "involvedObject": {"kind": "Pod", "namespace": ns, "name": pod, "apiVersion": "v1"},
        "reason": reason, "message": message, "type": "Warning", "count": 3,
        "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:05:00Z",
        "source": {"component": "kubelet"}
    })
}

/// A small cluster: two namespaces, a node, pods (one with two containers), a service, a
/// deployment and an event.
pub fn small_cluster() -> Vec<Value> {
    vec![
        namespace("default"),
        namespace("team-a"),
        node("node-1"),
        simple_pod("default", "web-1"),
        simple_pod("default", "web-2"),
        pod(
            "team-a",
            "api-1",
            &["api", "sidecar"],
            "node-1",
            "Running",
            json!({"app": "api", "tier": "back"}),
        ),
        pod(
            "team-a",
            "batch-1",
            &["job"],
            "node-1",
            "Pending",
            json!({"app": "batch"}),
        ),
        service("default", "web"),
        deployment("default", "web", 2, 1),
        event(
            "team-a",
            "api-1.crash",
            "api-1",
            "BackOff",
            "Back-off restarting failed container api",
        ),
    ]
}

pub fn options(objects: Vec<Value>, forbidden: Vec<Forbidden>) -> SimOptions {
    SimOptions {
        source: ScenarioSource::Objects(objects),
        port: 0,
        live: false,
        forbidden,
        log_generators: Vec::new(),
    }
}

pub async fn start_objects(objects: Vec<Value>) -> RunningSim {
    kmedic::sim::start(options(objects, Vec::new()))
        .await
        .expect("simulated cluster starts")
}

/// Polls `check` until it returns `Some`, failing the test after `timeout`.
pub async fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
