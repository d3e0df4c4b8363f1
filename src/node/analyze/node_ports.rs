//! The NodePort range on this node, from `/proc/net/tcp{,6}`: which ports of the range
//! (kube-apiserver's `--service-node-port-range`, 30000-32767 by default) have a listening
//! socket, and by which process. kube-proxy in iptables mode held every NodePort open in older
//! releases (so nothing else could take it); newer releases do not, so a NodePort without a
//! listener is normal and never flagged. What is flagged: a process other than kube-proxy
//! listening on a port that kube-proxy's rules (`KUBE-NODEPORTS`) capture as a Service's
//! NodePort — told only when both the socket's process and the rules were read.

use std::collections::BTreeMap;

use super::{ev, finding};
use crate::findings::{Finding, ObjectRef, Pane, Severity};
use crate::node::model::NodeData;
use crate::node::parse::proc_net::Listener;

/// The default `--service-node-port-range`.
const DEFAULT_RANGE: (u16, u16) = (30000, 32767);

/// `30000-32767` or `30000+2767` (base and size), as the API server's flag takes it.
fn parse_range(text: &str) -> Option<(u16, u16)> {
    let text = text.trim();
    if let Some((a, b)) = text.split_once('-') {
        let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        return (a <= b).then_some((a, b));
    }
    let (base, size) = text.split_once('+')?;
    let base: u16 = base.trim().parse().ok()?;
    let size: u16 = size.trim().parse().ok()?;
    Some((base, base.checked_add(size)?))
}

/// The range and where it comes from.
pub(crate) fn node_port_range(data: &NodeData) -> ((u16, u16), String) {
    let from_manifest = data.static_pods.manifests.iter().find_map(|m| {
        let pod = m.pod.as_ref()?;
        if !pod.name.starts_with("kube-apiserver") {
            return None;
        }
        let value = pod
            .containers
            .iter()
            .find_map(|c| c.flag("service-node-port-range"))?;
        Some((value, m.file.clone()))
    });
    match from_manifest {
        Some((value, file)) => match parse_range(&value) {
            Some(r) => (r, format!("--service-node-port-range={value} in {file}")),
            None => (
                DEFAULT_RANGE,
                format!("the default (--service-node-port-range={value} in {file} does not parse)"),
            ),
        },
        None => (
            DEFAULT_RANGE,
            "the default (no --service-node-port-range in a kube-apiserver manifest here)".into(),
        ),
    }
}

fn is_kube_proxy(l: &Listener) -> bool {
    l.process
        .as_ref()
        .is_some_and(|p| p.comm.starts_with("kube-proxy"))
}

pub fn check(data: &NodeData) -> Vec<Finding> {
    let Some(listeners) = &data.listeners else {
        return Vec::new();
    };
    let ((low, high), source) = node_port_range(data);
    let mut by_port: BTreeMap<u16, Vec<&Listener>> = BTreeMap::new();
    for l in listeners.iter().filter(|l| (low..=high).contains(&l.port)) {
        by_port.entry(l.port).or_default().push(l);
    }
    if by_port.is_empty() {
        return Vec::new();
    }
    // The Services' NodePorts kube-proxy captures here (TCP: /proc/net/tcp has TCP only).
    let captured: Option<BTreeMap<u16, String>> = data.iptables.as_ref().map(|save| {
        crate::node::kubeproxy::model(save)
            .node_ports
            .into_iter()
            .filter(|r| r.protocol.eq_ignore_ascii_case("tcp"))
            .map(|r| (r.node_port, r.service_port))
            .collect()
    });
    let mut out = Vec::new();
    let mut listed = Vec::new();
    for (port, socks) in &by_port {
        let who: Vec<String> = socks
            .iter()
            .map(|l| {
                l.process
                    .as_ref()
                    .map_or("process unknown".to_string(), |p| p.comm.clone())
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        listed.push(format!("{port} ({})", who.join(", ")));
        let service = captured.as_ref().and_then(|c| c.get(port));
        let other = socks
            .iter()
            .find(|l| l.process.is_some() && !is_kube_proxy(l));
        if let (Some(service), Some(by)) = (service, other) {
            let mut f = finding(
                Pane::Network,
                "nodeport-taken",
                Severity::Warning,
                ObjectRef::new("Port", "", port.to_string()),
                format!(
                    "NodePort {port} of Service {service} is also listened on by {}",
                    by.process.as_ref().map_or("?", |p| p.comm.as_str())
                ),
                "kube-proxy's rules capture this port for the Service (KUBE-NODEPORTS) before \
                 packets reach local sockets, so the process listening on it gets no connection \
                 sent to the node's addresses on it from outside, while local clients may reach \
                 either: one of the two is not what its users reach. The API server allocated the \
                 port to the Service; move the process off the NodePort range, or give the \
                 Service another nodePort.",
            );
            f.evidence = vec![
                ev("listener", by.display()),
                ev(
                    "kube-proxy rule",
                    format!("KUBE-NODEPORTS --dport {port} → {service}"),
                ),
                ev("NodePort range", format!("{low}-{high} ({source})")),
            ];
            f.next_steps = vec![
                format!("ss -ltnp 'sport = :{port}'"),
                format!("kubectl get svc -A -o wide | grep -w {port}"),
            ];
            out.push(f);
        }
    }
    let mut f = finding(
        Pane::Network,
        "nodeport-range-listeners",
        Severity::Info,
        ObjectRef::new("Port", "", format!("{low}-{high}")),
        format!(
            "{} port(s) of the NodePort range {low}-{high} are listened on",
            by_port.len()
        ),
        "Sockets listening in the NodePort range. kube-proxy in iptables mode held each \
         NodePort open in older releases; newer releases do not, so a NodePort with no \
         listener here is normal. Another process in this range can take a port the API \
         server later gives a Service.",
    );
    listed.truncate(30);
    f.evidence = vec![
        ev("listening", listed.join(", ")),
        ev("NodePort range", format!("{low}-{high} ({source})")),
    ];
    if captured.is_none() {
        f.evidence.push(ev(
            "Services' NodePorts",
            "not known: kube-proxy's iptables rules were not read, so a clash with a Service cannot be told",
        ));
    }
    f.next_steps = vec![format!("ss -ltnp 'sport >= :{low} and sport <= :{high}'")];
    out.push(f);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::node::parse::proc_net::{Process, listeners};

    /// `/proc/net/tcp` as the kernel writes it: 0.0.0.0:30080 (inode 101), 0.0.0.0:31000 (102),
    /// 127.0.0.1:10249 (103), and one established connection.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:7580 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 100 0 0 10 0
   1: 00000000:7918 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 102 1 0000000000000000 100 0 0 10 0
   2: 0100007F:2809 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 103 1 0000000000000000 100 0 0 10 0
   3: 0A01A8C0:7580 0B01A8C0:D431 01 00000000:00000000 02:0009C2C6 00000000     0        0 104 2 0000000000000000 20 4 30 10 -1
";

    const RULES: &str = "*nat
:KUBE-NODEPORTS - [0:0]
-A KUBE-NODEPORTS -p tcp -m comment --comment \"shop/web:http\" -m tcp --dport 30080 -j KUBE-EXT-3ZZ4SJ7BXJ2ZN4IG
COMMIT
";

    fn data(owners: &[(u64, &str)], rules: bool) -> NodeData {
        let mut l = listeners(TCP);
        for x in &mut l {
            if let Some((_, comm)) = owners.iter().find(|(inode, _)| *inode == x.inode) {
                x.process = Some(Process {
                    pid: 4000 + x.inode as u32,
                    comm: comm.to_string(),
                });
            }
        }
        NodeData {
            listeners: Some(l),
            iptables: rules.then(|| crate::node::parse::iptables::parse(RULES)),
            ..NodeData::default()
        }
    }

    fn checks(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|x| x.check.as_str()).collect()
    }

    #[test]
    fn listeners_in_the_range_are_listed_and_kube_proxy_is_no_clash() {
        let f = check(&data(&[(101, "kube-proxy"), (102, "node_exporter")], true));
        assert_eq!(checks(&f), ["nodeport-range-listeners"]);
        let text: Vec<String> = f[0].evidence.iter().map(|e| e.value.clone()).collect();
        assert_eq!(text[0], "30080 (kube-proxy), 31000 (node_exporter)");
        assert!(text[1].starts_with("30000-32767 (the default"), "{text:?}");
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn another_process_on_a_services_node_port_is_a_clash() {
        let f = check(&data(&[(101, "nginx")], true));
        assert_eq!(checks(&f), ["nodeport-taken", "nodeport-range-listeners"]);
        assert!(
            f[0].summary
                .contains("NodePort 30080 of Service shop/web:http"),
            "{}",
            f[0].summary
        );
        assert_eq!(f[0].severity, Severity::Warning);
        // Without the rules, or without the process, it cannot be told: no clash claimed.
        assert_eq!(
            checks(&check(&data(&[(101, "nginx")], false))),
            ["nodeport-range-listeners"]
        );
        assert_eq!(
            checks(&check(&data(&[], true))),
            ["nodeport-range-listeners"]
        );
    }

    #[test]
    fn the_range_comes_from_the_api_servers_flag() {
        assert_eq!(parse_range("30000-32767"), Some((30000, 32767)));
        assert_eq!(parse_range("31000+100"), Some((31000, 31100)));
        assert_eq!(parse_range("32767-30000"), None);
        assert_eq!(parse_range("65000+1000"), None);
        // Nothing listens in 20000-20100: no finding at all (absence is normal).
        let mut d = data(&[(101, "kube-proxy")], true);
        d.listeners
            .as_mut()
            .unwrap()
            .retain(|l| !(30000..=32767).contains(&l.port));
        assert!(check(&d).is_empty());
        assert!(check(&NodeData::default()).is_empty());
        // A kube-apiserver manifest with another range: 31000 is outside it.
        let manifest = "apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.2
    command:
    - kube-apiserver
    - --secure-port=6443
    - --service-node-port-range=30000-30999
";
        let mut d = data(&[(101, "kube-proxy"), (102, "node_exporter")], true);
        d.static_pods.manifests = vec![crate::node::parse::manifest::parse_manifest(
            "/etc/kubernetes/manifests/kube-apiserver.yaml",
            manifest,
        )];
        let f = check(&d);
        let text: Vec<String> = f[0].evidence.iter().map(|e| e.value.clone()).collect();
        assert_eq!(text[0], "30080 (kube-proxy)");
        assert_eq!(
            text[1],
            "30000-30999 (--service-node-port-range=30000-30999 in /etc/kubernetes/manifests/kube-apiserver.yaml)"
        );
    }
}
