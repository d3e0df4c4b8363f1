//! Root-cause links of the node pane: every node NotReady while the API server (or etcd) is
//! down is the API server's outage, not the nodes'; evictions from a node under memory, disk
//! or PID pressure fold under that pressure.

use crate::findings::{CauseRef, Finding};

use super::Ctx;
use super::links_cp::{API_DOWN, Links, cause};
use super::node_pods::{evicted_for, eviction_reason};

/// All nodes NotReady while the API server is down: the outage is the API server's (or
/// etcd's), not the nodes'.
pub(super) fn outage(ctx: &Ctx, l: &mut Links) {
    let total = ctx.snap.nodes.len();
    let not_ready = ctx.snap.nodes.iter().filter(|n| !n.is_ready()).count();
    if total == 0 || not_ready < total {
        return;
    }
    let mut roots: Vec<CauseRef> = l.with_check(API_DOWN).map(|(_, f)| cause(f)).collect();
    roots.extend(l.down("kube-apiserver"));
    roots.extend(l.down("etcd"));
    if roots.is_empty() {
        return;
    }
    let idx: Vec<usize> = l
        .with_check(&["node-not-ready", "node-heartbeat-stale", "node-not-tainted"])
        .map(|(i, _)| i)
        .collect();
    for i in idx {
        l.add(i, roots.clone());
    }
}

/// Evictions from a node under pressure ← that pressure.
pub(super) fn node_pressure(ctx: &Ctx, l: &mut Links) {
    let pressure: Vec<(usize, &Finding)> = l
        .with_check(&[
            "node-memory-pressure",
            "node-disk-pressure",
            "node-pid-pressure",
        ])
        .collect();
    if pressure.is_empty() {
        return;
    }
    let on_node = |node: &str, resource: Option<&str>| -> Vec<CauseRef> {
        pressure
            .iter()
            .filter(|(_, f)| f.object.name == node)
            .filter(|(_, f)| {
                resource.is_none_or(|r| {
                    matches!(
                        (f.check.as_str(), r),
                        ("node-memory-pressure", "memory")
                            | (
                                "node-disk-pressure",
                                "ephemeral-storage" | "nodefs" | "imagefs"
                            )
                            | ("node-pid-pressure", "pids")
                    )
                })
            })
            .map(|(_, f)| cause(f))
            .collect()
    };
    let mut add = Vec::new();
    for (i, f) in l.findings.iter().enumerate() {
        match f.check.as_str() {
            "node-evictions" | "node-warning-events" => {
                add.push((i, on_node(&f.object.name, None)))
            }
            "pod-evicted" => {
                let Some(p) = ctx.snap.pods.find(&f.object.namespace, &f.object.name) else {
                    continue;
                };
                let node = super::cp_pods::node_of(p);
                let why = eviction_reason(p).unwrap_or_default();
                let resource = evicted_for(&why);
                let mut c = on_node(node, resource);
                if c.is_empty() && resource.is_none() {
                    c = on_node(node, None);
                }
                add.push((i, c));
            }
            _ => {}
        }
    }
    for (i, c) in add {
        l.add(i, c);
    }
}
