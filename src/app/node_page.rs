//! A node's page (Troubleshoot → Nodes tab → Enter on a node's finding): its state, the
//! findings about it (cluster-side, and node-local ones when kmedic reads that node), the pods
//! bound to it and its recent events. The engine answers the node's facts as a followed
//! relation query (kept up to date while the page is open); the findings come from the
//! analysis the app holds. `lines` is the page as text, for the renderer and the scroll alike.

use std::collections::HashSet;

use crate::findings::{Finding, Pane, Severity};
use crate::model::ObjKey;
use crate::model::age::human_duration;
use crate::relations::{NodeFacts, Query, Want};

use super::state::AppState;
use super::text_view::TextView;
use super::troubleshoot::TabKind;

/// The page of one node.
#[derive(Debug, Clone)]
pub struct NodePagePane {
    pub node: String,
    /// `None` until the engine answers; `Some(None)` when the node is not in its caches.
    pub facts: Option<Option<NodeFacts>>,
    pub view: TextView,
}

impl NodePagePane {
    pub fn new(node: &str) -> Self {
        NodePagePane {
            node: node.to_string(),
            facts: None,
            view: TextView::default(),
        }
    }

    pub fn query(&self) -> Query {
        Query {
            want: Want::NodePage,
            kind: "Node".into(),
            key: ObjKey::new("", self.node.clone()),
        }
    }
}

/// How a line of the page is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Text,
    Muted,
    Finding(Severity),
}

/// One line of the page (cluster text, sanitised by the renderer).
#[derive(Debug, Clone, PartialEq)]
pub struct PageLine {
    pub kind: LineKind,
    pub text: String,
}

fn line(kind: LineKind, text: impl Into<String>) -> PageLine {
    PageLine {
        kind,
        text: text.into(),
    }
}

fn word(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// The node a Nodes-tab finding is about: a Node, its heartbeat Lease, a finding read on the
/// node kmedic reads (node-local), or a finding its node causes.
pub fn node_of_selected(state: &AppState) -> Option<String> {
    let t = &state.troubleshoot;
    if t.current_tab().kind != TabKind::Pane(Pane::Node) {
        return None;
    }
    let row = t.rows().get(t.selected).copied()?;
    let f = t.analysis.as_ref()?.findings.get(row.finding)?;
    let o = &f.object;
    if o.kind == "Node" || (o.kind == "Lease" && o.namespace == "kube-node-lease") {
        return Some(o.name.clone());
    }
    if row.local {
        return t.node.as_ref()?.report.as_ref()?.node.clone();
    }
    f.caused_by
        .iter()
        .find(|c| c.object.kind == "Node")
        .map(|c| c.object.name.clone())
}

/// The findings about the node, as (index into the analysis, folded under a root shown just
/// above): each root cause followed by its symptoms on this page, in the analysis' order; a
/// symptom whose root is not about this node heads its own entry.
fn findings_of(state: &AppState, pane: &NodePagePane, facts: &NodeFacts) -> Vec<(usize, bool)> {
    let t = &state.troubleshoot;
    let Some(analysis) = &t.analysis else {
        return Vec::new();
    };
    let pods: Vec<(&str, &str)> = facts
        .pods
        .iter()
        .map(|p| (p.namespace.as_str(), p.name.as_str()))
        .collect();
    let mut on_page: HashSet<usize> =
        crate::troubleshoot::node_findings(&analysis.findings, &pane.node, &pods)
            .into_iter()
            .collect();
    let read_here = t
        .node
        .as_ref()
        .and_then(|n| n.report.as_ref())
        .and_then(|r| r.node.as_deref())
        == Some(pane.node.as_str());
    if read_here {
        on_page.extend((0..analysis.findings.len()).filter(|&i| t.is_local(i)));
    }
    let mut out = Vec::new();
    for group in &analysis.groups {
        let root_here = on_page.contains(&group.root);
        if root_here {
            out.push((group.root, false));
        }
        out.extend(
            group
                .symptoms
                .iter()
                .filter(|s| on_page.contains(s))
                .map(|&s| (s, root_here)),
        );
    }
    out
}

fn finding_line(f: &Finding, symptom: bool, local: bool) -> PageLine {
    let fold = if symptom { "  └ " } else { "" };
    let origin = if local { "[node] " } else { "" };
    line(
        LineKind::Finding(f.severity),
        format!(
            "  {fold}{origin}{} {}/{}{}: {}  [{}]",
            word(f.severity),
            f.object.kind,
            if f.object.namespace.is_empty() {
                String::new()
            } else {
                format!("{}/", f.object.namespace)
            },
            f.object.name,
            f.summary,
            f.check
        ),
    )
}

/// The page as lines.
pub fn lines(state: &AppState, pane: &NodePagePane) -> Vec<PageLine> {
    let facts = match &pane.facts {
        None => return vec![line(LineKind::Muted, "Reading the node…")],
        Some(None) => {
            return vec![line(
                LineKind::Muted,
                format!(
                    "Node {} is not in kmedic's caches: it was deleted, or nodes cannot be listed.",
                    pane.node
                ),
            )];
        }
        Some(Some(f)) => f,
    };
    let mut out = vec![line(
        LineKind::Heading,
        format!(
            "Node {}: {}   roles: {}   kubelet: {}",
            facts.name,
            facts.status,
            facts.roles,
            if facts.kubelet_version.is_empty() {
                "?"
            } else {
                &facts.kubelet_version
            }
        ),
    )];
    if !facts.conditions.is_empty() {
        out.push(line(
            LineKind::Text,
            format!("  Conditions: {}", facts.conditions.join(", ")),
        ));
    }
    if !facts.taints.is_empty() {
        out.push(line(
            LineKind::Text,
            format!("  Taints: {}", facts.taints.join(", ")),
        ));
    }
    out.push(line(LineKind::Text, ""));
    let found = findings_of(state, pane, facts);
    out.push(line(
        LineKind::Heading,
        format!("Findings ({})", found.len()),
    ));
    let analysis = state.troubleshoot.analysis.as_ref();
    match analysis {
        None => out.push(line(LineKind::Muted, "  not analysed yet")),
        Some(_) if found.is_empty() => {
            out.push(line(LineKind::Muted, "  nothing wrong found on this node"));
        }
        Some(a) => out.extend(found.iter().filter_map(|&(i, symptom)| {
            a.findings
                .get(i)
                .map(|f| finding_line(f, symptom, state.troubleshoot.is_local(i)))
        })),
    }
    out.push(line(LineKind::Text, ""));
    out.push(line(
        LineKind::Heading,
        format!("Pods ({})", facts.pods.len()),
    ));
    if let Some(note) = &facts.note {
        out.push(line(LineKind::Muted, format!("  {note}")));
    }
    if !facts.pods.is_empty() {
        let ns_w = facts
            .pods
            .iter()
            .map(|p| p.namespace.len())
            .max()
            .unwrap_or(0);
        let name_w = facts.pods.iter().map(|p| p.name.len()).max().unwrap_or(0);
        let st_w = facts.pods.iter().map(|p| p.status.len()).max().unwrap_or(0);
        let (ns_w, name_w, st_w) = (ns_w.max(9), name_w.max(4), st_w.max(6));
        out.push(line(
            LineKind::Muted,
            format!(
                "  {:ns_w$}  {:name_w$}  {:st_w$}  READY  RESTARTS",
                "NAMESPACE", "NAME", "STATUS"
            ),
        ));
        for p in &facts.pods {
            out.push(line(
                LineKind::Text,
                format!(
                    "  {:ns_w$}  {:name_w$}  {:st_w$}  {:5}  {}",
                    p.namespace, p.name, p.status, p.ready, p.restarts
                ),
            ));
        }
    }
    out.push(line(LineKind::Text, ""));
    out.push(line(
        LineKind::Heading,
        format!("Events ({}, newest first)", facts.events.len()),
    ));
    if facts.events.is_empty() {
        out.push(line(LineKind::Muted, "  no events about this node"));
    }
    for e in &facts.events {
        let when = e
            .last_seen
            .map(|t| format!("{} ago", human_duration(t, state.now)))
            .unwrap_or_else(|| "?".into());
        let count = if e.count > 1 {
            format!(" ×{}", e.count)
        } else {
            String::new()
        };
        let kind = if e.type_ == "Warning" {
            LineKind::Finding(Severity::Warning)
        } else {
            LineKind::Text
        };
        out.push(line(
            kind,
            format!(
                "  {when:>9}  {} {}{count}: {}",
                e.type_, e.reason, e.message
            ),
        ));
    }
    out
}

/// The page as plain text (what `Y` copies).
pub fn plain(state: &AppState, pane: &NodePagePane) -> String {
    lines(state, pane)
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}
