#![allow(clippy::unwrap_used)]

use super::super::snapshot::{ApiHealth, ApiMetrics, DeprecatedApi, Probed, ServerVersion};
use super::super::testutil::*;
use super::super::testutil_cp::*;
use super::super::{Change, Options, Snapshot, analyze};
use crate::findings::{Pane, Severity};

fn with_version(objects: Vec<serde_json::Value>, git: &str) -> Vec<crate::findings::Finding> {
    let mut snap = Snapshot::from_objects(objects);
    snap.apply(Change::health(ApiHealth {
        version: Probed::Answered(ServerVersion {
            git_version: git.into(),
        }),
        ..ApiHealth::default()
    }));
    analyze(&snap, now(), &Options::default())
}

#[test]
fn a_single_node_cluster_is_not_a_skew_problem() {
    let mut objects = vec![node("cp-1", true, VERSION)];
    for c in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
    ] {
        objects.push(mirror(c, "cp-1", VERSION));
    }
    assert!(run(objects.clone()).is_empty());
    assert!(with_version(objects, "v1.31.2").is_empty());
    assert!(
        run(healthy_cluster())
            .iter()
            .all(|f| !f.check.contains("skew"))
    );
}

#[test]
fn a_kubelet_two_minors_behind_is_a_warning_and_four_an_error() {
    let mut c = healthy_cluster();
    replace(&mut c, "worker-1", node("worker-1", false, "v1.29.8"));
    replace(&mut c, "worker-2", node("worker-2", false, "v1.27.5"));
    let f = run(c);
    let skew: Vec<_> = f
        .iter()
        .filter(|x| x.check == "node-version-skew")
        .collect();
    assert_eq!(skew.len(), 2, "{:?}", ids(&f));
    let w1 = skew.iter().find(|x| x.object.name == "worker-1").unwrap();
    assert_eq!((w1.pane, w1.severity), (Pane::Node, Severity::Warning));
    assert!(
        w1.summary
            .contains("kubelet on worker-1 is 1.29 (2 minor(s) older than the API server 1.31)"),
        "{}",
        w1.summary
    );
    assert!(evidence_text(w1).contains("API server: image registry.k8s.io/kube-apiserver:v1.31.2"));
    let w2 = skew.iter().find(|x| x.object.name == "worker-2").unwrap();
    assert_eq!(w2.severity, Severity::Error);
    assert!(w2.explanation.contains("outside the supported skew policy"));
}

#[test]
fn before_1_28_only_two_minors_are_allowed() {
    let objects = vec![node("w", false, "v1.24.3"), node("cp", true, "v1.26.1")];
    let f = with_version(objects, "v1.26.1");
    assert_eq!(one(&f, "node-version-skew").severity, Severity::Warning);
    let objects = vec![node("w", false, "v1.23.3")];
    assert_eq!(
        one(&with_version(objects, "v1.26.1"), "node-version-skew").severity,
        Severity::Error
    );
}

#[test]
fn a_scheduler_newer_than_the_api_server_is_an_error() {
    let mut c = healthy_cluster();
    replace(
        &mut c,
        "kube-scheduler-cp-1",
        mirror("kube-scheduler", "cp-1", "v1.32.0"),
    );
    let f = with_version(c, "v1.31.2");
    let s = one(&f, "cp-version-skew");
    assert_eq!((s.pane, s.severity), (Pane::ControlPlane, Severity::Error));
    assert!(s.summary.contains("1 minor(s) newer than"), "{}", s.summary);
    assert!(evidence_text(s).contains("API server: /version: v1.31.2"));
}

#[test]
fn an_old_kube_proxy_is_found_from_its_image() {
    let mut c = healthy_cluster();
    let p = kube_proxy("worker-1", "v1.27.0");
    let name = p["metadata"]["name"].as_str().unwrap().to_string();
    replace(&mut c, &name, p);
    let f = run(c);
    let k = one(&f, "node-version-skew");
    assert!(
        k.summary.starts_with("kube-proxy on worker-1 is 1.27"),
        "{}",
        k.summary
    );
}

#[test]
fn deprecated_apis_in_use_are_listed_with_their_removal() {
    let mut snap = Snapshot::default();
    snap.apply(Change::health(ApiHealth {
        metrics: Probed::Answered(ApiMetrics {
            deprecated_apis: vec![DeprecatedApi {
                group: "flowcontrol.apiserver.k8s.io".into(),
                version: "v1beta3".into(),
                resource: "flowschemas".into(),
                removed_release: "1.32".into(),
            }],
            ..ApiMetrics::default()
        }),
        ..ApiHealth::default()
    }));
    let f = analyze(&snap, now(), &Options::default());
    let d = one(&f, "apiserver-deprecated-apis");
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        evidence_text(d)
            .contains("flowschemas flowcontrol.apiserver.k8s.io/v1beta3 (removed in 1.32)")
    );
}
