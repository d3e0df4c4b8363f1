//! The installed kubectl — a client we did not write — against the simulated cluster: tables,
//! watches, describe, logs (container, previous, follow), raw health checks and errors.
//! kubectl must be installed; the tests fail without it.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use kmedic::sim::server::ContainerKey;
use kmedic::sim::{Forbidden, RunningSim};
use serde_json::{Value, json};
use sim_fixtures::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const KUBECTL: &str = "/usr/bin/kubectl";
const WAIT: Duration = Duration::from_secs(20);

/// A running simulated cluster plus a private kubeconfig and HOME for kubectl.
struct Harness {
    sim: RunningSim,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Harness {
    async fn start() -> Harness {
        Harness::start_with(Vec::new()).await
    }

    async fn start_with(forbidden: Vec<Forbidden>) -> Harness {
        assert!(
            std::path::Path::new(KUBECTL).exists(),
            "kubectl is required at {KUBECTL}"
        );
        let sim = kmedic::sim::start(options(cluster(), forbidden))
            .await
            .expect("starts");
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
        Harness {
            sim,
            dir,
            kubeconfig,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(KUBECTL);
        command
            .env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", "/usr/bin:/bin")
            .env("NO_PROXY", "127.0.0.1")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Runs kubectl to completion; returns (success, stdout, stderr).
    async fn run(&self, args: &[&str]) -> (bool, String, String) {
        let output = tokio::time::timeout(WAIT, self.command(args).output())
            .await
            .expect("kubectl finishes")
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        (
            output.status.success(),
            text(output.stdout),
            text(output.stderr),
        )
    }

    /// Runs kubectl, asserts it succeeded, returns stdout.
    async fn ok(&self, args: &[&str]) -> String {
        let (success, stdout, stderr) = self.run(args).await;
        assert!(success, "kubectl {args:?} failed: {stderr}");
        stdout
    }
}

fn with_uid(mut object: Value, uid: &str) -> Value {
    object["metadata"]["uid"] = json!(uid);
    object
}

fn cluster() -> Vec<Value> {
    let mut objects = small_cluster();
    objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "default", "name": "settings"}, "data": {"a": "1", "b": "2"}}));
    objects.push(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"namespace": "default", "name": "creds"}, "type": "Opaque", "data": {"password": "aHVudGVyMg=="}}));
    objects.push(json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"namespace": "team-a", "name": "agent"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}}));
    objects.push(json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"namespace": "team-a", "name": "migrate"},
        "spec": {"completions": 1}, "status": {"failed": 3, "conditions": [{"type": "Failed", "status": "True"}]}}));
    for object in &mut objects {
        if object["metadata"]["name"] == "api-1" {
            *object = with_uid(object.clone(), "11111111-2222-4333-8444-555555555555");
            object["status"]["containerStatuses"][0]["restartCount"] = json!(4);
            object["status"]["containerStatuses"][0]["ready"] = json!(false);
            object["status"]["containerStatuses"][0]["state"] =
                json!({"waiting": {"reason": "CrashLoopBackOff"}});
        }
        if object["kind"] == "Event" {
            object["involvedObject"]["uid"] = json!("11111111-2222-4333-8444-555555555555");
        }
    }
    objects
}

/// The whitespace-separated cells of the output line whose first cells are `start`.
fn row<'a>(output: &'a str, start: &[&str]) -> Vec<&'a str> {
    output
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.starts_with(start))
        .unwrap_or_else(|| panic!("no row starting with {start:?} in:\n{output}"))
}

fn key(ns: &str, pod: &str, container: &str) -> ContainerKey {
    ContainerKey {
        namespace: ns.into(),
        pod: pod.into(),
        container: container.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_prints_server_side_tables() {
    let h = Harness::start().await;
    let pods = h.ok(&["get", "pods", "-A"]).await;
    assert_eq!(
        row(&pods, &["NAMESPACE"]),
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(
        row(&pods, &["team-a", "api-1"])[2..5],
        ["1/2", "CrashLoopBackOff", "4"]
    );
    assert_eq!(
        row(&pods, &["team-a", "batch-1"])[2..5],
        ["0/1", "Pending", "0"]
    );
    assert_eq!(
        row(&pods, &["default", "web-1"])[2..5],
        ["1/1", "Running", "0"]
    );
    assert_eq!(pods.lines().count(), 5);

    let wide = h
        .ok(&[
            "get",
            "pods",
            "-n",
            "team-a",
            "-o",
            "wide",
            "-l",
            "tier=back",
        ])
        .await;
    assert_eq!(row(&wide, &["api-1"])[5..7], ["10.1.0.7", "node-1"]);
    assert_eq!(wide.lines().count(), 2);

    let nodes = h.ok(&["get", "nodes"]).await;
    assert_eq!(row(&nodes, &["node-1"])[1..3], ["Ready", "<none>"]);
    assert_eq!(row(&nodes, &["node-1"])[4], "v1.33.1");

    let services = h.ok(&["get", "svc", "-A"]).await;
    assert_eq!(
        row(&services, &["default", "web"])[2..6],
        ["ClusterIP", "10.96.0.10", "<none>", "80/TCP"]
    );

    let deployments = h.ok(&["get", "deploy", "-A"]).await;
    assert_eq!(
        row(&deployments, &["default", "web"])[2..5],
        ["1/2", "2", "1"]
    );

    let events = h.ok(&["get", "events", "-A"]).await;
    let event = row(&events, &["team-a"]);
    assert_eq!(event[2..5], ["Warning", "BackOff", "pod/api-1"]);
    assert!(events.contains("Back-off restarting failed container api"));

    let others = h.ok(&["get", "cm,secret,ds,jobs", "-A"]).await;
    assert_eq!(row(&others, &["default", "configmap/settings"])[2], "2");
    assert_eq!(
        row(&others, &["default", "secret/creds"])[2..4],
        ["Opaque", "1"]
    );
    assert_eq!(
        row(&others, &["team-a", "daemonset.apps/agent"])[2..8],
        ["3", "3", "2", "3", "2", "kubernetes.io/os=linux"]
    );
    assert_eq!(
        row(&others, &["team-a", "job.batch/migrate"])[2..4],
        ["Failed", "0/1"]
    );

    let namespaces = h.ok(&["get", "ns"]).await;
    assert_eq!(row(&namespaces, &["team-a"])[1], "Active");

    let yaml = h.ok(&["get", "pod", "web-1", "-o", "yaml"]).await;
    assert!(
        yaml.contains("name: web-1") && yaml.contains("resourceVersion:"),
        "{yaml}"
    );
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_read_like_a_real_server() {
    let h = Harness::start().await;
    let (success, _, stderr) = h.run(&["get", "pod", "nope"]).await;
    assert!(!success);
    assert!(
        stderr.contains("Error from server (NotFound): pods \"nope\" not found"),
        "{stderr}"
    );
    let (success, _, stderr) = h.run(&["get", "pods", "--field-selector", "foo=bar"]).await;
    assert!(!success);
    assert!(
        stderr.contains("field label not supported: foo"),
        "{stderr}"
    );
    let ready = h.ok(&["get", "--raw", "/readyz?verbose"]).await;
    assert!(
        ready.contains("[+]ping ok")
            && ready.contains("[+]etcd ok")
            && ready.contains("readyz check passed"),
        "{ready}"
    );
    assert_eq!(h.ok(&["get", "--raw", "/livez"]).await, "ok");
    let resources = h.ok(&["api-resources"]).await;
    // kubectl used aggregated discovery: no per-group-version documents were needed.
    let paths: Vec<String> = h.sim.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.contains(&"/apis".to_string()) && !paths.contains(&"/apis/apps/v1".to_string()),
        "{paths:?}"
    );
    assert!(
        row(&resources, &["deployments"]).contains(&"apps/v1"),
        "{resources}"
    );
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_prints_changes() {
    let h = Harness::start().await;
    let mut child = h
        .command(&["get", "pods", "-A", "-w"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let read_until =
        async |seen: &mut Vec<String>, lines: &mut tokio::io::Lines<_>, needle: &str| {
            tokio::time::timeout(WAIT, async {
                while let Some(line) = lines.next_line().await.unwrap() {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return;
                    }
                }
                panic!("kubectl -w ended before {needle:?}");
            })
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} in {seen:?}"));
        };
    read_until(&mut seen, &mut lines, "batch-1").await;
    h.sim
        .store()
        .upsert(pod(
            "team-a",
            "watched-pod",
            &["app"],
            "node-1",
            "Running",
            json!({}),
        ))
        .unwrap();
    read_until(&mut seen, &mut lines, "watched-pod").await;
    let added = seen.last().unwrap().split_whitespace().collect::<Vec<_>>();
    assert_eq!(added[..4], ["team-a", "watched-pod", "1/1", "Running"]);
    let mut crashed = pod(
        "default",
        "web-2",
        &["app"],
        "node-1",
        "Running",
        json!({"app": "web-2"}),
    );
    crashed["status"]["containerStatuses"][0]["state"] =
        json!({"waiting": {"reason": "CrashLoopBackOff"}});
    h.sim.store().upsert(crashed).unwrap();
    read_until(&mut seen, &mut lines, "CrashLoopBackOff").await;
    assert_eq!(
        seen.last().unwrap().split_whitespace().nth(1),
        Some("web-2")
    );
    assert_eq!(
        seen.iter().filter(|l| l.contains("NAMESPACE")).count(),
        1,
        "{seen:?}"
    );
    child.kill().await.unwrap();
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_pod_shows_containers_and_events() {
    let h = Harness::start().await;
    let text = h.ok(&["describe", "pod", "-n", "team-a", "api-1"]).await;
    for expected in [
        "Name:",
        "api-1",
        "Namespace:",
        "team-a",
        "Node:",
        "node-1",
        "Status:",
        "Running",
        "IP:",
        "10.1.0.7",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    assert!(
        text.contains("  api:") && text.contains("  sidecar:"),
        "{text}"
    );
    assert!(
        text.contains("CrashLoopBackOff") && text.contains("Restart Count:  4"),
        "{text}"
    );
    let events = text.split("Events:").nth(1).unwrap_or("");
    assert!(
        events.contains("BackOff") && events.contains("Back-off restarting failed container api"),
        "{text}"
    );
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_with_container_previous_and_follow() {
    let h = Harness::start().await;
    let store = h.sim.store();
    let now = jiff::Timestamp::now();
    store.append_log(key("default", "web-1", "app"), now, "web says hello".into());
    store.append_log(key("team-a", "api-1", "api"), now, "crashed run".into());
    store.restart_container(key("team-a", "api-1", "api"));
    store.append_log(key("team-a", "api-1", "api"), now, "api starting".into());
    store.append_log(
        key("team-a", "api-1", "sidecar"),
        now,
        "sidecar ready".into(),
    );

    assert_eq!(h.ok(&["logs", "web-1"]).await, "web says hello\n");
    assert_eq!(
        h.ok(&["logs", "-n", "team-a", "api-1", "-c", "sidecar"])
            .await,
        "sidecar ready\n"
    );
    assert_eq!(
        h.ok(&["logs", "-n", "team-a", "api-1", "-c", "api", "--previous"])
            .await,
        "crashed run\n"
    );
    let (success, _, stderr) = h
        .run(&[
            "logs",
            "-n",
            "team-a",
            "api-1",
            "-c",
            "sidecar",
            "--previous",
        ])
        .await;
    assert!(
        !success
            && stderr
                .contains("previous terminated container \"sidecar\" in pod \"api-1\" not found"),
        "{stderr}"
    );
    let stamped = h.ok(&["logs", "web-1", "--timestamps"]).await;
    assert!(stamped.ends_with("Z web says hello\n"), "{stamped}");

    let mut child = h
        .command(&["logs", "-f", "web-1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("first line")
        .unwrap();
    assert_eq!(first.as_deref(), Some("web says hello"));
    store.append_log(
        key("default", "web-1", "app"),
        jiff::Timestamp::now(),
        "appended while following".into(),
    );
    let next = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("followed line")
        .unwrap();
    assert_eq!(next.as_deref(), Some("appended while following"));
    store.delete_pod("default", "web-1");
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("kubectl logs -f ends with the pod")
        .unwrap();
    assert!(status.success());
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_namespaces_and_auth_can_i() {
    let h = Harness::start_with(vec![Forbidden {
        resource: "pods".into(),
        namespace: Some("team-a".into()),
    }])
    .await;
    let (success, _, stderr) = h.run(&["get", "pods", "-n", "team-a"]).await;
    assert!(!success);
    assert!(
        stderr.contains("Error from server (Forbidden): pods is forbidden: User \"kmedic-demo\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-a\""),
        "{stderr}"
    );
    assert_eq!(
        row(&h.ok(&["get", "pods", "-n", "default"]).await, &["web-1"])[2],
        "Running"
    );
    let (allowed, stdout, _) = h
        .run(&["auth", "can-i", "list", "pods", "-n", "team-a"])
        .await;
    assert_eq!((allowed, stdout.trim()), (false, "no"));
    let (allowed, stdout, _) = h
        .run(&["auth", "can-i", "list", "pods", "-n", "default"])
        .await;
    assert_eq!((allowed, stdout.trim()), (true, "yes"));
    h.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_label_and_delete_reach_the_store() {
    let h = Harness::start().await;
    let manifest = h.dir.path().join("pod.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: made-by-kubectl\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: example/c:1\n",
    )
    .unwrap();
    let path = manifest.to_str().unwrap();
    assert_eq!(
        h.ok(&["create", "--validate=false", "-f", path])
            .await
            .trim(),
        "pod/made-by-kubectl created"
    );
    assert!(
        h.sim
            .store()
            .get_pod("default", "made-by-kubectl")
            .is_some()
    );
    assert_eq!(
        h.ok(&["apply", "--validate=false", "-f", path])
            .await
            .trim(),
        "pod/made-by-kubectl configured"
    );
    assert_eq!(
        h.ok(&["label", "pod", "web-1", "checked=yes"]).await.trim(),
        "pod/web-1 labeled"
    );
    let labelled = h.sim.store().get_pod("default", "web-1").unwrap();
    assert_eq!(labelled["metadata"]["labels"]["checked"], "yes");
    assert_eq!(
        h.ok(&["delete", "pod", "web-2", "--wait=false"])
            .await
            .trim(),
        "pod \"web-2\" deleted"
    );
    assert!(h.sim.store().get_pod("default", "web-2").is_none());
    let mutating: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.is_mutating())
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(mutating, ["POST", "PATCH", "PATCH", "DELETE"]);
    h.sim.shutdown().await;
}
