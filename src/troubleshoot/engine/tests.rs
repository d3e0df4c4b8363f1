#![allow(clippy::unwrap_used)]
use super::*;
use crate::objects::{self, Kind};
use crate::troubleshoot::testutil::*;
use serde_json::json;

fn upsert(e: &mut Engine, v: serde_json::Value) {
    let kind = Kind::of(
        v["apiVersion"].as_str().unwrap(),
        v["kind"].as_str().unwrap(),
    )
    .unwrap();
    e.apply(Change::Upsert(objects::decode_value(kind, &v).unwrap()));
}

fn crashing(name: &str) -> serde_json::Value {
    let mut p = pod(
        name,
        spec1(),
        json!({"phase": "Running", "containerStatuses": [{"name": "app", "image": "x", "ready": false,
            "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}),
    );
    p["metadata"]["labels"] = json!({"app": "web"});
    p
}

fn healthy(name: &str) -> serde_json::Value {
    let mut p = pod(
        name,
        spec1(),
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "app", "image": "x", "ready": true, "restartCount": 0,
            "state": {"running": {}}}]}),
    );
    p["metadata"]["labels"] = json!({"app": "web"});
    p
}

fn service() -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
}

#[test]
fn a_change_reanalyses_the_pod_and_what_selects_it_not_the_cluster() {
    let mut e = Engine::new(Options::default());
    for k in [Kind::Pod, Kind::Service, Kind::Event] {
        e.apply(Change::State(k, crate::troubleshoot::KindState::Listed));
    }
    for i in 0..50 {
        upsert(&mut e, healthy(&format!("other-{i}")));
    }
    upsert(&mut e, healthy("web-1"));
    upsert(&mut e, service());
    let first = e.analyze(now(), false);
    assert!(first.is_empty(), "{:?}", ids(&first));
    assert!(e.last_pass().full);

    upsert(&mut e, crashing("web-1"));
    let f = e.analyze(now(), false);
    assert!(!e.last_pass().full);
    assert_eq!(
        e.last_pass().checked,
        2,
        "the pod and the Service selecting it"
    );
    assert!(
        f.iter()
            .any(|x| x.check == "pod-crashloop" && x.object.name == "web-1")
    );

    upsert(&mut e, healthy("web-1"));
    let f = e.analyze(now(), false);
    assert!(f.is_empty(), "fixed: {:?}", ids(&f));
}

#[test]
fn a_deleted_pod_takes_its_findings_with_it() {
    let mut e = Engine::new(Options::default());
    e.apply(Change::State(
        Kind::Pod,
        crate::troubleshoot::KindState::Listed,
    ));
    upsert(&mut e, crashing("web-1"));
    assert_eq!(e.analyze(now(), false).len(), 1);
    e.apply(Change::Delete(
        Kind::Pod,
        crate::model::ObjKey::new("ns", "web-1"),
    ));
    assert!(e.analyze(now(), false).is_empty());
}

#[test]
fn a_relist_is_a_full_pass_and_leaves_nothing_stale() {
    let mut e = Engine::new(Options::default());
    upsert(&mut e, crashing("gone"));
    assert_eq!(e.analyze(now(), false).len(), 1);
    let fresh = objects::decode_value(Kind::Pod, &healthy("new")).unwrap();
    e.apply(Change::Reset(Kind::Pod, vec![fresh]));
    let f = e.analyze(now(), false);
    assert!(e.last_pass().full);
    assert!(f.is_empty(), "{:?}", ids(&f));
}
