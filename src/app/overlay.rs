//! Screens drawn over the table: help, the detail (describe) view, the YAML view and the
//! namespace picker.

use crate::model::detail::DetailLine;
use crate::model::{ObjKey, ResourceKind};

use super::picker::Picker;
use super::text_view::TextView;

/// An object being looked at in the detail or YAML view.
#[derive(Debug, Clone)]
pub struct ObjectView {
    pub kind: ResourceKind,
    pub key: ObjKey,
    /// Request id of the fetch whose answer we wait for.
    pub request: u64,
    pub object: Option<serde_json::Value>,
    pub error: Option<String>,
    /// When the object shown was read (the view says "as of").
    pub fetched_at: Option<jiff::Timestamp>,
    pub view: TextView,
    /// The served kind to read it as, for a row of the combined list of a category whose kind
    /// kmedic has no view of (`kind` is then `Browse`); None: the kind, or the Browse table's.
    pub resource: Option<crate::model::api::ApiResource>,
}

/// The describe-like view.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub target: ObjectView,
    pub lines: Vec<DetailLine>,
    /// What kubectl describe reads besides the object, once read; with the request id of the
    /// read awaited, and whether the cluster changed since (it is then read again).
    pub related: Option<crate::model::detail::related::Related>,
    pub related_request: u64,
    pub related_stale: bool,
}

/// The YAML view.
#[derive(Debug, Clone)]
pub struct YamlView {
    pub target: ObjectView,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help(TextView),
    Detail(Box<DetailView>),
    Yaml(Box<YamlView>),
    Namespaces(Picker),
    Contexts(Picker),
    Access(Box<AccessView>),
    /// The Troubleshoot view (its data lives in `AppState::troubleshoot`, kept while closed).
    Troubleshoot,
    Certs(Box<CertsPane>),
    Logs(Box<super::logs_pane::LogsPane>),
    /// A table of what a row stands for (the pods of a Deployment…): the drill-down.
    Drill(Box<super::drill::DrillView>),
    /// The owner/reference tree of an object.
    Tree(Box<super::tree::TreePane>),
    /// A node's page: its state, findings, pods and events (from the Troubleshoot Nodes tab).
    NodePage(Box<super::node_page::NodePagePane>),
    /// A category (`:all`) as one list of the rows of all its kinds.
    Category(Box<super::category::CategoryView>),
    /// The other end of a reach question, picked by name.
    ReachPicker(Box<super::reach::ReachPick>),
    /// A reach question's answer, hop by hop.
    Reach(Box<super::reach::ReachView>),
}

/// The Certs view: the inspection report once it arrives, as a navigable tree.
#[derive(Debug, Clone)]
pub struct CertsPane {
    pub request: u64,
    pub view: Option<Result<crate::certs::view::CertsView, String>>,
}

/// The "what can I do here" view: the answer of the access reviews, once it arrives.
#[derive(Debug, Clone)]
pub struct AccessView {
    pub request: u64,
    /// Lines with an allowed/denied flag for colouring; or why the review failed.
    pub lines: Option<Result<Vec<crate::cluster::access::AccessLine>, String>>,
    pub view: TextView,
}
