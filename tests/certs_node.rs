//! A kubeadm-like node root generated at test time: the inventory, the kubeadm table, and the
//! findings when one file is broken.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use generated::{Leaf, ca, kubeadm_root, leaf, overwrite};
use jiff::Timestamp;
use kmedic::certs::report::kubeadm_tables;
use kmedic::certs::{CertsReport, ChainVerdict, KeyMatch, node};

fn checks(report: &CertsReport) -> Vec<(String, String)> {
    report
        .findings
        .iter()
        .map(|f| (f.check.clone(), f.object.name.clone()))
        .collect()
}

#[test]
fn healthy_kubeadm_root_has_every_row_and_no_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    // The clock is read before the certificates are made (valid for 365 days and 10 years
    // from their making), so that slow key generation cannot turn "1y" into "364d".
    let now = Timestamp::now();
    kubeadm_root(dir.path());
    let report = CertsReport::new(node::collect(dir.path()), now);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let table = kubeadm_tables(&report.certificates, now);
    for row in [
        "admin.conf",
        "apiserver ",
        "apiserver-etcd-client",
        "apiserver-kubelet-client",
        "controller-manager.conf",
        "etcd-healthcheck-client",
        "etcd-peer",
        "etcd-server",
        "front-proxy-client",
        "scheduler.conf",
        "super-admin.conf",
        "etcd-ca",
        "front-proxy-ca",
    ] {
        assert!(table.contains(row), "{row} missing in\n{table}");
    }
    assert!(
        table.contains("CERTIFICATE   ") && table.contains("EXTERNALLY MANAGED"),
        "{table}"
    );
    assert!(table.contains(" 1y ") && table.contains(" 10y "), "{table}");
    for entry in &report.certificates {
        if entry.authority.is_some() {
            assert!(
                matches!(entry.verdict, Some(ChainVerdict::Trusted { .. })),
                "{}: {:?}",
                entry.name,
                entry.verdict
            );
        }
        if let Some(key) = &entry.key {
            assert_eq!(key, &KeyMatch::Matches, "{}", entry.name);
        }
    }
    let kubelet = report
        .certificates
        .iter()
        .find(|e| e.name == "kubelet client")
        .expect("kubelet");
    assert_eq!(kubelet.key, Some(KeyMatch::Matches));

    // Rotation left a dangling symlink: reported, not a crash.
    let current = dir
        .path()
        .join("var/lib/kubelet/pki/kubelet-client-current.pem");
    std::fs::remove_file(&current).expect("rm");
    std::os::unix::fs::symlink("kubelet-client-2026-01-01.pem", &current).expect("symlink");
    let report = CertsReport::new(node::collect(dir.path()), now);
    let finding = report
        .findings
        .iter()
        .find(|f| f.check == "cert-unreadable")
        .expect("finding");
    assert!(
        finding
            .summary
            .contains("dangling symlink to kubelet-client-2026-01-01.pem"),
        "{}",
        finding.summary
    );
}

#[test]
fn broken_node_files_become_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    let cas = kubeadm_root(root);
    // apiserver re-issued by a regenerated CA with the same name, without the service IP.
    let impostor = ca("kubernetes");
    let bad = leaf(
        &impostor,
        Leaf {
            cn: "kube-apiserver",
            sans: &["kubernetes"],
            server: true,
            ..Leaf::default()
        },
    );
    overwrite(root, "etc/kubernetes/pki/apiserver.crt", &bad.cert_pem);
    overwrite(root, "etc/kubernetes/pki/apiserver.key", &bad.key_pem);
    // front-proxy-client's key replaced by another one.
    let other = leaf(&cas.front, Leaf::default());
    overwrite(
        root,
        "etc/kubernetes/pki/front-proxy-client.key",
        &other.key_pem,
    );
    // etcd server expired.
    let expired = leaf(
        &cas.etcd,
        Leaf {
            cn: "cp-1",
            from_days: -400,
            to_days: -1,
            server: true,
            ..Leaf::default()
        },
    );
    overwrite(
        root,
        "etc/kubernetes/pki/etcd/server.crt",
        &expired.cert_pem,
    );
    overwrite(root, "etc/kubernetes/pki/etcd/server.key", &expired.key_pem);
    // a malformed file and an external CA (no ca.key).
    std::fs::remove_file(root.join("etc/kubernetes/pki/apiserver-kubelet-client.crt")).expect("rm");
    overwrite(
        root,
        "etc/kubernetes/pki/etcd/healthcheck-client.crt",
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    );
    std::fs::remove_file(root.join("etc/kubernetes/pki/front-proxy-ca.key")).expect("rm");
    // kubelet client issued to the wrong identity; scheduler.conf to the wrong CN.
    let kubelet = leaf(
        &cas.ca,
        Leaf {
            cn: "worker-1",
            orgs: &["system:node"],
            ..Leaf::default()
        },
    );
    overwrite(
        root,
        "var/lib/kubelet/pki/kubelet-client-current.pem",
        &format!("{}{}", kubelet.cert_pem, kubelet.key_pem),
    );
    let scheduler = leaf(
        &cas.ca,
        Leaf {
            cn: "kube-scheduler",
            ..Leaf::default()
        },
    );
    overwrite(
        root,
        "etc/kubernetes/scheduler.conf",
        &generated::kubeconfig(
            "https://192.168.1.10:6443",
            &cas.ca.pair.cert_pem,
            &scheduler,
        ),
    );

    let now = Timestamp::now();
    let report = CertsReport::new(node::collect(root), now);
    let found = checks(&report);
    let pki = root.join("etc/kubernetes/pki");
    let at = |rel: &str| pki.join(rel).display().to_string();
    assert!(
        found.contains(&("cert-ca-mismatch".into(), at("apiserver.crt"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("cert-san-missing".into(), at("apiserver.crt"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("cert-key-mismatch".into(), at("front-proxy-client.crt"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("cert-expired".into(), at("etcd/server.crt"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("cert-unreadable".into(), at("apiserver-kubelet-client.crt"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("cert-unreadable".into(), at("etcd/healthcheck-client.crt"))),
        "{found:?}"
    );
    let identity: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == "cert-identity")
        .map(|f| f.summary.as_str())
        .collect();
    assert_eq!(identity.len(), 2, "{identity:?}");
    assert!(
        identity
            .iter()
            .any(|s| s.starts_with("kubelet client")
                && s.contains("CN=system:node:…, O=system:nodes")),
        "{identity:?}"
    );
    assert!(
        identity
            .iter()
            .any(|s| s.starts_with("scheduler.conf") && s.contains("CN=system:kube-scheduler")),
        "{identity:?}"
    );
    let expired = report
        .findings
        .iter()
        .find(|f| f.check == "cert-expired")
        .expect("expired");
    assert_eq!(expired.severity, kmedic::findings::Severity::Critical);
    let san = report
        .findings
        .iter()
        .find(|f| f.check == "cert-san-missing")
        .expect("san");
    for name in [
        "kubernetes.default.svc.cluster.local",
        "10.96.0.1",
        "192.168.1.10",
    ] {
        assert!(san.summary.contains(name), "{}", san.summary);
    }
    let table = kubeadm_tables(&report.certificates, now);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("front-proxy-client").ends_with("yes"), "{table}");
    assert!(line("front-proxy-ca").ends_with("yes"), "{table}");
    assert!(line("etcd-server").contains("<invalid>"), "{table}");
    assert!(
        line("apiserver-kubelet-client").contains("!MISSING!"),
        "{table}"
    );
    assert!(
        line("etcd-healthcheck-client").contains("!INVALID!"),
        "{table}"
    );
    assert!(report.fails());
}

#[test]
fn missing_root_yields_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    assert!(node::collect(dir.path()).is_empty());
}
