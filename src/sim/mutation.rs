//! Changes the scenario's liveness driver asks the simulated cluster's store to make.

use jiff::Timestamp;

/// One change to the simulated cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// Create or replace an object (identified by apiVersion, kind, namespace, name). The store
    /// assigns uid/resourceVersion/creationTimestamp when missing and emits ADDED or MODIFIED.
    Upsert(serde_json::Value),
    /// Delete an object; the store emits DELETED.
    Delete {
        api_version: String,
        kind: String,
        namespace: Option<String>,
        name: String,
    },
    /// Append a log line to a container's current instance.
    Log {
        namespace: String,
        pod: String,
        container: String,
        time: Timestamp,
        line: String,
    },
    /// The container restarted: its current log becomes the `previous` log, a new one starts.
    ContainerRestarted {
        namespace: String,
        pod: String,
        container: String,
    },
}
