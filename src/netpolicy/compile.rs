//! Compiling a `networking.k8s.io/v1` NetworkPolicy into the evaluator's form: policyTypes
//! defaulting (absent or empty: Ingress always, Egress only when egress rules exist), the
//! policy's podSelector (absent = empty = every pod of its namespace), its rules (`from`/`to`
//! and `ports` absent or empty = everything), and a list of issues found on the way (fields
//! the API server would reject, fields that have no effect, values read loosely).

use std::fmt;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::peers::CompiledPeer;
use super::ports::CompiledPort;
use super::selector::Selector;

/// `namespace/name` of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyId {
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// A direction of traffic relative to the selected pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    /// `ingress` / `egress`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// What kind of problem an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// The API server would reject this; the evaluator treats the part as matching nothing
    /// (or, for a policy without namespace or name, ignores the policy).
    Invalid,
    /// Valid, but it has no effect (rules of a direction the policy does not apply to).
    NoEffect,
    /// Read loosely (a CIDR with host bits set, a policy without spec).
    Normalized,
}

/// A problem found while compiling a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyIssue {
    pub policy: PolicyId,
    pub kind: IssueKind,
    /// The JSON path of the field, e.g. `spec.ingress[0].from[1].podSelector`.
    pub field: String,
    pub message: String,
}

/// Collects issues for one policy.
pub(crate) struct IssueSink<'a> {
    policy: &'a PolicyId,
    issues: &'a mut Vec<PolicyIssue>,
}

impl IssueSink<'_> {
    fn push(&mut self, kind: IssueKind, field: &str, message: &str) {
        self.issues.push(PolicyIssue {
            policy: self.policy.clone(),
            kind,
            field: field.to_string(),
            message: message.to_string(),
        });
    }

    pub(crate) fn invalid(&mut self, field: &str, message: &str) {
        self.push(IssueKind::Invalid, field, message);
    }

    pub(crate) fn normalized(&mut self, field: &str, message: &str) {
        self.push(IssueKind::Normalized, field, message);
    }

    fn no_effect(&mut self, field: &str, message: &str) {
        self.push(IssueKind::NoEffect, field, message);
    }
}

/// One compiled ingress or egress rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CompiledRule {
    /// `None`: `from`/`to` absent or empty, every peer.
    pub(crate) peers: Option<Vec<CompiledPeer>>,
    /// `None`: `ports` absent or empty, every port.
    pub(crate) ports: Option<Vec<CompiledPort>>,
}

/// One compiled policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CompiledPolicy {
    pub(crate) id: PolicyId,
    /// `None` when the podSelector is invalid: the policy selects nothing.
    pub(crate) pod_selector: Option<Selector>,
    pub(crate) affects_ingress: bool,
    pub(crate) affects_egress: bool,
    pub(crate) ingress: Vec<CompiledRule>,
    pub(crate) egress: Vec<CompiledRule>,
}

impl CompiledPolicy {
    pub(crate) fn affects(&self, direction: Direction) -> bool {
        match direction {
            Direction::Ingress => self.affects_ingress,
            Direction::Egress => self.affects_egress,
        }
    }

    pub(crate) fn rules(&self, direction: Direction) -> &[CompiledRule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }
}

/// Compiles one policy, pushing its issues. `None` when the policy has no namespace or name
/// (it cannot be placed; an issue says so).
pub(crate) fn compile_policy(
    policy: &NetworkPolicy,
    issues: &mut Vec<PolicyIssue>,
) -> Option<CompiledPolicy> {
    let id = PolicyId {
        namespace: policy.metadata.namespace.clone().unwrap_or_default(),
        name: policy.metadata.name.clone().unwrap_or_default(),
    };
    let mut sink = IssueSink {
        policy: &id,
        issues,
    };
    if id.namespace.is_empty() || id.name.is_empty() {
        sink.invalid(
            "metadata",
            "the policy has no namespace or no name; it was left out of the evaluation",
        );
        return None;
    }
    let default_spec = Default::default();
    let spec = match &policy.spec {
        Some(spec) => spec,
        None => {
            sink.normalized(
                "spec",
                "no spec: read as an empty spec, which selects every pod of the namespace and denies all ingress to them",
            );
            &default_spec
        }
    };
    let pod_selector = compile_pod_selector(spec.pod_selector.as_ref(), &mut sink);
    let ingress_rules = spec.ingress.as_deref().unwrap_or_default();
    let egress_rules = spec.egress.as_deref().unwrap_or_default();
    let (affects_ingress, affects_egress) = match spec.policy_types.as_deref() {
        None | Some([]) => (true, !egress_rules.is_empty()),
        Some(types) => {
            let mut both = (false, false);
            for (index, kind) in types.iter().enumerate() {
                match kind.as_str() {
                    "Ingress" => both.0 = true,
                    "Egress" => both.1 = true,
                    other => sink.invalid(
                        &format!("spec.policyTypes[{index}]"),
                        &format!("unknown policy type {other:?} (Ingress or Egress); ignored"),
                    ),
                }
            }
            both
        }
    };
    if !affects_ingress && !ingress_rules.is_empty() {
        sink.no_effect(
            "spec.ingress",
            "ingress rules are ignored: policyTypes does not include Ingress",
        );
    }
    if !affects_egress && !egress_rules.is_empty() {
        sink.no_effect(
            "spec.egress",
            "egress rules are ignored: policyTypes does not include Egress",
        );
    }
    let ingress = ingress_rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let field = format!("spec.ingress[{i}]");
            compile_rule(
                r.from.as_deref(),
                "from",
                r.ports.as_deref(),
                &field,
                &mut sink,
            )
        })
        .collect();
    let egress = egress_rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let field = format!("spec.egress[{i}]");
            compile_rule(r.to.as_deref(), "to", r.ports.as_deref(), &field, &mut sink)
        })
        .collect();
    Some(CompiledPolicy {
        id,
        pod_selector,
        affects_ingress,
        affects_egress,
        ingress,
        egress,
    })
}

fn compile_pod_selector(
    selector: Option<&LabelSelector>,
    sink: &mut IssueSink,
) -> Option<Selector> {
    match selector {
        // The field is a plain struct on the server: absent reads as empty, every pod.
        None => Some(Selector::default()),
        Some(selector) => match Selector::compile(selector) {
            Ok(s) => Some(s),
            Err(e) => {
                sink.invalid(
                    "spec.podSelector",
                    &format!("{e}; the policy is treated as selecting no pods"),
                );
                None
            }
        },
    }
}

fn compile_rule(
    peers: Option<&[NetworkPolicyPeer]>,
    peers_name: &str,
    ports: Option<&[NetworkPolicyPort]>,
    field: &str,
    sink: &mut IssueSink,
) -> CompiledRule {
    let peers = peers.filter(|p| !p.is_empty()).map(|peers| {
        peers
            .iter()
            .enumerate()
            .map(|(i, p)| CompiledPeer::compile(p, &format!("{field}.{peers_name}[{i}]"), sink))
            .collect()
    });
    let ports = ports.filter(|p| !p.is_empty()).map(|ports| {
        ports
            .iter()
            .enumerate()
            .map(|(i, p)| CompiledPort::compile(p, &format!("{field}.ports[{i}]"), sink))
            .collect()
    });
    CompiledRule { peers, ports }
}
