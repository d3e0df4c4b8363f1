//! N5 and N6: what keeps pods off a node. A cordoned node (spec.unschedulable) that is not
//! being drained is probably a forgotten `kubectl uncordon` after maintenance. A NoSchedule or
//! NoExecute taint that no workload tolerates by its key leaves the node to DaemonSets only.
//! Taints the system manages (node lifecycle and pressure, cloud initialisation, cluster
//! autoscaler) and the control-plane role taint (keeping workloads off the control plane is
//! its purpose) are not flagged; blanket tolerations (`operator: Exists` without a key, as
//! kube-proxy has) do not count as "meant to run here".

use std::collections::HashSet;

use crate::findings::{Finding, Severity};
use crate::model::age::format_seconds;
use crate::objects::{Kind, Node, PodSpec, Taint, Toleration};

use super::Ctx;
use super::build::{FindingExt, secs_since};
use super::node::{is_cordoned, node_finding};

/// The kinds whose tolerations decide whether a taint is meant for some workload: without
/// all of them listed, "nothing tolerates it" cannot be said.
pub const TOLERATION_KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::StatefulSet,
];

/// A cordon older than this, with no drain going on, is probably forgotten.
const FORGOTTEN: i64 = 30 * 60;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Node) {
        return;
    }
    let mut tolerations: Option<Vec<Toleration>> = None;
    for n in ctx.snap.nodes.iter() {
        if is_cordoned(n) {
            out.extend(cordoned(ctx, n));
        }
        let custom: Vec<&Taint> = n.taints().iter().filter(|t| !system_taint(t)).collect();
        if custom.is_empty() || !TOLERATION_KINDS.iter().all(|k| ctx.snap.has_kind(*k)) {
            continue;
        }
        let workloads = tolerations.get_or_insert_with(|| workload_tolerations(ctx));
        for t in custom {
            if !tolerated_here(ctx, n, t) && !workloads.iter().any(|tol| specific(tol, t)) {
                out.push(untolerated(n, t));
            }
        }
    }
}

/// Taints the cluster manages itself, or whose purpose is to keep workloads away.
fn system_taint(t: &Taint) -> bool {
    let k = t.key.as_str();
    t.effect == "PreferNoSchedule"
        || k.starts_with("node.kubernetes.io/")
        || k.starts_with("node.cloudprovider.kubernetes.io/")
        || k == "node-role.kubernetes.io/control-plane"
        || k == "node-role.kubernetes.io/master"
        || k == "ToBeDeletedByClusterAutoscaler"
        || k == "DeletionCandidateOfClusterAutoscaler"
        || k.starts_with("karpenter.sh/")
}

/// A toleration that names the taint's key and tolerates it.
fn specific(tol: &Toleration, t: &Taint) -> bool {
    tol.key.as_deref().is_some_and(|k| k == t.key)
        && tol.tolerates(&t.key, t.value.as_deref().unwrap_or(""), &t.effect)
}

fn spec_tolerations(spec: Option<&PodSpec>) -> impl Iterator<Item = &Toleration> {
    spec.and_then(|s| s.tolerations.as_ref())
        .into_iter()
        .flatten()
}

/// Tolerations of every workload template (DaemonSets, Deployments, StatefulSets) that name a
/// key: collected once per pass.
fn workload_tolerations(ctx: &Ctx) -> Vec<Toleration> {
    let snap = ctx.snap;
    let ds = snap
        .daemonsets
        .iter()
        .map(|d| d.spec.as_ref().and_then(|s| s.template.spec.as_ref()));
    let dep = snap
        .deployments
        .iter()
        .map(|d| d.spec.as_ref().and_then(|s| s.template.spec.as_ref()));
    let sts = snap
        .statefulsets
        .iter()
        .map(|d| d.spec.as_ref().and_then(|s| s.template.spec.as_ref()));
    let mut seen = HashSet::new();
    ds.chain(dep)
        .chain(sts)
        .flat_map(spec_tolerations)
        .filter(|t| t.key.as_deref().is_some_and(|k| !k.is_empty()))
        .filter(|t| seen.insert(format!("{t:?}")))
        .cloned()
        .collect()
}

fn tolerated_here(ctx: &Ctx, n: &Node, t: &Taint) -> bool {
    ctx.snap
        .pods_on(n.metadata.name())
        .any(|p| spec_tolerations(p.spec.as_ref()).any(|tol| specific(tol, t)))
}

fn taint_text(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

fn untolerated(n: &Node, t: &Taint) -> Finding {
    let name = n.metadata.name();
    let text = taint_text(t);
    node_finding(
        "node-taint-untolerated",
        Severity::Warning,
        n,
        format!("taint {text} is tolerated by no workload"),
    )
    .explain(
        "No pod on the node and no Deployment, StatefulSet or DaemonSet template tolerates this \
         taint by its key, so only DaemonSets that tolerate everything run here: a taint left \
         from an experiment or maintenance, or the workloads meant for this node lack the \
         toleration.",
    )
    .with("taint", text.clone())
    .step(format!(
        "kubectl taint nodes {name} {}-   (if it is not needed)",
        t.key
    ))
    .step("or add a matching toleration (and a nodeSelector) to the workloads meant for this node")
}

/// When the node was cordoned: the managedFields entry that owns `spec.unschedulable` (the
/// API records it; `kubectl get -o yaml` hides it, so dumps rarely have it), else the kubelet's
/// `NodeNotSchedulable` event (kept an hour by default). The unschedulable taint has no
/// `timeAdded` (only NoExecute taints do).
fn cordoned_since(ctx: &Ctx, n: &Node) -> Option<(i64, &'static str)> {
    let by_fields = n
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|e| e.owns_unschedulable())
        .filter_map(|e| e.time)
        .max()
        .map(|t| (secs_since(t.ts(), ctx.now()), "managedFields"));
    by_fields.or_else(|| {
        ctx.snap
            .events_for("Node", "", n.metadata.name())
            .find(|e| e.reason == "NodeNotSchedulable")
            .and_then(|e| e.last_seen)
            .map(|t| (secs_since(t, ctx.now()), "event NodeNotSchedulable"))
    })
}

/// A cordoned node: a warning when its cordon is old and nothing is drained, info when it is
/// being drained, recent, or cannot be dated.
fn cordoned(ctx: &Ctx, n: &Node) -> Option<Finding> {
    let name = n.metadata.name();
    let dated = cordoned_since(ctx, n);
    let since = dated.map(|(s, _)| s);
    let draining = ctx
        .snap
        .pods_on(name)
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .filter(|p| {
            p.metadata
                .controller()
                .is_none_or(|o| o.kind != "DaemonSet")
        })
        .count();
    let age = since
        .map(|s| format!(" for {}", format_seconds(s)))
        .unwrap_or_else(|| ", since an unknown time".to_string());
    let (severity, why) = if draining > 0 {
        (
            Severity::Info,
            format!("It is being drained: {draining} pod(s) are terminating."),
        )
    } else if since.is_some_and(|s| s < FORGOTTEN) {
        (
            Severity::Info,
            "It was cordoned recently; maintenance is probably in progress.".to_string(),
        )
    } else if since.is_none() {
        // Undated (no managedFields entry, no NodeNotSchedulable event, as in most dumps):
        // maintenance under way cannot be told from a forgotten cordon, but the node still
        // takes no new pods, which the user must know.
        (
            Severity::Info,
            "When it was cordoned is not recorded here (no managedFields entry for \
             spec.unschedulable, no NodeNotSchedulable event), so kmedic cannot tell maintenance \
             under way from a forgotten `kubectl uncordon`."
                .to_string(),
        )
    } else {
        (
            Severity::Warning,
            "Nothing is being drained from it: maintenance looks finished and the node was \
             never uncordoned, so the cluster runs with less capacity than it has."
                .to_string(),
        )
    };
    let mut f = node_finding(
        "node-cordoned",
        severity,
        n,
        format!("node is cordoned (SchedulingDisabled){age}"),
    )
    .explain("No new pod is placed on a cordoned node.")
    .explain(why)
    .with("spec.unschedulable", "true");
    if let Some((_, source)) = dated {
        f = f.with("cordoned since, from", source);
    }
    Some(f.step(format!(
        "kubectl uncordon {name}   (when its maintenance is over)"
    )))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::Severity;
    use serde_json::json;

    /// Cordons a node as `kubectl cordon` does; `at` seconds ago in its managedFields.
    fn cordon(mut n: serde_json::Value, at: Option<i64>) -> serde_json::Value {
        n["spec"]["unschedulable"] = json!(true);
        let t = json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
        n["spec"]["taints"].as_array_mut().unwrap().push(t);
        if let Some(a) = at {
            n["metadata"]["managedFields"] = json!([
                {"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubelet", "operation": "Update",
                 "time": ago(10), "fieldsV1": {"f:status": {"f:conditions": {}}}},
                {"apiVersion": "v1", "fieldsType": "FieldsV1", "manager": "kubectl-cordon", "operation": "Update",
                 "time": ago(a), "fieldsV1": {"f:spec": {"f:unschedulable": {}}}}
            ]);
        }
        n
    }

    #[test]
    fn a_forgotten_cordon_is_a_warning_and_a_drain_is_not() {
        let mut c = healthy_cluster();
        replace(
            &mut c,
            "worker-1",
            cordon(node("worker-1", false, VERSION), Some(2 * 86400)),
        );
        let f = run(c);
        let x = one(&f, "node-cordoned");
        assert_eq!(x.severity, Severity::Warning);
        assert!(x.summary.contains("for 2d"), "{}", x.summary);
        assert!(x.next_steps[0].contains("kubectl uncordon worker-1"));

        let mut c = healthy_cluster();
        replace(
            &mut c,
            "worker-1",
            cordon(node("worker-1", false, VERSION), None),
        );
        let mut p = pod(
            "web-1",
            json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running"}),
        );
        p["metadata"]["deletionTimestamp"] = json!(ago(5));
        p["metadata"]["deletionGracePeriodSeconds"] = json!(30);
        c.push(p);
        assert_eq!(one(&run(c), "node-cordoned").severity, Severity::Info);
    }

    #[test]
    fn a_recent_or_undated_cordon_is_info() {
        let mut c = healthy_cluster();
        replace(
            &mut c,
            "worker-1",
            cordon(node("worker-1", false, VERSION), Some(300)),
        );
        assert_eq!(one(&run(c), "node-cordoned").severity, Severity::Info);
        // Undated (a dump without managedFields or the kubelet's event): maintenance under
        // way cannot be told from a forgotten cordon, but the cordon is said.
        let mut c = healthy_cluster();
        replace(
            &mut c,
            "worker-1",
            cordon(node("worker-1", false, VERSION), None),
        );
        let f = run(c.clone());
        let x = one(&f, "node-cordoned");
        assert_eq!(x.severity, Severity::Info);
        assert!(x.summary.contains("since an unknown time"), "{}", x.summary);
        // The kubelet's NodeNotSchedulable event dates it.
        c.push(json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "worker-1.17f", "namespace": "default", "uid": "ev-ns"},
            "involvedObject": {"kind": "Node", "name": "worker-1", "uid": "worker-1"},
            "reason": "NodeNotSchedulable", "message": "Node worker-1 status is now: NodeNotSchedulable",
            "type": "Normal", "count": 1, "source": {"component": "kubelet", "host": "worker-1"},
            "firstTimestamp": ago(2700), "lastTimestamp": ago(2700)}));
        let f = run(c);
        let x = one(&f, "node-cordoned");
        assert_eq!(x.severity, Severity::Warning);
        assert!(evidence_text(x).contains("event NodeNotSchedulable"));
    }

    #[test]
    fn control_plane_taints_tolerated_by_system_daemonsets_are_not_noise() {
        let f = run(healthy_cluster());
        assert!(
            f.iter().all(|x| x.check != "node-taint-untolerated"),
            "{:?}",
            ids(&f)
        );
    }

    #[test]
    fn a_taint_nothing_tolerates_by_key() {
        let mut c = healthy_cluster();
        let mut w = node("worker-2", false, VERSION);
        w["spec"]["taints"] = json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]);
        replace(&mut c, "worker-2", w);
        let f = run(c.clone());
        let t = one(&f, "node-taint-untolerated");
        assert_eq!(t.severity, Severity::Warning);
        assert!(t.summary.contains("dedicated=gpu:NoSchedule"));
        // A Deployment meant for it tolerates it: fine.
        c.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "trainer", "namespace": "ml", "uid": "d-trainer"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "trainer"}},
                "template": {"metadata": {"labels": {"app": "trainer"}},
                    "spec": {"containers": [{"name": "t", "image": "x"}],
                        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]}}},
            "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1, "observedGeneration": 1}}));
        assert!(run(c).iter().all(|x| x.check != "node-taint-untolerated"));
    }
}
