//! Tables of the configuration and storage kinds: Namespaces, ConfigMaps, Secrets,
//! ServiceAccounts, PersistentVolumes and their claims, and ResourceQuotas, as the real server
//! prints them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers::{Cells, Column, age, array, text};
use super::resources::ResourceType;

const NAMESPACE: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Age", "string", 0),
];
const CONFIGMAP: &[Column] = &[
    ("Name", "string", 0),
    ("Data", "string", 0),
    ("Age", "string", 0),
];
const SECRET: &[Column] = &[
    ("Name", "string", 0),
    ("Type", "string", 0),
    ("Data", "string", 0),
    ("Age", "string", 0),
];
const SERVICE_ACCOUNT: &[Column] = &[
    ("Name", "string", 0),
    ("Secrets", "string", 0),
    ("Age", "string", 0),
];
const PV: &[Column] = &[
    ("Name", "string", 0),
    ("Capacity", "string", 0),
    ("Access Modes", "string", 0),
    ("Reclaim Policy", "string", 0),
    ("Status", "string", 0),
    ("Claim", "string", 0),
    ("StorageClass", "string", 0),
    ("VolumeAttributesClass", "string", 0),
    ("Reason", "string", 0),
    ("Age", "string", 0),
    ("VolumeMode", "string", 1),
];
const PVC: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Volume", "string", 0),
    ("Capacity", "string", 0),
    ("Access Modes", "string", 0),
    ("StorageClass", "string", 0),
    ("VolumeAttributesClass", "string", 0),
    ("Age", "string", 0),
    ("VolumeMode", "string", 1),
];
const QUOTA: &[Column] = &[
    ("Name", "string", 0),
    ("Age", "string", 0),
    ("Request", "string", 0),
    ("Limit", "string", 0),
];

pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.kind) {
        ("", "Namespace") => (NAMESPACE, namespace as Cells),
        ("", "ConfigMap") => (CONFIGMAP, configmap),
        ("", "Secret") => (SECRET, secret),
        ("", "ServiceAccount") => (SERVICE_ACCOUNT, service_account),
        ("", "PersistentVolume") => (PV, pv),
        ("", "PersistentVolumeClaim") => (PVC, pvc),
        ("", "ResourceQuota") => (QUOTA, quota),
        _ => return None,
    })
}

fn name(o: &Value) -> Value {
    json!(text(o, "/metadata/name"))
}

fn created(o: &Value, now: Timestamp) -> Value {
    json!(age(o, "/metadata/creationTimestamp", now))
}

fn count_keys(object: &Value, pointer: &str) -> usize {
    object
        .pointer(pointer)
        .and_then(Value::as_object)
        .map_or(0, |m| m.len())
}

fn namespace(ns: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(ns), json!(text(ns, "/status/phase")), created(ns, now)]
}

fn configmap(cm: &Value, now: Timestamp) -> Vec<Value> {
    let data = count_keys(cm, "/data") + count_keys(cm, "/binaryData");
    vec![name(cm), json!(data), created(cm, now)]
}

fn secret(s: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(s),
        json!(text(s, "/type")),
        json!(count_keys(s, "/data")),
        created(s, now),
    ]
}

fn service_account(sa: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(sa),
        json!(array(sa, "/secrets").len()),
        created(sa, now),
    ]
}

fn access_modes(o: &Value, pointer: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for m in array(o, pointer).iter().filter_map(Value::as_str) {
        let short = match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        };
        if !out.contains(&short) {
            out.push(short);
        }
    }
    out.join(",")
}

fn terminating(o: &Value, phase: &str) -> String {
    if o.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
    {
        "Terminating".to_string()
    } else {
        phase.to_string()
    }
}

fn storage_class(o: &Value) -> String {
    let annotated = text(
        o,
        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
    );
    if !annotated.is_empty() {
        return annotated.to_string();
    }
    text(o, "/spec/storageClassName").to_string()
}

fn unset(s: &str) -> Value {
    json!(if s.is_empty() { "<unset>" } else { s })
}

fn pv(pv: &Value, now: Timestamp) -> Vec<Value> {
    let claim = match pv.pointer("/spec/claimRef") {
        Some(c) if c.is_object() => format!("{}/{}", text(c, "/namespace"), text(c, "/name")),
        _ => String::new(),
    };
    vec![
        name(pv),
        json!(text(pv, "/spec/capacity/storage")),
        json!(access_modes(pv, "/spec/accessModes")),
        json!(text(pv, "/spec/persistentVolumeReclaimPolicy")),
        json!(terminating(pv, text(pv, "/status/phase"))),
        json!(claim),
        json!(storage_class(pv)),
        unset(text(pv, "/spec/volumeAttributesClassName")),
        json!(text(pv, "/status/reason")),
        created(pv, now),
        unset(text(pv, "/spec/volumeMode")),
    ]
}

fn pvc(pvc: &Value, now: Timestamp) -> Vec<Value> {
    let bound = !text(pvc, "/spec/volumeName").is_empty();
    let (capacity, modes) = if bound {
        (
            text(pvc, "/status/capacity/storage").to_string(),
            access_modes(pvc, "/status/accessModes"),
        )
    } else {
        (String::new(), String::new())
    };
    vec![
        name(pvc),
        json!(terminating(pvc, text(pvc, "/status/phase"))),
        json!(text(pvc, "/spec/volumeName")),
        json!(capacity),
        json!(modes),
        json!(storage_class(pvc)),
        unset(text(pvc, "/spec/volumeAttributesClassName")),
        created(pvc, now),
        unset(text(pvc, "/spec/volumeMode")),
    ]
}

fn quota(q: &Value, now: Timestamp) -> Vec<Value> {
    let hard = q.pointer("/status/hard").and_then(Value::as_object);
    let mut names: Vec<&String> = hard.map(|h| h.keys().collect()).unwrap_or_default();
    names.sort();
    let (mut requests, mut limits) = (Vec::new(), Vec::new());
    for resource in names {
        let used = q
            .pointer("/status/used")
            .and_then(|u| u.get(resource))
            .and_then(Value::as_str)
            .unwrap_or("0");
        let limit = hard
            .and_then(|h| h.get(resource))
            .and_then(Value::as_str)
            .unwrap_or("0");
        let entry = format!("{resource}: {used}/{limit}");
        if resource.split('.').next() == Some("limits") && resource.contains('.') {
            limits.push(entry);
        } else {
            requests.push(entry);
        }
    }
    vec![
        name(q),
        created(q, now),
        json!(requests.join(", ")),
        json!(limits.join(", ")),
    ]
}
