//! End to end: the real `kmedic` binary in a pseudo-terminal against `kmedic serve-demo`, with
//! the log pane open: lines are drawn, and copying writes an OSC 52 sequence to the terminal.

mod support;

use support::pty::{serve_demo, spawn_ui};

#[test]
fn real_binary_tails_a_pod_and_copies_with_osc52() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let log = dir.path().join("ui.log").display().to_string();
    let state = dir.path().join("state.json").display().to_string();
    let kubeconfig = kubeconfig.display().to_string();
    let args = [
        "--kubeconfig",
        &kubeconfig,
        "-n",
        "kube-system",
        "--log-file",
        &log,
        "--state-file",
        &state,
    ];
    let mut ui = spawn_ui(&args, "xterm-256color");
    ui.wait_for("coredns-");
    ui.type_keys(b":logs deploy/coredns\r");
    let text = ui.wait("tagged log lines", |t, _| {
        t.contains("Deployment/coredns") && t.contains("/coredns] ")
    });
    assert!(text.contains("streaming"), "{text}");
    ui.type_keys(b"Y");
    // The sequence and the status line are written by different frames: wait for both.
    ui.wait("an OSC 52 sequence and the status", |t, r| {
        r.windows(7).any(|w| w == b"\x1b]52;c;") && t.contains("copied")
    });
    ui.type_keys(b"q");
    ui.wait("the table again", |t, _| {
        !t.contains("Logs ") && t.contains("coredns-")
    });
}
