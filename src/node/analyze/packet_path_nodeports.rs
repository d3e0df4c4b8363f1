//! NodePorts on the packet path: for every NodePort and LoadBalancer Service port with a
//! `nodePort` and ready endpoints, the capture kube-proxy must have on the node, in its mode —
//! iptables: a `KUBE-NODEPORTS` rule `--dport N` (commented `ns/svc:port`) jumping to that
//! service port's own `KUBE-EXT-…` chain (`KUBE-SVC-…`/`KUBE-SVL-…`/`KUBE-XLB-…` in older
//! releases; all carry the port's hash); nftables: an element `proto . N : goto
//! external-…-ns/svc/proto/port` of the `service-nodeports` map in table `kube-proxy`; IPVS: a
//! virtual server on a node address and port N. Reported: a capture that is missing, and a
//! capture for a nodePort no Service has (deleted, or its nodePort changed) or that leads to
//! another Service's chain. IPVS virtual servers nothing explains are judged in
//! [`super::packet_path_ipvs`].

use std::collections::BTreeSet;

use super::packet_path::ApiServicePort;
use super::{ev, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::kubeproxy::{KubeProxyRules, NodePortRule, port_proto_hash};
use crate::node::model::NodeData;

pub(crate) fn service(service_port: &str) -> ObjectRef {
    let (ns, rest) = service_port.split_once('/').unwrap_or(("", service_port));
    ObjectRef::new("Service", ns, rest.split(':').next().unwrap_or(rest))
}

/// Whether a NodePort rule is kube-proxy's capture for this Service port: the same name, and
/// in iptables mode a chain that carries the port's hash (kube-proxy names it so).
fn belongs(rules: &KubeProxyRules, r: &NodePortRule, p: &ApiServicePort) -> bool {
    r.service_port == p.service_port
        && (rules.mode != "iptables"
            || r.chain
                .ends_with(&port_proto_hash(&p.service_port, &p.protocol)))
}

fn same_port(r_port: u16, r_proto: &str, p: &ApiServicePort) -> bool {
    p.node_port == Some(r_port) && p.protocol.eq_ignore_ascii_case(r_proto)
}

fn steps(rules: &KubeProxyRules, node_port: u16, node: &str) -> Vec<String> {
    let look = match rules.mode.as_str() {
        "nftables" => {
            format!("nft list map ip kube-proxy service-nodeports | grep {node_port}   (on {node})")
        }
        "ipvs" => format!("ipvsadm -Ln | grep :{node_port}   (on {node})"),
        _ => format!("iptables-save -t nat | grep -- '--dport {node_port} '   (on {node})"),
    };
    vec![
        look,
        "kubectl get svc -A -o wide | grep NodePort   (which Service has which nodePort)".into(),
        "kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide   (is the one on this node running and syncing?)".into(),
    ]
}

const EXPLAIN_MISSING: &str = "kube-proxy captures every NodePort on every node (iptables: KUBE-NODEPORTS; nftables: the service-nodeports map; IPVS: a virtual server on the node's addresses), so a client reaching any node's address on the nodePort gets to the Service. Without the capture this node refuses or drops NodePort and LoadBalancer traffic: kube-proxy here has not synced since the Service got its nodePort.";

const EXPLAIN_STALE: &str = "kube-proxy removes a NodePort capture when the Service or its nodePort goes away. A capture left behind means kube-proxy on this node stopped syncing; the port may also be given to another Service, whose traffic this node then sends to the old endpoints.";

fn missing(rules: &KubeProxyRules, p: &ApiServicePort, node_port: u16, node: &str) -> Finding {
    let rejected = rules.rejects.iter().any(|r| {
        r.service_port == p.service_port && r.address.is_none() && r.port == Some(node_port)
    });
    let summary = if rejected {
        format!(
            "kube-proxy on {node} rejects nodePort {node_port}/{} of {} as having no endpoints, but the API lists {} ready",
            p.protocol,
            p.service_port,
            p.ready.len()
        )
    } else {
        format!(
            "kube-proxy on {node} has no NodePort rule for {} (nodePort {node_port}/{}), which has {} ready endpoint(s)",
            p.service_port,
            p.protocol,
            p.ready.len()
        )
    };
    let mut f = finding(
        Pane::Network,
        "kube-proxy-nodeport-missing",
        Severity::Error,
        service(&p.service_port),
        summary,
        EXPLAIN_MISSING,
    );
    f.evidence.push(ev(
        "Service port (API)",
        format!("{} nodePort {node_port}/{}", p.service_port, p.protocol),
    ));
    f.evidence.push(ev("ready endpoints (API)", join(&p.ready)));
    let here: Vec<String> = rules
        .node_ports
        .iter()
        .filter(|r| r.node_port == node_port)
        .map(|r| {
            format!(
                "{} {} -> {}",
                r.protocol.to_ascii_uppercase(),
                r.node_port,
                r.chain
            )
        })
        .collect();
    if !here.is_empty() {
        f.evidence.push(ev(
            format!("{} rules on port {node_port}", rules.mode),
            here.join("; "),
        ));
    }
    f.next_steps = steps(rules, node_port, node);
    f
}

fn stale(
    rules: &KubeProxyRules,
    r: &NodePortRule,
    owner: Option<&ApiServicePort>,
    node: &str,
) -> Finding {
    let proto = r.protocol.to_ascii_uppercase();
    let summary = match owner {
        Some(q) if q.service_port == r.service_port => format!(
            "kube-proxy on {node} sends nodePort {}/{proto} of {} to {}, which is not that Service port's chain",
            r.node_port, r.service_port, r.chain
        ),
        Some(q) => format!(
            "kube-proxy on {node} sends nodePort {}/{proto} to {}, but the API gives that nodePort to {}",
            r.node_port, r.service_port, q.service_port
        ),
        None => format!(
            "kube-proxy on {node} still captures nodePort {}/{proto} for {}, but no Service has this nodePort",
            r.node_port, r.service_port
        ),
    };
    let mut f = finding(
        Pane::Network,
        "kube-proxy-nodeport-stale",
        Severity::Warning,
        service(&r.service_port),
        summary,
        EXPLAIN_STALE,
    );
    f.evidence.push(ev(
        format!("{} rules", rules.mode),
        format!("{proto} nodePort {} -> {}", r.node_port, r.chain),
    ));
    f.next_steps = steps(rules, r.node_port, node);
    f
}

/// iptables and nftables modes: their NodePort captures name the Service port.
fn rule_based(rules: &KubeProxyRules, api: &[ApiServicePort], node: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in api {
        let Some(n) = p.node_port else { continue };
        let captured = rules
            .node_ports
            .iter()
            .any(|r| same_port(r.node_port, &r.protocol, p) && belongs(rules, r, p));
        if !captured && !p.ready.is_empty() {
            out.push(missing(rules, p, n, node));
        }
    }
    let mut seen = BTreeSet::new();
    for r in &rules.node_ports {
        if !seen.insert((
            r.node_port,
            r.protocol.to_ascii_uppercase(),
            r.service_port.clone(),
        )) {
            continue;
        }
        let owner = api.iter().find(|p| same_port(r.node_port, &r.protocol, p));
        if owner.is_some_and(|p| belongs(rules, r, p)) {
            continue;
        }
        out.push(stale(rules, r, owner, node));
    }
    out
}

/// IPVS mode: a virtual server on the nodePort at an address that is no Service's IP.
fn ipvs(rules: &KubeProxyRules, api: &[ApiServicePort], node: &str) -> Vec<Finding> {
    let service_ips: BTreeSet<&str> = api
        .iter()
        .flat_map(|p| {
            std::iter::once(p.cluster_ip.as_str()).chain(p.external_ips.iter().map(String::as_str))
        })
        .collect();
    let mut out = Vec::new();
    for p in api {
        let Some(n) = p.node_port else { continue };
        let captured = rules.services.iter().any(|vs| {
            same_port(vs.port, &vs.protocol, p) && !service_ips.contains(vs.address.as_str())
        });
        if !captured && !p.ready.is_empty() {
            out.push(missing(rules, p, n, node));
        }
    }
    out
}

pub fn check(data: &NodeData, api: Option<&[ApiServicePort]>) -> Vec<Finding> {
    let (Some(rules), Some(api)) = (crate::node::kubeproxy_mode::rules(data), api) else {
        return Vec::new();
    };
    let node = data.node_name.as_deref().unwrap_or("this node");
    match rules.mode.as_str() {
        "ipvs" => ipvs(&rules, api, node),
        _ => rule_based(&rules, api, node),
    }
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
#[path = "packet_path_nodeports_tests.rs"]
mod tests;
