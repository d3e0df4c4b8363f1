//! kube-proxy's configured mode against the rules found on the node. The mode is read where
//! kube-proxy takes it (the node's command line and `--config` file, else the cluster's
//! ConfigMap kube-system/kube-proxy, `config.conf`; an empty mode is iptables on Linux), so the
//! rules of the other modes are leftovers, not kube-proxy's current work. Reported: a mode
//! kube-proxy does not accept; a node whose setting differs from the cluster's ConfigMap; no
//! rules of the configured mode while another mode's are there (rules left by a previous mode,
//! or kube-proxy not running in the configured one); and another mode's rules beside the
//! configured one's. kube-proxy removes iptables and IPVS rules when it starts in nftables mode
//! and nftables rules when it starts in iptables or IPVS mode, but not iptables rules when it
//! starts in IPVS mode or the reverse (`kube-proxy --cleanup` does that).

use super::{ev, finding, node};
use crate::findings::{Finding, Pane, Severity};
use crate::node::kubeproxy_mode::{configured, modes_found, rules_of, was_read};
use crate::node::model::NodeData;
use crate::node::parse::kube_proxy_config::ModeSetting;

/// The configured mode from the cluster's objects (a dump's ConfigMap kube-system/kube-proxy,
/// key `config.conf`); `None` when the dump has no such ConfigMap or key.
pub fn from_objects<'a>(
    objects: impl IntoIterator<Item = &'a serde_json::Value>,
) -> Option<ModeSetting> {
    let cm = objects.into_iter().find(|v| {
        let meta = v.get("metadata");
        let s = |k: &str| meta.and_then(|m| m.get(k)).and_then(|x| x.as_str());
        v.get("kind").and_then(|k| k.as_str()) == Some("ConfigMap")
            && s("namespace") == Some("kube-system")
            && s("name") == Some("kube-proxy")
    })?;
    let text = cm.get("data")?.get("config.conf")?.as_str()?;
    let mode = crate::node::parse::kube_proxy_config::config_mode(text).ok()?;
    Some(ModeSetting::new(
        &mode,
        "mode in config.conf of ConfigMap kube-system/kube-proxy",
    ))
}

/// The configured mode from the engine's snapshot (the same ConfigMap, watched).
pub fn from_snapshot(snap: &crate::troubleshoot::Snapshot) -> Option<ModeSetting> {
    let cm = snap.configmaps.find("kube-system", "kube-proxy")?;
    let text = cm.data.get("config.conf")?;
    let mode = crate::node::parse::kube_proxy_config::config_mode(text).ok()?;
    Some(ModeSetting::new(
        &mode,
        "mode in config.conf of ConfigMap kube-system/kube-proxy",
    ))
}

/// The tool that shows a mode's rules.
fn tool(mode: &str) -> &'static str {
    match mode {
        "nftables" => "nft list table ip kube-proxy",
        "ipvs" => "ipvsadm -Ln",
        _ => "iptables-save -t nat | grep KUBE-SVC",
    }
}

/// What a mode's rules look like, for evidence.
fn shape(data: &NodeData, mode: &str) -> String {
    let Some(r) = rules_of(data, mode) else {
        return "none".to_string();
    };
    match mode {
        "nftables" => format!(
            "table kube-proxy with {} Service capture(s)",
            r.services.len()
        ),
        "ipvs" => format!("{} IPVS virtual server(s)", r.services.len()),
        _ => format!(
            "KUBE-SERVICES with {} Service capture(s) (KUBE-SVC-… chains)",
            r.services.len()
        ),
    }
}

const STEPS_LOGS: &str = "kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=100   (the pod on this node: which proxier did it start, did it fail?)";

fn setting_evidence(f: &mut Finding, s: &ModeSetting) {
    f.evidence.push(ev(
        "configured mode",
        format!("{} — {}", s.describe(), s.source),
    ));
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(setting) = configured(data) else {
        return out;
    };
    let name = data.node_name.as_deref().unwrap_or("this node");
    if let (Some(n), Some(c)) = (&data.kube_proxy_mode, &data.cluster_kube_proxy_mode)
        && n.mode != c.mode
    {
        let mut f = finding(
            Pane::Network,
            "kube-proxy-mode-differs",
            Severity::Warning,
            node(data),
            format!(
                "kube-proxy on {name} is configured for {}, but the cluster's kube-proxy ConfigMap says {}",
                n.describe(),
                c.describe()
            ),
            "kube-proxy takes its mode from its --config file (kubeadm mounts ConfigMap kube-system/kube-proxy there, and kube-proxy exits to be restarted when that file changes). A node whose setting differs does not run with the cluster's configuration: its kube-proxy is configured separately (another file, flags, a systemd unit), or the kubelet has not updated the mounted copy yet.",
        );
        setting_evidence(&mut f, n);
        f.evidence.push(ev(
            "cluster's mode",
            format!("{} — {}", c.describe(), c.source),
        ));
        f.next_steps = vec![
            "kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\\.conf}' | grep mode".into(),
            "kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide   (when did the pod on this node start?)".into(),
        ];
        out.push(f);
    }
    let Some(mode) = setting.mode.as_deref() else {
        let mut f = finding(
            Pane::Network,
            "kube-proxy-mode-invalid",
            Severity::Error,
            node(data),
            format!(
                "kube-proxy on {name} is configured with mode {}, which kube-proxy does not accept on Linux",
                setting.describe()
            ),
            "On Linux kube-proxy accepts the modes iptables, ipvs and nftables (empty means iptables); any other value fails its validation and kube-proxy exits, so no Service rule is kept up to date on the node.",
        );
        setting_evidence(&mut f, setting);
        f.next_steps = vec![STEPS_LOGS.into()];
        out.push(f);
        return out;
    };
    let found = modes_found(data);
    let others: Vec<&str> = found.iter().copied().filter(|m| *m != mode).collect();
    if others.is_empty() {
        return out;
    }
    let has_own = found.contains(&mode);
    if !has_own && !was_read(data, mode) {
        // The configured mode's rules were not read: nothing to compare (a coverage note).
        return out;
    }
    let (check, severity, summary, explanation) = if has_own {
        (
            "kube-proxy-stale-mode-rules",
            Severity::Warning,
            format!(
                "{name} has {} rules of kube-proxy beside those of its configured mode {mode}",
                others.join(" and ")
            ),
            "kube-proxy does not remove the rules of iptables mode when it starts in IPVS mode, nor IPVS's when it starts in iptables mode. Rules left by the previous mode still match packets (iptables' KUBE-SERVICES runs before IPVS), so traffic to a Service may follow endpoints that are long gone.",
        )
    } else {
        (
            "kube-proxy-mode-mismatch",
            Severity::Error,
            format!(
                "kube-proxy is configured for {mode}, but {name} has only {} rules of kube-proxy",
                others.join(" and ")
            ),
            "Rules of another mode and none of the configured one mean kube-proxy is not working in its configured mode here: the rules were left by a previous mode and kube-proxy has not started since the mode changed, or it fails to start in the new mode (for IPVS: kernel modules ip_vs* or ipset missing). The rules left behind are not kept up to date.",
        )
    };
    let mut f = finding(
        Pane::Network,
        check,
        severity,
        node(data),
        summary,
        explanation,
    );
    setting_evidence(&mut f, setting);
    f.evidence
        .push(ev(format!("{mode} rules"), shape(data, mode)));
    for m in &others {
        f.evidence.push(ev(format!("{m} rules"), shape(data, m)));
    }
    f.next_steps = vec![
        STEPS_LOGS.into(),
        format!("{}   (on {name}: the configured mode's rules)", tool(mode)),
        format!(
            "kube-proxy --cleanup --proxy-mode={}   (on {name}, with kube-proxy stopped: removes the leftover rules; only after the cause is understood)",
            others[0]
        ),
    ];
    out.push(f);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::node::parse::{iptables, ipvsadm};

    const IPTABLES_MODE: &str = "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-I6F7J7E256H6PY43 - [0:0]\n-A KUBE-SERVICES -d 10.96.120.15/32 -p tcp -m comment --comment \"prod/web:http cluster IP\" -m tcp --dport 80 -j KUBE-SVC-I6F7J7E256H6PY43\nCOMMIT\n";
    const IPVS: &str =
        "TCP  10.96.120.15:80 rr\n  -> 10.244.1.5:8080              Masq    1      0          0\n";

    fn data(mode: Option<&str>, iptables_rules: bool, ipvs_rules: Option<bool>) -> NodeData {
        NodeData {
            iptables: Some(iptables::parse(if iptables_rules {
                IPTABLES_MODE
            } else {
                "*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n"
            })),
            ipvs: ipvs_rules.map(|r| ipvsadm::parse(if r { IPVS } else { "" })),
            kube_proxy_mode: mode
                .map(|m| ModeSetting::new(m, "mode in /var/lib/kube-proxy/config.conf")),
            ..NodeData::default()
        }
    }

    fn checks(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.check.as_str()).collect()
    }

    #[test]
    fn ipvs_configured_with_only_iptables_rules_is_a_mismatch() {
        let f = check(&data(Some("ipvs"), true, Some(false)));
        assert_eq!(checks(&f), vec!["kube-proxy-mode-mismatch"]);
        assert!(
            f[0].summary
                .contains("configured for ipvs, but this node has only iptables rules"),
            "{}",
            f[0].summary
        );
        assert!(
            f[0].evidence
                .iter()
                .any(|e| e.value.contains("/var/lib/kube-proxy/config.conf"))
        );
        // The walk then reads no rules at all: only the configured mode's count.
        assert!(
            crate::node::kubeproxy_mode::rules(&data(Some("ipvs"), true, Some(false))).is_none()
        );
    }

    #[test]
    fn leftovers_beside_the_configured_mode_and_the_empty_mode() {
        let f = check(&data(Some("ipvs"), true, Some(true)));
        assert_eq!(checks(&f), vec!["kube-proxy-stale-mode-rules"]);
        // mode "" is iptables: IPVS virtual servers beside iptables rules are leftovers.
        let f = check(&data(Some(""), true, Some(true)));
        assert_eq!(checks(&f), vec!["kube-proxy-stale-mode-rules"]);
        assert!(f[0].summary.contains("ipvs rules"), "{}", f[0].summary);
        let walked = crate::node::kubeproxy_mode::rules(&data(Some(""), true, Some(true))).unwrap();
        assert_eq!(walked.mode, "iptables");
    }

    #[test]
    fn nothing_when_the_rules_match_or_the_mode_is_unknown_or_not_read() {
        assert!(check(&data(Some("ipvs"), false, Some(true))).is_empty());
        assert!(check(&data(Some("iptables"), true, Some(false))).is_empty());
        assert!(check(&data(None, true, Some(true))).is_empty());
        // ipvsadm's output was not read: no claim about IPVS.
        assert!(check(&data(Some("ipvs"), true, None)).is_empty());
    }

    #[test]
    fn an_invalid_mode_and_a_node_that_differs_from_the_cluster() {
        let f = check(&data(Some("userspace"), true, None));
        assert_eq!(checks(&f), vec!["kube-proxy-mode-invalid"]);
        let mut d = data(Some("ipvs"), false, Some(true));
        d.cluster_kube_proxy_mode = Some(ModeSetting::new("", "ConfigMap"));
        let f = check(&d);
        assert_eq!(checks(&f), vec!["kube-proxy-mode-differs"]);
        assert!(
            f[0].summary.contains("configured for ipvs"),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn a_refused_mode_is_the_cause_of_the_rule_findings() {
        let mut f = check(&data(Some("userspace"), true, None));
        f.push(finding(
            Pane::Network,
            "kube-proxy-nodeport-missing",
            Severity::Error,
            crate::findings::ObjectRef::new("Service", "prod", "web"),
            "s",
            "e",
        ));
        super::super::links::link(&mut f);
        assert!(f[0].caused_by.is_empty());
        assert_eq!(f[1].caused_by[0].check, "kube-proxy-mode-invalid");
    }

    #[test]
    fn the_configmap_of_a_dump() {
        let cm = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"namespace": "kube-system", "name": "kube-proxy"},
            "data": {"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n", "kubeconfig.conf": ""}});
        let s = from_objects([&cm]).unwrap();
        assert_eq!(s.mode.as_deref(), Some("ipvs"));
        // The same ConfigMap as the engine's watch keeps it (the live path).
        let snap = crate::troubleshoot::Snapshot::from_objects(vec![cm.clone()]);
        assert_eq!(from_snapshot(&snap), Some(s));
        let other = serde_json::json!({"kind": "ConfigMap", "metadata": {"namespace": "default", "name": "kube-proxy"}, "data": {"config.conf": "kind: KubeProxyConfiguration\nmode: ipvs\n"}});
        assert_eq!(from_objects([&other]), None);
    }
}
