//! What a Service's type asks for and did not get (§NET X3, X6, X7): a LoadBalancer without
//! an address (and how long it has waited), NodePorts outside the API server's range, an
//! ExternalName that is not a DNS name, `externalTrafficPolicy: Local` on a NodePort with
//! nodes that have no local endpoint, session-affinity settings that do nothing, and headless
//! Services publishing not-ready addresses while some are not ready.

use crate::objects::{Kind, Service};

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj, secs_since};
use crate::findings::{Finding, Severity};

/// How long a new LoadBalancer may wait for its address before it is reported.
const LB_GRACE_SECS: i64 = 120;
/// The API server's default `--service-node-port-range`.
const DEFAULT_NODE_PORTS: (i32, i32) = (30000, 32767);

pub fn check(ctx: &Ctx, svc: &Service, out: &mut Vec<Finding>) {
    let Some(spec) = svc.spec.as_ref() else {
        return;
    };
    match svc.type_() {
        "LoadBalancer" => out.extend(load_balancer(ctx, svc)),
        "ExternalName" => out.extend(external_name(svc, spec.external_name.as_deref())),
        _ => {}
    }
    if matches!(svc.type_(), "NodePort" | "LoadBalancer") {
        out.extend(node_port_range_check(ctx, svc));
        out.extend(local_policy(ctx, svc));
    }
    out.extend(affinity(svc));
    out.extend(publish_not_ready(ctx, svc));
}

fn load_balancer(ctx: &Ctx, svc: &Service) -> Option<Finding> {
    let has_address = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|i| !i.is_empty());
    if has_address {
        return None;
    }
    let waited = svc
        .metadata
        .creation_timestamp
        .map(|t| secs_since(t.ts(), ctx.now()))?;
    if waited < LB_GRACE_SECS {
        return None;
    }
    let o = obj("Service", &svc.metadata);
    let nsf = ns_flag(&o.namespace);
    let class = svc
        .spec
        .as_ref()
        .and_then(|s| s.load_balancer_class.as_deref());
    let mut f = net(
        "service-lb-no-address",
        Severity::Warning,
        o.clone(),
        format!(
            "LoadBalancer has had no external address for {}",
            crate::model::age::format_seconds(waited)
        ),
    )
    .explain(
        "A LoadBalancer Service gets its address from a load-balancer controller: the cloud \
         provider's controller manager, or on bare metal an add-on such as MetalLB. None has \
         answered, so `EXTERNAL-IP` stays <pending> and nothing outside the cluster can reach \
         it through a load balancer (its NodePorts still work).",
    )
    .with(
        "created",
        svc.metadata
            .creation_timestamp
            .map(|t| t.ts().to_string())
            .unwrap_or_default(),
    );
    if let Some(c) = class {
        f = f.with("spec.loadBalancerClass", c.to_string());
    }
    Some(
        f.events(ctx, &[], true)
            .step(format!("kubectl describe service {}{nsf}", o.name))
            .step("kubectl get pods -A -o wide | grep -i -E 'cloud-controller|metallb|load-?balancer'")
            .step(format!(
                "kubectl get service {}{nsf} -o jsonpath='{{.spec.ports[*].nodePort}}'   (reach it through a NodePort meanwhile)",
                o.name
            )),
    )
}

/// RFC 1123 subdomain, as the API server validates `externalName`.
fn is_dns_subdomain(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn external_name(svc: &Service, name: Option<&str>) -> Option<Finding> {
    let name = name.unwrap_or("");
    let is_ip = name.parse::<std::net::IpAddr>().is_ok();
    if is_dns_subdomain(name) && !is_ip {
        return None;
    }
    let o = obj("Service", &svc.metadata);
    let why = if name.is_empty() {
        "externalName is empty".to_string()
    } else if is_ip {
        format!("externalName {name} is an IP address, not a DNS name")
    } else {
        format!("externalName {name:?} is not a DNS name")
    };
    Some(
        net(
            "service-externalname-invalid",
            Severity::Error,
            o.clone(),
            why,
        )
        .explain(
            "An ExternalName Service is a DNS CNAME: cluster DNS answers its name with \
                 `externalName`, which must be a host name (no scheme, port or path). An IP \
                 address becomes a CNAME to a name that does not resolve; for an IP use a \
                 Service without selector and an EndpointSlice.",
        )
        .with("spec.externalName", name.to_string())
        .step(format!(
            "kubectl edit service {}{}   (set spec.externalName to a host name)",
            o.name,
            ns_flag(&o.namespace)
        )),
    )
}

/// The node-port range from the API server's flag, when its static pod is visible.
fn node_port_range(ctx: &Ctx) -> (i32, i32) {
    let flag = "--service-node-port-range=";
    ctx.snap
        .pods_with_label("kube-system", "component", "kube-apiserver")
        .filter_map(|p| p.spec.as_ref())
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.command.iter().flatten().chain(c.args.iter().flatten()))
        .find_map(|a| a.strip_prefix(flag))
        .and_then(|r| {
            let (lo, hi) = r.split_once('-')?;
            Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?))
        })
        .unwrap_or(DEFAULT_NODE_PORTS)
}

fn node_port_range_check(ctx: &Ctx, svc: &Service) -> Option<Finding> {
    let (lo, hi) = node_port_range(ctx);
    let bad: Vec<String> = svc
        .spec
        .as_ref()?
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.node_port)
        .filter(|n| *n != 0 && (*n < lo || *n > hi))
        .map(|n| n.to_string())
        .collect();
    if bad.is_empty() {
        return None;
    }
    let o = obj("Service", &svc.metadata);
    Some(
        net(
            "service-nodeport-out-of-range",
            Severity::Warning,
            o.clone(),
            format!(
                "nodePort {} outside the node-port range {lo}-{hi}",
                bad.join(", ")
            ),
        )
        .explain(
            "The API server allocates and accepts NodePorts only inside its \
             --service-node-port-range; a port outside it was set before the range changed, \
             or the object did not come from this API server. Clients told to use it may find \
             nothing listening.",
        )
        .step(format!(
            "kubectl get service {}{} -o yaml",
            o.name,
            ns_flag(&o.namespace)
        )),
    )
}

/// `externalTrafficPolicy: Local`: nodes without a ready local endpoint drop the traffic
/// that arrives on their NodePort. Load balancers avoid such nodes via the health-check
/// port, so only plain NodePort Services are reported.
fn local_policy(ctx: &Ctx, svc: &Service) -> Option<Finding> {
    let spec = svc.spec.as_ref()?;
    if spec.external_traffic_policy.as_deref() != Some("Local")
        || svc.type_() != "NodePort"
        || !ctx.snap.has_kind(Kind::EndpointSlice)
        || !ctx.snap.has_kind(Kind::Node)
    {
        return None;
    }
    let slices = ctx
        .snap
        .slices_of(svc.metadata.namespace(), svc.metadata.name());
    let mut with_endpoint: Vec<&str> = slices
        .iter()
        .flat_map(|s| s.endpoints.iter())
        .filter(|e| e.is_ready())
        .filter_map(|e| e.node_name.as_deref())
        .collect();
    with_endpoint.sort_unstable();
    with_endpoint.dedup();
    if with_endpoint.is_empty() {
        // No ready endpoint at all: the Service chain reports that.
        return None;
    }
    let without: Vec<&str> = ctx
        .snap
        .nodes
        .iter()
        .map(|n| n.metadata.name())
        .filter(|n| !with_endpoint.contains(n))
        .collect();
    if without.is_empty() {
        return None;
    }
    let o = obj("Service", &svc.metadata);
    Some(
        net(
            "service-local-policy-no-endpoints",
            Severity::Warning,
            o.clone(),
            format!(
                "externalTrafficPolicy Local: {} of {} nodes have no local endpoint and drop NodePort traffic",
                without.len(),
                without.len() + with_endpoint.len()
            ),
        )
        .explain(
            "With externalTrafficPolicy: Local, kube-proxy sends NodePort traffic only to \
             endpoints on the node it arrived at, to keep the client's source address. A node \
             with no ready endpoint of the Service drops it, so clients reaching those nodes \
             time out.",
        )
        .with("nodes without endpoints", without.join(", "))
        .with("nodes with endpoints", with_endpoint.join(", "))
        .step(format!(
            "kubectl get endpointslices{} -l kubernetes.io/service-name={} -o wide",
            ns_flag(&o.namespace),
            o.name
        ))
        .step(format!(
            "kubectl patch service {}{} -p '{{\"spec\":{{\"externalTrafficPolicy\":\"Cluster\"}}}}'   (if the source address does not matter)",
            o.name,
            ns_flag(&o.namespace)
        )),
    )
}

fn affinity(svc: &Service) -> Option<Finding> {
    let spec = svc.spec.as_ref()?;
    if spec.session_affinity.as_deref() != Some("ClientIP") {
        return None;
    }
    let timeout = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.client_ip.as_ref())
        .and_then(|c| c.timeout_seconds);
    let problem = if svc.is_headless() {
        Some(
            "sessionAffinity ClientIP on a headless Service does nothing (no proxying)".to_string(),
        )
    } else if svc.type_() == "ExternalName" {
        Some("sessionAffinity ClientIP on an ExternalName Service does nothing".to_string())
    } else {
        timeout
            .filter(|t| *t <= 0 || *t > 86400)
            .map(|t| format!("sessionAffinity timeoutSeconds {t} outside 1-86400"))
    }?;
    let o = obj("Service", &svc.metadata);
    Some(
        net(
            "service-session-affinity",
            Severity::Info,
            o.clone(),
            problem,
        )
        .explain(
            "Session affinity is applied by kube-proxy when it picks an endpoint for a \
                 ClusterIP/NodePort/LoadBalancer Service. Clients relying on sticky sessions \
                 here get none.",
        )
        .step(format!(
            "kubectl get service {}{} -o yaml",
            o.name,
            ns_flag(&o.namespace)
        )),
    )
}

fn publish_not_ready(ctx: &Ctx, svc: &Service) -> Option<Finding> {
    let spec = svc.spec.as_ref()?;
    if !svc.is_headless() || spec.publish_not_ready_addresses != Some(true) {
        return None;
    }
    let slices = ctx
        .snap
        .slices_of(svc.metadata.namespace(), svc.metadata.name());
    let not_ready: Vec<String> = slices
        .iter()
        .flat_map(|s| s.endpoints.iter())
        .filter(|e| {
            e.conditions
                .as_ref()
                .and_then(|c| c.serving)
                .is_some_and(|s| !s)
        })
        .map(|e| {
            e.target_ref
                .as_ref()
                .and_then(|t| t.name.as_deref())
                .map(str::to_string)
                .unwrap_or_else(|| e.addresses.join(","))
        })
        .collect();
    if not_ready.is_empty() {
        return None;
    }
    let o = obj("Service", &svc.metadata);
    Some(
        net(
            "service-publishes-not-ready",
            Severity::Info,
            o.clone(),
            format!(
                "headless Service publishes {} not-ready pod address(es) in DNS",
                not_ready.len()
            ),
        )
        .explain(
            "publishNotReadyAddresses makes DNS return every pod, ready or not (meant for \
             StatefulSet peer discovery). Clients that use this name for ordinary traffic \
             reach pods that fail their readiness checks.",
        )
        .with("not-ready pods", not_ready.join(", "))
        .step(format!(
            "kubectl get endpointslices{} -l kubernetes.io/service-name={} -o yaml",
            ns_flag(&o.namespace),
            o.name
        )),
    )
}

/// Two Services on one NodePort and protocol (the API server refuses that, so it shows up in
/// dumps merged from several clusters or objects applied behind its back). A cluster check:
/// one pass over the Services.
pub fn check_node_port_clashes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut by_port: std::collections::BTreeMap<(i32, String), Vec<&Service>> =
        std::collections::BTreeMap::new();
    for svc in ctx.snap.services.iter() {
        if !matches!(svc.type_(), "NodePort" | "LoadBalancer") {
            continue;
        }
        for p in svc.spec.iter().flat_map(|s| s.ports.iter().flatten()) {
            if let Some(n) = p.node_port.filter(|n| *n != 0) {
                let users = by_port.entry((n, p.protocol().to_string())).or_default();
                if !users.iter().any(|s| std::ptr::eq(*s, svc)) {
                    users.push(svc);
                }
            }
        }
    }
    for ((port, proto), users) in by_port {
        if users.len() < 2 {
            continue;
        }
        let names: Vec<String> = users
            .iter()
            .map(|s| format!("{}/{}", s.metadata.namespace(), s.metadata.name()))
            .collect();
        for svc in &users {
            let o = obj("Service", &svc.metadata);
            out.push(
                net(
                    "service-nodeport-clash",
                    Severity::Error,
                    o.clone(),
                    format!("nodePort {port}/{proto} is also used by another Service"),
                )
                .explain(
                    "A NodePort belongs to one Service: kube-proxy programs one capture rule \
                     per node port, so traffic for one of these Services reaches the other.",
                )
                .with("Services on this port", names.join(", "))
                .step(format!("kubectl get services -A -o wide | grep {port}")),
            );
        }
    }
}
