//! Switching contexts live: the old cluster's watches stop and nothing of theirs lands in the new
//! view; unreachable or broken contexts are reported without freezing anything.

mod support;

use kmedic::app::state::Connection;
use kmedic::model::ResourceKind;
use kmedic::sim::{ScenarioSource, SimOptions};
use serde_json::json;
use support::*;

fn pod(ns: &str, name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": ns, "name": name},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "i"}]},
        "status": {"phase": "Running"}
    })
}

fn namespace(name: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "status": {"phase": "Active"}})
}

async fn sim_with(objects: Vec<serde_json::Value>) -> kmedic::sim::RunningSim {
    kmedic::sim::start(SimOptions {
        source: ScenarioSource::Objects(objects),
        live: false,
        ..SimOptions::default()
    })
    .await
    .expect("sim")
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A kubeconfig with contexts `a` and `b` (two simulated clusters), `dead` (nothing listens),
/// `broken` (a CA file that does not exist) and `plugin` (an exec plugin that fails).
fn kubeconfig(a: u16, b: u16, dead: u16) -> String {
    format!(
        r#"apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster: {{server: "http://127.0.0.1:{a}"}}
- name: cb
  cluster: {{server: "http://127.0.0.1:{b}"}}
- name: cdead
  cluster: {{server: "http://127.0.0.1:{dead}"}}
- name: cbroken
  cluster: {{server: "https://127.0.0.1:{dead}", certificate-authority: /nonexistent/kmedic-ca.crt}}
users:
- name: u
  user: {{token: t}}
- name: p
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /nonexistent/kmedic-auth-plugin
contexts:
- name: a
  context: {{cluster: ca, user: u, namespace: team-a}}
- name: b
  context: {{cluster: cb, user: u, namespace: team-b}}
- name: dead
  context: {{cluster: cdead, user: u}}
- name: broken
  context: {{cluster: cbroken, user: u}}
- name: plugin
  context: {{cluster: cb, user: p}}
"#
    )
}

fn pod_names(state: &kmedic::app::AppState) -> Vec<String> {
    state
        .rows(ResourceKind::Pods)
        .iter()
        .map(|r| r.key.name.to_string())
        .collect()
}

fn live_with(state: &kmedic::app::AppState, name: &str) -> bool {
    state.connection == Connection::Live && pod_names(state).iter().any(|n| n == name)
}

#[tokio::test]
async fn switching_drops_the_old_clusters_data_and_late_events() {
    let a = sim_with(vec![namespace("team-a"), pod("team-a", "from-a")]).await;
    let b = sim_with(vec![namespace("team-b"), pod("team-b", "from-b")]).await;
    let mut s = session(
        &kubeconfig(a.addr.port(), b.addr.port(), closed_port()),
        None,
        false,
    )
    .await;
    assert_eq!(s.state.contexts.len(), 5, "every context is listed");
    wait_state(&mut s, "cluster a", |st| live_with(st, "from-a")).await;

    command(&mut s, "ctx b");
    assert_eq!(s.state.target.context, "b");
    assert!(
        pod_names(&s.state).is_empty(),
        "nothing of cluster a is shown after the switch"
    );
    // A change in the old cluster right after the switch must never appear.
    a.store()
        .upsert(pod("team-a", "late-from-a"))
        .expect("upsert");
    wait_state(&mut s, "cluster b", |st| live_with(st, "from-b")).await;
    b.store()
        .upsert(pod("team-b", "after-switch"))
        .expect("upsert");
    wait_state(&mut s, "a change in cluster b", |st| {
        live_with(st, "after-switch")
    })
    .await;
    assert!(
        !pod_names(&s.state).iter().any(|n| n.contains("from-a")),
        "{:?}",
        pod_names(&s.state)
    );
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("context: b") && text.contains("team-b"),
        "{text}"
    );
}

#[tokio::test]
async fn context_picker_filters_and_switches() {
    let a = sim_with(vec![namespace("team-a"), pod("team-a", "from-a")]).await;
    let b = sim_with(vec![namespace("team-b"), pod("team-b", "from-b")]).await;
    let mut s = session(
        &kubeconfig(a.addr.port(), b.addr.port(), closed_port()),
        None,
        false,
    )
    .await;
    wait_state(&mut s, "cluster a", |st| live_with(st, "from-a")).await;
    type_text(&mut s, "c");
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("broken") && text.contains("* a"),
        "picker lists contexts, current marked\n{text}"
    );
    type_text(&mut s, "cb");
    s.dispatch(key(crossterm::event::KeyCode::Enter));
    assert_eq!(s.state.target.context, "b", "fuzzy 'cb' matched cluster cb");
    wait_state(&mut s, "cluster b", |st| live_with(st, "from-b")).await;
}

#[tokio::test]
async fn unreachable_and_broken_contexts_never_block_switching_back() {
    let a = sim_with(vec![namespace("team-a"), pod("team-a", "from-a")]).await;
    let b = sim_with(vec![namespace("team-b"), pod("team-b", "from-b")]).await;
    let mut s = session(
        &kubeconfig(a.addr.port(), b.addr.port(), closed_port()),
        None,
        false,
    )
    .await;
    wait_state(&mut s, "cluster a", |st| live_with(st, "from-a")).await;

    command(&mut s, "ctx dead");
    wait_state(&mut s, "the dead cluster reported", |st| matches!(&st.connection, Connection::Reconnecting { error } if error.contains("refused"))).await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("Cannot load pods yet") && !text.contains("Loading pods"),
        "the table says what failed instead of loading forever\n{text}"
    );

    command(&mut s, "ctx broken");
    wait_state(&mut s, "the broken context reported", |st| {
        matches!(st.connection, Connection::Failed { .. })
    })
    .await;
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("kmedic-ca.crt"),
        "the message names the missing file\n{text}"
    );
    assert!(
        text.contains("Cannot load pods: no connection to context broken"),
        "{text}"
    );

    command(&mut s, "ctx plugin");
    wait_state(&mut s, "the failing plugin reported", |st| {
        match &st.connection {
            Connection::Failed { error } | Connection::Reconnecting { error } => {
                error.contains("kmedic-auth-plugin") || error.contains("exec")
            }
            _ => false,
        }
    })
    .await;

    command(&mut s, "ctx a");
    wait_state(&mut s, "back on cluster a", |st| live_with(st, "from-a")).await;
    command(&mut s, "ctx nosuch");
    assert!(screen(&s, 160, 40).contains("no context named 'nosuch'"));
    assert_eq!(s.state.target.context, "a");
}

#[tokio::test]
async fn a_failing_exec_plugin_shows_its_stderr() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let plugin = dir.path().join("sso-login");
    std::fs::write(
        &plugin,
        "#!/bin/sh\necho 'your SSO session expired, run: sso login' >&2\nexit 3\n",
    )
    .expect("plugin");
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let b = sim_with(vec![namespace("team-b"), pod("team-b", "from-b")]).await;
    let config = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: ok\nclusters:\n- name: c\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\nusers:\n- name: u\n  user: {{token: t}}\n- name: sso\n  user:\n    exec: {{apiVersion: client.authentication.k8s.io/v1, command: {plugin}}}\ncontexts:\n- name: ok\n  context: {{cluster: c, user: u}}\n- name: sso\n  context: {{cluster: c, user: sso}}\n",
        port = b.addr.port(),
        plugin = plugin.display()
    );
    let mut s = session(&config, None, true).await;
    wait_state(&mut s, "the first context", |st| live_with(st, "from-b")).await;
    command(&mut s, "ctx sso");
    wait_state(&mut s, "the plugin failure", |st| {
        matches!(st.connection, Connection::Failed { .. })
    })
    .await;
    let text = screen(&s, 200, 40);
    assert!(
        text.contains("sso-login") && text.contains("SSO session expired"),
        "{text}"
    );
}

#[tokio::test]
async fn kubeconfig_edited_on_disk_is_picked_up() {
    let a = sim_with(vec![namespace("team-a"), pod("team-a", "from-a")]).await;
    let b = sim_with(vec![namespace("team-b"), pod("team-b", "from-b")]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config");
    let single = |port: u16, extra: &str| {
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: main\nclusters:\n- name: c\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: main\n  context: {{cluster: c, user: u, namespace: team-a}}\n{extra}"
        )
    };
    std::fs::write(&path, single(a.addr.port(), "")).expect("write");
    let mut s = session_for_file(path.clone(), None, false).await;
    wait_state(&mut s, "cluster a", |st| live_with(st, "from-a")).await;
    assert_eq!(s.state.contexts.len(), 1);

    // A new context appears in the file.
    std::fs::write(
        &path,
        single(
            a.addr.port(),
            "- name: added-later\n  context: {cluster: c, user: u}\n",
        ),
    )
    .expect("write");
    wait_state(&mut s, "the new context", |st| {
        st.contexts.iter().any(|c| c.name == "added-later")
    })
    .await;
    assert!(
        live_with(&s.state, "from-a"),
        "an unrelated change does not reconnect"
    );

    // The current context's cluster moves: kmedic reconnects to the new server.
    std::fs::write(&path, single(b.addr.port(), "")).expect("write");
    let b_server = format!("http://127.0.0.1:{}", b.addr.port());
    wait_state(&mut s, "cluster b after the edit", |st| {
        st.target.server == b_server
            && st.connection == Connection::Live
            && st.kinds.get(&ResourceKind::Pods).is_some_and(|k| k.synced)
    })
    .await;
    assert!(
        pod_names(&s.state).is_empty(),
        "cluster b has nothing in team-a (the namespace is kept)"
    );
    command(&mut s, "ns team-b");
    wait_state(&mut s, "cluster b's pod", |st| live_with(st, "from-b")).await;

    // A broken edit keeps the working configuration and says so.
    std::fs::write(&path, "contexts: [broken\n").expect("write");
    wait_state(&mut s, "the complaint", |st| {
        st.notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("cannot be used"))
    })
    .await;
    assert!(live_with(&s.state, "from-b"));
}
