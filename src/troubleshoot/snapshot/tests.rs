#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use super::*;
use serde_json::json;

#[test]
fn lists_are_unpacked_and_kinds_marked() {
    let list = json!({"apiVersion": "v1", "kind": "PodList", "items": [
        {"metadata": {"name": "a", "namespace": "ns", "managedFields": [{"manager": "x"}]}, "spec": {"containers": []}}]});
    let s = Snapshot::from_objects(vec![list]);
    assert_eq!(s.pods.len(), 1);
    assert!(s.has_kind(Kind::Pod));
    assert!(!s.has_kind(Kind::Secret));
    assert_eq!(s.coverage.state(Kind::Secret), &KindState::NotInDump);
}

#[test]
fn changes_keep_the_indexes_right() {
    let mut s = Snapshot::default();
    let p = |labels: serde_json::Value, node: &str| {
        objects::decode_value(
            Kind::Pod,
            &json!({"metadata": {"name": "web", "namespace": "ns", "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "rs-uid", "controller": true}]},
                "spec": {"nodeName": node, "containers": []}}),
        )
        .unwrap()
    };
    s.apply(Change::Upsert(p(json!({"app": "web"}), "n1")));
    assert_eq!(s.pods_with_label("ns", "app", "web").count(), 1);
    assert_eq!(s.pods_on("n1").count(), 1);
    assert_eq!(s.pods_owned_by("rs-uid").len(), 1);
    let old = s.apply(Change::Upsert(p(json!({"app": "api"}), "n2")));
    assert!(old.is_some(), "an update returns the old version");
    assert_eq!(s.pods_with_label("ns", "app", "web").count(), 0);
    assert_eq!(s.pods_with_label("ns", "app", "api").count(), 1);
    assert_eq!(s.pods_on("n1").count(), 0);
    assert_eq!(s.pods_on("n2").count(), 1);
    s.apply(Change::Delete(
        Kind::Pod,
        crate::model::ObjKey::new("ns", "web"),
    ));
    assert_eq!(s.pods.len(), 0);
    assert_eq!(s.pods_with_label("ns", "app", "api").count(), 0);
    assert!(s.pods_owned_by("rs-uid").is_empty());
}

#[test]
fn a_reset_replaces_the_kind() {
    let mut s = Snapshot::from_objects(vec![
        pod("a", spec1(), json!({"phase": "Running"})),
        pod("b", spec1(), json!({"phase": "Running"})),
    ]);
    let b =
        objects::decode_value(Kind::Pod, &pod("b", spec1(), json!({"phase": "Running"}))).unwrap();
    s.apply(Change::Reset(Kind::Pod, None, vec![b]));
    assert_eq!(
        s.pods.iter().map(|p| p.metadata.name()).collect::<Vec<_>>(),
        ["b"]
    );
}

#[test]
fn malformed_objects_are_named_and_the_rest_read() {
    let s = Snapshot::from_objects(vec![
        pod("good", spec1(), json!({"phase": "Running"})),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad", "namespace": "ns"},
               "spec": {"containers": [{"name": "a", "ports": [{"containerPort": "eighty"}]}]}}),
    ]);
    assert_eq!(s.pods.len(), 1);
    assert_eq!(s.coverage.skipped.len(), 1);
    let d = s.coverage.skipped[0].describe();
    assert!(
        d.starts_with("Pod ns/bad: field spec.containers[0].ports[0].containerPort is a string"),
        "{d}"
    );
}

#[test]
fn both_event_apis_fold_into_one_event() {
    let core = event("web", "BackOff", "Warning", "m", 60);
    let mut new = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "", "namespace": "ns"},
        "regarding": {"kind": "Pod", "namespace": "ns", "name": "web"},
        "reason": "BackOff", "note": "m", "type": "Warning",
        "series": {"count": 9, "lastObservedTime": ago(30)}});
    new["metadata"]["name"] = core["metadata"]["name"].clone();
    let s = Snapshot::from_objects(vec![core, new]);
    let events: Vec<_> = s.events_for("Pod", "ns", "web").collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].count, 9);
}

#[test]
fn the_newest_time_is_the_capture_time() {
    let s = Snapshot::from_objects(vec![
        pod(
            "a",
            spec1(),
            json!({"phase": "Running", "startTime": ago(100)}),
        ),
        event("a", "Pulled", "Normal", "m", 5),
    ]);
    assert_eq!(
        s.newest_time().map(|t| t.as_second()),
        Some(now().as_second() - 5)
    );
}

#[test]
fn secret_values_never_enter() {
    let s = Snapshot::from_objects(vec![json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "ns"}, "data": {"password": "c2VjcmV0"}})]);
    let text = format!("{:?}", s.secrets.iter().collect::<Vec<_>>());
    assert!(!text.contains("c2VjcmV0"), "{text}");
    assert_eq!(
        s.secret("ns", "s")
            .and_then(|x| x.keys.as_ref())
            .map(|k| k.len()),
        Some(1)
    );
}

#[test]
fn inputs_without_objects_are_refused_by_name() {
    use super::no_objects_error;
    let e = no_objects_error("empty.yaml", &[]).unwrap();
    assert!(e.starts_with("empty.yaml: no Kubernetes objects"), "{e}");
    let empty_list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": []});
    assert!(
        no_objects_error("l.yaml", &[empty_list])
            .unwrap()
            .contains("no Kubernetes objects")
    );
    let rbac = serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "view"}});
    let e = no_objects_error("rbac.yaml", &[rbac]).unwrap();
    assert!(
        e.contains("none of its 1 objects") && e.contains("ClusterRole"),
        "{e}"
    );
    let pods = serde_json::json!({"apiVersion": "v1", "kind": "PodList", "items": []});
    assert_eq!(
        no_objects_error("pods.yaml", &[pods]),
        None,
        "an empty pod list says no pods exist"
    );
    let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}});
    assert_eq!(no_objects_error("p.yaml", &[pod]), None);
}

#[test]
fn the_capture_time_counts_managed_fields_and_every_recorded_time() {
    // A single-object dump: the only recent time is the controller's last write.
    let job = json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "reindex", "namespace": "batch",
            "creationTimestamp": "2025-06-01T10:00:00Z",
            "managedFields": [
                {"manager": "kubectl-client-side-apply", "operation": "Update",
                 "time": "2025-06-01T10:00:00Z"},
                {"manager": "kube-controller-manager", "operation": "Update",
                 "time": "2025-06-01T11:59:00Z", "subresource": "status"}]},
        "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": []}}},
        "status": {"startTime": "2025-06-01T10:10:00Z", "active": 1}});
    let s = Snapshot::from_objects(vec![job]);
    assert_eq!(
        s.newest_time().map(|t| t.to_string()),
        Some("2025-06-01T11:59:00Z".to_string())
    );
    // Times other kinds record, which the compact objects do not keep.
    let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "d", "namespace": "n", "creationTimestamp": "2025-01-01T00:00:00Z",
            "annotations": {"note": "2030-01-01T00:00:00Z"}},
        "status": {"conditions": [{"type": "X", "status": "True",
            "lastTransitionTime": "2025-06-01T11:58:00Z"}]}});
    let ev = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "e", "namespace": "n", "creationTimestamp": "2025-01-01T00:00:00Z"},
        "eventTime": "2025-06-01T11:59:30.123456Z", "reason": "R", "note": "n", "type": "Normal",
        "regarding": {"kind": "Pod", "namespace": "n", "name": "p"}});
    let s = Snapshot::from_objects(vec![ds, ev]);
    assert_eq!(
        s.newest_time().map(|t| t.to_string()),
        Some("2025-06-01T11:59:30Z".to_string()),
        "an annotation that looks like a time is not one"
    );
}
