//! Events from both APIs (core/v1 and events.k8s.io/v1) as one record type: deduplicated (the
//! API server serves the same event through both), counted, and ordered newest first.

use std::collections::HashMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event as CoreEvent, ObjectReference};
use k8s_openapi::api::events::v1::Event as NewEvent;

use crate::findings::{Evidence, ObjectRef};
use crate::model::age::human_duration;

/// One event, whichever API it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub uid: String,
    pub namespace: String,
    pub name: String,
    /// The object the event is about (`involvedObject` / `regarding`).
    pub object: ObjectRef,
    /// e.g. `spec.containers{app}`.
    pub field_path: String,
    pub reason: String,
    pub message: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub count: i32,
    /// When it was last seen: the latest of series.lastObservedTime, lastTimestamp, eventTime.
    pub last_seen: Option<Timestamp>,
    pub source: String,
}

impl EventRecord {
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
}

fn object_ref(r: Option<&ObjectReference>) -> ObjectRef {
    ObjectRef::new(
        r.and_then(|r| r.kind.clone()).unwrap_or_default(),
        r.and_then(|r| r.namespace.clone()).unwrap_or_default(),
        r.and_then(|r| r.name.clone()).unwrap_or_default(),
    )
}

/// Kinds without a namespace whose events live in `default`.
fn cluster_scoped(kind: &str) -> bool {
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
    )
}

fn latest(times: &[Option<Timestamp>]) -> Option<Timestamp> {
    times.iter().flatten().max().copied()
}

fn from_core(e: CoreEvent) -> EventRecord {
    let mut object = object_ref(Some(&e.involved_object));
    let namespace = e.metadata.namespace.clone().unwrap_or_default();
    if object.namespace.is_empty() && !cluster_scoped(&object.kind) {
        object.namespace = namespace.clone();
    }
    let series = e.series.as_ref();
    EventRecord {
        uid: e.metadata.uid.clone().unwrap_or_default(),
        namespace,
        name: e.metadata.name.clone().unwrap_or_default(),
        object,
        field_path: e.involved_object.field_path.clone().unwrap_or_default(),
        reason: e.reason.unwrap_or_default(),
        message: e.message.unwrap_or_default(),
        type_: e.type_.unwrap_or_default(),
        count: series.and_then(|s| s.count).or(e.count).unwrap_or(1).max(1),
        last_seen: latest(&[
            series
                .and_then(|s| s.last_observed_time.as_ref())
                .map(|t| t.0),
            e.last_timestamp.as_ref().map(|t| t.0),
            e.event_time.as_ref().map(|t| t.0),
            e.first_timestamp.as_ref().map(|t| t.0),
        ]),
        source: e
            .reporting_component
            .filter(|c| !c.is_empty())
            .or_else(|| e.source.and_then(|s| s.component))
            .unwrap_or_default(),
    }
}

fn from_new(e: NewEvent) -> EventRecord {
    let namespace = e.metadata.namespace.clone().unwrap_or_default();
    let mut object = object_ref(e.regarding.as_ref());
    if object.namespace.is_empty() && !cluster_scoped(&object.kind) {
        object.namespace = namespace.clone();
    }
    let series = e.series.as_ref();
    EventRecord {
        uid: e.metadata.uid.clone().unwrap_or_default(),
        namespace,
        name: e.metadata.name.clone().unwrap_or_default(),
        object,
        field_path: e
            .regarding
            .as_ref()
            .and_then(|r| r.field_path.clone())
            .unwrap_or_default(),
        reason: e.reason.unwrap_or_default(),
        message: e.note.unwrap_or_default(),
        type_: e.type_.unwrap_or_default(),
        count: series
            .map(|s| s.count)
            .or(e.deprecated_count)
            .unwrap_or(1)
            .max(1),
        last_seen: latest(&[
            series.map(|s| s.last_observed_time.0),
            e.deprecated_last_timestamp.as_ref().map(|t| t.0),
            e.event_time.as_ref().map(|t| t.0),
        ]),
        source: e
            .reporting_controller
            .filter(|c| !c.is_empty())
            .or_else(|| e.deprecated_source.and_then(|s| s.component))
            .unwrap_or_default(),
    }
}

/// Both lists as one, each event once (by uid, else namespace/name), newest first.
pub fn merge(core: Vec<CoreEvent>, new: Vec<NewEvent>) -> Vec<EventRecord> {
    let mut by_key: HashMap<String, EventRecord> = HashMap::new();
    let records = core
        .into_iter()
        .map(from_core)
        .chain(new.into_iter().map(from_new));
    for r in records {
        let key = if r.uid.is_empty() {
            format!("{}/{}", r.namespace, r.name)
        } else {
            r.uid.clone()
        };
        match by_key.get_mut(&key) {
            Some(existing) => {
                existing.count = existing.count.max(r.count);
                existing.last_seen = existing.last_seen.max(r.last_seen);
                if existing.field_path.is_empty() {
                    existing.field_path = r.field_path;
                }
            }
            None => {
                by_key.insert(key, r);
            }
        }
    }
    let mut out: Vec<EventRecord> = by_key.into_values().collect();
    out.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn core(name: &str, uid: &str, last: &str, count: i32) -> CoreEvent {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "ns", "uid": uid},
            "involvedObject": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{app}"},
            "reason": "BackOff", "message": "m", "type": "Warning",
            "count": count, "lastTimestamp": last
        }))
        .unwrap()
    }

    fn new(name: &str, uid: &str, last: &str, count: i32) -> NewEvent {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "ns", "uid": uid},
            "eventTime": "2026-01-01T00:00:00.000000Z",
            "regarding": {"kind": "Pod", "namespace": "ns", "name": "p"},
            "reason": "Unhealthy", "note": "probe", "type": "Warning",
            "series": {"count": count, "lastObservedTime": last}
        }))
        .unwrap()
    }

    #[test]
    fn both_apis_deduplicated_and_newest_first() {
        let merged = merge(
            vec![
                core("a", "u1", "2026-01-01T10:00:00Z", 3),
                core("b", "u2", "2026-01-01T11:00:00Z", 1),
            ],
            vec![
                new("a", "u1", "2026-01-01T10:05:00.000000Z", 4),
                new("c", "u3", "2026-01-01T12:00:00.000000Z", 2),
            ],
        );
        let names: Vec<&str> = merged.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "a"]);
        let a = &merged[2];
        assert_eq!(a.count, 4);
        assert_eq!(a.container(), Some("app"));
        assert_eq!(a.object.namespace, "ns");
        assert_eq!(merged[0].message, "probe");
        assert_eq!(merged[0].count, 2);
    }

    #[test]
    fn evidence_reads_well() {
        let e = merge(vec![core("a", "u1", "2026-01-01T10:00:00Z", 3)], vec![]);
        let now: Timestamp = "2026-01-01T10:05:00Z".parse().unwrap();
        let ev = e[0].evidence(now);
        assert_eq!(ev.label, "event BackOff");
        assert_eq!(ev.value, "Warning, ×3, last 5m ago: m");
    }
}
