//! Certificate inspection: reading PEM/DER certificates and keys, verifying chains by
//! signature, collecting certificates from the kubeconfig, a node's PKI, the API server's TLS
//! handshake and the cluster, and turning what is wrong into shared [`crate::findings::Finding`]s.

pub mod checks;
pub mod cluster;
pub mod collect;
pub mod csr;
pub mod drift;
pub mod entry;
pub mod from_kubeconfig;
pub mod handshake;
pub mod identity;
pub mod info;
pub mod kubefile;
pub mod names;
pub mod node;
pub mod pem;
pub mod report;
pub mod served;
pub mod verify;
pub mod view;

pub use entry::{CertEntry, Identity, KubeadmRow, Role, SourceKind, Trust};
pub use info::{CertError, CertInfo, parse_certificates};
pub use pem::{PemBlock, PemError, parse_pem};
pub use report::CertsReport;
pub use verify::{ChainVerdict, KeyMatch, key_matches, signed_by, verify_chain};
