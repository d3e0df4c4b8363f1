//! Pods stuck in ContainerCreating because their sandbox's network cannot be set up (§NET
//! X10–X13): the `FailedCreatePodSandBox` warnings classified from the runtime's and the CNI
//! plugins' own messages: the IP pool of the node is exhausted, no CNI configuration is
//! installed (`cni config uninitialized`, `no networks found in /etc/cni/net.d`), a plugin
//! binary is missing (`failed to find plugin "x" in path [/opt/cni/bin]`), the CNI agent's
//! own state is missing (flannel's `/run/flannel/subnet.env`), or another plugin error.
//! Volume problems of the same pods stay in the App pane (`pod-stuck-creating`).

use crate::objects::Pod;

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj, secs_since};
use super::container::{statuses, waiting_reason};
use crate::findings::{Finding, Severity};

/// What a sandbox network error means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxProblem {
    IpPoolExhausted,
    CniConfigMissing,
    PluginBinaryMissing(String),
    AgentStateMissing(String),
    Other,
}

impl SandboxProblem {
    fn headline(&self) -> String {
        match self {
            SandboxProblem::IpPoolExhausted => "the node's pod IP pool is exhausted".into(),
            SandboxProblem::CniConfigMissing => "no CNI configuration on the node".into(),
            SandboxProblem::PluginBinaryMissing(p) => format!("CNI plugin binary {p} is missing"),
            SandboxProblem::AgentStateMissing(f) => {
                format!("the CNI agent's state file {f} is missing")
            }
            SandboxProblem::Other => "the CNI plugin failed to set up the pod's network".into(),
        }
    }

    fn explanation(&self) -> &'static str {
        match self {
            SandboxProblem::IpPoolExhausted => {
                "The IPAM plugin has no free address left in the node's range (host-local's \
                 podCIDR, the cloud's secondary IPs or the plugin's IP blocks): addresses of \
                 deleted pods may not have been released, or the node runs more pods than its \
                 range holds."
            }
            SandboxProblem::CniConfigMissing => {
                "The container runtime found no network configuration in /etc/cni/net.d: the \
                 CNI plugin is not installed on this node, or its agent (DaemonSet) has not \
                 written its config yet."
            }
            SandboxProblem::PluginBinaryMissing(_) => {
                "The CNI configuration names a plugin whose binary is not in the runtime's \
                 plugin directory (/opt/cni/bin): the plugin's install step did not run on \
                 this node."
            }
            SandboxProblem::AgentStateMissing(_) => {
                "The CNI plugin reads a file its node agent writes when it starts; the agent \
                 is not running (or not ready) on this node."
            }
            SandboxProblem::Other => {
                "The runtime could not create the pod sandbox because the CNI plugin returned \
                 an error; the message says which plugin and why."
            }
        }
    }
}

/// Classifies one `FailedCreatePodSandBox` message.
pub fn classify(message: &str) -> SandboxProblem {
    let m = message.to_ascii_lowercase();
    if m.contains("no ip addresses available")
        || m.contains("failed to allocate for range")
        || m.contains("no more free affinity blocks")
        || m.contains("failed to assign an ip address")
        || m.contains("ip pool exhausted")
        || m.contains("no available ip")
        || m.contains("range is full")
    {
        return SandboxProblem::IpPoolExhausted;
    }
    if let Some(i) = m.find("failed to find plugin \"") {
        let rest = &message[i + "failed to find plugin \"".len()..];
        let name = rest.split('"').next().unwrap_or("").to_string();
        return SandboxProblem::PluginBinaryMissing(name);
    }
    if m.contains("cni config uninitialized")
        || m.contains("no networks found in")
        || m.contains("cni plugin not initialized")
        || m.contains("network plugin is not ready")
    {
        return SandboxProblem::CniConfigMissing;
    }
    if let Some(i) = m.find("open /run/") {
        let rest = &message[i + "open ".len()..];
        let file = rest.split(':').next().unwrap_or("").to_string();
        if m.contains("no such file or directory") {
            return SandboxProblem::AgentStateMissing(file);
        }
    }
    SandboxProblem::Other
}

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    out.extend(sandbox(ctx, pod));
}

fn sandbox(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let stuck = statuses(pod).any(|(_, c)| {
        matches!(
            waiting_reason(c),
            Some("ContainerCreating") | Some("PodInitializing")
        )
    }) || (pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending")
        && pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty()));
    if !stuck {
        return None;
    }
    let started = pod
        .status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .or(pod.metadata.creation_timestamp.as_ref())
        .map(|t| t.ts())?;
    let waited = secs_since(started, ctx.now());
    if waited < ctx.opts.creating_grace.as_secs() as i64 {
        return None;
    }
    let o = obj("Pod", &pod.metadata);
    let warnings: Vec<_> = ctx
        .snap
        .events_for("Pod", &o.namespace, &o.name)
        .filter(|e| e.is_warning() && e.reason == "FailedCreatePodSandBox")
        .collect();
    let latest = warnings.first()?;
    // The most specific of the recent messages (a generic one often follows the real one).
    let problem = warnings
        .iter()
        .map(|e| classify(&e.message))
        .min_by_key(|p| match p {
            SandboxProblem::Other => 1,
            _ => 0,
        })
        .unwrap_or_else(|| classify(&latest.message));
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("");
    let nsf = ns_flag(&o.namespace);
    let mut f = net(
        "pod-sandbox-network",
        Severity::Error,
        o.clone(),
        format!(
            "stuck in ContainerCreating for {}: {}",
            crate::model::age::format_seconds(waited),
            problem.headline()
        ),
    )
    .explain(problem.explanation());
    if !node.is_empty() {
        f = f.with("node", node.to_string());
    }
    for e in warnings.iter().take(super::build::MAX_EVENTS) {
        f.evidence.push(e.evidence(ctx.now()));
    }
    f = f.step(format!("kubectl describe pod {}{nsf}", o.name));
    if !node.is_empty() {
        f = f.step(format!(
            "kubectl get pods -A -o wide --field-selector spec.nodeName={node}   (is the CNI agent running there?)"
        ));
    }
    f = match &problem {
        SandboxProblem::IpPoolExhausted if !node.is_empty() => f.step(format!(
            "kubectl get node {node} -o jsonpath='{{.spec.podCIDR}}'; on the node: ls /var/lib/cni/networks/*/ | wc -l"
        )),
        SandboxProblem::CniConfigMissing => f.step("on the node: ls -l /etc/cni/net.d/"),
        SandboxProblem::PluginBinaryMissing(p) => {
            f.step(format!("on the node: ls -l /opt/cni/bin/{p}"))
        }
        _ => f,
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn real_messages_are_classified() {
        assert_eq!(
            classify(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"4f1c\": plugin type=\"bridge\" name=\"cbr0\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254"
            ),
            SandboxProblem::IpPoolExhausted
        );
        assert_eq!(
            classify(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"9a\": failed to find plugin \"flannel\" in path [/opt/cni/bin]"
            ),
            SandboxProblem::PluginBinaryMissing("flannel".into())
        );
        assert_eq!(
            classify(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"1\": cni plugin not initialized"
            ),
            SandboxProblem::CniConfigMissing
        );
        assert_eq!(
            classify(
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"2\": plugin type=\"flannel\" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory"
            ),
            SandboxProblem::AgentStateMissing("/run/flannel/subnet.env".into())
        );
        assert_eq!(
            classify("Failed to create pod sandbox: rpc error: code = DeadlineExceeded"),
            SandboxProblem::Other
        );
    }

    fn creating_pod() -> serde_json::Value {
        pod(
            "web",
            json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Pending", "startTime": ago(900),
                "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                    "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        )
    }

    #[test]
    fn a_pod_without_sandbox_network_is_reported_on_the_network_pane_only() {
        let f = run(vec![
            creating_pod(),
            event(
                "web",
                "FailedCreatePodSandBox",
                "Warning",
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"4f\": failed to find plugin \"calico\" in path [/opt/cni/bin]",
                30,
            ),
        ]);
        let s = one(&f, "pod-sandbox-network");
        assert_eq!(s.pane, crate::findings::Pane::Network);
        assert!(s.summary.contains("calico is missing"), "{}", s.summary);
        assert!(
            s.next_steps
                .iter()
                .any(|x| x.contains("/opt/cni/bin/calico"))
        );
        assert!(
            f.iter().all(|x| x.check != "pod-stuck-creating"),
            "{:?}",
            ids(&f)
        );
    }

    #[test]
    fn volume_waits_and_young_pods_are_not_network_problems() {
        let f = run(vec![
            creating_pod(),
            event(
                "web",
                "FailedMount",
                "Warning",
                "MountVolume.SetUp failed for volume \"cfg\" : configmap \"cfg\" not found",
                30,
            ),
        ]);
        assert!(
            f.iter().all(|x| x.check != "pod-sandbox-network"),
            "{:?}",
            ids(&f)
        );
        let mut young = creating_pod();
        young["status"]["startTime"] = json!(ago(30));
        let f = run(vec![
            young,
            event(
                "web",
                "FailedCreatePodSandBox",
                "Warning",
                "cni plugin not initialized",
                10,
            ),
        ]);
        assert!(f.is_empty(), "{:?}", ids(&f));
    }
}
