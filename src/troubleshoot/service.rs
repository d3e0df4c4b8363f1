//! The Service chain, walked for each Service with a selector: selector → pods → ports
//! (targetPort against the pods' containerPorts, named ports) → ready endpoints. Reports the
//! first broken link, with near-miss label hints when the selector matches nothing. Headless
//! Services with no pods, ExternalName Services and Services without a selector are skipped.

use crate::objects::IntOrString;
use crate::objects::{Endpoints, Kind, Map, Pod, Service, ServicePort};

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj};
use super::net_near_miss::near_misses;
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

/// What the endpoint objects say about a Service.
#[derive(Default)]
struct Tally {
    ready: usize,
    /// Addresses not ready, terminating ones included.
    not_ready: usize,
    /// Of those, endpoints of pods being deleted (`terminating: true`; EndpointSlices only).
    terminating: usize,
    /// Terminating endpoints still passing readiness (`serving: true`).
    serving: usize,
    /// The not-ready targets' names (or addresses).
    names: Vec<String>,
}

/// The endpoint objects' tally; `None` when neither EndpointSlices nor Endpoints were listed.
fn endpoint_counts(ctx: &Ctx, svc: &Service, endpoints: Option<&Endpoints>) -> Option<Tally> {
    let ns = svc.metadata.namespace();
    let slices = ctx.snap.slices_of(ns, svc.metadata.name());
    if !slices.is_empty() || (ctx.snap.has_kind(Kind::EndpointSlice) && endpoints.is_none()) {
        let mut t = Tally::default();
        for e in slices.iter().flat_map(|s| s.endpoints.iter()) {
            if e.is_ready() {
                t.ready += 1;
                continue;
            }
            t.not_ready += 1;
            let cond = e.conditions.as_ref();
            if cond.and_then(|c| c.terminating) == Some(true) {
                t.terminating += 1;
                if cond.and_then(|c| c.serving) == Some(true) {
                    t.serving += 1;
                }
            }
            let target = e.target_ref.as_ref().and_then(|t| t.name.as_deref());
            t.names.push(
                target
                    .map(str::to_string)
                    .unwrap_or_else(|| e.addresses.join(",")),
            );
        }
        return Some(t);
    }
    if let Some(ep) = endpoints {
        let mut t = Tally::default();
        for s in ep.subsets.iter().flatten() {
            t.ready += s.addresses.as_ref().map_or(0, |a| a.len());
            for a in s.not_ready_addresses.iter().flatten() {
                t.not_ready += 1;
                let target = a.target_ref.as_ref().and_then(|t| t.name.as_deref());
                t.names.push(
                    target
                        .map(str::to_string)
                        .unwrap_or_else(|| a.ip.to_string()),
                );
            }
        }
        return Some(t);
    }
    ctx.snap.has_kind(Kind::Endpoints).then(Tally::default)
}

/// Why no endpoint is ready although the selector matches no live pod (or the pods were not
/// analysed): the endpoints' pods are being deleted, are in the input but finished, or are
/// not in the input at all.
fn endpoints_why(ctx: &Ctx, svc: &Service, t: &Tally, pods_listed: bool) -> String {
    let ns = svc.metadata.namespace();
    let deleting: Vec<&str> = t
        .names
        .iter()
        .filter(|n| {
            ctx.snap
                .pods
                .find(ns, n)
                .is_some_and(|p| p.metadata.deletion_timestamp.is_some())
        })
        .map(String::as_str)
        .collect();
    let present = t
        .names
        .iter()
        .filter(|n| ctx.snap.pods.find(ns, n).is_some())
        .count();
    if t.terminating > 0 || !deleting.is_empty() {
        let n = t.terminating.max(deleting.len());
        let serving = if t.serving > 0 {
            format!(
                " ({} still serving, which recent kube-proxies use as a last resort until the pods exit)",
                t.serving
            )
        } else {
            String::new()
        };
        return format!(
            "{n} of its endpoint(s) are terminating: their pods are being deleted{serving}, and no \
             live pod matches the selector to replace them. A rollout or scale-down removed the \
             old pods before a new one became ready (or none was created)."
        );
    }
    if !pods_listed {
        return "Its endpoints exist but are not ready: the pods behind them fail their readiness \
                checks (the pods were not part of what was analysed)."
            .to_string();
    }
    if present > 0 {
        return "Its endpoints exist but none is ready, and their pods are no longer running (they \
                finished or failed)."
            .to_string();
    }
    "Its endpoints exist but none is ready: the selected pods fail their readiness checks (they \
     were not among the pods analysed)."
        .to_string()
}

/// No ready endpoint, judged from the endpoint objects (the pods themselves were not seen).
fn not_ready_by_endpoints(ctx: &Ctx, svc: &Service, t: &Tally, why: &str) -> Finding {
    let o = obj("Service", &svc.metadata);
    let nsf = ns_flag(&o.namespace);
    let not_ready = &t.names;
    let summary = if not_ready.is_empty() {
        "the Service has no endpoints".to_string()
    } else if t.terminating == not_ready.len() {
        format!(
            "none of its {} endpoints is ready: all are terminating",
            not_ready.len()
        )
    } else if t.terminating > 0 {
        format!(
            "none of its {} endpoints is ready ({} terminating)",
            not_ready.len(),
            t.terminating
        )
    } else {
        format!("none of its {} endpoints is ready", not_ready.len())
    };
    let mut f = net(
        "service-no-ready-endpoints",
        Severity::Error,
        o.clone(),
        summary,
    )
    .explain(format!(
        "Connections to the Service fail: it has no ready endpoint. {why}"
    ));
    if !not_ready.is_empty() {
        f = f.with(
            if t.terminating > 0 {
                "not-ready endpoints (terminating included)"
            } else {
                "not-ready endpoints"
            },
            not_ready
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if t.terminating > 0 {
        f = f.with(
            "terminating endpoints",
            format!("{} ({} still serving)", t.terminating, t.serving),
        );
    }
    let mut f = f.events(ctx, &[], false).step(format!(
        "kubectl get endpointslices{nsf} -l kubernetes.io/service-name={} -o wide",
        o.name
    ));
    if t.terminating > 0
        && let Some(sel) = svc.spec.as_ref().and_then(|s| s.selector.as_ref())
    {
        let sel: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f = f.step(format!(
            "kubectl get pods{nsf} -l {} -o wide   (which pods replace the terminating ones?)",
            sel.join(",")
        ));
    }
    f.step(format!("kubectl describe service {}{nsf}", o.name))
}

fn check(ctx: &Ctx, svc: &Service, endpoints: Option<&Endpoints>) -> Option<Finding> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    let selector = spec.selector.as_ref().filter(|s| !s.is_empty())?;
    let headless = spec.cluster_ip.as_deref() == Some("None");
    if !ctx.snap.has_kind(Kind::Pod) {
        // Without the pods, only the endpoint objects can tell; never "matches no pods".
        let t = endpoint_counts(ctx, svc, endpoints)?;
        if t.ready > 0 || (headless && t.not_ready == 0) {
            return None;
        }
        let why = if t.not_ready > 0 {
            endpoints_why(ctx, svc, &t, false)
        } else {
            "The pods were not part of what was analysed, so whether the selector matches \
             nothing or the pods are not ready cannot be told here."
                .to_string()
        };
        return Some(not_ready_by_endpoints(ctx, svc, &t, &why));
    }
    let pods = selected_pods(ctx, svc)?;
    let o = obj("Service", &svc.metadata);
    let nsf = ns_flag(&o.namespace);
    let sel_text: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let sel_text = sel_text.join(",");
    if pods.is_empty() {
        if headless {
            return None;
        }
        // Endpoints listing addresses mean pods do match (they are missing from the input).
        if let Some(t) = endpoint_counts(ctx, svc, endpoints)
            && t.ready + t.not_ready > 0
        {
            if t.ready > 0 {
                return None;
            }
            let why = endpoints_why(ctx, svc, &t, true);
            return Some(not_ready_by_endpoints(ctx, svc, &t, &why));
        }
        let hints = near_misses(ctx, &o.namespace, selector);
        let mut f = net(
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
        f = endpoint_evidence(ctx, svc, f, endpoints);
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
            let f = net(
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
                endpoint_evidence(ctx, svc, f, endpoints)
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
    let f = net(
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
        endpoint_evidence(ctx, svc, f, endpoints)
            .events(ctx, &[], false)
            .step(format!("kubectl get pods{nsf} -l {sel_text}"))
            .step(format!(
                "kubectl get endpointslices{nsf} -l kubernetes.io/service-name={}",
                o.name
            )),
    )
}

/// What the endpoint objects say, EndpointSlices first (Endpoints is deprecated): how many
/// endpoints are ready, serving but not ready, and terminating.
fn endpoint_evidence(
    ctx: &Ctx,
    svc: &Service,
    f: Finding,
    endpoints: Option<&Endpoints>,
) -> Finding {
    let slices = ctx
        .snap
        .slices_of(svc.metadata.namespace(), svc.metadata.name());
    if !slices.is_empty() {
        let (mut ready, mut serving, mut terminating, mut total) = (0, 0, 0, 0);
        for e in slices.iter().flat_map(|s| s.endpoints.iter()) {
            total += 1;
            let c = e.conditions.as_ref();
            if e.is_ready() {
                ready += 1;
            } else if c.and_then(|c| c.serving) == Some(true) {
                serving += 1;
            }
            if c.and_then(|c| c.terminating) == Some(true) {
                terminating += 1;
            }
        }
        return f.with(
            "endpointslices",
            format!(
                "{total} endpoints in {} slice(s): {ready} ready, {serving} serving but not ready, \
                 {terminating} terminating",
                slices.len()
            ),
        );
    }
    let Some(ep) = endpoints else { return f };
    let (ready, total) = ep.counts();
    f.with(
        "endpoints",
        format!("{ready} ready, {} not ready", total - ready),
    )
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

/// The first broken link between one Service port and the pods' containers: a named
/// targetPort no container defines, a number not declared (when ports are declared at all),
/// or a port declared only with another protocol.
fn port_problem(port: &ServicePort, pods: &[&Pod]) -> Option<String> {
    let declared: Vec<(Option<&str>, i32, &str)> = pods
        .iter()
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| (p.name.as_deref(), p.container_port, p.protocol()))
        .collect();
    let proto = port.protocol();
    let same_proto = |(_, _, p): &&(Option<&str>, i32, &str)| *p == proto;
    match port.target_port.as_ref() {
        Some(IntOrString::String(name)) => {
            let named: Vec<_> = declared
                .iter()
                .filter(|(n, _, _)| *n == Some(name.as_str()))
                .collect();
            if named.is_empty() {
                return Some(format!(
                    "targetPort {name} is not a port name of any selected container"
                ));
            }
            (!named.iter().any(same_proto)).then(|| {
                format!(
                    "targetPort {name} is declared as {} by the containers, the Service port is {proto}",
                    named[0].2
                )
            })
        }
        other => {
            let n = match other {
                Some(IntOrString::Int(n)) => *n,
                _ => port.port,
            };
            // Containers need not declare ports; only a declared set that lacks it is a mismatch.
            if declared.is_empty() {
                return None;
            }
            let numbered: Vec<_> = declared.iter().filter(|(_, p, _)| *p == n).collect();
            if numbered.is_empty() {
                return Some(format!(
                    "targetPort {n} is not a containerPort of the selected pods"
                ));
            }
            (!numbered.iter().any(same_proto)).then(|| {
                format!(
                    "targetPort {n} is declared as {} by the containers, the Service port is {proto}",
                    numbered[0].2
                )
            })
        }
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;

/// How many endpoints of the Service are ready (EndpointSlices, else Endpoints); `None` when
/// neither kind was listed.
pub fn ready_endpoints(ctx: &Ctx, svc: &Service) -> Option<usize> {
    let endpoints = ctx
        .snap
        .endpoints
        .find(svc.metadata.namespace(), svc.metadata.name());
    endpoint_counts(ctx, svc, endpoints).map(|t| t.ready)
}
