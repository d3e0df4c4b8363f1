//! Static pod flags that name files (`--tls-cert-file`, `--kubeconfig`, `--etcd-cafile`,
//! `--data-dir` …): the path must be inside a hostPath volume mounted into the container, and
//! the host path it maps to must exist. The classic breakages: a typo in a certificate path,
//! a kubeconfig renamed, a hostPath pointing at the wrong directory, etcd restored to a new
//! data directory without updating the volume.

use super::{ev, file, finding};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::{NodeData, StaticPods};
use crate::node::parse::manifest::component_of;

/// One path a static pod's flag names, and where it lies on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub manifest: String,
    pub pod: String,
    pub container: String,
    pub flag: String,
    /// The path as the container sees it.
    pub path: String,
    /// The host path it maps to through a hostPath volume; `None` when no volume covers it.
    pub host: Option<String>,
    /// A directory flag (`--data-dir`, `--cert-dir`): the kubelet or the component creates it.
    pub is_dir: bool,
}

/// Flags whose value is a path to read (not a file the component writes, like a log).
pub(crate) fn is_path_flag(name: &str, value: &str) -> bool {
    let endings = [
        "file",
        "kubeconfig",
        "-dir",
        "cafile",
        "certfile",
        "keyfile",
        "config",
        "certificate",
        "-key",
        "-cert",
    ];
    value.starts_with('/')
        && !value.contains(',')
        && !name.contains("log")
        && name != "cert-dir"
        && endings.iter().any(|e| name.ends_with(e))
}

/// Whether `path` is `dir` or inside it.
fn within(path: &str, dir: &str) -> Option<String> {
    let dir = dir.trim_end_matches('/');
    if path == dir {
        return Some(String::new());
    }
    path.strip_prefix(dir)
        .filter(|rest| rest.starts_with('/') || dir.is_empty())
        .map(str::to_string)
}

/// Every path the static pods' flags name, mapped to the host.
pub fn file_refs(pods: &StaticPods) -> Vec<FileRef> {
    let mut out = Vec::new();
    for manifest in &pods.manifests {
        let Some(pod) = &manifest.pod else { continue };
        for c in &pod.containers {
            for (flag, value) in c.flags() {
                if !is_path_flag(&flag, &value) {
                    continue;
                }
                // The longest mount that covers the path wins, as in the container.
                let covering = c
                    .mounts
                    .iter()
                    .filter_map(|(volume, mount)| {
                        within(&value, mount).map(|rest| (volume, mount, rest))
                    })
                    .max_by_key(|(_, mount, _)| mount.len());
                let host = covering.as_ref().and_then(|(volume, _, rest)| {
                    pod.host_paths
                        .iter()
                        .find(|(name, _)| name == *volume)
                        .map(|(_, host)| format!("{}{rest}", host.trim_end_matches('/')))
                });
                let not_host_path = covering.is_some() && host.is_none();
                if not_host_path {
                    continue; // an emptyDir, a projected volume …: nothing to check on the host
                }
                out.push(FileRef {
                    manifest: manifest.file.clone(),
                    pod: pod.name.clone(),
                    container: c.name.clone(),
                    flag: flag.clone(),
                    path: value.clone(),
                    host,
                    is_dir: flag.ends_with("-dir"),
                });
            }
        }
    }
    out
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    // One finding per path of a manifest, naming every flag that uses it.
    let mut refs: Vec<(FileRef, Vec<String>)> = Vec::new();
    for r in file_refs(&data.static_pods) {
        match refs
            .iter_mut()
            .find(|(o, _)| o.manifest == r.manifest && o.path == r.path)
        {
            Some((_, flags)) => flags.push(r.flag.clone()),
            None => {
                let flag = r.flag.clone();
                refs.push((r, vec![flag]));
            }
        }
    }
    let mut out = Vec::new();
    for (r, flags) in refs {
        let vital = component_of(&r.pod).is_some_and(|c| c.is_vital());
        let severity = if vital {
            Severity::Critical
        } else {
            Severity::Error
        };
        let flag_list = flags
            .iter()
            .map(|f| format!("--{f}"))
            .collect::<Vec<_>>()
            .join(", ");
        let on_host = r.host.clone().unwrap_or_else(|| r.path.clone());
        let missing = !r.is_dir && data.path_exists(&on_host) == Some(false);
        let mut f = match (&r.host, missing) {
            (_, true) => {
                let mounted = if r.host.is_some() {
                    format!(" ({on_host} on the host)")
                } else {
                    ", and no volume mounts it into the container".to_string()
                };
                let mut f = finding(
                    Pane::ControlPlane,
                    "static-pod-file-missing",
                    severity,
                    file(&r.manifest),
                    format!(
                        "{}: {}={} does not exist{mounted}",
                        r.pod, flag_list, r.path
                    ),
                    "The component opens this file when it starts; it is missing, so the container exits at once (`open …: no such file or directory`) and the kubelet restarts it forever.",
                );
                f.next_steps = vec![
                    format!("ls -l {}", parent(&on_host)),
                    format!("crictl ps -a --name {}", r.container),
                    format!(
                        "fix the path in {} (the kubelet restarts the pod by itself)",
                        r.manifest
                    ),
                ];
                f
            }
            (None, false) => {
                let mut f = finding(
                    Pane::ControlPlane,
                    "static-pod-path-not-mounted",
                    severity,
                    file(&r.manifest),
                    format!(
                        "{}: {}={} is not inside any hostPath volume mounted into container {}",
                        r.pod, flag_list, r.path, r.container
                    ),
                    "The container only sees host files through its volumeMounts. No mount covers this path, so the component reads (or, for a data directory, writes) a path inside its own image instead of the host's: it fails to start, or keeps its data where the next restart loses it.",
                );
                f.next_steps = vec![
                    format!("grep -n -A3 'volumeMounts\\|hostPath' {}", r.manifest),
                    format!(
                        "add a volume and volumeMount for {} in {} (the kubelet restarts the pod by itself)",
                        r.path, r.manifest
                    ),
                ];
                f
            }
            _ => continue,
        };
        f.evidence = vec![
            ev("manifest", &r.manifest),
            ev("flags", format!("{flag_list}={}", r.path)),
            ev(
                "host path",
                match &r.host {
                    Some(h) => h.clone(),
                    None => "(no hostPath volume covers it)".into(),
                },
            ),
        ];
        out.push(f);
    }
    out
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/')
        .map(|(p, _)| if p.is_empty() { "/" } else { p })
        .unwrap_or(path)
}
