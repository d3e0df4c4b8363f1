//! Adapters from the engine's compact objects to the NetworkPolicy evaluator's plain structs
//! (`netpolicy::PodEndpoint`, `NamespaceInfo`), and the policy sets the network checks ask:
//! the policies of one namespace, or of the namespaces two ends live in.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::netpolicy::{ContainerPort, NamespaceInfo, PodEndpoint, PolicySet, Protocol};
use crate::objects::{Map, Pod};

use super::Snapshot;

fn labels(map: Option<&Map>) -> BTreeMap<String, String> {
    map.into_iter()
        .flat_map(|m| m.iter())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A namespace with its labels (only the automatic name label when it was not listed).
pub fn namespace(snap: &Snapshot, name: &str) -> NamespaceInfo {
    let labels = snap
        .namespaces
        .find("", name)
        .map(|n| labels(n.metadata.labels.as_deref()))
        .unwrap_or_default();
    NamespaceInfo::new(name, labels)
}

/// A pod as the evaluator sees it: labels, IPs, declared ports, node, hostNetwork.
pub fn pod(snap: &Snapshot, p: &Pod) -> PodEndpoint {
    let mut e = PodEndpoint::new(
        namespace(snap, p.metadata.namespace()),
        p.metadata.name(),
        labels(p.metadata.labels.as_deref()),
    );
    if let Some(status) = p.status.as_ref() {
        let ips = status
            .pod_ips
            .iter()
            .flatten()
            .map(|i| i.ip.as_str())
            .chain(status.pod_ip.as_deref());
        for ip in ips {
            if let Ok(ip) = ip.parse::<IpAddr>()
                && !e.ips.contains(&ip)
            {
                e.ips.push(ip);
            }
        }
    }
    if let Some(spec) = p.spec.as_ref() {
        e.node_name = spec.node_name.as_deref().map(str::to_string);
        e.host_network = spec.host_network == Some(true);
        for c in spec.containers.iter() {
            for port in c.ports.iter().flatten() {
                if let Ok(n) = u16::try_from(port.container_port) {
                    e.ports.push(ContainerPort::new(
                        port.name.as_deref(),
                        n,
                        Protocol::parse(port.protocol()),
                    ));
                }
            }
        }
    }
    e
}

/// The compiled policies of the given namespaces (a connection is decided by the source's
/// and the destination's namespaces only).
pub fn policies_of(snap: &Snapshot, namespaces: &[&str]) -> PolicySet {
    let mut seen: Vec<&str> = Vec::new();
    for ns in namespaces {
        if !seen.contains(ns) {
            seen.push(ns);
        }
    }
    PolicySet::new(
        seen.iter()
            .flat_map(|ns| snap.network_policies.in_namespace(ns)),
    )
}
