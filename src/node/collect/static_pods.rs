//! The static pod directory the kubelet reads (its `staticPodPath`, else kubeadm's default when
//! the kubelet's configuration could not be found): every manifest parsed, and the files the
//! kubelet would read too although they are not manifests (it skips only names starting with
//! a dot).

use std::path::Path;

use crate::hostfs::{FileKind, HostFs};
use crate::node::model::{Coverage, KubeletChain, StaticPods};
use crate::node::parse::manifest::parse_manifest;

/// kubeadm's static pod directory.
pub const KUBEADM_MANIFESTS: &str = "/etc/kubernetes/manifests";

/// Manifests parsed at most.
const MAX_MANIFESTS: usize = 100;

fn manifest_like(name: &str) -> bool {
    [".yaml", ".yml", ".json"].iter().any(|x| name.ends_with(x))
}

pub fn collect(fs: &HostFs, kubelet: &KubeletChain, coverage: &mut Vec<Coverage>) -> StaticPods {
    let setting = &kubelet.settings.static_pod_path;
    let config_known = kubelet.config_file.is_some() && kubelet.config_error.is_none();
    let (dir, source) = if !setting.value.is_empty() {
        (
            setting.value.clone(),
            setting.source.describe(kubelet.config_file.as_deref()),
        )
    } else if !config_known {
        (
            KUBEADM_MANIFESTS.to_string(),
            "kubeadm's default (the kubelet's configuration could not be read)".to_string(),
        )
    } else {
        (
            String::new(),
            "not set: the kubelet runs no static pods".to_string(),
        )
    };
    let mut pods = StaticPods {
        dir: dir.clone(),
        dir_source: source,
        ..StaticPods::default()
    };
    if dir.is_empty() {
        pods.kubeadm_dir_manifests = manifest_names(fs, Path::new(KUBEADM_MANIFESTS));
        return pods;
    }
    let listing = match fs.list_dir(Path::new(&dir)) {
        Ok(l) => l,
        Err(e) => {
            pods.dir_exists = false;
            if !e.is_not_found() {
                coverage.push(Coverage::new(
                    format!("static pod directory {dir}"),
                    e.reason(),
                ));
            }
            if dir != KUBEADM_MANIFESTS {
                pods.kubeadm_dir_manifests = manifest_names(fs, Path::new(KUBEADM_MANIFESTS));
            }
            return pods;
        }
    };
    pods.dir_exists = true;
    if listing.truncated {
        coverage.push(Coverage::new(
            format!("static pod directory {dir}"),
            "more entries than kmedic lists; only the first were read",
        ));
    }
    for entry in listing.entries {
        if entry.name.starts_with('.') {
            continue;
        }
        let kind = fs.kind(&entry.host_path);
        if kind.as_ref().is_ok_and(|k| *k == FileKind::Dir) {
            continue;
        }
        let shown = entry.host_path.display().to_string();
        if !manifest_like(&entry.name) {
            pods.stray_files.push(shown);
            continue;
        }
        if pods.manifests.len() >= MAX_MANIFESTS {
            coverage.push(Coverage::new(shown, "too many manifests; not read"));
            continue;
        }
        match fs.read(&entry.host_path) {
            Ok(file) if file.truncated => {
                coverage.push(Coverage::new(shown, "larger than kmedic reads; not parsed"))
            }
            Ok(file) => pods.manifests.push(parse_manifest(
                &shown,
                &String::from_utf8_lossy(&file.bytes),
            )),
            Err(e) => coverage.push(Coverage::new(shown, e.reason())),
        }
    }
    if dir != KUBEADM_MANIFESTS && pods.manifests.is_empty() {
        pods.kubeadm_dir_manifests = manifest_names(fs, Path::new(KUBEADM_MANIFESTS));
    }
    pods
}

fn manifest_names(fs: &HostFs, dir: &Path) -> Vec<String> {
    fs.list_dir(dir)
        .map(|l| {
            l.entries
                .into_iter()
                .filter(|e| !e.name.starts_with('.') && manifest_like(&e.name))
                .map(|e| e.host_path.display().to_string())
                .collect()
        })
        .unwrap_or_default()
}
