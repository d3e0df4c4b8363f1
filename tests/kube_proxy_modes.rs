//! The packet-path walk in kube-proxy's nftables and IPVS modes (issues 11 and 15), through
//! `kmedic node --host-root BUNDLE --scenario DUMP -o json`: the same dump as the iptables
//! bundle, with the node's rules in `nft list ruleset` (sos: `firewall_tables`) or `ipvsadm
//! -Ln` (sos: `ipvs`) output. The bundles say nothing of kube-proxy's configuration, so the
//! mode is the one whose rules are present; IPVS mode's own iptables chains do not count as
//! iptables mode.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node")
}

fn node(bundle: &str) -> (Output, Value) {
    let logs = tempfile::tempdir().unwrap();
    let dump = fixtures().join("net-packet-path.yaml");
    let o = Command::new(BIN)
        .arg("node")
        .arg("--host-root")
        .arg(fixtures().join(bundle))
        .arg("--scenario")
        .arg(&dump)
        .args(["-o", "json", "--log-file"])
        .arg(logs.path().join("kmedic.log"))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o, v)
}

fn summary(v: &Value, check: &str, name: &str) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["object"]["name"] == name)
        .unwrap_or_else(|| panic!("no {check} for {name}: {v:#}"))["summary"]
        .as_str()
        .unwrap()
        .to_string()
}

fn count(v: &Value, check: &str) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .count()
}

#[test]
fn nftables_mode_rules_are_compared_with_the_dump() {
    let (o, v) = node("bundle-stale-nft");
    assert_eq!(o.status.code(), Some(1));
    let web = summary(&v, "kube-proxy-rules-stale", "web");
    assert!(
        web.contains("sends prod/web:http to 2 endpoint(s) while the API lists 3 ready")
            && web.contains("no rule leads to 10.244.2.7:8080, 10.244.2.9:8080")
            && web.contains("DNATs to 10.244.3.3:8080, which is no ready endpoint"),
        "{web}"
    );
    assert!(summary(&v, "kube-proxy-service-missing", "new").contains("no rule for prod/new:http"));
    assert!(
        summary(&v, "kube-proxy-rules-stale", "empty")
            .contains("rejects prod/empty:http as having no endpoints, but the API lists 1 ready")
    );
    assert!(
        summary(&v, "kube-proxy-rules-for-deleted-service", "gone")
            .contains("still has rules for prod/gone:http")
    );
    let text = v.to_string();
    assert!(
        text.contains("nft list table ip kube-proxy | grep 'prod/web/'"),
        "{text}"
    );
    assert!(text.contains("nftables rules"), "{text}");
    assert_eq!(count(&v, "kube-proxy-chains-missing"), 0);
}

#[test]
fn ipvs_mode_virtual_services_are_compared_with_the_dump() {
    let (o, v) = node("bundle-stale-ipvs");
    assert_eq!(o.status.code(), Some(1));
    let web = summary(&v, "kube-proxy-rules-stale", "web");
    assert!(
        web.contains("sends prod/web:http to 2 endpoint(s) while the API lists 3 ready")
            && web.contains("DNATs to 10.244.3.3:8080, which is no ready endpoint"),
        "{web}"
    );
    assert!(
        summary(&v, "kube-proxy-rules-stale", "empty")
            .contains("sends prod/empty:http to 0 endpoint(s) while the API lists 1 ready")
    );
    assert!(summary(&v, "kube-proxy-service-missing", "new").contains("no rule for prod/new:http"));
    assert!(v.to_string().contains("ipvsadm -Ln -t 10.96.120.15:80"));
    // IPVS names no Service: a virtual server is matched by address, port and protocol. One on
    // an IP no Service has (prod/gone's old cluster IP) is a rule for a deleted Service; one on
    // a node address whose port is no Service's nodePort is a stale NodePort.
    assert_eq!(count(&v, "kube-proxy-rules-for-deleted-service"), 1);
    let text = v.to_string();
    assert!(
        text.contains(
            "still has IPVS virtual server TCP 10.96.120.99:80, but no Service has this IP and port"
        ),
        "{text}"
    );
    assert_eq!(count(&v, "kube-proxy-nodeport-stale"), 1);
    assert!(
        text.contains(
            "IPVS virtual servers for nodePort 30080/TCP, but no Service has this nodePort"
        ),
        "{text}"
    );
    // IPVS mode's own iptables chains are not taken for iptables mode.
    assert_eq!(count(&v, "kube-proxy-chains-missing"), 0);
}
