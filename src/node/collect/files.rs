//! Looks up the paths the configuration names (so the analyzers can stay pure): the files of
//! static pod flags, the kubelet's binary and files, its resolv.conf, and its client
//! certificate.

use std::path::Path;

use crate::certs::parse_certificates;
use crate::hostfs::HostFs;
use crate::node::analyze::kubelet_chain::wanted_paths;
use crate::node::analyze::static_pod_files::file_refs;
use crate::node::model::{KubeletClientCert, NodeData, PathCheck, ResolvConf};

fn look(fs: &HostFs, path: &str) -> PathCheck {
    match fs.resolve(Path::new(path)) {
        Ok(r) => PathCheck {
            kind: Some(r.kind),
            error: None,
        },
        Err(e) if e.is_not_found() => PathCheck {
            kind: None,
            error: None,
        },
        Err(e) => PathCheck {
            kind: None,
            error: Some(e.reason()),
        },
    }
}

/// Fills `data.files`, `data.resolv_conf` and `data.kubelet_client_cert`.
pub fn collect(fs: &HostFs, data: &mut NodeData) {
    let mut paths: Vec<String> = file_refs(&data.static_pods)
        .into_iter()
        .map(|r| r.host.unwrap_or(r.path))
        .collect();
    paths.extend(wanted_paths(&data.kubelet));
    paths.extend(crate::node::analyze::unit_files::wanted_paths(data));
    for p in paths {
        let check = look(fs, &p);
        data.files.insert(p, check);
    }
    let resolv = &data.kubelet.settings.resolv_conf.value;
    if !resolv.is_empty()
        && let Ok(text) = fs.read_text(Path::new(resolv))
    {
        let nameservers = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("nameserver"))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        data.resolv_conf = Some(ResolvConf {
            path: resolv.clone(),
            nameservers,
        });
    }
    let cert_path = data
        .kubelet
        .kubeconfig
        .as_ref()
        .and_then(|k| k.client_certificate_file.clone());
    if let Some(path) = cert_path {
        let mut cert = KubeletClientCert {
            path: path.clone(),
            common_name: None,
            not_after: None,
            error: None,
        };
        match fs.read(Path::new(&path)) {
            Ok(file) => match parse_certificates(&file.bytes) {
                Ok(chain) => {
                    if let Some(leaf) = chain.first() {
                        cert.common_name = leaf.common_name.clone();
                        cert.not_after = Some(leaf.not_after.as_second());
                    }
                }
                Err(e) => cert.error = Some(e.to_string()),
            },
            Err(e) => cert.error = Some(e.reason()),
        }
        data.kubelet_client_cert = Some(cert);
    }
}
