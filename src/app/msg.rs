//! Everything that can happen to the app, as data.

use std::sync::Arc;

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::cluster::ClusterEvent;
use crate::model::{ResourceKind, Row};

/// One input to the reducer.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved (ages are formatted against it).
    Tick(Timestamp),
    /// A fresh snapshot of one kind's rows, pulled from the store after a change.
    Rows {
        generation: u64,
        kind: ResourceKind,
        rows: Vec<Arc<Row>>,
    },
    /// The answer to an `Effect::FetchUsage`.
    Usage {
        request: u64,
        kind: ResourceKind,
        result: Result<crate::model::usage::Usage, String>,
    },
    /// A status notification from a watch task.
    Cluster(ClusterEvent),
    /// The answer to an `Effect::Fetch`.
    Fetched {
        request: u64,
        result: Result<serde_json::Value, String>,
    },
    /// The answer to an `Effect::FetchRelated` (`None`: nothing more for this kind).
    FetchedRelated {
        request: u64,
        result: Result<Option<crate::model::detail::related::Related>, String>,
    },
    /// No client could be made for the context switched to in `generation`.
    ContextFailed {
        generation: u64,
        error: String,
    },
    /// A new analysis from the engine of watch generation `generation`.
    Analyzed {
        generation: u64,
        result: Result<super::troubleshoot::Analysis, String>,
    },
    /// The engine of watch generation `generation` analysed again at `at` and found the
    /// same as in its last `Analyzed`.
    Reanalyzed {
        generation: u64,
        at: jiff::Timestamp,
    },
    /// The answer to an `Effect::InspectCerts`.
    CertsInspected {
        request: u64,
        result: Result<Box<crate::certs::view::CertsView>, String>,
    },
    /// The answer to an `Effect::ReviewAccess`.
    AccessReviewed {
        request: u64,
        result: Result<Vec<crate::cluster::access::AccessLine>, String>,
    },
    /// Node-local mode: start, read again, or a reading's report.
    NodeLocal(super::node_local::NodeLocalMsg),
    /// The engine of watch generation `generation` answered the followed relation queries
    /// (drill-down members, object trees), after a change or when they were asked.
    Related {
        generation: u64,
        answers: Vec<(crate::relations::Query, crate::relations::Answer)>,
    },
    /// A connection probe succeeded.
    Reachable {
        generation: u64,
    },
    /// News from a log task (a batch of lines, a stream state, a pod joining…).
    Logs(crate::logs::LogNews),
    /// The kubeconfig changed on disk: its contexts now, and whether the current context's
    /// server or credentials changed (then kmedic reconnects); or why the new file cannot be
    /// used (the previous one is kept).
    KubeconfigReloaded {
        result: Result<(Vec<super::state::ContextInfo>, bool), String>,
    },
    /// API discovery of watch generation `generation` answered.
    Discovered {
        generation: u64,
        result: Result<Arc<crate::model::api::ApiRegistry>, String>,
    },
    /// The browse watch `request` changed its rows (the runtime pulls them; the reducer
    /// ignores this).
    BrowseChanged {
        request: u64,
    },
    /// The engine's answer to `Effect::Reach` `request`.
    Reached {
        request: u64,
        result: Result<crate::troubleshoot::reach::Reach, String>,
    },
    /// The rows and status of the browse watch `request`.
    BrowseRows {
        request: u64,
        status: crate::cluster::browse::BrowseStatus,
        rows: Vec<Arc<Row>>,
    },
}
