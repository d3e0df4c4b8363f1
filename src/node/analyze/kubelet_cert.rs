//! The kubelet's client certificate (the file its kubeconfig names, usually
//! `/var/lib/kubelet/pki/kubelet-client-current.pem`): expired means the node can no longer
//! authenticate; close to expiry without `rotateCertificates` means it soon cannot.

use jiff::Timestamp;

use super::{ev, file, finding};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;

/// Warn this long before expiry when rotation is off.
const SOON: i64 = 30 * 86_400;

pub fn check(data: &NodeData, now: Timestamp) -> Vec<Finding> {
    let Some(cert) = &data.kubelet_client_cert else {
        return Vec::new();
    };
    let Some(not_after) = cert.not_after else {
        return Vec::new();
    };
    let rotate = &data.kubelet.settings.rotate_certificates;
    let config = data.kubelet.config_file.as_deref();
    let left = not_after - now.as_second();
    let expires = Timestamp::from_second(not_after)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| not_after.to_string());
    let (check, severity, summary, explanation) = if left < 0 {
        (
            "kubelet-client-cert-expired",
            Severity::Critical,
            format!(
                "the kubelet's client certificate {} expired on {expires}",
                cert.path
            ),
            if rotate.value {
                "The kubelet authenticates to the API server with this certificate. It expired before rotation renewed it (the kubelet renews at 70–90 % of its lifetime, so it was probably offline or its CSRs were not approved); now it cannot request a new one with it. The node goes NotReady and the journal shows `x509: certificate has expired or is not yet valid`."
            } else {
                "The kubelet authenticates to the API server with this certificate and rotateCertificates is off, so nothing renewed it. The node goes NotReady and the journal shows `x509: certificate has expired or is not yet valid`."
            },
        )
    } else if left < SOON && !rotate.value {
        (
            "kubelet-client-cert-rotation-off",
            Severity::Warning,
            format!(
                "the kubelet's client certificate {} expires on {expires} and rotateCertificates is off",
                cert.path
            ),
            "Without rotateCertificates the kubelet does not renew its client certificate; when it expires the node drops out of the cluster.",
        )
    } else {
        return Vec::new();
    };
    let mut f = finding(
        Pane::Node,
        check,
        severity,
        file(&cert.path),
        summary,
        explanation,
    );
    f.evidence = vec![
        ev("notAfter", expires),
        ev(
            "rotateCertificates",
            format!("{} ({})", rotate.value, rotate.source.describe(config)),
        ),
    ];
    if let Some(cn) = &cert.common_name {
        f.evidence.push(ev("subject CN", cn));
    }
    f.next_steps = vec![
        format!("openssl x509 -in {} -noout -subject -enddate", cert.path),
        "kubeadm certs check-expiration".into(),
        "on a kubeadm node: move the expired kubelet-client-*.pem away, make sure /etc/kubernetes/bootstrap-kubelet.conf is valid (kubeadm token create --print-join-command), restart the kubelet and approve its CSR (kubectl get csr)".into(),
        "set rotateCertificates: true in the kubelet's config".into(),
    ];
    vec![f]
}
