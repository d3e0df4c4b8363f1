//! Builders that turn full Kubernetes objects into compact `Row`s (one per kind), following
//! what `kubectl get` prints. Pure functions: no I/O, unit tested.

mod deployment;
mod endpoints;
mod event;
mod namespace;
mod node;
mod pod;
mod service;

use crate::objects::{ObjectMeta, Str};
use jiff::Timestamp;

use super::{Cell, ObjKey};

pub use deployment::deployment_row;
pub use endpoints::endpoints_row;
pub use event::{event_row, event_type_health, single_line};
pub use namespace::namespace_row;
pub use node::{node_roles, node_row, node_status};
pub use pod::pod_row;
pub use service::{ports as service_ports, service_row};

/// The object's namespace and name (empty strings when missing).
pub(crate) fn meta_key(meta: &ObjectMeta) -> ObjKey {
    ObjKey::of(
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

/// The object's creation time.
pub(crate) fn created(meta: &ObjectMeta) -> Option<Timestamp> {
    meta.creation_timestamp.map(|t| t.ts())
}

/// The NAMESPACE cell: the object's own namespace string, shared (no copy).
pub(crate) fn namespace_cell(meta: &ObjectMeta) -> Cell {
    Cell::Text(meta.namespace.clone().unwrap_or_default())
}

/// The NAME cell: the object's own name string, shared (no copy).
pub(crate) fn name_cell(meta: &ObjectMeta) -> Cell {
    Cell::Text(meta.name.clone().unwrap_or_default())
}

/// `s` (shared, not copied) if present and non-empty, else the interned `<none>`.
pub(crate) fn or_none(s: Option<&Str>) -> Str {
    match s {
        Some(s) if !s.is_empty() => s.clone(),
        _ => Str::NONE,
    }
}

/// Test helper: the timestamp of an RFC 3339 string.
#[cfg(test)]
pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

/// Test helper: a typed object from JSON.
#[cfg(test)]
pub(crate) fn obj<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("valid object JSON")
}
