//! End to end: the real `kmedic` binary in a pseudo-terminal against a `kmedic serve-demo`
//! process, reading the screen through a terminal emulator (vt100).

mod support;

use std::process::{Command, Stdio};

use support::pty::{BIN, serve_demo, spawn_ui};

/// Arguments for a UI run that keeps its log and state files in `dir`.
fn ui_args(kubeconfig: &std::path::Path, dir: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "--kubeconfig".to_string(),
        kubeconfig.display().to_string(),
        "--log-file".to_string(),
        dir.join("ui.log").display().to_string(),
        "--state-file".to_string(),
        dir.join("state.json").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn real_binary_in_a_pty_browses_the_demo_cluster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &["-A"]);
    let mut ui = spawn_ui(&refs(&args), "xterm-256color");
    let text = ui.wait_for("CrashLoopBackOff");
    assert!(
        text.contains("READ-ONLY") && text.contains("live"),
        "{text}"
    );
    assert!(ui.alternate_screen(), "UI uses the alternate screen");
    ui.type_keys(b":no\r");
    let text = ui.wait_for("NotReady");
    assert!(text.contains("Nodes"), "{text}");
    ui.quit();
}

#[test]
fn namespace_and_view_are_remembered_per_context_across_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &[]);

    let mut first = spawn_ui(&refs(&args), "xterm-256color");
    first.wait_for("namespace: default");
    first.type_keys(b":svc kube-system\r");
    first.wait_for("kube-dns");
    first.quit();
    let saved = std::fs::read_to_string(dir.path().join("state.json")).expect("state file written");
    assert!(
        saved.contains("kube-system") && saved.contains("services"),
        "{saved}"
    );

    let second = spawn_ui(&refs(&args), "xterm-256color");
    let text = second.wait_for("kube-dns");
    assert!(
        text.contains("namespace: kube-system") && text.contains("Services"),
        "{text}"
    );
    second.quit();

    // An explicit -n wins over the memory.
    let explicit = ui_args(&kubeconfig, dir.path(), &["-n", "shop"]);
    let third = spawn_ui(&refs(&explicit), "xterm-256color");
    third.wait_for("namespace: shop");
    third.quit();
}

#[test]
fn works_under_the_terminals_of_ssh_and_tmux() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &["-A"]);
    for term in ["screen-256color", "tmux-256color", "xterm"] {
        let mut ui = spawn_ui(&refs(&args), term);
        ui.wait_for("CrashLoopBackOff");
        ui.type_keys(b":no\r");
        ui.wait_for("NotReady");
        ui.quit();
    }
}

#[test]
fn dumb_terminals_are_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &[]);
    let mut ui = spawn_ui(&refs(&args), "dumb");
    let status = ui.wait_exit();
    assert!(!status.success());
    ui.wait("the refusal", |_, raw| {
        String::from_utf8_lossy(raw).contains("TERM=dumb")
    });
}

#[test]
fn bad_kubeconfig_is_reported_before_the_terminal_is_taken() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "clusters: [\n  - {name: x\n").expect("write");
    let out = Command::new(BIN)
        .arg("--kubeconfig")
        .arg(&bad)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.yaml") && stderr.contains("not valid"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn on stdout");

    let out = Command::new(BIN)
        .args(["--kubeconfig"])
        .arg(dir.path().join("missing"))
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn back_from_a_describe_opened_in_troubleshoot_returns_to_troubleshoot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &["-A"]);
    let mut ui = spawn_ui(&refs(&args), "xterm-256color");
    ui.wait_for("CrashLoopBackOff");
    ui.type_keys(b"t");
    ui.wait("the findings", |text, _| {
        text.contains("Findings") && text.contains("ERROR")
    });
    ui.type_keys(b"\r");
    ui.wait_for("(describe)");
    ui.type_keys(b"q");
    let text = ui.wait("Troubleshoot again", |text, _| {
        text.contains("Findings") && !text.contains("(describe)")
    });
    assert!(text.contains("Applications ("), "{text}");
    // Back again: the table, still running; q there asks before quitting.
    ui.type_keys(b"q");
    ui.wait("the table", |text, _| {
        text.contains("Pods") && !text.contains("Findings")
    });
    ui.type_keys(b"q");
    ui.wait_for("Quit kmedic?");
    ui.type_keys(b"n");
    ui.wait("the question gone", |text, _| {
        !text.contains("Quit kmedic?")
    });
    ui.quit();
}

/// The Troubleshoot view on the demo, in a real terminal: the Control plane tab holds the
/// crashing scheduler and its leaderless Lease, the Nodes tab the node under DiskPressure and
/// the one that stopped posting status.
#[test]
fn troubleshoot_control_plane_and_nodes_tabs_show_their_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve_demo(dir.path());
    let args = ui_args(&kubeconfig, dir.path(), &["-A"]);
    let mut ui = spawn_ui(&refs(&args), "xterm-256color");
    ui.wait_for("CrashLoopBackOff");
    ui.type_keys(b"t");
    ui.wait_for("Control plane (");
    // Applications is the first tab; `l` moves to the next.
    ui.type_keys(b"l");
    let text = ui.wait("the control-plane findings", |text, _| {
        text.contains("kube-scheduler on cp-1 is failing") && text.contains("no active leader")
    });
    assert!(
        !text.contains("disk pressure"),
        "only this tab's findings: {text}"
    );
    ui.type_keys(b"l");
    let text = ui.wait("the node findings", |text, _| {
        text.contains("Node/worker-2: node is under disk pressure")
            && text.contains("Node/worker-3: node is not Ready")
    });
    assert!(
        !text.contains("kube-scheduler on cp-1 is failing"),
        "only this tab's findings: {text}"
    );
    // q goes back to the table, where quitting asks first.
    ui.type_keys(b"q");
    ui.wait("the table", |text, _| {
        text.contains("Pods ") && !text.contains("Control plane (")
    });
    ui.quit();
}
