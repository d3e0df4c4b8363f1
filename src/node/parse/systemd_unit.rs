//! systemd unit files and drop-ins, reduced to how a service is started: `ExecStart=` (an
//! empty assignment resets it, as drop-ins like kubeadm's `10-kubeadm.conf` do),
//! `Environment=` and `EnvironmentFile=` (a leading `-` makes the file optional).

/// The `[Service]` settings that decide the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceExec {
    /// The last `ExecStart=` after resets, unexpanded.
    pub exec_start: Option<String>,
    /// `Environment=` assignments in order.
    pub environment: Vec<(String, String)>,
    /// `EnvironmentFile=` paths and whether they are optional (`-`).
    pub environment_files: Vec<(String, bool)>,
}

/// `(section, key, value)` of every assignment; comments, blank lines and line continuations
/// handled.
pub fn assignments(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut pending = String::new();
    for raw in text.lines() {
        let line = raw.trim_end();
        if pending.is_empty() {
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
                continue;
            }
            if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                section = name.to_string();
                continue;
            }
        }
        if let Some(cont) = line.strip_suffix('\\') {
            pending.push_str(cont);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let full = std::mem::take(&mut pending);
        if let Some((key, value)) = full.trim().split_once('=') {
            out.push((
                section.clone(),
                key.trim().to_string(),
                value.trim().to_string(),
            ));
        }
    }
    out
}

/// Applies the unit and its drop-ins, in order.
pub fn service_exec<S: AsRef<str>>(files: &[S]) -> ServiceExec {
    let mut exec = ServiceExec::default();
    for text in files {
        for (section, key, value) in assignments(text.as_ref()) {
            if section != "Service" {
                continue;
            }
            match key.as_str() {
                "ExecStart" if value.is_empty() => exec.exec_start = None,
                "ExecStart" => exec.exec_start = Some(value),
                "Environment" if value.is_empty() => exec.environment.clear(),
                "Environment" => exec
                    .environment
                    .extend(super::command_line::parse_environment(&value)),
                "EnvironmentFile" if value.is_empty() => exec.environment_files.clear(),
                "EnvironmentFile" => {
                    let optional = value.starts_with('-');
                    let path = value.trim_start_matches('-').trim().to_string();
                    exec.environment_files.push((path, optional));
                }
                _ => {}
            }
        }
    }
    exec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_in_resets_exec_start() {
        let unit = "[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n";
        let drop_in = "# Note: This dropin only works with kubeadm and kubelet v1.11+\n[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS \\\n  $KUBELET_CONFIG_ARGS\n";
        let exec = service_exec(&[unit, drop_in]);
        assert_eq!(
            exec.exec_start.as_deref(),
            Some("/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS    $KUBELET_CONFIG_ARGS")
        );
        assert_eq!(exec.environment.len(), 2);
        assert_eq!(
            exec.environment_files,
            vec![
                ("/var/lib/kubelet/kubeadm-flags.env".to_string(), true),
                ("/etc/default/kubelet".to_string(), true)
            ]
        );
    }
}
