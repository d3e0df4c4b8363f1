//! Jobs: failed (BackoffLimitExceeded, DeadlineExceeded, PodFailurePolicy) with the exit
//! reasons of their failed pods; suspended; and still running past `activeDeadlineSeconds`
//! (the Job controller should have stopped it).

use crate::objects::{ContainerStateTerminated, Job, Pod, condition};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::container::{Role, current_terminated, explain_exit, statuses};
use super::workload_pods::short;
use crate::findings::{Finding, Severity};

pub fn check(ctx: &Ctx, j: &Job, out: &mut Vec<Finding>) {
    let conds = j.status.as_ref().and_then(|s| s.conditions.as_ref());
    let finished = ["Complete", "SuccessCriteriaMet"]
        .iter()
        .any(|t| condition(conds, t).is_some_and(|c| c.is_true()));
    if finished {
        return;
    }
    if let Some(f) = failed(ctx, j) {
        out.push(f);
        return;
    }
    if j.spec.as_ref().and_then(|s| s.suspend) == Some(true) {
        out.push(suspended(ctx, j));
        return;
    }
    if let Some(f) = past_deadline(ctx, j) {
        out.push(f);
    }
}

/// The pods of a Job (by owner uid, else by the `job-name` labels).
pub fn job_pods<'a>(ctx: &Ctx<'a>, j: &Job) -> Vec<&'a Pod> {
    if let Some(uid) = j.metadata.uid.as_deref().filter(|u| !u.is_empty()) {
        let owned = ctx.snap.pods_owned_by(uid);
        if !owned.is_empty() {
            return owned;
        }
    }
    let ns = j.metadata.namespace();
    let name = j.metadata.name();
    let mut pods: Vec<&Pod> = ctx
        .snap
        .pods_with_label(ns, "batch.kubernetes.io/job-name", name)
        .collect();
    if pods.is_empty() {
        pods = ctx.snap.pods_with_label(ns, "job-name", name).collect();
    }
    pods
}

/// How a failed pod's containers ended, explained: "container report Error (exit code 1):
/// the application exited with an error …: <termination message>".
fn exit_reasons(pod: &Pod) -> Vec<String> {
    exits(pod, true)
}

/// The same, in a few words: "container report exited 1 (Error): <message>".
fn exit_summaries(pod: &Pod) -> Vec<String> {
    exits(pod, false)
}

fn exits(pod: &Pod, explained: bool) -> Vec<String> {
    let describe = |name: &str, t: &ContainerStateTerminated| {
        let reason = t.reason.as_deref().unwrap_or("Error");
        let message = t
            .message
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {}", short(m, 160)))
            .unwrap_or_default();
        if explained {
            format!(
                "container {name} {}{message}",
                explain_exit(t.exit_code, reason)
            )
        } else {
            format!(
                "container {name} exited {} ({reason}){message}",
                t.exit_code
            )
        }
    };
    let mut out: Vec<String> = statuses(pod)
        .filter_map(|(role, c)| {
            let t = current_terminated(c).filter(|t| t.exit_code != 0)?;
            let name = match role {
                Role::Init => format!("{} (init)", c.name),
                Role::Main => c.name.to_string(),
            };
            Some(describe(&name, t))
        })
        .collect();
    let status = pod.status.as_ref();
    if out.is_empty()
        && let Some(reason) = status.and_then(|s| s.reason.as_deref())
    {
        out.push(format!(
            "{reason}: {}",
            short(status.and_then(|s| s.message.as_deref()).unwrap_or(""), 160)
        ));
    }
    out
}

fn failed(ctx: &Ctx, j: &Job) -> Option<Finding> {
    let conds = j.status.as_ref().and_then(|s| s.conditions.as_ref());
    let failed = condition(conds, "Failed")
        .or_else(|| condition(conds, "FailureTarget"))
        .filter(|c| c.is_true())?;
    let o = obj("Job", &j.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = failed.reason.as_deref().unwrap_or_default().to_string();
    let failures = j.status.as_ref().and_then(|s| s.failed).unwrap_or(0);
    let spec = j.spec.as_ref();
    let limit = spec.and_then(|s| s.backoff_limit).unwrap_or(6);
    let deadline = spec.and_then(|s| s.active_deadline_seconds);
    let why = match reason.as_str() {
        "BackoffLimitExceeded" => {
            format!("its pods failed {failures} times, more than backoffLimit {limit}")
        }
        "DeadlineExceeded" => format!(
            "it ran longer than activeDeadlineSeconds ({}s); its running pods were killed",
            deadline.unwrap_or(0)
        ),
        "PodFailurePolicy" => "a pod failure matched the Job's podFailurePolicy".to_string(),
        "MaxFailedIndexesExceeded" | "FailedIndexes" => {
            "too many of its indexes failed (backoffLimitPerIndex)".to_string()
        }
        _ => reason.clone(),
    };
    let pods = job_pods(ctx, j);
    let mut failed_pods: Vec<&&Pod> = pods
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"))
        .collect();
    failed_pods.sort_by_key(|p| std::cmp::Reverse(p.metadata.creation_timestamp));
    let first_exit = failed_pods
        .first()
        .and_then(|p| exit_summaries(p).into_iter().next());
    let mut f = app(
        "job-failed",
        Severity::Error,
        o.clone(),
        match &first_exit {
            Some(e) => format!("Job failed ({reason}): {}", short(e, 120)),
            None => format!("Job failed: {reason}"),
        },
    )
    .explain(format!(
        "The Job gave up: {why}. The exit reasons of its pods say why they failed."
    ))
    .with(
        "condition Failed",
        format!("{reason}: {}", failed.message.clone().unwrap_or_default()),
    )
    .with("status.failed", failures.to_string())
    .with("spec.backoffLimit", limit.to_string());
    if let Some(d) = deadline {
        f = f.with("spec.activeDeadlineSeconds", d.to_string());
    }
    if let Some(start) = j.status.as_ref().and_then(|s| s.start_time) {
        f = f.with("status.startTime", start.ts().to_string());
    }
    for p in failed_pods.iter().take(5) {
        let reasons = exit_reasons(p);
        if !reasons.is_empty() {
            f = f.with(&format!("pod {}", p.metadata.name()), reasons.join("\n"));
        }
    }
    f = f.events(ctx, &[], false);
    if let Some(p) = failed_pods.first() {
        f = f.step(format!("kubectl logs {}{nsf}", p.metadata.name()));
    } else {
        f = f.step(format!("kubectl logs job/{}{nsf}", o.name));
    }
    Some(
        f.step(format!("kubectl get pods{nsf} -l job-name={}", o.name))
            .step(format!("kubectl describe job {}{nsf}", o.name)),
    )
}

fn suspended(ctx: &Ctx, j: &Job) -> Finding {
    let o = obj("Job", &j.metadata);
    let nsf = ns_flag(&o.namespace);
    let queued = j.metadata.label("kueue.x-k8s.io/queue-name");
    let mut f = app(
        "job-suspended",
        // Kueue suspends the Jobs it queues by design until quota admits them.
        if queued.is_some() {
            Severity::Info
        } else {
            Severity::Warning
        },
        o.clone(),
        "Job is suspended: it runs no pods until it is resumed".to_string(),
    )
    .explain(
        "spec.suspend is true: the Job controller does not create pods for it (and deleted the \
         running ones when it was suspended).",
    )
    .with("spec.suspend", "true");
    if let Some(q) = queued {
        f = f
            .explain(format!(
                "It is managed by Kueue (queue {q}), which resumes it once quota is free."
            ))
            .with("kueue queue", q);
    }
    f.events(ctx, &[], false).step(format!(
        "kubectl patch job {}{nsf} --type=merge -p '{{\"spec\":{{\"suspend\":false}}}}'   (to resume it)",
        o.name
    ))
}

/// Still active well past its deadline: the controller is not acting on it.
fn past_deadline(ctx: &Ctx, j: &Job) -> Option<Finding> {
    let deadline = j.spec.as_ref()?.active_deadline_seconds?;
    let status = j.status.as_ref()?;
    let start = status.start_time?;
    let active = status.active.unwrap_or(0);
    let over = secs_since(start.ts(), ctx.now()) - deadline;
    if active == 0 || over < ctx.opts.unscheduled_grace.as_secs() as i64 {
        return None;
    }
    let o = obj("Job", &j.metadata);
    Some(
        app(
            "job-deadline-exceeded",
            Severity::Error,
            o.clone(),
            format!(
                "Job still runs {} past its activeDeadlineSeconds ({deadline}s)",
                crate::model::age::format_seconds(over)
            ),
        )
        .explain(
            "The Job controller should have marked it Failed (DeadlineExceeded) and stopped its \
             pods when the deadline passed. It has not: kube-controller-manager is probably not \
             running or not leading.",
        )
        .with("status.startTime", start.ts().to_string())
        .with("status.active", active.to_string())
        .step("kubectl -n kube-system get pods -l component=kube-controller-manager")
        .step("kubectl -n kube-system get lease kube-controller-manager -o yaml")
        .step(format!(
            "kubectl describe job {}{}",
            o.name,
            ns_flag(&o.namespace)
        )),
    )
}

#[cfg(test)]
#[path = "job_tests.rs"]
mod tests;
