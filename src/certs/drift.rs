//! Served versus on-disk: the API server presenting an older certificate than the node's
//! `apiserver.crt` for the same address means the file was renewed but the API server was
//! never restarted.

use super::entry::{CertEntry, SourceKind};
use crate::findings::{Evidence, Finding, Pane, Severity};

/// Findings for served chains older than the node's `apiserver.crt` for the same name.
pub fn served_vs_disk(entries: &[CertEntry], now: jiff::Timestamp) -> Vec<Finding> {
    let disk = entries
        .iter()
        .filter(|e| e.source == SourceKind::Node && e.name == "apiserver")
        .filter_map(|e| Some((e, e.leaf()?)));
    let mut out = Vec::new();
    for (file, on_disk) in disk {
        for served in entries
            .iter()
            .filter(|e| e.source == SourceKind::TlsHandshake)
        {
            let (Some(live), Some(host)) = (served.leaf(), served.required_names.first()) else {
                continue;
            };
            let same_identity = live.subject == on_disk.subject && live.issuer == on_disk.issuer;
            if !same_identity
                || live.sha256_fingerprint == on_disk.sha256_fingerprint
                || !on_disk.covers(host)
                || on_disk.not_before <= live.not_before
            {
                continue;
            }
            let severity = if live.not_after < now && on_disk.not_after >= now {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(Finding {
                pane: Pane::Certs,
                check: "cert-not-reloaded".into(),
                severity,
                object: served.object.clone(),
                summary: format!(
                    "{} serves an older certificate than {}",
                    served.location, file.location
                ),
                explanation: "The certificate file was renewed (e.g. by `kubeadm certs renew`) but the API server was not restarted, so it still presents the old one.".into(),
                evidence: vec![
                    Evidence::new("served", format!("{} (not after {})", live.sha256_fingerprint, live.not_after)),
                    Evidence::new("on disk", format!("{} (not after {})", on_disk.sha256_fingerprint, on_disk.not_after)),
                ],
                next_steps: vec![
                    "restart kube-apiserver: move /etc/kubernetes/manifests/kube-apiserver.yaml out of the directory and back, or crictl stop its container".into(),
                ],
                caused_by: Vec::new(),
            });
        }
    }
    out
}
