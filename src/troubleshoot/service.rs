//! The Service chain, walked for each Service with a selector: selector → pods → ports
//! (targetPort against the pods' containerPorts, named ports) → ready endpoints. Reports the
//! first broken link, with near-miss label hints when the selector matches nothing. Headless
//! Services with no pods, ExternalName Services and Services without a selector are skipped.

use crate::objects::IntOrString;
use crate::objects::{Endpoints, Map, Pod, Service, ServicePort};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use crate::findings::{Finding, Severity};

pub fn check_service(ctx: &Ctx, svc: &Service, out: &mut Vec<Finding>) {
    let endpoints = ctx
        .snap
        .endpoints
        .find(svc.metadata.namespace(), svc.metadata.name());
    out.extend(check(ctx, svc, endpoints));
}

/// Whether the pod's labels include every selector pair.
pub fn selects(selector: &Map, pod: &Pod) -> bool {
    let labels = pod.metadata.labels.as_ref();
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn is_live(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded") | Some("Failed"))
        && pod.metadata.deletion_timestamp.is_none()
}

pub fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The pods (alive) a Service selects; `None` when the Service has no selector.
pub fn selected_pods<'a>(ctx: &Ctx<'a>, svc: &Service) -> Option<Vec<&'a Pod>> {
    let selector = svc
        .spec
        .as_ref()?
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())?;
    let ns = svc.metadata.namespace.as_deref().unwrap_or("");
    // Start from the rarest selector label, then check the others.
    let (k, v) = selector
        .iter()
        .min_by_key(|(k, v)| ctx.snap.label_count(ns, k, v))?;
    Some(
        ctx.snap
            .pods_with_label(ns, k, v)
            .filter(|p| is_live(p) && selects(selector, p))
            .collect(),
    )
}

fn check(ctx: &Ctx, svc: &Service, endpoints: Option<&Endpoints>) -> Option<Finding> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    let selector = spec.selector.as_ref().filter(|s| !s.is_empty())?;
    let headless = spec.cluster_ip.as_deref() == Some("None");
    let pods = selected_pods(ctx, svc)?;
    let o = obj("Service", &svc.metadata);
    let nsf = ns_flag(&o.namespace);
    let sel_text: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let sel_text = sel_text.join(",");
    if pods.is_empty() {
        if headless {
            return None;
        }
        let hints = near_misses(ctx, &o.namespace, selector);
        let mut f = app(
            "service-no-pods",
            Severity::Error,
            o.clone(),
            format!("selector {sel_text} matches no pods: the Service has no endpoints"),
        )
        .explain(
            "No running pod in the namespace carries all the labels of the Service's selector, so \
             the Service has no endpoints and every connection to it fails. Usually a typo in the \
             selector or in the pod template's labels.",
        )
        .with("spec.selector", sel_text.clone());
        for h in &hints {
            f = f.with("near miss", h.clone());
        }
        f = endpoint_evidence(f, endpoints);
        return Some(
            f.step(format!("kubectl get pods{nsf} --show-labels"))
                .step(format!("kubectl get pods{nsf} -l {sel_text}"))
                .step(format!(
                    "kubectl edit service {}{nsf}   (fix the selector)",
                    o.name
                )),
        );
    }
    for port in spec.ports.iter().flatten() {
        if let Some(problem) = port_problem(port, &pods) {
            let f = app(
                "service-port-mismatch",
                Severity::Error,
                o.clone(),
                format!("port {}: {problem}", port.port),
            )
            .explain(
                "The Service forwards to a targetPort that the selected pods do not declare: \
                 clients get \"connection refused\" or time out (a named targetPort that no \
                 container defines leaves the Service without endpoints for that port).",
            )
            .with("spec.ports", describe_port(port))
            .with("container ports", container_ports(&pods))
            .with("selected pods", pods.len().to_string());
            return Some(
                endpoint_evidence(f, endpoints)
                    .step(format!(
                        "kubectl get endpointslices{nsf} -l kubernetes.io/service-name={} -o wide",
                        o.name
                    ))
                    .step(format!(
                        "kubectl edit service {}{nsf}   (set targetPort to the containerPort)",
                        o.name
                    )),
            );
        }
    }
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    if ready > 0 {
        return None;
    }
    let f = app(
        "service-no-ready-endpoints",
        Severity::Error,
        o.clone(),
        format!(
            "none of the {} selected pods is ready: the Service has no ready endpoints",
            pods.len()
        ),
    )
    .explain(
        "The selector matches pods, but none of them is Ready, so they are listed as not-ready \
         endpoints and receive no traffic. The cause is in the pods (see the findings linked \
         below), not in the Service.",
    )
    .with("spec.selector", sel_text.clone())
    .with(
        "selected pods",
        pods.iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    Some(
        endpoint_evidence(f, endpoints)
            .events(ctx, &[], false)
            .step(format!("kubectl get pods{nsf} -l {sel_text}"))
            .step(format!(
                "kubectl get endpointslices{nsf} -l kubernetes.io/service-name={}",
                o.name
            )),
    )
}

fn endpoint_evidence(f: Finding, endpoints: Option<&Endpoints>) -> Finding {
    let Some(ep) = endpoints else { return f };
    let subsets = ep.subsets.iter().flatten();
    let (mut ready, mut not_ready) = (0, 0);
    for s in subsets {
        ready += s.addresses.as_ref().map_or(0, |a| a.len());
        not_ready += s.not_ready_addresses.as_ref().map_or(0, |a| a.len());
    }
    f.with("endpoints", format!("{ready} ready, {not_ready} not ready"))
}

fn describe_port(p: &ServicePort) -> String {
    let target = match &p.target_port {
        Some(IntOrString::Int(n)) => n.to_string(),
        Some(IntOrString::String(s)) => s.to_string(),
        None => p.port.to_string(),
    };
    format!(
        "{} port={} targetPort={target} protocol={}",
        p.name.clone().unwrap_or_default(),
        p.port,
        p.protocol.clone().unwrap_or_else(|| "TCP".into())
    )
}

fn container_ports(pods: &[&Pod]) -> String {
    let mut ports: Vec<String> = pods
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| match &p.name {
            Some(n) => format!("{n}:{}", p.container_port),
            None => p.container_port.to_string(),
        })
        .collect();
    ports.sort();
    ports.dedup();
    if ports.is_empty() {
        "none declared".into()
    } else {
        ports.join(", ")
    }
}

/// The first broken link between one Service port and the pods' containers.
fn port_problem(port: &ServicePort, pods: &[&Pod]) -> Option<String> {
    let declared: Vec<(Option<&str>, i32)> = pods
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| (p.name.as_deref(), p.container_port))
        .collect();
    match port.target_port.as_ref() {
        Some(IntOrString::String(name)) => {
            (!declared.iter().any(|(n, _)| *n == Some(name.as_str())))
                .then(|| format!("targetPort {name} is not a port name of any selected container"))
        }
        other => {
            let n = match other {
                Some(IntOrString::Int(n)) => *n,
                _ => port.port,
            };
            // Containers need not declare ports; only a declared set that lacks it is a mismatch.
            (!declared.is_empty() && !declared.iter().any(|(_, p)| *p == n))
                .then(|| format!("targetPort {n} is not a containerPort of the selected pods"))
        }
    }
}

/// Labels on pods in the namespace that almost match the selector.
fn near_misses(ctx: &Ctx, ns: &str, selector: &Map) -> Vec<String> {
    let mut hints = Vec::new();
    for (k, v) in selector {
        let mut seen: Vec<String> = Vec::new();
        for pod in ctx.snap.pods_in(ns) {
            for (lk, lv) in pod.metadata.labels.iter().flatten() {
                let close = (lk == k && lv != v && close_enough(lv, v)) || (lk != k && lv == v);
                let text = format!("{lk}={lv}");
                if close && !seen.contains(&text) {
                    seen.push(text);
                }
            }
        }
        for s in seen.into_iter().take(3) {
            hints.push(format!("selector has {k}={v}; pods have {s}"));
        }
    }
    hints
}

fn close_enough(a: &str, b: &str) -> bool {
    edit_distance(a, b) <= 2 || a.contains(b) || b.contains(a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use serde_json::{Value, json};

    fn svc(selector: Value, target: Value, cluster_ip: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "ns"},
            "spec": {"clusterIP": cluster_ip, "selector": selector, "ports": [{"port": 80, "targetPort": target}]}})
    }

    fn web_pod(name: &str, labels: Value, ready: bool) -> Value {
        let mut p = pod(
            name,
            json!({"containers": [{"name": "app", "image": "x",
            "ports": [{"name": "http", "containerPort": 80}]}]}),
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}),
        );
        p["metadata"]["labels"] = labels;
        p
    }

    #[test]
    fn selector_matching_nothing_with_a_near_miss() {
        let f = run(vec![
            svc(json!({"app": "web-service"}), json!(80), "10.0.0.1"),
            web_pod("a", json!({"app": "webapp"}), true),
            web_pod("b", json!({"name": "web-service"}), true),
        ]);
        let s = one(&f, "service-no-pods");
        let ev = evidence_text(s);
        assert!(ev.contains("pods have name=web-service"), "{ev}");
    }

    #[test]
    fn target_port_mismatches() {
        let f = run(vec![
            svc(json!({"app": "web"}), json!(8080), "10.0.0.1"),
            web_pod("a", json!({"app": "web"}), true),
        ]);
        assert!(
            one(&f, "service-port-mismatch")
                .summary
                .contains("targetPort 8080")
        );
        let f = run(vec![
            svc(json!({"app": "web"}), json!("http-web"), "10.0.0.1"),
            web_pod("a", json!({"app": "web"}), true),
        ]);
        assert!(
            one(&f, "service-port-mismatch")
                .summary
                .contains("http-web")
        );
        let f = run(vec![
            svc(json!({"app": "web"}), json!("http"), "10.0.0.1"),
            web_pod("a", json!({"app": "web"}), true),
        ]);
        assert!(f.is_empty(), "{:?}", ids(&f));
    }

    #[test]
    fn no_ready_pods() {
        let f = run(vec![
            svc(json!({"app": "web"}), json!(80), "10.0.0.1"),
            web_pod("a", json!({"app": "web"}), false),
        ]);
        one(&f, "service-no-ready-endpoints");
    }

    #[test]
    fn headless_external_name_and_selectorless_services_are_not_flagged() {
        let headless = svc(json!({"app": "db"}), json!(80), "None");
        let external = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext", "namespace": "ns"},
            "spec": {"type": "ExternalName", "externalName": "example.com"}});
        let manual = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "man", "namespace": "ns"},
            "spec": {"ports": [{"port": 80}]}});
        assert!(run(vec![headless, external, manual]).is_empty());
    }
}
