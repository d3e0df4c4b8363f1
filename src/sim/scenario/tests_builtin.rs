//! Tests of the built-in scenario: it parses, every object is a valid Kubernetes object, it is
//! internally consistent, its failures are there (documented at the top of
//! `assets/demo/00-cluster.yaml`), it is moved to `now`, and loading `assets/demo` as a
//! scenario directory gives the same objects.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failure

use std::collections::HashSet;

use jiff::Timestamp;
use k8s_openapi::api::{
    admissionregistration, apps, autoscaling, batch, certificates, coordination, core, discovery,
    networking, policy, rbac, scheduling, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;
use serde_json::Value;

use super::builtin;
use super::json;

fn now() -> Timestamp {
    "2026-11-21T08:00:00Z".parse().unwrap()
}

fn objects() -> Vec<Value> {
    builtin(now()).unwrap()
}

fn find<'a>(objs: &'a [Value], kind: &str, ns: &str, name: &str) -> &'a Value {
    objs.iter()
        .find(|o| json::s(o, "/kind") == kind && json::ns(o) == ns && json::name(o) == name)
        .unwrap_or_else(|| panic!("{kind} {ns}/{name} missing"))
}

fn of_kind<'a>(objs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objs.iter()
        .filter(|o| json::s(o, "/kind") == kind)
        .collect()
}

#[test]
fn every_object_deserialises_into_its_typed_form() {
    fn check<T: serde::de::DeserializeOwned>(o: &Value) {
        if let Err(e) = serde_json::from_value::<T>(o.clone()) {
            panic!(
                "{} {}/{}: {e}",
                json::s(o, "/kind"),
                json::ns(o),
                json::name(o)
            );
        }
    }
    let objs = objects();
    for o in &objs {
        match json::s(o, "/kind") {
            "Pod" => check::<core::v1::Pod>(o),
            "Node" => check::<core::v1::Node>(o),
            "Namespace" => check::<core::v1::Namespace>(o),
            "Service" => check::<core::v1::Service>(o),
            "Endpoints" => check::<core::v1::Endpoints>(o),
            "ConfigMap" => check::<core::v1::ConfigMap>(o),
            "Secret" => check::<core::v1::Secret>(o),
            "ServiceAccount" => check::<core::v1::ServiceAccount>(o),
            "Event" => check::<core::v1::Event>(o),
            "Deployment" => check::<apps::v1::Deployment>(o),
            "ReplicaSet" => check::<apps::v1::ReplicaSet>(o),
            "DaemonSet" => check::<apps::v1::DaemonSet>(o),
            "StatefulSet" => check::<apps::v1::StatefulSet>(o),
            "Job" => check::<batch::v1::Job>(o),
            "Lease" => check::<coordination::v1::Lease>(o),
            "EndpointSlice" => check::<discovery::v1::EndpointSlice>(o),
            "CronJob" => check::<batch::v1::CronJob>(o),
            "HorizontalPodAutoscaler" => check::<autoscaling::v2::HorizontalPodAutoscaler>(o),
            "PodDisruptionBudget" => check::<policy::v1::PodDisruptionBudget>(o),
            "Ingress" => check::<networking::v1::Ingress>(o),
            "IngressClass" => check::<networking::v1::IngressClass>(o),
            "NetworkPolicy" => check::<networking::v1::NetworkPolicy>(o),
            "StorageClass" => check::<storage::v1::StorageClass>(o),
            "PersistentVolumeClaim" => check::<core::v1::PersistentVolumeClaim>(o),
            "PersistentVolume" => check::<core::v1::PersistentVolume>(o),
            "ValidatingWebhookConfiguration" => {
                check::<admissionregistration::v1::ValidatingWebhookConfiguration>(o)
            }
            "APIService" => check::<apiregistration::v1::APIService>(o),
            "CertificateSigningRequest" => check::<certificates::v1::CertificateSigningRequest>(o),
            "ClusterRole" => check::<rbac::v1::ClusterRole>(o),
            "ClusterRoleBinding" => check::<rbac::v1::ClusterRoleBinding>(o),
            "Role" => check::<rbac::v1::Role>(o),
            "RoleBinding" => check::<rbac::v1::RoleBinding>(o),
            "PriorityClass" => check::<scheduling::v1::PriorityClass>(o),
            "ResourceQuota" => check::<core::v1::ResourceQuota>(o),
            "LimitRange" => check::<core::v1::LimitRange>(o),
            "CustomResourceDefinition" => check::<apiextensions::v1::CustomResourceDefinition>(o),
            "DatabaseBackup" => assert_eq!(json::s(o, "/apiVersion"), "ops.acme-shop.io/v1"),
            other => panic!("unexpected kind {other}"),
        }
    }
    assert!(objs.len() > 60, "only {} objects", objs.len());
    assert_eq!(objs, objects(), "the same on every start");
    let mut keys: Vec<_> = objs
        .iter()
        .map(|o| (json::s(o, "/kind"), json::ns(o), json::name(o)))
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "no two objects share kind/namespace/name");
}

#[test]
fn pods_are_complete_and_consistent() {
    let objs = objects();
    let nodes: HashSet<&str> = of_kind(&objs, "Node")
        .iter()
        .map(|n| json::name(n))
        .collect();
    assert!(nodes.len() >= 4);
    let namespaces: HashSet<&str> = of_kind(&objs, "Namespace")
        .iter()
        .map(|n| json::name(n))
        .collect();
    for ns in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "shop",
        "payments",
        "monitoring",
    ] {
        assert!(namespaces.contains(ns), "namespace {ns}");
    }
    for o in &objs {
        let ns = json::ns(o);
        if !ns.is_empty() {
            assert!(
                namespaces.contains(ns),
                "{} in unknown namespace {ns}",
                json::name(o)
            );
        }
        if let Some(owners) = o
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
        {
            for r in owners {
                let kind = json::s(r, "/kind");
                let owner_ns = if kind == "Node" { "" } else { ns };
                let owner = find(&objs, kind, owner_ns, json::s(r, "/name"));
                assert_eq!(
                    r["uid"],
                    owner["metadata"]["uid"],
                    "owner uid of {}",
                    json::name(o)
                );
            }
        }
    }
    let pods = of_kind(&objs, "Pod");
    assert!(pods.len() >= 20);
    for p in &pods {
        let name = json::name(p);
        for field in [
            "/status/phase",
            "/status/qosClass",
            "/metadata/uid",
            "/metadata/creationTimestamp",
        ] {
            assert!(!json::s(p, field).is_empty(), "{name} lacks {field}");
        }
        if json::s(p, "/status/phase") == "Pending" && p.pointer("/spec/nodeName").is_none() {
            continue;
        }
        if json::s(p, "/status/phase") == "Failed" {
            continue;
        }
        assert!(
            nodes.contains(json::s(p, "/spec/nodeName")),
            "{name} on unknown node"
        );
        for f in ["/status/hostIP", "/status/podIP", "/status/startTime"] {
            assert!(!json::s(p, f).is_empty(), "{name} lacks {f}");
        }
        assert!(
            p.pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|c| c.len() >= 4),
            "{name}"
        );
        let statuses = p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .unwrap();
        let containers = p
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .unwrap();
        assert_eq!(statuses.len(), containers.len(), "{name}");
        for c in containers {
            assert!(!json::s(c, "/image").is_empty(), "{name}");
        }
        for cs in statuses {
            for f in [
                "ready",
                "restartCount",
                "state",
                "lastState",
                "image",
                "imageID",
                "started",
            ] {
                assert!(cs.get(f).is_some(), "{name} status lacks {f}");
            }
        }
    }
    // Static control-plane pods are mirror pods owned by the node.
    for c in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
    ] {
        let p = find(&objs, "Pod", "kube-system", &format!("{c}-cp-1"));
        assert_eq!(json::owner(p), Some(("Node", "cp-1")));
        assert!(!json::s(p, "/metadata/annotations/kubernetes.io~1config.mirror").is_empty());
    }
    // kube-proxy and flannel everywhere; kube-proxy ready only on cp-1 and worker-1 (the
    // unreachable node, and the crash-looping new revision on worker-2), flannel everywhere
    // but on the unreachable node.
    for (ds, ready_on) in [
        ("kube-proxy", &["cp-1", "worker-1"][..]),
        ("kube-flannel-ds", &["cp-1", "worker-1", "worker-2"][..]),
    ] {
        let mine: Vec<_> = pods
            .iter()
            .filter(|p| json::owned_by(p, "DaemonSet", ds))
            .collect();
        assert_eq!(mine.len(), nodes.len(), "{ds}");
        for p in mine {
            assert_eq!(
                json::pod_ready(p),
                ready_on.contains(&json::s(p, "/spec/nodeName")),
                "{}",
                json::name(p)
            );
        }
    }
}

#[test]
fn workload_status_and_endpoints_match_the_pods() {
    let objs = objects();
    let pods = of_kind(&objs, "Pod");
    for d in of_kind(&objs, "Deployment") {
        let rs: Vec<_> = of_kind(&objs, "ReplicaSet")
            .into_iter()
            .filter(|r| json::owned_by(r, "Deployment", json::name(d)))
            .collect();
        let mine: Vec<_> = pods
            .iter()
            .filter(|p| {
                json::ns(p) == json::ns(d)
                    && json::s(p, "/status/phase") != "Failed"
                    && rs
                        .iter()
                        .any(|r| json::owned_by(p, "ReplicaSet", json::name(r)))
            })
            .collect();
        assert_eq!(d["status"]["replicas"], mine.len(), "{}", json::name(d));
        assert_eq!(d["spec"]["replicas"], mine.len(), "{}", json::name(d));
        let ready = mine.iter().filter(|p| json::pod_ready(p)).count();
        assert_eq!(d["status"]["readyReplicas"], ready, "{}", json::name(d));
    }
    for svc in of_kind(&objs, "Service") {
        let ep = find(&objs, "Endpoints", json::ns(svc), json::name(svc));
        let Some(sel) = svc.pointer("/spec/selector") else {
            continue;
        };
        let picked: Vec<_> = pods
            .iter()
            .filter(|p| {
                json::ns(p) == json::ns(svc)
                    && json::selector_matches(sel, p.pointer("/metadata/labels"))
            })
            .filter(|p| {
                !json::s(p, "/status/podIP").is_empty()
                    && !matches!(json::s(p, "/status/phase"), "Succeeded" | "Failed")
            })
            .collect();
        let addrs = |key: &str| -> usize {
            ep.pointer(&format!("/subsets/0/{key}"))
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        let ready = picked.iter().filter(|p| json::pod_ready(p)).count();
        assert_eq!(addrs("addresses"), ready, "{}", json::name(svc));
        assert_eq!(
            addrs("notReadyAddresses"),
            picked.len() - ready,
            "{}",
            json::name(svc)
        );
    }
    let slices = of_kind(&objs, "EndpointSlice");
    assert!(slices.len() >= of_kind(&objs, "Endpoints").len());
}

#[test]
fn the_five_failures_are_present() {
    let objs = objects();
    // 1. CrashLoopBackOff after OOMKilled.
    let cart = find(&objs, "Pod", "shop", "cart-7c9d8b6f4-x2k9p");
    let cs = &cart["status"]["containerStatuses"][0];
    assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
    assert!(
        json::s(cs, "/state/waiting/message")
            .starts_with("back-off 5m0s restarting failed container=cart")
    );
    assert!(json::s(cs, "/state/waiting/message").contains(json::s(cart, "/metadata/uid")));
    assert_eq!(cs["lastState"]["terminated"]["reason"], "OOMKilled");
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 137);
    assert!(cs["restartCount"].as_u64().unwrap() >= 10);
    assert!(!json::s(cart, "/spec/containers/0/resources/limits/memory").is_empty());
    let events = of_kind(&objs, "Event");
    let has_event = |pod: &str, reason: &str, needle: &str| {
        events.iter().any(|e| {
            json::s(e, "/involvedObject/name") == pod
                && json::s(e, "/reason") == reason
                && json::s(e, "/message").contains(needle)
        })
    };
    assert!(has_event(
        "cart-7c9d8b6f4-x2k9p",
        "BackOff",
        "Back-off restarting failed container cart"
    ));
    for r in ["Pulled", "Created", "Started"] {
        assert!(has_event("cart-7c9d8b6f4-x2k9p", r, ""), "{r}");
    }
    // 2. ImagePullBackOff.
    let rec = find(&objs, "Pod", "shop", "recommender-84f6c9d7b5-tq5wz");
    assert_eq!(
        rec["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
        "ImagePullBackOff"
    );
    assert!(has_event(
        json::name(rec),
        "Failed",
        "rpc error: code = NotFound"
    ));
    assert!(has_event(json::name(rec), "Failed", "ErrImagePull"));
    assert!(has_event(
        json::name(rec),
        "BackOff",
        "Back-off pulling image"
    ));
    // 3. Unschedulable, and the message's counts match the nodes.
    let pending = find(&objs, "Pod", "payments", "fraud-detector-5d6c7b8f9-8wq3j");
    assert_eq!(pending["status"]["phase"], "Pending");
    let cond = &pending["status"]["conditions"][0];
    assert_eq!(
        (
            cond["type"].as_str(),
            cond["status"].as_str(),
            cond["reason"].as_str()
        ),
        (Some("PodScheduled"), Some("False"), Some("Unschedulable"))
    );
    let nodes = of_kind(&objs, "Node").len();
    assert!(json::s(cond, "/message").starts_with(&format!("0/{nodes} nodes are available")));
    assert!(
        events
            .iter()
            .any(|e| json::s(e, "/reason") == "FailedScheduling"
                && json::s(e, "/source/component") == "default-scheduler"
                && json::s(e, "/message") == json::s(cond, "/message"))
    );
    // 4. A Service whose selector matches nothing.
    let ep = find(&objs, "Endpoints", "payments", "payments");
    assert!(ep.get("subsets").is_none());
    // 5. Failing readiness: running, not ready, listed as not ready.
    let cat = find(&objs, "Pod", "shop", "catalog-6b9f7d5c8-q4n8s");
    assert_eq!(cat["status"]["phase"], "Running");
    assert!(!json::pod_ready(cat));
    assert_eq!(cat["status"]["containerStatuses"][0]["ready"], false);
    assert!(has_event(
        json::name(cat),
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503"
    ));
    let ep = find(&objs, "Endpoints", "shop", "catalog");
    assert_eq!(
        ep["subsets"][0]["notReadyAddresses"][0]["targetRef"]["name"],
        json::name(cat)
    );
    assert_eq!(
        ep["subsets"][0]["addresses"].as_array().map(Vec::len),
        Some(1)
    );
    // Not everything is red: a completed job pod and a NotReady node among Ready ones.
    assert!(
        of_kind(&objs, "Pod")
            .iter()
            .any(|p| json::s(p, "/status/phase") == "Succeeded")
    );
    let w3 = find(&objs, "Node", "", "worker-3");
    assert!(
        w3["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "Unknown")
    );
}
