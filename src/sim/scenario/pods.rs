//! Pods the liveness driver creates and starts: a ReplicaSet's replacement pod from its
//! template (Pending, scheduled or not), and the pod once its containers run, with an address
//! from its node's pod CIDR. Each returns `None` for input it does not understand.

use fastrand::Rng;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::ids;
use super::json;
use super::json::Ptr;
use super::timeshift::format_time;

fn t(ts: Timestamp) -> Value {
    json!(format_time(ts, false))
}

/// A copy without the fields the store assigns on write.
fn fresh(pod: &Value) -> Value {
    let mut new = pod.clone();
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
        meta.remove("managedFields");
    }
    new
}

/// Five characters from the alphabet Kubernetes uses for generated names.
pub fn random_suffix(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| char::from(ALPHABET[rng.usize(..ALPHABET.len())]))
        .collect()
}

/// The address a starting pod gets: the node's own with host networking, else `candidate`.
pub fn pod_network_ip(pod: &Value, candidate: &str) -> String {
    if pod.at("/spec/hostNetwork") == Some(&Value::Bool(true)) {
        json::s(pod, "/status/hostIP").to_string()
    } else {
        candidate.to_string()
    }
}

/// The pod once its containers run and are ready, with address `ip`.
pub fn started(pod: &Value, now: Timestamp, ip: &str) -> Option<Value> {
    let mut new = fresh(pod);
    let (ns, name) = (json::ns(pod).to_string(), json::name(pod).to_string());
    let status = new.get_mut("status")?.as_object_mut()?;
    let statuses: Vec<Value> = status
        .get("containerStatuses")?
        .as_array()?
        .iter()
        .map(|c| {
            let (cname, image) = (json::s(c, "/name"), json::s(c, "/image"));
            json!({"name": cname, "image": image, "imageID": ids::image_id(image),
                "containerID": ids::container_id(&ns, &name, cname, 0), "ready": true, "started": true,
                "restartCount": 0, "state": {"running": {"startedAt": t(now)}}, "lastState": {}})
        })
        .collect();
    status.insert("phase".into(), json!("Running"));
    status.insert("podIP".into(), json!(ip));
    status.insert("podIPs".into(), json!([{"ip": ip}]));
    status.insert("containerStatuses".into(), json!(statuses));
    let conditions: Vec<Value> = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    .iter()
    .map(|ty| {
        let mut c = Map::new();
        c.insert("type".into(), json!(ty));
        c.insert("status".into(), json!("True"));
        c.insert("lastProbeTime".into(), Value::Null);
        c.insert("lastTransitionTime".into(), t(now));
        Value::Object(c)
    })
    .collect();
    status.insert("conditions".into(), json!(conditions));
    Some(new)
}

/// A new pod of ReplicaSet `rs` named `name`, from its template, as the ReplicaSet
/// controller creates it: Pending, not yet scheduled.
pub fn from_template(rs: &Value, name: &str, now: Timestamp) -> Option<Value> {
    let template = rs.at("/spec/template")?;
    let ns = json::ns(rs);
    let rs_name = json::name(rs);
    let mut spec = template.get("spec")?.as_object()?.clone();
    super::defaults::pod_spec(&mut spec);
    let spec = Value::Object(spec);
    let qos = super::defaults::qos_class(&spec);
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "generateName": format!("{rs_name}-"), "namespace": ns,
            "uid": ids::uid("Pod", ns, name), "creationTimestamp": t(now),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs_name,
                "uid": json::s(rs, "/metadata/uid"), "controller": true, "blockOwnerDeletion": true}]},
        "status": {"phase": "Pending", "qosClass": qos}});
    if let Some(labels) = template.at("/metadata/labels") {
        pod["metadata"]["labels"] = labels.clone();
    }
    pod["spec"] = spec;
    Some(pod)
}

/// The pod bound to `node` (host address `host_ip`), its containers being created.
pub fn scheduled(pod: &Value, node: &str, host_ip: &str, now: Timestamp) -> Option<Value> {
    let mut new = fresh(pod);
    let names: Vec<(String, String)> = pod
        .at("/spec/containers")?
        .as_array()?
        .iter()
        .map(|c| {
            (
                json::s(c, "/name").to_string(),
                json::s(c, "/image").to_string(),
            )
        })
        .collect();
    new.get_mut("spec")?
        .as_object_mut()?
        .insert("nodeName".into(), json!(node));
    let statuses: Vec<Value> = names
        .iter()
        .map(|(name, image)| {
            json!({"name": name, "image": image, "imageID": "", "ready": false, "started": false,
                "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}})
        })
        .collect();
    let unready = format!(
        "containers with unready status: [{}]",
        names
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let status = new.get_mut("status")?.as_object_mut()?;
    status.insert("hostIP".into(), json!(host_ip));
    status.insert("hostIPs".into(), json!([{"ip": host_ip}]));
    status.insert("startTime".into(), t(now));
    status.insert("containerStatuses".into(), json!(statuses));
    status.insert(
        "conditions".into(),
        json!([
            {"type": "PodReadyToStartContainers", "status": "False", "lastProbeTime": null, "lastTransitionTime": t(now)},
            {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": t(now)},
            {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": t(now),
             "reason": "ContainersNotReady", "message": unready},
            {"type": "ContainersReady", "status": "False", "lastProbeTime": null, "lastTransitionTime": t(now),
             "reason": "ContainersNotReady", "message": unready},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": t(now)}
        ]),
    );
    Some(new)
}

/// A free address of the node's pod CIDR (`spec.podCIDR`, a /24 or larger IPv4 range) that
/// none of `used` has; `None` when the node has no pod CIDR or it is full.
pub fn free_pod_ip(node: &Value, used: &[&str], rng: &mut Rng) -> Option<String> {
    let cidr = json::s(node, "/spec/podCIDR");
    let (base, bits) = cidr.split_once('/')?;
    let bits: u32 = bits.parse().ok()?;
    let octets: Vec<u32> = base
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [a, b, c, d] = octets.as_slice() else {
        return None;
    };
    if bits > 30 {
        return None;
    }
    let network = (a << 24) | (b << 16) | (c << 8) | d;
    let size = 1u32 << (32 - bits);
    let offset = rng.u32(2..size - 1);
    (0..size - 3).find_map(|k| {
        let host = 2 + (offset - 2 + k) % (size - 3);
        let ip = network + host;
        let text = format!(
            "{}.{}.{}.{}",
            ip >> 24,
            (ip >> 16) & 255,
            (ip >> 8) & 255,
            ip & 255
        );
        (!used.contains(&text.as_str())).then_some(text)
    })
}
