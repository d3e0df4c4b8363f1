//! The DNS chain (§NET X8, X9): the kube-dns Service in kube-system → the CoreDNS pods behind
//! it, ready → its EndpointSlices with ready endpoints → the Corefile from ConfigMap
//! `kube-system/coredns` (unreadable, forwarding to a loopback address, no `loop`, no
//! upstream, unknown plugins). A cluster check: costs the kube-system DNS objects only.
//! NetworkPolicies that block DNS egress are judged per policy in `net_policy`.

use crate::corefile::WarningKind;
use crate::objects::{Kind, Pod, Service};

use super::Ctx;
use super::build::{FindingExt, net, obj};
use super::service::is_ready;
use crate::findings::{Finding, ObjectRef, Severity};

pub const DNS_NS: &str = "kube-system";
pub const DNS_SERVICE: &str = "kube-dns";
pub const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");

/// The cluster DNS Service, when listed: kube-system/kube-dns, else a kube-system Service
/// labelled or selecting k8s-app=kube-dns (distributions rename it).
pub fn dns_service<'a>(ctx: &Ctx<'a>) -> Option<&'a Service> {
    ctx.snap.services.find(DNS_NS, DNS_SERVICE).or_else(|| {
        ctx.snap.services.in_namespace(DNS_NS).find(|s| {
            s.metadata.label(DNS_LABEL.0) == Some(DNS_LABEL.1)
                || s.spec
                    .as_ref()
                    .and_then(|sp| sp.selector.as_ref())
                    .and_then(|sel| sel.get(DNS_LABEL.0))
                    .is_some_and(|v| v == DNS_LABEL.1)
        })
    })
}

/// The CoreDNS (or kube-dns) pods: those the Service selects, or labelled k8s-app=kube-dns.
pub fn dns_pods<'a>(ctx: &Ctx<'a>) -> Vec<&'a Pod> {
    ctx.snap
        .pods_with_label(DNS_NS, DNS_LABEL.0, DNS_LABEL.1)
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect()
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.opts.namespace.as_deref().is_some_and(|ns| ns != DNS_NS) {
        return;
    }
    out.extend(chain(ctx));
    out.extend(corefile(ctx));
}

fn chain(ctx: &Ctx) -> Option<Finding> {
    if !ctx.snap.has_kind(Kind::Service) {
        return None;
    }
    let Some(svc) = dns_service(ctx) else {
        // Only when kube-system's Services are part of what was read (a dump of some
        // namespaces, or a user allowed only theirs, says nothing about it).
        let seen = ctx.snap.services.in_namespace(DNS_NS).next().is_some();
        if !seen {
            return None;
        }
        return Some(
            net(
                "dns-service-missing",
                Severity::Critical,
                ObjectRef::new("Service", DNS_NS, DNS_SERVICE),
                "the cluster DNS Service kube-system/kube-dns does not exist".into(),
            )
            .explain(
                "Pods resolve names through the nameserver the kubelet writes into their \
                 /etc/resolv.conf: the clusterIP of kube-system/kube-dns. Without the Service \
                 no Service name resolves anywhere in the cluster.",
            )
            .step("kubectl -n kube-system get services,deployments -l k8s-app=kube-dns"),
        );
    };
    let o = obj("Service", &svc.metadata);
    if !ctx.snap.has_kind(Kind::Pod) {
        return None;
    }
    let pods = dns_pods(ctx);
    let ready: Vec<&&Pod> = pods.iter().filter(|p| is_ready(p)).collect();
    if ready.is_empty() {
        let summary = if pods.is_empty() {
            "no CoreDNS pod exists: cluster DNS does not answer".to_string()
        } else {
            format!(
                "none of the {} CoreDNS pods is ready: cluster DNS does not answer",
                pods.len()
            )
        };
        let mut f = net("dns-pods-not-ready", Severity::Critical, o, summary).explain(
            "Every lookup of a Service name goes to kube-dns, whose endpoints are the CoreDNS \
             pods. With none ready the Service has no endpoint: lookups time out (\"i/o \
             timeout\", \"no such host\" in the applications' logs).",
        );
        for p in pods.iter().take(5) {
            f = f.with(
                &format!("pod {}", p.metadata.name()),
                super::container::statuses(p)
                    .find_map(|(_, c)| super::container::waiting_reason(c).map(str::to_string))
                    .unwrap_or_else(|| "not ready".into()),
            );
        }
        return Some(
            f.step("kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide")
                .step("kubectl -n kube-system logs -l k8s-app=kube-dns --tail=50"),
        );
    }
    if ctx.snap.has_kind(Kind::EndpointSlice) {
        let slices = ctx.snap.slices_of(DNS_NS, DNS_SERVICE);
        let ready_eps = slices
            .iter()
            .flat_map(|s| s.endpoints.iter())
            .filter(|e| e.is_ready())
            .count();
        if ready_eps == 0 {
            return Some(
                net(
                    "dns-no-endpoints",
                    Severity::Critical,
                    o,
                    format!(
                        "{} CoreDNS pod(s) are ready but kube-dns has no ready endpoint",
                        ready.len()
                    ),
                )
                .explain(
                    "The CoreDNS pods run, but the Service's EndpointSlices list none of them \
                     as ready: the Service's selector no longer matches the pods' labels, or \
                     the EndpointSlice controller (kube-controller-manager) is not working.",
                )
                .with(
                    "spec.selector",
                    svc.spec
                        .as_ref()
                        .and_then(|s| s.selector.as_ref())
                        .map(|s| {
                            s.iter()
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_else(|| "none".into()),
                )
                .step("kubectl -n kube-system get endpointslices -l kubernetes.io/service-name=kube-dns -o wide")
                .step("kubectl -n kube-system get pods -l k8s-app=kube-dns --show-labels"),
            );
        }
    }
    None
}

fn corefile(ctx: &Ctx) -> Vec<Finding> {
    let Some(cm) = ctx.snap.configmaps.find(DNS_NS, "coredns") else {
        return Vec::new();
    };
    let Some(text) = cm.data.get("Corefile") else {
        return Vec::new();
    };
    let o = obj("ConfigMap", &cm.metadata);
    let step = "kubectl -n kube-system get configmap coredns -o yaml";
    let parsed = match crate::corefile::parse(text) {
        Ok(c) => c,
        Err(e) => {
            return vec![
                net(
                    "dns-corefile-invalid",
                    Severity::Critical,
                    o,
                    format!("the Corefile cannot be read: {e}"),
                )
                .explain(
                    "CoreDNS refuses to start (or keeps its old configuration on reload) with a \
                     Corefile it cannot parse.",
                )
                .step(step)
                .step("kubectl -n kube-system logs -l k8s-app=kube-dns --tail=50"),
            ];
        }
    };
    let mut out = Vec::new();
    for w in parsed.warnings() {
        let severity = match w.kind {
            WarningKind::LoopbackForward | WarningKind::LoopbackForwardWithoutLoop => {
                Severity::Error
            }
            WarningKind::UnknownDirective
            | WarningKind::RemovedDirective
            | WarningKind::InvalidForwardTarget
            | WarningKind::NoRootServerBlock => Severity::Error,
            WarningKind::NoRootForward | WarningKind::DuplicateServerAddress => Severity::Warning,
            WarningKind::LoopMissing => Severity::Info,
            WarningKind::ImportNotFollowed | WarningKind::ClusterDomainNotServed => Severity::Info,
        };
        out.push(
            net(
                "dns-corefile-problem",
                severity,
                o.clone(),
                format!("Corefile line {}: {}", w.line, w.message),
            )
            .explain(
                "The CoreDNS configuration (the Corefile in ConfigMap kube-system/coredns) \
                 decides where names outside the cluster are forwarded and whether forwarding \
                 loops are caught.",
            )
            .step(step),
        );
    }
    out
}
