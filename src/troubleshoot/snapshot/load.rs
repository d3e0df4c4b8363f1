//! Filling a snapshot from a dump: objects of any mix of kinds (`kind: List` and `*List`
//! wrappers unpacked), decoded into the same compact objects the watch caches hold. Objects
//! that cannot be read are recorded (with their file and line when known), events served by
//! both event APIs are folded into one, and the kinds present count as listed.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;

use super::{Change, KindState, Skipped, Snapshot};
use crate::model::ObjKey;
use crate::objects::{self, Head, Kind, Object, Time};

/// An object from a dump, with where it came from (`file:line`) when known.
pub type Sourced = (Value, Option<String>);

/// Why an input cannot be analysed, naming `source` (the file or directory): it holds no
/// Kubernetes object at all (an empty file, only comments, empty lists), or none of a kind
/// kmedic reads (so "no problems found" would be a false all clear). `None` when there is
/// something to analyse. `kmedic check --scenario` should exit 2 with this message.
pub fn no_objects_error(source: &str, objects: &[Value]) -> Option<String> {
    let mut count = 0usize;
    let mut known = 0usize;
    let mut kinds: Vec<String> = Vec::new();
    let mut queue: Vec<&Value> = objects.iter().collect();
    while let Some(v) = queue.pop() {
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
        if let Some(items) = v.get("items").and_then(Value::as_array)
            && (kind.is_empty() || kind.ends_with("List"))
        {
            let item_kind = kind.strip_suffix("List").unwrap_or("");
            let typed = Kind::by_name(item_kind).is_some();
            if typed && items.is_empty() {
                // An empty list of a known kind still says "none exist".
                known += 1;
            }
            for item in items {
                if typed && item.get("kind").is_none() {
                    count += 1;
                    known += 1;
                } else {
                    queue.push(item);
                }
            }
            continue;
        }
        if kind.is_empty() || !v.is_object() {
            continue;
        }
        count += 1;
        let api = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if Kind::of(api, kind)
            .or_else(|| Kind::by_name(kind))
            .is_some()
        {
            known += 1;
        } else if !kinds.iter().any(|k| k == kind) {
            kinds.push(kind.to_string());
        }
    }
    if count == 0 && known == 0 {
        return Some(format!(
            "{source}: no Kubernetes objects in it (empty, only comments, or empty lists)"
        ));
    }
    if known == 0 {
        kinds.sort();
        let shown: Vec<&str> = kinds.iter().take(8).map(String::as_str).collect();
        return Some(format!(
            "{source}: none of its {count} objects is of a kind kmedic analyses (found: {}{})",
            shown.join(", "),
            if kinds.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ));
    }
    None
}

impl Snapshot {
    /// Reads objects as an API server returns them.
    pub fn from_objects(objects: Vec<Value>) -> Snapshot {
        Snapshot::from_sourced(objects.into_iter().map(|v| (v, None)).collect())
    }

    /// Reads objects with their sources. Kinds kmedic does not analyse are ignored; kinds
    /// that do not appear count as not part of the dump.
    pub fn from_sourced(objects: Vec<Sourced>) -> Snapshot {
        let mut snap = Snapshot::default();
        snap.coverage.from_dump = true;
        for kind in Kind::ALL {
            snap.coverage.set(*kind, KindState::NotInDump);
        }
        let mut events: HashMap<ObjKey, objects::Event> = HashMap::new();
        let mut queue: VecDeque<Sourced> = objects.into();
        while let Some((mut value, source)) = queue.pop_front() {
            let kind_name = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let api = value
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some(item_kind) = kind_name.strip_suffix("List")
                && let Some(Value::Array(items)) = value.get_mut("items").map(Value::take)
            {
                if let Some(k) = Kind::by_name(item_kind) {
                    snap.coverage.set(k, KindState::Listed);
                }
                for mut item in items {
                    if let Some(obj) = item.as_object_mut()
                        && !obj.contains_key("kind")
                        && !item_kind.is_empty()
                    {
                        obj.insert("kind".into(), Value::String(item_kind.to_string()));
                        if !api.is_empty() {
                            obj.insert("apiVersion".into(), Value::String(api.clone()));
                        }
                    }
                    queue.push_back((item, source.clone()));
                }
                continue;
            }
            snap.dump_newest = snap.dump_newest.max(recorded_newest(&value, 0));
            let Some(kind) = Kind::of(&api, &kind_name).or_else(|| Kind::by_name(&kind_name))
            else {
                continue;
            };
            snap.coverage.set(kind, KindState::Listed);
            match objects::decode_value(kind, &value) {
                Ok(Object::Event(e)) => {
                    let key = ObjKey::new(e.namespace.as_str(), e.name.as_str());
                    match events.get_mut(&key) {
                        Some(existing) => existing.merge(&e),
                        None => {
                            events.insert(key, (*e).clone());
                        }
                    }
                }
                Ok(obj) => {
                    snap.apply(Change::Upsert(obj));
                }
                Err(e) => {
                    let key = Head::of_value(&value).key();
                    snap.coverage.skipped.push(Skipped {
                        kind: kind_name.clone(),
                        namespace: key.namespace.into(),
                        name: key.name.into(),
                        reason: e.to_string(),
                        source,
                    });
                }
            }
        }
        for e in events.into_values() {
            snap.apply(Change::Upsert(Object::Event(Arc::new(e))));
        }
        snap
    }

    /// The newest time recorded in the objects: when a dump was taken, for judging ages in
    /// it as they were on that day. Besides the fields the compact objects keep, this counts
    /// every time the raw dump recorded (see [`recorded_newest`]): the API server stamps
    /// `managedFields[].time` on every write, so a single object's dump still tells its day.
    pub fn newest_time(&self) -> Option<jiff::Timestamp> {
        let mut newest: Option<Time> = self.dump_newest;
        let mut see = |t: Option<Time>| {
            if t > newest {
                newest = t;
            }
        };
        let meta = |m: &objects::ObjectMeta, see: &mut dyn FnMut(Option<Time>)| {
            see(m.creation_timestamp);
            see(m.deletion_timestamp);
        };
        let conditions = |c: Option<&objects::List<objects::Condition>>,
                          see: &mut dyn FnMut(Option<Time>)| {
            for c in c.into_iter().flatten() {
                see(c.last_transition_time);
                see(c.last_update_time);
                see(c.last_heartbeat_time);
            }
        };
        for p in self.pods.iter() {
            meta(&p.metadata, &mut see);
            if let Some(s) = &p.status {
                see(s.start_time);
                conditions(s.conditions.as_deref(), &mut see);
                let statuses = s
                    .container_statuses
                    .iter()
                    .flatten()
                    .chain(s.init_container_statuses.iter().flatten());
                for c in statuses {
                    for state in [&c.state, &c.last_state].into_iter().flatten() {
                        see(state.running.as_ref().and_then(|r| r.started_at));
                        if let Some(t) = &state.terminated {
                            see(t.started_at);
                            see(t.finished_at);
                        }
                    }
                }
            }
        }
        for n in self.nodes.iter() {
            meta(&n.metadata, &mut see);
            conditions(
                n.status.as_ref().and_then(|s| s.conditions.as_ref()),
                &mut see,
            );
        }
        for e in self.events.iter() {
            see(e.last_seen.map(Time::from));
        }
        for l in self.leases.iter() {
            see(l.spec.as_ref().and_then(|s| s.renew_time));
        }
        for d in self.deployments.iter() {
            meta(&d.metadata, &mut see);
            conditions(
                d.status.as_ref().and_then(|s| s.conditions.as_ref()),
                &mut see,
            );
        }
        for j in self.jobs.iter() {
            meta(&j.metadata, &mut see);
            if let Some(s) = &j.status {
                see(s.start_time);
                see(s.completion_time);
                conditions(s.conditions.as_ref(), &mut see);
            }
        }
        for c in self.cronjobs.iter() {
            see(c.status.as_ref().and_then(|s| s.last_schedule_time));
        }
        for s in self.services.iter() {
            meta(&s.metadata, &mut see);
        }
        for r in self.replicasets.iter() {
            meta(&r.metadata, &mut see);
        }
        for p in self.pvcs.iter() {
            meta(&p.metadata, &mut see);
        }
        for d in self.daemonsets.iter() {
            meta(&d.metadata, &mut see);
        }
        for st in self.statefulsets.iter() {
            meta(&st.metadata, &mut see);
        }
        for h in self.hpas.iter() {
            meta(&h.metadata, &mut see);
            see(h.status.last_scale_time);
            conditions(h.status.conditions.as_ref(), &mut see);
        }
        for b in self.pdbs.iter() {
            meta(&b.metadata, &mut see);
            conditions(
                b.status.as_ref().and_then(|s| s.conditions.as_ref()),
                &mut see,
            );
        }
        for i in self.ingresses.iter() {
            meta(&i.metadata, &mut see);
        }
        newest.map(Time::ts)
    }
}

/// Timestamp fields the API server, controllers and kubelets write as "this happened at":
/// metadata, managedFields, events (core and events.k8s.io), conditions of every kind,
/// container states, Jobs/CronJobs, Leases and HPAs.
const RECORDED: &[&str] = &[
    "creationTimestamp",
    "deletionTimestamp",
    "lastTimestamp",
    "firstTimestamp",
    "eventTime",
    "lastObservedTime",
    "deprecatedLastTimestamp",
    "deprecatedFirstTimestamp",
    "lastTransitionTime",
    "lastHeartbeatTime",
    "lastUpdateTime",
    "lastProbeTime",
    "startTime",
    "completionTime",
    "lastScheduleTime",
    "lastSuccessfulTime",
    "lastScaleTime",
    "renewTime",
    "acquireTime",
    "startedAt",
    "finishedAt",
];

/// The newest of the times a raw object records in the fields named in [`RECORDED`] and in
/// `metadata.managedFields[].time` (a field named `time` counts only there). Pod templates'
/// `creationTimestamp: null` and anything not RFC 3339 are ignored; the walk stops at a
/// depth no real object reaches.
fn recorded_newest(value: &Value, depth: usize) -> Option<Time> {
    if depth > 24 {
        return None;
    }
    let parse = |v: &Value| {
        v.as_str()
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(Time::from)
    };
    match value {
        Value::Object(map) => {
            let mut newest = None;
            for (key, v) in map {
                let here = if key == "managedFields" {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|m| m.get("time").and_then(parse))
                        .max()
                } else if RECORDED.contains(&key.as_str()) {
                    parse(v)
                } else if key == "annotations" || key == "labels" || key == "data" {
                    None
                } else {
                    recorded_newest(v, depth + 1)
                };
                newest = newest.max(here);
            }
            newest
        }
        Value::Array(items) => items
            .iter()
            .filter_map(|v| recorded_newest(v, depth + 1))
            .max(),
        _ => None,
    }
}
