//! The owner/reference tree of an object: a workload with what it owns down to each pod's
//! containers, and beside each pod the ConfigMaps, Secrets, PVCs, ServiceAccount and Services
//! it uses; a Service, Node or Namespace with its pods (a Namespace: its top-level workloads,
//! bare pods and Services). Each node carries a short status and a health, computed from the
//! cached objects; the UI colours it, and adds the engine's findings about the same object.

use std::collections::BTreeSet;

use crate::model::{Health, ObjKey};
use crate::objects::{ContainerStatus, Kind, Pod};
use crate::troubleshoot::Snapshot;
use crate::troubleshoot::container::{current_terminated, waiting_reason};
use crate::troubleshoot::workload_pods::{is_ready, pod_state};

use super::meta_of;

/// One object (or container) in the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeNode {
    /// `kind:` name; "Container" for a pod's container (its key is the pod's, see `container`).
    pub kind: String,
    pub key: ObjKey,
    /// The container's name, for a container node.
    pub container: Option<String>,
    /// How the object relates to its parent ("uses", "selects"), empty for ownership.
    pub relation: &'static str,
    /// A few words about its state ("2/3 ready", "CrashLoopBackOff", "missing").
    pub status: String,
    pub health: Health,
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    fn new(kind: &str, key: ObjKey, status: String, health: Health) -> Self {
        TreeNode {
            kind: kind.to_string(),
            key,
            container: None,
            relation: "",
            status,
            health,
            children: Vec::new(),
        }
    }

    /// Every node, depth first, with its depth.
    pub fn walk(&self) -> Vec<(usize, &TreeNode)> {
        let mut out = Vec::new();
        fn go<'a>(n: &'a TreeNode, depth: usize, out: &mut Vec<(usize, &'a TreeNode)>) {
            out.push((depth, n));
            for c in &n.children {
                go(c, depth + 1, out);
            }
        }
        go(self, 0, &mut out);
        out
    }
}

/// The tree of one object.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectTree {
    pub root: TreeNode,
}

/// Kinds that have a tree.
const TREES: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Node",
    "Namespace",
    "Pod",
    "PersistentVolumeClaim",
];

/// Whether objects of `kind` (a `kind:` name) have a tree.
pub fn has_tree(kind: &str) -> bool {
    TREES.contains(&kind)
}

/// How deep ownership is followed.
const MAX_DEPTH: usize = 4;

/// The tree of `kind`/`key`; `None` when the object is not cached.
pub fn tree(snap: &Snapshot, kind: &str, key: &ObjKey) -> Option<ObjectTree> {
    let kind = Kind::by_name(kind).filter(|k| has_tree(k.name()))?;
    let root = match kind {
        Kind::Pod => pod_node(snap, snap.pods.find(&key.namespace, &key.name)?),
        Kind::Service => {
            let mut node = object_node(snap, Kind::Service, key)?;
            let members = super::members(snap, "Service", key).unwrap_or_default();
            node.children = pod_nodes(snap, &members.keys, "selects");
            node
        }
        Kind::Node => {
            let mut node = object_node(snap, Kind::Node, key)?;
            let members = super::members(snap, "Node", key).unwrap_or_default();
            node.children = pod_nodes(snap, &members.keys, "runs");
            node
        }
        Kind::PersistentVolumeClaim => {
            let mut node = object_node(snap, kind, key)?;
            let members = super::members(snap, "PersistentVolumeClaim", key).unwrap_or_default();
            node.children = pod_nodes(snap, &members.keys, "used by");
            node
        }
        Kind::Namespace => namespace_node(snap, key)?,
        owner => owned_node(snap, owner, key, 0)?,
    };
    Some(ObjectTree { root })
}

fn pod_nodes(snap: &Snapshot, keys: &[ObjKey], relation: &'static str) -> Vec<TreeNode> {
    keys.iter()
        .filter_map(|k| snap.pods.find(&k.namespace, &k.name))
        .map(|p| {
            let mut node = pod_node(snap, p);
            node.relation = relation;
            node
        })
        .collect()
}

/// A Namespace: its workloads that no other object owns, its bare pods, and its Services.
fn namespace_node(snap: &Snapshot, key: &ObjKey) -> Option<TreeNode> {
    let ns = key.name.as_str();
    let mut node = object_node(snap, Kind::Namespace, key)?;
    let top = |meta: &crate::objects::ObjectMeta| meta.controller().is_none();
    let mut keys: Vec<(Kind, ObjKey)> = Vec::new();
    macro_rules! tops {
        ($table:ident, $kind:expr) => {
            for o in snap.$table.in_namespace(ns).filter(|o| top(&o.metadata)) {
                keys.push(($kind, ObjKey::new(ns, o.metadata.name())));
            }
        };
    }
    tops!(deployments, Kind::Deployment);
    tops!(statefulsets, Kind::StatefulSet);
    tops!(daemonsets, Kind::DaemonSet);
    tops!(cronjobs, Kind::CronJob);
    tops!(jobs, Kind::Job);
    tops!(replicasets, Kind::ReplicaSet);
    for (kind, k) in keys {
        if let Some(child) = owned_node(snap, kind, &k, 1) {
            node.children.push(child);
        }
    }
    let bare: Vec<ObjKey> = snap
        .pods_in(ns)
        .filter(|p| p.metadata.controller().is_none())
        .map(|p| ObjKey::new(ns, p.metadata.name()))
        .collect();
    node.children.extend(pod_nodes(snap, &bare, ""));
    for svc in snap.services.in_namespace(ns) {
        if let Some(mut child) =
            object_node(snap, Kind::Service, &ObjKey::new(ns, svc.metadata.name()))
        {
            child.relation = "has";
            node.children.push(child);
        }
    }
    Some(node)
}

/// A controller and what it owns, recursively (pods get their containers and references).
fn owned_node(snap: &Snapshot, kind: Kind, key: &ObjKey, depth: usize) -> Option<TreeNode> {
    if kind == Kind::Pod {
        return snap
            .pods
            .find(&key.namespace, &key.name)
            .map(|p| pod_node(snap, p));
    }
    let mut node = object_node(snap, kind, key)?;
    if depth >= MAX_DEPTH {
        return Some(node);
    }
    let uid = meta_of(snap, kind, key).and_then(|m| m.uid.as_deref());
    let mut owned = uid.map(|u| snap.owned_by(u)).unwrap_or_default();
    // Newest ReplicaSet/Job first, as `kubectl describe` names the new one first; pods by name.
    owned.sort_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| created(snap, *kb, b).cmp(&created(snap, *ka, a)))
            .then_with(|| a.cmp(b))
    });
    for (child_kind, child) in owned {
        if matches!(child_kind, Kind::EndpointSlice) {
            continue;
        }
        if let Some(c) = owned_node(snap, child_kind, &child, depth + 1) {
            node.children.push(c);
        }
    }
    Some(node)
}

fn created(snap: &Snapshot, kind: Kind, key: &ObjKey) -> i64 {
    meta_of(snap, kind, key)
        .and_then(|m| m.creation_timestamp)
        .map_or(0, |t| t.as_second())
}

/// A cached object's node with its status, without children.
fn object_node(snap: &Snapshot, kind: Kind, key: &ObjKey) -> Option<TreeNode> {
    let (ns, name) = (key.namespace.as_str(), key.name.as_str());
    let ratio = |ready: i32, want: i32| {
        let health = if ready >= want {
            Health::Ok
        } else if ready == 0 {
            Health::Error
        } else {
            Health::Warning
        };
        (format!("{ready}/{want} ready"), health)
    };
    let (status, health) = match kind {
        Kind::Deployment => {
            let d = snap.deployments.find(ns, name)?;
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0);
            ratio(ready, want)
        }
        Kind::ReplicaSet => {
            let r = snap.replicasets.find(ns, name)?;
            let want = r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = r
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0);
            if want == 0 && ready == 0 {
                ("scaled down (old revision)".to_string(), Health::Done)
            } else {
                ratio(ready, want)
            }
        }
        Kind::StatefulSet => {
            let s = snap.statefulsets.find(ns, name)?;
            let want = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = s
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0);
            ratio(ready, want)
        }
        Kind::DaemonSet => {
            let d = snap.daemonsets.find(ns, name)?;
            let status = d.status.clone().unwrap_or_default();
            ratio(status.number_ready, status.desired_number_scheduled)
        }
        Kind::Job => {
            let j = snap.jobs.find(ns, name)?;
            let status = j.status.clone().unwrap_or_default();
            let conditions = status.conditions.as_ref();
            let is =
                |t: &str| crate::objects::condition(conditions, t).is_some_and(|c| c.is_true());
            let done = status.succeeded.unwrap_or(0);
            let want = j.spec.as_ref().and_then(|s| s.completions).unwrap_or(1);
            if is("Failed") {
                (format!("failed ({done}/{want} succeeded)"), Health::Error)
            } else if is("Complete") {
                (format!("complete ({done}/{want})"), Health::Done)
            } else {
                (
                    format!(
                        "running ({done}/{want} succeeded, {} active)",
                        status.active.unwrap_or(0)
                    ),
                    Health::Progressing,
                )
            }
        }
        Kind::CronJob => {
            let c = snap.cronjobs.find(ns, name)?;
            let suspended = c.spec.as_ref().and_then(|s| s.suspend).unwrap_or(false);
            let schedule = c
                .spec
                .as_ref()
                .map(|s| s.schedule.to_string())
                .unwrap_or_default();
            if suspended {
                (format!("suspended ({schedule})"), Health::Warning)
            } else {
                (format!("schedule {schedule}"), Health::Ok)
            }
        }
        Kind::Service => {
            let s = snap.services.find(ns, name)?;
            let type_ = s
                .spec
                .as_ref()
                .and_then(|s| s.type_.as_deref())
                .unwrap_or("ClusterIP");
            (type_.to_string(), Health::Ok)
        }
        Kind::Node => {
            let n = snap.nodes.find("", name)?;
            let ready = crate::objects::condition(
                n.status.as_ref().and_then(|s| s.conditions.as_ref()),
                "Ready",
            );
            match ready {
                Some(c) if c.is_true() => ("Ready".to_string(), Health::Ok),
                Some(c) if c.status == "False" => ("NotReady".to_string(), Health::Error),
                _ => ("Ready Unknown".to_string(), Health::Warning),
            }
        }
        Kind::Namespace => {
            let n = snap.namespaces.find("", name)?;
            let phase = n
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .unwrap_or("Active");
            let health = if phase == "Active" {
                Health::Ok
            } else {
                Health::Progressing
            };
            (phase.to_string(), health)
        }
        Kind::PersistentVolumeClaim => {
            let c = snap.pvcs.find(ns, name)?;
            let phase = c
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .unwrap_or("Pending");
            let health = match phase {
                "Bound" => Health::Ok,
                "Lost" => Health::Error,
                _ => Health::Warning,
            };
            (phase.to_string(), health)
        }
        Kind::ConfigMap | Kind::Secret | Kind::ServiceAccount => {
            meta_of(snap, kind, key)?;
            ("present".to_string(), Health::Ok)
        }
        _ => return None,
    };
    Some(TreeNode::new(kind.name(), key.clone(), status, health))
}

/// A pod: its containers, then what it uses and the Services that select it.
fn pod_node(snap: &Snapshot, pod: &Pod) -> TreeNode {
    let ns = pod.metadata.namespace();
    let key = ObjKey::new(ns, pod.metadata.name());
    let (status, health) = pod_health(pod);
    let mut node = TreeNode::new("Pod", key.clone(), status, health);
    for c in containers(pod) {
        node.children.push(c);
    }
    for (kind, name) in references(pod) {
        node.children
            .push(reference_node(snap, kind, ObjKey::new(ns, name)));
    }
    if let Some(labels) = pod.metadata.labels.as_deref() {
        for svc in snap.services.in_namespace(ns) {
            let selects = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .is_some_and(|sel| {
                    !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v))
                });
            if selects
                && let Some(mut child) =
                    object_node(snap, Kind::Service, &ObjKey::new(ns, svc.metadata.name()))
            {
                child.relation = "selected by";
                node.children.push(child);
            }
        }
    }
    node
}

/// A referenced object: present, missing (its kind is listed and it is not there), or unknown.
fn reference_node(snap: &Snapshot, kind: Kind, key: ObjKey) -> TreeNode {
    let mut node = object_node(snap, kind, &key).unwrap_or_else(|| {
        if snap.has_kind_in(kind, &key.namespace) {
            TreeNode::new(
                kind.name(),
                key.clone(),
                "missing (not found)".into(),
                Health::Error,
            )
        } else {
            TreeNode::new(
                kind.name(),
                key.clone(),
                "unknown (not listed)".into(),
                Health::Warning,
            )
        }
    });
    node.relation = "uses";
    node
}

/// What a pod's spec refers to by name, in a stable order, each once.
fn references(pod: &Pod) -> Vec<(Kind, String)> {
    let mut out: BTreeSet<(Kind, String)> = BTreeSet::new();
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let sa = spec
        .service_account_name
        .as_deref()
        .or(spec.service_account.as_deref())
        .filter(|s| !s.is_empty())
        .unwrap_or("default");
    out.insert((Kind::ServiceAccount, sa.to_string()));
    for v in spec.volumes.as_deref().into_iter().flatten() {
        if let Some(cm) = &v.config_map {
            out.insert((Kind::ConfigMap, cm.name.to_string()));
        }
        if let Some(name) = v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) {
            out.insert((Kind::Secret, name.to_string()));
        }
        if let Some(c) = &v.persistent_volume_claim {
            out.insert((Kind::PersistentVolumeClaim, c.claim_name.to_string()));
        }
        if v.ephemeral.is_some() {
            out.insert((
                Kind::PersistentVolumeClaim,
                format!("{}-{}", pod.metadata.name(), v.name),
            ));
        }
        for p in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(cm) = &p.config_map {
                out.insert((Kind::ConfigMap, cm.name.to_string()));
            }
            if let Some(s) = &p.secret {
                out.insert((Kind::Secret, s.name.to_string()));
            }
        }
    }
    let all = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flat_map(|c| c.iter()));
    for c in all {
        for e in c.env.iter().flatten() {
            let from = e.value_from.as_ref();
            if let Some(r) = from.and_then(|f| f.config_map_key_ref.as_ref()) {
                out.insert((Kind::ConfigMap, r.name.to_string()));
            }
            if let Some(r) = from.and_then(|f| f.secret_key_ref.as_ref()) {
                out.insert((Kind::Secret, r.name.to_string()));
            }
        }
        for e in c.env_from.iter().flatten() {
            if let Some(r) = &e.config_map_ref {
                out.insert((Kind::ConfigMap, r.name.to_string()));
            }
            if let Some(r) = &e.secret_ref {
                out.insert((Kind::Secret, r.name.to_string()));
            }
        }
    }
    for s in spec.image_pull_secrets.iter().flatten() {
        out.insert((Kind::Secret, s.name.to_string()));
    }
    out.retain(|(_, name)| !name.is_empty());
    out.into_iter().collect()
}

/// A pod's state in a few words, and its health.
fn pod_health(pod: &Pod) -> (String, Health) {
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown");
    if pod.metadata.deletion_timestamp.is_some() {
        return ("Terminating".into(), Health::Progressing);
    }
    match phase {
        "Succeeded" => return ("Completed".into(), Health::Done),
        "Running" if is_ready(pod) => return ("Running".into(), Health::Ok),
        _ => {}
    }
    let state = pod_state(pod);
    let bad = phase == "Failed"
        || crate::troubleshoot::container::statuses(pod)
            .any(|(_, c)| container_health(c).1 == Health::Error);
    let health = if bad {
        Health::Error
    } else if phase == "Pending" {
        Health::Progressing
    } else {
        Health::Warning
    };
    (state, health)
}

/// The containers of a pod (init containers first), from their statuses, else from the spec.
fn containers(pod: &Pod) -> Vec<TreeNode> {
    let key = ObjKey::new(pod.metadata.namespace(), pod.metadata.name());
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (role, c) in crate::troubleshoot::container::statuses(pod) {
        seen.insert(c.name.to_string());
        let (status, health) = container_health(c);
        let prefix = match role {
            crate::troubleshoot::container::Role::Init => "init, ",
            crate::troubleshoot::container::Role::Main => "",
        };
        let mut node = TreeNode::new(
            "Container",
            key.clone(),
            format!("{prefix}{status}"),
            health,
        );
        node.container = Some(c.name.to_string());
        out.push(node);
    }
    if let Some(spec) = pod.spec.as_ref() {
        for c in spec
            .containers
            .iter()
            .filter(|c| !seen.contains(c.name.as_ref() as &str))
        {
            let mut node = TreeNode::new(
                "Container",
                key.clone(),
                "no status yet".into(),
                Health::Progressing,
            );
            node.container = Some(c.name.to_string());
            out.push(node);
        }
    }
    out
}

fn container_health(c: &ContainerStatus) -> (String, Health) {
    let restarts = if c.restart_count > 0 {
        format!(", {} restarts", c.restart_count)
    } else {
        String::new()
    };
    if let Some(reason) = waiting_reason(c) {
        let health = match reason {
            "ContainerCreating" | "PodInitializing" => Health::Progressing,
            _ => Health::Error,
        };
        return (format!("{reason}{restarts}"), health);
    }
    if let Some(t) = current_terminated(c) {
        let reason = t.reason.as_deref().unwrap_or("Terminated");
        return if t.exit_code == 0 {
            (format!("{reason} (exit 0)"), Health::Done)
        } else {
            (
                format!("{reason} (exit {}){restarts}", t.exit_code),
                Health::Error,
            )
        };
    }
    if c.ready {
        (format!("running, ready{restarts}"), Health::Ok)
    } else {
        (format!("running, not ready{restarts}"), Health::Warning)
    }
}
