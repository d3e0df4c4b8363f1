//! The liveness driver: keeps a scenario moving. Crash-looping containers restart every 30–60 s
//! (restart count, last state, a new BackOff count and a fresh previous/current log), about every
//! 45 s a healthy Deployment pod is replaced (deleted, recreated as ContainerCreating, Running a
//! few seconds later, with the events and Endpoints that go with it), and running containers
//! write log lines. Only pods it recognises are touched; odd JSON is skipped, never a panic.

use std::collections::HashMap;

use fastrand::Rng;
use jiff::Timestamp;
use serde_json::Value;

use super::events::{self, EventSpec};
use super::json::Ptr;
use super::loglines;
use super::logs::{self, Target};
use super::{json, pods};
use crate::sim::mutation::Mutation;

/// Pods whose containers write lines every step at full rate; above this the rate is scaled down.
const LOGGING_PODS: f64 = 400.0;
/// Pods looked at per step at most.
const WINDOW: usize = 5000;

/// Keeps a scenario alive: restart counts of crash-looping containers grow, a pod is replaced
/// now and then, running containers write log lines.
pub struct Liveness {
    pub(super) rng: Rng,
    /// Next restart of each crash-looping container ("ns/pod/container").
    pub(super) restarts: HashMap<String, Timestamp>,
    pub(super) next_replace: Option<Timestamp>,
    /// Pods this driver created that start running at the given time.
    pub(super) starting: Vec<(String, String, Timestamp)>,
    /// Services (with a selector), to keep their Endpoints up to date.
    pub(super) services: Vec<Value>,
    /// The latest event per "ns/object/reason".
    pub(super) events: HashMap<String, Value>,
    /// Where the next window of pods starts.
    offset: usize,
}

impl Liveness {
    pub fn new(seed: u64) -> Self {
        Liveness {
            rng: Rng::with_seed(seed),
            restarts: HashMap::new(),
            next_replace: None,
            starting: Vec::new(),
            services: Vec::new(),
            events: HashMap::new(),
            offset: 0,
        }
    }

    /// Optional: shows the driver the whole scenario once, so that it updates the Endpoints of
    /// Services when it replaces pods and continues the counts of existing events (without it,
    /// it creates its own events).
    pub fn observe(&mut self, objects: &[Value]) {
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

    /// One step of the driver, given the current pods; called about once a second.
    pub fn step(&mut self, pods: &[Value], now: Timestamp) -> Vec<Mutation> {
        let mut out = Vec::new();
        let window = self.window(pods);
        self.crash_loops(window, now, &mut out);
        self.start_pending(pods, now, &mut out);
        self.replace_one(pods, window, now, &mut out);
        self.write_logs(window, now, &mut out);
        out
    }

    /// The pods this step looks at: all of them, or in big clusters the next `WINDOW` of them
    /// (so a step stays cheap; every pod is still visited every few steps).
    fn window<'a>(&mut self, pods: &'a [Value]) -> &'a [Value] {
        if pods.len() <= WINDOW {
            return pods;
        }
        let start = self.offset % pods.len();
        let end = (start + WINDOW).min(pods.len());
        self.offset = if end == pods.len() { 0 } else { end };
        pods.get(start..end).unwrap_or(pods)
    }

    fn crash_loops(&mut self, pods: &[Value], now: Timestamp, out: &mut Vec<Mutation>) {
        for pod in pods {
            let Some(statuses) = pod
                .at("/status/containerStatuses")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, cs) in statuses.iter().enumerate() {
                if json::s(cs, "/state/waiting/reason") != "CrashLoopBackOff" {
                    continue;
                }
                let key = format!(
                    "{}/{}/{}",
                    json::ns(pod),
                    json::name(pod),
                    json::s(cs, "/name")
                );
                let due = *self
                    .restarts
                    .entry(key.clone())
                    .or_insert_with(|| later(&mut self.rng, now, 30, 60));
                if due > now {
                    continue;
                }
                self.restarts.insert(key, later(&mut self.rng, now, 30, 60));
                let ran = self.rng.i64(15..=40);
                if let Some(new) = pods::crash_restart(pod, i, now, ran) {
                    self.restarted(&new, i, now, ran, out);
                }
            }
        }
    }

    fn restarted(
        &mut self,
        pod: &Value,
        i: usize,
        now: Timestamp,
        ran: i64,
        out: &mut Vec<Mutation>,
    ) {
        let cs = pod
            .at(&format!("/status/containerStatuses/{i}"))
            .cloned()
            .unwrap_or(Value::Null);
        let (ns, name, container) = (json::ns(pod), json::name(pod), json::s(&cs, "/name"));
        let t = Target {
            ns,
            pod: name,
            container,
            flavor: loglines::flavor(container, json::s(&cs, "/image")),
        };
        out.push(Mutation::Upsert(pod.clone()));
        out.push(t.restarted());
        let start = Timestamp::from_second(now.as_second() - ran).unwrap_or(now);
        let reason = json::s(&cs, "/lastState/terminated/reason");
        logs::instance(&t, start, now, Some(reason), 6, &mut self.rng, out);
        let field = format!("spec.containers{{{container}}}");
        let host = json::s(pod, "/spec/nodeName");
        for reason in ["Pulled", "Created", "Started"] {
            if let Some(ev) = self.events.get(&event_key(ns, name, reason)).cloned() {
                self.emit(events::repeat(ev, start), out);
            }
        }
        let key = event_key(ns, name, "BackOff");
        let ev = match self.events.get(&key).cloned() {
            Some(ev) => events::repeat(ev, now),
            None => events::event(
                &EventSpec {
                    ns,
                    kind: "Pod",
                    api_version: "v1",
                    name,
                    uid: json::s(pod, "/metadata/uid"),
                    field_path: Some(&field),
                    reason: "BackOff",
                    message: format!(
                        "Back-off restarting failed container {container} in pod {name}_{ns}({})",
                        json::s(pod, "/metadata/uid")
                    ),
                    warning: true,
                    component: "kubelet",
                    host: Some(host),
                },
                now,
                "liveness",
            ),
        };
        self.emit(ev, out);
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

    fn write_logs(&mut self, pods: &[Value], now: Timestamp, out: &mut Vec<Mutation>) {
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

fn event_key(ns: &str, name: &str, reason: &str) -> String {
    format!("{ns}/{name}/{reason}")
}

pub(super) fn later(rng: &mut Rng, now: Timestamp, min: i64, max: i64) -> Timestamp {
    Timestamp::from_second(now.as_second() + rng.i64(min..=max)).unwrap_or(now)
}
