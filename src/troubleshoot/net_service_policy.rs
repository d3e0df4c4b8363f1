//! "Is this Service reachable from its own namespace?" (§NET X16): when NetworkPolicies in the
//! Service's namespace isolate its ready endpoints for ingress, every other pod of the
//! namespace is asked, through the evaluator, whether it may connect to some endpoint on the
//! port the endpoint receives on. When none may, the Service is unusable from its own
//! namespace. Costs the pods of one namespace, and only where policies exist.

use crate::netpolicy::{Direction, Endpoint, PodEndpoint, Protocol, Traffic};
use crate::objects::{IntOrString, Kind, Pod, Service, ServicePort};

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj};
use super::net_adapt;
use super::net_policy::is_live;
use super::service::{is_ready, selected_pods, selects};
use crate::findings::{Finding, Severity};

/// How many client pods and endpoints are tried at most.
const MAX_CLIENTS: usize = 50;
const MAX_ENDPOINTS: usize = 10;

/// The port a pod receives a Service port's traffic on (a named targetPort resolves against
/// the pod's own containers).
pub fn target_port(port: &ServicePort, pod: &Pod) -> Option<u16> {
    match &port.target_port {
        Some(IntOrString::Int(n)) => u16::try_from(*n).ok(),
        Some(IntOrString::String(name)) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()) && p.protocol() == port.protocol())
            .and_then(|p| u16::try_from(p.container_port).ok()),
        None => u16::try_from(port.port).ok(),
    }
}

pub fn check(ctx: &Ctx, svc: &Service, out: &mut Vec<Finding>) {
    let ns = svc.metadata.namespace();
    if !ctx.snap.has_kind(Kind::NetworkPolicy)
        || ctx.snap.network_policies.in_namespace(ns).next().is_none()
    {
        return;
    }
    let Some(pods) = selected_pods(ctx, svc) else {
        return;
    };
    let Some(port) = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .and_then(|p| p.first())
    else {
        return;
    };
    let Some(protocol) = Protocol::parse(port.protocol()) else {
        return;
    };
    let set = net_adapt::policies_of(ctx.snap, &[ns]);
    let endpoints: Vec<(PodEndpoint, u16)> = pods
        .iter()
        .filter(|p| is_ready(p))
        .take(MAX_ENDPOINTS)
        .filter_map(|p| Some((net_adapt::pod(ctx.snap, p), target_port(port, p)?)))
        .collect();
    if endpoints.is_empty()
        || !endpoints
            .iter()
            .all(|(e, _)| set.is_isolated(e, Direction::Ingress))
    {
        return;
    }
    let selector = svc.spec.as_ref().and_then(|s| s.selector.as_ref());
    let clients: Vec<PodEndpoint> = ctx
        .snap
        .pods_in(ns)
        .filter(|p| is_live(p) && !selector.is_some_and(|s| selects(s, p)))
        .take(MAX_CLIENTS)
        .map(|p| net_adapt::pod(ctx.snap, p))
        .collect();
    if clients.is_empty() {
        return;
    }
    let mut deciding = Vec::new();
    for client in &clients {
        for (endpoint, port) in &endpoints {
            let v = set.evaluate(
                Endpoint::Pod(client),
                Endpoint::Pod(endpoint),
                Traffic {
                    port: *port,
                    protocol,
                },
            );
            if v.allowed {
                return;
            }
            for p in v.policies() {
                if !deciding.contains(&p) {
                    deciding.push(p);
                }
            }
        }
    }
    let o = obj("Service", &svc.metadata);
    let nsf = ns_flag(&o.namespace);
    out.push(
        net(
            "service-unreachable-by-policy",
            Severity::Warning,
            o.clone(),
            format!(
                "no pod of namespace {} may connect to its endpoints on {} {} (NetworkPolicy)",
                o.namespace, protocol, port.port
            ),
        )
        .explain(
            "The Service's endpoints are isolated for ingress by NetworkPolicies, and none of \
             the policies' rules admits any other pod of the Service's own namespace on the \
             target port. If the Service is meant to be used inside its namespace, a rule is \
             missing or names the wrong labels or port.",
        )
        .with(
            "deciding policies",
            deciding
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .with("pods tried", clients.len().to_string())
        .step(format!("kubectl get networkpolicy{nsf}"))
        .step(format!(
            "kmedic reach {}/{} svc/{}/{} --port {}",
            o.namespace, clients[0].name, o.namespace, o.name, port.port
        )),
    );
}
