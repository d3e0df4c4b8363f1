//! CertificateSigningRequests: each one as an entry (state, signer, requester, usages, age and
//! the issued certificate), and findings for those pending too long or approved but never
//! issued.

use jiff::Timestamp;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;

use super::entry::{CertEntry, Role, SourceKind};
use super::info::parse_certificates;
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};
use crate::model::age::human_duration;

/// A CSR pending longer than this is reported.
pub const CSR_PENDING_MINUTES: i64 = 10;

/// `Pending`, `Approved`, `Denied`, `Failed` or `Issued`.
pub fn csr_state(csr: &CertificateSigningRequest) -> &'static str {
    let status = csr.status.as_ref();
    let has = |t: &str| {
        status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == t))
    };
    if has("Denied") {
        "Denied"
    } else if has("Failed") {
        "Failed"
    } else if status
        .and_then(|s| s.certificate.as_ref())
        .is_some_and(|c| !c.0.is_empty())
    {
        "Issued"
    } else if has("Approved") {
        "Approved"
    } else {
        "Pending"
    }
}

/// The CSR as an entry: its facts in the location, the issued certificate as the chain.
pub fn csr_entry(csr: &CertificateSigningRequest, now: Timestamp) -> CertEntry {
    let name = csr.metadata.name.clone().unwrap_or_default();
    let usages = csr.spec.usages.clone().unwrap_or_default();
    let role = if usages.iter().any(|u| u == "server auth") {
        Role::Server
    } else if usages.iter().any(|u| u == "client auth") {
        Role::Client
    } else {
        Role::Unknown
    };
    let age = csr
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| human_duration(t.0, now))
        .unwrap_or_default();
    let state = csr_state(csr);
    let location = format!(
        "CertificateSigningRequest {name}: {state}, signer {}, requested by {}, usages {}, age {age}",
        csr.spec.signer_name,
        csr.spec.username.clone().unwrap_or_default(),
        usages.join(", ")
    );
    let mut entry = CertEntry::new(
        SourceKind::Cluster,
        format!("CSR {name} ({state})"),
        location,
        ObjectRef::new("CertificateSigningRequest", "", name),
        role,
    );
    if let Some(cert) = csr
        .status
        .as_ref()
        .and_then(|s| s.certificate.as_ref())
        .filter(|c| !c.0.is_empty())
    {
        match parse_certificates(&cert.0) {
            Ok(chain) => entry.chain = chain,
            Err(e) => entry.error = Some(e.to_string()),
        }
    }
    entry
}

/// A CSR pending too long, or approved but never issued.
pub fn csr_finding(csr: &CertificateSigningRequest, now: Timestamp) -> Option<Finding> {
    let name = csr.metadata.name.clone().unwrap_or_default();
    let created = csr.metadata.creation_timestamp.as_ref()?.0;
    let age_minutes = (now.as_second() - created.as_second()) / 60;
    let status = csr.status.clone().unwrap_or_default();
    let conditions: Vec<String> = status
        .conditions
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.type_)
        .collect();
    let signer = csr.spec.signer_name.clone();
    let issued = status.certificate.as_ref().is_some_and(|c| !c.0.is_empty());
    let decided = conditions
        .iter()
        .any(|c| c == "Approved" || c == "Denied" || c == "Failed");
    let (check, severity, summary, explanation, step) = if !decided
        && age_minutes > CSR_PENDING_MINUTES
    {
        let why = match signer.as_str() {
            "kubernetes.io/kubelet-serving" => {
                "kubelet serving certificates are never approved automatically; until approved, `kubectl logs/exec` to the node fail with \"remote error: tls: internal error\"."
            }
            "kubernetes.io/kube-apiserver-client-kubelet" => {
                "Nobody approved it: the controller-manager approves the client certificates of nodes (bootstrap and renewal) automatically, so a pending one points at the controller-manager or the RBAC that lets the node ask (system:certificates.k8s.io:certificatesigningrequests:nodeclient / selfnodeclient)."
            }
            "kubernetes.io/kube-apiserver-client" => {
                "Nobody approved it: Kubernetes never approves other client certificates (a user's) by itself; an administrator has to. Until then the requester has no certificate to log in with."
            }
            _ => {
                "Nobody approved it: the approver for this signer (a controller or an administrator) has not acted, so no certificate is issued."
            }
        };
        (
            "csr-pending",
            Severity::Warning,
            format!("CSR {name} has been pending for {age_minutes} minutes"),
            why,
            format!(
                "kubectl certificate approve {name}   # after checking who asked: kubectl get csr {name} -o yaml"
            ),
        )
    } else if conditions.iter().any(|c| c == "Approved") && !issued && age_minutes > 5 {
        (
            "csr-not-issued",
            Severity::Error,
            format!("CSR {name} was approved but no certificate was issued"),
            "The signer is not running or cannot sign (kube-controller-manager --cluster-signing-cert-file/--cluster-signing-key-file).",
            "kubectl -n kube-system logs -l component=kube-controller-manager | grep -i csr".into(),
        )
    } else {
        return None;
    };
    Some(Finding {
        pane: Pane::Certs,
        check: check.into(),
        severity,
        object: ObjectRef::new("CertificateSigningRequest", "", name),
        summary,
        explanation: explanation.into(),
        evidence: vec![
            Evidence::new("signer", signer),
            Evidence::new(
                "requested by",
                csr.spec.username.clone().unwrap_or_default(),
            ),
            Evidence::new(
                "usages",
                csr.spec.usages.clone().unwrap_or_default().join(", "),
            ),
            Evidence::new("created", created.to_string()),
        ],
        next_steps: vec![step],
        caused_by: Vec::new(),
    })
}
