//! Containers that ended with an error outside a crash loop: a pod Failed because a container
//! exited non-zero (restartPolicy Never/OnFailure pods, Job pods), with the exit code
//! explained; and a container of a live pod that just terminated with an error, caught
//! between restarts before the kubelet's back-off shows (or one that will not be restarted).
//! Kubelet rejections (OutOfcpu, NodeAffinity …) and evictions are in `pod_lifecycle`.

use crate::objects::{ContainerStatus, Pod, condition};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{Role, current_terminated, explain_exit, statuses};
use super::pod_crash::add_log_tail;
use crate::findings::{Finding, Severity};

/// Failed-phase reasons other checks explain.
const OTHER_FAILURES: &[&str] = &[
    "Evicted",
    "OutOfcpu",
    "OutOfmemory",
    "OutOfpods",
    "OutOfephemeral-storage",
    "NodeAffinity",
    "NodeShutdown",
    "Terminated",
    "UnexpectedAdmissionError",
    "Shutdown",
    "DeadlineExceeded",
];

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    if pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("");
    let reason = status.and_then(|s| s.reason.as_deref()).unwrap_or("");
    // A failed init container is reported by pod_crash.
    let init_failed = statuses(pod).any(|(role, c)| {
        role == Role::Init && current_terminated(c).is_some_and(|t| t.exit_code != 0)
    });
    if init_failed {
        return;
    }
    let exited: Vec<&ContainerStatus> = statuses(pod)
        .filter(|(role, _)| *role == Role::Main)
        .map(|(_, c)| c)
        .filter(|c| current_terminated(c).is_some_and(|t| t.exit_code != 0))
        .collect();
    let Some(c) = exited.first().copied() else {
        return;
    };
    if phase == "Failed" && !OTHER_FAILURES.contains(&reason) {
        if let Some(f) = failed(ctx, pod, c) {
            out.push(f);
        }
    } else if phase == "Running" || phase == "Pending" {
        out.push(exited_now(ctx, pod, c));
    }
}

/// What the owning Job says about a failed pod: skip it (the Job succeeded after retries),
/// or lower it to a warning (the Job is still retrying).
enum JobState {
    None,
    Succeeded,
    Retrying,
    Failed,
}

fn job_state(ctx: &Ctx, pod: &Pod) -> JobState {
    let Some(owner) = pod.metadata.controller().filter(|o| o.kind == "Job") else {
        return JobState::None;
    };
    let Some(job) = ctx.snap.jobs.find(pod.metadata.namespace(), &owner.name) else {
        return JobState::None;
    };
    let conds = job.status.as_ref().and_then(|s| s.conditions.as_ref());
    let is = |t: &str| condition(conds, t).is_some_and(|c| c.is_true());
    if is("Complete") || is("SuccessCriteriaMet") {
        JobState::Succeeded
    } else if is("Failed") || is("FailureTarget") {
        JobState::Failed
    } else {
        JobState::Retrying
    }
}

fn failed(ctx: &Ctx, pod: &Pod, c: &ContainerStatus) -> Option<Finding> {
    let severity = match job_state(ctx, pod) {
        JobState::Succeeded => return None,
        JobState::Retrying => Severity::Warning,
        JobState::None | JobState::Failed => Severity::Error,
    };
    let t = current_terminated(c)?;
    // A pod that failed long ago (Failed pods linger until garbage-collected) is history.
    let old = t.finished_at.is_some_and(|at| {
        super::build::secs_since(at.ts(), ctx.now()) > ctx.opts.restart_window.as_secs() as i64
    });
    let severity = if old { Severity::Info } else { severity };
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = t.reason.as_deref().unwrap_or("Error");
    let meaning = explain_exit(t.exit_code, reason);
    let policy = pod
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    let mut f = app(
        "pod-failed",
        severity,
        o.clone(),
        format!(
            "pod failed: container {} exited with code {} ({reason})",
            c.name, t.exit_code
        ),
    )
    .explain(format!(
        "The pod ran to its end and failed: container {} ended with {meaning}. With \
         restartPolicy {policy} it is not restarted.",
        c.name
    ))
    .with("container", c.name.clone())
    .with(
        "state.terminated",
        format!("reason={reason} exitCode={}", t.exit_code),
    );
    if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
        f = f.with("termination message", m);
    }
    if let Some(at) = t.finished_at {
        f = f.with("finishedAt", at.ts().to_string());
    }
    if matches!(severity, Severity::Warning) {
        f = f.explain("Its Job is still running and may retry it.");
    }
    Some(
        add_log_tail(ctx, pod, c, f)
            .events(ctx, &[], false)
            .step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name))
            .step(format!("kubectl describe pod {}{nsf}", o.name)),
    )
}

fn exited_now(ctx: &Ctx, pod: &Pod, c: &ContainerStatus) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let t = current_terminated(c);
    let code = t.map_or(0, |t| t.exit_code);
    let reason = t.and_then(|t| t.reason.as_deref()).unwrap_or("Error");
    let policy = pod
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    let restarts = policy != "Never";
    let mut f = app(
        "pod-container-exited",
        Severity::Error,
        o.clone(),
        if restarts {
            format!(
                "container {} exited with code {code} ({reason}); the kubelet will restart it",
                c.name
            )
        } else {
            format!(
                "container {} exited with code {code} ({reason}) and will not be restarted",
                c.name
            )
        },
    )
    .explain(format!(
        "{}. {}",
        explain_exit(code, reason),
        if restarts {
            "It has just terminated and has not been restarted yet; if it keeps failing it goes \
             into CrashLoopBackOff."
        } else {
            "With restartPolicy Never the container stays down while the rest of the pod runs."
        }
    ))
    .with("container", c.name.clone())
    .with(
        "state.terminated",
        format!("reason={reason} exitCode={code}"),
    )
    .with("restartCount", c.restart_count.to_string());
    if let Some(m) = t
        .and_then(|t| t.message.as_deref())
        .filter(|m| !m.is_empty())
    {
        f = f.with("termination message", m);
    }
    add_log_tail(ctx, pod, c, f)
        .events(ctx, &["BackOff", "Unhealthy", "Killing", "Failed"], false)
        .step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name))
        .step(format!("kubectl describe pod {}{nsf}", o.name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use crate::findings::Severity;
    use serde_json::{Value, json};

    fn terminated(phase: &str, policy: &str, code: i32, message: &str) -> Value {
        pod(
            "web",
            json!({"nodeName": "n1", "restartPolicy": policy, "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": phase, "containerStatuses": [{"name": "app", "image": "x", "ready": false,
                "restartCount": 1, "state": {"terminated": {"exitCode": code, "reason": if code == 0 {"Completed"} else {"Error"},
                    "message": message, "startedAt": ago(120), "finishedAt": ago(60)}},
                "lastState": {}}]}),
        )
    }

    #[test]
    fn failed_pod_explains_the_exit_code() {
        let f = run(vec![terminated("Failed", "Never", 127, "")]);
        let p = one(&f, "pod-failed");
        assert_eq!(p.severity, Severity::Error);
        assert!(
            p.explanation.contains("command not found"),
            "{}",
            p.explanation
        );
        assert_eq!(
            p.summary,
            "pod failed: container app exited with code 127 (Error)"
        );
    }

    #[test]
    fn a_pod_that_failed_days_ago_is_history() {
        let mut p = terminated("Failed", "Never", 1, "");
        p["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"] =
            json!(ago(5 * 86400));
        let f = run(vec![p]);
        assert_eq!(one(&f, "pod-failed").severity, Severity::Info);
    }

    #[test]
    fn container_that_just_exited() {
        let f = run(vec![terminated(
            "Running",
            "Always",
            1,
            "panic: DB_HOST not set",
        )]);
        let p = one(&f, "pod-container-exited");
        assert!(p.summary.contains("will restart it"));
        assert!(evidence_text(p).contains("termination message: panic: DB_HOST not set"));
    }

    #[test]
    fn succeeded_pods_and_pods_of_a_completed_job_are_not_flagged() {
        assert!(run(vec![terminated("Succeeded", "Never", 0, "")]).is_empty());
        let mut p = terminated("Failed", "Never", 1, "");
        p["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "migrate",
            "uid": "j", "controller": true}]);
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "namespace": "ns", "uid": "j"},
            "spec": {"template": {}}, "status": {"succeeded": 1, "failed": 1,
                "conditions": [{"type": "Complete", "status": "True"}]}});
        assert!(run(vec![p.clone(), job.clone()]).is_empty());
        let mut retrying = job;
        retrying["status"] = json!({"active": 1, "failed": 1});
        let f = run(vec![p, retrying]);
        assert_eq!(one(&f, "pod-failed").severity, Severity::Warning);
    }
}
