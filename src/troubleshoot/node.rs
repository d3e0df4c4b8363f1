//! N1: nodes whose Ready condition is not True, with the kubelet's message classified (CNI
//! not initialised, PLEG not healthy, container runtime down, node silent) and the node's
//! heartbeat Lease read beside it: a kubelet that still renews its lease is alive even if its
//! status does not arrive; one that stopped is stopped, or its node is unreachable. A node
//! NotReady for minutes but never tainted means the node lifecycle controller
//! (kube-controller-manager) is not acting.

use crate::findings::{Finding, Pane, Severity};
use crate::model::age::format_seconds;
use crate::objects::{Condition, Kind, Node};

use super::Ctx;
use super::build::{FindingExt, obj, secs_since};

pub fn is_ready(node: &Node) -> bool {
    node.is_ready()
}

pub fn is_cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// Starts a Node-pane finding about a node.
pub fn node_finding(check: &str, severity: Severity, node: &Node, summary: String) -> Finding {
    Finding {
        pane: Pane::Node,
        check: check.to_string(),
        severity,
        object: obj("Node", &node.metadata),
        summary,
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

/// A condition as evidence: "False (KubeletNotReady) since 12m: message".
pub fn condition_text(ctx: &Ctx, c: &Condition) -> String {
    let since = c
        .last_transition_time
        .map(|t| {
            format!(
                " since {} ago",
                format_seconds(secs_since(t.ts(), ctx.now()))
            )
        })
        .unwrap_or_default();
    let reason = c
        .reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let message = c
        .message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    format!("{}{reason}{since}{message}", c.status)
}

/// What a NotReady node's Ready condition says, in plain words, with what to do.
struct Reading {
    label: &'static str,
    why: &'static str,
    steps: &'static [&'static str],
}

fn classify(c: Option<&Condition>) -> Reading {
    let status = c.map(|c| c.status.as_str()).unwrap_or("");
    let text = c
        .map(|c| {
            format!(
                "{} {}",
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let has = |s: &str| text.contains(s);
    if status == "Unknown" || has("NodeStatusUnknown") || has("stopped posting node status") {
        Reading {
            label: "the kubelet stopped posting status",
            why: "The node controller has heard nothing from the kubelet for longer than the \
                  grace period: the kubelet is stopped or crash-looping, or the node (or the \
                  network to the API server) is down. After 5 minutes its pods are evicted.",
            steps: &[
                "ping the node / ssh to it: if it answers, the kubelet is stopped",
                "on the node: systemctl status kubelet; journalctl -u kubelet -n 100 --no-pager",
            ],
        }
    } else if has("NodeStatusNeverUpdated") || has("never posted node status") {
        Reading {
            label: "the kubelet never posted status",
            why: "The node registered but its kubelet never reported: it stopped right after \
                  joining, or cannot reach the API server any more.",
            steps: &[
                "on the node: systemctl status kubelet; journalctl -u kubelet -n 100 --no-pager",
            ],
        }
    } else if has("NetworkPluginNotReady")
        || has("cni plugin not initialized")
        || has("cni config uninitialized")
        || has("network plugin is not ready")
    {
        Reading {
            label: "the network plugin (CNI) is not initialised",
            why: "The container runtime reports its network not ready: no CNI plugin is \
                  installed or configured on the node (/etc/cni/net.d is empty), or the CNI \
                  DaemonSet pod on the node is not running. No pod with a pod network can start.",
            steps: &[
                "kubectl get pods -A -o wide --field-selector spec.nodeName=NODE | grep -iE 'calico|cilium|flannel|weave|canal|antrea'",
                "on the node: ls /etc/cni/net.d /opt/cni/bin",
                "on the node: journalctl -u containerd -n 50 --no-pager | grep -i cni",
            ],
        }
    } else if has("PLEG is not healthy") {
        Reading {
            label: "PLEG is not healthy: the container runtime is hung or overloaded",
            why: "The kubelet's pod lifecycle event generator could not list containers in time: \
                  the container runtime hangs, the node is overloaded (CPU, I/O), or too many \
                  containers churn.",
            steps: &[
                "on the node: sudo crictl ps | head; time sudo crictl ps -a >/dev/null",
                "on the node: systemctl status containerd; journalctl -u containerd -n 100 --no-pager",
                "on the node: top; iostat -x 1 3",
            ],
        }
    } else if has("container runtime is down")
        || has("RuntimeReady=false")
        || has("container runtime status check may not have completed")
        || has("runtime not ready")
    {
        Reading {
            label: "the container runtime is down",
            why: "The kubelet cannot talk to the container runtime (containerd or CRI-O is \
                  stopped, crashed, or its socket moved).",
            steps: &[
                "on the node: systemctl status containerd; journalctl -u containerd -n 100 --no-pager",
                "on the node: sudo crictl info | head -30",
            ],
        }
    } else {
        Reading {
            label: "the kubelet reports the node not ready",
            why: "The kubelet reports the node not ready (see its message): container runtime, \
                  network plugin or resource problems. Pods on it are not served and new pods \
                  are not placed there.",
            steps: &[
                "on the node: systemctl status kubelet; journalctl -u kubelet -n 100 --no-pager",
            ],
        }
    }
}

/// Nodes that are not Ready (critical when none is): a cluster check, cheap per node.
pub fn check_nodes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let total = ctx.snap.nodes.len();
    let not_ready: Vec<&Node> = ctx.snap.nodes.iter().filter(|n| !is_ready(n)).collect();
    let all = total > 0 && not_ready.len() == total;
    for n in not_ready {
        out.push(not_ready_finding(ctx, n, all));
    }
}

fn not_ready_finding(ctx: &Ctx, n: &Node, all: bool) -> Finding {
    let name = n.metadata.name();
    let ready = n.ready();
    let status = ready
        .map(|c| c.status.to_string())
        .unwrap_or_else(|| "absent".into());
    let reading = classify(ready);
    let mut f = node_finding(
        "node-not-ready",
        if all {
            Severity::Critical
        } else {
            Severity::Error
        },
        n,
        format!("node is not Ready (Ready={status}): {}", reading.label),
    )
    .explain(reading.why);
    if let Some(c) = ready {
        f = f.with("condition Ready", condition_text(ctx, c));
        if let Some(t) = c.last_heartbeat_time {
            f = f.with(
                "lastHeartbeatTime",
                format!(
                    "{} ({} ago)",
                    t.ts(),
                    format_seconds(secs_since(t.ts(), ctx.now()))
                ),
            );
        }
    }
    f = heartbeat_evidence(ctx, n, f);
    f = taint_evidence(ctx, n, ready, f);
    f = f
        .events(ctx, &[], true)
        .step(format!("kubectl describe node {name}"));
    for s in reading.steps {
        f = f.step(s.replace("NODE", name));
    }
    f
}

/// The node's Lease beside its Ready condition: alive-but-silent vs stopped-or-unreachable.
fn heartbeat_evidence(ctx: &Ctx, n: &Node, mut f: Finding) -> Finding {
    if !ctx.snap.has_kind(Kind::Lease) {
        return f;
    }
    let name = n.metadata.name();
    let Some(lease) = ctx.snap.leases.find("kube-node-lease", name) else {
        return f.with(
            "node lease",
            format!("kube-node-lease/{name} does not exist"),
        );
    };
    let Some((age, stale)) = super::cp_leases::staleness(ctx, lease, 40) else {
        return f;
    };
    f = f.with("node lease renewed", format!("{} ago", format_seconds(age)));
    if stale {
        f.explain(format!(
            "Its heartbeat Lease was last renewed {} ago: the kubelet is not reaching the API \
             server at all — stopped, or the node or its network is down.",
            format_seconds(age)
        ))
    } else {
        f.explain(
            "Its heartbeat Lease is still renewed: the kubelet is alive and reaches the API \
             server; the problem is what it reports (or its status updates fail).",
        )
    }
}

/// NotReady for a while but not tainted: the node lifecycle controller is not acting.
fn taint_evidence(ctx: &Ctx, n: &Node, ready: Option<&Condition>, f: Finding) -> Finding {
    let since = ready
        .and_then(|c| c.last_transition_time)
        .map(|t| secs_since(t.ts(), ctx.now()))
        .unwrap_or(0);
    if since < 120 || !untainted(n) {
        return f;
    }
    f.with(
        "taints",
        "no node.kubernetes.io/not-ready or unreachable taint after minutes NotReady: the node lifecycle controller (kube-controller-manager) is not acting",
    )
}

/// Whether a NotReady node lacks the lifecycle taints.
pub fn untainted(n: &Node) -> bool {
    !n.taints().iter().any(|t| {
        t.key == "node.kubernetes.io/not-ready" || t.key == "node.kubernetes.io/unreachable"
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::{Pane, Severity};
    use serde_json::json;

    fn simple(name: &str, ready: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": ready,
                "message": "Kubelet stopped posting node status."}]}})
    }

    fn not_ready(name: &str, status: &str, reason: &str, message: &str) -> serde_json::Value {
        let mut n = node(name, false, VERSION);
        let c = n["status"]["conditions"].as_array_mut().unwrap();
        for cond in c.iter_mut() {
            if cond["type"] == "Ready" {
                *cond = json!({"type": "Ready", "status": status, "reason": reason, "message": message,
                    "lastHeartbeatTime": ago(600), "lastTransitionTime": ago(560)});
            }
        }
        n
    }

    #[test]
    fn not_ready_nodes_and_a_cluster_wide_outage() {
        let f = run(vec![simple("a", "True"), simple("b", "Unknown")]);
        let n = one(&f, "node-not-ready");
        assert_eq!(
            (n.pane, n.severity, n.object.name.as_str()),
            (Pane::Node, Severity::Error, "b")
        );
        let f = run(vec![simple("a", "False"), simple("b", "Unknown")]);
        assert!(f.iter().all(|x| x.severity == Severity::Critical));
        assert!(run(vec![simple("a", "True")]).is_empty());
    }

    #[test]
    fn the_ready_message_is_classified() {
        for (message, label) in [
            (
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
                "(CNI) is not initialised",
            ),
            (
                "PLEG is not healthy: pleg was last seen active 3m10s ago; threshold is 3m0s",
                "PLEG is not healthy",
            ),
            ("container runtime is down", "container runtime is down"),
            (
                "[container runtime status check may not have completed yet, PLEG is not healthy: pleg has yet to be successful]",
                "PLEG",
            ),
        ] {
            let f = run(vec![
                not_ready("w1", "False", "KubeletNotReady", message),
                node("w2", false, VERSION),
            ]);
            let n = one(&f, "node-not-ready");
            assert!(n.summary.contains(label), "{message}: {}", n.summary);
            assert!(evidence_text(n).contains(message));
        }
        let f = run(vec![
            not_ready(
                "w1",
                "Unknown",
                "NodeStatusUnknown",
                "Kubelet stopped posting node status.",
            ),
            node("w2", false, VERSION),
        ]);
        let n = one(&f, "node-not-ready");
        assert!(n.summary.contains("stopped posting status"));
        assert!(n.next_steps.iter().any(|s| s.contains("ping")));
    }

    #[test]
    fn the_heartbeat_lease_tells_a_stopped_kubelet_from_a_silent_status() {
        let base = || {
            vec![
                not_ready(
                    "w1",
                    "Unknown",
                    "NodeStatusUnknown",
                    "Kubelet stopped posting node status.",
                ),
                node("w2", false, VERSION),
                node_lease("w2", 5),
            ]
        };
        let mut c = base();
        c.push(node_lease("w1", 600));
        let f = run(c);
        let n = one(&f, "node-not-ready");
        assert!(
            n.explanation.contains("not reaching the API server at all"),
            "{}",
            n.explanation
        );
        assert!(evidence_text(n).contains("node lease renewed: 10m ago"));
        let mut c = base();
        c.push(node_lease("w1", 4));
        let n = run(c);
        assert!(
            one(&n, "node-not-ready")
                .explanation
                .contains("kubelet is alive")
        );
    }

    #[test]
    fn a_not_ready_node_that_was_never_tainted_points_at_the_controller_manager() {
        let f = run(vec![
            not_ready(
                "w1",
                "Unknown",
                "NodeStatusUnknown",
                "Kubelet stopped posting node status.",
            ),
            node("w2", false, VERSION),
        ]);
        assert!(evidence_text(one(&f, "node-not-ready")).contains("kube-controller-manager"));
        let mut tainted = not_ready(
            "w1",
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        );
        tainted["spec"]["taints"] = json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": ago(500)},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ago(500)}]);
        let f = run(vec![tainted, node("w2", false, VERSION)]);
        assert!(!evidence_text(one(&f, "node-not-ready")).contains("kube-controller-manager"));
    }
}
