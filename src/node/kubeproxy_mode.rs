//! Which of kube-proxy's three modes programmed this node, from what was read: the
//! `kube-proxy` nftables table (nftables mode), IPVS virtual services (IPVS mode, which also
//! leaves a few iptables chains behind), or `KUBE-SERVICES` with per-Service rules in the nat
//! table (iptables mode). The rules of that mode, in the one model the packet-path walk reads.

use super::kubeproxy::KubeProxyRules;
use super::model::NodeData;

/// kube-proxy's rules on this node; `None` when no mode's rules were found.
pub fn rules(data: &NodeData) -> Option<KubeProxyRules> {
    if let Some(nft) = &data.nft {
        let m = super::kubeproxy_nft::model(nft);
        if m.has_kube_services {
            return Some(m);
        }
    }
    if let Some(vs) = data.ipvs.as_deref().filter(|vs| !vs.is_empty()) {
        return Some(super::kubeproxy_ipvs::model(vs));
    }
    let save = data.iptables.as_ref()?;
    let m = super::kubeproxy::model(save);
    // IPVS mode keeps a KUBE-SERVICES chain without per-Service rules: not iptables mode.
    (m.has_kube_services && (!m.services.is_empty() || !m.rejects.is_empty())).then_some(m)
}
