//! Pods that are not scheduled: Unschedulable with the scheduler's message decoded per
//! constraint (resources, taints, node selector/affinity, unbound PVCs, …), scheduling gates,
//! and Pending pods with no scheduling attempt at all (the scheduler is not running).

use crate::objects::{Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::node_fit::{allocatable, pod_request, show_quantity};
use super::scheduler_message::{Constraint, parse};
use super::workload_pods::daemon_node;
use crate::findings::{Finding, Severity};

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    let status = pod.status.as_ref();
    if status.and_then(|s| s.phase.as_deref()) != Some("Pending")
        || pod.metadata.deletion_timestamp.is_some()
        || pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty())
    {
        return;
    }
    let o = obj("Pod", &pod.metadata);
    let cond = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "PodScheduled");
    let failed_event = ctx
        .snap
        .events_for("Pod", &o.namespace, &o.name)
        .find(|e| e.reason == "FailedScheduling");
    let created = pod.metadata.creation_timestamp.as_ref().map(|t| t.ts());
    let age = created
        .map(|t| secs_since(t, ctx.now()))
        .unwrap_or(i64::MAX);
    let has_gates = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty());
    match cond {
        _ if has_gates => {
            if age >= ctx.opts.pending_grace.as_secs() as i64 {
                out.push(gated(ctx, pod));
            }
        }
        Some(c) if c.reason.as_deref() == Some("SchedulingGated") => {
            out.push(gated(ctx, pod));
        }
        Some(c) if c.status == "False" => {
            let since = c.last_transition_time.as_ref().map(|t| t.ts());
            let pending = since.map(|t| secs_since(t, ctx.now())).unwrap_or(age);
            if pending >= ctx.opts.pending_grace.as_secs() as i64 {
                let msg = c
                    .message
                    .clone()
                    .or_else(|| failed_event.map(|e| e.message.clone()))
                    .unwrap_or_default();
                out.push(unschedulable(ctx, pod, &msg));
            }
        }
        Some(_) => {}
        None => match failed_event {
            Some(e) => out.push(unschedulable(ctx, pod, &e.message.clone())),
            None if age >= ctx.opts.unscheduled_grace.as_secs() as i64 => {
                out.push(not_scheduled(pod, age));
            }
            None => {}
        },
    }
}

/// This many pods without any scheduling attempt mean the scheduler is down: critical.
const MANY_UNSCHEDULED: usize = 5;

/// Raises `pod-not-scheduled` to critical when many pods are affected.
pub fn escalate(findings: &mut [Finding]) {
    let count = findings
        .iter()
        .filter(|f| f.check == "pod-not-scheduled")
        .count();
    if count >= MANY_UNSCHEDULED {
        for f in findings
            .iter_mut()
            .filter(|f| f.check == "pod-not-scheduled")
        {
            f.severity = Severity::Critical;
            f.summary
                .push_str(&format!(" ({count} pods are in the same state)"));
        }
    }
}

fn requests(pod: &Pod, resource: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let values: Vec<String> = spec
        .containers
        .iter()
        .filter_map(|c| c.resources.as_ref()?.requests.as_ref()?.get(resource))
        .map(|q| q.0.to_string())
        .collect();
    (!values.is_empty()).then(|| values.join(" + "))
}

/// Resources the pod requests more of than any node has allocatable at all:
/// (resource, requested, largest allocatable), when nodes were listed.
fn beyond_every_node(ctx: &Ctx, pod: &Pod, resources: &[String]) -> Vec<(String, String, String)> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    if !ctx.snap.has_kind(Kind::Node) || ctx.snap.nodes.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for r in resources {
        let Some(want) = pod_request(spec, r) else {
            continue;
        };
        let largest = ctx
            .snap
            .nodes
            .iter()
            .filter_map(|n| allocatable(n, r))
            .fold(None::<f64>, |m, v| Some(m.map_or(v, |m| m.max(v))));
        if let Some(have) = largest
            && want > have
        {
            out.push((r.clone(), show_quantity(r, want), show_quantity(r, have)));
        }
    }
    out
}

fn unschedulable(ctx: &Ctx, pod: &Pod, message: &str) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let pinned = daemon_node(pod);
    let exclusions = parse(message);
    let request = |r: &str| requests(pod, r);
    let decoded: Vec<String> = exclusions
        .iter()
        .map(|e| match pinned {
            // The DaemonSet's own pin, not a fault: every other node fails it by design.
            Some(node) if e.constraint() == Constraint::Affinity => format!(
                "{} other node(s) are excluded by the DaemonSet's pin to {node} (as intended)",
                e.nodes
            ),
            _ => e.meaning(&request),
        })
        .collect();
    let constraints: Vec<Constraint> = exclusions.iter().map(|e| e.constraint()).collect();
    let short_of: Vec<String> = constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::Insufficient(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    let too_big = beyond_every_node(ctx, pod, &short_of);
    let headline = if let Some((r, want, have)) = too_big.first() {
        format!("it requests {want} {r}, more than any node has (largest: {have} allocatable)")
    } else if let Some(node) = pinned {
        daemon_headline(&exclusions, node)
    } else {
        exclusions
            .iter()
            .filter(|e| !matches!(e.constraint(), Constraint::Taint { .. }))
            .max_by_key(|e| e.nodes)
            .or(exclusions.first())
            .map(|e| match e.constraint() {
                Constraint::Insufficient(r) => format!("insufficient {r}"),
                Constraint::Taint {
                    key,
                    not_ready: true,
                } if key.is_empty() => "nodes are not ready".to_string(),
                Constraint::Taint { key, .. } if key.is_empty() => "untolerated taints".to_string(),
                Constraint::Taint { key, .. } => format!("untolerated taint {key}"),
                Constraint::Affinity => "no node matches its node selector/affinity".into(),
                Constraint::UnboundPvc => "its PersistentVolumeClaim is not bound".into(),
                _ => e.reason.clone(),
            })
            .unwrap_or_else(|| "no node fits".to_string())
    };
    let mut f = app(
        "pod-unschedulable",
        Severity::Error,
        o.clone(),
        format!("pod cannot be scheduled: {headline}"),
    );
    for (r, want, have) in &too_big {
        f = f.explain(format!(
            "The pod requests {want} {r}, but the largest node has only {have} {r} allocatable: \
             no node can ever run it, whatever else is freed or repaired. Lower the request or \
             add a node with more {r}."
        ));
    }
    f = f
        .explain(format!(
            "The scheduler found no node for this pod. {}.",
            if decoded.is_empty() {
                message.to_string()
            } else {
                decoded.join("; ")
            }
        ))
        .with("scheduler message", message);
    for d in &decoded {
        f = f.with("excluded", d.clone());
    }
    for (r, want, have) in &too_big {
        f = f.with(
            &format!("requests.{r}"),
            format!("{want} (largest node allocatable: {have})"),
        );
    }
    let spec = pod.spec.as_ref();
    for r in ["cpu", "memory"] {
        if too_big.iter().any(|(t, _, _)| t == r) {
            continue;
        }
        if let Some(q) = requests(pod, r) {
            f = f.with(&format!("requests.{r}"), q);
        }
    }
    if let Some(sel) = spec
        .and_then(|s| s.node_selector.as_ref())
        .filter(|s| !s.is_empty())
    {
        let text: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f = f.with("nodeSelector", text.join(", "));
    }
    if constraints.contains(&Constraint::UnboundPvc) {
        f = pvc_evidence(ctx, pod, f);
    }
    f = f.events(ctx, &["FailedScheduling"], false);
    if !too_big.is_empty() {
        f = f
            .step("kubectl get nodes -o custom-columns=NAME:.metadata.name,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory")
            .step(format!(
                "lower the requests in the pod's template (kubectl describe pod {}{nsf} shows them), or add a larger node",
                o.name
            ));
    }
    for c in &constraints {
        f = match c {
            Constraint::Insufficient(_) if too_big.is_empty() => match pinned {
                Some(node) => f.step(format!(
                    "compare the requests with what is left on {node}: kubectl describe node {node} | grep -A 8 'Allocated resources'"
                )),
                None => f.step(
                    "compare the requests with free capacity: kubectl describe nodes | grep -A 8 'Allocated resources'",
                ),
            },
            Constraint::Taint { not_ready: false, .. } => f.step(
                "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints",
            ),
            // Repairing a NotReady node helps only if the pod would fit on it.
            Constraint::Taint { not_ready: true, .. } if too_big.is_empty() => {
                f.step("kubectl get nodes (fix the NotReady node, see the Node pane)")
            }
            Constraint::Affinity if pinned.is_none() => f.step("kubectl get nodes --show-labels"),
            Constraint::UnboundPvc => f.step(format!("kubectl get pvc{nsf}")),
            _ => f,
        };
    }
    f.next_steps.dedup();
    f.step(format!("kubectl describe pod {}{nsf}", o.name))
}

/// Why a DaemonSet pod cannot go on the one node it is pinned to: the scheduler's reasons
/// other than the pin itself (which excludes every other node on purpose).
fn daemon_reasons(exclusions: &[super::scheduler_message::Exclusion]) -> Option<String> {
    let reasons: Vec<String> = exclusions
        .iter()
        .filter(|e| e.constraint() != Constraint::Affinity)
        .map(|e| match e.constraint() {
            Constraint::Insufficient(r) => format!("insufficient {r}"),
            Constraint::Taint { key, .. } if key.is_empty() => "an untolerated taint".to_string(),
            Constraint::Taint { key, .. } => format!("untolerated taint {key}"),
            Constraint::UnboundPvc => "its PersistentVolumeClaim is not bound".to_string(),
            _ => e.reason.clone(),
        })
        .collect();
    (!reasons.is_empty()).then(|| reasons.join(", "))
}

fn daemon_headline(exclusions: &[super::scheduler_message::Exclusion], node: &str) -> String {
    match daemon_reasons(exclusions) {
        Some(r) => format!("{r} on {node}, the node its DaemonSet placed it on"),
        None => format!("its node {node} does not match the DaemonSet's node selector/affinity"),
    }
}

/// A DaemonSet pod's scheduling failure on its own node in a few words ("insufficient
/// cpu"), from its PodScheduled condition or FailedScheduling event; `None` when it has
/// neither or the scheduler names no reason but the pin.
pub fn daemon_pod_unschedulable(ctx: &Ctx, pod: &Pod) -> Option<String> {
    daemon_node(pod)?;
    let cond_msg = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False")
        .and_then(|c| c.message.as_deref().map(str::to_string));
    let message = cond_msg.or_else(|| {
        ctx.snap
            .events_for(
                "Pod",
                pod.metadata.namespace.as_deref().unwrap_or(""),
                pod.metadata.name(),
            )
            .find(|e| e.reason == "FailedScheduling")
            .map(|e| e.message.to_string())
    })?;
    daemon_reasons(&parse(&message))
}

fn pvc_evidence(ctx: &Ctx, pod: &Pod, mut f: Finding) -> Finding {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    let claims = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.clone())
        });
    for claim in claims {
        let phase = ctx
            .snap
            .pvc(ns, &claim)
            .and_then(|p| p.status.as_ref()?.phase.as_ref().map(|s| s.to_string()))
            .unwrap_or_else(|| "missing".to_string());
        f = f.with(&format!("PVC {claim}"), format!("phase {phase}"));
        let events: Vec<_> = ctx
            .snap
            .events_for("PersistentVolumeClaim", ns, &claim)
            .filter(|e| e.is_warning())
            .take(3)
            .map(|e| e.evidence(ctx.now()))
            .collect();
        f.evidence.extend(events);
    }
    f
}

fn gated(ctx: &Ctx, pod: &Pod) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let gates: Vec<String> = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .into_iter()
        .flatten()
        .map(|g| g.name.to_string())
        .collect();
    app(
        "pod-scheduling-gated",
        Severity::Warning,
        o.clone(),
        format!("pod is held back by scheduling gates: {}", gates.join(", ")),
    )
    .explain("A controller added scheduling gates and has not removed them yet; the scheduler ignores the pod until it does.")
    .with("schedulingGates", gates.join(", "))
    .events(ctx, &[], false)
    .step("find the controller that owns the gate name and check its logs")
}

fn not_scheduled(pod: &Pod, age: i64) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let scheduler = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduler_name.as_ref().map(|s| s.to_string()))
        .unwrap_or_else(|| "default-scheduler".to_string());
    let custom = scheduler != "default-scheduler";
    let f = app(
        "pod-not-scheduled",
        Severity::Error,
        o.clone(),
        format!(
            "pod has been Pending for {} with no scheduling attempt",
            crate::model::age::format_seconds(age)
        ),
    )
    .explain(if custom {
        "Nothing has tried to schedule this pod: it names a custom scheduler, and no scheduler \
         of that name seems to be running."
    } else {
        "Nothing has tried to schedule this pod: there is no PodScheduled condition and no \
         FailedScheduling event. The kube-scheduler is probably down or cannot reach the API server."
    })
    .with("spec.nodeName", "(empty)")
    .with("spec.schedulerName", scheduler.clone())
    .with("PodScheduled condition", "absent");
    if custom {
        f.step(format!(
            "check that the scheduler '{scheduler}' is deployed and running"
        ))
    } else {
        f.step("kubectl -n kube-system get pods -l component=kube-scheduler")
            .step("kubectl -n kube-system get lease kube-scheduler -o yaml")
            .step("on the control-plane node: crictl ps -a --name kube-scheduler")
    }
}

#[cfg(test)]
#[path = "pod_pending_tests.rs"]
mod tests;
