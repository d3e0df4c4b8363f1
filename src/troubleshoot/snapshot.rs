//! A consistent, typed view of the objects the analyzers read, with the indexes they need
//! (pods by namespace, events by object, owners) and optional previous container logs.

use std::collections::{HashMap, HashSet, VecDeque};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Node, PersistentVolumeClaim, Pod, Secret, Service,
};
use k8s_openapi::api::storage::v1::StorageClass;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::events::{self, EventRecord};

/// (namespace, pod, container).
pub type ContainerKey = (String, String, String);

/// The objects of one moment, typed, without managedFields.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    pub endpoints: Vec<Endpoints>,
    pub deployments: Vec<Deployment>,
    pub replicasets: Vec<ReplicaSet>,
    pub statefulsets: Vec<StatefulSet>,
    pub daemonsets: Vec<DaemonSet>,
    pub jobs: Vec<Job>,
    pub nodes: Vec<Node>,
    pub pvcs: Vec<PersistentVolumeClaim>,
    pub storage_classes: Vec<StorageClass>,
    pub configmaps: Vec<ConfigMap>,
    /// Secrets with their values blanked (key names kept).
    pub secrets: Vec<Secret>,
    /// Events of both APIs, deduplicated, newest first.
    pub events: Vec<EventRecord>,
    /// Objects that could not be read as their kind: "Kind ns/name: reason".
    pub skipped: Vec<String>,
    /// Kinds present in the input (even with zero objects, see [`Snapshot::mark_listed`]);
    /// checks about missing objects only run when the kind was listed.
    listed: HashSet<String>,
    previous_logs: HashMap<ContainerKey, Vec<String>>,
    pods_by_ns: HashMap<String, Vec<usize>>,
    /// Pods by a hash of (namespace, label key, label value); lookups verify the labels.
    pods_by_label: HashMap<u64, Vec<usize>>,
    /// Events by a hash of (kind, namespace, name); lookups verify the object.
    events_by_object: HashMap<u64, Vec<usize>>,
}

fn take<T: DeserializeOwned>(value: Value, skipped: &mut Vec<String>) -> Option<T> {
    let label = describe(&value);
    match serde_json::from_value(value) {
        Ok(v) => Some(v),
        Err(e) => {
            skipped.push(format!("{label}: {e}"));
            None
        }
    }
}

fn describe(value: &Value) -> String {
    let s = |p: &str| value.pointer(p).and_then(Value::as_str).unwrap_or("");
    let ns = s("/metadata/namespace");
    let name = s("/metadata/name");
    if ns.is_empty() {
        format!("{} {name}", s("/kind"))
    } else {
        format!("{} {ns}/{name}", s("/kind"))
    }
}

fn strip(value: &mut Value) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
}

fn blank_secret(value: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(map) = value.get_mut(field).and_then(Value::as_object_mut) {
            for v in map.values_mut() {
                *v = Value::String(String::new());
            }
        }
    }
}

fn triple_hash(ns: &str, key: &str, value: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (ns, key, value).hash(&mut h);
    h.finish()
}

impl Snapshot {
    /// Reads objects as an API server returns them (any mix of kinds; `kind: List` and
    /// `*List` wrappers are unpacked). Unknown kinds are ignored; objects that do not
    /// deserialise are listed in `skipped`.
    pub fn from_objects(objects: Vec<Value>) -> Snapshot {
        let mut snap = Snapshot::default();
        let mut core_events = Vec::new();
        let mut new_events = Vec::new();
        let mut queue: VecDeque<Value> = objects.into();
        while let Some(mut value) = queue.pop_front() {
            let kind = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if kind.ends_with("List") {
                if let Some(Value::Array(items)) = value.get_mut("items").map(Value::take) {
                    let item_kind = kind.trim_end_matches("List").to_string();
                    if !item_kind.is_empty() {
                        snap.listed.insert(item_kind.clone());
                    }
                    let api = value.get("apiVersion").cloned();
                    for mut item in items {
                        if let Some(obj) = item.as_object_mut()
                            && !obj.contains_key("kind")
                            && item_kind.len() > 1
                        {
                            obj.insert("kind".into(), Value::String(item_kind.clone()));
                            if let Some(api) = &api {
                                obj.insert("apiVersion".into(), api.clone());
                            }
                        }
                        queue.push_back(item);
                    }
                }
                continue;
            }
            strip(&mut value);
            let api = value
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            snap.listed.insert(kind.clone());
            let sk = &mut snap.skipped;
            match kind.as_str() {
                "Pod" => snap.pods.extend(take(value, sk)),
                "Service" => snap.services.extend(take(value, sk)),
                "Endpoints" => snap.endpoints.extend(take(value, sk)),
                "Deployment" => snap.deployments.extend(take(value, sk)),
                "ReplicaSet" => snap.replicasets.extend(take(value, sk)),
                "StatefulSet" => snap.statefulsets.extend(take(value, sk)),
                "DaemonSet" => snap.daemonsets.extend(take(value, sk)),
                "Job" => snap.jobs.extend(take(value, sk)),
                "Node" => snap.nodes.extend(take(value, sk)),
                "PersistentVolumeClaim" => snap.pvcs.extend(take(value, sk)),
                "StorageClass" => snap.storage_classes.extend(take(value, sk)),
                "ConfigMap" => snap.configmaps.extend(take(value, sk)),
                "Secret" => {
                    blank_secret(&mut value);
                    snap.secrets.extend(take(value, sk));
                }
                "Event" if api == "events.k8s.io/v1" => new_events.extend(take(value, sk)),
                "Event" => core_events.extend(take(value, sk)),
                _ => {}
            }
        }
        snap.events = events::merge(core_events, new_events);
        snap.reindex();
        snap
    }

    /// Declares that `kind` was listed (so an empty list means "none exist", not "unknown").
    pub fn mark_listed(mut self, kinds: &[&str]) -> Snapshot {
        self.listed.extend(kinds.iter().map(|k| k.to_string()));
        self
    }

    /// Whether objects of `kind` were part of the input.
    pub fn has_kind(&self, kind: &str) -> bool {
        self.listed.contains(kind)
    }

    /// Adds the tails of previous container logs, keyed by (namespace, pod, container).
    pub fn with_previous_logs(mut self, logs: HashMap<ContainerKey, Vec<String>>) -> Snapshot {
        self.previous_logs.extend(logs);
        self
    }

    /// Replaces the events with these (both APIs), deduplicated and ordered newest first.
    /// Call [`Snapshot::reindex`] afterwards.
    pub fn set_events(
        &mut self,
        core: Vec<k8s_openapi::api::core::v1::Event>,
        new: Vec<k8s_openapi::api::events::v1::Event>,
    ) {
        self.events = events::merge(core, new);
    }

    /// Rebuilds the lookup indexes. Needed after filling or changing the public vectors
    /// directly (e.g. from typed watch stores) instead of using [`Snapshot::from_objects`];
    /// kinds filled that way should also be declared with [`Snapshot::mark_listed`].
    pub fn reindex(&mut self) {
        self.pods_by_ns.clear();
        self.pods_by_label.clear();
        for (i, pod) in self.pods.iter().enumerate() {
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            for (k, v) in pod.metadata.labels.iter().flatten() {
                self.pods_by_label
                    .entry(triple_hash(&ns, k, v))
                    .or_default()
                    .push(i);
            }
            self.pods_by_ns.entry(ns).or_default().push(i);
        }
        self.events_by_object.clear();
        for (i, e) in self.events.iter().enumerate() {
            let key = triple_hash(&e.object.kind, &e.object.namespace, &e.object.name);
            self.events_by_object.entry(key).or_default().push(i);
        }
    }

    /// The previous log tail of a container, if the caller supplied it.
    pub fn previous_log(&self, ns: &str, pod: &str, container: &str) -> Option<&[String]> {
        self.previous_logs
            .get(&(ns.to_string(), pod.to_string(), container.to_string()))
            .map(Vec::as_slice)
    }

    /// Pods of a namespace.
    pub fn pods_in(&self, ns: &str) -> impl Iterator<Item = &Pod> {
        self.pods_by_ns
            .get(ns)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.pods.get(i))
    }

    /// Pods of a namespace carrying the label `key=value`.
    pub fn pods_with_label<'s: 'k, 'k>(
        &'s self,
        ns: &'k str,
        key: &'k str,
        value: &'k str,
    ) -> impl Iterator<Item = &'s Pod> + 'k {
        self.pods_by_label
            .get(&triple_hash(ns, key, value))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.pods.get(i))
            .filter(move |p| {
                p.metadata.namespace.as_deref().unwrap_or("") == ns
                    && p.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(key))
                        .map(String::as_str)
                        == Some(value)
            })
    }

    /// How many pods carry the label (an upper bound, from the index).
    pub fn label_count(&self, ns: &str, key: &str, value: &str) -> usize {
        self.pods_by_label
            .get(&triple_hash(ns, key, value))
            .map_or(0, Vec::len)
    }

    /// Events about an object, newest first.
    pub fn events_for(
        &self,
        kind: &str,
        ns: &str,
        name: &str,
    ) -> impl Iterator<Item = &EventRecord> {
        self.events_by_object
            .get(&triple_hash(kind, ns, name))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.events.get(i))
            .filter(move |e| {
                e.object.name == name && e.object.namespace == ns && e.object.kind == kind
            })
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(name))
    }

    pub fn configmap(&self, ns: &str, name: &str) -> Option<&ConfigMap> {
        self.configmaps.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn secret(&self, ns: &str, name: &str) -> Option<&Secret> {
        self.secrets.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn pvc(&self, ns: &str, name: &str) -> Option<&PersistentVolumeClaim> {
        self.pvcs.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    }

    pub fn replicaset(&self, ns: &str, name: &str) -> Option<&ReplicaSet> {
        self.replicasets.iter().find(|c| {
            c.metadata.namespace.as_deref() == Some(ns) && c.metadata.name.as_deref() == Some(name)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_unpacked_and_managed_fields_dropped() {
        let list = json!({"apiVersion": "v1", "kind": "PodList", "items": [
            {"metadata": {"name": "a", "namespace": "ns", "managedFields": [{"manager": "x"}]}, "spec": {"containers": []}}]});
        let s = Snapshot::from_objects(vec![list]);
        assert_eq!(s.pods.len(), 1);
        assert!(s.pods[0].metadata.managed_fields.is_none());
        assert!(s.has_kind("Pod"));
        assert!(!s.has_kind("Secret"));
    }

    #[test]
    fn typed_objects_filled_directly_after_reindex() {
        let p: Pod = serde_json::from_value(pod(
            "web",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 3,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
        ))
        .unwrap();
        let mut s = Snapshot::default().mark_listed(&["Pod"]);
        s.pods.push(p);
        s.set_events(Vec::new(), Vec::new());
        s.reindex();
        assert_eq!(s.pods_in("ns").count(), 1);
        let f = super::super::analyze(&s, now(), &Default::default());
        assert_eq!(f[0].check, "pod-crashloop");
    }

    #[test]
    fn secret_values_are_blanked() {
        let s = Snapshot::from_objects(vec![json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s", "namespace": "ns"}, "data": {"password": "c2VjcmV0"}})]);
        let data = s.secrets[0].data.as_ref().unwrap();
        assert!(data["password"].0.is_empty());
    }
}
