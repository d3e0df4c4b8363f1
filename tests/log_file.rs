//! `kmedic.log`: nothing from a response body reaches it (a Secret list with one malformed
//! Secret once put every TLS private key of the list there at the default level), it is
//! created readable by its owner only, and server text in it cannot inject into a terminal
//! that `cat`s it.
#![allow(clippy::unwrap_used)]

mod support;

#[path = "fixtures/certs/gen.rs"]
mod generated;

use std::os::unix::fs::PermissionsExt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use support::bad_servers::{Reply, Scripted, kubeconfig_for_server};
use support::pty::{BIN, spawn_ui};

/// A server whose TLS Secret list holds one good Secret (with a private key) and one whose
/// `data` has the wrong type, so the list does not deserialise.
fn secrets_server(key_pem: &str, cert_pem: &str) -> Scripted {
    let good = json!({
        "metadata": {"name": "web-tls", "namespace": "shop"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": STANDARD.encode(cert_pem), "tls.key": STANDARD.encode(key_pem)}
    });
    let bad = json!({
        "metadata": {"name": "broken", "namespace": "shop"},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": 12, "tls.key": ["not", "a", "string"]}
    });
    let list = json!({
        "kind": "SecretList", "apiVersion": "v1", "metadata": {"resourceVersion": "7"},
        "items": [good, bad]
    })
    .to_string();
    Scripted::start(move |request| {
        if request.target.starts_with("/api/v1/secrets") {
            Reply::json(200, list.clone())
        } else if request
            .target
            .starts_with("/api/v1/namespaces/default/services/kubernetes")
        {
            let service = json!({"kind": "Service", "apiVersion": "v1",
                "metadata": {"name": "kubernetes", "namespace": "default"},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443}]}});
            Reply::json(200, service.to_string())
        } else {
            Reply::status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    })
}

#[test]
fn a_malformed_secret_list_leaves_no_key_in_the_log() {
    let authority = generated::ca("kubernetes");
    let leaf = generated::leaf(&authority, generated::Leaf::default());
    let server = secrets_server(&leaf.key_pem, &leaf.cert_pem);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, kubeconfig_for_server(&server.url())).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let key_body: Vec<String> = leaf
        .key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    let key_base64 = STANDARD.encode(&leaf.key_pem);
    for level in [None, Some("trace")] {
        let log = dir
            .path()
            .join(format!("kmedic-{}.log", level.unwrap_or("default")));
        let mut command = std::process::Command::new(BIN);
        command
            .args(["certs", "-o", "json", "--kubeconfig"])
            .arg(&kubeconfig)
            .arg("--host-root")
            .arg(empty.path())
            .arg("--log-file")
            .arg(&log)
            .env_remove("KMEDIC_LOG");
        if let Some(level) = level {
            command.env("KMEDIC_LOG", level);
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            server
                .received()
                .iter()
                .any(|r| r.target.starts_with("/api/v1/secrets")),
            "the Secret list was fetched: {stderr}"
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(!text.contains(&key_base64[..40]), "{level:?}: {text}");
        for line in &key_body {
            assert!(
                !text.contains(line.as_str()),
                "{level:?}: key line in the log:\n{text}"
            );
        }
        assert!(!text.contains("PRIVATE KEY-----\n"), "{level:?}: {text}");
        let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{level:?}");
        // Nor anything else the command printed.
        for line in &key_body {
            assert!(!String::from_utf8_lossy(&out.stdout).contains(line.as_str()));
        }
    }
}

#[test]
fn an_existing_wider_log_file_is_narrowed() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("kmedic.log");
    std::fs::write(&log, "").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["check", "--scenario", "/nonexistent", "--log-file"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

const ATTACK: &str =
    "\u{1b}]0;PWNED-TITLE\u{7}\u{1b}[2J\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}x\nFAKE ERROR line";

#[test]
fn server_text_in_the_log_is_shown_not_run() {
    let message = format!("pods is forbidden{ATTACK}");
    let server = Scripted::start(move |_| Reply::status(403, "Forbidden", &message));
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, kubeconfig_for_server(&server.url())).unwrap();
    let log = dir.path().join("kmedic.log");
    let ui = spawn_ui(
        &[
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--log-file",
            log.to_str().unwrap(),
            "--state-file",
            dir.path().join("state.json").to_str().unwrap(),
        ],
        "xterm-256color",
    );
    ui.wait_for("forbidden");
    let raw = ui.raw.lock().map(|r| r.clone()).unwrap_or_default();
    assert!(
        !raw.windows(4).any(|w| w == b"\x1b]0;"),
        "the UI retitled the terminal"
    );
    assert!(
        !raw.windows(5).any(|w| w == b"\x1b]52;"),
        "the UI wrote the clipboard"
    );
    ui.quit();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("pods is forbidden␛]0;PWNED-TITLE␇"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(
        !text.lines().any(|l| l.starts_with("FAKE ERROR")),
        "a message forged a log line: {text}"
    );
}
