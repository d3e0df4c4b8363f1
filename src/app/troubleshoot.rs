//! The Troubleshoot view's state: the latest analysis the engine sent (findings grouped root
//! cause first, and what it could not look at), and which pane tab and finding are selected.

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

/// One completed analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub groups: Vec<RootGroup>,
    /// What could not be looked at (refused or unserved kinds, unreadable objects).
    pub coverage: crate::troubleshoot::CoverageReport,
    pub at: Timestamp,
    /// How long the pass took.
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
        let severity = |i: usize| analysis.findings.get(i).map(|f| f.severity);
        // Entries: a root of this pane with its symptoms, or a symptom whose root is on
        // another tab (it heads its own entry). Entries keep the groups' order within a
        // severity, and the most severe entry comes first.
        let mut entries: Vec<(Option<crate::findings::Severity>, Vec<ListRow>)> = Vec::new();
        for group in &analysis.groups {
            let root_here = in_pane(group.root);
            if root_here {
                let mut rows = vec![ListRow {
                    finding: group.root,
                    symptom: false,
                }];
                rows.extend(
                    group
                        .symptoms
                        .iter()
                        .filter(|&&s| in_pane(s))
                        .map(|&s| ListRow {
                            finding: s,
                            symptom: true,
                        }),
                );
                entries.push((severity(group.root), rows));
            } else {
                for &s in group.symptoms.iter().filter(|&&s| in_pane(s)) {
                    entries.push((
                        severity(s),
                        vec![ListRow {
                            finding: s,
                            symptom: false,
                        }],
                    ));
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
    pub fn count_in(&self, pane: Pane) -> usize {
        self.analysis
            .as_ref()
            .map_or(0, |a| a.findings.iter().filter(|f| f.pane == pane).count())
    }
}

use super::state::AppState;

/// A new analysis arrived (results of an older watch generation are dropped).
pub fn on_result(state: &mut AppState, generation: u64, result: Result<Analysis, String>) {
    if generation != state.generation {
        return;
    }
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
}

/// Forgets findings of another cluster or namespace (after a switch).
pub fn reset(state: &mut AppState) {
    state.troubleshoot.analysis = None;
    state.troubleshoot.error = None;
    state.troubleshoot.selected = 0;
}
