//! Incremental analysis of the application checks: a change to an object another check
//! reads re-runs that check (a Service for its StatefulSet, a Job for its pods, a
//! ConfigMap for the workloads referencing it).

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

fn listed(e: &mut Engine, kinds: &[Kind]) {
    for k in kinds {
        e.apply(Change::State(
            *k,
            None,
            crate::troubleshoot::KindState::Listed,
        ));
    }
}

fn has(f: &[crate::findings::Finding], check: &str) -> bool {
    f.iter().any(|x| x.check == check)
}

#[test]
fn a_new_service_clears_its_statefulset() {
    let mut e = Engine::new(Options::default());
    listed(&mut e, &[Kind::StatefulSet, Kind::Service]);
    upsert(
        &mut e,
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "ns"},
        "spec": {"replicas": 0, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}}, "template": {}}}),
    );
    assert!(has(&e.analyze(now(), false), "statefulset-service-missing"));
    upsert(
        &mut e,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "ns"},
        "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}}),
    );
    let f = e.analyze(now(), false);
    assert!(!e.last_pass().full);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn a_job_that_completes_clears_its_earlier_failed_pod() {
    let mut e = Engine::new(Options::default());
    listed(&mut e, &[Kind::Pod, Kind::Job]);
    let job = |status: serde_json::Value| {
        json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "migrate", "namespace": "ns", "uid": "job-uid"},
        "spec": {"template": {}}, "status": status})
    };
    upsert(&mut e, job(json!({"active": 1, "failed": 1})));
    let mut p = pod(
        "migrate-abc",
        json!({"nodeName": "n1", "restartPolicy": "Never", "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Failed", "containerStatuses": [{"name": "app", "image": "x", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}),
    );
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": "migrate", "uid": "job-uid", "controller": true}]);
    upsert(&mut e, p);
    assert!(has(&e.analyze(now(), false), "pod-failed"));
    upsert(
        &mut e,
        job(
            json!({"succeeded": 1, "failed": 1, "conditions": [{"type": "Complete", "status": "True"}]}),
        ),
    );
    let f = e.analyze(now(), false);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn a_created_config_map_clears_the_workloads_referencing_it() {
    let mut e = Engine::new(Options::default());
    listed(&mut e, &[Kind::CronJob, Kind::ConfigMap]);
    upsert(
        &mut e,
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "ns"}}),
    );
    upsert(
        &mut e,
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "ns"},
        "spec": {"schedule": "@daily", "suspend": true, "jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "r", "image": "x", "envFrom": [{"configMapRef": {"name": "report-env"}}]}]}}}}}}),
    );
    assert!(has(&e.analyze(now(), false), "workload-missing-reference"));
    upsert(
        &mut e,
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "report-env", "namespace": "ns"}}),
    );
    assert!(!has(&e.analyze(now(), false), "workload-missing-reference"));
}
