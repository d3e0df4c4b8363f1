//! A node NotReady for minutes that carries neither `node.kubernetes.io/not-ready` nor
//! `node.kubernetes.io/unreachable`. The node lifecycle controller (in kube-controller-manager)
//! adds them within about a minute of the Ready condition turning False or Unknown: the
//! NoSchedule one keeps the scheduler away (it filters on taints, not on the Ready condition),
//! the NoExecute one evicts the pods after their toleration (300 s by default). Without them
//! new pods are still placed on the node and its pods are never moved. The likely cause is a
//! controller manager that is down or without leader (`links_cp_kcm` links the finding under
//! it); when its leader Lease is renewed, its node lifecycle controller is disabled
//! (`--controllers`) or failing, or the taints were removed by hand.

use crate::findings::{Finding, Severity};
use crate::model::age::format_seconds;
use crate::objects::Kind;

use super::Ctx;
use super::build::{FindingExt, secs_since};
use super::node::{node_finding, untainted};

/// How long after the Ready condition changed a missing taint is worth saying (the
/// controller needs the grace period, 40–50 s, plus its monitor period).
const AFTER: i64 = 120;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    if !snap.has_kind(Kind::Node) {
        return;
    }
    for n in snap.nodes.iter().filter(|n| !n.is_ready() && untainted(n)) {
        let Some(ready) = n.ready() else {
            continue;
        };
        let Some(since) = ready
            .last_transition_time
            .map(|t| secs_since(t.ts(), ctx.now()))
        else {
            continue;
        };
        if since < AFTER {
            continue;
        }
        let name = n.metadata.name();
        let taint = if ready.status == "Unknown" {
            "node.kubernetes.io/unreachable"
        } else {
            "node.kubernetes.io/not-ready"
        };
        let mut f = node_finding(
            "node-not-tainted",
            Severity::Warning,
            n,
            format!(
                "node NotReady for {} but never tainted {taint}: new pods can still be placed on it",
                format_seconds(since)
            ),
        )
        .explain(format!(
            "The node lifecycle controller in kube-controller-manager taints a node whose Ready \
             condition is {} within about a minute ({taint}, NoSchedule and NoExecute): the \
             scheduler then stops placing pods there and the pods on it are evicted after their \
             toleration (300 s by default). This node has no such taint, so the scheduler still \
             sends it new pods and its pods are never moved elsewhere.",
            ready.status
        ))
        .with(
            "condition Ready",
            super::node::condition_text(ctx, ready),
        )
        .with(
            "taints",
            if n.taints().is_empty() {
                "none".to_string()
            } else {
                n.taints()
                    .iter()
                    .map(|t| format!("{}:{}", t.key, t.effect))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        f = match kcm_lease(ctx) {
            Some((age, false)) => f
                .explain(
                    "kube-controller-manager itself looks alive (its leader Lease is renewed): \
                     its node lifecycle controller is turned off (a --controllers list without \
                     nodelifecycle, or with -nodelifecycle), failing, or the taint was removed \
                     by hand.",
                )
                .with(
                    "kube-controller-manager Lease renewed",
                    format!("{} ago", format_seconds(age)),
                ),
            Some((age, true)) => f
                .explain(
                    "kube-controller-manager has no active leader (its Lease is stale), so no \
                     node lifecycle controller runs.",
                )
                .with(
                    "kube-controller-manager Lease renewed",
                    format!("{} ago", format_seconds(age)),
                ),
            None => f.explain(
                "kube-controller-manager is down or without leader, its node lifecycle \
                 controller is turned off (--controllers), or the taint was removed by hand.",
            ),
        };
        out.push(
            f.step(format!("kubectl get node {name} -o jsonpath='{{.spec.taints}}'"))
                .step("kubectl -n kube-system get lease kube-controller-manager -o yaml")
                .step(
                    "kubectl -n kube-system logs -l component=kube-controller-manager --tail=200 | grep -iE 'node_lifecycle|taint'",
                )
                .step(
                    "on a control-plane node: sudo grep -n -- '--controllers' /etc/kubernetes/manifests/kube-controller-manager.yaml",
                ),
        );
    }
}

/// The controller manager's leader Lease: (seconds since renewed, stale).
fn kcm_lease(ctx: &Ctx) -> Option<(i64, bool)> {
    if !ctx.snap.has_kind(Kind::Lease) {
        return None;
    }
    let lease = ctx
        .snap
        .leases
        .find("kube-system", "kube-controller-manager")?;
    super::cp_leases::staleness(ctx, lease, 15)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::Severity;
    use serde_json::json;

    /// worker-1 NotReady (the kubelet's own report) since `secs` ago, with `taints`.
    fn with_not_ready_worker(secs: i64, taints: serde_json::Value) -> Vec<serde_json::Value> {
        let mut c = healthy_cluster();
        let mut w = node("worker-1", false, VERSION);
        for cond in w["status"]["conditions"].as_array_mut().unwrap() {
            if cond["type"] == "Ready" {
                *cond = json!({"type": "Ready", "status": "False", "reason": "KubeletNotReady",
                    "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
                    "lastHeartbeatTime": ago(5), "lastTransitionTime": ago(secs)});
            }
        }
        w["spec"]["taints"] = taints;
        replace(&mut c, "worker-1", w);
        c
    }

    fn causes(f: &crate::findings::Finding) -> Vec<String> {
        f.caused_by
            .iter()
            .map(|c| format!("{} {}/{}", c.check, c.object.kind, c.object.name))
            .collect()
    }

    #[test]
    fn an_untainted_not_ready_node_folds_under_a_leaderless_controller_manager() {
        let mut c = with_not_ready_worker(600, json!([]));
        replace(
            &mut c,
            "kube-controller-manager",
            leader_lease("kube-controller-manager", "cp-1", 900, 3),
        );
        let f = run(c);
        let nt = f
            .iter()
            .find(|x| x.check == "node-not-tainted" && x.object.name == "worker-1")
            .unwrap_or_else(|| panic!("{:?}", ids(&f)));
        assert_eq!(
            causes(nt),
            ["cp-leader-lease-stale Lease/kube-controller-manager"]
        );
        assert!(
            nt.summary.contains("node.kubernetes.io/not-ready"),
            "{}",
            nt.summary
        );
        // The node's own failure is the kubelet's (CNI), not the controller manager's.
        let nr = f
            .iter()
            .find(|x| x.check == "node-not-ready" && x.object.name == "worker-1")
            .unwrap();
        assert!(causes(nr).is_empty(), "{:?}", causes(nr));
    }

    #[test]
    fn with_a_healthy_controller_manager_the_missing_taint_is_a_warning_of_its_own() {
        let f = run(with_not_ready_worker(600, json!([])));
        let nt = f
            .iter()
            .find(|x| x.check == "node-not-tainted")
            .unwrap_or_else(|| panic!("{:?}", ids(&f)));
        assert_eq!(nt.severity, Severity::Warning);
        assert!(nt.caused_by.is_empty());
        assert!(
            evidence_text(nt).contains("kube-controller-manager Lease renewed"),
            "{}",
            evidence_text(nt)
        );
        assert!(
            nt.explanation.contains("--controllers"),
            "{}",
            nt.explanation
        );
    }

    #[test]
    fn a_tainted_or_freshly_not_ready_node_is_not_flagged() {
        let tainted = json!([{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule", "timeAdded": ago(590)},
            {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": ago(550)}]);
        for objects in [
            with_not_ready_worker(600, tainted),
            with_not_ready_worker(30, json!([])),
            healthy_cluster(),
        ] {
            let f = run(objects);
            assert!(
                f.iter().all(|x| x.check != "node-not-tainted"),
                "{:?}",
                ids(&f)
            );
        }
    }
}
