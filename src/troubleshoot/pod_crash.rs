//! Containers that crash: CrashLoopBackOff with the last termination explained (exit code,
//! OOM, termination message, previous log tail), start errors and failing init containers.
//! Running containers' recent past is in `pod_history`.

use crate::objects::{ContainerStatus, Pod};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{
    Role, current_terminated, explain_exit, is_running, last_terminated, spec, statuses,
    waiting_message, waiting_reason,
};
use crate::findings::{Finding, Severity};

/// Waiting reasons that mean the runtime could not create or start the container.
const START_ERRORS: &[&str] = &[
    "RunContainerError",
    "CreateContainerError",
    "PreStartHookError",
    "PreCreateHookError",
    "PostStartHookError",
];

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    for (role, c) in statuses(pod) {
        let reason = waiting_reason(c).unwrap_or("");
        if reason == "CrashLoopBackOff" {
            out.push(crash_loop(ctx, pod, role, c));
        } else if START_ERRORS.contains(&reason) {
            out.push(start_error(ctx, pod, c, reason));
        } else if role == Role::Init {
            if let Some(t) = current_terminated(c).filter(|t| t.exit_code != 0) {
                let f = init_failed(ctx, pod, c, t.exit_code, t.reason.as_deref());
                out.push(f);
            }
        } else if is_running(c)
            && let Some(f) = super::pod_history::history(ctx, pod, c)
        {
            out.push(f);
        }
    }
}

pub(super) fn add_log_tail(ctx: &Ctx, pod: &Pod, c: &ContainerStatus, f: Finding) -> Finding {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    let name = pod.metadata.name.as_deref().unwrap_or("");
    match ctx.snap.previous_log(ns, name, &c.name) {
        Some(lines) if !lines.is_empty() => f.with("previous log (tail)", lines.join("\n")),
        _ => f,
    }
}

pub(super) fn memory_limit(pod: &Pod, container: &str) -> String {
    spec(pod, container)
        .and_then(|c| c.resources.as_ref())
        .and_then(|r| r.limits.as_ref())
        .and_then(|l| l.get("memory"))
        .map(|q| q.0.to_string())
        .unwrap_or_else(|| "none (limited by the node)".to_string())
}

fn liveness_failures(ctx: &Ctx, pod: &Pod, container: &str) -> bool {
    let o = obj("Pod", &pod.metadata);
    ctx.snap
        .events_for("Pod", &o.namespace, &o.name)
        .filter(|e| e.container().is_none_or(|n| n == container))
        .any(|e| {
            (e.reason == "Unhealthy" && e.message.starts_with("Liveness probe failed"))
                || (e.reason == "Killing" && e.message.contains("failed liveness probe"))
        })
}

fn crash_loop(ctx: &Ctx, pod: &Pod, role: Role, c: &ContainerStatus) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let last = last_terminated(c);
    let code = last.map(|t| t.exit_code).unwrap_or(0);
    let reason = last.and_then(|t| t.reason.as_deref()).unwrap_or("");
    let (check, what) = match role {
        Role::Init => ("pod-init-failing", "init container"),
        Role::Main => ("pod-crashloop", "container"),
    };
    let cause = match last {
        Some(_) => explain_exit(code, reason),
        None => "the last termination is not recorded".to_string(),
    };
    let short = if last.is_some() {
        format!(
            "{} (exit code {code})",
            if reason.is_empty() { "exit" } else { reason }
        )
    } else {
        "crash-looping".to_string()
    };
    let mut f = app(
        check,
        Severity::Error,
        o.clone(),
        format!(
            "{what} {} is crash-looping: {short}, {} restarts",
            c.name, c.restart_count
        ),
    )
    .explain(format!(
        "The {what} {} keeps exiting and the kubelet restarts it with a growing back-off. \
         Last termination: {cause}.",
        c.name
    ));
    if reason == "OOMKilled" {
        f = f.explain(
            "Raise the memory limit or reduce the process's memory use (heap size, caches).",
        );
    } else if code == 137 && liveness_failures(ctx, pod, &c.name) {
        f = f.explain("The liveness probe failed just before: the kubelet killed it.");
    }
    if role == Role::Init {
        f = f.explain("The pod's main containers cannot start until it succeeds.");
    }
    f = f
        .with("container", c.name.clone())
        .with("state", format!("CrashLoopBackOff: {}", waiting_message(c)))
        .with("restartCount", c.restart_count.to_string());
    if let Some(t) = last {
        f = f.with(
            "lastState.terminated",
            format!("reason={reason} exitCode={code}"),
        );
        if let Some(at) = &t.finished_at {
            f = f.with("finishedAt", at.ts().to_string());
        }
        if let Some(msg) = t.message.as_deref().filter(|m| !m.is_empty()) {
            f = f.with("termination message", msg);
        }
    }
    if reason == "OOMKilled" {
        f = f.with("memory limit", memory_limit(pod, &c.name));
    }
    f = add_log_tail(ctx, pod, c, f).events(
        ctx,
        &["BackOff", "Unhealthy", "Killing", "Failed"],
        false,
    );
    f.step(format!(
        "kubectl logs {}{nsf} -c {} --previous",
        o.name, c.name
    ))
    .step(format!("kubectl describe pod {}{nsf}", o.name))
}

fn start_error(ctx: &Ctx, pod: &Pod, c: &ContainerStatus, reason: &str) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let message = waiting_message(c);
    app(
        "pod-start-error",
        Severity::Error,
        o.clone(),
        format!("container {} cannot start: {reason}", c.name),
    )
    .explain(
        "The container runtime failed to create or start the process: usually a command that \
         does not exist in the image, a missing mount path, or a failing lifecycle hook.",
    )
    .with("container", c.name.clone())
    .with("state", format!("{reason}: {message}"))
    .events(ctx, &["Failed"], false)
    .step(format!("kubectl describe pod {}{nsf}", o.name))
    .step(format!(
        "kubectl debug {}{nsf} -it --copy-to={}-debug --container={} -- sh",
        o.name, o.name, c.name
    ))
}

fn init_failed(
    ctx: &Ctx,
    pod: &Pod,
    c: &ContainerStatus,
    code: i32,
    reason: Option<&str>,
) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = reason.unwrap_or("Error");
    let f = app(
        "pod-init-failing",
        Severity::Error,
        o.clone(),
        format!(
            "init container {} failed: {reason} (exit code {code})",
            c.name
        ),
    )
    .explain(format!(
        "The init container {} exited with an error, so the pod's main containers never \
         start. {}.",
        c.name,
        explain_exit(code, reason)
    ))
    .with("container", c.name.clone())
    .with(
        "state.terminated",
        format!("reason={reason} exitCode={code}"),
    );
    add_log_tail(ctx, pod, c, f)
        .events(ctx, &[], false)
        .step(format!("kubectl logs {}{nsf} -c {}", o.name, c.name))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    fn looping(reason: &str, code: i32) -> serde_json::Value {
        pod(
            "web",
            json!({"containers": [{"name": "app", "image": "x",
                "resources": {"limits": {"memory": "64Mi"}}}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 7,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
                "lastState": {"terminated": {"exitCode": code, "reason": reason,
                    "message": "panic: DB_HOST not set", "finishedAt": ago(300)}}}]}),
        )
    }

    #[test]
    fn crashloop_oomkilled_is_explained_with_the_limit() {
        let f = run(vec![looping("OOMKilled", 137)]);
        let c = one(&f, "pod-crashloop");
        assert!(
            c.summary.contains("OOMKilled (exit code 137)"),
            "{}",
            c.summary
        );
        assert!(c.explanation.contains("memory"));
        assert!(evidence_text(c).contains("memory limit: 64Mi"));
        assert!(evidence_text(c).contains("termination message: panic: DB_HOST not set"));
        assert!(c.next_steps[0].contains("--previous"));
    }

    #[test]
    fn crashloop_137_without_oom_is_sigkill() {
        let f = run(vec![looping("Error", 137)]);
        assert!(
            one(&f, "pod-crashloop")
                .explanation
                .contains("SIGKILL without OOM")
        );
    }

    #[test]
    fn crashloop_137_after_liveness_failures_is_attributed_to_the_probe() {
        let f = run(vec![
            looping("Error", 137),
            event(
                "web",
                "Unhealthy",
                "Warning",
                "Liveness probe failed: HTTP probe failed with statuscode: 500",
                400,
            ),
        ]);
        let c = one(&f, "pod-crashloop");
        assert!(
            c.explanation.contains("liveness probe failed"),
            "{}",
            c.explanation
        );
        assert!(evidence_text(c).contains("event Unhealthy"));
    }

    #[test]
    fn init_container_that_failed_once_with_restart_policy_never() {
        let p = pod(
            "web",
            json!({"nodeName": "n1", "restartPolicy": "Never",
                   "initContainers": [{"name": "migrate", "image": "x"}],
                   "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Failed",
                "initContainerStatuses": [{"name": "migrate", "image": "x", "imageID": "",
                    "ready": false, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 126, "reason": "Error"}}}]}),
        );
        let f = run(vec![p]);
        assert!(
            one(&f, "pod-init-failing")
                .explanation
                .contains("not executable")
        );
    }

    #[test]
    fn crashloop_exit_codes() {
        for (reason, code, text) in [
            ("Error", 1, "application exited with an error"),
            ("Error", 127, "command not found"),
            ("Error", 126, "not executable"),
            ("StartError", 128, "could not start"),
            ("Error", 143, "SIGTERM"),
            ("Completed", 0, "long-running"),
        ] {
            let f = run(vec![looping(reason, code)]);
            let c = one(&f, "pod-crashloop");
            assert!(c.explanation.contains(text), "{code}: {}", c.explanation);
        }
    }

    #[test]
    fn previous_logs_are_evidence_when_supplied() {
        let snap = super::super::Snapshot::from_objects(vec![looping("Error", 1)])
            .with_previous_logs(
                [(
                    ("ns".to_string(), "web".to_string(), "app".to_string()),
                    vec!["starting".to_string(), "fatal: no DB".to_string()],
                )]
                .into(),
            );
        let f = super::super::analyze(&snap, now(), &Default::default());
        assert!(evidence_text(one(&f, "pod-crashloop")).contains("fatal: no DB"));
    }

    #[test]
    fn start_error_and_failing_init_container() {
        let p = pod(
            "web",
            json!({"initContainers": [{"name": "init", "image": "x"}],
                   "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Pending",
                "initContainerStatuses": [{"name": "init", "image": "x", "imageID": "",
                    "ready": false, "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 127, "reason": "Error"}}}],
                "containerStatuses": [{"name": "app", "image": "x", "imageID": "",
                    "ready": false, "restartCount": 0,
                    "state": {"waiting": {"reason": "PodInitializing"}}}]}),
        );
        let f = run(vec![p]);
        assert!(
            one(&f, "pod-init-failing")
                .explanation
                .contains("command not found")
        );
        let p = pod(
            "run",
            spec1(),
            json!({"phase": "Pending", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "RunContainerError",
                    "message": "exec: \"sheep\": executable file not found in $PATH"}}}]}),
        );
        let f = run(vec![p]);
        assert!(evidence_text(one(&f, "pod-start-error")).contains("sheep"));
    }

    #[test]
    fn completed_job_pod_is_not_flagged() {
        let p = pod(
            "job-x",
            json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Succeeded", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}),
        );
        assert!(run(vec![p]).is_empty());
    }
}
