//! Compact Services and their endpoints: EndpointSlices (the current API) and the deprecated
//! Endpoints, which dumps and older clusters still carry.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::map::Map;
use super::meta::{Condition, IntOrString, ObjectMeta};
use super::str::Str;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: Option<ServiceSpec>,
    pub status: Option<ServiceStatus>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    #[serde(rename = "type")]
    pub type_: Option<Str>,
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<Str>,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Option<List<Str>>,
    pub selector: Option<Map>,
    pub ports: Option<List<ServicePort>>,
    pub external_name: Option<Str>,
    #[serde(rename = "externalIPs")]
    pub external_ips: Option<List<Str>>,
    pub external_traffic_policy: Option<Str>,
    pub internal_traffic_policy: Option<Str>,
    pub health_check_node_port: Option<i32>,
    pub publish_not_ready_addresses: Option<bool>,
    pub session_affinity: Option<Str>,
    pub session_affinity_config: Option<SessionAffinityConfig>,
    pub load_balancer_class: Option<Str>,
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionAffinityConfig {
    #[serde(rename = "clientIP")]
    pub client_ip: Option<ClientIpConfig>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientIpConfig {
    pub timeout_seconds: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    pub name: Option<Str>,
    pub protocol: Option<Str>,
    pub port: i32,
    pub target_port: Option<IntOrString>,
    pub node_port: Option<i32>,
    pub app_protocol: Option<Str>,
}

impl ServicePort {
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("TCP")
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceStatus {
    pub load_balancer: Option<LoadBalancerStatus>,
    pub conditions: Option<List<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerStatus {
    pub ingress: Option<List<LoadBalancerIngress>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerIngress {
    pub ip: Option<Str>,
    pub hostname: Option<Str>,
}

impl Service {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    pub fn type_(&self) -> &str {
        self.spec
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("ClusterIP")
    }

    /// Headless: `clusterIP: None`.
    pub fn is_headless(&self) -> bool {
        self.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSlice {
    pub metadata: ObjectMeta,
    pub address_type: Option<Str>,
    pub endpoints: List<Endpoint>,
    pub ports: Option<List<EndpointPort>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoint {
    pub addresses: List<Str>,
    pub conditions: Option<EndpointConditions>,
    pub hostname: Option<Str>,
    pub node_name: Option<Str>,
    pub target_ref: Option<TargetRef>,
    pub zone: Option<Str>,
    /// Topology hints: kube-proxy then programs only the endpoints meant for its zone (or
    /// node). Boxed: most endpoints have none, and the box is 8 bytes where the hints are 32
    /// (an EndpointSlice holds one `Endpoint` per pod behind its Service).
    pub hints: Option<Box<EndpointHints>>,
}

/// The object an endpoint stands for (`targetRef`): its kind, namespace and name, which is
/// all checks read of it (its uid, apiVersion, fieldPath and resourceVersion are dropped:
/// a pod's uid, held by both the Endpoints and the EndpointSlice, is 64 bytes per pod).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TargetRef {
    pub kind: Option<Str>,
    pub namespace: Option<Str>,
    pub name: Option<Str>,
}

/// `endpoints[].hints` of an EndpointSlice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointHints {
    pub for_zones: Option<List<HintName>>,
    pub for_nodes: Option<List<HintName>>,
}

/// A zone or node a hint names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HintName {
    pub name: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

impl Endpoint {
    /// Ready unless the condition says otherwise (nil means ready, per the API).
    pub fn is_ready(&self) -> bool {
        self.conditions
            .as_ref()
            .and_then(|c| c.ready)
            .unwrap_or(true)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointPort {
    pub name: Option<Str>,
    pub port: Option<i32>,
    pub protocol: Option<Str>,
    pub app_protocol: Option<Str>,
}

impl EndpointSlice {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    /// The Service this slice belongs to (`kubernetes.io/service-name`).
    pub fn service_name(&self) -> Option<&str> {
        self.metadata.label("kubernetes.io/service-name")
    }
}

/// The deprecated Endpoints object.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoints {
    pub metadata: ObjectMeta,
    pub subsets: Option<List<EndpointSubset>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSubset {
    pub addresses: Option<List<EndpointAddress>>,
    pub not_ready_addresses: Option<List<EndpointAddress>>,
    pub ports: Option<List<EndpointPort>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointAddress {
    pub ip: Str,
    pub hostname: Option<Str>,
    pub node_name: Option<Str>,
    pub target_ref: Option<TargetRef>,
}

impl Endpoints {
    pub fn compact(&mut self) {
        self.metadata.compact();
    }

    /// Ready and total addresses over all subsets.
    pub fn counts(&self) -> (usize, usize) {
        let mut ready = 0;
        let mut total = 0;
        for s in self.subsets.iter().flatten() {
            let r = s.addresses.as_ref().map_or(0, |a| a.len());
            ready += r;
            total += r + s.not_ready_addresses.as_ref().map_or(0, |a| a.len());
        }
        (ready, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoints_target_keeps_what_checks_read() {
        let slice: EndpointSlice = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web-abc", "namespace": "shop",
                "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": true},
                "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-1",
                    "uid": "0d6c1f4e-7f0b-4c59-9d47-1b2a3c4d5e6f", "apiVersion": "v1",
                    "resourceVersion": "77"}}]
        }))
        .expect("an EndpointSlice");
        let target = slice.endpoints[0].target_ref.as_ref().expect("a target");
        assert_eq!(target.kind.as_deref(), Some("Pod"));
        assert_eq!(target.namespace.as_deref(), Some("shop"));
        assert_eq!(target.name.as_deref(), Some("web-1"));
        assert_eq!(slice.service_name(), Some("web"));
    }
}
