//! Whether a pod (spec) may run on a node, by the scheduler's static rules: taints against
//! tolerations, `nodeSelector`, required node affinity, and whether its requests fit the
//! node's allocatable at all (ignoring what other pods use). Used to tell which nodes a
//! DaemonSet should cover, and whether a pending pod could ever fit anywhere.

use crate::model::quantity::parse_quantity;
use crate::objects::{Node, NodeSelectorRequirement, PodSpec, Taint};

/// Why a node does not take a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// A taint with effect NoSchedule/NoExecute that no toleration tolerates.
    Taint(String),
    /// `nodeSelector` pairs the node's labels lack.
    Selector(String),
    /// No term of the required node affinity matches.
    Affinity,
    /// The node is cordoned (`spec.unschedulable`) and the pod does not tolerate it.
    Cordoned,
}

impl Misfit {
    pub fn describe(&self) -> String {
        match self {
            Misfit::Taint(t) => format!("taint {t} not tolerated"),
            Misfit::Selector(s) => format!("nodeSelector {s} does not match its labels"),
            Misfit::Affinity => "required node affinity does not match its labels".to_string(),
            Misfit::Cordoned => "cordoned (unschedulable)".to_string(),
        }
    }
}

/// `key=value:Effect`, as kubectl prints a taint.
pub fn taint_text(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

/// The first taint of the node (NoSchedule or NoExecute) the pod does not tolerate.
pub fn untolerated_taint<'a>(spec: &PodSpec, node: &'a Node) -> Option<&'a Taint> {
    node.taints()
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|t| {
            !spec
                .tolerations
                .iter()
                .flatten()
                .any(|tol| tol.tolerates(&t.key, t.value.as_deref().unwrap_or(""), &t.effect))
        })
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or(&[]);
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if r.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// Whether the required node affinity (if any) matches the node: terms are ORed, the
/// requirements of a term ANDed; `matchFields` only knows `metadata.name`.
pub fn affinity_matches(spec: &PodSpec, node: &Node) -> bool {
    let Some(required) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    else {
        return true;
    };
    let labels = node.metadata.labels.as_ref();
    required.node_selector_terms.iter().any(|term| {
        let exprs = term.match_expressions.iter().flatten().all(|r| {
            requirement_matches(r, labels.and_then(|l| l.get(&r.key)).map(|v| v.as_str()))
        });
        let fields = term.match_fields.iter().flatten().all(|r| {
            let value = (r.key == "metadata.name").then(|| node.metadata.name());
            requirement_matches(r, value)
        });
        let empty = term.match_expressions.as_ref().is_none_or(|e| e.is_empty())
            && term.match_fields.as_ref().is_none_or(|f| f.is_empty());
        !empty && exprs && fields
    })
}

/// The `nodeSelector` pairs the node lacks, as `k=v,k2=v2` (None when all match).
pub fn selector_misfit(spec: &PodSpec, node: &Node) -> Option<String> {
    let labels = node.metadata.labels.as_ref();
    let missing: Vec<String> = spec
        .node_selector
        .iter()
        .flatten()
        .filter(|(k, v)| labels.and_then(|l| l.get(k)) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    (!missing.is_empty()).then(|| missing.join(","))
}

/// Why the node would not take the pod by the static rules (`None`: it would).
pub fn misfit(spec: &PodSpec, node: &Node) -> Option<Misfit> {
    if let Some(s) = selector_misfit(spec, node) {
        return Some(Misfit::Selector(s));
    }
    if !affinity_matches(spec, node) {
        return Some(Misfit::Affinity);
    }
    if let Some(t) = untolerated_taint(spec, node) {
        return Some(if t.key == "node.kubernetes.io/unschedulable" {
            Misfit::Cordoned
        } else {
            Misfit::Taint(taint_text(t))
        });
    }
    let cordoned = node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
    let tolerates_cordon = spec
        .tolerations
        .iter()
        .flatten()
        .any(|t| t.tolerates("node.kubernetes.io/unschedulable", "", "NoSchedule"));
    if cordoned && !tolerates_cordon {
        return Some(Misfit::Cordoned);
    }
    None
}

/// The pod's effective request of a resource: the sum over its containers, or the largest
/// init container's if that is more (init containers run one at a time). `None` when nothing
/// requests it.
pub fn pod_request(spec: &PodSpec, resource: &str) -> Option<f64> {
    let get = |c: &crate::objects::Container| {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref().and_then(|q| q.get(resource)))
            .or_else(|| {
                // A limit without a request is also the request.
                c.resources
                    .as_ref()
                    .and_then(|r| r.limits.as_ref().and_then(|q| q.get(resource)))
            })
            .and_then(|q| parse_quantity(&q.0))
    };
    let main: Vec<f64> = spec.containers.iter().filter_map(get).collect();
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .filter_map(get)
        .fold(None::<f64>, |m, v| Some(m.map_or(v, |m| m.max(v))));
    if main.is_empty() && init.is_none() {
        return None;
    }
    let sum: f64 = main.iter().sum();
    Some(init.map_or(sum, |i| i.max(sum)))
}

/// The node's allocatable amount of a resource.
pub fn allocatable(node: &Node, resource: &str) -> Option<f64> {
    node.status
        .as_ref()?
        .allocatable
        .as_ref()?
        .get(resource)
        .and_then(|q| parse_quantity(&q.0))
}

/// Whether the pod's requests fit the node's allocatable (each resource the node reports).
pub fn fits_allocatable(spec: &PodSpec, node: &Node) -> bool {
    ["cpu", "memory", "ephemeral-storage"].iter().all(|r| {
        match (pod_request(spec, r), allocatable(node, r)) {
            (Some(want), Some(have)) => want <= have,
            _ => true,
        }
    })
}

/// A quantity as people read it: bytes humanised for memory and storage, cores for CPU.
pub fn show_quantity(resource: &str, value: f64) -> String {
    if resource == "cpu" {
        if value < 1.0 {
            format!("{}m", (value * 1000.0).round())
        } else {
            let text = format!("{value:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    } else if resource == "memory" || resource.contains("storage") {
        crate::model::quantity::humanize_bytes(value)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> Node {
        serde_json::from_value(v).unwrap()
    }

    fn spec(v: serde_json::Value) -> PodSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn taints_selectors_and_affinity() {
        let cp = node(
            json!({"metadata": {"name": "cp", "labels": {"kubernetes.io/os": "linux"}},
            "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}}),
        );
        let plain = spec(json!({"containers": []}));
        assert_eq!(
            misfit(&plain, &cp),
            Some(Misfit::Taint(
                "node-role.kubernetes.io/control-plane:NoSchedule".into()
            ))
        );
        let tolerant = spec(json!({"containers": [], "tolerations": [{"operator": "Exists"}]}));
        assert_eq!(misfit(&tolerant, &cp), None);
        let ssd = spec(
            json!({"containers": [], "tolerations": [{"operator": "Exists"}],
            "nodeSelector": {"disktype": "ssd"}}),
        );
        assert_eq!(
            misfit(&ssd, &cp),
            Some(Misfit::Selector("disktype=ssd".into()))
        );
        let aff = spec(
            json!({"containers": [], "tolerations": [{"operator": "Exists"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["windows"]}]},
                                       {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["cp"]}]}]}}}}),
        );
        assert_eq!(misfit(&aff, &cp), None, "the second term matches by name");
    }

    #[test]
    fn requests_against_allocatable() {
        let n = node(
            json!({"metadata": {"name": "w"}, "status": {"allocatable": {"cpu": "2", "memory": "7Gi"}}}),
        );
        let big = spec(
            json!({"containers": [{"name": "a", "resources": {"requests": {"memory": "10Gi"}}}]}),
        );
        assert!(!fits_allocatable(&big, &n));
        let small = spec(
            json!({"containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}},
            {"name": "b", "resources": {"limits": {"cpu": "1"}}}]}),
        );
        assert_eq!(pod_request(&small, "cpu"), Some(1.5));
        assert!(fits_allocatable(&small, &n));
        assert_eq!(show_quantity("cpu", 0.5), "500m");
        assert_eq!(
            show_quantity("memory", 7.0 * 1024.0 * 1024.0 * 1024.0),
            "7Gi"
        );
    }
}
