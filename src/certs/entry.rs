//! A certificate (or chain) found somewhere, with what it is for and what it should be
//! checked against: the CA that should have signed it, the names clients use, its key.

use serde::Serialize;

use super::info::CertInfo;
use super::verify::{ChainVerdict, KeyMatch, verify_chain};
use crate::findings::ObjectRef;

/// `CertEntry::error` of a file that does not exist.
pub const MISSING: &str = "file does not exist";

/// Where a certificate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Kubeconfig,
    Node,
    TlsHandshake,
    Cluster,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Kubeconfig => "kubeconfig",
            SourceKind::Node => "node PKI",
            SourceKind::TlsHandshake => "TLS handshake",
            SourceKind::Cluster => "cluster",
        }
    }
}

/// What the certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Ca,
    Server,
    Client,
    Peer,
    Unknown,
}

/// The CA certificates that should verify an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    /// e.g. `ca`, `etcd-ca`, `cluster CA of context kind`.
    pub name: String,
    pub certs: Vec<CertInfo>,
}

/// A kubeadm `certs check-expiration` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KubeadmRow {
    /// `apiserver`, `admin.conf`, `ca`, … .
    pub name: String,
    /// The CA column; empty for CAs.
    pub authority: String,
    pub externally_managed: bool,
}

/// One place holding certificates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertEntry {
    pub source: SourceKind,
    /// Short name, e.g. `apiserver`, `admin.conf`, `client certificate of context kind`.
    pub name: String,
    /// File path, kubeconfig field or object and key.
    pub location: String,
    pub object: ObjectRef,
    pub role: Role,
    /// Its failure takes the cluster (or a control-plane component) down.
    pub critical: bool,
    /// Leaf first, then the rest of the file or handshake in order.
    pub chain: Vec<CertInfo>,
    /// Why the certificates could not be read (missing file, malformed PEM …).
    pub error: Option<String>,
    /// The name of the CA it is checked against.
    pub authority: Option<String>,
    #[serde(skip)]
    pub trust: Option<Trust>,
    pub verdict: Option<ChainVerdict>,
    pub key: Option<KeyMatch>,
    /// Host names and IPs the serving certificate must cover.
    pub required_names: Vec<String>,
    pub kubeadm: Option<KubeadmRow>,
    /// Who the client certificate must say it is, when its use is known.
    pub identity: Option<Identity>,
}

/// The identity a client certificate needs for its job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The CN must start with this (e.g. `system:node:`).
    pub cn_prefix: String,
    /// One of these must be among the O= values (empty: any).
    pub any_group: Vec<String>,
    /// Why, in one line (e.g. "the Node authorizer only admits system:node:<name> in system:nodes").
    pub reason: String,
}

impl CertEntry {
    /// An entry with nothing checked yet.
    pub fn new(
        source: SourceKind,
        name: impl Into<String>,
        location: impl Into<String>,
        object: ObjectRef,
        role: Role,
    ) -> Self {
        CertEntry {
            source,
            name: name.into(),
            location: location.into(),
            object,
            role,
            critical: false,
            chain: Vec::new(),
            error: None,
            authority: None,
            trust: None,
            verdict: None,
            key: None,
            required_names: Vec::new(),
            kubeadm: None,
            identity: None,
        }
    }

    /// Sets the CA to check against and verifies the chain by signature.
    pub fn trust(&mut self, trust: Trust) {
        self.authority = Some(trust.name.clone());
        self.verdict = if trust.certs.is_empty() {
            None
        } else {
            verify_chain(&self.chain, &trust.certs)
        };
        self.trust = Some(trust);
    }

    /// The leaf (first) certificate.
    pub fn leaf(&self) -> Option<&CertInfo> {
        self.chain.first()
    }
}
