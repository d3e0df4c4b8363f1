//! The API side of the packet-path walk, live: the Service ports with a cluster IP and their
//! ready EndpointSlice endpoints, read from the engine's watch-fed snapshot (the TUI's
//! node-local mode), in the same shape `packet_path::from_objects` reads from a dump. `None`
//! when Services or EndpointSlices are not listed (yet), so nothing is compared against a
//! half-known cluster.

use std::collections::BTreeSet;

use super::packet_path::ApiServicePort;
use crate::node::kubeproxy::service_port_name;
use crate::objects::Kind;
use crate::troubleshoot::Snapshot;

/// The Service ports of `snap` (every namespace it holds; the caller makes sure it holds
/// them all, or a Service of another namespace would look deleted).
pub fn from_snapshot(snap: &Snapshot) -> Option<Vec<ApiServicePort>> {
    if !snap.has_kind(Kind::Service) || !snap.has_kind(Kind::EndpointSlice) {
        return None;
    }
    let mut out = Vec::new();
    for svc in snap.services.iter() {
        let ns = svc.metadata.namespace.as_deref().unwrap_or("");
        let name = svc.metadata.name.as_deref().unwrap_or("");
        let Some(spec) = &svc.spec else { continue };
        let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
        if cluster_ip.is_empty() || cluster_ip == "None" {
            continue;
        }
        let slices = snap.slices_of(ns, name);
        let mut external_ips: Vec<String> = spec
            .external_ips
            .iter()
            .flatten()
            .map(|ip| ip.to_string())
            .collect();
        external_ips.extend(
            svc.status
                .iter()
                .filter_map(|st| st.load_balancer.as_ref())
                .filter_map(|lb| lb.ingress.as_ref())
                .flatten()
                .filter_map(|i| i.ip.as_ref())
                .map(|ip| ip.to_string()),
        );
        for p in spec.ports.iter().flatten() {
            let port_name = p.name.as_deref().unwrap_or("");
            let mut subset = spec.internal_traffic_policy.as_deref() == Some("Local");
            let mut ready = BTreeSet::new();
            for slice in &slices {
                let Some(target) = slice
                    .ports
                    .iter()
                    .flatten()
                    .find(|sp| sp.name.as_deref().unwrap_or("") == port_name)
                    .and_then(|sp| sp.port)
                else {
                    continue;
                };
                for e in slice.endpoints.iter().filter(|e| e.is_ready()) {
                    subset |= e.hints.is_some();
                    for a in e.addresses.iter() {
                        ready.insert(format!("{a}:{target}"));
                    }
                }
            }
            out.push(ApiServicePort {
                service_port: service_port_name(ns, name, port_name),
                namespace: ns.to_string(),
                name: name.to_string(),
                cluster_ip: cluster_ip.to_string(),
                port: u16::try_from(p.port).unwrap_or(0),
                protocol: p.protocol().to_string(),
                ready,
                subset,
                node_port: p
                    .node_port
                    .and_then(|n| u16::try_from(n).ok())
                    .filter(|n| *n > 0),
                external_ips: external_ips.clone(),
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The live reading gives what the dump reading gives, on the packet-path fixture (a
    /// Service with a stale DNAT, one with no rule, one rejected while ready).
    #[test]
    fn the_snapshot_gives_the_same_service_ports_as_the_dump() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/node/net-packet-path.yaml");
        let objects = crate::sim::scenario::load_path(&path).unwrap();
        let mut dump = super::super::packet_path::from_objects(objects.iter()).unwrap();
        let snap = Snapshot::from_objects(objects);
        let mut live = from_snapshot(&snap).unwrap();
        let key = |p: &ApiServicePort| p.service_port.clone();
        dump.sort_by_key(key);
        live.sort_by_key(key);
        assert!(live.iter().any(|p| p.ready.len() == 3), "{live:?}");
        assert_eq!(live, dump);
    }

    #[test]
    fn nothing_when_endpoint_slices_are_not_listed() {
        let snap = Snapshot::from_objects(vec![serde_json::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"namespace": "prod", "name": "web"},
            "spec": {"clusterIP": "10.96.0.20", "ports": [{"port": 80}]}
        })]);
        assert_eq!(from_snapshot(&snap), None);
    }

    #[test]
    fn topology_hints_mark_a_subset() {
        let snap = Snapshot::from_objects(vec![
            serde_json::json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"namespace": "prod", "name": "web"},
                "spec": {"clusterIP": "10.96.0.20", "ports": [{"name": "http", "port": 80}]}
            }),
            serde_json::json!({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"namespace": "prod", "name": "web-abc",
                    "labels": {"kubernetes.io/service-name": "web"}},
                "addressType": "IPv4",
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": true},
                    "hints": {"forZones": [{"name": "zone-a"}]}}]
            }),
        ]);
        let ports = from_snapshot(&snap).unwrap();
        assert_eq!(ports.len(), 1);
        assert!(ports[0].subset);
        assert_eq!(
            ports[0].ready.iter().collect::<Vec<_>>(),
            vec!["10.244.1.5:8080"]
        );
    }
}
