//! The Troubleshoot view's state: the latest analysis (findings grouped root cause first), which
//! pane tab and finding are selected, and when to analyse again (debounced after changes).

use std::time::Duration;

use jiff::Timestamp;

use crate::findings::{Finding, Pane, Severity};
use crate::troubleshoot::RootGroup;

/// One tab of the view: the findings of one pane, under a title. A new tab is one more entry
/// here; the keys, the tab line and the help follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tab {
    pub pane: Pane,
    pub title: &'static str,
}

/// The tabs of the view, in order.
pub const TABS: &[Tab] = &[
    Tab {
        pane: Pane::App,
        title: "Applications",
    },
    Tab {
        pane: Pane::ControlPlane,
        title: "Control plane",
    },
    Tab {
        pane: Pane::Node,
        title: "Nodes",
    },
    Tab {
        pane: Pane::Network,
        title: "Network",
    },
    Tab {
        pane: Pane::Certs,
        title: "Certificates",
    },
];

/// Quiet time after a change before the cluster is analysed again.
pub const DEBOUNCE: Duration = Duration::from_secs(3);

/// One completed analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub groups: Vec<RootGroup>,
    /// Lists the server refused; the analysis covers the rest.
    pub skipped: Vec<String>,
    pub at: Timestamp,
    /// How long it took, to space out the next one on big clusters.
    pub took: Duration,
}

/// A row of the findings list: a finding and whether it is a symptom folded under a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRow {
    pub finding: usize,
    pub symptom: bool,
}

/// Everything the view and the header badge need.
#[derive(Debug, Clone, Default)]
pub struct Troubleshoot {
    pub analysis: Option<Analysis>,
    pub error: Option<String>,
    /// Request id of the analysis running or scheduled.
    pub pending: Option<u64>,
    /// The cluster changed since the pending or last analysis started.
    pub changed: bool,
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
            .map(|a| a.findings.as_slice())
            .unwrap_or(&[]);
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        (count(Severity::Critical), count(Severity::Error))
    }

    /// The tab shown.
    pub fn current_tab(&self) -> Tab {
        TABS[self.tab % TABS.len()]
    }

    pub fn pane(&self) -> Pane {
        self.current_tab().pane
    }

    /// The rows of the current tab: each root cause followed by its symptoms.
    pub fn rows(&self) -> Vec<ListRow> {
        let Some(analysis) = &self.analysis else {
            return Vec::new();
        };
        let pane = self.pane();
        let in_pane = |i: usize| analysis.findings.get(i).is_some_and(|f| f.pane == pane);
        let mut rows = Vec::new();
        for group in &analysis.groups {
            let root_here = in_pane(group.root);
            if root_here {
                rows.push(ListRow {
                    finding: group.root,
                    symptom: false,
                });
            }
            for &symptom in &group.symptoms {
                if in_pane(symptom) {
                    rows.push(ListRow {
                        finding: symptom,
                        symptom: root_here,
                    });
                }
            }
        }
        rows
    }

    pub fn selected_finding(&self) -> Option<&Finding> {
        let row = self.rows().get(self.selected).copied()?;
        self.analysis.as_ref()?.findings.get(row.finding)
    }

    /// Findings per tab, for the tab titles.
    pub fn count_in(&self, pane: Pane) -> usize {
        self.analysis
            .as_ref()
            .map_or(0, |a| a.findings.iter().filter(|f| f.pane == pane).count())
    }

    /// How long to wait after a change before analysing again: the debounce, stretched on
    /// clusters whose analysis is slow.
    pub fn next_delay(&self) -> Duration {
        let took = self.analysis.as_ref().map_or(Duration::ZERO, |a| a.took);
        DEBOUNCE.max(took * 5)
    }
}

use super::effect::Effect;
use super::state::AppState;

/// Asks for an analysis after `delay` unless one is already running or scheduled.
pub fn schedule(state: &mut AppState, delay: Duration) -> Vec<Effect> {
    if state.troubleshoot.pending.is_some() {
        state.troubleshoot.changed = true;
        return Vec::new();
    }
    let request = state.next_request;
    state.next_request += 1;
    state.troubleshoot.pending = Some(request);
    state.troubleshoot.changed = false;
    vec![Effect::Analyze {
        request,
        generation: state.generation,
        scope: state.scope.clone(),
        delay,
    }]
}

/// The cluster changed: analyse again once it has been quiet for a while.
pub fn on_change(state: &mut AppState) -> Vec<Effect> {
    let delay = if state.troubleshoot.analysis.is_none() {
        Duration::from_millis(500)
    } else {
        state.troubleshoot.next_delay()
    };
    schedule(state, delay)
}

/// An analysis finished.
pub fn on_result(
    state: &mut AppState,
    request: u64,
    generation: u64,
    result: Result<Analysis, String>,
) -> Vec<Effect> {
    if generation != state.generation || state.troubleshoot.pending != Some(request) {
        return Vec::new();
    }
    state.troubleshoot.pending = None;
    match result {
        Ok(analysis) => {
            state.troubleshoot.analysis = Some(analysis);
            state.troubleshoot.error = None;
        }
        Err(e) => state.troubleshoot.error = Some(e),
    }
    let rows = state.troubleshoot.rows().len();
    state.troubleshoot.selected = state.troubleshoot.selected.min(rows.saturating_sub(1));
    state.dirty = true;
    if state.troubleshoot.changed {
        let delay = state.troubleshoot.next_delay();
        schedule(state, delay)
    } else {
        Vec::new()
    }
}

/// Forgets findings of another cluster or namespace (after a switch).
pub fn reset(state: &mut AppState) {
    state.troubleshoot.analysis = None;
    state.troubleshoot.error = None;
    state.troubleshoot.pending = None;
    state.troubleshoot.selected = 0;
}
