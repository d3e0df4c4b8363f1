//! What the node collector gathered: plain data, no I/O. Secrets are never stored here (a
//! kubeconfig is reduced to its server, file references and whether it embeds credentials).

use serde::Serialize;

use super::parse::crictl::Container;
use super::parse::iptables::IptablesSave;
use super::parse::kubelet_config::KubeletSettings;
use super::parse::manifest::Manifest;
use super::parse::proc_net::Listener;
use super::parse::systemctl::UnitState;
use crate::certs::CertEntry;

/// Something the collector could not look at, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// What was not looked at (`journal of kubelet`, `/proc/net/tcp`, …).
    pub what: String,
    /// Why, in plain words.
    pub why: String,
}

impl Coverage {
    pub fn new(what: impl Into<String>, why: impl Into<String>) -> Self {
        Coverage {
            what: what.into(),
            why: why.into(),
        }
    }
}

/// The static pod directory and what it holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StaticPods {
    /// The directory looked at (host path).
    pub dir: String,
    /// Where the directory name came from (`staticPodPath in /var/lib/kubelet/config.yaml`,
    /// `kubeadm default`).
    pub dir_source: String,
    pub dir_exists: bool,
    pub manifests: Vec<Manifest>,
    /// Files the kubelet reads too although they do not look like manifests (`*.bak`, `*~`).
    pub stray_files: Vec<String>,
    /// Manifests in kubeadm's directory when the kubelet looks elsewhere.
    pub kubeadm_dir_manifests: Vec<String>,
}

/// The kubelet's kubeconfig, without its credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KubeconfigSummary {
    pub file: String,
    /// The API server it talks to.
    pub server: Option<String>,
    /// The client certificate file (e.g. `/var/lib/kubelet/pki/kubelet-client-current.pem`).
    pub client_certificate_file: Option<String>,
    pub client_key_file: Option<String>,
    pub embedded_client_certificate: bool,
    /// A bearer or bootstrap token is present (its value is not kept).
    pub has_token: bool,
    pub certificate_authority_file: Option<String>,
}

/// The kubelet's configuration chain: unit → drop-ins → flags → config file → kubeconfig.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KubeletChain {
    /// The unit file (host path), if one was found.
    pub unit_file: Option<String>,
    /// The unit is masked (a link to `/dev/null`): systemd will not start it.
    pub unit_masked: bool,
    /// Drop-ins applied, in order.
    pub drop_ins: Vec<String>,
    /// ExecStart after variables were expanded, program first.
    pub exec_start: Vec<String>,
    /// Environment files named with `EnvironmentFile=` that do not exist (`-` prefixed ones
    /// are optional and not listed).
    pub missing_env_files: Vec<String>,
    /// `--flag value` pairs of the command line, in order.
    pub flags: Vec<(String, String)>,
    /// The `--config` file, if any, and why it could not be used.
    pub config_file: Option<String>,
    pub config_error: Option<String>,
    /// Effective settings: flags over the config file over the kubelet's defaults.
    pub settings: KubeletSettings,
    pub kubeconfig: Option<KubeconfigSummary>,
    pub kubeconfig_error: Option<String>,
    /// `--bootstrap-kubeconfig`, when set.
    pub bootstrap_kubeconfig: Option<String>,
}

impl KubeletChain {
    /// The last value of a command-line flag (`--name=value`).
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which container runtime, and the settings that matter to the kubelet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuntimeConfig {
    /// `containerd`, `crio`, or empty when no configuration was found.
    pub runtime: String,
    pub config_file: Option<String>,
    /// Whether the runtime puts containers in systemd cgroups; `None` when not known.
    pub systemd_cgroup: Option<bool>,
    /// Where `systemd_cgroup` came from (`SystemdCgroup in …`, `containerd default`).
    pub systemd_cgroup_source: String,
    /// containerd's CRI plugin is disabled (`disabled_plugins = ["cri"]`).
    pub cri_disabled: bool,
    pub error: Option<String>,
}

/// One swap area from `/proc/swaps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwapArea {
    pub filename: String,
    pub kind: String,
    pub size_kib: u64,
}

/// Whether a path the configuration names exists on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathCheck {
    /// What it resolves to; `None` when it does not exist.
    pub kind: Option<crate::hostfs::FileKind>,
    /// Why it could not be looked at, when that is not "it does not exist".
    pub error: Option<String>,
}

/// The resolv.conf the kubelet hands to pods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvConf {
    pub path: String,
    pub nameservers: Vec<String>,
}

/// The kubelet's client certificate (the one its kubeconfig names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KubeletClientCert {
    pub path: String,
    pub common_name: Option<String>,
    /// Seconds since the epoch.
    pub not_after: Option<i64>,
    pub error: Option<String>,
}

/// A control-plane component run as a systemd unit ("the hard way").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitCommand {
    /// `kube-apiserver`, `etcd`, …
    pub unit: String,
    /// The unit file (host path).
    pub file: String,
    /// ExecStart after drop-ins and variables, program first.
    pub exec_start: Vec<String>,
}

/// The last lines of one unit's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Journal {
    pub unit: String,
    pub lines: Vec<String>,
}

/// Everything collected on one node.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeData {
    /// The node's name, from the kubelet's client certificate or the host name.
    pub node_name: Option<String>,
    /// Whether the data came from the running node (commands were run) or from files only.
    pub live: bool,
    pub static_pods: StaticPods,
    pub kubelet: KubeletChain,
    pub runtime: RuntimeConfig,
    /// `None` when `/proc/swaps` could not be read.
    pub swap: Option<Vec<SwapArea>>,
    pub units: Vec<UnitState>,
    pub journals: Vec<Journal>,
    /// `None` when the runtime could not be asked.
    pub containers: Option<Vec<Container>>,
    /// `None` when `/proc/net/tcp*` could not be read.
    pub listeners: Option<Vec<Listener>>,
    pub iptables: Option<IptablesSave>,
    /// `nft list ruleset`, when it could be read (kube-proxy's nftables mode).
    pub nft: Option<super::parse::nft::NftRuleset>,
    /// `ipvsadm -Ln`, when it could be read (kube-proxy's IPVS mode).
    pub ipvs: Option<Vec<super::parse::ipvsadm::VirtualService>>,
    /// kube-proxy's configured mode on this node (its command line, its `--config` file, or
    /// the `config.conf` mounted into its pod); `None` when none of them was found.
    pub kube_proxy_mode: Option<super::parse::kube_proxy_config::ModeSetting>,
    /// kube-proxy's mode as the cluster configures it (`config.conf` of ConfigMap
    /// kube-system/kube-proxy), set by the caller that holds the cluster's objects; never
    /// collected from the node.
    #[serde(skip)]
    pub cluster_kube_proxy_mode: Option<super::parse::kube_proxy_config::ModeSetting>,
    #[serde(skip)]
    pub certs: Vec<CertEntry>,
    /// Where the host's `/` is when reading a bundle or mounted disk (`--host-root`), as
    /// the certificate engine prints it; `None` on the live node. Findings show host paths.
    #[serde(skip)]
    pub host_root: Option<String>,
    /// Paths named by manifests and the kubelet's configuration, looked up on the host.
    pub files: std::collections::BTreeMap<String, PathCheck>,
    /// `None` when the kubelet's resolvConf could not be read.
    pub resolv_conf: Option<ResolvConf>,
    pub kubelet_client_cert: Option<KubeletClientCert>,
    /// Control-plane components that run as systemd units, with their command lines.
    pub control_plane_units: Vec<UnitCommand>,
    pub coverage: Vec<Coverage>,
}

impl NodeData {
    /// Whether a path looked up exists: `None` when it was not looked up or could not be.
    pub fn path_exists(&self, path: &str) -> Option<bool> {
        let check = self.files.get(path)?;
        match (&check.kind, &check.error) {
            (Some(_), _) => Some(true),
            (None, None) => Some(false),
            (None, Some(_)) => None,
        }
    }

    /// The state of a unit, when it was looked at.
    pub fn unit(&self, name: &str) -> Option<&UnitState> {
        self.units.iter().find(|u| u.unit == name)
    }

    /// Whether this looks like a control-plane node (static pods of kubeadm's components).
    pub fn is_control_plane(&self) -> bool {
        self.static_pods.manifests.iter().any(|m| {
            m.pod
                .as_ref()
                .is_some_and(|p| super::parse::manifest::component_of(&p.name).is_some())
        })
    }
}
