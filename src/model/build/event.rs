//! The Events table row (core/v1 Event), like `kubectl get events`.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

use super::{created, meta_key};
use crate::model::{Cell, Health, Row, RowLinks};

/// When the event was last seen: the series' last observation, else lastTimestamp,
/// firstTimestamp, eventTime, and finally the object's creation time.
pub fn event_last_seen(e: &Event) -> Option<Timestamp> {
    e.series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
        .map(|t| t.0)
        .or_else(|| e.last_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| created(&e.metadata))
}

/// How many times the event happened: the series count, else count, at least 1.
pub fn event_count(e: &Event) -> i64 {
    let n = e
        .series
        .as_ref()
        .and_then(|s| s.count)
        .or(e.count)
        .unwrap_or(0);
    i64::from(n.max(1))
}

/// The message on a single line, whitespace runs with newlines collapsed.
pub fn single_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The health of an event type: `Warning` events warn, everything else is fine.
pub fn event_type_health(type_: &str) -> Health {
    if type_ == "Warning" {
        Health::Warning
    } else {
        Health::Ok
    }
}

/// core/v1 Event. `links` = `RowLinks::Event` naming the involved object.
pub fn event_row(e: &Event) -> Row {
    let key = meta_key(&e.metadata);
    let last_seen = event_last_seen(e);
    let type_ = e.type_.clone().unwrap_or_else(|| "Normal".to_string());
    let health = event_type_health(&type_);
    let involved = &e.involved_object;
    let kind = involved.kind.clone().unwrap_or_default();
    let name = involved.name.clone().unwrap_or_default();
    let object = if name.is_empty() {
        kind.to_lowercase()
    } else {
        format!("{}/{name}", kind.to_lowercase())
    };
    let cells = vec![
        Cell::Text(key.namespace.clone()),
        Cell::Age(last_seen),
        Cell::Status(type_, health),
        Cell::Text(e.reason.clone().unwrap_or_default()),
        Cell::Text(object),
        Cell::Text(single_line(e.message.as_deref().unwrap_or_default())),
        Cell::Count(event_count(e)),
    ];
    let namespace = involved.namespace.clone().unwrap_or_default();
    Row {
        key,
        cells,
        health,
        links: RowLinks::Event {
            kind,
            namespace,
            name,
            last_seen,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::{obj, ts};
    use serde_json::json;

    #[test]
    fn warning_event_row() {
        let e: Event = obj(json!({
            "metadata": {"name": "web-1.17a", "namespace": "shop",
                         "creationTimestamp": "2024-01-01T00:00:00Z"},
            "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"},
            "type": "Warning", "reason": "BackOff",
            "message": "  Back-off restarting\n  failed container  ",
            "count": 7,
            "firstTimestamp": "2024-01-01T00:00:00Z",
            "lastTimestamp": "2024-01-01T01:00:00Z"
        }));
        let row = event_row(&e);
        assert_eq!(row.cells.len(), 7);
        assert_eq!(row.cells[0], Cell::Text("shop".into()));
        assert_eq!(row.cells[1], Cell::Age(Some(ts("2024-01-01T01:00:00Z"))));
        assert_eq!(
            row.cells[2],
            Cell::Status("Warning".into(), Health::Warning)
        );
        assert_eq!(row.cells[3], Cell::Text("BackOff".into()));
        assert_eq!(row.cells[4], Cell::Text("pod/web-1".into()));
        assert_eq!(
            row.cells[5],
            Cell::Text("Back-off restarting failed container".into())
        );
        assert_eq!(row.cells[6], Cell::Count(7));
        assert_eq!(row.health, Health::Warning);
        assert_eq!(
            row.links,
            RowLinks::Event {
                kind: "Pod".into(),
                namespace: "shop".into(),
                name: "web-1".into(),
                last_seen: Some(ts("2024-01-01T01:00:00Z")),
            }
        );
    }

    #[test]
    fn series_and_event_time_fallbacks() {
        let e: Event = obj(json!({
            "metadata": {"name": "x", "namespace": "shop"},
            "involvedObject": {"kind": "Node", "name": "node-1"},
            "type": "Normal", "reason": "Starting",
            "eventTime": "2024-01-01T00:00:00.000000Z",
            "series": {"count": 4, "lastObservedTime": "2024-01-02T00:00:00.000000Z"}
        }));
        let row = event_row(&e);
        assert_eq!(row.cells[1], Cell::Age(Some(ts("2024-01-02T00:00:00Z"))));
        assert_eq!(row.cells[4], Cell::Text("node/node-1".into()));
        assert_eq!(row.cells[6], Cell::Count(4));
        let e: Event = obj(json!({
            "metadata": {"name": "y"},
            "involvedObject": {"kind": "Pod", "name": "p"},
            "eventTime": "2024-01-03T00:00:00.000000Z"
        }));
        let row = event_row(&e);
        assert_eq!(row.cells[1], Cell::Age(Some(ts("2024-01-03T00:00:00Z"))));
        assert_eq!(row.cells[6], Cell::Count(1));
        assert_eq!(row.cells[2], Cell::Status("Normal".into(), Health::Ok));
    }
}
