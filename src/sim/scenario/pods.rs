//! Pod transitions the liveness driver makes: a crash-looping container restarts, a healthy
//! Deployment pod is recreated under a new name (ContainerCreating) and then starts running.
//! Each returns `None` for a pod it does not understand.

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

/// The pod after its container `i` crashed once more, after running `ran` seconds until `now`.
pub fn crash_restart(pod: &Value, i: usize, now: Timestamp, ran: i64) -> Option<Value> {
    let mut new = fresh(pod);
    let (ns, name) = (json::ns(pod).to_string(), json::name(pod).to_string());
    let cs = new
        .pointer_mut(&format!("/status/containerStatuses/{i}"))?
        .as_object_mut()?;
    let container = cs.get("name")?.as_str()?.to_string();
    let count = cs.get("restartCount").and_then(Value::as_u64).unwrap_or(0) + 1;
    let last = cs.get("lastState").and_then(|l| l.get("terminated"));
    let exit = last
        .and_then(|l| l.get("exitCode"))
        .and_then(Value::as_i64)
        .unwrap_or(137);
    let reason = last
        .and_then(|l| l.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or("OOMKilled")
        .to_string();
    let cid = ids::container_id(&ns, &name, &container, count);
    let started = Timestamp::from_second(now.as_second() - ran).unwrap_or(now);
    cs.insert("restartCount".into(), json!(count));
    cs.insert("containerID".into(), json!(cid));
    cs.insert(
        "lastState".into(),
        json!({"terminated": {"exitCode": exit, "reason": reason, "startedAt": t(started), "finishedAt": t(now), "containerID": cid}}),
    );
    Some(new)
}

/// A running, ready pod of a ReplicaSet with running containers: one the driver may replace.
pub fn replaceable(pod: &Value) -> bool {
    let running = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty() && l.iter().all(|c| c.at("/state/running").is_some()));
    matches!(json::owner(pod), Some(("ReplicaSet", _)))
        && json::s(pod, "/status/phase") == "Running"
        && json::pod_ready(pod)
        && running
        && !json::terminating(pod)
        && !json::s(pod, "/spec/nodeName").is_empty()
}

/// Five characters from the alphabet Kubernetes uses for generated names.
pub fn random_suffix(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| char::from(ALPHABET[rng.usize(..ALPHABET.len())]))
        .collect()
}

/// The replacement of `old` named `name`, just scheduled: Pending, containers being created.
pub fn recreated(old: &Value, name: &str, now: Timestamp) -> Option<Value> {
    let mut new = fresh(old);
    let ns = json::ns(old).to_string();
    let rs = json::owner(old)?.1.to_string();
    let meta = new.get_mut("metadata")?.as_object_mut()?;
    meta.insert("name".into(), json!(name));
    meta.insert("generateName".into(), json!(format!("{rs}-")));
    meta.insert("uid".into(), json!(ids::uid("Pod", &ns, name)));
    meta.insert("creationTimestamp".into(), t(now));
    meta.remove("deletionTimestamp");
    let status = new.get_mut("status")?.as_object_mut()?;
    let names: Vec<String> = status
        .get("containerStatuses")?
        .as_array()?
        .iter()
        .map(|c| json::s(c, "/name").to_string())
        .collect();
    let statuses: Vec<Value> = status
        .get("containerStatuses")?
        .as_array()?
        .iter()
        .map(|c| {
            json!({"name": json::s(c, "/name"), "image": json::s(c, "/image"), "imageID": "", "ready": false,
                "started": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}},
                "lastState": {}})
        })
        .collect();
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    status.insert("phase".into(), json!("Pending"));
    status.insert("startTime".into(), t(now));
    status.insert("containerStatuses".into(), json!(statuses));
    status.remove("podIP");
    status.remove("podIPs");
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
