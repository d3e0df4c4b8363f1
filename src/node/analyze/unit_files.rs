//! Control-plane components run as systemd units ("the hard way"): the binary ExecStart names
//! and the files its flags name (`--tls-cert-file`, `--kubeconfig`, `--etcd-cafile` …) must
//! exist on the host, or the unit fails at start and systemd restarts it forever.

use super::static_pod_files::is_path_flag;
use super::{ev, file, finding};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;
use crate::node::parse::command_line::flags;

/// The binary and the flag paths of every unit (looked up by the collector).
pub fn wanted_paths(data: &NodeData) -> Vec<String> {
    let mut out = Vec::new();
    for u in &data.control_plane_units {
        out.extend(u.exec_start.first().filter(|b| b.starts_with('/')).cloned());
        out.extend(
            flags(u.exec_start.get(1..).unwrap_or_default())
                .into_iter()
                .filter(|(n, v)| is_path_flag(n, v) && !n.ends_with("-dir"))
                .map(|(_, v)| v),
        );
    }
    out
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in &data.control_plane_units {
        let vital = u.unit == "kube-apiserver" || u.unit == "etcd";
        let severity = if vital {
            Severity::Critical
        } else {
            Severity::Error
        };
        let mut missing: Vec<(String, String)> = Vec::new();
        if let Some(bin) = u
            .exec_start
            .first()
            .filter(|b| data.path_exists(b) == Some(false))
        {
            missing.push(("ExecStart".into(), bin.clone()));
        }
        for (name, value) in flags(u.exec_start.get(1..).unwrap_or_default()) {
            if is_path_flag(&name, &value)
                && !name.ends_with("-dir")
                && data.path_exists(&value) == Some(false)
            {
                missing.push((format!("--{name}"), value));
            }
        }
        for (what, path) in missing {
            let mut f = finding(
                Pane::ControlPlane,
                "control-plane-unit-file-missing",
                severity,
                file(&u.file),
                format!("{}.service: {what} {path} does not exist", u.unit),
                "The unit's command line names a file that is not on the host, so the component exits at start and systemd restarts it in a loop.",
            );
            f.evidence = vec![ev("ExecStart", u.exec_start.join(" ")), ev(what, &path)];
            f.next_steps = vec![
                format!("systemctl cat {}", u.unit),
                format!("journalctl -u {} -n 50 --no-pager", u.unit),
                format!(
                    "fix the path, then systemctl daemon-reload && systemctl restart {}",
                    u.unit
                ),
            ];
            out.push(f);
        }
    }
    out
}
