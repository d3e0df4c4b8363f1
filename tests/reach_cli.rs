//! `kmedic reach` through the binary: offline on the demo's objects (`--scenario
//! assets/demo`) and live against the simulated cluster served on 127.0.0.1: the hops, the
//! deciding policies, the JSON shape and the exit codes.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use kmedic::sim::{ScenarioSource, SimOptions};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

async fn reach(dir: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .arg("reach")
        .args(args)
        .arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", dir)
        .output()
        .await
        .unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn hop<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hop"] == name)
        .unwrap_or_else(|| panic!("no hop {name} in {v}"))
}

#[tokio::test]
async fn dns_blocked_by_policy_is_denied_with_the_deciding_policy() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo();
    let o = reach(
        dir.path(),
        &[
            "payments/payments-7f5b8c9d6-kx7vq",
            "svc/payments/fraud-detector",
            "--scenario",
            s.to_str().unwrap(),
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["verdict"], "denied");
    let dns = hop(&v, "dns");
    assert_eq!(dns["verdict"], "denied");
    assert_eq!(dns["policies"][0], "payments/restrict-egress");
    // Every hop has the four fields of the schema.
    for h in v["hops"].as_array().unwrap() {
        let keys: Vec<&str> = h.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 4, "{h}");
        for k in ["hop", "verdict", "detail", "policies"] {
            assert!(h.get(k).is_some(), "{k} in {h}");
        }
    }
    // Pods match but none is ready: not called a selector problem.
    let ep = hop(&v, "endpoints");
    assert!(
        ep["detail"]
            .as_str()
            .unwrap()
            .contains("none of them ready"),
        "{ep}"
    );
}

#[tokio::test]
async fn healthy_path_is_allowed_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo();
    let args = [
        "shop/frontend-5c7d9f8b6d-2hxkq",
        "svc/shop/catalog",
        "--port",
        "8080",
        "--scenario",
        s.to_str().unwrap(),
    ];
    let o = reach(dir.path(), &args).await;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("verdict: allowed"), "{text}");
    assert!(text.contains("destination"), "{text}");
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let v = json(&reach(dir.path(), &json_args).await);
    assert_eq!(v["verdict"], "allowed");
    let names: Vec<&str> = v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["hop"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "source",
            "dns",
            "service",
            "endpoints",
            "egress",
            "ingress",
            "destination"
        ]
    );
}

#[tokio::test]
async fn a_source_on_the_node_without_kube_proxy_is_broken_at_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo();
    let o = reach(
        dir.path(),
        &[
            "shop/frontend-5c7d9f8b6d-9mvtz",
            "svc/shop/catalog",
            "--scenario",
            s.to_str().unwrap(),
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let svc = hop(&v, "service");
    assert_eq!(svc["verdict"], "denied");
    assert!(
        svc["detail"].as_str().unwrap().contains("worker-2"),
        "{svc}"
    );
}

#[tokio::test]
async fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo();
    for (from, to, extra) in [
        ("shop/no-such-pod", "svc/shop/catalog", None),
        ("shop/frontend-5c7d9f8b6d-2hxkq", "svc/shop", None),
        (
            "shop/frontend-5c7d9f8b6d-2hxkq",
            "svc/shop/catalog",
            Some("ICMP"),
        ),
    ] {
        let mut args = vec![from, to, "--scenario", s.to_str().unwrap()];
        if let Some(p) = extra {
            args.extend(["--protocol", p]);
        }
        let o = reach(dir.path(), &args).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_against_the_simulated_cluster() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
    let o = reach(
        dir.path(),
        &[
            "payments/payments-7f5b8c9d6-kx7vq",
            "svc/payments/fraud-detector",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(hop(&v, "dns")["policies"][0], "payments/restrict-egress");
    drop(sim);
}
