//! The two ends of a connection as the NetworkPolicy evaluator sees them: plain structs the
//! engine fills from its own compact objects (namespace name and labels, pod labels, pod IPs,
//! container ports), plus the traffic (port and protocol) being asked about.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

/// The label the control plane sets on every namespace (immutable, value = the namespace name).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A transport protocol NetworkPolicy ports can name. Behaviour for other protocols (ICMP …) is
/// left undefined by the API, so it cannot be asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Parses the API spelling (`TCP`, `UDP`, `SCTP`; the API server accepts only upper case).
    pub fn parse(text: &str) -> Option<Protocol> {
        match text {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// Parses a protocol the way a person types it (`tcp`, `Udp`, …), for command lines.
    pub fn parse_loose(text: &str) -> Option<Protocol> {
        Protocol::parse(&text.to_ascii_uppercase())
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `containers[].ports[]` entry of a pod (named ports resolve against these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub number: u16,
    pub protocol: Protocol,
}

impl ContainerPort {
    /// A port as written in a pod spec; `protocol` absent means TCP, like the API default.
    pub fn new(name: Option<&str>, number: u16, protocol: Option<Protocol>) -> Self {
        ContainerPort {
            name: name.map(str::to_string),
            number,
            protocol: protocol.unwrap_or(Protocol::Tcp),
        }
    }
}

/// A namespace: its name and labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

impl NamespaceInfo {
    /// A namespace with its labels. The `kubernetes.io/metadata.name` label is added when it is
    /// missing, because the control plane sets it on every namespace (a dump or an adapter may
    /// have dropped it; a namespaceSelector on it must still match).
    pub fn new(name: &str, labels: BTreeMap<String, String>) -> Self {
        let mut labels = labels;
        labels
            .entry(NAMESPACE_NAME_LABEL.to_string())
            .or_insert_with(|| name.to_string());
        NamespaceInfo {
            name: name.to_string(),
            labels,
        }
    }

    /// A namespace with no labels but the automatic name label.
    pub fn named(name: &str) -> Self {
        NamespaceInfo::new(name, BTreeMap::new())
    }
}

/// A pod as the evaluator needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodEndpoint {
    pub name: String,
    pub namespace: NamespaceInfo,
    pub labels: BTreeMap<String, String>,
    /// `status.podIPs` (only used by `ipBlock` peers).
    pub ips: Vec<IpAddr>,
    /// Every container's declared ports (named ports resolve against these).
    pub ports: Vec<ContainerPort>,
    /// `spec.nodeName`, when scheduled (traffic to and from a pod's own node is always allowed).
    pub node_name: Option<String>,
    /// `spec.hostNetwork` (policy behaviour for such pods is undefined by the API).
    pub host_network: bool,
}

impl PodEndpoint {
    /// A pod with labels and nothing else; fill the other fields as needed.
    pub fn new(namespace: NamespaceInfo, name: &str, labels: BTreeMap<String, String>) -> Self {
        PodEndpoint {
            name: name.to_string(),
            namespace,
            labels,
            ips: Vec::new(),
            ports: Vec::new(),
            node_name: None,
            host_network: false,
        }
    }

    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace.name, self.name)
    }

    fn same_pod(&self, other: &PodEndpoint) -> bool {
        self.name == other.name && self.namespace.name == other.namespace.name
    }
}

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// A pod (policies in its namespace may isolate it).
    Pod(&'a PodEndpoint),
    /// An address that is not a pod: cluster-external, a Service's external address, another
    /// node. Only `ipBlock` peers can match it.
    Ip(IpAddr),
    /// An address of the node named `node_name`. Traffic between a pod and the node it runs on
    /// is always allowed; for any other pod this is an ordinary address.
    Node { ip: IpAddr, node_name: &'a str },
}

impl Endpoint<'_> {
    /// The pod, when this end is one.
    pub fn pod(&self) -> Option<&PodEndpoint> {
        match self {
            Endpoint::Pod(pod) => Some(pod),
            _ => None,
        }
    }

    /// True when both ends are the same pod (a pod cannot block access to itself).
    pub(crate) fn is_same_pod(&self, other: &Endpoint<'_>) -> bool {
        match (self, other) {
            (Endpoint::Pod(a), Endpoint::Pod(b)) => a.same_pod(b),
            _ => false,
        }
    }

    /// True when this end is the node `pod` runs on.
    pub(crate) fn is_node_of(&self, pod: &PodEndpoint) -> bool {
        match (self, pod.node_name.as_deref()) {
            (Endpoint::Node { node_name, .. }, Some(pod_node)) => *node_name == pod_node,
            _ => false,
        }
    }

    /// A short description: `pod prod/web`, `10.0.0.1`, `node worker-1 (10.0.0.5)`.
    pub fn describe(&self) -> String {
        match self {
            Endpoint::Pod(pod) => format!("pod {}", pod.key()),
            Endpoint::Ip(ip) => ip.to_string(),
            Endpoint::Node { ip, node_name } => format!("node {node_name} ({ip})"),
        }
    }
}

/// The traffic asked about: the destination port (after any Service translation, i.e. the
/// port the destination pod receives on) and the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    pub port: u16,
    pub protocol: Protocol,
}

impl Traffic {
    pub fn tcp(port: u16) -> Self {
        Traffic {
            port,
            protocol: Protocol::Tcp,
        }
    }

    pub fn udp(port: u16) -> Self {
        Traffic {
            port,
            protocol: Protocol::Udp,
        }
    }

    pub fn sctp(port: u16) -> Self {
        Traffic {
            port,
            protocol: Protocol::Sctp,
        }
    }
}

impl fmt::Display for Traffic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.protocol, self.port)
    }
}
