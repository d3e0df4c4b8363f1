//! What keys do in the Troubleshoot view: move through findings, switch pane tabs, open the
//! object a finding is about (describe or YAML), scroll the finding's details.

use crate::model::{ObjKey, ResourceKind};

use super::action::Action;
use super::effect::Effect;
use super::keys::open_object_view;
use super::state::{AppState, Notice};
use super::troubleshoot::PANES;

/// Handles `action` in the Troubleshoot view; `None` lets the usual handling apply.
pub fn apply(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let rows = state.troubleshoot.rows().len();
    let page = state.table_height() / 2;
    let t = &mut state.troubleshoot;
    let move_to = |t: &mut super::troubleshoot::Troubleshoot, index: isize| {
        t.selected = index.clamp(0, rows.saturating_sub(1) as isize) as usize;
        t.detail_scroll = 0;
    };
    match action {
        Action::Up => move_to(t, t.selected as isize - 1),
        Action::Down => move_to(t, t.selected as isize + 1),
        Action::PageUp => move_to(t, t.selected as isize - page as isize),
        Action::PageDown => move_to(t, t.selected as isize + page as isize),
        Action::Top => move_to(t, 0),
        Action::Bottom => move_to(t, rows as isize),
        Action::Left | Action::Right | Action::NextView | Action::PreviousView => {
            let forward = matches!(action, Action::Right | Action::NextView);
            let n = PANES.len();
            t.tab = if forward {
                (t.tab + 1) % n
            } else {
                (t.tab + n - 1) % n
            };
            t.selected = 0;
            t.detail_scroll = 0;
        }
        Action::SearchNext => t.detail_scroll += 1,
        Action::SearchPrevious => t.detail_scroll = t.detail_scroll.saturating_sub(1),
        Action::Logs | Action::LogsPrevious => {
            return Some(open_finding_logs(state, action == Action::LogsPrevious));
        }
        Action::Describe | Action::Yaml => {
            return Some(open_finding_object(state, action == Action::Yaml));
        }
        Action::Back | Action::Troubleshoot => state.overlay = None,
        Action::Filter
        | Action::ClearFilter
        | Action::SortNext
        | Action::SortPrevious
        | Action::SortReverse => {}
        _ => return None,
    }
    Some(Vec::new())
}

/// Opens the describe (or YAML) view of the selected finding's object, when kmedic has a view
/// for its kind.
fn open_finding_object(state: &mut AppState, yaml: bool) -> Vec<Effect> {
    let Some(object) = state
        .troubleshoot
        .selected_finding()
        .map(|f| f.object.clone())
    else {
        return Vec::new();
    };
    match ResourceKind::from_name(&object.kind) {
        Some(kind) => {
            let key = ObjKey::new(object.namespace, object.name);
            open_object_view(state, kind, key, yaml)
        }
        None => {
            state.notice = Some(Notice {
                text: format!(
                    "no view for {} yet: kubectl describe {} {} -n {}",
                    object.kind,
                    object.kind.to_lowercase(),
                    object.name,
                    object.namespace
                ),
                error: true,
            });
            Vec::new()
        }
    }
}

/// Opens the log pane on what the selected finding is about: a pod's (previous) logs, or every
/// pod of a workload or Service.
fn open_finding_logs(state: &mut AppState, previous: bool) -> Vec<Effect> {
    let Some(object) = state
        .troubleshoot
        .selected_finding()
        .map(|f| f.object.clone())
    else {
        return Vec::new();
    };
    let ns = object.namespace.clone();
    match object.kind.as_str() {
        "Pod" => super::logs_pane::open_pod(state, &ns, &object.name, None, previous),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            super::logs_pane::open_pods(
                state,
                Some(ns),
                crate::logs::PodSet::Workload {
                    kind: object.kind.clone(),
                    name: object.name.clone(),
                },
            )
        }
        "Service" => super::logs_pane::open_pods(
            state,
            Some(ns),
            crate::logs::PodSet::Service {
                name: object.name.clone(),
            },
        ),
        other => {
            state.notice = Some(Notice {
                text: format!("no logs for a {other}"),
                error: true,
            });
            Vec::new()
        }
    }
}
