//! Tests of `reach`: each hop's verdict from the objects that decide it.

#![allow(clippy::unwrap_used)]
use super::reach::*;
use super::testutil::*;
use crate::netpolicy::Protocol;
use crate::troubleshoot::Snapshot;
use serde_json::{Value, json};

fn p(name: &str, labels: Value, ready: bool, ports: Value) -> Value {
    let mut v = pod(
        name,
        json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x", "ports": ports}]}),
        json!({"phase": "Running", "podIP": format!("10.244.1.{}", name.len()),
               "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}),
    );
    v["metadata"]["labels"] = labels;
    v
}

fn objects(policy: Option<Value>) -> Vec<Value> {
    let mut v = vec![
        p("client", json!({"app": "client"}), true, json!([])),
        p(
            "db-0",
            json!({"app": "db"}),
            true,
            json!([{"name": "pg", "containerPort": 5432}]),
        ),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "ns"},
            "spec": {"clusterIP": "10.96.5.5", "selector": {"app": "db"},
                     "ports": [{"port": 5432, "targetPort": "pg"}]}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "placeholder", "namespace": "other"},
            "spec": {"podSelector": {}}}),
    ];
    let mut dns = p(
        "coredns-1",
        json!({"k8s-app": "kube-dns"}),
        true,
        json!([{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 53, "protocol": "TCP"}]),
    );
    dns["metadata"]["namespace"] = json!("kube-system");
    v.push(dns);
    v.extend(policy);
    v
}

fn ask(objs: Vec<Value>, to: &str, port: Option<u16>) -> Reach {
    let snap = Snapshot::from_objects(objs);
    reach(
        &snap,
        "ns/client",
        &Target::parse(to).unwrap(),
        port,
        Protocol::Tcp,
    )
    .unwrap()
}

fn verdict_of(r: &Reach, hop: &str) -> HopVerdict {
    r.hops.iter().find(|h| h.hop == hop).unwrap().verdict
}

#[test]
fn targets_parse_as_the_issue_spells_them() {
    assert_eq!(
        Target::parse("svc/shop/cart").unwrap(),
        Target::Service {
            namespace: "shop".into(),
            name: "cart".into()
        }
    );
    assert!(matches!(Target::parse("10.0.0.1").unwrap(), Target::Ip(_)));
    assert!(Target::parse("a/b/c").is_err());
    assert!(Target::parse("ns/").is_err());
}

#[test]
fn a_named_target_port_resolves_and_no_policy_allows() {
    let r = ask(objects(None), "svc/ns/db", None);
    assert_eq!(r.verdict, HopVerdict::Allowed, "{r:?}");
    let dest = r.hops.last().unwrap();
    assert!(dest.detail.contains("5432/TCP"), "{}", dest.detail);
}

#[test]
fn an_ingress_policy_denies_and_names_itself() {
    let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "db-from-api", "namespace": "ns"},
        "spec": {"podSelector": {"matchLabels": {"app": "db"}},
                 "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "api"}}}]}]}});
    let r = ask(objects(Some(policy)), "svc/ns/db", Some(5432));
    assert_eq!(r.verdict, HopVerdict::Denied);
    assert_eq!(verdict_of(&r, "egress"), HopVerdict::Allowed);
    let ingress = r.hops.iter().find(|h| h.hop == "ingress").unwrap();
    assert_eq!(ingress.verdict, HopVerdict::Denied);
    assert_eq!(ingress.policies, vec!["ns/db-from-api".to_string()]);
    // Pod to pod (by IP too) gives the same answer.
    let r = ask(objects(None), "10.244.1.4", Some(5432));
    assert_eq!(r.verdict, HopVerdict::Allowed, "{r:?}");
}

#[test]
fn a_wrong_service_port_and_a_not_ready_destination_are_broken_hops() {
    let r = ask(objects(None), "svc/ns/db", Some(80));
    assert_eq!(verdict_of(&r, "service"), HopVerdict::Denied);
    let mut objs = objects(None);
    objs[1] = p(
        "db-0",
        json!({"app": "db"}),
        false,
        json!([{"name": "pg", "containerPort": 5432}]),
    );
    let r = ask(objs.clone(), "ns/db-0", Some(5432));
    assert_eq!(verdict_of(&r, "destination"), HopVerdict::Denied);
    let r = ask(objs, "svc/ns/db", None);
    assert_eq!(verdict_of(&r, "endpoints"), HopVerdict::Denied);
}

#[test]
fn an_address_outside_the_cluster_is_unknown_not_allowed() {
    let r = ask(objects(None), "203.0.113.9", Some(443));
    assert_eq!(r.verdict, HopVerdict::Unknown);
    // Without kube-system's pods, DNS cannot be judged either way.
    let objs: Vec<Value> = objects(None)
        .into_iter()
        .filter(|o| o["metadata"]["namespace"] != "kube-system")
        .collect();
    let r = ask(objs, "svc/ns/db", None);
    assert_eq!(verdict_of(&r, "dns"), HopVerdict::Unknown);
    assert_eq!(r.verdict, HopVerdict::Unknown);
}

#[test]
fn an_undeclared_container_port_is_not_a_refusal() {
    // No NetworkPolicy selects db-0: policy allows 9150. The pod declares only 5432, but
    // containerPorts are informational: a process may still listen on 9150.
    let r = ask(objects(None), "ns/db-0", Some(9150));
    let d = r.hops.iter().find(|h| h.hop == "destination").unwrap();
    assert_eq!(d.verdict, HopVerdict::Allowed, "{}", d.detail);
    assert!(
        d.detail.contains("nothing is declared on 9150/TCP")
            && d.detail.contains("may be refused if nothing listens"),
        "{}",
        d.detail
    );
    assert!(!d.detail.contains("connection refused"), "{}", d.detail);
    assert_eq!(r.verdict, HopVerdict::Allowed);
}
