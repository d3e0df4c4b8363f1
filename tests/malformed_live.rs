//! One malformed object in a live list (a field of the wrong type, as an old or buggy
//! controller can write through a CRD-less path or a proxy): the good rows show, the bad one
//! is named in the Pods view with why, `check` counts it once, and the reason is a sentence
//! (the field path and what was expected), not a position in the response body.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Output;

use serde_json::{Value, json};
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");
const REASON: &str = "field spec.containers is a map; expected a list";

async fn demo_with_a_bad_pod() -> kmedic::sim::RunningSim {
    let sim = start_demo().await;
    sim.store()
        .upsert(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "bad-shape", "namespace": "kube-system", "uid": "bad-shape-uid",
                         "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"nodeName": "worker-1", "containers": {"name": "web", "image": "nginx"}},
            "status": {"phase": "Running"}
        }))
        .unwrap();
    sim
}

fn check(dir: &std::path::Path, kubeconfig: &std::path::Path, json: bool) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("check")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("-A")
        .arg("--log-file")
        .arg(dir.join("kmedic.log"));
    if json {
        cmd.args(["-o", "json"]);
    }
    cmd.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_counts_the_bad_object_once_with_a_sentence() {
    let sim = demo_with_a_bad_pod().await;
    let (dir, kubeconfig) = kubeconfig_file(&sim.kubeconfig_yaml());
    let (dir2, kc2) = (dir.path().to_path_buf(), kubeconfig.clone());
    let out = tokio::task::spawn_blocking(move || check(&dir2, &kc2, true))
        .await
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let skipped = report["coverage"]["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "one object, counted once: {skipped:?}");
    assert_eq!(skipped[0]["name"], "bad-shape");
    assert_eq!(skipped[0]["reason"], REASON);
    let (dir3, kc3) = (dir.path().to_path_buf(), kubeconfig.clone());
    let out = tokio::task::spawn_blocking(move || check(&dir3, &kc3, false))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("could not read Pod kube-system/bad-shape")
            .count(),
        1,
        "{text}"
    );
    assert!(!text.contains(" at line "), "{text}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pods_view_names_the_object_it_could_not_read() {
    let sim = demo_with_a_bad_pod().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    let text = wait_for_screen(&mut s, "could not be read").await;
    let line = text
        .lines()
        .find(|l| l.contains("could not be read"))
        .unwrap();
    assert!(line.contains("Pod kube-system/bad-shape"), "{text}");
    assert!(line.contains("field spec.containers"), "{text}");
    // The good pods are listed beside it.
    assert!(text.contains("cart-7c9d8b6f4-x2k9p"), "{text}");
    sim.shutdown().await;
}
