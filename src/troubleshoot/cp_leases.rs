//! C4–C6: the leader Leases of kube-scheduler and kube-controller-manager (and
//! cloud-controller-manager when present) in kube-system — no active leader (renewTime older
//! than leaseDurationSeconds plus a clock skew), a lease that was never taken, a leader that
//! changes too often, a holder that is not a known node — and the API servers' identity
//! Leases (`apiserver.kubernetes.io/identity=kube-apiserver`), whose stale ones are API
//! servers that are gone.

use crate::findings::{Finding, ObjectRef, Severity};
use crate::model::age::format_seconds;
use crate::objects::{Kind, Lease};

use super::Ctx;
use super::build::{FindingExt, secs_since};
use super::cp_pods::{command_line, flag, mirror_pods, role};
use super::cp_static_pods::cp;

/// Tolerated clock difference between the holder and kmedic (client-go uses none, but the
/// holder's and our clocks may differ).
pub const SKEW: i64 = 5;
/// An API server renews its identity lease every 10 s; older than this, it is gone.
const APISERVER_STALE: i64 = 60;
/// A new leader taken over within this window counts towards flapping.
const RECENT_TAKEOVER: i64 = 15 * 60;
/// Leader changes that mean flapping when the last one was recent.
const FLAPPING_TRANSITIONS: i32 = 10;

/// The leader-elected components and their Lease names.
pub const LEADERS: [&str; 3] = [
    "kube-scheduler",
    "kube-controller-manager",
    "cloud-controller-manager",
];

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    if !ctx.snap.has_kind(Kind::Lease) {
        return;
    }
    for component in LEADERS {
        leader(ctx, component, out);
    }
    apiservers(ctx, out);
}

/// Seconds since the lease was renewed, and whether that is past its duration.
pub fn staleness(ctx: &Ctx, lease: &Lease, default_duration: i64) -> Option<(i64, bool)> {
    let spec = lease.spec.as_ref()?;
    let renewed = spec.renew_time.or(spec.acquire_time)?;
    let age = secs_since(renewed.ts(), ctx.now());
    let duration = spec
        .lease_duration_seconds
        .map(i64::from)
        .unwrap_or(default_duration);
    Some((age, age > duration + SKEW))
}

/// The hostname part of a `<hostname>_<uuid>` holder identity.
pub fn holder_host(holder: &str) -> &str {
    holder.split_once('_').map(|(h, _)| h).unwrap_or(holder)
}

fn lease_ref(name: &str) -> ObjectRef {
    ObjectRef::new("Lease", "kube-system", name)
}

fn leader(ctx: &Ctx, component: &str, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    let pods: Vec<_> = mirror_pods(snap)
        .into_iter()
        .filter(|(c, _)| *c == component)
        .map(|(_, p)| p)
        .collect();
    let elects = pods
        .iter()
        .all(|p| flag(&command_line(p), "leader-elect") != Some("false"));
    let Some(lease) = snap.leases.find("kube-system", component) else {
        // A dump may hold only some namespaces' leases: "missing" needs proof that
        // kube-system's are in it (another lease there, such as an API server identity).
        let kube_system_seen = snap.leases.in_namespace("kube-system").next().is_some();
        if !pods.is_empty() && elects && kube_system_seen {
            out.push(missing(component));
        }
        return;
    };
    if !elects {
        return;
    }
    let spec = lease.spec.as_ref();
    let holder = spec
        .and_then(|s| s.holder_identity.as_deref())
        .unwrap_or("");
    let duration = spec.and_then(|s| s.lease_duration_seconds).unwrap_or(15);
    let transitions = spec.and_then(|s| s.lease_transitions).unwrap_or(0);
    let Some((age, stale)) = staleness(ctx, lease, 15) else {
        return;
    };
    let evidence = |f: Finding| {
        f.with(
            "holderIdentity",
            if holder.is_empty() {
                "(none)".to_string()
            } else {
                holder.to_string()
            },
        )
        .with("renewTime", format!("{} ago", format_seconds(age)))
        .with("leaseDurationSeconds", duration.to_string())
        .with("leaseTransitions", transitions.to_string())
    };
    if stale || holder.is_empty() {
        out.push(evidence(stale_leader(ctx, component, holder, age)));
        return;
    }
    let acquired = spec
        .and_then(|s| s.acquire_time)
        .map(|t| secs_since(t.ts(), ctx.now()));
    if transitions >= FLAPPING_TRANSITIONS && acquired.is_some_and(|a| a <= RECENT_TAKEOVER) {
        let f = cp(
            "cp-leader-flapping",
            Severity::Warning,
            lease_ref(component),
            format!(
                "{component} changed leader {transitions} times, the last {} ago",
                format_seconds(acquired.unwrap_or(0))
            ),
        )
        .explain(
            "Leaders keep losing their lease: they cannot renew it in time (the API server or \
             etcd answers slowly, or the holder restarts). Each change pauses the component \
             while the new leader starts.",
        );
        out.push(
            evidence(f)
                .step(format!("kubectl -n kube-system logs -l component={component} --tail=200 | grep -i leaderelection"))
                .step(format!("kubectl -n kube-system get lease {component} -o yaml")),
        );
    }
    unknown_holder(ctx, component, holder, out);
}

fn missing(component: &str) -> Finding {
    cp(
        "cp-leader-lease-missing",
        Severity::Error,
        lease_ref(component),
        format!("{component} runs with leader election but holds no Lease kube-system/{component}"),
    )
    .explain(format!(
        "A leader-elected component works only once it has acquired its Lease; none exists, so \
         no instance ever became leader (it cannot reach the API server, or is not allowed to \
         write the Lease). {}",
        role(component)
    ))
    .step(format!(
        "kubectl -n kube-system logs -l component={component} --tail=100"
    ))
    .step("kubectl -n kube-system get leases")
}

fn stale_leader(ctx: &Ctx, component: &str, holder: &str, age: i64) -> Finding {
    let host = holder_host(holder);
    let mut f = cp(
        "cp-leader-lease-stale",
        Severity::Critical,
        lease_ref(component),
        if holder.is_empty() {
            format!("{component} has no leader: the Lease was released and not taken again")
        } else {
            format!(
                "{component} has no active leader: the Lease held by {host} was last renewed {} ago",
                format_seconds(age)
            )
        },
    )
    .explain(format!(
        "No {component} instance renews the leader Lease, so none is working: every instance \
         is down, or cannot reach the API server (network, an expired kubeconfig certificate, \
         an overloaded API server or etcd). {}",
        role(component)
    ));
    if component == "kube-scheduler" {
        let waiting = ctx
            .snap
            .pods_on("")
            .filter(|p| {
                p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending")
                    && p.metadata.deletion_timestamp.is_none()
                    && p.status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_none_or(|c| c.iter().all(|c| c.type_ != "PodScheduled"))
            })
            .count();
        if waiting > 0 {
            f = f.with(
                "pods Pending with no scheduling attempt",
                waiting.to_string(),
            );
        }
    }
    let conf = match component {
        "kube-scheduler" => "/etc/kubernetes/scheduler.conf",
        "kube-controller-manager" => "/etc/kubernetes/controller-manager.conf",
        _ => "",
    };
    f = f.step(format!(
        "kubectl -n kube-system get pods -l component={component} -o wide"
    ));
    if !host.is_empty() {
        f = f.step(format!("on {host}: sudo crictl ps -a --name {component}"));
    }
    f = f.step(format!(
        "kubectl -n kube-system logs -l component={component} --tail=100 | grep -iE 'leaderelection|lease|x509'"
    ));
    if !conf.is_empty() {
        f = f.step(format!(
            "on the control-plane node: sudo kubeadm certs check-expiration | grep {}",
            conf.rsplit('/').next().unwrap_or(conf)
        ));
    }
    f
}

fn unknown_holder(ctx: &Ctx, component: &str, holder: &str, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    let cp_nodes = snap.nodes.iter().any(|n| n.is_control_plane());
    if !snap.has_kind(Kind::Node) || !cp_nodes || holder.is_empty() {
        return;
    }
    let host = holder_host(holder);
    let short = |s: &str| s.split('.').next().unwrap_or(s).to_ascii_lowercase();
    let known = snap
        .nodes
        .iter()
        .any(|n| short(n.metadata.name()) == short(host));
    if !known {
        out.push(
            cp(
                "cp-leader-unknown-holder",
                Severity::Info,
                lease_ref(component),
                format!("the {component} leader runs on {host}, which is not a node of this cluster"),
            )
            .explain(
                "The leader's host is not a registered node: a control-plane host outside the \
                 cluster (systemd services), a renamed host, or a stray instance that holds the lease.",
            )
            .with("holderIdentity", holder.to_string()),
        );
    }
}

/// API server identity leases not renewed for a minute: that API server is gone.
fn apiservers(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    let endpoints = snap.endpoints.find("default", "kubernetes");
    for lease in snap.leases.in_namespace("kube-system") {
        if lease.metadata.label("apiserver.kubernetes.io/identity") != Some("kube-apiserver") {
            continue;
        }
        let Some((age, _)) = staleness(ctx, lease, 3600) else {
            continue;
        };
        if age <= APISERVER_STALE {
            continue;
        }
        let host = lease
            .metadata
            .label("kubernetes.io/hostname")
            .unwrap_or("")
            .to_string();
        let ip = snap.node(&host).and_then(|n| n.internal_ip()).unwrap_or("");
        let listed = !ip.is_empty()
            && endpoints.is_some_and(|e| {
                e.subsets
                    .iter()
                    .flatten()
                    .flat_map(|s| s.addresses.iter().flatten())
                    .any(|a| a.ip == ip)
            });
        let mut f = cp(
            "apiserver-lease-stale",
            Severity::Error,
            ObjectRef::new("Lease", "kube-system", lease.metadata.name()),
            format!(
                "the API server on {} stopped renewing its identity lease {} ago",
                if host.is_empty() {
                    "an unknown host"
                } else {
                    &host
                },
                format_seconds(age)
            ),
        )
        .explain(
            "Every API server renews its identity Lease about every 10 seconds; this one stopped, \
             so that API server instance is down or cannot reach etcd.",
        )
        .with("renewTime", format!("{} ago", format_seconds(age)));
        if listed {
            f = f
                .explain(format!(
                    "The default/kubernetes endpoints still list its address {ip}: clients \
                     inside the cluster are sent to a dead API server."
                ))
                .with("default/kubernetes endpoints", format!("still list {ip}"));
        }
        if !host.is_empty() {
            f = f
                .step(format!(
                    "kubectl -n kube-system get pod kube-apiserver-{host} -o wide"
                ))
                .step(format!(
                    "on {host}: sudo crictl ps -a --name kube-apiserver"
                ));
        }
        out.push(f.step("check the load balancer's health checks in front of the API servers"));
    }
}

#[cfg(test)]
#[path = "cp_leases_tests.rs"]
mod tests;
