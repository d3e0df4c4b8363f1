//! What a node does to its pods: pods evicted from it and why (the kubelet's evictions under
//! pressure, the taint manager's after the node became unreachable), and its own system pods —
//! kube-proxy and the CNI agent of the DaemonSets that make its network — not Ready on it.

use std::collections::BTreeMap;

use crate::findings::{Finding, Severity};
use crate::objects::{Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, secs_since};
use super::node::node_finding;

/// Evictions older than this are history.
const RECENT: i64 = 24 * 3600;
/// A system pod may take this long to become Ready after it starts.
pub(super) const READY_GRACE: i64 = 120;

/// DaemonSets (by name prefix or `k8s-app` label) that make a node's network.
pub(super) const NETWORK_AGENTS: &[&str] = &[
    "kube-proxy",
    "calico-node",
    "cilium",
    "kube-flannel",
    "weave-net",
    "canal",
    "antrea-agent",
    "kube-router",
    "aws-node",
    "kindnet",
    "kube-ovn-cni",
    "ovnkube-node",
];

/// An object check of a node: its evicted pods and its network agents.
pub fn check_node(ctx: &Ctx, n: &crate::objects::Node, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Pod) {
        return;
    }
    let pods: Vec<&Pod> = ctx.snap.pods_on(n.metadata.name()).collect();
    if let Some(f) = evictions(ctx, n, &pods) {
        out.push(f);
    }
    if n.is_ready()
        && let Some(f) = network_agents(ctx, n, &pods)
    {
        out.push(f);
    }
}

/// Why a pod was evicted, or `None` when it was not.
pub fn eviction_reason(pod: &Pod) -> Option<String> {
    let status = pod.status.as_ref()?;
    if status.reason.as_deref() == Some("Evicted") {
        return Some(status.message.as_deref().unwrap_or("Evicted").to_string());
    }
    let c = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "DisruptionTarget" && c.status == "True")?;
    match c.reason.as_deref() {
        Some("DeletionByTaintManager") => Some(format!(
            "deleted by the taint manager: {}",
            c.message
                .as_deref()
                .unwrap_or("a NoExecute taint it does not tolerate")
        )),
        Some("TerminationByKubelet") => Some(format!(
            "terminated by the kubelet: {}",
            c.message.as_deref().unwrap_or("node pressure")
        )),
        _ => None,
    }
}

/// The resource an eviction message names: "The node was low on resource: memory." → memory.
pub fn evicted_for(message: &str) -> Option<&str> {
    let rest = message.split("low on resource: ").nth(1)?;
    let r = rest.split(['.', ',', ' ']).next()?;
    (!r.is_empty()).then_some(r)
}

/// The latest time a pod's record shows (a container's end, else its start).
fn last_seen(p: &Pod) -> Option<crate::objects::Time> {
    let s = p.status.as_ref()?;
    let ends = super::container::statuses(p)
        .filter_map(|(_, c)| c.state.as_ref()?.terminated.as_ref()?.finished_at);
    ends.max()
        .or(s.start_time)
        .or(p.metadata.creation_timestamp)
}

fn evictions(ctx: &Ctx, n: &crate::objects::Node, pods: &[&Pod]) -> Option<Finding> {
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut names = Vec::new();
    let mut recent = false;
    for p in pods {
        let Some(why) = eviction_reason(p) else {
            continue;
        };
        recent |= last_seen(p).is_none_or(|t| secs_since(t.ts(), ctx.now()) <= RECENT);
        let key = match evicted_for(&why) {
            Some(r) => format!("low on {r}"),
            None => why.chars().take(120).collect(),
        };
        *reasons.entry(key).or_default() += 1;
        names.push(format!("{}/{}", p.metadata.namespace(), p.metadata.name()));
    }
    if names.is_empty() {
        return None;
    }
    let name = n.metadata.name();
    let mut f = node_finding(
        "node-evictions",
        if recent {
            Severity::Warning
        } else {
            Severity::Info
        },
        n,
        format!("{} pod(s) were evicted from this node", names.len()),
    )
    .explain(
        "Evicted pods are stopped by the node, not by their application: the kubelet evicts \
         under memory, disk or PID pressure (lowest priority and BestEffort first), and the \
         taint manager removes pods from a node that became unreachable. Their controllers \
         create replacements elsewhere; the evicted pods stay as Failed until deleted.",
    );
    for (reason, count) in &reasons {
        f = f.with("evicted", format!("{count} × {reason}"));
    }
    names.truncate(10);
    f = f.with("pods", names.join(", "));
    Some(
        f.events(ctx, super::node_conditions::PRESSURE_EVENTS, true)
            .step(format!("kubectl get pods -A --field-selector spec.nodeName={name},status.phase=Failed"))
            .step(format!("kubectl describe node {name}"))
            .step(format!("kubectl delete pods -A --field-selector spec.nodeName={name},status.phase=Failed   (clean up, once understood)")),
    )
}

/// Which network agent (kube-proxy or a CNI plugin's node agent) a DaemonSet pod is.
pub(super) fn agent_name(p: &Pod) -> Option<&'static str> {
    let owner = p.metadata.controller().filter(|o| o.kind == "DaemonSet")?;
    let app = p.metadata.label("k8s-app").unwrap_or("");
    NETWORK_AGENTS
        .iter()
        .copied()
        .find(|a| owner.name.starts_with(a) || app == *a)
}

fn network_agents(ctx: &Ctx, n: &crate::objects::Node, pods: &[&Pod]) -> Option<Finding> {
    let mut bad = Vec::new();
    for p in pods {
        let Some(agent) = agent_name(p) else { continue };
        if p.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let ready = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        if ready {
            continue;
        }
        // Only a pod that is not ready reads the clock (the engine re-checks those as time
        // passes).
        let started = p
            .status
            .as_ref()
            .and_then(|s| s.start_time)
            .map(|t| secs_since(t.ts(), ctx.now()))
            .unwrap_or(i64::MAX);
        if started < READY_GRACE {
            continue;
        }
        let state = super::container::statuses(p)
            .find_map(|(_, c)| super::container::waiting_reason(c).map(str::to_string))
            .unwrap_or_else(|| {
                p.status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .unwrap_or("not ready")
                    .to_string()
            });
        bad.push((agent, p, state));
    }
    if bad.is_empty() {
        return None;
    }
    let name = n.metadata.name();
    let agents: Vec<&str> = bad.iter().map(|(a, _, _)| *a).collect();
    let mut f = node_finding(
        "node-network-agent-not-ready",
        Severity::Error,
        n,
        format!("{} not ready on this node", agents.join(", ")),
    )
    .explain(
        "The node's own network agents are not Ready: without kube-proxy Service addresses do \
         not work from this node; without the CNI agent new pods here get no network \
         (ContainerCreating with FailedCreatePodSandBox) and routes to other nodes may be missing.",
    );
    for (_, p, state) in &bad {
        f = f.with(
            &format!("pod {}/{}", p.metadata.namespace(), p.metadata.name()),
            state.clone(),
        );
    }
    let (_, first, _) = bad[0];
    Some(
        f.step(format!(
            "kubectl -n {} describe pod {}",
            first.metadata.namespace(),
            first.metadata.name()
        ))
        .step(format!(
            "kubectl -n {} logs {} --tail=100",
            first.metadata.namespace(),
            first.metadata.name()
        ))
        .step(format!(
            "kubectl get pods -A -o wide --field-selector spec.nodeName={name}"
        )),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use super::*;
    use crate::findings::Severity;
    use serde_json::json;

    fn evicted(name: &str, node: &str, message: &str) -> serde_json::Value {
        pod(
            name,
            json!({"nodeName": node, "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed", "reason": "Evicted", "message": message, "startTime": ago(7200)}),
        )
    }

    #[test]
    fn evictions_are_grouped_by_resource() {
        let mut c = healthy_cluster();
        c.push(evicted("a", "worker-1", "The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. Container app was using 3Gi, which exceeds its request of 0."));
        c.push(evicted(
            "b",
            "worker-1",
            "The node was low on resource: ephemeral-storage. ",
        ));
        c.push(evicted(
            "c",
            "worker-1",
            "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.",
        ));
        let f = run(c);
        let e = one(&f, "node-evictions");
        assert_eq!(
            (e.object.name.as_str(), e.severity),
            ("worker-1", Severity::Warning)
        );
        let ev = evidence_text(e);
        assert!(ev.contains("evicted: 2 × low on ephemeral-storage"), "{ev}");
        assert!(ev.contains("evicted: 1 × low on memory"), "{ev}");
        assert_eq!(
            evicted_for("The node was low on resource: memory."),
            Some("memory")
        );
    }

    #[test]
    fn a_kube_proxy_that_is_not_ready_on_a_ready_node() {
        let mut c = healthy_cluster();
        let mut p = kube_proxy("worker-2", VERSION);
        let name = p["metadata"]["name"].as_str().unwrap().to_string();
        p["status"]["conditions"][0]["status"] = json!("False");
        p["status"]["containerStatuses"][0]["ready"] = json!(false);
        p["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}});
        replace(&mut c, &name, p);
        let f = run(c);
        let a = one(&f, "node-network-agent-not-ready");
        assert_eq!(a.object.name, "worker-2");
        assert!(evidence_text(a).contains("CrashLoopBackOff"));
        assert!(
            run(healthy_cluster())
                .iter()
                .all(|x| x.check != "node-network-agent-not-ready")
        );
    }
}
