//! The kubelet's configuration chain: the binary systemd starts, the environment files it must
//! load, the `--config` file, the kubeconfig, and the files the configuration names (client CA,
//! serving certificate, client certificate). Each break stops the kubelet or keeps it from
//! joining; the evidence says which link of the chain it is.

use super::{ev, file, finding, unit};
use crate::findings::{Finding, Pane, Severity};
use crate::node::model::{KubeletChain, NodeData};

/// Paths of the chain whose existence the analyzer needs (looked up by the collector).
pub fn wanted_paths(chain: &KubeletChain) -> Vec<String> {
    let s = &chain.settings;
    let mut out: Vec<String> = Vec::new();
    if let Some(binary) = chain.exec_start.first().filter(|b| b.starts_with('/')) {
        out.push(binary.clone());
    }
    for v in [
        &s.client_ca_file.value,
        &s.tls_cert_file.value,
        &s.tls_private_key_file.value,
    ] {
        if v.starts_with('/') {
            out.push(v.clone());
        }
    }
    if let Some(k) = &chain.kubeconfig {
        out.extend(
            [
                &k.client_certificate_file,
                &k.client_key_file,
                &k.certificate_authority_file,
            ]
            .into_iter()
            .flatten()
            .filter(|p| p.starts_with('/'))
            .cloned(),
        );
    }
    if let Some(b) = &chain.bootstrap_kubeconfig {
        out.push(b.clone());
    }
    out
}

fn where_(chain: &KubeletChain) -> String {
    chain
        .unit_file
        .iter()
        .chain(chain.drop_ins.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(" + ")
}

fn binary(data: &NodeData, out: &mut Vec<Finding>) {
    let chain = &data.kubelet;
    let Some(bin) = chain.exec_start.first() else {
        return;
    };
    if data.path_exists(bin) != Some(false) {
        return;
    }
    let mut f = finding(
        Pane::Node,
        "kubelet-binary-missing",
        Severity::Critical,
        unit("kubelet"),
        format!("systemd starts {bin}, which does not exist"),
        "ExecStart names a kubelet binary that is not there, so systemd cannot start the kubelet at all (status=203/EXEC) and the node goes NotReady.",
    );
    f.evidence = vec![
        ev("ExecStart", chain.exec_start.join(" ")),
        ev("from", where_(chain)),
    ];
    f.next_steps = vec![
        "command -v kubelet; ls -l /usr/bin/kubelet /usr/local/bin/kubelet".into(),
        "systemctl cat kubelet".into(),
        "fix ExecStart, then systemctl daemon-reload && systemctl restart kubelet".into(),
    ];
    out.push(f);
}

fn env_files(data: &NodeData, out: &mut Vec<Finding>) {
    for missing in &data.kubelet.missing_env_files {
        let mut f = finding(
            Pane::Node,
            "kubelet-env-file-missing",
            Severity::Critical,
            unit("kubelet"),
            format!("EnvironmentFile={missing} does not exist"),
            "systemd refuses to start a unit whose EnvironmentFile is missing unless it is written with a leading '-'.",
        );
        f.evidence = vec![ev("from", where_(&data.kubelet))];
        f.next_steps = vec!["systemctl cat kubelet".into()];
        out.push(f);
    }
}

fn config(data: &NodeData, out: &mut Vec<Finding>) {
    let chain = &data.kubelet;
    if let (Some(path), Some(error)) = (&chain.config_file, &chain.config_error) {
        let mut f = finding(
            Pane::Node,
            "kubelet-config-invalid",
            Severity::Critical,
            file(path),
            format!("the kubelet's --config file {path} cannot be used: {error}"),
            "The kubelet loads this file at start and exits when it is missing or invalid (\"failed to load kubelet config file\"), so systemd restarts it in a loop.",
        );
        f.evidence = vec![ev("--config", path), ev("error", error)];
        f.next_steps = vec![
            format!("ls -l {path}"),
            "journalctl -u kubelet -n 20 --no-pager".into(),
        ];
        out.push(f);
    }
    if let Some(error) = &chain.kubeconfig_error {
        let bootstrapping = chain
            .bootstrap_kubeconfig
            .as_ref()
            .is_some_and(|b| data.path_exists(b) == Some(true));
        let mut f = finding(
            Pane::Node,
            "kubelet-kubeconfig-invalid",
            if bootstrapping {
                Severity::Warning
            } else {
                Severity::Critical
            },
            file(chain.flag("kubeconfig").unwrap_or("kubeconfig")),
            format!("the kubelet's kubeconfig cannot be used: {error}"),
            if bootstrapping {
                "The kubelet will request a new client certificate with its bootstrap kubeconfig; until that is approved it cannot register."
            } else {
                "Without its kubeconfig the kubelet cannot talk to the API server: the node never registers or goes NotReady."
            },
        );
        f.evidence = vec![ev("error", error)];
        if let Some(b) = &chain.bootstrap_kubeconfig {
            f.evidence.push(ev("--bootstrap-kubeconfig", b));
        }
        f.next_steps = vec![
            "kubeadm join … (or kubeadm init phase kubeconfig kubelet on a control-plane node)"
                .into(),
        ];
        out.push(f);
    }
}

fn named_files(data: &NodeData, out: &mut Vec<Finding>) {
    let s = &data.kubelet.settings;
    let config = data.kubelet.config_file.as_deref();
    let mut wanted: Vec<(&str, &str, String, Severity)> = vec![
        (
            "clientCAFile",
            s.client_ca_file.value.as_str(),
            s.client_ca_file.source.describe(config),
            Severity::Critical,
        ),
        (
            "tlsCertFile",
            s.tls_cert_file.value.as_str(),
            s.tls_cert_file.source.describe(config),
            Severity::Error,
        ),
        (
            "tlsPrivateKeyFile",
            s.tls_private_key_file.value.as_str(),
            s.tls_private_key_file.source.describe(config),
            Severity::Error,
        ),
    ];
    if let Some(k) = &data.kubelet.kubeconfig {
        for (what, path) in [
            ("client-certificate", &k.client_certificate_file),
            ("client-key", &k.client_key_file),
            ("certificate-authority", &k.certificate_authority_file),
        ] {
            if let Some(p) = path {
                wanted.push((
                    what,
                    p.as_str(),
                    format!("{what} in {}", k.file),
                    Severity::Critical,
                ));
            }
        }
    }
    for (what, path, source, severity) in wanted {
        if path.is_empty() || data.path_exists(path) != Some(false) {
            continue;
        }
        let mut f = finding(
            Pane::Node,
            "kubelet-file-missing",
            severity,
            file(path),
            format!("the kubelet's {what} {path} does not exist"),
            "The kubelet reads this file at start (e.g. \"unable to load client CA file …: no such file or directory\") and exits, or cannot authenticate to the API server.",
        );
        f.evidence = vec![ev(what, format!("{path} ({source})"))];
        f.next_steps = vec![
            format!(
                "ls -l {}",
                path.rsplit_once('/')
                    .map_or("/", |(d, _)| if d.is_empty() { "/" } else { d })
            ),
            "fix the path, then systemctl restart kubelet".into(),
        ];
        out.push(f);
    }
}

fn api_server(data: &NodeData, out: &mut Vec<Finding>) {
    let Some(server) = data
        .kubelet
        .kubeconfig
        .as_ref()
        .and_then(|k| k.server.clone())
    else {
        return;
    };
    let apiserver = data
        .static_pods
        .manifests
        .iter()
        .filter_map(|m| m.pod.as_ref())
        .find(|p| p.name == "kube-apiserver");
    let Some(apiserver) = apiserver else { return };
    let flag = |n: &str| apiserver.containers.iter().find_map(|c| c.flag(n));
    let port = flag("secure-port")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(6443);
    let advertise = flag("advertise-address").unwrap_or_default();
    let host = crate::certs::names::url_host(&server).unwrap_or_default();
    let server_port = server
        .rsplit_once(':')
        .and_then(|(_, p)| p.trim_end_matches('/').parse::<u16>().ok())
        .unwrap_or(443);
    let local = host == advertise || host == "127.0.0.1" || host == "localhost" || host == "::1";
    if !local || server_port == port {
        return;
    }
    let mut f = finding(
        Pane::Node,
        "kubelet-apiserver-port",
        Severity::Error,
        file(
            &data
                .kubelet
                .kubeconfig
                .as_ref()
                .map(|k| k.file.clone())
                .unwrap_or_default(),
        ),
        format!(
            "the kubelet talks to {server}, but the API server on this node listens on port {port}"
        ),
        "The kubelet's kubeconfig points at this node's API server on another port, so every request is refused (\"Unable to register node with API server … connection refused\").",
    );
    f.evidence = vec![
        ev("server (kubelet kubeconfig)", &server),
        ev("kube-apiserver --secure-port", port.to_string()),
    ];
    f.next_steps = vec![
        format!(
            "grep server: {}",
            data.kubelet
                .kubeconfig
                .as_ref()
                .map(|k| k.file.as_str())
                .unwrap_or("/etc/kubernetes/kubelet.conf")
        ),
        "fix the port, then systemctl restart kubelet".into(),
    ];
    out.push(f);
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    binary(data, &mut out);
    env_files(data, &mut out);
    config(data, &mut out);
    named_files(data, &mut out);
    api_server(data, &mut out);
    out
}
