//! Endpoints and EndpointSlices for a Service, computed from the pods its selector picks
//! (ready pods under `addresses`, the others under `notReadyAddresses`), as the endpoints
//! controllers of a real cluster write them.

use serde_json::{Value, json};

use super::json::Ptr;
use super::{ids, json};

/// Adds the Endpoints and EndpointSlice of every Service with a selector that has none yet.
pub fn derive(objects: &mut Vec<Value>) {
    let pods: Vec<&Value> = objects
        .iter()
        .filter(|o| json::s(o, "/kind") == "Pod")
        .collect();
    let mut added = Vec::new();
    for svc in objects.iter().filter(|o| json::s(o, "/kind") == "Service") {
        if svc.at("/spec/selector").is_none() {
            continue;
        }
        let exists = objects.iter().any(|o| {
            json::s(o, "/kind") == "Endpoints"
                && json::ns(o) == json::ns(svc)
                && json::name(o) == json::name(svc)
        });
        if !exists {
            added.extend(for_service(svc, &pods));
        }
    }
    objects.extend(added);
}

/// The Endpoints object and the EndpointSlice for `svc` given the current pods.
pub fn for_service(svc: &Value, pods: &[&Value]) -> [Value; 2] {
    let ns = json::ns(svc);
    let name = json::name(svc);
    let selector = svc.at("/spec/selector").cloned().unwrap_or(Value::Null);
    let svc_ports = svc
        .at("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut picked: Vec<&Value> = pods
        .iter()
        .copied()
        .filter(|p| {
            json::ns(p) == ns
                && !json::s(p, "/status/podIP").is_empty()
                && !json::terminating(p)
                && !matches!(json::s(p, "/status/phase"), "Succeeded" | "Failed")
                && json::selector_matches(&selector, p.at("/metadata/labels"))
        })
        .collect();
    picked.sort_by_key(|p| json::s(p, "/status/podIP").to_string());
    let ports: Vec<Value> = svc_ports
        .iter()
        .filter_map(|sp| {
            let port = resolve_port(sp, picked.first().copied())?;
            let protocol = match json::s(sp, "/protocol") {
                "" => "TCP",
                other => other,
            };
            let mut p = json!({"port": port, "protocol": protocol});
            if let Some(n) = sp.get("name").and_then(Value::as_str) {
                p["name"] = json!(n);
            }
            Some(p)
        })
        .collect();
    let address = |p: &Value| {
        let mut a = json!({"ip": json::s(p, "/status/podIP")});
        a["targetRef"] = target_ref(p);
        if let Some(node) = p.at("/spec/nodeName").and_then(Value::as_str) {
            a["nodeName"] = json!(node);
        }
        if json::s(p, "/spec/subdomain") == name
            && let Some(h) = p.at("/spec/hostname").and_then(Value::as_str)
        {
            a["hostname"] = json!(h);
        }
        a
    };
    let ready: Vec<Value> = picked
        .iter()
        .filter(|p| json::pod_ready(p))
        .map(|p| address(p))
        .collect();
    let not_ready: Vec<Value> = picked
        .iter()
        .filter(|p| !json::pod_ready(p))
        .map(|p| address(p))
        .collect();
    let created = svc
        .at("/metadata/creationTimestamp")
        .cloned()
        .unwrap_or(Value::Null);
    let labels = svc
        .at("/metadata/labels")
        .cloned()
        .unwrap_or_else(|| json!({}));
    // Values are moved in after `json!`, which would copy them by serialising.
    let mut ep = json!({"apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": name, "namespace": ns, "uid": ids::uid("Endpoints", ns, name)}});
    ep["metadata"]["labels"] = labels.clone();
    ep["metadata"]["creationTimestamp"] = created.clone();
    if !picked.is_empty() {
        let mut subset = json!({});
        subset["ports"] = Value::Array(ports.clone());
        if !ready.is_empty() {
            subset["addresses"] = Value::Array(ready);
        }
        if !not_ready.is_empty() {
            subset["notReadyAddresses"] = Value::Array(not_ready);
        }
        ep["subsets"] = Value::Array(vec![subset]);
    }
    let mut slice_labels = labels;
    if let Some(l) = slice_labels.as_object_mut() {
        l.insert("kubernetes.io/service-name".into(), json!(name));
        l.insert(
            "endpointslice.kubernetes.io/managed-by".into(),
            json!("endpointslice-controller.k8s.io"),
        );
    }
    let endpoints: Vec<Value> = picked
        .iter()
        .map(|p| {
            let r = json::pod_ready(p);
            let mut e = json!({"addresses": [json::s(p, "/status/podIP")],
                "conditions": {"ready": r, "serving": r, "terminating": false}});
            e["targetRef"] = target_ref(p);
            if let Some(node) = p.at("/spec/nodeName").and_then(Value::as_str) {
                e["nodeName"] = json!(node);
            }
            e
        })
        .collect();
    let slice_name = format!("{name}-{}", ids::suffix(&["slice", ns, name], 5));
    let svc_uid = match json::s(svc, "/metadata/uid") {
        "" => ids::uid("Service", ns, name),
        uid => uid.to_string(),
    };
    let mut slice = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": slice_name, "namespace": ns,
            "uid": ids::uid("EndpointSlice", ns, &slice_name),
            "generateName": format!("{name}-"),
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name, "uid": svc_uid,
                "controller": true, "blockOwnerDeletion": true}]},
        "addressType": "IPv4"});
    slice["metadata"]["labels"] = slice_labels;
    slice["metadata"]["creationTimestamp"] = created;
    slice["endpoints"] = Value::Array(endpoints);
    slice["ports"] = Value::Array(ports);
    [ep, slice]
}

fn target_ref(p: &Value) -> Value {
    let uid = match json::s(p, "/metadata/uid") {
        "" => ids::uid("Pod", json::ns(p), json::name(p)),
        uid => uid.to_string(),
    };
    json!({"kind": "Pod", "namespace": json::ns(p), "name": json::name(p), "uid": uid})
}

/// The container port a service port's targetPort points at (a named port is looked up in the
/// pod's containers; without a pod, the service port number is used).
fn resolve_port(sp: &Value, pod: Option<&Value>) -> Option<u64> {
    match sp.get("targetPort") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(named)) => {
            let Some(pod) = pod else {
                return sp.get("port").and_then(Value::as_u64);
            };
            let containers = pod.at("/spec/containers").and_then(Value::as_array)?;
            containers
                .iter()
                .filter_map(|c| c.get("ports").and_then(Value::as_array))
                .flatten()
                .find(|p| json::s(p, "/name") == named)
                .and_then(|p| p.get("containerPort").and_then(Value::as_u64))
                .or_else(|| named.parse().ok())
        }
        _ => sp.get("port").and_then(Value::as_u64),
    }
}
