//! Tests of `job`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::{Value, json};

fn job(spec: Value, status: Value) -> Value {
    let mut s = json!({"backoffLimit": 6, "template": {"spec": {"restartPolicy": "Never",
        "containers": [{"name": "report", "image": "example/report:2"}]}}});
    for (k, v) in spec.as_object().unwrap() {
        s[k] = v.clone();
    }
    json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "j", "namespace": "ns", "uid": "job-uid", "creationTimestamp": ago(7200)},
        "spec": s, "status": status})
}

fn failed_pod(name: &str, code: i32, message: &str) -> Value {
    let mut p = pod(
        name,
        json!({"nodeName": "n1", "restartPolicy": "Never",
            "containers": [{"name": "report", "image": "example/report:2"}]}),
        json!({"phase": "Failed", "containerStatuses": [{"name": "report", "image": "x", "ready": false,
            "restartCount": 0, "state": {"terminated": {"exitCode": code, "reason": "Error",
            "message": message, "finishedAt": ago(600)}}}]}),
    );
    p["metadata"]["labels"] = json!({"batch.kubernetes.io/job-name": "j", "job-name": "j"});
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "j",
        "uid": "job-uid", "controller": true}]);
    p
}

#[test]
fn failed_job_with_its_pods_exit_reasons() {
    let f = run(vec![
        job(
            json!({}),
            json!({"failed": 7, "startTime": ago(3600), "conditions": [{"type": "Failed", "status": "True",
            "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}),
        ),
        failed_pod("j-abc", 127, ""),
        failed_pod("j-def", 1, "panic: DB_HOST not set"),
    ]);
    let j = one(&f, "job-failed");
    assert!(j.explanation.contains("more than backoffLimit 6"));
    let ev = evidence_text(j);
    assert!(ev.contains("command not found"), "{ev}");
    assert!(ev.contains("panic: DB_HOST not set"), "{ev}");
}

#[test]
fn deadline_exceeded_names_the_deadline() {
    let f = run(vec![job(
        json!({"activeDeadlineSeconds": 600}),
        json!({"failed": 1, "startTime": ago(3600),
        "conditions": [{"type": "Failed", "status": "True", "reason": "DeadlineExceeded",
            "message": "Job was active longer than specified deadline"}]}),
    )]);
    let j = one(&f, "job-failed");
    assert!(
        j.explanation.contains("activeDeadlineSeconds (600s)"),
        "{}",
        j.explanation
    );
}

#[test]
fn still_running_past_the_deadline() {
    let f = run(vec![job(
        json!({"activeDeadlineSeconds": 600}),
        json!({"active": 1, "startTime": ago(3600)}),
    )]);
    one(&f, "job-deadline-exceeded");
    let f = run(vec![job(
        json!({"activeDeadlineSeconds": 7200}),
        json!({"active": 1, "startTime": ago(3600)}),
    )]);
    assert!(f.is_empty());
}

#[test]
fn suspended_job() {
    let f = run(vec![job(
        json!({"suspend": true}),
        json!({"conditions": [{"type": "Suspended", "status": "True"}]}),
    )]);
    assert_eq!(
        one(&f, "job-suspended").severity,
        crate::findings::Severity::Warning
    );
    let mut queued = job(
        json!({"suspend": true}),
        json!({"conditions": [{"type": "Suspended", "status": "True"}]}),
    );
    queued["metadata"]["labels"] = json!({"kueue.x-k8s.io/queue-name": "team-a"});
    let f = run(vec![queued]);
    let j = one(&f, "job-suspended");
    assert_eq!(j.severity, crate::findings::Severity::Info);
    assert!(j.explanation.contains("Kueue (queue team-a)"));
}

#[test]
fn completed_job_with_earlier_failures_is_not_flagged() {
    let f = run(vec![
        job(
            json!({}),
            json!({"succeeded": 1, "failed": 2, "conditions": [{"type": "Complete", "status": "True"}]}),
        ),
        failed_pod("j-old", 1, ""),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}
