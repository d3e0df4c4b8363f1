//! The packet path on this node against the cluster (§NET, issue 15's walk): kube-proxy's
//! iptables rules (`KUBE-SERVICES` → `KUBE-SVC-…` → `KUBE-SEP-…` DNAT, and the filter REJECTs)
//! compared with the Services and ready EndpointSlice endpoints of a cluster dump (`kmedic
//! node --scenario`). Reported: DNAT targets that are no ready endpoint, ready endpoints no rule
//! leads to, a Service port with ready endpoints and no capture (or a REJECT "has no
//! endpoints"), and rules of Services that no longer exist. Only Service ports with a cluster IP
//! are judged; nothing is said when the dump holds no Services or kube-proxy has no chains here.
//! Where kube-proxy programs only a subset on purpose (`internalTrafficPolicy: Local`, topology
//! hints), ready endpoints without a rule are not reported.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{ev, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::kubeproxy::{KubeProxyRules, service_port_name};
use crate::node::model::NodeData;

/// One Service port as the API describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiServicePort {
    pub namespace: String,
    pub name: String,
    /// `namespace/name:port`, as kube-proxy names it.
    pub service_port: String,
    pub cluster_ip: String,
    pub port: u16,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// Ready endpoints, `ip:port`, from the Service's EndpointSlices.
    pub ready: BTreeSet<String>,
    /// kube-proxy programs only some of them on a node: `internalTrafficPolicy: Local`, or
    /// topology hints (endpoints of the node's zone). Then a ready endpoint without a rule
    /// is not a fault.
    pub subset: bool,
    /// The port's `nodePort` (NodePort and LoadBalancer Services; absent with
    /// `allocateLoadBalancerNodePorts: false`).
    pub node_port: Option<u16>,
    /// The Service's external IPs and load-balancer ingress IPs (IPVS programs a virtual
    /// server on each).
    pub external_ips: Vec<String>,
}

/// The Service ports of a dump with a cluster IP; `None` when it lists no Service at all.
pub fn from_objects<'a>(
    objects: impl IntoIterator<Item = &'a Value>,
) -> Option<Vec<ApiServicePort>> {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let mut services = Vec::new();
    let mut slices = Vec::new();
    for v in objects {
        match v.get("kind").and_then(Value::as_str) {
            Some("Service") => services.push(v),
            Some("EndpointSlice") => slices.push(v),
            _ => {}
        }
    }
    if services.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for svc in services {
        let meta = svc.get("metadata");
        let ns = s(meta.and_then(|m| m.get("namespace")));
        let name = s(meta.and_then(|m| m.get("name")));
        let spec = svc.get("spec");
        let cluster_ip = s(spec.and_then(|sp| sp.get("clusterIP")));
        if cluster_ip.is_empty() || cluster_ip == "None" {
            continue;
        }
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let mut external_ips = strings(spec.and_then(|sp| sp.get("externalIPs")));
        external_ips.extend(
            svc.get("status")
                .and_then(|st| st.get("loadBalancer"))
                .and_then(|lb| lb.get("ingress"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|i| i.get("ip").and_then(Value::as_str))
                .map(str::to_string),
        );
        for p in spec
            .and_then(|sp| sp.get("ports"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let port_name = s(p.get("name"));
            let port = p.get("port").and_then(Value::as_u64).unwrap_or(0);
            let protocol = p
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP")
                .to_string();
            let mut ready = BTreeSet::new();
            let mut subset = s(spec.and_then(|sp| sp.get("internalTrafficPolicy"))) == "Local";
            for slice in slices.iter().filter(|sl| {
                let m = sl.get("metadata");
                s(m.and_then(|m| m.get("namespace"))) == ns
                    && s(m
                        .and_then(|m| m.get("labels"))
                        .and_then(|l| l.get("kubernetes.io/service-name")))
                        == name
            }) {
                let Some(target) = slice
                    .get("ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|sp| s(sp.get("name")) == port_name)
                    .and_then(|sp| sp.get("port"))
                    .and_then(Value::as_u64)
                else {
                    continue;
                };
                for e in slice
                    .get("endpoints")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    // A nil ready condition means ready, per the API.
                    let is_ready = e
                        .get("conditions")
                        .and_then(|c| c.get("ready"))
                        .and_then(Value::as_bool)
                        .unwrap_or(true);
                    if !is_ready {
                        continue;
                    }
                    subset |= e.get("hints").is_some_and(|h| !h.is_null());
                    for a in e
                        .get("addresses")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        ready.insert(format!("{a}:{target}"));
                    }
                }
            }
            out.push(ApiServicePort {
                service_port: service_port_name(&ns, &name, &port_name),
                namespace: ns.clone(),
                name: name.clone(),
                cluster_ip: cluster_ip.clone(),
                port: u16::try_from(port).unwrap_or(0),
                protocol,
                ready,
                subset,
                node_port: p
                    .get("nodePort")
                    .and_then(Value::as_u64)
                    .and_then(|n| u16::try_from(n).ok())
                    .filter(|n| *n > 0),
                external_ips: external_ips.clone(),
            });
        }
    }
    Some(out)
}

/// IPVS names no Service: the virtual services on a Service port's cluster IP, port and
/// protocol are that port's captures; the others (node IPs of NodePorts, external IPs) are
/// not judged.
fn name_virtual_services(rules: &mut KubeProxyRules, api: &[ApiServicePort]) {
    for s in &mut rules.services {
        if let Some(p) = api.iter().find(|p| {
            p.cluster_ip == s.address
                && p.port == s.port
                && p.protocol.eq_ignore_ascii_case(&s.protocol)
        }) {
            s.service_port = p.service_port.clone();
            s.capture = "cluster IP".to_string();
        }
    }
    rules.services.retain(|s| !s.service_port.is_empty());
}

/// How to look at one Service port's rules on the node, in kube-proxy's mode.
fn inspect_step(rules: &KubeProxyRules, p: &ApiServicePort, node: &str) -> String {
    match rules.mode.as_str() {
        "nftables" => format!(
            "nft list table ip kube-proxy | grep '{}/{}/'   (on {node}; ip6 for IPv6)",
            p.namespace, p.name
        ),
        "ipvs" => format!(
            "ipvsadm -Ln {} {}:{}   (on {node})",
            if p.protocol.eq_ignore_ascii_case("UDP") {
                "-u"
            } else {
                "-t"
            },
            p.cluster_ip,
            p.port
        ),
        _ => format!("iptables-save | grep '{}'   (on {node})", p.service_port),
    }
}

fn service(service_port: &str) -> ObjectRef {
    let (ns, rest) = service_port.split_once('/').unwrap_or(("", service_port));
    ObjectRef::new("Service", ns, rest.split(':').next().unwrap_or(rest))
}

pub fn check(data: &NodeData, api: Option<&[ApiServicePort]>) -> Vec<Finding> {
    let (Some(mut rules), Some(api)) = (crate::node::kubeproxy_mode::rules(data), api) else {
        return Vec::new();
    };
    if rules.mode == "ipvs" {
        name_virtual_services(&mut rules, api);
    }
    let node = data.node_name.as_deref().unwrap_or("this node");
    let mut out = Vec::new();
    let by_name: BTreeMap<&str, &ApiServicePort> =
        api.iter().map(|p| (p.service_port.as_str(), p)).collect();
    for p in api {
        out.extend(compare(&rules, p, node));
    }
    // Rules of Service ports the API no longer has.
    let mut stale: Vec<&str> = rules
        .services
        .iter()
        .map(|s| s.service_port.as_str())
        .filter(|s| !by_name.contains_key(s))
        .collect();
    stale.sort_unstable();
    stale.dedup();
    for sp in stale {
        let mut f = finding(
            Pane::Network,
            "kube-proxy-rules-for-deleted-service",
            Severity::Warning,
            service(sp),
            format!(
                "kube-proxy on {node} still has rules for {sp}, but the Service no longer exists"
            ),
            "kube-proxy removes a Service's chains when it sees the deletion. Rules left behind mean kube-proxy on this node stopped syncing (not running, or cut off from the API server), so the node's other Service rules may be stale too; its cluster IP may also have been given to another Service.",
        );
        for r in rules.service(sp) {
            f.evidence.push(ev(
                format!("{} rules", rules.mode),
                format!("{} {}:{} -> {}", r.capture, r.address, r.port, r.chain),
            ));
        }
        f.next_steps = vec![
            "kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide".into(),
            format!(
                "kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50   (the pod on {node})"
            ),
        ];
        out.push(f);
    }
    out
}

fn compare(rules: &KubeProxyRules, p: &ApiServicePort, node: &str) -> Option<Finding> {
    let sp = p.service_port.as_str();
    let captures: Vec<_> = rules
        .service(sp)
        .filter(|r| r.capture.starts_with("cluster IP"))
        .collect();
    let rejected = rules
        .rejects
        .iter()
        .any(|r| r.service_port == sp && r.target == "REJECT");
    let steps = vec![
        format!(
            "kubectl -n {} get endpointslices -l kubernetes.io/service-name={} -o wide",
            p.namespace, p.name
        ),
        inspect_step(rules, p, node),
        "kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide   (is the one on this node running and syncing?)".to_string(),
    ];
    let explanation = "kube-proxy turns each Service port's ready endpoints into rules on every node (iptables, nftables or IPVS, by its mode). When the rules disagree with the EndpointSlices, kube-proxy on this node has not synced: it is not running, cannot reach the API server, or fails to apply rules (its log says which).";
    if p.ready.is_empty() {
        return None;
    }
    if captures.is_empty() {
        let (check, summary) = if rejected {
            (
                "kube-proxy-rules-stale",
                format!(
                    "kube-proxy on {node} rejects {sp} as having no endpoints, but the API lists {} ready",
                    p.ready.len()
                ),
            )
        } else {
            (
                "kube-proxy-service-missing",
                format!(
                    "kube-proxy on {node} has no rule for {sp} ({}:{}), which has {} ready endpoint(s)",
                    p.cluster_ip,
                    p.port,
                    p.ready.len()
                ),
            )
        };
        let mut f = finding(
            Pane::Network,
            check,
            Severity::Error,
            service(sp),
            summary,
            explanation,
        );
        f.evidence.push(ev("ready endpoints (API)", join(&p.ready)));
        f.next_steps = steps;
        return Some(f);
    }
    let in_rules: BTreeSet<String> = captures
        .iter()
        .flat_map(|c| c.endpoints.iter())
        .filter_map(|e| e.destination.clone())
        .collect();
    let unknown: BTreeSet<String> = in_rules.difference(&p.ready).cloned().collect();
    let missing: BTreeSet<String> = if p.subset {
        BTreeSet::new()
    } else {
        p.ready.difference(&in_rules).cloned().collect()
    };
    if unknown.is_empty() && missing.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("no rule leads to {}", join(&missing)));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "it DNATs to {}, which is no ready endpoint",
            join(&unknown)
        ));
    }
    let mut f = finding(
        Pane::Network,
        "kube-proxy-rules-stale",
        Severity::Error,
        service(sp),
        format!(
            "kube-proxy on {node} sends {sp} to {} endpoint(s) while the API lists {} ready: {}",
            in_rules.len(),
            p.ready.len(),
            parts.join("; ")
        ),
        explanation,
    );
    f.evidence.push(ev("ready endpoints (API)", join(&p.ready)));
    f.evidence.push(ev(
        format!("DNAT targets ({})", rules.mode),
        join(&in_rules),
    ));
    for c in &captures {
        for e in &c.endpoints {
            f.evidence.push(ev(
                format!("{} rules", rules.mode),
                format!(
                    "{} -> {} -> {}",
                    c.chain,
                    e.chain,
                    e.destination.as_deref().unwrap_or("(no DNAT)")
                ),
            ));
        }
    }
    f.next_steps = steps;
    Some(f)
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::from_objects;
    use serde_json::json;

    #[test]
    fn ready_endpoints_by_port_and_the_subsets_kube_proxy_programs() {
        let svc = |policy: &str| {
            json!({"kind": "Service", "metadata": {"name": "web", "namespace": "prod"},
                "spec": {"clusterIP": "10.96.0.5", "internalTrafficPolicy": policy,
                    "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
        };
        let slice = |hints: bool| {
            let mut e = json!({"addresses": ["10.244.1.5"], "conditions": {"ready": true}});
            if hints {
                e["hints"] = json!({"forZones": [{"name": "zone-a"}]});
            }
            json!({"kind": "EndpointSlice",
                "metadata": {"name": "web-x", "namespace": "prod",
                    "labels": {"kubernetes.io/service-name": "web"}},
                "ports": [{"name": "http", "port": 8080}],
                "endpoints": [e, {"addresses": ["10.244.2.6"], "conditions": {"ready": false}}]})
        };
        let ports = from_objects([&svc("Cluster"), &slice(false)]).unwrap();
        assert_eq!(ports[0].service_port, "prod/web:http");
        assert_eq!(
            ports[0].ready.iter().cloned().collect::<Vec<_>>(),
            vec!["10.244.1.5:8080"]
        );
        assert!(!ports[0].subset);
        assert!(from_objects([&svc("Local"), &slice(false)]).unwrap()[0].subset);
        assert!(from_objects([&svc("Cluster"), &slice(true)]).unwrap()[0].subset);
        assert!(from_objects([&slice(false)]).is_none(), "no Service listed");
    }
}
