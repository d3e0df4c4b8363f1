//! Keys: text entry for the input line and the picker, then keymap resolution to an `Action`,
//! then what each action does in the current layer.

use crossterm::event::KeyEvent;

use crate::cluster::Scope;
use crate::model::{ObjKey, ResourceKind};

use super::action::{Action, Layer};
use super::command::{self, Command, NamespaceChoice};
use super::contexts;
use super::effect::Effect;
use super::input::{Edit, InputLine, InputPurpose};
use super::logs_keys;
use super::overlay::{AccessView, CertsPane, DetailView, ObjectView, Overlay, YamlView};
use super::picker::Picker;
use super::picker_keys::{picker_entries, picker_text_key, toggle_favourite};
use super::state::{AppState, Notice};
use super::text_view::TextView;
use super::troubleshoot_keys;
use super::update::refresh_table;

/// The keymap layer that has the keyboard now.
pub fn current_layer(state: &AppState) -> Layer {
    match &state.overlay {
        None => Layer::Table,
        Some(Overlay::Help(_)) => Layer::Help,
        Some(Overlay::Detail(_) | Overlay::Access(_)) => Layer::Detail,
        Some(Overlay::Troubleshoot) => Layer::Table,
        Some(Overlay::Certs(_)) => Layer::Detail,
        Some(Overlay::Yaml(_)) => Layer::Yaml,
        Some(Overlay::Namespaces(_) | Overlay::Contexts(_)) => Layer::Picker,
        Some(Overlay::Logs(_)) => Layer::Logs,
    }
}

pub fn handle_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    if state.input.is_some() {
        return input_key(state, key);
    }
    if let Some(effects) = picker_text_key(state, key) {
        return effects;
    }
    state.notice = None;
    let layer = current_layer(state);
    let Some(action) = state.keymap.resolve(layer, key) else {
        return Vec::new();
    };
    if layer == Layer::Logs
        && let Some(effects) = logs_keys::apply(state, action)
    {
        return effects;
    }
    apply(state, action)
}

fn input_key(state: &mut AppState, key: &KeyEvent) -> Vec<Effect> {
    let Some(input) = state.input.as_mut() else {
        return Vec::new();
    };
    let edit = input.edit(key);
    let (purpose, text) = (input.purpose, input.text.clone());
    if let Some(effects) = logs_keys::input_edit(state, &edit, purpose, &text) {
        return effects;
    }
    match (edit, purpose) {
        (Edit::Changed, InputPurpose::Filter) => {
            set_filter(state, &text);
            let error = state.table().and_then(|t| t.filter_error.clone());
            if let Some(input) = state.input.as_mut() {
                input.error = error;
            }
            Vec::new()
        }
        (Edit::Cancel, InputPurpose::Filter) => {
            set_filter(state, "");
            state.input = None;
            Vec::new()
        }
        (Edit::Submit, InputPurpose::Filter) => {
            state.input = None;
            Vec::new()
        }
        (Edit::Submit, InputPurpose::Command) => {
            state.input = None;
            run_command(state, &text)
        }
        (Edit::Submit, InputPurpose::Search) => {
            state.input = None;
            start_search(state, &text);
            Vec::new()
        }
        (Edit::Cancel, _) => {
            state.input = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn set_filter(state: &mut AppState, text: &str) {
    let view = state.view;
    if let Some(table) = state.tables.get_mut(&view) {
        table.set_filter(text);
    }
    refresh_table(state, view);
}

fn run_command(state: &mut AppState, text: &str) -> Vec<Effect> {
    match command::parse(text) {
        Ok(Command::Quit) => {
            state.quit = true;
            Vec::new()
        }
        Ok(Command::Help) => apply(state, Action::Help),
        Ok(Command::View { kind, namespace }) => {
            show_view(state, kind);
            match namespace {
                Some(choice) => switch_scope(state, scope_of(choice)),
                None => Vec::new(),
            }
        }
        Ok(Command::Namespace(choice)) => switch_scope(state, scope_of(choice)),
        Ok(Command::Context(Some(name))) => contexts::switch_context(state, &name),
        Ok(Command::Context(None)) => apply(state, Action::ContextPicker),
        Ok(Command::Access) => apply(state, Action::AccessReview),
        Ok(Command::Troubleshoot) => apply(state, Action::Troubleshoot),
        Ok(Command::Certs) => apply(state, Action::Certs),
        Ok(Command::Logs(what)) => logs_keys::open_command(state, what),
        Err(message) => {
            state.notice = Some(Notice {
                text: message,
                error: true,
            });
            Vec::new()
        }
    }
}

fn scope_of(choice: NamespaceChoice) -> Scope {
    match choice {
        NamespaceChoice::All => Scope::All,
        NamespaceChoice::Named(ns) => Scope::Namespace(ns),
    }
}

/// Starts watching another scope; data of the old one is dropped, late events are ignored.
pub fn switch_scope(state: &mut AppState, scope: Scope) -> Vec<Effect> {
    if scope == state.scope {
        return Vec::new();
    }
    state.scope = scope.clone();
    state.generation += 1;
    for kind in ResourceKind::WATCHED.iter().filter(|k| k.namespaced()) {
        state.kinds.remove(kind);
    }
    for data in state.kinds.values_mut() {
        data.synced = false;
        data.refused = None;
    }
    state.disconnected.clear();
    super::troubleshoot::reset(state);
    for kind in ResourceKind::VIEWS {
        refresh_table(state, *kind);
    }
    vec![Effect::Rewatch {
        scope,
        generation: state.generation,
    }]
}

fn show_view(state: &mut AppState, kind: ResourceKind) {
    state.overlay = None;
    state.view = kind;
    refresh_table(state, kind);
}

fn cycle_view(state: &mut AppState, forward: bool) {
    let views = ResourceKind::VIEWS;
    let pos = views.iter().position(|k| *k == state.view).unwrap_or(0);
    let next = if forward {
        (pos + 1) % views.len()
    } else {
        (pos + views.len() - 1) % views.len()
    };
    show_view(state, views[next]);
}

fn apply(state: &mut AppState, action: Action) -> Vec<Effect> {
    if matches!(state.overlay, Some(Overlay::Troubleshoot))
        && let Some(effects) = troubleshoot_keys::apply(state, action)
    {
        return effects;
    }
    if let Some(Overlay::Certs(pane)) = &mut state.overlay
        && let Some(Ok(view)) = &mut pane.view
        && certs_keys(view, action)
    {
        return Vec::new();
    }
    match action {
        Action::Quit => state.quit = true,
        Action::Help => {
            state.overlay = match state.overlay {
                Some(Overlay::Help(_)) => None,
                _ => Some(Overlay::Help(TextView::default())),
            }
        }
        Action::Back => back(state),
        Action::CommandLine => state.input = Some(InputLine::new(InputPurpose::Command, "")),
        Action::Filter | Action::Search => open_search_or_filter(state),
        Action::ClearFilter => set_filter(state, ""),
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::PageUp => move_cursor(state, -(page(state) as isize)),
        Action::PageDown => move_cursor(state, page(state) as isize),
        Action::Top => move_cursor(state, isize::MIN / 2),
        Action::Bottom => move_cursor(state, isize::MAX / 2),
        Action::Left | Action::Right => scroll_columns(state, action == Action::Right),
        Action::SortNext | Action::SortPrevious | Action::SortReverse => sort(state, action),
        Action::Describe => return open_object(state, false),
        Action::Yaml => return open_object(state, true),
        Action::NamespacePicker => {
            let current = state
                .namespace_names()
                .iter()
                .position(|n| n == state.scope.label())
                .map_or(0, |i| i + 1);
            state.overlay = Some(Overlay::Namespaces(Picker {
                filter: String::new(),
                selected: current,
            }));
        }
        Action::AllNamespaces => return switch_scope(state, Scope::All),
        Action::Troubleshoot => {
            state.overlay = match state.overlay {
                Some(Overlay::Troubleshoot) => None,
                _ => Some(Overlay::Troubleshoot),
            };
        }
        Action::Certs => {
            let request = state.next_request;
            state.next_request += 1;
            state.overlay = Some(Overlay::Certs(Box::new(CertsPane {
                request,
                view: None,
            })));
            return vec![Effect::InspectCerts { request }];
        }
        Action::Copy => return copy_to_clipboard(state),
        Action::ToggleFavourite => toggle_favourite(state),
        Action::AccessReview => {
            let request = state.next_request;
            state.next_request += 1;
            state.overlay = Some(Overlay::Access(Box::new(AccessView {
                request,
                lines: None,
                view: TextView::default(),
            })));
            return vec![Effect::ReviewAccess {
                request,
                scope: state.scope.clone(),
            }];
        }
        Action::ContextPicker => {
            let current = state
                .contexts
                .iter()
                .position(|c| c.name == state.target.context)
                .unwrap_or(0);
            state.overlay = Some(Overlay::Contexts(Picker {
                filter: String::new(),
                selected: current,
            }));
        }
        Action::ViewPods => show_view(state, ResourceKind::Pods),
        Action::ViewNodes => show_view(state, ResourceKind::Nodes),
        Action::ViewServices => show_view(state, ResourceKind::Services),
        Action::ViewNamespaces => show_view(state, ResourceKind::Namespaces),
        Action::ViewDeployments => show_view(state, ResourceKind::Deployments),
        Action::ViewEvents => show_view(state, ResourceKind::Events),
        Action::NextView => cycle_view(state, true),
        Action::PreviousView => cycle_view(state, false),
        Action::SearchNext | Action::SearchPrevious => {
            next_match(state, action == Action::SearchNext)
        }
        Action::Logs | Action::LogsPrevious if state.overlay.is_none() => {
            return logs_keys::open_from_table(state, action == Action::LogsPrevious);
        }
        Action::LogsSelector => {
            state.input = Some(InputLine::new(InputPurpose::LogSelector, ""));
        }
        // The remaining log actions only mean something in the log pane.
        Action::Logs
        | Action::LogsPrevious
        | Action::ToggleFollow
        | Action::ToggleTimestamps
        | Action::ToggleWrap
        | Action::ToggleAnsi
        | Action::NextContainer
        | Action::LogRange
        | Action::FilterOut
        | Action::JumpLive
        | Action::Mark
        | Action::Save => {}
    }
    Vec::new()
}

fn back(state: &mut AppState) {
    if state.overlay.is_some() {
        state.overlay = None;
    } else if state.table().is_some_and(|t| !t.filter_text.is_empty()) {
        set_filter(state, "");
    }
}

fn page(state: &AppState) -> usize {
    match state.overlay {
        None => state.table_height(),
        Some(_) => state.text_height(),
    }
}

fn move_cursor(state: &mut AppState, delta: isize) {
    let height = state.text_height();
    let picker_len = picker_entries(state).len();
    let help_lines = state.keymap_lines();
    match &mut state.overlay {
        None => {
            let view = state.view;
            let rows = state
                .kinds
                .get(&view)
                .map(|k| k.rows.clone())
                .unwrap_or_default();
            let table_height = state.table_height();
            if let Some(table) = state.tables.get_mut(&view) {
                table.move_by(delta, &rows);
                table.scroll_into_view(table_height);
            }
        }
        Some(Overlay::Help(view)) => view.scroll_by(delta, help_lines, height),
        Some(Overlay::Detail(d)) => d.target.view.scroll_by(delta, d.lines.len(), height),
        Some(Overlay::Yaml(y)) => y.target.view.scroll_by(delta, y.lines.len(), height),
        Some(Overlay::Troubleshoot | Overlay::Certs(_)) => {}
        Some(Overlay::Access(a)) => {
            let count = match &a.lines {
                Some(Ok(lines)) => lines.len(),
                _ => 0,
            };
            a.view.scroll_by(delta, count, height);
        }
        Some(Overlay::Namespaces(p) | Overlay::Contexts(p)) => {
            p.selected = (p.selected as isize + delta)
                .clamp(0, picker_len.saturating_sub(1) as isize) as usize;
        }
        Some(Overlay::Logs(_)) => {}
    }
}

/// Scrolls the table's columns (the NAME column stays); text views ignore it.
fn scroll_columns(state: &mut AppState, right: bool) {
    if state.overlay.is_some() {
        return;
    }
    let view = state.view;
    let max = crate::model::columns(view).len().saturating_sub(2);
    if let Some(table) = state.tables.get_mut(&view) {
        table.column_offset = if right {
            (table.column_offset + 1).min(max)
        } else {
            table.column_offset.saturating_sub(1)
        };
    }
}

fn sort(state: &mut AppState, action: Action) {
    if state.overlay.is_some() {
        return;
    }
    let hide_ns = state.hide_namespace();
    let view = state.view;
    if let Some(table) = state.tables.get_mut(&view) {
        match action {
            Action::SortReverse => table.sort.descending = !table.sort.descending,
            other => table.cycle_sort(other == Action::SortNext, hide_ns),
        }
    }
    refresh_table(state, view);
}

fn open_search_or_filter(state: &mut AppState) {
    match &state.overlay {
        None => {
            let text = state
                .table()
                .map(|t| t.filter_text.clone())
                .unwrap_or_default();
            state.input = Some(InputLine::new(InputPurpose::Filter, text));
        }
        Some(Overlay::Detail(_) | Overlay::Yaml(_)) => {
            state.input = Some(InputLine::new(InputPurpose::Search, ""));
        }
        _ => {}
    }
}

fn start_search(state: &mut AppState, pattern: &str) {
    let height = state.text_height();
    let result = match &mut state.overlay {
        Some(Overlay::Detail(d)) => {
            let lines: Vec<String> = d.lines.iter().map(|l| l.text.clone()).collect();
            d.target.view.search(pattern, &lines, height)
        }
        Some(Overlay::Yaml(y)) => y.target.view.search(pattern, &y.lines, height),
        _ => return,
    };
    state.notice = Some(match result {
        Ok(0) => Notice {
            text: format!("no match for /{pattern}"),
            error: true,
        },
        Ok(n) => Notice {
            text: format!("{n} matching lines for /{pattern}"),
            error: false,
        },
        Err(e) => Notice {
            text: format!("invalid regex: {e}"),
            error: true,
        },
    });
}

fn next_match(state: &mut AppState, forward: bool) {
    let height = state.text_height();
    match &mut state.overlay {
        Some(Overlay::Detail(d)) => d.target.view.next_match(forward, d.lines.len(), height),
        Some(Overlay::Yaml(y)) => y.target.view.next_match(forward, y.lines.len(), height),
        _ => {}
    }
}

/// Copies what is in view to the local clipboard through OSC 52 (works over SSH): the selected
/// object's name in a table, the whole text in the describe and YAML views.
fn copy_to_clipboard(state: &mut AppState) -> Vec<Effect> {
    let (what, text) = match &state.overlay {
        None => match state.selected_row() {
            Some(row) if row.key.namespace.is_empty() => ("name", row.key.name.clone()),
            Some(row) => ("name", format!("{}/{}", row.key.namespace, row.key.name)),
            None => return Vec::new(),
        },
        Some(Overlay::Detail(d)) => (
            "describe text",
            d.lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Some(Overlay::Yaml(y)) => ("YAML", y.lines.join("\n")),
        _ => return Vec::new(),
    };
    state.notice = Some(Notice {
        text: format!("copied the {what} to the clipboard (OSC 52)"),
        error: false,
    });
    vec![Effect::Logs(crate::logs::LogEffect::Copy { text })]
}

/// Tree navigation in the Certs view; true when the action was used.
fn certs_keys(view: &mut crate::certs::view::CertsView, action: Action) -> bool {
    match action {
        Action::Up => view.move_selection(-1),
        Action::Down => view.move_selection(1),
        Action::PageUp => view.move_selection(-10),
        Action::PageDown => view.move_selection(10),
        Action::Top => view.move_selection(isize::MIN / 2),
        Action::Bottom => view.move_selection(isize::MAX / 2),
        Action::Left => view.left(),
        Action::Right => view.right(),
        Action::Describe => view.toggle(),
        _ => return false,
    }
    true
}

/// Opens the detail (or YAML) view of one object.
pub fn open_object_view(
    state: &mut AppState,
    kind: ResourceKind,
    key: ObjKey,
    yaml: bool,
) -> Vec<Effect> {
    let request = state.next_request;
    state.next_request += 1;
    let target = ObjectView {
        kind,
        key: key.clone(),
        request,
        object: None,
        error: None,
        view: TextView::default(),
    };
    state.overlay = Some(if yaml {
        Overlay::Yaml(Box::new(YamlView {
            target,
            lines: Vec::new(),
        }))
    } else {
        Overlay::Detail(Box::new(DetailView {
            target,
            lines: Vec::new(),
        }))
    });
    vec![Effect::Fetch { request, kind, key }]
}

/// Opens the detail (or YAML) view of the selected row, or switches between the two views.
fn open_object(state: &mut AppState, yaml: bool) -> Vec<Effect> {
    let (kind, key): (ResourceKind, ObjKey) = match &state.overlay {
        Some(Overlay::Detail(d)) => (d.target.kind, d.target.key.clone()),
        Some(Overlay::Yaml(y)) => (y.target.kind, y.target.key.clone()),
        None => match state.selected_row() {
            Some(row) => (state.view, row.key.clone()),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    open_object_view(state, kind, key, yaml)
}

impl AppState {
    /// Lines of the help view, for scrolling bounds.
    pub fn keymap_lines(&self) -> usize {
        Layer::ALL
            .iter()
            .map(|l| self.keymap.bindings(*l).len() + 2)
            .sum()
    }
}
