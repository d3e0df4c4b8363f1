//! The resource metrics API (`metrics.k8s.io/v1beta1`) as metrics-server serves it: NodeMetrics
//! for Ready nodes and PodMetrics for running pods on them, computed from the store. Usage is
//! derived from each container's requests and moves a little from one 15 s scrape window to
//! the next (not in a frozen cluster); containers that are not running and pods on unreachable
//! nodes have no metrics.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::objects::Filter;
use super::query::Params;
use super::resources::{self, NODES, PODS};
use super::routes::ResourcePath;
use super::status::ApiError;
use super::store::Store;

/// metrics-server's scrape resolution.
const RESOLUTION: i64 = 15;

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(b'/')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A fraction in [lo, hi) stable for the given parts.
fn fraction(parts: &[&str], lo: f64, hi: f64) -> f64 {
    lo + (hash(parts) % 10_000) as f64 / 10_000.0 * (hi - lo)
}

/// CPU cores from a quantity (`250m`, `2`, `1.5`).
pub fn cpu_cores(q: &str) -> Option<f64> {
    match q.strip_suffix('m') {
        Some(m) => m.parse::<f64>().ok().map(|m| m / 1000.0),
        None => q.parse::<f64>().ok(),
    }
}

/// Bytes from a memory quantity (`256Mi`, `1Gi`, `65843244Ki`, `512M`, `1000`).
pub fn memory_bytes(q: &str) -> Option<f64> {
    let units: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0f64.powi(4)),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, factor) in units {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    q.parse::<f64>().ok()
}

fn node_ready(node: &Value) -> bool {
    node.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| text(c, "/type") == "Ready" && text(c, "/status") == "True")
        })
}

/// (cpu cores, memory bytes) of one running container in the scrape window `window`.
fn container_usage(pod: &Value, container: &Value, window: i64) -> (f64, f64) {
    let ns = text(pod, "/metadata/namespace");
    let pod_name = text(pod, "/metadata/name");
    let name = text(container, "/name");
    let w = window.to_string();
    let cpu_request = cpu_cores(text(container, "/resources/requests/cpu"));
    let mem_request = memory_bytes(text(container, "/resources/requests/memory"))
        .or_else(|| memory_bytes(text(container, "/resources/limits/memory")));
    let cpu_base = cpu_request.map_or(fraction(&[ns, pod_name, name, "cpu0"], 0.002, 0.03), |r| {
        r * fraction(&[ns, pod_name, name, "cpu"], 0.05, 0.6)
    });
    let mem_base = mem_request.map_or(fraction(&[ns, pod_name, name, "mem0"], 8e6, 6e7), |r| {
        r * fraction(&[ns, pod_name, name, "mem"], 0.35, 0.9)
    });
    let cpu = cpu_base * fraction(&[ns, pod_name, name, &w, "c"], 0.85, 1.15);
    let mem = mem_base * fraction(&[ns, pod_name, name, &w, "m"], 0.98, 1.02);
    (cpu, mem)
}

fn quantities(cpu: f64, mem: f64) -> Value {
    json!({"cpu": format!("{}n", (cpu * 1e9).round() as u64), "memory": format!("{}Ki", (mem / 1024.0).round() as u64)})
}

struct Window {
    index: i64,
    timestamp: String,
    created: String,
}

fn window(now: Timestamp, frozen: bool) -> Window {
    let index = now.as_second().div_euclid(RESOLUTION);
    let at = Timestamp::from_second(index * RESOLUTION).unwrap_or(now);
    Window {
        index: if frozen { 0 } else { index },
        timestamp: at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        created: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// The PodMetrics of a pod, if it is running on a Ready node.
fn pod_metrics(pod: &Value, ready_nodes: &[String], w: &Window) -> Option<Value> {
    if text(pod, "/status/phase") != "Running"
        || !ready_nodes.iter().any(|n| n == text(pod, "/spec/nodeName"))
    {
        return None;
    }
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)?;
    let containers: Vec<Value> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)?
        .iter()
        .filter(|c| {
            statuses.iter().any(|s| {
                text(s, "/name") == text(c, "/name") && s.pointer("/state/running").is_some()
            })
        })
        .map(|c| {
            let (cpu, mem) = container_usage(pod, c, w.index);
            json!({"name": text(c, "/name"), "usage": quantities(cpu, mem)})
        })
        .collect();
    if containers.is_empty() {
        return None;
    }
    let mut metadata = json!({"name": text(pod, "/metadata/name"), "namespace": text(pod, "/metadata/namespace"),
        "creationTimestamp": w.created});
    if let Some(labels) = pod.pointer("/metadata/labels") {
        metadata["labels"] = labels.clone();
    }
    Some(
        json!({"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": metadata,
        "timestamp": w.timestamp, "window": "15.012s", "containers": containers}),
    )
}

fn node_metrics(node: &Value, pods: &[Arc<Value>], w: &Window) -> Value {
    let name = text(node, "/metadata/name");
    let (mut cpu, mut mem) = (
        fraction(&[name, "system-cpu"], 0.08, 0.25),
        fraction(&[name, "system-mem"], 6e8, 1.1e9),
    );
    for pod in pods.iter().filter(|p| text(p, "/spec/nodeName") == name) {
        let ready = [name.to_string()];
        if let Some(m) = pod_metrics(pod, &ready, w) {
            for c in m["containers"].as_array().into_iter().flatten() {
                cpu += text(c, "/usage/cpu")
                    .trim_end_matches('n')
                    .parse::<f64>()
                    .unwrap_or(0.0)
                    / 1e9;
                mem += text(c, "/usage/memory")
                    .trim_end_matches("Ki")
                    .parse::<f64>()
                    .unwrap_or(0.0)
                    * 1024.0;
            }
        }
    }
    let mut metadata = json!({"name": name, "creationTimestamp": w.created});
    if let Some(labels) = node.pointer("/metadata/labels") {
        metadata["labels"] = labels.clone();
    }
    json!({"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": metadata,
        "timestamp": w.timestamp, "window": "20.039s", "usage": quantities(cpu, mem)})
}

/// Answers a get or list of NodeMetrics or PodMetrics.
pub fn serve(store: &Store, path: &ResourcePath, params: &Params) -> Result<Value, ApiError> {
    let resource = resources::get(path.resource);
    let filter = Filter::from_params(params, resource)?;
    let w = window(Timestamp::now(), store.metrics_frozen());
    let nodes = store.list_all(NODES, None);
    let ready: Vec<String> = nodes
        .iter()
        .filter(|n| node_ready(n))
        .map(|n| text(n, "/metadata/name").to_string())
        .collect();
    let items: Vec<Value> = if resource.kind == "NodeMetrics" {
        let pods = store.list_all(PODS, None);
        nodes
            .iter()
            .filter(|n| node_ready(n))
            .filter(|n| {
                path.name
                    .as_deref()
                    .is_none_or(|name| text(n, "/metadata/name") == name)
            })
            .filter(|n| filter.matches(n))
            .map(|n| node_metrics(n, &pods, &w))
            .collect()
    } else {
        store
            .list_all(PODS, path.namespace.as_deref())
            .iter()
            .filter(|p| {
                path.name
                    .as_deref()
                    .is_none_or(|name| text(p, "/metadata/name") == name)
            })
            .filter(|p| filter.matches(p))
            .filter_map(|p| pod_metrics(p, &ready, &w))
            .collect()
    };
    match &path.name {
        Some(name) => items
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found(resource.plural, name).with_group(resource.group)),
        None => Ok(
            json!({"kind": resource.list_kind(), "apiVersion": resource.api_version(),
            "metadata": {}, "items": items}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse() {
        assert_eq!(cpu_cores("250m"), Some(0.25));
        assert_eq!(cpu_cores("2"), Some(2.0));
        assert_eq!(memory_bytes("256Mi"), Some(268_435_456.0));
        assert_eq!(memory_bytes("10Gi"), Some(10_737_418_240.0));
        assert!(memory_bytes("lots").is_none());
    }

    #[test]
    fn running_pods_on_ready_nodes_have_metrics() {
        let pod = json!({"metadata": {"name": "p", "namespace": "n"}, "spec": {"nodeName": "a",
            "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}, {"name": "d"}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "c", "state": {"running": {}}}, {"name": "d", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        let w = window(Timestamp::UNIX_EPOCH, false);
        let m = pod_metrics(&pod, &["a".to_string()], &w).unwrap_or_default();
        assert_eq!(m["containers"].as_array().map(Vec::len), Some(1));
        assert!(pod_metrics(&pod, &["b".to_string()], &w).is_none());
        let cpu =
            cpu_cores(&text(&m, "/containers/0/usage/cpu").replace('n', "")).unwrap_or(0.0) / 1e9;
        assert!(cpu > 0.0 && cpu < 0.1, "{cpu}");
    }
}
