//! The Troubleshoot view's state: the latest analysis the engine sent (findings grouped root
//! cause first, and what it could not look at), merged with what was read on the node itself
//! (node-local mode, `super::node_local`), and which tab and finding are selected.

use std::time::Duration;

use jiff::Timestamp;

use crate::findings::{Finding, Pane, Severity};
use crate::troubleshoot::RootGroup;

/// What a tab shows: the findings of one pane (cluster-side and node-local alike), or every
/// node-local finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabKind {
    Pane(Pane),
    NodeLocal,
}

/// One tab of the view, under a title. A new tab is one more entry here; the keys, the tab
/// line and the help follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tab {
    pub kind: TabKind,
    pub title: &'static str,
    /// The title on a tab line too narrow for the full ones (80 columns).
    pub short: &'static str,
}

const fn pane_tab(pane: Pane, title: &'static str, short: &'static str) -> Tab {
    Tab {
        kind: TabKind::Pane(pane),
        title,
        short,
    }
}

/// The pane tabs of the view, in order.
pub const TABS: &[Tab] = &[
    pane_tab(Pane::App, "Applications", "Apps"),
    pane_tab(Pane::ControlPlane, "Control plane", "Ctl plane"),
    pane_tab(Pane::Node, "Nodes", "Nodes"),
    pane_tab(Pane::Network, "Network", "Net"),
    pane_tab(Pane::Certs, "Certificates", "Certs"),
];

/// The tab of what kmedic read on the node itself, after the pane tabs when it runs on a node
/// (or reads a bundle with `--host-root`).
pub const NODE_LOCAL_TAB: Tab = Tab {
    kind: TabKind::NodeLocal,
    title: "Node-local",
    short: "Node-local",
};

/// One completed analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Shared with the engine, which keeps the same list to compare the next pass with.
    pub findings: std::sync::Arc<[Finding]>,
    pub groups: Vec<RootGroup>,
    /// What could not be looked at (refused or unserved kinds, unreadable objects).
    pub coverage: crate::troubleshoot::CoverageReport,
    pub at: Timestamp,
    /// How long the pass took.
    pub took: Duration,
    /// The mirror pods of static pods the cluster shows (for node-local image drift).
    pub mirror_pods: Vec<crate::node::MirrorPod>,
}

/// A row of the findings list: a finding, whether it is a symptom folded under a root, and
/// whether it was read on the node itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRow {
    pub finding: usize,
    pub symptom: bool,
    pub local: bool,
}

/// Everything the view and the header badge need.
#[derive(Debug, Clone, Default)]
pub struct Troubleshoot {
    /// What the view shows: the cluster's analysis, with the node-local findings after it
    /// when kmedic reads a node.
    pub analysis: Option<Analysis>,
    /// The cluster's own analysis, kept apart while node-local findings are merged in.
    pub cluster: Option<Analysis>,
    /// Node-local mode: what was read on the node (`None`: kmedic does not read a node).
    pub node: Option<super::node_local::NodeLocal>,
    /// Findings at this index and after in `analysis` are node-local.
    pub local_from: Option<usize>,
    pub error: Option<String>,
    pub tab: usize,
    pub selected: usize,
    pub detail_scroll: usize,
}

impl Troubleshoot {
    /// Open critical and error findings, for the header badge.
    pub fn counts(&self) -> (usize, usize) {
        let findings = self
            .analysis
            .as_ref()
            .map(|a| &a.findings[..])
            .unwrap_or(&[]);
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        (count(Severity::Critical), count(Severity::Error))
    }

    /// The tabs shown: the pane tabs, and Node-local when kmedic reads a node.
    pub fn tabs(&self) -> Vec<Tab> {
        let mut tabs = TABS.to_vec();
        if self.node.as_ref().is_some_and(|n| n.shown) {
            tabs.push(NODE_LOCAL_TAB);
        }
        tabs
    }

    /// The tab shown.
    pub fn current_tab(&self) -> Tab {
        let tabs = self.tabs();
        tabs[self.tab % tabs.len()]
    }

    /// Whether finding `i` of the analysis was read on the node.
    pub fn is_local(&self, i: usize) -> bool {
        self.local_from.is_some_and(|from| i >= from)
    }

    /// Whether finding `i` belongs in `tab`.
    fn in_tab(&self, tab: Tab, i: usize) -> bool {
        let Some(f) = self.analysis.as_ref().and_then(|a| a.findings.get(i)) else {
            return false;
        };
        match tab.kind {
            TabKind::Pane(pane) => f.pane == pane,
            TabKind::NodeLocal => self.is_local(i),
        }
    }

    /// The rows of the current tab: each root cause followed by its symptoms.
    pub fn rows(&self) -> Vec<ListRow> {
        let Some(analysis) = &self.analysis else {
            return Vec::new();
        };
        let tab = self.current_tab();
        let in_pane = |i: usize| self.in_tab(tab, i);
        let severity = |i: usize| analysis.findings.get(i).map(|f| f.severity);
        let row = |finding: usize, symptom: bool| ListRow {
            finding,
            symptom,
            local: self.is_local(finding),
        };
        // Entries: a root of this pane with its symptoms, or a symptom whose root is on
        // another tab (it heads its own entry). Entries keep the groups' order within a
        // severity, and the most severe entry comes first.
        let mut entries: Vec<(Option<crate::findings::Severity>, Vec<ListRow>)> = Vec::new();
        for group in &analysis.groups {
            let root_here = in_pane(group.root);
            if root_here {
                let mut rows = vec![row(group.root, false)];
                rows.extend(
                    group
                        .symptoms
                        .iter()
                        .filter(|&&s| in_pane(s))
                        .map(|&s| row(s, true)),
                );
                entries.push((severity(group.root), rows));
            } else {
                for &s in group.symptoms.iter().filter(|&&s| in_pane(s)) {
                    entries.push((severity(s), vec![row(s, false)]));
                }
            }
        }
        entries.sort_by_key(|(sev, _)| *sev);
        entries.into_iter().flat_map(|(_, rows)| rows).collect()
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        let row = self.rows().get(self.selected).copied()?;
        self.analysis.as_ref()?.findings.get(row.finding)
    }

    /// Findings per tab, for the tab titles.
    pub fn count_in(&self, tab: Tab) -> usize {
        self.analysis.as_ref().map_or(0, |a| {
            (0..a.findings.len())
                .filter(|&i| self.in_tab(tab, i))
                .count()
        })
    }

    /// Whether node-local findings are shown while the cluster has not been analysed (yet):
    /// then an empty pane tab is "not analysed", never "nothing wrong".
    pub fn cluster_pending(&self) -> bool {
        self.node.is_some() && self.cluster.is_none()
    }
}

use super::state::AppState;

/// A new analysis arrived (results of an older watch generation are dropped).
pub fn on_result(state: &mut AppState, generation: u64, result: Result<Analysis, String>) {
    if generation != state.generation {
        return;
    }
    match result {
        Ok(analysis) if state.troubleshoot.node.is_some() => {
            state.troubleshoot.cluster = Some(analysis);
            state.troubleshoot.error = None;
            super::node_local::merge(&mut state.troubleshoot);
        }
        Ok(analysis) => {
            state.troubleshoot.analysis = Some(analysis);
            state.troubleshoot.error = None;
        }
        Err(e) => state.troubleshoot.error = Some(e),
    }
    let rows = state.troubleshoot.rows().len();
    state.troubleshoot.selected = state.troubleshoot.selected.min(rows.saturating_sub(1));
    super::browse::on_findings(state);
    state.dirty = true;
}

/// The engine found the same again: only the time of the analysis moves (redrawn when the
/// Troubleshoot view, which says it, is on screen).
pub fn on_reanalysed(state: &mut AppState, generation: u64, at: Timestamp) {
    if generation != state.generation {
        return;
    }
    let t = &mut state.troubleshoot;
    if t.node.is_some() {
        // The view shows the cluster's analysis merged with the node's: both carry its time.
        match t.cluster.as_mut() {
            Some(cluster) => cluster.at = at,
            None => return,
        }
    }
    if let Some(a) = t.analysis.as_mut() {
        a.at = at;
        if matches!(state.overlay, Some(super::overlay::Overlay::Troubleshoot)) {
            state.dirty = true;
        }
    }
}

/// Forgets findings of another cluster or namespace (after a switch).
pub fn reset(state: &mut AppState) {
    state.troubleshoot.analysis = None;
    state.troubleshoot.cluster = None;
    state.troubleshoot.local_from = None;
    state.troubleshoot.error = None;
    state.troubleshoot.selected = 0;
    // What was read on the node stays: it does not depend on the cluster.
    super::node_local::merge(&mut state.troubleshoot);
    super::browse::on_findings(state);
}
