//! The kubelet's DNS settings for pods: `clusterDNS` and `clusterDomain` set, and `resolvConf`
//! not the systemd-resolved stub (127.0.0.53), which makes CoreDNS forward to itself (its
//! `loop` plugin then stops it). The values are also in [`crate::node::model`] for comparing
//! with the `kube-dns` Service.

use super::{ev, file, finding, node};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;

pub fn check(data: &NodeData) -> Vec<Finding> {
    let k = &data.kubelet;
    if k.config_file.is_none() || k.config_error.is_some() {
        return Vec::new();
    }
    let config = k.config_file.as_deref();
    let s = &k.settings;
    let mut out = Vec::new();
    if let Some(resolv) = &data.resolv_conf {
        let stub: Vec<&String> = resolv
            .nameservers
            .iter()
            .filter(|n| n.starts_with("127."))
            .collect();
        if !stub.is_empty() {
            let mut f = finding(
                Pane::Network,
                "kubelet-resolv-conf-loopback",
                Severity::Warning,
                file(&resolv.path),
                format!(
                    "the kubelet gives pods {} whose nameserver is a loopback address ({})",
                    resolv.path,
                    stub.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "CoreDNS forwards unknown names to the nameservers of this file. A loopback address is CoreDNS's own pod, so it forwards to itself: its loop plugin stops it (`plugin/loop: Loop … detected`) and DNS fails in the cluster.",
            );
            f.evidence = vec![ev(
                "resolvConf",
                format!(
                    "{} ({})",
                    s.resolv_conf.value,
                    s.resolv_conf.source.describe(config)
                ),
            )];
            f.next_steps = vec![
                "set resolvConf: /run/systemd/resolve/resolv.conf in the kubelet's config, then systemctl restart kubelet".into(),
                "kubectl -n kube-system rollout restart deployment coredns".into(),
            ];
            out.push(f);
        }
    } else if !s.resolv_conf.value.is_empty()
        && data.path_exists(&s.resolv_conf.value) == Some(false)
    {
        let mut f = finding(
            Pane::Network,
            "kubelet-resolv-conf-missing",
            Severity::Error,
            file(&s.resolv_conf.value),
            format!(
                "the kubelet's resolvConf {} does not exist",
                s.resolv_conf.value
            ),
            "The kubelet builds every pod's /etc/resolv.conf from this file; pods on this node fail to start or get no upstream DNS.",
        );
        f.next_steps = vec!["ls -l /etc/resolv.conf /run/systemd/resolve/resolv.conf".into()];
        out.push(f);
    }
    if s.cluster_dns.value.is_empty() {
        let mut f = finding(
            Pane::Network,
            "kubelet-cluster-dns-unset",
            Severity::Warning,
            node(data),
            "the kubelet has no clusterDNS, so pods get the node's DNS servers, not CoreDNS",
            "Pods with dnsPolicy ClusterFirst are given clusterDNS as their nameserver. Without it Service names (`my-svc.my-ns.svc`) do not resolve in pods on this node.",
        );
        f.next_steps = vec![
            "kubectl -n kube-system get svc kube-dns -o jsonpath='{.spec.clusterIP}'".into(),
            "set clusterDNS: [<that IP>] in the kubelet's config, then systemctl restart kubelet"
                .into(),
        ];
        out.push(f);
    }
    if s.cluster_domain.value.is_empty() {
        let mut f = finding(
            Pane::Network,
            "kubelet-cluster-domain-unset",
            Severity::Warning,
            node(data),
            "the kubelet has no clusterDomain, so pods get no cluster search domains",
            "Pods resolve short Service names through search domains built from clusterDomain (`<ns>.svc.cluster.local`); without it only fully qualified names work.",
        );
        f.next_steps = vec![
            "set clusterDomain: cluster.local (CoreDNS's zone) in the kubelet's config".into(),
        ];
        out.push(f);
    }
    out
}
