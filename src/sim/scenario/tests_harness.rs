//! A tiny store for the liveness tests: the objects as the driver's mutations leave them,
//! stepped one simulated second at a time from the built-in demo.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::{Liveness, World, builtin, json as j};
use crate::sim::mutation::Mutation;

pub fn now() -> Timestamp {
    "2026-06-01T09:00:00Z".parse().unwrap()
}

/// A tiny store: objects by kind/namespace/name, as the driver's mutations leave them.
pub struct Store {
    pub objects: BTreeMap<String, Arc<Value>>,
}

impl Store {
    pub fn new(objs: &[Value]) -> Self {
        let mut s = Store {
            objects: BTreeMap::new(),
        };
        for o in objs {
            s.upsert(o.clone());
        }
        s
    }
    pub fn key(o: &Value) -> String {
        format!("{}/{}/{}", j::s(o, "/kind"), j::ns(o), j::name(o))
    }
    pub fn upsert(&mut self, o: Value) {
        self.objects.insert(Self::key(&o), Arc::new(o));
    }
    pub fn of_kind(&self, kind: &str) -> Vec<Arc<Value>> {
        self.objects
            .values()
            .filter(|o| j::s(o, "/kind") == kind)
            .cloned()
            .collect()
    }
    pub fn get(&self, kind: &str, ns: &str, name: &str) -> &Value {
        &self.objects[&format!("{kind}/{ns}/{name}")]
    }
    pub fn step(&mut self, live: &mut Liveness, t: Timestamp) -> Vec<Mutation> {
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

pub fn at(s: i64) -> Timestamp {
    Timestamp::from_second(now().as_second() + s).unwrap()
}

pub fn run(seed: u64, steps: i64) -> (Vec<Mutation>, Store) {
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

pub fn container<'a>(store: &'a Store, ns: &str, pod: &str) -> &'a Value {
    &store.get("Pod", ns, pod)["status"]["containerStatuses"][0]
}
