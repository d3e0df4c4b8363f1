//! Tables of the core and networking kinds besides pods and nodes: Services, Endpoints,
//! EndpointSlices, Events, Namespaces, ConfigMaps, Secrets, ServiceAccounts, volumes and
//! claims, Ingresses, NetworkPolicies, Leases and ResourceQuotas, as the real server prints
//! them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::printers::{
    Cells, Column, age, array, format_labels, format_selector, int, load_balancer_addresses,
    or_none, since, text,
};
use super::resources::ResourceType;

const SERVICE: &[Column] = &[
    ("Name", "string", 0),
    ("Type", "string", 0),
    ("Cluster-IP", "string", 0),
    ("External-IP", "string", 0),
    ("Port(s)", "string", 0),
    ("Age", "string", 0),
    ("Selector", "string", 1),
];
const ENDPOINTS: &[Column] = &[
    ("Name", "string", 0),
    ("Endpoints", "string", 0),
    ("Age", "string", 0),
];
const SLICE: &[Column] = &[
    ("Name", "string", 0),
    ("AddressType", "string", 0),
    ("Ports", "string", 0),
    ("Endpoints", "string", 0),
    ("Age", "string", 0),
];
const EVENT: &[Column] = &[
    ("Last Seen", "string", 0),
    ("Type", "string", 0),
    ("Reason", "string", 0),
    ("Object", "string", 0),
    ("Subobject", "string", 1),
    ("Source", "string", 1),
    ("Message", "string", 0),
    ("First Seen", "string", 1),
    ("Count", "string", 1),
    ("Name", "string", 1),
];
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
const INGRESS: &[Column] = &[
    ("Name", "string", 0),
    ("Class", "string", 0),
    ("Hosts", "string", 0),
    ("Address", "string", 0),
    ("Ports", "string", 0),
    ("Age", "string", 0),
];
const NETPOL: &[Column] = &[
    ("Name", "string", 0),
    ("Pod-Selector", "string", 0),
    ("Age", "string", 0),
];
const LEASE: &[Column] = &[
    ("Name", "string", 0),
    ("Holder", "string", 0),
    ("Age", "string", 0),
];
const QUOTA: &[Column] = &[
    ("Name", "string", 0),
    ("Age", "string", 0),
    ("Request", "string", 0),
    ("Limit", "string", 0),
];

pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.kind) {
        ("", "Service") => (SERVICE, service as Cells),
        ("", "Endpoints") => (ENDPOINTS, endpoints),
        ("discovery.k8s.io", "EndpointSlice") => (SLICE, slice),
        ("", "Event") => (EVENT, event),
        ("", "Namespace") => (NAMESPACE, namespace),
        ("", "ConfigMap") => (CONFIGMAP, configmap),
        ("", "Secret") => (SECRET, secret),
        ("", "ServiceAccount") => (SERVICE_ACCOUNT, service_account),
        ("", "PersistentVolume") => (PV, pv),
        ("", "PersistentVolumeClaim") => (PVC, pvc),
        ("networking.k8s.io", "Ingress") => (INGRESS, ingress),
        ("networking.k8s.io", "NetworkPolicy") => (NETPOL, netpol),
        ("coordination.k8s.io", "Lease") => (LEASE, lease),
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

fn service(svc: &Value, now: Timestamp) -> Vec<Value> {
    let ports: Vec<String> = array(svc, "/spec/ports")
        .iter()
        .map(|p| {
            let protocol = match text(p, "/protocol") {
                "" => "TCP",
                other => other,
            };
            match int(p, "/nodePort") {
                n if n > 0 => format!("{}:{n}/{protocol}", int(p, "/port")),
                _ => format!("{}/{protocol}", int(p, "/port")),
            }
        })
        .collect();
    let kind = match text(svc, "/spec/type") {
        "" => "ClusterIP",
        k => k,
    };
    let external_ips: Vec<&str> = array(svc, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external = match kind {
        "ClusterIP" | "NodePort" if !external_ips.is_empty() => external_ips.join(","),
        "ClusterIP" | "NodePort" => "<none>".to_string(),
        "LoadBalancer" => {
            let mut all: Vec<&str> = load_balancer_addresses(svc);
            all.extend(external_ips);
            if all.is_empty() {
                "<pending>".to_string()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => text(svc, "/spec/externalName").to_string(),
        _ => "<unknown>".to_string(),
    };
    let cluster_ip = array(svc, "/spec/clusterIPs")
        .first()
        .and_then(Value::as_str)
        .or_else(|| svc.pointer("/spec/clusterIP").and_then(Value::as_str))
        .unwrap_or("");
    vec![
        name(svc),
        json!(kind),
        or_none(cluster_ip),
        json!(external),
        or_none(ports.join(",")),
        created(svc, now),
        json!(format_labels(svc.pointer("/spec/selector"))),
    ]
}

fn first_three(list: Vec<String>, total: usize) -> String {
    let shown = list.into_iter().take(3).collect::<Vec<_>>().join(",");
    if total > 3 {
        format!("{shown} + {} more...", total - 3)
    } else {
        shown
    }
}

fn endpoints(ep: &Value, now: Timestamp) -> Vec<Value> {
    let mut list = Vec::new();
    let mut total = 0;
    for subset in array(ep, "/subsets") {
        let addresses = array(subset, "/addresses");
        let ports = array(subset, "/ports");
        if ports.is_empty() {
            total += addresses.len();
            list.extend(addresses.iter().map(|a| text(a, "/ip").to_string()));
            continue;
        }
        for p in ports {
            total += addresses.len();
            list.extend(
                addresses
                    .iter()
                    .map(|a| format!("{}:{}", text(a, "/ip"), int(p, "/port"))),
            );
        }
    }
    let cell = if array(ep, "/subsets").is_empty() {
        "<none>".to_string()
    } else {
        first_three(list, total)
    };
    vec![name(ep), json!(cell), created(ep, now)]
}

fn or_unset(s: String) -> String {
    if s.is_empty() {
        "<unset>".to_string()
    } else {
        s
    }
}

fn slice(s: &Value, now: Timestamp) -> Vec<Value> {
    let ports = array(s, "/ports");
    let port_list: Vec<String> = ports
        .iter()
        .map(|p| match p.get("port").and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None if !text(p, "/name").is_empty() => text(p, "/name").to_string(),
            None => "*".to_string(),
        })
        .collect();
    let addresses: Vec<String> = array(s, "/endpoints")
        .iter()
        .flat_map(|e| array(e, "/addresses").iter().filter_map(Value::as_str))
        .map(str::to_string)
        .collect();
    let (np, na) = (port_list.len(), addresses.len());
    vec![
        name(s),
        json!(text(s, "/addressType")),
        json!(or_unset(first_three(port_list, np))),
        json!(or_unset(first_three(addresses, na))),
        created(s, now),
    ]
}

fn event(e: &Value, now: Timestamp) -> Vec<Value> {
    let first = match text(e, "/firstTimestamp") {
        "" => text(e, "/eventTime"),
        t => t,
    };
    let first_seen = since(first, now);
    let mut last_seen = match text(e, "/lastTimestamp") {
        "" => first_seen.clone(),
        t => since(t, now),
    };
    let mut count = e.get("count").and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = e.get("series").filter(|s| s.is_object()) {
        last_seen = since(text(series, "/lastObservedTime"), now);
        count = int(series, "/count");
    } else if count == 0 {
        count = 1;
    }
    let kind = text(e, "/involvedObject/kind").to_lowercase();
    let target = match text(e, "/involvedObject/name") {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let component = match text(e, "/source/component") {
        "" => text(e, "/reportingComponent"),
        c => c,
    };
    let host = match text(e, "/source/host") {
        "" => text(e, "/reportingInstance"),
        h => h,
    };
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };
    vec![
        json!(last_seen),
        json!(text(e, "/type")),
        json!(text(e, "/reason")),
        json!(target),
        json!(text(e, "/involvedObject/fieldPath")),
        json!(source),
        json!(text(e, "/message").trim()),
        json!(first_seen),
        json!(count),
        name(e),
    ]
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

fn ingress(ing: &Value, now: Timestamp) -> Vec<Value> {
    let rules = array(ing, "/spec/rules");
    let hosts: Vec<String> = rules
        .iter()
        .map(|r| text(r, "/host"))
        .filter(|h| !h.is_empty())
        .take(3)
        .map(str::to_string)
        .collect();
    let hosts = if hosts.is_empty() {
        "*".to_string()
    } else if rules.len() > 3 {
        format!("{} + {} more...", hosts.join(","), rules.len() - 3)
    } else {
        hosts.join(",")
    };
    let ports = if array(ing, "/spec/tls").is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        name(ing),
        or_none(text(ing, "/spec/ingressClassName")),
        json!(hosts),
        json!(load_balancer_addresses(ing).join(",")),
        json!(ports),
        created(ing, now),
    ]
}

fn netpol(np: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(np),
        json!(format_selector(np.pointer("/spec/podSelector"))),
        created(np, now),
    ]
}

fn lease(lease: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(lease),
        json!(text(lease, "/spec/holderIdentity")),
        created(lease, now),
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
