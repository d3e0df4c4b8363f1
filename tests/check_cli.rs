//! `kmedic check` as a user runs it: the real binary on scenario files (offline) and against a
//! running simulated cluster, in text and JSON, with its exit codes (0 clean, 1 findings,
//! 2 could not run).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use kmedic::sim::{Forbidden, RunningSim, ScenarioSource, SimOptions};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kmedic");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/troubleshoot")
        .join(name)
}

async fn check(dir: &Path, args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .arg("check")
        .args(args)
        .arg("--log-file")
        .arg(dir.join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", dir)
        .output()
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn findings(o: &Output) -> Vec<Value> {
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)));
    v["findings"].as_array().unwrap().clone()
}

fn has(findings: &[Value], check: &str, name: &str) -> bool {
    findings
        .iter()
        .any(|f| f["check"] == check && f["object"]["name"] == name)
}

#[tokio::test]
async fn offline_text_reports_findings_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("broken.yaml");
    let o = check(dir.path(), &["--scenario", scenario.to_str().unwrap()]).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("ERROR (4)"), "{text}");
    assert!(text.contains(
        "Pod/api-5f6d7c8b9-abcde: container api is crash-looping: Error (exit code 127)"
    ));
    assert!(text.contains("command not found"));
    assert!(text.contains("caused by: pod-crashloop on Pod/web/api-5f6d7c8b9-abcde"));
    assert!(
        !text.contains('\x1b'),
        "no colours when stdout is not a terminal"
    );
}

#[tokio::test]
async fn offline_json_has_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("broken.yaml");
    let o = check(
        dir.path(),
        &["--scenario", scenario.to_str().unwrap(), "--output", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let f = findings(&o);
    assert_eq!(f.len(), 4);
    for x in &f {
        for key in [
            "pane",
            "check",
            "severity",
            "object",
            "summary",
            "explanation",
            "evidence",
            "next_steps",
            "caused_by",
        ] {
            assert!(x.get(key).is_some(), "{key} missing in {x}");
        }
        for key in ["kind", "namespace", "name"] {
            assert!(x["object"][key].is_string());
        }
    }
    assert!(has(&f, "pod-crashloop", "api-5f6d7c8b9-abcde"));
    assert!(has(&f, "service-port-mismatch", "site"));
    assert!(has(&f, "job-failed", "nightly-report"));
    let svc = f
        .iter()
        .find(|x| x["check"] == "service-no-ready-endpoints")
        .unwrap();
    assert_eq!(svc["caused_by"][0]["check"], "pod-crashloop");
    assert_eq!(svc["caused_by"][0]["object"]["name"], "api-5f6d7c8b9-abcde");
    // Root causes come before their symptoms.
    let pos = |c: &str| f.iter().position(|x| x["check"] == c).unwrap();
    assert!(pos("pod-crashloop") < pos("service-no-ready-endpoints"));
    // The BackOff event is listed once although both event APIs carry it.
    let crash = &f[pos("pod-crashloop")];
    let backoffs = crash["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["label"] == "event BackOff")
        .count();
    assert_eq!(backoffs, 1);
    assert!(crash["evidence"].to_string().contains("×41"));
}

#[tokio::test]
async fn offline_namespace_and_pane_filters() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("broken.yaml");
    let s = scenario.to_str().unwrap();
    let o = check(dir.path(), &["--scenario", s, "-n", "batch", "-o", "json"]).await;
    let f = findings(&o);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["check"], "job-failed");
    let o = check(dir.path(), &["--scenario", s, "--pane", "node"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("No problems found"),
        "{}",
        stdout(&o)
    );
    // A dump has no certificates: the certs pane says it could not look.
    let o = check(dir.path(), &["--scenario", s, "--pane", "certs"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Only one pane was looked at, and the others hold findings: no all-clear.
    assert!(
        text.starts_with(
            "No problems found in the certs pane, the only one looked at. Other panes have 4 \
             findings (4 errors), not shown: run without --pane to see them. Some checks could \
             not run"
        ),
        "{text}"
    );
    assert!(
        text.contains("  - certificates (a dump holds no certificate"),
        "{text}"
    );
}

#[tokio::test]
async fn offline_cluster_info_dump_with_its_logs() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("dump");
    let o = check(
        dir.path(),
        &["--scenario", scenario.to_str().unwrap(), "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let f = findings(&o);
    assert_eq!(f.len(), 1);
    let evidence = f[0]["evidence"].as_array().unwrap();
    let log = evidence
        .iter()
        .find(|e| e["label"] == "previous log (tail)")
        .unwrap();
    assert!(
        log["value"]
            .as_str()
            .unwrap()
            .ends_with("panic: DB_HOST not set")
    );
    assert!(evidence.iter().any(|e| e["label"] == "termination message"));
}

#[tokio::test]
async fn healthy_scenario_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("healthy.yaml");
    let o = check(
        dir.path(),
        &["--scenario", scenario.to_str().unwrap(), "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Only the cordoned node is said, as info (its cordon cannot be dated).
    let f = findings(&o);
    let said: Vec<(&str, &str, &str)> = f
        .iter()
        .map(|x| {
            (
                x["check"].as_str().unwrap(),
                x["object"]["name"].as_str().unwrap(),
                x["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(said, [("node-cordoned", "node-2", "info")]);
}

#[tokio::test]
async fn cannot_run_exits_2_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let o = check(dir.path(), &["--scenario", missing.to_str().unwrap()]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope.yaml"), "{}", stderr(&o));
    let scenario = fixture("healthy.yaml");
    let o = check(
        dir.path(),
        &["--scenario", scenario.to_str().unwrap(), "--pane", "bogus"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown pane \"bogus\""),
        "{}",
        stderr(&o)
    );
    // A cluster that is not there.
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:9\"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    )
    .unwrap();
    let o = check(dir.path(), &["--kubeconfig", kubeconfig.to_str().unwrap()]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("127.0.0.1:9") && err.contains("connection refused"),
        "names the server and why: {err}"
    );
}

async fn sim(forbidden: Vec<Forbidden>) -> (RunningSim, tempfile::TempDir, PathBuf) {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
    (sim, dir, kubeconfig)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_cluster_json_with_previous_logs() {
    let (sim, dir, kubeconfig) = sim(Vec::new()).await;
    let o = check(
        dir.path(),
        &[
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-A",
            "-o",
            "json",
            "--pane",
            "app,network",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("cannot list"), "{}", stderr(&o));
    let f = findings(&o);
    assert!(has(&f, "pod-crashloop", "cart-7c9d8b6f4-x2k9p"));
    assert!(has(&f, "pod-image-pull", "recommender-84f6c9d7b5-tq5wz"));
    assert!(has(
        &f,
        "pod-unschedulable",
        "fraud-detector-5d6c7b8f9-8wq3j"
    ));
    assert!(has(&f, "service-no-pods", "payments"));
    assert!(has(&f, "pod-readiness-failing", "catalog-6b9f7d5c8-q4n8s"));
    // The asked panes, and the root causes of their findings whatever their pane.
    let causes: Vec<(&Value, &Value)> = f
        .iter()
        .flat_map(|x| x["caused_by"].as_array().unwrap())
        .map(|c| (&c["check"], &c["object"]))
        .collect();
    for x in &f {
        assert!(
            x["pane"] == "app"
                || x["pane"] == "network"
                || causes.contains(&(&x["check"], &x["object"])),
            "{x}"
        );
    }
    // Services are judged on the network pane.
    assert!(
        f.iter()
            .filter(|x| x["check"].as_str().unwrap_or("").starts_with("service-"))
            .all(|x| x["pane"] == "network")
    );
    let cart = f.iter().find(|x| x["check"] == "pod-crashloop").unwrap();
    assert!(
        cart["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"] == "previous log (tail)"),
        "{cart}"
    );
    // Read-only: nothing was changed.
    assert_eq!(sim.mutating_requests(), 0);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_metrics_leave_their_checks_not_covered() {
    // The simulated cluster serves no /metrics (404), as many clusters do for ordinary users.
    let (sim, dir, kubeconfig) = sim(Vec::new()).await;
    let o = check(
        dir.path(),
        &[
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-A",
            "-o",
            "json",
            "--pane",
            "control-plane",
        ],
    )
    .await;
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["coverage"]["complete"], false, "{report}");
    let gap = report["coverage"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["reason"] == "/metrics could not be read: 404 Not Found")
        .cloned()
        .unwrap_or_else(|| panic!("{report}"));
    let checks: Vec<&str> = gap["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        checks,
        [
            "apiserver-deprecated-apis",
            "etcd-db-size",
            "etcd-leader-changes"
        ]
    );
    // /livez and /readyz answered: their checks ran.
    assert!(!report.to_string().contains("/livez and /readyz could not"));
    let text = check(
        dir.path(),
        &[
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-A",
            "--pane",
            "control-plane",
        ],
    )
    .await;
    assert!(
        stdout(&text).contains("/metrics could not be read: 404 Not Found"),
        "{}",
        stdout(&text)
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cordoned_with_kubectl_is_reported() {
    use k8s_openapi::api::core::v1::Node;
    use kube::api::{Api, Patch, PatchParams};
    let (sim, dir, kubeconfig) = sim(Vec::new()).await;
    // What `kubectl cordon worker-1` sends. The simulated cluster, like a dump taken with
    // `kubectl get -o yaml`, keeps no managedFields: the cordon cannot be dated.
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::from_yaml(&sim.kubeconfig_yaml()).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    let writer = kube::Client::try_from(config).unwrap();
    Api::<Node>::all(writer)
        .patch(
            "worker-1",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"unschedulable": true}})),
        )
        .await
        .unwrap();
    let o = check(
        dir.path(),
        &[
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "-A",
            "-o",
            "json",
            "--pane",
            "node",
        ],
    )
    .await;
    let f = findings(&o);
    let cordon = f
        .iter()
        .find(|x| x["check"] == "node-cordoned" && x["object"]["name"] == "worker-1")
        .unwrap_or_else(|| panic!("no cordon finding: {f:?}"));
    assert_eq!(cordon["severity"], "info");
    assert!(
        cordon["next_steps"][0]
            .as_str()
            .unwrap()
            .contains("kubectl uncordon worker-1")
    );
    // Only the cordoned node.
    assert_eq!(
        f.iter().filter(|x| x["check"] == "node-cordoned").count(),
        1
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_cluster_namespace_and_forbidden_lists() {
    let (sim, dir, kubeconfig) = sim(vec![Forbidden {
        resource: "secrets".into(),
        namespace: None,
    }])
    .await;
    let kc = kubeconfig.to_str().unwrap();
    let o = check(
        dir.path(),
        &["--kubeconfig", kc, "-n", "shop", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let gaps = report["coverage"]["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["what"].as_str().unwrap().starts_with("secrets")
                && g["reason"].as_str().unwrap().contains("refused")),
        "the forbidden list is reported as not covered: {gaps:?}"
    );
    assert_eq!(report["coverage"]["complete"], false);
    let f = findings(&o);
    assert!(
        f.iter().all(|x| x["object"]["namespace"] == "shop"
            || x["object"]["namespace"] == ""
            || ["control-plane", "node", "certs", "network"]
                .contains(&x["pane"].as_str().unwrap_or(""))),
        "findings of shop, and cluster-level ones: {f:?}"
    );
    assert!(has(&f, "pod-crashloop", "cart-7c9d8b6f4-x2k9p"));
    // Text output against the cluster too.
    let o = check(dir.path(), &["--kubeconfig", kc, "-n", "payments"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Service/payments: selector app=paymnts matches no pods"));
    sim.shutdown().await;
}

/// `kmedic -A check` scopes like `kmedic check -A` (the flag before the subcommand is not
/// dropped), and a run scoped to one namespace says so instead of reading as the cluster's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scope_before_the_subcommand_counts_and_a_namespace_run_says_so() {
    let (_sim, dir, kubeconfig) = sim(Vec::new()).await;
    let kc = kubeconfig.to_str().unwrap();
    let global = tokio::process::Command::new(BIN)
        .args([
            "--kubeconfig",
            kc,
            "-A",
            "check",
            "--pane",
            "network",
            "-o",
            "json",
        ])
        .arg("--log-file")
        .arg(dir.path().join("kmedic.log"))
        .env_remove("KUBECONFIG")
        .env("HOME", dir.path())
        .output()
        .await
        .unwrap();
    assert_eq!(global.status.code(), Some(1), "{}", stderr(&global));
    assert!(has(
        &findings(&global),
        "netpol-blocks-dns",
        "restrict-egress"
    ));

    let one = check(
        dir.path(),
        &["--kubeconfig", kc, "-n", "default", "--pane", "network"],
    )
    .await;
    let text = stdout(&one);
    assert!(
        text.contains("looked at namespace default only")
            && text.contains("-A looks at every namespace"),
        "{text}"
    );
}
