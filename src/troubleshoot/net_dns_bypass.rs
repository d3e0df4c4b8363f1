//! Pods that bypass cluster DNS (§NET X7.7), from the kubelet's rules for `dnsPolicy`: a
//! `hostNetwork` pod with `ClusterFirst` (the default) gets the node's resolv.conf, not the
//! cluster's DNS (only `ClusterFirstWithHostNet` gives it cluster DNS), so Service names do
//! not resolve in it; `None` with nameservers that are not the cluster DNS Service resolves
//! only through them. One finding per owning workload (its pods counted); a DaemonSet's is
//! info (node agents rarely need in-cluster names). System
//! namespaces, network agents and static pods use the node's DNS on purpose and are skipped.

use std::collections::BTreeMap;

use crate::objects::Pod;

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj};
use super::net_dns::dns_service;
use crate::findings::{Finding, Severity};

/// Namespaces whose host-network pods use the node's DNS on purpose.
const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-flannel",
    "calico-system",
    "tigera-operator",
];

/// How a pod bypasses cluster DNS.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bypass {
    /// hostNetwork with ClusterFirst: silently the node's resolver.
    HostNetwork,
    /// dnsPolicy None with nameservers other than the cluster DNS Service.
    OwnNameservers,
}

fn bypass(pod: &Pod, cluster_dns: &[String]) -> Option<(Bypass, String)> {
    let spec = pod.spec.as_ref()?;
    let policy = spec.dns_policy.as_deref().unwrap_or("ClusterFirst");
    if spec.host_network == Some(true) && policy == "ClusterFirst" {
        return Some((Bypass::HostNetwork, String::new()));
    }
    if policy == "None" {
        let servers: Vec<String> = spec
            .dns_config
            .as_ref()
            .and_then(|c| c.nameservers.as_ref())
            .into_iter()
            .flatten()
            .map(|s| s.to_string())
            .collect();
        let knows_cluster = servers.iter().any(|s| cluster_dns.contains(s));
        if !servers.is_empty() && !knows_cluster && !cluster_dns.is_empty() {
            return Some((Bypass::OwnNameservers, servers.join(", ")));
        }
    }
    None
}

fn skipped(pod: &Pod) -> bool {
    let m = &pod.metadata;
    SYSTEM_NAMESPACES.contains(&m.namespace())
        || m.annotation("kubernetes.io/config.mirror").is_some()
        || m.controller().is_some_and(|o| o.kind == "Node")
        || super::node_pods::agent_name(pod).is_some()
        || m.deletion_timestamp.is_some()
        || matches!(
            pod.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded") | Some("Failed")
        )
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let cluster_dns: Vec<String> = dns_service(ctx)
        .and_then(|s| s.spec.as_ref())
        .map(|s| {
            s.cluster_ips
                .iter()
                .flatten()
                .map(|ip| ip.to_string())
                .chain(s.cluster_ip.iter().map(|ip| ip.to_string()))
                .collect()
        })
        .unwrap_or_default();
    // (namespace, owner or pod name, kind of bypass) → the pods.
    let mut groups: BTreeMap<(String, String, Bypass), (Vec<&Pod>, String)> = BTreeMap::new();
    // Only pods on the host network or with dnsPolicy None can bypass (the snapshot keeps
    // them apart: a large cluster has few).
    let pods = ctx.snap.pods_with_own_dns().into_iter().filter(|p| {
        ctx.opts
            .namespace
            .as_deref()
            .is_none_or(|ns| p.metadata.namespace() == ns)
    });
    for pod in pods {
        let Some((how, servers)) = bypass(pod, &cluster_dns) else {
            continue;
        };
        if skipped(pod) {
            continue;
        }
        let owner = pod
            .metadata
            .controller()
            .map(|o| format!("{} {}", o.kind, o.name))
            .unwrap_or_else(|| format!("Pod {}", pod.metadata.name()));
        let entry = groups
            .entry((pod.metadata.namespace().to_string(), owner, how))
            .or_insert_with(|| (Vec::new(), servers));
        entry.0.push(pod);
    }
    for ((_, owner, how), (pods, servers)) in groups {
        out.push(finding(&pods, &owner, how, &servers));
    }
}

fn finding(pods: &[&Pod], owner: &str, how: Bypass, servers: &str) -> Finding {
    let first = pods[0];
    let o = obj("Pod", &first.metadata);
    let nsf = ns_flag(&o.namespace);
    let more = if pods.len() > 1 {
        format!(" (and {} more pod(s) of {owner})", pods.len() - 1)
    } else {
        String::new()
    };
    match how {
        Bypass::HostNetwork => net(
            "pod-dns-bypass",
            // Node agents (DaemonSets) on the host network often need no in-cluster names.
            if owner.starts_with("DaemonSet ") {
                Severity::Info
            } else {
                Severity::Warning
            },
            o.clone(),
            format!(
                "hostNetwork with dnsPolicy ClusterFirst: it uses the node's DNS, so Service names do not resolve{more}"
            ),
        )
        .explain(
            "For a pod on the host network the kubelet treats dnsPolicy ClusterFirst as Default: \
             the pod gets the node's /etc/resolv.conf, not the cluster DNS Service, and names \
             such as db.prod.svc.cluster.local fail to resolve. Only dnsPolicy \
             ClusterFirstWithHostNet gives a host-network pod cluster DNS.",
        )
        .with("hostNetwork", "true")
        .with("dnsPolicy", "ClusterFirst (the default)")
        .with("owner", owner.to_string())
        .step(format!(
            "kubectl exec {}{nsf} -- cat /etc/resolv.conf   (the node's resolver, not the cluster's)",
            o.name
        ))
        .step(format!(
            "set dnsPolicy: ClusterFirstWithHostNet in the pod template of {owner}"
        )),
        Bypass::OwnNameservers => net(
            "pod-dns-bypass",
            Severity::Info,
            o.clone(),
            format!(
                "dnsPolicy None resolves only through {servers}, not the cluster DNS: Service names do not resolve{more}"
            ),
        )
        .explain(
            "With dnsPolicy None the pod's resolv.conf holds only its dnsConfig. None of its \
             nameservers is the cluster DNS Service, so in-cluster names do not resolve from \
             it. That may be intended (a pod that talks only to the outside).",
        )
        .with("dnsPolicy", "None")
        .with("dnsConfig.nameservers", servers.to_string())
        .with("owner", owner.to_string())
        .step(format!(
            "kubectl get pod {}{nsf} -o jsonpath='{{.spec.dnsConfig}}'",
            o.name
        )),
    }
}
