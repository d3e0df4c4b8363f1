//! `kmedic serve-demo` as a user runs it: the real binary serving the built-in scenario to
//! kubectl, and clear errors for bad scenario files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path, extra: &[&str]) -> (Server, std::path::PathBuf) {
    let kubeconfig = dir.join("kubeconfig");
    let mut child = Command::new(BIN)
        .arg("serve-demo")
        .args(extra)
        .arg("--write-kubeconfig")
        .arg(&kubeconfig)
        .arg("--log-file")
        .arg(dir.join("serve.log"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve-demo starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    assert!(line.contains("serving at http://127.0.0.1:"), "{line}");
    (Server(child), kubeconfig)
}

fn kubectl(dir: &Path, kubeconfig: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("HOME", dir)
        .env_remove("KUBECONFIG")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("kubectl is installed (it is required for these tests)")
}

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn kubectl_sees_the_builtin_failures_through_serve_demo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve(dir.path(), &[]);

    let pods = stdout_of(&kubectl(dir.path(), &kubeconfig, &["get", "pods", "-A"]));
    for needle in [
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "Pending",
        "kube-apiserver-cp-1",
        "etcd-cp-1",
    ] {
        assert!(pods.contains(needle), "get pods -A shows {needle}:\n{pods}");
    }
    let nodes = stdout_of(&kubectl(dir.path(), &kubeconfig, &["get", "nodes"]));
    assert!(nodes.contains("NotReady"), "{nodes}");

    let crashing = pods
        .lines()
        .find(|l| l.starts_with("shop ") && l.contains("CrashLoopBackOff"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("a crash-looping pod")
        .to_string();
    let describe = stdout_of(&kubectl(
        dir.path(),
        &kubeconfig,
        &["describe", "pod", "-n", "shop", &crashing],
    ));
    assert!(
        describe.contains("OOMKilled") && describe.contains("137"),
        "{describe}"
    );

    let previous = stdout_of(&kubectl(
        dir.path(),
        &kubeconfig,
        &["logs", "-n", "shop", &crashing, "--previous"],
    ));
    assert!(!previous.trim().is_empty(), "the crashed instance has logs");

    let events = stdout_of(&kubectl(dir.path(), &kubeconfig, &["get", "events", "-A"]));
    assert!(
        events.contains("FailedScheduling") && events.contains("BackOff"),
        "{events}"
    );

    let readyz = stdout_of(&kubectl(
        dir.path(),
        &kubeconfig,
        &["get", "--raw", "/readyz?verbose"],
    ));
    assert!(readyz.contains("readyz check passed"), "{readyz}");
}

#[test]
fn synthetic_cluster_of_a_requested_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_server, kubeconfig) = serve(
        dir.path(),
        &[
            "--pods",
            "1200",
            "--nodes",
            "7",
            "--namespaces",
            "3",
            "--frozen",
        ],
    );
    let pods = stdout_of(&kubectl(
        dir.path(),
        &kubeconfig,
        &["get", "pods", "-A", "--no-headers", "--chunk-size=100"],
    ));
    assert_eq!(pods.lines().count(), 1200);
    let nodes = stdout_of(&kubectl(
        dir.path(),
        &kubeconfig,
        &["get", "nodes", "--no-headers"],
    ));
    assert_eq!(nodes.lines().count(), 7);
}

#[test]
fn a_malformed_scenario_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("broken-scenario.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
    )
    .expect("write");
    for subcommand in [
        &["serve-demo", "--write-kubeconfig", "/dev/null"][..],
        &["demo"][..],
    ] {
        let output = Command::new(BIN)
            .args(subcommand)
            .arg("--scenario")
            .arg(&bad)
            .arg("--log-file")
            .arg(dir.path().join("log"))
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{subcommand:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("broken-scenario.yaml:4") || stderr.contains("broken-scenario.yaml:5"),
            "{subcommand:?}: {stderr}"
        );
    }
}

#[test]
fn subcommands_list_only_their_own_flags() {
    let help = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let ui_only = [
        "--theme",
        "--keymap",
        "--log-lines",
        "--write ",
        "--ascii",
        "--state-file",
    ];
    for args in [
        &["check", "--help"][..],
        &["certs", "--help"][..],
        &["serve-demo", "--help"][..],
    ] {
        let text = help(args);
        for flag in ui_only {
            assert!(!text.contains(flag), "{args:?} lists {flag}:\n{text}");
        }
    }
    assert!(help(&["check", "--help"]).contains("--all-namespaces"));
    assert!(help(&["certs", "--help"]).contains("--host-root"));
    let ui = help(&["--help"]);
    assert!(ui.contains("--theme") && ui.contains("--keymap"), "{ui}");
    assert!(help(&["demo", "--help"]).contains("--theme"));
    // Client flags only where kmedic talks to an API server.
    let client_only = [
        "--request-timeout",
        "--connect-timeout",
        "--no-access-review",
    ];
    for args in [&["serve-demo", "--help"][..], &["node", "--help"][..]] {
        let text = help(args);
        for flag in client_only {
            assert!(!text.contains(flag), "{args:?} lists {flag}:\n{text}");
        }
    }
    for args in [
        &["--help"][..],
        &["demo", "--help"][..],
        &["check", "--help"][..],
        &["certs", "--help"][..],
        &["reach", "--help"][..],
    ] {
        let text = help(args);
        for flag in client_only {
            assert!(
                text.contains(flag),
                "{args:?} does not list {flag}:\n{text}"
            );
        }
    }
    let out = Command::new(BIN)
        .args(["node", "--request-timeout", "1s"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "node refuses a client flag");
}
