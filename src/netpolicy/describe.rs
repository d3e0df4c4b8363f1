//! Plain-English text for policies and verdicts: a rule reads "TCP 3306 to pods app=db in
//! namespace prod", a denied side reads "pod prod/web is selected by egress policy
//! prod/web-egress, whose rules allow only TCP 3306 to pods app=db in namespace prod". Label
//! keys and values come from the cluster: callers sanitise before display.

use super::compile::{CompiledRule, Direction, PolicyId};
use super::endpoint::Endpoint;
use super::evaluate::PolicySet;
use super::peers::{CompiledPeer, NamespaceScope};
use super::ports::CompiledPort;
use super::verdict::{Exemption, SideVerdict, Verdict};

impl PolicySet {
    /// Each rule of policy `id` for `direction`, in order; `None` for an unknown policy.
    /// A policy that does not apply to `direction` has no rules for it.
    pub fn describe_rules(&self, id: &PolicyId, direction: Direction) -> Option<Vec<String>> {
        let policy = self.find(id)?;
        if !policy.affects(direction) {
            return Some(Vec::new());
        }
        Some(
            policy
                .rules(direction)
                .iter()
                .map(|r| describe_rule(r, &policy.id.namespace, direction))
                .collect(),
        )
    }

    /// One sentence per side that matters, e.g. `["denied: pod prod/web is selected by egress
    /// policy prod/web-egress, whose rules allow only TCP 3306 to pods app=db in namespace
    /// prod"]`. Sides where no policy applies are left out unless both are.
    pub fn explain(
        &self,
        verdict: &Verdict,
        from: &Endpoint<'_>,
        to: &Endpoint<'_>,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for (side, end, direction) in [
            (&verdict.egress, from, Direction::Egress),
            (&verdict.ingress, to, Direction::Ingress),
        ] {
            if let Some(line) = self.explain_side(side, end, direction) {
                lines.push(line);
            }
        }
        if lines.is_empty() {
            lines.push("allowed: neither end is a pod, so no NetworkPolicy applies".into());
        }
        lines
    }

    fn explain_side(
        &self,
        side: &SideVerdict,
        end: &Endpoint<'_>,
        direction: Direction,
    ) -> Option<String> {
        let what = direction.as_str();
        let subject = end.describe();
        match side {
            SideVerdict::NotApplicable => None,
            SideVerdict::NotIsolated => Some(format!(
                "{what} allowed: {subject} is not selected by any {what} policy"
            )),
            SideVerdict::Exempt(Exemption::SamePod) => {
                Some(format!("{what} allowed: a pod can always reach itself"))
            }
            SideVerdict::Exempt(Exemption::LocalNode) => Some(format!(
                "{what} allowed: traffic between {subject} and its own node is always allowed"
            )),
            SideVerdict::Allowed { by } => {
                let rules: Vec<String> = by
                    .iter()
                    .map(|r| {
                        let text = self
                            .find(&r.policy)
                            .and_then(|p| {
                                p.rules(direction).get(r.rule_index).map(|rule| (p, rule))
                            })
                            .map(|(p, rule)| describe_rule(rule, &p.id.namespace, direction))
                            .unwrap_or_default();
                        format!("{} rule {} ({text})", r.policy, r.rule_index)
                    })
                    .collect();
                Some(format!("{what} allowed by {}", rules.join("; ")))
            }
            SideVerdict::Denied { isolated_by, .. } => {
                let names: Vec<String> = isolated_by.iter().map(PolicyId::to_string).collect();
                let rules: Vec<String> = isolated_by
                    .iter()
                    .filter_map(|id| self.describe_rules(id, direction))
                    .flatten()
                    .collect();
                let (noun, whose, which) = if names.len() == 1 {
                    ("policy", "whose rules", "which allows")
                } else {
                    ("policies", "whose rules together", "which allow")
                };
                let allowance = if rules.is_empty() {
                    format!("{which} no {what} at all")
                } else {
                    format!("{whose} allow only {}", rules.join("; or "))
                };
                Some(format!(
                    "denied: {subject} is selected by {what} {noun} {}, {allowance}",
                    names.join(", ")
                ))
            }
        }
    }
}

/// "TCP 3306 to pods app=db in namespace prod".
pub(crate) fn describe_rule(rule: &CompiledRule, namespace: &str, direction: Direction) -> String {
    let ports = match &rule.ports {
        None => "any port".to_string(),
        Some(ports) => ports
            .iter()
            .map(describe_port)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let peers = match &rule.peers {
        None => "anywhere".to_string(),
        Some(peers) => peers
            .iter()
            .map(|p| describe_peer(p, namespace))
            .collect::<Vec<_>>()
            .join(" or "),
    };
    let preposition = match direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    format!("{ports} {preposition} {peers}")
}

pub(crate) fn describe_port(port: &CompiledPort) -> String {
    match port {
        CompiledPort::AllOf(protocol) => format!("every {protocol} port"),
        CompiledPort::Range {
            protocol,
            first,
            last,
        } if first == last => format!("{protocol} {first}"),
        CompiledPort::Range {
            protocol,
            first,
            last,
        } => format!("{protocol} {first}-{last}"),
        CompiledPort::Named { protocol, name } => format!("{protocol} port named {name}"),
        CompiledPort::Invalid => "an invalid port entry (matches nothing)".into(),
    }
}

pub(crate) fn describe_peer(peer: &CompiledPeer, namespace: &str) -> String {
    match peer {
        CompiledPeer::Invalid => "an invalid peer (matches nothing)".into(),
        CompiledPeer::IpBlock { cidr, except } if except.is_empty() => {
            format!("addresses in {cidr}")
        }
        CompiledPeer::IpBlock { cidr, except } => format!(
            "addresses in {cidr} except {}",
            except
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        CompiledPeer::Pods { namespaces, pods } => {
            let who = if pods.is_empty() {
                "every pod".to_string()
            } else {
                format!("pods {}", pods.describe())
            };
            let place = match namespaces {
                NamespaceScope::PolicyNamespace => format!("in namespace {namespace}"),
                NamespaceScope::Matching(s) if s.is_empty() => "in every namespace".to_string(),
                NamespaceScope::Matching(s) => format!("in namespaces {}", s.describe()),
            };
            format!("{who} {place}")
        }
    }
}
