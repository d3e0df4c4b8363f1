//! The Nodes table row.

use std::collections::BTreeSet;

use crate::objects::Node;

use super::{created, meta_key, name_cell};
use crate::model::quantity::{humanize_bytes, parse_quantity};
use crate::model::{Cell, Health, Row, RowLinks};

const ROLE_PREFIX: &str = "node-role.kubernetes.io/";
const ROLE_LABEL: &str = "kubernetes.io/role";

/// Node: status (Ready / NotReady / Unknown, plus `,SchedulingDisabled`), roles from
/// `node-role.kubernetes.io/*` labels, kubelet version, age, allocatable CPU and memory.
/// The PODS cell is `Cell::Joined`.
pub fn node_row(node: &Node) -> Row {
    let key = meta_key(&node.metadata);
    let (status, health) = node_status(node);
    let status_ref = node.status.as_ref();
    let version = status_ref
        .and_then(|s| s.node_info.as_ref())
        .map(|i| i.kubelet_version.to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "<none>".to_string());
    let allocatable = status_ref.and_then(|s| s.allocatable.as_ref());
    let cpu = allocatable
        .and_then(|a| a.get("cpu"))
        .map(|q| q.0.to_string());
    let memory = allocatable
        .and_then(|a| a.get("memory"))
        .map(|q| q.0.to_string());
    let cells = vec![
        name_cell(&node.metadata),
        Cell::status(&status, health),
        Cell::text(node_roles(node)),
        Cell::text(version),
        Cell::Age(created(&node.metadata)),
        cpu_cell(cpu.as_deref()),
        memory_cell(memory.as_deref()),
        Cell::Joined,
    ];
    Row {
        key,
        cells,
        health,
        links: RowLinks::None,
    }
}

/// kubectl's node status word and its health. Like kubectl, a Ready condition that is not
/// `True` (False or Unknown) prints `NotReady`; a node without a Ready condition is `Unknown`.
pub fn node_status(node: &Node) -> (String, Health) {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let (mut text, mut health) = match ready {
        Some(c) if c.status == "True" => ("Ready".to_string(), Health::Ok),
        Some(_) => ("NotReady".to_string(), Health::Error),
        None => ("Unknown".to_string(), Health::Error),
    };
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        text.push_str(",SchedulingDisabled");
        if health == Health::Ok {
            health = Health::Warning;
        }
    }
    (text, health)
}

/// Roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted and
/// comma-joined, or `<none>`.
pub fn node_roles(node: &Node) -> String {
    let mut roles = BTreeSet::new();
    for (k, v) in node.metadata.labels.iter().flatten() {
        if let Some(role) = k.strip_prefix(ROLE_PREFIX) {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == ROLE_LABEL && !v.is_empty() {
            roles.insert(v.to_string());
        }
    }
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    }
}

fn cpu_cell(text: Option<&str>) -> Cell {
    match text {
        Some(t) => Cell::quantity(t, parse_quantity(t).unwrap_or(0.0)),
        None => Cell::quantity("<none>", 0.0),
    }
}

fn memory_cell(text: Option<&str>) -> Cell {
    match text.map(|t| (t, parse_quantity(t))) {
        Some((_, Some(v))) => Cell::quantity(humanize_bytes(v), v),
        Some((t, None)) => Cell::quantity(t, 0.0),
        None => Cell::quantity("<none>", 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::obj;
    use serde_json::json;

    fn node(labels: serde_json::Value, ready: Option<&str>, unschedulable: bool) -> Node {
        let conditions = match ready {
            Some(s) => json!([{"type": "MemoryPressure", "status": "False"},
                              {"type": "Ready", "status": s}]),
            None => json!([]),
        };
        obj(json!({
            "metadata": {"name": "node-1", "labels": labels,
                         "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"unschedulable": unschedulable},
            "status": {
                "conditions": conditions,
                "allocatable": {"cpu": "3800m", "memory": "16252928Ki", "pods": "110"},
                "nodeInfo": {"kubeletVersion": "v1.33.1", "architecture": "", "bootID": "",
                             "containerRuntimeVersion": "", "kernelVersion": "",
                             "kubeProxyVersion": "", "machineID": "", "operatingSystem": "",
                             "osImage": "", "systemUUID": ""}
            }
        }))
    }

    #[test]
    fn ready_node_cells() {
        let row = node_row(&node(
            json!({"node-role.kubernetes.io/worker": ""}),
            Some("True"),
            false,
        ));
        assert_eq!(row.cells.len(), 8);
        assert_eq!(row.cells[0], Cell::Text("node-1".into()));
        assert_eq!(row.cells[1], Cell::Status("Ready".into(), Health::Ok));
        assert_eq!(row.cells[2], Cell::Text("worker".into()));
        assert_eq!(row.cells[3], Cell::Text("v1.33.1".into()));
        assert_eq!(
            row.cells[5],
            Cell::Quantity {
                text: "3800m".into(),
                value: 3.8
            }
        );
        assert_eq!(
            row.cells[6],
            Cell::Quantity {
                text: "15.5Gi".into(),
                value: 16_252_928.0 * 1024.0
            }
        );
        assert_eq!(row.cells[7], Cell::Joined);
        assert_eq!(row.health, Health::Ok);
    }

    #[test]
    fn not_ready_and_unknown() {
        let row = node_row(&node(json!({}), Some("False"), false));
        assert_eq!(row.cells[1], Cell::Status("NotReady".into(), Health::Error));
        let row = node_row(&node(json!({}), Some("Unknown"), false));
        assert_eq!(row.cells[1], Cell::Status("NotReady".into(), Health::Error));
        let row = node_row(&node(json!({}), None, false));
        assert_eq!(row.cells[1], Cell::Status("Unknown".into(), Health::Error));
        assert_eq!(row.health, Health::Error);
    }

    #[test]
    fn scheduling_disabled() {
        let row = node_row(&node(json!({}), Some("True"), true));
        assert_eq!(
            row.cells[1],
            Cell::Status("Ready,SchedulingDisabled".into(), Health::Warning)
        );
        assert_eq!(row.health, Health::Warning);
        let row = node_row(&node(json!({}), Some("False"), true));
        assert_eq!(
            row.cells[1],
            Cell::Status("NotReady,SchedulingDisabled".into(), Health::Error)
        );
    }

    #[test]
    fn roles_sorted_and_none() {
        let labels = json!({
            "node-role.kubernetes.io/worker": "",
            "node-role.kubernetes.io/control-plane": "",
            "kubernetes.io/role": "master",
            "node-role.kubernetes.io/": "ignored"
        });
        let row = node_row(&node(labels, Some("True"), false));
        assert_eq!(
            row.cells[2],
            Cell::Text("control-plane,master,worker".into())
        );
        let row = node_row(&node(json!({"app": "x"}), Some("True"), false));
        assert_eq!(row.cells[2], Cell::Text("<none>".into()));
    }

    #[test]
    fn empty_node_never_panics() {
        let row = node_row(&Node::default());
        assert_eq!(row.cells.len(), 8);
        assert_eq!(row.cells[3], Cell::Text("<none>".into()));
    }
}
