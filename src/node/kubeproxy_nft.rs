//! kube-proxy's nftables mode (`table ip kube-proxy`, `table ip6 kube-proxy`), read into the
//! same model as its iptables rules ([`KubeProxyRules`]): the `service-ips` map sends a
//! cluster IP, protocol and port to a `service-HASH-NAMESPACE/NAME/PROTOCOL/PORTNAME` chain,
//! whose `numgen random mod N vmap { … }` picks an `endpoint-HASH-…__IP/PORT` chain that
//! `dnat to IP:PORT`; `external-…` chains (external and load-balancer IPs) lead to the service
//! chain. The `no-endpoint-services` map rejects (`goto reject-chain`) or drops Service ports
//! without endpoints, each element commented with the service port (`"ns/svc:port"`). Unlike
//! iptables mode, the chain names carry the Service's namespace, name and port name in clear.

use super::kubeproxy::{EndpointRule, KubeProxyRules, NodePortRule, RejectRule, ServicePortRules};
use super::parse::nft::{NftRuleset, NftTable};

/// `service-HASH-ns/name/proto/port` (also `external-…`, `local-…`) → the service port name
/// kube-proxy uses elsewhere (`ns/name:port`, `ns/name` for an unnamed port) and the protocol.
fn chain_service_port(chain: &str) -> Option<(String, String)> {
    let rest = ["service-", "external-", "local-"]
        .iter()
        .find_map(|p| chain.strip_prefix(p))?;
    let (_hash, path) = rest.split_once('-')?;
    let path = path.split("__").next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    let [ns, name, proto, port] = parts.as_slice() else {
        return None;
    };
    Some((
        super::kubeproxy::service_port_name(ns, name, port),
        proto.to_ascii_uppercase(),
    ))
}

/// The chains a rule jumps or goes to (`jump X`, `goto X`, and the targets of a vmap).
fn targets(rule: &str) -> Vec<&str> {
    let words: Vec<&str> = rule
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|w| w[0] == "jump" || w[0] == "goto")
        .map(|w| w[1].trim_matches('"'))
        .collect()
}

/// `dnat to 10.244.1.5:8080` / `dnat ip6 to [fd00::5]:8080` → `10.244.1.5:8080`.
fn dnat(rule: &str) -> Option<String> {
    let (_, rest) = rule.split_once("dnat ")?;
    let (_, dest) = rest.split_once("to ")?;
    let dest = dest.split_whitespace().next()?;
    Some(dest.to_string())
}

/// The endpoints a chain leads to, following service/local/endpoint chains a few levels.
fn endpoints_of(table: &NftTable, chain: &str, depth: usize) -> Vec<EndpointRule> {
    let mut out = Vec::new();
    for rule in table.chains.get(chain).into_iter().flatten() {
        for target in targets(rule) {
            if target.starts_with("endpoint-") {
                let destination = table
                    .chains
                    .get(target)
                    .into_iter()
                    .flatten()
                    .find_map(|r| dnat(r));
                out.push(EndpointRule {
                    chain: target.to_string(),
                    destination,
                    probability: None,
                });
            } else if depth < 3 && (target.starts_with("service-") || target.starts_with("local-"))
            {
                out.extend(endpoints_of(table, target, depth + 1));
            }
        }
    }
    out
}

/// `10.96.0.10 . udp . 53 [comment "…"] : goto X` → (address, protocol, port, comment, verdict).
fn element(e: &str) -> Option<(String, String, u16, Option<String>, String)> {
    let (key, verdict) = e.rsplit_once(" : ")?;
    let (key, comment) = match key.split_once(" comment ") {
        Some((k, c)) => (k, Some(c.trim().trim_matches('"').to_string())),
        None => (key, None),
    };
    let parts: Vec<&str> = key.split(" . ").map(str::trim).collect();
    let [addr, proto, port] = parts.as_slice() else {
        return None;
    };
    Some((
        addr.to_string(),
        proto.to_ascii_uppercase(),
        port.parse().ok()?,
        comment,
        verdict.trim().to_string(),
    ))
}

/// `tcp . 30080 [comment "…"] : goto X` (the `service-nodeports` and `no-endpoint-nodeports`
/// maps) → (protocol, port, comment, verdict).
fn node_port_element(e: &str) -> Option<(String, u16, Option<String>, String)> {
    let (key, verdict) = e.rsplit_once(" : ")?;
    let (key, comment) = match key.split_once(" comment ") {
        Some((k, c)) => (k, Some(c.trim().trim_matches('"').to_string())),
        None => (key, None),
    };
    let parts: Vec<&str> = key.split(" . ").map(str::trim).collect();
    let [proto, port] = parts.as_slice() else {
        return None;
    };
    Some((
        proto.to_ascii_uppercase(),
        port.parse().ok()?,
        comment,
        verdict.trim().to_string(),
    ))
}

/// The NodePort captures (`service-nodeports`) and NodePort rejects (`no-endpoint-nodeports`)
/// of one table.
fn node_ports(table: &NftTable, out: &mut KubeProxyRules) {
    for e in table
        .elements
        .get("service-nodeports")
        .into_iter()
        .flatten()
    {
        let Some((protocol, node_port, _, verdict)) = node_port_element(e) else {
            continue;
        };
        let Some(chain) = targets(&verdict).first().map(|c| c.to_string()) else {
            continue;
        };
        let Some((service_port, _)) = chain_service_port(&chain) else {
            continue;
        };
        out.node_ports.push(NodePortRule {
            service_port,
            protocol,
            node_port,
            chain,
        });
    }
    for e in table
        .elements
        .get("no-endpoint-nodeports")
        .into_iter()
        .flatten()
    {
        let Some((protocol, port, comment, verdict)) = node_port_element(e) else {
            continue;
        };
        let target = if verdict.contains("reject") {
            "REJECT"
        } else if verdict == "drop" {
            "DROP"
        } else {
            continue;
        };
        let comment = comment.unwrap_or_default();
        out.rejects.push(RejectRule {
            service_port: comment.split(' ').next().unwrap_or("").to_string(),
            comment,
            protocol,
            address: None,
            port: Some(port),
            target: target.to_string(),
        });
    }
}

/// kube-proxy's nftables rules; `has_kube_services` is false when it has no table here.
pub fn model(ruleset: &NftRuleset) -> KubeProxyRules {
    let mut out = KubeProxyRules {
        mode: "nftables".to_string(),
        ..KubeProxyRules::default()
    };
    for table in ruleset.tables_named("kube-proxy") {
        if !matches!(table.family.as_str(), "ip" | "ip6") {
            continue;
        }
        out.has_kube_services |= table.chains.contains_key("services");
        node_ports(table, &mut out);
        for e in table.elements.get("service-ips").into_iter().flatten() {
            let Some((address, protocol, port, _, verdict)) = element(e) else {
                continue;
            };
            let Some(chain) = targets(&verdict).first().map(|c| c.to_string()) else {
                continue;
            };
            let Some((service_port, _)) = chain_service_port(&chain) else {
                continue;
            };
            let capture = if chain.starts_with("service-") {
                "cluster IP"
            } else {
                "external IP"
            };
            let endpoints = if chain.starts_with("external-") {
                endpoints_of(table, &chain, 0)
            } else {
                endpoints_of(table, &chain, 1)
            };
            out.services.push(ServicePortRules {
                service_port,
                capture: capture.to_string(),
                protocol,
                address,
                port,
                chain,
                endpoints,
            });
        }
        for e in table
            .elements
            .get("no-endpoint-services")
            .into_iter()
            .flatten()
        {
            let Some((address, protocol, port, comment, verdict)) = element(e) else {
                continue;
            };
            let target = if verdict.contains("reject") {
                "REJECT"
            } else if verdict == "drop" {
                "DROP"
            } else {
                continue;
            };
            let comment = comment.unwrap_or_default();
            out.rejects.push(RejectRule {
                service_port: comment.split(' ').next().unwrap_or("").to_string(),
                comment,
                protocol,
                address: Some(address),
                port: Some(port),
                target: target.to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "kubeproxy_nft_tests.rs"]
mod tests;
