//! The facts of a node's page (Troubleshoot → Nodes tab → Enter): the node's state, the pods
//! bound to it (kubectl's STATUS, READY and RESTARTS) and its recent events, gathered from the
//! engine's snapshot on the engine thread. The findings about it join in the app, from the
//! analysis it already holds (`troubleshoot::node_findings`).

use jiff::Timestamp;

use crate::model::pod_status::summarize;
use crate::objects::Kind;
use crate::troubleshoot::Snapshot;

/// Events listed at most (newest first).
const MAX_EVENTS: usize = 20;

/// What a node's page shows besides the findings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeFacts {
    pub name: String,
    /// `Ready`, `NotReady` or `Unknown`, with `,SchedulingDisabled` when cordoned (as kubectl).
    pub status: String,
    pub roles: String,
    pub kubelet_version: String,
    /// Conditions that are not as a healthy node has them, as `DiskPressure=True`.
    pub conditions: Vec<String>,
    pub taints: Vec<String>,
    pub pods: Vec<NodePod>,
    pub events: Vec<NodeEvent>,
    /// Said when the pod list may be incomplete (pods of other namespaces not watched…).
    pub note: Option<String>,
}

/// One pod bound to the node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePod {
    pub namespace: String,
    pub name: String,
    pub status: String,
    pub ready: String,
    pub restarts: i64,
}

/// One event about the node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeEvent {
    pub type_: String,
    pub reason: String,
    pub count: i32,
    pub last_seen: Option<Timestamp>,
    pub message: String,
}

/// The facts of node `name`; `None` when it is not in the snapshot.
pub fn node_facts(snap: &Snapshot, name: &str) -> Option<NodeFacts> {
    let node = snap.node(name)?;
    let cordoned = node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
    let ready = match node.ready().map(|c| c.status.as_str()) {
        Some("True") => "Ready",
        Some("False") => "NotReady",
        _ => "Unknown",
    };
    let status = if cordoned {
        format!("{ready},SchedulingDisabled")
    } else {
        ready.to_string()
    };
    let mut roles: Vec<&str> = node
        .metadata
        .labels
        .as_ref()
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(k, _)| k.as_str().strip_prefix("node-role.kubernetes.io/"))
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort_unstable();
    let status_of = node.status.as_ref();
    let conditions = status_of
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .filter(|c| {
            let healthy = if c.type_ == "Ready" { "True" } else { "False" };
            c.status != healthy
        })
        .map(|c| format!("{}={}", c.type_, c.status))
        .collect();
    let taints = node
        .taints()
        .iter()
        .map(|t| match t.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{}={v}:{}", t.key, t.effect),
            None => format!("{}:{}", t.key, t.effect),
        })
        .collect();
    let page = crate::troubleshoot::node_page(snap, &[], name);
    let pods = page
        .pods
        .iter()
        .map(|p| {
            let s = summarize(p);
            NodePod {
                namespace: p.metadata.namespace().to_string(),
                name: p.metadata.name().to_string(),
                status: s.status,
                ready: format!("{}/{}", s.ready, s.total),
                restarts: s.restarts,
            }
        })
        .collect();
    let events = page
        .events
        .iter()
        .take(MAX_EVENTS)
        .map(|e| NodeEvent {
            type_: e.type_.to_string(),
            reason: e.reason.to_string(),
            count: e.count,
            last_seen: e.last_seen,
            message: e.message.to_string(),
        })
        .collect();
    let note = (!snap.has_kind(Kind::Pod)).then(|| {
        "not every pod on this node is listed (another namespace is selected, the list was \
         refused, or it is still loading)"
            .to_string()
    });
    Some(NodeFacts {
        name: name.to_string(),
        status,
        roles: if roles.is_empty() {
            "<none>".into()
        } else {
            roles.join(",")
        },
        kubelet_version: node
            .status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.to_string())
            .unwrap_or_default(),
        conditions,
        taints,
        pods,
        events,
        note,
    })
}
