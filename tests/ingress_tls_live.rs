//! Ingress TLS certificates on a live cluster (the simulated one, over 127.0.0.1), where
//! Secrets are watched metadata-only: the engine reads just the Secret an Ingress names, with
//! a GET, and checks its certificate against the Ingress hosts, in the TUI's engine and in
//! `kmedic check`. A new version of the Secret (a watch event) is read again; a GET the
//! server refuses is a coverage note, never a silent all-clear. The scenario is the test
//! fixture with a certificate for old.example.com on an Ingress for shop.example.com.
#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
mod support;

use std::path::PathBuf;

use kmedic::sim::{Forbidden, ScenarioSource, SimOptions};
use serde_json::json;
use support::*;

fn scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/troubleshoot/app/broken/ingress-tls-cert-wrong-host.yaml")
}

async fn sim(forbidden: Vec<Forbidden>) -> kmedic::sim::RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Path(scenario()),
        port: 0,
        live: false,
        forbidden,
        log_generators: Vec::new(),
    })
    .await
    .unwrap()
}

fn summaries(state: &kmedic::app::AppState, check: &str) -> Vec<String> {
    state
        .troubleshoot
        .analysis
        .iter()
        .flat_map(|a| a.findings.iter())
        .filter(|f| f.check == check)
        .map(|f| f.summary.clone())
        .collect()
}

#[tokio::test]
async fn the_tls_secret_is_read_checked_and_read_again_after_a_change() {
    let sim = sim(Vec::new()).await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "the certificate checked against the hosts", |st| {
        !summaries(st, "ingress-tls-host-mismatch").is_empty()
    })
    .await;
    let mismatch = summaries(&s.state, "ingress-tls-host-mismatch");
    assert!(
        mismatch[0].contains("does not cover shop.example.com (it is for old.example.com)"),
        "{mismatch:?}"
    );
    // The certificate is renewed for the right host: the watch sees a new version of the
    // Secret, which is read again.
    let ca = generated::ca("shop CA");
    let leaf = generated::leaf(
        &ca,
        generated::Leaf {
            cn: "shop.example.com",
            sans: &["shop.example.com"],
            server: true,
            ..Default::default()
        },
    );
    sim.store()
        .upsert(json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"namespace": "shop", "name": "shop-tls",
                "creationTimestamp": "2025-06-01T10:00:00Z"},
            "data": {"tls.crt": generated::b64(&leaf.cert_pem), "tls.key": generated::b64(&leaf.key_pem)}
        }))
        .unwrap();
    wait_state(&mut s, "the renewed certificate read again", |st| {
        summaries(st, "ingress-tls-host-mismatch").is_empty()
            && summaries(st, "ingress-tls-cert-expired").is_empty()
            && st.troubleshoot.analysis.is_some()
    })
    .await;
    let coverage = &s.state.troubleshoot.analysis.as_ref().unwrap().coverage;
    assert!(
        !coverage.skipped.iter().any(|k| k.kind == "Secret"),
        "{coverage:?}"
    );
}

#[tokio::test]
async fn a_refused_get_is_a_coverage_note_not_an_all_clear() {
    // The Secret's GET in namespace shop is refused (the cluster-wide metadata watch is not).
    let sim = sim(vec![Forbidden {
        resource: "secrets".into(),
        namespace: Some("shop".into()),
    }])
    .await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "the refused read noted", |st| {
        st.troubleshoot.analysis.as_ref().is_some_and(|a| {
            a.coverage
                .skipped
                .iter()
                .any(|k| k.kind == "Secret" && k.name == "shop-tls")
        })
    })
    .await;
    let analysis = s.state.troubleshoot.analysis.as_ref().unwrap();
    assert!(!analysis.coverage.complete);
    let lines = analysis.coverage.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("could not read Secret shop/shop-tls: forbidden")),
        "{lines:?}"
    );
    assert!(summaries(&s.state, "ingress-tls-host-mismatch").is_empty());
}

#[tokio::test]
async fn check_reads_the_tls_secret_live() {
    let sim = sim(Vec::new()).await;
    let (dir, kubeconfig) = kubeconfig_file(&sim.kubeconfig_yaml());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_kmedic"))
        .args([
            "check",
            "-A",
            "--pane",
            "network",
            "-o",
            "json",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .arg("--log-file")
        .arg(dir.path().join("check.log"))
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "ingress-tls-host-mismatch")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        found["summary"]
            .as_str()
            .unwrap()
            .contains("does not cover shop.example.com"),
        "{found}"
    );
    // The private key is read with the Secret and dropped at once: it is in no output.
    let key_start = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt";
    let log = std::fs::read_to_string(dir.path().join("check.log")).unwrap_or_default();
    assert!(!stdout.contains(key_start) && !stdout.contains("PRIVATE KEY"));
    assert!(!log.contains(key_start) && !log.contains("PRIVATE KEY"));
}
