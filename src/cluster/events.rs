//! What the cluster layer tells the app: small notifications, tagged with the generation of
//! the watch set that produced them so results from a previous namespace or context are dropped.

use crate::model::ResourceKind;

/// Which namespaces the namespaced views show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Namespace(String),
}

impl Scope {
    pub fn label(&self) -> &str {
        match self {
            Scope::All => "all",
            Scope::Namespace(ns) => ns,
        }
    }
}

/// A notification from a watch task. Data is not carried: the app pulls it from the store.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterEvent {
    /// Rows of `kind` changed; pull a new snapshot.
    Changed { generation: u64, kind: ResourceKind },
    /// The initial list of `kind` completed (also after a re-list).
    Synced { generation: u64, kind: ResourceKind },
    /// The server refused the list (401/403): the message says which list.
    Refused {
        generation: u64,
        kind: ResourceKind,
        code: u16,
        message: String,
    },
    /// Objects of `kind` that could not be read (the rest are shown): "Kind ns/name: why".
    Malformed {
        generation: u64,
        kind: ResourceKind,
        objects: Vec<String>,
    },
    /// The connection failed; the watch retries with backoff.
    Disconnected {
        generation: u64,
        kind: ResourceKind,
        message: String,
    },
}

impl ClusterEvent {
    pub fn generation(&self) -> u64 {
        match self {
            ClusterEvent::Changed { generation, .. }
            | ClusterEvent::Synced { generation, .. }
            | ClusterEvent::Refused { generation, .. }
            | ClusterEvent::Malformed { generation, .. }
            | ClusterEvent::Disconnected { generation, .. } => *generation,
        }
    }
}
