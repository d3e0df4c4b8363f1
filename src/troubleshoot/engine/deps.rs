//! What a change touches: the objects whose checks must run again when one object changes
//! (the object itself, and what reads it: a pod's owners, the Services and budgets selecting
//! it, the claims it mounts; an event's object; a Service's Ingresses …). Computed from both
//! the old and the new version, so a pod that leaves a Service's selector re-checks it too.
//! Cluster checks run on every pass and need no entry here.

use std::collections::HashSet;

use crate::model::ObjKey;
use crate::objects::{Kind, Map, Object, Pod};
use crate::troubleshoot::Snapshot;
use crate::troubleshoot::registry::SUBJECT_KINDS;

/// An object whose checks run.
pub type Subject = (Kind, ObjKey);

/// Adds the subjects a change from `old` to `new` touches.
pub fn touched(
    snap: &Snapshot,
    old: Option<&Object>,
    new: Option<&Object>,
    out: &mut HashSet<Subject>,
) {
    for obj in old.into_iter().chain(new) {
        let kind = obj.kind();
        let key = obj.key();
        if SUBJECT_KINDS.contains(&kind) {
            out.insert((kind, key.clone()));
        }
        match obj {
            Object::Pod(p) => pod(snap, p, out),
            Object::Event(e) => {
                if let Some(k) = crate::objects::Kind::by_name(&e.object.kind)
                    && SUBJECT_KINDS.contains(&k)
                {
                    out.insert((
                        k,
                        ObjKey::new(e.object.namespace.as_str(), e.object.name.as_str()),
                    ));
                }
            }
            Object::ReplicaSet(r) => {
                owner_chain(snap, &key.namespace, r.metadata.controller(), out);
                autoscalers_of(snap, &key.namespace, "ReplicaSet", &key.name, out);
            }
            Object::Job(j) => {
                owner_chain(snap, &key.namespace, j.metadata.controller(), out);
                // A failed pod is judged by its Job's outcome.
                if let Some(uid) = j.metadata.uid.as_deref() {
                    for p in snap.pods_owned_by(uid) {
                        out.insert((Kind::Pod, pod_key(p)));
                    }
                }
            }
            Object::Ingress(_) => {
                // Whether others of a class have an address tells about its controller.
                for (k, _, _) in snap.ingresses.entries() {
                    out.insert((Kind::Ingress, k.clone()));
                }
            }
            Object::PodDisruptionBudget(_) => {
                // Budgets overlapping on the same pods judge each other.
                for b in snap.pdbs.in_namespace(&key.namespace) {
                    out.insert((
                        Kind::PodDisruptionBudget,
                        ObjKey::new(key.namespace.as_str(), b.metadata.name()),
                    ));
                }
            }
            Object::Deployment(_) | Object::StatefulSet(_) => {
                autoscalers_of(snap, &key.namespace, kind.name(), &key.name, out);
            }
            Object::CronJob(c) => {
                if let Some(uid) = c.metadata.uid.as_deref() {
                    for (k, key) in snap.owned_by(uid) {
                        out.insert((k, key));
                    }
                }
            }
            Object::Service(_) => {
                ingresses_of_service(snap, &key.namespace, &key.name, out);
                if key.namespace == super::super::net_dns::DNS_NS
                    && key.name == super::super::net_dns::DNS_SERVICE
                {
                    all_policies(snap, out);
                }
                for st in snap.statefulsets.in_namespace(&key.namespace) {
                    if st.spec.as_ref().and_then(|s| s.service_name.as_deref())
                        == Some(key.name.as_str())
                    {
                        out.insert((
                            Kind::StatefulSet,
                            ObjKey::new(key.namespace.as_str(), st.metadata.name()),
                        ));
                    }
                }
            }
            Object::Endpoints(_) => {
                out.insert((Kind::Service, key.clone()));
                ingresses_of_service(snap, &key.namespace, &key.name, out);
            }
            Object::EndpointSlice(s) => {
                if let Some(svc) = s.service_name() {
                    out.insert((Kind::Service, ObjKey::new(key.namespace.as_str(), svc)));
                    ingresses_of_service(snap, &key.namespace, svc, out);
                }
            }
            Object::ConfigMap(_) | Object::Secret(_) | Object::ServiceAccount(_) => {
                referrers(snap, kind, &key.namespace, &key.name, out);
            }
            Object::PersistentVolumeClaim(_) => {
                referrers(snap, kind, &key.namespace, &key.name, out);
            }
            Object::PersistentVolume(pv) => {
                if let Some(c) = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
                    out.insert((
                        Kind::PersistentVolumeClaim,
                        ObjKey::new(
                            c.namespace.as_deref().unwrap_or(""),
                            c.name.as_deref().unwrap_or(""),
                        ),
                    ));
                }
            }
            Object::StorageClass(_) => {
                for (k, _, _) in snap.pvcs.entries() {
                    out.insert((Kind::PersistentVolumeClaim, k.clone()));
                }
                for (k, _, _) in snap.statefulsets.entries() {
                    out.insert((Kind::StatefulSet, k.clone()));
                }
            }
            Object::Node(_) => {
                for p in snap.pods_on(&key.name).chain(snap.pods_on("")) {
                    out.insert((Kind::Pod, pod_key(p)));
                }
                for (k, _, _) in snap.daemonsets.entries() {
                    out.insert((Kind::DaemonSet, k.clone()));
                }
            }
            Object::NetworkPolicy(_) => {
                // A policy decides who reaches the Services of its namespace; kube-system's
                // policies (on CoreDNS) decide every egress policy's DNS verdict.
                for svc in snap.services.in_namespace(&key.namespace) {
                    out.insert((
                        Kind::Service,
                        ObjKey::new(key.namespace.as_str(), svc.metadata.name()),
                    ));
                }
                if key.namespace == super::super::net_dns::DNS_NS {
                    all_policies(snap, out);
                }
            }
            Object::IngressClass(_) => {
                for (k, _, _) in snap.ingresses.entries() {
                    out.insert((Kind::Ingress, k.clone()));
                }
            }
            _ => {}
        }
    }
}

fn pod_key(p: &Pod) -> ObjKey {
    ObjKey::new(p.metadata.namespace(), p.metadata.name())
}

fn pod(snap: &Snapshot, p: &Pod, out: &mut HashSet<Subject>) {
    let ns = p.metadata.namespace();
    // The node checks read the pods on the node (requests, evictions, network agents).
    if let Some(node) = p
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
    {
        out.insert((Kind::Node, ObjKey::new("", node)));
    }
    owner_chain(snap, ns, p.metadata.controller(), out);
    // Evictions of one workload's pods are judged together (recurring ones are errors).
    let evicted = |p: &Pod| p.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted");
    if evicted(p)
        && let Some(owner) = p.metadata.controller()
    {
        for sibling in snap
            .pods_owned_by(&owner.uid)
            .into_iter()
            .filter(|s| evicted(s))
        {
            out.insert((Kind::Pod, pod_key(sibling)));
        }
    }
    let labels = p.metadata.labels.as_deref();
    for s in snap.services.in_namespace(ns) {
        let selects = s
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|sel| !sel.is_empty() && labels.is_some_and(|l| sel.is_subset_of(l)));
        if selects {
            out.insert((Kind::Service, ObjKey::new(ns, s.metadata.name())));
        }
    }
    for b in snap.pdbs.in_namespace(ns) {
        if b.spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|sel| sel.matches(labels))
        {
            out.insert((
                Kind::PodDisruptionBudget,
                ObjKey::new(ns, b.metadata.name()),
            ));
        }
    }
    for v in p.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        if let Some(c) = &v.persistent_volume_claim {
            out.insert((
                Kind::PersistentVolumeClaim,
                ObjKey::new(ns, c.claim_name.as_str()),
            ));
        }
    }
    // The CoreDNS pods are every egress policy's DNS target.
    if ns == super::super::net_dns::DNS_NS
        && p.metadata.label(super::super::net_dns::DNS_LABEL.0)
            == Some(super::super::net_dns::DNS_LABEL.1)
    {
        all_policies(snap, out);
    }
    // A pod is a client of its namespace's Services (reachability under policies).
    if snap.network_policies.in_namespace(ns).next().is_some() {
        for s in snap.services.in_namespace(ns) {
            out.insert((Kind::Service, ObjKey::new(ns, s.metadata.name())));
        }
    }
    for np in snap.network_policies.in_namespace(ns) {
        out.insert((
            Kind::NetworkPolicy,
            ObjKey::new(ns, np.metadata.name.as_deref().unwrap_or("")),
        ));
    }
}

fn all_policies(snap: &Snapshot, out: &mut HashSet<Subject>) {
    for (k, _, _) in snap.network_policies.entries() {
        out.insert((Kind::NetworkPolicy, k.clone()));
    }
}

/// The owner and its owner, up to the top controller (a pod's ReplicaSet and Deployment, a
/// Job and its CronJob), and the autoscalers pointing at them.
fn owner_chain(
    snap: &Snapshot,
    ns: &str,
    owner: Option<&crate::objects::OwnerReference>,
    out: &mut HashSet<Subject>,
) {
    let mut next = owner.cloned();
    for _ in 0..4 {
        let Some(o) = next.take() else { return };
        let Some(kind) = Kind::by_name(&o.kind) else {
            return;
        };
        let key = ObjKey::new(ns, o.name.as_str());
        out.insert((kind, key.clone()));
        autoscalers_of(snap, ns, kind.name(), &o.name, out);
        next = match kind {
            Kind::ReplicaSet => snap
                .replicasets
                .get(&key)
                .and_then(|r| r.metadata.controller().cloned()),
            Kind::Job => snap
                .jobs
                .get(&key)
                .and_then(|j| j.metadata.controller().cloned()),
            _ => None,
        };
    }
}

fn autoscalers_of(snap: &Snapshot, ns: &str, kind: &str, name: &str, out: &mut HashSet<Subject>) {
    for h in snap.hpas.in_namespace(ns) {
        if h.spec.scale_target_ref.kind == kind && h.spec.scale_target_ref.name == name {
            out.insert((
                Kind::HorizontalPodAutoscaler,
                ObjKey::new(ns, h.metadata.name()),
            ));
        }
    }
}

fn ingresses_of_service(snap: &Snapshot, ns: &str, name: &str, out: &mut HashSet<Subject>) {
    for i in snap.ingresses.in_namespace(ns) {
        let uses = i
            .backends()
            .any(|b| b.service.as_ref().is_some_and(|s| s.name == name));
        if uses {
            out.insert((Kind::Ingress, ObjKey::new(ns, i.metadata.name())));
        }
    }
}

/// Pods, workloads and Ingresses of the namespace that reference a ConfigMap, Secret,
/// ServiceAccount or claim of this name.
fn referrers(snap: &Snapshot, kind: Kind, ns: &str, name: &str, out: &mut HashSet<Subject>) {
    // Whether a namespace's ConfigMaps and ServiceAccounts are known at all depends on it
    // holding one (see `references::known_in`): when the first arrives or the last leaves,
    // every reference of the namespace is judged anew.
    let first_or_last = match kind {
        Kind::ConfigMap => snap.configmaps.in_namespace(ns).nth(1).is_none(),
        Kind::ServiceAccount => snap.service_accounts.in_namespace(ns).nth(1).is_none(),
        _ => false,
    };
    let refers = |spec: Option<&crate::objects::PodSpec>| {
        spec.is_some_and(|s| first_or_last || references(s, kind, name))
    };
    for p in snap.pods_in(ns) {
        if refers(p.spec.as_ref()) {
            out.insert((Kind::Pod, pod_key(p)));
        }
    }
    for d in snap.deployments.in_namespace(ns) {
        if refers(d.spec.as_ref().and_then(|s| s.template.spec.as_ref())) {
            out.insert((Kind::Deployment, ObjKey::new(ns, d.metadata.name())));
        }
    }
    for s in snap.statefulsets.in_namespace(ns) {
        if refers(s.spec.as_ref().and_then(|s| s.template.spec.as_ref())) {
            out.insert((Kind::StatefulSet, ObjKey::new(ns, s.metadata.name())));
        }
    }
    for d in snap.daemonsets.in_namespace(ns) {
        if refers(d.spec.as_ref().and_then(|s| s.template.spec.as_ref())) {
            out.insert((Kind::DaemonSet, ObjKey::new(ns, d.metadata.name())));
        }
    }
    for r in snap.replicasets.in_namespace(ns) {
        if refers(
            r.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .and_then(|t| t.spec.as_ref()),
        ) {
            out.insert((Kind::ReplicaSet, ObjKey::new(ns, r.metadata.name())));
        }
    }
    for j in snap.jobs.in_namespace(ns) {
        if refers(j.spec.as_ref().and_then(|s| s.template.spec.as_ref())) {
            out.insert((Kind::Job, ObjKey::new(ns, j.metadata.name())));
        }
    }
    for c in snap.cronjobs.in_namespace(ns) {
        let template = c
            .spec
            .as_ref()
            .and_then(|s| s.job_template.spec.as_ref())
            .and_then(|j| j.template.spec.as_ref());
        if refers(template) {
            out.insert((Kind::CronJob, ObjKey::new(ns, c.metadata.name())));
        }
    }
    if kind == Kind::Secret {
        for i in snap.ingresses.in_namespace(ns) {
            let uses = i
                .spec
                .as_ref()
                .and_then(|s| s.tls.as_ref())
                .into_iter()
                .flatten()
                .any(|t| t.secret_name.as_deref() == Some(name));
            if uses {
                out.insert((Kind::Ingress, ObjKey::new(ns, i.metadata.name())));
            }
        }
    }
}

/// Whether a pod spec references an object of `kind` named `name`.
pub fn references(spec: &crate::objects::PodSpec, kind: Kind, name: &str) -> bool {
    match kind {
        Kind::ServiceAccount => spec.service_account() == name,
        Kind::PersistentVolumeClaim => spec.volumes.iter().flatten().any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == name)
        }),
        Kind::ConfigMap => {
            spec.all_containers().any(|c| {
                c.env.iter().flatten().any(|e| {
                    e.value_from
                        .as_ref()
                        .and_then(|f| f.config_map_key_ref.as_ref())
                        .is_some_and(|r| r.name == name)
                }) || c
                    .env_from
                    .iter()
                    .flatten()
                    .any(|e| e.config_map_ref.as_ref().is_some_and(|r| r.name == name))
            }) || spec.volumes.iter().flatten().any(|v| {
                v.config_map.as_ref().is_some_and(|c| c.name == name)
                    || v.projected
                        .iter()
                        .flat_map(|p| p.sources.iter().flatten())
                        .any(|s| s.config_map.as_ref().is_some_and(|c| c.name == name))
            })
        }
        Kind::Secret => {
            spec.all_containers().any(|c| {
                c.env.iter().flatten().any(|e| {
                    e.value_from
                        .as_ref()
                        .and_then(|f| f.secret_key_ref.as_ref())
                        .is_some_and(|r| r.name == name)
                }) || c
                    .env_from
                    .iter()
                    .flatten()
                    .any(|e| e.secret_ref.as_ref().is_some_and(|r| r.name == name))
            }) || spec.volumes.iter().flatten().any(|v| {
                v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) == Some(name)
                    || v.projected
                        .iter()
                        .flat_map(|p| p.sources.iter().flatten())
                        .any(|s| s.secret.as_ref().is_some_and(|c| c.name == name))
            }) || spec
                .image_pull_secrets
                .iter()
                .flatten()
                .any(|r| r.name == name)
        }
        _ => false,
    }
}

/// Whether a selector map is set and selects the labels (used by Service checks).
pub fn selects(selector: Option<&Map>, labels: Option<&Map>) -> bool {
    selector.is_some_and(|s| !s.is_empty() && labels.is_some_and(|l| s.is_subset_of(l)))
}
