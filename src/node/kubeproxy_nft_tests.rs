#![allow(clippy::unwrap_used)]
use super::*;
use crate::node::parse::nft::parse;

fn fixture() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "tests/fixtures/node/bundle-stale-nft/sos_commands/firewall_tables/nft_list_ruleset",
        ),
    )
    .unwrap()
}

#[test]
fn service_ips_lead_through_numgen_vmaps_to_dnat_targets() {
    let m = model(&parse(&fixture()));
    assert_eq!(m.mode, "nftables");
    assert!(m.has_kube_services);
    let web: Vec<_> = m.service("prod/web:http").collect();
    assert_eq!(web.len(), 1);
    assert_eq!(web[0].capture, "cluster IP");
    assert_eq!((web[0].address.as_str(), web[0].port), ("10.96.120.15", 80));
    assert_eq!(web[0].protocol, "TCP");
    let targets: Vec<_> = web[0]
        .endpoints
        .iter()
        .map(|e| e.destination.clone().unwrap())
        .collect();
    assert_eq!(targets, vec!["10.244.1.5:8080", "10.244.3.3:8080"]);
    assert!(web[0].endpoints[0].chain.starts_with("endpoint-"));
    assert_eq!(m.service("prod/gone:http").count(), 1);
    assert_eq!(m.rejects.len(), 1);
    assert_eq!(m.rejects[0].service_port, "prod/empty:http");
    assert_eq!(m.rejects[0].target, "REJECT");
}

#[test]
fn unnamed_ports_external_ips_drops_and_ipv6() {
    let text = "table ip6 kube-proxy {
	map service-ips {
		type ipv6_addr . inet_proto . inet_service : verdict
		elements = { fd00:10:96::5 . tcp . 80 : goto service-AAAAAAAA-shop/api/tcp/,
			     2001:db8::7 . tcp . 80 : goto external-BBBBBBBB-shop/api/tcp/ }
	}
	map no-endpoint-services {
		type ipv6_addr . inet_proto . inet_service : verdict
		elements = { fd00:10:96::9 . udp . 53 comment \"shop/dns:dns\" : drop }
	}
	chain services {
		ip6 daddr . meta l4proto . th dport vmap @service-ips
	}
	chain external-BBBBBBBB-shop/api/tcp/ {
		jump mark-for-masquerade
		goto service-AAAAAAAA-shop/api/tcp/
	}
	chain service-AAAAAAAA-shop/api/tcp/ {
		numgen random mod 1 vmap { 0 : goto endpoint-CCCCCCCC-shop/api/tcp/__fd00:10:244::5/8080 }
	}
	chain endpoint-CCCCCCCC-shop/api/tcp/__fd00:10:244::5/8080 {
		meta l4proto tcp dnat to [fd00:10:244::5]:8080
	}
}
";
    let m = model(&parse(text));
    let api: Vec<_> = m.service("shop/api").collect();
    assert_eq!(api.len(), 2, "{m:?}");
    assert_eq!(api[0].capture, "cluster IP");
    assert_eq!(api[1].capture, "external IP");
    for capture in api {
        assert_eq!(
            capture.endpoints[0].destination.as_deref(),
            Some("[fd00:10:244::5]:8080")
        );
    }
    assert_eq!(m.rejects[0].target, "DROP");
    assert_eq!(m.rejects[0].protocol, "UDP");
    // No kube-proxy table: nothing programmed in this mode.
    assert!(!model(&parse("table inet filter {\n}\n")).has_kube_services);
}
