//! Compact nodes and leases (node heartbeats in `kube-node-lease`, leader election in
//! `kube-system`). A node's image list, which can be long, is not kept.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::map::Map;
use super::meta::{Condition, ObjectMeta, Quantity, Time};
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: Option<NodeSpec>,
    pub status: Option<NodeStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    #[serde(rename = "podCIDR")]
    pub pod_cidr: Option<Str>,
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs: Option<List<Str>>,
    #[serde(rename = "providerID")]
    pub provider_id: Option<Str>,
    pub taints: Option<List<Taint>>,
    pub unschedulable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    pub key: Str,
    pub value: Option<Str>,
    pub effect: Str,
    pub time_added: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    pub capacity: Option<Map<Quantity>>,
    pub allocatable: Option<Map<Quantity>>,
    pub conditions: Option<List<Condition>>,
    pub addresses: Option<List<NodeAddress>>,
    pub node_info: Option<NodeSystemInfo>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub type_: Str,
    pub address: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSystemInfo {
    pub kernel_version: Str,
    pub os_image: Str,
    pub container_runtime_version: Str,
    pub kubelet_version: Str,
    pub kube_proxy_version: Str,
    pub operating_system: Str,
    pub architecture: Str,
}

impl Node {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    /// The Ready condition.
    pub fn ready(&self) -> Option<&Condition> {
        super::meta::condition(self.status.as_ref()?.conditions.as_ref(), "Ready")
    }

    /// Whether the node is Ready=True.
    pub fn is_ready(&self) -> bool {
        self.ready().is_some_and(Condition::is_true)
    }

    pub fn taints(&self) -> &[Taint] {
        self.spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or(&[])
    }

    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .as_ref()?
            .addresses
            .iter()
            .flatten()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }

    /// Whether the node carries the control-plane (or legacy master) role label.
    pub fn is_control_plane(&self) -> bool {
        self.metadata.labels.as_ref().is_some_and(|l| {
            l.contains_key("node-role.kubernetes.io/control-plane")
                || l.contains_key("node-role.kubernetes.io/master")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Lease {
    pub metadata: ObjectMeta,
    pub spec: Option<LeaseSpec>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LeaseSpec {
    pub holder_identity: Option<Str>,
    pub lease_duration_seconds: Option<i32>,
    pub acquire_time: Option<Time>,
    pub renew_time: Option<Time>,
    pub lease_transitions: Option<i32>,
}

impl Lease {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }
}
