//! Compact events: one record type for both event APIs (core/v1 `Event` and
//! `events.k8s.io/v1` `Event`, which the API server serves from the same storage), with the
//! time it was last seen computed the way kubectl does.

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};

use super::meta::{ObjectMeta, ObjectReference, Time};
use super::str::Str;
use crate::findings::{Evidence, ObjectRef};
use crate::model::age::human_duration;

/// The object an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct EventObject {
    pub kind: Str,
    pub namespace: Str,
    pub name: Str,
}

impl EventObject {
    pub fn to_ref(&self) -> ObjectRef {
        ObjectRef::new(
            self.kind.as_str(),
            self.namespace.as_str(),
            self.name.as_str(),
        )
    }
}

/// One event, whichever API it came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Event {
    pub namespace: Str,
    pub name: Str,
    /// `involvedObject` / `regarding`; cluster-scoped objects have an empty namespace.
    pub object: EventObject,
    /// e.g. `spec.containers{app}`.
    pub field_path: Str,
    pub reason: Str,
    pub message: Str,
    /// `Normal` or `Warning`.
    pub type_: Str,
    pub count: i32,
    /// The latest of series.lastObservedTime, lastTimestamp, eventTime (firstTimestamp when
    /// nothing else is set).
    pub last_seen: Option<Timestamp>,
    pub source: Str,
}

impl Event {
    pub fn is_warning(&self) -> bool {
        self.type_ == "Warning"
    }

    /// The container the event is about, from `spec.containers{name}` or
    /// `spec.initContainers{name}`.
    pub fn container(&self) -> Option<&str> {
        let start = self.field_path.find('{')?;
        let end = self.field_path.rfind('}')?;
        self.field_path.get(start + 1..end)
    }

    /// The event as evidence: "Reason (Warning, ×7, last 3m ago): message".
    pub fn evidence(&self, now: Timestamp) -> Evidence {
        let when = self
            .last_seen
            .map(|t| format!(", last {} ago", human_duration(t, now)))
            .unwrap_or_default();
        let count = if self.count > 1 {
            format!(", ×{}", self.count)
        } else {
            String::new()
        };
        Evidence::new(
            format!("event {}", self.reason),
            format!("{}{count}{when}: {}", self.type_, self.message),
        )
    }

    /// Seen no earlier than `window` before `now` (events without a time count as recent).
    pub fn seen_within(&self, now: Timestamp, window: std::time::Duration) -> bool {
        self.last_seen
            .is_none_or(|t| now.as_second() - t.as_second() <= window.as_secs() as i64)
    }

    /// Folds another copy of the same event (from the other API) into this one.
    pub fn merge(&mut self, other: &Event) {
        self.count = self.count.max(other.count);
        self.last_seen = self.last_seen.max(other.last_seen);
        if self.field_path.is_empty() {
            self.field_path = other.field_path.clone();
        }
    }

    pub fn compact(&mut self) {}
}

/// Kinds without a namespace (their events live in `default`).
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Node"
            | "Namespace"
            | "PersistentVolume"
            | "StorageClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CertificateSigningRequest"
            | "CustomResourceDefinition"
            | "APIService"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "IngressClass"
            | "PriorityClass"
    )
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Series {
    count: Option<i32>,
    last_observed_time: Option<Time>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Source {
    component: Option<Str>,
}

/// The fields of both APIs: core/v1 names first, events.k8s.io/v1 names after.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Raw {
    metadata: ObjectMeta,
    involved_object: Option<ObjectReference>,
    regarding: Option<ObjectReference>,
    reason: Option<Str>,
    message: Option<Str>,
    note: Option<Str>,
    #[serde(rename = "type")]
    type_: Option<Str>,
    count: Option<i32>,
    deprecated_count: Option<i32>,
    first_timestamp: Option<Time>,
    last_timestamp: Option<Time>,
    deprecated_last_timestamp: Option<Time>,
    event_time: Option<Time>,
    series: Option<Series>,
    source: Option<Source>,
    deprecated_source: Option<Source>,
    reporting_component: Option<Str>,
    reporting_controller: Option<Str>,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = Raw::deserialize(d)?;
        let namespace = r.metadata.namespace.clone().unwrap_or_default();
        let target = r.involved_object.or(r.regarding).unwrap_or_default();
        let kind = target.kind.unwrap_or_default();
        let mut object_ns = target.namespace.unwrap_or_default();
        if object_ns.is_empty() && !cluster_scoped(&kind) {
            object_ns = namespace.clone();
        }
        let series = r.series.unwrap_or_default();
        let times = [
            series.last_observed_time,
            r.last_timestamp,
            r.deprecated_last_timestamp,
            r.event_time,
        ];
        let last = times.iter().flatten().max().copied().or(r.first_timestamp);
        let non_empty = |s: Option<Str>| s.filter(|s| !s.is_empty());
        Ok(Event {
            namespace,
            name: r.metadata.name.unwrap_or_default(),
            object: EventObject {
                kind,
                namespace: object_ns,
                name: target.name.unwrap_or_default(),
            },
            field_path: target.field_path.unwrap_or_default(),
            reason: r.reason.unwrap_or_default(),
            message: r.message.or(r.note).unwrap_or_default(),
            type_: r.type_.unwrap_or_default(),
            count: series
                .count
                .or(r.count)
                .or(r.deprecated_count)
                .unwrap_or(1)
                .max(1),
            last_seen: last.map(Time::ts),
            source: non_empty(r.reporting_component)
                .or(non_empty(r.reporting_controller))
                .or(r.source.and_then(|s| s.component))
                .or(r.deprecated_source.and_then(|s| s.component))
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_apis_read_alike() {
        let core: Event = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "a", "namespace": "ns", "uid": "u1"},
            "involvedObject": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{app}"},
            "reason": "BackOff", "message": "m", "type": "Warning",
            "count": 3, "lastTimestamp": "2026-01-01T10:00:00Z"
        }))
        .expect("core event");
        let new: Event = serde_json::from_value(json!({
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "a", "namespace": "ns", "uid": "u1"},
            "eventTime": "2026-01-01T00:00:00.000000Z",
            "regarding": {"kind": "Pod", "namespace": "ns", "name": "p"},
            "reason": "BackOff", "note": "m", "type": "Warning",
            "series": {"count": 4, "lastObservedTime": "2026-01-01T10:05:00.000000Z"}
        }))
        .expect("new event");
        assert_eq!(core.object, new.object);
        assert_eq!(core.container(), Some("app"));
        assert_eq!(new.count, 4);
        let mut merged = core.clone();
        merged.merge(&new);
        assert_eq!(merged.count, 4);
        let now: Timestamp = "2026-01-01T10:10:00Z".parse().expect("t");
        assert_eq!(merged.evidence(now).value, "Warning, ×4, last 5m ago: m");
    }

    #[test]
    fn node_events_have_no_namespace() {
        let e: Event = serde_json::from_value(json!({
            "metadata": {"name": "n1.abc", "namespace": "default"},
            "involvedObject": {"kind": "Node", "name": "n1"},
            "reason": "NodeNotReady", "type": "Normal"
        }))
        .expect("event");
        assert_eq!(e.object.namespace, "");
        assert_eq!(e.count, 1);
    }
}
