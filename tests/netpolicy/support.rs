//! The world every NetworkPolicy case runs in: namespaces and pods shaped like a small real
//! cluster (labels, pod IPs, declared container ports, nodes), external addresses, and helpers
//! to read policies from YAML manifests and name the ends of a connection.

use std::collections::BTreeMap;
use std::net::IpAddr;

use k8s_openapi::api::networking::v1::NetworkPolicy;
use kmedic::netpolicy::{
    ContainerPort, Endpoint, NamespaceInfo, PodEndpoint, PolicyId, PolicySet, Protocol, Traffic,
    Verdict,
};

pub fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `namespace/name` of a policy.
pub fn id(namespace: &str, name: &str) -> PolicyId {
    PolicyId {
        namespace: namespace.into(),
        name: name.into(),
    }
}

pub struct World {
    pub namespaces: Vec<NamespaceInfo>,
    pub pods: Vec<PodEndpoint>,
}

fn ns(name: &str, pairs: &[(&str, &str)]) -> NamespaceInfo {
    NamespaceInfo::new(name, labels(pairs))
}

#[allow(clippy::too_many_arguments)]
fn pod(
    namespace: &NamespaceInfo,
    name: &str,
    pairs: &[(&str, &str)],
    ips: &[&str],
    ports: &[(Option<&str>, u16, Protocol)],
    node: &str,
) -> PodEndpoint {
    let mut pod = PodEndpoint::new(namespace.clone(), name, labels(pairs));
    pod.ips = ips.iter().map(|ip| ip.parse().unwrap()).collect();
    pod.ports = ports
        .iter()
        .map(|(n, number, protocol)| ContainerPort::new(*n, *number, Some(*protocol)))
        .collect();
    pod.node_name = Some(node.to_string());
    pod
}

impl World {
    /// prod (env=prod, team=a), staging (env=staging, user=alice), other (user=bob),
    /// kube-system; pods in each, CoreDNS pods with kubeadm's declared ports.
    pub fn new() -> World {
        use Protocol::{Sctp, Tcp, Udp};
        let prod = ns("prod", &[("env", "prod"), ("team", "a")]);
        let staging = ns("staging", &[("env", "staging"), ("user", "alice")]);
        let other = ns("other", &[("user", "bob")]);
        let kube_system = ns("kube-system", &[]);
        let pods = vec![
            pod(
                &prod,
                "web",
                &[("app", "web"), ("role", "client")],
                &["10.244.1.10"],
                &[(Some("http"), 8080, Tcp)],
                "node-1",
            ),
            pod(
                &prod,
                "db",
                &[("app", "db"), ("tier", "backend")],
                &["10.244.1.20"],
                &[(Some("mysql"), 3306, Tcp)],
                "node-2",
            ),
            pod(
                &prod,
                "cache",
                &[("app", "cache"), ("tier", "backend")],
                &["10.244.1.30"],
                &[(Some("redis"), 6379, Tcp)],
                "node-2",
            ),
            pod(
                &prod,
                "sig",
                &[("app", "sig")],
                &["10.244.1.50"],
                &[(Some("diameter"), 3868, Sctp)],
                "node-1",
            ),
            pod(
                &prod,
                "dual",
                &[("app", "dual")],
                &["10.244.1.40", "fd00:10:244:1::40"],
                &[(Some("http"), 80, Tcp)],
                "node-1",
            ),
            pod(
                &prod,
                "metrics",
                &[("app", "metrics")],
                &["10.244.1.60"],
                &[(Some("metrics"), 9100, Tcp), (Some("metrics"), 9100, Udp)],
                "node-2",
            ),
            pod(
                &staging,
                "client",
                &[("role", "client")],
                &["10.244.2.10"],
                &[],
                "node-1",
            ),
            pod(
                &staging,
                "web",
                &[("app", "web")],
                &["10.244.2.20"],
                &[(Some("http"), 8080, Tcp)],
                "node-2",
            ),
            pod(
                &other,
                "client",
                &[("role", "client")],
                &["10.244.3.10"],
                &[],
                "node-2",
            ),
            pod(
                &kube_system,
                "coredns-5d78c9869d-abcde",
                &[("k8s-app", "kube-dns"), ("pod-template-hash", "5d78c9869d")],
                &["10.244.0.5"],
                &[
                    (Some("dns"), 53, Udp),
                    (Some("dns-tcp"), 53, Tcp),
                    (Some("metrics"), 9153, Tcp),
                ],
                "node-1",
            ),
            pod(
                &kube_system,
                "coredns-5d78c9869d-fghij",
                &[("k8s-app", "kube-dns"), ("pod-template-hash", "5d78c9869d")],
                &["10.244.0.6"],
                &[
                    (Some("dns"), 53, Udp),
                    (Some("dns-tcp"), 53, Tcp),
                    (Some("metrics"), 9153, Tcp),
                ],
                "node-2",
            ),
        ];
        World {
            namespaces: vec![prod, staging, other, kube_system],
            pods,
        }
    }

    pub fn pod(&self, key: &str) -> &PodEndpoint {
        self.pods
            .iter()
            .find(|p| p.key() == key)
            .unwrap_or_else(|| panic!("no pod {key} in the test world"))
    }

    pub fn pod_index(&self, key: &str) -> usize {
        self.pods.iter().position(|p| p.key() == key).unwrap()
    }

    /// `ns/pod`, `ip:ADDRESS` or `node:NAME:ADDRESS`.
    pub fn end<'a>(&'a self, spec: &'a str) -> Endpoint<'a> {
        if let Some(ip) = spec.strip_prefix("ip:") {
            return Endpoint::Ip(ip.parse::<IpAddr>().unwrap());
        }
        if let Some(rest) = spec.strip_prefix("node:") {
            let (name, ip) = rest.split_once(':').unwrap();
            return Endpoint::Node {
                ip: ip.parse().unwrap(),
                node_name: name,
            };
        }
        Endpoint::Pod(self.pod(spec))
    }

    pub fn check(&self, set: &PolicySet, from: &str, to: &str, traffic: &str) -> Verdict {
        set.evaluate(self.end(from), self.end(to), parse_traffic(traffic))
    }
}

/// `TCP 3306`.
pub fn parse_traffic(text: &str) -> Traffic {
    let (protocol, port) = text.split_once(' ').unwrap();
    Traffic {
        protocol: Protocol::parse(protocol).unwrap(),
        port: port.parse().unwrap(),
    }
}

/// Policies from a multi-document YAML manifest.
pub fn policies(yaml: &str) -> Vec<NetworkPolicy> {
    if yaml.trim().is_empty() {
        return Vec::new();
    }
    serde_saphyr::from_multiple(yaml).unwrap_or_else(|e| panic!("bad test YAML: {e}\n{yaml}"))
}

pub fn set(yaml: &str) -> PolicySet {
    PolicySet::new(&policies(yaml))
}

/// What a case expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Allow,
    DenyEgress,
    DenyIngress,
    DenyBoth,
}

/// One row of a table: the rule of the reference it covers, the policies, the connection,
/// the expected verdict and the policies expected to decide it (allowing rules' policies or
/// isolating policies, both sides together; empty = no policy applies).
pub struct Case {
    pub rule: &'static str,
    pub yaml: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub traffic: &'static str,
    pub want: Want,
    pub deciding: &'static [&'static str],
}

/// Runs every case and reports all failures at once.
pub fn run(cases: &[Case]) {
    let world = World::new();
    let mut failures = Vec::new();
    for case in cases {
        let set = set(case.yaml);
        let verdict = world.check(&set, case.from, case.to, case.traffic);
        let got = match (verdict.egress.permits(), verdict.ingress.permits()) {
            (true, true) => Want::Allow,
            (false, true) => Want::DenyEgress,
            (true, false) => Want::DenyIngress,
            (false, false) => Want::DenyBoth,
        };
        let mut deciding: Vec<String> = verdict.policies().iter().map(|p| p.to_string()).collect();
        deciding.sort();
        let mut want_deciding: Vec<String> = case.deciding.iter().map(|s| s.to_string()).collect();
        want_deciding.sort();
        if got != case.want
            || verdict.allowed != (case.want == Want::Allow)
            || deciding != want_deciding
        {
            failures.push(format!(
                "[{}] {} -> {} {}: want {:?} decided by {:?}, got {:?} decided by {:?}\n  {:?}",
                case.rule,
                case.from,
                case.to,
                case.traffic,
                case.want,
                want_deciding,
                got,
                deciding,
                verdict
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
