//! kubectl — a client we did not write — against the built-in demo: health checks, Leases,
//! every newer kind with kubectl's own columns, the CRD's custom resources by short name,
//! category and printer columns, `kubectl top`, and `kubectl api-resources`.
//! kubectl must be installed; the tests fail without it.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use kmedic::sim::{RunningSim, ScenarioSource, SimOptions};
use tokio::process::Command;

const KUBECTL: &str = "/usr/bin/kubectl";
const WAIT: Duration = Duration::from_secs(30);

struct Harness {
    sim: RunningSim,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Harness {
    async fn start() -> Harness {
        assert!(
            std::path::Path::new(KUBECTL).exists(),
            "kubectl is required at {KUBECTL}"
        );
        let sim = kmedic::sim::start(SimOptions {
            source: ScenarioSource::Builtin,
            live: false,
            ..SimOptions::default()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(&kubeconfig, sim.kubeconfig_yaml()).unwrap();
        Harness {
            sim,
            dir,
            kubeconfig,
        }
    }

    async fn run(&self, args: &[&str]) -> (bool, String, String) {
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
        let output = tokio::time::timeout(WAIT, command.output())
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

    async fn ok(&self, args: &[&str]) -> String {
        let (success, stdout, stderr) = self.run(args).await;
        assert!(success, "kubectl {args:?} failed: {stderr}");
        stdout
    }
}

/// The whitespace-separated cells of the first line starting with `start`.
fn row<'a>(output: &'a str, start: &[&str]) -> Vec<&'a str> {
    output
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.len() >= start.len() && cells[..start.len()] == *start)
        .unwrap_or_else(|| panic!("no row {start:?} in\n{output}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_leases() {
    let h = Harness::start().await;
    let readyz = h.ok(&["get", "--raw", "/readyz?verbose"]).await;
    assert!(
        readyz.starts_with("[+]ping ok\n[+]log ok\n[+]etcd ok\n"),
        "{readyz}"
    );
    assert!(readyz.contains("[+]informer-sync ok") && readyz.ends_with("readyz check passed\n"));
    h.sim.fail_health_check("etcd", "context deadline exceeded");
    let (success, _, stderr) = h.run(&["get", "--raw", "/readyz?verbose"]).await;
    assert!(!success);
    assert!(
        stderr.contains("[-]etcd failed: reason withheld"),
        "{stderr}"
    );
    h.sim.heal_health_check("etcd");

    let leases = h.ok(&["get", "leases", "-A"]).await;
    assert_eq!(
        row(&leases, &["NAMESPACE"]),
        ["NAMESPACE", "NAME", "HOLDER", "AGE"]
    );
    assert_eq!(
        row(&leases, &["kube-node-lease", "worker-3"])[2],
        "worker-3"
    );
    assert!(row(&leases, &["kube-system", "kube-scheduler"])[2].starts_with("cp-1_"));
    assert!(row(&leases, &["kube-system"]).len() == 4);
    let identity = h
        .ok(&[
            "get",
            "leases",
            "-n",
            "kube-system",
            "-l",
            "apiserver.kubernetes.io/identity=kube-apiserver",
            "-o",
            "name",
        ])
        .await;
    assert!(
        identity
            .trim()
            .starts_with("lease.coordination.k8s.io/apiserver-"),
        "{identity}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newer_kinds_print_kubectls_columns() {
    let h = Harness::start().await;
    let out = h
        .ok(&[
            "get",
            "hpa,pdb,ingressclass,sc,validatingwebhookconfigurations,apiservices,csr,crd",
            "-A",
        ])
        .await;
    assert_eq!(
        row(
            &out,
            &["shop", "horizontalpodautoscaler.autoscaling/frontend"]
        )[2..7],
        ["Deployment/frontend", "cpu:", "12%/70%", "2", "6"]
    );
    assert_eq!(
        row(&out, &["shop", "poddisruptionbudget.policy/frontend"])[2..5],
        ["1", "N/A", "1"]
    );
    assert_eq!(
        row(&out, &["ingressclass.networking.k8s.io/nginx"])[1..3],
        ["k8s.io/ingress-nginx", "<none>"]
    );
    assert_eq!(
        row(&out, &["storageclass.storage.k8s.io/standard"])[1..5],
        [
            "(default)",
            "kubernetes.io/no-provisioner",
            "Delete",
            "WaitForFirstConsumer"
        ]
    );
    assert_eq!(
        row(
            &out,
            &[
                "validatingwebhookconfiguration.admissionregistration.k8s.io/ingress-nginx-admission"
            ]
        )[1],
        "1"
    );
    assert_eq!(
        row(
            &out,
            &["apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io"]
        )[1..3],
        ["kube-system/metrics-server", "True"]
    );
    assert_eq!(
        row(&out, &["apiservice.apiregistration.k8s.io/v1.apps"])[1..3],
        ["Local", "True"]
    );
    let csr = row(
        &out,
        &["certificatesigningrequest.certificates.k8s.io/alice"],
    );
    assert_eq!(
        csr[2..],
        [
            "kubernetes.io/kube-apiserver-client",
            "kubernetes-admin",
            "24h",
            "Pending"
        ]
    );
    assert!(out.contains(
        "customresourcedefinition.apiextensions.k8s.io/databasebackups.ops.acme-shop.io"
    ));
    // The same HPA through autoscaling/v1.
    let v1 = h
        .ok(&[
            "get",
            "horizontalpodautoscalers.v1.autoscaling",
            "-n",
            "shop",
            "frontend",
            "-o",
            "jsonpath={.spec.targetCPUUtilizationPercentage}",
        ])
        .await;
    assert_eq!(v1, "70");
    let rbac = h
        .ok(&[
            "get",
            "clusterrolebinding",
            "system:kube-scheduler",
            "-o",
            "wide",
        ])
        .await;
    assert_eq!(
        row(&rbac, &["system:kube-scheduler"])[1],
        "ClusterRole/system:kube-scheduler"
    );
    assert!(rbac.contains("system:kube-scheduler"));
    let quota = h.ok(&["get", "quota", "-n", "payments"]).await;
    assert!(
        quota.contains("requests.cpu: 2500m/4") && quota.contains("limits.memory: 10752Mi/24Gi"),
        "{quota}"
    );
    let pc = h.ok(&["get", "pc"]).await;
    assert_eq!(
        row(&pc, &["system-node-critical"])[1..3],
        ["2000001000", "false"]
    );
    let lb = h.ok(&["get", "svc", "-n", "shop", "storefront-lb"]).await;
    assert_eq!(
        row(&lb, &["storefront-lb"])[1..4],
        ["LoadBalancer", "10.104.200.17", "<pending>"]
    );
    let ds = h
        .ok(&["get", "ds", "-n", "kube-system", "kube-proxy"])
        .await;
    assert_eq!(row(&ds, &["kube-proxy"])[1..6], ["4", "4", "2", "1", "2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_resources_by_short_name_category_and_printer_columns() {
    let h = Harness::start().await;
    let out = h.ok(&["get", "dbb", "-A"]).await;
    assert_eq!(
        row(&out, &["NAMESPACE"]),
        [
            "NAMESPACE",
            "NAME",
            "DATABASE",
            "SCHEDULE",
            "PHASE",
            "LAST",
            "SUCCESS",
            "AGE"
        ]
    );
    let payments = row(&out, &["payments", "payments-db-hourly"]);
    assert_eq!(payments[2], "pg-payments.internal.example.com/payments");
    assert_eq!(payments[payments.len() - 3], "Failed");
    assert!(
        !out.contains("SIZE"),
        "priority-1 columns only with -o wide"
    );
    let wide = h
        .ok(&[
            "get",
            "databasebackups.ops.acme-shop.io",
            "-n",
            "shop",
            "-o",
            "wide",
        ])
        .await;
    assert!(
        row(&wide, &["catalog-db-nightly"]).contains(&"7416090624"),
        "{wide}"
    );
    let by_category = h.ok(&["get", "acme", "-A"]).await;
    assert!(by_category.contains("catalog-db-nightly"), "{by_category}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_and_api_resources() {
    let h = Harness::start().await;
    let nodes = h.ok(&["top", "nodes"]).await;
    assert_eq!(
        row(&nodes, &["NAME"]),
        ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    );
    assert!(row(&nodes, &["worker-1"])[1].ends_with('m'));
    assert_eq!(
        row(&nodes, &["worker-3"])[1],
        "<unknown>",
        "no metrics from an unreachable node"
    );
    let pods = h.ok(&["top", "pods", "-n", "kube-system"]).await;
    assert!(
        pods.contains("etcd-cp-1") && !pods.contains("kube-scheduler-cp-1"),
        "{pods}"
    );
    let resources = h.ok(&["api-resources"]).await;
    for (name, short, group) in [
        ("horizontalpodautoscalers", "hpa", "autoscaling/v2"),
        ("poddisruptionbudgets", "pdb", "policy/v1"),
        ("storageclasses", "sc", "storage.k8s.io/v1"),
        (
            "certificatesigningrequests",
            "csr",
            "certificates.k8s.io/v1",
        ),
        (
            "customresourcedefinitions",
            "crd,crds",
            "apiextensions.k8s.io/v1",
        ),
        ("priorityclasses", "pc", "scheduling.k8s.io/v1"),
        ("resourcequotas", "quota", "v1"),
        ("limitranges", "limits", "v1"),
        ("replicationcontrollers", "rc", "v1"),
        ("databasebackups", "dbb", "ops.acme-shop.io/v1"),
    ] {
        assert_eq!(row(&resources, &[name])[1..3], [short, group], "{name}");
    }
    for name in [
        "ingressclasses",
        "csidrivers",
        "apiservices",
        "roles",
        "clusterroles",
        "rolebindings",
        "clusterrolebindings",
        "validatingwebhookconfigurations",
        "mutatingwebhookconfigurations",
        "leases",
    ] {
        row(&resources, &[name]);
    }
    assert!(resources.contains("metrics.k8s.io/v1beta1"));
}

/// The demo's storage: the default StorageClass, redis's claim Bound to a local PV, and the
/// StatefulSet's pod mounting it, as `kubectl get` and `describe` show them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_claims_volumes_and_classes() {
    let h = Harness::start().await;
    let out = h.ok(&["get", "pvc,pv,sc", "-A"]).await;
    assert_eq!(
        row(&out, &["shop", "persistentvolumeclaim/data-redis-0"])[2..7],
        ["Bound", "local-pv-3f9c2a71", "10Gi", "RWO", "standard"]
    );
    assert_eq!(
        row(&out, &["persistentvolume/local-pv-3f9c2a71"])[1..7],
        [
            "10Gi",
            "RWO",
            "Delete",
            "Bound",
            "shop/data-redis-0",
            "standard"
        ]
    );
    assert_eq!(
        row(&out, &["storageclass.storage.k8s.io/standard"])[1..3],
        ["(default)", "kubernetes.io/no-provisioner"]
    );
    let pod = h
        .ok(&[
            "get",
            "pod",
            "-n",
            "shop",
            "redis-0",
            "-o",
            "jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName}",
        ])
        .await;
    assert_eq!(pod, "data-redis-0");
    let sts = h
        .ok(&[
            "get",
            "sts",
            "-n",
            "shop",
            "redis",
            "-o",
            "jsonpath={.spec.volumeClaimTemplates[0].metadata.name}",
        ])
        .await;
    assert_eq!(sts, "data");
}
