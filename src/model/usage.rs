//! Resource usage from the metrics API (`metrics.k8s.io/v1beta1`, metrics-server): the
//! PodMetrics and NodeMetrics lists read into (CPU cores, memory bytes) per object, and the
//! usage columns of the Pods and Nodes tables, written as `kubectl top` writes them (CPU in
//! millicores rounded up, memory in whole MiB, percentages truncated).

use std::collections::HashMap;

use serde_json::Value;

use super::quantity::parse_quantity;
use super::{Cell, ObjKey, ResourceKind, Row, RowLinks};
use crate::objects::Str;

/// CPU cores and memory bytes in use.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Amount {
    pub cpu: f64,
    pub memory: f64,
}

/// The usage of one kind's objects, as one list of the metrics API answered it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Usage {
    pub objects: HashMap<ObjKey, Amount>,
}

/// The usage columns appended to the Pods table.
pub const POD_COLUMNS: &[&str] = &["CPU", "MEM", "%CPU/R", "%CPU/L", "%MEM/R", "%MEM/L"];
/// The usage columns appended to the Nodes table (percentages of allocatable).
pub const NODE_COLUMNS: &[&str] = &["CPU", "%CPU", "MEM", "%MEM"];
/// The Nodes table's allocatable columns, renamed while usage is shown beside them.
pub const NODE_ALLOCATABLE: [(&str, &str); 2] = [("CPU", "CPU/A"), ("MEMORY", "MEM/A")];

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn amount(usage: &Value) -> Amount {
    Amount {
        cpu: parse_quantity(text(usage, "/cpu")).unwrap_or(0.0),
        memory: parse_quantity(text(usage, "/memory")).unwrap_or(0.0),
    }
}

/// Reads a `PodMetricsList` (containers summed per pod) or a `NodeMetricsList`. Items that
/// are not objects, or have no name, are skipped.
pub fn parse(list: &Value) -> Usage {
    let mut objects = HashMap::new();
    for item in list
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text(item, "/metadata/name");
        if name.is_empty() {
            continue;
        }
        let key = ObjKey::new(text(item, "/metadata/namespace"), name);
        let total = match item.get("containers").and_then(Value::as_array) {
            Some(containers) => containers.iter().fold(Amount::default(), |acc, c| {
                let a = c.get("usage").map(amount).unwrap_or_default();
                Amount {
                    cpu: acc.cpu + a.cpu,
                    memory: acc.memory + a.memory,
                }
            }),
            None => item.get("usage").map(amount).unwrap_or_default(),
        };
        objects.insert(key, total);
    }
    Usage { objects }
}

/// Millicores as `kubectl top` prints them (a quantity's MilliValue: rounded up).
fn cpu_text(cores: f64) -> (String, f64) {
    let milli = (cores * 1000.0 - 1e-6).ceil().max(0.0);
    (format!("{milli:.0}m"), milli)
}

/// Whole MiB as `kubectl top` prints them (truncated).
fn memory_text(bytes: f64) -> (String, f64) {
    let mib = (bytes / (1024.0 * 1024.0)).floor().max(0.0);
    (format!("{mib:.0}Mi"), mib)
}

/// `used` as a truncated percentage of `of`; `n/a` when there is nothing to compare with.
fn percent(used: f64, of: f64) -> Cell {
    if of > 0.0 {
        let p = (used / of * 100.0).trunc();
        Cell::Quantity {
            text: Str::unique(&format!("{p:.0}%")),
            value: p,
        }
    } else {
        Cell::Quantity {
            text: Str::N_A,
            value: -1.0,
        }
    }
}

fn quantity((text, value): (String, f64)) -> Cell {
    Cell::Quantity {
        text: Str::unique(&text),
        value,
    }
}

/// The cell of usage column `column` (an index into [`POD_COLUMNS`] or [`NODE_COLUMNS`]) for
/// `row` of `kind`'s table.
pub fn cell(kind: ResourceKind, row: &Row, column: usize, usage: &Usage) -> Cell {
    let Some(used) = usage.objects.get(&row.key) else {
        // metrics-server has no usage for pods that are not running or nodes that are not
        // ready; kubectl top prints `<unknown>` for such a node.
        let missing = if kind == ResourceKind::Nodes {
            Str::UNKNOWN
        } else {
            Str::DASH
        };
        return Cell::Quantity {
            text: missing,
            value: -1.0,
        };
    };
    match kind {
        ResourceKind::Pods => {
            let r = match &row.links {
                RowLinks::Pod { resources, .. } => *resources,
                _ => [0.0; 4],
            };
            match column {
                0 => quantity(cpu_text(used.cpu)),
                1 => quantity(memory_text(used.memory)),
                2 => percent(used.cpu, r[0]),
                3 => percent(used.cpu, r[1]),
                4 => percent(used.memory, r[2]),
                5 => percent(used.memory, r[3]),
                _ => Cell::Text(Str::empty()),
            }
        }
        ResourceKind::Nodes => {
            let allocatable = |i: usize| match row.cells.get(i) {
                Some(Cell::Quantity { value, .. }) => *value,
                _ => 0.0,
            };
            // kubectl top divides millicores by allocatable millicores.
            let cpu_milli = cpu_text(used.cpu).1;
            match column {
                0 => quantity(cpu_text(used.cpu)),
                1 => percent(cpu_milli, (allocatable(5) * 1000.0).round()),
                2 => quantity(memory_text(used.memory)),
                3 => percent(used.memory, allocatable(6)),
                _ => Cell::Text(Str::empty()),
            }
        }
        _ => Cell::Text(Str::empty()),
    }
}

/// The column titles of `kind`'s table with its usage columns when `with_usage`.
pub fn titles(kind: ResourceKind, with_usage: bool) -> Vec<String> {
    let base = super::columns(kind);
    if !with_usage {
        return base.iter().map(|t| t.to_string()).collect();
    }
    match kind {
        ResourceKind::Pods => base
            .iter()
            .chain(POD_COLUMNS)
            .map(|t| t.to_string())
            .collect(),
        ResourceKind::Nodes => base
            .iter()
            .map(|t| {
                NODE_ALLOCATABLE
                    .iter()
                    .find(|(from, _)| from == t)
                    .map_or(*t, |(_, to)| *to)
                    .to_string()
            })
            .chain(NODE_COLUMNS.iter().map(|t| t.to_string()))
            .collect(),
        _ => base.iter().map(|t| t.to_string()).collect(),
    }
}

/// A pod's requests and limits of CPU (cores) and memory (bytes), summed over its containers
/// as `kubectl top`-style tools compare usage with them: [cpu request, cpu limit, memory
/// request, memory limit]; 0 where a container leaves it unset.
pub fn pod_resources(pod: &crate::objects::Pod) -> [f64; 4] {
    let mut out = [0.0; 4];
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    for c in spec.containers.iter() {
        let Some(r) = c.resources.as_ref() else {
            continue;
        };
        let get = |map: &Option<crate::objects::Map<crate::objects::Quantity>>, name: &str| {
            map.as_ref()
                .and_then(|m| m.get(name))
                .and_then(|q| parse_quantity(&q.0))
                .unwrap_or(0.0)
        };
        out[0] += get(&r.requests, "cpu");
        out[1] += get(&r.limits, "cpu");
        out[2] += get(&r.requests, "memory");
        out[3] += get(&r.limits, "memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod_row(name: &str, resources: [f64; 4]) -> Row {
        Row {
            key: ObjKey::new("shop", name),
            cells: Vec::new(),
            health: Default::default(),
            links: RowLinks::Pod {
                node: "w1".into(),
                active: true,
                resources,
            },
        }
    }

    #[test]
    fn pod_usage_sums_containers_and_compares_with_requests_and_limits() {
        let list = json!({"kind": "PodMetricsList", "items": [
            {"metadata": {"name": "web", "namespace": "shop"}, "containers": [
                {"name": "a", "usage": {"cpu": "12345678n", "memory": "51200Ki"}},
                {"name": "b", "usage": {"cpu": "2m", "memory": "10Mi"}}]},
            {"metadata": {"namespace": "shop"}, "containers": []},
            "garbage"
        ]});
        let usage = parse(&list);
        assert_eq!(usage.objects.len(), 1);
        let row = pod_row("web", [0.1, 0.0, 128.0 * 1048576.0, 256.0 * 1048576.0]);
        let texts: Vec<String> = (0..POD_COLUMNS.len())
            .map(|c| cell(ResourceKind::Pods, &row, c, &usage).display(jiff::Timestamp::UNIX_EPOCH))
            .collect();
        // 12.35m + 2m = 14.35m, rounded up; 50Mi + 10Mi.
        assert_eq!(texts, ["15m", "60Mi", "14%", "n/a", "46%", "23%"]);
        let other = pod_row("gone", [0.0; 4]);
        assert_eq!(
            cell(ResourceKind::Pods, &other, 0, &usage).display(jiff::Timestamp::UNIX_EPOCH),
            "-"
        );
    }

    #[test]
    fn node_titles_rename_allocatable_only_with_usage() {
        let plain = titles(ResourceKind::Nodes, false);
        assert!(plain.contains(&"CPU".to_string()) && !plain.contains(&"%CPU".to_string()));
        let with = titles(ResourceKind::Nodes, true);
        assert_eq!(with.iter().filter(|t| *t == "CPU").count(), 1);
        assert!(with.contains(&"CPU/A".to_string()) && with.contains(&"%MEM".to_string()));
        assert_eq!(with.len(), plain.len() + NODE_COLUMNS.len());
    }
}
