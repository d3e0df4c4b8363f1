//! The simulated cluster's own health over real HTTP: `/livez`, `/readyz`, `/healthz` with the
//! real check lists, `?verbose`, `?exclude=`, single checks and failing checks; Leases renewed
//! by live components and left stale by dead ones; the metrics API; and request counts.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Pod;
use kmedic::sim::{ScenarioSource, SimOptions};
use kube::api::{Api, ListParams, WatchParams};
use serde_json::json;
use sim_client::{client, get, get_json, raw_get, status_code};
use sim_fixtures::*;

const WAIT: Duration = Duration::from_secs(30);

async fn demo(live: bool) -> kmedic::sim::RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        live,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

async fn raw(sim: &kmedic::sim::RunningSim, path: &str) -> (u16, String) {
    raw_get(sim.addr, path).await
}

#[tokio::test]
async fn health_endpoints_list_the_real_checks() {
    let sim = demo(false).await;
    let (code, body) = raw(&sim, "/readyz?verbose").await;
    assert_eq!(code, 200);
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "[+]ping ok",
            "[+]log ok",
            "[+]etcd ok",
            "[+]etcd-readiness ok",
            "[+]informer-sync ok"
        ]
    );
    assert!(lines.contains(&"[+]poststarthook/rbac/bootstrap-roles ok"));
    assert_eq!(
        lines[lines.len() - 2..],
        ["[+]shutdown ok", "readyz check passed"]
    );
    let (_, livez) = raw(&sim, "/livez?verbose").await;
    assert!(
        !livez
            .lines()
            .any(|l| l == "[+]informer-sync ok" || l == "[+]shutdown ok"),
        "{livez}"
    );
    assert!(livez.ends_with("livez check passed\n"));
    assert_eq!(raw(&sim, "/healthz").await, (200, "ok".to_string()));
    assert_eq!(raw(&sim, "/readyz/etcd").await, (200, "ok".to_string()));
    assert_eq!(raw(&sim, "/readyz/no-such-check").await.0, 404);
    let (_, excluded) = raw(&sim, "/readyz?verbose&exclude=etcd&exclude=nonsense").await;
    assert!(excluded.contains("[+]etcd excluded: ok"), "{excluded}");
    assert!(
        excluded
            .contains("warn: some health checks cannot be excluded: no matches for \"nonsense\"")
    );

    sim.fail_health_check("etcd", "etcd client connection not yet established");
    let (code, body) = raw(&sim, "/readyz").await;
    assert_eq!(
        code, 500,
        "a failing check fails the endpoint, verbose or not"
    );
    assert!(body.contains("[-]etcd failed: reason withheld"), "{body}");
    assert!(body.contains("[-]etcd-readiness failed: reason withheld"));
    assert!(body.ends_with("readyz check failed\n"), "{body}");
    let (code, body) = raw(&sim, "/livez/etcd").await;
    assert_eq!(
        (code, body.as_str()),
        (
            500,
            "internal server error: etcd client connection not yet established\n"
        )
    );
    let (code, _) = raw(&sim, "/readyz?exclude=etcd&exclude=etcd-readiness").await;
    assert_eq!(code, 200, "excluded checks do not count");
    sim.heal_health_check("etcd");
    assert_eq!(raw(&sim, "/readyz").await.0, 200);
    sim.fail_health_check("shutdown", "process is shutting down");
    assert_eq!(raw(&sim, "/readyz").await.0, 500);
    assert_eq!(raw(&sim, "/livez").await.0, 200, "alive but not ready");
}

#[tokio::test]
async fn a_scenario_whose_etcd_is_down_fails_the_etcd_checks() {
    let mut etcd = pod(
        "kube-system",
        "etcd-cp-1",
        &["etcd"],
        "cp-1",
        "Running",
        json!({"component": "etcd", "tier": "control-plane"}),
    );
    etcd["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    let sim = start_objects(vec![namespace("kube-system"), etcd]).await;
    let (code, body) = raw(&sim, "/livez?verbose").await;
    assert_eq!(code, 500);
    assert!(body.contains("[-]etcd failed: reason withheld"));
    assert!(!body.contains("[-]log"));
}

fn renew_time(lease: &Lease) -> Timestamp {
    let t = lease
        .spec
        .as_ref()
        .and_then(|s| s.renew_time.as_ref())
        .unwrap();
    t.0.to_string().parse().unwrap()
}

#[tokio::test]
async fn live_components_renew_their_leases_and_dead_ones_do_not() {
    let sim = demo(true).await;
    let client = client(&sim).await;
    let node_leases: Api<Lease> = Api::namespaced(client.clone(), "kube-node-lease");
    let system: Api<Lease> = Api::namespaced(client.clone(), "kube-system");
    let kcm = system.get("kube-controller-manager").await.unwrap();
    assert_eq!(kcm.spec.as_ref().unwrap().lease_duration_seconds, Some(15));
    assert!(
        kcm.spec
            .as_ref()
            .unwrap()
            .holder_identity
            .as_deref()
            .unwrap()
            .starts_with("cp-1_")
    );
    let identities = system
        .list(&ListParams::default().labels("apiserver.kubernetes.io/identity=kube-apiserver"))
        .await
        .unwrap();
    assert_eq!(identities.items.len(), 1);
    // A test can make a kubelet stop: a Lease written with an old renewTime is never renewed.
    let mut stopped = node_leases.get("worker-1").await.unwrap();
    stopped.metadata.resource_version = None;
    let old = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(120))
        .unwrap();
    stopped.spec.as_mut().unwrap().renew_time = Some(
        k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(old),
    );
    sim.store()
        .upsert(serde_json::to_value(&stopped).unwrap())
        .unwrap();
    let first = renew_time(&node_leases.get("cp-1").await.unwrap());
    let kcm_first = renew_time(&kcm);
    // Watch until cp-1's kubelet renewed twice (10 s apart): the driver ran long enough.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut renewals = Vec::new();
    while renewals.len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "cp-1's lease was not renewed"
        );
        let mut stream = node_leases
            .watch(
                &WatchParams::default()
                    .fields("metadata.name=cp-1")
                    .timeout(20),
                "0",
            )
            .await
            .unwrap()
            .boxed();
        while let Some(Ok(event)) = stream.next().await {
            if let kube::api::WatchEvent::Modified(lease) = event {
                let t = renew_time(&lease);
                if t > first && !renewals.contains(&t) {
                    renewals.push(t);
                }
                if renewals.len() == 2 {
                    break;
                }
            }
        }
    }
    assert!(
        renewals[1].as_second() - renewals[0].as_second() >= 9,
        "{renewals:?}"
    );
    let kcm_now = renew_time(&system.get("kube-controller-manager").await.unwrap());
    assert!(
        kcm_now > kcm_first,
        "the controller-manager renews every 2 s"
    );
    let worker1 = renew_time(&node_leases.get("worker-1").await.unwrap());
    assert_eq!(
        worker1.as_microsecond(),
        old.as_microsecond(),
        "a stale lease stays stale"
    );
    let worker3 = renew_time(&node_leases.get("worker-3").await.unwrap());
    assert!(Timestamp::now().as_second() - worker3.as_second() > 20 * 60);
    let scheduler = renew_time(&system.get("kube-scheduler").await.unwrap());
    assert!(Timestamp::now().as_second() - scheduler.as_second() > 10 * 60);
    sim.shutdown().await;
}

#[tokio::test]
async fn metrics_api_serves_ready_nodes_and_running_pods() {
    let sim = demo(false).await;
    let client = client(&sim).await;
    let nodes = get_json(&client, "/apis/metrics.k8s.io/v1beta1/nodes")
        .await
        .unwrap();
    assert_eq!(nodes["kind"], "NodeMetricsList");
    let names: Vec<&str> = nodes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["cp-1", "worker-1", "worker-2"],
        "worker-3 is unreachable"
    );
    let cpu = nodes["items"][0]["usage"]["cpu"].as_str().unwrap();
    assert!(cpu.ends_with('n') && cpu.len() > 3, "{cpu}");
    let pods = get_json(&client, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")
        .await
        .unwrap();
    let pod_names: Vec<&str> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(pod_names.contains(&"frontend-5c7d9f8b6d-2hxkq"));
    assert!(
        !pod_names.contains(&"cart-7c9d8b6f4-x2k9p"),
        "a crash-looping container has no metrics"
    );
    let one = get_json(
        &client,
        "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/frontend-5c7d9f8b6d-2hxkq",
    )
    .await
    .unwrap();
    assert_eq!(one["kind"], "PodMetrics");
    assert_eq!(one["containers"][0]["name"], "nginx");
    let err = get_json(
        &client,
        "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/cart-7c9d8b6f4-x2k9p",
    )
    .await
    .unwrap_err();
    assert_eq!(status_code(&err), Some(404));
    // An unavailable metrics APIService makes the group answer 503, as the aggregator does.
    let mut service = (*sim
        .store()
        .find(
            "apiregistration.k8s.io/v1",
            "APIService",
            None,
            "v1beta1.metrics.k8s.io",
        )
        .unwrap())
    .clone();
    service["status"]["conditions"][0] =
        json!({"type": "Available", "status": "False", "reason": "MissingEndpoints"});
    sim.store().upsert(service).unwrap();
    // (Plain HTTP: kube-rs retries 503 answers.)
    let (code, body) = raw(&sim, "/apis/metrics.k8s.io/v1beta1/nodes").await;
    assert_eq!(code, 503);
    assert!(
        body.contains("the server is currently unable to handle the request"),
        "{body}"
    );
    assert_eq!(raw(&sim, "/apis/metrics.k8s.io/v1beta1").await.0, 503);
}

#[tokio::test]
async fn requests_are_counted_per_verb_and_resource() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let pods: Api<Pod> = Api::all(client.clone());
    pods.list(&ListParams::default()).await.unwrap();
    pods.list(&ListParams::default().limit(1)).await.unwrap();
    let _ = pods
        .watch(&WatchParams::default().timeout(1), "0")
        .await
        .unwrap();
    let _ = client
        .request_text(get("/api/v1/namespaces/default/pods/web-1"))
        .await
        .unwrap();
    let _ = client
        .request_text(get("/apis/apps/v1/watch/deployments?timeoutSeconds=1"))
        .await;
    assert_eq!(sim.list_requests("pods"), 2);
    assert_eq!(sim.watch_requests("pods"), 1);
    assert_eq!(sim.count_requests("get", "pods"), 1);
    assert_eq!(sim.watch_requests("deployments.apps"), 1);
    assert_eq!(sim.list_requests("deployments"), 0);
    let recorded = sim.requests();
    assert!(
        recorded
            .iter()
            .any(|r| r.verb() == Some("watch") && r.resource().as_deref() == Some("pods"))
    );
    sim.shutdown().await;
}
