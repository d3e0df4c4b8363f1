//! The usage columns of the Pods and Nodes tables: while one of those tables is on screen and
//! the server serves `metrics.k8s.io`, its list is read every [`EVERY`] seconds (the metrics
//! API has no watch), and the read stops when the table leaves the screen. When the API is not
//! served or a read fails, the columns are simply absent.

use std::sync::Arc;

use crate::cluster::Scope;
use crate::model::ResourceKind;
use crate::model::api::ApiResource;
use crate::model::usage::{Usage, titles};

use super::effect::Effect;
use super::state::AppState;

/// Seconds between two reads (metrics-server scrapes every 15 s).
pub const EVERY: i64 = 20;

/// What is read, and when it was last asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsagePoll {
    /// The table whose usage is read, and its namespace (`None`: every namespace or nodes).
    pub spec: Option<(ResourceKind, Option<String>)>,
    /// The read whose answer is awaited (answers to others are dropped).
    pub request: u64,
    /// Per table, when and for which namespace its usage was last asked (so going back and
    /// forth between the tables does not read again before [`EVERY`] seconds).
    pub asked: std::collections::HashMap<ResourceKind, (jiff::Timestamp, Option<String>)>,
}

/// The metrics resource to read for the table on screen, if any.
fn wanted(state: &AppState) -> Option<(ResourceKind, Option<String>, ApiResource)> {
    if state.overlay.is_some() || !matches!(state.view, ResourceKind::Pods | ResourceKind::Nodes) {
        return None;
    }
    let plural = match state.view {
        ResourceKind::Pods => "pods",
        _ => "nodes",
    };
    let resource = state
        .api
        .as_ref()?
        .resources
        .iter()
        .find(|r| r.group == "metrics.k8s.io" && r.plural == plural && r.can("list"))?;
    let namespace = match (&state.scope, state.view) {
        (Scope::Namespace(ns), ResourceKind::Pods) => Some(ns.clone()),
        _ => None,
    };
    Some((state.view, namespace, resource.clone()))
}

/// After every message: starts, paces or stops the reads for what is on screen.
pub fn poll(state: &mut AppState) -> Vec<Effect> {
    let want = wanted(state);
    let spec = want.as_ref().map(|(k, ns, _)| (*k, ns.clone()));
    let mut effects = Vec::new();
    if spec != state.usage.spec {
        if let Some((left, _)) = &state.usage.spec {
            effects.push(Effect::StopUsage);
            // An answer still on its way is not wanted any more: read again on return.
            if state.usage.request != 0 {
                state.usage.asked.remove(left);
            }
            state.usage.request = 0;
        }
        state.usage.spec = spec.clone();
    }
    let Some((kind, namespace, resource)) = want else {
        return effects;
    };
    let now = state.now;
    // Paced: the same table and namespace is read again only after EVERY seconds (an answer
    // still awaited counts as read).
    let due = match state.usage.asked.get(&kind) {
        Some((at, ns)) => *ns != namespace || now.as_second() - at.as_second() >= EVERY,
        None => true,
    };
    if due {
        let request = state.next_request;
        state.next_request += 1;
        state.usage.request = request;
        state.usage.asked.insert(kind, (now, namespace.clone()));
        effects.push(Effect::FetchUsage {
            request,
            kind,
            resource,
            namespace,
        });
    }
    effects
}

/// The answer to a read: the columns appear with the numbers, or go when it failed.
pub fn on_result(
    state: &mut AppState,
    request: u64,
    kind: ResourceKind,
    result: Result<Usage, String>,
) {
    if request == 0 || request != state.usage.request {
        return;
    }
    state.usage.request = 0;
    let usage = match result {
        Ok(u) => Some(Arc::new(u)),
        Err(error) => {
            tracing::info!(%error, "no usage columns: the metrics API did not answer");
            None
        }
    };
    let present = usage.is_some();
    match kind {
        ResourceKind::Pods => state.joins.pod_usage = usage,
        ResourceKind::Nodes => state.joins.node_usage = usage,
        _ => return,
    }
    set_titles(state, kind, present);
    state.refresh_table(kind);
    state.dirty = true;
}

/// The table's titles with or without the usage columns (the sort moves to NAME when its
/// column goes).
fn set_titles(state: &mut AppState, kind: ResourceKind, present: bool) {
    let Some(table) = state.tables.get_mut(&kind) else {
        return;
    };
    let wanted = titles(kind, present);
    if table.titles != wanted {
        table.titles = wanted;
        if table.sort.column >= table.titles.len() {
            table.sort.column = super::table::name_column(kind);
        }
    }
}
