//! The container runtime's configuration: which runtime the kubelet talks to (its
//! `containerRuntimeEndpoint`), then containerd's `config.toml` with its imports, or CRI-O's
//! `crio.conf` and `crio.conf.d/*.conf`.

use std::path::{Path, PathBuf};

use crate::hostfs::HostFs;
use crate::node::model::RuntimeConfig;
use crate::node::parse::runtime_config::{parse_containerd, parse_crio_cgroup_manager};

const CONTAINERD: &str = "/etc/containerd/config.toml";
const CRIO: &str = "/etc/crio/crio.conf";
const CRIO_D: &str = "/etc/crio/crio.conf.d";

/// Which runtime an endpoint names.
pub fn runtime_of(endpoint: &str) -> &'static str {
    if endpoint.contains("crio") {
        "crio"
    } else if endpoint.contains("dockershim") || endpoint.contains("cri-dockerd") {
        "docker"
    } else {
        "containerd"
    }
}

/// Files an `imports` entry names (`/etc/containerd/conf.d/*.toml` globs a directory).
fn imported(fs: &HostFs, pattern: &str) -> Vec<PathBuf> {
    let path = Path::new(pattern);
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    match name.split_once('*') {
        None => vec![path.to_path_buf()],
        Some((prefix, suffix)) => {
            let dir = path.parent().unwrap_or(Path::new("/"));
            fs.list_dir(dir)
                .map(|l| {
                    l.entries
                        .into_iter()
                        .filter(|e| e.name.starts_with(prefix) && e.name.ends_with(suffix))
                        .map(|e| e.host_path)
                        .collect()
                })
                .unwrap_or_default()
        }
    }
}

fn containerd(fs: &HostFs) -> RuntimeConfig {
    let mut out = RuntimeConfig {
        runtime: "containerd".into(),
        ..RuntimeConfig::default()
    };
    let text = match fs.read_text(Path::new(CONTAINERD)) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => {
            out.systemd_cgroup = Some(false);
            out.systemd_cgroup_source = format!("containerd's default (no {CONTAINERD}): cgroupfs");
            return out;
        }
        Err(e) => {
            out.error = Some(format!("{CONTAINERD}: {}", e.reason()));
            return out;
        }
    };
    out.config_file = Some(CONTAINERD.into());
    let main = match parse_containerd(&text) {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(format!("{CONTAINERD}: {e}"));
            return out;
        }
    };
    out.cri_disabled = main.cri_disabled;
    let mut setting = main
        .systemd_cgroup
        .map(|v| (v, format!("SystemdCgroup in {CONTAINERD}")));
    for pattern in &main.imports {
        for file in imported(fs, pattern) {
            let Ok(text) = fs.read_text(&file) else {
                continue;
            };
            if let Ok(c) = parse_containerd(&text) {
                out.cri_disabled |= c.cri_disabled;
                if let Some(v) = c.systemd_cgroup {
                    setting = Some((v, format!("SystemdCgroup in {}", file.display())));
                }
            }
        }
    }
    let (value, source) = setting.unwrap_or((
        false,
        format!("containerd's default (SystemdCgroup not set in {CONTAINERD}): cgroupfs"),
    ));
    out.systemd_cgroup = Some(value);
    out.systemd_cgroup_source = source;
    out
}

fn crio(fs: &HostFs) -> RuntimeConfig {
    let mut out = RuntimeConfig {
        runtime: "crio".into(),
        systemd_cgroup: Some(true),
        systemd_cgroup_source: "CRI-O's default cgroup_manager: systemd".into(),
        ..RuntimeConfig::default()
    };
    let mut files = vec![PathBuf::from(CRIO)];
    if let Ok(l) = fs.list_dir(Path::new(CRIO_D)) {
        files.extend(
            l.entries
                .into_iter()
                .filter(|e| e.name.ends_with(".conf"))
                .map(|e| e.host_path),
        );
    }
    for file in files {
        let Ok(text) = fs.read_text(&file) else {
            continue;
        };
        out.config_file
            .get_or_insert_with(|| file.display().to_string());
        match parse_crio_cgroup_manager(&text) {
            Ok(Some(manager)) => {
                out.systemd_cgroup = Some(manager == "systemd");
                out.systemd_cgroup_source =
                    format!("cgroup_manager = \"{manager}\" in {}", file.display());
            }
            Ok(None) => {}
            Err(e) => out.error = Some(format!("{}: {e}", file.display())),
        }
    }
    out
}

/// The configuration of the runtime behind `endpoint`.
pub fn collect(fs: &HostFs, endpoint: &str) -> RuntimeConfig {
    match runtime_of(endpoint) {
        "crio" => crio(fs),
        "docker" => RuntimeConfig {
            runtime: "docker".into(),
            ..RuntimeConfig::default()
        },
        _ => containerd(fs),
    }
}
