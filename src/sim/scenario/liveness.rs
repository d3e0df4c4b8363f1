//! The liveness driver: keeps a scenario moving the way a real cluster moves. Crash-looping
//! containers restart on the kubelet's back-off schedule (10 s, 20 s, 40 s … capped at 5 min,
//! matching their `back-off …` message) and die again; live kubelets renew their node Leases
//! every 10 s and post node status every 5 min, live leaders renew their Leases every 2 s,
//! while the Leases of dead components go stale; a ReplicaSet short of pods gets replacements
//! (scheduled only while the scheduler holds its Lease); running containers write log lines.
//! Healthy pods are left alone. Odd JSON is skipped, never a panic.

use std::collections::HashMap;
use std::sync::Arc;

use fastrand::Rng;
use jiff::Timestamp;
use serde_json::Value;

use super::crash_cause::VolumeSources;
use super::json;
use super::json::Ptr;
use super::loglines;
use super::logs::Target;
use crate::sim::mutation::Mutation;

/// Pods whose containers write lines every step at full rate; above this the rate is scaled down.
const LOGGING_PODS: f64 = 400.0;
/// Pods looked at per step at most.
const WINDOW: usize = 5000;

/// What the driver looks at in one step (shared objects, as the store holds them).
#[derive(Default, Clone, Copy)]
pub struct World<'a> {
    pub pods: &'a [Arc<Value>],
    pub nodes: &'a [Arc<Value>],
    pub leases: &'a [Arc<Value>],
    pub replica_sets: &'a [Arc<Value>],
}

/// A crash-looping container's instance that is running and will die.
pub(super) struct Running {
    pub ns: String,
    pub pod: String,
    pub container: String,
    pub dies_at: Timestamp,
    /// The back-off it waited before this instance.
    pub backoff: i64,
}

/// Keeps a scenario alive.
pub struct Liveness {
    pub(super) rng: Rng,
    /// Crash-looping instances now running, by "ns/pod/container".
    pub(super) running: HashMap<String, Running>,
    /// Pods this driver created that start running at the given time.
    pub(super) starting: Vec<(String, String, Timestamp)>,
    /// Services (with a selector), to keep their Endpoints up to date.
    pub(super) services: Vec<Value>,
    /// The latest event per "ns/object/reason".
    pub(super) events: HashMap<String, Value>,
    /// ConfigMap and Secret keys, to tell why a container crashes.
    pub(super) sources: VolumeSources,
    /// The renewTime this driver last wrote, per Lease "ns/name".
    pub(super) renewed: HashMap<String, String>,
    /// When ReplicaSets and Endpoints are next reconciled.
    pub(super) next_reconcile: Option<Timestamp>,
    /// Per namespace, what the Endpoints were last computed from.
    pub(super) endpoint_inputs: HashMap<String, u64>,
    /// Where the next window of pods starts.
    offset: usize,
}

impl Liveness {
    pub fn new(seed: u64) -> Self {
        Liveness {
            rng: Rng::with_seed(seed),
            running: HashMap::new(),
            starting: Vec::new(),
            services: Vec::new(),
            events: HashMap::new(),
            sources: VolumeSources::default(),
            renewed: HashMap::new(),
            next_reconcile: None,
            endpoint_inputs: HashMap::new(),
            offset: 0,
        }
    }

    /// Optional: shows the driver the whole scenario once, so that it updates the Endpoints of
    /// Services, continues the counts of existing events (without it, it creates its own) and
    /// knows the keys of ConfigMaps and Secrets.
    pub fn observe(&mut self, objects: &[Value]) {
        self.sources = VolumeSources::from_objects(objects);
        for o in objects {
            match json::s(o, "/kind") {
                "Service" if o.at("/spec/selector").is_some_and(Value::is_object) => {
                    self.services.push(o.clone())
                }
                "Event" => {
                    let key = event_key(
                        json::s(o, "/involvedObject/namespace"),
                        json::s(o, "/involvedObject/name"),
                        json::s(o, "/reason"),
                    );
                    let count = |e: &Value| e.get("count").and_then(Value::as_u64).unwrap_or(0);
                    if self
                        .events
                        .get(&key)
                        .is_none_or(|old| count(old) <= count(o))
                    {
                        self.events.insert(key, o.clone());
                    }
                }
                _ => {}
            }
        }
    }

    /// One step of the driver; called about once a second.
    pub fn step(&mut self, world: &World, now: Timestamp) -> Vec<Mutation> {
        let mut out = Vec::new();
        let window = self.window(world.pods);
        self.crash_loops(world.pods, window, now, &mut out);
        self.renew_leases(world.leases, now, &mut out);
        self.post_node_status(world.nodes, world.leases, now, &mut out);
        self.start_pending(world, now, &mut out);
        self.reconcile(world, now, &mut out);
        self.write_logs(window, now, &mut out);
        out
    }

    /// The pods this step looks at: all of them, or in big clusters the next `WINDOW` of them
    /// (so a step stays cheap; every pod is still visited every few steps).
    fn window<'a>(&mut self, pods: &'a [Arc<Value>]) -> &'a [Arc<Value>] {
        if pods.len() <= WINDOW {
            return pods;
        }
        let start = self.offset % pods.len();
        let end = (start + WINDOW).min(pods.len());
        self.offset = if end == pods.len() { 0 } else { end };
        pods.get(start..end).unwrap_or(pods)
    }

    /// Records an event as the latest of its kind and upserts it.
    pub(super) fn emit(&mut self, ev: Value, out: &mut Vec<Mutation>) {
        let key = event_key(
            json::s(&ev, "/involvedObject/namespace"),
            json::s(&ev, "/involvedObject/name"),
            json::s(&ev, "/reason"),
        );
        self.events.insert(key, ev.clone());
        out.push(Mutation::Upsert(ev));
    }

    /// The latest event with this reason about this object.
    pub(super) fn latest_event(&self, ns: &str, name: &str, reason: &str) -> Option<Value> {
        self.events.get(&event_key(ns, name, reason)).cloned()
    }

    fn write_logs(&mut self, pods: &[Arc<Value>], now: Timestamp, out: &mut Vec<Mutation>) {
        let scale = (LOGGING_PODS / pods.len().max(1) as f64).min(1.0);
        for pod in pods {
            let Some(statuses) = pod
                .at("/status/containerStatuses")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for cs in statuses {
                if cs.at("/state/running").is_none() {
                    continue;
                }
                let container = json::s(cs, "/name");
                let key = format!("{}/{}/{container}", json::ns(pod), json::name(pod));
                if self.running.contains_key(&key) {
                    continue; // a crash-looping instance writes its own story
                }
                let flavor = loglines::flavor(container, json::s(cs, "/image"));
                let expected = loglines::rate(flavor) * scale;
                let n = expected.floor() as usize + usize::from(self.rng.f64() < expected.fract());
                if n == 0 || container.is_empty() {
                    continue;
                }
                let t = Target {
                    ns: json::ns(pod),
                    pod: json::name(pod),
                    container,
                    flavor,
                    cause: None,
                };
                let mut times: Vec<i64> = (0..n).map(|_| self.rng.i64(0..1000)).collect();
                times.sort_unstable_by(|a, b| b.cmp(a));
                for ms in times {
                    let at = now
                        .checked_sub(jiff::SignedDuration::from_millis(ms))
                        .unwrap_or(now);
                    let line = loglines::line(flavor, container, &mut self.rng, at);
                    out.push(t.log(at, line));
                }
            }
        }
    }
}

pub(super) fn event_key(ns: &str, name: &str, reason: &str) -> String {
    format!("{ns}/{name}/{reason}")
}

pub(super) fn later(rng: &mut Rng, now: Timestamp, min: i64, max: i64) -> Timestamp {
    Timestamp::from_second(now.as_second() + rng.i64(min..=max)).unwrap_or(now)
}
