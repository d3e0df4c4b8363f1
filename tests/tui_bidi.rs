//! Bidi overrides and isolates (U+202E, U+2066…) in cluster text cannot reorder what the UI
//! shows: the node title, the log pane title and the findings render them visibly, as
//! `<U+202E>`, and no frame ever carries one raw.
#![allow(clippy::unwrap_used)]

#[path = "support/logs_fixtures.rs"]
mod logs_fixtures;
#[path = "support/sim_fixtures.rs"]
mod sim_fixtures;
mod support;

use crossterm::event::KeyCode;
use kmedic::model::ResourceKind;
use logs_fixtures::*;
use serde_json::json;
use sim_fixtures::*;
use support::*;

const NODE: &str = "node-\u{202e}1-evil";
const POD: &str = "web-\u{2066}1";

fn crashing_pod() -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": "default", "name": POD, "labels": {"app": "web"},
            "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"nodeName": NODE, "containers": [{"name": "app", "image": "example/app:1.0"}]},
        "status": {"phase": "Running", "podIP": "10.1.0.7", "startTime": "2026-01-01T00:00:00Z",
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 7,
                "image": "example/app:1.0", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                    "message": "fatal: \u{202e}txt.terces", "finishedAt": "2026-01-01T00:10:00Z"}}}]}
    })
}

fn assert_no_raw_bidi(text: &str) {
    assert!(
        !text
            .chars()
            .any(kmedic::text_safety::is_bidi_or_format_control),
        "a raw bidi control reached the screen:\n{text}"
    );
}

#[tokio::test]
async fn bidi_controls_are_shown_in_titles_and_findings() {
    let sim = start_objects(vec![namespace("default"), node(NODE), crashing_pod()]).await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("default"), false).await;

    // The node's describe title.
    type_text(&mut s, "4");
    wait_state(&mut s, "the node", |st| {
        st.rows(ResourceKind::Nodes)
            .iter()
            .any(|r| r.key.name == NODE)
    })
    .await;
    let table = screen(&s, 160, 40);
    assert!(table.contains("node-<U+202E>1-evil"), "{table}");
    assert_no_raw_bidi(&table);
    // Enter drills down to the node's pods: the breadcrumb shows the name visibly.
    s.dispatch(key(KeyCode::Enter));
    let text = wait_for_screen(&mut s, "node/node-<U+202E>1-evil › Pods").await;
    assert_no_raw_bidi(&text);
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "d");
    let text = wait_for_screen(&mut s, "Node node-<U+202E>1-evil (describe)").await;
    assert_no_raw_bidi(&text);
    s.dispatch(key(KeyCode::Esc));

    // The log pane's title.
    open_pod_logs(&mut s, POD).await;
    let text = wait_for_screen(&mut s, "Logs default/web-<U+2066>1:app").await;
    assert_no_raw_bidi(&text);
    s.dispatch(key(KeyCode::Esc));

    // The findings: the object and its termination message.
    wait_state(&mut s, "the analysis", |st| {
        st.troubleshoot.analysis.is_some()
    })
    .await;
    type_text(&mut s, "t");
    let text = wait_for_screen(&mut s, "Pod/default/web-<U+2066>1").await;
    assert!(text.contains("fatal: <U+202E>txt.terces"), "{text}");
    assert_no_raw_bidi(&text);
}
