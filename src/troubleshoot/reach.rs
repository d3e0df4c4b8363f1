//! "Why can't A reach B", answered hop by hop, as pure logic over a [`Snapshot`]: the source
//! pod (running, with an address) → the DNS lookup of the target Service's name (cluster DNS
//! ready, the source's dnsPolicy, DNS egress under NetworkPolicy) → the Service (its port,
//! type) → its endpoints (EndpointSlices: ready ones) → the source's egress policies → the
//! destination's ingress policies → the destination pod (ready, the container port declared).
//! Each hop carries a verdict, a one-line detail and the policies that decided it. Used by
//! `kmedic reach` and, later, the TUI's Network tab.

use std::net::IpAddr;

use serde::Serialize;

use crate::netpolicy::{Endpoint, PodEndpoint, PolicySet, Protocol, Traffic};
use crate::objects::{Kind, Pod, Service};

use super::Snapshot;
use super::net_service_policy::target_port;

/// A hop's (and the whole answer's) verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HopVerdict {
    Allowed,
    Denied,
    Unknown,
}

/// One hop of the path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub hop: String,
    pub verdict: HopVerdict,
    pub detail: String,
    pub policies: Vec<String>,
}

/// The answer: the overall verdict (denied if a hop denies, unknown if one cannot tell) and
/// the hops in the order traffic takes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach {
    pub verdict: HopVerdict,
    pub hops: Vec<Hop>,
}

impl HopVerdict {
    /// The word a verdict is shown as (in `kmedic reach` and in the TUI's reach view).
    pub fn word(self) -> &'static str {
        match self {
            HopVerdict::Allowed => "allowed",
            HopVerdict::Denied => "DENIED",
            HopVerdict::Unknown => "unknown",
        }
    }
}

impl Reach {
    /// The hop the verdict comes from: the first that denies, else the first that cannot tell.
    pub fn deciding_hop(&self) -> Option<&Hop> {
        let first = |v: HopVerdict| self.hops.iter().find(|h| h.verdict == v);
        first(HopVerdict::Denied).or_else(|| first(HopVerdict::Unknown))
    }
}

/// What `TO` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Pod { namespace: String, name: String },
    Service { namespace: String, name: String },
    Ip(IpAddr),
}

impl Target {
    /// `NAMESPACE/POD`, `svc/NAMESPACE/NAME` (also `service/…`) or an IP address.
    pub fn parse(text: &str) -> Result<Target, String> {
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Target::Ip(ip));
        }
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [kind, ns, name] if matches!(*kind, "svc" | "service" | "services") => {
                Ok(Target::Service {
                    namespace: nonempty(ns, text)?,
                    name: nonempty(name, text)?,
                })
            }
            [ns, name] => Ok(Target::Pod {
                namespace: nonempty(ns, text)?,
                name: nonempty(name, text)?,
            }),
            _ => Err(format!(
                "{text:?} is not NAMESPACE/POD, svc/NAMESPACE/NAME or an IP address"
            )),
        }
    }
}

fn nonempty(part: &str, whole: &str) -> Result<String, String> {
    if part.is_empty() {
        Err(format!("{whole:?} has an empty part"))
    } else {
        Ok(part.to_string())
    }
}

fn hop(name: &str, verdict: HopVerdict, detail: String, policies: Vec<String>) -> Hop {
    Hop {
        hop: name.to_string(),
        verdict,
        detail,
        policies,
    }
}

fn is_running(p: &Pod) -> bool {
    p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
        && p.metadata.deletion_timestamp.is_none()
}

fn pod_ip(p: &Pod) -> Option<&str> {
    p.status.as_ref().and_then(|s| s.pod_ip.as_deref())
}

/// The answer for `from` (`NAMESPACE/POD`) to `to` on `port`/`protocol`; Err when the
/// question cannot be asked of this snapshot (the source does not exist, pods not listed).
pub fn reach(
    snap: &Snapshot,
    from: &str,
    to: &Target,
    port: Option<u16>,
    protocol: Protocol,
) -> Result<Reach, String> {
    if !snap.has_kind(Kind::Pod) {
        return Err("pods could not be listed: nothing can be said about reachability".into());
    }
    let Target::Pod {
        namespace: src_ns,
        name: src_name,
    } = Target::parse(from)?
    else {
        return Err(format!("FROM must be a pod, NAMESPACE/POD (got {from:?})"));
    };
    let source = snap
        .pods
        .find(&src_ns, &src_name)
        .ok_or_else(|| format!("pod {src_ns}/{src_name} does not exist"))?;
    let mut hops = Vec::new();
    let src_ok = is_running(source) && pod_ip(source).is_some();
    hops.push(hop(
        "source",
        if src_ok {
            HopVerdict::Allowed
        } else {
            HopVerdict::Denied
        },
        if src_ok {
            format!(
                "pod {src_ns}/{src_name} is Running with IP {}",
                pod_ip(source).unwrap_or("")
            )
        } else {
            format!(
                "pod {src_ns}/{src_name} is not running with an address (phase {})",
                source
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .unwrap_or("unknown")
            )
        },
        Vec::new(),
    ));
    let coverage_policies = snap.has_kind(Kind::NetworkPolicy);
    let client = super::net_adapt::pod(snap, source);
    // Resolve the target: a Service's IP or a pod's IP become those.
    let target = match to {
        Target::Ip(ip) => match find_by_ip(snap, *ip) {
            Some(t) => t,
            None => to.clone(),
        },
        other => other.clone(),
    };
    match &target {
        Target::Service { namespace, name } => {
            let svc = snap.services.find(namespace, name).ok_or_else(|| {
                if snap.has_kind(Kind::Service) {
                    format!("Service {namespace}/{name} does not exist")
                } else {
                    "Services could not be listed".to_string()
                }
            })?;
            hops.push(dns_hop(snap, source, &client, svc));
            via_service(
                snap,
                &client,
                svc,
                port,
                protocol,
                coverage_policies,
                &mut hops,
            );
        }
        Target::Pod { namespace, name } => {
            let dest = snap
                .pods
                .find(namespace, name)
                .ok_or_else(|| format!("pod {namespace}/{name} does not exist"))?;
            let port = match port.or_else(|| first_port(dest, protocol)) {
                Some(p) => p,
                None => {
                    return Err(format!(
                        "--port is needed: pod {namespace}/{name} declares no {protocol} port"
                    ));
                }
            };
            to_pod(
                snap,
                &client,
                dest,
                port,
                protocol,
                coverage_policies,
                &mut hops,
            );
        }
        Target::Ip(ip) => {
            let Some(port) = port else {
                return Err("--port is needed for an IP address".into());
            };
            let set = super::net_adapt::policies_of(snap, &[&src_ns]);
            let v = set.evaluate(
                Endpoint::Pod(&client),
                Endpoint::Ip(*ip),
                Traffic { port, protocol },
            );
            hops.push(policy_hop(
                "egress",
                &set,
                &v.egress,
                coverage_policies,
                format!("{ip} is not a pod or Service address known to the cluster"),
                &Endpoint::Pod(&client),
                &Endpoint::Ip(*ip),
                &v,
            ));
            hops.push(hop(
                "destination",
                HopVerdict::Unknown,
                format!("{ip} is outside the cluster's objects: whether it answers on {protocol} {port} cannot be seen"),
                Vec::new(),
            ));
        }
    }
    let verdict = if hops.iter().any(|h| h.verdict == HopVerdict::Denied) {
        HopVerdict::Denied
    } else if hops.iter().any(|h| h.verdict == HopVerdict::Unknown) {
        HopVerdict::Unknown
    } else {
        HopVerdict::Allowed
    };
    Ok(Reach { verdict, hops })
}

fn find_by_ip(snap: &Snapshot, ip: IpAddr) -> Option<Target> {
    let text = ip.to_string();
    for s in snap.services.iter() {
        let spec = s.spec.as_ref();
        let ips = spec
            .and_then(|s| s.cluster_ips.as_ref())
            .into_iter()
            .flatten()
            .chain(spec.and_then(|s| s.cluster_ip.as_ref()));
        if ips.into_iter().any(|i| i.as_str() == text) {
            return Some(Target::Service {
                namespace: s.metadata.namespace().to_string(),
                name: s.metadata.name().to_string(),
            });
        }
    }
    snap.pods
        .iter()
        .find(|p| pod_ip(p) == Some(text.as_str()) && is_running(p))
        .map(|p| Target::Pod {
            namespace: p.metadata.namespace().to_string(),
            name: p.metadata.name().to_string(),
        })
}

fn first_port(p: &Pod, protocol: Protocol) -> Option<u16> {
    p.spec
        .as_ref()?
        .containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .find(|cp| cp.protocol() == protocol.as_str())
        .and_then(|cp| u16::try_from(cp.container_port).ok())
}

fn dns_hop(snap: &Snapshot, source: &Pod, client: &PodEndpoint, svc: &Service) -> Hop {
    let name = format!("{}.{}.svc", svc.metadata.name(), svc.metadata.namespace());
    let policy = source
        .spec
        .as_ref()
        .and_then(|s| s.dns_policy.as_deref())
        .unwrap_or("ClusterFirst");
    let host_network = source.spec.as_ref().and_then(|s| s.host_network) == Some(true);
    if policy == "Default" || (host_network && policy != "ClusterFirstWithHostNet") {
        return hop(
            "dns",
            HopVerdict::Denied,
            format!(
                "the pod's dnsPolicy {policy}{} uses the node's resolver, which does not know {name} (use the ClusterIP or dnsPolicy ClusterFirst{})",
                if host_network {
                    " with hostNetwork"
                } else {
                    ""
                },
                if host_network { "WithHostNet" } else { "" }
            ),
            Vec::new(),
        );
    }
    if policy == "None" {
        return hop(
            "dns",
            HopVerdict::Unknown,
            format!(
                "dnsPolicy None: the pod's own dnsConfig nameservers decide whether {name} resolves"
            ),
            Vec::new(),
        );
    }
    let dns_pods: Vec<&Pod> = snap
        .pods_with_label(super::net_dns::DNS_NS, "k8s-app", "kube-dns")
        .filter(|p| super::service::is_ready(p))
        .collect();
    if dns_pods.is_empty() && snap.pods_in(super::net_dns::DNS_NS).next().is_none() {
        return hop(
            "dns",
            HopVerdict::Unknown,
            format!(
                "kube-system's pods were not part of what was read: whether {name} resolves cannot be told"
            ),
            Vec::new(),
        );
    }
    if dns_pods.is_empty() {
        return hop(
            "dns",
            HopVerdict::Denied,
            format!("no CoreDNS pod is ready: {name} does not resolve"),
            Vec::new(),
        );
    }
    let servers: Vec<PodEndpoint> = dns_pods
        .iter()
        .map(|p| super::net_adapt::pod(snap, p))
        .collect();
    let set = super::net_adapt::policies_of(
        snap,
        &[client.namespace.name.as_str(), super::net_dns::DNS_NS],
    );
    let check = set.dns_egress(client, &crate::netpolicy::DnsTarget::port_53(&servers));
    let mut policies: Vec<String> = Vec::new();
    for (_, v) in check.udp.blocked.iter().chain(check.tcp.blocked.iter()) {
        for p in v.policies() {
            let p = p.to_string();
            if !policies.contains(&p) {
                policies.push(p);
            }
        }
    }
    if check.is_blocked() {
        let protos: Vec<String> = check
            .blocked_protocols()
            .iter()
            .map(|p| format!("{p} 53"))
            .collect();
        return hop(
            "dns",
            HopVerdict::Denied,
            format!(
                "NetworkPolicy blocks DNS ({}) from the pod to CoreDNS: {name} does not resolve",
                protos.join(", ")
            ),
            policies,
        );
    }
    hop(
        "dns",
        HopVerdict::Allowed,
        format!(
            "{name} resolves through kube-dns ({} CoreDNS pod(s) ready and reachable on UDP/TCP 53)",
            dns_pods.len()
        ),
        policies,
    )
}

fn via_service(
    snap: &Snapshot,
    client: &PodEndpoint,
    svc: &Service,
    port: Option<u16>,
    protocol: Protocol,
    coverage_policies: bool,
    hops: &mut Vec<Hop>,
) {
    let ns = svc.metadata.namespace();
    let name = svc.metadata.name();
    let spec = svc.spec.as_ref();
    if svc.type_() == "ExternalName" {
        hops.push(hop(
            "service",
            HopVerdict::Unknown,
            format!(
                "ExternalName Service: a DNS alias for {} outside the cluster",
                spec.and_then(|s| s.external_name.as_deref()).unwrap_or("?")
            ),
            Vec::new(),
        ));
        return;
    }
    let ports: Vec<&crate::objects::ServicePort> = spec
        .and_then(|s| s.ports.as_ref())
        .into_iter()
        .flatten()
        .filter(|p| p.protocol() == protocol.as_str())
        .collect();
    let chosen = match port {
        Some(n) => ports.iter().find(|p| p.port == i32::from(n)).copied(),
        None => ports.first().copied(),
    };
    let Some(sp) = chosen else {
        let have: Vec<String> = ports.iter().map(|p| p.port.to_string()).collect();
        hops.push(hop(
            "service",
            HopVerdict::Denied,
            format!(
                "Service {ns}/{name} has no {protocol} port{} (it has: {})",
                port.map(|p| format!(" {p}")).unwrap_or_default(),
                if have.is_empty() {
                    "none".into()
                } else {
                    have.join(", ")
                }
            ),
            Vec::new(),
        ));
        return;
    };
    let cluster_ip = spec.and_then(|s| s.cluster_ip.as_deref()).unwrap_or("");
    if let Some(node) = client.node_name.as_deref()
        && !svc.is_headless()
        && let Some(proxy) = snap.pods_on(node).find(|p| {
            p.metadata.namespace() == "kube-system"
                && p.metadata.label("k8s-app") == Some("kube-proxy")
        })
        && !super::service::is_ready(proxy)
    {
        hops.push(hop(
            "service",
            HopVerdict::Denied,
            format!(
                "kube-proxy on the source's node {node} ({}) is not ready: the Service's ClusterIP rules there are missing or stale",
                proxy.metadata.name()
            ),
            Vec::new(),
        ));
        return;
    }
    hops.push(hop(
        "service",
        HopVerdict::Allowed,
        format!(
            "Service {ns}/{name} ({}{}) port {}/{protocol} → targetPort {}",
            svc.type_(),
            if cluster_ip.is_empty() {
                String::new()
            } else {
                format!(" {cluster_ip}")
            },
            sp.port,
            match &sp.target_port {
                Some(crate::objects::IntOrString::Int(n)) => n.to_string(),
                Some(crate::objects::IntOrString::String(s)) => s.to_string(),
                None => sp.port.to_string(),
            }
        ),
        Vec::new(),
    ));
    // Endpoints: the EndpointSlices' ready endpoints, mapped back to pods.
    let slices = snap.slices_of(ns, name);
    let mut ready_pods: Vec<&Pod> = Vec::new();
    let mut not_ready = 0;
    for e in slices.iter().flat_map(|s| s.endpoints.iter()) {
        if !e.is_ready() {
            not_ready += 1;
            continue;
        }
        if let Some(p) = e
            .target_ref
            .as_ref()
            .filter(|t| t.kind.as_deref() == Some("Pod"))
            .and_then(|t| snap.pods.find(ns, t.name.as_deref().unwrap_or("")))
        {
            ready_pods.push(p);
        }
    }
    if slices.is_empty() {
        // No slices listed: fall back on the selected ready pods.
        if let Some(sel) = spec
            .and_then(|s| s.selector.as_ref())
            .filter(|s| !s.is_empty())
        {
            ready_pods = snap
                .pods_in(ns)
                .filter(|p| super::service::selects(sel, p) && super::service::is_ready(p))
                .collect();
        }
    }
    if ready_pods.is_empty() {
        let why = if not_ready > 0 {
            format!(
                "{not_ready} endpoint(s), none ready: the pods behind it fail their readiness checks"
            )
        } else if slices.is_empty() && !snap.has_kind(Kind::EndpointSlice) {
            "no ready pod matches its selector (EndpointSlices were not listed)".to_string()
        } else {
            let matching = spec
                .and_then(|s| s.selector.as_ref())
                .filter(|s| !s.is_empty())
                .map(|sel| {
                    snap.pods_in(ns)
                        .filter(|p| super::service::selects(sel, p))
                        .filter(|p| super::net_policy::is_live(p))
                        .count()
                });
            match matching {
                Some(0) => "no endpoints: its selector matches no pod".to_string(),
                Some(n) => format!(
                    "no ready endpoint: its selector matches {n} pod(s), none of them ready"
                ),
                None => "no endpoints, and no selector to find pods by".to_string(),
            }
        };
        hops.push(hop("endpoints", HopVerdict::Denied, why, Vec::new()));
        return;
    }
    hops.push(hop(
        "endpoints",
        HopVerdict::Allowed,
        format!(
            "{} ready endpoint(s){}",
            ready_pods.len(),
            if not_ready > 0 {
                format!(", {not_ready} not ready")
            } else {
                String::new()
            }
        ),
        Vec::new(),
    ));
    // Policies, per endpoint: traffic is allowed when some endpoint admits it.
    let set = super::net_adapt::policies_of(snap, &[client.namespace.name.as_str(), ns]);
    let mut best: Option<(crate::netpolicy::Verdict, PodEndpoint, &Pod, u16)> = None;
    let mut no_port = Vec::new();
    for p in &ready_pods {
        let Some(tp) = target_port(sp, p) else {
            no_port.push(p.metadata.name().to_string());
            continue;
        };
        let dest = super::net_adapt::pod(snap, p);
        let v = set.evaluate(
            Endpoint::Pod(client),
            Endpoint::Pod(&dest),
            Traffic { port: tp, protocol },
        );
        let better = best
            .as_ref()
            .is_none_or(|(b, _, _, _)| !b.allowed && v.allowed);
        if better {
            best = Some((v, dest, p, tp));
        }
    }
    let Some((v, dest, pod, tp)) = best else {
        hops.push(hop(
            "destination",
            HopVerdict::Denied,
            format!(
                "named targetPort is declared by none of the endpoints' containers ({})",
                no_port.join(", ")
            ),
            Vec::new(),
        ));
        return;
    };
    push_policy_hops(&set, client, &dest, &v, coverage_policies, hops);
    hops.push(destination_hop(pod, tp, protocol));
}

fn to_pod(
    snap: &Snapshot,
    client: &PodEndpoint,
    dest: &Pod,
    port: u16,
    protocol: Protocol,
    coverage_policies: bool,
    hops: &mut Vec<Hop>,
) {
    let d = super::net_adapt::pod(snap, dest);
    let set = super::net_adapt::policies_of(
        snap,
        &[client.namespace.name.as_str(), dest.metadata.namespace()],
    );
    let v = set.evaluate(
        Endpoint::Pod(client),
        Endpoint::Pod(&d),
        Traffic { port, protocol },
    );
    push_policy_hops(&set, client, &d, &v, coverage_policies, hops);
    hops.push(destination_hop(dest, port, protocol));
}

fn push_policy_hops(
    set: &PolicySet,
    client: &PodEndpoint,
    dest: &PodEndpoint,
    v: &crate::netpolicy::Verdict,
    coverage_policies: bool,
    hops: &mut Vec<Hop>,
) {
    let from = Endpoint::Pod(client);
    let to = Endpoint::Pod(dest);
    hops.push(policy_hop(
        "egress",
        set,
        &v.egress,
        coverage_policies,
        String::new(),
        &from,
        &to,
        v,
    ));
    hops.push(policy_hop(
        "ingress",
        set,
        &v.ingress,
        coverage_policies,
        String::new(),
        &from,
        &to,
        v,
    ));
}

#[allow(clippy::too_many_arguments)]
fn policy_hop(
    name: &str,
    set: &PolicySet,
    side: &crate::netpolicy::SideVerdict,
    coverage_policies: bool,
    extra: String,
    from: &Endpoint<'_>,
    to: &Endpoint<'_>,
    v: &crate::netpolicy::Verdict,
) -> Hop {
    let permits = side.permits();
    let policies: Vec<String> = side.policies().iter().map(|p| p.to_string()).collect();
    if !coverage_policies {
        return hop(
            name,
            HopVerdict::Unknown,
            "NetworkPolicies could not be listed".into(),
            policies,
        );
    }
    let lines = set.explain(v, from, to);
    let wanted = if name == "egress" {
        "egress"
    } else {
        "ingress"
    };
    let mut detail = lines
        .iter()
        .find(|l| l.starts_with(&format!("{wanted} ")) || l.contains(&format!("by {wanted} polic")))
        .cloned()
        .unwrap_or_else(|| match side {
            crate::netpolicy::SideVerdict::NotIsolated => {
                format!("no NetworkPolicy selects this end for {wanted}: allowed")
            }
            crate::netpolicy::SideVerdict::NotApplicable => {
                format!("not a pod: no {wanted} policy applies")
            }
            _ => lines.join("; "),
        });
    if !extra.is_empty() {
        detail = format!("{detail} ({extra})");
    }
    hop(
        name,
        if permits {
            HopVerdict::Allowed
        } else {
            HopVerdict::Denied
        },
        detail,
        policies,
    )
}

fn destination_hop(pod: &Pod, port: u16, protocol: Protocol) -> Hop {
    let name = format!("{}/{}", pod.metadata.namespace(), pod.metadata.name());
    if !is_running(pod) {
        return hop(
            "destination",
            HopVerdict::Denied,
            format!("pod {name} is not running"),
            Vec::new(),
        );
    }
    if !super::service::is_ready(pod) {
        return hop(
            "destination",
            HopVerdict::Denied,
            format!("pod {name} is not Ready (its readiness check fails)"),
            Vec::new(),
        );
    }
    let declared: Vec<(i32, &str)> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| (p.container_port, p.protocol()))
        .collect();
    if declared.is_empty() {
        return hop(
            "destination",
            HopVerdict::Allowed,
            format!(
                "pod {name} is Ready; it declares no ports, so whether it listens on {protocol} {port} cannot be seen"
            ),
            Vec::new(),
        );
    }
    if declared
        .iter()
        .any(|(p, pr)| *p == i32::from(port) && *pr == protocol.as_str())
    {
        hop(
            "destination",
            HopVerdict::Allowed,
            format!("pod {name} is Ready and declares containerPort {port}/{protocol}"),
            Vec::new(),
        )
    } else {
        // Declared containerPorts are informational: a process may listen on any port, so an
        // undeclared one is not a refusal, only unconfirmed.
        let have: Vec<String> = declared.iter().map(|(p, pr)| format!("{p}/{pr}")).collect();
        hop(
            "destination",
            HopVerdict::Allowed,
            format!(
                "pod {name} is Ready; nothing is declared on {port}/{protocol} (it declares {}), \
                 so the connection may be refused if nothing listens there (declared ports are \
                 informational)",
                have.join(", ")
            ),
            Vec::new(),
        )
    }
}
