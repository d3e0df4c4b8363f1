//! Tests of `seed_logs` and the liveness driver on the built-in scenario and on odd input.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Liveness, World, builtin, json as j, seed_logs};
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

/// A tiny store: objects by kind/namespace/name, as the driver's mutations leave them.
struct Store {
    objects: BTreeMap<String, Arc<Value>>,
}

impl Store {
    fn new(objs: &[Value]) -> Self {
        let mut s = Store {
            objects: BTreeMap::new(),
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
        self.objects.insert(Self::key(&o), Arc::new(o));
    }
    fn of_kind(&self, kind: &str) -> Vec<Arc<Value>> {
        self.objects
            .values()
            .filter(|o| j::s(o, "/kind") == kind)
            .cloned()
            .collect()
    }
    fn get(&self, kind: &str, ns: &str, name: &str) -> &Value {
        &self.objects[&format!("{kind}/{ns}/{name}")]
    }
    fn step(&mut self, live: &mut Liveness, t: Timestamp) -> Vec<Mutation> {
        let (pods, nodes, leases, rs) = (
            self.of_kind("Pod"),
            self.of_kind("Node"),
            self.of_kind("Lease"),
            self.of_kind("ReplicaSet"),
        );
        let world = World {
            pods: &pods,
            nodes: &nodes,
            leases: &leases,
            replica_sets: &rs,
        };
        let muts = live.step(&world, t);
        for m in &muts {
            match m {
                Mutation::Upsert(o) => self.upsert(o.clone()),
                Mutation::Delete {
                    kind,
                    namespace,
                    name,
                    ..
                } => {
                    self.objects.remove(&format!(
                        "{kind}/{}/{name}",
                        namespace.clone().unwrap_or_default()
                    ));
                }
                _ => {}
            }
        }
        muts
    }
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(now().as_second() + s).unwrap()
}

fn run(seed: u64, steps: i64) -> (Vec<Mutation>, Store) {
    let objs = builtin(now()).unwrap();
    let mut store = Store::new(&objs);
    let mut live = Liveness::new(seed);
    live.observe(&objs);
    let mut all = Vec::new();
    for s in 1..=steps {
        all.extend(store.step(&mut live, at(s)));
    }
    (all, store)
}

fn container<'a>(store: &'a Store, ns: &str, pod: &str) -> &'a Value {
    &store.get("Pod", ns, pod)["status"]["containerStatuses"][0]
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
