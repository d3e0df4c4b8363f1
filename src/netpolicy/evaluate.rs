//! The NetworkPolicy evaluator: a compiled set of policies that answers "may this end talk to
//! that end on this port/protocol", following the API's rules. A pod is isolated for a
//! direction when some policy of that type in its namespace selects it; an isolated pod gets
//! the union of the rules of those policies; a connection needs the source's egress AND the
//! destination's ingress; a pod can always reach itself and its own node.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicy;

use super::compile::{
    CompiledPolicy, CompiledRule, Direction, IssueKind, PolicyId, PolicyIssue, compile_policy,
};
use super::endpoint::{Endpoint, PodEndpoint, Traffic};
use super::peers::PeerMatch;
use super::verdict::{Caveat, Exemption, RuleMiss, RuleRef, SideVerdict, Verdict};

/// Every NetworkPolicy of the cluster (or of the namespaces in question), compiled once.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    policies: Vec<CompiledPolicy>,
    issues: Vec<PolicyIssue>,
}

impl PolicySet {
    /// Compiles the policies. Problems are collected in [`PolicySet::issues`]; nothing panics.
    /// Two policies with the same namespace/name: the later one is kept (an issue says so).
    pub fn new<'a>(policies: impl IntoIterator<Item = &'a NetworkPolicy>) -> Self {
        let mut issues = Vec::new();
        let mut by_id: BTreeMap<PolicyId, CompiledPolicy> = BTreeMap::new();
        for policy in policies {
            if let Some(compiled) = compile_policy(policy, &mut issues) {
                let id = compiled.id.clone();
                if by_id.insert(id.clone(), compiled).is_some() {
                    issues.push(PolicyIssue {
                        policy: id,
                        kind: IssueKind::Normalized,
                        field: "metadata.name".into(),
                        message: "the policy appears twice; the later copy was used".into(),
                    });
                }
            }
        }
        PolicySet {
            policies: by_id.into_values().collect(),
            issues,
        }
    }

    /// Problems found while compiling (invalid fields, rules with no effect …).
    pub fn issues(&self) -> &[PolicyIssue] {
        &self.issues
    }

    /// The policies, sorted by namespace and name.
    pub fn policy_ids(&self) -> impl Iterator<Item = &PolicyId> {
        self.policies.iter().map(|p| &p.id)
    }

    pub fn len(&self) -> usize {
        self.policies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    pub(crate) fn compiled(&self) -> &[CompiledPolicy] {
        &self.policies
    }

    pub(crate) fn find(&self, id: &PolicyId) -> Option<&CompiledPolicy> {
        self.policies.iter().find(|p| &p.id == id)
    }

    /// True when the policy `id` selects `pod` (same namespace, podSelector matches). False
    /// for an unknown policy.
    pub fn selects(&self, id: &PolicyId, pod: &PodEndpoint) -> bool {
        self.find(id).is_some_and(|p| policy_selects(p, pod))
    }

    /// The policies that isolate `pod` for `direction`, sorted.
    pub fn isolating_policies(&self, pod: &PodEndpoint, direction: Direction) -> Vec<PolicyId> {
        self.isolating(pod, direction)
            .map(|p| p.id.clone())
            .collect()
    }

    /// True when some policy isolates `pod` for `direction`.
    pub fn is_isolated(&self, pod: &PodEndpoint, direction: Direction) -> bool {
        self.isolating(pod, direction).next().is_some()
    }

    fn isolating<'s>(
        &'s self,
        pod: &'s PodEndpoint,
        direction: Direction,
    ) -> impl Iterator<Item = &'s CompiledPolicy> + 's {
        self.policies
            .iter()
            .filter(move |p| p.affects(direction) && policy_selects(p, pod))
    }

    /// May `from` open a connection to `to` with `traffic`? `traffic.port` is the port the
    /// destination receives on: for a Service, evaluate each endpoint with the target port.
    pub fn evaluate(&self, from: Endpoint<'_>, to: Endpoint<'_>, traffic: Traffic) -> Verdict {
        let mut caveats = Vec::new();
        for end in [&from, &to] {
            if let Endpoint::Pod(pod) = end
                && pod.host_network
            {
                let caveat = Caveat::HostNetworkPod { pod: pod.key() };
                if !caveats.contains(&caveat) {
                    caveats.push(caveat);
                }
            }
        }
        if from.is_same_pod(&to) {
            let exempt = SideVerdict::Exempt(Exemption::SamePod);
            return Verdict {
                allowed: true,
                egress: exempt.clone(),
                ingress: exempt,
                caveats,
            };
        }
        let egress = match from {
            Endpoint::Pod(source) if to.is_node_of(source) => {
                SideVerdict::Exempt(Exemption::LocalNode)
            }
            Endpoint::Pod(source) => {
                self.side(source, Direction::Egress, &to, &to, traffic, &mut caveats)
            }
            _ => SideVerdict::NotApplicable,
        };
        let ingress = match to {
            Endpoint::Pod(target) if from.is_node_of(target) => {
                SideVerdict::Exempt(Exemption::LocalNode)
            }
            Endpoint::Pod(target) => self.side(
                target,
                Direction::Ingress,
                &from,
                &to,
                traffic,
                &mut caveats,
            ),
            _ => SideVerdict::NotApplicable,
        };
        Verdict {
            allowed: egress.permits() && ingress.permits(),
            egress,
            ingress,
            caveats,
        }
    }

    /// One side: `subject` is the pod whose policies apply, `peer` the other end (matched by
    /// the rules' from/to), `destination` the receiving end (for named ports).
    fn side(
        &self,
        subject: &PodEndpoint,
        direction: Direction,
        peer: &Endpoint<'_>,
        destination: &Endpoint<'_>,
        traffic: Traffic,
        caveats: &mut Vec<Caveat>,
    ) -> SideVerdict {
        let mut isolated_by = Vec::new();
        let mut allowed = Vec::new();
        let mut via_pod_ip_only = Vec::new();
        let mut misses = Vec::new();
        for policy in self.isolating(subject, direction) {
            isolated_by.push(policy.id.clone());
            for (rule_index, rule) in policy.rules(direction).iter().enumerate() {
                let rule_ref = RuleRef {
                    policy: policy.id.clone(),
                    direction,
                    rule_index,
                };
                let peer_match = rule_peer_match(rule, &policy.id.namespace, peer);
                let port_matched = rule_port_match(rule, traffic, destination);
                match (peer_match, port_matched) {
                    (PeerMatch::Yes, true) => allowed.push(rule_ref),
                    (PeerMatch::IpBlockOnPodIp, true) => via_pod_ip_only.push(rule_ref),
                    (peer_match, port_matched) => misses.push(RuleMiss {
                        rule: rule_ref,
                        peer_matched: peer_match != PeerMatch::No,
                        port_matched,
                    }),
                }
            }
        }
        if isolated_by.is_empty() {
            return SideVerdict::NotIsolated;
        }
        if allowed.is_empty() && !via_pod_ip_only.is_empty() {
            caveats.push(Caveat::IpBlockOnPodIp {
                rules: via_pod_ip_only.clone(),
            });
        }
        allowed.extend(via_pod_ip_only);
        if allowed.is_empty() {
            SideVerdict::Denied {
                isolated_by,
                misses,
            }
        } else {
            SideVerdict::Allowed { by: allowed }
        }
    }
}

/// True when `policy` selects `pod`: same namespace and a podSelector that matches.
pub(crate) fn policy_selects(policy: &CompiledPolicy, pod: &PodEndpoint) -> bool {
    policy.id.namespace == pod.namespace.name
        && policy
            .pod_selector
            .as_ref()
            .is_some_and(|s| s.matches(&pod.labels))
}

fn rule_peer_match(rule: &CompiledRule, policy_namespace: &str, peer: &Endpoint<'_>) -> PeerMatch {
    let Some(peers) = &rule.peers else {
        return PeerMatch::Yes;
    };
    let mut best = PeerMatch::No;
    for compiled in peers {
        match compiled.matches(policy_namespace, peer) {
            PeerMatch::Yes => return PeerMatch::Yes,
            PeerMatch::IpBlockOnPodIp => best = PeerMatch::IpBlockOnPodIp,
            PeerMatch::No => {}
        }
    }
    best
}

fn rule_port_match(rule: &CompiledRule, traffic: Traffic, destination: &Endpoint<'_>) -> bool {
    match &rule.ports {
        None => true,
        Some(ports) => ports.iter().any(|p| p.matches(traffic, destination)),
    }
}
