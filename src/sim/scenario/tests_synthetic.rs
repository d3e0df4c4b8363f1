//! Tests of the synthetic generator: exact sizes, valid objects, determinism, some failures.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::collections::HashSet;

use jiff::Timestamp;
use serde_json::Value;

use super::{json, synthetic};

fn now() -> Timestamp {
    "2026-03-01T10:00:00Z".parse().unwrap()
}

fn count(objs: &[Value], kind: &str) -> usize {
    objs.iter().filter(|o| json::s(o, "/kind") == kind).count()
}

#[test]
fn sizes_are_exact() {
    for (pods, nodes, nss) in [(0, 0, 0), (1, 1, 1), (10, 3, 4), (1000, 20, 7), (37, 5, 40)] {
        let objs = synthetic(pods, nodes, nss, now());
        assert_eq!(count(&objs, "Pod"), pods, "{pods} {nodes} {nss}");
        assert_eq!(count(&objs, "Node"), nodes);
        // The application namespaces plus default, kube-system, kube-public, kube-node-lease.
        assert_eq!(count(&objs, "Namespace"), nss + 4);
        assert!(count(&objs, "Lease") >= nodes);
    }
}

#[test]
fn objects_are_valid_consistent_and_some_fail() {
    use k8s_openapi::api::{apps, batch, coordination, core, discovery};
    fn check<T: serde::de::DeserializeOwned>(o: &Value) {
        if let Err(e) = serde_json::from_value::<T>(o.clone()) {
            panic!(
                "{} {}/{}: {e}",
                json::s(o, "/kind"),
                json::ns(o),
                json::name(o)
            );
        }
    }
    let objs = synthetic(2000, 10, 5, now());
    let nodes: HashSet<&str> = objs
        .iter()
        .filter(|o| json::s(o, "/kind") == "Node")
        .map(json::name)
        .collect();
    let names: HashSet<(&str, &str, &str)> = objs
        .iter()
        .map(|o| (json::s(o, "/kind"), json::ns(o), json::name(o)))
        .collect();
    assert_eq!(
        names.len(),
        objs.len(),
        "no two objects share kind/namespace/name"
    );
    let mut failing = 0;
    let mut reasons = HashSet::new();
    let mut kinds = HashSet::new();
    for o in &objs {
        kinds.insert(json::s(o, "/kind"));
        match json::s(o, "/kind") {
            "Pod" => {
                check::<core::v1::Pod>(o);
                if let Some(n) = o.pointer("/spec/nodeName").and_then(Value::as_str) {
                    assert!(nodes.contains(n));
                }
                let (kind, owner) = json::owner(o).unwrap();
                assert!(
                    names.contains(&(kind, json::ns(o), owner)) || kind == "Node",
                    "{kind} {owner}"
                );
                if !json::pod_ready(o) && json::s(o, "/status/phase") != "Succeeded" {
                    failing += 1;
                    let reason = json::s(o, "/status/containerStatuses/0/state/waiting/reason");
                    reasons.insert(if reason.is_empty() {
                        json::s(o, "/status/conditions/0/reason")
                    } else {
                        reason
                    });
                }
            }
            "Node" => check::<core::v1::Node>(o),
            "Deployment" => check::<apps::v1::Deployment>(o),
            "ReplicaSet" => check::<apps::v1::ReplicaSet>(o),
            "StatefulSet" => check::<apps::v1::StatefulSet>(o),
            "DaemonSet" => check::<apps::v1::DaemonSet>(o),
            "Job" => check::<batch::v1::Job>(o),
            "CronJob" => check::<batch::v1::CronJob>(o),
            "Service" => check::<core::v1::Service>(o),
            "Endpoints" => check::<core::v1::Endpoints>(o),
            "EndpointSlice" => check::<discovery::v1::EndpointSlice>(o),
            "Namespace" => check::<core::v1::Namespace>(o),
            "ConfigMap" => check::<core::v1::ConfigMap>(o),
            "Secret" => check::<core::v1::Secret>(o),
            "ServiceAccount" => check::<core::v1::ServiceAccount>(o),
            "Event" => check::<core::v1::Event>(o),
            "Lease" => check::<coordination::v1::Lease>(o),
            "APIService" => {
                check::<k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService>(o)
            }
            other => panic!("unexpected {other}"),
        }
    }
    for kind in [
        "StatefulSet",
        "DaemonSet",
        "CronJob",
        "Job",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Event",
        "Lease",
    ] {
        assert!(kinds.contains(kind), "{kind} missing");
    }
    assert!(
        (20..=80).contains(&failing),
        "{failing} failing pods of 2000"
    );
    for r in ["CrashLoopBackOff", "ImagePullBackOff", "Unschedulable"] {
        assert!(reasons.contains(r), "{r} missing: {reasons:?}");
    }
    // Deployments keep earlier revisions with their full pod template.
    let rs_of = |dep: &str| {
        objs.iter()
            .filter(|o| {
                json::s(o, "/kind") == "ReplicaSet"
                    && json::owned_by(o, "Deployment", dep)
                    && json::ns(o) == "ns-001"
            })
            .count()
    };
    assert_eq!(rs_of("app-001"), 3);
    // Pod addresses come from their node's pod CIDR; control-plane nodes run no apps.
    for p in objs.iter().filter(|o| json::s(o, "/kind") == "Pod") {
        let node = json::s(p, "/spec/nodeName");
        if node.is_empty() || p.pointer("/spec/hostNetwork") == Some(&Value::Bool(true)) {
            continue;
        }
        let n = objs
            .iter()
            .find(|o| json::s(o, "/kind") == "Node" && json::name(o) == node)
            .unwrap();
        let cidr = json::s(n, "/spec/podCIDR").trim_end_matches(".0/24");
        assert!(
            json::s(p, "/status/podIP").starts_with(&format!("{cidr}.")),
            "{}",
            json::name(p)
        );
        assert!(
            n.pointer("/spec/taints").is_none() || json::ns(p) == "kube-system",
            "{}",
            json::name(p)
        );
    }
    let control_planes: Vec<&Value> = objs
        .iter()
        .filter(|o| {
            json::s(o, "/kind") == "Pod" && json::s(o, "/metadata/labels/tier") == "control-plane"
        })
        .collect();
    assert_eq!(
        control_planes.len(),
        4,
        "one control-plane node at 10 nodes"
    );
    assert!(
        control_planes
            .iter()
            .all(|p| json::owner(p).map(|o| o.0) == Some("Node"))
    );
}

#[test]
fn deterministic_at_scale() {
    assert_eq!(synthetic(300, 4, 3, now()), synthetic(300, 4, 3, now()));
    // Generation speed is measured by `cargo bench --bench explorer`, not asserted here.
    let objs = synthetic(20_000, 200, 20, now());
    assert_eq!(count(&objs, "Pod"), 20_000);
    assert_eq!(count(&objs, "Node"), 200);
}

#[test]
fn seed_logs_and_liveness_scale_to_big_clusters() {
    let objs = synthetic(20_000, 200, 20, now());
    let logs = super::seed_logs(&objs, now());
    let pods: Vec<std::sync::Arc<Value>> = objs
        .into_iter()
        .filter(|o| json::s(o, "/kind") == "Pod")
        .map(std::sync::Arc::new)
        .collect();
    let mut live = super::Liveness::new(3);
    let mut n = 0;
    for s in 1..=3 {
        let at = Timestamp::from_second(now().as_second() + s).unwrap();
        let world = super::World {
            pods: &pods,
            ..Default::default()
        };
        n += live.step(&world, at).len();
    }
    // Bounded work per cluster: logs are capped per pod, liveness looks at a window of pods.
    assert!(logs.len() <= 240_000, "{} seed log mutations", logs.len());
    assert!(n > 0);
}
