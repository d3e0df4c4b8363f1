//! API-server-style defaulting for the built-in scenario: fills the fields a real cluster adds
//! (uids, owner reference uids, pod spec defaults, QoS class, container and image ids, service
//! defaults) so that the YAML in `assets/demo` only says what matters.

use serde_json::{Map, Value, json};

use super::ids;
use super::json::Ptr;

/// Gives every object its uid, completes owner references and replaces the `$(uid)`
/// placeholder (an Event's with its involved object's uid, others with their own).
pub fn identify(objects: &mut [Value]) {
    for obj in objects.iter_mut() {
        let kind = str_at(obj, "/kind");
        let ns = str_at(obj, "/metadata/namespace");
        let name = str_at(obj, "/metadata/name");
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.entry("uid")
                .or_insert_with(|| json!(ids::uid(&kind, &ns, &name)));
            if let Some(Value::Array(owners)) = meta.get_mut("ownerReferences") {
                owners.iter_mut().for_each(|o| owner_ref(o, &ns));
            }
        }
        let uid = if kind == "Event" {
            let io_kind = str_at(obj, "/involvedObject/kind");
            let io_ns = str_at(obj, "/involvedObject/namespace");
            ids::uid(&io_kind, &io_ns, &str_at(obj, "/involvedObject/name"))
        } else {
            str_at(obj, "/metadata/uid")
        };
        replace_placeholder(obj, &uid);
    }
}

fn replace_placeholder(v: &mut Value, uid: &str) {
    match v {
        Value::String(s) if s.contains("$(uid)") => *s = s.replace("$(uid)", uid),
        Value::Array(items) => items.iter_mut().for_each(|i| replace_placeholder(i, uid)),
        Value::Object(map) => map.values_mut().for_each(|i| replace_placeholder(i, uid)),
        _ => {}
    }
}

/// Fills the defaults of pods, services and events, in place.
pub fn complete(objects: &mut [Value]) {
    for obj in objects.iter_mut() {
        let kind = str_at(obj, "/kind");
        let ns = str_at(obj, "/metadata/namespace");
        let name = str_at(obj, "/metadata/name");
        match kind.as_str() {
            "Pod" => pod(obj, &ns, &name),
            "Service" => service(obj),
            "Event" => event(obj),
            _ => {}
        }
    }
}

fn str_at(v: &Value, ptr: &str) -> String {
    v.at(ptr)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn owner_ref(o: &mut Value, ns: &str) {
    let Some(map) = o.as_object_mut() else { return };
    let kind = map
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = map
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let api = match kind.as_str() {
        "ReplicaSet" | "Deployment" | "DaemonSet" | "StatefulSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "v1",
    };
    let owner_ns = if kind == "Node" { "" } else { ns };
    map.entry("apiVersion").or_insert_with(|| json!(api));
    map.entry("uid")
        .or_insert_with(|| json!(ids::uid(&kind, owner_ns, &name)));
    map.entry("controller").or_insert(json!(true));
    if kind != "Node" {
        map.entry("blockOwnerDeletion").or_insert(json!(true));
    }
}

fn pod(obj: &mut Value, ns: &str, name: &str) {
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        pod_spec(spec);
    }
    let qos = obj.get("spec").map(qos_class).unwrap_or("BestEffort");
    let Some(status) = obj.get_mut("status").and_then(Value::as_object_mut) else {
        return;
    };
    status.entry("qosClass").or_insert(json!(qos));
    if !status.contains_key("conditions") && status.get("phase") == Some(&json!("Running")) {
        let conditions = running_conditions(status);
        status.insert("conditions".into(), conditions);
    }
    for (ip, ips) in [("hostIP", "hostIPs"), ("podIP", "podIPs")] {
        if let Some(addr) = status.get(ip).cloned() {
            status.entry(ips).or_insert_with(|| json!([{ "ip": addr }]));
        }
    }
    for key in ["containerStatuses", "initContainerStatuses"] {
        if let Some(Value::Array(list)) = status.get_mut(key) {
            list.iter_mut().for_each(|c| container_status(c, ns, name));
        }
    }
}

/// The conditions of a running pod that has none written: everything True since its start,
/// Ready and ContainersReady since its last container started (False when one is not ready).
fn running_conditions(status: &Map<String, Value>) -> Value {
    let start = status.get("startTime").cloned().unwrap_or(Value::Null);
    let containers = status.get("containerStatuses").and_then(Value::as_array);
    let started = containers
        .into_iter()
        .flatten()
        .filter_map(|c| c.at("/state/running/startedAt").and_then(Value::as_str))
        .max()
        .map_or(start.clone(), |s| json!(s));
    let unready: Vec<&str> = containers
        .into_iter()
        .flatten()
        .filter(|c| c.get("ready") != Some(&json!(true)))
        .filter_map(|c| c.get("name").and_then(Value::as_str))
        .collect();
    let ready = |t: &str| {
        if unready.is_empty() {
            json!({"type": t, "status": "True", "lastProbeTime": null, "lastTransitionTime": started})
        } else {
            json!({"type": t, "status": "False", "lastProbeTime": null, "lastTransitionTime": started,
                "reason": "ContainersNotReady",
                "message": format!("containers with unready status: [{}]", unready.join(" "))})
        }
    };
    json!([
        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": start},
        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": start},
        ready("Ready"),
        ready("ContainersReady"),
        {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": start}
    ])
}

/// Defaults of a pod spec (also used for pod templates by the synthetic generator).
pub fn pod_spec(spec: &mut Map<String, Value>) {
    for (k, v) in [
        ("restartPolicy", json!("Always")),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("securityContext", json!({})),
        ("serviceAccountName", json!("default")),
        ("serviceAccount", json!("default")),
        ("enableServiceLinks", json!(true)),
        ("preemptionPolicy", json!("PreemptLowerPriority")),
        ("priority", json!(0)),
    ] {
        spec.entry(k).or_insert(v);
    }
    if spec.get("serviceAccount") != spec.get("serviceAccountName")
        && let Some(sa) = spec.get("serviceAccountName").cloned()
    {
        spec.insert("serviceAccount".into(), sa);
    }
    spec.entry("tolerations").or_insert_with(|| {
        json!([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ])
    });
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(list)) = spec.get_mut(key) {
            for c in list.iter_mut().filter_map(Value::as_object_mut) {
                c.entry("terminationMessagePath")
                    .or_insert(json!("/dev/termination-log"));
                c.entry("terminationMessagePolicy").or_insert(json!("File"));
                c.entry("imagePullPolicy").or_insert(json!("IfNotPresent"));
                c.entry("resources").or_insert(json!({}));
                if let Some(Value::Array(ports)) = c.get_mut("ports") {
                    for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                        p.entry("protocol").or_insert(json!("TCP"));
                    }
                }
            }
        }
    }
}

/// The QoS class Kubernetes computes from the containers' requests and limits.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers = spec
        .get("containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut any = false;
    let mut guaranteed = !containers.is_empty();
    for c in &containers {
        let limits = c.at("/resources/limits").and_then(Value::as_object);
        let requests = c.at("/resources/requests").and_then(Value::as_object);
        any |= limits.is_some_and(|l| !l.is_empty()) || requests.is_some_and(|r| !r.is_empty());
        for res in ["cpu", "memory"] {
            let limit = limits.and_then(|l| l.get(res));
            let request = requests.and_then(|r| r.get(res)).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn container_status(c: &mut Value, ns: &str, pod: &str) {
    let running = c.at("/state/running").is_some();
    let terminated = c.at("/state/terminated").is_some();
    let last_terminated = c.at("/lastState/terminated").is_some();
    let Some(map) = c.as_object_mut() else { return };
    let name = map
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let image = map
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let restarts = map.get("restartCount").and_then(Value::as_u64).unwrap_or(0);
    map.entry("restartCount").or_insert(json!(0));
    map.entry("lastState").or_insert(json!({}));
    map.entry("started").or_insert(json!(running));
    map.entry("ready").or_insert(json!(false));
    if running || terminated || last_terminated {
        map.entry("imageID")
            .or_insert_with(|| json!(ids::image_id(&image)));
        if running || terminated {
            map.entry("containerID")
                .or_insert_with(|| json!(ids::container_id(ns, pod, &name, restarts)));
        } else {
            map.entry("containerID").or_insert_with(|| {
                json!(ids::container_id(
                    ns,
                    pod,
                    &name,
                    restarts.saturating_sub(1)
                ))
            });
        }
    } else {
        map.entry("imageID").or_insert(json!(""));
    }
    for (state, instance) in [
        ("state", restarts),
        ("lastState", restarts.saturating_sub(1)),
    ] {
        if let Some(t) = map
            .get_mut(state)
            .and_then(|s| s.get_mut("terminated"))
            .and_then(Value::as_object_mut)
        {
            t.entry("containerID")
                .or_insert_with(|| json!(ids::container_id(ns, pod, &name, instance)));
        }
    }
}

fn service(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    for (k, v) in [
        ("type", json!("ClusterIP")),
        ("sessionAffinity", json!("None")),
        ("ipFamilies", json!(["IPv4"])),
        ("ipFamilyPolicy", json!("SingleStack")),
        ("internalTrafficPolicy", json!("Cluster")),
    ] {
        spec.entry(k).or_insert(v);
    }
    if let Some(ip) = spec.get("clusterIP").cloned() {
        spec.entry("clusterIPs").or_insert_with(|| json!([ip]));
    }
    if let Some(Value::Array(ports)) = spec.get_mut("ports") {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            p.entry("protocol").or_insert(json!("TCP"));
            if let Some(port) = p.get("port").cloned() {
                p.entry("targetPort").or_insert(port);
            }
        }
    }
    if let Some(o) = obj.as_object_mut() {
        o.entry("status").or_insert(json!({"loadBalancer": {}}));
    }
}

fn event(obj: &mut Value) {
    let kind = str_at(obj, "/involvedObject/kind");
    let ns = str_at(obj, "/involvedObject/namespace");
    let name = str_at(obj, "/involvedObject/name");
    let uid = ids::uid(&kind, &ns, &name);
    let source = str_at(obj, "/source/component");
    let host = str_at(obj, "/source/host");
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    if let Some(io) = map.get_mut("involvedObject").and_then(Value::as_object_mut) {
        io.entry("uid").or_insert(json!(uid.clone()));
    }
    map.entry("count").or_insert(json!(1));
    map.entry("type").or_insert(json!("Normal"));
    map.entry("eventTime").or_insert(Value::Null);
    map.entry("reportingComponent").or_insert(json!(source));
    map.entry("reportingInstance").or_insert(json!(host));
}
