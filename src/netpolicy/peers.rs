//! `from`/`to` peers: compiling a `NetworkPolicyPeer` (podSelector alone = pods in the policy's
//! namespace; namespaceSelector alone = all pods in matching namespaces; both in one peer = the
//! matching pods in the matching namespaces; ipBlock = addresses in `cidr` minus `except`) and
//! matching it against one end of a connection.

use k8s_openapi::api::networking::v1::{IPBlock, NetworkPolicyPeer};

use super::cidr::Cidr;
use super::compile::IssueSink;
use super::endpoint::Endpoint;
use super::selector::Selector;

/// Which namespaces a selector peer looks in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NamespaceScope {
    /// No namespaceSelector: the policy's own namespace.
    PolicyNamespace,
    /// namespaceSelector: every namespace whose labels match (empty = all namespaces).
    Matching(Selector),
}

/// A compiled peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CompiledPeer {
    /// Pods chosen by labels; `pods` empty = every pod of the scope.
    Pods {
        namespaces: NamespaceScope,
        pods: Selector,
    },
    /// Addresses in `cidr` and in none of `except`.
    IpBlock { cidr: Cidr, except: Vec<Cidr> },
    /// A peer the API server would reject; it matches nothing.
    Invalid,
}

/// How a peer matched an end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeerMatch {
    No,
    Yes,
    /// An ipBlock matched one of a pod's IPs: the API leaves this to the network plugin.
    IpBlockOnPodIp,
}

impl CompiledPeer {
    pub(crate) fn compile(peer: &NetworkPolicyPeer, field: &str, sink: &mut IssueSink) -> Self {
        if let Some(block) = &peer.ip_block {
            if peer.pod_selector.is_some() || peer.namespace_selector.is_some() {
                sink.invalid(
                    field,
                    "ipBlock cannot be combined with podSelector or namespaceSelector in one peer",
                );
                return CompiledPeer::Invalid;
            }
            return compile_ip_block(block, &format!("{field}.ipBlock"), sink);
        }
        let namespaces = match &peer.namespace_selector {
            None => NamespaceScope::PolicyNamespace,
            Some(selector) => match Selector::compile(selector) {
                Ok(s) => NamespaceScope::Matching(s),
                Err(e) => {
                    sink.invalid(&format!("{field}.namespaceSelector"), &e);
                    return CompiledPeer::Invalid;
                }
            },
        };
        let pods = match &peer.pod_selector {
            None if namespaces == NamespaceScope::PolicyNamespace => {
                sink.invalid(
                    field,
                    "a peer must set podSelector, namespaceSelector or ipBlock",
                );
                return CompiledPeer::Invalid;
            }
            None => Selector::default(),
            Some(selector) => match Selector::compile(selector) {
                Ok(s) => s,
                Err(e) => {
                    sink.invalid(&format!("{field}.podSelector"), &e);
                    return CompiledPeer::Invalid;
                }
            },
        };
        CompiledPeer::Pods { namespaces, pods }
    }

    /// Does this peer (of a policy in `policy_namespace`) match `end`?
    pub(crate) fn matches(&self, policy_namespace: &str, end: &Endpoint<'_>) -> PeerMatch {
        match (self, end) {
            (CompiledPeer::Invalid, _) => PeerMatch::No,
            (CompiledPeer::Pods { namespaces, pods }, Endpoint::Pod(pod)) => {
                let in_scope = match namespaces {
                    NamespaceScope::PolicyNamespace => pod.namespace.name == policy_namespace,
                    NamespaceScope::Matching(selector) => selector.matches(&pod.namespace.labels),
                };
                yes_if(in_scope && pods.matches(&pod.labels))
            }
            // Selectors select pods only, never bare addresses or nodes.
            (CompiledPeer::Pods { .. }, _) => PeerMatch::No,
            (CompiledPeer::IpBlock { cidr, except }, Endpoint::Pod(pod)) => {
                if pod.ips.iter().any(|ip| in_block(cidr, except, *ip)) {
                    PeerMatch::IpBlockOnPodIp
                } else {
                    PeerMatch::No
                }
            }
            (CompiledPeer::IpBlock { cidr, except }, Endpoint::Ip(ip))
            | (CompiledPeer::IpBlock { cidr, except }, Endpoint::Node { ip, .. }) => {
                yes_if(in_block(cidr, except, *ip))
            }
        }
    }
}

fn yes_if(condition: bool) -> PeerMatch {
    if condition {
        PeerMatch::Yes
    } else {
        PeerMatch::No
    }
}

fn in_block(cidr: &Cidr, except: &[Cidr], ip: std::net::IpAddr) -> bool {
    cidr.contains(ip) && !except.iter().any(|e| e.contains(ip))
}

fn compile_ip_block(block: &IPBlock, field: &str, sink: &mut IssueSink) -> CompiledPeer {
    let cidr = match Cidr::parse(&block.cidr) {
        Ok(parsed) => {
            if parsed.had_host_bits {
                sink.normalized(
                    &format!("{field}.cidr"),
                    &format!(
                        "{:?} has host bits set; read as {}",
                        block.cidr, parsed.cidr
                    ),
                );
            }
            parsed.cidr
        }
        Err(e) => {
            sink.invalid(&format!("{field}.cidr"), &e);
            return CompiledPeer::Invalid;
        }
    };
    let mut except = Vec::new();
    for (index, text) in block.except.iter().flatten().enumerate() {
        let where_ = format!("{field}.except[{index}]");
        match Cidr::parse(text) {
            Ok(parsed) => {
                if !cidr.contains_cidr(&parsed.cidr) || parsed.cidr == cidr {
                    sink.invalid(
                        &where_,
                        &format!("{text:?} is not a strict subset of cidr {cidr} (the API server rejects this)"),
                    );
                }
                except.push(parsed.cidr);
            }
            Err(e) => {
                sink.invalid(&where_, &e);
                return CompiledPeer::Invalid;
            }
        }
    }
    CompiledPeer::IpBlock { cidr, except }
}
