//! Pods the kubelet evicted, told from its own messages, old and new: node pressure ("The
//! node was low on resource: memory. Threshold quantity: 100Mi, available: 62Mi. Container db
//! was using 1557408Ki, request is 200Mi, …", or the older "… which exceeds its request of …"),
//! a node condition ("The node had condition: [DiskPressure]."), or the pod's own
//! ephemeral-storage limits. Names the node (from the spec, else the host IP) and the
//! resource; repeated recent evictions of one workload's pods are an error, evictions older
//! than the restart window (the Failed pods linger until garbage-collected) only info.

use regex::Regex;
use std::sync::LazyLock;

use crate::objects::Pod;

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use crate::findings::{Finding, Severity};

/// Evictions of one workload's pods from this many on are an error, not a one-off.
const RECURRING: usize = 3;

/// What an eviction message says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Eviction {
    /// `memory`, `ephemeral-storage`, `pids`, `inodes` … or a node condition such as
    /// `DiskPressure`.
    pub resource: String,
    /// The node was under pressure (true) or the pod went over its own limit (false).
    pub node_pressure: bool,
    pub threshold: Option<String>,
    pub available: Option<String>,
    /// (container, using, request) of the containers named.
    pub containers: Vec<(String, String, String)>,
}

static LOW_ON: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"low on resource: \[?([A-Za-z-]+)\]?").ok());
static CONDITION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"had condition: \[([A-Za-z, ]+)\]").ok());
static THRESHOLD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"Threshold quantity: ([^,]+), available: ([^.\s]+(?:\.\d+)?[A-Za-z]*)").ok()
});
static CONTAINER_NEW: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"Container (\S+) was using (\S+), request is (\S+?),").ok());
static CONTAINER_OLD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"Container (\S+) was using (\S+), which exceeds its request of (\S+?)\.(?:\s|$)")
        .ok()
});

/// Reads an eviction message (`None` when it is none of the kubelet's forms).
pub fn parse(message: &str) -> Option<Eviction> {
    let mut e = Eviction::default();
    if let Some(c) = LOW_ON.as_ref().and_then(|r| r.captures(message)) {
        e.resource = c[1].to_string();
        e.node_pressure = true;
    } else if let Some(c) = CONDITION.as_ref().and_then(|r| r.captures(message)) {
        e.resource = c[1].to_string();
        e.node_pressure = true;
    } else if message.contains("local ephemeral storage")
        || message.contains("ephemeral local storage")
        || message.contains("Usage of EmptyDir volume")
    {
        e.resource = "ephemeral-storage".to_string();
    } else {
        return None;
    }
    if let Some(c) = THRESHOLD.as_ref().and_then(|r| r.captures(message)) {
        e.threshold = Some(c[1].trim().to_string());
        e.available = Some(c[2].trim().to_string());
    }
    for re in [&CONTAINER_NEW, &CONTAINER_OLD] {
        for c in re
            .as_ref()
            .into_iter()
            .flat_map(|r| r.captures_iter(message))
        {
            e.containers
                .push((c[1].to_string(), c[2].to_string(), c[3].to_string()));
        }
    }
    Some(e)
}

/// A byte quantity as people read it (`4902142328` → `4.6Gi`); other text unchanged.
fn readable(q: &str) -> String {
    match crate::model::quantity::parse_quantity(q) {
        Some(v) if v >= 1024.0 => crate::model::quantity::humanize_bytes(v),
        _ => q.to_string(),
    }
}

/// The node a pod ran on: `spec.nodeName`, else the node whose address is its host IP.
fn node_of(ctx: &Ctx, pod: &Pod) -> Option<String> {
    if let Some(n) = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
    {
        return Some(n.to_string());
    }
    let ip = pod.status.as_ref()?.host_ip.as_deref()?;
    ctx.snap
        .nodes
        .iter()
        .find(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.addresses.as_ref())
                .into_iter()
                .flatten()
                .any(|a| a.address == ip)
        })
        .map(|n| n.metadata.name().to_string())
}

/// When the pod was evicted, as far as its status tells: the latest condition change or
/// container end.
fn evicted_at(pod: &Pod) -> Option<crate::objects::Time> {
    let status = pod.status.as_ref()?;
    let conditions = status
        .conditions
        .iter()
        .flatten()
        .filter_map(|c| c.last_transition_time);
    let ends = super::container::statuses(pod)
        .filter_map(|(_, c)| super::container::current_terminated(c).and_then(|t| t.finished_at));
    conditions.chain(ends).max()
}

/// Evicted within the restart window (evicted pods stay until they are garbage-collected).
fn recent(ctx: &Ctx, pod: &Pod) -> bool {
    evicted_at(pod).is_none_or(|t| {
        super::build::secs_since(t.ts(), ctx.now()) <= ctx.opts.restart_window.as_secs() as i64
    })
}

/// How many pods of the same controller were evicted recently too.
fn siblings_evicted(ctx: &Ctx, pod: &Pod) -> usize {
    let Some(owner) = pod.metadata.controller() else {
        return 1;
    };
    ctx.snap
        .pods_owned_by(&owner.uid)
        .iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.reason.as_deref()) == Some("Evicted"))
        .filter(|p| recent(ctx, p))
        .count()
        .max(1)
}

pub fn evicted(ctx: &Ctx, pod: &Pod) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let status = pod.status.as_ref();
    let message = status
        .and_then(|s| s.message.as_deref())
        .unwrap_or("")
        .to_string();
    let qos = status
        .and_then(|s| s.qos_class.as_deref())
        .unwrap_or("")
        .to_string();
    let node = node_of(ctx, pod);
    let node_text = node.clone().unwrap_or_else(|| "its node".to_string());
    let parsed = parse(&message);
    let what = match &parsed {
        Some(e) if e.node_pressure && e.resource.ends_with("Pressure") => {
            format!("node {node_text} had {}", e.resource)
        }
        Some(e) if e.node_pressure => {
            let numbers = match (&e.available, &e.threshold) {
                (Some(a), Some(t)) => {
                    format!(" (available {}, threshold {})", readable(a), readable(t))
                }
                _ => String::new(),
            };
            format!("node {node_text} was low on {}{numbers}", e.resource)
        }
        Some(_) => "it went over its own ephemeral-storage limit".to_string(),
        None => format!("evicted from node {node_text}"),
    };
    let siblings = siblings_evicted(ctx, pod);
    let is_recent = recent(ctx, pod);
    let severity = if !is_recent {
        Severity::Info
    } else if siblings >= RECURRING {
        Severity::Error
    } else {
        Severity::Warning
    };
    let resource = parsed.as_ref().map(|e| e.resource.as_str()).unwrap_or("");
    let why = match parsed.as_ref() {
        Some(e) if !e.node_pressure => {
            "The kubelet evicted the pod because its containers wrote more local data (logs, \
             emptyDir, writable layer) than their ephemeral-storage limits allow. Raise the \
             limit or write less (e.g. to a volume)."
        }
        _ if resource.contains("memory") || resource == "MemoryPressure" => {
            "The kubelet evicted the pod because its node ran short of memory. BestEffort pods \
             go first, then Burstable pods using more than they request: set memory requests \
             to what the app really uses (requests = limits makes it Guaranteed)."
        }
        _ if resource.contains("storage")
            || resource.contains("fs")
            || resource == "DiskPressure" =>
        {
            "The kubelet evicted the pod because its node ran short of disk (logs, images, \
             emptyDir volumes, writable layers). Free the node's disk and set ephemeral-storage \
             requests and limits on pods that write much."
        }
        _ if resource.contains("pid") || resource == "PIDPressure" => {
            "The kubelet evicted the pod because its node ran out of process IDs: some pod \
             starts too many processes or threads."
        }
        _ => {
            "The kubelet evicted the pod because its node was under resource pressure. \
             BestEffort pods go first, then Burstable pods using more than they request."
        }
    };
    let mut f = app(
        "pod-evicted",
        severity,
        o.clone(),
        format!("pod was evicted: {what}"),
    )
    .explain(why)
    .with("status.message", message.clone())
    .with("qosClass", qos)
    .with("node", node_text.clone());
    if let Some(e) = &parsed {
        for (c, using, request) in &e.containers {
            f = f.with(
                &format!("container {c}"),
                format!("was using {using}, request {request}"),
            );
        }
    }
    if !is_recent && let Some(t) = evicted_at(pod) {
        f = f.explain(format!(
            "It happened {} ago; the Failed pod is only left to clean up.",
            crate::model::age::human_duration(t.ts(), ctx.now())
        ));
    } else if siblings >= RECURRING {
        f = f.explain(format!(
            "{siblings} pods of the same workload were evicted: it keeps happening."
        ));
    }
    f = f.events(ctx, &[], true);
    if let Some(n) = &node {
        f = f.step(format!(
            "kubectl describe node {n}   (Conditions, Allocated resources)"
        ));
        f = f.step(format!(
            "kubectl get pods -A --field-selector spec.nodeName={n},status.phase=Failed"
        ));
    }
    f.step(format!(
        "kubectl delete pod{nsf} --field-selector=status.phase==Failed   (clean up)"
    ))
}

#[cfg(test)]
#[path = "pod_evicted_tests.rs"]
mod tests;
