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
    pub view: TextView,
}

/// The describe-like view.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub target: ObjectView,
    pub lines: Vec<DetailLine>,
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
    Logs(Box<super::logs_pane::LogsPane>),
}
