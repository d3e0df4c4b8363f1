//! Tests of `pod_probe`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::json;

fn running(ready: bool, restarts: i32) -> serde_json::Value {
    pod(
        "web",
        json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x",
            "ports": [{"containerPort": 8080}],
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8081}},
            "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}}}]}),
        json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x",
            "imageID": "", "ready": ready, "restartCount": restarts,
            "state": {"running": {"startedAt": ago(600)}}}]}),
    )
}

#[test]
fn readiness_failure_with_port_mismatch() {
    let f = run(vec![
        running(false, 0),
        event(
            "web",
            "Unhealthy",
            "Warning",
            "Readiness probe failed: Get \"http://10.244.1.5:8081/ready\": dial tcp 10.244.1.5:8081: connect: connection refused",
            20,
        ),
    ]);
    let r = one(&f, "pod-readiness-failing");
    assert!(r.explanation.contains("connection refused"));
    assert!(
        evidence_text(r).contains("the probe checks port 8081, but the container declares 8080")
    );
    assert!(
        r.next_steps.iter().any(|s| s
            .starts_with("kubectl exec web -n ns -c app -- wget -qO- http://localhost:8081/ready")),
        "{:?}",
        r.next_steps
    );
    assert!(!r.next_steps.iter().any(|s| s.contains("<port>")));
}

#[test]
fn liveness_kill_loop() {
    let f = run(vec![
        running(true, 12),
        event(
            "web",
            "Unhealthy",
            "Warning",
            "Liveness probe failed: HTTP probe failed with statuscode: 500",
            20,
        ),
    ]);
    assert!(
        one(&f, "pod-liveness-failing")
            .summary
            .contains("liveness probe (12 restarts)")
    );
    // The probe is run by hand on its real port and path.
    assert!(
        one(&f, "pod-liveness-failing")
            .next_steps
            .iter()
            .any(|s| s.contains("wget -qO- http://localhost:8080/live")),
        "{:?}",
        one(&f, "pod-liveness-failing").next_steps
    );
}

#[test]
fn restarts_caused_by_the_liveness_probe_are_one_finding() {
    let mut p = running(false, 6);
    p["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {
        "exitCode": 137, "reason": "Error", "startedAt": ago(900), "finishedAt": ago(240)}});
    let probe_event = event(
        "web",
        "Unhealthy",
        "Warning",
        "Liveness probe failed: Get \"http://10.244.1.7:8080/live\": dial tcp 10.244.1.7:8080: connect: connection refused",
        240,
    );
    let f = run(vec![p.clone(), probe_event]);
    assert_eq!(
        one(&f, "pod-liveness-failing").severity,
        crate::findings::Severity::Error
    );
    assert!(
        !f.iter().any(|x| x.check == "pod-restarts"),
        "{:?}",
        ids(&f)
    );
    // Without the probe's events the restarts are reported on their own.
    let f = run(vec![p]);
    assert!(f.iter().any(|x| x.check == "pod-restarts"), "{:?}", ids(&f));
}

#[test]
fn ready_pod_or_old_events_are_not_flagged() {
    let f = run(vec![
        running(true, 0),
        event(
            "web",
            "Unhealthy",
            "Warning",
            "Readiness probe failed: x",
            20,
        ),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    let f = run(vec![
        running(false, 0),
        event(
            "web",
            "Unhealthy",
            "Warning",
            "Readiness probe failed: x",
            7200,
        ),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn probe_urls_and_commands_are_quoted_for_the_shell() {
    use super::shell_word;
    // zsh aborts on an unquoted `?` ("no matches found"); `&` would background the command.
    assert_eq!(
        shell_word("https://localhost:9901/ready?full=1"),
        "'https://localhost:9901/ready?full=1'"
    );
    assert_eq!(
        shell_word("http://localhost:8081/ready"),
        "http://localhost:8081/ready"
    );
    assert_eq!(shell_word("it's"), "'it'\\''s'");
    assert_eq!(shell_word(""), "''");
    assert_eq!(shell_word("$HOME"), "'$HOME'");
}
