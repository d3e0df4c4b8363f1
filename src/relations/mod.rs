//! How objects relate, for the explorer: what a row drills down to (the pods of a Deployment,
//! a Service, a Node, a Namespace, a PVC…) and the owner/reference tree of an object. Pure
//! functions of the engine's [`Snapshot`] (the same watch-fed caches the analyzers read); the
//! engine thread answers the app's questions with them, so the UI thread never walks caches.
//! Keyed on `kind:` names, so a kind the explorer learns later drills down without changes here.

mod members;
mod node_page;
mod tree;

pub use members::{drills, members};
pub use node_page::{NodeEvent, NodeFacts, NodePod, node_facts};
pub use tree::{ObjectTree, TreeNode, has_tree, tree};

use crate::model::ObjKey;
use crate::objects::{Kind, ObjectMeta};
use crate::troubleshoot::Snapshot;

/// What the app asks about an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Query {
    pub want: Want,
    /// The object's `kind:` name ("Deployment").
    pub kind: String,
    pub key: ObjKey,
}

/// Which relation is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Want {
    /// The objects a drill-down lists.
    Members,
    /// The owner/reference tree.
    Tree,
    /// A node's page: its state, pods and events (`kind` "Node").
    NodePage,
}

/// The objects a drill-down lists: their `kind:` name and keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Members {
    pub kind: String,
    pub keys: Vec<ObjKey>,
    /// Said when the answer may be partial (a kind not listed, a scope that hides some).
    pub note: Option<String>,
}

/// The answer to a [`Query`]; `None` when the object is not in the caches (deleted, or of a
/// kind or namespace not watched).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Members(Option<Members>),
    Tree(Option<ObjectTree>),
    NodePage(Option<NodeFacts>),
}

/// Answers `query` from `snap`.
pub fn answer(snap: &Snapshot, query: &Query) -> Answer {
    match query.want {
        Want::Members => Answer::Members(members(snap, &query.kind, &query.key)),
        Want::Tree => Answer::Tree(tree(snap, &query.kind, &query.key)),
        Want::NodePage => Answer::NodePage(node_facts(snap, &query.key.name)),
    }
}

/// The metadata of a cached object of kind `kind`.
pub(crate) fn meta_of<'a>(snap: &'a Snapshot, kind: Kind, key: &ObjKey) -> Option<&'a ObjectMeta> {
    let (ns, name) = (key.namespace.as_str(), key.name.as_str());
    Some(match kind {
        Kind::Namespace => &snap.namespaces.find("", name)?.metadata,
        Kind::Node => &snap.nodes.find("", name)?.metadata,
        Kind::Pod => &snap.pods.find(ns, name)?.metadata,
        Kind::Service => &snap.services.find(ns, name)?.metadata,
        Kind::Deployment => &snap.deployments.find(ns, name)?.metadata,
        Kind::ReplicaSet => &snap.replicasets.find(ns, name)?.metadata,
        Kind::StatefulSet => &snap.statefulsets.find(ns, name)?.metadata,
        Kind::DaemonSet => &snap.daemonsets.find(ns, name)?.metadata,
        Kind::Job => &snap.jobs.find(ns, name)?.metadata,
        Kind::CronJob => &snap.cronjobs.find(ns, name)?.metadata,
        Kind::PersistentVolumeClaim => &snap.pvcs.find(ns, name)?.metadata,
        Kind::ConfigMap => &snap.configmaps.find(ns, name)?.metadata,
        Kind::Secret => &snap.secrets.find(ns, name)?.metadata,
        Kind::ServiceAccount => &snap.service_accounts.find(ns, name)?.metadata,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
