//! The Troubleshoot view on the simulated cluster: findings arrive in the background, the header
//! badge counts them, root causes come first with symptoms under them, a finding opens its
//! object, and a change in the cluster is re-analysed.

mod support;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::findings::Severity;
use serde_json::json;
use support::*;

fn analysed(state: &kmedic::app::AppState) -> bool {
    state.troubleshoot.analysis.is_some()
}

#[tokio::test]
async fn findings_badge_view_links_and_jump_to_the_object() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "the first analysis", analysed).await;
    let (critical, errors) = s.state.troubleshoot.counts();
    assert!(critical + errors > 0, "the demo has errors");
    let text = screen(&s, 160, 40);
    assert!(
        text.contains(&format!("{errors} errors")) && text.contains("press t"),
        "header badge\n{text}"
    );

    type_text(&mut s, "t");
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    let text = screen(&s, 160, 40);
    for needle in ["Applications (", "OOMKilled", "Why:", "Next steps:", "└"] {
        assert!(text.contains(needle), "view shows {needle:?}\n{text}");
    }
    let summaries: Vec<String> = s
        .state
        .troubleshoot
        .analysis
        .iter()
        .flat_map(|a| a.findings.iter().map(|f| f.summary.clone()))
        .collect();
    assert!(
        summaries
            .iter()
            .any(|m| m.contains("not found") || m.contains("ImagePull")),
        "{summaries:#?}"
    );
    let rows = s.state.troubleshoot.rows();
    assert!(
        rows.iter().any(|r| r.symptom),
        "symptoms are folded under their root causes"
    );
    let analysis = s.state.troubleshoot.analysis.clone().expect("analysis");
    let first = &analysis.findings[rows[0].finding];
    assert!(
        first.severity <= Severity::Error,
        "the most severe root cause comes first: {first:?}"
    );

    // Select the crash-looping pod's finding and open the pod.
    let crash = rows
        .iter()
        .position(|r| {
            analysis.findings[r.finding].object.kind == "Pod"
                && analysis.findings[r.finding].summary.contains("OOM")
        })
        .expect("an OOM finding on a pod");
    for _ in 0..crash {
        s.dispatch(key(KeyCode::Down));
    }
    s.dispatch(key(KeyCode::Enter));
    assert!(
        matches!(s.state.overlay, Some(Overlay::Detail(_))),
        "Enter opens the object"
    );
    wait_for_screen(&mut s, "Last State:").await;

    // Back returns to the findings, with the same finding selected.
    type_text(&mut s, "q");
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    assert_eq!(s.state.troubleshoot.selected, crash, "with its cursor");
    // `t` from a screen opened from Troubleshoot returns to it too.
    s.dispatch(key(KeyCode::Enter));
    type_text(&mut s, "t");
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    assert!(s.state.stack.is_empty(), "nothing piles up beneath");
    // P opens the crashed container's previous logs.
    type_text(&mut s, "P");
    assert!(
        matches!(s.state.overlay, Some(Overlay::Logs(_))),
        "P opens the log pane"
    );
    wait_for_screen(&mut s, "previous").await;

    // Closing the log pane returns to Troubleshoot, where it was opened. Other panes are tabs.
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    type_text(&mut s, "l");
    assert_ne!(s.state.troubleshoot.tab, 0);
}

#[tokio::test]
async fn a_new_failure_is_found_after_the_cluster_changes() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("shop"), false).await;
    wait_state(&mut s, "the first analysis", analysed).await;
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"namespace": "shop", "name": "checkout-typo", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "app", "image": "registry.example/checkout:nope"}]},
        "status": {"phase": "Pending", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
            "image": "registry.example/checkout:nope", "imageID": "",
            "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"registry.example/checkout:nope\""}}}]}
    });
    sim.store().upsert(pod).expect("upsert");
    wait_state(&mut s, "the new failure to be analysed", |st| {
        st.troubleshoot
            .analysis
            .as_ref()
            .is_some_and(|a| a.findings.iter().any(|f| f.object.name == "checkout-typo"))
    })
    .await;
}

#[tokio::test]
async fn the_api_servers_failing_health_check_reaches_the_control_plane_tab() {
    let sim = start_demo().await;
    sim.fail_health_check("etcd", "etcd client connection not yet established");
    let mut s = session(&sim.kubeconfig_yaml(), None, false).await;
    wait_state(&mut s, "the first analysis", analysed).await;
    wait_state(&mut s, "a finding from /livez and /readyz", |st| {
        st.troubleshoot.analysis.as_ref().is_some_and(|a| {
            a.findings.iter().any(|f| {
                f.pane == kmedic::findings::Pane::ControlPlane
                    && f.object.kind == "APIServer"
                    && f.evidence.iter().any(|e| e.value.contains("etcd"))
            })
        })
    })
    .await;
}
