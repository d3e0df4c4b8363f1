//! Listening ports from `/proc/net/tcp{,6}`: each control-plane static pod should listen on its
//! ports (kube-apiserver 6443, etcd 2379/2380, controller-manager 10257, scheduler 10259, or
//! what their flags say) and the kubelet on its `port` (10250). A component that should listen
//! and does not is down or bound elsewhere.

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
    let mut ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.port)
        .filter(|p| (2379..=2381).contains(p) || *p == 6443 || (10248..=10260).contains(p))
        .collect();
    ports.sort_unstable();
    ports.dedup();
    if ports.is_empty() {
        "none of the Kubernetes ports".into()
    } else {
        ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
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
