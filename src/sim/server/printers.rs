//! Server-side printing: the columns and cells of the Tables the real API server returns for
//! each resource type (`kubectl get`), dispatched to the printer modules by kind, plus the
//! helpers they share (ages, selectors, quantities) and the default "Name, Created At" table.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::resources::ResourceType;
use super::{printers_apps, printers_cluster, printers_config, printers_core, printers_pod};

/// (name, type, priority)
pub type Column = (&'static str, &'static str, u8);
pub type Cells = fn(&Value, Timestamp) -> Vec<Value>;

/// The table of types without a printer of their own (Roles, LimitRanges, CRDs, …).
const DEFAULT: &[Column] = &[("Name", "string", 0), ("Created At", "date", 0)];

fn default_cells(object: &Value, _now: Timestamp) -> Vec<Value> {
    let created = text(object, "/metadata/creationTimestamp");
    vec![json!(text(object, "/metadata/name")), json!(created)]
}

fn printer(resource: &ResourceType) -> (&'static [Column], Cells) {
    printers_pod::printer(resource)
        .or_else(|| printers_core::printer(resource))
        .or_else(|| printers_config::printer(resource))
        .or_else(|| printers_apps::printer(resource))
        .or_else(|| printers_cluster::printer(resource))
        .unwrap_or((DEFAULT, default_cells as Cells))
}

/// The column definitions (name, type, priority) of a resource's Table.
pub fn columns(resource: &ResourceType) -> &'static [Column] {
    printer(resource).0
}

/// The cells of one object's row.
pub fn row_cells(resource: &ResourceType, object: &Value, now: Timestamp) -> Vec<Value> {
    (printer(resource).1)(object, now)
}

/// The row conditions a printer adds (pods that have completed).
pub fn row_conditions(resource: &ResourceType, object: &Value) -> Option<Value> {
    if resource.group.is_empty() && resource.kind == "Pod" {
        printers_pod::row_conditions(object)
    } else {
        None
    }
}

pub fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn int(object: &Value, pointer: &str) -> i64 {
    object.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

pub fn array<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `text`, or `<none>` when empty.
pub fn or_none(text: impl Into<String>) -> Value {
    let text = text.into();
    json!(if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    })
}

/// The IPs (else host names) a Service's or Ingress's load balancer reports.
pub fn load_balancer_addresses(object: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for i in array(object, "/status/loadBalancer/ingress") {
        let address = if text(i, "/ip").is_empty() {
            text(i, "/hostname")
        } else {
            text(i, "/ip")
        };
        if !address.is_empty() && !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Like `duration.HumanDuration` in Kubernetes.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    let s = seconds.max(0);
    let (m, h) = (s / 60, s / 3600);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        if s % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 {
            format!("{}d", h / 24)
        } else {
            format!("{}d{}h", h / 24, h % 24)
        }
    } else if h < 24 * 365 * 2 {
        format!("{}d", h / 24)
    } else if h < 24 * 365 * 8 {
        let days = (h / 24) % 365;
        if days == 0 {
            format!("{}y", h / 24 / 365)
        } else {
            format!("{}y{days}d", h / 24 / 365)
        }
    } else {
        format!("{}y", h / 24 / 365)
    }
}

/// The age of the timestamp at `pointer`, `<unknown>` when there is none.
pub fn age(object: &Value, pointer: &str, now: Timestamp) -> String {
    since(text(object, pointer), now)
}

/// The age of an RFC 3339 time, `<unknown>` when it is missing or malformed.
pub fn since(time: &str, now: Timestamp) -> String {
    match time.parse::<Timestamp>() {
        Ok(t) => human_duration(now.as_second() - t.as_second()),
        Err(_) => "<unknown>".to_string(),
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty.
pub fn format_labels(map: Option<&Value>) -> String {
    let mut pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    if pairs.is_empty() {
        "<none>".to_string()
    } else {
        pairs.join(",")
    }
}

/// A LabelSelector as `selector.String()` prints it (requirements sorted by key); empty
/// when it selects everything.
pub fn selector_string(selector: Option<&Value>) -> String {
    let Some(selector) = selector else {
        return String::new();
    };
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in labels {
            parts.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))));
        }
    }
    for e in array(selector, "/matchExpressions") {
        let key = text(e, "/key").to_string();
        let mut values: Vec<&str> = array(e, "/values")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        let rendered = match text(e, "/operator") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other}"),
        };
        parts.push((key, rendered));
    }
    parts.sort();
    parts
        .into_iter()
        .map(|(_, p)| p)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: like [`selector_string`], `<none>` when empty.
pub fn format_selector(selector: Option<&Value>) -> String {
    match selector_string(selector) {
        s if s.is_empty() => "<none>".to_string(),
        s => s,
    }
}

/// The Containers and Images cells of a pod template.
pub fn container_cells(object: &Value, template_spec: &str) -> [Value; 2] {
    let containers = array(object, &format!("{template_spec}/containers"));
    let names: Vec<&str> = containers.iter().map(|c| text(c, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|c| text(c, "/image")).collect();
    [json!(names.join(",")), json!(images.join(","))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_durations_print_like_kubectl() {
        let sel = json!({"matchLabels": {"b": "2", "a": "1"},
            "matchExpressions": [{"key": "c", "operator": "In", "values": ["y", "x"]}, {"key": "d", "operator": "DoesNotExist"}]});
        assert_eq!(selector_string(Some(&sel)), "a=1,b=2,c in (x,y),!d");
        assert_eq!(format_selector(Some(&json!({}))), "<none>");
        assert_eq!(format_labels(Some(&json!({"z": "1", "k": "v"}))), "k=v,z=1");
        assert_eq!(human_duration(3 * 3600 + 5 * 60), "3h5m");
        assert_eq!(human_duration(9 * 86400 + 3600), "9d");
        assert_eq!(since("nonsense", Timestamp::UNIX_EPOCH), "<unknown>");
    }
}
