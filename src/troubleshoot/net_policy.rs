//! NetworkPolicy findings (§NET X14–X16), through the evaluator in `crate::netpolicy`:
//! a policy that selects no pod; a policy isolating pods for ingress while none of its rules
//! can match anything (a mistyped peer label, a named port the pods do not declare); a policy
//! whose egress rules leave its pods without DNS (UDP/TCP 53 to the kube-dns endpoints). A
//! policy's checks read the pods of its namespace (all pods only when a rule has a
//! namespaceSelector), the CoreDNS pods and kube-system's policies.

use crate::netpolicy::{
    ClosedReason, Direction, DnsTarget, NamespaceInfo, PodEndpoint, PolicyId, Protocol,
};
use crate::objects::{IntOrString, Kind, NetworkPolicy, Pod};

use super::Ctx;
use super::build::{FindingExt, net, ns_flag};
use super::net_adapt;
use super::net_dns::{DNS_NS, dns_pods, dns_service};
use super::service::is_ready;
use crate::findings::{Finding, ObjectRef, Severity};

/// How many selected pods the DNS check evaluates (they usually share one template).
const DNS_SAMPLE: usize = 20;

pub fn is_live(p: &Pod) -> bool {
    let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded") | Some("Failed")) && p.metadata.deletion_timestamp.is_none()
}

fn has_namespace_selector(np: &NetworkPolicy) -> bool {
    let Some(spec) = np.spec.as_ref() else {
        return false;
    };
    let ingress = spec
        .ingress
        .iter()
        .flatten()
        .flat_map(|r| r.from.iter().flatten());
    let egress = spec
        .egress
        .iter()
        .flatten()
        .flat_map(|r| r.to.iter().flatten());
    ingress
        .chain(egress)
        .any(|p| p.namespace_selector.is_some())
}

pub fn check(ctx: &Ctx, np: &NetworkPolicy, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Pod) {
        return;
    }
    let ns = np.metadata.namespace.as_deref().unwrap_or("");
    let name = np.metadata.name.as_deref().unwrap_or("");
    let id = PolicyId {
        namespace: ns.to_string(),
        name: name.to_string(),
    };
    let o = ObjectRef::new("NetworkPolicy", ns, name);
    let own: Vec<PodEndpoint> = ctx
        .snap
        .pods_in(ns)
        .filter(|p| is_live(p))
        .map(|p| net_adapt::pod(ctx.snap, p))
        .collect();
    let set = net_adapt::policies_of(ctx.snap, &[ns, DNS_NS]);
    let selected = set.selected_pods(&id, &own);
    if selected.is_empty() {
        out.push(no_pods(np, &o));
        return;
    }
    // Peers in other namespaces need every pod; only then is the cost of all pods paid.
    let all: Vec<PodEndpoint>;
    let pods: &[PodEndpoint] = if has_namespace_selector(np) {
        all = ctx
            .snap
            .pods
            .iter()
            .filter(|p| is_live(p))
            .map(|p| net_adapt::pod(ctx.snap, p))
            .collect();
        &all
    } else {
        &own
    };
    let namespaces: Vec<NamespaceInfo> = ctx
        .snap
        .namespaces
        .iter()
        .map(|n| net_adapt::namespace(ctx.snap, n.metadata.name()))
        .collect();
    let ns_set = net_adapt::policies_of(ctx.snap, &[ns]);
    let closed: Vec<_> = ns_set
        .isolated_without_allow(pods, &namespaces, Direction::Ingress)
        .into_iter()
        .filter(|c| c.isolated_by.first() == Some(&id))
        .filter(|c| matches!(c.reason, ClosedReason::RulesMatchNothing { .. }))
        .collect();
    if !closed.is_empty() {
        let names: Vec<String> = closed
            .iter()
            .filter_map(|c| pods.get(c.pod_index))
            .map(|p| p.name.clone())
            .collect();
        let rules = ns_set
            .describe_rules(&id, Direction::Ingress)
            .unwrap_or_default();
        let mut f = net(
            "netpol-isolates-unreachable",
            Severity::Error,
            o.clone(),
            format!(
                "isolates {} pod(s) for ingress but none of its rules can match anything",
                names.len()
            ),
        )
        .explain(
            "The policy selects these pods, so only what its ingress rules allow may reach \
             them; but every rule names peers that match no pod or namespace, or ports the \
             pods do not declare. Nothing can connect to them (a mistyped label is the usual \
             cause; a deliberate deny-all has no rules at all).",
        )
        .with("isolated pods", names.join(", "));
        for (i, r) in rules.iter().enumerate() {
            f = f.with(&format!("ingress rule {i}"), r.clone());
        }
        out.push(
            f.step(format!(
                "kubectl describe networkpolicy {name}{}",
                ns_flag(ns)
            ))
            .step("kubectl get pods -A --show-labels"),
        );
    }
    out.extend(dns_egress(ctx, &set, &id, &o, &own, &selected));
}

fn no_pods(np: &NetworkPolicy, o: &ObjectRef) -> Finding {
    let selector = np
        .spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .and_then(|s| s.match_labels.as_ref())
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    net(
        "netpol-selects-no-pods",
        Severity::Warning,
        o.clone(),
        "the policy's podSelector matches no pod: it has no effect".into(),
    )
    .explain(
        "A NetworkPolicy applies to the pods its podSelector matches in its namespace. This one \
         matches none, so whatever it was meant to allow or restrict is not applied (a typo in \
         the labels, or the pods run in another namespace).",
    )
    .with("spec.podSelector", selector.clone())
    .step(format!(
        "kubectl get pods{} --show-labels",
        ns_flag(&o.namespace)
    ))
    .step(format!(
        "kubectl describe networkpolicy {}{}",
        o.name,
        ns_flag(&o.namespace)
    ))
}

/// The kube-dns target ports (UDP and TCP) behind its port 53 (pods ask the Service on 53;
/// its other ports, such as metrics on 9153, do not matter), 53 when unknown.
fn dns_ports(ctx: &Ctx) -> (u16, u16) {
    let mut udp = 53;
    let mut tcp = 53;
    for p in dns_service(ctx)
        .and_then(|s| s.spec.as_ref())
        .and_then(|s| s.ports.as_ref())
        .into_iter()
        .flatten()
        .filter(|p| p.port == 53)
    {
        let target = match &p.target_port {
            Some(IntOrString::Int(n)) => u16::try_from(*n).ok(),
            Some(IntOrString::String(_)) => None,
            None => u16::try_from(p.port).ok(),
        };
        if let Some(t) = target {
            match p.protocol() {
                "UDP" => udp = t,
                "TCP" => tcp = t,
                _ => {}
            }
        }
    }
    (udp, tcp)
}

fn dns_egress(
    ctx: &Ctx,
    set: &crate::netpolicy::PolicySet,
    id: &PolicyId,
    o: &ObjectRef,
    pods: &[PodEndpoint],
    selected: &[usize],
) -> Option<Finding> {
    let servers: Vec<PodEndpoint> = dns_pods(ctx)
        .into_iter()
        .filter(|p| is_ready(p))
        .map(|p| net_adapt::pod(ctx.snap, p))
        .collect();
    if servers.is_empty() {
        return None;
    }
    let (udp_port, tcp_port) = dns_ports(ctx);
    let target = DnsTarget {
        pods: &servers,
        udp_port,
        tcp_port,
        service: None,
    };
    let mut blocked_pods = Vec::new();
    let mut protocols: Vec<Protocol> = Vec::new();
    let mut deciding: Vec<PolicyId> = Vec::new();
    for &i in selected.iter().take(DNS_SAMPLE) {
        let Some(client) = pods.get(i) else { continue };
        let isolating = set.isolating_policies(client, Direction::Egress);
        // Reported once, by the first of the policies that isolate the pod's egress.
        if isolating.first() != Some(id) {
            continue;
        }
        let check = set.dns_egress(client, &target);
        let egress_blocked: Vec<Protocol> = [&check.udp, &check.tcp]
            .into_iter()
            .filter(|r| {
                r.reachable.is_empty()
                    && !r.blocked.is_empty()
                    && r.blocked.iter().any(|(_, v)| !v.egress.permits())
            })
            .map(|r| r.protocol)
            .collect();
        if egress_blocked.is_empty() {
            continue;
        }
        for p in egress_blocked {
            if !protocols.contains(&p) {
                protocols.push(p);
            }
        }
        for p in isolating {
            if !deciding.contains(&p) {
                deciding.push(p);
            }
        }
        blocked_pods.push(client.name.clone());
    }
    if blocked_pods.is_empty() {
        return None;
    }
    protocols.sort();
    let protos: Vec<String> = protocols
        .iter()
        .map(|p| {
            format!(
                "{p} {}",
                if *p == Protocol::Udp {
                    udp_port
                } else {
                    tcp_port
                }
            )
        })
        .collect();
    let rules = set
        .describe_rules(id, Direction::Egress)
        .unwrap_or_default();
    let mut f = net(
        "netpol-blocks-dns",
        Severity::Error,
        o.clone(),
        format!(
            "blocks DNS ({}) to kube-dns for {} pod(s)",
            protos.join(", "),
            blocked_pods.len()
        ),
    )
    .explain(
        "The policy isolates its pods for egress and none of the egress rules (of it and the \
         other policies selecting them) allows port 53 to the CoreDNS pods in kube-system, so \
         every name lookup times out: the applications fail with \"no such host\" or \
         \"i/o timeout\" even where their own traffic is allowed.",
    )
    .with("pods without DNS", blocked_pods.join(", "))
    .with(
        "deciding policies",
        deciding
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    for (i, r) in rules.iter().enumerate() {
        f = f.with(&format!("egress rule {i}"), r.clone());
    }
    Some(
        f.step(format!(
            "kubectl describe networkpolicy {}{}",
            o.name,
            ns_flag(&o.namespace)
        ))
        .step(
            "add an egress rule: to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}] ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]",
        ),
    )
}
