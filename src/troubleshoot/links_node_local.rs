//! Root-cause links from what kmedic read on a node to the cluster-side symptoms it explains,
//! applied where both meet (the Troubleshoot view in node-local mode): a control-plane
//! component the API shows missing or failing on that node ← its static pod manifest that the
//! node shows broken (a flag naming a file that does not exist, YAML that does not parse…);
//! the node NotReady or silent in the API ← the kubelet not running on it, or what stops it.

use crate::findings::{CauseRef, Finding};
use crate::node::analyze::links::{KUBELET_ROOTS, MANIFEST_ROOTS, component_of_manifest};

/// Cluster checks about a control-plane component's mirror pod on one node.
const COMPONENT_SYMPTOMS: [&str; 3] = [
    "cp-component-missing",
    "cp-component-failing",
    "cp-component-restarts",
];

/// Cluster checks about a node the kubelet does not report for.
const NODE_SYMPTOMS: [&str; 2] = ["node-not-ready", "node-heartbeat-stale"];

/// Manifest problems that stop every static pod, not one component.
const ALL_COMPONENTS: [&str; 2] = ["static-pod-path-wrong", "static-pod-path-not-mounted"];

fn cause(f: &Finding) -> CauseRef {
    CauseRef {
        check: f.check.clone(),
        object: f.object.clone(),
    }
}

/// `findings[..from]` are the cluster's, `findings[from..]` were read on node `node`. Node-local
/// causes go first in a symptom's `caused_by`: they are what the node itself shows.
pub fn link(findings: &mut [Finding], from: usize, node: &str) {
    let from = from.min(findings.len());
    let (cluster, local) = findings.split_at_mut(from);
    let manifest_roots: Vec<(Option<&str>, CauseRef)> = local
        .iter()
        .filter(|f| MANIFEST_ROOTS.contains(&f.check.as_str()))
        .map(|f| {
            let component = if ALL_COMPONENTS.contains(&f.check.as_str()) {
                None
            } else {
                component_of_manifest(&f.object.name)
            };
            (component, cause(f))
        })
        .collect();
    // The kubelet not running first (its own causes are linked on the node), then what
    // stops it.
    let kubelet_roots: Vec<CauseRef> = local
        .iter()
        .filter(|f| f.check == "kubelet-not-running")
        .chain(
            local
                .iter()
                .filter(|f| KUBELET_ROOTS.contains(&f.check.as_str())),
        )
        .chain(
            local
                .iter()
                .filter(|f| f.check == "kubelet-client-cert-expired"),
        )
        .map(cause)
        .collect();
    for f in cluster.iter_mut() {
        let mut causes: Vec<CauseRef> = Vec::new();
        if COMPONENT_SYMPTOMS.contains(&f.check.as_str())
            && f.object.kind == "Pod"
            && f.object.namespace == "kube-system"
            && let Some(component) = f
                .object
                .name
                .strip_suffix(node)
                .and_then(|n| n.strip_suffix('-'))
        {
            causes.extend(
                manifest_roots
                    .iter()
                    .filter(|(c, _)| c.is_none_or(|c| c == component))
                    .map(|(_, cause)| cause.clone()),
            );
        }
        if NODE_SYMPTOMS.contains(&f.check.as_str())
            && f.object.kind == "Node"
            && f.object.name == node
        {
            causes.extend(kubelet_roots.iter().cloned());
        }
        causes.retain(|c| !f.caused_by.contains(c));
        if !causes.is_empty() {
            causes.append(&mut f.caused_by);
            f.caused_by = causes;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::findings::{ObjectRef, Pane, Severity};

    fn f(pane: Pane, check: &str, object: ObjectRef) -> Finding {
        Finding {
            pane,
            check: check.into(),
            severity: Severity::Error,
            object,
            summary: String::new(),
            explanation: String::new(),
            evidence: Vec::new(),
            next_steps: Vec::new(),
            caused_by: Vec::new(),
        }
    }

    fn file(path: &str) -> ObjectRef {
        ObjectRef::new("File", "", path)
    }

    #[test]
    fn component_symptoms_of_this_node_point_at_its_manifest() {
        let scheduler = ObjectRef::new("Pod", "kube-system", "kube-scheduler-cp-1");
        let other_node = ObjectRef::new("Pod", "kube-system", "kube-scheduler-cp-2");
        let apiserver = ObjectRef::new("Pod", "kube-system", "kube-apiserver-cp-1");
        let manifest = file("/etc/kubernetes/manifests/kube-scheduler.yaml");
        let mut all = vec![
            f(Pane::ControlPlane, "cp-component-failing", scheduler),
            f(Pane::ControlPlane, "cp-component-failing", other_node),
            f(Pane::ControlPlane, "cp-component-missing", apiserver),
            f(
                Pane::ControlPlane,
                "static-pod-file-missing",
                manifest.clone(),
            ),
        ];
        link(&mut all, 3, "cp-1");
        assert_eq!(all[0].caused_by.len(), 1);
        assert_eq!(all[0].caused_by[0].check, "static-pod-file-missing");
        assert_eq!(all[0].caused_by[0].object, manifest);
        assert!(all[1].caused_by.is_empty(), "another node's pod");
        assert!(all[2].caused_by.is_empty(), "another component");
        let groups = crate::troubleshoot::group_by_root(&all);
        let root = groups.iter().find(|g| g.root == 3).unwrap();
        assert_eq!(root.symptoms, vec![0]);
    }

    #[test]
    fn a_node_not_ready_points_at_the_kubelet_and_what_stops_it() {
        let node = ObjectRef::new("Node", "", "worker-1");
        let mut kubelet_down = f(
            Pane::Node,
            "kubelet-not-running",
            ObjectRef::new("SystemdUnit", "", "kubelet.service"),
        );
        let swap = f(
            Pane::Node,
            "swap-on",
            ObjectRef::new("Node", "", "worker-1"),
        );
        kubelet_down.caused_by.push(cause(&swap));
        let mut all = vec![
            f(Pane::Node, "node-not-ready", node.clone()),
            f(
                Pane::Node,
                "node-not-ready",
                ObjectRef::new("Node", "", "worker-2"),
            ),
            kubelet_down,
            swap,
        ];
        link(&mut all, 2, "worker-1");
        let checks: Vec<&str> = all[0].caused_by.iter().map(|c| c.check.as_str()).collect();
        assert_eq!(checks, ["kubelet-not-running", "swap-on"]);
        assert!(all[1].caused_by.is_empty());
        // One chain: swap → kubelet → node NotReady.
        let groups = crate::troubleshoot::group_by_root(&all);
        let root = groups.iter().find(|g| g.root == 3).unwrap();
        assert_eq!(root.symptoms, vec![0, 2]);
        // Linking twice adds nothing.
        link(&mut all, 2, "worker-1");
        assert_eq!(all[0].caused_by.len(), 2);
    }
}
