//! kube-proxy's configured mode on this node, read where kube-proxy takes it: its command line
//! (a running process in `/proc/<pid>/cmdline`, sos's `process/ps_auxwww`, or the ExecStart of
//! a `kube-proxy.service` unit), then the `--config` file it names when the host holds it
//! ("the hard way" keeps it under `/var/lib/kube-proxy/`), else the `config.conf` the kubelet
//! mounted into the kube-proxy pod (`/var/lib/kubelet/pods/<uid>/volumes/
//! kubernetes.io~configmap/<volume>/config.conf`, kubeadm's DaemonSet). Read-only and bounded;
//! what cannot be read becomes a coverage note.

use std::path::{Path, PathBuf};

use crate::hostfs::{FileKind, HostFs};
use crate::node::model::{Coverage, NodeData};
use crate::node::parse::kube_proxy_config::{self as kpc, ModeSetting};

/// Processes looked at in `/proc` at most.
const MAX_PIDS: usize = 20_000;
/// Pod directories looked at under the kubelet's root at most.
const MAX_PODS: usize = 1_000;

/// Files kube-proxy's configuration is kept in on hosts that run it outside a pod.
const HOST_CONFIGS: [&str; 3] = [
    "/var/lib/kube-proxy/config.conf",
    "/var/lib/kube-proxy/kube-proxy-config.yaml",
    "/var/lib/kube-proxy/config.yaml",
];

/// A running kube-proxy's command line from `/proc`.
fn from_proc(fs: &HostFs) -> Option<(String, Vec<String>)> {
    let procs = fs.list_dir(Path::new("/proc")).ok()?;
    for entry in procs.entries.iter().take(MAX_PIDS) {
        let Ok(pid) = entry.name.parse::<u32>() else {
            continue;
        };
        let comm = fs
            .read_text(Path::new(&format!("/proc/{pid}/comm")))
            .unwrap_or_default();
        if comm.trim() != "kube-proxy" {
            continue;
        }
        let path = format!("/proc/{pid}/cmdline");
        let Ok(bytes) = fs.read(Path::new(&path)) else {
            continue;
        };
        let argv: Vec<String> = bytes
            .bytes
            .split(|b| *b == 0)
            .filter(|w| !w.is_empty())
            .map(|w| String::from_utf8_lossy(w).chars().take(4096).collect())
            .collect();
        if argv.first().is_some_and(|a| kpc::is_kube_proxy(a)) {
            return Some((path, argv));
        }
    }
    None
}

/// kube-proxy's command line, and where it was read.
fn command_line(fs: &HostFs, data: &NodeData) -> Option<(String, Vec<String>)> {
    from_proc(fs)
        .or_else(|| {
            [
                "/sos_commands/process/ps_auxwww",
                "/sos_commands/kmedic/ps_auxwww",
            ]
            .iter()
            .find_map(|p| {
                let text = fs.read_text(Path::new(p)).ok()?;
                Some((p.trim_start_matches('/').to_string(), kpc::from_ps(&text)?))
            })
        })
        .or_else(|| {
            data.control_plane_units
                .iter()
                .find(|u| u.unit == "kube-proxy" && !u.exec_start.is_empty())
                .map(|u| (format!("ExecStart of {}", u.file), u.exec_start.clone()))
        })
}

/// The mode of a configuration file on the host: `None` when it is not there.
fn file_setting(
    fs: &HostFs,
    path: &str,
    coverage: &mut Vec<Coverage>,
    why: &str,
) -> Option<ModeSetting> {
    let text = fs.read_text(Path::new(path)).ok()?;
    match kpc::config_mode(&text) {
        Ok(mode) => Some(ModeSetting::new(&mode, format!("mode in {path}{why}"))),
        Err(e) => {
            coverage.push(Coverage::new(
                format!("kube-proxy's configuration {path}"),
                e,
            ));
            None
        }
    }
}

fn dirs(fs: &HostFs, dir: &Path) -> Vec<PathBuf> {
    fs.list_dir(dir)
        .map(|l| {
            l.entries
                .into_iter()
                .filter(|e| e.kind == FileKind::Dir)
                .take(MAX_PODS)
                .map(|e| e.host_path)
                .collect()
        })
        .unwrap_or_default()
}

/// The `config.conf` of a ConfigMap volume of a pod on this node that holds a
/// `KubeProxyConfiguration` (kubeadm's kube-proxy pod).
fn pod_volume_setting(fs: &HostFs) -> Option<ModeSetting> {
    for pod in dirs(fs, Path::new("/var/lib/kubelet/pods")) {
        for volume in dirs(fs, &pod.join("volumes/kubernetes.io~configmap")) {
            let file = volume.join("config.conf");
            let Ok(text) = fs.read_text(&file) else {
                continue;
            };
            if let Ok(mode) = kpc::config_mode(&text) {
                return Some(ModeSetting::new(
                    &mode,
                    format!(
                        "mode in {} (the config.conf mounted into the kube-proxy pod)",
                        file.display()
                    ),
                ));
            }
        }
    }
    None
}

/// kube-proxy's configured mode on this node, when something says it.
pub fn collect(fs: &HostFs, data: &NodeData, coverage: &mut Vec<Coverage>) -> Option<ModeSetting> {
    let command = command_line(fs, data);
    if let Some((source, argv)) = &command {
        let flags = kpc::flags(argv);
        let Some(config) = &flags.config else {
            return Some(kpc::flag_setting(&flags, source));
        };
        // With --config the file decides; in a pod it is only on the host as the volume.
        let why = format!(" (--config of the kube-proxy command line in {source})");
        if let Some(s) = file_setting(fs, config, coverage, &why) {
            return Some(s);
        }
        if let Some(s) = pod_volume_setting(fs) {
            return Some(s);
        }
        coverage.push(Coverage::new(
            "kube-proxy's mode",
            format!(
                "its command line ({source}) names --config {config}, which is not on the host (it is inside the pod) and no pod volume holds it"
            ),
        ));
        return None;
    }
    HOST_CONFIGS
        .iter()
        .find_map(|p| file_setting(fs, p, coverage, ""))
        .or_else(|| pod_volume_setting(fs))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    const CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";

    #[test]
    fn a_running_process_and_the_config_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "proc/77/comm", b"bash\n");
        write(dir.path(), "proc/77/cmdline", b"bash\0");
        write(dir.path(), "proc/812/comm", b"kube-proxy\n");
        write(
            dir.path(),
            "proc/812/cmdline",
            b"/usr/local/bin/kube-proxy\0--config=/var/lib/kube-proxy/kube-proxy-config.yaml\0--proxy-mode=ipvs\0",
        );
        write(
            dir.path(),
            "var/lib/kube-proxy/kube-proxy-config.yaml",
            CONFIG.as_bytes(),
        );
        let fs = HostFs::new(dir.path()).unwrap();
        let mut coverage = Vec::new();
        let s = collect(&fs, &NodeData::default(), &mut coverage).unwrap();
        // With --config the file decides; --proxy-mode is ignored.
        assert_eq!(s.mode.as_deref(), Some("nftables"));
        assert!(s.source.contains("/proc/812/cmdline"), "{}", s.source);
        assert!(coverage.is_empty());
    }

    #[test]
    fn flags_without_a_config_file_and_nothing_at_all() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "sos_commands/process/ps_auxwww",
            b"root 1521 0.1 0.6 1290452 50212 ? Ssl May30 8:17 /usr/local/bin/kube-proxy --proxy-mode ipvs --kubeconfig=/var/lib/kube-proxy/kubeconfig\n",
        );
        let fs = HostFs::new(dir.path()).unwrap();
        let s = collect(&fs, &NodeData::default(), &mut Vec::new()).unwrap();
        assert_eq!(
            (s.written.as_str(), s.mode.as_deref()),
            ("ipvs", Some("ipvs"))
        );
        let empty = tempfile::tempdir().unwrap();
        let fs = HostFs::new(empty.path()).unwrap();
        assert_eq!(collect(&fs, &NodeData::default(), &mut Vec::new()), None);
    }

    #[test]
    fn a_config_file_that_is_not_one_is_a_coverage_note() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "var/lib/kube-proxy/config.conf", b"mode: [\n");
        let fs = HostFs::new(dir.path()).unwrap();
        let mut coverage = Vec::new();
        assert_eq!(collect(&fs, &NodeData::default(), &mut coverage), None);
        assert_eq!(coverage.len(), 1);
        assert!(coverage[0].why.contains("invalid YAML"), "{coverage:?}");
    }
}
