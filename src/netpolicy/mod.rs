//! NetworkPolicy reachability, as pure logic: a complete evaluator of `networking.k8s.io/v1`
//! NetworkPolicy semantics (written from the API reference and the concepts page) and the
//! questions the network findings ask of it. No I/O, no async: the engine adapts its objects
//! to [`PodEndpoint`] / [`NamespaceInfo`], builds a [`PolicySet`] from the policies, and asks.
//!
//! Choices where the API leaves room (each one reported as a [`Caveat`] when it decides):
//! - `ipBlock` is matched against pod IPs too (the literal reading of the fields); the API says
//!   ipBlock is meant for cluster-external addresses and leaves pod IPs to the plugin.
//! - `hostNetwork` pods are evaluated by their labels; the API leaves them undefined.
//! - Invalid parts of a policy (what the API server would reject) match nothing and are listed
//!   in [`PolicySet::issues`].

mod cidr;
mod compile;
mod describe;
mod dns;
mod endpoint;
mod evaluate;
mod patterns;
mod peers;
mod ports;
mod selection;
mod selector;
mod verdict;

pub use cidr::{Cidr, ParsedCidr};
pub use compile::{Direction, IssueKind, PolicyId, PolicyIssue};
pub use dns::{DnsEgressCheck, DnsProtocolReach, DnsStatus, DnsTarget};
pub use endpoint::{
    ContainerPort, Endpoint, NAMESPACE_NAME_LABEL, NamespaceInfo, PodEndpoint, Protocol, Traffic,
};
pub use evaluate::PolicySet;
pub use patterns::{DefaultPattern, DefaultPolicy};
pub use selection::{ClosedPod, ClosedReason, DeadPeer, DeadPeerReason};
pub use selector::{Selector, selector_matches};
pub use verdict::{Caveat, Exemption, RuleMiss, RuleRef, SideVerdict, Verdict};
