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
    /// The rows as the watch sent them, before the findings raised their health.
    pub raw: Vec<Arc<Row>>,
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
        raw: Vec::new(),
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
    if let Some(browse) = state.browse.as_mut() {
        browse.raw = rows;
    }
    let rows = with_findings(state);
    let data = state.kinds.entry(ResourceKind::Browse).or_default();
    data.rows = rows;
    data.synced = status.synced;
    data.refused = status.error;
    state.refresh_table(ResourceKind::Browse);
    state.dirty = true;
}

/// The findings changed: the browsed rows take their health again.
pub fn on_findings(state: &mut AppState) {
    if state.browse.is_none() {
        return;
    }
    let rows = with_findings(state);
    if let Some(data) = state.kinds.get_mut(&ResourceKind::Browse) {
        data.rows = rows;
        state.refresh_table(ResourceKind::Browse);
    }
}

/// The browsed rows, each as healthy as its cells say and no healthier than the worst open
/// finding about its object (a DaemonSet whose pods crash is a fault, though its server
/// Table row has no status column), so "faults only" and the row colour agree with
/// Troubleshoot.
fn with_findings(state: &AppState) -> Vec<Arc<Row>> {
    use crate::findings::Severity;
    use crate::model::Health;
    use crate::model::api::table::rank;
    let Some(browse) = state.browse.as_ref() else {
        return Vec::new();
    };
    let mut worst: std::collections::HashMap<ObjKey, Health> = std::collections::HashMap::new();
    let findings = state
        .troubleshoot
        .analysis
        .as_ref()
        .map(|a| &a.findings[..])
        .unwrap_or(&[]);
    for f in findings
        .iter()
        .filter(|f| f.object.kind == browse.resource.kind)
    {
        let health = match f.severity {
            Severity::Critical | Severity::Error => Health::Error,
            Severity::Warning => Health::Warning,
            Severity::Info => continue,
        };
        let key = ObjKey::new(f.object.namespace.as_str(), f.object.name.as_str());
        let entry = worst.entry(key).or_insert(health);
        *entry = (*entry).max(health);
    }
    if worst.is_empty() {
        return browse.raw.clone();
    }
    browse
        .raw
        .iter()
        .map(|row| match worst.get(&row.key) {
            Some(&health) if rank(health) > rank(row.health) => {
                let mut raised = Row::clone(row);
                raised.health = health;
                Arc::new(raised)
            }
            _ => row.clone(),
        })
        .collect()
}
