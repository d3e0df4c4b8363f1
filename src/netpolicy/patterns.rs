//! The well-known namespace-wide patterns of the concepts page, recognised for INFO findings:
//! default deny all ingress / egress (empty podSelector, the direction in policyTypes, no rule)
//! and default allow all ingress / egress (empty podSelector, a rule with no peers and no ports).

use super::compile::{CompiledPolicy, Direction, PolicyId};
use super::evaluate::PolicySet;

/// A namespace-wide pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultPattern {
    DenyAllIngress,
    DenyAllEgress,
    AllowAllIngress,
    AllowAllEgress,
}

/// A policy that follows a pattern (a deny-all of both directions gives two entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultPolicy {
    pub policy: PolicyId,
    pub pattern: DefaultPattern,
}

impl PolicySet {
    /// Every policy following one of the default patterns, in policy order.
    pub fn default_patterns(&self) -> Vec<DefaultPolicy> {
        let mut found = Vec::new();
        for policy in self.compiled() {
            let selects_all = policy.pod_selector.as_ref().is_some_and(|s| s.is_empty());
            if !selects_all {
                continue;
            }
            for (direction, deny, allow) in [
                (
                    Direction::Ingress,
                    DefaultPattern::DenyAllIngress,
                    DefaultPattern::AllowAllIngress,
                ),
                (
                    Direction::Egress,
                    DefaultPattern::DenyAllEgress,
                    DefaultPattern::AllowAllEgress,
                ),
            ] {
                if let Some(pattern) = pattern_of(policy, direction, deny, allow) {
                    found.push(DefaultPolicy {
                        policy: policy.id.clone(),
                        pattern,
                    });
                }
            }
        }
        found
    }
}

fn pattern_of(
    policy: &CompiledPolicy,
    direction: Direction,
    deny: DefaultPattern,
    allow: DefaultPattern,
) -> Option<DefaultPattern> {
    if !policy.affects(direction) {
        return None;
    }
    let rules = policy.rules(direction);
    if rules.is_empty() {
        Some(deny)
    } else if rules.iter().any(|r| r.peers.is_none() && r.ports.is_none()) {
        Some(allow)
    } else {
        None
    }
}
