//! Reach in the TUI on the simulated cluster (issue 15): from the Network tab, `R` opens the
//! fuzzy picker, the source pod and the destination Service are picked by typing, and the
//! engine thread answers from its watch-fed snapshot: the demo's NetworkPolicy that blocks DNS
//! egress is the denied hop, named as the deciding policy. From the Pods table, `R` starts
//! from the selected pod.

mod support;

use crossterm::event::KeyCode;
use kmedic::app::overlay::Overlay;
use kmedic::app::troubleshoot::TabKind;
use kmedic::findings::Pane;
use support::*;

fn synced(state: &kmedic::app::AppState) -> bool {
    state.troubleshoot.analysis.is_some()
        && [
            kmedic::model::ResourceKind::Pods,
            kmedic::model::ResourceKind::Services,
        ]
        .iter()
        .all(|k| state.kinds.get(k).is_some_and(|d| d.synced))
}

#[tokio::test]
async fn network_tab_reach_shows_the_policy_that_blocks_dns() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), None, true).await;
    wait_state(&mut s, "pods, Services and the first analysis", synced).await;
    wait_state(&mut s, "the DNS-blocking policy analysed", |st| {
        st.troubleshoot
            .analysis
            .as_ref()
            .is_some_and(|a| a.findings.iter().any(|f| f.check == "netpol-blocks-dns"))
    })
    .await;
    type_text(&mut s, "t");
    while s.state.troubleshoot.current_tab().kind != TabKind::Pane(Pane::Network) {
        type_text(&mut s, "l");
    }
    let text = screen(&s, 160, 40);
    assert!(text.contains("<R> reach"), "the footer offers R:\n{text}");
    // The finding about the policy that blocks DNS: its object is no pod, so both ends are
    // picked.
    let analysis = s.state.troubleshoot.analysis.clone().expect("analysis");
    let at = s
        .state
        .troubleshoot
        .rows()
        .iter()
        .position(|r| analysis.findings[r.finding].check == "netpol-blocks-dns")
        .expect("the demo's DNS-blocking policy is on the Network tab");
    for _ in 0..at {
        type_text(&mut s, "j");
    }
    type_text(&mut s, "R");
    assert!(matches!(s.state.overlay, Some(Overlay::ReachPicker(_))));
    let text = screen(&s, 160, 40);
    assert!(text.contains("Reach from pod"), "{text}");
    type_text(&mut s, "payments-7f5b8c9d6-kx7vq");
    s.dispatch(key(KeyCode::Enter));
    let text = screen(&s, 160, 40);
    assert!(
        text.contains("Reach from payments/payments-7f5b8c9d6-kx7vq to"),
        "{text}"
    );
    type_text(&mut s, "svc/payments/fraud-detector");
    s.dispatch(key(KeyCode::Enter));
    assert!(matches!(s.state.overlay, Some(Overlay::Reach(_))));
    let text = wait_for_screen(&mut s, "verdict:").await;
    assert!(text.contains("verdict: DENIED"), "{text}");
    assert!(text.contains("payments/restrict-egress"), "{text}");
    assert!(text.contains("dns"), "the denied hop: {text}");
    // Back returns to the Network tab.
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
}

#[tokio::test]
async fn pods_table_reach_starts_from_the_selected_pod() {
    let sim = start_demo().await;
    let mut s = session(&sim.kubeconfig_yaml(), Some("shop"), false).await;
    wait_state(&mut s, "pods, Services and the first analysis", synced).await;
    command(&mut s, "pods");
    type_text(&mut s, "/frontend");
    s.dispatch(key(KeyCode::Enter));
    type_text(&mut s, "R");
    let text = screen(&s, 160, 40);
    assert!(text.contains("Reach from shop/frontend-"), "{text}");
    type_text(&mut s, "svc/shop/catalog:8080");
    s.dispatch(key(KeyCode::Enter));
    let text = wait_for_screen(&mut s, "verdict:").await;
    assert!(text.contains("verdict: allowed"), "{text}");
    assert!(text.contains("destination"), "{text}");
}
