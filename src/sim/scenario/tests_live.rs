//! Tests of `seed_logs` and the liveness driver on the built-in scenario and on odd input.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::tests_harness::{Store, at, container, now, run};
use super::{Liveness, World, builtin, json as j, seed_logs};
use crate::sim::mutation::Mutation;

#[test]
fn seed_logs_cover_started_containers_with_previous_instances() {
    let objs = builtin(now()).unwrap();
    let muts = seed_logs(&objs, now());
    let cart: Vec<&Mutation> = muts
        .iter()
        .filter(|m| match m {
            Mutation::Log { pod, .. } | Mutation::ContainerRestarted { pod, .. } => {
                pod == "cart-7c9d8b6f4-x2k9p"
            }
            _ => false,
        })
        .collect();
    let restart = cart
        .iter()
        .position(|m| matches!(m, Mutation::ContainerRestarted { .. }))
        .expect("cart restarted");
    assert!(
        restart > 5 && restart < cart.len() - 5,
        "previous and current lines around the restart"
    );
    let line = |m: &Mutation| match m {
        Mutation::Log { line, .. } => line.clone(),
        _ => String::new(),
    };
    assert!(
        line(cart[restart - 1]).contains("heap used"),
        "previous log ends with memory growth"
    );
    assert!(
        cart[..restart].iter().any(|m| line(m).contains("\tat ")),
        "a Java stack trace"
    );
    assert!(
        line(cart[cart.len() - 1]).contains("heap used"),
        "the last instance was OOM killed too"
    );
    let mut pods_with_logs = std::collections::HashSet::new();
    for m in &muts {
        if let Mutation::Log {
            namespace,
            pod,
            container,
            time,
            line,
        } = m
        {
            assert!(*time <= now(), "{pod}: {time}");
            assert!(!line.is_empty());
            let p = objs
                .iter()
                .find(|o| j::s(o, "/kind") == "Pod" && j::ns(o) == namespace && j::name(o) == pod)
                .expect("log for an existing pod");
            assert!(
                p["spec"]["containers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["name"] == *container)
            );
            pods_with_logs.insert(pod.clone());
        }
    }
    assert!(pods_with_logs.contains("coredns-674b8bbfcf-4xk2p"));
    assert!(
        pods_with_logs.contains("db-migrate-20251231-7xq4k"),
        "completed job pods have logs"
    );
    assert!(
        !pods_with_logs.contains("recommender-84f6c9d7b5-tq5wz"),
        "never started"
    );
    assert!(
        !pods_with_logs.contains("fraud-detector-5d6c7b8f9-8wq3j"),
        "never scheduled"
    );
    assert!(
        muts.iter()
            .any(|m| matches!(m, Mutation::Log { line, .. } if line.contains("\"GET "))),
        "access logs"
    );
}

#[test]
fn crash_loops_follow_the_kubelet_back_off() {
    // The cart's last instance finished 4m51s before "now" and waits back-off 5m0s: it runs
    // again 9 s in, dies of OOM within a minute, and waits 5 minutes more.
    let (muts, store) = run(7, 300);
    let cart = container(&store, "shop", "cart-7c9d8b6f4-x2k9p");
    assert_eq!(
        cart["restartCount"], 15,
        "one restart in 300 s at back-off 5m0s"
    );
    assert_eq!(cart["state"]["waiting"]["reason"], "CrashLoopBackOff");
    assert!(
        j::s(cart, "/state/waiting/message")
            .starts_with("back-off 5m0s restarting failed container=cart")
    );
    assert_eq!(cart["lastState"]["terminated"]["reason"], "OOMKilled");
    assert_eq!(cart["lastState"]["terminated"]["exitCode"], 137);
    let started: Timestamp = j::s(cart, "/lastState/terminated/startedAt")
        .parse()
        .unwrap();
    assert_eq!(started, at(9), "restarted when the back-off ran out");
    let restarts = muts
        .iter()
        .filter(|m| matches!(m, Mutation::ContainerRestarted { pod, .. } if pod == "cart-7c9d8b6f4-x2k9p"))
        .count();
    assert_eq!(restarts, 1);
    let backoff = store
        .of_kind("Event")
        .into_iter()
        .find(|e| {
            j::s(e, "/reason") == "BackOff"
                && j::s(e, "/involvedObject/name") == "cart-7c9d8b6f4-x2k9p"
        })
        .unwrap();
    assert_eq!(
        backoff["count"], 288,
        "the existing BackOff event counts on"
    );
    // The scheduler dies of its missing kubeconfig within a second of each start.
    let scheduler = container(&store, "kube-system", "kube-scheduler-cp-1");
    assert_eq!(scheduler["restartCount"], 8);
    let (s, f) = (
        j::s(scheduler, "/lastState/terminated/startedAt")
            .parse::<Timestamp>()
            .unwrap(),
        j::s(scheduler, "/lastState/terminated/finishedAt")
            .parse::<Timestamp>()
            .unwrap(),
    );
    assert_eq!(f.as_second() - s.as_second(), 1);
    let scheduler_log: Vec<&String> = muts
        .iter()
        .filter_map(|m| match m {
            Mutation::Log { pod, line, .. } if pod == "kube-scheduler-cp-1" => Some(line),
            _ => None,
        })
        .collect();
    assert!(
        scheduler_log.iter().any(|l| l.contains(
            "\"command failed\" err=\"stat /etc/kubernetes/kube-scheduler.conf: no such file or directory\""
        )),
        "{scheduler_log:?}"
    );
}

#[test]
fn back_off_doubles_from_a_fresh_crash() {
    let objs = builtin(now()).unwrap();
    let mut store = Store::new(&objs);
    let mut pod = store.get("Pod", "shop", "cart-7c9d8b6f4-x2k9p").clone();
    let uid = j::s(&pod, "/metadata/uid").to_string();
    pod["status"]["containerStatuses"][0]["state"]["waiting"]["message"] = json!(format!(
        "back-off 10s restarting failed container=cart pod=cart-7c9d8b6f4-x2k9p_shop({uid})"
    ));
    pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"] =
        json!(at(0).to_string());
    store.upsert(pod);
    let mut live = Liveness::new(1);
    live.observe(&objs);
    let mut messages = Vec::new();
    for s in 1..=400 {
        store.step(&mut live, at(s));
        let m = j::s(
            container(&store, "shop", "cart-7c9d8b6f4-x2k9p"),
            "/state/waiting/message",
        )
        .to_string();
        if messages.last() != Some(&m) && !m.is_empty() {
            messages.push(m);
        }
    }
    let backoffs: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        backoffs[..4],
        ["10s", "20s", "40s", "1m20s"],
        "{messages:?}"
    );
}

#[test]
fn liveness_is_deterministic_per_seed() {
    let (a, _) = run(42, 60);
    let (b, _) = run(42, 60);
    let (c, _) = run(43, 60);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn liveness_survives_odd_pods() {
    let odd: Vec<Arc<Value>> = vec![
        json!(null),
        json!(3),
        json!({}),
        json!({"kind": "Pod"}),
        json!({"kind": "Pod", "metadata": {"name": 5}, "status": {"containerStatuses": "x"}}),
        json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "status": {"containerStatuses": [
            {"state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 10s"}}, "lastState": {"terminated": {"finishedAt": "x"}}}, 7, {"name": "c", "state": {"running": {}}}]}}),
        json!({"kind": "Pod", "metadata": {"name": "q", "namespace": "n", "ownerReferences": [{"kind": "ReplicaSet", "name": "r"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "state": {"running": {}}}]}}),
        json!({"kind": "Lease", "metadata": {"name": "l"}, "spec": {"renewTime": "garbage"}}),
        json!({"kind": "ReplicaSet", "metadata": {"name": "r", "namespace": "n"}, "spec": {"replicas": 3}}),
    ]
    .into_iter()
    .map(Arc::new)
    .collect();
    let plain: Vec<Value> = odd.iter().map(|o| (**o).clone()).collect();
    let mut live = Liveness::new(1);
    live.observe(&plain);
    for s in 0..300 {
        let world = World {
            pods: &odd,
            nodes: &odd,
            leases: &odd,
            replica_sets: &odd,
        };
        let _ = live.step(&world, at(s));
    }
    let _ = seed_logs(&plain, now());
}
