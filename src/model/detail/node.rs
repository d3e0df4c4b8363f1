//! Node describe body: roles, taints, unschedulable, conditions, addresses, capacity,
//! allocatable and system info.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, NodeCondition};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::out::{Out, clip};
use crate::model::Health;
use crate::model::build::{node_roles, node_status};

/// A condition's health: Ready must be True, the pressure/unavailable ones must not be.
fn condition_health(c: &NodeCondition) -> Option<Health> {
    match (c.type_.as_str(), c.status.as_str()) {
        ("Ready", "True") => None,
        ("Ready", _) => Some(Health::Error),
        (_, "True") => Some(Health::Warning),
        (_, "Unknown") => Some(Health::Warning),
        _ => None,
    }
}

fn quantities(out: &mut Out, label: &str, map: Option<&BTreeMap<String, Quantity>>) {
    match map.filter(|m| !m.is_empty()) {
        None => out.field(0, label, "<none>"),
        Some(m) => {
            out.heading(label);
            for (k, v) in m {
                out.field(2, &format!("{k}:"), &v.0);
            }
        }
    }
}

pub(crate) fn describe(out: &mut Out, node: &Node, lite: &crate::objects::Node) {
    let (status, health) = node_status(lite);
    out.field_h(0, "Status:", status, health);
    out.field(0, "Roles:", node_roles(lite));
    let spec = node.spec.clone().unwrap_or_default();
    let taints: Vec<String> = spec
        .taints
        .iter()
        .flatten()
        .map(|t| match t.value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{}={v}:{}", t.key, t.effect),
            None => format!("{}:{}", t.key, t.effect),
        })
        .collect();
    out.map(0, "Taints:", taints.iter().map(|t| (t.as_str(), "")), "");
    if spec.unschedulable == Some(true) {
        out.field_h(0, "Unschedulable:", "true", Health::Warning);
    } else {
        out.field(0, "Unschedulable:", "false");
    }
    let empty_status = Default::default();
    let status = node.status.as_ref().unwrap_or(&empty_status);

    let conds = status.conditions.as_deref().unwrap_or(&[]);
    if conds.is_empty() {
        out.field(0, "Conditions:", "<none>");
    } else {
        out.heading("Conditions:");
        let rows: Vec<(Vec<String>, Option<Health>)> = conds
            .iter()
            .map(|c| {
                let cells = vec![
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                    c.message.as_deref().map(clip).unwrap_or_default(),
                ];
                (cells, condition_health(c))
            })
            .collect();
        out.table(2, &["Type", "Status", "Reason", "Message"], &rows);
    }

    let addresses = status.addresses.as_deref().unwrap_or(&[]);
    if addresses.is_empty() {
        out.field(0, "Addresses:", "<none>");
    } else {
        out.heading("Addresses:");
        for a in addresses {
            out.field(2, &format!("{}:", a.type_), &a.address);
        }
    }
    quantities(out, "Capacity:", status.capacity.as_ref());
    quantities(out, "Allocatable:", status.allocatable.as_ref());

    if let Some(info) = &status.node_info {
        out.heading("System Info:");
        let fields = [
            ("Machine ID:", &info.machine_id),
            ("System UUID:", &info.system_uuid),
            ("Boot ID:", &info.boot_id),
            ("Kernel Version:", &info.kernel_version),
            ("OS Image:", &info.os_image),
            ("Operating System:", &info.operating_system),
            ("Architecture:", &info.architecture),
            (
                "Container Runtime Version:",
                &info.container_runtime_version,
            ),
            ("Kubelet Version:", &info.kubelet_version),
        ];
        for (label, value) in fields {
            out.field(2, label, value);
        }
    }
    let cidrs = spec.pod_cidrs.clone().unwrap_or_default();
    if !cidrs.is_empty() {
        out.field(0, "PodCIDRs:", cidrs.join(","));
    } else {
        out.field_opt(0, "PodCIDR:", spec.pod_cidr.as_deref());
    }
    out.field_opt(0, "ProviderID:", spec.provider_id.as_deref());
}
