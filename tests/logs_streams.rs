//! Log streams that outlive trouble: reconnecting after the server goes away (resuming with
//! `sinceTime`, nothing duplicated or lost), multi-pod tails that follow the pod watch, and the
//! bounded buffer with its dropped counter.

#[path = "support/logs_fixtures.rs"]
mod logs_fixtures;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;
mod support;

use jiff::{SignedDuration, Timestamp};
use kmedic::logs::StreamState;
use kmedic::model::ResourceKind;
use kmedic::sim::{ScenarioSource, SimOptions};
use logs_fixtures::*;
use serde_json::json;
use sim_fixtures::*;
use support::*;

#[tokio::test]
async fn a_dropped_stream_resumes_without_duplicates_or_gaps() {
    let sim = start_objects(small_cluster()).await;
    let store = sim.store();
    let web = container("default", "web-1", "app");
    // Several lines share one timestamp: resuming must skip exactly the ones already shown.
    let t0 = Timestamp::now() - SignedDuration::from_millis(10);
    for i in 0..5 {
        store.append_log(
            web.clone(),
            t0 - SignedDuration::from_millis(5 - i),
            format!("a-{i}"),
        );
    }
    for i in 5..10 {
        store.append_log(web.clone(), t0, format!("a-{i}"));
    }
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the first lines", |st| has_line(st, "a-9")).await;

    let port = sim.addr.port();
    sim.shutdown().await;
    wait_state(&mut s, "the pane to say it reconnects", |st| {
        matches!(
            pane(st).and_then(|p| p.sources.first()).map(|s| &s.state),
            Some(StreamState::Reconnecting { .. })
        )
    })
    .await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("reconnecting ("),
        "the reason is shown:\n{text}"
    );

    // Written while the server is away, partly with the very same timestamp.
    for i in 0..3 {
        store.append_log(web.clone(), t0, format!("b-{i}"));
    }
    for i in 3..10 {
        store.append_log(web.clone(), Timestamp::now(), format!("b-{i}"));
    }
    let _back = kmedic::sim::start_with_store(
        store.clone(),
        SimOptions {
            source: ScenarioSource::Objects(Vec::new()),
            port,
            live: false,
            forbidden: Vec::new(),
            log_generators: Vec::new(),
        },
    )
    .await
    .expect("the server comes back on the same port");
    wait_state(&mut s, "the lines written meanwhile", |st| {
        has_line(st, "b-9")
    })
    .await;
    wait_state(&mut s, "streaming again", |st| {
        pane(st).and_then(|p| p.sources.first()).map(|s| &s.state) == Some(&StreamState::Streaming)
    })
    .await;
    let mut expected = numbered("a", 0..10);
    expected.extend(numbered("b", 0..10));
    assert_eq!(texts(&s.state), expected, "no duplicates, no gaps");
    store.append_log(web.clone(), Timestamp::now(), "c-0".to_string());
    wait_state(&mut s, "following after the reconnect", |st| {
        has_line(st, "c-0")
    })
    .await;
    assert_eq!(texts(&s.state).len(), 21);
}

fn web_cluster() -> Vec<serde_json::Value> {
    vec![
        namespace("default"),
        node("node-1"),
        deployment("default", "web", 2, 2),
        service("default", "web"),
        simple_pod("default", "web-1"),
        pod(
            "default",
            "web-2",
            &["app"],
            "node-1",
            "Running",
            json!({"app": "web"}),
        ),
        pod(
            "default",
            "db-1",
            &["app"],
            "node-1",
            "Running",
            json!({"app": "db"}),
        ),
    ]
}

fn fix_labels(mut objects: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    // simple_pod labels a pod with its own name; web-1 belongs to the web Deployment.
    objects[4]["metadata"]["labels"] = json!({"app": "web"});
    objects
}

fn tags(st: &kmedic::app::AppState) -> Vec<String> {
    pane(st)
        .map(|p| {
            p.sources
                .iter()
                .map(|s| {
                    format!(
                        "{}/{}{}",
                        s.pod,
                        s.container,
                        if s.left { " (left)" } else { "" }
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn multi_pod_tail_follows_pods_joining_and_leaving() {
    let sim = start_objects(fix_labels(web_cluster())).await;
    write(
        &sim,
        &container("default", "web-1", "app"),
        &["w1-0".to_string()],
    );
    write(
        &sim,
        &container("default", "web-2", "app"),
        &["w2-0".to_string()],
    );
    write(
        &sim,
        &container("default", "db-1", "app"),
        &["db-0".to_string()],
    );
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    select(&mut s, ResourceKind::Deployments, "web").await;
    type_text(&mut s, "L");
    wait_state(&mut s, "both pods' lines", |st| {
        has_line(st, "w1-0") && has_line(st, "w2-0")
    })
    .await;
    let text = wait_for_screen(&mut s, "Deployment/web").await;
    assert!(
        text.contains("[1/app] w1-0") && text.contains("[2/app] w2-0"),
        "tagged lines:\n{text}"
    );
    assert!(!has_line(&s.state, "db-0"), "other pods stay out");

    // A pod that appears later joins by itself.
    sim.store()
        .upsert(pod(
            "default",
            "web-3",
            &["app"],
            "node-1",
            "Running",
            json!({"app": "web"}),
        ))
        .expect("pod created");
    write(
        &sim,
        &container("default", "web-3", "app"),
        &["w3-0".to_string()],
    );
    wait_state(&mut s, "the new pod's line", |st| has_line(st, "w3-0")).await;
    assert!(has_line(&s.state, "── web-3 pod joined ──"));

    // A pod that goes away is marked, not silently dropped.
    sim.store().delete_pod("default", "web-1");
    wait_state(&mut s, "web-1 marked as left", |st| {
        has_line(st, "── web-1 left ──")
    })
    .await;
    assert_eq!(
        tags(&s.state),
        ["web-1/app (left)", "web-2/app", "web-3/app"]
    );
    assert!(has_line(&s.state, "w1-0"), "its lines stay");
    let text = wait_for_screen(&mut s, "web-1 left").await;
    assert!(text.contains("2 pods, 2/2 streaming"), "{text}");
    write(
        &sim,
        &container("default", "web-2", "app"),
        &["w2-1".to_string()],
    );
    wait_state(&mut s, "the others keep streaming", |st| {
        has_line(st, "w2-1")
    })
    .await;
}

#[tokio::test]
async fn service_and_typed_selectors_pick_their_pods() {
    let sim = start_objects(fix_labels(web_cluster())).await;
    write(
        &sim,
        &container("default", "web-2", "app"),
        &["w2-0".to_string()],
    );
    write(
        &sim,
        &container("default", "db-1", "app"),
        &["db-0".to_string()],
    );
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    select(&mut s, ResourceKind::Services, "web").await;
    type_text(&mut s, "L");
    wait_state(&mut s, "the service's pods", |st| {
        has_line(st, "w2-0") && tags(st).len() == 2
    })
    .await;
    assert!(!has_line(&s.state, "db-0"));
    wait_for_screen(&mut s, "Service/web").await;

    s.dispatch(key(crossterm::event::KeyCode::Esc));
    type_text(&mut s, "T");
    type_text(&mut s, "app=db");
    s.dispatch(key(crossterm::event::KeyCode::Enter));
    wait_state(&mut s, "the typed selector's pod", |st| {
        has_line(st, "db-0")
    })
    .await;
    assert_eq!(tags(&s.state), ["db-1/app"]);
    assert!(!has_line(&s.state, "w2-0"));
    wait_for_screen(&mut s, "-l app=db").await;
}

#[tokio::test]
async fn the_buffer_is_bounded_and_says_how_many_lines_it_dropped() {
    let sim = start_objects(small_cluster()).await;
    let web = container("default", "web-1", "app");
    write(&sim, &web, &numbered("line", 0..500));
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    s.state.log_settings.max_lines = 100;
    open_pod_logs(&mut s, "web-1").await;
    wait_state(&mut s, "the last line", |st| has_line(st, "line-499")).await;
    assert_eq!(
        texts(&s.state),
        numbered("line", 400..500),
        "the newest 100 lines are kept"
    );
    assert_eq!(pane(&s.state).map(|p| p.buffer.dropped), Some(400));
    let text = wait_for_screen(&mut s, "400 dropped").await;
    assert!(text.contains("100 lines"), "{text}");
    write(&sim, &web, &numbered("more", 0..50));
    wait_state(&mut s, "more lines", |st| has_line(st, "more-49")).await;
    assert_eq!(
        pane(&s.state).map(|p| (p.buffer.len(), p.buffer.dropped)),
        Some((100, 450))
    );
}

#[tokio::test]
async fn logs_command_tails_a_statefulset_with_match_expressions() {
    let mut objects = fix_labels(web_cluster());
    objects.push(json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"namespace": "default", "name": "db"},
        "spec": {
            "replicas": 1, "serviceName": "db",
            "selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "app", "image": "db:1"}]}}
        }
    }));
    let sim = start_objects(objects).await;
    write(
        &sim,
        &container("default", "db-1", "app"),
        &["db-0".to_string()],
    );
    write(
        &sim,
        &container("default", "web-2", "app"),
        &["w2-0".to_string()],
    );
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;
    command(&mut s, "logs sts/db");
    wait_state(&mut s, "the statefulset's pod", |st| has_line(st, "db-0")).await;
    assert_eq!(tags(&s.state), ["db-1/app"]);
    wait_for_screen(&mut s, "StatefulSet/db").await;

    command(&mut s, "logs web-2");
    wait_state(&mut s, "a pod by name", |st| has_line(st, "w2-0")).await;
    assert!(
        !has_line(&s.state, "db-0"),
        "the new pane replaced the old one"
    );
    command(&mut s, "logs cm/x");
    assert!(s.state.notice.as_ref().is_some_and(|n| n.error));
}
