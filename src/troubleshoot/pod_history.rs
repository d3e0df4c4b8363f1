//! The recent past of a container that is running now: an OOM kill (even though it runs
//! again) and many recent restarts.

use crate::objects::{ContainerStatus, Pod};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj, secs_since};
use super::container::{explain_exit, last_terminated};
use super::pod_crash::{add_log_tail, memory_limit};
use crate::findings::{Finding, Severity};

/// A running container's recent past: an OOM kill, or many restarts.
pub fn history(ctx: &Ctx, pod: &Pod, c: &ContainerStatus) -> Option<Finding> {
    let last = last_terminated(c)?;
    let finished = last.finished_at.as_ref()?.ts();
    if secs_since(finished, ctx.now()) > ctx.opts.restart_window.as_secs() as i64 {
        return None;
    }
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = last.reason.as_deref().unwrap_or("");
    let ago = crate::model::age::human_duration(finished, ctx.now());
    if reason == "OOMKilled" {
        let f = app(
            "pod-oomkilled",
            Severity::Warning,
            o.clone(),
            format!(
                "container {} was OOMKilled {ago} ago (running again now)",
                c.name
            ),
        )
        .explain(
            "The container went over its memory limit and the kernel killed it; it has been \
             restarted and runs now, but it will likely happen again under the same load.",
        )
        .with("container", c.name.clone())
        .with("lastState.terminated", "reason=OOMKilled exitCode=137")
        .with("finishedAt", finished.to_string())
        .with("restartCount", c.restart_count.to_string())
        .with("memory limit", memory_limit(pod, &c.name));
        return Some(
            f.step(format!("kubectl top pod {}{nsf} --containers", o.name))
                .step(format!(
                    "kubectl logs {}{nsf} -c {} --previous",
                    o.name, c.name
                )),
        );
    }
    if c.restart_count <= ctx.opts.restart_threshold
        || super::pod_probe::restarts_explained(ctx, pod, c)
    {
        return None;
    }
    let f = app(
        "pod-restarts",
        Severity::Warning,
        o.clone(),
        format!(
            "container {} restarted {} times (last {ago} ago)",
            c.name, c.restart_count
        ),
    )
    .explain(format!(
        "The container is running but keeps restarting. Last termination: {}.",
        explain_exit(last.exit_code, reason)
    ))
    .with("container", c.name.clone())
    .with("restartCount", c.restart_count.to_string())
    .with(
        "lastState.terminated",
        format!("reason={reason} exitCode={}", last.exit_code),
    );
    Some(
        add_log_tail(ctx, pod, c, f)
            .events(ctx, &["Unhealthy", "Killing", "BackOff"], false)
            .step(format!(
                "kubectl logs {}{nsf} -c {} --previous",
                o.name, c.name
            )),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    #[test]
    fn oom_history_while_running_is_a_warning() {
        let p = pod(
            "web",
            spec1(),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": true, "restartCount": 1,
                "state": {"running": {"startedAt": ago(120)}},
                "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
                    "finishedAt": ago(121)}}}]}),
        );
        let f = run(vec![p]);
        assert_eq!(
            one(&f, "pod-oomkilled").severity,
            crate::findings::Severity::Warning
        );
    }

    fn restarted(count: i32, secs: i64) -> serde_json::Value {
        pod(
            "web",
            spec1(),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": true, "restartCount": count,
                "state": {"running": {"startedAt": ago(secs - 1)}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                    "finishedAt": ago(secs)}}}]}),
        )
    }

    #[test]
    fn high_restarts_flagged_only_when_recent_and_many() {
        assert_eq!(
            one(&run(vec![restarted(12, 600)]), "pod-restarts")
                .object
                .name,
            "web"
        );
        assert!(run(vec![restarted(2, 600)]).is_empty());
        assert!(run(vec![restarted(12, 3 * 86400)]).is_empty());
    }
}
