//! The control-plane and node panes through the real binary: `kmedic check --scenario DIR
//! --pane control-plane,node -o json` on dumps shaped like real clusters (a `kubectl
//! cluster-info dump` directory with `kubectl get leases -A -o yaml` beside it, and `kind: List`
//! files). The fixtures were captured at 2026-01-01T12:00:00Z; `kmedic check` judges ages
//! against the wall clock, so each test copies its fixture with every timestamp moved to
//! "captured a moment ago" — the dump as seen when it was taken.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use jiff::Timestamp;
use regex::Regex;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");
const CAPTURED: &str = "2026-01-01T12:00:00Z";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/troubleshoot/cp")
        .join(name)
}

/// Copies `src` (file or directory) into `dst`, moving every RFC 3339 timestamp in YAML and
/// JSON files by `delta` seconds; `skip` names files left out.
fn shifted_copy(src: &Path, dst: &Path, delta: i64, skip: &[&str]) {
    let stamp = Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z").unwrap();
    if src.is_dir() {
        std::fs::create_dir_all(dst).unwrap();
        for e in std::fs::read_dir(src).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if !skip.contains(&name.as_str()) {
                shifted_copy(&p, &dst.join(&name), delta, skip);
            }
        }
        return;
    }
    let text = std::fs::read_to_string(src).unwrap();
    let is_data = ["yaml", "yml", "json"]
        .iter()
        .any(|x| src.extension().is_some_and(|e| e == *x));
    let out = if is_data {
        stamp
            .replace_all(&text, |c: &regex::Captures| {
                let whole = &c[0];
                let fraction = c.get(1).map(|m| m.as_str()).unwrap_or("");
                let base: Timestamp = format!("{}Z", &whole[..19]).parse().unwrap();
                let moved = Timestamp::from_second(base.as_second() + delta).unwrap();
                format!("{}{fraction}Z", &moved.to_string()[..19])
            })
            .into_owned()
    } else {
        text
    };
    std::fs::write(dst, out).unwrap();
}

/// A copy of the fixture (without the `skip` files); `check` judges it as of its capture.
fn fresh(dir: &Path, name: &str, skip: &[&str]) -> PathBuf {
    let dst = dir.join(name);
    shifted_copy(&fixture(name), &dst, 0, skip);
    dst
}

async fn check(home: &Path, scenario: &Path, panes: Option<&str>) -> Output {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.arg("check")
        .arg("--scenario")
        .arg(scenario)
        .args(["-o", "json", "--now", CAPTURED]);
    if let Some(p) = panes {
        cmd.args(["--pane", p]);
    }
    cmd.arg("--log-file")
        .arg(home.join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", home)
        .output()
        .await
        .unwrap()
}

fn findings(o: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    v["findings"].as_array().unwrap().clone()
}

fn ids(f: &[Value]) -> Vec<String> {
    f.iter()
        .map(|x| {
            format!(
                "{} {}/{}",
                x["check"].as_str().unwrap(),
                x["object"]["kind"].as_str().unwrap(),
                x["object"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

fn find<'a>(f: &'a [Value], check: &str, name: &str) -> &'a Value {
    f.iter()
        .find(|x| x["check"] == check && x["object"]["name"] == name)
        .unwrap_or_else(|| panic!("{check} {name} not in {:?}", ids(f)))
}

fn evidence(f: &Value) -> String {
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["label"].as_str().unwrap(),
                e["value"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
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

const PANES: Option<&str> = Some("control-plane,node");

#[tokio::test]
async fn scheduler_down_is_one_root_cause_with_its_symptoms() {
    let dir = tempfile::tempdir().unwrap();
    let dump = fresh(dir.path(), "scheduler-down", &[]);
    let o = check(dir.path(), &dump, PANES).await;
    assert_eq!(o.status.code(), Some(1));
    let f = findings(&o);
    assert_eq!(
        ids(&f),
        [
            "cp-component-failing Pod/kube-scheduler-controlplane",
            "cp-leader-lease-stale Lease/kube-scheduler",
            "pod-crashloop Pod/kube-scheduler-controlplane"
        ]
    );
    // The mirror pod's generic crash finding belongs to the control-plane finding: in its
    // pane, folded under it (never an application's root cause).
    let generic = &f[2];
    assert_eq!(generic["pane"], "control-plane");
    assert_eq!(
        causes(generic),
        ["cp-component-failing kube-scheduler-controlplane"]
    );
    let root = &f[0];
    assert_eq!(root["pane"], "control-plane");
    assert_eq!(root["severity"], "critical");
    assert!(causes(root).is_empty());
    assert_eq!(
        root["summary"],
        "kube-scheduler on controlplane is failing: --kubeconfig=/etc/kubernetes/scheduler.conff: /etc/kubernetes/scheduler.conff does not exist"
    );
    let ev = evidence(root);
    assert!(
        ev.contains("manifest (kubeadm default): /etc/kubernetes/manifests/kube-scheduler.yaml"),
        "{ev}"
    );
    assert!(ev.contains("previous log (tail): I0101 11:58:25"), "{ev}");
    assert!(ev.contains("event BackOff"), "{ev}");
    let lease = &f[1];
    assert_eq!(lease["severity"], "critical");
    assert_eq!(
        causes(lease),
        ["cp-component-failing kube-scheduler-controlplane"]
    );
    assert!(evidence(lease).contains("pods Pending with no scheduling attempt: 3"));

    // Every pane: the pending pods and the generic crash fold under the same root.
    let all = findings(&check(dir.path(), &dump, None).await);
    for name in [
        "web-7d9f8c6b5-2xkqp",
        "web-7d9f8c6b5-8lmzn",
        "web-7d9f8c6b5-tr4vw",
    ] {
        assert_eq!(
            causes(find(&all, "pod-not-scheduled", name))[0],
            "cp-component-failing kube-scheduler-controlplane"
        );
    }
    assert_eq!(
        causes(find(&all, "pod-crashloop", "kube-scheduler-controlplane")),
        ["cp-component-failing kube-scheduler-controlplane"]
    );
    let roots: Vec<String> = all
        .iter()
        .filter(|x| x["caused_by"].as_array().unwrap().is_empty())
        .map(|x| x["check"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(roots, ["cp-component-failing"], "{:?}", ids(&all));

    // The application pane has no finding of its own about the scheduler's mirror pod.
    let app = findings(&check(dir.path(), &dump, Some("app")).await);
    assert!(
        app.iter()
            .all(|x| x["pane"] != "app" || x["object"]["name"] != "kube-scheduler-controlplane"),
        "{:?}",
        ids(&app)
    );
}

#[tokio::test]
async fn a_stale_scheduler_lease_is_the_root_when_its_pod_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "stale-scheduler-lease.yaml", &[]);
    let f = findings(&check(dir.path(), &file, PANES).await);
    assert_eq!(ids(&f), ["cp-leader-lease-stale Lease/kube-scheduler"]);
    assert!(
        f[0]["summary"]
            .as_str()
            .unwrap()
            .contains("held by controlplane was last renewed 10m ago")
    );
    let all = findings(&check(dir.path(), &file, None).await);
    assert_eq!(
        causes(find(&all, "pod-not-scheduled", "web-7d9f8c6b5-2xkqp")),
        ["cp-leader-lease-stale kube-scheduler"]
    );
}

#[tokio::test]
async fn disk_pressure_with_evictions() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "disk-pressure.yaml", &[]);
    let o = check(dir.path(), &file, PANES).await;
    let f = findings(&o);
    assert_eq!(
        ids(&f),
        [
            "node-disk-pressure Node/node01",
            "node-evictions Node/node01",
            "node-warning-events Node/node01"
        ]
    );
    let dp = &f[0];
    assert_eq!(
        (dp["pane"].as_str(), dp["severity"].as_str()),
        (Some("node"), Some("error"))
    );
    let ev = evidence(dp);
    assert!(ev.contains("condition DiskPressure: True (KubeletHasDiskPressure) since 25m ago: kubelet has disk pressure"), "{ev}");
    assert!(
        ev.contains("taint: node.kubernetes.io/disk-pressure:NoSchedule"),
        "{ev}"
    );
    assert!(ev.contains("pods evicted from this node: 2"), "{ev}");
    assert!(ev.contains("event FreeDiskSpaceFailed"), "{ev}");
    assert!(evidence(&f[1]).contains("evicted: 2 × low on ephemeral-storage"));
    assert_eq!(causes(&f[1]), ["node-disk-pressure node01"]);
    assert_eq!(causes(&f[2]), ["node-disk-pressure node01"]);
    let all = findings(&check(dir.path(), &file, None).await);
    assert_eq!(
        causes(find(&all, "pod-evicted", "logger-6c5d8f7b9d-4hx2k")),
        ["node-disk-pressure node01"]
    );
}

#[tokio::test]
async fn memory_pid_and_network_conditions_but_not_their_healthy_forms() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "node-conditions.yaml", &[]);
    let f = findings(&check(dir.path(), &file, PANES).await);
    assert_eq!(
        ids(&f),
        [
            "node-memory-pressure Node/node01",
            "node-pid-pressure Node/node02",
            "node-network-unavailable Node/node03"
        ]
    );
    assert!(
        f[2]["summary"]
            .as_str()
            .unwrap()
            .contains("NetworkUnavailable=True, NoRouteCreated")
    );
}

#[tokio::test]
async fn a_kubelet_two_minors_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "kubelet-skew.yaml", &[]);
    let o = check(dir.path(), &file, PANES).await;
    assert_eq!(
        o.status.code(),
        Some(0),
        "a warning does not fail the check"
    );
    let f = findings(&o);
    assert_eq!(ids(&f), ["node-version-skew Node/node02"]);
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(
        f[0]["summary"],
        "kubelet on node02 is 1.29 (2 minor(s) older than the API server 1.31)"
    );
}

#[tokio::test]
async fn a_stopped_kubelet_and_a_lease_that_stopped_renewing() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "kubelet-stopped.yaml", &[]);
    let f = findings(&check(dir.path(), &file, PANES).await);
    assert_eq!(
        ids(&f),
        [
            "node-not-ready Node/node01",
            "node-heartbeat-stale Node/node02"
        ]
    );
    let nr = &f[0];
    assert!(
        nr["summary"]
            .as_str()
            .unwrap()
            .contains("stopped posting status")
    );
    assert!(
        nr["explanation"]
            .as_str()
            .unwrap()
            .contains("not reaching the API server at all")
    );
    assert!(
        evidence(nr).contains("node lease renewed: 10m ago"),
        "{}",
        evidence(nr)
    );
    let hb = &f[1];
    assert_eq!(hb["severity"], "warning");
    assert!(
        hb["summary"]
            .as_str()
            .unwrap()
            .contains("stopped renewing its heartbeat 3m")
    );
}

#[tokio::test]
async fn a_healthy_kubeadm_cluster_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "healthy-kubeadm.yaml", &[]);
    let o = check(dir.path(), &file, PANES).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(findings(&o).is_empty(), "{:?}", ids(&findings(&o)));
    let all = findings(&check(dir.path(), &file, None).await);
    assert!(all.is_empty(), "{:?}", ids(&all));
}

/// The checks that read the API server itself, not found in a dump, with `check`'s words.
fn gap_checks(o: &Output, reason_part: &str) -> Vec<String> {
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["coverage"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["reason"].as_str().unwrap_or("").contains(reason_part))
        .flat_map(|g| g["checks"].as_array().unwrap().clone())
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_dump_does_not_claim_the_api_server_checks_ran() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "healthy-kubeadm.yaml", &[]);
    let o = check(dir.path(), &file, PANES).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["coverage"]["complete"], false, "{v}");
    let missed = gap_checks(&o, "not probed (a dump)");
    for id in [
        "api-reachability",
        "apiserver-not-ready",
        "etcd-db-size",
        "apiserver-deprecated-apis",
    ] {
        assert!(missed.iter().any(|c| c == id), "{id} in {missed:?}");
    }
    // --pane node has none of them.
    let o = check(dir.path(), &file, Some("node")).await;
    assert!(gap_checks(&o, "not probed").is_empty());
}

#[tokio::test]
async fn a_stacked_etcd_without_its_static_pod_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "healthy-kubeadm.yaml", &[]);
    // The same single control-plane cluster without the etcd mirror pod (its manifest was
    // moved away): kube-apiserver still has --etcd-servers=https://127.0.0.1:2379.
    let text = std::fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> = text
        .split("\n- apiVersion:")
        .filter(|item| !item.contains("name: etcd-controlplane\n"))
        .collect();
    assert_eq!(kept.len() + 1, text.split("\n- apiVersion:").count());
    let without = dir.path().join("etcd-missing.yaml");
    std::fs::write(&without, kept.join("\n- apiVersion:")).unwrap();
    let o = check(dir.path(), &without, PANES).await;
    let f = findings(&o);
    assert_eq!(
        ids(&f),
        ["cp-component-missing Pod/etcd-controlplane"],
        "{f:?}"
    );
    let etcd = find(&f, "cp-component-missing", "etcd-controlplane");
    assert_eq!(etcd["severity"], "critical");
    let ev = evidence(etcd);
    assert!(ev.contains("https://127.0.0.1:2379"), "{ev}");
    assert!(ev.contains("/etc/kubernetes/manifests/etcd.yaml"), "{ev}");
    assert_eq!(o.status.code(), Some(1));
}

#[tokio::test]
async fn without_leases_nothing_is_claimed_about_them() {
    let dir = tempfile::tempdir().unwrap();
    let dump = fresh(dir.path(), "scheduler-down", &["leases.yaml"]);
    let f = findings(&check(dir.path(), &dump, PANES).await);
    assert_eq!(
        ids(&f),
        [
            "cp-component-failing Pod/kube-scheduler-controlplane",
            "pod-crashloop Pod/kube-scheduler-controlplane"
        ]
    );
}

/// The webhook check itself (`webhook-no-endpoints`) belongs to the application checks and
/// may not be in this build; the ReplicaSet's rejection is found either way, and once the
/// webhook finding exists it must be the ReplicaSet's cause (the link rule's own test uses a
/// hand-made webhook finding).
#[tokio::test]
async fn writes_rejected_by_a_webhook_fold_under_it_when_it_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "webhook-blocks-writes.yaml", &[]);
    let all = findings(&check(dir.path(), &file, None).await);
    let rs = find(&all, "replicaset-failed-create", "web-5d4f8b7c9");
    if let Some(w) = all.iter().find(|x| x["check"] == "webhook-no-endpoints") {
        assert_eq!(w["object"]["name"], "policy");
        assert!(
            causes(rs).contains(&"webhook-no-endpoints policy".to_string()),
            "{:?}",
            causes(rs)
        );
    }
}

/// `--pane control-plane` on a cluster whose every write is blocked by a webhook (an app-pane
/// finding) must not read as an all-clear: it names the pane it looked at and what the others
/// hold.
#[tokio::test]
async fn a_pane_restricted_run_is_no_all_clear() {
    let dir = tempfile::tempdir().unwrap();
    let file = fresh(dir.path(), "webhook-blocks-writes.yaml", &[]);
    let o = check(dir.path(), &file, Some("control-plane")).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["panes"], serde_json::json!(["control-plane"]));
    let hidden = v["not_shown_in_other_panes"].as_u64().unwrap();
    assert!(hidden >= 2, "{v}");
    let text = tokio::process::Command::new(BIN)
        .arg("check")
        .arg("--scenario")
        .arg(&file)
        .args(["--now", CAPTURED, "--pane", "control-plane", "--log-file"])
        .arg(dir.path().join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(!text.starts_with("No problems found."), "{text}");
    assert!(
        text.starts_with(&format!(
            "No problems found in the control-plane pane, the only one looked at. Other panes \
             have {hidden} findings"
        )),
        "{text}"
    );
}
