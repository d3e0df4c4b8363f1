//! Tables of the networking kinds and events: Services, Endpoints, EndpointSlices, Events,
//! Ingresses, NetworkPolicies and Leases, as the real server prints them.

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
pub fn printer(resource: &ResourceType) -> Option<(&'static [Column], Cells)> {
    Some(match (resource.group, resource.kind) {
        ("", "Service") => (SERVICE, service as Cells),
        ("", "Endpoints") => (ENDPOINTS, endpoints),
        ("discovery.k8s.io", "EndpointSlice") => (SLICE, slice),
        ("", "Event") => (EVENT, event),
        ("networking.k8s.io", "Ingress") => (INGRESS, ingress),
        ("networking.k8s.io", "NetworkPolicy") => (NETPOL, netpol),
        ("coordination.k8s.io", "Lease") => (LEASE, lease),
        _ => return None,
    })
}

fn name(o: &Value) -> Value {
    json!(text(o, "/metadata/name"))
}

fn created(o: &Value, now: Timestamp) -> Value {
    json!(age(o, "/metadata/creationTimestamp", now))
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
