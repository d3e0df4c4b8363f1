//! Pods at the ends of their life: Evicted and other kubelet rejections (Failed with a
//! reason), pods stuck Terminating (finalizers, or a node that is gone or NotReady), and
//! containers stuck in ContainerCreating because of volume or sandbox errors.

use crate::objects::Kind;
use crate::objects::Pod;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::container::{statuses, waiting_reason};
use super::node::is_ready;
use super::volume_events::{VolumeProblem, classify};
use crate::findings::{Finding, Severity};

const FAILED_REASONS: &[&str] = &[
    "OutOfcpu",
    "OutOfmemory",
    "OutOfpods",
    "OutOfephemeral-storage",
    "NodeAffinity",
    "NodeShutdown",
    "Terminated",
    "UnexpectedAdmissionError",
    "Shutdown",
];

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("");
    let reason = status.and_then(|s| s.reason.as_deref()).unwrap_or("");
    if pod.metadata.deletion_timestamp.is_some() {
        if let Some(f) = terminating(ctx, pod) {
            out.push(f);
        }
        return;
    }
    if phase == "Failed" && reason == "Evicted" {
        out.push(super::pod_evicted::evicted(ctx, pod));
    } else if phase == "Failed" && FAILED_REASONS.contains(&reason) {
        out.push(rejected(ctx, pod, reason));
    } else if (phase == "Pending" || phase == "Running")
        && let Some(f) = creating(ctx, pod)
    {
        out.push(f);
    }
}

fn rejected(ctx: &Ctx, pod: &Pod, reason: &str) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let message = pod
        .status
        .as_ref()
        .and_then(|s| s.message.clone())
        .unwrap_or_default();
    let why = match reason {
        r if r.starts_with("OutOf") => {
            "The kubelet rejected the pod at admission: the node did not have the resources \
             the scheduler thought it had (often a race with static pods or device plugins)."
        }
        "NodeAffinity" => {
            "The kubelet rejected the pod: the node's labels no longer match its affinity."
        }
        "NodeShutdown" | "Shutdown" | "Terminated" => {
            "The pod was stopped because its node shut down."
        }
        _ => "The kubelet rejected the pod at admission.",
    };
    app(
        "pod-failed",
        Severity::Warning,
        o.clone(),
        format!("pod failed: {reason}"),
    )
    .explain(why)
    .with("status.reason", reason)
    .with("status.message", message)
    .events(ctx, &[], false)
    .step(format!(
        "kubectl describe pod {}{}",
        o.name,
        ns_flag(&o.namespace)
    ))
}

fn terminating(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let deleted = pod.metadata.deletion_timestamp.as_ref()?.ts();
    let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(30);
    // deletionTimestamp is already "deleted at + grace"; allow the extra margin on top.
    let overdue = secs_since(deleted, ctx.now());
    if overdue < ctx.opts.terminating_grace.as_secs() as i64 {
        return None;
    }
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let finalizers = pod.metadata.finalizers.clone().unwrap_or_default();
    let node_name = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    let node_state = if node_name.is_empty() {
        None
    } else {
        match ctx.snap.node(&node_name) {
            None if ctx.snap.has_kind(Kind::Node) => Some("gone"),
            Some(n) if !is_ready(n) => Some("NotReady"),
            _ => None,
        }
    };
    let since = crate::model::age::format_seconds(overdue);
    let mut f = app(
        "pod-stuck-terminating",
        Severity::Warning,
        o.clone(),
        format!("pod stuck Terminating for {since}"),
    )
    .with("deletionTimestamp", deleted.to_string())
    .with("deletionGracePeriodSeconds", grace.to_string())
    .with(
        "finalizers",
        if finalizers.is_empty() {
            "none".to_string()
        } else {
            finalizers.join(", ")
        },
    )
    .with("node", node_name.clone());
    if let Some(state) = node_state {
        f = f
            .explain(format!(
                "The pod's node {node_name} is {state}, so no kubelet can confirm that the \
                 containers stopped and the API server keeps the pod."
            ))
            .step(format!("kubectl get node {node_name}"))
            .step(format!(
                "if the node is really gone: kubectl delete pod {}{nsf} --grace-period=0 --force",
                o.name
            ));
    }
    if !finalizers.is_empty() {
        f = f
            .explain(format!(
                "The pod has finalizers ({}) that the controller owning them has not removed.",
                finalizers.join(", ")
            ))
            .step("find the controller that owns the finalizer and check its logs")
            .step(format!(
                "last resort: kubectl patch pod {}{nsf} --type=merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'",
                o.name
            ));
    }
    if node_state.is_none() && finalizers.is_empty() {
        f = f
            .explain(
                "The kubelet has not confirmed the containers stopped: a container that ignores \
                 SIGTERM and cannot be killed, a runtime problem on the node, or a webhook \
                 blocking the pod's final update.",
            )
            .step(format!("kubectl describe pod {}{nsf}", o.name));
    }
    Some(f.events(ctx, &[], false))
}

const CREATE_REASONS: &[&str] = &[
    "FailedMount",
    "FailedAttachVolume",
    "FailedCreatePodSandBox",
];

fn creating(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let stuck = statuses(pod).any(|(_, c)| {
        matches!(
            waiting_reason(c),
            Some("ContainerCreating") | Some("PodInitializing")
        )
    });
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
    // Every recent warning counts, not only the latest event.
    let warnings: Vec<_> = ctx
        .snap
        .events_for("Pod", &o.namespace, &o.name)
        .filter(|e| e.is_warning() && CREATE_REASONS.contains(&e.reason.as_str()))
        .collect();
    if warnings.is_empty() {
        return None;
    }
    let nsf = ns_flag(&o.namespace);
    // The most specific volume problem among all the warnings (a timeout is often preceded
    // by the real reason).
    let volume = warnings
        .iter()
        .filter(|e| e.reason != "FailedCreatePodSandBox")
        .map(|e| classify(&e.message))
        .min_by_key(|p| match p {
            VolumeProblem::Missing(..) => 0,
            VolumeProblem::MultiAttach { .. } => 1,
            VolumeProblem::CsiDriverMissing(_) => 2,
            VolumeProblem::MountFailed => 3,
            VolumeProblem::AttachFailed | VolumeProblem::AttachTimeout(_) => 4,
            VolumeProblem::Timeout => 5,
            VolumeProblem::Other => 6,
        });
    let (what, why, step) = match &volume {
        Some(p) => (
            p.headline(),
            p.explanation().to_string(),
            Some(p.step(&nsf)),
        ),
        // Only sandbox (network) errors: the Network pane's `pod-sandbox-network` reports them.
        None => return None,
    };
    let mut f = app(
        "pod-stuck-creating",
        Severity::Error,
        o.clone(),
        format!(
            "pod stuck in ContainerCreating for {}: {what}",
            crate::model::age::format_seconds(waited)
        ),
    )
    .explain(why);
    for e in warnings.iter().take(super::build::MAX_EVENTS) {
        f.evidence.push(e.evidence(ctx.now()));
    }
    if let Some(step) = step {
        f = f.step(step);
    }
    Some(f.step(format!("kubectl describe pod {}{nsf}", o.name)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    #[test]
    fn kubelet_rejection_is_decoded_but_a_succeeded_pod_is_not() {
        let p = pod(
            "web",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed", "reason": "OutOfcpu", "message": "Pod Node didn't have enough resource: cpu"}),
        );
        let f = run(vec![p]);
        assert!(one(&f, "pod-failed").explanation.contains("admission"));
        let p = pod(
            "done",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Succeeded"}),
        );
        assert!(run(vec![p]).is_empty());
    }

    fn deleting(finalizers: serde_json::Value, secs: i64) -> serde_json::Value {
        let mut p = pod(
            "web",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running"}),
        );
        p["metadata"]["deletionTimestamp"] = json!(ago(secs));
        p["metadata"]["deletionGracePeriodSeconds"] = json!(30);
        p["metadata"]["finalizers"] = finalizers;
        p
    }

    fn node(ready: &str) -> serde_json::Value {
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
            "status": {"conditions": [{"type": "Ready", "status": ready}]}})
    }

    #[test]
    fn stuck_terminating_names_the_blocker() {
        let f = run(vec![
            deleting(json!(["example.com/cleanup"]), 1800),
            node("True"),
        ]);
        assert!(
            one(&f, "pod-stuck-terminating")
                .explanation
                .contains("example.com/cleanup")
        );
        let f = run(vec![deleting(json!([]), 1800), node("Unknown")]);
        let t = one(&f, "pod-stuck-terminating");
        assert!(t.explanation.contains("NotReady"), "{}", t.explanation);
        let f = run(vec![
            deleting(json!([]), 1800),
            json!({"apiVersion": "v1", "kind": "NodeList", "items": []}),
        ]);
        assert!(
            one(&f, "pod-stuck-terminating")
                .explanation
                .contains("gone")
        );
    }

    #[test]
    fn recently_deleted_pod_is_not_stuck() {
        assert!(run(vec![deleting(json!(["x"]), 10), node("True")]).is_empty());
    }

    #[test]
    fn failed_mount_counts_even_when_not_the_latest_event() {
        let mut p = pod(
            "web",
            spec1(),
            json!({"phase": "Pending", "startTime": ago(300),
            "containerStatuses": [{"name": "app", "image": "x", "imageID": "", "ready": false,
                "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        p["spec"]["nodeName"] = json!("n1");
        let f = run(vec![
            p,
            event(
                "web",
                "FailedMount",
                "Warning",
                "MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found",
                120,
            ),
            event("web", "Pulled", "Normal", "pulled", 10),
        ]);
        let c = one(&f, "pod-stuck-creating");
        assert!(
            c.summary.contains("ConfigMap app-config does not exist"),
            "{}",
            c.summary
        );
        assert!(
            c.next_steps
                .contains(&"kubectl get configmap app-config -n ns".to_string())
        );
    }
}
