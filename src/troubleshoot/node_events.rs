//! N16: what the kubelet and the node controller say about a node in events — SystemOOM,
//! Rebooted, EvictionThresholdMet, FreeDiskSpaceFailed, ImageGCFailed, ContainerGCFailed,
//! InvalidDiskCapacity, NodeNotReady … — recent ones, each reason explained.

use std::collections::BTreeMap;

use crate::findings::{Finding, Severity};
use crate::objects::Kind;

use super::Ctx;
use super::node::node_finding;

/// What each reason means; reasons not listed are reported only when they are Warnings.
fn meaning(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "SystemOOM" => {
            "the kernel's OOM killer killed a process on the node (outside the pods' own limits: the node ran out of memory)"
        }
        "Rebooted" => "the node rebooted (its boot ID changed): every pod on it was restarted",
        "EvictionThresholdMet" => "the kubelet reached an eviction threshold and is evicting pods",
        "FreeDiskSpaceFailed" => "the kubelet could not free enough disk space by removing images",
        "ImageGCFailed" => "image garbage collection failed: the image file system stays full",
        "ContainerGCFailed" => {
            "the kubelet could not remove dead containers (is the container runtime answering?)"
        }
        "InvalidDiskCapacity" => "the kubelet read an invalid capacity for the image file system",
        "NodeNotReady" => {
            "the node controller marked the node NotReady (it is Ready again: it flapped)"
        }
        "KubeletSetupFailed" => {
            "the kubelet failed to set up (cgroups, directories, the container runtime)"
        }
        "NodeHasDiskPressure" => "the node entered disk pressure",
        "NodeHasInsufficientMemory" => "the node entered memory pressure",
        "NodeHasInsufficientPID" => "the node ran short of process IDs",
        _ => return None,
    })
}

/// An object check of a node: its recent events.
pub fn check_node(ctx: &Ctx, n: &crate::objects::Node, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Event) {
        return;
    }
    {
        let name = n.metadata.name();
        let mut by_reason: BTreeMap<String, (usize, String)> = BTreeMap::new();
        let mut picked = Vec::new();
        for e in ctx.snap.events_for("Node", "", name) {
            if !e.seen_within(ctx.now(), ctx.opts.event_window) {
                continue;
            }
            let Some(m) = meaning(&e.reason).or(e.is_warning().then_some("")) else {
                continue;
            };
            // NodeNotReady on a node that is Ready again is a flap worth showing; on a node
            // still NotReady it only repeats the NotReady finding.
            let flap = e.reason == "NodeNotReady" && n.is_ready();
            if !e.is_warning() && e.reason != "Rebooted" && !flap {
                continue;
            }
            let slot = by_reason
                .entry(e.reason.to_string())
                .or_insert((0, m.to_string()));
            slot.0 += usize::try_from(e.count.max(1)).unwrap_or(1);
            if picked.len() < super::build::MAX_EVENTS {
                picked.push(e.evidence(ctx.now()));
            }
        }
        if by_reason.is_empty() {
            return;
        }
        let reasons: Vec<&str> = by_reason.keys().map(String::as_str).collect();
        let mut f = node_finding(
            "node-warning-events",
            Severity::Warning,
            n,
            format!("recent node events: {}", reasons.join(", ")),
        );
        for (reason, (_, m)) in &by_reason {
            if !m.is_empty() {
                f.explanation.push_str(&format!("{reason}: {m}. "));
            }
        }
        f.explanation = f.explanation.trim_end().to_string();
        f.evidence.extend(picked);
        f.next_steps.push(format!("kubectl get events -A --field-selector involvedObject.kind=Node,involvedObject.name={name}"));
        f.next_steps.push("on the node: journalctl -u kubelet --since '-1h' --no-pager | tail -100; dmesg -T | tail -50".to_string());
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::super::testutil_cp::*;
    use serde_json::json;

    fn node_event(
        node: &str,
        reason: &str,
        type_: &str,
        message: &str,
        secs: i64,
    ) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": format!("{node}.{reason}"), "namespace": "default", "uid": format!("e-{node}-{reason}")},
            "involvedObject": {"kind": "Node", "name": node, "uid": node},
            "reason": reason, "message": message, "type": type_, "count": 2,
            "source": {"component": "kubelet", "host": node},
            "firstTimestamp": ago(secs + 60), "lastTimestamp": ago(secs)})
    }

    #[test]
    fn recent_oom_and_reboot_are_explained_and_old_ones_ignored() {
        let mut c = healthy_cluster();
        c.push(node_event(
            "worker-1",
            "SystemOOM",
            "Warning",
            "System OOM encountered, victim process: java, pid: 4242",
            120,
        ));
        c.push(node_event(
            "worker-1",
            "Rebooted",
            "Warning",
            "Node worker-1 has been rebooted, boot id: 1f2e",
            300,
        ));
        c.push(node_event(
            "worker-2",
            "ImageGCFailed",
            "Warning",
            "failed to garbage collect required amount of images",
            7200,
        ));
        c.push(node_event(
            "worker-2",
            "NodeReady",
            "Normal",
            "Node worker-2 status is now: NodeReady",
            60,
        ));
        let f = run(c);
        let e = one(&f, "node-warning-events");
        assert_eq!(e.object.name, "worker-1");
        assert!(e.summary.contains("Rebooted, SystemOOM"), "{}", e.summary);
        assert!(e.explanation.contains("OOM killer"));
        assert!(evidence_text(e).contains("victim process: java"));
    }
}
