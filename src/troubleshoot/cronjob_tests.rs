//! Tests of `cronjob`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use crate::findings::Severity;
use serde_json::{Value, json};

fn cron(schedule: &str, extra: Value, status: Value) -> Value {
    let mut spec = json!({"schedule": schedule, "concurrencyPolicy": "Allow", "suspend": false,
        "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
            "containers": [{"name": "hello", "image": "busybox:1.36"}]}}}}});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    json!({"apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": "ns", "uid": "cj-uid", "creationTimestamp": ago(30 * 86400)},
        "spec": spec, "status": status})
}

#[test]
fn invalid_schedule_and_time_zone() {
    let f = run(vec![cron("*/5 * * *", json!({}), json!({}))]);
    assert!(
        one(&f, "cronjob-invalid-schedule")
            .summary
            .contains("exactly 5 fields")
    );
    let f = run(vec![cron(
        "0 9 * * *",
        json!({"timeZone": "Europe/Atlantis"}),
        json!({}),
    )]);
    assert!(
        one(&f, "cronjob-invalid-schedule")
            .summary
            .contains("Europe/Atlantis")
    );
    let f = run(vec![cron("0 0 30 2 *", json!({}), json!({}))]);
    assert!(
        one(&f, "cronjob-invalid-schedule")
            .summary
            .contains("never fires")
    );
}

#[test]
fn missed_runs_from_last_schedule_time() {
    // Hourly, last run just over 5 hours ago: five runs were due and did not start.
    let f = run(vec![cron(
        "@hourly",
        json!({}),
        json!({"lastScheduleTime": ago(5 * 3600 + 60)}),
    )]);
    let c = one(&f, "cronjob-missed-schedules");
    assert_eq!(c.severity, Severity::Error);
    assert!(c.summary.starts_with("5 scheduled run(s)"), "{}", c.summary);
    // Last run 10 minutes ago: on time.
    let f = run(vec![cron(
        "0 * * * *",
        json!({}),
        json!({"lastScheduleTime": ago(3600 - 60)}),
    )]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    // Daily at 09:00 Berlin: the last run this morning (08:00 UTC) is on time at 12:00 UTC.
    let f = run(vec![cron(
        "0 9 * * *",
        json!({"timeZone": "Europe/Berlin"}),
        json!({"lastScheduleTime": "2026-01-01T08:00:00Z"}),
    )]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    let f = run(vec![cron(
        "CRON_TZ=Asia/Tokyo 0 9 * * *",
        json!({}),
        json!({"lastScheduleTime": "2025-12-30T00:00:00Z"}),
    )]);
    one(&f, "cronjob-missed-schedules");
}

#[test]
fn forbid_with_an_active_job_is_blocked_not_missed() {
    let job = json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "hello-29000000", "namespace": "ns", "uid": "j1",
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello", "uid": "cj-uid", "controller": true}]},
        "spec": {"template": {"spec": {"containers": [{"name": "hello", "image": "busybox"}]}}},
        "status": {"active": 1, "startTime": ago(3 * 3600)}});
    let f = run(vec![
        cron(
            "@hourly",
            json!({"concurrencyPolicy": "Forbid"}),
            json!({"lastScheduleTime": ago(3 * 3600),
            "active": [{"apiVersion": "batch/v1", "kind": "Job", "name": "hello-29000000", "namespace": "ns", "uid": "j1"}]}),
        ),
        job,
    ]);
    let c = one(&f, "cronjob-blocked");
    assert!(c.summary.contains("hello-29000000 still runs"));
    assert!(
        evidence_text(c).contains("started 3h ago"),
        "{}",
        evidence_text(c)
    );
    // An active job that started with the last run, before the next one is due: fine.
    let f = run(vec![cron(
        "@hourly",
        json!({"concurrencyPolicy": "Forbid"}),
        json!({"lastScheduleTime": ago(600),
        "active": [{"apiVersion": "batch/v1", "kind": "Job", "name": "hello-29000001", "namespace": "ns"}]}),
    )]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn suspended() {
    let f = run(vec![cron("@daily", json!({"suspend": true}), json!({}))]);
    assert_eq!(one(&f, "cronjob-suspended").severity, Severity::Warning);
}

#[test]
fn missed_runs_the_api_refused_say_so() {
    let refused = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "hello.1", "namespace": "ns", "uid": "e1"},
        "involvedObject": {"apiVersion": "batch/v1", "kind": "CronJob", "namespace": "ns", "name": "hello"},
        "reason": "FailedCreate", "type": "Warning", "count": 5, "lastTimestamp": ago(300),
        "message": "Error creating job: jobs.batch \"hello-29100960\" is forbidden: exceeded quota: batch-quota, requested: count/jobs.batch=1, used: count/jobs.batch=10, limited: count/jobs.batch=10"});
    let f = run(vec![
        cron(
            "@hourly",
            json!({}),
            json!({"lastScheduleTime": ago(5 * 3600 + 60)}),
        ),
        refused,
    ]);
    let c = one(&f, "cronjob-missed-schedules");
    assert!(
        c.summary
            .contains("the Job cannot be created (Error creating job"),
        "{}",
        c.summary
    );
    assert!(
        !c.next_steps
            .iter()
            .any(|s| s.contains("kube-controller-manager"))
    );
}
