//! A node's page: what the UI shows when the user opens one node — the node, its pods, its
//! recent events and every finding about it (the node itself, its pods, its heartbeat Lease,
//! and the findings it causes). Pure: gathered from the snapshot and the current findings.
//! Node-local findings (from reading the node's files) will join through the same filter:
//! they are about the Node object.

use std::collections::HashSet;

use crate::findings::Finding;
use crate::objects::{Event, Node, Pod};

use super::snapshot::Snapshot;

/// Everything known about one node.
#[derive(Debug, Clone)]
pub struct NodePage<'a> {
    /// `None` when no node of that name is in the snapshot.
    pub node: Option<&'a Node>,
    /// Pods scheduled on it, by namespace and name.
    pub pods: Vec<&'a Pod>,
    /// Events about the node, newest first.
    pub events: Vec<&'a Event>,
    /// Findings about the node, its pods and its lease, in the order given (root causes first).
    pub findings: Vec<&'a Finding>,
}

/// Gathers the page of node `name`: costs its pods and the findings, never all pods.
pub fn node_page<'a>(snap: &'a Snapshot, findings: &'a [Finding], name: &str) -> NodePage<'a> {
    let mut pods: Vec<&Pod> = if name.is_empty() {
        Vec::new()
    } else {
        snap.pods_on(name).collect()
    };
    pods.sort_by(|a, b| {
        (a.metadata.namespace(), a.metadata.name())
            .cmp(&(b.metadata.namespace(), b.metadata.name()))
    });
    let on_node: Vec<(&str, &str)> = pods
        .iter()
        .map(|p| (p.metadata.namespace(), p.metadata.name()))
        .collect();
    NodePage {
        node: snap.node(name),
        events: snap.events_for("Node", "", name).collect(),
        findings: node_findings(findings, name, &on_node)
            .into_iter()
            .filter_map(|i| findings.get(i))
            .collect(),
        pods,
    }
}

/// Indexes of the findings about node `name`: the node itself, the pods on it (`pods`, as
/// namespace and name), its heartbeat Lease, and the findings its own findings cause.
pub fn node_findings(findings: &[Finding], name: &str, pods: &[(&str, &str)]) -> Vec<usize> {
    let on_node: HashSet<(&str, &str)> = pods.iter().copied().collect();
    let about = |f: &Finding| {
        let o = &f.object;
        (o.kind == "Node" && o.name == name)
            || (o.kind == "Pod" && on_node.contains(&(o.namespace.as_str(), o.name.as_str())))
            || (o.kind == "Lease" && o.namespace == "kube-node-lease" && o.name == name)
            || f.caused_by
                .iter()
                .any(|c| c.object.kind == "Node" && c.object.name == name)
    };
    findings
        .iter()
        .enumerate()
        .filter(|(_, f)| about(f))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use super::super::{Options, Snapshot, analyze};
    use super::*;
    use serde_json::json;

    #[test]
    fn the_page_holds_the_nodes_pods_events_and_findings() {
        let mut c = healthy_cluster();
        let mut w = node("worker-1", false, VERSION);
        w["status"]["conditions"][1] = json!({"type": "DiskPressure", "status": "True", "reason": "KubeletHasDiskPressure",
            "message": "kubelet has disk pressure", "lastTransitionTime": ago(600)});
        replace(&mut c, "worker-1", w);
        c.push(pod("evicted-1", json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: ephemeral-storage. "})));
        c.push(json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "worker-1.evict", "namespace": "default", "uid": "e1"},
            "involvedObject": {"kind": "Node", "name": "worker-1"},
            "reason": "EvictionThresholdMet", "message": "Attempting to reclaim ephemeral-storage", "type": "Warning",
            "lastTimestamp": ago(100)}));
        let snap = Snapshot::from_objects(c);
        let findings = analyze(&snap, now(), &Options::default());
        let page = node_page(&snap, &findings, "worker-1");
        assert_eq!(page.node.map(|n| n.metadata.name()), Some("worker-1"));
        let pods: Vec<&str> = page.pods.iter().map(|p| p.metadata.name()).collect();
        assert!(pods.contains(&"evicted-1") && pods.len() == 2, "{pods:?}");
        assert_eq!(page.events.len(), 1);
        let checks: Vec<&str> = page.findings.iter().map(|f| f.check.as_str()).collect();
        assert!(checks.contains(&"node-disk-pressure"), "{checks:?}");
        assert!(checks.contains(&"pod-evicted"), "{checks:?}");
        assert!(checks.contains(&"node-evictions"), "{checks:?}");
        let other = node_page(&snap, &findings, "worker-2");
        assert!(other.findings.is_empty() && other.events.is_empty() && other.pods.len() == 1);
        assert!(node_page(&snap, &findings, "nope").node.is_none());
    }
}
