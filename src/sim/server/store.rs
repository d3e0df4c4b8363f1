//! The in-memory object store behind the simulated cluster: objects per resource type, a
//! global resourceVersion counter, a bounded history of watch events, and container logs.
//! Every change is broadcast to open watch and log-follow streams.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::crd;
use super::log_buffer::LogStore;
use super::resources::{self, PODS};

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
    /// Custom resource types this store serves: (type index, name of the CRD).
    pub(super) custom: Vec<(usize, String)>,
}

/// The simulated cluster's state. Cheap to share (`Arc<Store>`); all methods are synchronous
/// and never hold the lock across an await.
pub struct Store {
    inner: Mutex<Inner>,
    pub(super) signals: broadcast::Sender<Signal>,
    pub(super) logs: LogStore,
    /// A frozen cluster's metrics stay the same from one scrape window to the next.
    metrics_frozen: std::sync::atomic::AtomicBool,
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

/// The API server keeps `podIP`/`podIPs` and `hostIP`/`hostIPs` in step: a pod written with
/// only the singular field is stored with the list too.
fn default_pod_ips(object: &mut Value) {
    if object.get("kind").and_then(Value::as_str) != Some("Pod") {
        return;
    }
    let Some(status) = object.get_mut("status").and_then(Value::as_object_mut) else {
        return;
    };
    for (one, many) in [("podIP", "podIPs"), ("hostIP", "hostIPs")] {
        let ip = status
            .get(one)
            .and_then(Value::as_str)
            .filter(|ip| !ip.is_empty());
        if let Some(ip) = ip.map(str::to_string)
            && status.get(many).is_none_or(Value::is_null)
        {
            status.insert(many.to_string(), json!([{ "ip": ip }]));
        }
    }
}

fn is_crd(object: &Value) -> bool {
    object.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && object.get("apiVersion").and_then(Value::as_str) == Some("apiextensions.k8s.io/v1")
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
                custom: Vec::new(),
            }),
            signals,
            logs: LogStore::default(),
            metrics_frozen: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Makes the metrics API answer the same usage in every scrape window (a frozen cluster).
    pub fn freeze_metrics(&self) {
        self.metrics_frozen
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub(super) fn metrics_frozen(&self) -> bool {
        self.metrics_frozen
            .load(std::sync::atomic::Ordering::Relaxed)
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

    /// Creates or replaces an object; returns the stored object. Copies of it in other API
    /// versions (Events, HorizontalPodAutoscalers, custom resources) are written with the same
    /// resourceVersion; a CustomResourceDefinition starts serving its types.
    pub fn upsert(&self, object: Value) -> Result<Arc<Value>, StoreError> {
        let mut object = if is_crd(&object) {
            crd::with_status(object)
        } else {
            object
        };
        default_pod_ips(&mut object);
        let mut inner = self.lock();
        let stored = self.upsert_locked(&mut inner, object, None)?;
        if is_crd(&stored) {
            inner.serve_crd(&stored);
        }
        let rv = inner.rv;
        for mirror in inner.mirrors_of(&stored) {
            self.upsert_locked(&mut inner, mirror, Some(rv))?;
        }
        Ok(stored)
    }

    fn upsert_locked(
        &self,
        inner: &mut Inner,
        mut object: Value,
        shared_rv: Option<u64>,
    ) -> Result<Arc<Value>, StoreError> {
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .ok_or(StoreError::MissingKind)?;
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .ok_or(StoreError::MissingKind)?;
        let resource = inner
            .resolve_kind(api_version, kind)
            .filter(|r| resources::get(*r).stored())
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
        let rv = match shared_rv {
            Some(rv) => rv,
            None => {
                inner.rv += 1;
                inner.rv
            }
        };
        if inner.objects.len() <= resource {
            inner.objects.resize_with(resource + 1, BTreeMap::new);
        }
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
            inner,
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

    /// Deletes an object (and its copies in other API versions); returns it, with the
    /// deletion's resourceVersion, if it existed.
    pub fn delete(
        &self,
        resource: usize,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Arc<Value>> {
        let mut inner = self.lock();
        let deleted = self.delete_locked(&mut inner, resource, namespace, name, None)?;
        let rv = inner.rv;
        for mirror in inner.mirrors_of(&deleted) {
            let api_version = mirror
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = mirror.get("kind").and_then(Value::as_str).unwrap_or("");
            if let Some(other) = inner.resolve_kind(api_version, kind) {
                self.delete_locked(&mut inner, other, namespace, name, Some(rv));
            }
        }
        if is_crd(&deleted) {
            inner.unserve_crd(name);
        }
        drop(inner);
        if resource == PODS {
            let ns = namespace.unwrap_or("default");
            self.logs.pod_deleted(ns, name);
        }
        Some(deleted)
    }

    fn delete_locked(
        &self,
        inner: &mut Inner,
        resource: usize,
        namespace: Option<&str>,
        name: &str,
        shared_rv: Option<u64>,
    ) -> Option<Arc<Value>> {
        let namespaced = resources::get(resource).namespaced;
        let namespace = if namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        let key = (namespace.to_string(), name.to_string());
        let removed = inner.objects.get_mut(resource)?.remove(&key)?;
        let rv = match shared_rv {
            Some(rv) => rv,
            None => {
                inner.rv += 1;
                inner.rv
            }
        };
        let mut object = (*removed).clone();
        object["metadata"]["resourceVersion"] = json!(rv.to_string());
        let object = Arc::new(object);
        self.record(
            inner,
            Event {
                rv,
                resource,
                kind: EventType::Deleted,
                object: object.clone(),
                previous: Some(removed),
            },
        );
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
}
