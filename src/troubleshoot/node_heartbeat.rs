//! N2: a node still marked Ready whose kubelet stopped renewing its heartbeat Lease in
//! `kube-node-lease`. Within the node monitor grace period (40–50 s) this is the early sign of
//! a kubelet that stopped or a node that went away, before the node controller marks it
//! Unknown; long after it, the node controller is not acting (kube-controller-manager down)
//! and the cluster still sends work to a silent node.

use crate::findings::{Finding, Severity};
use crate::model::age::format_seconds;
use crate::objects::Kind;

use super::Ctx;
use super::build::FindingExt;
use super::cp_leases::staleness;
use super::node::node_finding;

/// The node controller's grace period (node-monitor-grace-period: 40 s, 50 s since 1.32).
const GRACE: i64 = 50;
/// After this long silent, pods are evicted (NoExecute unreachable taint, 300 s toleration).
const EVICTION: i64 = 300;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    if !snap.has_kind(Kind::Lease) || !snap.has_kind(Kind::Node) {
        return;
    }
    for n in snap.nodes.iter().filter(|n| n.is_ready()) {
        let name = n.metadata.name();
        let Some(lease) = snap.leases.find("kube-node-lease", name) else {
            continue;
        };
        let Some((age, true)) = staleness(ctx, lease, 40) else {
            continue;
        };
        let mut f = node_finding(
            "node-heartbeat-stale",
            if age > EVICTION { Severity::Error } else { Severity::Warning },
            n,
            format!(
                "the kubelet stopped renewing its heartbeat {} ago, but the node is still marked Ready",
                format_seconds(age)
            ),
        )
        .explain(
            "The kubelet renews its Lease in kube-node-lease every 10 seconds; this one stopped. \
             The kubelet is stopped or hung, or the node or its network to the API server is down.",
        )
        .explain(if age <= GRACE {
            "The node controller has not reacted yet: it marks the node Unknown once the grace \
             period (40–50 s) has passed."
        } else {
            "The node controller should have marked it Unknown long ago: the node lifecycle \
             controller in kube-controller-manager is not acting, so pods are still sent to a \
             node that does not answer."
        })
        .with("lease renewTime", format!("{} ago", format_seconds(age)));
        if let Some(c) = n.ready() {
            f = f.with("condition Ready", super::node::condition_text(ctx, c));
        }
        out.push(
            f.step("ping the node / ssh to it: if it answers, the kubelet is stopped")
                .step("on the node: systemctl status kubelet; journalctl -u kubelet -n 100 --no-pager")
                .step(format!("kubectl -n kube-node-lease get lease {name} -o yaml")),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::Severity;

    #[test]
    fn a_lease_renewed_eight_seconds_ago_is_healthy() {
        assert!(
            run(healthy_cluster())
                .iter()
                .all(|f| f.check != "node-heartbeat-stale")
        );
    }

    #[test]
    fn a_node_whose_lease_stopped_renewing_while_still_ready() {
        let mut c = healthy_cluster();
        replace(&mut c, "worker-2", node_lease("worker-2", 48));
        let f = run(c);
        let h = one(&f, "node-heartbeat-stale");
        assert_eq!(
            (h.severity, h.object.name.as_str()),
            (Severity::Warning, "worker-2")
        );
        assert!(h.explanation.contains("has not reacted yet"));
        let mut c = healthy_cluster();
        replace(&mut c, "worker-2", node_lease("worker-2", 900));
        let f = run(c);
        let h = one(&f, "node-heartbeat-stale");
        assert_eq!(h.severity, Severity::Error);
        assert!(
            h.explanation
                .contains("kube-controller-manager is not acting")
        );
    }
}
