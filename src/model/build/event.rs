//! The Events table row (either event API), like `kubectl get events`.

use crate::model::{Cell, Health, ObjKey, Row, RowLinks};
use crate::objects::{Event, Str};

/// The message on a single line, whitespace runs with newlines collapsed.
pub fn single_line(msg: &str) -> String {
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The MESSAGE cell: the event's own message when it is already on one line, else a copy.
fn message_cell(message: &Str) -> Cell {
    let line = single_line(message);
    if line == message.as_str() {
        Cell::Text(message.clone())
    } else {
        Cell::unique(line)
    }
}

/// The health of an event type: `Warning` events warn, everything else is fine.
pub fn event_type_health(type_: &str) -> Health {
    if type_ == "Warning" {
        Health::Warning
    } else {
        Health::Ok
    }
}

/// An event. `links` = `RowLinks::Event` naming the involved object.
pub fn event_row(e: &Event) -> Row {
    let key = ObjKey::of(e.namespace.clone(), e.name.clone());
    let type_ = if e.type_.is_empty() {
        "Normal".to_string()
    } else {
        e.type_.to_string()
    };
    let health = event_type_health(&type_);
    let kind = e.object.kind.clone();
    let name = e.object.name.clone();
    let object = if name.is_empty() {
        kind.to_lowercase()
    } else {
        format!("{}/{name}", kind.to_lowercase())
    };
    let cells = vec![
        Cell::Text(e.namespace.clone()),
        Cell::Age(e.last_seen),
        Cell::status(&type_, health),
        Cell::Text(e.reason.clone()),
        Cell::unique(object),
        message_cell(&e.message),
        Cell::Count(i64::from(e.count.max(1))),
    ];
    Row {
        key,
        cells,
        health,
        links: RowLinks::Event {
            kind,
            namespace: e.object.namespace.clone(),
            name,
            last_seen: e.last_seen,
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
