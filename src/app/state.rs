//! `AppState`: everything the UI shows, owned by the event loop and changed only by `update`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;

use crate::cluster::Scope;
use crate::config::Keymap;
use crate::model::{ObjKey, ResourceKind, Row};

use super::input::InputLine;
use super::overlay::Overlay;
use super::table::{Joins, TableView};

/// Facts about the cluster connection shown in the header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    pub context: String,
    pub cluster: String,
    pub server: String,
    pub user: String,
}

/// A context of the kubeconfig, as the context picker lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContextInfo {
    pub name: String,
    pub cluster: String,
    pub server: String,
    pub user: String,
    /// The context's default namespace (empty when it has none).
    pub namespace: String,
}

/// The state of the connection, as the header shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting {
        error: String,
    },
    /// No client could be made for the context (bad credentials config, missing plugin...).
    Failed {
        error: String,
    },
    /// The server answers but rejects the credentials (401 on every list).
    Rejected {
        error: String,
    },
}

/// What we know about one kind's data.
#[derive(Debug, Clone, Default)]
pub struct KindData {
    pub rows: Vec<Arc<Row>>,
    /// The first complete list has arrived.
    pub synced: bool,
    /// The server refused to list this kind (RBAC); the message says which list.
    pub refused: Option<String>,
    /// Objects that could not be read and are not shown: "Kind ns/name: why".
    pub malformed: Vec<String>,
}

/// A short message in the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The whole application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub target: Target,
    /// Every context of the merged kubeconfig.
    pub contexts: Vec<ContextInfo>,
    /// Per context, the namespace (None = all) and view last used; saved between runs.
    pub remembered: std::collections::BTreeMap<String, (Option<String>, ResourceKind)>,
    /// Favourite namespaces per context; saved between runs.
    pub favourites: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    pub scope: Scope,
    pub read_only: bool,
    pub connection: Connection,
    /// Kinds whose watch currently reports a connection error.
    pub disconnected: BTreeSet<ResourceKind>,
    /// Generation of the current watch set; events of other generations are dropped.
    pub generation: u64,
    pub view: ResourceKind,
    pub kinds: HashMap<ResourceKind, KindData>,
    pub tables: HashMap<ResourceKind, TableView>,
    pub joins: Joins,
    /// The screen on top of the table (`None`: the table itself has the keyboard).
    pub overlay: Option<Overlay>,
    /// Screens beneath `overlay`, bottom first: `Back` returns to the last one, with its cursor.
    pub stack: Vec<Overlay>,
    /// `q` was pressed at the top: the next key answers "quit kmedic?" (only `y` quits).
    pub confirm_quit: bool,
    pub input: Option<InputLine>,
    pub notice: Option<Notice>,
    pub now: Timestamp,
    pub width: u16,
    pub height: u16,
    pub keymap: Arc<Keymap>,
    /// Findings of the troubleshooting engine, for the Troubleshoot view and the header badge.
    pub troubleshoot: super::troubleshoot::Troubleshoot,
    /// Draw borders and symbols in plain ASCII (`--ascii`).
    pub ascii: bool,
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    pub next_request: u64,
    /// The relation queries the engine was last asked to follow (drill-downs and trees open).
    pub following: Vec<crate::relations::Query>,
    /// Settings new log panes start with.
    pub log_settings: super::logs_pane::LogSettings,
    /// Every kind the server serves (API discovery), once it answered.
    pub api: Option<Arc<crate::model::api::ApiRegistry>>,
    /// Why API discovery failed, if it did.
    pub api_error: Option<String>,
    /// The kind shown in the `Browse` table, while there is one.
    pub browse: Option<super::browse::Browse>,
    /// The `:` command line's history (oldest first) and completion state.
    pub history: super::history::History,
    /// The Secret key `:reveal KEY` asked to show decoded (`namespace/name`, key).
    pub reveal: Option<(ObjKey, String)>,
    /// The reads of the metrics API for the usage columns.
    pub usage: super::usage::UsagePoll,
}

/// Smallest terminal the layout works in; below it a notice is shown instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

impl AppState {
    pub fn new(
        target: Target,
        scope: Scope,
        read_only: bool,
        keymap: Arc<Keymap>,
        now: Timestamp,
    ) -> Self {
        let tables = ResourceKind::VIEWS
            .iter()
            .map(|k| (*k, TableView::new(*k)))
            .collect();
        AppState {
            target,
            contexts: Vec::new(),
            remembered: Default::default(),
            favourites: Default::default(),
            scope,
            read_only,
            connection: Connection::Connecting,
            disconnected: BTreeSet::new(),
            generation: 1,
            view: ResourceKind::Pods,
            kinds: HashMap::new(),
            tables,
            joins: Joins::default(),
            overlay: None,
            stack: Vec::new(),
            confirm_quit: false,
            input: None,
            notice: None,
            now,
            width: 80,
            height: 24,
            keymap,
            troubleshoot: Default::default(),
            ascii: false,
            quit: false,
            dirty: true,
            next_request: 1,
            log_settings: Default::default(),
            following: Vec::new(),
            usage: Default::default(),
            api: None,
            api_error: None,
            browse: None,
            history: Default::default(),
            reveal: None,
        }
    }

    pub fn rows(&self, kind: ResourceKind) -> &[Arc<Row>] {
        self.kinds
            .get(&kind)
            .map(|k| k.rows.as_slice())
            .unwrap_or(&[])
    }

    /// The table on screen: a drill-down's when one is shown, else the view's.
    pub fn table(&self) -> Option<&TableView> {
        match self.shown_drill() {
            Some(drill) => Some(&drill.table),
            None => self.tables.get(&self.view),
        }
    }

    /// The table on screen, to change it.
    pub fn table_mut(&mut self) -> Option<&mut TableView> {
        if self.shown_drill().is_some() {
            return self.shown_drill_mut().map(|d| &mut d.table);
        }
        self.tables.get_mut(&self.view)
    }

    /// The kind of the rows on screen (a drill-down's, else the view's).
    pub fn shown_kind(&self) -> ResourceKind {
        self.shown_drill().map_or(self.view, |d| d.child)
    }

    /// The drill-down whose table is on screen: on top, or beneath a picker opened over it.
    pub fn shown_drill(&self) -> Option<&super::drill::DrillView> {
        match &self.overlay {
            Some(Overlay::Drill(d)) => Some(d),
            Some(Overlay::Namespaces(_) | Overlay::Contexts(_) | Overlay::ReachPicker(_)) => {
                match self.stack.last() {
                    Some(Overlay::Drill(d)) => Some(d),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn shown_drill_mut(&mut self) -> Option<&mut super::drill::DrillView> {
        drill_in(&mut self.overlay, &mut self.stack)
    }

    /// The NAMESPACE column is hidden while a single namespace is shown.
    pub fn hide_namespace(&self) -> bool {
        matches!(self.scope, Scope::Namespace(_))
    }

    /// Rows of the table body on screen.
    pub fn table_height(&self) -> usize {
        super::layout::table_rows(self.width, self.height)
    }

    /// Lines of a text screen (describe, YAML, help, access) on screen.
    pub fn text_height(&self) -> usize {
        super::layout::text_rows(self.width, self.height)
    }

    /// Log lines on screen in the log pane.
    pub fn log_rows(&self) -> usize {
        super::layout::log_rows(self.width, self.height)
    }

    /// Recomputes the visible rows of `kind`'s table (filter, sort, joins, scroll).
    pub fn refresh_table(&mut self, kind: ResourceKind) {
        let hide_ns = self.hide_namespace();
        let height = self.table_height();
        // Taken out and put back (not cloned): 50,000 rows are 50,000 reference counts.
        let rows = self
            .kinds
            .get_mut(&kind)
            .map(|k| std::mem::take(&mut k.rows))
            .unwrap_or_default();
        if kind == ResourceKind::Nodes && self.joins.pods_stale {
            self.joins.pods_per_node = self
                .kinds
                .get(&ResourceKind::Pods)
                .map(|k| Joins::from_pods(&k.rows))
                .unwrap_or_default();
            self.joins.pods_stale = false;
        }
        if let Some(table) = self.tables.get_mut(&kind) {
            table.refresh(&rows, &self.joins, self.now, hide_ns);
            table.scroll_into_view(height);
        }
        if let Some(drill) = drill_in(&mut self.overlay, &mut self.stack)
            && drill.child == kind
        {
            drill.table.refresh(&rows, &self.joins, self.now, hide_ns);
            drill.table.scroll_into_view(height);
        }
        if let Some(k) = self.kinds.get_mut(&kind) {
            k.rows = rows;
        }
        super::category::on_kind_refreshed(self, kind);
    }

    /// The row under the cursor in the current table.
    pub fn selected_row(&self) -> Option<&Arc<Row>> {
        let table = self.table()?;
        let index = *table.visible.get(table.selected)?;
        self.rows(self.shown_kind()).get(index)
    }

    /// The kind to describe the selected row as: the shown kind, or for a browsed kind that
    /// kmedic knows (pods under a selector), that kind.
    pub fn describable_kind(&self) -> ResourceKind {
        match (self.shown_kind(), &self.browse) {
            (ResourceKind::Browse, Some(b)) => b.known.unwrap_or(ResourceKind::Browse),
            (kind, _) => kind,
        }
    }

    /// The kind name the engine's relations know the shown rows by (`Pod`, or a browsed
    /// `StatefulSet` when the engine caches that kind of that group); `Object` otherwise.
    pub fn relation_kind_name(&self) -> String {
        match (self.shown_kind(), &self.browse) {
            (ResourceKind::Browse, Some(b)) => crate::objects::Kind::by_name(&b.resource.kind)
                .filter(|k| k.info().group == b.resource.group)
                .map_or("Object", |k| k.name())
                .to_string(),
            (kind, _) => kind.kind_name().to_string(),
        }
    }

    /// The title of the table shown (`Pods`, or a browsed kind's name and selectors).
    pub fn view_title(&self) -> String {
        match (self.shown_kind(), &self.browse) {
            (ResourceKind::Browse, Some(b)) => b.title(),
            (kind, _) => kind.title().to_string(),
        }
    }

    /// Whether the table shown is of a namespaced kind.
    pub fn view_namespaced(&self) -> bool {
        match (self.shown_kind(), &self.browse) {
            (ResourceKind::Browse, Some(b)) => b.resource.namespaced,
            (kind, _) => kind.namespaced(),
        }
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    /// Whether the data on screen may be out of date (the connection is down).
    pub fn stale(&self) -> bool {
        matches!(self.connection, Connection::Reconnecting { .. })
    }

    /// Records where the user is, so it can be restored for this context later.
    pub fn remember(&mut self) {
        let namespace = match &self.scope {
            Scope::All => None,
            Scope::Namespace(ns) => Some(ns.clone()),
        };
        // A browsed kind may not exist in the other context: remember the pods there.
        let view = match self.view {
            ResourceKind::Browse => ResourceKind::Pods,
            view => view,
        };
        self.remembered
            .insert(self.target.context.clone(), (namespace, view));
    }

    /// Favourite namespaces of the current context.
    pub fn current_favourites(&self) -> std::collections::BTreeSet<String> {
        self.favourites
            .get(&self.target.context)
            .cloned()
            .unwrap_or_default()
    }

    /// Namespace names from the namespaces view, sorted.
    pub fn namespace_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .rows(ResourceKind::Namespaces)
            .iter()
            .map(|r| r.key.name.to_string())
            .collect();
        names.sort();
        names
    }
}

/// The drill-down whose table is on screen, from the screen on top and the stack beneath.
fn drill_in<'a>(
    overlay: &'a mut Option<Overlay>,
    stack: &'a mut [Overlay],
) -> Option<&'a mut super::drill::DrillView> {
    match overlay {
        Some(Overlay::Drill(d)) => Some(d),
        Some(Overlay::Namespaces(_) | Overlay::Contexts(_) | Overlay::ReachPicker(_)) => {
            match stack.last_mut() {
                Some(Overlay::Drill(d)) => Some(d),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Shows `text` in the footer until the next key (`error`: in the error colour).
pub fn say(state: &mut AppState, text: impl Into<String>, error: bool) {
    state.notice = Some(Notice {
        text: text.into(),
        error,
    });
    state.dirty = true;
}
