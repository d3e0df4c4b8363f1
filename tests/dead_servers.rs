//! Dead and slow API servers: a server on 127.0.0.1 that accepts TCP and never answers makes
//! `kmedic check` and `kmedic certs` end with a message naming the server and how long kmedic
//! waited (exit 2), and the UI leave `connecting…` for its reconnect loop with that message.
//! Watches are not cut by the request timeout; a list whose body stalls is.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kmedic::app::state::Connection;
use kmedic::cluster::{ClientSettings, ConnectOptions, build_client_with, load_kubeconfig};
use kmedic::config::Keymap;
use kmedic::runtime::Session;
use kube::api::{Api, WatchEvent, WatchParams};
use support::bad_servers::{Reply, Scripted, Silent, kubeconfig_for_server};
use support::pty::BIN;
use support::*;

fn run(args: &[&str], dir: &std::path::Path) -> Output {
    std::process::Command::new(BIN)
        .args(args)
        .arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .output()
        .expect("kmedic runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_names_the_silent_server_and_the_wait() {
    let server = Silent::start();
    let url = server.url("http");
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(&url));
    let out = run(
        &[
            "check",
            "--kubeconfig",
            path.to_str().unwrap(),
            "--request-timeout",
            "1s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the API server {url} did not answer within 1s")),
        "{err}"
    );
    assert!(err.contains("--request-timeout"), "{err}");
    assert!(server.accepted() >= 1, "kmedic did connect");
}

#[test]
fn certs_names_the_server_that_never_completes_a_handshake() {
    let server = Silent::start();
    let url = server.url("https");
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(&url));
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "certs",
            "--kubeconfig",
            path.to_str().unwrap(),
            "--host-root",
            empty.path().to_str().unwrap(),
            "--connect-timeout",
            "1s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the API server {url} did not complete a TLS handshake within 1s"
        )),
        "{err}"
    );
}

#[test]
fn certs_names_the_plain_http_server_that_never_answers() {
    let server = Silent::start();
    let url = server.url("http");
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(&url));
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "certs",
            "--kubeconfig",
            path.to_str().unwrap(),
            "--host-root",
            empty.path().to_str().unwrap(),
            "--request-timeout",
            "1s",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the API server {url} did not answer within 1s"))
            && err.contains("not inspected"),
        "{err}"
    );
}

fn short(request: u64) -> ClientSettings {
    ClientSettings {
        connect_timeout: Some(Duration::from_secs(1)),
        request_timeout: Some(Duration::from_secs(request)),
        access_reviews: true,
    }
}

async fn client_for(
    server: &str,
    settings: &ClientSettings,
) -> (kube::Client, kmedic::cluster::KubeSetup) {
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(server));
    let _kept = dir.keep();
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .unwrap();
    let client = build_client_with(&setup, false, settings).await.unwrap();
    (client, setup)
}

#[tokio::test]
async fn the_ui_leaves_connecting_with_the_message_and_keeps_retrying() {
    let server = Silent::start();
    let url = server.url("http");
    let (client, setup) = client_for(&url, &short(1)).await;
    let mut s = Session::start(
        client,
        &setup,
        false,
        true,
        Arc::new(Keymap::builtin_default()),
    );
    s.dispatch(kmedic::app::Msg::Resize {
        width: 160,
        height: 40,
    });
    assert!(
        matches!(s.state.connection, Connection::Connecting),
        "starts connecting"
    );
    wait_state(&mut s, "the header to report the silent server", |st| {
        matches!(st.connection, Connection::Reconnecting { .. })
    })
    .await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("did not answer within 1s") && !text.contains("connecting…"),
        "{text}"
    );
    // The body says it once, not nested inside "does not answer (…)".
    let flat = text
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let body = flat
        .split("Cannot load")
        .nth(1)
        .and_then(|rest| rest.split("kmedic keeps trying").next())
        .unwrap_or_else(|| panic!("no body message: {text}"));
    assert_eq!(body.matches(&url).count(), 1, "{body}");
    // The reconnect loop goes on: the server keeps being asked.
    let before = server.accepted();
    let retried = s.wait_until(DEADLINE, |_| server.accepted() > before).await;
    assert!(retried || server.accepted() > before, "kmedic retries");
}

fn pod_event(name: &str) -> String {
    serde_json::json!({"type": "ADDED", "object": {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop", "resourceVersion": "2"}
    }})
    .to_string()
        + "\n"
}

#[tokio::test]
async fn a_quiet_watch_outlives_the_request_timeout() {
    // The event comes after twice the request timeout of silence.
    let server =
        Scripted::start(|_| Reply::Chunked(vec![(Duration::from_millis(2500), pod_event("late"))]));
    let (client, _) = client_for(&server.url(), &short(1)).await;
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    let stream = pods.watch(&WatchParams::default(), "1").await.unwrap();
    futures::pin_mut!(stream);
    let first = futures::StreamExt::next(&mut stream).await;
    match first {
        Some(Ok(WatchEvent::Added(pod))) => {
            assert_eq!(pod.metadata.name.as_deref(), Some("late"));
        }
        other => panic!("the quiet watch was cut: {other:?}"),
    }
}

#[tokio::test]
async fn a_list_whose_body_stalls_fails_with_the_message() {
    let server = Scripted::start(|_| Reply::Stall { length: 4096 });
    let (client, _) = client_for(&server.url(), &short(1)).await;
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    let err = pods.list(&Default::default()).await.expect_err("must fail");
    let text = kmedic::cluster::client::describe_error(&err);
    assert!(
        text.contains(&format!(
            "the API server {} did not answer within 1s",
            server.url()
        )),
        "{text}"
    );
}

fn json_report(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {:?} / {}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

#[test]
fn check_json_on_a_dead_cluster_holds_the_finding_and_the_coverage() {
    let server = Silent::start();
    let url = server.url("http");
    let (dir, path) = kubeconfig_file(&kubeconfig_for_server(&url));
    let out = run(
        &[
            "check",
            "--kubeconfig",
            path.to_str().unwrap(),
            "--request-timeout",
            "1s",
            "-o",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report = json_report(&out);
    let findings = report["findings"].as_array().unwrap();
    let api = findings
        .iter()
        .find(|f| f["check"] == "api-reachability")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(api["summary"], "cannot use the API server: timeout");
    // The next steps name the server's own port, not kubeadm's default.
    let steps = api["next_steps"].to_string();
    assert!(
        steps.contains(&format!("firewall rules for port {}", server.addr.port())),
        "{steps}"
    );
    assert_eq!(report["coverage"]["complete"], false);
    assert!(
        !report["coverage"]["gaps"].as_array().unwrap().is_empty(),
        "{report}"
    );
    // The reason is still on stderr, said once (not "request failed" on top of it).
    let err = stderr(&out);
    assert!(err.contains("did not answer within 1s"), "{err}");
    assert!(!err.contains("request failed"), "{err}");
}

#[test]
fn a_server_that_always_answers_503_or_429_is_said_so_at_once() {
    for (code, label) in [
        (503, "503 Service Unavailable"),
        (429, "429 Too Many Requests"),
    ] {
        let server = Scripted::start(move |_| Reply::StatusWith {
            code,
            headers: vec!["Retry-After: 9".into()],
            message: "the server is busy".into(),
        });
        let (dir, path) = kubeconfig_file(&kubeconfig_for_server(&server.url()));
        let out = run(
            &[
                "check",
                "--kubeconfig",
                path.to_str().unwrap(),
                "-o",
                "json",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let report = json_report(&out);
        let api = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == "api-reachability")
            .cloned()
            .unwrap_or_else(|| panic!("{report}"));
        assert_eq!(
            api["summary"],
            format!("cannot use the API server: {label}")
        );
        assert!(
            api["explanation"].as_str().unwrap().contains("wait 9 s"),
            "{api}"
        );
        // Asked once: kube's hidden retries would ask /version up to 16 times.
        let versions = server
            .received()
            .iter()
            .filter(|r| r.target == "/version")
            .count();
        assert_eq!(versions, 1, "{:?}", server.received());
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "the API server answered {label}: the server is busy"
            )),
            "{err}"
        );
        assert!(!err.contains("Status {"), "no debug print: {err}");
    }
}
