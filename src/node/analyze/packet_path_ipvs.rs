//! IPVS virtual servers that no Service explains (kube-proxy's IPVS mode). IPVS names no
//! Service, so each virtual server is matched with the API by address, port and protocol: a
//! Service's cluster IP or external/load-balancer IP and its port, or a node address (any
//! address that is no Service's IP) and a Service's nodePort. What is left is a rule for a
//! deleted Service (or a port removed from one): on a Service IP, or outside the NodePort range
//! — cluster IPs of deleted Services are no Service's IP any more — it is reported as a stale
//! virtual server; on another address and in the NodePort range as a stale NodePort, one
//! finding per port whatever the number of node addresses.

use std::collections::{BTreeMap, BTreeSet};

use super::packet_path::ApiServicePort;
use super::packet_path_nodeports::service;
use super::{ev, finding, node as node_ref};
use crate::findings::{Finding, Pane, Severity};
use crate::node::kubeproxy::ServicePortRules;
use crate::node::model::NodeData;

fn same(p: &ApiServicePort, vs: &ServicePortRules) -> bool {
    p.protocol.eq_ignore_ascii_case(&vs.protocol)
}

fn steps(node: &str) -> Vec<String> {
    vec![
        "kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide   (is the one on this node running and syncing?)".into(),
        format!(
            "kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50   (the pod on {node})"
        ),
    ]
}

fn virtual_server(vs: &ServicePortRules) -> String {
    let real: Vec<&str> = vs
        .endpoints
        .iter()
        .filter_map(|e| e.destination.as_deref())
        .collect();
    format!(
        "{} -> {}",
        vs.chain,
        if real.is_empty() {
            "(no real server)".to_string()
        } else {
            real.join(", ")
        }
    )
}

pub fn check(data: &NodeData, api: Option<&[ApiServicePort]>) -> Vec<Finding> {
    let (Some(rules), Some(api)) = (crate::node::kubeproxy_mode::rules(data), api) else {
        return Vec::new();
    };
    if rules.mode != "ipvs" {
        return Vec::new();
    }
    let node = data.node_name.as_deref().unwrap_or("this node");
    let ((low, high), range_source) = super::node_ports::node_port_range(data);
    let service_ips: BTreeSet<&str> = api
        .iter()
        .flat_map(|p| {
            std::iter::once(p.cluster_ip.as_str()).chain(p.external_ips.iter().map(String::as_str))
        })
        .collect();
    let mut out = Vec::new();
    let mut node_ports: BTreeMap<(String, u16), Vec<&ServicePortRules>> = BTreeMap::new();
    for vs in &rules.services {
        let on_service_ip = service_ips.contains(vs.address.as_str());
        let explained = api.iter().any(|p| {
            same(p, vs)
                && if on_service_ip {
                    p.port == vs.port
                        && (p.cluster_ip == vs.address || p.external_ips.contains(&vs.address))
                } else {
                    p.node_port == Some(vs.port)
                }
        });
        if explained {
            continue;
        }
        if !on_service_ip && (low..=high).contains(&vs.port) {
            node_ports
                .entry((vs.protocol.clone(), vs.port))
                .or_default()
                .push(vs);
            continue;
        }
        // The Service that holds this IP, if one still does (a port removed from it).
        let holder = api
            .iter()
            .find(|p| p.cluster_ip == vs.address || p.external_ips.contains(&vs.address));
        let (object, summary) = match holder {
            Some(p) => (
                service(&p.service_port),
                format!(
                    "kube-proxy on {node} still has IPVS virtual server {}, but Service {}/{} has no {} port {}",
                    vs.chain, p.namespace, p.name, vs.protocol, vs.port
                ),
            ),
            None => (
                node_ref(data),
                format!(
                    "kube-proxy on {node} still has IPVS virtual server {}, but no Service has this IP and port",
                    vs.chain
                ),
            ),
        };
        let mut f = finding(
            Pane::Network,
            "kube-proxy-rules-for-deleted-service",
            Severity::Warning,
            object,
            summary,
            "kube-proxy removes a Service's virtual server when it sees the deletion. One left behind means kube-proxy on this node stopped syncing (not running, or cut off from the API server), so its other virtual servers may be stale too; the IP may also have been given to another Service.",
        );
        f.evidence.push(ev("ipvs rules", virtual_server(vs)));
        f.next_steps = steps(node);
        f.next_steps.insert(
            0,
            format!(
                "ipvsadm -Ln {} {}   (on {node})",
                if vs.protocol.eq_ignore_ascii_case("UDP") {
                    "-u"
                } else {
                    "-t"
                },
                vs.chain.split_whitespace().last().unwrap_or("")
            ),
        );
        out.push(f);
    }
    for ((protocol, port), servers) in node_ports {
        let mut f = finding(
            Pane::Network,
            "kube-proxy-nodeport-stale",
            Severity::Warning,
            node_ref(data),
            format!(
                "kube-proxy on {node} still has IPVS virtual servers for nodePort {port}/{protocol}, but no Service has this nodePort"
            ),
            "kube-proxy removes a NodePort's virtual servers (one per node address) when the Service or its nodePort goes away. Ones left behind mean kube-proxy on this node stopped syncing; the port may also be given to another Service, whose traffic this node then sends to the old endpoints.",
        );
        for vs in servers {
            f.evidence.push(ev("ipvs rules", virtual_server(vs)));
        }
        f.evidence.push(ev(
            "NodePort range",
            format!("{low}-{high}, {range_source}"),
        ));
        f.next_steps = steps(node);
        f.next_steps
            .insert(0, format!("ipvsadm -Ln | grep :{port}   (on {node})"));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::node::parse::ipvsadm;

    const LN: &str = "IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.23:30080 rr
  -> 10.244.1.5:8080              Masq    1      0          0
TCP  10.0.0.23:31999 rr
  -> 10.244.1.9:8080              Masq    1      0          0
TCP  172.18.0.4:31999 rr
  -> 10.244.1.9:8080              Masq    1      0          0
TCP  10.96.120.15:80 rr
  -> 10.244.1.5:8080              Masq    1      0          0
TCP  10.96.120.15:443 rr
TCP  10.96.120.99:80 rr
  -> 10.244.1.9:8080              Masq    1      0          0
";

    fn port(name: &str, ip: &str, node_port: Option<u16>) -> ApiServicePort {
        ApiServicePort {
            namespace: "prod".into(),
            name: name.into(),
            service_port: format!("prod/{name}:http"),
            cluster_ip: ip.into(),
            port: 80,
            protocol: "TCP".into(),
            ready: ["10.244.1.5:8080".to_string()].into(),
            node_port,
            ..ApiServicePort::default()
        }
    }

    fn data() -> NodeData {
        NodeData {
            ipvs: Some(ipvsadm::parse(LN)),
            node_name: Some("worker-1".into()),
            ..NodeData::default()
        }
    }

    #[test]
    fn virtual_servers_of_deleted_services_and_node_ports_are_flagged() {
        let api = [port("web", "10.96.120.15", Some(30080))];
        let f = check(&data(), Some(&api));
        let summaries: Vec<&str> = f.iter().map(|f| f.summary.as_str()).collect();
        assert_eq!(f.len(), 3, "{summaries:#?}");
        assert!(
            summaries[0].contains("TCP 10.96.120.15:443, but Service prod/web has no TCP port 443")
        );
        assert!(summaries[1].contains("TCP 10.96.120.99:80, but no Service has this IP and port"));
        assert_eq!(f[2].check, "kube-proxy-nodeport-stale");
        assert!(summaries[2].contains("nodePort 31999/TCP"));
        assert_eq!(f[2].evidence.len(), 3, "both node addresses and the range");
    }

    #[test]
    fn nothing_when_every_virtual_server_is_explained() {
        let web = port("web", "10.96.120.15", Some(30080));
        let mut tls = port("web", "10.96.120.15", None);
        tls.port = 443;
        let gone = port("gone", "10.96.120.99", Some(31999));
        assert!(check(&data(), Some(&[web, tls, gone])).is_empty());
        assert!(check(&data(), None).is_empty(), "no API, no judgement");
    }
}
