//! kube-proxy's iptables mode as a typed model: for each Service port the `KUBE-SERVICES`
//! capture (`-d CLUSTER-IP --dport P -j KUBE-SVC-…`), its endpoint chains (`KUBE-SEP-…` with
//! their DNAT target and probability), NodePort captures in `KUBE-NODEPORTS`, and the filter
//! rules that REJECT traffic to Services "has no endpoints". Chain names are computed as
//! kube-proxy does (`pkg/proxy/iptables/proxier.go`): the prefix plus the first 16 characters of
//! base32(sha256(servicePortName + protocol)), the protocol in lower case.

use serde::Serialize;

use super::parse::iptables::{IptablesSave, Rule, Table};

/// `namespace/name:port` (or `namespace/name` for an unnamed port), as kube-proxy names it.
pub fn service_port_name(namespace: &str, name: &str, port_name: &str) -> String {
    if port_name.is_empty() {
        format!("{namespace}/{name}")
    } else {
        format!("{namespace}/{name}:{port_name}")
    }
}

fn base32_prefix16(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // 10 bytes are exactly 16 base32 characters.
    let mut bits: u128 = 0;
    for b in bytes.iter().take(10) {
        bits = (bits << 8) | u128::from(*b);
    }
    (0..16)
        .map(|i| ALPHABET[((bits >> (75 - 5 * i)) & 0x1f) as usize] as char)
        .collect()
}

fn hash16(input: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, input.as_bytes());
    base32_prefix16(digest.as_ref())
}

/// kube-proxy's `portProtoHash`.
pub fn port_proto_hash(service_port_name: &str, protocol: &str) -> String {
    hash16(&format!(
        "{service_port_name}{}",
        protocol.to_ascii_lowercase()
    ))
}

/// `KUBE-SVC-…`: the Service port's chain for Cluster traffic policy.
pub fn service_chain(service_port_name: &str, protocol: &str) -> String {
    format!("KUBE-SVC-{}", port_proto_hash(service_port_name, protocol))
}

/// `KUBE-SVL-…`: its chain for Local traffic policy.
pub fn local_chain(service_port_name: &str, protocol: &str) -> String {
    format!("KUBE-SVL-{}", port_proto_hash(service_port_name, protocol))
}

/// `KUBE-EXT-…`: its chain for external (NodePort, LoadBalancer, external IP) traffic.
pub fn external_chain(service_port_name: &str, protocol: &str) -> String {
    format!("KUBE-EXT-{}", port_proto_hash(service_port_name, protocol))
}

/// `KUBE-FW-…`: its chain for `loadBalancerSourceRanges`.
pub fn firewall_chain(service_port_name: &str, protocol: &str) -> String {
    format!("KUBE-FW-{}", port_proto_hash(service_port_name, protocol))
}

/// `KUBE-SEP-…`: the chain of one endpoint (`ip:port`).
pub fn endpoint_chain(service_port_name: &str, protocol: &str, endpoint: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        hash16(&format!(
            "{service_port_name}{}{endpoint}",
            protocol.to_ascii_lowercase()
        ))
    )
}

/// One endpoint chain a Service chain jumps to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointRule {
    /// `KUBE-SEP-…`
    pub chain: String,
    /// The DNAT destination (`10.244.1.5:8080`), if the chain has one.
    pub destination: Option<String>,
    /// `--probability` of the jump (absent on the last endpoint).
    pub probability: Option<f64>,
}

/// How a Service port is captured in `KUBE-SERVICES`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePortRules {
    /// `namespace/name:port` from the rule's comment.
    pub service_port: String,
    /// `cluster IP`, `external IP`, `loadbalancer IP`.
    pub capture: String,
    pub protocol: String,
    /// The destination (`10.96.0.10`, without `/32`).
    pub address: String,
    pub port: u16,
    /// The chain it jumps to (`KUBE-SVC-…`, `KUBE-SVL-…`, `KUBE-EXT-…`, `KUBE-FW-…`).
    pub chain: String,
    /// The endpoints reached through `chain` (for `KUBE-EXT-`/`KUBE-FW-` through the chains
    /// they jump to).
    pub endpoints: Vec<EndpointRule>,
}

/// A NodePort capture in `KUBE-NODEPORTS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodePortRule {
    pub service_port: String,
    pub protocol: String,
    pub node_port: u16,
    pub chain: String,
}

/// A filter rule that refuses a Service port (`REJECT` when it has no endpoints, `DROP` when it
/// has no local endpoints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectRule {
    pub service_port: String,
    /// The whole comment (`default/web:http has no endpoints`).
    pub comment: String,
    pub protocol: String,
    pub address: Option<String>,
    pub port: Option<u16>,
    /// `REJECT` or `DROP`.
    pub target: String,
}

/// kube-proxy's rules on this node.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct KubeProxyRules {
    /// Which rules these are: `iptables`, `nftables` or `ipvs` (kube-proxy's mode).
    pub mode: String,
    /// kube-proxy programmed this mode here: the nat table has a `KUBE-SERVICES` chain, the
    /// `kube-proxy` nftables table a `services` chain, or IPVS has virtual services.
    pub has_kube_services: bool,
    pub services: Vec<ServicePortRules>,
    pub node_ports: Vec<NodePortRule>,
    pub rejects: Vec<RejectRule>,
}

impl KubeProxyRules {
    /// The captures of one Service port (`ns/name:port`).
    pub fn service(&self, service_port: &str) -> impl Iterator<Item = &ServicePortRules> {
        self.services
            .iter()
            .filter(move |s| s.service_port == service_port)
    }
}

/// Splits `"ns/name:port cluster IP"` into the name and the capture words.
fn split_comment(comment: &str) -> (String, String) {
    match comment.split_once(' ') {
        Some((name, rest)) => (name.to_string(), rest.to_string()),
        None => (comment.to_string(), String::new()),
    }
}

fn endpoints_of(nat: &Table, chain: &str, depth: usize) -> Vec<EndpointRule> {
    let mut out = Vec::new();
    for rule in nat.rules_of(chain) {
        let Some(target) = rule.target() else {
            continue;
        };
        if target.starts_with("KUBE-SEP-") {
            let destination = nat
                .rules_of(target)
                .find_map(|r| r.option("--to-destination"))
                .map(str::to_string);
            out.push(EndpointRule {
                chain: target.to_string(),
                destination,
                probability: rule.option("--probability").and_then(|p| p.parse().ok()),
            });
        } else if depth < 3 && (target.starts_with("KUBE-SVC-") || target.starts_with("KUBE-SVL-"))
        {
            out.extend(endpoints_of(nat, target, depth + 1));
        }
    }
    out
}

fn address(rule: &Rule) -> Option<String> {
    rule.option("-d").map(|d| {
        d.trim_end_matches("/32")
            .trim_end_matches("/128")
            .to_string()
    })
}

/// Builds the model from a parsed dump.
pub fn model(save: &IptablesSave) -> KubeProxyRules {
    let mut out = KubeProxyRules {
        mode: "iptables".to_string(),
        ..KubeProxyRules::default()
    };
    if let Some(nat) = save.table("nat") {
        out.has_kube_services = nat.has_chain("KUBE-SERVICES");
        for rule in nat.rules_of("KUBE-SERVICES") {
            let (Some(comment), Some(target)) = (rule.comment(), rule.target()) else {
                continue;
            };
            if target == "KUBE-NODEPORTS" || target == "KUBE-MARK-MASQ" {
                continue;
            }
            let (service_port, capture) = split_comment(comment);
            out.services.push(ServicePortRules {
                service_port,
                capture,
                protocol: rule.option("-p").unwrap_or("").to_string(),
                address: address(rule).unwrap_or_default(),
                port: rule
                    .option("--dport")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0),
                chain: target.to_string(),
                endpoints: endpoints_of(nat, target, 0),
            });
        }
        for rule in nat.rules_of("KUBE-NODEPORTS") {
            let (Some(comment), Some(target), Some(port)) = (
                rule.comment(),
                rule.target(),
                rule.option("--dport").and_then(|p| p.parse().ok()),
            ) else {
                continue;
            };
            out.node_ports.push(NodePortRule {
                service_port: split_comment(comment).0,
                protocol: rule.option("-p").unwrap_or("").to_string(),
                node_port: port,
                chain: target.to_string(),
            });
        }
    }
    if let Some(filter) = save.table("filter") {
        for chain in ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"] {
            for rule in filter.rules_of(chain) {
                let (Some(comment), Some(target)) = (rule.comment(), rule.target()) else {
                    continue;
                };
                if target != "REJECT" && target != "DROP" {
                    continue;
                }
                out.rejects.push(RejectRule {
                    service_port: split_comment(comment).0,
                    comment: comment.to_string(),
                    protocol: rule.option("-p").unwrap_or("").to_string(),
                    address: address(rule),
                    port: rule.option("--dport").and_then(|p| p.parse().ok()),
                    target: target.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
