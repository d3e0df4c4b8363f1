//! The application checks end to end: the real binary, `kmedic check --scenario FILE -o json`,
//! on fixtures shaped as real clusters return them, with its exit codes (1 when something is
//! an error or critical, 0 otherwise), root-cause links and concrete next steps. Only
//! fixtures whose verdict does not depend on the wall clock are used here.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/troubleshoot/app")
        .join(name)
}

fn check(dir: &Path, scenario: &Path, json: bool) -> Output {
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("check").arg("--scenario").arg(scenario);
    if json {
        cmd.args(["-o", "json"]);
    }
    cmd.arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn findings(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    v["findings"].as_array().unwrap().clone()
}

fn find<'a>(f: &'a [Value], check: &str) -> &'a Value {
    f.iter()
        .find(|x| x["check"] == check)
        .unwrap_or_else(|| panic!("{check} not in {f:#?}"))
}

fn causes(f: &Value) -> Vec<String> {
    f["caused_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["check"].as_str().unwrap(),
                c["object"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_webhook_without_endpoints_is_critical_and_the_root_of_the_rollout_failure() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(
        dir.path(),
        &fixture("broken/replicaset-webhook-down.yaml"),
        true,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = findings(&o);
    let webhook = find(&f, "webhook-no-endpoints");
    assert_eq!(webhook["severity"], "critical");
    assert_eq!(webhook["object"]["kind"], "ValidatingWebhookConfiguration");
    assert!(
        webhook["summary"]
            .as_str()
            .unwrap()
            .contains("in every namespace except kube-system, policy")
    );
    assert_eq!(
        causes(find(&f, "replicaset-failed-create")),
        vec!["webhook-no-endpoints policy-webhook"]
    );
    assert_eq!(
        causes(find(&f, "deployment-stuck")),
        vec!["replicaset-failed-create web-5d4f8c7b9"]
    );
    let steps: Vec<&str> = find(&f, "replicaset-failed-create")["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"kubectl get validatingwebhookconfiguration policy-webhook -o yaml"),
        "{steps:?}"
    );
    // The webhook's Service without endpoints is the root, listed first.
    assert_eq!(
        causes(webhook),
        vec!["service-no-ready-endpoints policy-webhook"]
    );
    assert_eq!(f[0]["check"], "service-no-ready-endpoints");
}

#[test]
fn a_template_naming_a_missing_secret_is_the_root_of_its_pods_errors() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(
        dir.path(),
        &fixture("broken/deployment-missing-secret.yaml"),
        true,
    );
    assert_eq!(o.status.code(), Some(1));
    let f = findings(&o);
    let root = find(&f, "workload-missing-reference");
    assert!(root["caused_by"].as_array().unwrap().is_empty());
    assert!(
        root["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "kubectl get secret stripe-credentials -n shop")
    );
    for pod in f.iter().filter(|x| x["check"] == "pod-config-error") {
        assert_eq!(causes(pod), vec!["workload-missing-reference checkout"]);
    }
}

#[test]
fn an_eviction_names_node_and_resource_and_is_only_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(
        dir.path(),
        &fixture("broken/evicted-node-condition.yaml"),
        false,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "a warning does not fail the check"
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Pod/api-7b9c6d8f5-r9t2y: pod was evicted: node worker-2 had DiskPressure"),
        "{text}"
    );
    assert!(text.contains("$ kubectl describe node worker-2"), "{text}");
}

#[test]
fn an_old_scheduler_message_and_a_pod_too_big_for_any_node() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(
        dir.path(),
        &fixture("broken/unschedulable-bigger-than-any-node.yaml"),
        true,
    );
    let f = findings(&o);
    let p = find(&f, "pod-unschedulable");
    assert!(
        p["summary"]
            .as_str()
            .unwrap()
            .contains("it requests 24Gi memory, more than any node has")
    );
    assert!(
        p["caused_by"].as_array().unwrap().is_empty(),
        "the NotReady node is not the cause: {p}"
    );
    assert!(!p.to_string().contains("fix the NotReady node"));
    let o = check(
        dir.path(),
        &fixture("broken/unschedulable-predicates-format.yaml"),
        true,
    );
    let f = findings(&o);
    let text = find(&f, "pod-unschedulable").to_string();
    assert!(
        text.contains("1 node(s) do not have enough unreserved cpu left"),
        "{text}"
    );
    assert!(
        text.contains("3 node(s) do not match the pod's nodeSelector"),
        "{text}"
    );
}

#[test]
fn healthy_objects_of_every_kind_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "healthy/services.yaml",
        "healthy/webhooks.yaml",
        "healthy/ingress.yaml",
        "healthy/references.yaml",
        "healthy/storage.yaml",
        "healthy/pdb.yaml",
        "healthy/statefulset.yaml",
    ] {
        let o = check(dir.path(), &fixture(name), false);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let text = String::from_utf8_lossy(&o.stdout);
        // A file of a few kinds: nothing wrong in what it holds; the kinds it lacks are named.
        assert!(
            text.starts_with("No problems found in what could be read"),
            "{name}: {text}"
        );
        assert!(text.contains("Not checked:"), "{name}: {text}");
    }
}

#[test]
fn probe_failures_name_the_real_probe_and_the_liveness_restarts_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(
        dir.path(),
        &fixture("broken/pod-readiness-probe-503.yaml"),
        true,
    );
    assert_eq!(o.status.code(), Some(1));
    let f = findings(&o);
    let r = find(&f, "pod-readiness-failing");
    let steps = r["next_steps"].to_string();
    // The named port `http` resolved to 8080, the probe's own path.
    assert!(
        steps.contains("wget -qO- http://localhost:8080/ready"),
        "{steps}"
    );
    assert!(r["evidence"].to_string().contains("statuscode: 503"));

    let o = check(
        dir.path(),
        &fixture("broken/pod-liveness-probe-refused.yaml"),
        true,
    );
    let f = findings(&o);
    let l = find(&f, "pod-liveness-failing");
    assert_eq!(l["severity"], "error");
    assert!(
        l["next_steps"]
            .to_string()
            .contains("http://localhost:8080/healthz"),
        "{}",
        l["next_steps"]
    );
    // The restarts the probe causes are that finding, not a second one.
    assert!(!f.iter().any(|x| x["check"] == "pod-restarts"), "{f:#?}");
}

/// A file with nothing kmedic can analyse is an error naming the file (exit 2), never
/// "No problems found".
#[test]
fn a_dump_without_kubernetes_objects_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.yaml", ""),
        ("separator.yaml", "---\n"),
        ("comments.yaml", "# kubectl get pods -A -o yaml\n"),
        ("empty-list.yaml", "apiVersion: v1\nkind: List\nitems: []\n"),
        (
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        for json in [false, true] {
            let o = check(dir.path(), &path, json);
            let err = String::from_utf8_lossy(&o.stderr);
            let out = String::from_utf8_lossy(&o.stdout);
            assert_eq!(o.status.code(), Some(2), "{name}: {err}{out}");
            assert!(err.contains(name), "{name}: {err}");
            assert!(!out.contains("No problems found"), "{name}: {out}");
        }
    }
}
