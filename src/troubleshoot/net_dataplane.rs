//! Data-plane health (§NET X2, X10): the network agents' DaemonSets (kube-proxy and the CNI
//! plugins' node agents) with pods not ready on some nodes, and what those nodes then break:
//! without kube-proxy, Service addresses from pods on the node and NodePorts arriving there;
//! without the CNI agent, new pods there get no network and the Services with endpoints there
//! lose them. A cluster check: costs the DaemonSets and, only when an agent is down, the
//! pods on its nodes and the EndpointSlices.

use crate::objects::{DaemonSet, Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, net, obj, secs_since};
use super::node_pods::{NETWORK_AGENTS, READY_GRACE};
use super::service::is_ready;
use crate::findings::{Finding, Severity};

/// How many Services a finding names.
const MAX_NAMED: usize = 8;

pub fn is_agent(ds: &DaemonSet) -> bool {
    let name = ds.metadata.name();
    let app = ds.metadata.label("k8s-app").unwrap_or("");
    NETWORK_AGENTS
        .iter()
        .any(|a| name.starts_with(a) || app == *a)
}

fn not_ready_long(ctx: &Ctx, p: &Pod) -> bool {
    if p.metadata.deletion_timestamp.is_some() || is_ready(p) {
        return false;
    }
    let started = p
        .status
        .as_ref()
        .and_then(|s| s.start_time)
        .or(p.metadata.creation_timestamp)
        .map(|t| secs_since(t.ts(), ctx.now()))
        .unwrap_or(i64::MAX);
    started >= READY_GRACE
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Pod) {
        return;
    }
    for ds in ctx.snap.daemonsets.iter().filter(|d| is_agent(d)) {
        if let Some(ns) = ctx.opts.namespace.as_deref()
            && ns != ds.metadata.namespace()
        {
            continue;
        }
        out.extend(agent(ctx, ds));
    }
}

fn agent(ctx: &Ctx, ds: &DaemonSet) -> Option<Finding> {
    let uid = ds.metadata.uid.as_deref()?;
    let pods = ctx.snap.pods_owned_by(uid);
    let bad: Vec<&Pod> = pods
        .iter()
        .copied()
        .filter(|p| not_ready_long(ctx, p))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let nodes: Vec<&str> = bad
        .iter()
        .filter_map(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()))
        .filter(|n| !n.is_empty())
        .collect();
    if nodes.is_empty() {
        return None;
    }
    let o = obj("DaemonSet", &ds.metadata);
    let name = ds.metadata.name();
    let kube_proxy = name.starts_with("kube-proxy");
    let ready = pods.iter().filter(|p| is_ready(p)).count();
    let mut f = net(
        "dataplane-agent-not-ready",
        Severity::Error,
        o.clone(),
        format!(
            "{name} is not ready on {} ({ready} of {} pods ready)",
            nodes.join(", "),
            pods.len()
        ),
    );
    for p in &bad {
        let state = super::container::statuses(p)
            .find_map(|(_, c)| super::container::waiting_reason(c).map(str::to_string))
            .unwrap_or_else(|| "not ready".into());
        f = f.with(&format!("pod {}", p.metadata.name()), state);
    }
    let clients: usize = nodes
        .iter()
        .map(|n| ctx.snap.pods_on(n).filter(|p| !is_host_network(p)).count())
        .sum();
    if kube_proxy {
        let exposed: Vec<String> = ctx
            .snap
            .services
            .iter()
            .filter(|s| matches!(s.type_(), "NodePort" | "LoadBalancer"))
            .map(|s| format!("{}/{}", s.metadata.namespace(), s.metadata.name()))
            .collect();
        f = f
            .explain(
                "kube-proxy programs each node's Service rules (iptables/IPVS). On these nodes \
                 the rules are missing or stale: pods there cannot reliably reach any \
                 ClusterIP (DNS included), and NodePort/LoadBalancer traffic arriving at these \
                 nodes is not forwarded to the endpoints.",
            )
            .with("pods on those nodes using Services", clients.to_string());
        if !exposed.is_empty() {
            f = f.with(
                "NodePort/LoadBalancer Services broken there",
                named(&exposed),
            );
        }
    } else {
        let served = services_with_endpoints_on(ctx, &nodes);
        f = f.explain(
            "The CNI agent sets up pod networking on its node. Where it is not ready, new pods \
             stay in ContainerCreating (FailedCreatePodSandBox) and routes or policies for the \
             node's pods may be missing, so Services with endpoints there lose them.",
        );
        if !served.is_empty() {
            f = f.with("Services with endpoints on those nodes", named(&served));
        }
    }
    let first = bad[0];
    Some(
        f.step(format!(
            "kubectl -n {} get pods -o wide -l {}",
            ds.metadata.namespace(),
            selector_text(ds)
        ))
        .step(format!(
            "kubectl -n {} logs {} --tail=50",
            first.metadata.namespace(),
            first.metadata.name()
        ))
        .step(format!(
            "kubectl -n {} rollout status daemonset/{name}",
            ds.metadata.namespace()
        )),
    )
}

fn named(list: &[String]) -> String {
    let mut text = list
        .iter()
        .take(MAX_NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > MAX_NAMED {
        text.push_str(&format!(" and {} more", list.len() - MAX_NAMED));
    }
    text
}

fn is_host_network(p: &Pod) -> bool {
    p.spec.as_ref().and_then(|s| s.host_network) == Some(true)
}

fn selector_text(ds: &DaemonSet) -> String {
    ds.spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.as_ref())
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_else(|| format!("k8s-app={}", ds.metadata.name()))
}

/// Services with a ready endpoint on one of `nodes`, from the EndpointSlices.
fn services_with_endpoints_on(ctx: &Ctx, nodes: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = ctx
        .snap
        .endpoint_slices
        .iter()
        .filter(|s| {
            s.endpoints
                .iter()
                .any(|e| e.is_ready() && e.node_name.as_deref().is_some_and(|n| nodes.contains(&n)))
        })
        .filter_map(|s| {
            s.service_name()
                .map(|n| format!("{}/{n}", s.metadata.namespace()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}
