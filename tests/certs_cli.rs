//! `kmedic certs` as a user runs it: text and JSON output and the exit codes (0 nothing wrong,
//! 1 an error or critical finding, 2 could not run), on files generated at test time.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use std::path::Path;
use std::process::{Command, Output};

use generated::{Leaf, ca, kubeadm_root, kubeconfig, leaf, overwrite};

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn certs(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("certs")
        .args(args)
        .env("HOME", dir)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env_remove("NO_COLOR")
        .arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .output()
        .expect("kmedic runs")
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

fn checks(value: &serde_json::Value) -> Vec<String> {
    value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["check"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn healthy_node_root_exits_zero_with_the_kubeadm_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    kubeadm_root(&root);
    let root_arg = root.display().to_string();
    let out = certs(dir.path(), &["--host-root", &root_arg, "--offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("CERTIFICATE AUTHORITY"), "{stdout}");
    assert!(stdout.contains("RESIDUAL TIME"), "{stdout}");
    assert!(
        stdout.contains("No certificate problems found."),
        "{stdout}"
    );

    let out = certs(
        dir.path(),
        &["--host-root", &root_arg, "--offline", "--output", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let value = json(&out);
    let certificates = value["certificates"].as_array().expect("certificates");
    let apiserver = certificates
        .iter()
        .find(|c| c["name"] == "apiserver")
        .expect("apiserver");
    assert_eq!(apiserver["chain"][0]["common_name"], "kube-apiserver");
    assert_eq!(apiserver["verdict"]["result"], "trusted");
    assert_eq!(apiserver["key"], "matches");
    assert!(checks(&value).is_empty());
}

#[test]
fn problems_exit_one_in_text_and_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("root");
    let cas = kubeadm_root(&root);
    let expired = leaf(
        &cas.ca,
        Leaf {
            cn: "kubernetes-admin",
            from_days: -400,
            to_days: -1,
            ..Leaf::default()
        },
    );
    overwrite(
        &root,
        "etc/kubernetes/admin.conf",
        &kubeconfig("https://192.168.1.10:6443", &cas.ca.pair.cert_pem, &expired),
    );
    // The user's kubeconfig: a client certificate with a typo in its group and another key.
    let typo = leaf(
        &cas.ca,
        Leaf {
            cn: "kube-admin",
            orgs: &["ystem:masters"],
            ..Leaf::default()
        },
    );
    let other = leaf(&cas.ca, Leaf::default());
    let mixed = generated::Pair {
        cert_pem: typo.cert_pem,
        key_pem: other.key_pem,
        der: Vec::new(),
    };
    std::fs::write(
        dir.path().join("kubeconfig"),
        kubeconfig("https://127.0.0.1:1", &cas.ca.pair.cert_pem, &mixed),
    )
    .expect("write");
    let root_arg = root.display().to_string();

    let out = certs(dir.path(), &["--host-root", &root_arg, "--offline"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("cert-expired"), "{stdout}");
    assert!(stdout.contains("<invalid>"), "{stdout}");

    let out = certs(
        dir.path(),
        &["--host-root", &root_arg, "--offline", "-o", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let found = checks(&json(&out));
    for check in ["cert-expired", "cert-group-typo", "cert-key-mismatch"] {
        assert!(
            found.contains(&check.to_string()),
            "{check} not in {found:?}"
        );
    }
    let value = json(&out);
    let finding = &value["findings"][0];
    assert_eq!(finding["pane"], "certs");
    assert!(finding["severity"].is_string() && finding["object"]["kind"].is_string());
}

#[test]
fn could_not_run_exits_two() {
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let empty_arg = empty.display().to_string();
    let out = certs(
        dir.path(),
        &[
            "--host-root",
            &empty_arg,
            "--kubeconfig",
            "/nonexistent/kubeconfig",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not exist"),
        "{}",
        text(&out)
    );

    let out = certs(dir.path(), &["--host-root", &empty_arg]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no certificates to inspect"),
        "{}",
        text(&out)
    );

    let out = certs(dir.path(), &["--host-root", "/nonexistent/root"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn malformed_kubeconfig_certificate_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tmp");
    let authority = ca("kubernetes");
    let broken = generated::Pair {
        cert_pem: "-----BEGIN CERTIFICATE-----\nAAEC\n".into(),
        key_pem: String::new(),
        der: Vec::new(),
    };
    std::fs::write(
        dir.path().join("kubeconfig"),
        kubeconfig("https://127.0.0.1:1", &authority.pair.cert_pem, &broken),
    )
    .expect("write");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let out = certs(
        dir.path(),
        &[
            "--host-root",
            &empty.display().to_string(),
            "--offline",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json(&out);
    assert!(
        checks(&value).contains(&"cert-unreadable".to_string()),
        "{value}"
    );
    assert!(value.to_string().contains("no matching END"), "{value}");
}

#[test]
fn insecure_kubeconfig_is_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: https://10.0.0.1:6443\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: lab\n  context:\n    cluster: lab\n    user: u\ncurrent-context: lab\n";
    std::fs::write(dir.path().join("kubeconfig"), yaml).expect("write");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let out = certs(
        dir.path(),
        &[
            "--host-root",
            &empty.display().to_string(),
            "--offline",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(checks(&json(&out)), vec!["kubeconfig-insecure"]);
}
