//! One data path: the tables and the analysis engine read the same watch-fed caches. After the
//! initial sync, changes reach both the table and the findings through the watches alone — the
//! server sees no further LIST — and a LIST happens again only when the watch protocol demands
//! it (410 Gone after the server forgot its history).

mod support;

use kmedic::model::ResourceKind;
use serde_json::json;
use support::*;

/// Every collection the session listed so far, per resource.
fn lists(sim: &kmedic::sim::RunningSim) -> Vec<(&'static str, usize)> {
    [
        "pods",
        "nodes",
        "namespaces",
        "services",
        "events",
        "deployments",
        "replicasets",
        "daemonsets",
        "statefulsets",
        "jobs",
        "endpointslices",
        "leases",
    ]
    .into_iter()
    .map(|r| (r, sim.list_requests(r)))
    .collect()
}

fn pull_failure(name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": "shop", "name": name, "uid": format!("uid-{name}"),
            "creationTimestamp": "2026-01-01T00:00:00Z", "labels": {"app": "typo"}},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "app", "image": "registry.example/typo:nope"}]},
        "status": {"phase": "Pending", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
            "image": "registry.example/typo:nope", "imageID": "",
            "state": {"waiting": {"reason": "ImagePullBackOff",
                "message": "Back-off pulling image \"registry.example/typo:nope\""}}}]}
    })
}

fn found(state: &kmedic::app::AppState, pod: &str) -> bool {
    state
        .troubleshoot
        .analysis
        .as_ref()
        .is_some_and(|a| a.findings.iter().any(|f| f.object.name == pod))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_initial_sync_only_watches_feed_tables_and_findings() {
    let sim = start_demo().await;
    let store = sim.store();
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods listed and analysed", |st| {
        st.kinds.get(&ResourceKind::Pods).is_some_and(|k| k.synced)
            && st.troubleshoot.analysis.is_some()
    })
    .await;
    let before = lists(&sim);
    assert!(
        before.iter().all(|(_, n)| *n >= 1),
        "every kind was listed once to start: {before:?}"
    );

    // Ten failing pods arrive one by one: each reaches the table and the findings.
    for i in 0..10 {
        store
            .upsert(pull_failure(&format!("typo-{i}")))
            .expect("upsert");
    }
    wait_state(&mut s, "the ten new failures analysed", |st| {
        (0..10).all(|i| found(st, &format!("typo-{i}")))
    })
    .await;
    wait_state(&mut s, "the new pods in the table", |st| {
        let rows = st.rows(ResourceKind::Pods);
        (0..10).all(|i| rows.iter().any(|r| r.key.name == format!("typo-{i}")))
    })
    .await;
    // And one goes away: its finding goes with it.
    store.delete_pod("shop", "typo-3");
    wait_state(&mut s, "the deleted pod's finding gone", |st| {
        !found(st, "typo-3") && found(st, "typo-4")
    })
    .await;
    assert_eq!(
        lists(&sim),
        before,
        "changes travel over the watches: no LIST after the initial sync"
    );

    // The server forgets its history: every watch ends with 410 Gone and must re-list once.
    let pods_before = sim.list_requests("pods");
    store.expire_watches();
    store.upsert(pull_failure("after-expiry")).expect("upsert");
    wait_state(&mut s, "the pod added after expiry analysed", |st| {
        found(st, "after-expiry")
    })
    .await;
    let pods_after = sim.list_requests("pods");
    assert!(
        pods_after > pods_before && pods_after <= 2 * pods_before,
        "one relist per pod watch after 410 Gone: {pods_before} → {pods_after}"
    );
    assert_eq!(sim.mutating_requests(), 0);
}

/// The certificate findings `kmedic certs` reports are part of the same analysis: the
/// Troubleshoot view's Certificates tab and the header badge count them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_findings_reach_the_troubleshoot_view_and_the_badge() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    let has_cert = |st: &kmedic::app::AppState| {
        st.troubleshoot.analysis.as_ref().is_some_and(|a| {
            a.findings.iter().any(|f| {
                f.pane == kmedic::findings::Pane::Certs
                    && f.check == "cert-expired"
                    && f.object.name == "payments-tls"
            })
        })
    };
    wait_state(&mut s, "the expired demo certificate analysed", has_cert).await;
    let state = &s.state;
    let analysis = state.troubleshoot.analysis.as_ref().expect("analysis");
    let errors = analysis
        .findings
        .iter()
        .filter(|f| f.severity == kmedic::findings::Severity::Error)
        .count();
    assert_eq!(
        state.troubleshoot.counts().1,
        errors,
        "the badge counts them"
    );
    let tab = kmedic::app::troubleshoot::TABS
        .iter()
        .position(|t| t.title == "Certificates")
        .expect("a Certificates tab");
    let mut shown = state.troubleshoot.clone();
    shown.tab = tab;
    assert!(
        !shown.rows().is_empty(),
        "the Certificates tab lists what `kmedic certs` found"
    );
}
