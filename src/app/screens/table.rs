//! The resource tables (pods, deployments, services, nodes, namespaces, events): moving, sorting,
//! filtering, scrolling columns, and opening what a row is about (describe, YAML, logs, the
//! namespace and context pickers, the access review).

use crate::cluster::Scope;

use super::super::action::Action;
use super::super::effect::Effect;
use super::super::input::{InputLine, InputPurpose};
use super::super::nav;
use super::super::overlay::{AccessView, Overlay};
use super::super::state::AppState;
use super::super::text_view::TextView;
use super::{Hint, detail, global, picker};

pub const HANDLES: &[Action] = &[
    Action::Back,
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::Describe,
    Action::Yaml,
    Action::Filter,
    Action::ClearFilter,
    Action::SortNext,
    Action::SortPrevious,
    Action::SortReverse,
    Action::NamespacePicker,
    Action::ContextPicker,
    Action::AccessReview,
    Action::AllNamespaces,
    Action::Logs,
    Action::LogsPrevious,
    Action::LogsSelector,
    Action::Copy,
    Action::Open,
    Action::Tree,
    Action::FaultsOnly,
    Action::Reach,
];

/// The footer of the tables whose rows have logs (pods, and the pods of deployments and
/// services); the most used first, since a narrow footer keeps only what fits.
pub const FOOTER: &[Hint] = &[
    (Action::CommandLine, "command"),
    (Action::Filter, "filter"),
    (Action::Open, "open"),
    (Action::Describe, "describe"),
    (Action::Logs, "logs"),
    (Action::Help, "help"),
    (Action::Back, "quit"),
    (Action::Tree, "tree"),
    (Action::Troubleshoot, "troubleshoot"),
    (Action::NamespacePicker, "namespace"),
    (Action::SortNext, "sort"),
    (Action::FaultsOnly, "faults"),
];

/// The footer of the other tables (nodes, namespaces, events), which have no logs.
pub const FOOTER_NO_LOGS: &[Hint] = &[
    (Action::CommandLine, "command"),
    (Action::Filter, "filter"),
    (Action::Open, "open"),
    (Action::Describe, "describe"),
    (Action::Help, "help"),
    (Action::Back, "quit"),
    (Action::Tree, "tree"),
    (Action::Troubleshoot, "troubleshoot"),
    (Action::NamespacePicker, "namespace"),
    (Action::SortNext, "sort"),
    (Action::FaultsOnly, "faults"),
];

/// The footer of the table shown, true to what its keys do now: `q` goes back from a drill-down
/// (and clears a filter before it asks to quit), and `o` is offered only for kinds with a tree.
pub fn footer(state: &AppState) -> Vec<Hint> {
    let base = if has_logs(state) {
        FOOTER
    } else {
        FOOTER_NO_LOGS
    };
    let has_tree = crate::relations::has_tree(&state.relation_kind_name());
    base.iter()
        .filter(|(action, _)| *action != Action::Tree || has_tree)
        .map(|&(action, label)| match action {
            Action::Back => (action, back_label(state)),
            _ => (action, label),
        })
        .collect()
}

/// What `Back` does on the table shown.
fn back_label(state: &AppState) -> &'static str {
    if state.overlay.is_some() {
        "back"
    } else if state.table().is_some_and(|t| !t.filter_text.is_empty()) {
        "clear filter"
    } else {
        "quit"
    }
}

/// Whether the rows of the table shown have logs to open.
pub fn has_logs(state: &AppState) -> bool {
    matches!(
        state.shown_kind(),
        crate::model::ResourceKind::Pods
            | crate::model::ResourceKind::Deployments
            | crate::model::ResourceKind::Services
    )
}

pub fn on_action(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    // The combined list of a category (`:all`) shares the table's keys; its rows are of
    // several kinds.
    if matches!(state.overlay, Some(Overlay::Category(_))) {
        return super::category::on_action(state, action);
    }
    match action {
        Action::Back => global::back(state),
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::PageUp => move_cursor(state, -(state.table_height() as isize)),
        Action::PageDown => move_cursor(state, state.table_height() as isize),
        Action::Top => move_cursor(state, isize::MIN / 2),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::Left | Action::Right => scroll_columns(state, action == Action::Right),
        Action::SortNext | Action::SortPrevious | Action::SortReverse => sort(state, action),
        Action::FaultsOnly => toggle_faults(state),
        Action::Describe | Action::Yaml => {
            let Some(row) = state.selected_row().cloned() else {
                return Some(Vec::new());
            };
            state.reveal = None;
            let kind = state.describable_kind();
            return Some(detail::open(
                state,
                kind,
                row.key.clone(),
                action == Action::Yaml,
            ));
        }
        Action::Filter => {
            let text = state
                .table()
                .map(|t| t.filter_text.clone())
                .unwrap_or_default();
            state.input = Some(InputLine::new(InputPurpose::Filter, text));
        }
        Action::ClearFilter => set_filter(state, ""),
        Action::NamespacePicker => picker::open_namespaces(state),
        Action::ContextPicker => picker::open_contexts(state),
        Action::AccessReview => return Some(open_access(state)),
        Action::AllNamespaces => {
            return Some(super::super::contexts::switch_scope(state, Scope::All));
        }
        Action::Logs | Action::LogsPrevious => {
            return Some(super::logs_input::open_from_table(
                state,
                action == Action::LogsPrevious,
            ));
        }
        Action::LogsSelector => {
            state.input = Some(InputLine::new(InputPurpose::LogSelector, ""));
        }
        Action::Copy => return Some(copy_row(state)),
        Action::Reach => return Some(super::super::reach::open_from_table(state)),
        Action::Open | Action::Tree => {
            let Some(row) = state.selected_row().cloned() else {
                return Some(Vec::new());
            };
            let kind = state.shown_kind();
            let name = state.relation_kind_name();
            let name = name.as_str();
            if action == Action::Tree {
                super::tree::open(state, name, row.key.clone());
            } else if crate::relations::drills(name) {
                super::super::drill::open(state, name, row.key.clone());
            } else {
                return Some(detail::open(state, kind, row.key.clone(), false));
            }
        }
        _ => return None,
    }
    state.dirty = true;
    Some(Vec::new())
}

/// Filters the current table by `text` (a regex; smart case).
pub fn set_filter(state: &mut AppState, text: &str) {
    if matches!(state.overlay, Some(Overlay::Category(_))) {
        crate::app::category::set_filter(state, text);
        return;
    }
    let view = state.shown_kind();
    if let Some(table) = state.table_mut() {
        table.set_filter(text);
    }
    state.refresh_table(view);
}

/// Why the filter typed does not compile, on the table or list shown.
pub fn filter_error(state: &AppState) -> Option<String> {
    match crate::app::category::shown(state) {
        Some(view) => view.filter_error.clone(),
        None => state.table().and_then(|t| t.filter_error.clone()),
    }
}

/// Opens "what can I do here" and asks the server.
pub fn open_access(state: &mut AppState) -> Vec<Effect> {
    nav::open_unique(
        state,
        |o| matches!(o, Overlay::Access(_)),
        |state| {
            let request = state.next_request;
            state.next_request += 1;
            (
                Overlay::Access(Box::new(AccessView {
                    request,
                    lines: None,
                    view: TextView::default(),
                })),
                vec![Effect::ReviewAccess {
                    request,
                    scope: state.scope.clone(),
                }],
            )
        },
    )
}

fn move_cursor(state: &mut AppState, delta: isize) {
    let view = state.shown_kind();
    let rows = state
        .kinds
        .get(&view)
        .map(|k| k.rows.clone())
        .unwrap_or_default();
    let height = state.table_height();
    if let Some(table) = state.table_mut() {
        table.move_by(delta, &rows);
        table.scroll_into_view(height);
    }
}

/// Scrolls the table's columns (the NAME column stays).
fn scroll_columns(state: &mut AppState, right: bool) {
    let max = state
        .table()
        .map_or(0, |t| t.titles.len())
        .saturating_sub(2);
    if let Some(table) = state.table_mut() {
        table.column_offset = if right {
            (table.column_offset + 1).min(max)
        } else {
            table.column_offset.saturating_sub(1)
        };
    }
}

/// `F`: only the rows with a warning or an error, or all rows again.
fn toggle_faults(state: &mut AppState) {
    let view = state.shown_kind();
    let on = match state.table_mut() {
        Some(table) => {
            table.faults_only = !table.faults_only;
            table.faults_only
        }
        None => return,
    };
    state.refresh_table(view);
    let text = if on {
        "faults only: rows with a warning or an error"
    } else {
        "all rows"
    };
    super::super::state::say(state, text, false);
}

fn sort(state: &mut AppState, action: Action) {
    let hide_ns = state.hide_namespace();
    let view = state.shown_kind();
    if let Some(table) = state.table_mut() {
        match action {
            Action::SortReverse => table.sort.descending = !table.sort.descending,
            other => table.cycle_sort(other == Action::SortNext, hide_ns),
        }
    }
    state.refresh_table(view);
}

/// The selected object as kubectl takes it: `pod/NAME -n NAMESPACE` (or `node/NAME`), so
/// `kubectl describe <paste>` and `kubectl get <paste> -o yaml` work.
pub fn kubectl_ref(kind: crate::model::ResourceKind, key: &crate::model::ObjKey) -> String {
    let resource = kind.kind_name().to_lowercase();
    if key.namespace.is_empty() {
        format!("{resource}/{}", key.name)
    } else {
        format!("{resource}/{} -n {}", key.name, key.namespace)
    }
}

fn copy_row(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = state.selected_row().cloned() else {
        return Vec::new();
    };
    let text = match (state.shown_kind(), &state.browse) {
        (crate::model::ResourceKind::Browse, Some(b)) => {
            let what = format!("{}/{}", b.resource.full_name(), row.key.name);
            if row.key.namespace.is_empty() {
                what
            } else {
                format!("{what} -n {}", row.key.namespace)
            }
        }
        (kind, _) => kubectl_ref(kind, &row.key),
    };
    super::copy(state, &format!("'{text}'"), text)
}
