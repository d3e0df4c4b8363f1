//! DaemonSets: fewer ready pods than desired, naming each node that lacks a ready pod and
//! why (its pod's state, or no pod at all, or the node is NotReady); a rolling update that
//! cannot go on because the unavailable pods already use up `maxUnavailable`; pods running
//! on nodes they should not (misscheduled); and the nodes it skips because of taints it
//! does not tolerate (or that it runs on no node at all).

use crate::objects::{
    DaemonSet, IntOrString, Kind, List, Node, Pod, PodSpec, Shared, Str, Toleration,
};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::node::is_ready as node_ready;
use super::node_fit::{Misfit, misfit};
use super::pod_pending::daemon_pod_unschedulable;
use super::workload_pods::{daemon_node, is_live, is_ready, owned_pods, pod_state};
use crate::findings::{Finding, Severity};

/// Taints the DaemonSet controller tolerates on its pods' behalf (key, effect).
const DAEMON_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

/// The template's spec with the tolerations the controller adds.
fn daemon_spec(template: &PodSpec) -> PodSpec {
    template.edited(|spec| {
        let mut tolerations: Vec<Toleration> = spec
            .tolerations
            .take()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        let mut extra: Vec<(&str, &str)> = DAEMON_TOLERATIONS.to_vec();
        if spec.host_network == Some(true) {
            extra.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
        }
        for (key, effect) in extra {
            tolerations.push(Toleration {
                key: Some(Str::new(key)),
                operator: Some(Str::new("Exists")),
                effect: Some(Str::new(effect)),
                ..Toleration::default()
            });
        }
        spec.tolerations = Some(Shared::new(List::from(tolerations)));
    })
}

/// A node that should run a ready daemon pod but does not, and why.
struct Lacking {
    node: String,
    why: String,
    node_not_ready: bool,
}

pub fn check<'a>(ctx: &Ctx<'a>, ds: &'a DaemonSet, out: &mut Vec<Finding>) {
    let (Some(spec), Some(status)) = (ds.spec.as_ref(), ds.status.as_ref()) else {
        return;
    };
    let Some(template) = spec.template.spec.as_ref() else {
        return;
    };
    let daemon = daemon_spec(template);
    let nodes_known = ctx.snap.has_kind(Kind::Node) && !ctx.snap.nodes.is_empty();
    let pods_known = ctx.snap.has_kind(Kind::Pod);
    let pods: Vec<&Pod> = if pods_known {
        owned_pods(ctx, "DaemonSet", &ds.metadata, &spec.selector)
    } else {
        Vec::new()
    };
    let mut eligible: Vec<&Node> = Vec::new();
    let mut excluded: Vec<(&Node, Misfit)> = Vec::new();
    for n in ctx.snap.nodes.iter() {
        match misfit(&daemon, n) {
            None => eligible.push(n),
            Some(m) => excluded.push((n, m)),
        }
    }
    let lacking = if nodes_known && pods_known {
        lacking_nodes(ctx, &eligible, &pods)
    } else {
        Vec::new()
    };
    let desired = status.desired_number_scheduled;
    let ready = status.number_ready;
    let rolling = spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
        == "RollingUpdate";
    let updated = status.updated_number_scheduled.unwrap_or(desired);
    let unavailable = status
        .number_unavailable
        .unwrap_or_else(|| desired - status.number_available.unwrap_or(ready));
    let max_unavailable = max_unavailable(ds, desired);
    let judged = !pods_known || !nodes_known || !lacking.is_empty();
    if ready < desired && judged {
        let stuck =
            rolling && updated < desired && unavailable > 0 && unavailable >= max_unavailable;
        let mut f = unavailable_finding(ctx, ds, &lacking, stuck, max_unavailable);
        // The nodes it does not cover on purpose, for whoever expects it there.
        for (n, m) in excluded.iter().take(5) {
            f = f.with(
                &format!("not scheduled on {}", n.metadata.name()),
                m.describe(),
            );
        }
        out.push(f);
    }
    if status.number_misscheduled > 0 {
        out.push(misscheduled(ctx, ds, &daemon, &pods));
    }
    if nodes_known && let Some(f) = excluded_finding(ds, desired, &excluded) {
        out.push(f);
    }
}

/// `maxUnavailable` as a number of pods (percentages round up, as the controller does).
fn max_unavailable(ds: &DaemonSet, desired: i32) -> i32 {
    let value = ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.max_unavailable.clone());
    match value {
        Some(IntOrString::Int(n)) => n,
        Some(IntOrString::String(p)) => {
            let pct: f64 = p.trim_end_matches('%').parse().unwrap_or(0.0);
            (pct * f64::from(desired) / 100.0).ceil() as i32
        }
        None => 1,
    }
}

fn lacking_nodes(ctx: &Ctx, eligible: &[&Node], pods: &[&Pod]) -> Vec<Lacking> {
    let grace = ctx.opts.creating_grace.as_secs() as i64;
    let young =
        |t: Option<crate::objects::Time>| t.is_some_and(|t| secs_since(t.ts(), ctx.now()) < grace);
    let mut out = Vec::new();
    for n in eligible {
        let name = n.metadata.name();
        // Bound to the node, or still Pending for it (pinned by the controller's affinity).
        let on_node: Vec<&&Pod> = pods
            .iter()
            .filter(|p| {
                let bound = p
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .filter(|n| !n.is_empty());
                bound.or_else(|| daemon_node(p)) == Some(name)
            })
            .filter(|p| is_live(p))
            .collect();
        if on_node.iter().any(|p| is_ready(p)) {
            continue;
        }
        let not_ready = !node_ready(n);
        let why = match on_node.first() {
            Some(p) if young(p.metadata.creation_timestamp) => continue,
            Some(p) if not_ready => format!(
                "node is NotReady (pod {}: {})",
                p.metadata.name(),
                pod_state(p)
            ),
            Some(p) => match daemon_pod_unschedulable(ctx, p) {
                Some(why) => format!("pod {} is Pending: {why} on the node", p.metadata.name()),
                None => format!("pod {}: {}", p.metadata.name(), pod_state(p)),
            },
            None if young(n.metadata.creation_timestamp) => continue,
            None if not_ready => "node is NotReady, no daemon pod".to_string(),
            None => "no daemon pod was created on it".to_string(),
        };
        out.push(Lacking {
            node: name.to_string(),
            why,
            node_not_ready: not_ready,
        });
    }
    out
}

fn unavailable_finding(
    ctx: &Ctx,
    ds: &DaemonSet,
    lacking: &[Lacking],
    stuck: bool,
    max_unavailable: i32,
) -> Finding {
    let o = obj("DaemonSet", &ds.metadata);
    let nsf = ns_flag(&o.namespace);
    let Some(status) = ds.status.as_ref() else {
        return app("daemonset-unavailable", Severity::Error, o, String::new());
    };
    let (desired, ready) = (status.desired_number_scheduled, status.number_ready);
    let nodes_text = |max: usize| {
        let mut names: Vec<String> = lacking
            .iter()
            .take(max)
            .map(|l| format!("{} ({})", l.node, l.why))
            .collect();
        if lacking.len() > max {
            names.push(format!("and {} more", lacking.len() - max));
        }
        names.join(", ")
    };
    let only_not_ready_nodes = !lacking.is_empty() && lacking.iter().all(|l| l.node_not_ready);
    let (check, severity, summary) = if stuck {
        (
            "daemonset-rollout-stuck",
            Severity::Error,
            format!(
                "rolling update stuck: {}/{desired} updated, {} unavailable (maxUnavailable {max_unavailable})",
                status.updated_number_scheduled.unwrap_or(0),
                desired - status.number_available.unwrap_or(ready)
            ),
        )
    } else {
        (
            "daemonset-unavailable",
            if only_not_ready_nodes {
                Severity::Warning
            } else {
                Severity::Error
            },
            if lacking.is_empty() {
                format!("{ready}/{desired} daemon pods ready")
            } else {
                format!(
                    "{ready}/{desired} daemon pods ready; missing on {}",
                    nodes_text(3)
                )
            },
        )
    };
    let mut f = app(check, severity, o.clone(), summary);
    f = if stuck {
        f.explain(format!(
            "A rolling update replaces the pods node by node, and never has more than \
             maxUnavailable ({max_unavailable}) unavailable at once. The unavailable pods use that \
             budget up, so the update waits for them; fix what keeps them from becoming ready \
             (a bad image or config in the new template), or roll back."
        ))
    } else if only_not_ready_nodes {
        f.explain(
            "The nodes without a ready daemon pod are NotReady: the node is the problem, not \
             the DaemonSet (see the node findings).",
        )
    } else {
        f.explain(
            "A DaemonSet runs one pod on every node that matches its node selector, affinity \
             and tolerations. These nodes have none that is ready, so whatever the daemon does \
             (networking, logs, storage, monitoring) is missing there.",
        )
    };
    f = f.with(
        "status",
        format!(
            "desired={desired} current={} ready={ready} updated={} available={} misscheduled={}",
            status.current_number_scheduled,
            status.updated_number_scheduled.unwrap_or(0),
            status.number_available.unwrap_or(0),
            status.number_misscheduled
        ),
    );
    for l in lacking.iter().take(10) {
        f = f.with(&format!("node {}", l.node), l.why.clone());
    }
    if lacking.iter().any(|l| l.why.starts_with("no daemon pod")) {
        f = f.explain(
            "Where no pod was created at all, the DaemonSet controller's events say why \
             (FailedCreate: quota, admission webhook, PodSecurity).",
        );
    }
    f = f.events(ctx, &[], false);
    if stuck {
        f = f
            .step(format!("kubectl rollout status daemonset/{}{nsf}", o.name))
            .step(format!(
                "kubectl rollout undo daemonset/{}{nsf}   (if the new template is bad)",
                o.name
            ));
    }
    if let Some(pod) = lacking
        .iter()
        .find_map(|l| l.why.strip_prefix("pod ").and_then(|w| w.split(':').next()))
    {
        f = f.step(format!("kubectl describe pod {pod}{nsf}"));
    }
    f.step(format!("kubectl describe daemonset {}{nsf}", o.name))
        .step(format!(
            "kubectl get pods{nsf} -o wide -l {}",
            selector_text(ds)
        ))
}

fn selector_text(ds: &DaemonSet) -> String {
    ds.spec
        .as_ref()
        .map(|s| s.selector.text())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("app={}", ds.metadata.name()))
}

fn misscheduled(ctx: &Ctx, ds: &DaemonSet, daemon: &PodSpec, pods: &[&Pod]) -> Finding {
    let o = obj("DaemonSet", &ds.metadata);
    let nsf = ns_flag(&o.namespace);
    let count = ds.status.as_ref().map_or(0, |s| s.number_misscheduled);
    let mut wrong: Vec<String> = Vec::new();
    for p in pods {
        let Some(node) = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .and_then(|n| ctx.snap.node(n))
        else {
            continue;
        };
        if let Some(m) = misfit(daemon, node) {
            wrong.push(format!(
                "{} on {}: {}",
                p.metadata.name(),
                node.metadata.name(),
                m.describe()
            ));
        }
    }
    let mut f = app(
        "daemonset-misscheduled",
        Severity::Warning,
        o.clone(),
        format!("{count} daemon pod(s) run on nodes they should not run on"),
    )
    .explain(
        "These pods run on nodes that no longer match the DaemonSet's node selector, affinity \
         or tolerations (the node's labels or taints changed, or the template did). The \
         controller deletes them; if they stay, it cannot (a finalizer, or the node is \
         unreachable).",
    );
    for w in wrong.iter().take(10) {
        f = f.with("misscheduled", w.clone());
    }
    f.step(format!(
        "kubectl get pods{nsf} -o wide -l {}",
        selector_text(ds)
    ))
    .step("kubectl get nodes --show-labels")
}

/// Nodes skipped because of a taint the daemon does not tolerate (control-plane taints are
/// skipped by design and not mentioned), or no node at all taking it.
fn excluded_finding(ds: &DaemonSet, desired: i32, excluded: &[(&Node, Misfit)]) -> Option<Finding> {
    let o = obj("DaemonSet", &ds.metadata);
    if desired == 0 && !excluded.is_empty() {
        let mut f = app(
            "daemonset-nodes-excluded",
            Severity::Warning,
            o.clone(),
            format!("runs on no node: all {} nodes are excluded", excluded.len()),
        )
        .explain(
            "No node matches the DaemonSet's node selector, node affinity and tolerations, so it \
             runs no pod at all.",
        );
        for (n, m) in excluded.iter().take(10) {
            f = f.with(&format!("node {}", n.metadata.name()), m.describe());
        }
        return Some(
            f.step("kubectl get nodes --show-labels").step(
                "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints",
            ),
        );
    }
    let tainted: Vec<(&Node, &Misfit)> = excluded
        .iter()
        .filter(|(n, m)| matches!(m, Misfit::Taint(_)) && !n.is_control_plane())
        .map(|(n, m)| (*n, m))
        .collect();
    if tainted.is_empty() {
        return None;
    }
    let names: Vec<&str> = tainted.iter().map(|(n, _)| n.metadata.name()).collect();
    let mut f = app(
        "daemonset-nodes-excluded",
        Severity::Info,
        o,
        format!(
            "does not run on {} node(s) whose taints it does not tolerate: {}",
            names.len(),
            names.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        ),
    )
    .explain(
        "These nodes carry a NoSchedule/NoExecute taint the pod template does not tolerate, so \
         the daemon is absent there. Add a toleration if it should run on them.",
    );
    for (n, m) in tainted.iter().take(10) {
        f = f.with(&format!("node {}", n.metadata.name()), m.describe());
    }
    Some(f)
}

#[cfg(test)]
#[path = "daemonset_tests.rs"]
mod tests;
