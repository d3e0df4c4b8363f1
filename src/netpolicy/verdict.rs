//! The evaluator's answer for one connection: allowed or not, and for each side (the source's
//! egress, the destination's ingress) whether the pod is isolated, which rules of which
//! policies let the traffic through, or which policies isolate it and why none of their rules
//! matched. Caveats name the places where the API leaves the outcome to the network plugin.

use super::compile::{Direction, PolicyId};

/// One rule of one policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleRef {
    pub policy: PolicyId,
    pub direction: Direction,
    /// Index into `spec.ingress` or `spec.egress`.
    pub rule_index: usize,
}

/// A rule of an isolating policy that did not admit the traffic, and which half failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMiss {
    pub rule: RuleRef,
    /// The `from`/`to` part matched the other end.
    pub peer_matched: bool,
    /// The `ports` part matched the traffic.
    pub port_matched: bool,
}

/// Why a side is allowed without looking at policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exemption {
    /// A pod cannot block access to itself.
    SamePod,
    /// Traffic between a pod and the node it runs on is always allowed.
    LocalNode,
}

/// The verdict for one side of the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideVerdict {
    /// This end is not a pod (an address or a node): no policy applies on this side.
    NotApplicable,
    /// The pod is not selected by any policy of this direction: everything is allowed.
    NotIsolated,
    /// Allowed whatever the policies say.
    Exempt(Exemption),
    /// The pod is isolated and these rules admit the traffic (all of them, not just the first).
    Allowed { by: Vec<RuleRef> },
    /// The pod is isolated by these policies and none of their rules admits the traffic.
    /// `misses` lists every rule of those policies (empty when they have no rules at all).
    Denied {
        isolated_by: Vec<PolicyId>,
        misses: Vec<RuleMiss>,
    },
}

impl SideVerdict {
    /// True unless the side is `Denied`.
    pub fn permits(&self) -> bool {
        !matches!(self, SideVerdict::Denied { .. })
    }

    /// The policies that decided this side (allowing rules' policies or isolating policies).
    pub fn policies(&self) -> Vec<PolicyId> {
        let mut ids: Vec<PolicyId> = match self {
            SideVerdict::Allowed { by } => by.iter().map(|r| r.policy.clone()).collect(),
            SideVerdict::Denied { isolated_by, .. } => isolated_by.clone(),
            _ => Vec::new(),
        };
        ids.dedup();
        ids
    }
}

/// A point where the answer depends on the network plugin, not on the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caveat {
    /// The traffic is allowed on this side only because an `ipBlock` covers a pod's IP. The API
    /// says ipBlock is meant for cluster-external addresses and leaves pod IPs to the plugin;
    /// this evaluator matches pod IPs against ipBlocks (the literal reading of the fields).
    IpBlockOnPodIp { rules: Vec<RuleRef> },
    /// An end is a `hostNetwork` pod: the API leaves policy behaviour for such pods
    /// undefined (most plugins treat them as their node). Evaluated here by their labels.
    HostNetworkPod { pod: String },
}

/// The answer for one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Both sides permit the traffic.
    pub allowed: bool,
    /// The source pod's egress side.
    pub egress: SideVerdict,
    /// The destination pod's ingress side.
    pub ingress: SideVerdict,
    pub caveats: Vec<Caveat>,
}

impl Verdict {
    /// The side that denies, egress first (both may).
    pub fn denying_sides(&self) -> Vec<Direction> {
        let mut sides = Vec::new();
        if !self.egress.permits() {
            sides.push(Direction::Egress);
        }
        if !self.ingress.permits() {
            sides.push(Direction::Ingress);
        }
        sides
    }

    /// Every policy that decided either side.
    pub fn policies(&self) -> Vec<PolicyId> {
        let mut ids = self.egress.policies();
        for id in self.ingress.policies() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}
