//! The keys of the combined list of a category (`:all`): the table's keymap layer, each row
//! acted on as its OWN kind (describe and YAML of that object, Enter's drill-down or describe,
//! logs of a pod or a workload, the object tree, copying `deployment.apps/web -n shop`).
//! Sorting stays per kind (each section by name) and says so.

use crate::app::category::{self, Section};
use crate::logs::spec::PodSet;
use crate::model::ObjKey;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::input::{InputLine, InputPurpose};
use super::super::logs_pane;
use super::super::state::{AppState, say};
use super::{Hint, detail, global, picker, table};

/// The footer of the combined list.
pub const FOOTER: &[Hint] = &[
    (Action::CommandLine, "command"),
    (Action::Filter, "filter"),
    (Action::Open, "open"),
    (Action::Describe, "describe"),
    (Action::Logs, "logs"),
    (Action::Help, "help"),
    (Action::Back, "back"),
    (Action::Tree, "tree"),
    (Action::Yaml, "yaml"),
    (Action::NamespacePicker, "namespace"),
    (Action::FaultsOnly, "faults"),
];

/// The footer as it reads now: `Back` clears a filter first; logs and the tree are offered
/// only for a row that has them.
pub fn footer(state: &AppState) -> Vec<Hint> {
    let filtered = category::shown(state).is_some_and(|v| !v.filter_text.is_empty());
    let selected = category::selected(state).map(|(section, _)| section);
    let has_logs = selected.is_some_and(|s| has_logs(&s.resource));
    let has_tree = selected.is_some_and(|s| crate::relations::has_tree(&s.relation_kind_name()));
    FOOTER
        .iter()
        .filter(|(action, _)| match action {
            Action::Logs => has_logs,
            Action::Tree => has_tree,
            _ => true,
        })
        .map(|&(action, label)| match action {
            Action::Back if filtered => (action, "clear filter"),
            _ => (action, label),
        })
        .collect()
}

/// What the selected row is, as the reducer needs it after the borrow of the state ends.
struct Target {
    section: Section,
    key: ObjKey,
}

fn target(state: &AppState) -> Option<Target> {
    let (section, row) = category::selected(state)?;
    Some(Target {
        section: section.clone(),
        key: row.key.clone(),
    })
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let page = state.text_height() as isize;
    match action {
        Action::Back => back(state),
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::PageUp => move_cursor(state, -page),
        Action::PageDown => move_cursor(state, page),
        Action::Top => move_cursor(state, isize::MIN / 2),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::SortNext | Action::SortPrevious | Action::SortReverse => say(
            state,
            "sorting: each kind's rows are sorted by name here; open one kind (:deploy, :sts…) \
             to sort by another column",
            false,
        ),
        Action::Left | Action::Right => say(
            state,
            "columns: each kind shows its own; open one kind (:deploy, :sts…) to scroll them",
            false,
        ),
        Action::Filter => {
            let text = category::shown(state)
                .map(|v| v.filter_text.clone())
                .unwrap_or_default();
            state.input = Some(InputLine::new(InputPurpose::Filter, text));
        }
        Action::ClearFilter => category::set_filter(state, ""),
        Action::FaultsOnly => {
            let on = category::toggle_faults(state);
            let text = if on {
                "faults only: rows with a warning or an error"
            } else {
                "all rows"
            };
            say(state, text, false);
        }
        Action::Describe | Action::Yaml => {
            let Some(t) = target(state) else {
                return Some(Vec::new());
            };
            return Some(describe(state, t, action == Action::Yaml));
        }
        Action::Open | Action::Tree => {
            let Some(t) = target(state) else {
                return Some(Vec::new());
            };
            let name = t.section.relation_kind_name();
            if action == Action::Tree {
                super::tree::open(state, &name, t.key);
            } else if crate::relations::drills(&name) {
                super::super::drill::open(state, &name, t.key);
            } else {
                return Some(describe(state, t, false));
            }
        }
        Action::Logs | Action::LogsPrevious => {
            let Some(t) = target(state) else {
                return Some(Vec::new());
            };
            return Some(logs(state, t, action == Action::LogsPrevious));
        }
        Action::Copy => {
            let Some(t) = target(state) else {
                return Some(Vec::new());
            };
            let what = format!("{}/{}", t.section.prefix(), t.key.name);
            let text = if t.key.namespace.is_empty() {
                what
            } else {
                format!("{what} -n {}", t.key.namespace)
            };
            return Some(super::copy(state, &format!("'{text}'"), text));
        }
        Action::Reach => say(
            state,
            "reach: open it from a pod in the Pods table (:pods)",
            false,
        ),
        Action::NamespacePicker => picker::open_namespaces(state),
        Action::ContextPicker => picker::open_contexts(state),
        Action::AccessReview => return Some(table::open_access(state)),
        Action::AllNamespaces => {
            return Some(super::super::contexts::switch_scope(
                state,
                crate::cluster::Scope::All,
            ));
        }
        Action::LogsSelector => {
            state.input = Some(InputLine::new(InputPurpose::LogSelector, ""));
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Back: clears the filter first, then returns to the screen beneath.
fn back(state: &mut AppState) {
    if category::shown(state).is_some_and(|v| !v.filter_text.is_empty()) {
        category::set_filter(state, "");
    } else {
        global::back(state);
    }
}

fn move_cursor(state: &mut AppState, delta: isize) {
    category::with_shown(state, |view, _| view.move_by(delta));
}

/// Describe (or YAML) of the row's object, as its own kind.
fn describe(state: &mut AppState, t: Target, yaml: bool) -> Vec<Effect> {
    state.reveal = None;
    match t.section.known {
        Some(kind) => detail::open(state, kind, t.key, yaml),
        None => detail::open_resource(state, t.section.resource, t.key, yaml),
    }
}

/// Whether rows of `r` have logs kmedic can open: a pod's, a workload's or a Service's pods'.
fn has_logs(r: &crate::model::api::ApiResource) -> bool {
    matches!(
        (r.group.as_str(), r.kind.as_str()),
        ("", "Pod" | "Service")
            | (
                "apps",
                "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
            )
            | ("batch", "Job")
    )
}

/// Logs of a pod, of a workload's pods, or of a Service's.
fn logs(state: &mut AppState, t: Target, previous: bool) -> Vec<Effect> {
    let r = &t.section.resource;
    let (ns, name) = (t.key.namespace.to_string(), t.key.name.to_string());
    match (r.group.as_str(), r.kind.as_str()) {
        ("", "Pod") => logs_pane::open_pod(state, &ns, &name, None, previous),
        ("", "Service") => logs_pane::open_pods(state, Some(ns), PodSet::Service { name }),
        _ if has_logs(r) => {
            let kind = r.kind.clone();
            logs_pane::open_pods(state, Some(ns), PodSet::Workload { kind, name })
        }
        _ => {
            let text = format!(
                "logs: a {} has no logs of its own; select a pod, a workload or a service",
                crate::text_safety::visible(&r.kind)
            );
            say(state, text, true);
            Vec::new()
        }
    }
}
