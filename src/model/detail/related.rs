//! What `kubectl describe` reads besides the object itself, and the sections it prints from
//! them: a Node's non-terminated pods and its allocated resources, a Service's endpoints, a
//! Deployment's old and new ReplicaSets, the pods using a PersistentVolumeClaim, and the events of cluster-scoped objects from every
//! namespace. The reads are made by `cluster::fetch::fetch_related`; this file only formats.

use jiff::Timestamp;
use serde_json::Value;

use super::out::Out;
use crate::model::Health;
use crate::model::age::human_duration;
use crate::model::quantity::parse_quantity;

/// The extra objects a describe view shows, as API JSON, and when they were read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Related {
    /// A Node's pods that are neither Succeeded nor Failed, from every namespace.
    pub pods: Vec<Value>,
    /// The ReplicaSets a Deployment controls.
    pub replicasets: Vec<Value>,
    /// A Service's Endpoints object (`None`: there is none).
    pub endpoints: Option<Value>,
    /// Events about a cluster-scoped object from every namespace (`None`: not read; the
    /// watched events are used).
    pub events: Option<Vec<Value>>,
    /// The pods of a PersistentVolumeClaim's namespace that use it (`None`: not read).
    pub used_by: Option<Vec<String>>,
    pub at: Option<Timestamp>,
}

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    v.pointer(path).and_then(Value::as_str).unwrap_or("")
}

/// A summed quantity, written in the family of the first one summed (`m`/decimal or binary),
/// with the largest suffix that divides it exactly, as Kubernetes' canonical form does.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    value: f64,
    binary: bool,
}

impl Sum {
    fn add(&mut self, text: &str) {
        if let Some(v) = parse_quantity(text) {
            if self.value == 0.0 && !text.is_empty() {
                self.binary = text.trim_end().ends_with('i');
            }
            self.value += v;
        }
    }

    fn text(self, cpu: bool) -> String {
        let v = self.value;
        if v == 0.0 {
            return "0".into();
        }
        if cpu {
            let milli = (v * 1000.0).round() as i64;
            return if milli % 1000 == 0 {
                (milli / 1000).to_string()
            } else {
                format!("{milli}m")
            };
        }
        let bytes = v.round() as i64;
        let (base, suffixes): (i64, &[&str]) = if self.binary {
            (1024, &["Ki", "Mi", "Gi", "Ti", "Pi"])
        } else {
            (1000, &["k", "M", "G", "T", "P"])
        };
        let mut best = (bytes, "");
        let mut unit = 1i64;
        for suffix in suffixes {
            unit = unit.saturating_mul(base);
            if bytes % unit == 0 {
                best = (bytes / unit, suffix);
            } else {
                break;
            }
        }
        format!("{}{}", best.0, best.1)
    }
}

/// A pod's requests or limits of one resource, as the scheduler counts them: the larger of
/// the sum over its containers and the largest init container, plus the pod overhead.
fn pod_amount(pod: &Value, which: &str, resource: &str) -> Sum {
    let amount = |c: &Value| -> Option<String> {
        c.pointer(&format!("/resources/{which}/{resource}"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut sum = Sum::default();
    for c in pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(q) = amount(c) {
            sum.add(&q);
        }
    }
    for c in pod
        .pointer("/spec/initContainers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(q) = amount(c)
            && parse_quantity(&q).unwrap_or(0.0) > sum.value
        {
            sum = Sum::default();
            sum.add(&q);
        }
    }
    if let Some(q) = pod
        .pointer(&format!("/spec/overhead/{resource}"))
        .and_then(Value::as_str)
    {
        sum.add(q);
    }
    sum
}

/// `100m (5%)`: an amount and its share of what the node can allocate (truncated, as kubectl).
fn with_share(sum: Sum, allocatable: Option<f64>, cpu: bool) -> String {
    let pct = match allocatable {
        Some(a) if a > 0.0 => (sum.value / a * 100.0) as i64,
        _ => 0,
    };
    format!("{} ({pct}%)", sum.text(cpu))
}

/// `Non-terminated Pods:` and `Allocated resources:` of a Node.
pub(crate) fn node_pods(out: &mut Out, node: &Value, pods: &[Value]) {
    let alloc = |r: &str| {
        node.pointer(&format!("/status/allocatable/{r}"))
            .and_then(Value::as_str)
            .and_then(parse_quantity)
    };
    out.heading(format!("Non-terminated Pods:  ({} in total)", pods.len()));
    let mut sorted: Vec<&Value> = pods.iter().collect();
    sorted.sort_by(|a, b| {
        (s(a, "/metadata/namespace"), s(a, "/metadata/name"))
            .cmp(&(s(b, "/metadata/namespace"), s(b, "/metadata/name")))
    });
    let mut totals = [Sum::default(); 4];
    let rows: Vec<(Vec<String>, Option<Health>)> = sorted
        .iter()
        .map(|p| {
            let amounts = [
                pod_amount(p, "requests", "cpu"),
                pod_amount(p, "limits", "cpu"),
                pod_amount(p, "requests", "memory"),
                pod_amount(p, "limits", "memory"),
            ];
            for (t, a) in totals.iter_mut().zip(amounts) {
                if t.value == 0.0 {
                    t.binary = a.binary;
                }
                t.value += a.value;
            }
            let age = s(p, "/metadata/creationTimestamp")
                .parse::<Timestamp>()
                .map(|t| human_duration(t, out.now))
                .unwrap_or_else(|_| "<unknown>".into());
            let cells = vec![
                s(p, "/metadata/namespace").to_string(),
                s(p, "/metadata/name").to_string(),
                with_share(amounts[0], alloc("cpu"), true),
                with_share(amounts[1], alloc("cpu"), true),
                with_share(amounts[2], alloc("memory"), false),
                with_share(amounts[3], alloc("memory"), false),
                age,
            ];
            (cells, None)
        })
        .collect();
    if !rows.is_empty() {
        out.table(
            2,
            &[
                "Namespace",
                "Name",
                "CPU Requests",
                "CPU Limits",
                "Memory Requests",
                "Memory Limits",
                "Age",
            ],
            &rows,
        );
    }
    out.heading("Allocated resources:");
    out.line("  (Total limits may be over 100 percent, i.e., overcommitted.)");
    let mut resources: Vec<(Vec<String>, Option<Health>)> = vec![
        (
            vec![
                "cpu".into(),
                with_share(totals[0], alloc("cpu"), true),
                with_share(totals[1], alloc("cpu"), true),
            ],
            None,
        ),
        (
            vec![
                "memory".into(),
                with_share(totals[2], alloc("memory"), false),
                with_share(totals[3], alloc("memory"), false),
            ],
            None,
        ),
    ];
    // The other resources the node offers, as kubectl lists them (ephemeral storage,
    // huge pages, extended resources).
    let others: Vec<String> = node
        .pointer("/status/allocatable")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .filter(|k| !matches!(k.as_str(), "cpu" | "memory" | "pods"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for r in others {
        let requests = pods.iter().fold(Sum::default(), |mut acc, p| {
            let a = pod_amount(p, "requests", &r);
            acc.binary |= a.binary;
            acc.value += a.value;
            acc
        });
        let limits = pods.iter().fold(Sum::default(), |mut acc, p| {
            let a = pod_amount(p, "limits", &r);
            acc.binary |= a.binary;
            acc.value += a.value;
            acc
        });
        resources.push((
            vec![
                r.clone(),
                with_share(requests, alloc(&r), false),
                with_share(limits, alloc(&r), false),
            ],
            None,
        ));
    }
    out.table(2, &["Resource", "Requests", "Limits"], &resources);
}

/// `Endpoints:` of a Service: every ready address with each port, as kubectl prints them.
pub(crate) fn service_endpoints(out: &mut Out, endpoints: Option<&Value>) {
    let Some(e) = endpoints else {
        out.field(0, "Endpoints:", "<none>");
        return;
    };
    let mut list = Vec::new();
    for subset in e
        .get("subsets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ports: Vec<i64> = subset
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("port").and_then(Value::as_i64))
            .collect();
        for a in subset
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ip = s(a, "/ip");
            if ports.is_empty() {
                list.push(ip.to_string());
            }
            for port in &ports {
                list.push(format!("{ip}:{port}"));
            }
        }
    }
    if list.is_empty() {
        // The object is there but no address is ready: kubectl prints the field empty.
        out.field(0, "Endpoints:", "");
    } else {
        out.field(0, "Endpoints:", list.join(","));
    }
}

/// `OldReplicaSets:` and `NewReplicaSet:` of a Deployment. The new one runs the Deployment's
/// current pod template (compared without the `pod-template-hash` label the controller adds);
/// the others are old.
pub(crate) fn deployment_replicasets(out: &mut Out, deployment: &Value, replicasets: &[Value]) {
    let template = deployment
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    let without_hash = |rs: &Value| {
        let mut t = rs.pointer("/spec/template").cloned().unwrap_or(Value::Null);
        if let Some(labels) = t
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
        }
        t
    };
    let describe = |rs: &Value| {
        let created = rs
            .pointer("/status/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let wanted = rs
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        format!(
            "{} ({created}/{wanted} replicas created)",
            s(rs, "/metadata/name")
        )
    };
    let new = replicasets.iter().find(|rs| without_hash(rs) == template);
    let mut old: Vec<&Value> = replicasets
        .iter()
        .filter(|rs| new.is_none_or(|n| !std::ptr::eq(*rs, n)))
        .filter(|rs| {
            rs.pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(0)
                > 0
        })
        .collect();
    old.sort_by_key(|rs| s(rs, "/metadata/name").to_string());
    let old_text: Vec<String> = old.iter().map(|rs| describe(rs)).collect();
    out.field(
        0,
        "OldReplicaSets:",
        if old_text.is_empty() {
            "<none>".into()
        } else {
            old_text.join(", ")
        },
    );
    out.field(
        0,
        "NewReplicaSet:",
        new.map(describe).unwrap_or_else(|| "<none>".into()),
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn lines(f: impl FnOnce(&mut Out)) -> Vec<String> {
        let mut out = Out::new(Timestamp::UNIX_EPOCH);
        f(&mut out);
        out.finish().into_iter().map(|l| l.text).collect()
    }

    fn sum(texts: &[&str]) -> Sum {
        let mut s = Sum::default();
        for t in texts {
            s.add(t);
        }
        s
    }

    #[test]
    fn sums_are_written_in_canonical_form() {
        assert_eq!(sum(&["100m", "250m"]).text(true), "350m");
        assert_eq!(sum(&["500m", "500m"]).text(true), "1");
        assert_eq!(sum(&["1", "250m"]).text(true), "1250m");
        assert_eq!(sum(&[]).text(true), "0");
        assert_eq!(sum(&["64Mi", "128Mi"]).text(false), "192Mi");
        assert_eq!(sum(&["512Mi", "512Mi"]).text(false), "1Gi");
        assert_eq!(sum(&["128Mi", "1Gi"]).text(false), "1152Mi");
        assert_eq!(sum(&["500M", "1G"]).text(false), "1500M");
        assert_eq!(with_share(sum(&["100m"]), Some(4.0), true), "100m (2%)");
    }

    fn pod(ns: &str, name: &str, cpu: &str, init_cpu: Option<&str>) -> Value {
        let mut p = json!({"metadata": {"namespace": ns, "name": name},
        "spec": {"containers": [
            {"name": "a", "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}},
            {"name": "b", "resources": {"requests": {"cpu": cpu}, "limits": {"memory": "128Mi"}}}
        ]}});
        if let Some(init) = init_cpu {
            p["spec"]["initContainers"] =
                json!([{"name": "i", "resources": {"requests": {"cpu": init}}}]);
        }
        p
    }

    #[test]
    fn node_pods_count_init_containers_as_the_scheduler_does() {
        let node = json!({"status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "110",
            "ephemeral-storage": "10Gi"}}});
        let pods = vec![
            pod("b", "web", "100m", None),
            pod("a", "job", "100m", Some("1")),
        ];
        let text = lines(|out| node_pods(out, &node, &pods));
        let rows: Vec<Vec<&str>> = text
            .iter()
            .map(|l| {
                l.split("  ")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .collect();
        assert_eq!(text[0], "Non-terminated Pods:  (2 in total)");
        let job = rows.iter().find(|r| r.get(1) == Some(&"job")).unwrap();
        assert_eq!(job[2..6], ["1 (50%)", "0 (0%)", "64Mi (6%)", "128Mi (12%)"]);
        let first_pod = text.iter().position(|l| l.contains("job")).unwrap();
        let second_pod = text.iter().position(|l| l.contains("web")).unwrap();
        assert!(first_pod < second_pod, "sorted by namespace");
        let cpu = rows.iter().find(|r| r.first() == Some(&"cpu")).unwrap();
        assert_eq!(cpu[1..], ["1200m (60%)", "0 (0%)"]);
        let memory = rows.iter().find(|r| r.first() == Some(&"memory")).unwrap();
        assert_eq!(memory[1..], ["128Mi (12%)", "256Mi (25%)"]);
        assert!(rows.iter().any(|r| r.first() == Some(&"ephemeral-storage")));
        assert!(!rows.iter().any(|r| r.first() == Some(&"pods")));
    }

    #[test]
    fn the_new_replicaset_runs_the_current_template() {
        let template = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "web:2"}]}});
        let deployment = json!({"spec": {"template": template}});
        let rs = |name: &str, image: &str, replicas: i64| {
            json!({"metadata": {"name": name},
                "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "x"}},
                    "spec": {"containers": [{"name": "web", "image": image}]}}},
                "status": {"replicas": replicas}})
        };
        let all = vec![
            rs("web-1", "web:1", 1),
            rs("web-2", "web:2", 2),
            rs("web-0", "web:0", 0),
        ];
        let text = lines(|out| deployment_replicasets(out, &deployment, &all));
        assert!(
            text[0].starts_with("OldReplicaSets:")
                && text[0].ends_with("web-1 (1/1 replicas created)"),
            "{text:?}"
        );
        assert!(
            text[1].ends_with("web-2 (2/2 replicas created)"),
            "{text:?}"
        );
        let none = lines(|out| deployment_replicasets(out, &deployment, &[]));
        assert!(none[1].ends_with("<none>"));
    }

    #[test]
    fn endpoints_list_ready_addresses_with_each_port() {
        let e = json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
            "notReadyAddresses": [{"ip": "10.0.0.3"}], "ports": [{"port": 8080}]}]});
        let text = lines(|out| service_endpoints(out, Some(&e)));
        assert!(text[0].ends_with("10.0.0.1:8080,10.0.0.2:8080"), "{text:?}");
        let none = lines(|out| service_endpoints(out, None));
        assert!(none[0].ends_with("<none>"));
    }
}
