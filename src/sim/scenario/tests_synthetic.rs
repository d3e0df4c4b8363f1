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
        assert_eq!(
            count(&objs, "Namespace"),
            nss.max(usize::from(pods > 0 && nss == 0))
        );
    }
}

#[test]
fn objects_are_valid_consistent_and_some_fail() {
    let objs = synthetic(2000, 10, 5, now());
    let nodes: HashSet<&str> = objs
        .iter()
        .filter(|o| json::s(o, "/kind") == "Node")
        .map(json::name)
        .collect();
    let names: HashSet<(&str, &str)> = objs
        .iter()
        .map(|o| (json::s(o, "/kind"), json::name(o)))
        .collect();
    let mut failing = 0;
    let mut reasons = HashSet::new();
    for o in &objs {
        match json::s(o, "/kind") {
            "Pod" => {
                serde_json::from_value::<k8s_openapi::api::core::v1::Pod>(o.clone()).unwrap();
                if let Some(n) = o.pointer("/spec/nodeName").and_then(Value::as_str) {
                    assert!(nodes.contains(n));
                }
                let (_, owner) = json::owner(o).unwrap();
                assert!(names.contains(&("ReplicaSet", owner)));
                if !json::pod_ready(o) {
                    failing += 1;
                    let reason = json::s(o, "/status/containerStatuses/0/state/waiting/reason");
                    reasons.insert(if reason.is_empty() {
                        json::s(o, "/status/conditions/0/reason")
                    } else {
                        reason
                    });
                }
            }
            "Node" => {
                drop(serde_json::from_value::<k8s_openapi::api::core::v1::Node>(o.clone()).unwrap())
            }
            "Deployment" => drop(
                serde_json::from_value::<k8s_openapi::api::apps::v1::Deployment>(o.clone())
                    .unwrap(),
            ),
            "ReplicaSet" => drop(
                serde_json::from_value::<k8s_openapi::api::apps::v1::ReplicaSet>(o.clone())
                    .unwrap(),
            ),
            "Service" => drop(
                serde_json::from_value::<k8s_openapi::api::core::v1::Service>(o.clone()).unwrap(),
            ),
            "Endpoints" => drop(
                serde_json::from_value::<k8s_openapi::api::core::v1::Endpoints>(o.clone()).unwrap(),
            ),
            "EndpointSlice" => drop(
                serde_json::from_value::<k8s_openapi::api::discovery::v1::EndpointSlice>(o.clone())
                    .unwrap(),
            ),
            "Namespace" => drop(
                serde_json::from_value::<k8s_openapi::api::core::v1::Namespace>(o.clone()).unwrap(),
            ),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        (20..=80).contains(&failing),
        "{failing} failing pods of 2000"
    );
    for r in ["CrashLoopBackOff", "ImagePullBackOff", "Unschedulable"] {
        assert!(reasons.contains(r), "{r} missing: {reasons:?}");
    }
    let pod_names: HashSet<&str> = objs
        .iter()
        .filter(|o| json::s(o, "/kind") == "Pod")
        .map(json::name)
        .collect();
    assert_eq!(pod_names.len(), 2000, "pod names are unique");
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
