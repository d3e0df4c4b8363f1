//! Node-local mode in the Troubleshoot view: what kmedic read on the node itself (this
//! machine when it is a node, or a bundle given with `--host-root`). The reducer asks the
//! runtime for a reading (`Effect::InspectNode`, at start, every [`REFRESH_EVERY`] and on the
//! refresh key), the report comes back as `Msg::NodeLocal`, and the node-local findings are
//! merged after the cluster's: in their own tab, and in the pane tabs marked as read on the
//! node, linked to the cluster-side symptoms they explain.

use std::time::Duration;

use jiff::Timestamp;

use super::effect::Effect;
use super::state::AppState;
use super::troubleshoot::{Analysis, Troubleshoot};
use crate::findings::Evidence;
use crate::node::{ClusterContext, NodeReport};

/// A new reading of the node this long after the last one.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// The node's side of the view.
#[derive(Debug, Clone, Default)]
pub struct NodeLocal {
    /// What is read, for the tab's title and the evidence (`this node`, `bundle /mnt/cp-1`).
    pub source: String,
    /// Whether the tab is shown. Off until the first reading when kmedic only guessed it runs
    /// on a node; then shown only if the reading found a node.
    pub shown: bool,
    /// Started on a guess: a reading that finds no node removes the tab silently.
    pub detected: bool,
    pub report: Option<NodeReport>,
    /// Why the last reading failed.
    pub error: Option<String>,
    /// When the last reading finished.
    pub at: Option<Timestamp>,
    /// The reading in flight.
    pub running: Option<u64>,
    pub next_request: u64,
    /// The last reading started (in flight or done) had the cluster's mirror pods to
    /// compare with (image drift).
    pub had_mirror_pods: bool,
    /// Read again as soon as the reading in flight ends: the cluster's mirror pods arrived
    /// after it started.
    pub again: bool,
}

/// What node-local mode is told.
#[derive(Debug, Clone)]
pub enum NodeLocalMsg {
    /// Start reading a node. `detected`: kmedic guessed it runs on one (`/` looked like a
    /// node); otherwise the user named a bundle.
    Start { source: String, detected: bool },
    /// Read the node again now (the refresh key does this too).
    Refresh,
    /// A reading finished at `at`. `Err`: why nothing could be read.
    Inspected {
        request: u64,
        at: Timestamp,
        result: Result<NodeReport, String>,
    },
}

/// Applies a node-local message.
pub fn on_msg(state: &mut AppState, msg: NodeLocalMsg) -> Vec<Effect> {
    match msg {
        NodeLocalMsg::Start { source, detected } => {
            state.troubleshoot.node = Some(NodeLocal {
                source,
                shown: !detected,
                detected,
                ..NodeLocal::default()
            });
            state.dirty = true;
            refresh(state)
        }
        NodeLocalMsg::Refresh => refresh(state),
        NodeLocalMsg::Inspected {
            request,
            at,
            result,
        } => {
            on_inspected(state, request, at, result);
            let again = state
                .troubleshoot
                .node
                .as_ref()
                .is_some_and(|n| n.again && n.running.is_none());
            if again { refresh(state) } else { Vec::new() }
        }
    }
}

/// The cluster was analysed. At start the node is read before the cluster's first analysis,
/// so without its mirror pods: read again now (or when the reading in flight ends), so image
/// drift shows on the first pass and not a minute later.
pub fn on_cluster_analysed(state: &mut AppState) -> Vec<Effect> {
    let t = &mut state.troubleshoot;
    let has_mirror_pods = t
        .cluster
        .as_ref()
        .or(t.analysis.as_ref())
        .is_some_and(|a| !a.mirror_pods.is_empty());
    let Some(node) = t.node.as_mut() else {
        return Vec::new();
    };
    if !has_mirror_pods || node.had_mirror_pods || node.next_request == 0 {
        return Vec::new();
    }
    if node.running.is_some() {
        node.again = true;
        return Vec::new();
    }
    refresh(state)
}

/// Starts a reading unless one is running; nothing when node-local mode is off. The mirror
/// pods of the cluster's last analysis go with it (image drift).
pub fn refresh(state: &mut AppState) -> Vec<Effect> {
    let t = &mut state.troubleshoot;
    let mirror_pods = t
        .analysis
        .as_ref()
        .map(|a| a.mirror_pods.clone())
        .unwrap_or_default();
    let Some(node) = t.node.as_mut() else {
        return Vec::new();
    };
    if node.running.is_some() {
        return Vec::new();
    }
    node.next_request += 1;
    let request = node.next_request;
    node.running = Some(request);
    node.had_mirror_pods = !mirror_pods.is_empty();
    node.again = false;
    let files_first = node.detected && node.report.is_none();
    state.dirty = true;
    vec![Effect::InspectNode {
        request,
        context: ClusterContext {
            mirror_pods,
            services: None,
        },
        files_first,
    }]
}

/// The clock moved: read the node again when the last reading is old enough.
pub fn on_tick(state: &mut AppState, now: Timestamp) -> Vec<Effect> {
    let due = state.troubleshoot.node.as_ref().is_some_and(|n| {
        n.running.is_none()
            && n.at
                .is_some_and(|at| now.duration_since(at).unsigned_abs().ge(&REFRESH_EVERY))
    });
    if due { refresh(state) } else { Vec::new() }
}

fn on_inspected(
    state: &mut AppState,
    request: u64,
    at: Timestamp,
    result: Result<NodeReport, String>,
) {
    let t = &mut state.troubleshoot;
    let Some(node) = t.node.as_mut() else { return };
    if node.running != Some(request) {
        return;
    }
    node.running = None;
    node.at = Some(at);
    match result {
        Ok(report) => {
            node.shown = true;
            node.report = Some(report);
            node.error = None;
        }
        Err(_) if node.detected && node.report.is_none() => {
            // kmedic only guessed it runs on a node, and it does not: no tab.
            t.node = None;
            t.tab %= super::troubleshoot::TABS.len();
            if let Some(cluster) = t.cluster.take() {
                t.analysis = Some(cluster);
            }
            t.local_from = None;
        }
        Err(e) => node.error = Some(e),
    }
    merge(t);
    let rows = t.rows().len();
    t.selected = t.selected.min(rows.saturating_sub(1));
    state.dirty = true;
}

/// Rebuilds what the view shows: the cluster's findings, then the node-local ones (each with
/// an evidence line saying where it was read), linked and grouped anew.
pub fn merge(t: &mut Troubleshoot) {
    let Some(node) = &t.node else { return };
    // The cluster's analysis arrived before node-local mode merged anything.
    if t.cluster.is_none() && t.local_from.is_none() {
        t.cluster = t.analysis.take();
    }
    let Some(report) = &node.report else {
        t.analysis = t.cluster.clone();
        t.local_from = None;
        return;
    };
    let mut findings = t
        .cluster
        .as_ref()
        .map(|a| a.findings.to_vec())
        .unwrap_or_default();
    let from = findings.len();
    let name = report.node.as_deref().unwrap_or("name unknown");
    let seen = format!("read on the node ({name}): {}", node.source);
    findings.extend(report.findings.iter().cloned().map(|mut f| {
        f.evidence.insert(0, Evidence::new("from", seen.clone()));
        f
    }));
    if let Some(node_name) = &report.node {
        crate::troubleshoot::links_node_local::link(&mut findings, from, node_name);
    }
    let groups = crate::troubleshoot::group_by_root(&findings);
    let (coverage, at, took, mirror_pods) = match &t.cluster {
        Some(a) => (a.coverage.clone(), a.at, a.took, a.mirror_pods.clone()),
        None => (
            Default::default(),
            node.at.unwrap_or_default(),
            Duration::ZERO,
            Vec::new(),
        ),
    };
    t.analysis = Some(Analysis {
        findings: findings.into(),
        groups,
        coverage,
        at,
        took,
        mirror_pods,
    });
    t.local_from = Some(from);
}
