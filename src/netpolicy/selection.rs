//! Questions about what policies select, for the network findings: the pods a policy selects,
//! policies that select no pod, rule peers that match nothing, and pods that are isolated for a
//! direction with no rule that could let anything through. Answers are only as complete as the
//! pod and namespace lists given: pass every pod and namespace the policies can see.

use std::collections::BTreeMap;

use super::compile::{CompiledPolicy, CompiledRule, Direction, PolicyId};
use super::describe::describe_peer;
use super::endpoint::{NamespaceInfo, PodEndpoint};
use super::evaluate::{PolicySet, policy_selects};
use super::peers::{CompiledPeer, NamespaceScope};
use super::ports::CompiledPort;
use super::verdict::RuleRef;

/// Why a peer can match nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadPeerReason {
    /// Its namespaceSelector matches no namespace.
    NoNamespaceMatches,
    /// Namespaces match (or it is the policy's own), but no pod in them matches.
    NoPodMatches,
    /// The peer is invalid (see the policy issues).
    Invalid,
}

/// A `from`/`to` peer that matches nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadPeer {
    pub rule: RuleRef,
    /// Index into the rule's `from` or `to`.
    pub peer_index: usize,
    pub reason: DeadPeerReason,
    /// "pods app=dbb in namespace prod".
    pub description: String,
}

/// Why an isolated pod admits nothing in a direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClosedReason {
    /// The isolating policies have no rules for this direction at all (a deny-all).
    NoRules,
    /// They have rules, but each of them can match nothing: every peer matches no pod (and
    /// none is an ipBlock), every port entry is invalid, or (ingress) every port is a name
    /// the pod does not declare.
    RulesMatchNothing { rules: Vec<RuleRef> },
}

/// A pod isolated for a direction that nothing can get through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedPod {
    /// Index into the `pods` slice given.
    pub pod_index: usize,
    pub isolated_by: Vec<PolicyId>,
    pub reason: ClosedReason,
}

impl PolicySet {
    /// Indexes (into `pods`) of the pods policy `id` selects; empty for an unknown policy.
    pub fn selected_pods(&self, id: &PolicyId, pods: &[PodEndpoint]) -> Vec<usize> {
        let Some(policy) = self.find(id) else {
            return Vec::new();
        };
        (0..pods.len())
            .filter(|i| policy_selects(policy, &pods[*i]))
            .collect()
    }

    /// Policies that select no pod of `pods` (popeye POP-1200, k8sgpt "not applied to any pods").
    pub fn policies_selecting_no_pods(&self, pods: &[PodEndpoint]) -> Vec<PolicyId> {
        self.compiled()
            .iter()
            .filter(|p| !pods.iter().any(|pod| policy_selects(p, pod)))
            .map(|p| p.id.clone())
            .collect()
    }

    /// Peers of rules (of the directions each policy applies to) that match no pod or no
    /// namespace. ipBlock peers are never reported: they name addresses, not objects.
    pub fn peers_matching_nothing(
        &self,
        pods: &[PodEndpoint],
        namespaces: &[NamespaceInfo],
    ) -> Vec<DeadPeer> {
        let namespaces = namespace_labels(pods, namespaces);
        let mut dead = Vec::new();
        for policy in self.compiled() {
            for direction in [Direction::Ingress, Direction::Egress] {
                if !policy.affects(direction) {
                    continue;
                }
                for (rule_index, rule) in policy.rules(direction).iter().enumerate() {
                    for (peer_index, peer) in rule.peers.iter().flatten().enumerate() {
                        let ns = &policy.id.namespace;
                        if let Some(reason) = peer_deadness(peer, ns, pods, &namespaces) {
                            dead.push(DeadPeer {
                                rule: rule_ref(policy, direction, rule_index),
                                peer_index,
                                reason,
                                description: describe_peer(peer, ns),
                            });
                        }
                    }
                }
            }
        }
        dead
    }

    /// Pods isolated for `direction` that no rule of their isolating policies could let
    /// anything through (deny-alls included: the caller decides whether that is intended).
    pub fn isolated_without_allow(
        &self,
        pods: &[PodEndpoint],
        namespaces: &[NamespaceInfo],
        direction: Direction,
    ) -> Vec<ClosedPod> {
        let namespaces = namespace_labels(pods, namespaces);
        let mut closed = Vec::new();
        for (pod_index, pod) in pods.iter().enumerate() {
            let isolating: Vec<&CompiledPolicy> = self
                .compiled()
                .iter()
                .filter(|p| p.affects(direction) && policy_selects(p, pod))
                .collect();
            if isolating.is_empty() {
                continue;
            }
            let mut rules = Vec::new();
            let mut any_live = false;
            for policy in &isolating {
                for (index, rule) in policy.rules(direction).iter().enumerate() {
                    rules.push(rule_ref(policy, direction, index));
                    let ns = &policy.id.namespace;
                    if rule_can_match(rule, ns, pod, direction, pods, &namespaces) {
                        any_live = true;
                    }
                }
            }
            if any_live {
                continue;
            }
            let reason = if rules.is_empty() {
                ClosedReason::NoRules
            } else {
                ClosedReason::RulesMatchNothing { rules }
            };
            closed.push(ClosedPod {
                pod_index,
                isolated_by: isolating.iter().map(|p| p.id.clone()).collect(),
                reason,
            });
        }
        closed
    }
}

fn rule_ref(policy: &CompiledPolicy, direction: Direction, rule_index: usize) -> RuleRef {
    RuleRef {
        policy: policy.id.clone(),
        direction,
        rule_index,
    }
}

/// Namespace name → labels, from the list given plus any namespace only seen on pods.
fn namespace_labels(
    pods: &[PodEndpoint],
    namespaces: &[NamespaceInfo],
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut map: BTreeMap<String, BTreeMap<String, String>> = namespaces
        .iter()
        .map(|n| (n.name.clone(), n.labels.clone()))
        .collect();
    for pod in pods {
        map.entry(pod.namespace.name.clone())
            .or_insert_with(|| pod.namespace.labels.clone());
    }
    map
}

fn peer_deadness(
    peer: &CompiledPeer,
    policy_namespace: &str,
    pods: &[PodEndpoint],
    namespaces: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<DeadPeerReason> {
    match peer {
        CompiledPeer::Invalid => Some(DeadPeerReason::Invalid),
        CompiledPeer::IpBlock { .. } => None,
        CompiledPeer::Pods {
            namespaces: scope,
            pods: selector,
        } => {
            let in_scope: Vec<&str> = match scope {
                NamespaceScope::PolicyNamespace => vec![policy_namespace],
                NamespaceScope::Matching(s) => namespaces
                    .iter()
                    .filter(|(_, labels)| s.matches(labels))
                    .map(|(name, _)| name.as_str())
                    .collect(),
            };
            if in_scope.is_empty() {
                return Some(DeadPeerReason::NoNamespaceMatches);
            }
            let any_pod = pods.iter().any(|p| {
                in_scope.contains(&p.namespace.name.as_str()) && selector.matches(&p.labels)
            });
            (!any_pod).then_some(DeadPeerReason::NoPodMatches)
        }
    }
}

fn rule_can_match(
    rule: &CompiledRule,
    policy_namespace: &str,
    subject: &PodEndpoint,
    direction: Direction,
    pods: &[PodEndpoint],
    namespaces: &BTreeMap<String, BTreeMap<String, String>>,
) -> bool {
    let peers_live = match &rule.peers {
        None => true,
        Some(peers) => peers
            .iter()
            .any(|p| peer_deadness(p, policy_namespace, pods, namespaces).is_none()),
    };
    let ports_live = match &rule.ports {
        None => true,
        Some(ports) => ports.iter().any(|port| match port {
            CompiledPort::Invalid => false,
            // For ingress the subject is the destination: its own ports decide names.
            CompiledPort::Named { protocol, name } if direction == Direction::Ingress => subject
                .ports
                .iter()
                .any(|p| p.name.as_deref() == Some(name.as_str()) && p.protocol == *protocol),
            _ => true,
        }),
    };
    peers_live && ports_live
}
