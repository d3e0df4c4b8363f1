//! The kubelet and the container runtime must agree on the cgroup driver (kubelet
//! `cgroupDriver: systemd` ⇔ containerd `SystemdCgroup = true`, CRI-O `cgroup_manager =
//! "systemd"`); and containerd must have its CRI plugin enabled for the kubelet to use it.

use super::{ev, file, finding, node};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::NodeData;

fn mismatch(data: &NodeData, out: &mut Vec<Finding>) {
    let k = &data.kubelet;
    let kubelet_known =
        (k.config_file.is_some() && k.config_error.is_none()) || k.flag("cgroup-driver").is_some();
    let (true, Some(runtime_systemd)) = (kubelet_known, data.runtime.systemd_cgroup) else {
        return;
    };
    let driver = &k.settings.cgroup_driver;
    if (driver.value == "systemd") == runtime_systemd {
        return;
    }
    let runtime_driver = if runtime_systemd {
        "systemd"
    } else {
        "cgroupfs"
    };
    let mut f = finding(
        Pane::Node,
        "cgroup-driver-mismatch",
        Severity::Error,
        node(data),
        format!(
            "the kubelet uses the {} cgroup driver, {} uses {runtime_driver}",
            driver.value, data.runtime.runtime
        ),
        "The kubelet and the runtime must manage cgroups the same way. When they differ, pod sandboxes fail to start (runc: `expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups`) or, the other way round, control-plane pods are killed and restarted every few minutes. (A kubelet of 1.31+ with a runtime that reports its driver follows the runtime instead; older ones do not.)",
    );
    f.evidence = vec![
        ev(
            "kubelet cgroupDriver",
            format!(
                "{} ({})",
                driver.value,
                driver.source.describe(k.config_file.as_deref())
            ),
        ),
        ev(
            format!("{} cgroup driver", data.runtime.runtime),
            format!("{runtime_driver} ({})", data.runtime.systemd_cgroup_source),
        ),
    ];
    f.next_steps = if data.runtime.runtime == "containerd" {
        vec![
            "grep -n SystemdCgroup /etc/containerd/config.toml".into(),
            "set SystemdCgroup = true under [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options] (or cgroupDriver to match), then systemctl restart containerd kubelet".into(),
        ]
    } else {
        vec!["make the runtime's cgroup manager and the kubelet's cgroupDriver the same, then restart both".into()]
    };
    out.push(f);
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    mismatch(data, &mut out);
    let path = data.runtime.config_file.clone().unwrap_or_default();
    if data.runtime.cri_disabled {
        let mut f = finding(
            Pane::Node,
            "containerd-cri-disabled",
            Severity::Critical,
            file(&path),
            format!("containerd's CRI plugin is disabled in {path}"),
            "The kubelet talks to containerd through the CRI plugin. With `disabled_plugins = [\"cri\"]` (the default config.toml of Docker's containerd.io package) the kubelet fails with `validate CRI v1 runtime API … unknown service runtime.v1.RuntimeService`.",
        );
        f.evidence = vec![ev("disabled_plugins", "contains \"cri\"")];
        f.next_steps = vec![
            "containerd config default > /etc/containerd/config.toml (review it, set SystemdCgroup = true)".into(),
            "systemctl restart containerd kubelet".into(),
        ];
        out.push(f);
    }
    if let Some(error) = &data.runtime.error {
        let mut f = finding(
            Pane::Node,
            "runtime-config-invalid",
            Severity::Error,
            file(&path),
            format!(
                "the {} configuration cannot be read: {error}",
                data.runtime.runtime
            ),
            "The runtime refuses to start with a configuration it cannot parse, and every pod on the node stops with it.",
        );
        f.evidence = vec![ev("error", error)];
        f.next_steps = vec![format!(
            "systemctl status {} --no-pager",
            data.runtime.runtime
        )];
        out.push(f);
    }
    out
}
