//! How the simulated cluster answers resourceVersions, as the real watch cache does: a
//! version it has not reached is waited for, then refused with a 504 `Timeout`
//! "Too large resource version" (also after a restart that lowered the versions, like a
//! restored API server); bookmarks come before a watch times out, and `sendInitialEvents`
//! ends its initial events with a `k8s.io/initial-events-end` bookmark.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::time::Duration;

use futures::StreamExt;
use kmedic::sim::SimOptions;
use serde_json::Value;
use sim_client::{client, raw_get, stream_lines};
use sim_fixtures::*;

const WAIT: Duration = Duration::from_secs(15);

async fn events(
    lines: &mut futures::stream::BoxStream<'static, std::io::Result<String>>,
    n: usize,
) -> Vec<Value> {
    let mut out = Vec::new();
    while out.len() < n {
        match tokio::time::timeout(WAIT, lines.next())
            .await
            .expect("event in time")
        {
            Some(line) => out.push(serde_json::from_str(&line.unwrap()).unwrap()),
            None => break,
        }
    }
    out
}

fn assert_too_large(status: &Value, requested: u64, current: u64) {
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["code"], 504);
    assert_eq!(status["reason"], "Timeout");
    assert_eq!(
        status["message"],
        format!("Timeout: Too large resource version: {requested}, current: {current}")
    );
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "ResourceVersionTooLarge"
    );
    assert_eq!(status["details"]["retryAfterSeconds"], 1);
}

#[tokio::test]
async fn a_version_from_the_future_is_refused_after_a_wait() {
    let sim = start_objects(small_cluster()).await;
    let c = client(&sim).await;
    let current = sim.store().resource_version();
    let ahead = current + 1000;
    let mut lines =
        stream_lines(&c, &format!("/api/v1/pods?watch=1&resourceVersion={ahead}")).await;
    let got = events(&mut lines, 2).await;
    assert_eq!(got.len(), 1, "one error, then the stream ends: {got:?}");
    assert_eq!(got[0]["type"], "ERROR");
    assert_too_large(&got[0]["object"], ahead, current);
    // A list too: 504 with the same Status (plain HTTP: kube-rs would retry a 504).
    let url = format!("/api/v1/pods?resourceVersion={ahead}&resourceVersionMatch=NotOlderThan");
    let (code, body) = raw_get(sim.addr, &url).await;
    assert_eq!(code, 504);
    assert_too_large(&serde_json::from_str(&body).unwrap(), ahead, current);
    // A version reached while waiting is served.
    let soon = current + 1;
    let mut lines = stream_lines(&c, &format!("/api/v1/pods?watch=1&resourceVersion={soon}")).await;
    sim.store().upsert(simple_pod("default", "web-3")).unwrap();
    sim.store().upsert(simple_pod("default", "web-4")).unwrap();
    let got = events(&mut lines, 1).await;
    assert_eq!(
        (
            got[0]["type"].as_str(),
            got[0]["object"]["metadata"]["name"].as_str()
        ),
        (Some("ADDED"), Some("web-4"))
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_restarted_server_with_lower_versions_behaves_like_a_restored_api_server() {
    let first = start_objects(small_cluster()).await;
    for i in 0..50 {
        first
            .store()
            .upsert(simple_pod("default", &format!("churn-{i}")))
            .unwrap();
    }
    let old_rv = first.store().resource_version();
    let port = first.addr.port();
    first.shutdown().await;
    let second = kmedic::sim::start(SimOptions {
        port,
        ..options(small_cluster(), Vec::new())
    })
    .await
    .unwrap();
    let current = second.store().resource_version();
    assert!(current < old_rv);
    let c = client(&second).await;
    let mut lines = stream_lines(
        &c,
        &format!("/api/v1/namespaces/default/pods?watch=1&resourceVersion={old_rv}"),
    )
    .await;
    let got = events(&mut lines, 1).await;
    assert_eq!(got[0]["type"], "ERROR");
    assert_too_large(&got[0]["object"], old_rv, current);
    second.shutdown().await;
}

#[tokio::test]
async fn bookmarks_before_the_timeout_and_after_initial_events() {
    let sim = start_objects(small_cluster()).await;
    let c = client(&sim).await;
    let rv = sim.store().resource_version();
    // The default interval is a minute; a watch with a 3 s timeout still gets one, 2 s before.
    let mut lines = stream_lines(
        &c,
        &format!(
            "/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion={rv}"
        ),
    )
    .await;
    let got = events(&mut lines, 2).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["type"], "BOOKMARK");
    assert_eq!(
        got[0]["object"]["metadata"]["resourceVersion"],
        rv.to_string()
    );
    let mut lines = stream_lines(
        &c,
        "/api/v1/namespaces/default/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=5",
    )
    .await;
    let got = events(&mut lines, 3).await;
    let kinds: Vec<&str> = got.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["ADDED", "ADDED", "BOOKMARK"]);
    assert_eq!(
        got[2]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    sim.shutdown().await;
}
