//! The Troubleshoot screen: moving through findings (`j`/`k`), switching pane tabs (`h`/`l`,
//! Tab), scrolling the selected finding's details (`J`/`K` by line, PgDn/PgUp/Space by page),
//! opening what a finding is about (describe, YAML, logs — `Back` returns here) and copying
//! the finding, and reading the node again (`r`, node-local mode).

use crate::model::{ObjKey, ResourceKind};

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::layout;
use super::super::state::{AppState, say};
use super::{Hint, detail};

pub const HANDLES: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::PageUp,
    Action::PageDown,
    Action::DetailUp,
    Action::DetailDown,
    Action::Open,
    Action::Describe,
    Action::Yaml,
    Action::Logs,
    Action::LogsPrevious,
    Action::Copy,
    Action::Refresh,
    Action::Reach,
];

pub const FOOTER: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Right, "next tab"),
    (Action::Open, "describe"),
    (Action::Logs, "logs"),
    (Action::PageDown, "details"),
    (Action::DetailDown, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

/// The footer on the Nodes tab: Enter opens the node's page.
pub const FOOTER_NODES: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Right, "next tab"),
    (Action::Open, "node page"),
    (Action::Describe, "describe"),
    (Action::PageDown, "details"),
    (Action::DetailDown, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

/// The footer on the Network tab: "can A reach B" is asked there.
pub const FOOTER_NETWORK: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Right, "next tab"),
    (Action::Reach, "reach"),
    (Action::Describe, "describe"),
    (Action::PageDown, "details"),
    (Action::DetailDown, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

/// The footer on the Node-local tab: reading the node again is offered there.
pub const FOOTER_NODE_LOCAL: &[Hint] = &[
    (Action::Back, "back"),
    (Action::Right, "next tab"),
    (Action::Refresh, "read again"),
    (Action::PageDown, "details"),
    (Action::DetailDown, "scroll"),
    (Action::Copy, "copy"),
    (Action::Help, "help"),
];

/// The footer of the tab shown.
pub fn footer(state: &AppState) -> &'static [Hint] {
    use super::super::troubleshoot::TabKind;
    match state.troubleshoot.current_tab().kind {
        TabKind::NodeLocal => FOOTER_NODE_LOCAL,
        TabKind::Pane(crate::findings::Pane::Node) => FOOTER_NODES,
        TabKind::Pane(crate::findings::Pane::Network) => FOOTER_NETWORK,
        TabKind::Pane(_) => FOOTER,
    }
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let rows = state.troubleshoot.rows().len();
    let (width, height) = layout::troubleshoot_detail_text(state.width, state.height);
    let detail_rows = state
        .troubleshoot
        .selected_finding()
        .map_or(0, |f| super::super::finding_text::rows(f, width).len());
    let max_scroll = detail_rows.saturating_sub(height);
    let t = &mut state.troubleshoot;
    let select = |t: &mut super::super::troubleshoot::Troubleshoot, index: isize| {
        t.selected = index.clamp(0, rows.saturating_sub(1) as isize) as usize;
        t.detail_scroll = 0;
    };
    let scroll = |t: &mut super::super::troubleshoot::Troubleshoot, delta: isize| {
        t.detail_scroll = t.detail_scroll.saturating_add_signed(delta).min(max_scroll);
    };
    match action {
        Action::Up => select(t, t.selected as isize - 1),
        Action::Down => select(t, t.selected as isize + 1),
        Action::Top => select(t, 0),
        Action::Bottom => select(t, rows as isize),
        Action::Left | Action::Right => {
            let n = t.tabs().len();
            t.tab = if action == Action::Right {
                (t.tab + 1) % n
            } else {
                (t.tab + n - 1) % n
            };
            t.selected = 0;
            t.detail_scroll = 0;
        }
        Action::DetailDown => scroll(t, 1),
        Action::DetailUp => scroll(t, -1),
        Action::PageDown => scroll(t, height.saturating_sub(1).max(1) as isize),
        Action::PageUp => scroll(t, -(height.saturating_sub(1).max(1) as isize)),
        Action::Open => {
            if super::node_page::open_from_troubleshoot(state) {
                return Some(Vec::new());
            }
            return Some(open_object(state, false));
        }
        Action::Describe | Action::Yaml => {
            return Some(open_object(state, action == Action::Yaml));
        }
        Action::Logs | Action::LogsPrevious => {
            return Some(open_logs(state, action == Action::LogsPrevious));
        }
        Action::Refresh => {
            if state.troubleshoot.node.is_none() {
                say(
                    state,
                    "kmedic reads no node here: run it on a node, or give --host-root DIR",
                    true,
                );
                return Some(Vec::new());
            }
            return Some(super::super::node_local::refresh(state));
        }
        Action::Reach => return Some(super::super::reach::open_from_finding(state)),
        Action::Copy => {
            let Some(text) = state
                .troubleshoot
                .selected_finding()
                .map(super::super::finding_text::plain)
            else {
                return Some(Vec::new());
            };
            return Some(super::copy(state, "the finding", text));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Opens the describe (or YAML) view of the selected finding's object, when kmedic has a view
/// for its kind; `Back` returns to Troubleshoot.
fn open_object(state: &mut AppState, yaml: bool) -> Vec<Effect> {
    let Some(object) = state
        .troubleshoot
        .selected_finding()
        .map(|f| f.object.clone())
    else {
        return Vec::new();
    };
    if matches!(object.kind.as_str(), "File" | "SystemdUnit") {
        say(
            state,
            format!(
                "{} is on the node, not in the cluster: what kmedic read of it is in the details",
                object.name
            ),
            false,
        );
        return Vec::new();
    }
    match ResourceKind::from_name(&object.kind) {
        Some(kind) => detail::open(
            state,
            kind,
            ObjKey::new(object.namespace, object.name),
            yaml,
        ),
        None => {
            let ns = if object.namespace.is_empty() {
                String::new()
            } else {
                format!(" -n {}", object.namespace)
            };
            say(
                state,
                format!(
                    "kmedic has no view for a {} yet; try: kubectl describe {}/{}{ns}",
                    object.kind,
                    object.kind.to_lowercase(),
                    object.name,
                ),
                true,
            );
            Vec::new()
        }
    }
}

/// Opens the log pane on what the selected finding is about: a pod's (previous) logs, or every
/// pod of a workload or Service.
fn open_logs(state: &mut AppState, previous: bool) -> Vec<Effect> {
    let Some(object) = state
        .troubleshoot
        .selected_finding()
        .map(|f| f.object.clone())
    else {
        return Vec::new();
    };
    let ns = object.namespace.clone();
    match object.kind.as_str() {
        "Pod" => super::super::logs_pane::open_pod(state, &ns, &object.name, None, previous),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            super::super::logs_pane::open_pods(
                state,
                Some(ns),
                crate::logs::PodSet::Workload {
                    kind: object.kind.clone(),
                    name: object.name.clone(),
                },
            )
        }
        "Service" => super::super::logs_pane::open_pods(
            state,
            Some(ns),
            crate::logs::PodSet::Service {
                name: object.name.clone(),
            },
        ),
        other => {
            say(state, format!("a {other} has no logs of its own"), true);
            Vec::new()
        }
    }
}
