//! N3, N4 and NetworkUnavailable: every node condition besides Ready. MemoryPressure,
//! DiskPressure and PIDPressure True (the kubelet evicts pods and refuses new ones),
//! NetworkUnavailable True (routes or the CNI not set up; its healthy forms, such as
//! `{False, RouteCreated}` or `{False, CalicoIsUp}`, are not flagged), and condition types the
//! kubelet does not set (node-problem-detector's KernelDeadlock, ReadonlyFilesystem …) with
//! status True — each with the kubelet's message and since when. A node whose Ready is Unknown
//! has every condition Unknown: that is the NotReady finding's business, not these.

use crate::findings::{Finding, Severity};
use crate::objects::{Condition, Node};

use super::Ctx;
use super::build::FindingExt;
use super::node::{condition_text, node_finding};

/// The condition types the kubelet itself sets.
const KUBELET_TYPES: &[&str] = &[
    "Ready",
    "MemoryPressure",
    "DiskPressure",
    "PIDPressure",
    "NetworkUnavailable",
    "OutOfDisk",
];

/// Warning events about a node that pressure explains.
pub const PRESSURE_EVENTS: &[&str] = &[
    "EvictionThresholdMet",
    "FreeDiskSpaceFailed",
    "ImageGCFailed",
    "NodeHasDiskPressure",
    "NodeHasInsufficientMemory",
    "NodeHasInsufficientPID",
    "SystemOOM",
];

/// The check id of a pressure condition type, and the resource the kubelet evicts for.
pub fn pressure_check(type_: &str) -> Option<(&'static str, &'static str)> {
    match type_ {
        "MemoryPressure" => Some(("node-memory-pressure", "memory")),
        "DiskPressure" | "OutOfDisk" => Some(("node-disk-pressure", "ephemeral-storage")),
        "PIDPressure" => Some(("node-pid-pressure", "pids")),
        _ => None,
    }
}

/// An object check of a node (it reads the node's pods and events, so a change of those
/// re-runs it).
pub fn check_node(ctx: &Ctx, n: &Node, out: &mut Vec<Finding>) {
    let conditions = n.status.as_ref().and_then(|s| s.conditions.as_ref());
    for c in conditions.into_iter().flatten() {
        if c.status != "True" {
            continue;
        }
        if let Some((check, resource)) = pressure_check(&c.type_) {
            out.push(pressure(ctx, n, c, check, resource));
        } else if c.type_ == "NetworkUnavailable" {
            out.push(network(ctx, n, c));
        } else if !KUBELET_TYPES.contains(&c.type_.as_str()) {
            out.push(problem(ctx, n, c));
        }
    }
}

fn evicted_here(ctx: &Ctx, node: &str) -> usize {
    ctx.snap
        .pods_on(node)
        .filter(|p| p.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted"))
        .count()
}

fn pressure(ctx: &Ctx, n: &Node, c: &Condition, check: &str, resource: &str) -> Finding {
    let name = n.metadata.name();
    let what = match resource {
        "memory" => "memory",
        "pids" => "process IDs",
        _ => "disk space (nodefs or imagefs)",
    };
    let mut f = node_finding(
        check,
        Severity::Error,
        n,
        format!(
            "node is under {} ({}={})",
            c.type_.replace("Pressure", " pressure").to_lowercase(),
            c.type_,
            c.status
        ),
    )
    .explain(format!(
        "The kubelet found the node short of {what} (below an eviction threshold): it evicts \
         pods to reclaim it, and the node is tainted so no new pod is placed there until it \
         recovers."
    ))
    .with(&format!("condition {}", c.type_), condition_text(ctx, c));
    let taint = match resource {
        "memory" => "node.kubernetes.io/memory-pressure",
        "pids" => "node.kubernetes.io/pid-pressure",
        _ => "node.kubernetes.io/disk-pressure",
    };
    if n.taints().iter().any(|t| t.key == taint) {
        f = f.with("taint", format!("{taint}:NoSchedule"));
    }
    let evicted = evicted_here(ctx, name);
    if evicted > 0 {
        f = f.with("pods evicted from this node", evicted.to_string());
    }
    f = f.events(ctx, PRESSURE_EVENTS, true);
    match resource {
        "memory" => f
            .step(format!("kubectl top pods -A --sort-by=memory --field-selector spec.nodeName={name}"))
            .step("on the node: free -m; dmesg -T | grep -i 'out of memory' | tail")
            .step("set memory requests and limits on the heavy pods, or add memory"),
        "pids" => f
            .step("on the node: ps -e --no-headers | wc -l; cat /proc/sys/kernel/pid_max")
            .step("on the node: ps -eLf | awk '{print $2}' | sort | uniq -c | sort -rn | head   (threads per process)"),
        _ => f
            .step("on the node: df -h /var/lib/kubelet /var/lib/containerd; df -i /var/lib/kubelet")
            .step("on the node: sudo crictl rmi --prune   (unused images)")
            .step("on the node: sudo du -xsh /var/log/* /var/lib/containerd/* 2>/dev/null | sort -h | tail"),
    }
}

fn network(ctx: &Ctx, n: &Node, c: &Condition) -> Finding {
    let name = n.metadata.name();
    let f = node_finding(
        "node-network-unavailable",
        Severity::Error,
        n,
        format!(
            "the node's network is not set up (NetworkUnavailable=True{})",
            c.reason
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default()
        ),
    )
    .explain(
        "The node's pod network routes are not configured: the CNI agent on the node (Calico, \
         Cilium, Flannel, Weave …) has not started or failed, or the cloud route controller has \
         not created the node's route. The node is tainted network-unavailable and pods there \
         cannot reach other nodes.",
    )
    .with("condition NetworkUnavailable", condition_text(ctx, c))
    .events(ctx, &[], false)
    .step(format!(
        "kubectl get pods -A -o wide --field-selector spec.nodeName={name}"
    ));
    // The CNI agent's pod on this node, in whatever namespace its DaemonSet lives
    // (kube-flannel, calico-system, kube-system …); kube-proxy does not set up routes.
    let cni: Vec<&crate::objects::Pod> = ctx
        .snap
        .pods_on(name)
        .filter(|p| super::node_pods::agent_name(p).is_some_and(|a| a != "kube-proxy"))
        .collect();
    if cni.is_empty() {
        return f.step(format!(
            "no CNI agent pod is on {name}: kubectl get daemonsets -A   (is the CNI plugin installed, and does it tolerate the node?)"
        ));
    }
    let mut f = f;
    for p in cni.iter().take(2) {
        let ns = p.metadata.namespace();
        let pod = p.metadata.name();
        f = f
            .with(
                &format!("CNI agent pod {ns}/{pod}"),
                super::workload_pods::pod_state(p),
            )
            .step(format!(
                "kubectl -n {ns} logs {pod} --all-containers --tail=100"
            ));
    }
    f
}

fn problem(ctx: &Ctx, n: &Node, c: &Condition) -> Finding {
    let name = n.metadata.name();
    node_finding(
        "node-problem-condition",
        Severity::Error,
        n,
        format!("node reports {}={}{}", c.type_, c.status, c.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()),
    )
    .explain(format!(
        "{} is not a condition the kubelet sets: a node problem detector reported it. True \
         means the problem is present now (a hung kernel task, a read-only file system, a \
         runtime or kubelet restarting over and over …).",
        c.type_
    ))
    .with(&format!("condition {}", c.type_), condition_text(ctx, c))
    .events(ctx, &[], false)
    .step(format!("kubectl describe node {name}"))
    .step("on the node: journalctl -k -n 100 --no-pager; journalctl -u kubelet -u containerd -n 100 --no-pager")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::{Pane, Severity};
    use serde_json::json;

    fn set(
        mut n: serde_json::Value,
        type_: &str,
        status: &str,
        reason: &str,
        message: &str,
    ) -> serde_json::Value {
        let conds = n["status"]["conditions"].as_array_mut().unwrap();
        conds.retain(|c| c["type"] != type_);
        conds.push(
            json!({"type": type_, "status": status, "reason": reason, "message": message,
            "lastHeartbeatTime": ago(10), "lastTransitionTime": ago(900)}),
        );
        n
    }

    #[test]
    fn healthy_conditions_including_route_created_are_not_flagged() {
        let n = set(
            node("w1", false, VERSION),
            "NetworkUnavailable",
            "False",
            "RouteCreated",
            "RouteController created a route",
        );
        assert!(run(vec![n]).is_empty());
        assert!(
            run(healthy_cluster()).iter().all(|f| f.pane != Pane::Node),
            "{:?}",
            ids(&run(healthy_cluster()))
        );
    }

    #[test]
    fn memory_disk_and_pid_pressure_each_have_their_finding() {
        let n = set(
            node("w1", false, VERSION),
            "MemoryPressure",
            "True",
            "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available",
        );
        let n = set(
            n,
            "DiskPressure",
            "True",
            "KubeletHasDiskPressure",
            "kubelet has disk pressure",
        );
        let n = set(
            n,
            "PIDPressure",
            "True",
            "KubeletHasInsufficientPID",
            "kubelet has insufficient PID available",
        );
        let f = run(vec![n]);
        for (check, step) in [
            ("node-memory-pressure", "free -m"),
            ("node-disk-pressure", "crictl rmi --prune"),
            ("node-pid-pressure", "pid_max"),
        ] {
            let x = one(&f, check);
            assert_eq!((x.pane, x.severity), (Pane::Node, Severity::Error));
            assert!(
                evidence_text(x).contains("since 15m ago"),
                "{}",
                evidence_text(x)
            );
            assert!(x.next_steps.iter().any(|s| s.contains(step)), "{check}");
        }
        assert!(
            one(&f, "node-disk-pressure")
                .summary
                .contains("disk pressure")
        );
    }

    #[test]
    fn network_unavailable_and_node_problem_detector_conditions() {
        let n = set(
            node("w1", false, VERSION),
            "NetworkUnavailable",
            "True",
            "NoRouteCreated",
            "Node created without a route",
        );
        let n = set(
            n,
            "KernelDeadlock",
            "True",
            "DockerHung",
            "kernel: INFO: task docker:20744 blocked for more than 120 seconds.",
        );
        let n = set(
            n,
            "ReadonlyFilesystem",
            "False",
            "FilesystemIsNotReadOnly",
            "Filesystem is not read-only",
        );
        let mut flannel = pod(
            "kube-flannel-ds-x7k2p",
            json!({"nodeName": "w1", "hostNetwork": true,
                "containers": [{"name": "kube-flannel", "image": "docker.io/flannel/flannel:v0.25.1"}]}),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}),
        );
        flannel["metadata"]["namespace"] = json!("kube-flannel");
        flannel["metadata"]["labels"] = json!({"app": "flannel", "k8s-app": "flannel"});
        flannel["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1",
            "kind": "DaemonSet", "name": "kube-flannel-ds", "uid": "ds-uid", "controller": true}]);
        let f = run(vec![n.clone(), flannel]);
        let net = one(&f, "node-network-unavailable");
        assert!(
            net.next_steps
                .iter()
                .any(|s| s == "kubectl -n kube-flannel logs kube-flannel-ds-x7k2p --all-containers --tail=100"),
            "the CNI pod by name, in its own namespace: {:?}",
            net.next_steps
        );
        assert!(
            !net.next_steps.iter().any(|s| s.contains('<')),
            "{:?}",
            net.next_steps
        );
        let f = run(vec![n]);
        let net = one(&f, "node-network-unavailable");
        assert!(
            net.next_steps
                .iter()
                .any(|s| s.contains("no CNI agent pod is on w1")),
            "{:?}",
            net.next_steps
        );
        let p = one(&f, "node-problem-condition");
        assert!(p.summary.contains("KernelDeadlock=True (DockerHung)"));
    }

    #[test]
    fn unknown_conditions_of_a_silent_node_are_left_to_not_ready() {
        let n = set(
            node("w1", false, VERSION),
            "MemoryPressure",
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        );
        assert!(run(vec![n]).is_empty());
    }
}
