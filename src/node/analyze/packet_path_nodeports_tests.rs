#![allow(clippy::unwrap_used)]
use super::*;
use crate::node::kubeproxy::{external_chain, service_chain};
use crate::node::parse::{iptables, ipvsadm, nft};

fn port(name: &str, ip: &str, node_port: u16, ready: bool) -> ApiServicePort {
    ApiServicePort {
        namespace: "prod".into(),
        name: name.into(),
        service_port: format!("prod/{name}:http"),
        cluster_ip: ip.into(),
        port: 80,
        protocol: "TCP".into(),
        ready: if ready {
            ["10.244.1.5:8080".to_string()].into()
        } else {
            BTreeSet::new()
        },
        node_port: Some(node_port),
        ..ApiServicePort::default()
    }
}

/// iptables-save as kube-proxy (1.28+) writes NodePorts: KUBE-NODEPORTS → KUBE-EXT-… → KUBE-SVC-….
fn iptables_data(node_ports: &[(&str, u16, String)]) -> NodeData {
    let web_svc = service_chain("prod/web:http", "TCP");
    let mut text = format!(
        "*nat\n:KUBE-NODEPORTS - [0:0]\n:KUBE-SERVICES - [0:0]\n:{web_svc} - [0:0]\n-A KUBE-SERVICES -d 10.96.120.15/32 -p tcp -m comment --comment \"prod/web:http cluster IP\" -m tcp --dport 80 -j {web_svc}\n-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
    );
    for (sp, n, chain) in node_ports {
        text.push_str(&format!(
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"{sp}\" -m tcp --dport {n} -j {chain}\n"
        ));
    }
    text.push_str("COMMIT\n");
    NodeData {
        iptables: Some(iptables::parse(&text)),
        node_name: Some("worker-1".into()),
        ..NodeData::default()
    }
}

fn checks(f: &[Finding]) -> Vec<(&str, &str)> {
    f.iter()
        .map(|f| (f.check.as_str(), f.object.name.as_str()))
        .collect()
}

#[test]
fn iptables_capture_of_each_node_port_is_found() {
    let web_ext = external_chain("prod/web:http", "TCP");
    let data = iptables_data(&[("prod/web:http", 30080, web_ext)]);
    let api = [port("web", "10.96.120.15", 30080, true)];
    assert!(check(&data, Some(&api)).is_empty());
    // Older releases jump straight to the KUBE-SVC chain.
    let data = iptables_data(&[(
        "prod/web:http",
        30080,
        service_chain("prod/web:http", "TCP"),
    )]);
    assert!(check(&data, Some(&api)).is_empty());
}

#[test]
fn iptables_missing_stale_and_foreign_captures() {
    let web_ext = external_chain("prod/web:http", "TCP");
    let gone_ext = external_chain("prod/gone:http", "TCP");
    let data = iptables_data(&[
        ("prod/web:http", 30080, web_ext),
        ("prod/gone:http", 31999, gone_ext.clone()),
        // The comment names prod/new but the chain is prod/gone's.
        ("prod/new:http", 30090, gone_ext),
    ]);
    let api = [
        port("web", "10.96.120.15", 30080, true),
        port("new", "10.96.120.20", 30090, true),
        port("idle", "10.96.120.30", 30100, false),
    ];
    let f = check(&data, Some(&api));
    assert_eq!(
        checks(&f),
        vec![
            ("kube-proxy-nodeport-missing", "new"),
            ("kube-proxy-nodeport-stale", "gone"),
            ("kube-proxy-nodeport-stale", "new"),
        ],
        "{f:#?}"
    );
    assert!(
        f[0].summary
            .contains("no NodePort rule for prod/new:http (nodePort 30090/TCP)")
    );
    assert!(
        f[1].summary
            .contains("still captures nodePort 31999/TCP for prod/gone:http")
    );
    assert!(
        f[2].summary
            .contains("which is not that Service port's chain"),
        "{}",
        f[2].summary
    );
    assert!(f[0].next_steps[0].contains("--dport 30090"));
}

const NFT: &str = "table ip kube-proxy {
\tmap service-nodeports {
\t\ttype inet_proto . inet_service : verdict
\t\tcomment \"NodePort traffic\"
\t\telements = { tcp . 30080 : goto external-5O3K3WW6-prod/web/tcp/http,
\t\t\t     tcp . 31999 : goto external-CMO4RB6C-prod/gone/tcp/http }
\t}
\tmap no-endpoint-nodeports {
\t\ttype inet_proto . inet_service : verdict
\t\tcomment \"vmap to drop or reject packets to service nodeports with no endpoints\"
\t\telements = { tcp . 30090 comment \"prod/new:http\" : goto reject-chain }
\t}
\tchain services {
\t\tip daddr . meta l4proto . th dport vmap @service-ips
\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
\t}
}
";

#[test]
fn nftables_service_nodeports_map() {
    let data = NodeData {
        nft: Some(nft::parse(NFT)),
        ..NodeData::default()
    };
    let api = [
        port("web", "10.96.120.15", 30080, true),
        port("new", "10.96.120.20", 30090, true),
    ];
    let f = check(&data, Some(&api));
    assert_eq!(
        checks(&f),
        vec![
            ("kube-proxy-nodeport-missing", "new"),
            ("kube-proxy-nodeport-stale", "gone"),
        ]
    );
    assert!(
        f[0].summary
            .contains("rejects nodePort 30090/TCP of prod/new:http as having no endpoints"),
        "{}",
        f[0].summary
    );
}

#[test]
fn ipvs_virtual_server_on_a_node_address() {
    let data = NodeData {
        ipvs: Some(ipvsadm::parse(
            "TCP  10.96.120.15:80 rr\nTCP  10.0.0.23:30080 rr\n  -> 10.244.1.5:8080 Masq 1 0 0\nTCP  10.96.120.20:30090 rr\n",
        )),
        ..NodeData::default()
    };
    let api = [
        port("web", "10.96.120.15", 30080, true),
        // Only a virtual server on its own cluster IP has port 30090: not a NodePort capture.
        port("new", "10.96.120.20", 30090, true),
    ];
    let f = check(&data, Some(&api));
    assert_eq!(checks(&f), vec![("kube-proxy-nodeport-missing", "new")]);
    assert!(check(&data, None).is_empty());
}
