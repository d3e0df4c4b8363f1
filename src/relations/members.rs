//! Drill-down: the objects listed when the user opens a row. Workloads list the pods they own
//! (through every level of ownership: Deployment → ReplicaSet → Pod, CronJob → Job → Pod),
//! a Service the pods its selector picks, a Node the pods bound to it, a Namespace its pods,
//! a PersistentVolumeClaim the pods that mount it (as `kubectl describe pvc` "Used By").

use crate::model::ObjKey;
use crate::objects::{Kind, Pod};
use crate::troubleshoot::Snapshot;

use super::meta_of;

/// Kinds whose rows drill down, by `kind:` name.
const DRILLS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Node",
    "Namespace",
    "PersistentVolumeClaim",
];

/// Whether rows of `kind` (a `kind:` name) drill down.
pub fn drills(kind: &str) -> bool {
    DRILLS.contains(&kind)
}

/// How deep ownership is followed (CronJob → Job → Pod is two levels; one more for safety).
const MAX_DEPTH: usize = 3;

/// The pods `kind`/`key` stands for, sorted; `None` when the object is not cached.
pub fn members(snap: &Snapshot, kind: &str, key: &ObjKey) -> Option<super::Members> {
    let kind = Kind::by_name(kind).filter(|k| drills(k.name()))?;
    let mut note = None;
    let mut keys: Vec<ObjKey> = match kind {
        Kind::Namespace => {
            snap.namespaces.find("", &key.name)?;
            pod_keys(snap.pods_in(&key.name))
        }
        Kind::Node => {
            snap.nodes.find("", &key.name)?;
            pod_keys(snap.pods_on(&key.name))
        }
        Kind::Service => {
            let svc = snap.services.find(&key.namespace, &key.name)?;
            match svc.spec.as_ref().and_then(|s| s.selector.as_ref()) {
                Some(selector) if !selector.is_empty() => {
                    pod_keys(snap.pods_selected(&key.namespace, selector))
                }
                _ => {
                    note = Some(
                        "this Service has no selector: its endpoints are managed by hand".into(),
                    );
                    Vec::new()
                }
            }
        }
        Kind::PersistentVolumeClaim => {
            snap.pvcs.find(&key.namespace, &key.name)?;
            pod_keys(
                snap.pods_in(&key.namespace)
                    .filter(|p| mounts_claim(p, &key.name)),
            )
        }
        owner => owned_pods(snap, owner, key)?,
    };
    let listed = if key.namespace.is_empty() && kind != Kind::Namespace {
        snap.has_kind(Kind::Pod)
    } else {
        let ns = if kind == Kind::Namespace {
            &key.name
        } else {
            &key.namespace
        };
        snap.has_kind_in(Kind::Pod, ns)
    };
    if !listed {
        note = Some(
            "not every pod it may have is listed (another namespace is selected, the list was \
             refused, or it is still loading): the list may be incomplete"
                .into(),
        );
    }
    keys.sort();
    keys.dedup();
    Some(super::Members {
        kind: "Pod".into(),
        keys,
        note,
    })
}

fn pod_keys<'a>(pods: impl Iterator<Item = &'a Pod>) -> Vec<ObjKey> {
    pods.map(|p| ObjKey::new(p.metadata.namespace(), p.metadata.name()))
        .collect()
}

/// Pods owned by the object, following owner references down through controllers.
fn owned_pods(snap: &Snapshot, kind: Kind, key: &ObjKey) -> Option<Vec<ObjKey>> {
    let meta = meta_of(snap, kind, key)?;
    let mut out = Vec::new();
    let mut owners: Vec<String> = meta
        .uid
        .as_deref()
        .map(str::to_string)
        .into_iter()
        .collect();
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for uid in &owners {
            for (kind, child) in snap.owned_by(uid) {
                if kind == Kind::Pod {
                    out.push(child);
                } else if let Some(uid) = meta_of(snap, kind, &child).and_then(|m| m.uid.as_deref())
                {
                    next.push(uid.to_string());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        owners = next;
    }
    Some(out)
}

/// Whether the pod mounts the claim: by a `persistentVolumeClaim` volume, or a generic
/// ephemeral volume (whose claim is named `<pod>-<volume>`).
pub(crate) fn mounts_claim(pod: &Pod, claim: &str) -> bool {
    let pod_name = pod.metadata.name();
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .into_iter()
        .flatten()
        .any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == claim)
                || (v.ephemeral.is_some() && format!("{pod_name}-{}", v.name) == claim)
        })
}
