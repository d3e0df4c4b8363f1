//! kube-proxy's rules on this node, as far as they can be judged without the API: whether its
//! chains exist at all, and which Service ports it rejects because they have no endpoints. The
//! comparison with a cluster dump's EndpointSlices is in [`super::packet_path`].

use super::{ev, finding, node};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::kubeproxy::model;
use crate::node::model::NodeData;

pub fn check(data: &NodeData) -> Vec<Finding> {
    let Some(save) = &data.iptables else {
        return Vec::new();
    };
    let rules = model(save);
    let mut out = Vec::new();
    if save.table("nat").is_some()
        && !rules.has_kube_services
        && crate::node::kubeproxy_mode::rules(data).is_none()
    {
        let mut f = finding(
            Pane::Network,
            "kube-proxy-chains-missing",
            Severity::Info,
            node(data),
            "the nat table has no KUBE-SERVICES chain: kube-proxy has not programmed iptables on this node",
            "In iptables mode kube-proxy captures Service traffic in KUBE-SERVICES. Its absence means kube-proxy runs in another mode (IPVS, nftables), is replaced (e.g. Cilium), or has never synced here — then Service IPs do not work from this node.",
        );
        f.next_steps = vec![
            "kubectl -n kube-system get ds kube-proxy".into(),
            "kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\\.conf}' | grep mode".into(),
        ];
        out.push(f);
    }
    let mut rejected: Vec<&str> = rules
        .rejects
        .iter()
        .filter(|r| r.target == "REJECT")
        .map(|r| r.service_port.as_str())
        .collect();
    rejected.sort_unstable();
    rejected.dedup();
    for service_port in rejected {
        let (ns, name) = service_port
            .split_once('/')
            .map(|(ns, rest)| (ns, rest.split(':').next().unwrap_or(rest)))
            .unwrap_or(("", service_port));
        let mut f = finding(
            Pane::Network,
            "kube-proxy-rejects-service",
            Severity::Info,
            ObjectRef::new("Service", ns, name),
            format!("kube-proxy rejects traffic to {service_port}: it has no endpoints"),
            "When a Service port has no ready endpoints kube-proxy installs a REJECT rule, so clients get \"connection refused\" at once. Compare with the Service's EndpointSlices: if they list ready endpoints, kube-proxy's rules are stale.",
        );
        f.evidence = rules
            .rejects
            .iter()
            .filter(|r| r.service_port == service_port)
            .map(|r| {
                let to = match (&r.address, r.port) {
                    (Some(a), Some(p)) => format!("{a}:{p}/{}", r.protocol),
                    (None, Some(p)) => format!("node port {p}/{}", r.protocol),
                    _ => r.protocol.clone(),
                };
                ev(
                    "iptables filter",
                    format!("{} {to}: \"{}\"", r.target, r.comment),
                )
            })
            .collect();
        f.next_steps = vec![
            format!("kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={name}"),
            format!("iptables-save | grep '{service_port}'"),
        ];
        out.push(f);
    }
    out
}
