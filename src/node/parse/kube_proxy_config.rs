//! kube-proxy's proxy mode as kube-proxy itself takes it: the `mode` field of a
//! `KubeProxyConfiguration` document (its `--config` file; kubeadm ships it as key
//! `config.conf` of ConfigMap kube-system/kube-proxy, mounted in the pod at
//! `/var/lib/kube-proxy/config.conf`), or, without `--config`, the `--proxy-mode` flag. With
//! `--config` kube-proxy ignores its other flags (the host name apart), so `--proxy-mode` then
//! does not count. An empty or absent mode means `iptables` on Linux (kube-proxy's
//! `platformApplyDefaults`); a value that is no Linux mode fails kube-proxy's validation, so
//! it does not start. Pure: text in, data out.

use serde::Serialize;
use serde_json::Value;

/// The proxy mode kube-proxy is configured with, and where that was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeSetting {
    /// As written (`""` when the field or flag is empty or absent).
    pub written: String,
    /// The mode kube-proxy runs in on Linux: `iptables`, `ipvs` or `nftables`; `None` when
    /// what is written is none of them (kube-proxy refuses to start).
    pub mode: Option<String>,
    /// Where it was read, in words (`mode in /var/lib/kube-proxy/config.conf`).
    pub source: String,
}

impl ModeSetting {
    pub fn new(written: &str, source: impl Into<String>) -> ModeSetting {
        ModeSetting {
            written: written.to_string(),
            mode: linux_mode(written).map(str::to_string),
            source: source.into(),
        }
    }

    /// `ipvs`, or `iptables (mode "" is iptables on Linux)`, for summaries.
    pub fn describe(&self) -> String {
        match (&self.mode, self.written.as_str()) {
            (Some(m), "") => format!("{m} (no mode set: kube-proxy's default on Linux)"),
            (Some(m), _) => m.clone(),
            (None, w) => format!(
                "\"{}\" (not a Linux mode)",
                w.chars().take(40).collect::<String>()
            ),
        }
    }
}

/// The Linux mode a written value selects: `""` is iptables.
pub fn linux_mode(written: &str) -> Option<&'static str> {
    match written.trim() {
        "" | "iptables" => Some("iptables"),
        "ipvs" => Some("ipvs"),
        "nftables" => Some("nftables"),
        _ => None,
    }
}

/// The `mode` of a `KubeProxyConfiguration` document (`""` when absent). An error when the
/// text is not YAML or not that kind.
pub fn config_mode(text: &str) -> Result<String, String> {
    let options = serde_saphyr::options! { strict_booleans: true, with_snippet: false };
    let v: Value =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| match e.location() {
            Some(l) => format!("line {}: invalid YAML", l.line()),
            None => "invalid YAML".to_string(),
        })?;
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "KubeProxyConfiguration" {
        return Err(format!(
            "kind is \"{}\", not KubeProxyConfiguration",
            kind.chars().take(60).collect::<String>()
        ));
    }
    Ok(match v.get("mode") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    })
}

/// What kube-proxy's command line says about its mode.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ProxyFlags {
    /// `--config`: when set, the file decides and `--proxy-mode` is ignored.
    pub config: Option<String>,
    /// `--proxy-mode`.
    pub proxy_mode: Option<String>,
}

/// Whether `argv0` is the kube-proxy program (`/usr/local/bin/kube-proxy`).
pub fn is_kube_proxy(argv0: &str) -> bool {
    argv0.rsplit('/').next() == Some("kube-proxy")
}

/// Reads `--config` and `--proxy-mode` (`--x=v` and `--x v`; the last one wins, as pflag does).
pub fn flags<S: AsRef<str>>(argv: &[S]) -> ProxyFlags {
    let mut out = ProxyFlags::default();
    for (name, value) in super::command_line::flags(argv) {
        match name.as_str() {
            "config" => out.config = Some(value),
            "proxy-mode" => out.proxy_mode = Some(value),
            _ => {}
        }
    }
    out
}

/// The mode a command line selects when it has no `--config`.
pub fn flag_setting(flags: &ProxyFlags, source: &str) -> ModeSetting {
    match &flags.proxy_mode {
        Some(m) => ModeSetting::new(m, format!("--proxy-mode in {source}")),
        None => ModeSetting::new(
            "",
            format!("{source}: no --config and no --proxy-mode (kube-proxy's default)"),
        ),
    }
}

/// The kube-proxy command line in `ps auxwww` output (sos: `process/ps_auxwww`): the words
/// from the COMMAND column of the first kube-proxy process.
pub fn from_ps(text: &str) -> Option<Vec<String>> {
    text.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        // USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND…
        let command = words.get(10..)?;
        is_kube_proxy(command.first()?).then(|| command.iter().map(|w| w.to_string()).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_as_kube_proxy_reads_them() {
        let kubeadm = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: \"\"\nipvs:\n  scheduler: \"\"\n";
        assert_eq!(config_mode(kubeadm), Ok(String::new()));
        assert_eq!(ModeSetting::new("", "x").mode.as_deref(), Some("iptables"));
        let ipvs = kubeadm.replace("mode: \"\"", "mode: ipvs");
        assert_eq!(config_mode(&ipvs), Ok("ipvs".to_string()));
        assert_eq!(
            config_mode("kind: KubeProxyConfiguration\n"),
            Ok(String::new())
        );
        assert!(config_mode("kind: KubeletConfiguration\nmode: ipvs\n").is_err());
        assert!(config_mode("mode: [\n").is_err());
        assert_eq!(ModeSetting::new("userspace", "x").mode, None);
        assert_eq!(
            ModeSetting::new("nftables", "x").mode.as_deref(),
            Some("nftables")
        );
    }

    #[test]
    fn flags_and_ps_lines() {
        let argv = [
            "/usr/local/bin/kube-proxy",
            "--config=/var/lib/kube-proxy/config.conf",
            "--hostname-override=worker-1",
            "--proxy-mode",
            "ipvs",
        ];
        let f = flags(&argv);
        assert_eq!(f.config.as_deref(), Some("/var/lib/kube-proxy/config.conf"));
        assert_eq!(f.proxy_mode.as_deref(), Some("ipvs"));
        let none = flags(&["kube-proxy", "--v=2"]);
        assert_eq!(flag_setting(&none, "ps").mode.as_deref(), Some("iptables"));
        let ps = "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.1 1000 100 ? Ss May30 0:01 /sbin/init\nroot 2211 0.1 0.5 1283744 45876 ? Ssl May30 12:34 /usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf --hostname-override=worker-1\n";
        let cmd = from_ps(ps).unwrap_or_default();
        assert_eq!(cmd.len(), 3);
        assert_eq!(from_ps("root 1 0 0 0 0 ? S x 0:00 grep kube-proxy\n"), None);
    }
}
