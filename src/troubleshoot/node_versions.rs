//! Kubelet, container runtime and kernel versions across nodes: the nodes that differ from
//! most of the others (a node left behind by an upgrade, a node built from another image).
//! Skew against the API server is `cp_version`'s; this is about nodes against each other
//! (kubelets only when the API server's version is unknown).

use std::collections::BTreeMap;

use crate::findings::{Finding, Severity};
use crate::objects::{Kind, Node};

use super::Ctx;
use super::build::FindingExt;
use super::cp_pods::minor_of;
use super::node::node_finding;

/// `containerd://1.7.22` → `containerd 1.7`; `6.8.0-45-generic` → `6.8`.
fn family(text: &str) -> String {
    let (name, version) = text.split_once("://").unwrap_or(("", text));
    let minor = minor_of(version)
        .map(|(a, b)| format!("{a}.{b}"))
        .unwrap_or_else(|| version.to_string());
    if name.is_empty() {
        minor
    } else {
        format!("{name} {minor}")
    }
}

type Getter = fn(&Node) -> Option<String>;

fn info(n: &Node) -> Option<&crate::objects::NodeSystemInfo> {
    n.status.as_ref()?.node_info.as_ref()
}

const FIELDS: &[(&str, Getter)] = &[
    ("kubelet", |n| {
        info(n)
            .map(|i| family(&i.kubelet_version))
            .filter(|s| !s.is_empty())
    }),
    ("container runtime", |n| {
        info(n)
            .map(|i| family(&i.container_runtime_version))
            .filter(|s| !s.is_empty())
    }),
    ("kernel", |n| {
        info(n)
            .map(|i| family(&i.kernel_version))
            .filter(|s| !s.is_empty())
    }),
];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    if !snap.has_kind(Kind::Node) || snap.nodes.len() < 2 {
        return;
    }
    // Kubelets are judged against the API server when its version is known (`cp_version`).
    let api_known = super::cp_version::apiserver_version(ctx).is_some();
    let mut odd: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (label, get) in FIELDS {
        if api_known && *label == "kubelet" {
            continue;
        }
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for n in snap.nodes.iter() {
            if let Some(v) = get(n) {
                *counts.entry(v).or_default() += 1;
            }
        }
        if counts.len() < 2 {
            continue;
        }
        // The most common version (the newer one on a tie) is the norm.
        let Some(norm) = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)))
            .map(|(v, _)| v.clone())
        else {
            continue;
        };
        for n in snap.nodes.iter() {
            if let Some(v) = get(n).filter(|v| *v != norm) {
                odd.entry(n.metadata.name())
                    .or_default()
                    .push(format!("{label} {v} (most nodes: {norm})"));
            }
        }
    }
    for (name, diffs) in odd {
        let Some(n) = snap.node(name) else { continue };
        let mut f = node_finding(
            "node-version-outlier",
            Severity::Info,
            n,
            format!("node differs from the others: {}", diffs.join("; ")),
        )
        .explain(
            "Nodes that run other versions than the rest behave differently (runtime bugs, \
             kernel features, kubelet behaviour): usually a node an upgrade skipped, or one \
             built from an older image.",
        );
        for d in diffs {
            f = f.with("differs", d);
        }
        out.push(f.step("kubectl get nodes -o wide"));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use crate::findings::Severity;
    use serde_json::json;

    #[test]
    fn the_node_left_behind_is_the_outlier() {
        let mut c = healthy_cluster();
        let mut w = node("worker-2", false, VERSION);
        w["status"]["nodeInfo"]["containerRuntimeVersion"] = json!("containerd://1.6.31");
        w["status"]["nodeInfo"]["kernelVersion"] = json!("5.15.0-122-generic");
        replace(&mut c, "worker-2", w);
        let f = run(c);
        let o = one(&f, "node-version-outlier");
        assert_eq!(
            (o.object.name.as_str(), o.severity),
            ("worker-2", Severity::Info)
        );
        assert!(
            o.summary
                .contains("container runtime containerd 1.6 (most nodes: containerd 1.7)"),
            "{}",
            o.summary
        );
        assert!(o.summary.contains("kernel 5.15 (most nodes: 6.8)"));
        // Patch releases do not count; one node is never an outlier.
        let mut c = healthy_cluster();
        let mut w = node("worker-2", false, "v1.31.4");
        w["status"]["nodeInfo"]["containerRuntimeVersion"] = json!("containerd://1.7.24");
        replace(&mut c, "worker-2", w);
        assert!(run(c).iter().all(|x| x.check != "node-version-outlier"));
    }
}
