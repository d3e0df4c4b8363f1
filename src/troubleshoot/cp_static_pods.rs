//! C3: the control-plane static pods, node by node. On every control-plane node each of
//! kube-apiserver, kube-controller-manager, kube-scheduler and (stacked) etcd must have its
//! mirror pod, Ready and not restarting (a crash is explained in `cp_crash`); etcd is
//! expected where kube-apiserver's `--etcd-servers` points at the node itself. A cluster
//! whose control plane is not visible as static pods (managed, k3s, "hard way" systemd
//! units) gets one informational note instead.

use crate::findings::{Finding, Pane, Severity};
use crate::objects::{Kind, Pod};

use super::Ctx;
use super::build::{FindingExt, secs_since};
use super::container::{statuses, waiting_message, waiting_reason};
use super::cp_pods::{
    COMPONENTS, command_line, control_plane_nodes, down_severity, flag, manifest, mirror_pods,
    node_of, role,
};

/// A component that is running but not Ready for longer than this is reported.
const NOT_READY_GRACE: i64 = 120;

/// Starts a control-plane finding.
pub fn cp(
    check: &str,
    severity: Severity,
    object: crate::findings::ObjectRef,
    summary: String,
) -> Finding {
    Finding {
        pane: Pane::ControlPlane,
        check: check.to_string(),
        severity,
        object,
        summary,
        explanation: String::new(),
        evidence: Vec::new(),
        next_steps: Vec::new(),
        caused_by: Vec::new(),
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let snap = ctx.snap;
    if !snap.has_kind(Kind::Pod) {
        return;
    }
    let mirrors = mirror_pods(snap);
    let nodes = control_plane_nodes(snap, &mirrors);
    if mirrors.is_empty() {
        if let Some(first) = nodes.iter().next() {
            out.push(not_static(first, nodes.len()));
        }
        return;
    }
    for node in &nodes {
        let on_node: Vec<&(&str, &Pod)> = mirrors
            .iter()
            .filter(|(_, p)| node_of(p) == *node)
            .collect();
        for component in COMPONENTS {
            let pod = on_node
                .iter()
                .find(|(c, _)| *c == component)
                .map(|(_, p)| *p);
            match pod {
                Some(p) => {
                    let healthy_elsewhere = mirrors.iter().any(|(c, other)| {
                        *c == component && node_of(other) != *node && is_ready(other)
                    });
                    out.extend(component_pod(ctx, component, p, healthy_elsewhere));
                }
                None if expected(ctx, component, &mirrors, on_node.len()) => {
                    out.push(missing(ctx, component, node, on_node.is_empty()));
                }
                None if component == "etcd" => {
                    if let Some(servers) = stacked_etcd(&on_node) {
                        out.push(
                            missing(ctx, component, node, false)
                                .with("kube-apiserver --etcd-servers", servers),
                        );
                    }
                }
                None => {}
            }
        }
    }
}

/// Whether a control-plane node without `component`'s mirror pod should have one: the
/// component runs as a static pod on another control-plane node (HA), or — not for etcd,
/// which may run outside the cluster or as a service (Talos) — the node runs at least two
/// of the other components as static pods (kubeadm's layout) and nothing else in
/// kube-system runs it (self-hosted control planes run it as a Deployment).
fn expected(ctx: &Ctx, component: &str, mirrors: &[(&str, &Pod)], on_node: usize) -> bool {
    if mirrors.iter().any(|(c, _)| *c == component) {
        return true;
    }
    if component == "etcd" || on_node < 2 {
        return false;
    }
    let elsewhere = ctx.snap.pods_in("kube-system").any(|p| {
        p.metadata.label("component") == Some(component)
            || p.metadata.label("k8s-app") == Some(component)
            || p.metadata
                .name()
                .strip_prefix(component)
                .is_some_and(|r| r.starts_with('-'))
    });
    !elsewhere
}

/// Stacked etcd (kubeadm's default): the node runs kubeadm's static pods (at least two of
/// them; kubeadm's etcd client certificates or annotations) and its kube-apiserver talks to
/// an etcd on its own host (`--etcd-servers` at 127.0.0.1, localhost, ::1 or the node's own
/// address), so the node must run etcd as the static pod kubeadm writes. Other layouts with
/// a local etcd run it as a service (Talos, "the hard way") and are not judged. Returns the
/// flag's value.
fn stacked_etcd<'a>(on_node: &[&(&str, &'a Pod)]) -> Option<&'a str> {
    if on_node.len() < 2 {
        return None;
    }
    let (_, apiserver) = on_node.iter().find(|(c, _)| *c == "kube-apiserver")?;
    let cmd = command_line(apiserver);
    let kubeadm = flag(&cmd, "etcd-cafile").is_some_and(|f| f.starts_with("/etc/kubernetes/pki/"))
        || apiserver
            .metadata
            .annotation("kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint")
            .is_some();
    if !kubeadm {
        return None;
    }
    let servers = flag(&cmd, "etcd-servers")?;
    let own = apiserver.status.as_ref().and_then(|s| s.host_ip.as_deref());
    let local = servers.split(',').any(|url| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let host_port = rest.split('/').next().unwrap_or(rest);
        let host = match host_port.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host_port,
        };
        let host = host.trim_matches(['[', ']']);
        host == "127.0.0.1" || host == "localhost" || host == "::1" || own == Some(host)
    });
    local.then_some(servers)
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

fn not_static(node: &str, count: usize) -> Finding {
    cp(
        "cp-not-static-pods",
        Severity::Info,
        crate::findings::ObjectRef::new("Node", "", node),
        format!("the control plane does not run as static pods on the {count} control-plane node(s)"),
    )
    .explain(
        "No kube-apiserver, kube-controller-manager, kube-scheduler or etcd mirror pods are in \
         kube-system: the components run as systemd services (\"the hard way\"), inside one \
         binary (k3s), or out of sight (a managed control plane). The static-pod checks are \
         skipped; the leader leases and the API server's health still tell how it is doing.",
    )
    .step("on a control-plane node: systemctl status kube-apiserver kube-controller-manager kube-scheduler etcd")
    .step("journalctl -u kube-apiserver -n 100 --no-pager")
}

fn missing(ctx: &Ctx, component: &str, node: &str, none_on_node: bool) -> Finding {
    let name = format!("{component}-{node}");
    let severity = down_severity(component);
    let mut f = cp(
        "cp-component-missing",
        severity,
        crate::findings::ObjectRef::new("Pod", "kube-system", name.clone()),
        format!("{component} is not running on control-plane node {node}: no mirror pod {name}"),
    )
    .explain(if none_on_node {
        format!(
            "No control-plane static pod runs on {node}, while other control-plane nodes have \
             them: the kubelet there is not running static pods (stopped, or its staticPodPath \
             points elsewhere), or the node is not a control-plane node any more."
        )
    } else {
        format!(
            "The kubelet on {node} runs the other control-plane components but not {component}: \
             its manifest {} is missing (moved away, renamed) or does not parse, so the kubelet \
             never creates the pod.",
            manifest(component)
        )
    })
    .explain(role(component))
    .with("expected mirror pod", format!("kube-system/{name}"))
    .with("manifest (kubeadm default)", manifest(component));
    if let Some(n) = ctx.snap.node(node) {
        let ready = n
            .ready()
            .map(|c| c.status.to_string())
            .unwrap_or_else(|| "unknown".into());
        f = f.with("node Ready", ready);
    }
    f.step(format!("on {node}: sudo ls -l /etc/kubernetes/manifests/"))
        .step(format!(
            "on {node}: sudo grep staticPodPath /var/lib/kubelet/config.yaml"
        ))
        .step(format!("on {node}: sudo crictl ps -a --name {component}"))
        .step(format!(
            "on {node}: sudo journalctl -u kubelet -n 100 --no-pager | grep -i {component}"
        ))
}

/// The findings of one present component pod: failing (crash loop, start error, not ready)
/// or restarting.
fn component_pod(
    ctx: &Ctx,
    component: &'static str,
    pod: &Pod,
    healthy_elsewhere: bool,
) -> Option<Finding> {
    let (_, c) = statuses(pod).find(|(_, c)| {
        pod.spec
            .as_ref()
            .and_then(|s| s.containers.first())
            .is_none_or(|spec| spec.name == c.name)
    })?;
    let reason = waiting_reason(c).unwrap_or("");
    let terminated_now = c.state.as_ref().and_then(|s| s.terminated.as_ref());
    let running = c.state.as_ref().is_some_and(|s| s.running.is_some());
    let since_start = c
        .state
        .as_ref()
        .and_then(|s| s.running.as_ref())
        .and_then(|r| r.started_at)
        .map(|t| secs_since(t.ts(), ctx.now()))
        .unwrap_or(i64::MAX);
    let state =
        if !reason.is_empty() && reason != "ContainerCreating" && reason != "PodInitializing" {
            format!("{reason}: {}", waiting_message(c))
        } else if let Some(t) = terminated_now {
            format!(
                "terminated: {} (exit code {})",
                t.reason.as_deref().unwrap_or("Error"),
                t.exit_code
            )
        } else if running && !c.ready && since_start > NOT_READY_GRACE {
            "running but not ready".to_string()
        } else {
            return super::cp_crash::restarts(ctx, component, pod, c);
        };
    let severity = if healthy_elsewhere {
        Severity::Error
    } else {
        down_severity(component)
    };
    Some(super::cp_crash::failing(
        ctx, component, pod, c, &state, severity,
    ))
}

#[cfg(test)]
#[path = "cp_static_pods_tests.rs"]
mod tests;
