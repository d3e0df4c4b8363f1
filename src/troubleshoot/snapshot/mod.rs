//! The analyzers' view of the cluster: one [`Table`] of compact objects per kind, kept up to
//! date change by change (from the watch caches, or all at once from a dump), with the indexes
//! analyzers need (pods by label and node, events by object, objects by owner, EndpointSlices
//! by Service), what each kind's coverage is, and optional previous container logs.
//! Analyzers read it; only [`Snapshot::apply`] changes it.

mod certificates;
mod coverage;
mod health;
mod load;
mod reads;
mod table;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::model::ObjKey;
use crate::objects::{self, Kind, Object, Str};

pub use certificates::CertificateReading;
pub use coverage::{Coverage, KindState, Skipped};
pub use health::{
    ApiHealth, ApiMetrics, DeprecatedApi, Failure, HealthCheck, HealthReport, METRIC_NAMES, Probed,
    ReachClass, ServerVersion, bounded_detail, wanted_metric_line,
};
pub use load::no_objects_error;
pub use reads::Read;
pub use table::Table;

/// (namespace, pod, container).
pub type ContainerKey = (String, String, String);

/// A change to the snapshot.
#[derive(Debug, Clone)]
pub enum Change {
    /// An object was added or changed.
    Upsert(Object),
    /// An object was deleted.
    Delete(Kind, ObjKey),
    /// A complete list of a kind in one namespace (`Some`) or everywhere (`None`), from the
    /// initial sync or a relist: replaces what was there in that scope.
    Reset(Kind, Option<String>, Vec<Object>),
    /// What is known about a kind in a scope changed (synced, refused, not served…).
    State(Kind, Option<String>, KindState),
    /// An object of the kind could not be read.
    Malformed(Skipped),
    /// The tail of a container's previous log.
    PreviousLog(ContainerKey, Vec<String>),
    /// What the API server said about itself (version, livez/readyz, metrics, or why it
    /// could not be reached). Boxed: it is much larger than the other changes.
    Health(Box<ApiHealth>),
    /// What the certificate inspection found (or why it could not run).
    Certificates(Box<CertificateReading>),
}

impl Change {
    /// A [`Change::Health`].
    pub fn health(h: ApiHealth) -> Change {
        Change::Health(Box::new(h))
    }
}

/// The objects of one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub namespaces: Table<objects::Namespace>,
    pub nodes: Table<objects::Node>,
    pub pods: Table<objects::Pod>,
    pub services: Table<objects::Service>,
    pub endpoints: Table<objects::Endpoints>,
    pub endpoint_slices: Table<objects::EndpointSlice>,
    pub deployments: Table<objects::Deployment>,
    pub replicasets: Table<objects::ReplicaSet>,
    pub statefulsets: Table<objects::StatefulSet>,
    pub daemonsets: Table<objects::DaemonSet>,
    pub jobs: Table<objects::Job>,
    pub cronjobs: Table<objects::CronJob>,
    pub events: Table<objects::Event>,
    pub configmaps: Table<objects::ConfigMap>,
    pub secrets: Table<objects::Secret>,
    pub service_accounts: Table<objects::ServiceAccount>,
    pub pvcs: Table<objects::PersistentVolumeClaim>,
    pub pvs: Table<objects::PersistentVolume>,
    pub storage_classes: Table<objects::StorageClass>,
    pub leases: Table<objects::Lease>,
    pub hpas: Table<objects::HorizontalPodAutoscaler>,
    pub pdbs: Table<objects::PodDisruptionBudget>,
    pub ingresses: Table<objects::Ingress>,
    pub ingress_classes: Table<objects::IngressClass>,
    pub network_policies: Table<objects::NetworkPolicy>,
    pub validating_webhooks: Table<objects::WebhookConfiguration>,
    pub mutating_webhooks: Table<objects::WebhookConfiguration>,
    pub api_services: Table<objects::ApiService>,
    pub csrs: Table<objects::CertificateSigningRequest>,
    /// What is known about each kind (listed, refused, absent from a dump…) and the objects
    /// that could not be read.
    pub coverage: Coverage,
    /// The API server's own health; `None` when it was not probed (a dump).
    pub health: Option<ApiHealth>,
    /// The certificate inspection; `None` when it has not run (yet, or at all: a dump).
    pub certificates: Option<CertificateReading>,
    previous_logs: HashMap<ContainerKey, Vec<String>>,
    /// Pod ids by a hash of (namespace, label key, label value); lookups verify the labels.
    pods_by_label: HashMap<u64, Vec<u32>>,
    /// Pod ids by node name.
    pods_by_node: HashMap<Str, Vec<u32>>,
    /// Ids of the pods that may not use the cluster's DNS (host network, or dnsPolicy None).
    pods_own_dns: std::collections::BTreeSet<u32>,
    /// Event ids by a hash of (kind, namespace, name) of the object they are about.
    events_by_object: HashMap<u64, Vec<u32>>,
    /// (kind, id) of objects by the uid of their controlling owner.
    owned: HashMap<Str, Vec<(Kind, u32)>>,
    /// EndpointSlice ids by a hash of (namespace, service name).
    slices_by_service: HashMap<u64, Vec<u32>>,
    /// The newest timestamp read from a dump's raw objects (managedFields, event and
    /// condition times…), including fields the compact objects drop.
    dump_newest: Option<objects::Time>,
}

fn hash3(a: &str, b: &str, c: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (a, b, c).hash(&mut h);
    h.finish()
}

fn add<K: Hash + Eq>(index: &mut HashMap<K, Vec<u32>>, key: K, id: u32) {
    index.entry(key).or_default().push(id);
}

fn drop_id<K: Hash + Eq>(index: &mut HashMap<K, Vec<u32>>, key: &K, id: u32) {
    if let Some(ids) = index.get_mut(key) {
        if let Some(pos) = ids.iter().position(|&i| i == id) {
            ids.swap_remove(pos);
        }
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

macro_rules! with_table {
    ($snap:expr, $kind:expr, $t:ident => $body:expr) => {
        match $kind {
            Kind::Namespace => {
                let $t = &mut $snap.namespaces;
                $body
            }
            Kind::Node => {
                let $t = &mut $snap.nodes;
                $body
            }
            Kind::Pod => {
                let $t = &mut $snap.pods;
                $body
            }
            Kind::Service => {
                let $t = &mut $snap.services;
                $body
            }
            Kind::Endpoints => {
                let $t = &mut $snap.endpoints;
                $body
            }
            Kind::EndpointSlice => {
                let $t = &mut $snap.endpoint_slices;
                $body
            }
            Kind::Deployment => {
                let $t = &mut $snap.deployments;
                $body
            }
            Kind::ReplicaSet => {
                let $t = &mut $snap.replicasets;
                $body
            }
            Kind::StatefulSet => {
                let $t = &mut $snap.statefulsets;
                $body
            }
            Kind::DaemonSet => {
                let $t = &mut $snap.daemonsets;
                $body
            }
            Kind::Job => {
                let $t = &mut $snap.jobs;
                $body
            }
            Kind::CronJob => {
                let $t = &mut $snap.cronjobs;
                $body
            }
            Kind::Event => {
                let $t = &mut $snap.events;
                $body
            }
            Kind::ConfigMap => {
                let $t = &mut $snap.configmaps;
                $body
            }
            Kind::Secret => {
                let $t = &mut $snap.secrets;
                $body
            }
            Kind::ServiceAccount => {
                let $t = &mut $snap.service_accounts;
                $body
            }
            Kind::PersistentVolumeClaim => {
                let $t = &mut $snap.pvcs;
                $body
            }
            Kind::PersistentVolume => {
                let $t = &mut $snap.pvs;
                $body
            }
            Kind::StorageClass => {
                let $t = &mut $snap.storage_classes;
                $body
            }
            Kind::Lease => {
                let $t = &mut $snap.leases;
                $body
            }
            Kind::HorizontalPodAutoscaler => {
                let $t = &mut $snap.hpas;
                $body
            }
            Kind::PodDisruptionBudget => {
                let $t = &mut $snap.pdbs;
                $body
            }
            Kind::Ingress => {
                let $t = &mut $snap.ingresses;
                $body
            }
            Kind::IngressClass => {
                let $t = &mut $snap.ingress_classes;
                $body
            }
            Kind::NetworkPolicy => {
                let $t = &mut $snap.network_policies;
                $body
            }
            Kind::ValidatingWebhookConfiguration => {
                let $t = &mut $snap.validating_webhooks;
                $body
            }
            Kind::MutatingWebhookConfiguration => {
                let $t = &mut $snap.mutating_webhooks;
                $body
            }
            Kind::ApiService => {
                let $t = &mut $snap.api_services;
                $body
            }
            Kind::CertificateSigningRequest => {
                let $t = &mut $snap.csrs;
                $body
            }
        }
    };
}

/// Wraps a table's object back into an `Object` of `kind`.
fn wrap(kind: Kind, any: &dyn std::any::Any) -> Option<Object> {
    macro_rules! w {
        ($($k:ident => $t:ty),* $(,)?) => {
            match kind {
                $(Kind::$k => any.downcast_ref::<Arc<$t>>().map(|a| Object::$k(a.clone())),)*
            }
        };
    }
    w!(
        Namespace => objects::Namespace,
        Node => objects::Node,
        Pod => objects::Pod,
        Service => objects::Service,
        Endpoints => objects::Endpoints,
        EndpointSlice => objects::EndpointSlice,
        Deployment => objects::Deployment,
        ReplicaSet => objects::ReplicaSet,
        StatefulSet => objects::StatefulSet,
        DaemonSet => objects::DaemonSet,
        Job => objects::Job,
        CronJob => objects::CronJob,
        Event => objects::Event,
        ConfigMap => objects::ConfigMap,
        Secret => objects::Secret,
        ServiceAccount => objects::ServiceAccount,
        PersistentVolumeClaim => objects::PersistentVolumeClaim,
        PersistentVolume => objects::PersistentVolume,
        StorageClass => objects::StorageClass,
        Lease => objects::Lease,
        HorizontalPodAutoscaler => objects::HorizontalPodAutoscaler,
        PodDisruptionBudget => objects::PodDisruptionBudget,
        Ingress => objects::Ingress,
        IngressClass => objects::IngressClass,
        NetworkPolicy => objects::NetworkPolicy,
        ValidatingWebhookConfiguration => objects::WebhookConfiguration,
        MutatingWebhookConfiguration => objects::WebhookConfiguration,
        ApiService => objects::ApiService,
        CertificateSigningRequest => objects::CertificateSigningRequest,
    )
}

/// The object inside an `Object`, as `Any` (for [`wrap`]'s inverse).
fn unwrap_any(obj: &Object) -> &dyn std::any::Any {
    match obj {
        Object::Namespace(o) => o,
        Object::Node(o) => o,
        Object::Pod(o) => o,
        Object::Service(o) => o,
        Object::Endpoints(o) => o,
        Object::EndpointSlice(o) => o,
        Object::Deployment(o) => o,
        Object::ReplicaSet(o) => o,
        Object::StatefulSet(o) => o,
        Object::DaemonSet(o) => o,
        Object::Job(o) => o,
        Object::CronJob(o) => o,
        Object::Event(o) => o,
        Object::ConfigMap(o) => o,
        Object::Secret(o) => o,
        Object::ServiceAccount(o) => o,
        Object::PersistentVolumeClaim(o) => o,
        Object::PersistentVolume(o) => o,
        Object::StorageClass(o) => o,
        Object::Lease(o) => o,
        Object::HorizontalPodAutoscaler(o) => o,
        Object::PodDisruptionBudget(o) => o,
        Object::Ingress(o) => o,
        Object::IngressClass(o) => o,
        Object::NetworkPolicy(o) => o,
        Object::ValidatingWebhookConfiguration(o) => o,
        Object::MutatingWebhookConfiguration(o) => o,
        Object::ApiService(o) => o,
        Object::CertificateSigningRequest(o) => o,
    }
}

fn insert_any<T: 'static>(
    table: &mut Table<T>,
    key: ObjKey,
    obj: &Object,
) -> Option<(u32, Option<Arc<T>>)> {
    let arc = unwrap_any(obj).downcast_ref::<Arc<T>>()?.clone();
    Some(table.upsert(key, arc))
}

impl Snapshot {
    /// Applies a change; returns the previous version of the object it replaced or deleted
    /// (for a reset: nothing; the caller treats a reset as touching the whole kind).
    pub fn apply(&mut self, change: Change) -> Option<Object> {
        match change {
            Change::Upsert(obj) => self.upsert(obj),
            Change::Delete(kind, key) => self.delete(kind, &key),
            Change::Reset(kind, scope, objects) => {
                self.clear_kind(kind, scope.as_deref());
                for o in objects {
                    self.upsert(o);
                }
                self.coverage.set_in(kind, scope, KindState::Listed);
                None
            }
            Change::State(kind, scope, state) => {
                self.coverage.set_in(kind, scope, state);
                None
            }
            Change::Malformed(s) => {
                // Overlapping watch scopes (all namespaces and kube-system) list the same
                // object: it is one object not read, not two.
                let same = |k: &Skipped| {
                    k.kind == s.kind && k.namespace == s.namespace && k.name == s.name
                };
                match self.coverage.skipped.iter_mut().find(|k| same(k)) {
                    Some(known) => *known = s,
                    None => self.coverage.skipped.push(s),
                }
                None
            }
            Change::PreviousLog(key, lines) => {
                self.previous_logs.insert(key, lines);
                None
            }
            Change::Health(h) => {
                self.health = Some(*h);
                None
            }
            Change::Certificates(c) => {
                self.certificates = Some(*c);
                None
            }
        }
    }

    fn upsert(&mut self, obj: Object) -> Option<Object> {
        let kind = obj.kind();
        let key = obj.key();
        self.coverage.forget(kind, &key);
        self.upsert_plain(kind, key, obj)
    }

    fn upsert_plain(&mut self, kind: Kind, key: ObjKey, obj: Object) -> Option<Object> {
        let old = self.delete(kind, &key);
        let id = with_table!(self, kind, t => insert_any(t, key, &obj).map(|(id, _)| id))?;
        self.index(&obj, id);
        old
    }

    fn delete(&mut self, kind: Kind, key: &ObjKey) -> Option<Object> {
        self.coverage.forget(kind, key);
        let (id, old) = with_table!(self, kind, t => {
            let (id, arc) = t.remove(key)?;
            (id, wrap(kind, &arc as &dyn std::any::Any)?)
        });
        self.unindex(&old, id);
        Some(old)
    }

    fn clear_kind(&mut self, kind: Kind, namespace: Option<&str>) {
        let keys: Vec<ObjKey> = with_table!(self, kind, t => t
            .entries()
            .filter(|(k, _, _)| namespace.is_none_or(|ns| k.namespace.as_str() == ns))
            .map(|(k, _, _)| k.clone())
            .collect());
        for key in keys {
            self.delete(kind, &key);
        }
    }

    fn index(&mut self, obj: &Object, id: u32) {
        self.index_edit(obj, id, true);
    }

    fn unindex(&mut self, obj: &Object, id: u32) {
        self.index_edit(obj, id, false);
    }

    fn index_edit(&mut self, obj: &Object, id: u32, adding: bool) {
        let kind = obj.kind();
        if let Some(meta) = obj.meta_opt()
            && let Some(owner) = meta.controller()
        {
            let list = self.owned.entry(owner.uid.clone()).or_default();
            if adding {
                list.push((kind, id));
            } else {
                list.retain(|&(k, i)| !(k == kind && i == id));
                if list.is_empty() {
                    self.owned.remove(&owner.uid);
                }
            }
        }
        match obj {
            Object::Pod(p) => {
                let ns = p.metadata.namespace();
                for (k, v) in p.metadata.labels.iter().flatten() {
                    let h = hash3(ns, k, v);
                    if adding {
                        add(&mut self.pods_by_label, h, id);
                    } else {
                        drop_id(&mut self.pods_by_label, &h, id);
                    }
                }
                // Pods not yet scheduled are indexed under the empty node name.
                let node = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_default();
                if adding {
                    add(&mut self.pods_by_node, node, id);
                } else {
                    drop_id(&mut self.pods_by_node, &node, id);
                }
                let own_dns = p.spec.as_ref().is_some_and(|s| {
                    s.host_network == Some(true) || s.dns_policy.as_deref() == Some("None")
                });
                if own_dns && adding {
                    self.pods_own_dns.insert(id);
                } else {
                    self.pods_own_dns.remove(&id);
                }
            }
            Object::Event(e) => {
                let h = hash3(&e.object.kind, &e.object.namespace, &e.object.name);
                if adding {
                    add(&mut self.events_by_object, h, id);
                } else {
                    drop_id(&mut self.events_by_object, &h, id);
                }
            }
            Object::EndpointSlice(s) => {
                if let Some(svc) = s.service_name() {
                    let h = hash3(s.metadata.namespace(), svc, "");
                    if adding {
                        add(&mut self.slices_by_service, h, id);
                    } else {
                        drop_id(&mut self.slices_by_service, &h, id);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether objects of `kind` are known (listed from the cluster, or part of the dump), so
    /// that "none found" means none exist.
    pub fn has_kind(&self, kind: Kind) -> bool {
        self.coverage.listed(kind)
    }

    /// Declares kinds listed (an empty list means "none exist", not "unknown").
    pub fn mark_listed(mut self, kinds: &[Kind]) -> Snapshot {
        for k in kinds {
            self.coverage.set(*k, KindState::Listed);
        }
        self
    }

    /// Whether objects of `kind` in namespace `ns` are known (listed everywhere, or in `ns`).
    pub fn has_kind_in(&self, kind: Kind, ns: &str) -> bool {
        self.coverage.listed_in(kind, ns)
    }

    /// Adds the tails of previous container logs, keyed by (namespace, pod, container).
    pub fn with_previous_logs(mut self, logs: HashMap<ContainerKey, Vec<String>>) -> Snapshot {
        self.previous_logs.extend(logs);
        self
    }

    /// The previous log tail of a container, if it was supplied.
    pub fn previous_log(&self, ns: &str, pod: &str, container: &str) -> Option<&[String]> {
        // A new log is counted as a change of its pod.
        self.pods.mark_read_in(ns);
        self.previous_logs
            .get(&(ns.to_string(), pod.to_string(), container.to_string()))
            .map(Vec::as_slice)
    }

    /// Pods of a namespace.
    pub fn pods_in<'a>(&'a self, ns: &'a str) -> impl Iterator<Item = &'a objects::Pod> + 'a {
        self.pods.in_namespace(ns)
    }

    /// Pods of a namespace carrying the label `key=value`.
    pub fn pods_with_label<'s: 'k, 'k>(
        &'s self,
        ns: &'k str,
        key: &'k str,
        value: &'k str,
    ) -> impl Iterator<Item = &'s objects::Pod> + 'k {
        self.pods.mark_read_in(ns);
        self.pods_by_label
            .get(&hash3(ns, key, value))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.pods.by_id_quietly(i))
            .map(Arc::as_ref)
            .filter(move |p| p.metadata.namespace() == ns && p.metadata.label(key) == Some(value))
    }

    /// How many pods carry the label (an upper bound, from the index).
    pub fn label_count(&self, ns: &str, key: &str, value: &str) -> usize {
        self.pods.mark_read_in(ns);
        self.pods_by_label
            .get(&hash3(ns, key, value))
            .map_or(0, Vec::len)
    }

    /// Pods of a namespace matching an equality selector (every `key=value` of `selector`).
    pub fn pods_selected<'a>(
        &'a self,
        ns: &'a str,
        selector: &'a objects::Map,
    ) -> Box<dyn Iterator<Item = &'a objects::Pod> + 'a> {
        let rarest = selector
            .iter()
            .min_by_key(|(k, v)| self.label_count(ns, k, v));
        match rarest {
            None => Box::new(self.pods_in(ns)),
            Some((k, v)) => Box::new(self.pods_with_label(ns, k, v).filter(move |p| {
                p.metadata
                    .labels
                    .as_ref()
                    .is_some_and(|l| selector.is_subset_of(l))
            })),
        }
    }

    /// Pods scheduled on a node (`""`: pods not scheduled yet).
    pub fn pods_on<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a objects::Pod> + 'a {
        let node = node.to_string();
        self.pods_by_node
            .get(node.as_str())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.pods.by_id(i))
            .map(Arc::as_ref)
            .filter(move |p| {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or("")
                    == node
            })
    }

    /// The pods on the host network or with dnsPolicy `None` (those that may resolve names
    /// without the cluster's DNS), ordered by namespace and name.
    pub fn pods_with_own_dns(&self) -> Vec<&objects::Pod> {
        self.pods.mark_read();
        let mut out: Vec<&objects::Pod> = self
            .pods_own_dns
            .iter()
            .filter_map(|&id| self.pods.by_id_quietly(id).map(Arc::as_ref))
            .collect();
        out.sort_by(|a, b| {
            (a.metadata.namespace(), a.metadata.name())
                .cmp(&(b.metadata.namespace(), b.metadata.name()))
        });
        out
    }

    /// Events about an object, newest first.
    pub fn events_for(
        &self,
        kind: &str,
        ns: &str,
        name: &str,
    ) -> std::vec::IntoIter<&objects::Event> {
        self.events.mark_read_in(ns);
        let mut out: Vec<&objects::Event> = self
            .events_by_object
            .get(&hash3(kind, ns, name))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.events.by_id_quietly(i))
            .map(Arc::as_ref)
            .filter(|e| e.object.name == name && e.object.namespace == ns && e.object.kind == kind)
            .collect();
        out.sort_by(|a, b| {
            b.last_seen
                .cmp(&a.last_seen)
                .then_with(|| a.name.cmp(&b.name))
        });
        out.into_iter()
    }

    /// Objects whose controlling owner has this uid, as (kind, key).
    pub fn owned_by(&self, uid: &str) -> Vec<(Kind, ObjKey)> {
        self.owned
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|&(kind, id)| {
                let snap: &Snapshot = self;
                let meta = match kind {
                    Kind::Pod => snap.pods.by_id(id).map(|o| &o.metadata),
                    Kind::ReplicaSet => snap.replicasets.by_id(id).map(|o| &o.metadata),
                    Kind::Job => snap.jobs.by_id(id).map(|o| &o.metadata),
                    Kind::EndpointSlice => snap.endpoint_slices.by_id(id).map(|o| &o.metadata),
                    Kind::Deployment => snap.deployments.by_id(id).map(|o| &o.metadata),
                    Kind::StatefulSet => snap.statefulsets.by_id(id).map(|o| &o.metadata),
                    Kind::DaemonSet => snap.daemonsets.by_id(id).map(|o| &o.metadata),
                    Kind::PersistentVolumeClaim => snap.pvcs.by_id(id).map(|o| &o.metadata),
                    _ => None,
                };
                meta.map(|m| (kind, ObjKey::new(m.namespace(), m.name())))
            })
            .collect()
    }

    /// Pods whose controlling owner has this uid.
    pub fn pods_owned_by<'a>(&'a self, uid: &str) -> Vec<&'a objects::Pod> {
        self.owned
            .get(uid)
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k == Kind::Pod)
            .filter_map(|&(_, id)| self.pods.by_id(id))
            .map(Arc::as_ref)
            .collect()
    }

    /// ReplicaSets whose controlling owner has this uid.
    pub fn replicasets_owned_by<'a>(&'a self, uid: &str) -> Vec<&'a objects::ReplicaSet> {
        self.owned
            .get(uid)
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k == Kind::ReplicaSet)
            .filter_map(|&(_, id)| self.replicasets.by_id(id))
            .map(Arc::as_ref)
            .collect()
    }

    /// EndpointSlices of a Service.
    pub fn slices_of<'a>(&'a self, ns: &str, service: &str) -> Vec<&'a objects::EndpointSlice> {
        self.endpoint_slices.mark_read_in(ns);
        self.slices_by_service
            .get(&hash3(ns, service, ""))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.endpoint_slices.by_id_quietly(i))
            .map(Arc::as_ref)
            .filter(|s| s.metadata.namespace() == ns && s.service_name() == Some(service))
            .collect()
    }

    pub fn node(&self, name: &str) -> Option<&objects::Node> {
        self.nodes.find("", name)
    }

    pub fn configmap(&self, ns: &str, name: &str) -> Option<&objects::ConfigMap> {
        self.configmaps.find(ns, name)
    }

    pub fn secret(&self, ns: &str, name: &str) -> Option<&objects::Secret> {
        self.secrets.find(ns, name)
    }

    pub fn pvc(&self, ns: &str, name: &str) -> Option<&objects::PersistentVolumeClaim> {
        self.pvcs.find(ns, name)
    }

    pub fn replicaset(&self, ns: &str, name: &str) -> Option<&objects::ReplicaSet> {
        self.replicasets.find(ns, name)
    }

    /// Whether any namespaced object of any kind is in namespace `ns`.
    pub fn has_objects_in(&self, ns: &str) -> bool {
        macro_rules! any {
            ($($t:ident),*) => { false $(|| self.$t.in_namespace(ns).next().is_some())* };
        }
        any!(
            pods,
            services,
            endpoints,
            endpoint_slices,
            deployments,
            replicasets,
            statefulsets,
            daemonsets,
            jobs,
            cronjobs,
            events,
            configmaps,
            secrets,
            service_accounts,
            pvcs,
            leases,
            hpas,
            pdbs,
            ingresses,
            network_policies
        )
    }

    /// How many objects of a kind there are.
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Namespace => self.namespaces.len(),
            Kind::Node => self.nodes.len(),
            Kind::Pod => self.pods.len(),
            Kind::Service => self.services.len(),
            Kind::Endpoints => self.endpoints.len(),
            Kind::EndpointSlice => self.endpoint_slices.len(),
            Kind::Deployment => self.deployments.len(),
            Kind::ReplicaSet => self.replicasets.len(),
            Kind::StatefulSet => self.statefulsets.len(),
            Kind::DaemonSet => self.daemonsets.len(),
            Kind::Job => self.jobs.len(),
            Kind::CronJob => self.cronjobs.len(),
            Kind::Event => self.events.len(),
            Kind::ConfigMap => self.configmaps.len(),
            Kind::Secret => self.secrets.len(),
            Kind::ServiceAccount => self.service_accounts.len(),
            Kind::PersistentVolumeClaim => self.pvcs.len(),
            Kind::PersistentVolume => self.pvs.len(),
            Kind::StorageClass => self.storage_classes.len(),
            Kind::Lease => self.leases.len(),
            Kind::HorizontalPodAutoscaler => self.hpas.len(),
            Kind::PodDisruptionBudget => self.pdbs.len(),
            Kind::Ingress => self.ingresses.len(),
            Kind::IngressClass => self.ingress_classes.len(),
            Kind::NetworkPolicy => self.network_policies.len(),
            Kind::ValidatingWebhookConfiguration => self.validating_webhooks.len(),
            Kind::MutatingWebhookConfiguration => self.mutating_webhooks.len(),
            Kind::ApiService => self.api_services.len(),
            Kind::CertificateSigningRequest => self.csrs.len(),
        }
    }
}

#[cfg(test)]
mod tests;
