//! Root-cause links of the network pane: a network agent's DaemonSet not ready ← its pods'
//! own failures (or their nodes'); a node's "network agent not ready" ← that DaemonSet's
//! finding (one root, seen from the node); a pod whose sandbox network fails ← the CNI
//! agent not ready on its node; an Ingress backend with no ready endpoints ← the backend
//! Service's own finding (no pods selected, pods not ready).

use std::collections::HashMap;

use crate::findings::{CauseRef, Finding};

use super::Ctx;
use super::links::{Key, causes_of, key_of, pod_causes};
use super::service::is_ready;

/// The (finding index, causes) pairs these rules add.
pub fn links(
    ctx: &Ctx,
    index: &HashMap<Key, Vec<usize>>,
    findings: &[Finding],
) -> Vec<(usize, Vec<CauseRef>)> {
    let mut out = ingress_backends(ctx, index, findings);
    // Nodes where each agent DaemonSet with a finding is down.
    let mut agents_down: Vec<(CauseRef, Vec<String>, bool)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if f.check != "dataplane-agent-not-ready" {
            continue;
        }
        let (ns, name) = (f.object.namespace.as_str(), f.object.name.as_str());
        let Some(ds) = ctx.snap.daemonsets.find(ns, name) else {
            continue;
        };
        let Some(uid) = ds.metadata.uid.as_deref() else {
            continue;
        };
        let mut causes = Vec::new();
        let mut nodes = Vec::new();
        for p in ctx.snap.pods_owned_by(uid) {
            if is_ready(p) {
                continue;
            }
            let node = p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or("");
            nodes.push(node.to_string());
            causes.extend(
                pod_causes(index, findings, ns, (p.metadata.name(), node))
                    .into_iter()
                    .filter(|c| c.check != "node-network-agent-not-ready"),
            );
        }
        agents_down.push((
            CauseRef {
                check: f.check.clone(),
                object: f.object.clone(),
            },
            nodes,
            name.starts_with("kube-proxy"),
        ));
        if !causes.is_empty() {
            causes.truncate(10);
            out.push((i, causes));
        }
    }
    if agents_down.is_empty() {
        return out;
    }
    for (i, f) in findings.iter().enumerate() {
        let node = match (f.object.kind.as_str(), f.check.as_str()) {
            ("Node", "node-network-agent-not-ready") => f.object.name.clone(),
            ("Pod", "pod-sandbox-network") => {
                let Some(p) = ctx.snap.pods.find(&f.object.namespace, &f.object.name) else {
                    continue;
                };
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .unwrap_or("")
                    .to_string()
            }
            _ => continue,
        };
        let sandbox = f.check == "pod-sandbox-network";
        let causes: Vec<CauseRef> = agents_down
            .iter()
            .filter(|(_, nodes, kube_proxy)| nodes.contains(&node) && !(sandbox && *kube_proxy))
            .map(|(c, _, _)| c.clone())
            .collect();
        if !causes.is_empty() {
            out.push((i, causes));
        }
    }
    out
}

/// An Ingress whose backend Service has no ready endpoint ← that Service's findings.
fn ingress_backends(
    ctx: &Ctx,
    index: &HashMap<Key, Vec<usize>>,
    findings: &[Finding],
) -> Vec<(usize, Vec<CauseRef>)> {
    let mut out = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if f.check != super::ingress_backend_ready::CHECK {
            continue;
        }
        let ns = f.object.namespace.as_str();
        let Some(ing) = ctx.snap.ingresses.find(ns, &f.object.name) else {
            continue;
        };
        let mut causes: Vec<CauseRef> = Vec::new();
        for svc in ing.backends().filter_map(|b| b.service.as_ref()) {
            for c in causes_of(index, findings, &key_of("Service", ns, &svc.name)) {
                if !causes.contains(&c) {
                    causes.push(c);
                }
            }
        }
        if !causes.is_empty() {
            out.push((i, causes));
        }
    }
    out
}
