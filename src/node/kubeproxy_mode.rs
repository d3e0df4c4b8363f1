//! Which of kube-proxy's three modes programs this node, and its rules in the one model the
//! packet-path walk reads. The mode is the configured one when it is known — kube-proxy's own
//! setting on the node (command line, `--config` file, the pod's `config.conf`), else the
//! cluster's ConfigMap kube-system/kube-proxy — and then only that mode's rules are walked
//! (the others are leftovers, judged by `analyze::proxy_mode`). Without a known setting it is
//! guessed from what was read: the `kube-proxy` nftables table (nftables mode), IPVS virtual
//! services (IPVS mode, which also leaves a few iptables chains behind), or `KUBE-SERVICES`
//! with per-Service rules in the nat table (iptables mode).

use super::kubeproxy::KubeProxyRules;
use super::model::NodeData;
use super::parse::kube_proxy_config::ModeSetting;

/// The three Linux modes, in the order a guess tries them.
pub const MODES: [&str; 3] = ["nftables", "ipvs", "iptables"];

/// kube-proxy's configured mode: the node's own setting (what the process here runs with),
/// else the cluster's ConfigMap; `None` when neither is known.
pub fn configured(data: &NodeData) -> Option<&ModeSetting> {
    data.kube_proxy_mode
        .as_ref()
        .or(data.cluster_kube_proxy_mode.as_ref())
}

/// The configured mode when it is a Linux mode.
pub fn configured_mode(data: &NodeData) -> Option<&str> {
    configured(data).and_then(|s| s.mode.as_deref())
}

/// Whether the output of the tool that shows `mode`'s rules was read at all.
pub fn was_read(data: &NodeData, mode: &str) -> bool {
    match mode {
        "nftables" => data.nft.is_some(),
        "ipvs" => data.ipvs.is_some(),
        _ => data.iptables.is_some(),
    }
}

/// `mode`'s rules, when kube-proxy has programmed that mode here.
pub fn rules_of(data: &NodeData, mode: &str) -> Option<KubeProxyRules> {
    match mode {
        "nftables" => {
            let m = super::kubeproxy_nft::model(data.nft.as_ref()?);
            m.has_kube_services.then_some(m)
        }
        "ipvs" => {
            let vs = data.ipvs.as_deref().filter(|vs| !vs.is_empty())?;
            Some(super::kubeproxy_ipvs::model(vs))
        }
        "iptables" => {
            let m = super::kubeproxy::model(data.iptables.as_ref()?);
            // IPVS mode keeps a KUBE-SERVICES chain without per-Service rules: not iptables
            // mode's rules.
            (m.has_kube_services && (!m.services.is_empty() || !m.rejects.is_empty())).then_some(m)
        }
        _ => None,
    }
}

/// The modes whose rules are on this node.
pub fn modes_found(data: &NodeData) -> Vec<&'static str> {
    MODES
        .into_iter()
        .filter(|m| rules_of(data, m).is_some())
        .collect()
}

/// kube-proxy's rules on this node: the configured mode's (`None` when that mode has none
/// here), or without a known setting the first mode whose rules are found.
pub fn rules(data: &NodeData) -> Option<KubeProxyRules> {
    match configured_mode(data) {
        Some(mode) => rules_of(data, mode),
        None => MODES.into_iter().find_map(|m| rules_of(data, m)),
    }
}
