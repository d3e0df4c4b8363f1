//! Whole-cluster tests of the control-plane and node panes: a healthy kubeadm-shaped cluster
//! yields nothing above info in any pane, the API server's health reaches the incremental
//! engine, and coverage names what a check could not read.

#![allow(clippy::unwrap_used)]

use super::engine::Engine;
use super::registry::{self, uncovered};
use super::snapshot::{
    ApiHealth, ApiMetrics, Failure, HealthReport, Probed, ReachClass, ServerVersion,
};
use super::testutil::*;
use super::testutil_cp::*;
use super::{Change, Options, Snapshot, analyze};
use crate::findings::Severity;

fn healthy_api() -> ApiHealth {
    ApiHealth {
        server: "https://10.0.0.115:6443".into(),
        version: Probed::Answered(ServerVersion {
            git_version: "v1.31.2".into(),
        }),
        livez: Probed::Answered(HealthReport::parse(
            200,
            "[+]ping ok\n[+]log ok\n[+]etcd ok\nlivez check passed\n",
        )),
        readyz: Probed::Answered(HealthReport::parse(
            200,
            "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]poststarthook/rbac/bootstrap-roles ok\n[+]shutdown ok\nreadyz check passed\n",
        )),
        metrics: Probed::Answered(ApiMetrics {
            etcd_db_bytes: vec![("etcd-0".into(), 48.0 * 1024.0 * 1024.0)],
            etcd_leader_changes: Some(1.0),
            deprecated_apis: vec![],
        }),
    }
}

#[test]
fn a_healthy_kubeadm_cluster_yields_nothing_above_info() {
    let mut snap = Snapshot::from_objects(healthy_cluster());
    snap.apply(Change::health(healthy_api()));
    let f = analyze(&snap, now(), &Options::default());
    assert!(
        f.iter().all(|x| x.severity == Severity::Info),
        "{:?}",
        f.iter()
            .map(|x| (&x.check, &x.object.name, x.severity))
            .collect::<Vec<_>>()
    );
    // Mirror pods are never reported as anything of their own.
    assert!(f.iter().all(|x| x.object.namespace != "kube-system"));
}

#[test]
fn the_engine_reanalyses_when_the_api_server_health_changes() {
    let mut e = Engine::from_snapshot(
        Snapshot::from_objects(healthy_cluster()),
        Options::default(),
    );
    assert!(e.analyze(now(), false).is_empty());
    assert!(!e.has_work());
    e.apply(Change::health(healthy_api()));
    assert!(e.has_work());
    assert!(e.analyze(now(), false).is_empty());
    // The same health again is no work.
    e.apply(Change::health(healthy_api()));
    assert!(!e.has_work());
    let mut down = healthy_api();
    down.readyz = Probed::Answered(HealthReport::parse(
        500,
        "[-]etcd failed: reason withheld\nreadyz check failed",
    ));
    e.apply(Change::health(down));
    assert!(e.has_work());
    let f = e.analyze(now(), false);
    assert_eq!(one(&f, "apiserver-not-ready").severity, Severity::Critical);
    assert_eq!(e.last_pass().checked, 0, "no object was re-checked");
}

#[test]
fn coverage_names_what_a_check_could_not_read() {
    let info = |id: &str| *registry::info(id).unwrap();
    let mut c = healthy_cluster();
    c.retain(|o| o["kind"] != "Lease");
    let snap = Snapshot::from_objects(c);
    let why = uncovered(&snap, &info("cp-leader-lease-stale"));
    assert_eq!(why, ["Lease: not part of the dump"]);
    assert_eq!(
        uncovered(&snap, &info("api-reachability")),
        ["the API server's health was not probed (a dump)"]
    );
    assert!(uncovered(&snap, &info("cp-component-failing")).is_empty());
    let mut snap = snap;
    let mut h = healthy_api();
    h.metrics = Probed::Failed(Failure {
        class: ReachClass::Forbidden,
        status: Some(403),
        detail: "forbidden".into(),
        retry_after: None,
    });
    snap.apply(Change::health(h));
    assert!(uncovered(&snap, &info("api-reachability")).is_empty());
    assert_eq!(
        uncovered(&snap, &info("etcd-db-size")),
        ["/metrics could not be read: 403 Forbidden"]
    );
    // Every check of the two panes declares what it reads.
    for id in [
        "api-reachability",
        "apiserver-not-live",
        "apiserver-not-ready",
        "cp-component-missing",
        "cp-component-failing",
        "cp-component-restarts",
        "cp-not-static-pods",
        "cp-leader-lease-stale",
        "cp-leader-lease-missing",
        "cp-leader-flapping",
        "cp-leader-unknown-holder",
        "apiserver-lease-stale",
        "cp-version-skew",
        "apiserver-deprecated-apis",
        "etcd-db-size",
        "node-not-ready",
        "node-memory-pressure",
        "node-disk-pressure",
        "node-pid-pressure",
        "node-network-unavailable",
        "node-problem-condition",
        "node-heartbeat-stale",
        "node-cordoned",
        "node-taint-untolerated",
        "node-overcommitted",
        "node-capacity-full",
        "node-evictions",
        "node-network-agent-not-ready",
        "node-version-skew",
        "node-version-outlier",
        "node-warning-events",
    ] {
        let i = info(id);
        assert!(!i.needs.is_empty() || !i.probes.is_empty(), "{id}");
    }
}

#[test]
fn a_pod_evicted_from_a_node_re_checks_only_that_node() {
    use crate::objects::{Kind, decode_value};
    use serde_json::json;
    let mut e = Engine::from_snapshot(
        Snapshot::from_objects(healthy_cluster()),
        Options::default(),
    );
    assert!(e.analyze(now(), false).is_empty());
    let evicted = pod(
        "logger-1",
        json!({"nodeName": "worker-1", "containers": [{"name": "app", "image": "x"}]}),
        json!({"phase": "Failed", "reason": "Evicted", "startTime": ago(600),
            "message": "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi."}),
    );
    e.apply(Change::Upsert(decode_value(Kind::Pod, &evicted).unwrap()));
    let f = e.analyze(now(), false);
    assert!(!e.last_pass().full);
    assert_eq!(e.last_pass().checked, 2, "the pod and its node");
    assert_eq!(one(&f, "node-evictions").object.name, "worker-1");
}
