//! Tests of `references`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use crate::findings::Severity;
use serde_json::{Value, json};

fn template() -> Value {
    json!({"serviceAccountName": "web",
        "imagePullSecrets": [{"name": "regcred"}],
        "containers": [{"name": "app", "image": "x",
            "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "password"}}},
                    {"name": "OPTIONAL", "valueFrom": {"configMapKeyRef": {"name": "flags", "key": "x", "optional": true}}}],
            "envFrom": [{"configMapRef": {"name": "web-env"}}]}],
        "volumes": [{"name": "config", "configMap": {"name": "web-config"}},
                    {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                    {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}},
                        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}]})
}

fn deploy() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": template()}},
        "status": {"replicas": 2, "availableReplicas": 2, "conditions": [{"type": "Available", "status": "True"}]}})
}

fn objects(kind: &str, names: &[&str], extra: Value) -> Value {
    let items: Vec<Value> = names
        .iter()
        .map(|n| {
            let mut o = json!({"metadata": {"name": n, "namespace": "ns"}});
            for (k, v) in extra.as_object().unwrap() {
                o[k] = v.clone();
            }
            o
        })
        .collect();
    json!({"apiVersion": "v1", "kind": format!("{kind}List"), "items": items})
}

fn everything_but(missing: &str) -> Vec<Value> {
    let cms: Vec<&str> = ["web-env", "web-config", "kube-root-ca.crt"]
        .into_iter()
        .filter(|n| *n != missing)
        .collect();
    let secrets: Vec<&str> = ["db-creds", "regcred"]
        .into_iter()
        .filter(|n| *n != missing)
        .collect();
    let sas: Vec<&str> = ["web", "default"]
        .into_iter()
        .filter(|n| *n != missing)
        .collect();
    let pvcs: Vec<&str> = ["web-data"].into_iter().filter(|n| *n != missing).collect();
    vec![
        objects("ConfigMap", &cms, json!({})),
        // A live cluster's Secrets: metadata only.
        objects("Secret", &secrets, json!({})),
        objects("ServiceAccount", &sas, json!({})),
        objects(
            "PersistentVolumeClaim",
            &pvcs,
            json!({"status": {"phase": "Bound"}}),
        ),
    ]
}

#[test]
fn every_kind_of_reference_when_missing() {
    for (missing, text) in [
        (
            "db-creds",
            "Secret db-creds does not exist (env DB_PASSWORD of container app)",
        ),
        (
            "web-env",
            "ConfigMap web-env does not exist (envFrom of container app)",
        ),
        (
            "web-config",
            "ConfigMap web-config does not exist (volume config)",
        ),
        (
            "web-data",
            "PersistentVolumeClaim web-data does not exist (volume data)",
        ),
        (
            "regcred",
            "Secret regcred does not exist (imagePullSecrets)",
        ),
        (
            "web",
            "ServiceAccount web does not exist (serviceAccountName)",
        ),
    ] {
        let mut objs = everything_but(missing);
        objs.push(deploy());
        let f = run(objs);
        let w = one(&f, "workload-missing-reference");
        assert_eq!(w.severity, Severity::Error);
        assert_eq!(w.summary, format!("references {text}"), "{missing}");
    }
    let mut objs = everything_but("none");
    objs.push(deploy());
    assert!(run(objs).is_empty());
}

#[test]
fn many_missing_objects_are_all_named_in_the_next_steps() {
    // Only kube-root-ca.crt and the default ServiceAccount exist: five references dangle.
    let mut objs = vec![
        objects("ConfigMap", &["kube-root-ca.crt"], json!({})),
        objects("Secret", &["other"], json!({})),
        objects("ServiceAccount", &["default"], json!({})),
        objects(
            "PersistentVolumeClaim",
            &["other"],
            json!({"status": {"phase": "Bound"}}),
        ),
    ];
    objs.push(deploy());
    let f = run(objs);
    let w = one(&f, "workload-missing-reference");
    assert!(
        w.next_steps.contains(
            &"kubectl get secret/db-creds configmap/web-env configmap/web-config pvc/web-data \
              secret/regcred serviceaccount/web -n ns"
                .to_string()
        ),
        "{:?}",
        w.next_steps
    );
}

#[test]
fn missing_key_only_when_keys_are_known() {
    let mut objs = everything_but("db-creds");
    objs.push(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-creds", "namespace": "ns"},
        "type": "Opaque", "data": {"pass": "eA=="}}));
    objs.push(deploy());
    let f = run(objs);
    assert_eq!(
        one(&f, "workload-missing-reference").summary,
        "references Secret db-creds has no key password (env DB_PASSWORD of container app)"
    );
}

#[test]
fn kinds_not_listed_are_not_claimed_missing() {
    assert!(run(vec![deploy()]).is_empty());
}

#[test]
fn a_running_pod_whose_config_map_was_deleted() {
    let mut objs = everything_but("web-config");
    objs.push(pod(
        "web-1",
        {
            let mut s = template();
            s["nodeName"] = json!("n1");
            s
        },
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "app", "image": "x", "ready": true, "restartCount": 0,
            "state": {"running": {"startedAt": ago(600)}}}]}),
    ));
    let f = run(objs);
    let p = one(&f, "pod-missing-reference");
    assert_eq!(p.severity, Severity::Warning);
    assert!(
        p.next_steps
            .contains(&"kubectl get configmap web-config -n ns".to_string())
    );
}

#[test]
fn a_pod_whose_failure_already_says_it_is_left_alone() {
    let mut objs = everything_but("db-creds");
    let mut s = template();
    s["nodeName"] = json!("n1");
    objs.push(pod("web-1", s, json!({"phase": "Pending", "containerStatuses": [{"name": "app", "image": "x",
        "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "CreateContainerConfigError",
            "message": "secret \"db-creds\" not found"}}}]})));
    let f = run(objs);
    assert!(
        !ids(&f).iter().any(|(c, _)| c == "pod-missing-reference"),
        "{:?}",
        ids(&f)
    );
    one(&f, "pod-config-error");
}
