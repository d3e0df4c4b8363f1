//! The real `kmedic` binary in a pseudo-terminal with `--host-root BUNDLE`, against a
//! `kmedic serve-demo` process: the Troubleshoot view gets a Node-local tab read from a kubeadm
//! control-plane bundle built at test time, and `r` reads it again. A `--host-root` that is not
//! a directory is refused before the terminal is taken.
#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
#[path = "fixtures/node/gen.rs"]
mod node_gen;
mod support;

use std::process::Command;

use support::pty::{BIN, serve_demo, spawn_ui};

#[test]
fn node_local_tab_in_a_pty_from_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = tempfile::tempdir().unwrap();
    node_gen::control_plane(bundle.path());
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = [
        "--kubeconfig".to_string(),
        kubeconfig.display().to_string(),
        "--log-file".into(),
        dir.path().join("ui.log").display().to_string(),
        "--state-file".into(),
        dir.path().join("state.json").display().to_string(),
        "-A".into(),
        "--host-root".into(),
        bundle.path().display().to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut ui = spawn_ui(&args, "xterm-256color");
    ui.wait_for("CrashLoopBackOff");
    ui.type_keys(b"t");
    ui.wait_for("Node-local (");
    // The Node-local tab is the last: one step left of the first.
    ui.type_keys(b"h");
    // The node's name comes with the report (from the bundle's kubelet files).
    let text = ui.wait("the node's findings, under its name", |text, _| {
        text.contains("Node-local —")
            && text.contains("kube-scheduler.yaml")
            && text.contains("(cp-1)")
    });
    assert!(text.contains("read again"), "the footer offers r: {text}");
    assert!(
        text.contains("kube-controller-manager.yaml:20: invalid YAML"),
        "{text}"
    );
    // Reading again keeps the tab and its findings (the reducer tests check the request).
    ui.type_keys(b"r");
    ui.wait("the tab after reading again", |text, _| {
        text.contains("Node-local —") && text.contains("kube-scheduler.yaml")
    });
    ui.type_keys(b"q");
    ui.wait("the table", |text, _| !text.contains("Node-local —"));
    ui.quit();
}

#[test]
fn a_host_root_that_is_not_a_directory_is_refused_before_the_ui() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.tar");
    std::fs::write(&file, "not unpacked").unwrap();
    let out = Command::new(BIN)
        .arg("--host-root")
        .arg(&file)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bundle.tar") && stderr.contains("not a directory"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
