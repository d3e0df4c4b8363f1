//! Messages that used to mislead, through the real binary: a cluster entry without `server`
//! (was "not defined"), an invalid server URL (`certs` said "does not use TLS" and exited 0),
//! a kubeconfig that is not UTF-8 (a byte index), and an X.509 version 1 client certificate
//! (rustls' "invalid peer certificate: UnsupportedCertVersion"). openssl makes the v1
//! certificate; without it that test fails rather than skips.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::pty::BIN;

fn kmedic(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn kubeconfig(dir: &Path, cluster: &str, user: &str) -> String {
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n- name: c\n  cluster: {cluster}\nusers:\n- name: u\n  user: {user}\ncontexts:\n- name: a\n  context: {{cluster: c, user: u}}\n"
    );
    let path = dir.join("config");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_cluster_without_server_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(dir.path(), "{insecure-skip-tls-verify: true}", "{token: t}");
    for command in ["check", "certs"] {
        let out = kmedic(&[command, "--kubeconfig", &config], dir.path());
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("cluster \"c\" (of context \"a\")") && err.contains("has no server"),
            "{command}: {err}"
        );
        assert!(!err.contains("not defined"), "{err}");
    }
}

#[test]
fn an_invalid_server_url_is_an_error_not_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_str().unwrap();
    for server in [
        "127.0.0.1:6443",
        "htps://127.0.0.1:6443",
        "https://exa mple:6443",
    ] {
        let config = kubeconfig(dir.path(), &format!("{{server: '{server}'}}"), "{token: t}");
        let out = kmedic(
            &["certs", "--kubeconfig", &config, "--host-root", root],
            dir.path(),
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{server}: {err}");
        assert!(
            err.contains(&format!("invalid server URL \"{server}\"")),
            "{server}: {err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("does not use TLS"));
    }
}

#[test]
fn a_kubeconfig_that_is_not_utf8_is_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(
        &path,
        b"apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: \"caf\xe9\"\n",
    )
    .unwrap();
    let out = kmedic(
        &["check", "--kubeconfig", path.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&path.display().to_string())
            && err.contains("line 5, column 13: not UTF-8 text (byte 0xE9)"),
        "{err}"
    );
    assert!(!err.contains("index"), "{err}");
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed for this test");
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

#[test]
fn a_version_1_client_certificate_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(
        d,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-subj", "/CN=ca", "-days", "10",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "user.key",
            "-out",
            "user.csr",
            "-subj",
            "/CN=alice/O=system:masters",
        ],
    );
    // No extensions: openssl writes a version 1 certificate.
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "user.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "user.crt",
            "-days",
            "10",
        ],
    );
    let config = kubeconfig(
        d,
        "{server: 'https://127.0.0.1:1', certificate-authority: ca.crt}",
        "{client-certificate: user.crt, client-key: user.key}",
    );
    let out = kmedic(&["check", "--kubeconfig", &config], d);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("user.crt (client-certificate of user 'u') is an X.509 version 1 certificate")
            && err.contains("Re-issue it as version 3"),
        "{err}"
    );
    assert!(!err.contains("UnsupportedCertVersion"), "{err}");
}
