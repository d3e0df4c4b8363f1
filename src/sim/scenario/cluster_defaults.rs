//! Objects every cluster has without anyone writing them: the local APIServices the
//! aggregator registers for each built-in group version and each CRD group version, and in
//! every namespace the `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap (copied
//! from the one in `default`).

use serde_json::{Value, json};

use super::ids;
use super::json::{self as j, Ptr};
use crate::sim::server::resources::GROUPS;

/// (group, groupPriorityMinimum) of the built-in groups, as the API server registers them.
fn group_priority(group: &str) -> i64 {
    match group {
        "" => 18000,
        "apps" => 17800,
        "events.k8s.io" => 17750,
        "authorization.k8s.io" => 17600,
        "autoscaling" => 17500,
        "batch" => 17400,
        "certificates.k8s.io" => 17300,
        "networking.k8s.io" => 17200,
        "policy" => 17100,
        "rbac.authorization.k8s.io" => 17000,
        "storage.k8s.io" => 16800,
        "admissionregistration.k8s.io" => 16700,
        "scheduling.k8s.io" => 16600,
        "coordination.k8s.io" => 16500,
        "apiextensions.k8s.io" => 16400,
        "discovery.k8s.io" => 16200,
        "apiregistration.k8s.io" => 18000,
        _ => 1000,
    }
}

fn local_api_service(
    group: &str,
    version: &str,
    created: &Value,
    automanaged: &str,
    version_priority: i64,
) -> Value {
    let name = format!("{version}.{group}");
    let mut s = json!({"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
        "metadata": {"name": name, "uid": ids::uid("APIService", "", &name),
            "labels": {"kube-aggregator.kubernetes.io/automanaged": automanaged}},
        "spec": {"version": version, "groupPriorityMinimum": group_priority(group), "versionPriority": version_priority},
        "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local",
            "message": "Local APIServices are always available", "lastTransitionTime": created}]}});
    if !group.is_empty() {
        s["spec"]["group"] = json!(group);
    }
    s["metadata"]["creationTimestamp"] = created.clone();
    s
}

fn exists(objects: &[Value], kind: &str, ns: &str, name: &str) -> bool {
    objects
        .iter()
        .any(|o| j::s(o, "/kind") == kind && j::ns(o) == ns && j::name(o) == name)
}

/// (group, version, created, automanaged, versionPriority) of the built-in group versions.
type GroupVersion = (String, String, Value, &'static str, i64);

fn builtin_group_versions(created: &Value) -> Vec<GroupVersion> {
    let mut services = vec![(String::new(), "v1".into(), created.clone(), "onstart", 1)];
    for (group, versions) in GROUPS {
        for (i, v) in versions.iter().enumerate() {
            let priority = 15 + 15 * (versions.len() - 1 - i) as i64;
            services.push((
                (*group).into(),
                (*v).into(),
                created.clone(),
                "onstart",
                priority,
            ));
        }
    }
    services
}

/// The local APIServices of the built-in group versions.
pub fn local_api_services(created: &Value) -> Vec<Value> {
    builtin_group_versions(created)
        .into_iter()
        .map(|(g, v, c, a, p)| local_api_service(&g, &v, &c, a, p))
        .collect()
}

/// Adds what is missing, in place.
pub fn derive(objects: &mut Vec<Value>) {
    let cluster_created = objects
        .iter()
        .filter(|o| j::s(o, "/kind") == "Namespace" && j::name(o) == "kube-system")
        .filter_map(|o| o.at("/metadata/creationTimestamp").cloned())
        .next()
        .unwrap_or(Value::Null);
    let mut added = Vec::new();
    let mut services = builtin_group_versions(&cluster_created);
    for crd in objects
        .iter()
        .filter(|o| j::s(o, "/kind") == "CustomResourceDefinition")
    {
        let group = j::s(crd, "/spec/group").to_string();
        let created = crd
            .at("/metadata/creationTimestamp")
            .cloned()
            .unwrap_or(Value::Null);
        for v in crd
            .at("/spec/versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if v.get("served") != Some(&Value::Bool(false)) && !group.is_empty() {
                services.push((
                    group.clone(),
                    j::s(v, "/name").to_string(),
                    created.clone(),
                    "true",
                    15,
                ));
            }
        }
    }
    for (group, version, created, automanaged, priority) in services {
        if !exists(objects, "APIService", "", &format!("{version}.{group}")) {
            added.push(local_api_service(
                &group,
                &version,
                &created,
                automanaged,
                priority,
            ));
        }
    }
    let root_ca = objects
        .iter()
        .find(|o| {
            j::s(o, "/kind") == "ConfigMap"
                && j::ns(o) == "default"
                && j::name(o) == "kube-root-ca.crt"
        })
        .and_then(|cm| cm.get("data").cloned());
    let namespaces: Vec<(String, Value)> = objects
        .iter()
        .filter(|o| j::s(o, "/kind") == "Namespace")
        .map(|o| {
            (
                j::name(o).to_string(),
                o.at("/metadata/creationTimestamp")
                    .cloned()
                    .unwrap_or(Value::Null),
            )
        })
        .collect();
    for (ns, created) in namespaces {
        if !exists(objects, "ServiceAccount", &ns, "default") {
            added.push(json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": ns, "uid": ids::uid("ServiceAccount", &ns, "default"),
                    "creationTimestamp": created}}));
        }
        if let Some(data) = &root_ca
            && !exists(objects, "ConfigMap", &ns, "kube-root-ca.crt")
        {
            added.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": ids::uid("ConfigMap", &ns, "kube-root-ca.crt"),
                    "creationTimestamp": created,
                    "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                "data": data}));
        }
    }
    objects.extend(added);
}
