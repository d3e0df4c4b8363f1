//! Tests of kubectl's pod STATUS word, READY counts and RESTARTS for each pod situation.

use super::*;
use crate::model::build::{obj, ts};
use serde_json::{Value, json};

fn cs(name: &str, ready: bool, state: Value) -> Value {
    json!({"name": name, "image": "img", "imageID": "", "ready": ready,
           "restartCount": 0, "state": state})
}

fn pod(phase: &str, containers: &[Value], extra_status: Value) -> Pod {
    let names: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c["name"]}))
        .collect();
    let mut status = json!({"phase": phase, "containerStatuses": containers});
    if let (Some(s), Some(extra)) = (status.as_object_mut(), extra_status.as_object()) {
        s.extend(extra.clone());
    }
    obj(json!({"metadata": {"name": "p", "namespace": "ns"},
               "spec": {"containers": names}, "status": status}))
}

fn status_of(p: &Pod) -> (String, Health) {
    let s = summarize(p);
    let h = status_health(&s.status, s.ready, s.total);
    (s.status, h)
}

#[test]
fn running_all_ready() {
    let p = pod(
        "Running",
        &[cs("a", true, json!({"running": {}}))],
        json!({}),
    );
    assert_eq!(status_of(&p), ("Running".into(), Health::Ok));
    assert_eq!((summarize(&p).ready, summarize(&p).total), (1, 1));
}

#[test]
fn running_not_ready_warns() {
    let p = pod(
        "Running",
        &[cs("a", false, json!({"running": {}}))],
        json!({}),
    );
    assert_eq!(status_of(&p), ("Running".into(), Health::Warning));
    assert_eq!(summarize(&p).ready, 0);
}

#[test]
fn not_ready_when_completed_with_running_sidecar_and_pod_not_ready() {
    let containers = [
        cs(
            "main",
            false,
            json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        ),
        cs("side", true, json!({"running": {}})),
    ];
    let p = pod(
        "Running",
        &containers,
        json!({"conditions": [{"type": "Ready", "status": "False"}]}),
    );
    assert_eq!(status_of(&p), ("NotReady".into(), Health::Warning));
    let p = pod(
        "Running",
        &containers,
        json!({"conditions": [{"type": "Ready", "status": "True"}]}),
    );
    assert_eq!(status_of(&p).0, "Running");
}

#[test]
fn crash_loop_back_off() {
    let p = pod(
        "Running",
        &[cs(
            "a",
            false,
            json!({"waiting": {"reason": "CrashLoopBackOff"}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p), ("CrashLoopBackOff".into(), Health::Error));
}

#[test]
fn image_pull_back_off_and_err_image_pull() {
    let p = pod(
        "Pending",
        &[cs(
            "a",
            false,
            json!({"waiting": {"reason": "ImagePullBackOff"}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p), ("ImagePullBackOff".into(), Health::Error));
    let p = pod(
        "Pending",
        &[cs(
            "a",
            false,
            json!({"waiting": {"reason": "ErrImagePull"}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p), ("ErrImagePull".into(), Health::Error));
}

#[test]
fn container_creating_and_pending() {
    let p = pod(
        "Pending",
        &[cs(
            "a",
            false,
            json!({"waiting": {"reason": "ContainerCreating"}}),
        )],
        json!({}),
    );
    assert_eq!(
        status_of(&p),
        ("ContainerCreating".into(), Health::Progressing)
    );
    let p = pod("Pending", &[], json!({}));
    assert_eq!(status_of(&p), ("Pending".into(), Health::Progressing));
}

#[test]
fn completed_and_terminated_without_reason() {
    let p = pod(
        "Succeeded",
        &[cs(
            "a",
            false,
            json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p), ("Completed".into(), Health::Done));
    let p = pod(
        "Failed",
        &[cs("a", false, json!({"terminated": {"exitCode": 3}}))],
        json!({}),
    );
    assert_eq!(status_of(&p), ("ExitCode:3".into(), Health::Error));
    let p = pod(
        "Failed",
        &[cs(
            "a",
            false,
            json!({"terminated": {"exitCode": 0, "signal": 9}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p).0, "Signal:9");
}

#[test]
fn oom_killed() {
    let p = pod(
        "Running",
        &[cs(
            "a",
            false,
            json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}}),
        )],
        json!({}),
    );
    assert_eq!(status_of(&p), ("OOMKilled".into(), Health::Error));
}

#[test]
fn reverse_order_first_container_wins() {
    let p = pod(
        "Running",
        &[
            cs(
                "a",
                false,
                json!({"waiting": {"reason": "CrashLoopBackOff"}}),
            ),
            cs(
                "b",
                false,
                json!({"waiting": {"reason": "ContainerCreating"}}),
            ),
        ],
        json!({}),
    );
    assert_eq!(status_of(&p).0, "CrashLoopBackOff");
}

#[test]
fn evicted() {
    let p = pod(
        "Failed",
        &[],
        json!({"reason": "Evicted", "message": "low on memory"}),
    );
    assert_eq!(status_of(&p), ("Evicted".into(), Health::Error));
}

#[test]
fn terminating_and_node_lost() {
    let mut p = pod(
        "Running",
        &[cs("a", true, json!({"running": {}}))],
        json!({}),
    );
    p.metadata.deletion_timestamp = Some(crate::objects::Time::from(ts("2024-01-01T00:00:00Z")));
    assert_eq!(status_of(&p), ("Terminating".into(), Health::Progressing));
    if let Some(s) = p.status.as_mut() {
        s.reason = Some("NodeLost".into());
    }
    assert_eq!(status_of(&p), ("Unknown".into(), Health::Error));
    // A finished pod being deleted keeps its final status.
    let mut done = pod(
        "Succeeded",
        &[cs(
            "a",
            false,
            json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        )],
        json!({}),
    );
    done.metadata.deletion_timestamp = Some(crate::objects::Time::from(ts("2024-01-01T00:00:00Z")));
    assert_eq!(status_of(&done).0, "Completed");
}

fn init_pod(init_spec: Value, init_statuses: Value, containers: Value, conds: Value) -> Pod {
    obj(json!({
        "metadata": {"name": "p"},
        "spec": {"initContainers": init_spec, "containers": [{"name": "main"}]},
        "status": {"phase": "Pending", "initContainerStatuses": init_statuses,
                   "containerStatuses": containers, "conditions": conds}
    }))
}

fn ics(name: &str, ready: bool, restarts: i32, state: Value) -> Value {
    json!({"name": name, "image": "img", "imageID": "", "ready": ready,
           "restartCount": restarts, "state": state})
}

#[test]
fn init_progress() {
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics("init", false, 0, json!({"running": {}}))]),
        json!([cs(
            "main",
            false,
            json!({"waiting": {"reason": "PodInitializing"}})
        )]),
        json!([]),
    );
    assert_eq!(status_of(&p), ("Init:0/1".into(), Health::Progressing));
    let p = init_pod(
        json!([{"name": "i1"}, {"name": "i2"}]),
        json!([
            ics(
                "i1",
                false,
                0,
                json!({"terminated": {"exitCode": 0, "reason": "Completed"}})
            ),
            ics(
                "i2",
                false,
                0,
                json!({"waiting": {"reason": "PodInitializing"}})
            )
        ]),
        json!([]),
        json!([]),
    );
    assert_eq!(status_of(&p).0, "Init:1/2");
}

#[test]
fn init_failures() {
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics(
            "init",
            false,
            4,
            json!({"waiting": {"reason": "CrashLoopBackOff"}})
        )]),
        json!([]),
        json!([]),
    );
    assert_eq!(
        status_of(&p),
        ("Init:CrashLoopBackOff".into(), Health::Error)
    );
    assert_eq!(summarize(&p).restarts, 4);
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics(
            "init",
            false,
            0,
            json!({"terminated": {"exitCode": 1, "reason": "Error"}})
        )]),
        json!([]),
        json!([]),
    );
    assert_eq!(status_of(&p), ("Init:Error".into(), Health::Error));
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics(
            "init",
            false,
            0,
            json!({"terminated": {"exitCode": 1}})
        )]),
        json!([]),
        json!([]),
    );
    assert_eq!(status_of(&p), ("Init:ExitCode:1".into(), Health::Error));
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics(
            "init",
            false,
            0,
            json!({"terminated": {"exitCode": 0, "signal": 15}})
        )]),
        json!([]),
        json!([]),
    );
    // exitCode 0 means the init container finished successfully.
    assert_eq!(status_of(&p).0, "Pending");
    let p = init_pod(
        json!([{"name": "init"}]),
        json!([ics(
            "init",
            false,
            0,
            json!({"terminated": {"exitCode": 2, "signal": 15}})
        )]),
        json!([]),
        json!([]),
    );
    assert_eq!(status_of(&p).0, "Init:Signal:15");
}

#[test]
fn sidecar_counts_in_ready_total_and_restarts() {
    let p: Pod = obj(json!({
        "metadata": {"name": "p"},
        "spec": {"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
                 "containers": [{"name": "main"}]},
        "status": {"phase": "Running",
            "conditions": [{"type": "Initialized", "status": "True"}],
            "initContainerStatuses": [
                {"name": "proxy", "image": "i", "imageID": "", "ready": true, "started": true,
                 "restartCount": 2, "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-01-05T00:00:00Z"}}}],
            "containerStatuses": [
                {"name": "main", "image": "i", "imageID": "", "ready": true,
                 "restartCount": 1, "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2024-01-04T00:00:00Z"}}}]}
    }));
    let s = summarize(&p);
    assert_eq!((s.ready, s.total), (2, 2));
    assert_eq!(s.status, "Running");
    assert_eq!(s.restarts, 3);
    assert_eq!(s.last_restart, Some(ts("2024-01-05T00:00:00Z")));
}

#[test]
fn scheduling_gated() {
    let p = pod(
        "Pending",
        &[],
        json!({"conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
    );
    assert_eq!(
        status_of(&p),
        ("SchedulingGated".into(), Health::Progressing)
    );
}
