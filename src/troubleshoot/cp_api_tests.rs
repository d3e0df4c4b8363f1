#![allow(clippy::unwrap_used)]

use super::super::snapshot::{ApiHealth, Failure, HealthReport, Probed, ReachClass, ServerVersion};
use super::super::testutil::*;
use super::super::{Change, Options, Snapshot, analyze};
use crate::findings::{Finding, Pane, Severity};

fn with_health(h: ApiHealth) -> Vec<Finding> {
    let mut snap = Snapshot::default();
    snap.apply(Change::health(h));
    analyze(&snap, now(), &Options::default())
}

fn healthy() -> ApiHealth {
    ApiHealth {
        server: "https://10.0.0.10:6443".into(),
        version: Probed::Answered(ServerVersion {
            git_version: "v1.31.2".into(),
        }),
        livez: Probed::Answered(HealthReport::parse(
            200,
            "[+]ping ok\n[+]etcd ok\nlivez check passed\n",
        )),
        readyz: Probed::Answered(HealthReport::parse(
            200,
            "[+]ping ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n",
        )),
        metrics: Probed::NotAsked,
    }
}

fn failed(class: ReachClass, status: Option<u16>) -> ApiHealth {
    let f = Failure {
        class,
        status,
        detail: "error text".into(),
        retry_after: None,
    };
    ApiHealth {
        server: "https://cp.example.com:6443".into(),
        version: Probed::Failed(f.clone()),
        livez: Probed::Failed(f.clone()),
        readyz: Probed::Failed(f),
        metrics: Probed::NotAsked,
    }
}

#[test]
fn a_healthy_api_server_yields_nothing() {
    assert!(with_health(healthy()).is_empty());
    // Not probed (a dump): nothing is claimed either way.
    assert!(run(vec![]).is_empty());
}

#[test]
fn every_reachability_class_has_its_own_explanation_and_steps() {
    let cases = [
        (
            ReachClass::Refused,
            "ss -ltnp | grep 6443",
            Severity::Critical,
        ),
        (
            ReachClass::Timeout,
            "nc -vz -w 5 cp.example.com 6443",
            Severity::Critical,
        ),
        (
            ReachClass::Dns,
            "getent hosts cp.example.com",
            Severity::Critical,
        ),
        (
            ReachClass::CertExpired,
            "kubeadm certs check-expiration",
            Severity::Critical,
        ),
        (
            ReachClass::UnknownAuthority,
            "admin.conf",
            Severity::Critical,
        ),
        (ReachClass::WrongName, "certSANs", Severity::Critical),
        (
            ReachClass::Unauthorized,
            "client-certificate-data",
            Severity::Critical,
        ),
        (ReachClass::Forbidden, "auth can-i --list", Severity::Error),
        (
            ReachClass::TooManyRequests,
            "api_priority_and_fairness",
            Severity::Error,
        ),
        (
            ReachClass::Unavailable,
            "readyz?verbose",
            Severity::Critical,
        ),
    ];
    let mut explanations = std::collections::HashSet::new();
    for (class, step, severity) in cases {
        let f = with_health(failed(class, None));
        let a = one(&f, "api-reachability");
        assert_eq!(
            (a.pane, a.severity),
            (Pane::ControlPlane, severity),
            "{class:?}"
        );
        assert!(a.summary.contains(class.label()), "{}", a.summary);
        assert!(
            a.next_steps.iter().any(|s| s.contains(step)),
            "{class:?}: {:?}",
            a.next_steps
        );
        assert!(
            explanations.insert(a.explanation.clone()),
            "{class:?} shares an explanation"
        );
        assert_eq!(a.object.name, "https://cp.example.com:6443");
    }
}

#[test]
fn alive_but_not_ready_on_etcd_is_critical_and_says_not_to_restart() {
    let mut h = healthy();
    h.readyz = Probed::Answered(HealthReport::parse(
        500,
        "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[-]etcd-readiness failed: reason withheld\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check failed\n",
    ));
    let f = with_health(h);
    let r = one(&f, "apiserver-not-ready");
    assert_eq!(r.severity, Severity::Critical);
    assert_eq!(
        r.summary,
        "the API server is alive but not ready: etcd, etcd-readiness"
    );
    assert!(r.explanation.contains("Restarting it does not help"));
    let ev = evidence_text(&r.clone());
    assert!(
        ev.contains("readyz [-]etcd: failed: reason withheld — the API server cannot reach etcd"),
        "{ev}"
    );
    assert!(r.next_steps.iter().any(|s| s.contains("etcdctl")));
}

#[test]
fn a_post_start_hook_or_shutdown_is_an_error_with_its_meaning() {
    let mut h = healthy();
    h.readyz = Probed::Answered(HealthReport::parse(
        500,
        "[+]ping ok\n[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\n[-]shutdown failed: reason withheld\nreadyz check failed",
    ));
    let f = with_health(h);
    let r = one(&f, "apiserver-not-ready");
    assert_eq!(r.severity, Severity::Error);
    assert!(r.explanation.contains("default RBAC roles"));
    assert!(r.explanation.contains("shutting down gracefully"));
}

#[test]
fn not_alive_is_told_apart_from_not_ready() {
    let mut h = healthy();
    h.livez = Probed::Answered(HealthReport::parse(
        500,
        "[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed",
    ));
    h.readyz = Probed::Answered(HealthReport::parse(
        500,
        "[-]etcd failed: reason withheld\nreadyz check failed",
    ));
    let f = with_health(h);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].check, "apiserver-not-live");
}

#[test]
fn forbidden_health_endpoints_are_not_a_verdict_on_health() {
    let mut h = healthy();
    let forbidden = Probed::Failed(Failure {
        class: ReachClass::Forbidden,
        status: Some(403),
        detail: "forbidden: User \"dev\" cannot get path \"/readyz\"".into(),
        retry_after: None,
    });
    h.readyz = forbidden;
    assert!(with_health(h).is_empty());
    // Refused everything, /version included: the user cannot use the cluster.
    let f = with_health(failed(ReachClass::Forbidden, Some(403)));
    assert_eq!(one(&f, "api-reachability").severity, Severity::Error);
}
