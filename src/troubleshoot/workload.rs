//! Workload controllers: Deployments unavailable or stuck (ProgressDeadlineExceeded),
//! ReplicaSets that cannot create pods (FailedCreate: quota, PodSecurity, webhooks), and
//! failed Jobs (BackoffLimitExceeded, DeadlineExceeded).

use crate::objects::Job;
use crate::objects::{Deployment, ReplicaSet};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use crate::findings::{Finding, Severity};

pub fn check_deployment(ctx: &Ctx, d: &Deployment, out: &mut Vec<Finding>) {
    out.extend(deployment(ctx, d));
}

pub fn check_replicaset(ctx: &Ctx, r: &ReplicaSet, out: &mut Vec<Finding>) {
    out.extend(replicaset(ctx, r));
}

pub fn check_job(ctx: &Ctx, j: &Job, out: &mut Vec<Finding>) {
    out.extend(job(ctx, j));
}

fn deployment(ctx: &Ctx, d: &Deployment) -> Option<Finding> {
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    if desired == 0 {
        return None;
    }
    let status = d.status.as_ref();
    let conds = status.and_then(|s| s.conditions.as_ref());
    let cond = |t: &str| conds.into_iter().flatten().find(|c| c.type_ == t);
    let stuck = cond("Progressing")
        .filter(|c| c.status == "False" && c.reason.as_deref() == Some("ProgressDeadlineExceeded"));
    let unavailable = cond("Available").filter(|c| c.status == "False");
    if stuck.is_none() && unavailable.is_none() {
        return None;
    }
    let o = obj("Deployment", &d.metadata);
    let nsf = ns_flag(&o.namespace);
    let available = status.and_then(|s| s.available_replicas).unwrap_or(0);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    let updated = status.and_then(|s| s.updated_replicas).unwrap_or(0);
    let (check, summary) = match stuck {
        Some(_) => (
            "deployment-stuck",
            format!("rollout stuck (ProgressDeadlineExceeded): {available}/{desired} available"),
        ),
        None => (
            "deployment-unavailable",
            format!(
                "Deployment does not have minimum availability: {available}/{desired} available"
            ),
        ),
    };
    let mut f = app(check, Severity::Error, o.clone(), summary)
        .explain(match stuck {
            Some(_) => "The new ReplicaSet did not become available within progressDeadlineSeconds: its pods do not start or never get ready (see the pod findings linked below), or they cannot be created.",
            None => "Fewer pods are available than the rollout strategy requires, so the Deployment reports Available=False.",
        })
        .with("spec.replicas", desired.to_string())
        .with("status", format!("ready={ready} available={available} updated={updated}"));
    for c in [stuck, unavailable].into_iter().flatten() {
        f = f.with(
            &format!("condition {}", c.type_),
            format!(
                "{} {}: {}",
                c.status,
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default()
            ),
        );
    }
    Some(
        f.events(ctx, &[], false)
            .step(format!("kubectl rollout status deployment/{}{nsf}", o.name))
            .step(format!("kubectl describe deployment {}{nsf}", o.name))
            .step(format!(
                "kubectl rollout undo deployment/{}{nsf}   (if the last change broke it)",
                o.name
            )),
    )
}

/// What a FailedCreate message is about.
fn classify_failed_create(message: &str) -> (&'static str, &'static str) {
    if message.contains("exceeded quota") {
        ("ResourceQuota exceeded", "kubectl describe resourcequota")
    } else if message.contains("violates PodSecurity") {
        (
            "PodSecurity admission rejects the pod",
            "kubectl get ns --show-labels",
        )
    } else if message.contains("failed calling webhook") {
        (
            "an admission webhook fails",
            "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations",
        )
    } else if message.contains("LimitRange")
        || message.contains("maximum")
        || message.contains("minimum")
    {
        (
            "LimitRange rejects the pod's resources",
            "kubectl describe limitrange",
        )
    } else if message.contains("serviceaccount") || message.contains("service account") {
        (
            "the ServiceAccount does not exist",
            "kubectl get serviceaccounts",
        )
    } else {
        ("pod creation is rejected", "kubectl get events")
    }
}

fn replicaset(ctx: &Ctx, rs: &ReplicaSet) -> Option<Finding> {
    let o = obj("ReplicaSet", &rs.metadata);
    let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = rs.status.as_ref();
    let current = status.map(|s| s.replicas).unwrap_or(0);
    let cond = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "ReplicaFailure" && c.status == "True");
    let event = ctx
        .snap
        .events_for("ReplicaSet", &o.namespace, &o.name)
        .find(|e| e.reason == "FailedCreate" && e.seen_within(ctx.now, ctx.opts.event_window));
    let message = match (cond, event) {
        (Some(c), _) => c.message.clone().unwrap_or_default(),
        (None, Some(e)) if current < desired => e.message.clone(),
        _ => return None,
    };
    let nsf = ns_flag(&o.namespace);
    let (what, step) = classify_failed_create(&message);
    Some(
        app(
            "replicaset-failed-create",
            Severity::Error,
            o.clone(),
            format!("cannot create pods: {what} ({current}/{desired} created)"),
        )
        .explain("The ReplicaSet controller asks the API server to create pods and is refused, so the pods do not exist at all.")
        .with("FailedCreate", message)
        .with("replicas", format!("{current}/{desired}"))
        .events(ctx, &["FailedCreate"], false)
        .step(format!("{step}{nsf}"))
        .step(format!("kubectl describe replicaset {}{nsf}", o.name)),
    )
}

fn job(ctx: &Ctx, j: &Job) -> Option<Finding> {
    let conds = j.status.as_ref().and_then(|s| s.conditions.as_ref());
    let failed = conds
        .into_iter()
        .flatten()
        .find(|c| (c.type_ == "Failed" || c.type_ == "FailureTarget") && c.status == "True")?;
    let o = obj("Job", &j.metadata);
    let nsf = ns_flag(&o.namespace);
    let reason = failed.reason.as_deref().unwrap_or_default().to_string();
    let failures = j.status.as_ref().and_then(|s| s.failed).unwrap_or(0);
    let limit = j.spec.as_ref().and_then(|s| s.backoff_limit).unwrap_or(6);
    let why = match reason.as_str() {
        "BackoffLimitExceeded" => {
            format!("its pods failed {failures} times, more than backoffLimit {limit}")
        }
        "DeadlineExceeded" => "it ran longer than activeDeadlineSeconds".to_string(),
        "PodFailurePolicy" => "a pod failure matched the Job's podFailurePolicy".to_string(),
        _ => reason.clone(),
    };
    Some(
        app(
            "job-failed",
            Severity::Error,
            o.clone(),
            format!("Job failed: {reason}"),
        )
        .explain(format!(
            "The Job gave up: {why}. Look at the logs of its failed pods."
        ))
        .with(
            "condition Failed",
            format!("{reason}: {}", failed.message.clone().unwrap_or_default()),
        )
        .with("status.failed", failures.to_string())
        .with("spec.backoffLimit", limit.to_string())
        .events(ctx, &[], false)
        .step(format!("kubectl logs job/{}{nsf}", o.name))
        .step(format!("kubectl get pods{nsf} -l job-name={}", o.name)),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::json;

    #[test]
    fn stuck_deployment_and_quota_replicaset() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {}},
            "status": {"conditions": [{"type": "Progressing", "status": "False",
                "reason": "ProgressDeadlineExceeded", "message": "ReplicaSet \"web-5d4f8\" has timed out progressing."}]}});
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-5d4f8", "namespace": "ns",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u"}]},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"replicas": 0, "conditions": [{"type": "ReplicaFailure", "status": "True",
                "reason": "FailedCreate", "message": "pods \"web-5d4f8-x\" is forbidden: exceeded quota: compute-quota, requested: limits.memory=1Gi"}]}});
        let f = run(vec![d, rs]);
        assert!(
            one(&f, "deployment-stuck")
                .summary
                .contains("ProgressDeadlineExceeded")
        );
        let r = one(&f, "replicaset-failed-create");
        assert!(r.summary.contains("ResourceQuota exceeded"));
        // The Deployment is a symptom of the ReplicaSet's refusal.
        let d = one(&f, "deployment-stuck");
        assert_eq!(d.caused_by[0].check, "replicaset-failed-create");
    }

    #[test]
    fn unavailable_deployment_is_caused_by_its_crashing_pod() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": 1, "selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]}});
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-1", "namespace": "ns",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u"}]},
            "spec": {"selector": {}}, "status": {"replicas": 1}});
        let mut p = pod(
            "web-1-abc",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x", "imageID": "",
                "ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
        );
        p["metadata"]["ownerReferences"] =
            json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "r"}]);
        let f = run(vec![d, rs, p]);
        assert_eq!(f[0].check, "pod-crashloop");
        let d = one(&f, "deployment-unavailable");
        assert_eq!(d.caused_by[0].object.name, "web-1-abc");
    }

    #[test]
    fn failed_job_but_not_a_completed_one() {
        let job = |conds: serde_json::Value, failed: i32| {
            json!({"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "j", "namespace": "ns"}, "spec": {"backoffLimit": 6, "template": {}},
            "status": {"failed": failed, "conditions": conds}})
        };
        let f = run(vec![job(
            json!([{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
            "message": "Job has reached the specified backoff limit"}]),
            7,
        )]);
        assert!(
            one(&f, "job-failed")
                .explanation
                .contains("more than backoffLimit 6")
        );
        let f = run(vec![job(
            json!([{"type": "Complete", "status": "True"}]),
            2,
        )]);
        assert!(f.is_empty());
    }

    #[test]
    fn healthy_or_scaled_to_zero_deployment_is_not_flagged() {
        let d = |replicas: i32, status: &str| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"replicas": replicas, "selector": {}, "template": {}},
            "status": {"conditions": [{"type": "Available", "status": status}]}})
        };
        assert!(run(vec![d(2, "True")]).is_empty());
        assert!(run(vec![d(0, "False")]).is_empty());
    }
}
