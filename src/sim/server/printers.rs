//! The columns and cells of server-side printed Tables for each resource type, computed the way
//! the real API server's printers do (READY, STATUS, RESTARTS, AGE, ...).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers_more;
use super::resources::ResourceType;

pub type Column = (&'static str, &'static str, u8);

const NAME_AGE: &[Column] = &[("Name", "string", 0), ("Age", "string", 0)];
const POD: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Status", "string", 0),
    ("Restarts", "string", 0),
    ("Age", "string", 0),
    ("IP", "string", 1),
    ("Node", "string", 1),
];
const NODE: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Roles", "string", 0),
    ("Age", "string", 0),
    ("Version", "string", 0),
];
const SERVICE: &[Column] = &[
    ("Name", "string", 0),
    ("Type", "string", 0),
    ("Cluster-IP", "string", 0),
    ("External-IP", "string", 0),
    ("Port(s)", "string", 0),
    ("Age", "string", 0),
    ("Selector", "string", 1),
];
const DEPLOYMENT: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Up-to-date", "string", 0),
    ("Available", "string", 0),
    ("Age", "string", 0),
];
const EVENT: &[Column] = &[
    ("Last Seen", "string", 0),
    ("Type", "string", 0),
    ("Reason", "string", 0),
    ("Object", "string", 0),
    ("Message", "string", 0),
];
const NAMESPACE: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Age", "string", 0),
];
const REPLICASET: &[Column] = &[
    ("Name", "string", 0),
    ("Desired", "integer", 0),
    ("Current", "integer", 0),
    ("Ready", "integer", 0),
    ("Age", "string", 0),
];
const STATEFULSET: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Age", "string", 0),
];

/// The column definitions (name, type, priority) of a resource's Table.
pub fn columns(resource: &ResourceType) -> &'static [Column] {
    match (resource.group, resource.kind) {
        ("", "Pod") => POD,
        ("", "Node") => NODE,
        ("", "Service") => SERVICE,
        ("", "Event") => EVENT,
        ("", "Namespace") => NAMESPACE,
        ("apps", "Deployment") => DEPLOYMENT,
        ("apps", "ReplicaSet") => REPLICASET,
        ("apps", "StatefulSet") => STATEFULSET,
        _ => printers_more::printer(resource).map_or(NAME_AGE, |(columns, _)| columns),
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

/// The IPs (else host names) a Service's or Ingress's load balancer reports.
pub fn load_balancer_addresses(object: &Value) -> Vec<&str> {
    object
        .pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|i| {
                    if text(i, "/ip").is_empty() {
                        text(i, "/hostname")
                    } else {
                        text(i, "/ip")
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
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

pub fn age(object: &Value, pointer: &str, now: Timestamp) -> String {
    match text(object, pointer).parse::<Timestamp>() {
        Ok(t) => human_duration(now.as_second() - t.as_second()),
        Err(_) => "<unknown>".to_string(),
    }
}

fn pod_cells(pod: &Value, now: Timestamp) -> Vec<Value> {
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let ready = statuses
        .iter()
        .filter(|s| s.get("ready").and_then(Value::as_bool) == Some(true))
        .count();
    let restarts: i64 = statuses.iter().map(|s| int(s, "/restartCount")).sum();
    let mut status = text(pod, "/status/reason").to_string();
    if status.is_empty() {
        status = text(pod, "/status/phase").to_string();
    }
    for s in statuses.iter().rev() {
        let waiting = text(s, "/state/waiting/reason");
        let terminated = text(s, "/state/terminated/reason");
        if !waiting.is_empty() {
            status = waiting.to_string();
        } else if !terminated.is_empty() {
            status = terminated.to_string();
        }
    }
    if pod
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
    {
        status = "Terminating".to_string();
    }
    let last_restart = statuses
        .iter()
        .filter_map(|s| {
            text(s, "/lastState/terminated/finishedAt")
                .parse::<Timestamp>()
                .ok()
        })
        .max();
    let restarts = match last_restart {
        Some(t) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.as_second() - t.as_second())
        ),
        _ => restarts.to_string(),
    };
    vec![
        json!(text(pod, "/metadata/name")),
        json!(format!("{ready}/{total}")),
        json!(status),
        json!(restarts),
        json!(age(pod, "/metadata/creationTimestamp", now)),
        json!(or_none(text(pod, "/status/podIP").to_string())),
        json!(or_none(text(pod, "/spec/nodeName").to_string())),
    ]
}

fn node_cells(node: &Value, now: Timestamp) -> Vec<Value> {
    let conditions = node
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ready = conditions
        .iter()
        .find(|c| text(c, "/type") == "Ready")
        .map(|c| text(c, "/status") == "True");
    let mut status = match ready {
        Some(true) => "Ready".to_string(),
        Some(false) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        status.push_str(",SchedulingDisabled");
    }
    let roles: Vec<&str> = node
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .collect()
        })
        .unwrap_or_default();
    vec![
        json!(text(node, "/metadata/name")),
        json!(status),
        json!(or_none(roles.join(","))),
        json!(age(node, "/metadata/creationTimestamp", now)),
        json!(text(node, "/status/nodeInfo/kubeletVersion")),
    ]
}

fn service_cells(svc: &Value, now: Timestamp) -> Vec<Value> {
    let ports: Vec<String> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .map(|p| {
                    let node_port = p
                        .get("nodePort")
                        .and_then(Value::as_i64)
                        .map(|n| format!(":{n}"))
                        .unwrap_or_default();
                    let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    format!("{}{node_port}/{protocol}", int(p, "/port"))
                })
                .collect()
        })
        .unwrap_or_default();
    let external: Vec<&str> = load_balancer_addresses(svc);
    let selector: Vec<String> = svc
        .pointer("/spec/selector")
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    let kind = text(svc, "/spec/type");
    vec![
        json!(text(svc, "/metadata/name")),
        json!(if kind.is_empty() { "ClusterIP" } else { kind }),
        json!(or_none(text(svc, "/spec/clusterIP").to_string())),
        json!(if external.is_empty() && kind == "LoadBalancer" {
            "<pending>".to_string()
        } else {
            or_none(external.join(","))
        }),
        json!(or_none(ports.join(","))),
        json!(age(svc, "/metadata/creationTimestamp", now)),
        json!(or_none(selector.join(","))),
    ]
}

fn event_cells(event: &Value, now: Timestamp) -> Vec<Value> {
    let last = [
        "/lastTimestamp",
        "/eventTime",
        "/firstTimestamp",
        "/metadata/creationTimestamp",
    ]
    .into_iter()
    .find(|p| !text(event, p).is_empty())
    .unwrap_or("/lastTimestamp");
    let object = format!(
        "{}/{}",
        text(event, "/involvedObject/kind").to_lowercase(),
        text(event, "/involvedObject/name")
    );
    vec![
        json!(age(event, last, now)),
        json!(text(event, "/type")),
        json!(text(event, "/reason")),
        json!(object),
        json!(text(event, "/message").trim()),
    ]
}

/// The cells of one object's row.
pub fn row_cells(resource: &ResourceType, object: &Value, now: Timestamp) -> Vec<Value> {
    let name = json!(text(object, "/metadata/name"));
    let created = json!(age(object, "/metadata/creationTimestamp", now));
    match (resource.group, resource.kind) {
        ("", "Pod") => pod_cells(object, now),
        ("", "Node") => node_cells(object, now),
        ("", "Service") => service_cells(object, now),
        ("", "Event") => event_cells(object, now),
        ("", "Namespace") => vec![name, json!(text(object, "/status/phase")), created],
        ("apps", "Deployment") => vec![
            name,
            json!(format!(
                "{}/{}",
                int(object, "/status/readyReplicas"),
                int(object, "/spec/replicas")
            )),
            json!(int(object, "/status/updatedReplicas")),
            json!(int(object, "/status/availableReplicas")),
            created,
        ],
        ("apps", "ReplicaSet") => vec![
            name,
            json!(int(object, "/spec/replicas")),
            json!(int(object, "/status/replicas")),
            json!(int(object, "/status/readyReplicas")),
            created,
        ],
        ("apps", "StatefulSet") => vec![
            name,
            json!(format!(
                "{}/{}",
                int(object, "/status/readyReplicas"),
                int(object, "/spec/replicas")
            )),
            created,
        ],
        _ => match printers_more::printer(resource) {
            Some((_, cells)) => cells(object, now),
            None => vec![name, created],
        },
    }
}
