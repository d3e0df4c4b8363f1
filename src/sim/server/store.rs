//! The in-memory object store behind the simulated cluster: objects per resource type, a
//! global resourceVersion counter, a bounded history of watch events, and container logs.
//! Every change is broadcast to open watch and log-follow streams.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::event_mirror;
use super::log_buffer::{ContainerKey, ContainerLogs, LogEvent, LogStore};
use super::resources::{self, PODS};
use crate::sim::mutation::Mutation;

/// Watch events kept for clients that resume from an older resourceVersion.
pub const DEFAULT_HISTORY: usize = 10_000;

/// (namespace or "", name)
pub type ObjectKey = (String, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object.
#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub resource: usize,
    pub kind: EventType,
    pub object: Arc<Value>,
    /// The object before the change (for MODIFIED), to compute selector transitions.
    pub previous: Option<Arc<Value>>,
}

/// What open watches receive.
#[derive(Debug, Clone)]
pub enum Signal {
    Event(Arc<Event>),
    /// Every open watch must end with a 410 "too old resource version" error.
    Expire,
}

/// Why an object could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object has no apiVersion/kind")]
    MissingKind,
    #[error("no resource type for {0} {1}")]
    UnknownKind(String, String),
    #[error("object has no metadata.name")]
    MissingName,
}

pub(super) struct Inner {
    pub(super) rv: u64,
    pub(super) objects: Vec<BTreeMap<ObjectKey, Arc<Value>>>,
    pub(super) history: VecDeque<Arc<Event>>,
    pub(super) history_limit: usize,
    /// Highest resourceVersion whose event has been dropped from the history.
    pub(super) compacted_rv: u64,
}

/// The simulated cluster's state. Cheap to share (`Arc<Store>`); all methods are synchronous
/// and never hold the lock across an await.
pub struct Store {
    inner: Mutex<Inner>,
    pub(super) signals: broadcast::Sender<Signal>,
    logs: LogStore,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

fn new_uid() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The same event in the other events API group, if `object` is an event.
fn mirror_event(object: &Value) -> Option<Value> {
    if object.get("kind").and_then(Value::as_str) != Some("Event") {
        return None;
    }
    match object.get("apiVersion").and_then(Value::as_str) {
        Some("v1") => Some(event_mirror::to_events_v1(object)),
        Some("events.k8s.io/v1") => Some(event_mirror::to_core_v1(object)),
        _ => None,
    }
}

fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(field)?.as_str()
}

impl Store {
    pub fn new() -> Self {
        let (signals, _) = broadcast::channel(65_536);
        Store {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: resources::RESOURCES
                    .iter()
                    .map(|_| BTreeMap::new())
                    .collect(),
                history: VecDeque::new(),
                history_limit: DEFAULT_HISTORY,
                compacted_rv: 0,
            }),
            signals,
            logs: LogStore::default(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    /// Creates or replaces an object; returns the stored object.
    pub fn upsert(&self, object: Value) -> Result<Arc<Value>, StoreError> {
        let stored = self.upsert_one(object)?;
        if let Some(mirror) = mirror_event(&stored) {
            self.upsert_one(mirror)?;
        }
        Ok(stored)
    }

    fn upsert_one(&self, mut object: Value) -> Result<Arc<Value>, StoreError> {
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .ok_or(StoreError::MissingKind)?;
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .ok_or(StoreError::MissingKind)?;
        let resource = resources::by_kind(api_version, kind)
            .ok_or_else(|| StoreError::UnknownKind(api_version.to_string(), kind.to_string()))?;
        let name = meta_str(&object, "name")
            .filter(|n| !n.is_empty())
            .ok_or(StoreError::MissingName)?
            .to_string();
        let namespaced = resources::get(resource).namespaced;
        let namespace = if namespaced {
            meta_str(&object, "namespace")
                .filter(|n| !n.is_empty())
                .unwrap_or("default")
                .to_string()
        } else {
            String::new()
        };
        if !object.get("metadata").is_some_and(Value::is_object) {
            object["metadata"] = json!({});
        }
        let mut inner = self.lock();
        inner.rv += 1;
        let rv = inner.rv;
        let key = (namespace.clone(), name);
        let previous = inner.objects[resource].get(&key).cloned();
        let meta = &mut object["metadata"];
        if namespaced {
            meta["namespace"] = json!(namespace);
        } else if let Some(m) = meta.as_object_mut() {
            m.remove("namespace");
        }
        for field in ["uid", "creationTimestamp", "generation"] {
            if meta.get(field).is_none_or(Value::is_null) {
                let value = previous
                    .as_ref()
                    .and_then(|p| p.get("metadata"))
                    .and_then(|m| m.get(field))
                    .cloned();
                let value = value.unwrap_or_else(|| match field {
                    "uid" => json!(new_uid()),
                    "creationTimestamp" => {
                        json!(Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                    }
                    _ => json!(1),
                });
                meta[field] = value;
            }
        }
        meta["resourceVersion"] = json!(rv.to_string());
        let object = Arc::new(object);
        inner.objects[resource].insert(key, object.clone());
        let kind = if previous.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(
            &mut inner,
            Event {
                rv,
                resource,
                kind,
                object: object.clone(),
                previous,
            },
        );
        Ok(object)
    }

    /// Deletes an object; returns it (with the deletion's resourceVersion) if it existed.
    pub fn delete(
        &self,
        resource: usize,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Arc<Value>> {
        let deleted = self.delete_one(resource, namespace, name)?;
        if let Some(mirror) = mirror_event(&deleted) {
            let kind = mirror
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(other) = resources::by_kind(kind, "Event") {
                self.delete_one(other, namespace, name);
            }
        }
        Some(deleted)
    }

    fn delete_one(
        &self,
        resource: usize,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Arc<Value>> {
        let namespaced = resources::get(resource).namespaced;
        let namespace = if namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        let key = (namespace.to_string(), name.to_string());
        let mut inner = self.lock();
        let removed = inner.objects.get_mut(resource)?.remove(&key)?;
        inner.rv += 1;
        let rv = inner.rv;
        let mut object = (*removed).clone();
        object["metadata"]["resourceVersion"] = json!(rv.to_string());
        let object = Arc::new(object);
        self.record(
            &mut inner,
            Event {
                rv,
                resource,
                kind: EventType::Deleted,
                object: object.clone(),
                previous: Some(removed),
            },
        );
        drop(inner);
        if resource == PODS {
            self.logs.pod_deleted(namespace, name);
        }
        Some(object)
    }

    fn record(&self, inner: &mut Inner, event: Event) {
        let event = Arc::new(event);
        inner.history.push_back(event.clone());
        while inner.history.len() > inner.history_limit {
            if let Some(dropped) = inner.history.pop_front() {
                inner.compacted_rv = dropped.rv;
            }
        }
        let _ = self.signals.send(Signal::Event(event));
    }

    /// Applies one mutation from a scenario or a test.
    pub fn apply(&self, mutation: Mutation) -> Result<(), StoreError> {
        match mutation {
            Mutation::Upsert(object) => self.upsert(object).map(|_| ()),
            Mutation::Delete {
                api_version,
                kind,
                namespace,
                name,
            } => {
                let resource = resources::by_kind(&api_version, &kind)
                    .ok_or(StoreError::UnknownKind(api_version, kind))?;
                self.delete(resource, namespace.as_deref(), &name);
                Ok(())
            }
            Mutation::Log {
                namespace,
                pod,
                container,
                time,
                line,
            } => {
                self.append_log(
                    ContainerKey {
                        namespace,
                        pod,
                        container,
                    },
                    time,
                    line,
                );
                Ok(())
            }
            Mutation::ContainerRestarted {
                namespace,
                pod,
                container,
            } => {
                self.restart_container(ContainerKey {
                    namespace,
                    pod,
                    container,
                });
                Ok(())
            }
        }
    }

    pub fn append_log(&self, key: ContainerKey, time: jiff::Timestamp, line: String) {
        self.logs.append(key, time, line);
    }

    pub fn restart_container(&self, key: ContainerKey) {
        self.logs.restart(key);
    }

    /// A copy of one container's logs and a receiver for what follows.
    pub fn logs(&self, key: &ContainerKey) -> (ContainerLogs, broadcast::Receiver<LogEvent>) {
        self.logs.snapshot(key)
    }
}

impl Store {
    /// Deletes a pod; returns it if it existed.
    pub fn delete_pod(&self, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.delete(PODS, Some(namespace), name)
    }
}
