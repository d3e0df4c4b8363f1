//! Table columns and cells for the less central resource types (DaemonSets, Jobs, CronJobs,
//! ConfigMaps, Secrets, Endpoints, PVCs, Ingresses, Leases), as the real server prints them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers::{Column, age, human_duration, int, load_balancer_addresses, text};
use super::resources::ResourceType;

type Cells = fn(&Value, Timestamp) -> Vec<Value>;

const DAEMONSET: &[Column] = &[
    ("Name", "string", 0),
    ("Desired", "integer", 0),
    ("Current", "integer", 0),
    ("Ready", "integer", 0),
    ("Up-to-date", "integer", 0),
    ("Available", "integer", 0),
    ("Node Selector", "string", 0),
    ("Age", "string", 0),
];
const JOB: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Completions", "string", 0),
    ("Duration", "string", 0),
    ("Age", "string", 0),
];
const CRONJOB: &[Column] = &[
    ("Name", "string", 0),
    ("Schedule", "string", 0),
    ("Suspend", "boolean", 0),
    ("Active", "integer", 0),
    ("Last Schedule", "string", 0),
    ("Age", "string", 0),
];
const CONFIGMAP: &[Column] = &[
    ("Name", "string", 0),
    ("Data", "integer", 0),
    ("Age", "string", 0),
];
const SECRET: &[Column] = &[
    ("Name", "string", 0),
    ("Type", "string", 0),
    ("Data", "integer", 0),
    ("Age", "string", 0),
];
const ENDPOINTS: &[Column] = &[
    ("Name", "string", 0),
    ("Endpoints", "string", 0),
    ("Age", "string", 0),
];
const PVC: &[Column] = &[
    ("Name", "string", 0),
    ("Status", "string", 0),
    ("Volume", "string", 0),
    ("Capacity", "string", 0),
    ("Access Modes", "string", 0),
    ("StorageClass", "string", 0),
    ("Age", "string", 0),
];
const INGRESS: &[Column] = &[
    ("Name", "string", 0),
    ("Class", "string", 0),
    ("Hosts", "string", 0),
    ("Address", "string", 0),
    ("Ports", "string", 0),
    ("Age", "string", 0),
];
const LEASE: &[Column] = &[
    ("Name", "string", 0),
    ("Holder", "string", 0),
    ("Age", "string", 0),
];

fn none_if_empty(text: String) -> Value {
    json!(if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    })
}

fn count_keys(object: &Value, pointer: &str) -> usize {
    object
        .pointer(pointer)
        .and_then(Value::as_object)
        .map_or(0, |m| m.len())
}

fn daemonset(ds: &Value, now: Timestamp) -> Vec<Value> {
    let selector: Vec<String> = ds
        .pointer("/spec/template/spec/nodeSelector")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    vec![
        json!(text(ds, "/metadata/name")),
        json!(int(ds, "/status/desiredNumberScheduled")),
        json!(int(ds, "/status/currentNumberScheduled")),
        json!(int(ds, "/status/numberReady")),
        json!(int(ds, "/status/updatedNumberScheduled")),
        json!(int(ds, "/status/numberAvailable")),
        none_if_empty(selector.join(",")),
        json!(age(ds, "/metadata/creationTimestamp", now)),
    ]
}

fn job(job: &Value, now: Timestamp) -> Vec<Value> {
    let conditions = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let holds = |kind: &str| {
        conditions
            .iter()
            .any(|c| text(c, "/type") == kind && text(c, "/status") == "True")
    };
    let status = if holds("Complete") {
        "Complete"
    } else if holds("Failed") {
        "Failed"
    } else if holds("Suspended") {
        "Suspended"
    } else {
        "Running"
    };
    let completions = job
        .pointer("/spec/completions")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let start = text(job, "/status/startTime").parse::<Timestamp>().ok();
    let end = text(job, "/status/completionTime")
        .parse::<Timestamp>()
        .ok()
        .unwrap_or(now);
    let duration = start
        .map(|s| human_duration(end.as_second() - s.as_second()))
        .unwrap_or_default();
    vec![
        json!(text(job, "/metadata/name")),
        json!(status),
        json!(format!("{}/{completions}", int(job, "/status/succeeded"))),
        json!(duration),
        json!(age(job, "/metadata/creationTimestamp", now)),
    ]
}

fn cronjob(cj: &Value, now: Timestamp) -> Vec<Value> {
    let last = if text(cj, "/status/lastScheduleTime").is_empty() {
        "<none>".to_string()
    } else {
        age(cj, "/status/lastScheduleTime", now)
    };
    vec![
        json!(text(cj, "/metadata/name")),
        json!(text(cj, "/spec/schedule")),
        json!(
            cj.pointer("/spec/suspend")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
        json!(
            cj.pointer("/status/active")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        ),
        json!(last),
        json!(age(cj, "/metadata/creationTimestamp", now)),
    ]
}

fn configmap(cm: &Value, now: Timestamp) -> Vec<Value> {
    let data = count_keys(cm, "/data") + count_keys(cm, "/binaryData");
    vec![
        json!(text(cm, "/metadata/name")),
        json!(data),
        json!(age(cm, "/metadata/creationTimestamp", now)),
    ]
}

fn secret(secret: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        json!(text(secret, "/metadata/name")),
        json!(text(secret, "/type")),
        json!(count_keys(secret, "/data")),
        json!(age(secret, "/metadata/creationTimestamp", now)),
    ]
}

fn endpoints(ep: &Value, now: Timestamp) -> Vec<Value> {
    let mut addresses = Vec::new();
    for subset in ep
        .pointer("/subsets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ports: Vec<i64> = subset
            .get("ports")
            .and_then(Value::as_array)
            .map(|p| p.iter().map(|p| int(p, "/port")).collect())
            .unwrap_or_default();
        for address in subset
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ip = text(address, "/ip");
            match ports.as_slice() {
                [] => addresses.push(ip.to_string()),
                ports => addresses.extend(ports.iter().map(|p| format!("{ip}:{p}"))),
            }
        }
    }
    let shown = if addresses.len() > 3 {
        format!(
            "{} + {} more...",
            addresses[..3].join(","),
            addresses.len() - 3
        )
    } else {
        addresses.join(",")
    };
    vec![
        json!(text(ep, "/metadata/name")),
        none_if_empty(shown),
        json!(age(ep, "/metadata/creationTimestamp", now)),
    ]
}

fn pvc(pvc: &Value, now: Timestamp) -> Vec<Value> {
    let modes: Vec<&str> = pvc
        .pointer("/status/accessModes")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .map(|m| match m.as_str().unwrap_or("") {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    "ReadWriteOncePod" => "RWOP",
                    other => other,
                })
                .collect()
        })
        .unwrap_or_default();
    vec![
        json!(text(pvc, "/metadata/name")),
        json!(text(pvc, "/status/phase")),
        json!(text(pvc, "/spec/volumeName")),
        json!(text(pvc, "/status/capacity/storage")),
        json!(modes.join(",")),
        none_if_empty(text(pvc, "/spec/storageClassName").to_string()),
        json!(age(pvc, "/metadata/creationTimestamp", now)),
    ]
}

fn ingress(ing: &Value, now: Timestamp) -> Vec<Value> {
    let hosts: Vec<&str> = ing
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .map(|r| text(r, "/host"))
                .filter(|h| !h.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let address: Vec<&str> = load_balancer_addresses(ing);
    let ports = if ing
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
    {
        "80, 443"
    } else {
        "80"
    };
    vec![
        json!(text(ing, "/metadata/name")),
        none_if_empty(text(ing, "/spec/ingressClassName").to_string()),
        json!(if hosts.is_empty() {
            "*".to_string()
        } else {
            hosts.join(",")
        }),
        json!(address.join(",")),
        json!(ports),
        json!(age(ing, "/metadata/creationTimestamp", now)),
    ]
}

fn lease(lease: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        json!(text(lease, "/metadata/name")),
        json!(text(lease, "/spec/holderIdentity")),
        json!(age(lease, "/metadata/creationTimestamp", now)),
    ]
}

/// Columns and cell function for the types this module prints.
pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.kind) {
        ("apps", "DaemonSet") => (DAEMONSET, daemonset as Cells),
        ("batch", "Job") => (JOB, job),
        ("batch", "CronJob") => (CRONJOB, cronjob),
        ("", "ConfigMap") => (CONFIGMAP, configmap),
        ("", "Secret") => (SECRET, secret),
        ("", "Endpoints") => (ENDPOINTS, endpoints),
        ("", "PersistentVolumeClaim") => (PVC, pvc),
        ("networking.k8s.io", "Ingress") => (INGRESS, ingress),
        ("coordination.k8s.io", "Lease") => (LEASE, lease),
        _ => return None,
    })
}
