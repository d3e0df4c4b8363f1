//! "Is DNS egress blocked for this pod?": the pod's lookups go to the cluster DNS Service
//! (kube-dns), which forwards them to its endpoints (the CoreDNS pods) on UDP 53 and, for
//! large answers and retries, TCP 53. Both protocols are evaluated against every endpoint, so
//! the answer says which protocol is blocked, by which side, and whether only some endpoints
//! are reachable (then a share of lookups fails).

use std::net::IpAddr;

use super::endpoint::{Endpoint, PodEndpoint, Protocol, Traffic};
use super::evaluate::PolicySet;
use super::verdict::Verdict;

/// The cluster DNS as the caller resolved it from the kube-dns Service and its EndpointSlices.
#[derive(Clone, Copy, Debug)]
pub struct DnsTarget<'a> {
    /// The ready endpoints' pods (usually the CoreDNS pods in kube-system).
    pub pods: &'a [PodEndpoint],
    /// The UDP target port of the Service (53 in kubeadm's manifest).
    pub udp_port: u16,
    /// The TCP target port of the Service (53 in kubeadm's manifest).
    pub tcp_port: u16,
    /// The Service's clusterIP and port, if known: used only to spot policies that allow the
    /// ClusterIP by ipBlock (most plugins see the endpoint address after translation, so such
    /// a rule does not help).
    pub service: Option<(IpAddr, u16)>,
}

impl<'a> DnsTarget<'a> {
    /// Endpoints on port 53 for both protocols, no Service address.
    pub fn port_53(pods: &'a [PodEndpoint]) -> Self {
        DnsTarget {
            pods,
            udp_port: 53,
            tcp_port: 53,
            service: None,
        }
    }
}

/// The outcome for one protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsStatus {
    /// No endpoints were given: nothing to evaluate (the DNS chain is broken elsewhere).
    NoEndpoints,
    /// Every endpoint is reachable.
    Allowed,
    /// Some endpoints are reachable, some are not.
    Partial,
    /// No endpoint is reachable.
    Blocked,
}

/// One protocol's reachability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsProtocolReach {
    pub protocol: Protocol,
    pub port: u16,
    /// Indexes into `DnsTarget::pods` that the client can reach.
    pub reachable: Vec<usize>,
    /// Indexes that it cannot reach, with the verdict saying why.
    pub blocked: Vec<(usize, Verdict)>,
    /// Blocked at the endpoints, yet a rule would admit the Service's clusterIP: a policy
    /// written against the ClusterIP, which plugins usually do not honour.
    pub service_ip_allowed: bool,
}

impl DnsProtocolReach {
    pub fn status(&self) -> DnsStatus {
        match (self.reachable.is_empty(), self.blocked.is_empty()) {
            (true, true) => DnsStatus::NoEndpoints,
            (false, true) => DnsStatus::Allowed,
            (false, false) => DnsStatus::Partial,
            (true, false) => DnsStatus::Blocked,
        }
    }
}

/// Both protocols.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsEgressCheck {
    pub udp: DnsProtocolReach,
    pub tcp: DnsProtocolReach,
}

impl DnsEgressCheck {
    /// Protocols on which no endpoint is reachable.
    pub fn blocked_protocols(&self) -> Vec<Protocol> {
        [&self.udp, &self.tcp]
            .into_iter()
            .filter(|r| r.status() == DnsStatus::Blocked)
            .map(|r| r.protocol)
            .collect()
    }

    /// True when lookups fail outright on some protocol.
    pub fn is_blocked(&self) -> bool {
        !self.blocked_protocols().is_empty()
    }
}

impl PolicySet {
    /// May `client` reach the cluster DNS on UDP and TCP?
    pub fn dns_egress(&self, client: &PodEndpoint, dns: &DnsTarget<'_>) -> DnsEgressCheck {
        DnsEgressCheck {
            udp: self.dns_reach(client, dns, Traffic::udp(dns.udp_port)),
            tcp: self.dns_reach(client, dns, Traffic::tcp(dns.tcp_port)),
        }
    }

    fn dns_reach(
        &self,
        client: &PodEndpoint,
        dns: &DnsTarget<'_>,
        traffic: Traffic,
    ) -> DnsProtocolReach {
        let mut reachable = Vec::new();
        let mut blocked = Vec::new();
        for (index, server) in dns.pods.iter().enumerate() {
            let verdict = self.evaluate(Endpoint::Pod(client), Endpoint::Pod(server), traffic);
            if verdict.allowed {
                reachable.push(index);
            } else {
                blocked.push((index, verdict));
            }
        }
        let service_ip_allowed = reachable.is_empty()
            && !blocked.is_empty()
            && dns.service.is_some_and(|(ip, port)| {
                let to_service = Traffic {
                    port,
                    protocol: traffic.protocol,
                };
                self.evaluate(Endpoint::Pod(client), Endpoint::Ip(ip), to_service)
                    .egress
                    .permits()
            });
        DnsProtocolReach {
            protocol: traffic.protocol,
            port: traffic.port,
            reachable,
            blocked,
            service_ip_allowed,
        }
    }
}
