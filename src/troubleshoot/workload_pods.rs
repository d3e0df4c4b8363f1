//! Shared by the workload analyzers: the pods a controller owns, the pods a label selector
//! picks, and a pod's state in a few words ("ImagePullBackOff", "exited 1 (Error)",
//! "Pending: 0/3 nodes are available: …") for naming what blocks a rollout.

use crate::objects::{LabelSelector, ObjectMeta, Pod};

use super::Ctx;
use super::container::{Role, current_terminated, last_terminated, statuses, waiting_reason};

/// Whether the pod is still running or about to (not Succeeded/Failed, not being deleted).
pub fn is_live(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded") | Some("Failed"))
        && pod.metadata.deletion_timestamp.is_none()
}

/// Whether the pod's Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    crate::objects::condition(
        pod.status.as_ref().and_then(|s| s.conditions.as_deref()),
        "Ready",
    )
    .is_some_and(|c| c.is_true())
}

/// The node a DaemonSet pod is meant for. The DaemonSet controller creates each pod with a
/// required node affinity `matchFields: metadata.name In [<node>]` (and no `nodeName`), so
/// the scheduler may place it only there; `None` for pods of other owners.
pub fn daemon_node(pod: &Pod) -> Option<&str> {
    if pod.metadata.controller()?.kind != "DaemonSet" {
        return None;
    }
    let terms = &pod
        .spec
        .as_ref()?
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| match r.values.as_deref() {
            Some([one]) => Some(one.as_str()),
            _ => None,
        })
}

/// A selector with no terms: selects every pod (policy/v1 budgets without a selector).
pub static EVERY_POD: LabelSelector = LabelSelector {
    match_labels: None,
    match_expressions: None,
};

/// The pods of a namespace a label selector picks (an empty selector picks all of them).
pub fn pods_matching<'a>(ctx: &Ctx<'a>, ns: &'a str, selector: &'a LabelSelector) -> Vec<&'a Pod> {
    let snap = ctx.snap;
    match selector.match_labels.as_ref().filter(|m| !m.is_empty()) {
        Some(labels) => snap
            .pods_selected(ns, labels)
            .filter(|p| selector.matches(p.metadata.labels.as_deref()))
            .collect(),
        None => snap
            .pods_in(ns)
            .filter(|p| selector.matches(p.metadata.labels.as_deref()))
            .collect(),
    }
}

/// The pods whose controller is this object (by uid; by kind and name when the owner
/// references carry no uid, as hand-written dumps sometimes do).
pub fn owned_pods<'a>(
    ctx: &Ctx<'a>,
    kind: &str,
    meta: &'a ObjectMeta,
    selector: &'a LabelSelector,
) -> Vec<&'a Pod> {
    if let Some(uid) = meta.uid.as_deref().filter(|u| !u.is_empty()) {
        let owned = ctx.snap.pods_owned_by(uid);
        if !owned.is_empty() {
            return owned;
        }
    }
    let name = meta.name();
    pods_matching(ctx, meta.namespace(), selector)
        .into_iter()
        .filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.kind == kind && o.name == name)
        })
        .collect()
}

/// A line of text from the cluster, shortened for a summary.
pub fn short(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Why a pod is not ready, in a few words.
pub fn pod_state(pod: &Pod) -> String {
    if pod.metadata.deletion_timestamp.is_some() {
        return "Terminating".to_string();
    }
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    if phase == "Failed" {
        let reason = status.and_then(|s| s.reason.as_deref()).unwrap_or("");
        if !reason.is_empty() {
            return format!("Failed: {reason}");
        }
    }
    if phase == "Pending" {
        let scheduled =
            crate::objects::condition(status.and_then(|s| s.conditions.as_deref()), "PodScheduled");
        if let Some(c) = scheduled.filter(|c| c.status == "False") {
            let reason = c.reason.as_deref().unwrap_or("not scheduled");
            return match c.message.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => format!("Pending, {reason}: {}", short(m, 120)),
                None => format!("Pending, {reason}"),
            };
        }
        if pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_none_or(str::is_empty)
        {
            return "Pending, not scheduled yet".to_string();
        }
    }
    for (role, c) in statuses(pod) {
        let which = match role {
            Role::Init => "init container",
            Role::Main => "container",
        };
        if let Some(reason) = waiting_reason(c).filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            let last = last_terminated(c)
                .filter(|_| reason == "CrashLoopBackOff")
                .map(|t| {
                    format!(
                        ", last exit {} ({})",
                        t.exit_code,
                        t.reason.as_deref().unwrap_or("Error")
                    )
                })
                .unwrap_or_default();
            return format!("{which} {}: {reason}{last}", c.name);
        }
        if let Some(t) = current_terminated(c).filter(|t| t.exit_code != 0) {
            return format!(
                "{which} {} exited {} ({})",
                c.name,
                t.exit_code,
                t.reason.as_deref().unwrap_or("Error")
            );
        }
    }
    for (_, c) in statuses(pod) {
        if !c.ready && c.state.as_ref().is_some_and(|s| s.running.is_some()) {
            return format!("container {} running but not ready", c.name);
        }
    }
    format!("{phase}, not ready")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    fn decode(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn states_in_a_few_words() {
        let crash = decode(pod(
            "a",
            spec1(),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x", "ready": false,
                "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
        ));
        assert_eq!(
            pod_state(&crash),
            "container app: CrashLoopBackOff, last exit 1 (Error)"
        );
        let pending = decode(pod(
            "b",
            spec1(),
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}]}),
        ));
        assert_eq!(
            pod_state(&pending),
            "Pending, Unschedulable: 0/3 nodes are available: 3 Insufficient cpu."
        );
        let slow = decode(pod(
            "c",
            json!({"nodeName": "n", "containers": [{"name": "app"}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x", "ready": false,
                "restartCount": 0, "state": {"running": {"startedAt": ago(60)}}}]}),
        ));
        assert_eq!(pod_state(&slow), "container app running but not ready");
        assert_eq!(short("a\n  b", 10), "a b");
        assert_eq!(short("abcdef", 3), "abc…");
    }
}
