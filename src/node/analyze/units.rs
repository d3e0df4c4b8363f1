//! systemd's view of the node's services: the kubelet, the container runtime and control-plane
//! components that run as units ("the hard way") should be active; a masked, failed, stopped
//! or restart-looping one is the root cause of a NotReady node or a dead control plane.

use super::{ev, finding, unit};
use crate::findings::{Finding, Pane, Severity};
use crate::node::commands::Unit;
use crate::node::model::NodeData;
use crate::node::parse::systemctl::UnitState;

fn describe(state: &UnitState) -> String {
    let mut s = state.active_state.clone();
    if let Some(sub) = &state.sub_state {
        s.push_str(&format!(" ({sub})"));
    }
    if let Some(r) = state.result.as_ref().filter(|r| *r != "success") {
        s.push_str(&format!(", result {r}"));
    }
    s
}

fn why(state: &UnitState) -> &'static str {
    match (
        state.active_state.as_str(),
        state.sub_state.as_deref(),
        state.exec_main_status,
    ) {
        (_, _, Some(203)) => {
            "Its program could not be executed (status 203/EXEC): the binary in ExecStart is missing or not executable."
        }
        ("activating", Some("auto-restart"), _) | ("failed", _, _) => {
            "It starts and exits again; systemd keeps restarting it. Its journal says why."
        }
        ("inactive", _, _) => "It is stopped (or was never started and is not enabled).",
        _ => "It is not running.",
    }
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    if data.kubelet.unit_masked {
        let mut f = finding(
            Pane::Node,
            "kubelet-unit-masked",
            Severity::Critical,
            unit("kubelet"),
            "kubelet.service is masked: systemd will not start it",
            "A masked unit is linked to /dev/null; nothing can start it until it is unmasked.",
        );
        f.evidence = vec![ev(
            "unit file",
            data.kubelet.unit_file.clone().unwrap_or_default(),
        )];
        f.next_steps = vec!["systemctl unmask kubelet && systemctl enable --now kubelet".into()];
        out.push(f);
    }
    for state in &data.units {
        if state.active_state == "active" || state.load_state.as_deref() == Some("not-found") {
            continue;
        }
        let Some(u) = Unit::from_name(&state.unit) else {
            continue;
        };
        let (pane, check, severity) = match u {
            Unit::Kubelet if data.kubelet.unit_masked => continue,
            Unit::Kubelet => (Pane::Node, "kubelet-not-running", Severity::Critical),
            Unit::Containerd | Unit::Crio | Unit::Docker | Unit::CriDocker => {
                (Pane::Node, "runtime-not-running", Severity::Critical)
            }
            Unit::KubeApiserver | Unit::Etcd => (
                Pane::ControlPlane,
                "control-plane-unit-not-running",
                Severity::Critical,
            ),
            _ => (
                Pane::ControlPlane,
                "control-plane-unit-not-running",
                Severity::Error,
            ),
        };
        let mut f = finding(
            pane,
            check,
            severity,
            unit(&state.unit),
            format!("{}.service is {}", state.unit, describe(state)),
            why(state),
        );
        f.evidence = vec![ev("state", describe(state)), ev("source", &state.source)];
        if let Some(status) = state.exec_main_status {
            f.evidence
                .push(ev("main process exit status", status.to_string()));
        }
        if let Some(n) = state.restarts.filter(|n| *n > 0) {
            f.evidence.push(ev("restarts", n.to_string()));
        }
        f.next_steps = vec![
            format!("systemctl status {} --no-pager", state.unit),
            format!("journalctl -u {} -n 50 --no-pager", state.unit),
            format!("systemctl restart {} (once the cause is fixed)", state.unit),
        ];
        out.push(f);
    }
    out
}
