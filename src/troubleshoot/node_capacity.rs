//! N11: capacity, allocatable and requested, node by node — the numbers of `kubectl describe
//! node`'s "Allocated resources". Requests above allocatable (possible for static pods, pods
//! bound by nodeName, or after the reserved resources grew) over-commit the node; at 95 % of
//! a resource or of the pod limit it is full for the scheduler. Also the largest allocatable
//! of any node, which says whether a pod's request can ever fit (the pod side of that is the
//! application pane's).

use crate::findings::{Finding, Severity};
use crate::model::quantity::{humanize_bytes, parse_quantity};
use crate::objects::{Kind, Node, Pod};

use super::Ctx;
use super::build::FindingExt;
use super::node::node_finding;
use super::snapshot::Snapshot;

const FULL: f64 = 0.95;

/// A pod's effective request of `resource` as the scheduler counts it: the larger of its
/// containers' (plus sidecars') sum and its largest init container.
pub fn pod_request(pod: &Pod, resource: &str) -> f64 {
    let Some(spec) = pod.spec.as_ref() else {
        return 0.0;
    };
    let req = |c: &crate::objects::Container| {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get(resource))
            .and_then(|q| parse_quantity(&q.0))
            .unwrap_or(0.0)
    };
    let inits = spec.init_containers.iter().flatten();
    let sidecars: f64 = inits
        .clone()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .map(req)
        .sum();
    let main: f64 = spec.containers.iter().map(req).sum::<f64>() + sidecars;
    let init_max = inits
        .filter(|c| c.restart_policy.as_deref() != Some("Always"))
        .map(req)
        .fold(0.0, f64::max);
    main.max(init_max)
}

fn allocatable(n: &Node, resource: &str) -> Option<f64> {
    n.status
        .as_ref()?
        .allocatable
        .as_ref()?
        .get(resource)
        .and_then(|q| parse_quantity(&q.0))
}

/// The largest allocatable of `resource` on any schedulable node, and that node.
pub fn largest_allocatable<'a>(snap: &'a Snapshot, resource: &str) -> Option<(f64, &'a str)> {
    snap.nodes
        .iter()
        .filter(|n| !super::node::is_cordoned(n))
        .filter_map(|n| Some((allocatable(n, resource)?, n.metadata.name())))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

fn active(p: &Pod) -> bool {
    !matches!(
        p.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn show(resource: &str, v: f64) -> String {
    if resource == "memory" {
        humanize_bytes(v)
    } else if resource == "cpu" {
        format!("{:.2} cores", v)
    } else {
        format!("{v:.0}")
    }
}

/// An object check of a node: the requests of the pods on it against its allocatable.
pub fn check_node(ctx: &Ctx, n: &Node, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Pod) {
        return;
    }
    {
        let pods: Vec<&Pod> = ctx
            .snap
            .pods_on(n.metadata.name())
            .filter(|p| active(p))
            .collect();
        if pods.is_empty() {
            return;
        }
        let mut over = Vec::new();
        let mut full = Vec::new();
        let mut evidence = Vec::new();
        for r in ["cpu", "memory"] {
            let Some(alloc) = allocatable(n, r).filter(|a| *a > 0.0) else {
                continue;
            };
            let used: f64 = pods.iter().map(|p| pod_request(p, r)).sum();
            let ratio = used / alloc;
            evidence.push((
                format!("{r} requested / allocatable"),
                format!(
                    "{} / {} ({:.0}%)",
                    show(r, used),
                    show(r, alloc),
                    ratio * 100.0
                ),
            ));
            if ratio > 1.0 {
                over.push(r);
            } else if ratio >= FULL {
                full.push(r);
            }
        }
        if let Some(max) = allocatable(n, "pods").filter(|m| *m > 0.0) {
            let count = pods.len() as f64;
            evidence.push((
                "pods / allocatable".to_string(),
                format!("{} / {max:.0}", pods.len()),
            ));
            if count >= max {
                full.push("pods");
            }
        }
        let name = n.metadata.name();
        let f = if !over.is_empty() {
            node_finding(
                "node-overcommitted",
                Severity::Error,
                n,
                format!(
                    "node is over-committed: {} requested beyond allocatable",
                    over.join(" and ")
                ),
            )
            .explain(
                "The pods on this node request more than it can allocate. The scheduler never \
                 does this: pods bound by nodeName or static pods bypassed it, or the node's \
                 reserved resources grew. Under load the kubelet evicts or OOM-kills pods here.",
            )
        } else if !full.is_empty() {
            node_finding(
                "node-capacity-full",
                Severity::Warning,
                n,
                format!("node is full for the scheduler: {}", full.join(", ")),
            )
            .explain(
                "Requests (or the pod count) are at the node's allocatable: new pods will not \
                 be placed here, and pods that need this node will stay Pending.",
            )
        } else {
            return;
        };
        let mut f = f;
        for (label, value) in evidence {
            f = f.with(&label, value);
        }
        out.push(
            f.step(format!(
                "kubectl describe node {name} | grep -A 10 'Allocated resources'"
            ))
            .step(format!(
                "kubectl get pods -A -o wide --field-selector spec.nodeName={name}"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use super::*;
    use crate::findings::Severity;
    use serde_json::json;

    fn hungry(name: &str, node: &str, cpu: &str, memory: &str) -> serde_json::Value {
        pod(
            name,
            json!({"nodeName": node, "containers": [{"name": "app", "image": "x",
                "resources": {"requests": {"cpu": cpu, "memory": memory}}}],
                "initContainers": [{"name": "init", "image": "x", "resources": {"requests": {"cpu": "8"}}}]}),
            json!({"phase": "Running"}),
        )
    }

    #[test]
    fn requests_are_counted_like_the_scheduler() {
        let p: Pod = serde_json::from_value(hungry("a", "n", "500m", "1Gi")).unwrap();
        assert_eq!(pod_request(&p, "cpu"), 8.0);
        assert_eq!(pod_request(&p, "memory"), 1024.0 * 1024.0 * 1024.0);
    }

    #[test]
    fn over_committed_and_full_nodes() {
        let mut c = healthy_cluster();
        c.push(pod(
            "big",
            json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x",
            "resources": {"requests": {"cpu": "3", "memory": "9Gi"}}}]}),
            json!({"phase": "Running"}),
        ));
        c.push(pod(
            "most",
            json!({"nodeName": "worker-2", "containers": [{"name": "app", "image": "x",
            "resources": {"requests": {"cpu": "3900m", "memory": "1Gi"}}}]}),
            json!({"phase": "Running"}),
        ));
        c.push(pod(
            "done",
            json!({"nodeName": "worker-2", "containers": [{"name": "app", "image": "x",
            "resources": {"requests": {"cpu": "4"}}}]}),
            json!({"phase": "Succeeded"}),
        ));
        let f = run(c);
        let o = one(&f, "node-overcommitted");
        assert_eq!(
            (o.object.name.as_str(), o.severity),
            ("worker-1", Severity::Error)
        );
        assert!(
            o.summary.contains("memory requested beyond allocatable"),
            "{}",
            o.summary
        );
        let full = one(&f, "node-capacity-full");
        assert_eq!(
            (full.object.name.as_str(), full.severity),
            ("worker-2", Severity::Warning)
        );
        assert!(
            evidence_text(full)
                .contains("cpu requested / allocatable: 3.90 cores / 4.00 cores (98%)"),
            "{}",
            evidence_text(full)
        );
    }

    #[test]
    fn the_largest_node_is_known() {
        let snap = Snapshot::from_objects(healthy_cluster());
        let (mem, _) = largest_allocatable(&snap, "memory").unwrap();
        assert_eq!(mem, 8024640.0 * 1024.0);
    }
}
