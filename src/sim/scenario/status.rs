//! Derives the status counts of ReplicaSets, Deployments, DaemonSets and StatefulSets from the
//! pods they own, so that a scenario's controllers always agree with its pods. Fields a scenario
//! writes itself (such as Deployment conditions) are kept.

use serde_json::{Map, Value, json};

use super::json;
use super::json::Ptr;

struct Counts {
    total: usize,
    ready: usize,
}

fn count(pods: &[&Value]) -> Counts {
    Counts {
        total: pods.len(),
        ready: pods.iter().filter(|p| json::pod_ready(p)).count(),
    }
}

/// Fills or overwrites the status counts of every workload controller, in place.
pub fn derive(objects: &mut [Value]) {
    let pods: Vec<Value> = objects
        .iter()
        .filter(|o| json::s(o, "/kind") == "Pod" && !json::terminating(o))
        .filter(|o| !matches!(json::s(o, "/status/phase"), "Succeeded" | "Failed"))
        .cloned()
        .collect();
    let owned = |kind: &str, ns: &str, name: &str| -> Vec<&Value> {
        pods.iter()
            .filter(|p| json::ns(p) == ns && json::owned_by(p, kind, name))
            .collect()
    };
    // ReplicaSets first: Deployments are derived from them.
    let mut rs_info: Vec<(String, String, String, i64, Vec<Value>)> = Vec::new();
    for o in objects.iter_mut() {
        let (kind, ns, name) = (
            json::s(o, "/kind").to_string(),
            json::ns(o).to_string(),
            json::name(o).to_string(),
        );
        let generation = o
            .at("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let mine = owned(&kind, &ns, &name);
        let c = count(&mine);
        let fields = match kind.as_str() {
            "ReplicaSet" => {
                if let Some(("Deployment", dep)) = json::owner(o) {
                    let rev = json::s(
                        o,
                        "/metadata/annotations/deployment.kubernetes.io~1revision",
                    )
                    .parse()
                    .unwrap_or(0);
                    let cloned = mine.iter().map(|p| (*p).clone()).collect();
                    rs_info.push((ns.clone(), dep.to_string(), name.clone(), rev, cloned));
                }
                json!({"replicas": c.total, "fullyLabeledReplicas": c.total, "readyReplicas": c.ready,
                    "availableReplicas": c.ready, "observedGeneration": generation})
            }
            "DaemonSet" => {
                // Pods of the current template generation (all of them when pods do not say).
                let updated = mine
                    .iter()
                    .filter(
                        |p| match json::s(p, "/metadata/labels/pod-template-generation") {
                            "" => true,
                            g => g.parse::<i64>().ok() == Some(generation),
                        },
                    )
                    .count();
                json!({"desiredNumberScheduled": c.total, "currentNumberScheduled": c.total,
                "numberReady": c.ready, "numberAvailable": c.ready, "numberUnavailable": c.total - c.ready,
                "numberMisscheduled": 0, "updatedNumberScheduled": updated, "observedGeneration": generation})
            }
            "StatefulSet" => {
                let rev = mine
                    .first()
                    .map(|p| json::s(p, "/metadata/labels/controller-revision-hash").to_string())
                    .unwrap_or_default();
                json!({"replicas": c.total, "readyReplicas": c.ready, "currentReplicas": c.total,
                    "updatedReplicas": c.total, "availableReplicas": c.ready, "currentRevision": rev,
                    "updateRevision": rev, "collisionCount": 0, "observedGeneration": generation})
            }
            _ => continue,
        };
        merge_status(o, fields);
    }
    for o in objects
        .iter_mut()
        .filter(|o| json::s(o, "/kind") == "Deployment")
    {
        deployment(o, &rs_info);
    }
}

fn deployment(o: &mut Value, rs_info: &[(String, String, String, i64, Vec<Value>)]) {
    let (ns, name) = (json::ns(o).to_string(), json::name(o).to_string());
    let mine: Vec<_> = rs_info
        .iter()
        .filter(|r| r.0 == ns && r.1 == name)
        .collect();
    let newest = mine.iter().max_by_key(|r| r.3);
    let all: Vec<&Value> = mine.iter().flat_map(|r| r.4.iter()).collect();
    let c = count(&all);
    let updated = newest.map_or(0, |r| r.4.len());
    let desired = o.at("/spec/replicas").and_then(Value::as_u64).unwrap_or(1) as usize;
    let generation = o
        .at("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let mut fields = json!({"replicas": c.total, "updatedReplicas": updated, "readyReplicas": c.ready,
        "availableReplicas": c.ready, "observedGeneration": generation});
    if desired > c.ready {
        fields["unavailableReplicas"] = json!(desired - c.ready);
    }
    let has_conditions = o.at("/status/conditions").is_some();
    if !has_conditions {
        let since = newest
            .and_then(|r| r.4.first())
            .map(|p| json::s(p, "/metadata/creationTimestamp").to_string())
            .unwrap_or_else(|| json::s(o, "/metadata/creationTimestamp").to_string());
        let rs_name = newest.map(|r| r.2.clone()).unwrap_or_default();
        let max_unavailable = max_unavailable(o, desired);
        let available = c.ready + max_unavailable >= desired;
        let (status, reason, message) = if available {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        fields["conditions"] = json!([
            {"type": "Available", "status": status, "reason": reason, "message": message,
             "lastUpdateTime": since, "lastTransitionTime": since},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
             "message": format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
             "lastUpdateTime": since, "lastTransitionTime": since}
        ]);
    }
    merge_status(o, fields);
}

/// `spec.strategy.rollingUpdate.maxUnavailable` as a count (default 25%, rounded down; 0
/// for the Recreate strategy, as the deployment controller counts it).
fn max_unavailable(o: &Value, desired: usize) -> usize {
    if json::s(o, "/spec/strategy/type") == "Recreate" {
        return 0;
    }
    match o.at("/spec/strategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as usize,
        Some(Value::String(p)) => {
            let pct: usize = p.trim_end_matches('%').parse().unwrap_or(25);
            desired * pct / 100
        }
        _ => desired / 4,
    }
}

fn merge_status(o: &mut Value, fields: Value) {
    let Some(obj) = o.as_object_mut() else { return };
    let status = obj
        .entry("status")
        .or_insert_with(|| Value::Object(Map::new()));
    if !status.is_object() {
        *status = Value::Object(Map::new());
    }
    if let (Some(status), Value::Object(fields)) = (status.as_object_mut(), fields) {
        for (k, v) in fields {
            status.insert(k, v);
        }
    }
}
