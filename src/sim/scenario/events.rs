//! Builds core/v1 Events the way kubelets and controllers emit them, for the liveness driver.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::ids;
use super::timeshift::format_time;

/// What an event is about and who reports it.
pub struct EventSpec<'a> {
    pub ns: &'a str,
    pub kind: &'a str,
    pub api_version: &'a str,
    pub name: &'a str,
    pub uid: &'a str,
    pub field_path: Option<&'a str>,
    pub reason: &'a str,
    pub message: String,
    pub warning: bool,
    pub component: &'a str,
    pub host: Option<&'a str>,
}

/// A new event (count 1) at `now`; `salt` makes its name unique.
pub fn event(e: &EventSpec, now: Timestamp, salt: &str) -> Value {
    let name = format!(
        "{}.{}",
        e.name,
        ids::hex(&[e.ns, e.name, e.reason, salt], 16)
    );
    let t = format_time(now, false);
    let mut io = json!({"kind": e.kind, "namespace": e.ns, "name": e.name, "uid": e.uid, "apiVersion": e.api_version});
    if let Some(fp) = e.field_path {
        io["fieldPath"] = json!(fp);
    }
    let mut source = json!({"component": e.component});
    if let Some(h) = e.host {
        source["host"] = json!(h);
    }
    json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": e.ns, "creationTimestamp": t,
            "uid": ids::uid("Event", e.ns, &name)},
        "involvedObject": io, "reason": e.reason, "message": e.message,
        "type": if e.warning { "Warning" } else { "Normal" }, "count": 1,
        "firstTimestamp": t, "lastTimestamp": t, "eventTime": null, "source": source,
        "reportingComponent": e.component, "reportingInstance": e.host.unwrap_or_default()})
}

/// The same event seen once more at `now`.
pub fn repeat(mut ev: Value, now: Timestamp) -> Value {
    let count = ev.get("count").and_then(Value::as_u64).unwrap_or(1) + 1;
    if let Some(map) = ev.as_object_mut() {
        map.insert("count".into(), json!(count));
        map.insert("lastTimestamp".into(), json!(format_time(now, false)));
        if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
        }
    }
    ev
}
