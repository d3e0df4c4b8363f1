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
    assert_eq!(
        one(&f, "ingress-backend-missing").summary,
        "backend Service web does not exist"
    );
    // spec.defaultBackend (and v1beta1's spec.backend) names a missing Service: said so.
    for field in ["defaultBackend", "backend"] {
        let mut i = ingress(json!("nginx"), json!({"number": 80}), json!([]));
        i["spec"][field] = json!({"service": {"name": "fallback", "port": {"number": 80}}});
        let f = run(vec![i, class("nginx", true), svc()]);
        assert_eq!(
            one(&f, "ingress-backend-missing").summary,
            "default backend Service fallback does not exist",
            "{field}"
        );
    }
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
    // `kubectl create secret generic shop-tls --from-file=cert.pem --from-file=key.pem`:
    // an Opaque Secret named after its files; the step makes it again from those files.
    let mut generic = tls_secret(json!({"cert.pem": "LS0t", "key.pem": "LS0t"}));
    generic["type"] = json!("Opaque");
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        generic,
    ]);
    let i = one(&f, "ingress-tls-secret-invalid");
    assert!(
        i.summary.contains("of type Opaque, not kubernetes.io/tls"),
        "{}",
        i.summary
    );
    assert!(
        i.next_steps.iter().any(|s| s
            .contains("kubectl create secret tls shop-tls -n ns --cert=cert.pem --key=key.pem")),
        "{:?}",
        i.next_steps
    );
    // Opaque with the right keys works with most controllers: not flagged.
    let mut opaque = tls_secret(json!({"tls.crt": "LS0t", "tls.key": "LS0t"}));
    opaque["type"] = json!("Opaque");
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        opaque,
    ]);
    assert!(!f.iter().any(|x| x.check == "ingress-tls-secret-invalid"));
    // A live cluster lists Secrets as metadata only: keys unknown, nothing claimed.
    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), tls_block()),
        class("nginx", true),
        svc(),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-tls", "namespace": "ns"}}),
    ]);
    assert!(f.is_empty(), "{:?}", ids(&f));
}

/// A self-signed certificate for `sans`, valid until `until_year`, as a TLS Secret's data.
fn cert_data(sans: &[&str], until_year: i32) -> Value {
    use base64::Engine as _;
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, sans[0]);
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(until_year, 1, 1);
    let cert = params.self_signed(&key).unwrap();
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    json!({"tls.crt": b64(cert.pem()), "tls.key": b64(key.serialize_pem())})
}

#[test]
fn the_tls_certificate_must_cover_the_hosts_and_be_valid() {
    let with = |data: Value| {
        run(vec![
            ingress(json!("nginx"), json!({"number": 80}), tls_block()),
            class("nginx", true),
            svc(),
            tls_secret(data),
        ])
    };
    // A wildcard covers one label.
    let f = with(cert_data(&["*.example.com"], 2030));
    assert!(f.is_empty(), "{:?}", ids(&f));
    let f = with(cert_data(&["old.example.com", "*.shop.example.com"], 2030));
    let m = one(&f, "ingress-tls-host-mismatch");
    assert_eq!(m.severity, Severity::Error);
    assert!(
        m.summary.contains(
            "does not cover shop.example.com (it is for old.example.com, *.shop.example.com)"
        ),
        "{}",
        m.summary
    );
    assert!(!ids(&f).iter().any(|(c, _)| c == "ingress-tls-cert-expired"));
    let f = with(cert_data(&["shop.example.com"], 2025));
    let e = one(&f, "ingress-tls-cert-expired");
    assert!(e.summary.contains("expired on 2025-01-01"), "{}", e.summary);
    assert!(
        !ids(&f)
            .iter()
            .any(|(c, _)| c == "ingress-tls-host-mismatch")
    );
    // The certificate's public part is read; the key never enters the snapshot.
    let snap = crate::troubleshoot::Snapshot::from_objects(vec![tls_secret(cert_data(
        &["shop.example.com"],
        2030,
    ))]);
    let text = format!("{:?}", snap.secrets.iter().collect::<Vec<_>>());
    assert!(!text.contains("PRIVATE KEY") && !text.contains("LS0tLS1CRUdJTiBQUklWQVRF"));
}

fn web_pod(ready: bool) -> Value {
    let status = if ready { "True" } else { "False" };
    let mut p = pod(
        "web-7d9f8-abcde",
        json!({"containers": [{"name": "app", "image": "example/web:1",
            "ports": [{"containerPort": 8080}]}]}),
        json!({"phase": "Running", "podIP": "10.244.1.5",
            "conditions": [{"type": "Ready", "status": status}],
            "containerStatuses": [{"name": "app", "ready": ready, "restartCount": 0,
                "image": "example/web:1", "imageID": "", "state": {"running": {"startedAt": ago(600)}}}]}),
    );
    p["metadata"]["labels"] = json!({"app": "web"});
    p
}

fn web_slice(ready: bool) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-x7k2p", "namespace": "ns",
                     "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.1.5"], "nodeName": "worker-1",
            "conditions": {"ready": ready, "serving": ready, "terminating": false},
            "targetRef": {"kind": "Pod", "namespace": "ns", "name": "web-7d9f8-abcde"}}],
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
}

#[test]
fn a_backend_without_ready_endpoints_is_named_and_linked_to_its_service() {
    let healthy = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), json!([])),
        class("nginx", true),
        svc(),
        web_pod(true),
        web_slice(true),
    ]);
    assert!(healthy.is_empty(), "{:?}", ids(&healthy));

    let f = run(vec![
        ingress(json!("nginx"), json!({"number": 80}), json!([])),
        class("nginx", true),
        svc(),
        web_pod(false),
        web_slice(false),
    ]);
    let i = one(&f, "ingress-backend-no-ready-endpoints");
    assert_eq!(i.severity, Severity::Error);
    assert!(i.summary.contains("web"), "{}", i.summary);
    assert!(evidence_text(i).contains("0 ready endpoints"));
    assert!(
        i.caused_by
            .iter()
            .any(|c| c.check == "service-no-ready-endpoints" && c.object.name == "web"),
        "{:?}",
        i.caused_by
    );
}
