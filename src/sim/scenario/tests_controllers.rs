//! Tests of the controllers the liveness driver plays on the built-in demo: leases renewed by
//! live components and not by dead ones, node status every 5 minutes, healthy pods left alone,
//! and a ReplicaSet replacing a deleted pod — unscheduled while the scheduler is down.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::tests_harness::{Store, at, run};
use super::{Liveness, builtin, json as j};
use crate::sim::mutation::Mutation;

fn now() -> Timestamp {
    super::tests_harness::now()
}

#[test]
fn healthy_pods_are_left_alone_and_leases_renew() {
    let (muts, store) = run(3, 150);
    assert!(
        !muts.iter().any(|m| matches!(m, Mutation::Delete { .. })),
        "no pod is replaced in a healthy stretch"
    );
    let before: Vec<String> = builtin(now())
        .unwrap()
        .iter()
        .filter(|o| j::s(o, "/kind") == "Pod")
        .map(|o| j::name(o).to_string())
        .collect();
    let after: Vec<String> = store
        .of_kind("Pod")
        .iter()
        .map(|p| j::name(p).to_string())
        .collect();
    assert_eq!(before.len(), after.len());
    let renewed = |ns: &str, name: &str| -> i64 {
        let t: Timestamp = j::s(store.get("Lease", ns, name), "/spec/renewTime")
            .parse()
            .unwrap();
        at(150).as_second() - t.as_second()
    };
    assert!(renewed("kube-node-lease", "worker-1") <= 10);
    assert!(renewed("kube-system", "kube-controller-manager") <= 2);
    assert!(renewed("kube-system", "apiserver-zvmq3lqpnerbhbin5novlsptoe") <= 10);
    assert!(
        renewed("kube-node-lease", "worker-3") > 1400,
        "a dead kubelet renews nothing"
    );
    assert!(
        renewed("kube-system", "kube-scheduler") > 900,
        "a crashed scheduler renews nothing"
    );
    let node_renewals = muts
        .iter()
        .filter(|m| matches!(m, Mutation::Upsert(o) if j::s(o, "/kind") == "Lease" && j::ns(o) == "kube-node-lease"))
        .count();
    assert!(
        (42..=48).contains(&node_renewals),
        "3 live kubelets every 10 s: {node_renewals}"
    );
    // Live kubelets post their status every 5 minutes; the dead one does not.
    let heartbeat = |node: &str| {
        j::s(
            &store.get("Node", "", node)["status"]["conditions"][4],
            "/lastHeartbeatTime",
        )
        .to_string()
    };
    assert_ne!(
        heartbeat("worker-2"),
        "2026-06-01T08:57:10Z",
        "worker-2 posted after 5 minutes"
    );
    assert_eq!(heartbeat("worker-3"), "2026-06-01T08:35:10Z");
    let logs = muts
        .iter()
        .filter(|m| matches!(m, Mutation::Log { .. }))
        .count();
    assert!(logs > 100, "{logs} log lines");
}

#[test]
fn a_deleted_pod_is_replaced_but_not_scheduled_while_the_scheduler_is_down() {
    let objs = builtin(now()).unwrap();
    let mut store = Store::new(&objs);
    store.objects.remove("Pod/shop/frontend-5c7d9f8b6d-2hxkq");
    let mut live = Liveness::new(5);
    live.observe(&objs);
    let mut muts = Vec::new();
    for s in 1..=30 {
        muts.extend(store.step(&mut live, at(s)));
    }
    let new: Vec<Arc<Value>> = store
        .of_kind("Pod")
        .into_iter()
        .filter(|p| {
            j::ns(p) == "shop"
                && j::name(p).starts_with("frontend-5c7d9f8b6d-")
                && j::name(p) != "frontend-5c7d9f8b6d-9mvtz"
        })
        .collect();
    assert_eq!(new.len(), 1, "the ReplicaSet replaces the missing pod once");
    assert_eq!(new[0]["status"]["phase"], "Pending");
    assert!(
        new[0].pointer("/spec/nodeName").is_none(),
        "no scheduler, no binding"
    );
    assert!(
        new[0].pointer("/status/conditions").is_none(),
        "and no scheduling attempt"
    );
    assert_eq!(new[0]["metadata"]["labels"]["app"], "frontend");
    // Endpoints follow the pods: the deleted pod's address is gone.
    let ep = store.get("Endpoints", "shop", "frontend");
    assert_eq!(
        ep["subsets"][0]["addresses"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn replacements_start_with_an_address_of_their_node_when_a_scheduler_runs() {
    let mut objs = builtin(now()).unwrap();
    objs.retain(|o| !(j::s(o, "/kind") == "Lease" && j::name(o) == "kube-scheduler"));
    let mut store = Store::new(&objs);
    store
        .objects
        .remove("Pod/payments/payments-7f5b8c9d6-kx7vq");
    let mut live = Liveness::new(9);
    live.observe(&objs);
    for s in 1..=30 {
        store.step(&mut live, at(s));
    }
    let new: Vec<Arc<Value>> = store
        .of_kind("Pod")
        .into_iter()
        .filter(|p| {
            j::ns(p) == "payments"
                && j::name(p).starts_with("payments-7f5b8c9d6-")
                && j::name(p) != "payments-7f5b8c9d6-z2r8n"
        })
        .collect();
    assert_eq!(new.len(), 1);
    let pod = &new[0];
    serde_json::from_value::<k8s_openapi::api::core::v1::Pod>((**pod).clone()).unwrap();
    assert_eq!(pod["status"]["phase"], "Running");
    assert!(j::pod_ready(pod));
    let node = j::s(pod, "/spec/nodeName");
    assert!(
        ["worker-1"].contains(&node),
        "the only Ready untainted worker: {node}"
    );
    assert!(
        j::s(pod, "/status/podIP").starts_with("10.244.1."),
        "{}",
        j::s(pod, "/status/podIP")
    );
}
