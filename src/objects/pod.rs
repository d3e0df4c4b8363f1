//! Compact pods and pod templates: the fields of `PodSpec`, `Container`, `PodStatus` and
//! `ContainerStatus` that the status column, the analyzers and the network checks read, in
//! the API's own shape (field names as in k8s-openapi) so code reads the same.

use serde::{Deserialize, Serialize};

use super::list::List;
use super::map::Map;
use super::meta::{Condition, IntOrString, LocalObjectReference, ObjectMeta, Quantity, Time};
use super::shared::Shared;
use super::str::Str;

/// Any JSON value whose content is not kept, only its presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: Option<PodSpec>,
    pub status: Option<PodStatus>,
}

/// A workload's pod template.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplateSpec {
    pub metadata: Option<ObjectMeta>,
    pub spec: Option<PodSpec>,
}

/// A pod's spec. What pods of one template share (containers, volumes, tolerations …) is held
/// once (see [`PodSpecBody`], which this derefs to); the node and hostname are each pod's own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodSpec {
    pub node_name: Option<Str>,
    pub hostname: Option<Str>,
    body: Shared<PodSpecBody>,
}

impl std::ops::Deref for PodSpec {
    type Target = PodSpecBody;
    fn deref(&self) -> &PodSpecBody {
        &self.body
    }
}

impl PodSpec {
    /// A copy whose shared part is changed by `edit` (for analyses that add what a controller
    /// would, such as the tolerations a DaemonSet's pods get).
    pub fn edited(&self, edit: impl FnOnce(&mut PodSpecBody)) -> PodSpec {
        let mut body = (*self.body).clone();
        edit(&mut body);
        PodSpec {
            node_name: self.node_name.clone(),
            hostname: self.hostname.clone(),
            body: Shared::new(body),
        }
    }
}

impl<'de> Deserialize<'de> for PodSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut body = PodSpecBody::deserialize(d)?;
        let node_name = body.node_name.take();
        let hostname = body.hostname.take();
        Ok(PodSpec {
            node_name,
            hostname,
            body: Shared::new(body),
        })
    }
}

impl Serialize for PodSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut body = (*self.body).clone();
        body.node_name = self.node_name.clone();
        body.hostname = self.hostname.clone();
        body.serialize(s)
    }
}

/// The fields of a pod spec that pods of one template have in common (`nodeName` and
/// `hostname` are read here while decoding, then moved to [`PodSpec`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpecBody {
    pub node_name: Option<Str>,
    pub scheduler_name: Option<Str>,
    pub service_account_name: Option<Str>,
    /// The deprecated alias of `serviceAccountName`, still set by older clients.
    pub service_account: Option<Str>,
    pub restart_policy: Option<Str>,
    pub priority: Option<i32>,
    pub priority_class_name: Option<Str>,
    pub host_network: Option<bool>,
    pub dns_policy: Option<Str>,
    pub dns_config: Option<PodDnsConfig>,
    /// Shared: every pod of a template holds the same containers.
    pub containers: Shared<List<Container>>,
    pub init_containers: Option<Shared<List<Container>>>,
    pub ephemeral_containers: Option<List<Container>>,
    pub volumes: Option<Shared<List<Volume>>>,
    pub node_selector: Option<Map>,
    pub tolerations: Option<Shared<List<Toleration>>>,
    pub affinity: Option<Shared<Affinity>>,
    pub image_pull_secrets: Option<List<LocalObjectReference>>,
    pub scheduling_gates: Option<List<PodSchedulingGate>>,
    /// Extra conditions that must be True for the pod to be Ready (set by controllers).
    pub readiness_gates: Option<List<PodReadinessGate>>,
    pub termination_grace_period_seconds: Option<i64>,
    pub automount_service_account_token: Option<bool>,
    pub hostname: Option<Str>,
    pub subdomain: Option<Str>,
}

impl PodSpecBody {
    /// The service account the pod runs as (`default` when unset).
    pub fn service_account(&self) -> &str {
        self.service_account_name
            .as_deref()
            .or(self.service_account.as_deref())
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
    }

    /// Every container: init, main, then ephemeral.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.init_containers
            .iter()
            .flatten()
            .chain(self.containers.iter())
            .chain(self.ephemeral_containers.iter().flatten())
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDnsConfig {
    pub nameservers: Option<List<Str>>,
    pub searches: Option<List<Str>>,
    pub options: Option<List<PodDnsConfigOption>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDnsConfigOption {
    pub name: Option<Str>,
    pub value: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodReadinessGate {
    pub condition_type: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSchedulingGate {
    pub name: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    pub name: Str,
    pub image: Option<Str>,
    pub image_pull_policy: Option<Str>,
    pub command: Option<List<Str>>,
    pub args: Option<List<Str>>,
    pub ports: Option<List<ContainerPort>>,
    pub env: Option<List<EnvVar>>,
    pub env_from: Option<List<EnvFromSource>>,
    pub resources: Option<ResourceRequirements>,
    pub liveness_probe: Option<Box<Probe>>,
    pub readiness_probe: Option<Box<Probe>>,
    pub startup_probe: Option<Box<Probe>>,
    pub volume_mounts: Option<List<VolumeMount>>,
    pub termination_message_policy: Option<Str>,
    /// `Always` on an init container makes it a sidecar.
    pub restart_policy: Option<Str>,
    pub security_context: Option<SecurityContext>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecurityContext {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub privileged: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    pub container_port: i32,
    pub name: Option<Str>,
    pub protocol: Option<Str>,
    pub host_port: Option<i32>,
}

impl ContainerPort {
    /// The protocol, TCP when unset.
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("TCP")
    }
}

/// An environment variable. Literal values are kept only for names that look like an
/// address of another service (`*_HOST`, `*_URL`, …), which the wiring checks read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    pub name: Str,
    pub value: Option<Str>,
    pub value_from: Option<EnvVarSource>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVarSource {
    pub config_map_key_ref: Option<KeyRef>,
    pub secret_key_ref: Option<KeyRef>,
}

/// A key of a ConfigMap or Secret.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyRef {
    pub name: Str,
    pub key: Str,
    pub optional: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvFromSource {
    pub prefix: Option<Str>,
    pub config_map_ref: Option<OptionalRef>,
    pub secret_ref: Option<OptionalRef>,
}

/// A whole ConfigMap or Secret, possibly optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OptionalRef {
    pub name: Str,
    pub optional: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceRequirements {
    pub requests: Option<Map<Quantity>>,
    pub limits: Option<Map<Quantity>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Probe {
    pub http_get: Option<HttpGetAction>,
    pub tcp_socket: Option<TcpSocketAction>,
    pub grpc: Option<GrpcAction>,
    pub exec: Option<ExecAction>,
    pub initial_delay_seconds: Option<i32>,
    pub period_seconds: Option<i32>,
    pub timeout_seconds: Option<i32>,
    pub success_threshold: Option<i32>,
    pub failure_threshold: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpGetAction {
    pub path: Option<Str>,
    pub port: IntOrString,
    pub host: Option<Str>,
    pub scheme: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TcpSocketAction {
    pub port: IntOrString,
    pub host: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GrpcAction {
    pub port: i32,
    pub service: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecAction {
    pub command: Option<List<Str>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    pub name: Str,
    pub mount_path: Str,
    pub sub_path: Option<Str>,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    pub name: Str,
    pub config_map: Option<ConfigMapVolumeSource>,
    pub secret: Option<SecretVolumeSource>,
    pub persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
    pub projected: Option<ProjectedVolumeSource>,
    pub host_path: Option<HostPathVolumeSource>,
    pub empty_dir: Option<Present>,
    pub csi: Option<CsiVolumeSource>,
    /// A generic ephemeral volume: a claim named `<pod>-<volume>` is made for the pod.
    pub ephemeral: Option<Present>,
    pub nfs: Option<Present>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyToPath {
    pub key: Str,
    pub path: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigMapVolumeSource {
    pub name: Str,
    pub optional: Option<bool>,
    pub items: Option<List<KeyToPath>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecretVolumeSource {
    pub secret_name: Option<Str>,
    pub optional: Option<bool>,
    pub items: Option<List<KeyToPath>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaimVolumeSource {
    pub claim_name: Str,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectedVolumeSource {
    pub sources: Option<List<VolumeProjection>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeProjection {
    pub config_map: Option<ConfigMapVolumeSource>,
    pub secret: Option<ProjectedSecret>,
}

/// A Secret in a projected volume (named `name`, unlike the `secretName` of a secret volume).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectedSecret {
    pub name: Str,
    pub optional: Option<bool>,
    pub items: Option<List<KeyToPath>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostPathVolumeSource {
    pub path: Str,
    #[serde(rename = "type")]
    pub type_: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsiVolumeSource {
    pub driver: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Toleration {
    pub key: Option<Str>,
    pub operator: Option<Str>,
    pub value: Option<Str>,
    pub effect: Option<Str>,
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// Whether this toleration tolerates a taint (key, value, effect), by the API's rules.
    pub fn tolerates(&self, key: &str, value: &str, effect: &str) -> bool {
        if let Some(e) = self.effect.as_deref().filter(|e| !e.is_empty())
            && e != effect
        {
            return false;
        }
        let key_matches = match self.key.as_deref().filter(|k| !k.is_empty()) {
            None => self.operator.as_deref() == Some("Exists"),
            Some(k) => k == key,
        };
        if !key_matches {
            return false;
        }
        match self.operator.as_deref().unwrap_or("Equal") {
            "Exists" => true,
            _ => self.value.as_deref().unwrap_or("") == value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Affinity {
    pub node_affinity: Option<NodeAffinity>,
    pub pod_affinity: Option<Present>,
    pub pod_anti_affinity: Option<Present>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAffinity {
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    pub node_selector_terms: List<NodeSelectorTerm>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    pub match_expressions: Option<List<NodeSelectorRequirement>>,
    pub match_fields: Option<List<NodeSelectorRequirement>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorRequirement {
    pub key: Str,
    pub operator: Str,
    pub values: Option<List<Str>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    pub phase: Option<Str>,
    pub reason: Option<Str>,
    pub message: Option<Str>,
    /// Held once for all pods with equal conditions (pods of one rollout started together
    /// have the same types, statuses, reasons and transition times).
    pub conditions: Option<Shared<List<Condition>>>,
    pub container_statuses: Option<List<ContainerStatus>>,
    pub init_container_statuses: Option<List<ContainerStatus>>,
    pub ephemeral_container_statuses: Option<List<ContainerStatus>>,
    /// Interned: the same text is in `podIPs` and in the Endpoints and EndpointSlices that
    /// point at the pod, which then share one allocation.
    #[serde(rename = "podIP")]
    pub pod_ip: Option<Str>,
    #[serde(rename = "podIPs")]
    pub pod_ips: Option<List<PodIp>>,
    #[serde(rename = "hostIP")]
    pub host_ip: Option<Str>,
    pub start_time: Option<Time>,
    pub qos_class: Option<Str>,
    pub nominated_node_name: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodIp {
    pub ip: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    pub name: Str,
    pub image: Str,
    pub ready: bool,
    pub started: Option<bool>,
    pub restart_count: i32,
    pub state: Option<ContainerState>,
    pub last_state: Option<ContainerState>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerState {
    pub waiting: Option<Box<ContainerStateWaiting>>,
    pub running: Option<ContainerStateRunning>,
    pub terminated: Option<Box<ContainerStateTerminated>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateWaiting {
    pub reason: Option<Str>,
    pub message: Option<Str>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateRunning {
    pub started_at: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateTerminated {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub reason: Option<Str>,
    pub message: Option<Str>,
    pub started_at: Option<Time>,
    pub finished_at: Option<Time>,
}

/// Environment variable names whose literal values are kept (they name other services).
fn address_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "HOST", "HOSTNAME", "ADDR", "ADDRESS", "URL", "URI", "ENDPOINT", "SERVER", "SERVICE",
        "PORT", "DSN",
    ]
    .iter()
    .any(|s| upper == *s || upper.ends_with(&format!("_{s}")))
}

impl super::shared::Prepare for List<Container> {
    /// Drops environment values that do not name a service (they may hold secrets).
    fn prepare(&mut self) {
        if !self.iter().any(|c| {
            c.env
                .iter()
                .flatten()
                .any(|e| e.value.is_some() && !address_like(&e.name))
        }) {
            return;
        }
        let containers: Vec<Container> = std::mem::take(self)
            .into_iter()
            .map(|mut c| {
                if let Some(env) = c.env.take() {
                    c.env = Some(
                        env.into_iter()
                            .map(|mut e| {
                                if !address_like(&e.name) {
                                    e.value = None;
                                }
                                e
                            })
                            .collect(),
                    );
                }
                c
            })
            .collect();
        *self = containers.into();
    }
}

impl super::shared::Prepare for List<Volume> {}
impl super::shared::Prepare for List<Condition> {}
impl super::shared::Prepare for List<Toleration> {}
impl super::shared::Prepare for Affinity {}

impl super::shared::Prepare for PodSpecBody {
    /// Drops environment values of ephemeral containers that do not name a service.
    fn prepare(&mut self) {
        if let Some(list) = &mut self.ephemeral_containers {
            super::shared::Prepare::prepare(list);
        }
    }
}

impl Pod {
    pub fn compact(&mut self) {
        self.metadata.compact();
        // Nothing refers to a pod by its uid (pods own nothing kmedic reads).
        self.metadata.uid = None;
    }
}

impl PodTemplateSpec {
    pub fn compact(&mut self) {
        if let Some(m) = &mut self.metadata {
            m.compact();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_pod_decodes_and_secrets_in_env_are_dropped() {
        let mut pod: Pod = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "shop",
                "managedFields": [{"manager": "kubelet", "fieldsV1": {"f:status": {}}}],
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8",
                    "uid": "u1", "controller": true, "blockOwnerDeletion": true}]},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                "env": [{"name": "DB_HOST", "value": "mysql"}, {"name": "DB_PASSWORD", "value": "hunter2"},
                        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "t"}}}],
                "ports": [{"containerPort": 80, "name": "http"}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
                "resources": {"requests": {"cpu": "100m"}}}],
                "tolerations": [{"operator": "Exists"}],
                "volumes": [{"name": "cfg", "configMap": {"name": "web-config"}}, {"name": "tmp", "emptyDir": {}}]},
            "status": {"phase": "Running", "podIP": "10.244.1.5",
                "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null,
                                "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                "containerStatuses": [{"name": "app", "image": "nginx:1.27", "imageID": "sha256:x",
                    "ready": true, "restartCount": 0, "started": true,
                    "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}, "lastState": {}}]}
        }))
        .expect("pod");
        pod.compact();
        let spec = pod.spec.as_ref().expect("spec");
        let env = spec.containers[0].env.as_ref().expect("env");
        assert_eq!(env[0].value.as_deref(), Some("mysql"));
        assert_eq!(env[1].value, None, "a password is not kept");
        assert_eq!(
            pod.metadata.controller().map(|o| o.kind.as_str()),
            Some("ReplicaSet")
        );
        assert!(spec.tolerations.as_ref().expect("t")[0].tolerates("any", "", "NoSchedule"));
        assert!(spec.volumes.as_ref().expect("v")[1].empty_dir.is_some());
        assert_eq!(spec.service_account(), "default");
    }
}
