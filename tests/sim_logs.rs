//! The simulated cluster's pod logs: tail, previous instance, timestamps, containers, follow,
//! since.

#![allow(clippy::unwrap_used)]

#[path = "support/sim_client.rs"]
mod sim_client;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kmedic::sim::server::ContainerKey;
use kube::api::{Api, LogParams};

use sim_client::{client, status_code};
use sim_fixtures::*;

const WAIT: Duration = Duration::from_secs(10);

fn key(ns: &str, pod: &str, container: &str) -> ContainerKey {
    ContainerKey {
        namespace: ns.into(),
        pod: pod.into(),
        container: container.into(),
    }
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
