//! Static pod manifests (`/etc/kubernetes/manifests/*.yaml`): the fields the analyzers need —
//! containers with their command line, image, ports, probe ports and volume mounts, and the
//! hostPath volumes — or where the file stops being a valid Pod (with its line).

use serde::Serialize;
use serde_json::Value;

/// One manifest file: the pod, or why it is not one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// Host path of the file.
    pub file: String,
    pub pod: Option<StaticPod>,
    pub error: Option<ManifestError>,
}

/// Why a manifest is not a usable Pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestError {
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticPod {
    pub name: String,
    pub namespace: String,
    pub host_network: bool,
    pub containers: Vec<PodContainer>,
    /// hostPath volumes: name and host path.
    pub host_paths: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodContainer {
    pub name: String,
    pub image: String,
    /// `command` followed by `args`.
    pub command: Vec<String>,
    /// `containerPort`s (and `hostPort`s) declared.
    pub ports: Vec<u16>,
    /// Ports the liveness, readiness and startup probes use.
    pub probe_ports: Vec<u16>,
    /// Volume mounts: volume name and path in the container.
    pub mounts: Vec<(String, String)>,
}

impl PodContainer {
    /// `--name=value` (or `--name value`) pairs of the command line.
    pub fn flags(&self) -> Vec<(String, String)> {
        super::command_line::flags(&self.command)
    }

    /// The last value of a flag.
    pub fn flag(&self, name: &str) -> Option<String> {
        self.flags()
            .into_iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The kubeadm control-plane components, by static pod name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Component {
    KubeApiserver,
    KubeControllerManager,
    KubeScheduler,
    Etcd,
}

impl Component {
    pub fn name(self) -> &'static str {
        match self {
            Component::KubeApiserver => "kube-apiserver",
            Component::KubeControllerManager => "kube-controller-manager",
            Component::KubeScheduler => "kube-scheduler",
            Component::Etcd => "etcd",
        }
    }

    /// Losing it stops the whole cluster (not only some controllers).
    pub fn is_vital(self) -> bool {
        matches!(self, Component::KubeApiserver | Component::Etcd)
    }
}

/// Which component a static pod (or container) name is.
pub fn component_of(name: &str) -> Option<Component> {
    [
        Component::KubeApiserver,
        Component::KubeControllerManager,
        Component::KubeScheduler,
        Component::Etcd,
    ]
    .into_iter()
    .find(|c| c.name() == name)
}

/// Parses the text of one manifest.
pub fn parse_manifest(file: &str, text: &str) -> Manifest {
    let fail = |line, message: String| Manifest {
        file: file.to_string(),
        pod: None,
        error: Some(ManifestError { line, message }),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = serde_saphyr::options! { strict_booleans: true, with_snippet: false };
    let value: Value = match serde_saphyr::from_str_with_options(text, options) {
        Ok(v) => v,
        Err(e) => {
            let full = e.to_string();
            let first = full.lines().next().unwrap_or("").trim();
            let first = first.find(" at line ").map_or(first, |i| &first[..i]);
            let line = e.location().map(|l| l.line() as usize);
            return fail(line, format!("invalid YAML: {first}"));
        }
    };
    match pod_of(&value) {
        Ok(pod) => Manifest {
            file: file.to_string(),
            pod: Some(pod),
            error: None,
        },
        Err(message) => {
            let line = first_line_of(text, &message);
            fail(line, message)
        }
    }
}

/// The line of the first key the message names, for errors found after parsing.
fn first_line_of(text: &str, message: &str) -> Option<usize> {
    let key = ["containers", "spec", "kind"]
        .into_iter()
        .find(|k| message.contains(k))?;
    text.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map(|i| i + 1)
}

fn str_of(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn port_number(v: &Value, named: &[(String, u16)]) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        Value::String(s) => s
            .parse()
            .ok()
            .or_else(|| named.iter().find(|(n, _)| n == s).map(|(_, p)| *p)),
        _ => None,
    }
}

fn container_of(c: &Value) -> PodContainer {
    let mut command = strings(c.get("command"));
    command.extend(strings(c.get("args")));
    let mut named = Vec::new();
    let mut ports = Vec::new();
    for p in c
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(port) = p.get("containerPort").and_then(|v| port_number(v, &[])) else {
            continue;
        };
        ports.push(port);
        if let Some(host) = p.get("hostPort").and_then(|v| port_number(v, &[])) {
            ports.push(host);
        }
        if let Some(name) = p.get("name").and_then(Value::as_str) {
            named.push((name.to_string(), port));
        }
    }
    let mut probe_ports = Vec::new();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(probe) = c.get(probe) else { continue };
        for handler in ["httpGet", "tcpSocket", "grpc"] {
            if let Some(port) = probe
                .get(handler)
                .and_then(|h| h.get("port"))
                .and_then(|v| port_number(v, &named))
            {
                probe_ports.push(port);
            }
        }
    }
    let mounts = c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .map(|m| (str_of(m, "name"), str_of(m, "mountPath")))
                .collect()
        })
        .unwrap_or_default();
    PodContainer {
        name: str_of(c, "name"),
        image: str_of(c, "image"),
        command,
        ports,
        probe_ports,
        mounts,
    }
}

fn pod_of(value: &Value) -> Result<StaticPod, String> {
    if !value.is_object() {
        return Err("the file is not a YAML mapping (a Pod object)".into());
    }
    let kind = str_of(value, "kind");
    if kind != "Pod" {
        return Err(format!("kind is \"{kind}\", not \"Pod\""));
    }
    let meta = value.get("metadata").cloned().unwrap_or(Value::Null);
    let spec = value
        .get("spec")
        .filter(|s| s.is_object())
        .ok_or("the Pod has no spec")?;
    let containers = spec
        .get("containers")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or("spec.containers is missing or empty")?;
    let host_paths = spec
        .get("volumes")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(|v| {
                    let path = v.get("hostPath")?.get("path")?.as_str()?;
                    Some((str_of(v, "name"), path.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(StaticPod {
        name: str_of(&meta, "name"),
        namespace: Some(str_of(&meta, "namespace"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".into()),
        host_network: spec
            .get("hostNetwork")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        containers: containers.iter().map(container_of).collect(),
        host_paths,
    })
}
