//! In-cluster certificate checks on objects built in the test: CSRs pending for long or
//! approved but never issued, and webhook/APIService caBundles that do not verify their
//! service's serving certificate.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use generated::{Leaf, b64, ca, leaf};
use jiff::{Timestamp, ToSpan};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Secret;
use kmedic::certs::cluster::{
    CaBundleUser, ca_bundles, csr_entry, csr_finding, tls_secret_entries,
};
use kmedic::findings::{ObjectRef, Severity};
use serde_json::json;

fn csr(
    name: &str,
    created: Timestamp,
    signer: &str,
    conditions: &[&str],
) -> CertificateSigningRequest {
    let conditions: Vec<_> = conditions
        .iter()
        .map(|c| json!({"type": c, "status": "True"}))
        .collect();
    serde_json::from_value(json!({
        "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
        "metadata": {"name": name, "creationTimestamp": created.to_string()},
        "spec": {"request": "", "signerName": signer, "usages": ["digital signature", "server auth"], "username": "system:node:worker-1"},
        "status": {"conditions": conditions}
    }))
    .expect("CSR")
}

#[test]
fn csrs_pending_for_long_or_approved_without_certificate() {
    let now = Timestamp::now();
    let old = now - 2.hours();
    let pending = csr_finding(
        &csr("csr-a", old, "kubernetes.io/kubelet-serving", &[]),
        now,
    )
    .expect("pending");
    assert_eq!(pending.check, "csr-pending");
    assert_eq!(pending.severity, Severity::Warning);
    assert!(
        pending.explanation.contains("tls: internal error"),
        "{}",
        pending.explanation
    );
    assert_eq!(
        pending.object,
        ObjectRef::new("CertificateSigningRequest", "", "csr-a")
    );
    assert!(
        csr_finding(
            &csr(
                "fresh",
                now - 1.minutes(),
                "kubernetes.io/kubelet-serving",
                &[]
            ),
            now
        )
        .is_none()
    );
    let stuck = csr_finding(
        &csr(
            "csr-b",
            old,
            "kubernetes.io/kube-apiserver-client",
            &["Approved"],
        ),
        now,
    )
    .expect("stuck");
    assert_eq!(
        (stuck.check.as_str(), stuck.severity),
        ("csr-not-issued", Severity::Error)
    );
    assert!(csr_finding(&csr("denied", old, "x", &["Denied"]), now).is_none());

    let pending_entry = csr_entry(
        &csr("csr-a", old, "kubernetes.io/kubelet-serving", &[]),
        now,
    );
    assert_eq!(pending_entry.name, "CSR csr-a (Pending)");
    assert!(
        pending_entry
            .location
            .contains("signer kubernetes.io/kubelet-serving"),
        "{}",
        pending_entry.location
    );
    assert!(
        pending_entry.location.contains("age 120m"),
        "{}",
        pending_entry.location
    );
    assert!(pending_entry.chain.is_empty() && pending_entry.error.is_none());

    let authority = ca("kubernetes");
    let issued_cert = leaf(
        &authority,
        Leaf {
            cn: "system:node:worker-1",
            server: true,
            ..Leaf::default()
        },
    );
    let mut issued = csr("csr-c", old, "kubernetes.io/kubelet-serving", &["Approved"]);
    if let Some(status) = issued.status.as_mut() {
        status.certificate = Some(k8s_openapi::ByteString(issued_cert.cert_pem.into_bytes()));
    }
    let entry = csr_entry(&issued, now);
    assert_eq!(entry.name, "CSR csr-c (Issued)");
    assert_eq!(
        entry.leaf().and_then(|c| c.common_name.clone()).as_deref(),
        Some("system:node:worker-1")
    );
    assert!(csr_finding(&issued, now).is_none());
}

fn tls_secret(ns: &str, name: &str, crt: &str, key: &str) -> Secret {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": name, "namespace": ns},
        "data": {"tls.crt": b64(crt), "tls.key": b64(key)}
    }))
    .expect("Secret")
}

#[test]
fn ca_bundle_must_verify_the_service_serving_certificate() {
    let webhook_ca = ca("webhook-ca");
    let other_ca = ca("webhook-ca");
    let serving = leaf(
        &webhook_ca,
        Leaf {
            cn: "policy",
            sans: &["policy.infra.svc"],
            server: true,
            ..Leaf::default()
        },
    );
    let secrets = tls_secret_entries(&tls_secret(
        "infra",
        "policy-tls",
        &serving.cert_pem,
        &serving.key_pem,
    ));
    assert_eq!(secrets.len(), 1);
    let user = |bundle: &str| CaBundleUser {
        object: ObjectRef::new("ValidatingWebhookConfiguration", "", "policy"),
        label: "webhook policy.example.com".into(),
        ca_bundle: bundle.as_bytes().to_vec(),
        service: Some(("infra".into(), "policy".into())),
    };
    let (entries, findings) = ca_bundles(&[user(&webhook_ca.pair.cert_pem)], &secrets);
    assert_eq!(entries.len(), 1);
    assert!(findings.is_empty(), "{findings:#?}");

    let (_, findings) = ca_bundles(&[user(&other_ca.pair.cert_pem)], &secrets);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].check, "cert-cabundle-mismatch");
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(
        findings[0].summary.contains("policy.infra.svc"),
        "{}",
        findings[0].summary
    );

    // No serving certificate known for the service: only the bundle itself is listed.
    let elsewhere = CaBundleUser {
        service: Some(("other".into(), "svc".into())),
        ..user(&other_ca.pair.cert_pem)
    };
    let (entries, findings) = ca_bundles(&[elsewhere], &secrets);
    assert_eq!((entries.len(), findings.len()), (1, 0));
}

#[test]
fn tls_secret_with_a_malformed_certificate() {
    let entries = tls_secret_entries(&tls_secret(
        "web",
        "broken",
        "-----BEGIN CERTIFICATE-----\nAAEC\n",
        "",
    ));
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("no matching END"),
        "{:?}",
        entries[0].error
    );
    let found = kmedic::certs::checks::findings(&entries, Timestamp::now());
    assert_eq!(found[0].object, ObjectRef::new("Secret", "web", "broken"));
}
