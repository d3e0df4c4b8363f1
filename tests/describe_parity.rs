//! Describe against `kubectl describe` on the same simulated cluster: a Node's non-terminated
//! pods and allocated resources, a Service's endpoints, a Deployment's old and new
//! ReplicaSets, and a Node's events while another namespace is selected. kubectl must be
//! installed; the tests fail without it.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::process::Stdio;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use support::*;

const KUBECTL: &str = "/usr/bin/kubectl";

/// `kubectl describe ARGS` against `kubeconfig_yaml`'s cluster.
async fn kubectl_describe(kubeconfig_yaml: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig_yaml).unwrap();
    let output = tokio::process::Command::new(KUBECTL)
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env("NO_PROXY", "127.0.0.1")
        .arg("--kubeconfig")
        .arg(&path)
        .arg("describe")
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), output)
        .await
        .expect("kubectl finishes")
        .unwrap();
    assert!(
        output.status.success(),
        "kubectl describe {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Opens the describe view of `name` in the view of `view_key` and waits for `needle`.
async fn describe(s: &mut Session, view_key: &str, name: &str, needle: &str) -> Vec<String> {
    type_text(s, view_key);
    type_text(s, &format!("/^{name}$"));
    s.dispatch(key(KeyCode::Enter));
    wait_state(s, "the row", |st| {
        st.selected_row().is_some_and(|r| r.key.name == name)
    })
    .await;
    type_text(s, "d");
    wait_state(s, needle, |st| match &st.overlay {
        Some(Overlay::Detail(d)) => d.lines.iter().any(|l| l.text.contains(needle)),
        _ => false,
    })
    .await;
    match &s.state.overlay {
        Some(Overlay::Detail(d)) => d.lines.iter().map(|l| l.text.clone()).collect(),
        _ => unreachable!(),
    }
}

/// The cells of a table line (columns are separated by two spaces or more).
fn cells(line: &str) -> Vec<String> {
    regex::Regex::new(r"\s{2,}")
        .unwrap()
        .split(line.trim())
        .map(str::to_string)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The lines of a section: after the line starting with `start`, up to one starting with
/// `end`, without kubectl's `----` underlines.
fn section(lines: &[String], start: &str, end: &str) -> Vec<Vec<String>> {
    lines
        .iter()
        .skip_while(|l| !l.trim_start().starts_with(start))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with(end))
        .filter(|l| !l.trim().starts_with("---") && !l.trim().is_empty())
        .map(|l| cells(l))
        .collect()
}

fn field(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("no {label} in {lines:#?}"))
}

#[tokio::test]
async fn node_pods_and_allocated_resources_match_kubectl() {
    let (sim, mut s, _) = frozen_demo().await;
    let ours = describe(&mut s, "4", "worker-1", "Allocated resources:").await;
    let theirs: Vec<String> = kubectl_describe(&sim.kubeconfig_yaml(), &["node", "worker-1"])
        .await
        .lines()
        .map(str::to_string)
        .collect();
    let drop_age = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|mut r| {
                if r.len() == 7 {
                    r.pop();
                }
                r
            })
            .collect()
    };
    let our_pods = drop_age(section(
        &ours,
        "Non-terminated Pods:",
        "Allocated resources:",
    ));
    let their_pods = drop_age(section(
        &theirs,
        "Non-terminated Pods:",
        "Allocated resources:",
    ));
    assert!(their_pods.len() > 3, "{their_pods:?}");
    assert_eq!(our_pods, their_pods);
    assert_eq!(
        field(&ours, "Non-terminated Pods:"),
        field(&theirs, "Non-terminated Pods:")
    );
    let our_alloc = section(&ours, "Allocated resources:", "Events:");
    let their_alloc = section(&theirs, "Allocated resources:", "Events:");
    assert!(
        their_alloc
            .iter()
            .any(|r| r.first().is_some_and(|c| c == "cpu"))
    );
    assert_eq!(our_alloc, their_alloc);
}

#[tokio::test]
async fn service_endpoints_and_deployment_replicasets_match_kubectl() {
    let (sim, mut s, _) = frozen_demo().await;
    let ours = describe(&mut s, "3", "frontend", "Endpoints:").await;
    let theirs: Vec<String> = kubectl_describe(
        &sim.kubeconfig_yaml(),
        &["service", "-n", "shop", "frontend"],
    )
    .await
    .lines()
    .map(str::to_string)
    .collect();
    let set = |v: String| -> BTreeSet<String> { v.split(',').map(str::to_string).collect() };
    let ours_ep = set(field(&ours, "Endpoints:"));
    assert!(ours_ep.len() >= 2, "{ours_ep:?}");
    assert_eq!(ours_ep, set(field(&theirs, "Endpoints:")));
    s.dispatch(key(KeyCode::Esc));

    let ours = describe(&mut s, "2", "cart", "NewReplicaSet:").await;
    let theirs: Vec<String> = kubectl_describe(
        &sim.kubeconfig_yaml(),
        &["deployment", "-n", "shop", "cart"],
    )
    .await
    .lines()
    .map(str::to_string)
    .collect();
    for label in ["NewReplicaSet:", "OldReplicaSets:"] {
        assert_eq!(field(&ours, label), field(&theirs, label), "{label}");
    }
    assert!(field(&ours, "NewReplicaSet:").starts_with("cart-7c9d8b6f4 "));
}

#[tokio::test]
async fn node_events_show_whatever_namespace_is_selected() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("shop"), false).await;
    wait_state(&mut s, "nodes to sync", |st| {
        st.kinds.get(&ResourceKind::Nodes).is_some_and(|k| k.synced)
    })
    .await;
    let ours = describe(&mut s, "4", "worker-3", "NodeNotReady").await;
    let theirs = kubectl_describe(&sim.kubeconfig_yaml(), &["node", "worker-3"]).await;
    assert!(theirs.contains("NodeNotReady"), "{theirs}");
    let text = ours.join("\n");
    assert!(
        text.contains("Node worker-3 status is now: NodeNotReady"),
        "{text}"
    );
    // The events live in `default`, which is not watched while `shop` is selected.
    assert!(
        s.state
            .rows(ResourceKind::Events)
            .iter()
            .all(|r| r.key.namespace == "shop"),
        "the watch is scoped to shop"
    );
}

#[tokio::test]
async fn pvc_used_by_matches_kubectl_and_follows_the_pods() {
    let (sim, mut s, reference) = frozen_demo().await;
    wait_state(&mut s, "API discovery", |st| st.api.is_some()).await;
    type_text(&mut s, ":pvc -A");
    s.dispatch(key(KeyCode::Enter));
    wait_state(&mut s, "claims to be listed", |st| {
        st.view == ResourceKind::Browse
            && st
                .kinds
                .get(&ResourceKind::Browse)
                .is_some_and(|d| d.synced)
    })
    .await;
    let ours = describe(&mut s, "", "data-redis-0", "Used By:").await;
    wait_state(&mut s, "the pods that use the claim", |st| {
        match &st.overlay {
            Some(Overlay::Detail(d)) => d
                .lines
                .iter()
                .any(|l| l.text.starts_with("Used By:") && l.text.ends_with("redis-0")),
            _ => false,
        }
    })
    .await;
    let ours: Vec<String> = match &s.state.overlay {
        Some(Overlay::Detail(d)) => d.lines.iter().map(|l| l.text.clone()).collect(),
        _ => ours,
    };
    let theirs: Vec<String> = kubectl_describe(
        &sim.kubeconfig_yaml(),
        &["pvc", "-n", "shop", "data-redis-0"],
    )
    .await
    .lines()
    .map(str::to_string)
    .collect();
    for label in [
        "StorageClass:",
        "Status:",
        "Volume:",
        "Capacity:",
        "Access Modes:",
        "VolumeMode:",
        "Used By:",
    ] {
        assert_eq!(field(&ours, label), field(&theirs, label), "{label}");
    }
    assert_eq!(field(&ours, "Used By:"), "redis-0");

    // A second pod mounts the claim: describe, still open, names it too.
    let mut pod: serde_json::Value = serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "redis-debug", "namespace": "shop",
            "creationTimestamp": "2026-01-01T11:00:00Z"},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "sh", "image": "busybox:1.36"}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-redis-0"}}]},
        "status": {"phase": "Pending"}
    });
    pod["metadata"]["uid"] = "0f1e2d3c-aaaa-bbbb-cccc-000000000001".into();
    sim.store().upsert(pod).unwrap();
    wait_state(&mut s, "the new pod", |st| {
        st.rows(ResourceKind::Pods)
            .iter()
            .any(|r| r.key.name == "redis-debug")
    })
    .await;
    // The clock moves on past the pause between two reads of the pods.
    s.dispatch(kmedic::app::Msg::Tick(
        reference + jiff::SignedDuration::from_secs(30),
    ));
    wait_state(&mut s, "the new user of the claim", |st| {
        match &st.overlay {
            Some(Overlay::Detail(d)) => d
                .lines
                .iter()
                .skip_while(|l| !l.text.starts_with("Used By:"))
                .take(2)
                .any(|l| l.text.ends_with("redis-debug")),
            _ => false,
        }
    })
    .await;
}
