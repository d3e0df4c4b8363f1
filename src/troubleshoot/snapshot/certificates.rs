//! What the certificate inspection found (the kubeconfig's certificates, the API server's
//! handshake, the node's PKI, in-cluster TLS material: the same inspection as `kmedic certs`),
//! as the engine keeps it: its findings, or why it could not look.

use jiff::Timestamp;

use crate::findings::Finding;

/// One certificate inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateReading {
    /// The certificate findings, in the shared finding schema.
    pub findings: Vec<Finding>,
    /// Why the inspection could not run at all (then `findings` is empty).
    pub failed: Option<String>,
    /// When it ran (expiry words are relative to it).
    pub at: Timestamp,
}

impl CertificateReading {
    /// The outcome of `certs::collect::collect` run at `at`.
    pub fn from_report(report: Result<crate::certs::CertsReport, String>, at: Timestamp) -> Self {
        match report {
            Ok(report) => CertificateReading {
                findings: report.findings,
                failed: None,
                at,
            },
            Err(why) => CertificateReading {
                findings: Vec::new(),
                failed: Some(why),
                at,
            },
        }
    }
}
