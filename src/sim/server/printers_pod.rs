//! The Pod and Node tables, computed the way kubectl's printers do: READY counts, the STATUS
//! word (init containers, waiting/terminated reasons, Terminating, Unknown), RESTARTS with
//! "(… ago)", and the wide columns.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers::{Cells, Column, array, human_duration, int, or_none, since, text};
use super::resources::ResourceType;

const POD: &[Column] = &[
    ("Name", "string", 0),
    ("Ready", "string", 0),
    ("Status", "string", 0),
    ("Restarts", "string", 0),
    ("Age", "string", 0),
    ("IP", "string", 1),
    ("Node", "string", 1),
    ("Nominated Node", "string", 1),
    ("Readiness Gates", "string", 1),
];
const NODE: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Roles", "string", 0),
    ("Age", "string", 0),
    ("Version", "string", 0),
    ("Internal-IP", "string", 1),
    ("External-IP", "string", 1),
    ("OS-Image", "string", 1),
    ("Kernel-Version", "string", 1),
    ("Container-Runtime", "string", 1),
];

pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    match (resource.group, resource.kind) {
        ("", "Pod") => Some((POD, pod as Cells)),
        ("", "Node") => Some((NODE, node)),
        _ => None,
    }
}

/// `Completed` row conditions of pods that succeeded or failed.
pub fn row_conditions(pod: &Value) -> Option<Value> {
    let (reason, message) = match text(pod, "/status/phase") {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

fn restartable(init: &Value) -> bool {
    text(init, "/restartPolicy") == "Always"
}

fn finished_at(status: &Value) -> Option<Timestamp> {
    text(status, "/lastState/terminated/finishedAt")
        .parse()
        .ok()
}

fn pod(pod: &Value, now: Timestamp) -> Vec<Value> {
    let inits = array(pod, "/spec/initContainers");
    let total =
        array(pod, "/spec/containers").len() + inits.iter().filter(|i| restartable(i)).count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut sidecar_restarts = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut last_sidecar_restart: Option<Timestamp> = None;
    let mut reason = match text(pod, "/status/reason") {
        "" => text(pod, "/status/phase").to_string(),
        r => r.to_string(),
    };
    if array(pod, "/status/conditions")
        .iter()
        .any(|c| text(c, "/type") == "PodScheduled" && text(c, "/reason") == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }
    let mut initializing = false;
    let init_statuses = array(pod, "/status/initContainerStatuses");
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += int(c, "/restartCount");
        last_restart = last_restart.max(finished_at(c));
        let sidecar = inits
            .iter()
            .find(|s| text(s, "/name") == text(c, "/name"))
            .is_some_and(restartable);
        if sidecar {
            sidecar_restarts += int(c, "/restartCount");
            last_sidecar_restart = last_sidecar_restart.max(finished_at(c));
        }
        let terminated = c.pointer("/state/terminated");
        let waiting = text(c, "/state/waiting/reason");
        if terminated.is_some() && int(c, "/state/terminated/exitCode") == 0 {
            continue;
        }
        if sidecar && c.get("started").and_then(Value::as_bool) == Some(true) {
            if c.get("ready").and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = if terminated.is_some() {
            match text(c, "/state/terminated/reason") {
                "" if int(c, "/state/terminated/signal") != 0 => {
                    format!("Init:Signal:{}", int(c, "/state/terminated/signal"))
                }
                "" => format!("Init:ExitCode:{}", int(c, "/state/terminated/exitCode")),
                r => format!("Init:{r}"),
            }
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", inits.len())
        };
        initializing = true;
        break;
    }
    let initialized = array(pod, "/status/conditions")
        .iter()
        .any(|c| text(c, "/type") == "Initialized" && text(c, "/status") == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for c in array(pod, "/status/containerStatuses").iter().rev() {
            restarts += int(c, "/restartCount");
            last_restart = last_restart.max(finished_at(c));
            let waiting = text(c, "/state/waiting/reason");
            let terminated = c.pointer("/state/terminated");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = terminated {
                reason = match text(t, "/reason") {
                    "" if int(t, "/signal") != 0 => format!("Signal:{}", int(t, "/signal")),
                    "" => format!("ExitCode:{}", int(t, "/exitCode")),
                    r => r.to_string(),
                };
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && c.pointer("/state/running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = array(pod, "/status/conditions")
                .iter()
                .any(|c| text(c, "/type") == "Ready" && text(c, "/status") == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }
    let deleting = pod
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let phase = text(pod, "/status/phase");
    if deleting && text(pod, "/status/reason") == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".to_string();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.as_second() - t.as_second())
        ),
        _ => restarts.to_string(),
    };
    let ip = array(pod, "/status/podIPs")
        .first()
        .map(|i| text(i, "/ip"))
        .unwrap_or("");
    let gates = array(pod, "/spec/readinessGates");
    let gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let met = gates
            .iter()
            .filter(|g| {
                array(pod, "/status/conditions").iter().any(|c| {
                    text(c, "/type") == text(g, "/conditionType") && text(c, "/status") == "True"
                })
            })
            .count();
        format!("{met}/{}", gates.len())
    };
    vec![
        json!(text(pod, "/metadata/name")),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts),
        json!(since(text(pod, "/metadata/creationTimestamp"), now)),
        or_none(ip),
        or_none(text(pod, "/spec/nodeName")),
        or_none(text(pod, "/status/nominatedNodeName")),
        json!(gates),
    ]
}

fn address(node: &Value, kind: &str) -> Value {
    let found = array(node, "/status/addresses")
        .iter()
        .find(|a| text(a, "/type") == kind)
        .map(|a| text(a, "/address"))
        .unwrap_or("");
    or_none(found)
}

fn or_unknown(s: &str) -> Value {
    json!(if s.is_empty() { "<unknown>" } else { s })
}

fn node(node: &Value, now: Timestamp) -> Vec<Value> {
    let ready = array(node, "/status/conditions")
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
    let mut roles: Vec<&str> = node
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
                    Some(role) if !role.is_empty() => Some(role),
                    _ if k == "kubernetes.io/role" => v.as_str().filter(|r| !r.is_empty()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    roles.sort_unstable();
    roles.dedup();
    vec![
        json!(text(node, "/metadata/name")),
        json!(status),
        or_none(roles.join(",")),
        json!(since(text(node, "/metadata/creationTimestamp"), now)),
        json!(text(node, "/status/nodeInfo/kubeletVersion")),
        address(node, "InternalIP"),
        address(node, "ExternalIP"),
        or_unknown(text(node, "/status/nodeInfo/osImage")),
        or_unknown(text(node, "/status/nodeInfo/kernelVersion")),
        or_unknown(text(node, "/status/nodeInfo/containerRuntimeVersion")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T12:00:00Z"
            .parse()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn pod_status_words() {
        let crash = json!({"metadata": {"name": "a", "creationTimestamp": "2026-01-01T10:00:00Z"},
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.5"}], "containerStatuses": [
                {"name": "c", "ready": false, "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                 "lastState": {"terminated": {"finishedAt": "2026-01-01T11:58:00Z"}}}]}});
        let cells = pod(&crash, now());
        assert_eq!(cells[1], "0/1");
        assert_eq!(cells[2], "CrashLoopBackOff");
        assert_eq!(cells[3], "3 (2m ago)");
        assert_eq!(cells[5], "10.244.1.5");
        let init = json!({"metadata": {"name": "b"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "c"}]},
            "status": {"phase": "Pending", "initContainerStatuses": [{"name": "i", "restartCount": 0, "state": {"running": {}}}],
                "containerStatuses": [{"name": "c", "state": {"waiting": {"reason": "PodInitializing"}}}]}});
        assert_eq!(pod(&init, now())[2], "Init:0/1");
        let evicted = json!({"metadata": {"name": "e"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Failed", "reason": "Evicted"}});
        assert_eq!(pod(&evicted, now())[2], "Evicted");
        assert!(row_conditions(&evicted).is_some());
    }
}
