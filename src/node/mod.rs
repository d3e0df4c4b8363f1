//! Node-local mode: read-only debugging on the node itself (live, with a fixed allow-list of
//! read-only commands) or from a support bundle in the sosreport layout (`--host-root`).
//! The collector gathers [`model::NodeData`]; pure analyzers turn it into the shared
//! [`crate::findings::Finding`]s plus coverage notes for what could not be looked at.

pub mod analyze;
pub mod bundle;
pub mod collect;
pub mod commands;
pub mod kubeproxy;
pub mod kubeproxy_ipvs;
pub mod kubeproxy_mode;
pub mod kubeproxy_nft;
pub mod model;
pub mod output;
pub mod parse;
pub mod redact;
pub mod report;
pub mod runner;
pub mod sanitize;
pub mod source;

pub use analyze::{ClusterContext, MirrorPod};
pub use model::{Coverage, NodeData};
pub use report::{NodeReport, inspect};
pub use source::NodeSource;
