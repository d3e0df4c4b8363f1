//! kube-proxy's IPVS mode, read into the same model as its iptables rules
//! ([`KubeProxyRules`]): one virtual service per Service IP and port, its real servers the
//! endpoints. IPVS names no Service, so the service port of each capture is left empty here;
//! the packet-path walk names the virtual services that sit on a Service's cluster IP and port
//! from the API (`packet_path::check`).

use super::kubeproxy::{EndpointRule, KubeProxyRules, ServicePortRules};
use super::parse::ipvsadm::VirtualService;

/// The virtual services as captures (unnamed), each leading to its real servers.
pub fn model(services: &[VirtualService]) -> KubeProxyRules {
    KubeProxyRules {
        mode: "ipvs".to_string(),
        has_kube_services: !services.is_empty(),
        services: services
            .iter()
            .map(|vs| {
                let chain = if vs.address.contains(':') {
                    format!("{} [{}]:{}", vs.protocol, vs.address, vs.port)
                } else {
                    format!("{} {}:{}", vs.protocol, vs.address, vs.port)
                };
                ServicePortRules {
                    service_port: String::new(),
                    capture: String::new(),
                    protocol: vs.protocol.clone(),
                    address: vs.address.clone(),
                    port: vs.port,
                    endpoints: vs
                        .real
                        .iter()
                        .map(|r| EndpointRule {
                            chain: "real server".to_string(),
                            destination: Some(r.clone()),
                            probability: None,
                        })
                        .collect(),
                    chain,
                }
            })
            .collect(),
        ..KubeProxyRules::default()
    }
}
