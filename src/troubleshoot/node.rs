//! The minimum of the worker-node pane the application pane needs as a root cause: nodes
//! whose Ready condition is not True. (The full node pane comes later.)

use crate::objects::Node;

use super::Ctx;
use super::build::{FindingExt, obj};
use crate::findings::{Finding, Pane, Severity};

pub fn is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

pub fn is_cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// Nodes that are not Ready (critical when none is): a cluster check, cheap per node.
pub fn check_nodes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let total = ctx.snap.nodes.len();
    let not_ready: Vec<&Node> = ctx.snap.nodes.iter().filter(|n| !is_ready(n)).collect();
    let all = total > 0 && not_ready.len() == total;
    for n in not_ready {
        let o = obj("Node", &n.metadata);
        let ready = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "Ready");
        let status = ready
            .map(|c| c.status.clone())
            .unwrap_or_else(|| "absent".into());
        let message = ready.and_then(|c| c.message.clone()).unwrap_or_default();
        let heartbeat = ready
            .and_then(|c| c.last_heartbeat_time.as_ref())
            .map(|t| {
                format!(
                    "{} ({} ago)",
                    t.ts(),
                    crate::model::age::human_duration(t.ts(), ctx.now)
                )
            })
            .unwrap_or_else(|| "unknown".into());
        let f = Finding {
            pane: Pane::Node,
            check: "node-not-ready".into(),
            severity: if all {
                Severity::Critical
            } else {
                Severity::Error
            },
            object: o.clone(),
            summary: format!("node is not Ready (Ready={status})"),
            explanation: String::new(),
            evidence: Vec::new(),
            next_steps: Vec::new(),
            caused_by: Vec::new(),
        }
        .explain(if status == "Unknown" {
            "The kubelet stopped posting node status: the node is down, unreachable, or its \
             kubelet stopped. Pods on it are not served and new pods are not placed there."
        } else {
            "The kubelet reports the node not ready (container runtime, network plugin or \
             resource problems). Pods on it are not served and new pods are not placed there."
        })
        .with("condition Ready", format!("{status}: {message}"))
        .with("lastHeartbeatTime", heartbeat)
        .events(ctx, &[], true)
        .step(format!("kubectl describe node {}", o.name))
        .step("on the node: systemctl status kubelet; journalctl -u kubelet -n 100");
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use crate::findings::{Pane, Severity};
    use serde_json::json;

    fn node(name: &str, ready: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": ready,
                "message": "Kubelet stopped posting node status."}]}})
    }

    #[test]
    fn not_ready_nodes_and_a_cluster_wide_outage() {
        let f = run(vec![node("a", "True"), node("b", "Unknown")]);
        let n = one(&f, "node-not-ready");
        assert_eq!(
            (n.pane, n.severity, n.object.name.as_str()),
            (Pane::Node, Severity::Error, "b")
        );
        let f = run(vec![node("a", "False"), node("b", "Unknown")]);
        assert!(f.iter().all(|x| x.severity == Severity::Critical));
        assert!(run(vec![node("a", "True")]).is_empty());
    }
}
