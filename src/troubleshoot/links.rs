//! Root-cause links between findings: fills `caused_by` on symptoms.
//!
//! Rules: a Service without ready endpoints is caused by the failing pods it selects; a
//! Deployment that is unavailable or stuck by its pods' failures and its ReplicaSets' refused
//! creations; a failed Job by its pods' failures; a pod that cannot be scheduled by NotReady
//! nodes when those are the only ones it could run on, or by its unbound claims; a pod stuck
//! Terminating by its node. A pod without findings of its own that sits on a NotReady node
//! stands for that node in the Service and workload rules. The rules of the other workload
//! kinds, storage, autoscalers and webhooks are in `links_app`.

use std::collections::HashMap;

use crate::objects::{Node, Pod, Service};

use super::Ctx;
use super::node::{is_cordoned, is_ready};
use super::service::selected_pods;
use crate::findings::{CauseRef, Finding, ObjectRef};

pub(super) type Key = (String, String, String);

pub(super) fn key(o: &ObjectRef) -> Key {
    (o.kind.clone(), o.namespace.clone(), o.name.clone())
}

pub(super) fn key_of(kind: &str, ns: &str, name: &str) -> Key {
    (kind.to_string(), ns.to_string(), name.to_string())
}

/// Root-cause candidates: the findings about an object that fail the check.
pub(super) fn causes_of(
    index: &HashMap<Key, Vec<usize>>,
    findings: &[Finding],
    k: &Key,
) -> Vec<CauseRef> {
    index
        .get(k)
        .into_iter()
        .flatten()
        .filter_map(|&i| findings.get(i))
        .filter(|f| f.severity.fails_check())
        .map(|f| CauseRef {
            check: f.check.clone(),
            object: f.object.clone(),
        })
        .collect()
}

/// A pod or ReplicaSet owned by something: its name, and the node of a pod ("" otherwise).
pub(super) type Child<'a> = (&'a str, &'a str);

/// The failing findings of a pod, or else those of its node (a pod on a NotReady node is not
/// served although nothing is wrong with the pod itself).
pub(super) fn pod_causes(
    index: &HashMap<Key, Vec<usize>>,
    findings: &[Finding],
    ns: &str,
    (pod, node): Child,
) -> Vec<CauseRef> {
    let own = causes_of(index, findings, &key_of("Pod", ns, pod));
    if own.is_empty() && !node.is_empty() {
        causes_of(index, findings, &key_of("Node", "", node))
    } else {
        own
    }
}

/// Children of an owner: its pods and ReplicaSets, found through the snapshot's index of
/// controlling owners (by uid). An owner without a uid (a hand-written dump) falls back to
/// matching owner references by kind and name over every pod and ReplicaSet, built once.
struct Owners<'a> {
    ctx: &'a Ctx<'a>,
    by_name: std::cell::OnceCell<ByName<'a>>,
}

/// Children by (namespace, owner kind, owner name).
type ByName<'a> = HashMap<(&'a str, &'a str, &'a str), Vec<Child<'a>>>;

impl<'a> Owners<'a> {
    fn new(ctx: &'a Ctx<'a>) -> Owners<'a> {
        Owners {
            ctx,
            by_name: std::cell::OnceCell::new(),
        }
    }

    fn children(&self, ns: &str, kind: &str, name: &str) -> Vec<Child<'a>> {
        let snap = self.ctx.snap;
        let uid = match kind {
            "Deployment" => snap.deployments.find(ns, name).map(|d| &d.metadata),
            "ReplicaSet" => snap.replicasets.find(ns, name).map(|r| &r.metadata),
            "Job" => snap.jobs.find(ns, name).map(|j| &j.metadata),
            _ => None,
        }
        .and_then(|m| m.uid.as_deref())
        .filter(|u| !u.is_empty());
        let Some(uid) = uid else {
            return self
                .by_name()
                .get(&(ns, kind, name))
                .cloned()
                .unwrap_or_default();
        };
        let pods = snap.pods_owned_by(uid).into_iter().map(|p| {
            let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
            (p.metadata.name.as_deref().unwrap_or(""), node.unwrap_or(""))
        });
        let rss = snap
            .replicasets_owned_by(uid)
            .into_iter()
            .map(|r| (r.metadata.name.as_deref().unwrap_or(""), ""));
        pods.chain(rss).collect()
    }

    fn by_name(&self) -> &ByName<'a> {
        self.by_name.get_or_init(|| {
            let snap = self.ctx.snap;
            let mut children: ByName = HashMap::new();
            let pods = snap.pods.iter().map(|p| {
                let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
                (&p.metadata, node.unwrap_or(""))
            });
            let rss = snap.replicasets.iter().map(|r| (&r.metadata, ""));
            for (meta, node) in pods.chain(rss) {
                let ns = meta.namespace.as_deref().unwrap_or("");
                let name = meta.name.as_deref().unwrap_or("");
                for o in meta.owner_references.iter().flatten() {
                    children
                        .entry((ns, o.kind.as_str(), o.name.as_str()))
                        .or_default()
                        .push((name, node));
                }
            }
            children
        })
    }
}

/// Fills `caused_by` on every symptom.
pub fn link(ctx: &Ctx, findings: &mut [Finding]) {
    let mut index: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        index.entry(key(&f.object)).or_default().push(i);
    }
    let mut links: Vec<(usize, Vec<CauseRef>)> = Vec::new();
    // Pods first: their node causes. With every node Ready, no node can be the cause of an
    // unschedulable pod (and the walk over the nodes for each such pod is skipped).
    let some_node_not_ready = ctx.snap.nodes.iter().any(|n| !is_ready(n));
    for (i, f) in findings.iter().enumerate() {
        if f.check != "pod-unschedulable" && f.check != "pod-stuck-terminating" {
            continue;
        }
        let Some(pod) = ctx.snap.pods.find(&f.object.namespace, &f.object.name) else {
            continue;
        };
        let nodes: Vec<String> = match f.check.as_str() {
            "pod-unschedulable" if some_node_not_ready => only_not_ready_candidates(ctx, pod),
            "pod-stuck-terminating" => pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_ref().map(|n| n.to_string()))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        };
        let mut causes: Vec<CauseRef> = nodes
            .iter()
            .flat_map(|n| causes_of(&index, findings, &key_of("Node", "", n)))
            .collect();
        if f.check == "pod-unschedulable" {
            for claim in claims(pod) {
                let k = key_of("PersistentVolumeClaim", &f.object.namespace, &claim);
                causes.extend(causes_of(&index, findings, &k));
            }
        }
        if !causes.is_empty() {
            links.push((i, causes));
        }
    }
    let owners = Owners::new(ctx);
    let services: HashMap<(&str, &str), &Service> = ctx
        .snap
        .services
        .iter()
        .map(|s| {
            let ns = s.metadata.namespace.as_deref().unwrap_or("");
            ((ns, s.metadata.name.as_deref().unwrap_or("")), s)
        })
        .collect();
    for (i, f) in findings.iter().enumerate() {
        let (ns, name) = (f.object.namespace.as_str(), f.object.name.as_str());
        let mut causes = Vec::new();
        match (f.object.kind.as_str(), f.check.as_str()) {
            ("Service", "service-no-ready-endpoints") => {
                let Some(svc) = services.get(&(ns, name)) else {
                    continue;
                };
                for pod in selected_pods(ctx, svc).unwrap_or_default() {
                    let pn = pod.metadata.name.as_deref().unwrap_or("");
                    let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
                    causes.extend(pod_causes(&index, findings, ns, (pn, node.unwrap_or(""))));
                }
            }
            ("Deployment", "deployment-unavailable" | "deployment-stuck") => {
                for (rn, _) in owners.children(ns, "Deployment", name) {
                    causes.extend(causes_of(&index, findings, &key_of("ReplicaSet", ns, rn)));
                    for child in owners.children(ns, "ReplicaSet", rn) {
                        causes.extend(pod_causes(&index, findings, ns, child));
                    }
                }
            }
            ("Job", "job-failed" | "job-deadline-exceeded") => {
                for child in owners.children(ns, "Job", name) {
                    causes.extend(pod_causes(&index, findings, ns, child));
                }
            }
            _ => {}
        }
        if !causes.is_empty() {
            causes.truncate(10);
            links.push((i, causes));
        }
    }
    links.extend(super::links_app::links(ctx, &index, findings));
    links.extend(super::links_net::links(ctx, &index, findings));
    for (i, causes) in links {
        if let Some(f) = findings.get_mut(i) {
            for c in causes {
                let is_self = c.check == f.check && c.object == f.object;
                if !is_self && !f.caused_by.contains(&c) {
                    f.caused_by.push(c);
                }
            }
        }
    }
    super::links_cp::link(ctx, findings);
}

/// The PersistentVolumeClaims a pod mounts.
fn claims(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.to_string())
        })
        .collect()
}

/// The nodes the pod could run on if they were Ready, when every one of them is NotReady.
fn only_not_ready_candidates(ctx: &Ctx, pod: &Pod) -> Vec<String> {
    let mut not_ready = Vec::new();
    for node in ctx.snap.nodes.iter().filter(|n| could_host(pod, n)) {
        // One Ready node that would take the pod settles it (and ends the walk early).
        if is_ready(node) {
            return Vec::new();
        }
        if let Some(name) = &node.metadata.name {
            not_ready.push(name.to_string());
        }
    }
    not_ready
}

/// Whether the node would take the pod, ignoring NotReady state and resources.
fn could_host(pod: &Pod, node: &Node) -> bool {
    if is_cordoned(node) {
        return false;
    }
    let spec = pod.spec.as_ref();
    let labels = node.metadata.labels.as_ref();
    let selector_ok = spec
        .and_then(|s| s.node_selector.as_ref())
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
    let tolerations = spec.and_then(|s| s.tolerations.as_ref());
    let taints_ok = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| t.effect != "PreferNoSchedule")
        .filter(|t| {
            t.key != "node.kubernetes.io/unreachable" && t.key != "node.kubernetes.io/not-ready"
        })
        .all(|t| {
            tolerations.into_iter().flatten().any(|tol| {
                let key_ok = tol
                    .key
                    .as_deref()
                    .is_none_or(|k| k.is_empty() || k == t.key);
                let op_exists = tol.operator.as_deref() == Some("Exists");
                let value_ok = op_exists
                    || tol.value.as_deref().unwrap_or("") == t.value.as_deref().unwrap_or("");
                let effect_ok = tol
                    .effect
                    .as_deref()
                    .is_none_or(|e| e.is_empty() || e == t.effect);
                key_ok && value_ok && effect_ok
            })
        });
    // A node too small for the pod's requests would not take it even when Ready.
    selector_ok && taints_ok && spec.is_none_or(|s| super::node_fit::fits_allocatable(s, node))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    fn node(name: &str, ready: &str, taints: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "spec": {"taints": taints},
            "status": {"conditions": [{"type": "Ready", "status": ready}]}})
    }

    #[test]
    fn pending_because_the_only_schedulable_node_is_not_ready() {
        let p = pod(
            "web",
            spec1(),
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled",
            "status": "False", "reason": "Unschedulable", "lastTransitionTime": ago(600),
            "message": "0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }."}]}),
        );
        let f = run(vec![
            p,
            node(
                "cp",
                "True",
                json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
            ),
            node(
                "w1",
                "Unknown",
                json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]),
            ),
        ]);
        assert_eq!(f[0].check, "node-not-ready");
        let p = one(&f, "pod-unschedulable");
        assert_eq!(
            p.caused_by,
            vec![CauseRef {
                check: "node-not-ready".into(),
                object: ObjectRef::new("Node", "", "w1")
            }]
        );
        let groups = super::super::group_by_root(&f);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].symptoms.len(), 1);
    }

    #[test]
    fn service_whose_only_pod_sits_on_a_not_ready_node() {
        let mut p = pod(
            "web",
            json!({"nodeName": "w1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}),
        );
        p["metadata"]["labels"] = json!({"app": "web"});
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"clusterIP": "10.0.0.1", "selector": {"app": "web"}, "ports": [{"port": 80}]}});
        let f = run(vec![p, svc, node("w1", "Unknown", json!([]))]);
        let s = one(&f, "service-no-ready-endpoints");
        assert_eq!(s.caused_by[0].check, "node-not-ready");
    }

    #[test]
    fn pending_with_a_ready_candidate_is_not_blamed_on_the_node() {
        let p = pod(
            "web",
            spec1(),
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled",
            "status": "False", "reason": "Unschedulable", "lastTransitionTime": ago(600),
            "message": "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }."}]}),
        );
        let f = run(vec![
            p,
            node("w0", "True", json!([])),
            node("w1", "Unknown", json!([])),
        ]);
        assert!(one(&f, "pod-unschedulable").caused_by.is_empty());
    }
}
