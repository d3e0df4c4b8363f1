//! Tests of `ingress`.

#![allow(clippy::unwrap_used)]
use super::super::testutil::*;
use crate::findings::Severity;
use serde_json::{Value, json};

fn ingress(class: Value, backend_port: Value, tls: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "shop", "namespace": "ns", "creationTimestamp": ago(3600)},
        "spec": {"ingressClassName": class, "tls": tls,
            "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": backend_port}}}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}})
}

fn class(name: &str, default: bool) -> Value {
    let mut c = json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": name}, "spec": {"controller": "k8s.io/ingress-nginx"}});
    if default {
        c["metadata"]["annotations"] =
            json!({"ingressclass.kubernetes.io/is-default-class": "true"});
    }
    c
}

fn svc() -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
        "spec": {"clusterIP": "10.96.0.5", "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
}

fn tls_secret(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "shop-tls", "namespace": "ns"}, "data": data})
}

fn tls_block() -> Value {
    json!([{"hosts": ["shop.example.com"], "secretName": "shop-tls"}])
}

#[test]
fn a_healthy_ingress() {
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        tls_secret(json!({"tls.crt": "LS0t", "tls.key": "LS0t"})),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
    let f = run(vec![
        ingress(json!("nginx"), json!({"name": "http"}), json!([])),
        class("nginx", false),
        svc(),
    ]);
    assert!(f.is_empty(), "port by name: {:?}", ids(&f));
}

#[test]
fn class_problems() {
    let f = run(vec![
        ingress(json!("traefik"), json!({"number": 80}), json!([])),
        class("nginx", true),
        svc(),
    ]);
    assert_eq!(one(&f, "ingress-class-missing").severity, Severity::Error);
    let f = run(vec![
        ingress(Value::Null, json!({"number": 80}), json!([])),
        class("nginx", false),
        svc(),
    ]);
    one(&f, "ingress-no-class");
    let mut no_addr = ingress(json!("nginx"), json!({"number": 80}), json!([]));
    no_addr["status"] = json!({"loadBalancer": {}});
    // Alone of its class: the controller may just not publish status.
    let f = run(vec![no_addr.clone(), class("nginx", false), svc()]);
    let n = one(&f, "ingress-no-controller");
    assert_eq!(n.severity, Severity::Info);
    assert!(evidence_text(n).contains("k8s.io/ingress-nginx"));
    // Another Ingress of the class has an address: this one was left out.
    let mut served = ingress(json!("nginx"), json!({"number": 80}), json!([]));
    served["metadata"]["name"] = json!("other");
    let f = run(vec![no_addr, served, class("nginx", false), svc()]);
    assert_eq!(one(&f, "ingress-no-controller").severity, Severity::Warning);
}

#[test]
fn backend_service_and_port() {
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), json!([])),
        class("nginx", true),
        json!({"apiVersion": "v1", "kind": "ServiceList", "items": []}),
    ]);
    assert!(one(&f, "ingress-backend-missing").summary.contains("web"));
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 8080}), json!([])),
        class("nginx", true),
        svc(),
    ]);
    assert!(
        evidence_text(one(&f, "ingress-backend-port-missing")).contains("the Service has http:80")
    );
    let f = run(vec![
        ingress(json!("nginx"), json!({"name": "https"}), json!([])),
        class("nginx", true),
        svc(),
    ]);
    one(&f, "ingress-backend-port-missing");
}

#[test]
fn tls_secret_missing_or_not_tls() {
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        json!({"apiVersion": "v1", "kind": "SecretList", "items": []}),
    ]);
    assert!(
        one(&f, "ingress-tls-secret-missing").next_steps[0]
            .contains("kubectl get secret shop-tls -n ns")
    );
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        tls_secret(json!({"cert.pem": "LS0t"})),
    ]);
    one(&f, "ingress-tls-secret-invalid");
    // A live cluster lists Secrets as metadata only: keys unknown, nothing claimed.
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-tls", "namespace": "ns"}}),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}
