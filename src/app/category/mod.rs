//! A category (`:all`, or any category API discovery names, e.g. a CRD's) as ONE list, like
//! `kubectl get all`: a section per served kind of the category, in discovery order, each with
//! a header line (its kubectl name, count, or why it has no rows: loading, none, refused) and
//! its own columns; every row names its own kind (`deployment.apps/web`). The kinds kmedic
//! watches anyway (pods, services, deployments) take their rows from those watch caches;
//! every other member kind has a browse watch of its own while the list is open anywhere in
//! the navigation stack (the runtime syncs the running watches with [`wanted`]). Owns the
//! list's state, its cursor over the rows of every section, and taking in rows.

mod view;

use std::sync::Arc;

use crate::cluster::browse::BrowseStatus;
use crate::model::api::ApiResource;
use crate::model::{ResourceKind, Row};

pub use view::{CategoryView, Line, Section};

use super::overlay::Overlay;
use super::state::AppState;
use super::table::{Joins, TableView};

/// Opens the combined list of `category`'s `members` (served kinds, discovery order).
pub fn open(state: &mut AppState, category: String, members: Vec<ApiResource>) {
    let sections = members
        .into_iter()
        .map(|resource| {
            let known = ResourceKind::of_resource(&resource.group, &resource.plural);
            let request = if known.is_some() {
                0
            } else {
                state.next_request += 1;
                state.next_request - 1
            };
            let table = match known {
                Some(kind) => TableView::new(kind),
                None => TableView::with_titles(ResourceKind::Browse, Vec::new()),
            };
            Section {
                resource,
                known,
                request,
                rows: Vec::new(),
                synced: false,
                error: None,
                table,
            }
        })
        .collect();
    let mut view = CategoryView {
        category,
        sections,
        filter_text: String::new(),
        filter_error: None,
        faults_only: false,
        selected: 0,
        selected_key: None,
        offset: 0,
        moved: false,
    };
    refresh_view(&mut view, state_parts(state), |_| true);
    super::nav::to_top(state);
    super::nav::open(state, Overlay::Category(Box::new(view)));
}

/// What a section's refresh reads from the rest of the state.
pub struct Parts<'a> {
    pub kinds: &'a std::collections::HashMap<ResourceKind, super::state::KindData>,
    pub joins: &'a Joins,
    pub now: jiff::Timestamp,
    pub hide_ns: bool,
    pub height: usize,
}

fn state_parts(state: &AppState) -> Parts<'_> {
    Parts {
        kinds: &state.kinds,
        joins: &state.joins,
        now: state.now,
        hide_ns: state.hide_namespace(),
        height: state.text_height(),
    }
}

/// Recomputes the shown rows of the sections `only` picks
/// and puts the cursor back on its object.
fn refresh_view(view: &mut CategoryView, parts: Parts<'_>, only: impl Fn(&Section) -> bool) {
    for section in view.sections.iter_mut().filter(|s| only(s)) {
        let rows: &[Arc<Row>] = match section.known {
            Some(kind) => parts.kinds.get(&kind).map_or(&[], |d| d.rows.as_slice()),
            None => &section.rows,
        };
        section
            .table
            .refresh(rows, parts.joins, parts.now, parts.hide_ns);
    }
    reselect(view, &parts);
    view.scroll_into_view(parts.height);
}

/// The cursor follows its object; when it is gone, it stays at the same place.
fn reselect(view: &mut CategoryView, parts: &Parts<'_>) {
    let total = view.row_count();
    if let Some((s, key)) = &view.selected_key
        && let Some(section) = view.sections.get(*s)
    {
        let rows: &[Arc<Row>] = match section.known {
            Some(kind) => parts.kinds.get(&kind).map_or(&[], |d| d.rows.as_slice()),
            None => &section.rows,
        };
        let before: usize = view.sections[..*s]
            .iter()
            .map(|x| x.table.visible.len())
            .sum();
        if let Some(pos) = section
            .table
            .visible
            .iter()
            .position(|&i| rows.get(i).is_some_and(|r| r.key == *key))
        {
            view.selected = before + pos;
            return;
        }
    }
    view.selected = view.selected.min(total.saturating_sub(1));
    remember_key(view, parts);
}

/// Records which object the cursor is on (once the user has moved it).
fn remember_key(view: &mut CategoryView, parts: &Parts<'_>) {
    if !view.moved {
        view.selected_key = None;
        return;
    }
    view.selected_key = view.locate(view.selected).and_then(|(s, pos)| {
        let section = &view.sections[s];
        let rows: &[Arc<Row>] = match section.known {
            Some(kind) => parts.kinds.get(&kind).map_or(&[], |d| d.rows.as_slice()),
            None => &section.rows,
        };
        let index = *section.table.visible.get(pos)?;
        Some((s, rows.get(index)?.key.clone()))
    });
}

/// Every open category list, on top or beneath, with the parts of the state it reads.
fn views_mut(state: &mut AppState) -> (Vec<&mut CategoryView>, Parts<'_>) {
    let parts = Parts {
        kinds: &state.kinds,
        joins: &state.joins,
        now: state.now,
        hide_ns: matches!(state.scope, crate::cluster::Scope::Namespace(_)),
        height: super::layout::text_rows(state.width, state.height),
    };
    let views = state
        .stack
        .iter_mut()
        .chain(state.overlay.as_mut())
        .filter_map(|o| match o {
            Overlay::Category(v) => Some(v.as_mut()),
            _ => None,
        })
        .collect();
    (views, parts)
}

/// The category list on top, if it is.
pub fn shown(state: &AppState) -> Option<&CategoryView> {
    match &state.overlay {
        Some(Overlay::Category(v)) => Some(v),
        _ => None,
    }
}

/// The category list shown on top, or beneath a picker opened over it.
pub fn beneath_or_shown(state: &AppState) -> Option<&CategoryView> {
    match &state.overlay {
        Some(Overlay::Category(v)) => Some(v),
        Some(Overlay::Namespaces(_) | Overlay::Contexts(_)) => match state.stack.last() {
            Some(Overlay::Category(v)) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

/// Runs `change` on the list on top and refreshes it.
pub fn with_shown(state: &mut AppState, change: impl FnOnce(&mut CategoryView, &Parts<'_>)) {
    let parts = Parts {
        kinds: &state.kinds,
        joins: &state.joins,
        now: state.now,
        hide_ns: matches!(state.scope, crate::cluster::Scope::Namespace(_)),
        height: super::layout::text_rows(state.width, state.height),
    };
    if let Some(Overlay::Category(view)) = state.overlay.as_mut() {
        change(view, &parts);
        remember_key(view, &parts);
        view.scroll_into_view(parts.height);
        state.dirty = true;
    }
}

/// The rows of known kind `kind` changed (or the table shown was refreshed).
pub fn on_kind_refreshed(state: &mut AppState, kind: ResourceKind) {
    let (views, parts) = views_mut(state);
    for view in views {
        refresh_view(view, parts_copy(&parts), |s| s.known == Some(kind));
    }
}

fn parts_copy<'a>(p: &Parts<'a>) -> Parts<'a> {
    Parts {
        kinds: p.kinds,
        joins: p.joins,
        now: p.now,
        hide_ns: p.hide_ns,
        height: p.height,
    }
}

/// Refreshes every section of every open list (filter, scope or findings changed).
pub fn refresh_all(state: &mut AppState) {
    let (views, parts) = views_mut(state);
    for view in views {
        refresh_view(view, parts_copy(&parts), |_| true);
    }
    state.dirty = true;
}

/// Whether the browse watch `request` feeds a section of an open list.
pub fn owns(state: &AppState, request: u64) -> bool {
    state
        .stack
        .iter()
        .chain(state.overlay.as_ref())
        .any(|o| match o {
            Overlay::Category(v) => v
                .sections
                .iter()
                .any(|s| s.known.is_none() && s.request == request),
            _ => false,
        })
}

/// New rows and status of the browse watch `request`, for the sections it feeds.
pub fn on_rows(state: &mut AppState, request: u64, status: BrowseStatus, rows: Vec<Arc<Row>>) {
    let (views, parts) = views_mut(state);
    let mut taken = false;
    for view in views {
        let Some(section) = view.sections.iter_mut().find(|s| s.request == request) else {
            continue;
        };
        if !status.titles.is_empty() && section.table.titles != status.titles {
            let old = std::mem::replace(
                &mut section.table,
                TableView::with_titles(ResourceKind::Browse, status.titles.clone()),
            );
            section.table.set_filter(&old.filter_text);
            section.table.faults_only = old.faults_only;
        }
        section.rows = rows.clone();
        section.synced = status.synced;
        section.error = status.error.clone();
        refresh_view(view, parts_copy(&parts), |s| s.request == request);
        taken = true;
    }
    if taken {
        state.dirty = true;
    }
}

/// The scope changed: every browsed section is read again (new watch ids; rows of the old
/// scope dropped). Known kinds follow the new watch set by themselves.
pub fn on_scope_changed(state: &mut AppState) {
    let mut next = state.next_request;
    let (views, parts) = views_mut(state);
    for view in views {
        for section in view.sections.iter_mut().filter(|s| s.known.is_none()) {
            section.request = next;
            next += 1;
            section.rows.clear();
            section.synced = false;
            section.error = None;
        }
        view.selected = 0;
        view.selected_key = None;
        view.offset = 0;
        view.moved = false;
        refresh_view(view, parts_copy(&parts), |_| true);
    }
    state.next_request = next;
}

/// The browse watches the open lists need: (watch id, kind), for the runtime to run exactly
/// these (starting new ones, stopping the others).
pub fn wanted(state: &AppState) -> Vec<(u64, ApiResource)> {
    state
        .stack
        .iter()
        .chain(state.overlay.as_ref())
        .filter_map(|o| match o {
            Overlay::Category(v) => Some(v),
            _ => None,
        })
        .flat_map(|v| v.sections.iter())
        .filter(|s| s.known.is_none())
        .map(|s| (s.request, s.resource.clone()))
        .collect()
}

/// Sets the filter of the list on top: a section whose kind name matches shows all its rows;
/// the others show the rows whose cells match.
pub fn set_filter(state: &mut AppState, text: &str) {
    with_shown(state, |view, _| {
        view.filter_text = text.to_string();
        view.filter_error = None;
        let whole = (!text.is_empty())
            .then(|| {
                regex::RegexBuilder::new(text)
                    .case_insensitive(!text.chars().any(char::is_uppercase))
                    .build()
                    .ok()
            })
            .flatten();
        for section in &mut view.sections {
            let kind_matches = whole.as_ref().is_some_and(|re| {
                re.is_match(&section.prefix()) || re.is_match(&section.resource.full_name())
            });
            section
                .table
                .set_filter(if kind_matches { "" } else { text });
            if view.filter_error.is_none() {
                view.filter_error = section.table.filter_error.clone();
            }
        }
    });
    refresh_all(state);
}

/// `F` on the list on top: only rows with a warning or an error, or all rows again.
pub fn toggle_faults(state: &mut AppState) -> bool {
    let mut on = false;
    with_shown(state, |view, _| {
        view.faults_only = !view.faults_only;
        on = view.faults_only;
        for section in &mut view.sections {
            section.table.faults_only = on;
        }
    });
    refresh_all(state);
    on
}

/// The selected row of the list on top, with its section.
pub fn selected(state: &AppState) -> Option<(&Section, Arc<Row>)> {
    let view = shown(state)?;
    let (s, pos) = view.locate(view.selected)?;
    let section = view.sections.get(s)?;
    let index = *section.table.visible.get(pos)?;
    let row = section.rows(state).get(index)?.clone();
    Some((section, row))
}
