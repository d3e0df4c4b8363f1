//! Tests of `statefulset`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use serde_json::{Value, json};

fn sts(replicas: i32, status: Value, extra: Value) -> Value {
    let mut s = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "ns", "uid": "sts-uid", "creationTimestamp": ago(86400)},
        "spec": {"replicas": replicas, "serviceName": "db", "podManagementPolicy": "OrderedReady",
            "selector": {"matchLabels": {"app": "db"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {"metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                         "resources": {"requests": {"storage": "10Gi"}}}}]},
        "status": status});
    for (k, v) in extra.as_object().unwrap() {
        s["spec"][k] = v.clone();
    }
    s
}

fn svc() -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "ns"},
        "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}})
}

fn sc(name: &str) -> Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
        "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer"})
}

fn db_pod(i: i32, ready: bool, rev: &str) -> Value {
    let state = if ready {
        json!({"running": {"startedAt": ago(3000)}})
    } else {
        json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}})
    };
    let mut p = pod(
        &format!("db-{i}"),
        json!({"nodeName": "n1", "containers": [{"name": "db", "image": "postgres:16"}]}),
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}],
            "containerStatuses": [{"name": "db", "image": "postgres:16", "ready": ready,
                "restartCount": if ready { 0 } else { 4 }, "state": state,
                "lastState": if ready { json!({}) } else {
                    json!({"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(60)}}) }}]}),
    );
    p["metadata"]["labels"] = json!({"app": "db", "controller-revision-hash": rev,
        "statefulset.kubernetes.io/pod-name": format!("db-{i}")});
    p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db",
        "uid": "sts-uid", "controller": true}]);
    p
}

fn st(ready: i32, cur: &str, upd: &str, updated: i32) -> Value {
    json!({"observedGeneration": 1, "replicas": ready + 1, "readyReplicas": ready, "currentReplicas": ready,
        "updatedReplicas": updated, "currentRevision": cur, "updateRevision": upd, "availableReplicas": ready})
}

#[test]
fn missing_service_and_storage_class() {
    let f = run(vec![
        sts(1, st(1, "db-1", "db-1", 1), json!({})),
        db_pod(0, true, "db-1"),
        json!({"apiVersion": "v1", "kind": "ServiceList", "items": []}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClassList", "items": []}),
    ]);
    assert!(
        one(&f, "statefulset-service-missing")
            .explanation
            .contains("db-0.db.ns.svc")
    );
    assert!(
        one(&f, "statefulset-storageclass-missing")
            .summary
            .contains("fast")
    );
    let f = run(vec![
        sts(1, st(1, "db-1", "db-1", 1), json!({})),
        db_pod(0, true, "db-1"),
        svc(),
        sc("fast"),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

#[test]
fn the_blocking_ordinal_is_named() {
    let f = run(vec![
        sts(3, st(1, "db-1", "db-1", 1), json!({})),
        db_pod(0, true, "db-1"),
        db_pod(1, false, "db-1"),
        svc(),
    ]);
    let s = one(&f, "statefulset-not-ready");
    assert_eq!(s.summary, "1/3 ready: db-1 blocks the rest (1 not created)");
    assert!(evidence_text(s).contains("waiting to be created: db-2"));
    assert_eq!(s.caused_by[0].object.name, "db-1");
}

#[test]
fn a_stuck_update_on_a_broken_old_pod_says_to_delete_it() {
    let f = run(vec![
        sts(2, st(1, "db-1", "db-2", 0), json!({})),
        db_pod(0, true, "db-1"),
        db_pod(1, false, "db-1"),
        svc(),
    ]);
    let s = one(&f, "statefulset-rollout-stuck");
    assert!(
        s.summary.starts_with("rolling update stuck at db-1"),
        "{}",
        s.summary
    );
    assert!(
        s.next_steps
            .contains(&"kubectl delete pod db-1 -n ns".to_string())
    );
}

#[test]
fn a_partitioned_update_waits_above_the_partition() {
    let f = run(vec![
        sts(
            3,
            st(2, "db-1", "db-2", 0),
            json!({"updateStrategy":
            {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}}),
        ),
        db_pod(0, true, "db-1"),
        db_pod(1, true, "db-1"),
        db_pod(2, false, "db-2"),
        svc(),
    ]);
    let s = one(&f, "statefulset-rollout-stuck");
    assert!(s.explanation.contains("partition (2)"), "{}", s.explanation);
    assert!(
        !s.next_steps.iter().any(|x| x.contains("delete pod")),
        "the new pod is broken, not an old one"
    );
}

#[test]
fn scaled_to_zero_or_all_ready_is_fine() {
    let f = run(vec![sts(0, json!({"replicas": 0}), json!({})), svc()]);
    assert!(f.is_empty());
    let f = run(vec![
        sts(2, st(2, "db-1", "db-1", 2), json!({})),
        db_pod(0, true, "db-1"),
        db_pod(1, true, "db-1"),
        svc(),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}
