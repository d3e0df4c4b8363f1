//! Compact projections of the API objects kmedic reads: only the fields the tables and the
//! analyzers use, with interned strings ([`Str`]), sorted small maps ([`Map`]) and boxed slices
//! ([`List`]), decoded straight from the API's JSON. Field names follow the API (and
//! k8s-openapi), so analyzers read `pod.spec.as_ref()?.containers` as they would on a full
//! object. One watch per kind fills the caches with these; `kmedic check --scenario` decodes a
//! dump into the same types, so both take one code path.

mod admission;
mod config;
mod decode_words;
mod event;
mod kinds;
mod list;
mod map;
mod meta;
mod network;
mod node;
mod pod;
mod policy;
mod service;
mod shared;
mod storage;
mod str;
mod workload;

#[cfg(test)]
mod memory_kinds;

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use admission::*;
pub use config::*;
pub use event::{Event, EventObject, cluster_scoped};
pub use kinds::{Kind, KindInfo};
pub use list::List;
pub use map::Map;
pub use meta::*;
pub use network::*;
pub use node::*;
pub use pod::*;
pub use policy::*;
pub use service::*;
pub use shared::{Prepare, Shared};
pub use storage::*;
pub use str::{Str, interned_count};
pub use workload::*;

/// NetworkPolicies are kept in the API's own type (they are few, and the policy evaluator
/// reads every field).
pub type NetworkPolicy = k8s_openapi::api::networking::v1::NetworkPolicy;

use crate::model::ObjKey;

/// One cached object of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Namespace(Arc<Namespace>),
    Node(Arc<Node>),
    Pod(Arc<Pod>),
    Service(Arc<Service>),
    Endpoints(Arc<Endpoints>),
    EndpointSlice(Arc<EndpointSlice>),
    Deployment(Arc<Deployment>),
    ReplicaSet(Arc<ReplicaSet>),
    StatefulSet(Arc<StatefulSet>),
    DaemonSet(Arc<DaemonSet>),
    Job(Arc<Job>),
    CronJob(Arc<CronJob>),
    Event(Arc<Event>),
    ConfigMap(Arc<ConfigMap>),
    Secret(Arc<Secret>),
    ServiceAccount(Arc<ServiceAccount>),
    PersistentVolumeClaim(Arc<PersistentVolumeClaim>),
    PersistentVolume(Arc<PersistentVolume>),
    StorageClass(Arc<StorageClass>),
    Lease(Arc<Lease>),
    HorizontalPodAutoscaler(Arc<HorizontalPodAutoscaler>),
    PodDisruptionBudget(Arc<PodDisruptionBudget>),
    Ingress(Arc<Ingress>),
    IngressClass(Arc<IngressClass>),
    NetworkPolicy(Arc<NetworkPolicy>),
    ValidatingWebhookConfiguration(Arc<WebhookConfiguration>),
    MutatingWebhookConfiguration(Arc<WebhookConfiguration>),
    ApiService(Arc<ApiService>),
    CertificateSigningRequest(Arc<CertificateSigningRequest>),
}

/// Why an object could not be read as its kind, with the field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// e.g. `spec.containers[0].ports[0].containerPort` (empty when the object itself is wrong).
    pub path: String,
    pub message: String,
}

impl fmt::Display for DecodeError {
    /// A sentence: the field path and what was expected there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decode_words::sentence(&self.path, &self.message))
    }
}

impl std::error::Error for DecodeError {}

fn read<'de, T, D>(de: D) -> Result<T, DecodeError>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(de).map_err(|e| DecodeError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// The compaction every kind does after decoding.
trait Compact {
    fn compact_in_place(&mut self);
}

macro_rules! compactable {
    ($($t:ty),* $(,)?) => { $(impl Compact for $t { fn compact_in_place(&mut self) { self.compact(); } })* };
}
compactable!(
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Event,
    ConfigMap,
    Secret,
    ServiceAccount,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Lease,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Ingress,
    IngressClass,
    WebhookConfiguration,
    ApiService,
    CertificateSigningRequest,
);

impl Compact for NetworkPolicy {
    fn compact_in_place(&mut self) {
        self.metadata.managed_fields = None;
        if let Some(a) = &mut self.metadata.annotations {
            a.retain(|k, _| !k.starts_with("kubectl.kubernetes.io/last-applied"));
        }
    }
}

fn arc<T: Compact>(mut t: T) -> Arc<T> {
    t.compact_in_place();
    Arc::new(t)
}

/// Decodes with `reader` into the kind's compact type.
fn build<R>(kind: Kind, reader: R) -> Result<Object, DecodeError>
where
    R: Reader,
{
    Ok(match kind {
        Kind::Namespace => Object::Namespace(arc(reader.read()?)),
        Kind::Node => Object::Node(arc(reader.read()?)),
        Kind::Pod => Object::Pod(arc(reader.read()?)),
        Kind::Service => Object::Service(arc(reader.read()?)),
        Kind::Endpoints => Object::Endpoints(arc(reader.read()?)),
        Kind::EndpointSlice => Object::EndpointSlice(arc(reader.read()?)),
        Kind::Deployment => Object::Deployment(arc(reader.read()?)),
        Kind::ReplicaSet => Object::ReplicaSet(arc(replica_set(reader)?)),
        Kind::StatefulSet => Object::StatefulSet(arc(reader.read()?)),
        Kind::DaemonSet => Object::DaemonSet(arc(reader.read()?)),
        Kind::Job => Object::Job(arc(reader.read()?)),
        Kind::CronJob => Object::CronJob(arc(reader.read()?)),
        Kind::Event => Object::Event(arc(reader.read()?)),
        Kind::ConfigMap => Object::ConfigMap(arc(reader.read()?)),
        Kind::Secret => Object::Secret(arc(reader.read()?)),
        Kind::ServiceAccount => Object::ServiceAccount(arc(reader.read()?)),
        Kind::PersistentVolumeClaim => Object::PersistentVolumeClaim(arc(reader.read()?)),
        Kind::PersistentVolume => Object::PersistentVolume(arc(reader.read()?)),
        Kind::StorageClass => Object::StorageClass(arc(reader.read()?)),
        Kind::Lease => Object::Lease(arc(reader.read()?)),
        Kind::HorizontalPodAutoscaler => Object::HorizontalPodAutoscaler(arc(reader.read()?)),
        Kind::PodDisruptionBudget => Object::PodDisruptionBudget(arc(reader.read()?)),
        Kind::Ingress => Object::Ingress(arc(reader.read()?)),
        Kind::IngressClass => Object::IngressClass(arc(reader.read()?)),
        Kind::NetworkPolicy => Object::NetworkPolicy(arc(reader.read()?)),
        Kind::ValidatingWebhookConfiguration => {
            Object::ValidatingWebhookConfiguration(arc(reader.read()?))
        }
        Kind::MutatingWebhookConfiguration => {
            Object::MutatingWebhookConfiguration(arc(reader.read()?))
        }
        Kind::ApiService => Object::ApiService(arc(reader.read()?)),
        Kind::CertificateSigningRequest => Object::CertificateSigningRequest(arc(reader.read()?)),
    })
}

/// A ReplicaSet, read first without its pod template: a Deployment's earlier revision is kept
/// so (its template never built), any other one is read again in full.
fn replica_set<R: Reader>(reader: R) -> Result<ReplicaSet, DecodeError> {
    if let Ok(lean) = reader.read::<workload::LeanReplicaSet>() {
        let rs = ReplicaSet::from(lean);
        if rs.is_old_revision() {
            return Ok(rs);
        }
    }
    reader.read()
}

trait Reader: Copy {
    fn read<T: DeserializeOwned>(self) -> Result<T, DecodeError>;
}

// Objects are decoded plainly (the common case, and the fast one); only an object that fails
// is read again with its field path tracked, to say where it is wrong.
#[derive(Clone, Copy)]
struct FromValue<'a>(&'a Value);
impl Reader for FromValue<'_> {
    fn read<T: DeserializeOwned>(self) -> Result<T, DecodeError> {
        T::deserialize(self.0).or_else(|_| read(self.0))
    }
}

#[derive(Clone, Copy)]
struct FromText<'a>(&'a str);
impl Reader for FromText<'_> {
    fn read<T: DeserializeOwned>(self) -> Result<T, DecodeError> {
        serde_json::from_str(self.0).or_else(|_| {
            let mut de = serde_json::Deserializer::from_str(self.0);
            read(&mut de)
        })
    }
}

/// Reads a JSON object (as the API server sends it, or from a dump) as `kind`.
pub fn decode_value(kind: Kind, value: &Value) -> Result<Object, DecodeError> {
    build(kind, FromValue(value))
}

/// Reads JSON text as `kind`.
pub fn decode_text(kind: Kind, text: &str) -> Result<Object, DecodeError> {
    build(kind, FromText(text))
}

/// The identity of an object that could not be read: its kind, namespace and name (as far
/// as they can be read) and the resource version (watch bookkeeping).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct Head {
    #[serde(default)]
    pub metadata: HeadMeta,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HeadMeta {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub resource_version: Option<String>,
}

impl Head {
    /// Reads what it can of the metadata of JSON text (never fails).
    pub fn of_text(text: &str) -> Head {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn of_value(value: &Value) -> Head {
        Head::deserialize_lenient(value)
    }

    fn deserialize_lenient(value: &Value) -> Head {
        let s = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_string);
        Head {
            metadata: HeadMeta {
                name: s("/metadata/name"),
                namespace: s("/metadata/namespace"),
                resource_version: s("/metadata/resourceVersion"),
            },
        }
    }

    pub fn key(&self) -> ObjKey {
        ObjKey::new(
            self.metadata.namespace.clone().unwrap_or_default(),
            self.metadata.name.clone().unwrap_or_default(),
        )
    }
}

macro_rules! each_object {
    ($self:expr, $o:ident => $body:expr) => {
        match $self {
            Object::Namespace($o) => $body,
            Object::Node($o) => $body,
            Object::Pod($o) => $body,
            Object::Service($o) => $body,
            Object::Endpoints($o) => $body,
            Object::EndpointSlice($o) => $body,
            Object::Deployment($o) => $body,
            Object::ReplicaSet($o) => $body,
            Object::StatefulSet($o) => $body,
            Object::DaemonSet($o) => $body,
            Object::Job($o) => $body,
            Object::CronJob($o) => $body,
            Object::ConfigMap($o) => $body,
            Object::Secret($o) => $body,
            Object::ServiceAccount($o) => $body,
            Object::PersistentVolumeClaim($o) => $body,
            Object::PersistentVolume($o) => $body,
            Object::StorageClass($o) => $body,
            Object::Lease($o) => $body,
            Object::HorizontalPodAutoscaler($o) => $body,
            Object::PodDisruptionBudget($o) => $body,
            Object::Ingress($o) => $body,
            Object::IngressClass($o) => $body,
            Object::ValidatingWebhookConfiguration($o) => $body,
            Object::MutatingWebhookConfiguration($o) => $body,
            Object::ApiService($o) => $body,
            Object::CertificateSigningRequest($o) => $body,
            Object::Event(_) | Object::NetworkPolicy(_) => unreachable!(),
        }
    };
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::EndpointSlice(_) => Kind::EndpointSlice,
            Object::Deployment(_) => Kind::Deployment,
            Object::ReplicaSet(_) => Kind::ReplicaSet,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::DaemonSet(_) => Kind::DaemonSet,
            Object::Job(_) => Kind::Job,
            Object::CronJob(_) => Kind::CronJob,
            Object::Event(_) => Kind::Event,
            Object::ConfigMap(_) => Kind::ConfigMap,
            Object::Secret(_) => Kind::Secret,
            Object::ServiceAccount(_) => Kind::ServiceAccount,
            Object::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Object::PersistentVolume(_) => Kind::PersistentVolume,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::Lease(_) => Kind::Lease,
            Object::HorizontalPodAutoscaler(_) => Kind::HorizontalPodAutoscaler,
            Object::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            Object::Ingress(_) => Kind::Ingress,
            Object::IngressClass(_) => Kind::IngressClass,
            Object::NetworkPolicy(_) => Kind::NetworkPolicy,
            Object::ValidatingWebhookConfiguration(_) => Kind::ValidatingWebhookConfiguration,
            Object::MutatingWebhookConfiguration(_) => Kind::MutatingWebhookConfiguration,
            Object::ApiService(_) => Kind::ApiService,
            Object::CertificateSigningRequest(_) => Kind::CertificateSigningRequest,
        }
    }

    /// Namespace (empty for cluster-scoped objects) and name.
    pub fn key(&self) -> ObjKey {
        match self {
            Object::Event(e) => ObjKey::of(e.namespace.clone(), e.name.clone()),
            Object::NetworkPolicy(p) => ObjKey::new(
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default(),
            ),
            // The object's own strings, shared: a key costs no copy of the text.
            other => {
                let meta = other.meta_opt();
                ObjKey::of(
                    meta.and_then(|m| m.namespace.clone()).unwrap_or_default(),
                    meta.and_then(|m| m.name.clone()).unwrap_or_default(),
                )
            }
        }
    }

    /// The compact metadata (not for events and NetworkPolicies, which have their own).
    pub fn meta_opt(&self) -> Option<&ObjectMeta> {
        match self {
            Object::Event(_) | Object::NetworkPolicy(_) => None,
            other => Some(each_object!(other, o => &o.metadata)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_field_type_names_the_field() {
        let bad = serde_json::json!({"metadata": {"name": "p", "namespace": "ns"},
            "spec": {"containers": [{"name": "a", "ports": [{"containerPort": "eighty"}]}]}});
        let err = decode_value(Kind::Pod, &bad).expect_err("bad port");
        assert_eq!(err.path, "spec.containers[0].ports[0].containerPort");
        let text = serde_json::to_string(&bad).expect("json");
        let err = decode_text(Kind::Pod, &text).expect_err("bad port");
        // A sentence with the path and what was expected, not the position in the text.
        assert_eq!(
            err.to_string(),
            "field spec.containers[0].ports[0].containerPort is a string \"eighty\"; expected i32"
        );
        assert_eq!(Head::of_text(&text).key(), ObjKey::new("ns", "p"));
    }

    #[test]
    fn decoded_objects_know_their_key() {
        let v = serde_json::json!({"metadata": {"name": "n1"}});
        let o = decode_value(Kind::Node, &v).expect("node");
        assert_eq!(o.kind(), Kind::Node);
        assert_eq!(o.key(), ObjKey::new("", "n1"));
    }
}

#[cfg(test)]
mod memory_probe {
    /// Prints the memory of 50,000 compact pods shaped like an independent fake API server's
    /// (`cargo test --lib memory_probe -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn fifty_thousand_pods() {
        fn rss_kib() -> u64 {
            std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS"))
                        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
                })
                .unwrap_or(0)
        }
        let template = serde_json::json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "app-1-5d8c7f9b4-000001", "namespace": "ns-1", "uid": "00000000-0000-4000-8000-000000000001",
                "resourceVersion": "1000", "creationTimestamp": "2026-11-20T10:00:00Z",
                "labels": {"app": "app-1", "pod-template-hash": "5d8c7f9b4"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "app-1-5d8c7f9b4",
                    "uid": "00000000-0000-4000-9000-000000000001", "controller": true}]},
            "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "registry.example.com/app:1",
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}}],
                "restartPolicy": "Always", "serviceAccountName": "default"},
            "status": {"phase": "Running", "podIP": "10.0.0.1", "hostIP": "192.0.2.1", "startTime": "2026-11-20T10:00:00Z",
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-20T10:00:00Z"},
                    {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-11-20T10:00:00Z"}],
                "qosClass": "Burstable",
                "containerStatuses": [{"name": "app", "image": "registry.example.com/app:1", "imageID": "", "ready": true,
                    "started": true, "restartCount": 1, "state": {"running": {"startedAt": "2026-11-20T10:00:00Z"}}, "lastState": {}}]}});
        let base = rss_kib();
        let mut v = Vec::new();
        for i in 0..50_000 {
            let mut p = template.clone();
            p["metadata"]["name"] = format!("app-{}-5d8c7f9b4-{i:06}", i % 50).into();
            p["metadata"]["namespace"] = format!("ns-{}", i % 50).into();
            p["metadata"]["uid"] = format!("00000000-0000-4000-8000-{i:012}").into();
            p["spec"]["nodeName"] = format!("node-{}", i % 503).into();
            p["status"]["podIP"] =
                format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255).into();
            v.push(super::decode_value(super::Kind::Pod, &p).expect("pod"));
        }
        let used = rss_kib() - base;
        println!(
            "50k compact pods: {} MiB ({} bytes each), {} interned strings; size_of Pod {} PodSpec {} PodStatus {} Container {} ContainerStatus {} Condition {}",
            used / 1024,
            used * 1024 / 50_000,
            super::interned_count(),
            std::mem::size_of::<super::Pod>(),
            std::mem::size_of::<super::PodSpec>(),
            std::mem::size_of::<super::PodStatus>(),
            std::mem::size_of::<super::Container>(),
            std::mem::size_of::<super::ContainerStatus>(),
            std::mem::size_of::<super::Condition>(),
        );
        drop(v);
    }
}
