//! HorizontalPodAutoscalers are served as `autoscaling/v2` and `autoscaling/v1` over the same
//! objects: the store keeps a converted copy in the other version. The conversion follows the
//! API server's: v1 carries only the CPU utilization target and current value in its fields,
//! and the v2 conditions and other metrics as JSON in `autoscaling.alpha.kubernetes.io/*`
//! annotations.

use serde_json::{Map, Value, json};

const CONDITIONS: &str = "autoscaling.alpha.kubernetes.io/conditions";
const METRICS: &str = "autoscaling.alpha.kubernetes.io/metrics";
const CURRENT_METRICS: &str = "autoscaling.alpha.kubernetes.io/current-metrics";

fn is_cpu_utilization(metric: &Value, target: &str) -> Option<i64> {
    if metric.get("type").and_then(Value::as_str) != Some("Resource")
        || metric.pointer("/resource/name").and_then(Value::as_str) != Some("cpu")
    {
        return None;
    }
    metric
        .pointer(&format!("/resource/{target}/averageUtilization"))
        .and_then(Value::as_i64)
}

fn copy(from: &Value, to: &mut Map<String, Value>, pointer: &str, key: &str) {
    if let Some(v) = from.pointer(pointer).filter(|v| !v.is_null()) {
        to.insert(key.to_string(), v.clone());
    }
}

/// An `autoscaling/v2` HPA as `autoscaling/v1`.
pub fn to_v1(hpa: &Value) -> Value {
    let mut metadata = hpa.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let metrics = hpa
        .pointer("/spec/metrics")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let current = hpa
        .pointer("/status/currentMetrics")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut spec = Map::new();
    copy(hpa, &mut spec, "/spec/scaleTargetRef", "scaleTargetRef");
    copy(hpa, &mut spec, "/spec/minReplicas", "minReplicas");
    copy(hpa, &mut spec, "/spec/maxReplicas", "maxReplicas");
    if let Some(cpu) = metrics.iter().find_map(|m| is_cpu_utilization(m, "target")) {
        spec.insert("targetCPUUtilizationPercentage".into(), json!(cpu));
    }
    let mut status = Map::new();
    copy(
        hpa,
        &mut status,
        "/status/observedGeneration",
        "observedGeneration",
    );
    copy(hpa, &mut status, "/status/lastScaleTime", "lastScaleTime");
    status.insert(
        "currentReplicas".into(),
        hpa.pointer("/status/currentReplicas")
            .cloned()
            .unwrap_or(json!(0)),
    );
    status.insert(
        "desiredReplicas".into(),
        hpa.pointer("/status/desiredReplicas")
            .cloned()
            .unwrap_or(json!(0)),
    );
    if let Some(cpu) = current
        .iter()
        .find_map(|m| is_cpu_utilization(m, "current"))
    {
        status.insert("currentCPUUtilizationPercentage".into(), json!(cpu));
    }
    let other: Vec<&Value> = metrics
        .iter()
        .filter(|m| is_cpu_utilization(m, "target").is_none())
        .collect();
    let mut annotations = Vec::new();
    if !other.is_empty() {
        annotations.push((METRICS, json!(other).to_string()));
    }
    if !current.is_empty() {
        annotations.push((CURRENT_METRICS, json!(current).to_string()));
    }
    if let Some(conditions) = hpa.pointer("/status/conditions").filter(|c| !c.is_null()) {
        annotations.push((CONDITIONS, conditions.to_string()));
    }
    if !annotations.is_empty()
        && let Some(meta) = metadata.as_object_mut()
    {
        let entry = meta.entry("annotations").or_insert_with(|| json!({}));
        if let Some(map) = entry.as_object_mut() {
            for (k, v) in annotations {
                map.insert(k.to_string(), json!(v));
            }
        }
    }
    json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": metadata, "spec": spec, "status": status})
}

/// An `autoscaling/v1` HPA as `autoscaling/v2`.
pub fn to_v2(hpa: &Value) -> Value {
    let mut metadata = hpa.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let annotation = |key: &str| -> Option<Value> {
        hpa.pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .and_then(|s| serde_json::from_str(s).ok())
    };
    let mut metrics: Vec<Value> = Vec::new();
    if let Some(cpu) = hpa.pointer("/spec/targetCPUUtilizationPercentage") {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": cpu}}}));
    }
    if let Some(Value::Array(other)) = annotation(METRICS) {
        metrics.extend(other);
    }
    let mut spec = Map::new();
    copy(hpa, &mut spec, "/spec/scaleTargetRef", "scaleTargetRef");
    copy(hpa, &mut spec, "/spec/minReplicas", "minReplicas");
    copy(hpa, &mut spec, "/spec/maxReplicas", "maxReplicas");
    spec.insert("metrics".into(), json!(metrics));
    let mut status = Map::new();
    copy(
        hpa,
        &mut status,
        "/status/observedGeneration",
        "observedGeneration",
    );
    copy(hpa, &mut status, "/status/lastScaleTime", "lastScaleTime");
    copy(
        hpa,
        &mut status,
        "/status/currentReplicas",
        "currentReplicas",
    );
    copy(
        hpa,
        &mut status,
        "/status/desiredReplicas",
        "desiredReplicas",
    );
    match annotation(CURRENT_METRICS) {
        Some(current) => {
            status.insert("currentMetrics".into(), current);
        }
        None => {
            if let Some(cpu) = hpa.pointer("/status/currentCPUUtilizationPercentage") {
                status.insert(
                    "currentMetrics".into(),
                    json!([{"type": "Resource", "resource": {"name": "cpu",
                        "current": {"averageUtilization": cpu}}}]),
                );
            }
        }
    }
    if let Some(conditions) = annotation(CONDITIONS) {
        status.insert("conditions".into(), conditions);
    }
    if let Some(map) = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        for key in [CONDITIONS, METRICS, CURRENT_METRICS] {
            map.remove(key);
        }
    }
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": metadata, "spec": spec, "status": status})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_v1() {
        let v2 = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2, "maxReplicas": 6, "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
                    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "200Mi"}}}]},
            "status": {"currentReplicas": 2, "desiredReplicas": 2,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 31, "averageValue": "62m"}}}],
                "conditions": [{"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"}]}});
        let v1 = to_v1(&v2);
        assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 70);
        assert_eq!(v1["status"]["currentCPUUtilizationPercentage"], 31);
        assert!(v1["metadata"]["annotations"][CONDITIONS].is_string());
        let back = to_v2(&v1);
        assert_eq!(back["spec"], v2["spec"]);
        assert_eq!(back["status"], v2["status"]);
        assert!(
            back["metadata"]
                .get("annotations")
                .is_none_or(|a| a.as_object().is_some_and(|m| m.is_empty()))
        );
    }
}
