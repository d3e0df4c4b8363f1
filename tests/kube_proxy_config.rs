//! kube-proxy's configured mode and the NodePort captures on the packet path (issues 11 and
//! 15), through `kmedic check --pane network --scenario DUMP --host-root BUNDLE -o json` and
//! `kmedic node`: the dump `net-nodeport.yaml` (kube-proxy's ConfigMap with `mode: ""`, a
//! NodePort and a LoadBalancer Service) against `bundle-nodeport` (iptables mode, read from
//! the kube-proxy process in sos's `ps auxwww` and the `config.conf` the kubelet mounted into
//! its pod) and `bundle-mode-mismatch` (the pod's `config.conf` says ipvs, the node has only
//! iptables rules and no IPVS virtual server).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/node")
}

fn run(args: &[&str], bundle: &str) -> (Output, Value) {
    let logs = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(args)
        .arg("--scenario")
        .arg(fixtures().join("net-nodeport.yaml"))
        .arg("--host-root")
        .arg(fixtures().join(bundle))
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

fn with_check<'a>(v: &'a Value, check: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn summary(v: &Value, check: &str, name: &str) -> String {
    with_check(v, check)
        .into_iter()
        .find(|f| f["object"]["name"] == name)
        .unwrap_or_else(|| panic!("no {check} for {name}: {v:#}"))["summary"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn check_reports_missing_and_stale_node_port_rules() {
    let (o, v) = run(&["check", "--pane", "network"], "bundle-nodeport");
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let missing = summary(&v, "kube-proxy-nodeport-missing", "new");
    assert!(
        missing.contains("has no NodePort rule for prod/new:http (nodePort 30090/TCP), which has 1 ready endpoint(s)"),
        "{missing}"
    );
    let stale = summary(&v, "kube-proxy-nodeport-stale", "gone");
    assert!(
        stale.contains(
            "still captures nodePort 31999/TCP for prod/gone:http, but no Service has this nodePort"
        ),
        "{stale}"
    );
    let f = with_check(&v, "kube-proxy-nodeport-stale")[0];
    assert!(
        f["evidence"]
            .to_string()
            .contains("KUBE-EXT-H6EHNOK2FOVWHXOE"),
        "{f:#}"
    );
    assert!(
        f["next_steps"].to_string().contains("--dport 31999"),
        "{f:#}"
    );
    // web's NodePort is captured by its own KUBE-EXT chain; its cluster IP rules agree.
    for check in [
        "kube-proxy-nodeport-missing",
        "kube-proxy-nodeport-stale",
        "kube-proxy-rules-stale",
    ] {
        assert!(
            with_check(&v, check)
                .iter()
                .all(|f| f["object"]["name"] != "web"),
            "{check} for web: {v:#}"
        );
    }
    // The node says iptables (no mode in its pod's config.conf), as the ConfigMap does.
    assert!(with_check(&v, "kube-proxy-mode-mismatch").is_empty());
    assert!(with_check(&v, "kube-proxy-mode-differs").is_empty());
}

#[test]
fn a_configured_mode_without_its_rules_is_a_mismatch_and_nothing_else_is_walked() {
    let (o, v) = run(&["check", "--pane", "network"], "bundle-mode-mismatch");
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let f = with_check(&v, "kube-proxy-mode-mismatch");
    assert_eq!(f.len(), 1, "{v:#}");
    let text = f[0].to_string();
    assert!(
        text.contains("kube-proxy is configured for ipvs, but worker-2 has only iptables rules"),
        "{text}"
    );
    assert!(
        text.contains("(the config.conf mounted into the kube-proxy pod)"),
        "{text}"
    );
    assert_eq!(f[0]["severity"], "error");
    let differs = summary(&v, "kube-proxy-mode-differs", "worker-2");
    assert!(
        differs
            .contains("configured for ipvs, but the cluster's kube-proxy ConfigMap says iptables"),
        "{differs}"
    );
    // Only the configured mode's rules are walked: the iptables leftovers are not compared.
    for check in [
        "kube-proxy-nodeport-missing",
        "kube-proxy-nodeport-stale",
        "kube-proxy-rules-for-deleted-service",
        "kube-proxy-service-missing",
    ] {
        assert!(with_check(&v, check).is_empty(), "{check}: {v:#}");
    }
}

#[test]
fn node_reads_the_mode_from_the_bundle_alone() {
    // Without the dump's ConfigMap the node's own config.conf still decides.
    let logs = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .arg("node")
        .arg("--host-root")
        .arg(fixtures().join("bundle-mode-mismatch"))
        .args(["-o", "json", "--log-file"])
        .arg(logs.path().join("kmedic.log"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(with_check(&v, "kube-proxy-mode-mismatch").len(), 1, "{v:#}");
    assert!(with_check(&v, "kube-proxy-mode-differs").is_empty());
    // With the dump, kmedic node says the same as kmedic check.
    let (_, v) = run(&["node"], "bundle-nodeport");
    assert!(summary(&v, "kube-proxy-nodeport-missing", "new").contains("nodePort 30090/TCP"));
}
