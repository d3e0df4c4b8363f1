//! The built-in demo cluster yields exactly its intended application findings and root-cause
//! links, and nothing on its healthy objects.

#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use kmedic::findings::{Finding, Pane, Severity};
use kmedic::troubleshoot::{Options, Snapshot, analyze, group_by_root};

/// The demo as at its reference time (schedules and ages as written, whatever today's date).
fn demo() -> Vec<Finding> {
    let now: Timestamp = kmedic::sim::scenario::REFERENCE_TIME.parse().unwrap();
    let objects = kmedic::sim::scenario::builtin(now).unwrap();
    analyze(&Snapshot::from_objects(objects), now, &Options::default())
}

fn ids(findings: &[Finding]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}/{}/{}",
                f.check, f.object.kind, f.object.namespace, f.object.name
            )
        })
        .collect();
    v.sort();
    v
}

fn find<'a>(findings: &'a [Finding], check: &str, name: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.check == check && f.object.name == name)
        .unwrap_or_else(|| panic!("{check} {name} not in {:#?}", ids(findings)))
}

fn cause_names(f: &Finding) -> Vec<String> {
    f.caused_by
        .iter()
        .map(|c| format!("{} {}", c.check, c.object.name))
        .collect()
}

#[test]
fn demo_yields_exactly_its_intended_findings() {
    let findings = demo();
    let app: Vec<Finding> = findings
        .iter()
        .filter(|f| f.pane == Pane::App)
        .cloned()
        .collect();
    assert_eq!(
        ids(&app),
        vec![
            // X2: the edited kube-proxy DaemonSet's rollout stopped at its crash-looping pod.
            "daemonset-rollout-stuck DaemonSet/kube-system/kube-proxy",
            // flannel has no ready pod on the unreachable worker-3 (a warning under it).
            "daemonset-unavailable DaemonSet/kube-flannel/kube-flannel-ds",
            "deployment-stuck Deployment/payments/fraud-detector",
            "deployment-stuck Deployment/shop/cart",
            "deployment-stuck Deployment/shop/recommender",
            // Its pod was evicted and the replacement waits for the dead scheduler.
            "deployment-unavailable Deployment/monitoring/prometheus",
            "deployment-unavailable Deployment/shop/catalog",
            // The stuck kube-proxy rollout (the scheduler's crash is the control plane's).
            "pod-crashloop Pod/kube-system/kube-proxy-w8h5c",
            "pod-crashloop Pod/shop/cart-7c9d8b6f4-x2k9p",
            "pod-evicted Pod/monitoring/prometheus-6f4d8b7c59-vn2lc",
            "pod-image-pull Pod/shop/recommender-84f6c9d7b5-tq5wz",
            "pod-not-scheduled Pod/monitoring/prometheus-6f4d8b7c59-r7tq2",
            "pod-not-scheduled Pod/shop/cache-warmer-29454465-6vbqk",
            "pod-readiness-failing Pod/shop/catalog-6b9f7d5c8-q4n8s",
            "pod-unschedulable Pod/payments/fraud-detector-5d6c7b8f9-8wq3j",
        ]
    );
    // The network pane: X1 (DNS blocked by restrict-egress), X2 (kube-proxy 2 of 4 ready),
    // X3 (the LoadBalancer without an address), X4 and A4 (cart's endpoints exist but are
    // not ready; payments selects nothing), flannel down with worker-3.
    let network: Vec<Finding> = findings
        .iter()
        .filter(|f| f.pane == Pane::Network)
        .cloned()
        .collect();
    assert_eq!(
        ids(&network),
        vec![
            "dataplane-agent-not-ready DaemonSet/kube-flannel/kube-flannel-ds",
            "dataplane-agent-not-ready DaemonSet/kube-system/kube-proxy",
            "netpol-blocks-dns NetworkPolicy/payments/restrict-egress",
            "service-lb-no-address Service/shop/storefront-lb",
            "service-no-pods Service/payments/payments",
            "service-no-ready-endpoints Service/monitoring/prometheus",
            "service-no-ready-endpoints Service/payments/fraud-detector",
            "service-no-ready-endpoints Service/shop/cart",
            "service-no-ready-endpoints Service/shop/recommender",
        ]
    );
    // The control plane and nodes: the scheduler's crash (with its stale lease), worker-2
    // under disk pressure (evicting, its kube-proxy down), worker-1 behind on versions, and
    // the unreachable worker-3.
    let other: Vec<String> = ids(&findings
        .iter()
        .filter(|f| f.pane != Pane::App && f.pane != Pane::Network)
        .cloned()
        .collect::<Vec<_>>());
    assert_eq!(
        other,
        vec![
            "cp-component-failing Pod/kube-system/kube-scheduler-cp-1",
            "cp-leader-lease-stale Lease/kube-system/kube-scheduler",
            "node-disk-pressure Node//worker-2",
            "node-evictions Node//worker-2",
            "node-network-agent-not-ready Node//worker-2",
            "node-not-ready Node//worker-3",
            "node-version-outlier Node//worker-1",
            "node-version-skew Node//worker-1",
            "node-warning-events Node//worker-2",
            // The scheduler's mirror pod's generic crash finding, folded under its
            // control-plane finding.
            "pod-crashloop Pod/kube-system/kube-scheduler-cp-1",
        ]
    );
}

#[test]
fn demo_findings_explain_the_failures() {
    let f = demo();
    let cart = find(&f, "pod-crashloop", "cart-7c9d8b6f4-x2k9p");
    assert_eq!(cart.severity, Severity::Error);
    assert!(
        cart.summary.contains("OOMKilled (exit code 137)"),
        "{}",
        cart.summary
    );
    assert!(
        cart.evidence
            .iter()
            .any(|e| e.label == "memory limit" && e.value == "256Mi")
    );
    assert!(cart.evidence.iter().any(|e| e.label == "event BackOff"));

    let rec = find(&f, "pod-image-pull", "recommender-84f6c9d7b5-tq5wz");
    assert!(rec.summary.ends_with("image not found"), "{}", rec.summary);

    let fraud = find(&f, "pod-unschedulable", "fraud-detector-5d6c7b8f9-8wq3j");
    // 10Gi is more than any node has: repairing the NotReady node would not help.
    assert_eq!(
        fraud.summary,
        "pod cannot be scheduled: it requests 10Gi memory, more than any node has (largest: 7.7Gi allocatable)"
    );
    assert!(
        !fraud
            .next_steps
            .iter()
            .any(|s| s.contains("fix the NotReady node")),
        "{:?}",
        fraud.next_steps
    );
    assert!(
        fraud.explanation.contains("the pod requests memory 10Gi"),
        "{}",
        fraud.explanation
    );
    assert!(fraud.explanation.contains("NotReady/unreachable"));
    // worker-1 and worker-2 are Ready: the NotReady node is not the cause.
    assert!(fraud.caused_by.is_empty());

    let pay = find(&f, "service-no-pods", "payments");
    assert!(
        pay.evidence
            .iter()
            .any(|e| e.value.contains("pods have app=payments")),
        "{:?}",
        pay.evidence
    );

    let cat = find(&f, "pod-readiness-failing", "catalog-6b9f7d5c8-q4n8s");
    assert!(cat.explanation.contains("reports itself unhealthy"));
    assert!(
        cat.evidence
            .iter()
            .any(|e| e.label == "event Unhealthy" && e.value.contains("statuscode: 503"))
    );
}

#[test]
fn demo_root_causes_come_first_and_link_their_symptoms() {
    let f = demo();
    assert_eq!(
        cause_names(find(&f, "service-no-ready-endpoints", "cart")),
        vec!["pod-crashloop cart-7c9d8b6f4-x2k9p"]
    );
    assert_eq!(
        cause_names(find(&f, "deployment-stuck", "recommender")),
        vec!["pod-image-pull recommender-84f6c9d7b5-tq5wz"]
    );
    assert_eq!(
        cause_names(find(&f, "deployment-stuck", "fraud-detector")),
        vec!["pod-unschedulable fraud-detector-5d6c7b8f9-8wq3j"]
    );
    assert_eq!(
        cause_names(find(&f, "deployment-unavailable", "catalog")),
        vec!["pod-readiness-failing catalog-6b9f7d5c8-q4n8s"]
    );
    // Roots first.
    let first_symptom = f.iter().position(|x| !x.caused_by.is_empty()).unwrap();
    assert!(f[first_symptom..].iter().all(|x| !x.caused_by.is_empty()));
    let groups = group_by_root(&f);
    let roots: Vec<&str> = groups.iter().map(|g| f[g.root].check.as_str()).collect();
    assert!(!roots.contains(&"service-no-ready-endpoints"), "{roots:?}");
    let cart = groups
        .iter()
        .find(|g| f[g.root].object.name == "cart-7c9d8b6f4-x2k9p")
        .unwrap();
    assert_eq!(cart.symptoms.len(), 2);
}

#[test]
fn synthetic_cluster_failures_are_found() {
    let now = Timestamp::now();
    let snap = Snapshot::from_objects(kmedic::sim::scenario::synthetic(2000, 20, 10, now));
    let f = analyze(&snap, now, &Options::default());
    assert!(f.iter().any(|x| x.check == "pod-crashloop"));
    assert!(f.iter().any(|x| x.check == "pod-image-pull"));
}

#[test]
fn namespace_scoped_analysis_matches_the_full_one() {
    let now: Timestamp = kmedic::sim::scenario::REFERENCE_TIME.parse().unwrap();
    let snap = Snapshot::from_objects(kmedic::sim::scenario::builtin(now).unwrap());
    let full = analyze(&snap, now, &Options::default());
    for ns in ["shop", "payments", "monitoring", "kube-system"] {
        let opts = Options {
            namespace: Some(ns.to_string()),
            ..Options::default()
        };
        let scoped = analyze(&snap, now, &opts);
        let expected: Vec<Finding> = full
            .iter()
            .filter(|f| f.object.namespace == ns)
            .cloned()
            .collect();
        // Cluster-scoped causes of the namespace's findings are kept (Options::namespace).
        let causes: Vec<String> = scoped
            .iter()
            .flat_map(|f| f.caused_by.iter())
            .map(|c| c.object.name.clone())
            .collect();
        let (own, extra): (Vec<Finding>, Vec<Finding>) =
            scoped.into_iter().partition(|f| f.object.namespace == ns);
        // And cluster-level findings (control plane, nodes …) show in every namespace.
        assert!(
            extra
                .iter()
                .all(|f| kmedic::troubleshoot::cluster_level(f) || causes.contains(&f.object.name)),
            "{ns}: {:?}",
            ids(&extra)
        );
        assert_eq!(ids(&own), ids(&expected), "{ns}");
    }
}
