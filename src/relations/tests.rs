#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::*;
use crate::model::Health;
use crate::troubleshoot::Snapshot;

fn demo() -> Snapshot {
    let now = crate::sim::scenario::REFERENCE_TIME.parse().unwrap();
    Snapshot::from_objects(crate::sim::scenario::builtin(now).unwrap())
}

fn names(m: &Members) -> Vec<&str> {
    m.keys.iter().map(|k| k.name.as_str()).collect()
}

#[test]
fn a_deployment_drills_down_to_the_pods_of_its_replicasets() {
    let snap = demo();
    let m = members(&snap, "Deployment", &ObjKey::new("shop", "cart")).unwrap();
    assert_eq!(m.kind, "Pod");
    assert!(!m.keys.is_empty());
    for key in &m.keys {
        let pod = snap.pods.find(&key.namespace, &key.name).unwrap();
        let owner = pod.metadata.controller().unwrap();
        assert_eq!(owner.kind, "ReplicaSet");
        assert!(owner.name.starts_with("cart-"), "{}", owner.name);
    }
    assert!(names(&m).contains(&"cart-7c9d8b6f4-x2k9p"));
    assert!(members(&snap, "Deployment", &ObjKey::new("shop", "no-such")).is_none());
}

#[test]
fn services_nodes_and_namespaces_list_their_pods() {
    let snap = demo();
    let svc = members(&snap, "Service", &ObjKey::new("shop", "cart")).unwrap();
    assert!(names(&svc).contains(&"cart-7c9d8b6f4-x2k9p"));
    let pod = snap.pods.find("shop", "cart-7c9d8b6f4-x2k9p").unwrap();
    let node = pod
        .spec
        .as_ref()
        .unwrap()
        .node_name
        .as_deref()
        .unwrap()
        .to_string();
    let on_node = members(&snap, "Node", &ObjKey::new("", node.as_str())).unwrap();
    assert!(
        on_node
            .keys
            .contains(&ObjKey::new("shop", "cart-7c9d8b6f4-x2k9p"))
    );
    assert!(on_node.keys.iter().all(|k| {
        let p = snap.pods.find(&k.namespace, &k.name).unwrap();
        p.spec.as_ref().unwrap().node_name.as_deref() == Some(node.as_str())
    }));
    let ns = members(&snap, "Namespace", &ObjKey::new("", "shop")).unwrap();
    assert!(ns.keys.iter().all(|k| k.namespace == "shop"));
    assert_eq!(ns.keys.len(), snap.pods_in("shop").count());
    assert!(!drills("Pod") && !drills("Event") && drills("PersistentVolumeClaim"));
}

fn workload_objects() -> Vec<serde_json::Value> {
    let meta = |kind: &str, name: &str, uid: &str, owner: Option<(&str, &str, &str)>| {
        let mut m = json!({"name": name, "namespace": "ns", "uid": uid,
            "creationTimestamp": "2025-01-01T00:00:00Z"});
        if let Some((k, n, u)) = owner {
            m["ownerReferences"] =
                json!([{"apiVersion": "v1", "kind": k, "name": n, "uid": u, "controller": true}]);
        }
        let _ = kind;
        m
    };
    let pod = |name: &str, owner: (&str, &str, &str), claim: Option<&str>| {
        let volumes = match claim {
            Some(c) => json!([{"name": "data", "persistentVolumeClaim": {"claimName": c}}]),
            None => json!([]),
        };
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta("Pod", name, &format!("uid-{name}"), Some(owner)),
            "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "busybox",
                "envFrom": [{"configMapRef": {"name": "settings"}}]}], "volumes": volumes},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "image": "busybox",
                "ready": false, "restartCount": 4,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}})
    };
    vec![
        json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("CronJob", "nightly", "uid-cj", None),
            "spec": {"schedule": "0 1 * * *", "jobTemplate": {}}}),
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("Job", "nightly-1", "uid-job", Some(("CronJob", "nightly", "uid-cj"))),
            "spec": {"template": {}}, "status": {"active": 1}}),
        pod("nightly-1-abc", ("Job", "nightly-1", "uid-job"), None),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("StatefulSet", "db", "uid-sts", None),
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}}, "template": {}}}),
        pod("db-0", ("StatefulSet", "db", "uid-sts"), Some("data-db-0")),
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta("PersistentVolumeClaim", "data-db-0", "uid-pvc", None),
            "spec": {}, "status": {"phase": "Bound"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("ConfigMap", "other", "uid-cm", None)}),
    ]
}

#[test]
fn cronjobs_statefulsets_and_claims_drill_down_through_ownership_and_volumes() {
    let snap = Snapshot::from_objects(workload_objects());
    let cj = members(&snap, "CronJob", &ObjKey::new("ns", "nightly")).unwrap();
    assert_eq!(names(&cj), ["nightly-1-abc"]);
    let job = members(&snap, "Job", &ObjKey::new("ns", "nightly-1")).unwrap();
    assert_eq!(names(&job), ["nightly-1-abc"]);
    let sts = members(&snap, "StatefulSet", &ObjKey::new("ns", "db")).unwrap();
    assert_eq!(names(&sts), ["db-0"]);
    let pvc = members(
        &snap,
        "PersistentVolumeClaim",
        &ObjKey::new("ns", "data-db-0"),
    )
    .unwrap();
    assert_eq!(names(&pvc), ["db-0"]);
}

#[test]
fn the_tree_marks_a_missing_configmap_and_a_crashing_container() {
    let snap = Snapshot::from_objects(workload_objects());
    let t = tree(&snap, "CronJob", &ObjKey::new("ns", "nightly")).unwrap();
    let nodes = t.root.walk();
    let lines: Vec<String> = nodes
        .iter()
        .map(|(d, n)| {
            format!(
                "{}{} {} [{}]",
                "  ".repeat(*d),
                n.kind,
                n.container.as_deref().unwrap_or(&n.key.name),
                n.status
            )
        })
        .collect();
    let text = lines.join("\n");
    assert!(
        text.starts_with("CronJob nightly [schedule 0 1 * * *]"),
        "{text}"
    );
    assert!(text.contains("  Job nightly-1 ["), "{text}");
    assert!(text.contains("    Pod nightly-1-abc ["), "{text}");
    assert!(
        text.contains("      Container app [CrashLoopBackOff, 4 restarts]"),
        "{text}"
    );
    let cm = nodes.iter().find(|(_, n)| n.kind == "ConfigMap").unwrap().1;
    assert_eq!(cm.key, ObjKey::new("ns", "settings"));
    assert_eq!(cm.status, "missing (not found)");
    assert_eq!(cm.health, Health::Error);
    let pod = nodes.iter().find(|(_, n)| n.kind == "Pod").unwrap().1;
    assert_eq!(pod.health, Health::Error);
}

#[test]
fn the_tree_of_the_demo_cart_deployment_reaches_the_crashing_container() {
    let snap = demo();
    let t = tree(&snap, "Deployment", &ObjKey::new("shop", "cart")).unwrap();
    let nodes = t.root.walk();
    assert_eq!(t.root.kind, "Deployment");
    assert_ne!(t.root.health, Health::Ok, "{}", t.root.status);
    let rs = nodes
        .iter()
        .find(|(d, n)| *d == 1 && n.kind == "ReplicaSet")
        .unwrap()
        .1;
    assert!(rs.key.name.starts_with("cart-"));
    let pod = nodes
        .iter()
        .find(|(_, n)| n.kind == "Pod" && n.key.name == "cart-7c9d8b6f4-x2k9p")
        .unwrap()
        .1;
    assert_eq!(pod.health, Health::Error);
    let container = pod.children.iter().find(|c| c.kind == "Container").unwrap();
    assert_eq!(container.container.as_deref(), Some("cart"));
    assert!(
        container.status.contains("CrashLoopBackOff"),
        "{}",
        container.status
    );
    assert!(pod.children.iter().any(|c| c.kind == "ServiceAccount"));
    assert!(
        pod.children
            .iter()
            .any(|c| c.kind == "Service" && c.key.name == "cart" && c.relation == "selected by")
    );

    let rec = tree(&snap, "Deployment", &ObjKey::new("shop", "recommender")).unwrap();
    let text: Vec<String> = rec
        .root
        .walk()
        .iter()
        .map(|(_, n)| n.status.clone())
        .collect();
    assert!(
        text.iter()
            .any(|s| s.contains("ImagePullBackOff") || s.contains("ErrImagePull")),
        "{text:?}"
    );
}
