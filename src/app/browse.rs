//! The table of a kind found by API discovery (`:sts`, `:crd`, `:dbb`, `:pods -l app=web`):
//! which kind and selectors, asking the runtime to watch it while it is on screen, and taking
//! in the rows the watch sends. Describe and YAML read the object through the same type.

use std::sync::Arc;

use crate::cluster::browse::BrowseStatus;
use crate::model::api::ApiResource;
use crate::model::{ObjKey, ResourceKind, Row};

use super::effect::Effect;
use super::state::{AppState, KindData};
use super::table::TableView;

/// The kind the `Browse` table shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Browse {
    /// Id of the watch feeding the table; rows of other ids are dropped.
    pub request: u64,
    pub resource: ApiResource,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// kmedic's own view of the kind, if it has one (describe, logs).
    pub known: Option<ResourceKind>,
}

impl Browse {
    /// `statefulsets.apps`, with the selectors as typed.
    pub fn title(&self) -> String {
        let mut title = self.resource.full_name();
        if let Some(l) = &self.label_selector {
            title.push_str(&format!(" -l {l}"));
        }
        if let Some(f) = &self.field_selector {
            title.push_str(&format!(" --field-selector {f}"));
        }
        title
    }
}

/// Shows `resource` in the Browse table and asks for its watch (the previous one stops).
pub fn open(
    state: &mut AppState,
    resource: ApiResource,
    label_selector: Option<String>,
    field_selector: Option<String>,
) -> Vec<Effect> {
    let request = state.next_request;
    state.next_request += 1;
    let known = ResourceKind::of_resource(&resource.group, &resource.plural);
    state.browse = Some(Browse {
        request,
        resource: resource.clone(),
        label_selector: label_selector.clone(),
        field_selector: field_selector.clone(),
        known,
    });
    state
        .kinds
        .insert(ResourceKind::Browse, KindData::default());
    let mut table = TableView::new(ResourceKind::Browse);
    table.titles = Vec::new();
    state.tables.insert(ResourceKind::Browse, table);
    super::screens::global::show_view(state, ResourceKind::Browse);
    vec![Effect::Browse {
        request,
        resource,
        label_selector,
        field_selector,
    }]
}

/// Leaving the Browse table: its watch stops.
pub fn close(state: &mut AppState) -> Vec<Effect> {
    if state.browse.take().is_some() {
        state.kinds.remove(&ResourceKind::Browse);
        state.tables.remove(&ResourceKind::Browse);
        vec![Effect::StopBrowse]
    } else {
        Vec::new()
    }
}

/// New rows and status from the browse watch `request`.
pub fn on_rows(state: &mut AppState, request: u64, status: BrowseStatus, rows: Vec<Arc<Row>>) {
    if state.browse.as_ref().map(|b| b.request) != Some(request) {
        return;
    }
    let titles_changed = state
        .tables
        .get(&ResourceKind::Browse)
        .is_none_or(|t| t.titles != status.titles);
    if titles_changed && !status.titles.is_empty() {
        let old = state.tables.remove(&ResourceKind::Browse);
        let mut table = TableView::with_titles(ResourceKind::Browse, status.titles.clone());
        if let Some(old) = old {
            table.filter_text = old.filter_text.clone();
            table.filter = old.filter.clone();
            table.faults_only = old.faults_only;
            table.selected_key = old.selected_key;
        }
        state.tables.insert(ResourceKind::Browse, table);
    }
    let data = state.kinds.entry(ResourceKind::Browse).or_default();
    data.rows = rows;
    data.synced = status.synced;
    data.refused = status.error;
    state.refresh_table(ResourceKind::Browse);
    state.dirty = true;
}

/// The object under the cursor of the Browse table and how to read it.
pub fn selected(state: &AppState) -> Option<(ApiResource, ObjKey, Option<ResourceKind>)> {
    let browse = state.browse.as_ref()?;
    let row = state.selected_row()?;
    Some((browse.resource.clone(), row.key.clone(), browse.known))
}
