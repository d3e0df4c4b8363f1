//! The simulated cluster's watches through kube-rs and raw HTTP: changes after the initial
//! list, 410 Gone and re-lists, bookmarks, timeouts, selectors, bounded history, streaming lists,
//! and servers going away and coming back on the same port.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;

use kmedic::sim::SimOptions;
use kube::api::{Api, ListParams};
use kube::runtime::watcher;
use serde_json::json;
use sim_client::{client, stream_lines};
use sim_fixtures::*;

const WAIT: Duration = Duration::from_secs(10);

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
    // The real watch cache sends bookmarks about every minute; a test need not wait that long.
    sim.set_bookmark_interval(Duration::from_millis(500));
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
