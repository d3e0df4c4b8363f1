//! Tests of `seed_logs` and the liveness driver on the built-in scenario and on odd input.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Liveness, builtin, json as j, seed_logs};
use crate::sim::mutation::Mutation;

fn now() -> Timestamp {
    "2026-06-01T09:00:00Z".parse().unwrap()
}

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

/// A tiny store: pods by namespace/name, plus the latest upsert of everything else.
struct Store {
    pods: BTreeMap<String, Value>,
    others: BTreeMap<String, Value>,
}

impl Store {
    fn new(objs: &[Value]) -> Self {
        let mut s = Store {
            pods: BTreeMap::new(),
            others: BTreeMap::new(),
        };
        for o in objs {
            s.upsert(o.clone());
        }
        s
    }
    fn key(o: &Value) -> String {
        format!("{}/{}/{}", j::s(o, "/kind"), j::ns(o), j::name(o))
    }
    fn upsert(&mut self, o: Value) {
        if j::s(&o, "/kind") == "Pod" {
            self.pods.insert(Self::key(&o), o);
        } else {
            self.others.insert(Self::key(&o), o);
        }
    }
    fn pods(&self) -> Vec<Value> {
        self.pods.values().cloned().collect()
    }
}

fn run(seed: u64, steps: i64) -> (Vec<Mutation>, Store) {
    let objs = builtin(now()).unwrap();
    let mut store = Store::new(&objs);
    let mut live = Liveness::new(seed);
    live.observe(&objs);
    let mut all = Vec::new();
    for s in 1..=steps {
        let t = Timestamp::from_second(now().as_second() + s).unwrap();
        let muts = live.step(&store.pods(), t);
        for m in &muts {
            match m {
                Mutation::Upsert(o) => store.upsert(o.clone()),
                Mutation::Delete {
                    kind,
                    namespace,
                    name,
                    ..
                } => {
                    store.pods.remove(&format!(
                        "{kind}/{}/{name}",
                        namespace.clone().unwrap_or_default()
                    ));
                }
                _ => {}
            }
        }
        all.extend(muts);
    }
    (all, store)
}

#[test]
fn liveness_restarts_crash_loops_replaces_pods_and_writes_logs() {
    let (muts, store) = run(7, 200);
    let cart = &store.pods["Pod/shop/cart-7c9d8b6f4-x2k9p"];
    let count = cart["status"]["containerStatuses"][0]["restartCount"]
        .as_u64()
        .unwrap();
    assert!(
        (14 + 3..=14 + 7).contains(&count),
        "restartCount {count} after 200 s"
    );
    assert_eq!(
        cart["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"],
        "OOMKilled"
    );
    assert_eq!(
        cart["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        137
    );
    let restarts = muts.iter().filter(|m| matches!(m, Mutation::ContainerRestarted { pod, .. } if pod == "cart-7c9d8b6f4-x2k9p")).count();
    assert_eq!(restarts as u64, count - 14);
    let backoff = store
        .others
        .values()
        .find(|e| {
            j::s(e, "/reason") == "BackOff"
                && j::s(e, "/involvedObject/name") == "cart-7c9d8b6f4-x2k9p"
        })
        .unwrap();
    assert_eq!(
        backoff["count"].as_u64().unwrap(),
        287 + restarts as u64,
        "the existing BackOff event counts on"
    );
    // Pods were replaced: deleted, recreated, and running a few seconds later.
    let deletes = muts
        .iter()
        .filter(|m| matches!(m, Mutation::Delete { kind, .. } if kind == "Pod"))
        .count();
    assert!(
        (3..=5).contains(&deletes),
        "{deletes} replacements in 200 s"
    );
    let pods_before = builtin(now())
        .unwrap()
        .iter()
        .filter(|o| j::s(o, "/kind") == "Pod")
        .count();
    assert_eq!(store.pods.len(), pods_before);
    let new_running: Vec<&Value> = store
        .pods
        .values()
        .filter(|p| {
            !j::s(p, "/metadata/generateName").is_empty() && j::s(p, "/status/phase") == "Running"
        })
        .collect();
    assert!(!new_running.is_empty());
    for p in &new_running {
        serde_json::from_value::<k8s_openapi::api::core::v1::Pod>((*p).clone()).unwrap();
        assert!(j::pod_ready(p));
        assert!(!j::s(p, "/status/podIP").is_empty());
    }
    // Endpoints follow: every ready pod a service selects is among its addresses.
    for ep in store
        .others
        .values()
        .filter(|o| j::s(o, "/kind") == "Endpoints")
    {
        for a in ep
            .pointer("/subsets/0/addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = j::s(a, "/targetRef/name");
            if name.is_empty() {
                continue; // the apiserver's own endpoint
            }
            assert!(
                store
                    .pods
                    .contains_key(&format!("Pod/{}/{name}", j::ns(ep))),
                "stale endpoint {name}"
            );
        }
    }
    assert!(store.others.values().any(|e| {
        j::s(e, "/reason") == "Scheduled"
            && j::s(e, "/source/component") == "default-scheduler"
            && new_running
                .iter()
                .any(|p| j::s(e, "/involvedObject/name") == j::name(p))
    }));
    let logs = muts
        .iter()
        .filter(|m| matches!(m, Mutation::Log { .. }))
        .count();
    assert!(logs > 200, "{logs} log lines");
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
    let odd = vec![
        json!(null),
        json!(3),
        json!({}),
        json!({"kind": "Pod"}),
        json!({"kind": "Pod", "metadata": {"name": 5}, "status": {"containerStatuses": "x"}}),
        json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "status": {"containerStatuses": [
            {"state": {"waiting": {"reason": "CrashLoopBackOff"}}}, 7, {"name": "c", "state": {"running": {}}}]}}),
        json!({"kind": "Pod", "metadata": {"name": "q", "namespace": "n", "ownerReferences": [{"kind": "ReplicaSet", "name": "r"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "state": {"running": {}}}]}}),
    ];
    let mut live = Liveness::new(1);
    live.observe(&odd);
    for s in 0..300 {
        let t = Timestamp::from_second(now().as_second() + s).unwrap();
        let _ = live.step(&odd, t);
    }
    let _ = seed_logs(&odd, now());
}
