//! The UI against a misbehaving cluster: unreachable at start, going away and coming back,
//! forbidden lists, expired watches (410 Gone), and changes arriving while it runs.

mod support;

use kmedic::app::state::Connection;
use kmedic::model::ResourceKind;
use kmedic::sim::{Forbidden, ScenarioSource, SimOptions};
use serde_json::json;
use support::*;

fn synced(state: &kmedic::app::AppState, kind: ResourceKind) -> bool {
    state.kinds.get(&kind).is_some_and(|k| k.synced)
}

fn reconnecting(state: &kmedic::app::AppState) -> bool {
    matches!(state.connection, Connection::Reconnecting { .. })
}

/// A port on 127.0.0.1 that nothing listens on (yet).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn kubeconfig_for(port: u16) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: c\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: t\n  context: {{cluster: c, user: u}}\n"
    )
}

fn new_pod(name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": "shop", "name": name, "labels": {"app": "late"}},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "main", "image": "example/late:1"}]},
        "status": {"phase": "Running", "podIP": "10.244.9.9",
            "containerStatuses": [{"name": "main", "ready": true, "restartCount": 0, "image": "example/late:1", "imageID": "",
                "state": {"running": {"startedAt": "2026-11-01T00:00:00Z"}}}]}
    })
}

#[tokio::test]
async fn unreachable_at_start_then_the_server_appears() {
    let port = free_port();
    let mut s = session(&kubeconfig_for(port), None, true).await;
    wait_state(&mut s, "the header to report the failure", reconnecting).await;
    let text = screen(&s, 160, 40);
    assert!(text.contains("reconnecting: connection refused"), "{text}");

    let _sim = kmedic::sim::start(SimOptions {
        port,
        live: false,
        ..SimOptions::default()
    })
    .await
    .expect("server on the port");
    wait_state(&mut s, "live data after the server appeared", |st| {
        st.connection == Connection::Live
            && synced(st, ResourceKind::Pods)
            && !st.rows(ResourceKind::Pods).is_empty()
    })
    .await;
    assert!(screen(&s, 160, 40).contains("● live"));
}

#[tokio::test]
async fn server_going_away_keeps_stale_data_and_recovers() {
    let sim = start_demo().await;
    let port = sim.addr.port();
    let store = sim.store();
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;
    let before = s.state.rows(ResourceKind::Pods).len();
    assert!(before > 0);

    sim.shutdown().await;
    wait_state(&mut s, "the disconnect to show", reconnecting).await;
    assert_eq!(
        s.state.rows(ResourceKind::Pods).len(),
        before,
        "last data is kept"
    );
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("[stale]") && text.contains("reconnecting"),
        "{text}"
    );

    // A change made while kmedic could not see the server shows up after it returns.
    store.upsert(new_pod("arrived-while-down")).expect("upsert");
    let _back = kmedic::sim::server::start_with_store(
        store,
        SimOptions {
            port,
            live: false,
            ..SimOptions::default()
        },
    )
    .await
    .expect("server back on the same port");
    wait_state(&mut s, "recovery with the new pod", |st| {
        st.connection == Connection::Live
            && st
                .rows(ResourceKind::Pods)
                .iter()
                .any(|r| r.key.name == "arrived-while-down")
    })
    .await;
    assert!(!screen(&s, 160, 40).contains("[stale]"));
}

#[tokio::test]
async fn forbidden_list_is_named_while_other_views_work() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden: vec![Forbidden {
            resource: "pods".into(),
            namespace: None,
        }],

        log_generators: Vec::new(),
    })
    .await
    .expect("sim");
    let mut s = session(&sim.kubeconfig_yaml(), Some("shop"), false).await;
    wait_state(&mut s, "pods refused", |st| {
        st.kinds
            .get(&ResourceKind::Pods)
            .is_some_and(|k| k.refused.is_some())
    })
    .await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("cannot list resource \"pods\"") && text.contains("shop"),
        "{text}"
    );

    command(&mut s, "no");
    wait_state(&mut s, "nodes", |st| synced(st, ResourceKind::Nodes)).await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("worker-1") && !text.contains("forbidden"),
        "{text}"
    );
    assert_eq!(
        s.state.connection,
        Connection::Live,
        "a 403 is not a connection problem"
    );
}

#[tokio::test]
async fn changes_stream_in_and_410_gone_relists() {
    let sim = start_demo().await;
    let store = sim.store();
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods", |st| synced(st, ResourceKind::Pods)).await;

    store.upsert(new_pod("late-joiner")).expect("upsert");
    wait_for_screen(&mut s, "late-joiner").await;

    store.delete_pod("shop", "late-joiner");
    wait_state(&mut s, "the deletion", |st| {
        !st.rows(ResourceKind::Pods)
            .iter()
            .any(|r| r.key.name == "late-joiner")
    })
    .await;

    // The server forgets its history: watches end with 410 and the client must re-list.
    store.expire_watches();
    store.upsert(new_pod("after-expiry")).expect("upsert");
    wait_for_screen(&mut s, "after-expiry").await;
    assert_eq!(s.state.connection, Connection::Live);
}

#[tokio::test]
async fn access_view_says_which_lists_are_refused() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden: vec![Forbidden {
            resource: "pods".into(),
            namespace: Some("shop".into()),
        }],
        ..SimOptions::default()
    })
    .await
    .expect("sim");
    let mut s = session(&sim.kubeconfig_yaml(), Some("shop"), false).await;
    command(&mut s, "can-i");
    let text = wait_for_screen(&mut s, "What kmedic needs").await;
    let line_of = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line_of("list   pods").contains("no "), "{text}");
    assert!(line_of("list   services").contains("yes"), "{text}");
    assert!(line_of("list   nodes").contains("cluster-wide"), "{text}");
    assert!(text.contains("Your rules in namespace shop"), "{text}");
    assert_eq!(
        sim.mutating_requests(),
        0,
        "access reviews are not mutations"
    );
}

#[tokio::test]
async fn a_namespace_can_be_typed_when_namespaces_cannot_be_listed() {
    let sim = kmedic::sim::start(SimOptions {
        source: ScenarioSource::Builtin,
        port: 0,
        live: false,
        forbidden: vec![Forbidden {
            resource: "namespaces".into(),
            namespace: None,
        }],
        ..SimOptions::default()
    })
    .await
    .expect("sim");
    let mut s = session(&sim.kubeconfig_yaml(), None, false).await;
    wait_state(&mut s, "namespaces refused", |st| {
        st.kinds
            .get(&ResourceKind::Namespaces)
            .is_some_and(|k| k.refused.is_some())
    })
    .await;
    type_text(&mut s, "n");
    type_text(&mut s, "shop");
    s.dispatch(key(crossterm::event::KeyCode::Enter));
    assert_eq!(
        s.state.scope,
        kmedic::cluster::Scope::Namespace("shop".into())
    );
    wait_state(&mut s, "shop pods", |st| {
        st.rows(ResourceKind::Pods)
            .iter()
            .any(|r| r.key.namespace == "shop")
    })
    .await;
}
