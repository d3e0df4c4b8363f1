//! Helpers for the log pane tests: a cluster of pods with logs, writing lines into the
//! simulated cluster, opening the pane through the keymap, and reading the pane's state.

#![allow(dead_code)]

use crossterm::event::KeyCode;
use jiff::Timestamp;
use kmedic::app::AppState;
use kmedic::app::logs_pane::LogsPane;
use kmedic::app::overlay::Overlay;
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use kmedic::sim::RunningSim;
use kmedic::sim::server::ContainerKey;

use super::{key, type_text, wait_state};

pub fn container(ns: &str, pod: &str, container: &str) -> ContainerKey {
    ContainerKey {
        namespace: ns.to_string(),
        pod: pod.to_string(),
        container: container.to_string(),
    }
}

/// Writes `lines` to a container's current log, stamped now.
pub fn write(sim: &RunningSim, key: &ContainerKey, lines: &[String]) {
    let store = sim.store();
    for line in lines {
        store.append_log(key.clone(), Timestamp::now(), line.clone());
    }
}

/// `prefix-0 … prefix-(n-1)`.
pub fn numbered(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}-{i}")).collect()
}

pub fn pane(state: &AppState) -> Option<&LogsPane> {
    match &state.overlay {
        Some(Overlay::Logs(p)) => Some(p),
        _ => None,
    }
}

/// The texts of the pane's buffer, oldest first.
pub fn texts(state: &AppState) -> Vec<String> {
    pane(state)
        .map(|p| p.buffer.iter().map(|s| s.line.text.clone()).collect())
        .unwrap_or_default()
}

pub fn has_line(state: &AppState, text: &str) -> bool {
    pane(state).is_some_and(|p| p.buffer.iter().any(|s| s.line.text == text))
}

/// Shows `kind`, narrows the table to `name` and selects it.
pub async fn select(s: &mut Session, kind: ResourceKind, name: &str) {
    let view_key = match kind {
        ResourceKind::Pods => '1',
        ResourceKind::Deployments => '2',
        ResourceKind::Services => '3',
        _ => '1',
    };
    type_text(s, &view_key.to_string());
    wait_state(s, "the table to list the object", |st| {
        st.rows(kind).iter().any(|r| r.key.name == name)
    })
    .await;
    type_text(s, "/");
    type_text(s, &format!("^{name}$"));
    s.dispatch(key(KeyCode::Enter));
    wait_state(s, "the object to be selected", |st| {
        st.selected_row().is_some_and(|r| r.key.name == name)
    })
    .await;
}

/// Selects pod `name` and opens its logs with the `logs` key (L).
pub async fn open_pod_logs(s: &mut Session, name: &str) {
    select(s, ResourceKind::Pods, name).await;
    type_text(s, "L");
    assert!(pane(&s.state).is_some(), "L opens the log pane");
}
