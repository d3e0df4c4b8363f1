#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::super::testutil::*;
use super::super::testutil_cp::*;
use super::super::{Options, Snapshot, analyze};
use crate::findings::{Pane, Severity};

fn with_log(
    objects: Vec<serde_json::Value>,
    pod: &str,
    container: &str,
    lines: &[&str],
) -> Vec<crate::findings::Finding> {
    let snap = Snapshot::from_objects(objects).with_previous_logs(
        [(
            (
                "kube-system".to_string(),
                pod.to_string(),
                container.to_string(),
            ),
            lines.iter().map(|s| s.to_string()).collect(),
        )]
        .into(),
    );
    analyze(&snap, now(), &Options::default())
}

#[test]
fn a_healthy_kubeadm_control_plane_yields_no_control_plane_finding() {
    let f = run(healthy_cluster());
    assert!(
        f.iter().all(|x| !x.check.starts_with("cp-")),
        "{:?}",
        ids(&f)
    );
}

#[test]
fn a_crash_looping_scheduler_points_at_its_manifest_and_the_missing_kubeconfig() {
    let mut c = healthy_cluster();
    let mut sched = mirror("kube-scheduler", "cp-1", VERSION);
    sched["spec"]["containers"][0]["command"][4] =
        json!("--kubeconfig=/etc/kubernetes/scheduler.conff");
    replace(
        &mut c,
        "kube-scheduler-cp-1",
        crash(sched, "Error", 1, "", 6),
    );
    let f = with_log(
        c,
        "kube-scheduler-cp-1",
        "kube-scheduler",
        &[
            "I0101 11:59:00.000000       1 serving.go:386] Generated self-signed cert in-memory",
            "E0101 11:59:00.100000       1 run.go:72] \"command failed\" err=\"stat /etc/kubernetes/scheduler.conff: no such file or directory\"",
        ],
    );
    let cp = one(&f, "cp-component-failing");
    assert_eq!(
        (cp.pane, cp.severity),
        (Pane::ControlPlane, Severity::Error)
    );
    assert_eq!(cp.object.name, "kube-scheduler-cp-1");
    assert!(
        cp.summary
            .contains("--kubeconfig=/etc/kubernetes/scheduler.conff"),
        "{}",
        cp.summary
    );
    let ev = evidence_text(cp);
    assert!(
        ev.contains("manifest (kubeadm default): /etc/kubernetes/manifests/kube-scheduler.yaml"),
        "{ev}"
    );
    assert!(
        ev.contains("manifest points at: --kubeconfig=/etc/kubernetes/scheduler.conff"),
        "{ev}"
    );
    assert!(ev.contains("no volume mounts this path"), "{ev}");
    assert!(
        cp.explanation.contains("new pods stay Pending"),
        "{}",
        cp.explanation
    );
    assert!(cp.next_steps.iter().any(|s| {
        s.contains("grep -n -A1 -- '--kubeconfig' /etc/kubernetes/manifests/kube-scheduler.yaml")
    }));
    // The generic crash finding of the same pod is a symptom of it, not a root cause.
    let generic = one(&f, "pod-crashloop");
    assert_eq!(generic.caused_by[0].check, "cp-component-failing");
}

#[test]
fn a_misspelt_command_is_a_start_error_with_the_binary_named() {
    let mut c = healthy_cluster();
    let mut sched = mirror("kube-scheduler", "cp-1", VERSION);
    sched["spec"]["containers"][0]["command"][0] = json!("kube-schedulerrr");
    let msg = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"kube-schedulerrr\": executable file not found in $PATH: unknown";
    replace(
        &mut c,
        "kube-scheduler-cp-1",
        crash(sched, "StartError", 128, msg, 4),
    );
    let f = run(c);
    let cp = one(&f, "cp-component-failing");
    assert!(
        cp.summary
            .contains("command \"kube-schedulerrr\" not found"),
        "{}",
        cp.summary
    );
    assert!(evidence_text(cp).contains("command[0] = kube-schedulerrr"));
}

#[test]
fn a_manifest_moved_away_is_a_missing_component() {
    let mut c = healthy_cluster();
    c.retain(|o| o["metadata"]["name"] != "kube-scheduler-cp-1");
    let f = run(c);
    let m = one(&f, "cp-component-missing");
    assert_eq!(m.object.name, "kube-scheduler-cp-1");
    assert_eq!(m.severity, Severity::Error);
    assert!(
        m.explanation
            .contains("/etc/kubernetes/manifests/kube-scheduler.yaml")
    );
}

#[test]
fn a_control_plane_without_static_pods_is_only_noted() {
    let mut c = healthy_cluster();
    c.retain(|o| o["metadata"]["annotations"]["kubernetes.io/config.source"] != "file");
    let f = run(c);
    let n = one(&f, "cp-not-static-pods");
    assert_eq!(n.severity, Severity::Info);
    assert!(f.iter().all(|x| x.check != "cp-component-missing"));
}

#[test]
fn a_lone_static_api_server_or_a_self_hosted_scheduler_is_not_a_missing_component() {
    // Only the API server runs as a static pod (other components run elsewhere).
    let c = vec![
        node("cp-1", true, VERSION),
        mirror("kube-apiserver", "cp-1", VERSION),
    ];
    assert!(run(c).iter().all(|x| x.check != "cp-component-missing"));
    // Self-hosted: the scheduler is a Deployment's pod, not a mirror pod.
    let mut c = healthy_cluster();
    c.retain(|o| o["metadata"]["name"] != "kube-scheduler-cp-1");
    c.push(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "kube-scheduler-6d8f7c9b5-x2x4p", "namespace": "kube-system", "uid": "u-s",
            "labels": {"k8s-app": "kube-scheduler"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "kube-scheduler-6d8f7c9b5", "uid": "rs", "controller": true}]},
        "spec": {"nodeName": "cp-1", "containers": [{"name": "kube-scheduler", "image": "registry.k8s.io/kube-scheduler:v1.31.2"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}));
    assert!(run(c).iter().all(|x| x.check != "cp-component-missing"));
}

#[test]
fn external_etcd_is_not_missing_and_a_stacked_one_is() {
    // Stacked (kubeadm's default): kube-apiserver talks to etcd on 127.0.0.1.
    let mut c = healthy_cluster();
    c.retain(|o| o["metadata"]["name"] != "etcd-cp-1");
    let f = run(c.clone());
    let etcd = one(&f, "cp-component-missing");
    assert_eq!(etcd.object.name, "etcd-cp-1");
    assert_eq!(etcd.severity, Severity::Critical);
    assert!(evidence_text(etcd).contains("https://127.0.0.1:2379"));
    // External etcd: --etcd-servers names other hosts.
    for o in c.iter_mut() {
        if o["metadata"]["name"] == "kube-apiserver-cp-1" {
            let args = o["spec"]["containers"][0]["command"]
                .as_array_mut()
                .unwrap();
            for a in args.iter_mut() {
                if a.as_str().unwrap_or("").starts_with("--etcd-servers=") {
                    *a = json!("--etcd-servers=https://10.0.0.51:2379,https://10.0.0.52:2379");
                }
            }
        }
    }
    assert!(run(c).iter().all(|x| x.check != "cp-component-missing"));
}

#[test]
fn a_control_plane_node_without_any_static_pod_misses_every_component() {
    let mut c = healthy_cluster();
    c.push(node("cp-2", true, VERSION));
    c.push(node_lease("cp-2", 5));
    let f = run(c);
    let missing: Vec<String> = f
        .iter()
        .filter(|x| x.check == "cp-component-missing")
        .map(|x| x.object.name.clone())
        .collect();
    assert_eq!(
        missing,
        [
            "etcd-cp-2",
            "kube-apiserver-cp-2",
            "kube-controller-manager-cp-2",
            "kube-scheduler-cp-2"
        ]
    );
    assert!(f.iter().any(|x| {
        x.explanation
            .contains("No control-plane static pod runs on cp-2")
    }));
}

#[test]
fn one_failing_apiserver_of_two_is_an_error_not_an_outage() {
    let mut c = healthy_cluster();
    for comp in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
    ] {
        c.push(mirror(comp, "cp-2", VERSION));
    }
    c.push(node("cp-2", true, VERSION));
    let api = mirror("kube-apiserver", "cp-2", VERSION);
    replace(&mut c, "kube-apiserver-cp-2", crash(api, "Error", 1, "", 5));
    let snap = Snapshot::from_objects(c).with_previous_logs(
        [(
            ("kube-system".to_string(), "kube-apiserver-cp-2".to_string(), "kube-apiserver".to_string()),
            vec!["W0101 logging.go:59] [core] grpc: addrConn.createTransport failed to connect to {Addr: \"127.0.0.1:2379\"}. Err: connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused\"".to_string(),
                 "E0101 run.go:72] \"command failed\" err=\"context deadline exceeded\"".to_string()],
        )]
        .into(),
    );
    let f = analyze(&snap, now(), &Options::default());
    let cp = one(&f, "cp-component-failing");
    assert_eq!(cp.severity, Severity::Error);
    assert!(cp.summary.contains("etcd unreachable"), "{}", cp.summary);
}

#[test]
fn a_component_that_restarts_often_but_runs_is_a_warning() {
    let mut c = healthy_cluster();
    let mut kcm = mirror("kube-controller-manager", "cp-1", VERSION);
    kcm["status"]["containerStatuses"][0]["restartCount"] = json!(9);
    kcm["status"]["containerStatuses"][0]["state"] = json!({"running": {"startedAt": ago(600)}});
    kcm["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
        "finishedAt": ago(601),
        "message": "E0101 leaderelection.go:308] failed to renew lease kube-system/kube-controller-manager: timed out waiting for the condition"}});
    replace(&mut c, "kube-controller-manager-cp-1", kcm);
    let f = run(c);
    let r = one(&f, "cp-component-restarts");
    assert_eq!(r.severity, Severity::Warning);
    assert!(
        r.explanation.contains("lost its leader lease"),
        "{}",
        r.explanation
    );
}
