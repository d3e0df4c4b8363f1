//! Tables of the cluster-level kinds: IngressClasses, StorageClasses, CSIDrivers, webhook
//! configurations, APIServices, CertificateSigningRequests, role bindings, PriorityClasses
//! and metrics, as the real API server (and the aggregator) prints them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers::{Cells, Column, age, array, human_duration, int, text};
use super::resources::ResourceType;

const INGRESS_CLASS: &[Column] = &[
    ("Name", "string", 0),
    ("Controller", "string", 0),
    ("Parameters", "string", 0),
    ("Age", "string", 0),
];
const STORAGE_CLASS: &[Column] = &[
    ("Name", "string", 0),
    ("Provisioner", "string", 0),
    ("ReclaimPolicy", "string", 0),
    ("VolumeBindingMode", "string", 0),
    ("AllowVolumeExpansion", "string", 0),
    ("Age", "string", 0),
];
const CSI_DRIVER: &[Column] = &[
    ("Name", "string", 0),
    ("AttachRequired", "boolean", 0),
    ("PodInfoOnMount", "boolean", 0),
    ("StorageCapacity", "boolean", 0),
    ("TokenRequests", "string", 0),
    ("RequiresRepublish", "boolean", 0),
    ("Modes", "string", 0),
    ("Age", "string", 0),
];
const WEBHOOKS: &[Column] = &[
    ("Name", "string", 0),
    ("Webhooks", "integer", 0),
    ("Age", "string", 0),
];
const API_SERVICE: &[Column] = &[
    ("Name", "string", 0),
    ("Service", "string", 0),
    ("Available", "string", 0),
    ("Age", "string", 0),
];
const CSR: &[Column] = &[
    ("Name", "string", 0),
    ("Age", "string", 0),
    ("SignerName", "string", 0),
    ("Requestor", "string", 0),
    ("RequestedDuration", "string", 0),
    ("Condition", "string", 0),
];
const BINDING: &[Column] = &[
    ("Name", "string", 0),
    ("Role", "string", 0),
    ("Age", "string", 0),
    ("Users", "string", 1),
    ("Groups", "string", 1),
    ("ServiceAccounts", "string", 1),
];
const PRIORITY_CLASS: &[Column] = &[
    ("Name", "string", 0),
    ("Value", "integer", 0),
    ("Global-Default", "boolean", 0),
    ("Age", "string", 0),
    ("PreemptionPolicy", "string", 0),
];

pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.kind) {
        ("networking.k8s.io", "IngressClass") => (INGRESS_CLASS, ingress_class as Cells),
        ("storage.k8s.io", "StorageClass") => (STORAGE_CLASS, storage_class),
        ("storage.k8s.io", "CSIDriver") => (CSI_DRIVER, csi_driver),
        ("admissionregistration.k8s.io", _) => (WEBHOOKS, webhooks),
        ("apiregistration.k8s.io", "APIService") => (API_SERVICE, api_service),
        ("certificates.k8s.io", "CertificateSigningRequest") => (CSR, csr),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => (BINDING, binding),
        ("scheduling.k8s.io", "PriorityClass") => (PRIORITY_CLASS, priority_class),
        _ => return None,
    })
}

fn name(o: &Value) -> Value {
    json!(text(o, "/metadata/name"))
}

fn created(o: &Value, now: Timestamp) -> Value {
    json!(age(o, "/metadata/creationTimestamp", now))
}

fn flag(o: &Value, pointer: &str, default: bool) -> Value {
    json!(
        o.pointer(pointer)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    )
}

fn ingress_class(c: &Value, now: Timestamp) -> Vec<Value> {
    let parameters = match c.pointer("/spec/parameters") {
        Some(p) if p.is_object() => {
            let group = match text(p, "/apiGroup") {
                "" => String::new(),
                g => format!(".{g}"),
            };
            format!("{}{group}/{}", text(p, "/kind"), text(p, "/name"))
        }
        _ => "<none>".to_string(),
    };
    vec![
        name(c),
        json!(text(c, "/spec/controller")),
        json!(parameters),
        created(c, now),
    ]
}

fn storage_class(sc: &Value, now: Timestamp) -> Vec<Value> {
    let annotations = sc.pointer("/metadata/annotations");
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations.and_then(|a| a.get(*k)).and_then(Value::as_str) == Some("true"));
    let mut shown = text(sc, "/metadata/name").to_string();
    if default {
        shown.push_str(" (default)");
    }
    let reclaim = match text(sc, "/reclaimPolicy") {
        "" => "Delete",
        r => r,
    };
    let binding = match text(sc, "/volumeBindingMode") {
        "" => "Immediate",
        b => b,
    };
    vec![
        json!(shown),
        json!(text(sc, "/provisioner")),
        json!(reclaim),
        json!(binding),
        flag(sc, "/allowVolumeExpansion", false),
        created(sc, now),
    ]
}

fn csi_driver(d: &Value, now: Timestamp) -> Vec<Value> {
    let modes: Vec<&str> = array(d, "/spec/volumeLifecycleModes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let tokens = match d.pointer("/spec/tokenRequests").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|t| text(t, "/audience"))
            .collect::<Vec<_>>()
            .join(","),
        None => "<unset>".to_string(),
    };
    vec![
        name(d),
        flag(d, "/spec/attachRequired", true),
        flag(d, "/spec/podInfoOnMount", false),
        flag(d, "/spec/storageCapacity", false),
        json!(tokens),
        flag(d, "/spec/requiresRepublish", false),
        json!(if modes.is_empty() {
            "<none>".to_string()
        } else {
            modes.join(",")
        }),
        created(d, now),
    ]
}

fn webhooks(w: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(w), json!(array(w, "/webhooks").len()), created(w, now)]
}

fn api_service(a: &Value, now: Timestamp) -> Vec<Value> {
    let service = match a.pointer("/spec/service") {
        Some(s) if s.is_object() => format!("{}/{}", text(s, "/namespace"), text(s, "/name")),
        _ => "Local".to_string(),
    };
    let available = array(a, "/status/conditions")
        .iter()
        .find(|c| text(c, "/type") == "Available")
        .map_or("Unknown".to_string(), |c| match text(c, "/status") {
            "True" => "True".to_string(),
            status => format!("{status} ({})", text(c, "/reason")),
        });
    vec![name(a), json!(service), json!(available), created(a, now)]
}

fn csr(c: &Value, now: Timestamp) -> Vec<Value> {
    let has = |kind: &str| {
        array(c, "/status/conditions")
            .iter()
            .any(|x| text(x, "/type") == kind)
    };
    let mut condition = if has("Denied") {
        "Denied".to_string()
    } else if has("Approved") {
        "Approved".to_string()
    } else {
        "Pending".to_string()
    };
    if has("Failed") {
        condition.push_str(",Failed");
    }
    if !text(c, "/status/certificate").is_empty() {
        condition.push_str(",Issued");
    }
    let duration = match c.pointer("/spec/expirationSeconds").and_then(Value::as_i64) {
        Some(s) => human_duration(s),
        None => "<none>".to_string(),
    };
    let signer = match text(c, "/spec/signerName") {
        "" => "<none>",
        s => s,
    };
    vec![
        name(c),
        created(c, now),
        json!(signer),
        json!(text(c, "/spec/username")),
        json!(duration),
        json!(condition),
    ]
}

fn binding(b: &Value, now: Timestamp) -> Vec<Value> {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for s in array(b, "/subjects") {
        match text(s, "/kind") {
            "User" => users.push(text(s, "/name").to_string()),
            "Group" => groups.push(text(s, "/name").to_string()),
            "ServiceAccount" => sas.push(format!("{}/{}", text(s, "/namespace"), text(s, "/name"))),
            _ => {}
        }
    }
    vec![
        name(b),
        json!(format!(
            "{}/{}",
            text(b, "/roleRef/kind"),
            text(b, "/roleRef/name")
        )),
        created(b, now),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ]
}

fn priority_class(p: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(p),
        json!(int(p, "/value")),
        flag(p, "/globalDefault", false),
        created(p, now),
        json!(text(p, "/preemptionPolicy")),
    ]
}
