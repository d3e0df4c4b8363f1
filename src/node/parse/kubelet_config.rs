//! The kubelet's effective settings: its `KubeletConfiguration` file (`--config`,
//! `/var/lib/kubelet/config.yaml` with kubeadm), overridden by command-line flags, over the
//! defaults of `kubelet.config.k8s.io/v1beta1`. Each setting remembers where it came from.

use serde::Serialize;
use serde_json::Value;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A command-line flag (the name, e.g. `--cgroup-driver`).
    Flag(String),
    /// The configuration file (the key, e.g. `cgroupDriver`).
    ConfigFile(String),
    /// The kubelet's default.
    #[default]
    Default,
}

impl Source {
    /// In words, for evidence: `cgroupDriver in /var/lib/kubelet/config.yaml`.
    pub fn describe(&self, config_file: Option<&str>) -> String {
        match self {
            Source::Flag(f) => format!("flag --{f}"),
            Source::ConfigFile(key) => {
                format!("{key} in {}", config_file.unwrap_or("the config file"))
            }
            Source::Default => "the kubelet's default".into(),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The settings the analyzers look at.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct KubeletSettings {
    pub static_pod_path: Setting<String>,
    pub cgroup_driver: Setting<String>,
    pub fail_swap_on: Setting<bool>,
    /// `memorySwap.swapBehavior` (`NoSwap`, `LimitedSwap`), when set.
    pub swap_behavior: Option<String>,
    pub rotate_certificates: Setting<bool>,
    pub server_tls_bootstrap: bool,
    pub cluster_dns: Setting<Vec<String>>,
    pub cluster_domain: Setting<String>,
    pub resolv_conf: Setting<String>,
    pub client_ca_file: Setting<String>,
    pub tls_cert_file: Setting<String>,
    pub tls_private_key_file: Setting<String>,
    pub port: Setting<u16>,
    pub healthz_port: Setting<u16>,
    pub container_runtime_endpoint: Setting<String>,
    /// `evictionHard` as written (signal, threshold).
    pub eviction_hard: Vec<(String, String)>,
}

impl KubeletSettings {
    /// The defaults of `kubelet.config.k8s.io/v1beta1`.
    pub fn defaults() -> Self {
        let d = |v: &str| Setting {
            value: v.to_string(),
            source: Source::Default,
        };
        KubeletSettings {
            static_pod_path: d(""),
            cgroup_driver: d("cgroupfs"),
            fail_swap_on: Setting {
                value: true,
                source: Source::Default,
            },
            swap_behavior: None,
            rotate_certificates: Setting::default(),
            server_tls_bootstrap: false,
            cluster_dns: Setting::default(),
            cluster_domain: d(""),
            resolv_conf: d("/etc/resolv.conf"),
            client_ca_file: d(""),
            tls_cert_file: d(""),
            tls_private_key_file: d(""),
            port: Setting {
                value: 10250,
                source: Source::Default,
            },
            healthz_port: Setting {
                value: 10248,
                source: Source::Default,
            },
            container_runtime_endpoint: d("unix:///run/containerd/containerd.sock"),
            eviction_hard: Vec::new(),
        }
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn set_str(setting: &mut Setting<String>, v: &Value, path: &[&str]) {
    if let Some(s) = at(v, path).and_then(Value::as_str) {
        *setting = Setting {
            value: s.to_string(),
            source: Source::ConfigFile(path.join(".")),
        };
    }
}

fn set_bool(setting: &mut Setting<bool>, v: &Value, key: &str) {
    if let Some(b) = v.get(key).and_then(Value::as_bool) {
        *setting = Setting {
            value: b,
            source: Source::ConfigFile(key.into()),
        };
    }
}

fn set_port(setting: &mut Setting<u16>, v: &Value, key: &str) {
    if let Some(p) = v
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
    {
        *setting = Setting {
            value: p,
            source: Source::ConfigFile(key.into()),
        };
    }
}

/// Applies a `KubeletConfiguration` document. Errors name the line when the YAML is broken.
pub fn apply_config_file(settings: &mut KubeletSettings, text: &str) -> Result<(), String> {
    let options = serde_saphyr::options! { strict_booleans: true, with_snippet: false };
    let v: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let full = e.to_string();
        let first = full.lines().next().unwrap_or("").trim().to_string();
        let first = first
            .find(" at line ")
            .map_or(first.clone(), |i| first[..i].to_string());
        match e.location() {
            Some(l) => format!("line {}: invalid YAML: {first}", l.line()),
            None => format!("invalid YAML: {first}"),
        }
    })?;
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "KubeletConfiguration" {
        return Err(format!(
            "kind is \"{kind}\", not \"KubeletConfiguration\" (the kubelet refuses it)"
        ));
    }
    set_str(&mut settings.static_pod_path, &v, &["staticPodPath"]);
    set_str(&mut settings.cgroup_driver, &v, &["cgroupDriver"]);
    set_bool(&mut settings.fail_swap_on, &v, "failSwapOn");
    settings.swap_behavior = at(&v, &["memorySwap", "swapBehavior"])
        .and_then(Value::as_str)
        .map(str::to_string);
    set_bool(&mut settings.rotate_certificates, &v, "rotateCertificates");
    settings.server_tls_bootstrap = v
        .get("serverTLSBootstrap")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(list) = v.get("clusterDNS").and_then(Value::as_array) {
        settings.cluster_dns = Setting {
            value: list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            source: Source::ConfigFile("clusterDNS".into()),
        };
    }
    set_str(&mut settings.cluster_domain, &v, &["clusterDomain"]);
    set_str(&mut settings.resolv_conf, &v, &["resolvConf"]);
    set_str(
        &mut settings.client_ca_file,
        &v,
        &["authentication", "x509", "clientCAFile"],
    );
    set_str(&mut settings.tls_cert_file, &v, &["tlsCertFile"]);
    set_str(
        &mut settings.tls_private_key_file,
        &v,
        &["tlsPrivateKeyFile"],
    );
    set_port(&mut settings.port, &v, "port");
    set_port(&mut settings.healthz_port, &v, "healthzPort");
    set_str(
        &mut settings.container_runtime_endpoint,
        &v,
        &["containerRuntimeEndpoint"],
    );
    if let Some(map) = v.get("evictionHard").and_then(Value::as_object) {
        settings.eviction_hard = map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
    }
    Ok(())
}

/// Applies command-line flags, which win over the file.
pub fn apply_flags(settings: &mut KubeletSettings, flags: &[(String, String)]) {
    for (name, value) in flags {
        let src = || Source::Flag(name.clone());
        let text = |s: &mut Setting<String>| {
            *s = Setting {
                value: value.clone(),
                source: src(),
            }
        };
        let truth = value != "false";
        match name.as_str() {
            "pod-manifest-path" => text(&mut settings.static_pod_path),
            "cgroup-driver" => text(&mut settings.cgroup_driver),
            "cluster-domain" => text(&mut settings.cluster_domain),
            "resolv-conf" => text(&mut settings.resolv_conf),
            "client-ca-file" => text(&mut settings.client_ca_file),
            "tls-cert-file" => text(&mut settings.tls_cert_file),
            "tls-private-key-file" => text(&mut settings.tls_private_key_file),
            "container-runtime-endpoint" => text(&mut settings.container_runtime_endpoint),
            "fail-swap-on" => {
                settings.fail_swap_on = Setting {
                    value: truth,
                    source: src(),
                }
            }
            "rotate-certificates" => {
                settings.rotate_certificates = Setting {
                    value: truth,
                    source: src(),
                }
            }
            "cluster-dns" => {
                settings.cluster_dns = Setting {
                    value: value.split(',').map(str::to_string).collect(),
                    source: src(),
                }
            }
            "port" | "healthz-port" => {
                if let Ok(p) = value.parse() {
                    let s = Setting {
                        value: p,
                        source: src(),
                    };
                    if name == "port" {
                        settings.port = s;
                    } else {
                        settings.healthz_port = s;
                    }
                }
            }
            _ => {}
        }
    }
}
