//! Listening ports from `/proc/net/tcp{,6}`: each control-plane static pod should listen on its
//! ports (kube-apiserver 6443, etcd 2379/2380, controller-manager 10257, scheduler 10259, or
//! what their flags say) and the kubelet on its `port` (10250). A component that should listen
//! and does not is down or bound elsewhere; a port held by another process (found through
//! `/proc/<pid>/fd`) keeps the component from starting (`bind: address already in use`).

use super::static_pods::listen_ports;
use super::{ev, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::model::NodeData;
use crate::node::parse::manifest::component_of;
use crate::node::parse::proc_net::Listener;

fn listening(listeners: &[Listener], port: u16) -> bool {
    listeners.iter().any(|l| l.port == port)
}

fn seen(listeners: &[Listener]) -> String {
    let mut ports: Vec<(u16, String)> = listeners
        .iter()
        .filter(|l| {
            (2379..=2381).contains(&l.port) || l.port == 6443 || (10248..=10260).contains(&l.port)
        })
        .map(|l| match &l.process {
            Some(p) => (l.port, format!("{} ({})", l.port, p.comm)),
            None => (l.port, l.port.to_string()),
        })
        .collect();
    ports.sort();
    ports.dedup();
    if ports.is_empty() {
        "none of the Kubernetes ports".into()
    } else {
        ports
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The process holding a port when it is not the one that should (`comm` is cut at 15
/// characters by the kernel).
fn other_owner<'a>(listeners: &'a [Listener], port: u16, owner: &str) -> Option<&'a Listener> {
    listeners.iter().filter(|l| l.port == port).find(|l| {
        l.process.as_ref().is_some_and(|p| {
            !p.comm.is_empty() && !owner.starts_with(&p.comm) && !p.comm.starts_with(owner)
        })
    })
}

fn taken(port: u16, owner: &str, by: &Listener, vital: bool, pane: Pane) -> Finding {
    let process = by
        .process
        .as_ref()
        .map_or(String::new(), |p| format!("{} (pid {})", p.comm, p.pid));
    let mut f = finding(
        pane,
        "port-taken",
        if vital {
            Severity::Critical
        } else {
            Severity::Error
        },
        ObjectRef::new("Port", "", port.to_string()),
        format!("port {port} is held by {process}, not {owner}"),
        "Only one process can listen on a port. Another one holds it, so the component fails at start with `bind: address already in use` and is restarted forever.",
    );
    f.evidence = vec![ev("listener", by.display())];
    f.next_steps = vec![
        format!("ss -ltnp | grep :{port}"),
        format!(
            "ps -o pid,cmd -p {}",
            by.process.as_ref().map_or(0, |p| p.pid)
        ),
    ];
    f
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let Some(listeners) = &data.listeners else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in &data.static_pods.manifests {
        let Some(pod) = &m.pod else { continue };
        let Some(component) = component_of(&pod.name) else {
            continue;
        };
        for p in listen_ports(pod) {
            if let Some(by) = other_owner(listeners, p.port, &pod.name) {
                out.push(taken(
                    p.port,
                    &pod.name,
                    by,
                    component.is_vital(),
                    Pane::ControlPlane,
                ));
                continue;
            }
            if listening(listeners, p.port) {
                continue;
            }
            let mut f = finding(
                Pane::ControlPlane,
                "port-not-listening",
                if component.is_vital() {
                    Severity::Critical
                } else {
                    Severity::Error
                },
                ObjectRef::new("Port", "", p.port.to_string()),
                format!(
                    "nothing listens on port {} ({} should: {})",
                    p.port, pod.name, p.because
                ),
                "The component's static pod defines this port, but no socket is listening on it: the component is not running (or crashed and is being restarted), or it listens elsewhere.",
            );
            f.evidence = vec![
                ev("expected by", format!("{} ({})", m.file, p.because)),
                ev("listening now", seen(listeners)),
            ];
            f.next_steps = vec![
                format!("ss -ltnp | grep :{}", p.port),
                format!("crictl ps -a --name {}", pod.name),
            ];
            out.push(f);
        }
    }
    let kubelet_down = data
        .unit("kubelet")
        .is_some_and(|u| u.active_state != "active");
    let port = data.kubelet.settings.port.value;
    if data.kubelet.unit_file.is_some()
        && let Some(by) = other_owner(listeners, port, "kubelet")
    {
        out.push(taken(port, "kubelet", by, false, Pane::Node));
        return out;
    }
    if !kubelet_down && data.kubelet.unit_file.is_some() && !listening(listeners, port) {
        let mut f = finding(
            Pane::Node,
            "port-not-listening",
            Severity::Error,
            ObjectRef::new("Port", "", port.to_string()),
            format!("nothing listens on port {port} (the kubelet's port)"),
            "The kubelet serves logs, exec and metrics on this port; without it `kubectl logs` and `kubectl exec` fail for pods on this node, and the kubelet is probably not running.",
        );
        f.evidence = vec![ev("listening now", seen(listeners))];
        f.next_steps = vec![
            "systemctl status kubelet --no-pager".into(),
            format!("ss -ltnp | grep :{port}"),
        ];
        out.push(f);
    }
    out
}
