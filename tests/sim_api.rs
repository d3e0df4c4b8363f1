//! The simulated cluster's Kubernetes API, exercised through kube-rs over real sockets on
//! 127.0.0.1: paging, selectors, errors, watches (including 410 Gone), logs, RBAC, discovery
//! and shutdown.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kmedic::sim::server::ContainerKey;
use kmedic::sim::{Forbidden, SimOptions};
use kube::api::{Api, DeleteParams, ListParams, LogParams, PostParams};
use kube::runtime::watcher;
use serde_json::json;
use sim_client::{client, get_json, status_code, stream_lines};
use sim_fixtures::*;

const WAIT: Duration = Duration::from_secs(10);

fn many_pods(count: usize) -> Vec<serde_json::Value> {
    let mut objects = vec![namespace("ns-0"), namespace("ns-1"), namespace("ns-2")];
    for i in 0..count {
        let labels =
            json!({"app": if i % 2 == 0 { "even" } else { "odd" }, "index": i.to_string()});
        let phase = if i % 10 == 0 { "Pending" } else { "Running" };
        objects.push(pod(
            &format!("ns-{}", i % 3),
            &format!("pod-{i:05}"),
            &["app"],
            &format!("node-{}", i % 4),
            phase,
            labels,
        ));
    }
    objects
}

fn key(ns: &str, pod: &str, container: &str) -> ContainerKey {
    ContainerKey {
        namespace: ns.into(),
        pod: pod.into(),
        container: container.into(),
    }
}

#[tokio::test]
async fn list_pages_return_every_object_once() {
    let sim = start_objects(many_pods(1_234)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(100);
    let mut pages = 0;
    loop {
        let page = pods.list(&params).await.expect("page lists");
        pages += 1;
        if pages == 1 {
            assert_eq!(page.metadata.remaining_item_count, Some(1_134));
        }
        names.extend(
            page.items
                .iter()
                .map(|p| p.metadata.name.clone().unwrap_or_default()),
        );
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(pages, 13);
    let unique: BTreeSet<_> = names.iter().collect();
    assert_eq!((names.len(), unique.len()), (1_234, 1_234));

    let in_ns: Api<Pod> = Api::namespaced(client(&sim).await, "ns-1");
    let all = in_ns
        .list(&ListParams::default())
        .await
        .expect("lists a namespace");
    assert_eq!(all.items.len(), 411);
    assert!(
        all.items
            .iter()
            .all(|p| p.metadata.namespace.as_deref() == Some("ns-1"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn fifty_thousand_pods_page_and_watch() {
    let sim = start_objects(many_pods(50_000)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let (mut count, mut params) = (0, ListParams::default().limit(500));
    loop {
        let page = pods.list(&params).await.expect("page lists");
        count += page.items.len();
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(count, 50_000);
    let seen = Arc::new(Mutex::new(0usize));
    let counter = seen.clone();
    let watch = tokio::spawn(async move {
        let mut stream = watcher(pods, watcher::Config::default().page_size(500)).boxed();
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::InitApply(_)) => *counter.lock().unwrap() += 1,
                Ok(watcher::Event::InitDone) => break,
                _ => {}
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(60), watch)
        .await
        .expect("watch inits in time")
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), 50_000);
    sim.shutdown().await;
}

#[tokio::test]
async fn label_and_field_selectors_filter_lists() {
    let sim = start_objects(many_pods(30)).await;
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let names = |list: kube::core::ObjectList<Pod>| -> Vec<String> {
        list.items
            .into_iter()
            .map(|p| p.metadata.name.unwrap_or_default())
            .collect()
    };
    let cases: &[(&str, &str, usize)] = &[
        ("app=even", "", 15),
        ("app==odd", "", 15),
        ("app!=even", "", 15),
        ("index in (1, 2, 3)", "", 3),
        ("app=even,index notin (0,2)", "", 13),
        ("index", "", 30),
        ("!index", "", 0),
        ("", "status.phase=Pending", 3),
        ("", "status.phase!=Pending", 27),
        ("", "spec.nodeName=node-1,metadata.namespace=ns-1", 3),
        ("app=odd", "metadata.name=pod-00003", 1),
    ];
    for (labels, fields, expected) in cases {
        let params = ListParams::default().labels(labels).fields(fields);
        let got = names(pods.list(&params).await.expect("selector lists"));
        assert_eq!(
            got.len(),
            *expected,
            "labels {labels:?} fields {fields:?}: {got:?}"
        );
    }
    let error = pods
        .list(&ListParams::default().fields("spec.bogus=1"))
        .await
        .expect_err("unknown field");
    assert_eq!(status_code(&error), Some(400));
    assert!(
        error
            .to_string()
            .contains("field label not supported: spec.bogus"),
        "{error}"
    );
    let error = pods
        .list(&ListParams::default().labels("app in even"))
        .await
        .expect_err("bad selector");
    assert_eq!(status_code(&error), Some(400));
    sim.shutdown().await;
}

#[tokio::test]
async fn errors_are_status_objects() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    match pods.get("missing").await {
        Err(kube::Error::Api(status)) => {
            assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
            assert_eq!(status.message, "pods \"missing\" not found");
        }
        other => panic!("expected a 404 Status, got {other:?}"),
    }
    let cases = [
        ("/api/v1/pods?limit=abc", 400),
        ("/api/v1/pods?limit=-1", 400),
        ("/api/v1/pods?watch=1&timeoutSeconds=-1", 400),
        ("/api/v1/pods?labelSelector=(((", 400),
        ("/api/v1/pods?fieldSelector=nonsense", 400),
        ("/api/v1/pods?resourceVersion=abc", 400),
        (
            "/api/v1/namespaces/default/pods/web-1/log?limitBytes=x",
            400,
        ),
        (
            "/api/v1/namespaces/default/pods/web-1/log?follow=perhaps",
            400,
        ),
        (
            "/api/v1/namespaces/default/pods/web-1/log?sinceSeconds=0",
            400,
        ),
        ("/api/v1/pods?watch=maybe", 400),
        ("/api/v1/pods?continue=%%%", 400),
        ("/api/v1/namespaces/default/pods/web-1/log?tailLines=x", 400),
        ("/api/v1/nonsense", 404),
        ("/nothing/here", 404),
        ("/api/v1/namespaces/default/nodes", 404),
    ];
    for (path, code) in cases {
        let error = get_json(&client, path).await.expect_err(path);
        assert_eq!(status_code(&error), Some(code), "{path}: {error}");
    }
    let delete = http::Request::delete("/api/v1/pods")
        .body(Vec::new())
        .unwrap();
    let error = client
        .request::<serde_json::Value>(delete)
        .await
        .expect_err("405");
    assert_eq!(status_code(&error), Some(405));
    assert_eq!(
        pods.get("web-1")
            .await
            .expect("get")
            .metadata
            .name
            .as_deref(),
        Some("web-1")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn mutating_requests_are_served_and_recorded() {
    let sim = start_objects(small_cluster()).await;
    assert_eq!(sim.mutating_requests(), 0);
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let pod: Pod = serde_json::from_value(simple_pod("default", "created")).unwrap();
    let created = pods
        .create(&PostParams::default(), &pod)
        .await
        .expect("creates");
    assert!(created.metadata.uid.is_some() && created.metadata.resource_version.is_some());
    let error = pods
        .create(&PostParams::default(), &pod)
        .await
        .expect_err("exists");
    assert_eq!(status_code(&error), Some(409));
    pods.delete("web-1", &DeleteParams::default())
        .await
        .expect("deletes");
    assert!(sim.store().get_pod("default", "web-1").is_none());
    assert!(sim.store().get_pod("default", "created").is_some());
    assert_eq!(sim.mutating_requests(), 3);
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.method == http::Method::DELETE
                && r.path == "/api/v1/namespaces/default/pods/web-1")
    );
    sim.shutdown().await;
}

/// Collects watcher events as short strings ("init", "apply:name", ...).
fn spawn_watcher(
    api: Api<Pod>,
    config: watcher::Config,
) -> (Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let task = tokio::spawn(async move {
        let mut stream = watcher(api, config).boxed();
        while let Some(event) = stream.next().await {
            let entry = match event {
                Ok(watcher::Event::Init) => "init".to_string(),
                Ok(watcher::Event::InitApply(p)) => {
                    format!("init-apply:{}", p.metadata.name.unwrap_or_default())
                }
                Ok(watcher::Event::InitDone) => "init-done".to_string(),
                Ok(watcher::Event::Apply(p)) => {
                    format!("apply:{}", p.metadata.name.unwrap_or_default())
                }
                Ok(watcher::Event::Delete(p)) => {
                    format!("delete:{}", p.metadata.name.unwrap_or_default())
                }
                Err(e) => format!("error:{e}"),
            };
            sink.lock().unwrap().push(entry);
        }
    });
    (log, task)
}

fn position(log: &Arc<Mutex<Vec<String>>>, entry: &str) -> Option<usize> {
    log.lock().unwrap().iter().position(|e| e == entry)
}

#[tokio::test]
async fn watcher_sees_changes_after_the_initial_list() {
    let sim = start_objects(small_cluster()).await;
    let (log, task) = spawn_watcher(Api::all(client(&sim).await), watcher::Config::default());
    wait_for("initial list", WAIT, || position(&log, "init-done")).await;
    assert_eq!(log.lock().unwrap()[0], "init");
    assert!(position(&log, "init-apply:api-1").is_some());
    sim.store()
        .upsert(simple_pod("default", "late"))
        .expect("upsert");
    let late = wait_for("apply of the new pod", WAIT, || {
        position(&log, "apply:late")
    })
    .await;
    assert!(late > position(&log, "init-done").unwrap());
    sim.store().delete_pod("default", "late");
    wait_for("delete", WAIT, || position(&log, "delete:late")).await;
    task.abort();
    sim.shutdown().await;
}

#[tokio::test]
async fn watcher_relists_after_410_gone() {
    let sim = start_objects(small_cluster()).await;
    let (log, task) = spawn_watcher(Api::all(client(&sim).await), watcher::Config::default());
    wait_for("initial list", WAIT, || position(&log, "init-done")).await;
    let lists_before = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods" && !r.query.contains("watch"))
        .count();
    sim.store().expire_watches();
    sim.store()
        .upsert(simple_pod("default", "after-expiry"))
        .expect("upsert");
    wait_for("a second initial list with the new pod", WAIT, || {
        let log = log.lock().unwrap();
        let second_init = log
            .iter()
            .enumerate()
            .filter(|(_, e)| *e == "init")
            .nth(1)
            .map(|(i, _)| i)?;
        log[second_init..]
            .iter()
            .any(|e| e == "init-apply:after-expiry")
            .then_some(())
    })
    .await;
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|e| e.starts_with("error:") && e.contains("too old resource version")),
        "{:?}",
        log.lock().unwrap()
    );
    let lists_after = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods" && !r.query.contains("watch"))
        .count();
    assert!(lists_after > lists_before);
    // A watch from a resourceVersion older than the retained history fails the same way.
    let mut lines = stream_lines(
        &client(&sim).await,
        "/api/v1/pods?watch=1&resourceVersion=2",
    )
    .await;
    let line = lines.next().await.expect("one event").expect("readable");
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (event["type"].as_str(), event["object"]["code"].as_i64()),
        (Some("ERROR"), Some(410))
    );
    task.abort();
    sim.shutdown().await;
}

#[tokio::test]
async fn raw_watch_honours_selectors_timeout_and_bookmarks() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let rv = sim.store().resource_version();
    let path = format!(
        "/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dweb-1&resourceVersion={rv}&allowWatchBookmarks=true"
    );
    let mut lines = stream_lines(&client, &path).await;
    let mut changed = simple_pod("default", "web-1");
    changed["metadata"]["labels"] = json!({"app": "web-1", "extra": "yes"});
    sim.store().upsert(changed.clone()).unwrap();
    sim.store().upsert(simple_pod("default", "web-2")).unwrap();
    changed["metadata"]["labels"] = json!({"app": "other"});
    sim.store().upsert(changed).unwrap();
    let mut types = Vec::new();
    while types.len() < 3 {
        let line = tokio::time::timeout(WAIT, lines.next())
            .await
            .expect("event in time")
            .expect("open")
            .unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        types.push(format!(
            "{}:{}",
            event["type"].as_str().unwrap(),
            event["object"]["metadata"]["name"].as_str().unwrap_or("")
        ));
    }
    assert_eq!(types, ["MODIFIED:web-1", "DELETED:web-1", "BOOKMARK:"]);

    let started = std::time::Instant::now();
    let mut lines = stream_lines(&client, "/api/v1/pods?watch=1&timeoutSeconds=1").await;
    let mut added = 0;
    while let Some(line) = tokio::time::timeout(WAIT, lines.next())
        .await
        .expect("stream ends in time")
    {
        assert!(line.unwrap().contains("\"ADDED\""));
        added += 1;
    }
    assert_eq!(added, 4);
    assert!(started.elapsed() >= Duration::from_millis(900));
    sim.shutdown().await;
}

#[tokio::test]
async fn logs_tail_previous_timestamps_and_containers() {
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let t0 = jiff::Timestamp::from_second(1_767_225_600).unwrap();
    store.append_log(key("team-a", "api-1", "api"), t0, "old run".into());
    store.restart_container(key("team-a", "api-1", "api"));
    for i in 0..5 {
        store.append_log(
            key("team-a", "api-1", "api"),
            t0 + jiff::SignedDuration::from_millis(1500 * i),
            format!("line {i}"),
        );
    }
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "team-a");
    let api = |extra: fn(&mut LogParams)| {
        let mut params = LogParams {
            container: Some("api".into()),
            ..LogParams::default()
        };
        extra(&mut params);
        params
    };
    assert_eq!(
        pods.logs("api-1", &api(|_| {})).await.unwrap(),
        "line 0\nline 1\nline 2\nline 3\nline 4\n"
    );
    assert_eq!(
        pods.logs("api-1", &api(|p| p.tail_lines = Some(2)))
            .await
            .unwrap(),
        "line 3\nline 4\n"
    );
    assert_eq!(
        pods.logs("api-1", &api(|p| p.previous = true))
            .await
            .unwrap(),
        "old run\n"
    );
    let stamped = pods
        .logs(
            "api-1",
            &api(|p| {
                p.timestamps = true;
                p.tail_lines = Some(2)
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        stamped,
        "2026-01-01T00:00:04.5Z line 3\n2026-01-01T00:00:06Z line 4\n"
    );
    assert_eq!(
        pods.logs("api-1", &api(|p| p.limit_bytes = Some(10)))
            .await
            .unwrap(),
        "line 0\nlin"
    );

    let error = pods
        .logs("api-1", &LogParams::default())
        .await
        .expect_err("needs a container");
    assert_eq!(status_code(&error), Some(400));
    assert!(
        error.to_string().contains(
            "a container name must be specified for pod api-1, choose one of: [api sidecar]"
        ),
        "{error}"
    );
    let error = pods
        .logs(
            "api-1",
            &LogParams {
                container: Some("sidecar".into()),
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .expect_err("no previous");
    assert!(
        error
            .to_string()
            .contains("previous terminated container \"sidecar\" in pod \"api-1\" not found"),
        "{error}"
    );
    let error = pods
        .logs("nope", &LogParams::default())
        .await
        .expect_err("no pod");
    assert_eq!(status_code(&error), Some(404));
    sim.shutdown().await;
}

#[tokio::test]
async fn logs_follow_streams_until_the_pod_is_deleted() {
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    store.append_log(
        key("default", "web-1", "app"),
        jiff::Timestamp::now(),
        "first".into(),
    );
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let stream = pods
        .log_stream(
            "web-1",
            &LogParams {
                follow: true,
                ..LogParams::default()
            },
        )
        .await
        .unwrap();
    let mut lines = futures::AsyncBufReadExt::lines(Box::pin(stream));
    assert_eq!(lines.next().await.unwrap().unwrap(), "first");
    store.append_log(
        key("default", "web-1", "app"),
        jiff::Timestamp::now(),
        "second".into(),
    );
    store.append_log(
        key("default", "web-2", "app"),
        jiff::Timestamp::now(),
        "other pod".into(),
    );
    store.append_log(
        key("default", "web-1", "app"),
        jiff::Timestamp::now(),
        "third".into(),
    );
    assert_eq!(lines.next().await.unwrap().unwrap(), "second");
    assert_eq!(lines.next().await.unwrap().unwrap(), "third");
    store.delete_pod("default", "web-1");
    let end = tokio::time::timeout(WAIT, lines.next())
        .await
        .expect("stream ends when the pod goes");
    assert!(end.is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn forbidden_resources_answer_403() {
    let forbidden = vec![
        Forbidden {
            resource: "pods".into(),
            namespace: Some("team-a".into()),
        },
        Forbidden {
            resource: "secrets".into(),
            namespace: None,
        },
    ];
    let sim = kmedic::sim::start(options(small_cluster(), forbidden))
        .await
        .unwrap();
    let client = client(&sim).await;
    let error = Api::<Pod>::namespaced(client.clone(), "team-a")
        .list(&ListParams::default())
        .await
        .expect_err("403");
    match &error {
        kube::Error::Api(status) => {
            assert_eq!((status.code, status.reason.as_str()), (403, "Forbidden"));
            assert_eq!(
                status.message,
                "pods is forbidden: User \"kmedic-demo\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-a\""
            );
        }
        other => panic!("expected 403, got {other:?}"),
    }
    let error = Api::<Pod>::namespaced(client.clone(), "team-a")
        .get("api-1")
        .await
        .expect_err("403");
    assert!(
        error
            .to_string()
            .contains("pods \"api-1\" is forbidden: User \"kmedic-demo\" cannot get resource"),
        "{error}"
    );
    assert_eq!(
        Api::<Pod>::namespaced(client.clone(), "default")
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let error = Api::<k8s_openapi::api::core::v1::Secret>::all(client.clone())
        .list(&ListParams::default())
        .await
        .expect_err("403");
    assert!(
        error
            .to_string()
            .contains("cannot list resource \"secrets\" in API group \"\" at the cluster scope"),
        "{error}"
    );
    let review = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {"resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "team-a"}}});
    let request = http::Request::post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .header("content-type", "application/json")
        .body(review.to_string().into_bytes())
        .unwrap();
    let answer: serde_json::Value = client.request(request).await.unwrap();
    assert_eq!(answer["status"]["allowed"], json!(false));
    sim.shutdown().await;
}

#[tokio::test]
async fn discovery_and_health() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    for discovery in [
        kube::Discovery::new(client.clone())
            .run()
            .await
            .expect("legacy discovery"),
        kube::Discovery::new(client.clone())
            .run_aggregated()
            .await
            .expect("aggregated discovery"),
    ] {
        let groups: BTreeSet<String> = discovery.groups().map(|g| g.name().to_string()).collect();
        assert!(
            groups.contains("") && groups.contains("apps") && groups.contains("events.k8s.io"),
            "{groups:?}"
        );
        let (deployments, caps) = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .find(|(r, _)| r.plural == "deployments")
            .expect("deployments discovered");
        assert_eq!(
            (deployments.group.as_str(), deployments.kind.as_str()),
            ("apps", "Deployment")
        );
        assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
        let (_, node_caps) = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .find(|(r, _)| r.plural == "nodes")
            .expect("nodes");
        assert_eq!(node_caps.scope, kube::discovery::Scope::Cluster);
    }
    let version = client.apiserver_version().await.unwrap();
    assert!(version.git_version.starts_with("v1.33."));
    let groups = client.list_api_groups().await.unwrap();
    let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    for group in [
        "apps",
        "batch",
        "discovery.k8s.io",
        "events.k8s.io",
        "coordination.k8s.io",
        "networking.k8s.io",
    ] {
        assert!(names.contains(&group), "{group} missing from {names:?}");
    }
    let core = client.list_core_api_resources("v1").await.unwrap();
    let pods = core
        .resources
        .iter()
        .find(|r| r.name == "pods")
        .expect("pods listed");
    assert_eq!(
        (
            pods.kind.as_str(),
            pods.namespaced,
            pods.short_names.clone()
        ),
        ("Pod", true, Some(vec!["po".to_string()]))
    );
    assert!(pods.verbs.contains(&"watch".to_string()));
    let apps = client.list_api_group_resources("apps/v1").await.unwrap();
    assert!(
        apps.resources
            .iter()
            .any(|r| r.name == "deployments" && r.short_names == Some(vec!["deploy".into()]))
    );
    assert_eq!(
        client
            .request_text(sim_client::get("/readyz"))
            .await
            .unwrap(),
        "ok"
    );
    let verbose = client
        .request_text(sim_client::get("/livez?verbose"))
        .await
        .unwrap();
    assert!(verbose.contains("[+]ping ok") && verbose.contains("livez check passed"));
    let namespaces = Api::<Namespace>::all(client)
        .list(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(namespaces.items.len(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_ends_watches_and_the_port_can_be_reused() {
    let sim = start_objects(small_cluster()).await;
    let port = sim.addr.port();
    let store = sim.store();
    let client = client(&sim).await;
    let mut lines = stream_lines(&client, "/api/v1/pods?watch=1").await;
    for _ in 0..4 {
        lines.next().await.expect("initial ADDED").unwrap();
    }
    let mut follow = stream_lines(
        &client,
        "/api/v1/namespaces/default/pods/web-1/log?follow=true",
    )
    .await;
    sim.shutdown().await;
    let end = tokio::time::timeout(WAIT, lines.next())
        .await
        .expect("watch ends on shutdown");
    assert!(end.is_none() || end.is_some_and(|r| r.is_err()));
    let end = tokio::time::timeout(WAIT, follow.next())
        .await
        .expect("log follow ends on shutdown");
    assert!(end.is_none() || end.is_some_and(|r| r.is_err()));

    let opts = SimOptions {
        port,
        ..options(Vec::new(), Vec::new())
    };
    let again = kmedic::sim::start_with_store(store, opts)
        .await
        .expect("same port again");
    assert_eq!(again.addr.port(), port);
    let pods = Api::<Pod>::all(client)
        .list(&ListParams::default())
        .await
        .expect("old client reconnects");
    assert_eq!(pods.items.len(), 4);
    again.shutdown().await;
}

#[tokio::test]
async fn events_are_served_in_both_groups() {
    let sim = start_objects(small_cluster()).await;
    let client = client(&sim).await;
    let new_api: Api<k8s_openapi::api::events::v1::Event> = Api::all(client.clone());
    let events = new_api
        .list(&ListParams::default())
        .await
        .expect("events.k8s.io lists");
    assert_eq!(events.items.len(), 1);
    let event = &events.items[0];
    assert_eq!(
        event.note.as_deref(),
        Some("Back-off restarting failed container api")
    );
    assert_eq!(
        event.regarding.as_ref().and_then(|r| r.name.as_deref()),
        Some("api-1")
    );
    let core: Api<k8s_openapi::api::core::v1::Event> = Api::namespaced(client, "team-a");
    let selected = core
        .list(&ListParams::default().fields("involvedObject.name=api-1,involvedObject.kind=Pod"))
        .await
        .unwrap();
    assert_eq!(selected.items.len(), 1);
    assert_eq!(selected.items[0].metadata.uid, event.metadata.uid);
    let delete = kmedic::sim::mutation::Mutation::Delete {
        api_version: "v1".into(),
        kind: "Event".into(),
        namespace: Some("team-a".into()),
        name: "api-1.crash".into(),
    };
    sim.store().apply(delete).unwrap();
    assert!(
        new_api
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn scenario_mutations_apply_to_the_store() {
    use kmedic::sim::mutation::Mutation;
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let log = |line: &str| Mutation::Log {
        namespace: "default".into(),
        pod: "web-1".into(),
        container: "app".into(),
        time: jiff::Timestamp::now(),
        line: line.into(),
    };
    store.apply(log("before restart")).unwrap();
    store
        .apply(Mutation::ContainerRestarted {
            namespace: "default".into(),
            pod: "web-1".into(),
            container: "app".into(),
        })
        .unwrap();
    store.apply(log("after restart")).unwrap();
    store
        .apply(Mutation::Upsert(simple_pod("default", "extra")))
        .unwrap();
    store
        .apply(Mutation::Delete {
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: Some("default".into()),
            name: "web-2".into(),
        })
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    assert_eq!(
        pods.logs("web-1", &LogParams::default()).await.unwrap(),
        "after restart\n"
    );
    let previous = LogParams {
        previous: true,
        ..LogParams::default()
    };
    assert_eq!(
        pods.logs("web-1", &previous).await.unwrap(),
        "before restart\n"
    );
    let mut names: Vec<String> = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.metadata.name.unwrap_or_default())
        .collect();
    names.sort();
    assert_eq!(names, ["extra", "web-1"]);
    assert!(
        store
            .apply(Mutation::Upsert(
                json!({"apiVersion": "v9", "kind": "Nope", "metadata": {"name": "x"}})
            ))
            .is_err()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn bounded_history_expires_old_resource_versions() {
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let client = client(&sim).await;
    let old = store.resource_version();
    store.set_history_limit(5);
    for i in 0..10 {
        store
            .upsert(simple_pod("default", &format!("churn-{i}")))
            .unwrap();
    }
    let mut lines = stream_lines(
        &client,
        &format!("/api/v1/pods?watch=1&resourceVersion={old}"),
    )
    .await;
    let event: serde_json::Value =
        serde_json::from_str(&lines.next().await.unwrap().unwrap()).unwrap();
    assert_eq!(event["type"], "ERROR");
    assert_eq!(
        (
            event["object"]["code"].as_i64(),
            event["object"]["reason"].as_str()
        ),
        (Some(410), Some("Expired"))
    );
    assert!(
        event["object"]["message"]
            .as_str()
            .unwrap()
            .starts_with("too old resource version")
    );
    assert!(
        lines.next().await.is_none(),
        "the stream ends after the error"
    );
    // Within the window, events after the resourceVersion are replayed in order.
    let recent = store.resource_version() - 2;
    let path = format!("/api/v1/watch/namespaces/default/pods?resourceVersion={recent}");
    let mut lines = stream_lines(&client, &path).await;
    for expected in ["churn-8", "churn-9"] {
        let event: serde_json::Value =
            serde_json::from_str(&lines.next().await.unwrap().unwrap()).unwrap();
        assert_eq!(
            (
                event["type"].as_str(),
                event["object"]["metadata"]["name"].as_str()
            ),
            (Some("ADDED"), Some(expected))
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn logs_since_time_and_seconds() {
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let now = jiff::Timestamp::now();
    let container = key("default", "web-1", "app");
    store.append_log(
        container.clone(),
        now - jiff::SignedDuration::from_secs(3600),
        "an hour ago".into(),
    );
    store.append_log(
        container.clone(),
        now - jiff::SignedDuration::from_secs(5),
        "just now".into(),
    );
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let recent = LogParams {
        since_seconds: Some(60),
        ..LogParams::default()
    };
    assert_eq!(pods.logs("web-1", &recent).await.unwrap(), "just now\n");
    let since = (now - jiff::SignedDuration::from_secs(7200)).to_string();
    let path = format!("/api/v1/namespaces/default/pods/web-1/log?sinceTime={since}");
    let client = client(&sim).await;
    assert_eq!(
        client.request_text(sim_client::get(&path)).await.unwrap(),
        "an hour ago\njust now\n"
    );
    let ancient = "/api/v1/namespaces/default/pods/web-1/log?sinceSeconds=9223372036854775807";
    assert_eq!(
        client.request_text(sim_client::get(ancient)).await.unwrap(),
        "an hour ago\njust now\n"
    );
    let error = client
        .request_text(sim_client::get(
            "/api/v1/namespaces/default/pods/web-1/log?sinceTime=yesterday",
        ))
        .await;
    assert_eq!(error.as_ref().err().and_then(status_code), Some(400));
    sim.shutdown().await;
}

#[tokio::test]
async fn streaming_list_watcher_converges() {
    let sim = start_objects(small_cluster()).await;
    let config = watcher::Config::default().streaming_lists();
    let (log, task) = spawn_watcher(Api::namespaced(client(&sim).await, "team-a"), config);
    wait_for("initial events end", WAIT, || position(&log, "init-done")).await;
    {
        let log = log.lock().unwrap();
        let initial: BTreeSet<&str> = log
            .iter()
            .filter_map(|e| e.strip_prefix("init-apply:"))
            .collect();
        assert_eq!(initial, BTreeSet::from(["api-1", "batch-1"]));
    }
    sim.store()
        .upsert(simple_pod("team-a", "streamed"))
        .unwrap();
    wait_for("apply after the stream", WAIT, || {
        position(&log, "apply:streamed")
    })
    .await;
    let watches: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.query.contains("sendInitialEvents=true"))
        .collect();
    assert_eq!(
        watches.len(),
        1,
        "one streaming list, no plain list: {watches:?}"
    );
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path.ends_with("/pods") && !r.query.contains("watch"))
    );
    task.abort();
    sim.shutdown().await;
}

#[tokio::test]
async fn watcher_resumes_after_a_restart_on_the_same_port() {
    let sim = start_objects(small_cluster()).await;
    let port = sim.addr.port();
    let store = sim.store();
    let api: Api<Pod> = Api::all(client(&sim).await);
    let (log, task) = spawn_watcher(api, watcher::Config::default());
    wait_for("initial list", WAIT, || position(&log, "init-done")).await;
    sim.shutdown().await;
    store.upsert(simple_pod("default", "while-down")).unwrap();
    let again = kmedic::sim::start_with_store(
        store.clone(),
        SimOptions {
            port,
            ..options(Vec::new(), Vec::new())
        },
    )
    .await
    .expect("same port again");
    wait_for("the change made while the server was down", WAIT, || {
        position(&log, "apply:while-down")
    })
    .await;
    store
        .upsert(simple_pod("default", "after-restart"))
        .unwrap();
    wait_for("a change after the restart", WAIT, || {
        position(&log, "apply:after-restart")
    })
    .await;
    assert!(
        again
            .requests()
            .iter()
            .any(|r| r.query.contains("watch=true")),
        "the watcher reconnected"
    );
    task.abort();
    again.shutdown().await;
}

#[tokio::test]
async fn dropping_a_running_sim_stops_serving() {
    let sim = start_objects(small_cluster()).await;
    let addr = sim.addr;
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(sim);
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still listening on {addr}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
