//! Pure analyzers over [`NodeData`], one file each; together they produce the node-local
//! findings in the shared schema (panes control-plane, node, network, certs). Every finding
//! passes through [`crate::node::redact`] last, so no secret leaves as evidence.

pub mod cgroup;
pub mod containers;
pub mod dns;
pub mod host_paths;
pub mod image_drift;
pub mod iptables;
pub mod journal_patterns;
pub mod journals;
pub mod kubelet_cert;
pub mod kubelet_chain;
pub mod links;
pub mod node_ports;
pub mod packet_path;
pub mod packet_path_api;
pub mod packet_path_ipvs;
pub mod packet_path_nodeports;
pub mod ports;
pub mod proxy_mode;
pub mod static_pod_files;
pub mod static_pods;
pub mod swap;
pub mod unit_files;
pub mod units;

use jiff::Timestamp;
use serde::Serialize;

use super::model::NodeData;
use super::redact::redact;
use crate::findings::{Evidence, Finding, ObjectRef, Pane, Severity};

/// A mirror pod as the API server reports it (for comparing the running image with the
/// manifest). The integrator fills this from the cluster when it can reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MirrorPod {
    pub namespace: String,
    /// `kube-apiserver-cp-1`.
    pub name: String,
    pub node: String,
    /// Container name and image.
    pub containers: Vec<(String, String)>,
}

impl MirrorPod {
    /// From a Pod object as JSON; `None` unless it is a mirror pod (annotation
    /// `kubernetes.io/config.mirror`).
    pub fn from_pod(pod: &serde_json::Value) -> Option<MirrorPod> {
        let meta = pod.get("metadata")?;
        meta.get("annotations")?
            .get("kubernetes.io/config.mirror")?;
        let s = |v: Option<&serde_json::Value>| {
            v.and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let containers = pod
            .get("spec")?
            .get("containers")?
            .as_array()?
            .iter()
            .map(|c| (s(c.get("name")), s(c.get("image"))))
            .collect();
        Some(MirrorPod {
            namespace: s(meta.get("namespace")),
            name: s(meta.get("name")),
            node: s(pod.get("spec")?.get("nodeName")),
            containers,
        })
    }
}

impl MirrorPod {
    /// From a watched (compact) pod; `None` unless it is a mirror pod.
    pub fn from_compact(pod: &crate::objects::Pod) -> Option<MirrorPod> {
        let meta = &pod.metadata;
        meta.annotation("kubernetes.io/config.mirror")?;
        let spec = pod.spec.as_ref()?;
        Some(MirrorPod {
            namespace: meta.namespace.as_deref().unwrap_or_default().to_string(),
            name: meta.name.as_deref().unwrap_or_default().to_string(),
            node: spec.node_name.as_deref().unwrap_or_default().to_string(),
            containers: spec
                .containers
                .iter()
                .map(|c| {
                    (
                        c.name.to_string(),
                        c.image.as_deref().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        })
    }
}

impl ClusterContext {
    /// The mirror pods among API objects as JSON (a dump: `kmedic node --scenario`).
    pub fn from_objects<'a>(objects: impl IntoIterator<Item = &'a serde_json::Value>) -> Self {
        let objects: Vec<&serde_json::Value> = objects.into_iter().collect();
        ClusterContext {
            mirror_pods: objects
                .iter()
                .copied()
                .filter(|v| v.get("kind").and_then(serde_json::Value::as_str) == Some("Pod"))
                .filter_map(MirrorPod::from_pod)
                .collect(),
            services: packet_path::from_objects(objects.iter().copied()),
        }
    }
}

/// What the cluster knows that helps judge the node (empty when the API is not reachable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterContext {
    pub mirror_pods: Vec<MirrorPod>,
    /// The Service ports and their ready endpoints (a dump with Services), for comparing
    /// kube-proxy's rules on the node; `None` when not known.
    pub services: Option<Vec<packet_path::ApiServicePort>>,
}

/// Every node-local finding, ordered by severity.
pub fn analyze(data: &NodeData, context: &ClusterContext, now: Timestamp) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(static_pods::check(data));
    out.extend(static_pod_files::check(data));
    out.extend(image_drift::check(data, context));
    out.extend(kubelet_chain::check(data));
    out.extend(units::check(data));
    out.extend(unit_files::check(data));
    out.extend(cgroup::check(data));
    out.extend(swap::check(data));
    out.extend(kubelet_cert::check(data, now));
    out.extend(dns::check(data));
    out.extend(journals::check(data));
    out.extend(containers::check(data));
    out.extend(ports::check(data));
    out.extend(node_ports::check(data));
    out.extend(iptables::check(data));
    out.extend(walk(data, context.services.as_deref()));
    // A REJECT the cluster shows to be stale is said once, by the comparison.
    let stale: Vec<ObjectRef> = out
        .iter()
        .filter(|f| f.check == "kube-proxy-rules-stale")
        .map(|f| f.object.clone())
        .collect();
    out.retain(|f| !(f.check == "kube-proxy-rejects-service" && stale.contains(&f.object)));
    let mut certs = crate::certs::CertsReport::new(data.certs.clone(), now).findings;
    if let Some(root) = data.host_root.as_deref() {
        for f in &mut certs {
            host_paths::show(f, root);
        }
    }
    out.extend(certs);
    for f in &mut out {
        scrub(f);
    }
    links::link(&mut out);
    // Root causes first, then by severity and pane.
    out.sort_by(|a, b| {
        (!a.caused_by.is_empty(), a.severity, a.pane).cmp(&(
            !b.caused_by.is_empty(),
            b.severity,
            b.pane,
        ))
    });
    out
}

/// The packet-path walk on this node: kube-proxy's configured mode against the rules found,
/// then (with the API's Service ports) the rules of that mode against the Services, their
/// NodePorts and, in IPVS mode, virtual servers no Service explains.
pub fn walk(data: &NodeData, services: Option<&[packet_path::ApiServicePort]>) -> Vec<Finding> {
    let mut out = proxy_mode::check(data);
    out.extend(packet_path::check(data, services));
    out.extend(packet_path_nodeports::check(data, services));
    out.extend(packet_path_ipvs::check(data, services));
    out
}

fn scrub(f: &mut Finding) {
    f.summary = redact(&f.summary);
    f.explanation = redact(&f.explanation);
    for e in &mut f.evidence {
        e.value = redact(&e.value);
    }
    for s in &mut f.next_steps {
        *s = redact(s);
    }
}

/// A finding with no evidence or next steps yet.
pub(crate) fn finding(
    pane: Pane,
    check: &str,
    severity: Severity,
    object: ObjectRef,
    summary: impl Into<String>,
    explanation: impl Into<String>,
) -> Finding {
    Finding {
        pane,
        check: check.to_string(),
        severity,
        object,
        summary: summary.into(),
        explanation: explanation.into(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

/// Evidence from node text: long values are cut (secrets are removed later for all).
pub(crate) fn ev(label: impl Into<String>, value: impl AsRef<str>) -> Evidence {
    let value = value.as_ref();
    let cut: String = value.chars().take(600).collect();
    let value = if cut.len() < value.len() {
        format!("{cut}…")
    } else {
        cut
    };
    Evidence::new(label, value)
}

/// A file of the node as a finding's object.
pub(crate) fn file(path: &str) -> ObjectRef {
    ObjectRef::new("File", "", path)
}

/// A systemd unit as a finding's object.
pub(crate) fn unit(name: &str) -> ObjectRef {
    ObjectRef::new("SystemdUnit", "", format!("{name}.service"))
}

/// The node itself as a finding's object.
pub(crate) fn node(data: &NodeData) -> ObjectRef {
    ObjectRef::new(
        "Node",
        "",
        data.node_name.clone().unwrap_or_else(|| "this node".into()),
    )
}
