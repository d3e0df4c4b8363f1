//! Events exist in two API groups (`v1` and `events.k8s.io/v1`) over the same objects; the
//! store keeps a converted copy in the other group so both lists, gets and watches agree.

use serde_json::{Map, Value, json};

fn copy(from: &Value, to: &mut Map<String, Value>, source: &str, target: &str) {
    if let Some(value) = from.get(source).filter(|v| !v.is_null()) {
        to.insert(target.to_string(), value.clone());
    }
}

/// `2026-01-01T00:00:00Z` → `2026-01-01T00:00:00.000000Z` (MicroTime).
fn micro_time(time: &str) -> String {
    match time.strip_suffix('Z') {
        Some(base) if !base.contains('.') => format!("{base}.000000Z"),
        _ => time.to_string(),
    }
}

/// A core `v1` Event as an `events.k8s.io/v1` Event.
pub fn to_events_v1(event: &Value) -> Value {
    let mut out = Map::new();
    out.insert("apiVersion".into(), json!("events.k8s.io/v1"));
    out.insert("kind".into(), json!("Event"));
    copy(event, &mut out, "metadata", "metadata");
    copy(event, &mut out, "involvedObject", "regarding");
    copy(event, &mut out, "message", "note");
    for field in [
        "reason",
        "type",
        "action",
        "related",
        "series",
        "reportingInstance",
    ] {
        copy(event, &mut out, field, field);
    }
    copy(event, &mut out, "count", "deprecatedCount");
    copy(
        event,
        &mut out,
        "firstTimestamp",
        "deprecatedFirstTimestamp",
    );
    copy(event, &mut out, "lastTimestamp", "deprecatedLastTimestamp");
    copy(event, &mut out, "source", "deprecatedSource");
    let controller = event
        .get("reportingComponent")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .or_else(|| event.pointer("/source/component").and_then(Value::as_str));
    if let Some(controller) = controller {
        out.insert("reportingController".into(), json!(controller));
    }
    let time = ["eventTime", "firstTimestamp", "lastTimestamp"]
        .iter()
        .find_map(|f| {
            event
                .get(*f)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
        })
        .or_else(|| {
            event
                .pointer("/metadata/creationTimestamp")
                .and_then(Value::as_str)
        });
    if let Some(time) = time {
        out.insert("eventTime".into(), json!(micro_time(time)));
    }
    Value::Object(out)
}

/// An `events.k8s.io/v1` Event as a core `v1` Event.
pub fn to_core_v1(event: &Value) -> Value {
    let mut out = Map::new();
    out.insert("apiVersion".into(), json!("v1"));
    out.insert("kind".into(), json!("Event"));
    copy(event, &mut out, "metadata", "metadata");
    copy(event, &mut out, "regarding", "involvedObject");
    copy(event, &mut out, "note", "message");
    for field in [
        "reason",
        "type",
        "action",
        "related",
        "series",
        "reportingInstance",
        "eventTime",
    ] {
        copy(event, &mut out, field, field);
    }
    copy(event, &mut out, "reportingController", "reportingComponent");
    copy(event, &mut out, "deprecatedCount", "count");
    copy(
        event,
        &mut out,
        "deprecatedFirstTimestamp",
        "firstTimestamp",
    );
    copy(event, &mut out, "deprecatedLastTimestamp", "lastTimestamp");
    copy(event, &mut out, "deprecatedSource", "source");
    if !out.contains_key("source")
        && let Some(controller) = event.get("reportingController")
    {
        out.insert("source".into(), json!({"component": controller}));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let core = json!({
            "apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "n"},
            "involvedObject": {"kind": "Pod", "name": "p"}, "message": "boom", "reason": "BackOff",
            "type": "Warning", "count": 3, "firstTimestamp": "2026-01-01T00:00:00Z",
            "source": {"component": "kubelet"}
        });
        let new = to_events_v1(&core);
        assert_eq!(new["regarding"]["name"], "p");
        assert_eq!(new["note"], "boom");
        assert_eq!(new["reportingController"], "kubelet");
        assert_eq!(new["eventTime"], "2026-01-01T00:00:00.000000Z");
        let back = to_core_v1(&new);
        assert_eq!(back["involvedObject"], core["involvedObject"]);
        assert_eq!(
            (back["message"].clone(), back["count"].clone()),
            (json!("boom"), json!(3))
        );
    }
}
