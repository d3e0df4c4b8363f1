//! The reducer: `update(state, msg) -> effects`. Cluster data, clock and fetch results land here;
//! keys are handed to the screen on top (`screens`).

use std::sync::Arc;

use crate::cluster::ClusterEvent;
use crate::model::detail::{describe_with, to_yaml};
use crate::model::{ObjKey, ResourceKind, Row, RowLinks};

use super::effect::Effect;
use super::msg::Msg;
use super::overlay::{ObjectView, Overlay};
use super::state::{AppState, Connection};
use super::table::Joins;

/// Applies one message to the state and returns the effects to perform.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(state, msg);
    // The engine follows the relations the open screens show (drill-downs, trees).
    effects.extend(super::drill::sync_follow(state));
    // The usage columns are read while the Pods or Nodes table is on screen.
    effects.extend(super::usage::poll(state));
    effects
}

fn apply(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            state.dirty = true;
            let panes = super::nav::log_panes(state);
            let mut effects = super::screens::on_key(state, &key);
            super::nav::stop_closed_panes(state, &panes, &mut effects);
            effects
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            let height = state.table_height();
            if let Some(table) = state.table_mut() {
                table.scroll_into_view(height);
            }
            super::category::with_shown(state, |_, _| {});
            state.dirty = true;
            Vec::new()
        }
        Msg::Tick(now) => {
            // Redraw only when some text on screen depends on the clock and changed.
            if clock_changes_screen(state, now) {
                state.dirty = true;
            }
            state.now = now;
            let mut effects = super::node_local::on_tick(state, now);
            effects.extend(refetch_related_if_due(state));
            effects
        }
        Msg::Rows {
            generation,
            kind,
            rows,
        } => {
            if generation == state.generation {
                on_rows(state, kind, rows)
            } else {
                Vec::new()
            }
        }
        Msg::Cluster(event) => {
            if event.generation() == state.generation {
                on_cluster_event(state, event)
            } else {
                Vec::new()
            }
        }
        Msg::Fetched { request, result } => {
            on_fetched(state, request, result);
            Vec::new()
        }
        Msg::Usage {
            request,
            kind,
            result,
        } => {
            super::usage::on_result(state, request, kind, result);
            Vec::new()
        }
        Msg::FetchedRelated { request, result } => {
            on_fetched_related(state, request, result);
            Vec::new()
        }
        Msg::ContextFailed { generation, error } => {
            if generation == state.generation {
                state.connection = Connection::Failed { error };
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::Analyzed { generation, result } => {
            super::troubleshoot::on_result(state, generation, result);
            super::node_local::on_cluster_analysed(state)
        }
        Msg::Reanalyzed { generation, at } => {
            super::troubleshoot::on_reanalysed(state, generation, at);
            Vec::new()
        }
        Msg::NodeLocal(msg) => super::node_local::on_msg(state, msg),
        Msg::CertsInspected { request, result } => {
            if let Some(Overlay::Certs(pane)) = &mut state.overlay
                && pane.request == request
            {
                pane.view = Some(result.map(|v| *v));
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::AccessReviewed { request, result } => {
            if let Some(Overlay::Access(view)) = &mut state.overlay
                && view.request == request
            {
                view.lines = Some(result);
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::Reached { request, result } => {
            super::reach::on_reached(state, request, result);
            Vec::new()
        }
        Msg::Related {
            generation,
            answers,
        } => {
            super::drill::on_related(state, generation, answers);
            Vec::new()
        }
        Msg::Logs(news) => super::logs_news::on_news(state, news),
        Msg::KubeconfigReloaded { result } => {
            super::contexts::on_kubeconfig_reloaded(state, result)
        }
        Msg::Discovered { generation, result } => {
            if generation == state.generation {
                return super::screens::command_line::on_discovered(state, result);
            }
            Vec::new()
        }
        Msg::BrowseChanged { .. } => Vec::new(),
        Msg::BrowseRows {
            request,
            status,
            rows,
        } => {
            let changed_target = browsed_target_changed(state, request, &rows);
            if super::category::owns(state, request) {
                super::category::on_rows(state, request, status, rows);
            } else {
                super::browse::on_rows(state, request, status, rows);
            }
            if changed_target {
                refetch_overlay(state)
            } else {
                Vec::new()
            }
        }
        Msg::Reachable { generation } => {
            if generation == state.generation && state.stale() {
                state.disconnected.clear();
                state.connection = Connection::Live;
                state.dirty = true;
            }
            Vec::new()
        }
    }
}

fn mark_connected(state: &mut AppState, kind: ResourceKind) {
    state.disconnected.remove(&kind);
    if state.disconnected.is_empty() && state.connection != Connection::Live {
        state.connection = Connection::Live;
    }
}

fn on_cluster_event(state: &mut AppState, event: ClusterEvent) -> Vec<Effect> {
    state.dirty = true;
    match event {
        ClusterEvent::Changed { kind, .. } => {
            mark_connected(state, kind);
            Vec::new()
        }
        ClusterEvent::Synced { kind, .. } => {
            let data = state.kinds.entry(kind).or_default();
            data.synced = true;
            data.refused = None;
            mark_connected(state, kind);
            Vec::new()
        }
        ClusterEvent::Refused {
            kind,
            code,
            message,
            ..
        } => {
            state.kinds.entry(kind).or_default().refused = Some(message.clone());
            if code == 401 {
                // Every request is refused: the header must not say "live".
                state.connection = Connection::Rejected { error: message };
            } else {
                // The server answered, so the connection itself works.
                mark_connected(state, kind);
            }
            Vec::new()
        }
        ClusterEvent::Malformed { kind, objects, .. } => {
            let data = state.kinds.entry(kind).or_default();
            for o in objects {
                if !data.malformed.contains(&o) {
                    data.malformed.push(o);
                }
            }
            Vec::new()
        }
        ClusterEvent::Disconnected { kind, message, .. } => {
            let was_stale = state.stale();
            state.disconnected.insert(kind);
            state.connection = Connection::Reconnecting { error: message };
            if was_stale {
                Vec::new()
            } else {
                vec![Effect::Probe {
                    generation: state.generation,
                }]
            }
        }
    }
}

fn on_rows(state: &mut AppState, kind: ResourceKind, rows: Vec<Arc<Row>>) -> Vec<Effect> {
    state.dirty = true;
    mark_connected(state, kind);
    match kind {
        ResourceKind::Pods => state.joins.pods_stale = true,
        ResourceKind::Endpoints => state.joins.endpoints = Joins::from_endpoints(&rows),
        _ => {}
    }
    let changed_target = detail_target_changed(state, kind, &rows);
    if let Some(Overlay::Detail(d)) = &mut state.overlay
        && super::screens::detail::related_depends(d.target.kind, kind)
    {
        d.related_stale = true;
    }
    state.kinds.entry(kind).or_default().rows = rows;
    // Only the table on screen is recomputed; another view is refreshed when it is shown.
    let shown_depends = match (kind, state.shown_kind()) {
        (ResourceKind::Pods, ResourceKind::Nodes)
        | (ResourceKind::Endpoints, ResourceKind::Services) => true,
        (kind, view) => kind == view,
    };
    if shown_depends {
        let view = state.shown_kind();
        refresh_table(state, view);
    }
    if !shown_depends || state.shown_kind() != kind {
        // An open category list (`:all`) shows this kind's rows too.
        super::category::on_kind_refreshed(state, kind);
    }
    if kind == ResourceKind::Events {
        rebuild_overlay(state);
    }
    if changed_target {
        refetch_overlay(state)
    } else {
        Vec::new()
    }
}

/// Asks again for the object shown in the detail/YAML view, which changed in the cluster.
fn refetch_overlay(state: &mut AppState) -> Vec<Effect> {
    let request = state.next_request;
    let target = match &mut state.overlay {
        Some(Overlay::Detail(d)) => &mut d.target,
        Some(Overlay::Yaml(y)) => &mut y.target,
        _ => return Vec::new(),
    };
    state.next_request += 1;
    target.request = request;
    let fetch = Effect::Fetch {
        request,
        kind: target.kind,
        key: target.key.clone(),
    };
    // The object changed: what describe shows beside it is read again too.
    if let Some(Overlay::Detail(d)) = &mut state.overlay {
        d.related_stale = true;
    }
    let mut effects = vec![fetch];
    effects.extend(refetch_related(state));
    effects
}

/// Shortest time between two reads of what a describe shows besides the object, so a busy
/// cluster does not turn an open describe into a stream of lists.
const RELATED_EVERY: i64 = 5;

/// On the clock: reads again what the open describe shows besides its object when the
/// cluster changed and the last read is old enough.
fn refetch_related_if_due(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    match &state.overlay {
        Some(Overlay::Detail(d))
            if d.related_stale
                && d.related
                    .as_ref()
                    .and_then(|r| r.at)
                    .is_none_or(|at| now.as_second() - at.as_second() >= RELATED_EVERY) =>
        {
            refetch_related(state)
        }
        _ => Vec::new(),
    }
}

fn refetch_related(state: &mut AppState) -> Vec<Effect> {
    let request = state.next_request;
    let has_related = match &state.overlay {
        Some(Overlay::Detail(d)) => {
            d.target.resource.is_none() && super::screens::detail::has_related(state, d.target.kind)
        }
        _ => false,
    };
    let Some(Overlay::Detail(d)) = &mut state.overlay else {
        return Vec::new();
    };
    if !d.related_stale || !has_related {
        return Vec::new();
    }
    // Not again while a read is on its way (its answer clears nothing until it lands).
    if d.related
        .as_ref()
        .and_then(|r| r.at)
        .is_some_and(|at| state.now.as_second() - at.as_second() < RELATED_EVERY)
    {
        return Vec::new();
    }
    state.next_request += 1;
    d.related_request = request;
    d.related_stale = false;
    vec![Effect::FetchRelated {
        request,
        kind: d.target.kind,
        key: d.target.key.clone(),
    }]
}

fn on_fetched_related(
    state: &mut AppState,
    request: u64,
    result: Result<Option<crate::model::detail::related::Related>, String>,
) {
    let now = state.now;
    let Some(Overlay::Detail(d)) = &mut state.overlay else {
        return;
    };
    if d.related_request != request {
        return;
    }
    match result {
        Ok(Some(mut related)) => {
            related.at = Some(now);
            d.related = Some(related);
        }
        Ok(None) => {}
        Err(e) => {
            super::state::say(state, format!("describe: {e}"), true);
            return;
        }
    }
    state.dirty = true;
    rebuild_overlay(state);
}

/// Whether the object shown in the detail/YAML view changed in this snapshot.
fn detail_target_changed(state: &AppState, kind: ResourceKind, rows: &[Arc<Row>]) -> bool {
    let Some(target) = overlay_target(state) else {
        return false;
    };
    if target.kind != kind {
        return false;
    }
    let old = state.rows(kind).iter().find(|r| r.key == target.key);
    row_changed(old, rows, &target.key)
}

/// Whether the row of `key` in `rows` is another than `old` (watch stores keep an unchanged
/// object's row, so identity says whether it changed).
fn row_changed(old: Option<&Arc<Row>>, rows: &[Arc<Row>], key: &ObjKey) -> bool {
    match (old, rows.iter().find(|r| r.key == *key)) {
        (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
        (None, None) => false,
        _ => true,
    }
}

/// Whether the rows of browse watch `request` change the object the open describe or YAML view
/// shows (a kind kmedic reads through a browse watch: the browsed table's, or a section of a
/// category list), so that the view is read again and stays live.
fn browsed_target_changed(state: &AppState, request: u64, rows: &[Arc<Row>]) -> bool {
    let Some(target) = overlay_target(state) else {
        return false;
    };
    if target.kind != ResourceKind::Browse {
        return false;
    }
    let old: Option<&Arc<Row>> = match &target.resource {
        Some(resource) => {
            let section = state
                .stack
                .iter()
                .filter_map(|o| match o {
                    Overlay::Category(v) => Some(v),
                    _ => None,
                })
                .flat_map(|v| v.sections.iter())
                .find(|s| s.request == request && s.resource == *resource);
            let Some(section) = section else {
                return false;
            };
            section.rows.iter().find(|r| r.key == target.key)
        }
        None => match &state.browse {
            Some(b) if b.request == request => b.raw.iter().find(|r| r.key == target.key),
            _ => return false,
        },
    };
    row_changed(old, rows, &target.key)
}

/// Recomputes the visible rows of `kind`'s table.
pub fn refresh_table(state: &mut AppState, kind: ResourceKind) {
    state.refresh_table(kind);
}

pub fn overlay_target(state: &AppState) -> Option<&ObjectView> {
    match &state.overlay {
        Some(Overlay::Detail(d)) => Some(&d.target),
        Some(Overlay::Yaml(y)) => Some(&y.target),
        _ => None,
    }
}

fn on_fetched(state: &mut AppState, request: u64, result: Result<serde_json::Value, String>) {
    let target = match &mut state.overlay {
        Some(Overlay::Detail(d)) if d.target.request == request => &mut d.target,
        Some(Overlay::Yaml(y)) if y.target.request == request => &mut y.target,
        // An answer for a view that was closed or replaced meanwhile.
        _ => return,
    };
    match result {
        Ok(obj) => {
            // Secret values never enter the state, except the one key asked for.
            let reveal = match &state.reveal {
                Some((key, data_key)) if *key == target.key => Some(data_key.as_str()),
                _ => None,
            };
            target.object = Some(crate::model::secret::mask(obj, reveal));
            target.error = None;
            target.fetched_at = Some(state.now);
        }
        Err(e) => target.error = Some(e),
    }
    state.dirty = true;
    rebuild_overlay(state);
}

/// Events about the object `target` is, newest first ordering is left to `describe`.
fn related_events<'a>(
    state: &'a AppState,
    kind: ResourceKind,
    namespace: &str,
    name: &str,
) -> Vec<&'a Row> {
    state
        .rows(ResourceKind::Events)
        .iter()
        .filter(|row| match &row.links {
            RowLinks::Event {
                kind: k,
                namespace: ns,
                name: n,
                ..
            } => k == kind.kind_name() && n == name && (ns == namespace || !kind.namespaced()),
            _ => false,
        })
        .map(|r| r.as_ref())
        .collect()
}

/// Rebuilds the detail lines or YAML text from the fetched object and current events.
pub fn rebuild_overlay(state: &mut AppState) {
    let height = state.text_height();
    let lines = match &state.overlay {
        Some(Overlay::Detail(d)) => match &d.target.object {
            Some(obj) => {
                let events = related_events(
                    state,
                    d.target.kind,
                    &d.target.key.namespace,
                    &d.target.key.name,
                );
                Some(Rebuilt::Detail(describe_with(
                    d.target.kind,
                    obj,
                    &events,
                    d.related.as_ref(),
                    state.now,
                )))
            }
            None => None,
        },
        Some(Overlay::Yaml(y)) => y.target.object.as_ref().map(|obj| {
            Rebuilt::Yaml(match to_yaml(obj) {
                Ok(text) => text.lines().map(str::to_string).collect(),
                Err(e) => vec![format!("cannot show YAML: {e}")],
            })
        }),
        _ => None,
    };
    match (lines, &mut state.overlay) {
        (Some(Rebuilt::Detail(lines)), Some(Overlay::Detail(d))) => {
            let texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
            d.lines = lines;
            d.target.view.refresh_search(&texts);
            d.target.view.scroll_by(0, texts.len(), height);
        }
        (Some(Rebuilt::Yaml(lines)), Some(Overlay::Yaml(y))) => {
            y.target.view.refresh_search(&lines);
            y.target.view.scroll_by(0, lines.len(), height);
            y.lines = lines;
        }
        _ => {}
    }
}

enum Rebuilt {
    Detail(Vec<crate::model::detail::DetailLine>),
    Yaml(Vec<String>),
}

/// Whether moving the clock to `now` changes any text on screen: the ages in the visible rows
/// of the table, or the live views that count time. An idle screen of old objects (whose ages
/// read "3d4h") is not redrawn every second.
fn clock_changes_screen(state: &AppState, now: jiff::Timestamp) -> bool {
    if now.as_second() == state.now.as_second() {
        return false;
    }
    match &state.overlay {
        Some(Overlay::Troubleshoot | Overlay::Logs(_)) => true,
        // "as of 12s ago" counts up.
        Some(Overlay::Detail(d)) => d.target.fetched_at.is_some(),
        // Ages in every section of the combined list.
        Some(Overlay::Category(_)) => true,
        Some(Overlay::Namespaces(_) | Overlay::Contexts(_) | Overlay::Drill(_)) | None => {
            let Some(table) = state.table() else {
                return false;
            };
            let rows = state.rows(state.shown_kind());
            let height = state.table_height();
            table
                .visible
                .iter()
                .skip(table.offset)
                .take(height)
                .filter_map(|&i| rows.get(i))
                .any(|row| {
                    row.cells.iter().any(|cell| {
                        matches!(
                            cell,
                            crate::model::Cell::Age(_) | crate::model::Cell::Restarts { .. }
                        ) && cell.display(state.now) != cell.display(now)
                    })
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cluster::Scope;
    use crate::model::{Cell, Health, ObjKey};

    fn state_with_age(created: jiff::Timestamp, now: jiff::Timestamp) -> AppState {
        let keymap = Arc::new(crate::config::Keymap::builtin_default());
        let mut state = AppState::new(Default::default(), Scope::All, true, keymap, now);
        let row = Row {
            key: ObjKey::new("ns", "p"),
            cells: vec![
                Cell::text("ns"),
                Cell::text("p"),
                Cell::Ratio { ready: 1, total: 1 },
                Cell::Status("Running".into(), Health::Ok),
                Cell::Restarts {
                    count: 0,
                    last: None,
                },
                Cell::Age(Some(created)),
                Cell::text("-"),
                Cell::text("-"),
            ],
            health: Health::Ok,
            links: RowLinks::None,
        };
        let generation = state.generation;
        update(
            &mut state,
            Msg::Rows {
                generation,
                kind: ResourceKind::Pods,
                rows: vec![Arc::new(row)],
            },
        );
        state.dirty = false;
        state
    }

    #[test]
    fn the_clock_redraws_only_when_a_visible_age_changes() {
        let now = jiff::Timestamp::from_second(1_000_000).expect("time");
        let young = state_with_age(
            jiff::Timestamp::from_second(1_000_000 - 30).expect("time"),
            now,
        );
        let mut state = young;
        update(
            &mut state,
            Msg::Tick(jiff::Timestamp::from_second(1_000_001).expect("time")),
        );
        assert!(state.dirty, "30s → 31s changes on screen");

        let mut state = state_with_age(
            jiff::Timestamp::from_second(1_000_000 - 5 * 86_400).expect("time"),
            now,
        );
        update(
            &mut state,
            Msg::Tick(jiff::Timestamp::from_second(1_000_001).expect("time")),
        );
        assert!(!state.dirty, "5d stays 5d: nothing to redraw");
    }
}
